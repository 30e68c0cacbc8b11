"""briefqa: grounded, cited answers from the EU AI Factories brief and related documents."""

from .answer import Answer, Citation
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
from .index import RefreshReport, SourceInfo
from .settings import Settings

__all__ = [
    "Answer", "Assistant", "BriefqaError", "Citation", "CorpusError", "DocumentError",
    "IndexDamagedError", "IndexLockedError", "IndexWriteError", "QuestionError",
    "RefreshReport", "Settings", "SourceInfo",
]
__version__ = "0.1.0"
