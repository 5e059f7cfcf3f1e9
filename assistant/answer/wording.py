"""What the outcomes say, in German and English: the hand-off, its reasons, passages to check."""

from __future__ import annotations

from assistant.retrieval.beyond_laws import DRAFT, EXPERIENCE, OPERATE, PRESENT, RECOMMEND, SETUP

ABSTAIN_TEXT = {
    "de": (
        "Dazu finde ich in meinen Quellen keine verlässliche Antwort. Bitte wenden Sie sich an "
        "die Berater*innen des Kompetenzzentrums Digitale Städte und Regionen."
    ),
    "en": (
        "My sources do not answer this question reliably. Please contact the advisors of the "
        "competence centre for digital cities and regions."
    ),
}
CANDIDATES_INTRO = {
    "de": (
        "Fundstellen zum Prüfen – meine Quellen beantworten die Frage nicht eindeutig; "
        "diese Stellen kommen am ehesten in Betracht:"
    ),
    "en": (
        "Passages to check – my sources do not answer the question unambiguously; these are "
        "the most likely places:"
    ),
}
OTHER_RULES_TEXT = {
    "de": (
        "Ihre Frage nennt eine Regelung, die nicht zu meinen Quellen gehört: {rules}.",
        "Ihre Frage nennt Regelungen, die nicht zu meinen Quellen gehören: {rules}.",
    ),
    "en": (
        "Your question names a rule that is not among my sources: {rules}.",
        "Your question names rules that are not among my sources: {rules}.",
    ),
}


BEYOND_LAWS_TEXT = {
    PRESENT: {
        "de": (
            "Ihre Frage gilt einem aktuellen Stand (Amtsinhaber, Zahlen, geltende Beträge und "
            "Versionen, laufende Programme); den halten die Gesetzestexte in meinen Quellen nicht "
            "fest: Beträge nennen sie nur im Stand ihrer Fassung."
        ),
        "en": (
            "Your question asks for a current state (office holders, figures, amounts and "
            "versions in force, open programmes), which the legal texts among my sources do not "
            "record: they give amounts only as of their own version."
        ),
    },
    SETUP: {
        "de": (
            "Ihre Frage gilt der Einrichtung von Software; dazu sagen die Gesetzestexte in "
            "meinen Quellen nichts."
        ),
        "en": (
            "Your question is about setting up software, which the legal texts among my sources "
            "do not cover."
        ),
    },
    OPERATE: {
        "de": (
            "Ihre Frage gilt dem Betrieb von Software oder dem Weg zu einer Stelle (Version, "
            "Support, Erreichbarkeit); dazu sagen die Gesetzestexte in meinen Quellen nichts."
        ),
        "en": (
            "Your question is about running software or reaching an office (versions, support, "
            "contact), which the legal texts among my sources do not cover."
        ),
    },
    EXPERIENCE: {
        "de": (
            "Ihre Frage gilt Erfahrungen aus der Praxis (was andere Verwaltungen erlebt oder "
            "als erste getan haben); die halten die Gesetzestexte in meinen Quellen nicht fest."
        ),
        "en": (
            "Your question asks about practical experience (what other administrations went "
            "through or did first), which the legal texts among my sources do not record."
        ),
    },
    DRAFT: {
        "de": (
            "Sie bitten um einen Text, der erst geschrieben werden soll (Entwurf, Vorlage, "
            "Anschreiben); meine Quellen enthalten ihn nicht, und ich antworte nur mit belegten "
            "Fundstellen."
        ),
        "en": (
            "You are asking for a text to be written (a draft, template or letter); my sources "
            "do not contain it, and I only answer with cited passages."
        ),
    },
    RECOMMEND: {
        "de": "Sie bitten um eine Produkt- oder Anbieterempfehlung; die geben meine Quellen nicht.",
        "en": (
            "You are asking for a product or provider recommendation, which my sources do not give."
        ),
    },
}
LAND_TEXT = {
    "de": (
        "Ihre Frage bezieht sich auf {land}; die Stellen, die ich in meinen Quellen finde, nennen "
        "{land} nicht (Landesrecht dazu finde ich nicht).",
        "Ihre Frage bezieht sich auf Ihr Bundesland; die Stellen, die ich in meinen Quellen finde, "
        "nennen kein Land (Landesrecht dazu finde ich nicht).",
    ),
    "en": (
        "Your question concerns {land}; the passages I find in my sources do not name {land} "
        "(I find no Land law on it).",
        "Your question concerns your federal state; the passages I find in my sources name no "
        "state (I find no Land law on it).",
    ),
}
# a subject only Land law rules (land_subjects) that no leading passage mentions
LAND_SUBJECT_TEXT = {
    "de": (
        "Ihre Frage gilt einer Sache, die das Landesrecht regelt – {label}{land}; dieses "
        "Landesrecht gehört nicht zu meinen Quellen."
    ),
    "en": (
        "Your question concerns a matter governed by Land law – {label}{land}; that Land law is "
        "not among my sources."
    ),
}
# a matter a federal law outside the sources rules (federal_subjects) that no leading passage
# mentions; {label} is the law's German name with its article ("das Wohngeldgesetz (WoGG)")
FEDERAL_SUBJECT_TEXT = {
    "de": "Ihre Frage gilt einer Sache, die {label} regelt; dieses Recht gehört nicht zu meinen "
    "Quellen.",
    "en": "Your question concerns a matter governed by {label}; that law is not among my sources.",
}
# an answer to a question that names a rule or a matter the sources lack only in its setting
# (session 44), after the lead that names it
ANSWERED_DESPITE_TEXT = {
    "de": "Die Antwort stützt sich nur auf die Vorschriften meiner Quellen.",
    "en": "The answer rests only on the provisions among my sources.",
}
# people or bodies the leading law does not apply to (addressees)
SCOPE_TEXT = {
    "de": (
        "Ihre Frage betrifft {asked}; die Vorschriften, die ich dazu finde ({law}), gelten nur "
        "für {covered}. Für {asked} gilt anderes Recht ({rule}); es gehört nicht zu meinen Quellen."
    ),
    "en": (
        "Your question concerns {asked}; the provisions I find on it ({law}) apply only to "
        "{covered}. Other law governs {asked} ({rule}); it is not among my sources."
    ),
}
# … or about none of the people the leading law is all about
SCOPE_NONE_TEXT = {
    "de": (
        "Die nächstliegenden Vorschriften in meinen Quellen ({law}) gelten nur für {covered}; "
        "um sie geht es in Ihrer Frage nicht."
    ),
    "en": (
        "The closest provisions in my sources ({law}) apply only to {covered}; your question is "
        "not about them."
    ),
}
PRESENT_DATED_TEXT = {
    "de": (
        "Ihre Frage gilt einem aktuellen Stand (Zahlen, Amtsinhaber, laufende Programme); die "
        "nächstliegende Quelle hat Stand {stand} ({title}), aktuelle Angaben finde ich in meinen "
        "Quellen nicht."
    ),
    "en": (
        "Your question asks for a current state (figures, office holders, open programmes); the "
        "closest source is dated {stand} ({title}), and I find no current information in my "
        "sources."
    ),
}
