"""Cases: questions that need a person, with status, assignee, internal notes and the answer."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from assistant.store.records import Owner, new_id, open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (
    case_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    question TEXT NOT NULL,
    answer_id TEXT,
    draft TEXT NOT NULL,
    note TEXT,
    principal TEXT,
    organisation TEXT,
    channel TEXT,
    contact TEXT NOT NULL DEFAULT '{}',
    assignee TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS cases_status ON cases(status, created_at);
CREATE INDEX IF NOT EXISTS cases_principal ON cases(principal, created_at);
CREATE TABLE IF NOT EXISTS case_notes (
    note_id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS case_deliveries (
    delivery_id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    ok INTEGER NOT NULL,
    detail TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS case_answers (
    case_id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    citations TEXT NOT NULL,
    author TEXT NOT NULL,
    publish INTEGER NOT NULL,
    created_at REAL NOT NULL
);
"""
COLUMNS = (
    "case_id, status, question, answer_id, draft, note, principal, organisation, channel, "
    "contact, assignee, created_at, updated_at"
)


# a draft's source whose law, title or section heading contains the text
_IN_SOURCES = (
    "SELECT 1 FROM json_each(cases.draft, '$.citations') AS c WHERE instr(lower("
    "coalesce(json_extract(c.value, '$.law'), '') || ' ' || "
    "coalesce(json_extract(c.value, '$.title'), '') || ' ' || "
    "coalesce(json_extract(c.value, '$.heading'), '')), lower(?)) > 0"
)


class CaseStore:
    """Cases in SQLite beside the records (cases.sqlite3)."""

    def __init__(self, path: Path) -> None:
        self.path = path  # the reports read it too (read-only)
        self._lock = threading.Lock()
        self._conn = open_database(path, SCHEMA)

    def create(
        self,
        question: str,
        answer_id: str | None,
        draft: dict[str, Any],
        note: str | None,
        owner: Owner,
        contact: dict[str, str],
    ) -> str:
        """A new open case; returns its id."""
        case_id = new_id("case")
        now = time.time()
        with self._lock:
            self._conn.execute(
                f"INSERT INTO cases ({COLUMNS}) "
                "VALUES (?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
                (
                    case_id,
                    question,
                    answer_id,
                    json.dumps(draft, ensure_ascii=False),
                    note,
                    owner.principal,
                    owner.organisation,
                    owner.channel,
                    json.dumps(contact, ensure_ascii=False),
                    now,
                    now,
                ),
            )
            self._conn.commit()
        return case_id

    def get(self, case_id: str) -> dict[str, Any] | None:
        """A case with its notes and answer, or None."""
        with self._lock:
            row = self._conn.execute(
                f"SELECT {COLUMNS} FROM cases WHERE case_id = ?", (case_id,)
            ).fetchone()
            if row is None:
                return None
            notes = self._conn.execute(
                "SELECT note_id, author, text, created_at FROM case_notes WHERE case_id = ? "
                "ORDER BY created_at",
                (case_id,),
            ).fetchall()
            deliveries = self._conn.execute(
                "SELECT channel, ok, detail, created_at FROM case_deliveries WHERE case_id = ? "
                "ORDER BY created_at",
                (case_id,),
            ).fetchall()
            answer = self._conn.execute(
                "SELECT text, citations, author, publish, created_at FROM case_answers "
                "WHERE case_id = ?",
                (case_id,),
            ).fetchone()
        case = _case(row)
        case["notes"] = [
            {"note_id": n[0], "author": n[1], "text": n[2], "created_at": n[3]} for n in notes
        ]
        case["deliveries"] = [
            {"channel": d[0], "delivered": bool(d[1]), "detail": d[2], "at": d[3]}
            for d in deliveries
        ]
        case["answer"] = _answer(answer) if answer else None
        return case

    def find(
        self,
        status: str | None = None,
        principal: str | None = None,
        limit: int = 100,
        organisation: str | None = None,
        text: str | None = None,
        before: float | None = None,
    ) -> list[dict[str, Any]]:
        """Cases with their answers, oldest first; filtered by status, who asked (for askers),
        organisation, a topic (text in the question or the draft's sources) and creation before
        a time."""
        clauses: list[str] = []
        args: list[Any] = []
        for clause, value in (
            ("status = ?", status or None),
            ("principal = ?", principal),
            ("organisation = ?", organisation),
            ("created_at <= ?", before),
        ):
            if value is not None:
                clauses.append(clause)
                args.append(value)
        if text:  # in the question, or the law, title or heading of a source of the draft
            clauses.append(f"(instr(lower(question), lower(?)) > 0 OR EXISTS ({_IN_SOURCES}))")
            args += [text, text]
        where = f"WHERE {' AND '.join(clauses)} " if clauses else ""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {COLUMNS} FROM cases {where}ORDER BY created_at LIMIT ?",
                (*args, limit),
            ).fetchall()
            ids = [r[0] for r in rows]
            answers = {
                a[0]: _answer(a[1:])
                for a in self._conn.execute(
                    "SELECT case_id, text, citations, author, publish, created_at "
                    f"FROM case_answers WHERE case_id IN ({', '.join('?' * len(ids))})",
                    ids,
                ).fetchall()
            }
        return [{**_case(r), "answer": answers.get(r[0])} for r in rows]

    def update(self, case_id: str, **fields: Any) -> None:
        """Set status and/or assignee."""
        allowed = {k: v for k, v in fields.items() if k in ("status", "assignee")}
        sets = ", ".join(f"{k} = ?" for k in allowed)
        with self._lock:
            self._conn.execute(
                f"UPDATE cases SET {sets}, updated_at = ? WHERE case_id = ?",
                (*allowed.values(), time.time(), case_id),
            )
            self._conn.commit()

    def add_note(self, case_id: str, author: str, text: str) -> str:
        """An internal note of the advisors; returns its id."""
        note_id = new_id("note")
        with self._lock:
            self._conn.execute(
                "INSERT INTO case_notes VALUES (?, ?, ?, ?, ?)",
                (note_id, case_id, author, text, time.time()),
            )
            self._conn.commit()
        return note_id

    def answer(
        self, case_id: str, text: str, citations: list[dict[str, Any]], author: str, publish: bool
    ) -> None:
        """Store the advisor's answer and mark the case answered (in one transaction)."""
        now = time.time()
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO case_answers VALUES (?, ?, ?, ?, ?, ?)",
                (
                    case_id,
                    text,
                    json.dumps(citations, ensure_ascii=False),
                    author,
                    int(publish),
                    now,
                ),
            )
            self._conn.execute(
                "UPDATE cases SET status = 'answered', updated_at = ? WHERE case_id = ?",
                (now, case_id),
            )
            self._conn.commit()

    def add_delivery(self, case_id: str, channel: str, ok: bool, detail: str) -> None:
        """Log one delivery of the answer (failures stay visible on the case)."""
        with self._lock:
            self._conn.execute(
                "INSERT INTO case_deliveries VALUES (?, ?, ?, ?, ?, ?)",
                (new_id("dlv"), case_id, channel, int(ok), detail, time.time()),
            )
            self._conn.commit()

    def purge(self, older_than_seconds: float) -> int:
        """Delete cases unchanged for the age, with notes, answers and deliveries; the count."""
        cutoff = time.time() - older_than_seconds
        old = "SELECT case_id FROM cases WHERE updated_at < ?"
        with self._lock:
            for table in ("case_notes", "case_answers", "case_deliveries"):
                self._conn.execute(f"DELETE FROM {table} WHERE case_id IN ({old})", (cutoff,))
            deleted = self._conn.execute("DELETE FROM cases WHERE updated_at < ?", (cutoff,))
            self._conn.commit()
        return deleted.rowcount

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()


def _answer(row: tuple[Any, ...]) -> dict[str, Any]:
    return {
        "text": row[0],
        "citations": json.loads(row[1]),
        "author": row[2],
        "publish": bool(row[3]),
        "created_at": row[4],
    }


def topics(draft: dict[str, Any], most: int = 3) -> list[str]:
    """What a case is about: the laws (or, for other documents, titles) its draft cites."""
    found: list[str] = []
    for citation in draft.get("citations") or []:
        name = citation.get("law") or citation.get("title")
        if name and name not in found:
            found.append(str(name))
    return found[:most]


def _case(row: tuple[Any, ...]) -> dict[str, Any]:
    draft = json.loads(row[4])
    return {
        "case_id": row[0],
        "status": row[1],
        "question": row[2],
        "answer_id": row[3],
        "draft": draft,
        "topics": topics(draft),
        "note": row[5],
        "principal": row[6],
        "organisation": row[7],
        "channel": row[8],
        "contact": json.loads(row[9]),
        "assignee": row[10],
        "created_at": row[11],
        "updated_at": row[12],
    }
