"""HTTP transport of the Slack bot: /slack/events in the FastAPI app."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request, Response
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.concurrency import run_in_threadpool

from assistant.core import Assistant
from assistant.slack.app import build_slack_app, secret

log = logging.getLogger("assistant.slack")

MAX_BODY_BYTES = 1_000_000


def mount_slack(app: FastAPI, assistant: Assistant) -> None:
    """Mount /slack/events when a signing secret and bot token are configured."""
    settings = assistant.settings
    if not secret(settings.slack_signing_secret) or not secret(settings.slack_bot_token):
        if secret(settings.slack_signing_secret):
            log.warning("Slack: LOTSE_SLACK_BOT_TOKEN fehlt – /slack/events nicht aktiv")
        return
    bolt = build_slack_app(assistant)
    app.state.slack_app = bolt

    @app.post("/slack/events", include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        """Events API, slash commands and interactivity (signature checked by Bolt → 401)."""
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            return Response(status_code=413)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return Response(status_code=413)
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return Response(status_code=400)
        # Bolt acks synchronously and hands slow listeners to its thread pool; dispatch in a
        # worker thread so the event loop never waits for Slack or the answer engine.
        bolt_response = await run_in_threadpool(bolt.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    log.info("Slack: /slack/events aktiv")
