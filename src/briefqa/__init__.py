"""briefqa: grounded, cited answers from the EU AI Factories brief and related documents."""

from .answer import Answer, Answerer, Citation, Disagreement, Span
from .assistant import Assistant
from .errors import (
    BriefqaError,
    CorpusError,
    DocumentError,
    IndexDamagedError,
    IndexLockedError,
    IndexWriteError,
    QuestionError,
)
from .extractive import ExtractiveAnswerer
from .index import RefreshReport, SourceInfo
from .question import Question
from .settings import AnswerSettings, Settings

__all__ = [
    "Answer", "Answerer", "AnswerSettings", "Assistant", "BriefqaError", "Citation",
    "CorpusError", "Disagreement", "DocumentError", "ExtractiveAnswerer", "IndexDamagedError",
    "IndexLockedError", "IndexWriteError", "Question", "QuestionError", "RefreshReport",
    "Settings", "SourceInfo", "Span",
]
__version__ = "0.1.0"
