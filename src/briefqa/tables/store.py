"""Store: the corpus's tables in an in-process DuckDB file, written into each index generation.

In the generation folder, beside the vectors and the BM25 index (and listed with them in the
manifest's artifacts, with size and sha256):

  tables.duckdb   one table per document table, `t0`, `t1`, ...: `_row` (its order), `_start`
                  and `_end` (where the row's quote stands in its document's text), the cells
                  as written (`c0`, `c1`, ... text), and beside each column its typed values,
                  one pair per dimension found in it (`c3__bytes` the value in bytes,
                  `c3__bytes__q` "~", ">" or "<" where the cell is approximate or a bound)
  tables.json     the catalog: each table's name, document, section, caption, columns, the
                  dimensions of each column and its most frequent values (for linking a
                  question's words to tables without opening DuckDB)

Both are rebuilt with every generation, so they are as atomic as the rest (the generation
folder is renamed into place whole). DuckDB is imported only here and in `execute`, that is
when an index is built or a table question is answered, and the file is only ever opened
read-only once written.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..document import Document
from .extract import (
    TableSpec,
    document_names,
    document_tables,
    families,
    read_csv,
    text_of,
)
from .values import leading

log = logging.getLogger(__name__)

DATABASE, CATALOG = "tables.duckdb", "tables.json"
FORMAT = "briefqa-tables-2"
MAX_VALUES = 300  # the most frequent values of a column kept in the catalog, for linking
MAX_VALUE_CHARS = 160
MAX_DIMENSIONS = 8  # dimensions typed per column (the most frequent)
LOAD_BATCH = 100_000  # rows of the ingest's reading written to DuckDB at a time
TYPE_BATCH = 50_000  # distinct cell texts typed in Python at a time


@dataclass
class ColumnInfo:
    position: int
    name: str  # as headed; "" where the header cell is empty
    # dimension -> {"column": typed column name, "cells": cells with such a figure,
    #               "approximate": cells stating it approximately or as a bound}
    dimensions: dict[str, dict] = field(default_factory=dict)
    values: list[str] = field(default_factory=list)  # the most frequent cell texts
    counts: list[int] = field(default_factory=list)  # in how many rows each stands
    distinct: int = 0  # how many different cell texts

    @property
    def sql(self) -> str:
        return f"c{self.position}"


@dataclass
class TableInfo:
    name: str  # "t0": its name in the database
    family: str  # the name of the first table of its family (itself when alone)
    source: str
    title: str
    document_title: str
    section: str | None
    caption: str
    kind: str
    reader: str
    note: str
    rows: int
    columns: list[ColumnInfo]
    # The names its document uses (capitalised words, words with digits or hyphens): what a
    # question about this table may mention without its being a cell.
    names: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How an answer names it: "'AI factories' (ai_factories.csv)"."""
        return f"‘{self.title}’ ({self.source.rsplit('/', 1)[-1]})"

    def column(self, position: int) -> ColumnInfo:
        return self.columns[position]

    def to_dict(self) -> dict:
        data = dict(self.__dict__)
        data["columns"] = [dict(c.__dict__) for c in self.columns]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> TableInfo:
        columns = [ColumnInfo(**c) for c in data["columns"]]
        return cls(**{**data, "columns": columns})


class TableCatalog:
    """The tables of an opened index generation: the catalog in memory, the DuckDB file
    opened read-only on first use."""

    def __init__(self, folder: Path, tables: list[TableInfo]) -> None:
        self.folder = folder
        self.tables = tables
        self.by_name = {t.name: t for t in tables}
        self._connection = None

    @classmethod
    def load(cls, folder: Path) -> TableCatalog:
        path = folder / CATALOG
        if not path.is_file():
            return cls(folder, [])
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("the table catalog is not one this version reads")
        return cls(folder, [TableInfo.from_dict(t) for t in data["tables"]])

    def family(self, table: TableInfo) -> list[TableInfo]:
        return [t for t in self.tables if t.family == table.family]

    def connection(self):
        """A read-only connection to tables.duckdb (DuckDB imported here, on first use)."""
        if self._connection is None:
            import duckdb

            self._connection = duckdb.connect(str(self.folder / DATABASE), read_only=True,
                                              config={"threads": 1,
                                                      "enable_external_access": False})
        return self._connection


# ---------------------------------------------------------------------------------------------
# Writing


def build_tables(documents: Iterable[Document], folder: Path,
                 file_bytes: Callable[[str], bytes | None], progress: bool = False) -> list[str]:
    """Write tables.duckdb and tables.json into `folder` (a generation being written) from the
    tables of `documents`; `file_bytes(source)` gives a CSV file's bytes as indexed (None when
    it changed since), for DuckDB to read. With `progress`, a bar counts the rows stored.
    Returns the names of the files written."""
    import duckdb

    started = time.perf_counter()
    specs: list[TableSpec] = []
    for document in documents:
        specs.extend(document_tables(document))
    family_of = families(specs)
    database = folder / DATABASE
    database.unlink(missing_ok=True)
    con = duckdb.connect(str(database), config={"threads": 2, "preserve_insertion_order": True})
    infos: list[TableInfo] = []
    bar = None
    if progress and specs:
        from tqdm import tqdm

        bar = tqdm(total=sum(len(spec.rows) for spec in specs), desc="tables", unit="row",
                   leave=True)
    try:
        for n, spec in enumerate(specs):
            name = f"t{n}"
            try:
                base = _load_rows(con, spec, name, folder, file_bytes,
                                  bar.update if bar else None)
                columns = _type_columns(con, spec, name, base)
            except Exception as exc:  # one strange table never stops the index
                log.warning("%s: table %d could not be stored (%s: %s)", spec.source,
                            spec.ordinal, type(exc).__name__, str(exc)[:200])
                for (leftover,) in con.execute(
                        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE ?",
                        [f"{name}%"]).fetchall():
                    con.execute(f'DROP TABLE IF EXISTS "{leftover}"')
                continue
            infos.append(TableInfo(name, f"t{family_of[n]}", spec.source, spec.title,
                                   spec.document_title, spec.section, spec.caption, spec.kind,
                                   spec.reader, spec.note, len(spec.rows), columns,
                                   document_names(spec.text)))
            if spec.note:
                log.info("%s: table %d read by the ingest: %s", spec.source, spec.ordinal,
                         spec.note)
        con.execute("CHECKPOINT")
    finally:
        con.close()
        if bar is not None:
            bar.close()
    catalog = {"format": FORMAT, "tables": [t.to_dict() for t in infos]}
    (folder / CATALOG).write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    log.info("tables: %d from %d documents in %.1f s", len(infos),
             len({s.source for s in specs}), time.perf_counter() - started)
    return [DATABASE, CATALOG]


def _load_rows(con, spec: TableSpec, name: str, folder: Path,
               file_bytes: Callable[[str], bytes | None], progress=None) -> str:
    """The table's rows as a temporary table `<name>_base` (_row, _start, _end, c0, ...)."""
    import numpy as np

    count = len(spec.rows)
    starts, ends = spec.rows.offsets()
    base = f"{name}_base"
    counted = 0

    def tally(rows: int) -> None:
        nonlocal counted
        counted += rows
        progress(rows)

    data = file_bytes(spec.source) if spec.kind == "csv" else None
    if spec.kind == "csv" and data is None:
        spec.note = "the file changed while it was indexed"
        if not spec.rows.complete:
            raise ValueError("the file changed while it was indexed, and its rows past "
                             "those embedded are read from it")
    if data is not None and read_csv(con, spec, data, folder, name,
                                     tally if progress else None):
        offsets = {"n": np.arange(1, count + 1, dtype=np.int64), "_start": starts,
                   "_end": ends}
        con.register(f"{name}_offsets", offsets)
        cells = ", ".join(f"r.c{i}" for i in range(len(spec.columns)))
        con.execute(f"CREATE TEMP TABLE {base} AS SELECT r.n - 1 AS _row, o._start, o._end, "
                    f"{cells} FROM {name}_read r JOIN {name}_offsets o USING (n) ORDER BY r.n")
        con.unregister(f"{name}_offsets")
        con.execute(f"DROP TABLE {name}_read")
        return base
    # The ingest's reading, a batch of rows at a time.
    if counted:
        progress(-counted)  # the rows DuckDB read are read again
    casts = ", ".join(f"CAST(c{i} AS VARCHAR) AS c{i}" for i in range(len(spec.columns)))
    rows = _ingest_cells(spec, data)
    for low in range(0, max(count, 1), LOAD_BATCH):
        high = min(count, low + LOAD_BATCH)
        columns = {f"c{i}": np.empty(high - low, dtype=object)
                   for i in range(len(spec.columns))}
        for k in range(high - low):
            for i, cell in enumerate(next(rows)):
                columns[f"c{i}"][k] = cell
        batch = {"_row": np.arange(low, high, dtype=np.int64), "_start": starts[low:high],
                 "_end": ends[low:high], **columns}
        con.register(f"{name}_cells", batch)
        into = f"CREATE TEMP TABLE {base} AS" if low == 0 else f"INSERT INTO {base}"
        con.execute(f"{into} SELECT _row, _start, _end, {casts} FROM {name}_cells "
                    "ORDER BY _row")
        con.unregister(f"{name}_cells")
        if progress is not None and high > low:
            progress(high - low)
    return base


def _ingest_cells(spec: TableSpec, data: bytes | None):
    """Every row's cells by position (None where empty), as the ingest read them: the row
    blocks', then those of the rows held as offsets only, read again from the file (each
    checked against its quote in the text)."""
    from ..document import row_text
    from ..formats import csv_cells, csv_header, csv_rows
    from ..ingest import decode_text

    rows = spec.rows
    for k in range(len(rows.blocks)):
        yield rows.cells(k, spec.text)
    if rows.complete:
        return
    lines = csv_rows(decode_text(data, spec.source), spec.source)
    header = csv_header(next(lines))
    skipped = 0
    k = len(rows.blocks)
    for line in lines:
        if skipped < len(rows.blocks):
            skipped += 1
            continue
        cells = csv_cells(header, line)
        quote = row_text(cells)[0]
        if not quote:
            continue
        if k >= len(rows) or quote != text_of(spec, k):
            raise ValueError("the file read again differs from the rows indexed")
        row: list[str | None] = [None] * rows.width
        for position, _name, value in cells:
            row[position] = value or None
        k += 1
        yield row
    if k != len(rows):
        raise ValueError("the file read again has fewer rows than were indexed")


_PLAIN_NUMBER = r"^\s*-?[0-9]+(\.[0-9]+)?\s*$"


def _type_columns(con, spec: TableSpec, name: str, base: str) -> list[ColumnInfo]:
    """Type every column (values.py, once per distinct cell text; plain numbers in SQL) and
    write the table `<name>` with its typed columns beside the text; the columns' catalog."""
    import numpy as np

    infos: list[ColumnInfo] = []
    joins, selected = [], []
    for i, header in enumerate(spec.columns):
        column = f"c{i}"
        info = ColumnInfo(i, header)
        info.distinct = con.execute(f"SELECT count(DISTINCT {column}) FROM {base}").fetchall()[0][0]
        frequent = con.execute(
            f"SELECT {column}, count(*) FROM {base} WHERE {column} IS NOT NULL AND "
            f"length({column}) <= ? GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?",
            [MAX_VALUE_CHARS, MAX_VALUES]).fetchall()
        info.values = [v for v, _ in frequent]
        info.counts = [int(n) for _, n in frequent]
        # Cells with digits that are not plain numbers: typed in Python, once per text, a
        # batch of texts at a time (a column of identifiers has as many as rows).
        typed = f"{name}_m{i}"
        con.execute(f"CREATE TEMP TABLE {typed} AS SELECT DISTINCT {column} AS value, "
                    f"'number' AS dimension, CAST(trim({column}) AS DOUBLE) AS number, "
                    f"CAST(NULL AS VARCHAR) AS q FROM {base} "
                    f"WHERE regexp_matches({column}, ?)", [_PLAIN_NUMBER])
        con.execute(f"CREATE TEMP TABLE {typed}_texts AS SELECT row_number() OVER () AS k, "
                    f"value FROM (SELECT DISTINCT {column} AS value FROM {base} WHERE "
                    f"regexp_matches({column}, '[0-9]') AND NOT regexp_matches({column}, ?))",
                    [_PLAIN_NUMBER])
        distinct = con.execute(f"SELECT count(*) FROM {typed}_texts").fetchall()[0][0]
        for low in range(0, distinct, TYPE_BATCH):
            mapped: dict[str, list] = {"value": [], "dimension": [], "number": [], "q": []}
            for (text,) in con.execute(f"SELECT value FROM {typed}_texts WHERE k > ? AND "
                                       "k <= ?", [low, low + TYPE_BATCH]).fetchall():
                for dimension, quantity in leading(text).items():
                    mapped["value"].append(text)
                    mapped["dimension"].append(dimension)
                    mapped["number"].append(quantity.value)
                    mapped["q"].append(quantity.qualifier or None)
            con.register(f"{typed}_in", {
                "value": np.array(mapped["value"], dtype=object),
                "dimension": np.array(mapped["dimension"], dtype=object),
                "number": np.array(mapped["number"], dtype=np.float64),
                "q": np.array(mapped["q"], dtype=object)})
            con.execute(f"INSERT INTO {typed} SELECT CAST(value AS VARCHAR), "
                        f"CAST(dimension AS VARCHAR), number, CAST(q AS VARCHAR) "
                        f"FROM {typed}_in")
            con.unregister(f"{typed}_in")
        con.execute(f"DROP TABLE {typed}_texts")
        found = con.execute(
            f"SELECT m.dimension, count(*), count(m.q) FROM {base} b JOIN {typed} m "
            f"ON b.{column} = m.value GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?",
            [MAX_DIMENSIONS]).fetchall()
        for dimension, cells, approximate in found:
            slug = re.sub(r"[^a-z0-9]+", "_", dimension.lower()).strip("_")
            typed_column = f"{column}__{slug}"
            alias = f"{typed}_{len(joins)}"
            joins.append((alias, typed, column, dimension))
            selected.append(f"{alias}.number AS {typed_column}, {alias}.q AS {typed_column}__q")
            info.dimensions[dimension] = {"column": typed_column, "cells": int(cells),
                                          "approximate": int(approximate)}
        infos.append(info)
    cells = ", ".join(f"b.c{i}" for i in range(len(spec.columns)))
    sql = f"CREATE TABLE {name} AS SELECT b._row, b._start, b._end, {cells}"
    sql += "".join(f", {s}" for s in selected) + f" FROM {base} b"
    parameters = []
    for alias, typed, column, dimension in joins:
        sql += (f" LEFT JOIN (SELECT value, number, q FROM {typed} WHERE dimension = ?) "
                f"{alias} ON b.{column} = {alias}.value")
        parameters.append(dimension)
    con.execute(sql + " ORDER BY b._row", parameters)
    for i in range(len(spec.columns)):
        con.execute(f"DROP TABLE {name}_m{i}")
    con.execute(f"DROP TABLE {base}")
    return infos
