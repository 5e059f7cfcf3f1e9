"""Organisations (issue 15, part): an organisation's upload is invisible to every other one."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import ADMIN_KEY, ADVISE_KEY, ASK_B_KEY, ASK_KEY, Server

SECRET_PLAN = (
    "---\ntitle: Haushaltsplanung Aktenlotse\n---\n# Projekt Aktenlotse\n\n"
    "Die Stadt Musterstadt plant für 2027 ein Budget von 4,2 Mio. Euro für die Digitalisierung "
    "ihrer Bauakten im Projekt Aktenlotse. Der Gemeinderat entscheidet im März über die Mittel.\n"
)
QUESTION = "Wie viel Geld ist für das Projekt Aktenlotse zur Digitalisierung der Bauakten geplant?"


def test_an_organisations_upload_never_reaches_another(server: Server) -> None:
    with (
        server.client(ASK_KEY) as town_a,
        server.client(ASK_B_KEY) as town_b,
        server.client(ADVISE_KEY) as advisor,
        server.client(ADMIN_KEY) as admin,
    ):
        upload = town_a.post(
            "/v1/documents",
            files={"files": ("aktenlotse.md", SECRET_PLAN.encode(), "text/markdown")},
        )
        assert upload.status_code == 201, upload.text
        doc_id = upload.json()["results"][0]["doc_id"]
        try:
            listed = admin.get(f"/v1/documents/{doc_id}").json()
            assert (
                listed["visibility"] == "organisation" and listed["organisation"] == "musterstadt"
            )

            def found(client, path: str, body: dict) -> str:  # type: ignore[no-untyped-def]
                response = client.post(path, json=body)
                assert response.status_code == 200, response.text
                return response.text

            search = {"query": QUESTION, "k": 10}
            hits = town_a.post("/v1/search", json=search).json()["results"]
            chunk_id = next(h["chunk_id"] for h in hits if h["source"]["doc_id"] == doc_id)
            assert doc_id in found(advisor, "/v1/search", search)

            chat = {"model": "m", "messages": [{"role": "user", "content": QUESTION}]}
            for text in (
                found(town_b, "/v1/search", search),
                found(town_b, "/v1/ask", {"question": QUESTION}),
                found(town_b, "/v1/ask/stream", {"question": QUESTION}),
                found(town_b, "/v1/chat/completions", chat),
            ):
                assert (
                    doc_id not in text
                    and "4,2 Mio" not in text
                    and "Gemeinderat entscheidet" not in text
                )
            assert town_b.get(f"/web/api/chunks/{chunk_id}").status_code == 404
            assert town_a.get(f"/web/api/chunks/{chunk_id}").status_code == 200
            counts = {
                name: client.get("/web/api/filters").json()["documents"]
                for name, client in (("a", town_a), ("b", town_b))
            }
            assert counts["b"] == counts["a"] - 1
            assert advisor.get(f"/web/files/{doc_id}").status_code == 200
            assert town_b.delete(f"/v1/documents/{doc_id}").status_code == 404
            public = town_b.post(
                "/v1/documents",
                files={"files": ("x.md", b"# X\n\nText.", "text/markdown")},
                data={"visibility": "public"},
            )
            assert public.status_code == 403  # only admins publish
        finally:
            assert town_a.delete(f"/v1/documents/{doc_id}").status_code == 204


BYLAW = (
    "---\ntitle: Hundesteuersatzung Musterstadt\n---\n# Hundesteuersatzung\n\n"
    "Die Hundesteuersatzung der Stadt Musterstadt legt für jeden Hund 120 Euro im Jahr fest. "
    "Für einen zweiten Hund erhebt die Stadt 180 Euro im Jahr.\n"
)
PRIVATE_LAW = (
    "---\nTitle: Hundesteuersatzung Musterstadt\njurabk: HStS Musterstadt\n---\n"
    "# Hundesteuersatzung Musterstadt (HStS Musterstadt)\n\n## § 1 Steuersatz\n\n"
    "Für jeden Hund erhebt die Stadt Musterstadt 120 Euro Hundesteuer im Jahr.\n"
)
Answer = dict[str, Any]
DOG_TAX = {"question": "Wie hoch ist die Steuer für einen Hund nach der Hundesteuersatzung?"}


def _asked_by_both(server: Server, name: str, text: str) -> tuple[Answer, Answer, str]:
    """Town A uploads a file privately, both towns ask about the dog tax, the file goes again."""
    with server.client(ASK_KEY) as town_a, server.client(ASK_B_KEY) as town_b:
        upload = town_a.post(
            "/v1/documents", files={"files": (name, text.encode(), "text/markdown")}
        )
        assert upload.status_code == 201, upload.text
        doc_id = upload.json()["results"][0]["doc_id"]
        try:
            own = town_a.post("/v1/ask", json=DOG_TAX).json()
            other = town_b.post("/v1/ask", json=DOG_TAX).json()
        finally:
            assert town_a.delete(f"/v1/documents/{doc_id}").status_code == 204
    return own, other, doc_id


def test_whether_the_sources_know_a_rule_is_decided_on_what_the_asker_may_see(
    server: Server,
) -> None:
    """Another organisation's upload neither answers nor hints: the rule is 'not in the sources'."""
    own, other, _ = _asked_by_both(server, "hundesteuer.md", BYLAW)
    assert own["rules_not_in_sources"] == []  # its own bylaw is among its sources
    assert other["rules_not_in_sources"] == ["Hundesteuersatzung"]
    assert other["outcome"] == "abstain" and "120 Euro" not in str(other)


def test_a_law_one_organisation_uploads_is_unknown_to_the_others_parser(server: Server) -> None:
    """Its name neither counts as an indexed law nor stops the 'not in the sources' notice."""
    own, other, doc_id = _asked_by_both(server, "hsts.md", PRIVATE_LAW)
    assert own["rules_not_in_sources"] == [] and own["outcome"] != "abstain"
    assert any(c["doc_id"] == doc_id for c in own["citations"])
    assert other["rules_not_in_sources"] == ["Hundesteuersatzung"]
    assert other["outcome"] == "abstain" and "120 Euro" not in str(other)
