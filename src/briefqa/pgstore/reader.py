"""Reader: one generation of the store, read the way answering reads an `IndexData`.

`PgIndex` has the attributes and methods answering uses (`units`, `documents`, `bm25`,
`named_kinds`, `proper_names`, `writes`, `unit_words`, `vectors_for`, `window_vectors_for`,
`dense_ranking`, `lexical_ranking`, `sources`, `manifest`, and for the computed answers
`tables` and `unit_starting`), but holds no index: units, their vectors and documents are
fetched by id when first asked for and kept in bounded caches (a fetched unit brings its
neighbours, which answering reads next). A process serving questions therefore needs the
same memory whatever the corpus's size. The generation's tables are written once into the
local folder from the store (`pgstore.tables`), and DuckDB reads them there.

A reader is pinned to the generation it opened; that generation's rows never change. `latest`
gives the reader of the newest committed generation (the same object when nothing changed),
and a reader whose generation was collected meanwhile says so (IndexReplacedError), so the
question is asked again of the newest.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..chunk import Unit, unit_words_text
from ..document import Block, Document
from ..errors import IndexReplacedError, StoreError, StoreUnavailableError
from ..lexical import words
from ..settings import Settings
from ..store import LexicalRanking, SourceInfo, proper_names_of, row_name_words, written_pattern
from . import schema, search
from .connect import Store

UNIT_CACHE = 20_000  # units with their vectors (about 3 KB each with MiniLM's 384 floats)
DOCUMENT_CACHE_CHARS = 32 << 20  # documents' text
TERM_CACHE = 100_000
NEIGHBOURS = 1  # a fetched unit brings this many units each side

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Generation:
    """A committed generation's row."""

    generation: int
    units: int
    files: int
    average_length: float
    rarest: float
    named_kinds: frozenset[str]
    vector_index: str
    manifest: dict


class _LRU:
    """A bounded least-recently-used map, safe across threads; `cost` weighs entries."""

    def __init__(self, capacity: int, cost=lambda value: 1) -> None:
        self.capacity = capacity
        self.cost = cost
        self.used = 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, default=None):
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key, value) -> None:
        with self._lock:
            if key in self._items:
                self.used -= self.cost(self._items.pop(key))
            self._items[key] = value
            self.used += self.cost(value)
            while self.used > self.capacity and len(self._items) > 1:
                _, dropped = self._items.popitem(last=False)
                self.used -= self.cost(dropped)

    def __len__(self) -> int:
        return len(self._items)


@dataclass
class _Row:
    unit: Unit
    vector: np.ndarray
    window: np.ndarray | None


class Units(Sequence):
    """The generation's units by id, fetched on demand."""

    def __init__(self, index: PgIndex) -> None:
        self._index = index

    def __len__(self) -> int:
        return self._index.generation.units

    def __getitem__(self, unit_id):
        if isinstance(unit_id, slice):
            return [self[i] for i in range(*unit_id.indices(len(self)))]
        unit_id = int(unit_id)
        if unit_id < 0:
            unit_id += len(self)
        if not 0 <= unit_id < len(self):
            raise IndexError(f"unit {unit_id} is not in this index ({len(self)} units)")
        return self._index._rows([unit_id])[unit_id].unit

    def __iter__(self):
        """Every unit in order, fetched in batches without their vectors (what reading the
        whole text, as the computed answer's search for figures in prose does, needs)."""
        step = 2000
        index = self._index
        generation = index.generation.generation
        for first in range(0, len(self), step):
            ids = list(range(first, min(first + step, len(self))))
            units = index.store.run(lambda conn, ids=ids: _unit_texts(conn, generation, ids))
            if len(units) < len(ids):
                index._check_alive()
                raise StoreError(f"units of generation {generation} are missing from the "
                                 f"store at {index.store.address.shown}; it may be damaged: "
                                 f"{schema.REBUILD_HINT}")
            for i in ids:
                yield units[i]


class LazyDocument(Document):
    """A document whose text and blocks are fetched when first read (its title, format and
    page starts come with it)."""

    def __init__(self, source: str, title: str, format: str, page_starts, loader) -> None:
        self.source, self.title, self.format = source, title, format
        self.page_starts = [tuple(p) for p in page_starts]
        self._loader = loader
        self._body = None

    def _load(self):
        if self._body is None:
            self._body = self._loader()
        return self._body

    @property
    def text(self) -> str:
        return self._load()[0]

    @property
    def blocks(self) -> list[Block]:
        return self._load()[1]

    @property
    def loaded_chars(self) -> int:
        return len(self._body[0]) if self._body is not None else 0


class Documents(Mapping):
    """The generation's documents by source, fetched on demand."""

    def __init__(self, index: PgIndex) -> None:
        self._index = index
        self._cache = _LRU(DOCUMENT_CACHE_CHARS, cost=lambda d: 1000 + d.loaded_chars)

    def __getitem__(self, source: str) -> Document:
        found = self._cache.get(source)
        if found is not None:
            return found
        index = self._index
        row = index.store.run(lambda conn: conn.execute(
            "SELECT d.doc_id, d.title, d.format, d.page_starts FROM briefqa_generation_files f "
            "JOIN briefqa_documents d ON d.doc_id = f.doc_id "
            "WHERE f.generation = %s AND f.source = %s",
            (index.generation.generation, source)).fetchone())
        if row is None:
            index._check_alive()
            raise KeyError(source)
        doc_id = int(row[0])
        document = LazyDocument(source, row[1], row[2], row[3] or [],
                                lambda: self._body(doc_id, source))
        self._cache.put(source, document)
        return document

    def _body(self, doc_id: int, source: str):
        text, blocks = self._index.store.run(lambda conn: conn.execute(
            "SELECT text, blocks FROM briefqa_documents WHERE doc_id = %s",
            (doc_id,)).fetchone())
        body = (text, [Block(**b) for b in blocks])
        document = self._cache.get(source)
        if document is not None:  # weigh it again with its text
            self._cache.put(source, document)
        return body

    def __iter__(self):
        return iter(self._index._sources())

    def __len__(self) -> int:
        return self._index.generation.files

    def __contains__(self, source) -> bool:
        try:
            self[source]
        except KeyError:
            return False
        return True


class LexicalStats:
    """What answering reads of BM25 besides the ranking: how rare a word is."""

    def __init__(self, index: PgIndex) -> None:
        self._index = index
        self._idf = _LRU(TERM_CACHE)

    @property
    def rarest(self) -> float:
        return self._index.generation.rarest

    def prefetch(self, terms) -> None:
        wanted = [t for t in set(terms) if self._idf.get(t) is None]
        if not wanted:
            return
        index = self._index
        found = index.store.run(lambda conn: search.term_idf(
            conn, index.generation.generation, wanted))
        for term in wanted:
            self._idf.put(term, found.get(term, 0.0))

    def begins_a_word(self, prefix: str) -> bool:
        """Whether a word of the corpus begins with `prefix`."""
        index = self._index
        return index.store.run(lambda conn: search.begins_a_term(
            conn, index.generation.generation, prefix))

    def document_frequency(self, token: str) -> float:
        """How rare a token is, as idf; 0 when the corpus never uses it."""
        value = self._idf.get(token)
        if value is None:
            self.prefetch([token])
            value = self._idf.get(token, 0.0)
        return float(value)


@dataclass
class PgIndex:
    """One generation of a PostgreSQL store, read as answering reads an IndexData."""

    store: Store
    generation: Generation
    settings: Settings
    _cache: _LRU = field(default_factory=lambda: _LRU(UNIT_CACHE), repr=False)
    _words: _LRU = field(default_factory=lambda: _LRU(UNIT_CACHE), repr=False)
    _tables: object = field(default=None, repr=False)
    _tables_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _written: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.units = Units(self)
        self.documents = Documents(self)
        self.bm25 = LexicalStats(self)
        self.named_kinds = self.generation.named_kinds
        self.folder = Path(self.settings.index_dir)
        self.manifest = {**self.generation.manifest,
                         "store": self.store.address.shown,
                         "generation": self.generation.generation,
                         "units": self.generation.units,
                         "vector_index": self.generation.vector_index}

    @property
    def dimension(self) -> int:
        return int(self.manifest["dimension"])

    @property
    def exact(self) -> bool:
        """Exact search (the generation is small enough), or HNSW."""
        return self.generation.vector_index != "hnsw"

    # -- searching ----------------------------------------------------------------------------

    def dense_ranking(self, query_vector: np.ndarray, k: int) -> list[int]:
        found = self.store.run(lambda conn: search.dense_rows(
            conn, self.generation.generation, query_vector, k, self.exact))
        return search.dense_ranking(found, query_vector, k)

    def lexical_ranking(self, query: str, k: int, also=()) -> LexicalRanking:
        g = self.generation
        self.bm25.prefetch(words(query))
        return self.store.run(lambda conn: search.lexical_ranking(
            conn, g.generation, g.average_length, g.units, query, k, also, self.exact))

    # -- units and vectors --------------------------------------------------------------------

    def vectors_for(self, ids) -> np.ndarray:
        if not len(ids):
            return np.zeros((0, self.dimension), dtype=np.float32)
        rows = self._rows(ids)
        return np.vstack([rows[int(i)].vector for i in ids])

    def window_vectors_for(self, ids) -> np.ndarray:
        """Each unit's window vector, or its own vector where its window is itself."""
        if not len(ids):
            return np.zeros((0, self.dimension), dtype=np.float32)
        rows = self._rows(ids)
        return np.vstack([rows[int(i)].vector if rows[int(i)].window is None
                          else rows[int(i)].window for i in ids])

    def unit_words(self, unit_id: int) -> frozenset[str]:
        """The content words a unit offers a question (section included)."""
        found = self._words.get(unit_id)
        if found is None:
            found = frozenset(words(unit_words_text(self.units[unit_id])))
            self._words.put(unit_id, found)
        return found

    def _rows(self, ids) -> dict[int, _Row]:
        """The rows of these units, from the cache or fetched (with their neighbours)."""
        out, missing = {}, []
        for i in ids:
            i = int(i)
            row = self._cache.get(i)
            if row is None:
                missing.append(i)
            else:
                out[i] = row
        if missing:
            wanted = sorted({j for i in missing for j in range(i - NEIGHBOURS, i + NEIGHBOURS + 1)
                             if 0 <= j < self.generation.units})
            out.update({i: r for i, r in self._fetch(wanted).items() if i in set(missing)})
        return out

    def _fetch(self, ids: list[int], cache: bool = True) -> dict[int, _Row]:
        generation = self.generation.generation
        rows = self.store.run(lambda conn: _unit_rows(conn, generation, ids))
        if len(rows) < len(set(ids)):
            self._check_alive()
            missing = sorted(set(ids) - set(rows))[:5]
            raise StoreError(f"units {missing} of generation {generation} are missing from the "
                             f"store at {self.store.address.shown}; it may be damaged: "
                             f"{schema.REBUILD_HINT}")
        if cache:
            for i, row in rows.items():
                self._cache.put(i, row)
        return rows

    # -- the corpus ---------------------------------------------------------------------------

    def sources(self) -> list[SourceInfo]:
        rows = self.store.run(lambda conn: conn.execute(
            "SELECT f.source, d.title, d.units, d.size, d.format FROM briefqa_generation_files "
            "f JOIN briefqa_documents d ON d.doc_id = f.doc_id WHERE f.generation = %s",
            (self.generation.generation,)).fetchall())
        if not rows:
            self._check_alive()
        return sorted((SourceInfo(r[0], r[1], int(r[2]), int(r[3]), r[4]) for r in rows),
                      key=lambda s: s.source)

    def _sources(self) -> list[str]:
        return [s.source for s in self.sources()]

    # -- tables -------------------------------------------------------------------------------

    @property
    def tables(self):
        """The generation's tables (`tables.store.TableCatalog`), written into the local
        folder from the store on first use (see `pgstore.tables`)."""
        with self._tables_lock:
            if self._tables is None:
                from ..tables.store import TableCatalog
                from .tables import CACHE_FOLDER, open_catalog

                g = self.generation.generation
                try:
                    catalog = open_catalog(self.store, g, self.folder)
                except StoreUnavailableError:
                    raise  # the database is down: the question's own error says so
                except Exception as exc:  # any other fault costs only the tables
                    log.warning("the tables of generation %s of the store at %s cannot be "
                                "read (%s); table questions get the ordinary answer", g,
                                self.store.address.shown, exc)
                    catalog = None
                if catalog is None:
                    self._check_alive()
                    log.warning("generation %s of the store at %s has no tables; table "
                                "questions get the ordinary answer", g,
                                self.store.address.shown)
                    catalog = TableCatalog(self.folder / CACHE_FOLDER, [])
                self._tables = catalog
            return self._tables

    # -- names --------------------------------------------------------------------------------

    @functools.cached_property
    def proper_names(self) -> frozenset[str]:
        """As `IndexData.proper_names`: the tables' row names the documents write as names,
        their units' texts read once, streamed, counting only those names."""
        catalog = self.tables
        if not row_name_words(catalog):
            return frozenset()
        g = self.generation.generation

        def texts(conn):
            return proper_names_of(catalog, (row[0] for row in conn.cursor().stream(
                "SELECT u.text FROM briefqa_generation_files f JOIN briefqa_units u "
                "ON u.doc_id = f.doc_id WHERE f.generation = %s", (g,))))
        return self.store.run(texts)

    def writes(self, name: str) -> bool:
        """As `IndexData.writes`: does a unit of the generation write this code-like name, or
        its two words apart? Asked of the store, each name once."""
        key = name.lower()
        if key not in self._written:
            pattern = written_pattern(key)
            g = self.generation.generation
            self._written[key] = bool(self.store.run(lambda conn: conn.execute(
                "SELECT EXISTS (SELECT 1 FROM briefqa_generation_files f JOIN briefqa_units u "
                "ON u.doc_id = f.doc_id WHERE f.generation = %s AND lower(u.text) ~ %s)",
                (g, pattern)).fetchone()[0]))
        return self._written[key]

    @property
    def unit_starting(self) -> UnitStarting:
        """(source, start offset) -> the unit that begins there (the first, where several)."""
        return UnitStarting(self)

    # -- generations --------------------------------------------------------------------------

    def current_generation(self) -> int | None:
        return self.store.run(lambda conn: conn.execute(
            "SELECT current FROM briefqa_store").fetchone()[0])

    def latest(self) -> PgIndex:
        """The reader of the newest committed generation: this one when nothing changed."""
        current = self.current_generation()
        if current is None or current == self.generation.generation:
            return self
        return PgIndex(self.store, self.store.run(lambda conn: _generation(conn, current)),
                       self.settings)

    def _check_alive(self) -> None:
        g = self.generation.generation
        alive = self.store.run(lambda conn: conn.execute(
            "SELECT 1 FROM briefqa_generations WHERE generation = %s", (g,)).fetchone())
        if alive is None:
            raise IndexReplacedError(f"generation {g} of the store was replaced while it was "
                                      f"read; ask again")

    def close(self) -> None:
        self.store.close()


class UnitStarting:
    """The unit that begins at an offset of a document, looked up in the store (what the
    computed answer reads of a cited row: its section and page)."""

    def __init__(self, index: PgIndex) -> None:
        self._index = index

    def get(self, key: tuple[str, int], default=None):
        source, start = key
        index = self._index
        row = index.store.run(lambda conn: conn.execute(
            "SELECT f.first_unit + u.position FROM briefqa_generation_files f JOIN "
            "briefqa_units u ON u.doc_id = f.doc_id WHERE f.generation = %s AND f.source = %s "
            "AND u.start_offset = %s ORDER BY u.position LIMIT 1",
            (index.generation.generation, source, int(start))).fetchone())
        return default if row is None else int(row[0])


# ---------------------------------------------------------------------------------------------
# Opening


def open_reader(settings: Settings, params: dict | None = None) -> PgIndex:
    """The store's current generation, after checking that it was built with this model; a
    store that cannot be read is a StoreError that says why and what to do."""
    from ..index import Indexer

    params = params or Indexer(settings, None).params()
    store = Store(settings.store, retry_seconds=settings.store_retry_seconds,
                  pool_size=settings.concurrency + 2,
                  session={"hnsw.ef_search": str(settings.store_ef_search),
                           "hnsw.iterative_scan": "strict_order"})
    try:
        state = store.run(schema.read_state)
        schema.check_compatible(state, store.address, params)
        generation = store.run(lambda conn: _generation(conn, state.current))
    except BaseException:
        store.close()
        raise
    return PgIndex(store, generation, settings)


def _generation(conn, generation: int) -> Generation:
    row = conn.execute(
        "SELECT generation, units, files, average_length, rarest, named_kinds, vector_index, "
        "manifest FROM briefqa_generations WHERE generation = %s", (generation,)).fetchone()
    if row is None:
        raise IndexReplacedError(f"generation {generation} is no longer in the store")
    manifest = row[7] if isinstance(row[7], dict) else json.loads(row[7])
    return Generation(int(row[0]), int(row[1]), int(row[2]), float(row[3]),
                      float(np.float32(row[4])),
                      frozenset(row[5] or ()), row[6], manifest)


_UNITS = """
SELECT i.id, f.source, u.section, u.page, u.kind, u.start_offset, u.end_offset,
       u.context_start, u.context_end, u.text, u.embedding, u.window_embedding
  FROM unnest(%s::bigint[]) AS i(id)
 CROSS JOIN LATERAL (SELECT source, doc_id, first_unit FROM briefqa_generation_files
                      WHERE generation = %s AND first_unit <= i.id
                      ORDER BY first_unit DESC LIMIT 1) f
  JOIN briefqa_units u ON u.doc_id = f.doc_id AND u.position = i.id - f.first_unit
"""


_UNIT_TEXTS = _UNITS.replace(", u.embedding, u.window_embedding", "")


def _unit_texts(conn, generation: int, ids: list[int]) -> dict[int, Unit]:
    """Units without their vectors."""
    rows = conn.execute(_UNIT_TEXTS, ([int(i) for i in ids], generation)).fetchall()
    return {int(r[0]): Unit(*r[1:10]) for r in rows}


def _unit_rows(conn, generation: int, ids: list[int]) -> dict[int, _Row]:
    with conn.cursor(binary=True) as cur:
        cur.execute(_UNITS, ([int(i) for i in ids], generation), binary=True)
        rows = cur.fetchall()
    return {int(r[0]): _Row(Unit(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9]), r[10],
                            r[11]) for r in rows}
