"""Query understanding: legal references, law names and abbreviations, German synonyms."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.retrieval.addressees import addressees_named
from assistant.retrieval.beyond_laws import beyond_laws
from assistant.retrieval.definitions import definition_term
from assistant.retrieval.land_subjects import first_subjects
from assistant.retrieval.lands import Places, land_qualifier
from assistant.retrieval.rules import normalised, rule_mentions, stands_for
from assistant.store.manifest import law_key_of

# Common names of laws that their official titles do not contain (domain knowledge).
COMMON_NAMES: dict[str, tuple[str, ...]] = {
    "ozg": ("onlinezugangsgesetz", "onlinezugang"),
    "gg": ("grundgesetz",),
    "egovg": ("e-government-gesetz", "egovernment-gesetz", "egov-gesetz"),
    "vwvfg": ("verwaltungsverfahrensgesetz",),
    "ifg": ("informationsfreiheitsgesetz",),
    "bdsg": ("bundesdatenschutzgesetz",),
    "idnrg": ("identifikationsnummerngesetz", "registermodernisierungsgesetz"),
    "pauswg": ("personalausweisgesetz",),
    "erechv": ("e-rechnungsverordnung", "erechnungsverordnung"),
    "geozg": ("geodatenzugangsgesetz",),
    "uig": ("umweltinformationsgesetz",),
    "vgv": ("vergabeverordnung",),
    "bsig": ("bsi-gesetz", "bsig"),
    "de-mail-g": ("de-mail-gesetz",),
    "dsgvo": ("datenschutz-grundverordnung", "datenschutzgrundverordnung", "ds-gvo"),
    # the short titles of indexed laws whose official titles are long forms: without them
    # "Gewaltschutzgesetz" read as a rule outside the sources ("… gehört nicht zu meinen Quellen")
    "sgb10": ("sgb x", "sgb 10", "zehntes buch sozialgesetzbuch", "zehnten buch sozialgesetzbuch"),
    "aufenthg": ("aufenthaltsgesetz",),
    "milog": ("mindestlohngesetz",),
    "aüg": ("arbeitnehmerüberlassungsgesetz",),
    "bgebg": ("bundesgebührengesetz",),
    "gewschg": ("gewaltschutzgesetz",),
    "vig": ("verbraucherinformationsgesetz",),
    "mzg": ("mikrozensusgesetz",),
    "wisszeitvg": ("wissenschaftszeitvertragsgesetz",),
    "fpfzg": ("familienpflegezeitgesetz",),
    "fpstatg": ("finanz- und personalstatistikgesetz",),
    "bkag": ("bundeskriminalamtgesetz", "bka-gesetz"),
    "puag": ("untersuchungsausschussgesetz",),
    "resg": ("reservistengesetz",),
    "stvollzg": ("strafvollzugsgesetz",),
    "müg": ("marktüberwachungsgesetz",),
    "mog": ("marktorganisationsgesetz",),
    "verksig": ("verkehrssicherstellungsgesetz",),
    "bezng": ("bundeseisenbahnneugliederungsgesetz",),
    "flaggrg": ("flaggenrechtsgesetz",),
    "bnv": ("bundesnebentätigkeitsverordnung",),
    "hdlregvfg": ("handelsregisterverordnung",),
    "genregv": ("genossenschaftsregisterverordnung",),
    "stromnev": ("stromnetzentgeltverordnung",),
    "viehverkv": ("viehverkehrsverordnung",),
    "pauswgebv": ("personalausweisgebührenverordnung",),
    "ifggebv": ("informationsgebührenverordnung", "ifg-gebührenverordnung"),
    "uiggebv": ("umweltinformationsgebührenverordnung", "uig-gebührenverordnung"),
    "kaeano": ("konzessionsabgabenanordnung",),
}

# Lexical expansions for short forms staff use ("E-Akte" → "elektronische Akte").
SYNONYMS: dict[str, tuple[str, ...]] = {
    "e-akte": ("elektronische Akte", "elektronische Aktenführung"),
    "e-rechnung": ("elektronische Rechnung", "XRechnung"),
    "xrechnung": ("elektronische Rechnung",),
    "e-government": ("elektronische Verwaltung",),
    "eid": ("elektronischer Identitätsnachweis", "Online-Ausweisfunktion"),
    "online-ausweis": ("elektronischer Identitätsnachweis",),
    "wegwerfen": ("vernichten",),
    "einscannen": ("ersetzendes Scannen", "elektronisches Dokument übertragen"),
    "eingescannte": ("übertragen elektronisches Dokument", "Papieroriginal"),
    "bundid": ("Nutzerkonto des Bundes", "DeutschlandID"),
    "deutschlandid": ("Nutzerkonto des Bundes", "BundID"),
    "open data": ("offene Daten",),
    "datenschutzbeauftragter": ("Datenschutzbeauftragte",),
}

# Question patterns that point at typical section titles of German laws.
INTENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"\b(gilt|gelten|anwendbar|für wen|für welche)\b", ("Geltungsbereich", "Anwendungsbereich")),
    (r"\b(was ist|was sind|was bedeutet|was versteht man|begriff)", ("Begriffsbestimmungen",)),
    (r"\b(zuständig\w*|wer ist für)", ("Zuständigkeit",)),
    (r"\b(ziel|zweck)\b", ("Zweck des Gesetzes",)),
)

# "Gesetz über das Bundesamt für Sicherheit in der Informationstechnik": what the law is about
_SUBJECT = re.compile(r"^(?:gesetz|verordnung)\s+über\s+(?:den|die|das|dem)\s+(.+)$")

# a § or article reference: "§ 3a", "§§ 3", "Paragraph 12a", "Art. 37"
SECTION_RE = re.compile(
    r"(?:§{1,2}|paragraph(?:en)?|par\.|art\.?|artikel|section|sec\.)\s*(\d+\s?[a-z]?)\b",
    re.IGNORECASE,
)


@dataclass
class LawName:
    """One way of naming a law, the key it stands for and a literal every match contains.

    Two-letter abbreviations (GG, AO) only count when written in capitals, as in the text.
    """

    key: str
    variant: str
    short: bool = field(init=False)  # a two-letter abbreviation
    literal: str = field(init=False)  # lower case, except for two-letter abbreviations
    _pattern: re.Pattern[str] | None = None

    def __post_init__(self) -> None:
        self.short = len(self.variant) < 3
        self.literal = (
            self.variant.upper() if self.short else max(self.variant.split("-"), key=len)
        )

    def found_in(self, text: str, lowered: str) -> bool:
        """Cheap filter before the regular expression."""
        return self.literal in (text if self.short else lowered)

    def pattern(self) -> re.Pattern[str]:
        """The compiled pattern (built on first use: thousands of laws, few ever asked about)."""
        if self._pattern is None:
            if self.short:
                self._pattern = re.compile(rf"(?<![\w-]){re.escape(self.literal)}(?![\w-])")
            else:
                escaped = re.escape(self.variant).replace(r"\-", "[- ]?")
                self._pattern = re.compile(
                    rf"(?<![\w-]){escaped}(?:e?s)?(?![\w-])", re.IGNORECASE
                )
        return self._pattern


@dataclass
class ParsedQuery:
    """What the question says beyond its words."""

    text: str
    refs: list[tuple[str, str]] = field(default_factory=list)  # (law key, "§ 3a" | "Art. 37")
    laws: list[str] = field(default_factory=list)
    expansions: list[tuple[str, float]] = field(default_factory=list)
    topic: str = ""  # the question without law names and § references: what it is about
    topic_expansions: list[tuple[str, float]] = field(default_factory=list)
    defines: str | None = None  # the term a "Was ist …?" question wants defined
    # rules it names that no indexed law answers to ("TVöD", "Hundesteuersatzung"), when it
    # names no indexed law; the retriever keeps those the sources never mention
    other_rules: list[str] = field(default_factory=list)
    # those of them named as a Land's ("E-Government-Gesetz unseres Landes"): the rule's name and
    # the Land's names (every Land's when it names none), which sources holding it name beside it
    land_rules: dict[str, tuple[str, Places]] = field(default_factory=dict)
    beyond_laws: str | None = None  # it asks what no law text records (beyond_laws.PRESENT …)
    land_subject: str | None = None  # a subject only Land law rules (land_subjects), by id
    # a matter a federal law outside the bundled ones rules (federal_subjects), by id
    federal_subject: str | None = None
    # the people or bodies it names that some laws apply to and others not (addressees)
    addressees: frozenset[str] = frozenset()


class QueryParser:
    """Recognises laws by abbreviation, title or common name, and § / Art. references."""

    def __init__(self, laws: list[tuple[str, str, str]]) -> None:
        names: dict[str, set[str]] = {}
        self.display: dict[str, str] = {}
        subjects: dict[str, set[str]] = {}
        for _doc_id, jurabk, title in laws:
            key = law_key_of(jurabk)
            self.display.setdefault(key, jurabk)
            names.setdefault(key, set()).update({key, jurabk.lower(), title.lower()})
            subject = law_subject(title)
            if subject:
                subjects.setdefault(subject, set()).add(key)
        for subject, keys in subjects.items():
            if len(keys) == 1:  # a subject several laws share names none of them
                names[next(iter(keys))].add(subject)
        for key, aliases in COMMON_NAMES.items():
            names.setdefault(key, set()).update({key, *aliases})
        self.names = names
        self._known = {variant.lower() for variants in names.values() for variant in variants}
        self._titles = [normalised(v) for key in self.display for v in names[key] if len(v) > 12]
        self._names: list[LawName] = []
        for key, variants in names.items():
            for variant in sorted(variants, key=len, reverse=True):
                if len(variant) < 2 or not variant.strip():
                    continue
                self._names.append(LawName(key, variant.lower()))

    def aliases(self, key: str) -> list[str]:
        """Every known name of a law."""
        return sorted(self.names.get(key, ()))

    def parse(self, text: str) -> ParsedQuery:
        """Find law mentions, section references and lexical expansions."""
        parsed = ParsedQuery(text)
        mentions: list[tuple[int, int, str]] = []
        short: set[tuple[int, int, str]] = set()
        lowered = text.lower()
        for name in self._names:
            if not name.found_in(text, lowered):
                continue
            for match in name.pattern().finditer(text):
                mentions.append((match.start(), match.end(), name.key))
                if name.short:
                    short.add(mentions[-1])
        mentions.sort()
        # "E-Government-Gesetz unseres Landes" names a Land's law, not the indexed federal one
        spans: list[tuple[int, int]] = []  # where the Land's rules stand
        for start, end, key in list(mentions):
            qualifier = land_qualifier(text, start, end)
            if qualifier and key in self.display:
                mentions.remove((start, end, key))
                _add_land_rule(parsed, spans, text, (start, end), qualifier)
        for match in SECTION_RE.finditer(text):
            number = re.sub(r"\s", "", match.group(1)).lower()
            is_article = match.group(0).lower().startswith("art")
            label = f"Art. {number}" if is_article else f"§ {number}"
            law = _nearest_law(match.start(), match.end(), mentions)
            if law:
                parsed.refs.append((law, label))
        # "GG", "AO", "WG": a two-letter abbreviation names a law only next to a § / Art.
        cited = {law for law, _ in parsed.refs}
        mentions = [m for m in mentions if m not in short or m[2] in cited]
        for _, _, key in mentions:
            if key not in parsed.laws:
                parsed.laws.append(key)
        for key in parsed.laws:
            for alias in self.aliases(key):
                if len(alias) <= 40:
                    parsed.expansions.append((alias, 0.5))
        parsed.expansions.extend(_expansions(text))
        topic = text
        for start, end, _ in mentions:
            topic = topic[:start] + " " * (end - start) + topic[end:]
        parsed.topic = SECTION_RE.sub(" ", topic)
        parsed.topic_expansions = _expansions(parsed.topic)
        parsed.defines = definition_term(text)
        if any(key in self.display for key in parsed.laws):
            parsed.land_rules = {}
        else:
            others = self._other_rules(text, mentions, parsed, spans)
            parsed.other_rules = [*parsed.land_rules, *others]
        parsed.beyond_laws = beyond_laws(text)
        parsed.land_subject, parsed.federal_subject = first_subjects(text)
        parsed.addressees = addressees_named(text)
        return parsed

    def _other_rules(
        self,
        text: str,
        mentions: list[tuple[int, int, str]],
        parsed: ParsedQuery,
        spans: list[tuple[int, int]],
    ) -> list[str]:
        """Rules named in text that are not one of the known laws (indexed or common names)."""
        others: list[str] = []
        for start, end, name in rule_mentions(text):
            qualifier = land_qualifier(text, start, end)
            if qualifier:  # a Land's rule: recorded in parsed.land_rules
                _add_land_rule(parsed, spans, text, (start, end), qualifier)
                continue
            if name.lower() in self._known or name in others or stands_for(name, self._titles):
                continue
            if any(s < end and start < e and key in self.display for s, e, key in mentions):
                continue  # part of the name of an indexed law
            others.append(name)
        return others


def _add_land_rule(
    parsed: ParsedQuery,
    spans: list[tuple[int, int]],
    text: str,
    rule: tuple[int, int],
    qualified: tuple[int, int, Places],
) -> None:
    """Record a rule named as a Land's under its name with the words saying so, unless it
    overlaps one recorded already."""
    first, last, places = qualified
    if not any(first < e and s < last for s, e in spans):
        spans.append((first, last))
        parsed.land_rules[text[first:last]] = (text[rule[0] : rule[1]], places)


def law_subject(title: str) -> str | None:
    """The subject a 'Gesetz über das …' title names, when it is a short single phrase."""
    match = _SUBJECT.match(title.strip().lower())
    if not match:
        return None
    subject = match.group(1)
    if len(subject) < 10 or len(subject.split()) > 6 or re.search(r",|\bund\b|\(", subject):
        return None
    return subject


def _expansions(text: str) -> list[tuple[str, float]]:
    """Section-title intents and synonyms the text triggers, with their weights."""
    lowered = text.lower()
    out: list[tuple[str, float]] = []
    for pattern, titles in INTENTS:
        if re.search(pattern, lowered):
            out.extend((title, 0.6) for title in titles)
    for short, long_forms in SYNONYMS.items():
        if re.search(rf"(?<!\w){re.escape(short)}", lowered):
            out.extend((form, 0.5) for form in long_forms)
    return out


def _nearest_law(start: int, end: int, mentions: list[tuple[int, int, str]]) -> str | None:
    """The law named closest after (preferred) or before a § reference, within 60 chars."""
    best: tuple[int, str] | None = None
    for m_start, m_end, key in mentions:
        if m_start >= end:
            distance = m_start - end
        elif m_end <= start:
            distance = start - m_end + 5
        else:
            continue
        if distance <= 60 and (best is None or distance < best[0]):
            best = (distance, key)
    return best[1] if best else None
