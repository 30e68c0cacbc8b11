"""Errors: the failures a user can cause or meet, each with a message that says what to do."""


class BriefqaError(Exception):
    """Base of every error briefqa raises on purpose; its message is meant for the user."""


class QuestionError(BriefqaError, ValueError):
    """The question cannot be asked as given (empty, or far too long)."""


class DocumentError(BriefqaError):
    """A document cannot be read: unsupported type, binary, encrypted, empty or too large."""


class IndexStateError(BriefqaError):
    """Base of index problems."""


class IndexDamagedError(IndexStateError):
    """The index on disk is incomplete, corrupted, foreign or built by an incompatible version."""


class IndexLockedError(IndexStateError):
    """Another process is writing the index and did not finish in time."""


class IndexWriteError(IndexStateError):
    """The index folder cannot be written (read-only, disk full)."""


class CorpusError(BriefqaError):
    """The corpus folder is missing or holds nothing that can be indexed."""


class SettingsError(BriefqaError, ValueError):
    """A setting has a value it cannot take; the message names the variable and what it
    accepts."""
