"""Signals of doubt: what the calibrated models read about a search (assistant/answer/doubt.py).

Retrieval signals (dense and register similarity, coverage, the section ranker's score, the
question's length), and the rules' findings: a rule or a Land's rule the sources do not contain,
a matter only Land law rules, a Land the leading passages never name, what no law text records,
people the leading law does not apply to.
"""

from __future__ import annotations

from datetime import date, timedelta

from assistant.retrieval.addressees import Mismatch, mismatch
from assistant.retrieval.beyond_laws import DRAFT, EXPERIENCE, OPERATE, PRESENT, RECOMMEND, SETUP
from assistant.retrieval.hybrid import SearchResult
from assistant.retrieval.land_subjects import Subject, subject_by_id
from assistant.retrieval.lands import lands_named, names_land
from assistant.retrieval.results import Hit
from assistant.scoring import logit
from assistant.store.lexical import LexicalIndex
from assistant.store.sentences import sentences

FEATURES = (
    "dense",  # best dense similarity of any candidate, centred
    "lead_dense",  # dense similarity of the leading hit, centred
    "coverage",  # share of the question's idf mass found in the top three passages
    "unknown",  # share of the question's idf mass the corpus has never seen
    "english",
    "register",  # best similarity to a register question, centred (0 without a register, and
    # where the leading source is a law without register questions: one's own upload)
    "margin",  # how far the leading § is ahead of the next one (relative)
    "routed",  # the leading hit's law is the law the question was routed to
    "reference",  # the question cites the leading § explicitly
    "dense_peak",  # how far the best dense similarity stands above the bulk of candidates
    "register_peak",  # … and the best register question's
    "off_topic",  # similarity to the closest example of what the sources do not cover, centred
    # (0 where the leading source is a law without register questions: one's own upload)
    "agreement",  # how many single signals (dense, BM25, title, register) rank the lead first
    "lead_score",  # the section ranker's score of the leading unit
    "score_margin",  # … minus the second unit's
    "lead_logit",  # the section ranker's score of the leading unit as a logit (not saturated)
    "other_rule",  # it names a rule the sources do not contain ("TVöD") and no indexed law
    "setting_only",  # … that rule, or a Land-law matter, stands only in the question's setting,
    # not in a sentence that asks: "Wir wollen nach dem Hundegesetz … Müssen wir vorher anhören?"
    "land_rule",  # … a Land's ("E-Government-Gesetz unseres Landes"): the federal law of the
    # same name does not answer it, however well it matches
    "land",  # it places itself in a Land ("bei uns in Bayern") that the three leading passages
    # never name: municipal constitutions, local elections, Land civil servants are Land law
    "long",  # the question's length in words, up to LONG_WORDS, as a share of it
    "register_long",  # register × long: the register speaks for long everyday questions
    "dense_long",  # dense × long
    "named",  # the question names the law the leading § is from
    "beyond_laws",  # it asks what law texts never record (office holders now, current
    # figures, software set-up) and the three leading passages are law texts, or what no source
    # gives (a document written for it, a product recommended)
    "answerable",  # the scope model's logit: does the question read like those the laws answer
    "answerable_known",  # … 1 where it applies (assistant/retrieval/scope.py: an index holding
    # every law it was fitted on, no filter, the leading passages all from those laws)
)
DENSE_CENTER = 0.85
DENSE_SCALE = 20.0
LONG_WORDS = 30  # a question this long or longer counts as fully long ("long" = 1)
# a document dated within this span may record the present state ("aktuelle Zahlen"); an older
# one records its own date's, and a question about the present then abstains, naming that date
PRESENT_WITHIN = timedelta(days=183)


def query_terms(lexical: LexicalIndex, result: SearchResult) -> dict[str, float]:
    """Analysed query terms (with expansions) and their idf weights."""
    terms: dict[str, float] = {}
    for term in lexical.analyzer.terms(result.parsed.text):
        terms[term] = lexical.idf(term)
    for text, weight in result.parsed.expansions:
        for term in lexical.analyzer.terms(text):
            terms.setdefault(term, lexical.idf(term) * weight)
    return terms


def coverage(lexical: LexicalIndex, terms: dict[str, float], text: str) -> float:
    """Share of the query's idf mass whose terms occur in text."""
    total = sum(terms.values())
    if total <= 0:
        return 0.0
    present = set(lexical.analyzer.terms(text))
    return sum(w for t, w in terms.items() if t in present) / total


def features(
    lexical: LexicalIndex, result: SearchResult, language: str, words: int | None = None
) -> dict[str, float]:
    """The signals both models read (`words`: the length of the question as asked, when the
    query searched is another: a follow-up joined to its anchor, a long input's condensed part)."""
    hits = result.hits
    if not hits:
        return {}
    terms = query_terms(lexical, result)
    top_text = _leading_text(result)
    own = {t: lexical.idf(t) for t in lexical.analyzer.terms(result.parsed.text)}
    unknown = sum(w for t, w in own.items() if t not in lexical.terms) / max(
        sum(own.values()), 1e-9
    )
    lead = hits[0]
    runner = next((h.score for h in hits[1:] if h.score < lead.score - 1e-9), 0.0)
    margin = (lead.score - runner) / lead.score if lead.score > 0 else 0.0
    lead_law = lead.chunk.metadata.get("law")
    lead_key = _key(str(lead_law)) if lead_law else None
    routed = bool(result.laws) and lead_key == result.laws[0]
    register = result.signals.get("register", 0.0)
    # neutral where the leading source is a law without register questions (one's own upload)
    unregistered = result.signals.get("lead_unregistered")
    register_c = (register - DENSE_CENTER) * DENSE_SCALE if register and not unregistered else 0.0
    dense_c = (result.top_dense - DENSE_CENTER) * DENSE_SCALE
    words = len(result.parsed.text.split()) if words is None else words
    subject = subject_unmet(result)
    length = min(words, LONG_WORDS) / LONG_WORDS
    return {
        "long": length,
        "register_long": register_c * length,
        "dense_long": dense_c * length,
        "dense": dense_c,
        "lead_dense": ((lead.dense or result.top_dense - 0.05) - DENSE_CENTER) * DENSE_SCALE,
        "coverage": coverage(lexical, terms, top_text),
        "unknown": unknown,
        "english": 1.0 if language == "en" else 0.0,
        "register": register_c,
        # the documents' register was searched and no law's: an index of documents
        "documents_only": 1.0
        if result.signals.get("document_register") and not result.signals.get("law_register")
        else 0.0,
        "margin": min(margin, 1.0),
        "routed": 1.0 if routed else 0.0,
        # the question names the law the leading § is from ("Gilt das OZG auch für …?")
        "named": 1.0 if lead_key and lead_key in result.parsed.laws else 0.0,
        "reference": 1.0 if lead.reference else 0.0,
        "dense_peak": result.signals.get("dense_peak", 0.0) * DENSE_SCALE,
        "register_peak": result.signals.get("register_peak", 0.0) * DENSE_SCALE,
        # the examples of what the bundled sources lack say nothing about a law of one's own
        "off_topic": (result.signals.get("off_topic", 0.0) - DENSE_CENTER) * DENSE_SCALE
        if result.signals.get("off_topic") and not unregistered
        else 0.0,
        "agreement": _agreement(result),
        "lead_score": result.signals.get("lead_score", 0.0),
        "score_margin": result.signals.get("lead_score", 0.0)
        - result.signals.get("runner_score", 0.0),
        "lead_logit": logit(result.signals.get("lead_score", 0.0)),
        "other_rule": 1.0 if result.parsed.other_rules else 0.0,
        "land_rule": 1.0 if set(result.parsed.other_rules) & set(result.parsed.land_rules) else 0.0,
        "beyond_laws": 1.0 if beyond_laws_met(result) else 0.0,
        "land": 1.0 if land_unmet(result) else 0.0,
        "land_subject": 1.0 if subject and not subject.federal else 0.0,
        # a matter a federal law outside the sources rules (session 44)
        "federal_subject": 1.0 if subject and subject.federal else 0.0,
        "setting_only": 1.0 if named_in_setting(result, subject) else 0.0,
        "scope": 1.0 if scope_unmet(result) else 0.0,
        # the scope model's logit, where it applies
        "answerable": result.signals.get("answerable", 0.0),
        "answerable_known": 1.0 if "answerable" in result.signals else 0.0,
    }


def land_unmet(result: SearchResult) -> set[str]:
    """The Länder the question places itself in ("*": its own, unnamed) when none of the three
    leading passages names them; empty otherwise, and when it names an indexed law ("Gilt das
    Bundesmeldegesetz in Bayern?" asks about the federal law)."""
    if result.parsed.laws:
        return set()
    codes = lands_named(result.parsed.text)
    return codes if codes and not names_land(_leading_text(result), codes) else set()


def subject_unmet(result: SearchResult) -> Subject | None:
    """The subject only Land law rules, else the matter of a federal law outside the bundled
    ones, that the question names (and no indexed law) when none of its three leading passages
    mentions it."""
    if result.parsed.laws:
        return None
    leading = ""
    for subject_id in (result.parsed.land_subject, result.parsed.federal_subject):
        subject = subject_by_id(subject_id) if subject_id else None
        if subject is None:
            continue
        leading = leading or _leading_text(result)
        if not subject.named_in(leading):
            return subject
    return None


def named_in_setting(result: SearchResult, subject: Subject | None) -> bool:
    """Whether the rules the sources lack and the matter they lack (Land or federal law's) the
    question names stand only in its setting, in none of the sentences that ask ("?"): the
    question itself may be one the sources answer ("Bei uns wollen wir nach dem Hundegesetz …
    untersagen. Müssen wir ihn vorher anhören?"), where one that asks about the rule names it
    there ("Wie hoch darf die Hundesteuer nach unserer Satzung sein?"). `subject`: the unmet
    matter, if any."""
    rules = result.parsed.other_rules
    if not rules and subject is None:
        return False
    spans = sentences(result.parsed.text)
    asking = [span for span in spans if "?" in span]
    if not asking or len(asking) == len(spans):
        return False
    named = any(rule in span for rule in rules for span in asking)
    return not named and not (subject is not None and any(map(subject.named_in, asking)))


def scope_unmet(result: SearchResult) -> Mismatch | None:
    """The people or bodies the question is about that the leading §'s law does not apply to
    (a Land's civil servant, the leading law the Bundesbeamtengesetz), when the question names
    neither that law nor anyone it applies to and none of the three leading passages names them;
    or none of the people a law is all about (a Kita's applicant, the leading law the SoldGG)."""
    law = result.hits[0].chunk.metadata.get("law") if result.hits else None
    key = _key(str(law)) if law else None
    if key is None or key in result.parsed.laws:
        return None
    found = mismatch(key, result.parsed.addressees)
    if found is None or (found.asked and found.asked.named_in(_leading_text(result))):
        return None
    return found


def _leading_text(result: SearchResult) -> str:
    """Breadcrumbs and texts of the three leading passages."""
    return " ".join(h.chunk.breadcrumb + " " + h.chunk.text for h in result.hits[:3])


def beyond_laws_met(result: SearchResult, today: date | None = None) -> str | None:
    """What the question asks that the sources never record: a document to be written or a
    product to be recommended (DRAFT, RECOMMEND) always, software set-up or operation (SETUP,
    OPERATE) or others' experience (EXPERIENCE) when its three leading passages are law texts,
    the present state (PRESENT) when none of them records it (law texts never do, a document
    only up to its date); None otherwise."""
    kind = result.parsed.beyond_laws
    leading = result.hits[:3]
    if kind in (DRAFT, RECOMMEND):
        return kind
    if kind in (SETUP, OPERATE, EXPERIENCE) and all(
        hit.chunk.metadata.get("law") for hit in leading
    ):
        return kind
    if kind == PRESENT and leading and not any(_records_present(h, today) for h in leading):
        return kind
    return None


def _records_present(hit: Hit, today: date | None) -> bool:
    """A document dated within the last months, or not dated at all (it may be current)."""
    metadata = hit.chunk.metadata
    if metadata.get("law"):
        return False
    stand = stand_date(metadata.get("stand_num"))
    return stand is None or stand >= (today or date.today()) - PRESENT_WITHIN


def stand_date(number: object) -> date | None:
    """20240724 (a chunk's stand_num) → date(2024, 7, 24); None when absent or not a date."""
    if not isinstance(number, int):
        return None
    try:
        return date(number // 10000, number // 100 % 100, number % 100)
    except ValueError:
        return None


def _key(jurabk: str) -> str:
    from assistant.store.manifest import law_key_of

    return law_key_of(jurabk)


def _agreement(result: SearchResult) -> float:
    """Share of the single rankings that put the leading unit first (independent evidence)."""
    if not result.units:
        return 0.0
    lead = result.units[0][1]
    signals = ("dense_rr", "lexical_rr", "title_rr", "register_rr")
    return sum(lead.get(s, 0.0) >= 1.0 for s in signals) / len(signals)
