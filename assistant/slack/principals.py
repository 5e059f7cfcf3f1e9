"""Who is asking in Slack: a channel of a workspace is the principal, with its organisation."""

from __future__ import annotations

from assistant.core import Principal
from assistant.domain import Scope


def parse_organisations(spec: str | None) -> dict[str, str]:
    """LOTSE_SLACK_ORGANISATIONS 'T0TEAM:musterstadt,C0CHANNEL:beispielhausen' → mapping."""
    mapping: dict[str, str] = {}
    for entry in (spec or "").split(","):
        key, _, organisation = entry.partition(":")
        if key.strip() and organisation.strip():
            mapping[key.strip()] = organisation.strip()
    return mapping


def principal_for(
    team: str | None, channel: str | None, organisations: dict[str, str] | None = None
) -> Principal:
    """The principal of a Slack channel: who can read the channel sees what is asked there.

    Its organisation comes from LOTSE_SLACK_ORGANISATIONS (the channel first, then the
    workspace); without one, the channel sees public documents only."""
    known = organisations or {}
    organisation = known.get(channel or "") or known.get(team or "")
    return Principal(
        f"slack-{team or 'T'}-{channel or 'none'}", frozenset({Scope.ASK}), organisation, "slack"
    )
