"""Schema: the store's tables, and the checks made before reading or writing them.

  briefqa_store             one row: format, version, dimension, the parameters every vector
                            was made with (model fingerprint, encoder, pipeline) and the
                            generation readers open (`current`)
  briefqa_documents         one row per version of a file: its extracted text, blocks, title,
                            hash; what `named_kinds` needs of its tables, whether it has any
  briefqa_units             its sentence units (offsets, section, page, kind, context) with the
                            unit's vector and its window's (`vector(d)`, HNSW indexes once a
                            generation passes the exact-search size)
  briefqa_postings          BM25's raw material: each unit's terms with their counts and the
                            unit's length (briefqa's own tokens, so scores are today's BM25)
  briefqa_generations       a committed index: unit count, BM25 length statistics, the rarest
                            word, the kinds the corpus names, its manifest
  briefqa_generation_files  which document version each file is in a generation, and the id of
                            its first unit (unit ids run in file order, as in the embedded index)
  briefqa_terms             per generation: each term's document frequency and idf
  briefqa_generation_tables per generation: the corpus's tables for the computed answers (the
                            DuckDB file and catalog `tables.store` builds, with their format
                            and sha256), written in the generation's commit (see `tables`)
  briefqa_builds            builds, running or done; briefqa_queue: the files a build still has
                            to process (their bytes, so builders on other machines need no
                            shared disk), taken with FOR UPDATE SKIP LOCKED

Document, unit and posting rows are never changed once written: a changed file is a new
document row, and a generation only says which rows it is made of. So a reader pinned to a
generation sees the same rows however long it reads, and a writer never blocks it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from psycopg import sql

from ..errors import StoreAccessError, StoreIncompatibleError
from .connect import StoreAddress

FORMAT = "briefqa-pgstore"
VERSION = 2  # 2: the tables of each generation (briefqa_generation_tables)
# One writer at a time: the key of the session advisory lock a writer holds ("briefqa").
WRITER_LOCK = 0x62726965_6671
TABLES = ("briefqa_queue", "briefqa_builds", "briefqa_generation_tables", "briefqa_terms",
          "briefqa_generation_files", "briefqa_generations", "briefqa_postings", "briefqa_units",
          "briefqa_documents", "briefqa_store")
# HNSW graph parameters (pgvector's defaults): recall measured in benchmarks/pgstore.py.
HNSW_M, HNSW_EF_CONSTRUCTION = 16, 64
REBUILD_HINT = "`briefqa index --store ... --rebuild`"

_DDL = """
CREATE TABLE IF NOT EXISTS briefqa_store (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    format text NOT NULL,
    version integer NOT NULL,
    dimension integer NOT NULL,
    params jsonb NOT NULL,
    current bigint,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS briefqa_builds (
    build bigserial PRIMARY KEY,
    state text NOT NULL DEFAULT 'running',
    based_on bigint,
    started_at timestamptz NOT NULL DEFAULT now(),
    owner text NOT NULL
);
CREATE TABLE IF NOT EXISTS briefqa_documents (
    doc_id bigserial PRIMARY KEY,
    build bigint NOT NULL,
    source text NOT NULL,
    sha256 text NOT NULL,
    size bigint NOT NULL,
    mtime_ns bigint NOT NULL,
    content_key text NOT NULL,
    title text NOT NULL,
    format text NOT NULL,
    text text NOT NULL,
    blocks jsonb NOT NULL,
    page_starts jsonb NOT NULL,
    units integer NOT NULL,
    lexical_total bigint NOT NULL,
    kind_columns jsonb NOT NULL,
    kind_titles text[] NOT NULL,
    has_tables boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS briefqa_documents_content ON briefqa_documents (content_key);
CREATE INDEX IF NOT EXISTS briefqa_documents_source ON briefqa_documents (source, sha256);
CREATE TABLE IF NOT EXISTS briefqa_units (
    doc_id bigint NOT NULL REFERENCES briefqa_documents ON DELETE CASCADE,
    position integer NOT NULL,
    section text,
    page integer,
    kind text NOT NULL,
    start_offset integer NOT NULL,
    end_offset integer NOT NULL,
    context_start integer NOT NULL,
    context_end integer NOT NULL,
    text text NOT NULL,
    lexical_length integer NOT NULL,
    embedding vector({dimension}) NOT NULL,
    window_embedding vector({dimension}),
    PRIMARY KEY (doc_id, position)
);
CREATE TABLE IF NOT EXISTS briefqa_postings (
    term text NOT NULL,
    doc_id bigint NOT NULL REFERENCES briefqa_documents ON DELETE CASCADE,
    position integer NOT NULL,
    tf integer NOT NULL,
    length integer NOT NULL,
    PRIMARY KEY (term, doc_id, position)
);
CREATE INDEX IF NOT EXISTS briefqa_postings_doc ON briefqa_postings (doc_id);
CREATE TABLE IF NOT EXISTS briefqa_generations (
    generation bigserial PRIMARY KEY,
    build bigint NOT NULL,
    units bigint NOT NULL,
    files integer NOT NULL,
    lexical_total bigint NOT NULL,
    average_length double precision NOT NULL,
    rarest real NOT NULL,
    named_kinds text[] NOT NULL,
    vector_index text NOT NULL,
    manifest jsonb NOT NULL,
    committed_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS briefqa_generation_files (
    generation bigint NOT NULL REFERENCES briefqa_generations ON DELETE CASCADE,
    source text NOT NULL,
    doc_id bigint NOT NULL REFERENCES briefqa_documents,
    first_unit bigint NOT NULL,
    PRIMARY KEY (generation, source)
);
CREATE UNIQUE INDEX IF NOT EXISTS briefqa_generation_files_first
    ON briefqa_generation_files (generation, first_unit);
CREATE INDEX IF NOT EXISTS briefqa_generation_files_doc
    ON briefqa_generation_files (doc_id, generation);
CREATE TABLE IF NOT EXISTS briefqa_terms (
    generation bigint NOT NULL REFERENCES briefqa_generations ON DELETE CASCADE,
    term text NOT NULL,
    df integer NOT NULL,
    idf real NOT NULL,
    PRIMARY KEY (generation, term)
);
CREATE TABLE IF NOT EXISTS briefqa_generation_tables (
    generation bigint PRIMARY KEY REFERENCES briefqa_generations ON DELETE CASCADE,
    format text NOT NULL,
    inputs text NOT NULL,
    sha256 text NOT NULL,
    tables integer NOT NULL,
    size bigint NOT NULL,
    database bytea NOT NULL,
    catalog bytea NOT NULL
);
CREATE TABLE IF NOT EXISTS briefqa_queue (
    build bigint NOT NULL REFERENCES briefqa_builds ON DELETE CASCADE,
    source text NOT NULL,
    sha256 text NOT NULL,
    size bigint NOT NULL,
    mtime_ns bigint NOT NULL,
    content bytea,
    state text NOT NULL DEFAULT 'todo',
    doc_id bigint,
    reason text,
    worker text,
    finished_at timestamptz,
    PRIMARY KEY (build, source)
);
"""

_HNSW = ("CREATE INDEX IF NOT EXISTS briefqa_units_embedding ON briefqa_units "
         "USING hnsw (embedding vector_ip_ops) WITH (m = {m}, ef_construction = {ef})",
         "CREATE INDEX IF NOT EXISTS briefqa_units_window ON briefqa_units "
         "USING hnsw (window_embedding vector_ip_ops) WITH (m = {m}, ef_construction = {ef})")


@dataclass(frozen=True)
class StoreState:
    """The store's row: what it is and which generation readers open."""

    format: str
    version: int
    dimension: int
    params: dict
    current: int | None


def ensure_pgvector(conn, address: StoreAddress) -> None:
    """pgvector is installed in this database, or is installed now; otherwise a message that
    says who can install it."""
    from psycopg import errors

    if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'").fetchone():
        return
    available = conn.execute("SELECT default_version FROM pg_available_extensions "
                             "WHERE name = 'vector'").fetchone()
    if available is None:
        raise StoreAccessError(
            f"PostgreSQL at {address.shown} has no pgvector extension installed; install "
            f"pgvector 0.8 or later on the server (a managed PostgreSQL lists it as 'vector' "
            f"among its extensions) and run CREATE EXTENSION vector in {address.database!r}")
    try:
        with conn.transaction():
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    except (errors.InsufficientPrivilege, errors.FeatureNotSupported) as exc:
        raise StoreAccessError(
            f"the database {address.database!r} at {address.shown} has no pgvector extension "
            f"and this user may not create it ({str(exc).strip().splitlines()[0]}); ask its "
            f"owner to run CREATE EXTENSION vector in it") from None


def has_pgvector(conn) -> bool:
    return conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'").fetchone() \
        is not None


def read_state(conn) -> StoreState | None:
    """The store's row, or None when this database holds no briefqa store."""
    exists = conn.execute("SELECT to_regclass('briefqa_store') IS NOT NULL").fetchone()[0]
    if not exists:
        return None
    row = conn.execute("SELECT format, version, dimension, params, current "
                       "FROM briefqa_store").fetchone()
    if row is None:
        return None
    return StoreState(row[0], int(row[1]), int(row[2]), _json(row[3]),
                      None if row[4] is None else int(row[4]))


def create_schema(conn, dimension: int, params: dict) -> None:
    """The tables (in one transaction), for vectors of `dimension`, made with `params`."""
    with conn.transaction():
        conn.execute(sql.SQL(_DDL.replace("{dimension}", "{d}")).format(d=sql.Literal(
            int(dimension))))
        conn.execute("INSERT INTO briefqa_store (format, version, dimension, params) "
                     "VALUES (%s, %s, %s, %s) ON CONFLICT (singleton) DO NOTHING",
                     (FORMAT, VERSION, int(dimension), json.dumps(params, sort_keys=True)))


def drop_schema(conn) -> None:
    """Every briefqa table, gone (a rebuild with another model; readers then say so)."""
    with conn.transaction():
        for table in TABLES:
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(
                sql.Identifier(table)))


def ensure_hnsw(conn, windows: bool = True) -> None:
    """The HNSW indexes on unit and window vectors (built once; kept up to date by later
    inserts)."""
    for statement in _HNSW if windows else _HNSW[:1]:
        conn.execute(sql.SQL(statement.replace("{m}", "{m_}").replace("{ef}", "{ef_}")).format(
            m_=sql.Literal(HNSW_M), ef_=sql.Literal(HNSW_EF_CONSTRUCTION)))


def has_hnsw(conn) -> bool:
    return conn.execute("SELECT to_regclass('briefqa_units_embedding') IS NOT NULL").fetchone()[0]


def check_compatible(state: StoreState | None, address: StoreAddress, params: dict,
                     writing: bool = False) -> None:
    """The store can be read (or written) with these parameters; otherwise a message that
    says what differs and what to do."""
    if state is None or (state.current is None and not writing):
        raise StoreIncompatibleError(f"no briefqa index in the database at {address.shown} "
                                     f"yet; build it with `briefqa index --store ...`")
    if state.format != FORMAT or state.version != VERSION:
        raise StoreIncompatibleError(
            f"the store at {address.shown} was made by an incompatible version of briefqa "
            f"(format {state.format} {state.version}, expected {FORMAT} {VERSION}); rebuild it "
            f"with {REBUILD_HINT}")
    theirs, ours = state.params, params
    if theirs.get("model") != ours.get("model"):
        raise StoreIncompatibleError(
            f"the store at {address.shown} was built with another model ({theirs.get('model')};"
            f" this process uses {ours.get('model')}): its sentences and these questions would "
            f"be embedded differently. Use the model it was built with (--model / "
            f"BRIEFQA_MODEL_PATH), or rebuild it with {REBUILD_HINT}")
    if writing and theirs != ours:
        differing = sorted(k for k in {*theirs, *ours} if theirs.get(k) != ours.get(k))
        raise StoreIncompatibleError(
            f"the store at {address.shown} was built with other parameters ({', '.join(differing)}"
            f" differ: {', '.join(f'{k}={theirs.get(k)!r}' for k in differing)}); rebuild it "
            f"with {REBUILD_HINT} to re-embed everything with this version and model")


def _json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value
