"""Store: open an index from disk and check that it is whole."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .chunk import Unit, unit_words_text
from .errors import IndexDamagedError
from .ingest import Document
from .lexical import BM25, words

FORMAT = "briefqa-index"
VERSION = 1
REBUILD_HINT = "rebuild it with `briefqa index --rebuild` (or delete the index folder)"


@dataclass
class SourceInfo:
    source: str
    title: str
    units: int
    bytes: int
    format: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class LexicalRanking:
    """What the lexical side of a search gives: the units with a positive BM25 score, best
    first (at most k), and the BM25 score of any unit (`score`): an array over all units, or a
    dict of the units that matched (0 for the others)."""

    ranked: list[int]
    scores: object

    def score(self, unit_id: int) -> float:
        if isinstance(self.scores, dict):
            return float(self.scores.get(unit_id, 0.0))
        return float(self.scores[unit_id])


@dataclass
class IndexData:
    """An opened index: everything a question needs, in memory (vectors memory-mapped)."""

    folder: Path
    manifest: dict
    units: list[Unit]
    faiss_index: object
    bm25: BM25
    documents: dict[str, Document]
    # Vectors of units read with their neighbours, for the units whose window differs from
    # themselves: `window_owners[n]` is the unit of the window index's n-th vector.
    window_index: object = None
    window_owners: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _unit_words: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)
    _written: dict[str, bool] = field(default_factory=dict, repr=False)

    @functools.cached_property
    def window_of(self) -> dict[int, int]:
        """Unit id -> position of its window vector in the window index."""
        return {int(unit): n for n, unit in enumerate(self.window_owners)}

    def unit_words(self, unit_id: int) -> frozenset[str]:
        """The content words a unit offers a question (section included), worked out once."""
        found = self._unit_words.get(unit_id)
        if found is None:
            found = frozenset(words(unit_words_text(self.units[unit_id])))
            self._unit_words[unit_id] = found
        return found

    @functools.cached_property
    def named_kinds(self) -> frozenset[str]:
        """The kinds of thing this corpus names, from its tables: their column names, and the
        plural nouns of the sections they stand in ("Factory", "Host", "EuroHPC
        supercomputers"). "Which <kind> ..." asks for a name."""
        columns, found = kind_evidence(self.units)
        return named_kinds_from(columns, found)

    @functools.cached_property
    def proper_names(self) -> frozenset[str]:
        """The names the corpus's tables give their rows, by their first word as written
        ("LUMI" of "LUMI AI Factory", "Leonardo", "ECDSA"), where the documents write that
        word so far more often than in lower case ("Training" is a word, not a name): the
        things a question may ask about by name (`proper_names_of`)."""
        return proper_names_of(self.tables, (unit.text for unit in self.units))

    def writes(self, name: str) -> bool:
        """Does a document write this code-like name ("small-g"), or its two words apart
        ("data analytics" for "data-analytics")? A question that names a thing by a name no
        document writes ("gpu-long") asks about a thing they never mention. Each name is
        looked for once, unit by unit (no set of every name is kept: a large corpus has
        millions)."""
        key = name.lower()
        if key not in self._written:
            found = re.compile(written_pattern(key))
            self._written[key] = any(found.search(unit.text.lower()) for unit in self.units)
        return self._written[key]

    @functools.cached_property
    def unit_starting(self) -> dict[tuple[str, int], int]:
        """(source, start offset) -> the unit that begins there (the first, where several)."""
        found: dict[tuple[str, int], int] = {}
        for n, unit in enumerate(self.units):
            found.setdefault((unit.source, unit.start), n)
        return found

    @functools.cached_property
    def tables(self):
        """The corpus's tables as data (`tables.store.TableCatalog`), read on first use."""
        from .tables.store import TableCatalog

        try:
            return TableCatalog.load(self.folder / str(self.manifest["generation"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexDamagedError(f"the table catalog of the index at {self.folder} cannot "
                                    f"be read ({exc}); {REBUILD_HINT}") from exc

    @property
    def dimension(self) -> int:
        return int(self.manifest["dimension"])

    def dense_ranking(self, query_vector: np.ndarray, k: int) -> list[int]:
        """The k units closest in meaning to the question (a 1 x d float32 row), best first:
        each by the better of its own vector's and its window's similarity, ties by id."""
        sentence = _search(self.faiss_index, query_vector, k)
        window = {int(self.window_owners[n]): score
                  for n, score in _search(self.window_index, query_vector, k).items()}
        best = {u: max(sentence.get(u, -1.0), window.get(u, -1.0))
                for u in {*sentence, *window}}
        return sorted(best, key=lambda u: (-best[u], u))[:k]

    def lexical_ranking(self, query: str, k: int, also=()) -> LexicalRanking:
        """The k units BM25 scores highest for the question, best first (ties by id); every
        unit's score comes with them (`also`, the units the caller will ask about, is for
        indexes that score only what they are asked)."""
        scores = self.bm25.scores(query)
        total = len(scores)
        top = np.argpartition(-scores, k - 1)[:k] if k < total else np.arange(total)
        ranked = [int(i) for i in top[np.lexsort((top, -scores[top]))] if scores[i] > 0]
        return LexicalRanking(ranked, scores)

    def vectors_for(self, ids) -> np.ndarray:
        return np.vstack([self.faiss_index.reconstruct(int(i)) for i in ids]) if len(ids) else \
            np.zeros((0, self.dimension), dtype=np.float32)

    def window_vectors_for(self, ids) -> np.ndarray:
        """Each unit's window vector, or its own vector where its window is itself."""
        if not len(ids):
            return np.zeros((0, self.dimension), dtype=np.float32)
        rows = []
        for i in ids:
            position = self.window_of.get(int(i))
            rows.append(self.faiss_index.reconstruct(int(i)) if position is None else
                        self.window_index.reconstruct(position))
        return np.vstack(rows)

    def sources(self) -> list[SourceInfo]:
        files = self.manifest["files"]
        return [SourceInfo(s, f["title"], f["units"], f["size"], f["format"])
                for s, f in sorted(files.items())]


def kind_evidence(units) -> tuple[Counter[str], set[str]]:
    """What `named_kinds` is made of, for some units (a document's, or a corpus's): how many
    table rows give each column name, and the plural-noun words of the sections that table
    rows stand in. Counts add up across documents."""
    columns: Counter[str] = Counter()
    found: set[str] = set()
    for unit in units:
        if unit.kind != "table_row":
            continue
        title = (unit.section or "").split(" > ")[-1]
        found.update(w for token in re.findall(r"[A-Za-z-]{4,}s\b", title)
                     for w in words(token))
        for cell in unit.text.split("; "):
            column, colon, _value = cell.partition(":")
            if colon and len(column) <= 40:
                columns[column.strip()] += 1
    return columns, found


def row_name_words(catalog) -> set[str]:
    """The first word of each row name of the tables, as written ("LUMI" of "LUMI AI
    Factory")."""
    return {m.group(1) for table in (catalog.tables if catalog is not None else ())
            for value in (table.columns[0].values if table.columns else ())
            if (m := re.match(r"[\W_]*([A-Z][\w+-]{2,})", value))}


_WRITTEN = re.compile(r"(?<![\w./:@-])[A-Za-z][\w+-]{2,}(?![\w./:@-])")  # words, not paths


def proper_names_of(catalog, texts) -> frozenset[str]:
    """Of the tables' row names (`row_name_words`), those the texts write at least ten times
    as often as written than in lower case: names, not words ("Training")."""
    firsts = row_name_words(catalog)
    if not firsts:
        return frozenset()
    wanted = firsts | {name.lower() for name in firsts}
    written = Counter(token for text in texts for token in _WRITTEN.findall(text)
                      if token in wanted)
    return frozenset(name for name in firsts if written[name.lower()] * 10 < written[name])


def written_pattern(name: str) -> str:
    """The regular expression (over lower-cased text; Python's and PostgreSQL's alike) for a
    code-like name as a whole ("gpu-long", not inside "xgpu-longer"), or, of two words, the
    two words apart ("gpu long", "gpu: long")."""
    parts = re.findall(r"[a-z0-9]+", name)
    apart = "[^a-z0-9]+".join(parts) if len(parts) == 2 else re.escape(name)
    return (rf"(^|[^a-z0-9_-]){re.escape(name)}($|[^a-z0-9_-])|"
            rf"(^|[^a-z0-9]){apart}($|[^a-z0-9])")


# A code-like name: words joined by hyphens or underscores ("small-g", "gpu-long",
# "SLURM_JOB_ID"), not a path nor an address
CODE_NAME = re.compile(r"(?<![\w./:@-])[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)+(?![\w/@-])")


def named_kinds_from(columns: Counter[str], found: set[str]) -> frozenset[str]:
    """The kinds of thing a corpus names, from its `kind_evidence`."""
    found = set(found)
    for column, rows in columns.items():
        if rows >= 2:  # a column has rows; a one-off "Name: ..." line is not one
            found.update(words(column.replace("_", " ")))
    return frozenset(w for w in found if not w.isdigit())


def _search(vector_index, query_vector: np.ndarray, k: int) -> dict[int, float]:
    if vector_index is None or vector_index.ntotal == 0:
        return {}
    scores, ids = vector_index.search(query_vector, min(k, vector_index.ntotal))
    return {int(i): float(s) for i, s in zip(ids[0], scores[0]) if i >= 0}


# ---------------------------------------------------------------------------------------------
# Shared with the writer: artifact checksums and the IVF probe count


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def ivf_probes(nlist: int) -> int:
    return min(nlist, max(16, nlist // 8))


# ---------------------------------------------------------------------------------------------
# Opening


def read_manifest(index_dir: Path, missing_ok: bool = False, quiet: bool = False) -> dict | None:
    path = index_dir / "manifest.json"
    if not path.exists():
        if missing_ok:
            return None
        raise IndexDamagedError(f"no index at {index_dir}; build it with `briefqa index`")
    try:
        manifest = json.loads(path.read_text("utf-8"))
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ValueError("not a briefqa manifest")
        if manifest.get("version") != VERSION:
            raise IndexDamagedError(
                f"the index at {index_dir} was made by an incompatible version of briefqa "
                f"(format {manifest.get('version')}, expected {VERSION}); {REBUILD_HINT}")
        for key in ("generation", "artifacts", "files", "units", "dimension", "params"):
            if key not in manifest:
                raise ValueError(f"missing {key!r}")
        _check_manifest_fields(manifest)
    except IndexDamagedError:
        raise
    except (ValueError, UnicodeDecodeError, OSError, TypeError, KeyError, AttributeError) as exc:
        reason = f"no field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise IndexDamagedError(f"the index manifest at {path} is damaged ({reason}); "
                                f"{REBUILD_HINT}") from exc
    return manifest


# What the manifest may name inside the index folder: plain names, never a path.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")


def _check_manifest_fields(manifest: dict) -> None:
    """The manifest decides which files are opened: it may name only files inside the index
    folder, with the fields the reader needs."""
    names = [manifest["generation"], *manifest["artifacts"],
             *(entry["cache"] for entry in manifest["files"].values())]
    for name in names:
        if not isinstance(name, str) or not _PLAIN_NAME.fullmatch(name) or ".." in name:
            raise ValueError(f"it names {name!r}, which is not a plain file name")
    for expected in manifest["artifacts"].values():
        if not isinstance(expected["size"], int) or not isinstance(expected["sha256"], str):
            raise ValueError("an artifact without size or checksum")
    for entry in manifest["files"].values():
        if not isinstance(entry["units"], int) or not isinstance(entry["cache_sha256"], str) \
                or not isinstance(entry["vectors_sha256"], str):
            raise ValueError("a file entry without unit count or checksum")
    for entry in [*manifest["files"].values(), *manifest.get("skipped", {}).values()]:
        if not (isinstance(entry["size"], int) and isinstance(entry["mtime_ns"], int)
                and isinstance(entry["sha256"], str)):
            raise ValueError("a file entry without size, time or checksum")
    if not all(isinstance(e["reason"], str) for e in manifest.get("skipped", {}).values()):
        raise ValueError("a skipped file without its reason")
    if not isinstance(manifest["units"], int) or not isinstance(manifest["dimension"], int):
        raise ValueError("no unit count or dimension")


def validate_generation(index_dir: Path, manifest: dict, hash_limit: int = 64 << 20) -> None:
    """Every artifact the manifest names is there, with its size; small ones by hash too."""
    generation = index_dir / str(manifest["generation"])
    if "/" in str(manifest["generation"]) or not generation.is_dir():
        raise IndexDamagedError(f"the index at {index_dir} is incomplete (missing "
                                f"{manifest['generation']}); {REBUILD_HINT}")
    for name, expected in manifest["artifacts"].items():
        path = generation / name
        if not path.is_file() or path.stat().st_size != expected["size"]:
            raise IndexDamagedError(f"index file {name} is missing or truncated; "
                                    f"{REBUILD_HINT}")
        if expected["size"] <= hash_limit and file_sha256(path) != expected["sha256"]:
            raise IndexDamagedError(f"index file {name} does not match its manifest "
                                    f"(changed or foreign); {REBUILD_HINT}")
    for source, entry in manifest["files"].items():
        for suffix in (".json", ".npy"):
            if not (index_dir / "cache" / f"{entry['cache']}{suffix}").is_file():
                raise IndexDamagedError(f"the cached text of {source} is missing from the "
                                        f"index; {REBUILD_HINT}")
        if not _cache_matches(index_dir, entry):
            raise IndexDamagedError(f"the cached text of {source} does not match its manifest "
                                    f"(changed or foreign); {REBUILD_HINT}")


def _cache_matches(index_dir: Path, entry: dict) -> bool:
    path = index_dir / "cache" / f"{entry['cache']}.json"
    return file_sha256(path) == entry["cache_sha256"] and \
        file_sha256(path.with_suffix(".npy")) == entry["vectors_sha256"]


def open_index(index_dir: Path) -> IndexData:
    """Load a built index, checking it at every step; any damage is an IndexDamagedError."""
    import faiss

    manifest = read_manifest(index_dir)
    validate_generation(index_dir, manifest)
    generation = index_dir / manifest["generation"]
    try:
        faiss_index = faiss.read_index(str(generation / "vectors.faiss"))
        window_index = faiss.read_index(str(generation / "windows.faiss"))
        window_owners = np.load(generation / "window_owners.npy", allow_pickle=False)
        bm25 = BM25.load(generation)
        units: list[Unit] = []
        documents: dict[str, Document] = {}
        for source in sorted(manifest["files"]):
            entry = manifest["files"][source]
            payload = json.loads((index_dir / "cache" / f"{entry['cache']}.json")
                                 .read_text("utf-8"))
            document = Document.from_dict(payload["document"])
            document.source = source
            doc_units = [Unit(**{**u, "source": source}) for u in payload["units"]]
            if len(doc_units) != entry["units"]:
                raise ValueError(f"cached text of {source} does not match the manifest")
            _check_offsets(document, doc_units)
            documents[source] = document
            units.extend(doc_units)
    except IndexDamagedError:
        raise
    except (RuntimeError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IndexDamagedError(f"the index at {index_dir} cannot be read ({exc}); "
                                f"{REBUILD_HINT}") from exc
    if faiss_index.ntotal != len(units) or faiss_index.d != manifest["dimension"] or \
            bm25.matrix.shape[0] != len(units) or len(units) != manifest["units"] or \
            window_owners.ndim != 1 or window_index.ntotal != len(window_owners) or \
            window_index.d != faiss_index.d or (len(window_owners) and not (
                0 <= window_owners.min() and window_owners.max() < len(units))):
        raise IndexDamagedError(f"the parts of the index at {index_dir} disagree on its size; "
                                f"{REBUILD_HINT}")
    for vector_index in (faiss_index, window_index):
        if hasattr(vector_index, "nprobe"):  # IVF: lists probed per question; reconstruct
            vector_index.nprobe = ivf_probes(vector_index.nlist)
            vector_index.make_direct_map()
    return IndexData(index_dir, manifest, units, faiss_index, bm25, documents, window_index,
                     window_owners)


def _check_offsets(document: Document, units: list[Unit]) -> None:
    """Every citation quotes text[start:end]: a unit that does not would cite wrongly."""
    size = len(document.text)
    for unit in units:
        if not (0 <= unit.start <= unit.end <= size and 0 <= unit.context_start <= size
                and 0 <= unit.context_end <= size) or \
                document.text[unit.start:unit.end] != unit.text:
            raise ValueError(f"a sentence of {document.source} is not where its offsets say")
