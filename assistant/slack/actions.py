"""Action ids of the buttons under an answer, and the reasons a 👎 can name."""

from __future__ import annotations

ACTION_UP = "lotse_feedback_up"
ACTION_DOWN = "lotse_feedback_down"
ACTION_REASON_PREFIX = "lotse_reason_"
ACTION_ADVISOR = "lotse_ask_advisor"
ACTION_SHARE = "lotse_share"
ACTIONS_BLOCK = "lotse_answer_actions"

REASONS: dict[str, str] = {
    "wrong": "Falsch",
    "incomplete": "Unvollständig",
    "wrong_sources": "Falsche Quellen",
    "outdated": "Veraltet",
}
