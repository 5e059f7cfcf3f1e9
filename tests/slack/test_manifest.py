"""The Slack app manifest matches what the bot listens to."""

from __future__ import annotations

import yaml

from tests.conftest import ROOT


def test_manifest_subscribes_to_what_the_bot_handles() -> None:
    manifest = yaml.safe_load((ROOT / "slack" / "manifest.yaml").read_text("utf-8"))
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im"}
    assert settings["interactivity"]["is_enabled"] is True
    urls = {settings["event_subscriptions"]["request_url"],
            settings["interactivity"]["request_url"],
            *(c["url"] for c in manifest["features"]["slash_commands"])}
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/lotse"]
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes == {"app_mentions:read", "chat:write", "commands", "im:history",
                      "reactions:write"}
