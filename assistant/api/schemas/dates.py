"""Calendar dates in requests: the pattern and the real-day check."""

from __future__ import annotations

import datetime as dt

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


def real_date(value: str | None) -> str | None:
    """The value when it is a real calendar day (JJJJ-MM-TT), else a validation error."""
    if value is not None:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError("kein gültiges Datum (JJJJ-MM-TT)") from None
    return value
