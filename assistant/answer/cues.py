"""The cues of a follow-up: pronouns pointing back, fragments, a subject of its own."""

from __future__ import annotations

import re
from collections.abc import Mapping

from assistant.retrieval.query import SECTION_RE

_WORD = re.compile(r"[^\W\d_][\w-]*|\d[\d.,]*|[,;:?!–]")
_LEAD = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|gut|super|prima|danke(?: schön| sehr)?|vielen dank|alles klar|ach ja|"
    r"noch was|noch eine frage|eine frage noch|nachfrage|thanks|thank you|great|ok then|"
    r"one more thing|another question)\b[\s,.:!-]*)+",
    re.IGNORECASE,
)
_CONNECTORS = frozenset("und aber auch oder sowie and but also or so".split())
_PREPOSITIONS = frozenset(
    "in im bei beim für fürs mit ohne nach vor ab unter über zu zum zur von vom an am auf aus "
    "gegenüber for with without at on from after before under over to regarding".split()
)
_QUESTION_WORDS = frozenset(
    "was wer wen wem wie wo wann warum wieso weshalb welche welcher welches welchen welchem "
    "wieviel woher wohin womit wofür what who whom how where when why which".split()
)
_FRAGMENT_OPENERS = re.compile(
    r"^(?:(?:und|aber|auch|oder|and|but|or)\s+)?(?:was ist mit|wie ist es mit|wie sieht es "
    r"(?:mit|bei|aus)|was gilt (?:für|bei)|wie ist das|what about|how about|"
    r"what if|and if|even if|auch wenn|selbst wenn|und wenn|(?:und )?was,? wenn|und falls|falls|"
    r"wenn|umgekehrt|and vice versa|vice versa)\b",
    re.IGNORECASE,
)
# point back on their own ("dafür", "dort", "seine", "trotzdem", "such") …
_STRONG_ANAPHORS = frozenset(
    "dafür dazu davon darauf dabei daran darüber dagegen darin daraus darum dadurch drunter "
    "darunter dahinter daneben davor hierauf hierüber hieran hierunter "
    "drin hierfür hierzu hiervon hierbei stattdessen dort dorthin trotzdem dennoch seine "
    "seinen seinem seiner seines dessen deren derselbe dieselbe dasselbe sowas solche solcher "
    "solches solchen solchem such this these those nevertheless anyway there it they them "
    "deswegen deshalb umgekehrt damals vergleichbar vergleichbare vergleichbaren vergleichbarer "
    "vergleichbares vergleichbarem comparable conversely".split()
)
# "so" before these points back: "so was", "so eine Rechnung" ("such a …")
_SUCH = frozenset("was etwas ein eine einen einem einer eines".split())
_ANAPHORS = _STRONG_ANAPHORS | frozenset(
    "da dies diese dieser dieses diesem diesen er ihn ihm ihnen sie dann vorher zuvor one "
    "ones".split()
)
# asking for more about what was just said: an example, a source, details
_META = re.compile(
    r"\b(?:beispiele?|example|muster|vorlage|template|link|quelle|source|details?|genauer|"
    r"ausführlicher|erklären|erkläre|explain|elaborate|more)\b",
    re.IGNORECASE,
)
_ARTICLES = frozenset("der die das den dem des".split())
# … or only when no noun follows ("das" in "Gilt das auch?" but not in "Was ist das OZG?")
_PRONOUN_IF_ALONE = frozenset("das es der die den dem that".split())
# English possessives point back only when no content word precedes them in the question
# ("Can a municipality publish its gazette online?" is about its own noun)
_ENGLISH_PRONOUNS = frozenset("its their".split())
# … and so does "they" ("require bidders to register before they download …")
_ENGLISH_AFTER_CONTENT = _ENGLISH_PRONOUNS | {"they"}
_ENGLISH_FUNCTION = frozenset(
    "what which when where does did how who whom whose and but also about with from into will "
    "would could should shall have has must then than that there okay thanks still long much "
    "many need want".split()
)
_EXPLETIVE = re.compile(
    r"\b(?:gibt es|es gibt|geht es|es geht|handelt es sich|es sei denn|hat es mit|is there|"
    r"are there|there is|there are|there's)\b",
    re.IGNORECASE,
)
_DEFINITION = re.compile(
    r"^\s*(?:was (?:ist|sind|bedeutet|heißt|macht|versteht man unter)|what (?:is|are|does)|"
    r"wer (?:ist|sind))\s+(?!mit\b|with\b|about\b)(?:der|die|das|ein|eine|the|a|an)?\s*"
    r"[^\W\d_]",
    re.IGNORECASE,
)
# a condition without a main clause: "Was, wenn …?", "Und falls …?", "What if …?"
_CONDITION = re.compile(
    r"^(?:(?:und|aber|and|but)\s+)?(?:(?:was|what),?\s+)?(?:wenn|falls|if)\b"
    r"|^(?:auch|selbst|even)\s+(?:wenn|falls|if)\b",
    re.IGNORECASE,
)
_EXTENSION = re.compile(
    r"\b(?:auch|ebenso|genauso)\s+(?:für|bei|in|im|wenn|an|ab|nach)\b"
    r"|\balso\s+(?:for|apply|in|when)\b|\bas well\b",
    re.IGNORECASE,
)
_FORMAL = frozenset("Sie Ihnen Ihr Ihre Ihren Ihrem Ihrer".split())
# words that are never nouns, to read questions typed all in lower case
_FUNCTION_WORDS = frozenset(
    "auch noch schon denn eigentlich dann mal bitte doch nur ganz sehr so wie was wer wann wo "
    "warum nicht kein keine ist sind war wird werden wurde hat haben kann können muss müssen "
    "darf dürfen soll sollen gilt gelten gibt geht und oder aber für mit bei von zu im in an "
    "auf aus nach über unter vor ab bis ob dass wenn als genau überhaupt jetzt immer".split()
)


def tokenise(text: str, names: Mapping[str, str] | None = None) -> list[str]:
    """Words and punctuation; in a question typed in lower case, the corpus's names get their
    spelling back ('bundid' → 'BundID') and other content words are read as nouns."""
    tokens = _WORD.findall(_LEAD.sub("", text))
    if tokens and _typed_lower(tokens):
        names = names or {}
        tokens = [names.get(t) or _capitalise_noun(t) for t in tokens]
    return tokens


def _typed_lower(tokens: list[str]) -> bool:
    """Typed in lower case but for acronyms ('und welche frist hat die behörde beim UIG?')."""
    return not tokens[0][:1].isupper() and not any(
        t[:1].isupper() and not any(c.isupper() for c in t[1:]) for t in tokens[1:]
    )


def _capitalise_noun(token: str) -> str:
    """In an all lower-case question, content words are read as nouns."""
    if token[:1].isalpha() and len(token) > 3 and token not in _FUNCTION_WORDS:
        return token[:1].upper() + token[1:]
    return token


def _is_noun(token: str, position: int) -> bool:
    """German nouns are capitalised; the first word and formal pronouns do not count."""
    return position > 0 and token[:1].isupper() and token not in _FORMAL


# acronyms that name a department or a trade, not a subject: "zwischen Hauptamt, IT und Kämmerei"
_GENERIC_ACRONYMS = frozenset({"IT", "EDV"})


def _names_subject(token: str) -> bool:
    """An acronym, a name with inner capitals, digits or a hyphen: 'BundID', 'F13', 'E-Akte'."""
    if token in _GENERIC_ACRONYMS:
        return False
    if token[:1].isdigit():
        return len(token) >= 2
    return token[:1].isalpha() and (
        any(c.isupper() or c.isdigit() for c in token[1:])
        or ("-" in token.strip("-") and len(token) > 3)
    )


def _determines(tokens: list[str], i: int) -> bool:
    """Is tokens[i] an article: a noun follows, or an adjective and then a noun, or a number?"""
    following = tokens[i + 1 : i + 3]
    if not following:
        return False
    if _is_noun(following[0], i + 1) or following[0][:1].isdigit():
        return True
    return len(following) == 2 and following[0][:1].isalpha() and _is_noun(following[1], i + 2)


def _points_back(tokens: list[str], strong: bool = False) -> bool:
    """A pronoun or pronominal adverb with no possible antecedent earlier in the question."""
    clause = 0
    clause_of: list[int] = []
    for token in tokens:
        clause += token in {",", ";", ":", "–"}
        clause_of.append(clause)
    for i, token in enumerate(tokens):
        lowered = token.lower()
        following = tokens[i + 1] if i + 1 < len(tokens) else "?"
        vocabulary = _STRONG_ANAPHORS if strong else _ANAPHORS
        anaphor = lowered in vocabulary and not (token == "Sie" and i > 0)
        if lowered == "so" and following.lower() in _SUCH:
            anaphor = True  # "Welches Land hat so was?", "Muss auf so einem Bescheid …?"
        if lowered == "damit" and i > 0 and tokens[i - 1] not in {",", ";", ":", "–"}:
            anaphor = True  # "Was hat X damit zu tun?"; after a comma it is "so that"
        if lowered == "da" and following.lower() not in {"drin", "drunter", "?"}:
            # "da" opening a clause is "because"/"since"; after a verb it points back
            # ("Reicht da nicht eine E-Mail?", "Welche Auflösung ist da vorgeschrieben?")
            anaphor = (
                i > 0
                and tokens[i - 1] not in {",", ";", ":"}
                and (tokens[i - 1].lower() not in _CONNECTORS)
            )
        if not anaphor and not strong and lowered in _PRONOUN_IF_ALONE:
            anaphor = not _determines(tokens, i)  # "Gilt der auch …?", "Wie lange gilt die?"
            if lowered == "that" and following.lower() in {"the", "a", "an"}:
                anaphor = False
        if lowered in _ENGLISH_PRONOUNS and not strong:
            anaphor = True
        if lowered in _ENGLISH_AFTER_CONTENT:
            content = [t for t in tokens[:i] if len(t) > 3 and t.lower() not in _ENGLISH_FUNCTION]
            if content:
                continue  # "Can a municipality publish its gazette online?", "… before they …"
        if not anaphor:
            continue
        earlier = [t for j, t in enumerate(tokens[:i]) if clause_of[j] < clause_of[i]]
        if any(_is_noun(t, j) for j, t in enumerate(earlier)):
            continue  # "Wie melde ich dem BSI einen Vorfall, und geht das anonym?"
        return True
    return False


def _is_fragment(stripped: str, words: list[str]) -> bool:
    """'Und in Bayern?', 'Auch wenn …?', 'What about the deadline?', 'Und Landkreise?'."""
    if _FRAGMENT_OPENERS.match(stripped):
        return True
    if not words:
        return False
    first = words[0].lower()
    rest = words[1:] if first in _CONNECTORS else words
    if first in _CONNECTORS and (not rest or rest[0].lower() in _PREPOSITIONS or len(rest) <= 2):
        return True
    return bool(rest) and rest[0].lower() in _PREPOSITIONS and len(rest) <= 4  # "Ab welcher Größe?"


def features(question: str, names: Mapping[str, str] | None = None) -> dict[str, float]:
    """The cues the follow-up model weighs (names: see tokenise)."""
    stripped = _LEAD.sub("", question).strip()
    # "gibt es" is not a pronoun, but it is a verb: "Gibt es da …?" points back like "Reicht da …?"
    tokens = tokenise(_EXPLETIVE.sub(" gibt ", question), names)
    words = [t for t in tokenise(question, names) if t[:1].isalpha()]
    # an explicit reference names its own subject: "Was regelt § 12 IDNrG?"
    subject = any(_names_subject(t) for t in words) or bool(SECTION_RE.search(question))
    nouns = [t for i, t in enumerate(words) if _is_noun(t, i)]
    long_nouns = [t for t in nouns if len(t) >= 12]
    first = words[0].lower() if words else ""
    condition = bool(_CONDITION.match(stripped))
    extension = bool(_EXTENSION.search(stripped))
    back = _points_back(tokens)
    lowered = [w.lower() for w in words]
    rest = lowered[1:] if first in _CONNECTORS else lowered
    no_question_word = not any(w in _QUESTION_WORDS for w in lowered)
    definite = any(w in _ARTICLES and _determines(words, i) for i, w in enumerate(lowered))
    core = tokens[1:] if tokens and tokens[0].lower() in _CONNECTORS else tokens
    # "Steht das im EGovG?", "Muss das nach OZG 2.0 …?": "das" as the subject, right after the verb
    pronoun_subject = any(
        core[j].lower() in {"das", "dies"} and not _determines(core, j)
        for j in range(1, min(3, len(core)))
    )
    return {
        "fragment": float(_is_fragment(stripped, words)),
        "points_back": float(back),
        "strong_back": float(_points_back(tokens, strong=True)),
        "verbless_tail": float(
            first in _CONNECTORS
            and no_question_word
            and bool(rest)
            and (rest[0] in _ARTICLES or rest[0] in _PREPOSITIONS)
            and len(rest) <= 6
        ),
        "meta": float(bool(_META.search(stripped)) and not subject),
        "definite_generic": float(definite and not subject and not long_nouns),
        "subject": float(subject),
        "long_noun": float(bool(long_nouns)),
        "nouns": min(len(nouns), 4) / 4,
        "short": float(len(words) <= 3),
        "words": min(len(words), 20) / 20,
        "connector": float(first in _CONNECTORS),
        # "Was, wenn …?" opens a condition, not a question of its own
        "question_word_first": float(first in _QUESTION_WORDS and not condition),
        "definition": float(bool(_DEFINITION.match(stripped)) and not back),
        "extension": float(extension and not subject),
        "lowercase_start": float(bool(stripped[:1]) and stripped[:1].islower()),
        "pronoun_subject": float(pronoun_subject),
        "condition": float(condition),
    }
