"""Questions no law text answers: the present state of the world, how to set up, run or repair
software, how to reach an office, a document to be written, a product to be recommended.

Legal texts lay down rules. They never record who is minister today, how many services are
online by now or which funding calls are open ("Wer ist gerade Bundesinnenminister?", "Gibt es
aktuelle Zahlen?", "Gibt es aktuell ein Förderprogramm …?"), nor the value an amount, a rate, a
threshold or a standard's version has now ("Wie hoch ist der Mindestlohn aktuell?"): they state
it as of their own version, and ordinances and announcements change it. They never say how to
configure a mail client or a video tool ("Wie richte ich in Outlook … ein?"), which version of a
program to install, or how to reach a vendor's support or an office ("Wie erreiche ich den
Landesdatenschutzbeauftragten am schnellsten?"), nor what other municipalities experienced or
did first ("Gibt es Erfahrungswerte …?", "Which German city was the first …?"). When such a
question meets only law texts, those cannot answer it, however close its topic looks to a
similarity search; the outcome abstains and says why. A document records the present only up to
its date: a question about the present state abstains as well when the documents it meets are
older than half a year, and the hand-off names their date. A question about who is responsible
or obliged ("Wer ist jetzt zuständig?") asks for a rule and is none of them; nor is "Darf das
Land ein Register einrichten?". Nor do law texts write a press release or a job advert for the
asker ("Kannst du mir eine Stellenanzeige entwerfen?") or recommend a product ("Welches
Terminbuchungstool könnt ihr empfehlen?"); "Können Sie mir sagen, ob wir Bescheide per E-Mail
schreiben dürfen?" asks about a rule.
"""

from __future__ import annotations

import re

PRESENT = "present"  # who holds an office now, current figures
SETUP = "setup"  # how to set up or configure software
OPERATE = "operate"  # which version to run, an error to fix, a vendor's support, an office
EXPERIENCE = "experience"  # what others experienced or did first: practice, not rules
DRAFT = "draft"  # write a document for the asker
RECOMMEND = "recommend"  # recommend a product or provider

_NOW = (
    r"aktuell|derzeit|gerade|momentan|zurzeit|zur\s+zeit|im\s+moment|jetzt|heute|inzwischen|"
    r"mittlerweile|bislang|bisher"
)
# "Wer ist eigentlich gerade Bundesinnenminister?", "Who is the current mayor of Munich?"
_PERSON = re.compile(
    rf"\bwer\s+(?:ist|sind|war)\b[^?.!]{{0,60}}?\b(?:{_NOW})\b"
    r"|\bwho\s+(?:is|are)\s+(?:the\s+)?(?:current|present)\b"
    r"|\bwho\s+(?:is|are|holds)\b[^?.!]{0,60}\b(?:currently|right now|at the moment|today)\b",
    re.IGNORECASE,
)
# "Wie viele Kommunen haben die E-Akte inzwischen eingeführt?", "aktuelle Zahlen", "what
# percentage … currently"
_FIGURES = re.compile(
    r"\b(?:wie\s*viele|how\s+many|what\s+(?:percentage|share|proportion|number))\b[^?]{0,120}?"
    rf"\b(?:{_NOW}|currently|so far|to date|by now|nowadays)\b"
    # "How many ransomware attacks did the BSI record last year?" (session 36)
    r"|\b(?:wie\s*viele|how\s+many)\b[^?]{0,120}?\b(?:last\s+year|letzte[sn]?\s+jahr"
    r"|im\s+(?:letzten|vergangenen)\s+jahr|vergangene[sn]?\s+jahr)\b"
    r"|\b(?:aktuellen?|neuesten?)\s+(?:zahlen|statistik\w*|erhebung\w*|umfrage\w*)\b"
    r"|\b(?:current|latest)\s+(?:numbers?|figures?|statistics?|data)\b",
    re.IGNORECASE,
)
# the value an amount, rate, threshold or version has now, and a body's latest decision (session
# 37): "Wie hoch ist der Mindestlohn aktuell?", "Wie hoch ist der Basiszinssatz derzeit?",
# "What is the current EU threshold …?", "Welche XRechnung-Version ist aktuell verbindlich?",
# "Was hat die Kommission bei ihrem letzten Beschluss festgelegt?"; ordinances, announcements and
# decisions change them, and the law texts state them as of their own version. Fees stay out:
# their ordinances are among the sources ("Wie viel kostet ein Personalausweis aktuell?")
_NOW_WORDS = (
    "aktuell", "derzeit", "momentan", "zurzeit", "zur zeit", "im moment", "right now",
    "currently", "at the moment", "at present", "these days", "nowadays",
)  # fmt: skip
_NOW_STRICT = "|".join(word.replace(" ", r"\s+") for word in _NOW_WORDS)
_VALUE = (
    r"wie\s+hoch|wie\s*viel\s+(?:geld|euro|prozent|cent)|höhe|betrag|beträge|sätze|"
    r"\w*(?:zins|steuer|hebe|beitrags|regel|höchst|mindest)(?:satz|sätze)|\w*schwellenwert\w*|"
    r"[\w-]*version|\w*pauschale|\w*grenzen?|how\s+much|(?:the\s+)?(?:amount|rate|thresholds?|"
    r"level|version|wage)s?"
)
_VALUE_NOW = re.compile(
    # (not when a figure follows: "Steuersatz (aktuell 600 €)" states the value, it does not ask)
    rf"\b(?:{_VALUE})\b[^?.!]{{0,80}}?\b(?:{_NOW_STRICT})\b(?!\s*[\d€$])"
    # words that tell a case's moment before the value ("Wir haben jetzt 9.000 Einwohner, gilt
    # der Höchstsatz?") ask for the present only after it, in the same clause
    rf"|\b(?:{_VALUE})\b[^?.!,]{{0,40}}?\b(?:heute|jetzt|gerade|today|this\s+year|"
    r"(?:in\s+)?diesem\s+jahr|dieses\s+jahr)\b"
    rf"|\b(?:{_NOW_STRICT})\b[^?.!]{{0,40}}?\b(?:{_VALUE})\b"
    r"|\b(?:current|latest|present)\s+(?:[\w-]+\s+){0,2}(?:amounts?|rates?|thresholds?|levels?|"
    r"versions?|wages?|figures?|values?)\b"
    r"|\baktuelle[nrs]?\s+(?:[\w-]+\s+)?(?:höhe|betrag|beträge|\w*(?:zins|steuer|hebe|beitrags|"
    r"regel|höchst|mindest)(?:satz|sätze)|\w*schwellenwerte?|[\w-]*version|\w*pauschale|\w*grenzen?)\b"
    r"|\b(?:letzten|jüngsten|neuesten)\s+beschluss\w*|\bzuletzt\s+(?:beschlossen|festgelegt)\b"
    r"|\b(?:latest|most\s+recent)\s+(?:decision|resolution)\b",
    re.IGNORECASE,
)
_FEE = re.compile(r"gebühr|kostet|kosten\b|\bfees?\b|\bcosts?\b", re.IGNORECASE)
# every form above has one of these words (lower case, single spaces): only then is the
# costlier pattern tried
_VALUE_HINTS = (
    *_NOW_WORDS, "heute", "jetzt", "gerade", "today", "this year", "dieses jahr", "diesem jahr",
    "current", "latest", "present", "beschluss", "beschlossen", "festgelegt", "decision",
    "resolution",
)  # fmt: skip


def _value_now(text: str) -> bool:
    """The value an amount, rate, threshold or version has now (fees aside), or a latest
    decision."""
    low = " ".join(text.lower().split())
    return (
        any(hint in low for hint in _VALUE_HINTS)
        and _VALUE_NOW.search(text) is not None
        and _FEE.search(text) is None
    )


# what is on offer now: "Gibt es aktuell ein Förderprogramm …?", "Welche Dienste hat unser Land
# inzwischen freigegeben?" (funding calls and roll-outs are news, not rules; "Welche Pflichten
# gelten für Behörden, die bisher keine E-Akte führen?" asks about a rule)
_ON_OFFER = re.compile(
    r"\b(?:welche|which)\b[^?.!,]{0,60}\b(?:hat|haben|has|have)\b[^?.!,]{0,40}"
    r"\b(?:inzwischen|mittlerweile|so far|by now)\b"
    rf"|\b(?:gibt es|is there|are there)\s+(?:{_NOW}|currently|right now)\s+(?:\w+\s+){{0,3}}"
    r"\w*(?:förder|funding|grant|aufruf)\w*",
    re.IGNORECASE,
)
# how long things take in practice and who offers a service now (session 36): "Wie lange dauert
# es momentan im Schnitt, bis der Ausweis da ist?", "How long does it currently take …?",
# "Welcher Anbieter bietet De-Mail noch an?", "still offered by any provider"; a time limit a law
# sets is asked without them ("Wie lange hat die Behörde Zeit?")
_PRACTICE_NOW = re.compile(
    r"\bwie\s+lange\s+dauert\s+(?:es|das|die|der|ein|eine)\b[^?.!]{0,80}?\b(?:aktuell|derzeit|"
    r"momentan|zurzeit|gerade|im\s+schnitt|durchschnittlich|in\s+der\s+praxis|erfahrungsgemäß)\b"
    r"|\bhow\s+long\s+does\s+it\s+(?:currently|usually|typically|normally)\s+take\b"
    r"|\bhow\s+long\b[^?.!]{0,60}\b(?:currently|these\s+days|on\s+average|right\s+now|"
    r"at\s+the\s+moment)\b"
    r"|\b(?:welche[rnms]?|which)\s+(?:[\w-]+\s+){0,2}(?:anbieter|providers?|vendors?|hersteller)"
    r"\b[^?.!]{0,60}?\b(?:noch|aktuell|derzeit|heute|still|currently|today)\b"
    r"|\b(?:by|from)\s+any\s+provider\b",
    re.IGNORECASE,
)
# who is responsible, entitled or obliged: a question about a rule
_DUTY = re.compile(
    r"zuständig|verantwortlich|befugt|berechtigt|verpflichtet|responsible|in charge|entitled|"
    r"obliged",
    re.IGNORECASE,
)
# "Wie richte ich in Outlook … ein?", "Welche Einstellungen müssen wir in Teams vornehmen?",
# "How do I set up a calendar in Exchange?"; "Darf das Land ein Register einrichten?" is a rule
_SETUP = re.compile(
    r"\bwie\s+(?:richte|richten|richtet|konfiguriere|konfigurieren|installiere|installieren)\s+"
    r"(?:ich|wir|man|du)\b|\bwelche\s+einstellungen\b"
    r"|\bhow\s+(?:do|can|should)\s+(?:i|we|you)\s+(?:set\s+up|configure|install)\b",
    re.IGNORECASE,
)

# "Welche Mindestversion des Fachverfahrens …?", "Welche Version des XMeld-Standards …?", "Welche
# XRechnung-Version …?" (compounds since session 37), "Welche Servicezeiten hat die Hotline des
# Herstellers?", "Wie verlängern wir das Zertifikat technisch?",
# "Wie erreiche ich den Datenschutzbeauftragten?", "Das Portal zeigt eine Fehlermeldung, woran
# liegt das?"; opening hours and phone numbers are not among them: whether an authority must
# publish them is a rule (EGovG § 3)
_OPERATE = re.compile(
    r"\b(?:welche|which|what)\s+(?:[\w-]+\s+){0,2}[\w-]*version\b|\bmindestversion\b"
    r"|\b(?:minimum|driver)\s+version\b|\bservicezeiten\b|\bhotline\s+des\s+herstellers\b"
    r"|\bwie\s+(?:erreiche|erreichen|kontaktiere|kontaktieren)\s+(?:ich|wir|man)\b"
    r"|\bhow\s+(?:do|can)\s+(?:i|we)\s+(?:reach|contact)\b"
    r"|\bwie\s+\w+\s+(?:wir|ich|man)\s+(?:\w+\s+){0,3}technisch\b"
    # troubleshooting: an error message, what causes it, how to fix it ("Wie beheben wir …"
    # stays out: a Formfehler in a notice is healed by a rule, VwVfG § 45)
    r"|\bfehlermeldung\w*|\berror\s+(?:message|code)s?\b|\bworan\s+(?:liegt|kann)\s+(?:das|es)\b"
    r"|\bwhat\s+causes\s+(?:this|that|it|the\s+(?:error|problem|issue|message))\b"
    r"|\bhow\s+(?:do|can|should)\s+(?:i|we|you)\s+(?:fix|troubleshoot)\b",
    re.IGNORECASE,
)

# "Gibt es Erfahrungswerte, wie lange so eine Migration dauert?", "Welche Erfahrungen haben andere
# Kommunen gemacht?", "Which German city was the first to …?", "typische Stolpersteine", "best
# practice": practice and history, which case studies may record and law texts never do
_EXPERIENCE = re.compile(
    r"\berfahrungs?werte?\b|\berfahrungen\s+(?:mit|gemacht|anderer|aus\s+anderen)\b"
    r"|\b(?:andere|anderen)\s+(?:kommunen|städte|städten|gemeinden|landkreise|verwaltungen|"
    r"behörden)\b[^?.!]{0,60}\b(?:gemacht|umgesetzt|gelöst|erfahrung\w*|gelernt)\b"
    r"|\bwelche\s+(?:stadt|kommune|gemeinde|verwaltung|behörde)\b[^?.!]{0,60}\bals\s+erste\b"
    r"|\bwhich\s+(?:german\s+)?(?:city|town|municipality|authority)\s+was\s+the\s+first\b"
    r"|\bwhat\s+(?:have|did)\s+other\s+(?:cities|towns|municipalities)\b"
    r"|\bbest[- ]practices?\b|\bstolperstein\w*|\blessons\s+learned\b",
    re.IGNORECASE,
)

# asking the assistant itself to do something; the words between may not open a clause of its
# own ("Können Sie mir sagen, ob wir … schreiben dürfen?" asks about a rule)
_YOU = (
    r"(?i:\b(?:kannst du|könntest du|könnt ihr|könntet ihr|können sie|könnten sie|würdest du|"
    r"würdet ihr|würden sie|can you|could you|would you)\b)"
    r"(?:(?!(?i:\b(?:ob|dass|wie|wann|wenn|was|welche[nmrs]?|whether|if|how|what|which|when)\b))"
    r"(?:[^?.!,;]|(?<=\d)[.,](?=\d))){0,100}?"  # "8.000 Einwohner" goes on
)
# the verbs in lower case: "ein Schreiben" is a document, "schreiben" the request
_DRAFT = re.compile(
    rf"{_YOU}\b(?:entwerfen|formulieren|schreiben|aufsetzen|erstellen|verfassen|machen|"
    r"ausarbeiten|(?i:draft|write|compose|prepare))\b"
    r"|^\s*(?:(?i:bitte)\s+)?(?:(?i:entwirf|formuliere|schreib|schreibe|erstelle|verfasse)|"
    r"(?i:please\s+)?(?i:draft|write|compose))\b"
)
_DOCUMENT = re.compile(
    r"\b(?:\w*vorlage|muster\w*|\w*entwurf|\w*text|\w*schreiben|brief|e-?mail|mail|anschreiben|"
    r"stellenanzeige|tagesordnung|pressemitteilung|rede|protokoll|aushang|flyer|folien|template|"
    r"letter|notice|announcement|agenda|job ad(?:vert)?|press release|speech|minutes|slides)\b",
    re.IGNORECASE,
)
_RECOMMEND = re.compile(rf"{_YOU}\b(?i:empfehlen|recommend)\b")
_PRODUCT = re.compile(
    r"(?:tool|software|programm|produkt|anbieter|hersteller|app|system|lösung|dienstleister|"
    r"firma|gerät|laptop|vendor|product|provider|device|restaurant|place|film|hotel)",
    re.IGNORECASE,
)


def beyond_laws(text: str) -> str | None:
    """PRESENT, SETUP, OPERATE, EXPERIENCE, DRAFT or RECOMMEND when a question asks what no
    law text records."""
    if _SETUP.search(text):
        return SETUP
    if _OPERATE.search(text):
        return OPERATE
    if _EXPERIENCE.search(text):
        return EXPERIENCE
    if _DRAFT.search(text) and _DOCUMENT.search(text):
        return DRAFT
    if _RECOMMEND.search(text) and _PRODUCT.search(text):
        return RECOMMEND
    if not _DUTY.search(text) and (
        _PERSON.search(text)
        or _FIGURES.search(text)
        or _ON_OFFER.search(text)
        or _PRACTICE_NOW.search(text)
        or _value_now(text)
    ):
        return PRESENT
    return None
