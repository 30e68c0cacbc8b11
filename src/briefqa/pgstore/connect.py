"""Connections to the store: a small pool, reconnection with backoff, clear errors.

A question's queries are reads of one generation, whose rows never change, so a read that
fails because the connection dropped (the database restarted, a network blip, a failover) is
simply run again on a new connection, until `retry_seconds` have passed; only then does it
fail, with StoreUnavailableError. A wrong password, a missing database or a missing role are
not retried: StoreAccessError says which. Messages show the URL with its password as ***.

Vectors travel as pgvector's binary format (float32), read into numpy arrays and written from
them, so a stored vector is bit for bit the one the encoder made.
"""

from __future__ import annotations

import contextlib
import logging
import os
import struct
import threading
import time
from dataclasses import dataclass

import numpy as np
import psycopg
from psycopg.adapt import Dumper, Loader
from psycopg.pq import Format

from ..errors import StoreAccessError, StoreUnavailableError
from ..settings import redacted_store

log = logging.getLogger(__name__)

# Refusals that no retry will change (SQLSTATE class 28 and 3D, and libpq's words for them).
_ACCESS_WORDS = ("password authentication failed", "authentication failed",
                 "no password supplied", "does not exist", "permission denied",
                 "no pg_hba.conf entry", "certificate verify failed")
_ACCESS_STATES = ("28000", "28P01", "3D000", "42501")


@dataclass(frozen=True)
class StoreAddress:
    """Where the store is: the URL (with its password) and how it is shown."""

    url: str

    @property
    def shown(self) -> str:
        return redacted_store(self.url)

    @property
    def database(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.url).path.lstrip("/") or "(default database)"


def access_error(address: StoreAddress, exc: BaseException,
                 connecting: bool = True) -> StoreAccessError | None:
    """The refusal in `exc`, as a message that says what to fix; None when it is not one.
    A failed connection is read by its SQLSTATE or libpq's words; a failed query only by its
    SQLSTATE (an undefined table is not a refusal)."""
    state = getattr(exc, "sqlstate", None)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    lowered = str(exc).lower() if connecting else ""
    if state == "28P01" or "password authentication failed" in lowered or \
            "no password supplied" in lowered:
        return StoreAccessError(f"the database at {address.shown} refused the user name or "
                                f"password (check BRIEFQA_STORE): {text}")
    if state == "3D000" or ("database" in lowered and "does not exist" in lowered):
        return StoreAccessError(f"the database {address.database!r} does not exist at "
                                f"{address.shown}; create it (createdb) or fix BRIEFQA_STORE")
    if state in _ACCESS_STATES or any(w in lowered for w in _ACCESS_WORDS):
        return StoreAccessError(f"the database at {address.shown} refused access: {text}")
    return None


def _unavailable(address: StoreAddress, exc: BaseException, waited: float):
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StoreUnavailableError(f"cannot reach the database at {address.shown} (waited "
                                 f"{waited:.0f} s; BRIEFQA_STORE_RETRY_SECONDS): {text}")


# Server shutting down or starting up, connection failures, and transactions the server
# asks to run again.
_RETRY_STATES = ("57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006",
                 "40001", "40P01")


def _retryable(exc: BaseException) -> bool:
    """A dropped or refused connection, or a server shutting down or starting up (not a
    statement that failed on its own: that would fail again)."""
    state = getattr(exc, "sqlstate", None)
    if state in _RETRY_STATES:
        return True
    return state is None and isinstance(exc, (psycopg.OperationalError,
                                              psycopg.InterfaceError))


# ---------------------------------------------------------------------------------------------
# The vector type as float32 arrays


class VectorDumper(Dumper):
    """A 1-d float array as pgvector's binary `vector`: dimension, 0, big-endian float32s."""

    format = Format.BINARY

    def dump(self, obj) -> bytes:
        array = np.asarray(obj, dtype=np.float32).ravel()
        return struct.pack(">HH", array.size, 0) + array.astype(">f4").tobytes()


class VectorBinaryLoader(Loader):
    format = Format.BINARY

    def load(self, data) -> np.ndarray:
        dimension = int.from_bytes(bytes(data[:2]), "big")
        return np.frombuffer(bytes(data), dtype=">f4", count=dimension,
                             offset=4).astype(np.float32)


class VectorTextLoader(Loader):
    format = Format.TEXT

    def load(self, data) -> np.ndarray:
        text = bytes(data).decode("ascii").strip("[]")
        return np.array(text.split(",") if text else [], dtype=np.float32)


def register_vector(conn: psycopg.Connection) -> bool:
    """Read and write `vector` as float32 arrays on this connection; False when the database
    has no pgvector type (yet)."""
    from psycopg.types import TypeInfo

    info = TypeInfo.fetch(conn, "vector")
    if info is None:
        return False
    info.register(conn)  # COPY names it
    dumper = type("BoundVectorDumper", (VectorDumper,), {"oid": info.oid})
    conn.adapters.register_dumper(np.ndarray, dumper)
    conn.adapters.register_loader(info.oid, VectorBinaryLoader)
    conn.adapters.register_loader(info.oid, VectorTextLoader)
    return True


# ---------------------------------------------------------------------------------------------
# The pool


class Store:
    """Connections to one database, pooled; `run(work)` runs `work(conn)` and, when the
    connection drops under it, runs it again on a new one until `retry_seconds` have passed.

    `session` settings are applied to every new connection (for readers: HNSW search width).
    Connections are in autocommit: a reader's statements each see the latest committed data,
    which for one generation's rows never changes; writers open transactions explicitly.
    """

    def __init__(self, url: str, *, retry_seconds: float = 30.0, pool_size: int = 8,
                 session: dict[str, str] | None = None, application: str = "briefqa") -> None:
        self.address = StoreAddress(url)
        self.retry_seconds = retry_seconds
        self.pool_size = pool_size
        self.session = dict(session or {})
        self.application = application
        self._idle: list[psycopg.Connection] = []
        self._lock = threading.Lock()
        self.has_vector = False
        self.reconnects = 0  # connections replaced after a drop (for tests and benchmarks)

    # -- connections --------------------------------------------------------------------------

    def connect(self) -> psycopg.Connection:
        """A new connection, or StoreAccessError / the driver's error (retried by `run`)."""
        try:
            conn = psycopg.connect(self.address.url, autocommit=True, connect_timeout=10,
                                   application_name=self.application)
        except psycopg.Error as exc:
            refused = access_error(self.address, exc)
            if refused is not None:
                raise refused from None
            raise
        try:
            self._register(conn)
            for name, value in self.session.items():
                conn.execute("SELECT set_config(%s, %s, false)", (name, value))
        except Exception:
            conn.close()
            raise
        return conn

    def _register(self, conn: psycopg.Connection) -> None:
        """The vector type's adapters, once the database has the type."""
        registered = register_vector(conn)
        conn.info_vector = registered  # type: ignore[attr-defined]
        self.has_vector = self.has_vector or registered

    def connect_retrying(self) -> psycopg.Connection:
        """A new connection, waiting for the database to come back up to `retry_seconds`."""
        started = time.monotonic()
        delay = 0.1
        while True:
            try:
                return self.connect()
            except StoreAccessError:
                raise
            except Exception as exc:
                waited = time.monotonic() - started
                if not _retryable(exc) or waited >= self.retry_seconds:
                    if _retryable(exc):
                        raise _unavailable(self.address, exc, waited) from None
                    raise
                time.sleep(min(delay, max(0.0, self.retry_seconds - waited)))
                delay = min(delay * 2, 1.0)

    @contextlib.contextmanager
    def connection(self):
        """A pooled connection (a new one when none is idle); returned to the pool after use
        unless it broke or is inside a transaction."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None or conn.closed:
            conn = self.connect_retrying()
        elif not getattr(conn, "info_vector", True) and self.has_vector:
            self._register(conn)  # pgvector was installed after this connection was made
        ok = False
        try:
            yield conn
            ok = True
        finally:
            if ok and not conn.closed and \
                    conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
                with self._lock:
                    if len(self._idle) < self.pool_size:
                        self._idle.append(conn)
                        conn = None
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()

    def run(self, work, *, retry: bool = True):
        """`work(conn)`, run again on a new connection when the connection drops under it
        (reads, and writes that are one transaction, are safe to run again)."""
        started = time.monotonic()
        delay = 0.1
        while True:
            try:
                with self.connection() as conn:
                    return work(conn)
            except StoreAccessError:
                raise
            except Exception as exc:
                if not _retryable(exc):
                    refused = access_error(self.address, exc, connecting=False) \
                        if isinstance(exc, psycopg.Error) else None
                    if refused is not None:
                        raise refused from None
                    raise
                waited = time.monotonic() - started
                if not retry or waited >= self.retry_seconds:
                    raise _unavailable(self.address, exc, waited) from None
                self.reconnects += 1
                log.info("the connection to %s dropped (%s); reconnecting", self.address.shown,
                         str(exc).strip().splitlines()[0] if str(exc).strip() else exc)
                self._drop_idle()
                time.sleep(min(delay, max(0.0, self.retry_seconds - waited)))
                delay = min(delay * 2, 1.0)

    def _drop_idle(self) -> None:
        """After one connection dropped the others probably did too: start afresh."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            with contextlib.suppress(Exception):
                conn.close()

    def close(self) -> None:
        self._drop_idle()

    def __repr__(self) -> str:
        return f"Store({self.address.shown!r})"


def worker_name() -> str:
    """Who a builder is, in the queue table: host and process."""
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"
