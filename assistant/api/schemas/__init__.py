"""Request and response models of API v1 (the documented contract)."""

from assistant.api.schemas.answers import (
    AnswerPartOut,
    AskIn,
    AskOut,
    CitationOut,
    FiltersIn,
    SearchIn,
    SearchOut,
    SearchResultOut,
    Source,
    Validity,
    VerifiedOfferOut,
)
from assistant.api.schemas.cases import (
    CaseAnswerIn,
    CaseIn,
    CaseListOut,
    CaseMoveIn,
    CaseNoteIn,
    CaseOut,
)
from assistant.api.schemas.chat import ChatCompletionIn, ChatMessage
from assistant.api.schemas.dates import DATE_PATTERN, real_date
from assistant.api.schemas.documents import (
    DocumentDetailOut,
    DocumentListOut,
    DocumentOut,
    UploadOut,
    UploadResultOut,
)
from assistant.api.schemas.feedback import AnswerRecordOut, FeedbackIn, FeedbackOut
from assistant.api.schemas.reports import (
    GapGroupOut,
    GapOutcomesOut,
    GapsOut,
    UsageOut,
    UsageRowOut,
)
from assistant.api.schemas.sources import SourceOut, SourcesOut, SyncStartedOut
from assistant.api.schemas.verified import RenewIn, VerifiedListOut, VerifiedOut
from assistant.http.errors import ErrorResponse

__all__ = [
    "DATE_PATTERN",
    "AnswerPartOut",
    "AnswerRecordOut",
    "AskIn",
    "AskOut",
    "CaseAnswerIn",
    "CaseIn",
    "CaseListOut",
    "CaseMoveIn",
    "CaseNoteIn",
    "CaseOut",
    "ChatCompletionIn",
    "ChatMessage",
    "CitationOut",
    "DocumentDetailOut",
    "DocumentListOut",
    "DocumentOut",
    "ErrorResponse",
    "FeedbackIn",
    "FeedbackOut",
    "FiltersIn",
    "GapGroupOut",
    "GapOutcomesOut",
    "GapsOut",
    "RenewIn",
    "SearchIn",
    "SearchOut",
    "SearchResultOut",
    "Source",
    "SourceOut",
    "SourcesOut",
    "SyncStartedOut",
    "UploadOut",
    "UploadResultOut",
    "UsageOut",
    "UsageRowOut",
    "Validity",
    "VerifiedListOut",
    "VerifiedOfferOut",
    "VerifiedOut",
    "real_date",
]
