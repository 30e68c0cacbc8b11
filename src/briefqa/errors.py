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


class StoreError(IndexStateError):
    """Base of PostgreSQL store problems (BRIEFQA_STORE); the message never shows the
    password."""


class StoreUnavailableError(StoreError):
    """The database cannot be reached (down, restarting, network), and did not come back within
    BRIEFQA_STORE_RETRY_SECONDS."""


class StoreAccessError(StoreError):
    """The database refuses us or lacks what briefqa needs: a wrong password, a missing
    database, no pgvector extension, no right to create the tables."""


class IndexReplacedError(StoreError):
    """The store's generation a reader was pinned to was collected while it read (two newer
    ones were committed meanwhile); the question is asked again of the newest."""


class StoreIncompatibleError(StoreError):
    """The store holds no index yet, or one built with another model, encoder or version of
    briefqa: questions would be embedded differently from its sentences."""
