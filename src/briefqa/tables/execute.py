"""Execute: a validated Plan run over tables.duckdb, read-only, with parameters only.

The SQL is assembled from the catalog alone: table names ("t3") and column names ("c2",
"c2__bytes") are checked against it and against a strict pattern, every value (a cell text, a
figure) is a bound parameter, and no text of the question ever reaches the SQL. Each query
returns at most `MAX_ROWS` rows and is interrupted after `TIMEOUT_SECONDS`.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field, replace

from ..errors import BriefqaError
from .aliases import ALIASED, SINGLE
from .aliases import PATTERN as ALIAS_PATTERN
from .namewords import NAMED
from .namewords import pattern as name_pattern
from .plan import TABLE_GROUP, ColumnRef, Filter, Join, Plan
from .presence import GIVEN, MISSING, PLACEHOLDERS
from .sameness import DIFFERS, SAME
from .store import TableCatalog, TableInfo
from .values import NUMBER

MAX_ROWS = 200
TIMEOUT_SECONDS = 5.0
MAX_JOIN_VALUES = 50  # the distinct values a join looks for in the plan's rows
_TABLE = re.compile(r"t\d{1,6}")
_TYPED = re.compile(r"c\d{1,4}__[a-z0-9_]{1,60}")

# A cell that states no figure because there is no limit ("All nodes", "unlimited", "no
# limit"): it meets any lower bound ("more than four nodes"), and no upper one.
UNBOUNDED = r"^(?:all(?:\s+[a-z-]+)?|unlimited|no\s+limit|infinite|any(?:\s+[a-z-]+)?)$"


def whole_words(value: str) -> str:
    """A pattern for the words of `value` as a whole inside a cell ("exascale" is not in
    "Pre-exascale"); a value that is data, never SQL."""
    return r"(^|[^a-z0-9-])" + re.escape(value.lower()) + r"($|[^a-z0-9-])"


class PlanError(BriefqaError):
    """A plan that names what the catalog does not hold, or a query that failed."""


@dataclass
class RowResult:
    """One row a result rests on: where its quote stands, its cells, and the measured value."""

    table: str
    row: int
    start: int
    end: int
    cells: list[str | None]
    value: float | None = None  # the measure, in its dimension's base unit
    qualifier: str | None = None  # "~", ">", "<" where the cell is approximate or a bound
    value_text: str | None = None  # the measure's cell as written
    item: int | None = None  # compare / difference: which item it is


@dataclass
class Result:
    plan: Plan
    rows: list[RowResult] = field(default_factory=list)
    total: int = 0  # rows matching (count, list), possibly more than `rows`
    value: float | None = None  # the computed figure (count, max, min, sum, difference)
    groups: list[tuple[str, int]] = field(default_factory=list)  # count_by
    missing: list[str] = field(default_factory=list)  # items with no row or no figure
    weights: dict[tuple[str, int], float] = field(default_factory=dict)  # sum: (table, row)
    # max, min: the other rows weighed, each with its figure, the nearest to the result first
    compared: list[RowResult] = field(default_factory=list)
    # a join's rows of the other table that hold a value of a row counted or listed (cited
    # beside them), by join
    partners: list[list[RowResult]] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)

    @property
    def approximate(self) -> bool:
        return any(r.qualifier for r in self.rows if r.value is not None)


def combined(aggregate: str, values: list[float]) -> float | None:
    """The rows' figures of a sum, a difference or a ratio worked out (None for a comparison,
    and for a ratio to zero)."""
    if aggregate == "sum":
        return float(sum(values))
    if aggregate == "difference":
        return float(values[0] - values[1])
    if aggregate == "ratio" and values[1]:
        return float(values[0] / values[1])
    return None


class Executor:
    def __init__(self, catalog: TableCatalog, max_rows: int = MAX_ROWS,
                 timeout: float = TIMEOUT_SECONDS) -> None:
        self.catalog = catalog
        self.max_rows = max_rows
        self.timeout = timeout

    # -- validation ---------------------------------------------------------------------------

    def _table(self, name: str) -> TableInfo:
        if not _TABLE.fullmatch(name) or name not in self.catalog.by_name:
            raise PlanError(f"the plan names a table the index does not hold ({name!r})")
        return self.catalog.by_name[name]

    def _column(self, ref: ColumnRef) -> str:
        table = self._table(ref.table)
        if not (0 <= ref.position < len(table.columns)):
            raise PlanError(f"the plan names a column {table.name} does not have")
        return f"c{ref.position}"

    def _named(self, table_name: str, column: str) -> ColumnRef:
        """The column of a table that a filter names by its name (sameness.py)."""
        table = self._table(table_name)
        position = next((n for n, c in enumerate(table.columns) if c.name == column), None)
        if position is None:
            raise PlanError(f"the plan names a column {table.name} does not have")
        return ColumnRef(table.name, position, column)

    def _typed(self, ref: ColumnRef, dimension: str) -> tuple[str, str]:
        table = self._table(ref.table)
        self._column(ref)
        info = table.columns[ref.position].dimensions.get(dimension)
        if info is None or not _TYPED.fullmatch(info["column"]):
            raise PlanError(f"column {ref.name!r} holds no figures in {dimension}")
        return info["column"], info["column"] + "__q"

    # -- running ------------------------------------------------------------------------------

    def _query(self, sql: str, parameters: list) -> list[tuple]:
        cursor = self.catalog.connection().cursor()
        timer = threading.Timer(self.timeout, cursor.interrupt)
        timer.start()
        try:
            return cursor.execute(sql, parameters).fetchall()
        except Exception as exc:
            raise PlanError(f"the table query failed ({type(exc).__name__})") from exc
        finally:
            timer.cancel()
            cursor.close()

    def _where(self, table: str, filters: tuple[Filter, ...]) -> tuple[str, list] | None:
        """The WHERE clause of the filters for one table; None when a filter cannot hold
        there (its column is not in this table)."""
        clauses, parameters = [], []
        for f in filters:
            refs = [r for r in f.columns if r.table == table]
            if not refs:
                return None
            ref = refs[0]
            if f.dimension and f.operator in (">", ">=", "<", "<=", "="):
                typed, _q = self._typed(ref, f.dimension)
                if f.operator in (">", ">="):  # "All nodes", "unlimited": above any bound
                    clauses.append(f"({typed} {f.operator} ? OR ({typed} IS NULL AND "
                                   f"regexp_matches(lower(trim({self._column(ref)})), ?)))")
                    parameters.extend([float(f.value), UNBOUNDED])
                else:
                    clauses.append(f"{typed} {f.operator} ?")
                    parameters.append(float(f.value))
                continue
            if f.dimension and f.operator == GIVEN:  # a figure of that kind in the cell
                typed, _q = self._typed(ref, f.dimension)
                clauses.append(f"{typed} IS NOT NULL")
                continue
            column = self._column(ref)
            if f.operator == "=":
                clauses.append(f"lower(trim({column})) = lower(?)")
                parameters.append(str(f.value))
            elif f.operator == "!=":
                clauses.append(f"({column} IS NULL OR lower(trim({column})) <> lower(?))")
                parameters.append(str(f.value))
            elif f.operator in ("in", "not in"):  # any (none) of the values, each as a whole
                values = [str(v) for v in f.value][:MAX_JOIN_VALUES]
                if not values:
                    clauses.append("FALSE" if f.operator == "in" else "TRUE")
                    continue
                test = "(" + " OR ".join(
                    f"regexp_matches(lower({column}), ?)" for _ in values) + ")"
                clauses.append(test if f.operator == "in" else
                               f"({column} IS NULL OR NOT {test})")
                parameters.extend(whole_words(v) for v in values)
            elif f.operator in (MISSING, GIVEN):  # the cell folded as `presence.folded`
                test = f"{_folded(column)} IN ({', '.join('?' for _ in PLACEHOLDERS)})"
                clauses.append(test if f.operator == MISSING else f"NOT {test}")
                parameters.extend(sorted(PLACEHOLDERS))
            elif f.operator in (SAME, DIFFERS):  # two cells of the row, both given
                other = self._column(self._named(ref.table, str(f.value)))
                given = f"IN ({', '.join('?' for _ in PLACEHOLDERS)})"
                compare = "=" if f.operator == SAME else "<>"
                clauses.append(f"(NOT {_folded(column)} {given} AND NOT {_folded(other)} {given}"
                               f" AND {_folded(column)} {compare} {_folded(other)})")
                parameters.extend([*sorted(PLACEHOLDERS), *sorted(PLACEHOLDERS)])
            elif f.operator in (ALIASED, SINGLE):  # the name cell gives several names or one
                test = f"regexp_matches({column}, ?)"
                clauses.append(test if f.operator == ALIASED else f"NOT {test}")
                parameters.append(ALIAS_PATTERN)
            elif f.operator == NAMED:  # "gpu" in "--gpus-per-node": a part of the name
                clauses.append(f"regexp_matches(lower({column}), ?)")
                parameters.append(name_pattern(str(f.value)))
            elif f.operator in ("contains", "excludes"):
                # the words as a whole: "exascale" is not in "Pre-exascale"
                test = f"regexp_matches(lower({column}), ?)"
                clauses.append(test if f.operator == "contains" else
                               f"({column} IS NULL OR NOT {test})")
                parameters.append(whole_words(str(f.value)))
            else:
                raise PlanError(f"operator {f.operator!r} needs a figure")
        return (" AND ".join(clauses) or "TRUE"), parameters

    def _select(self, table: TableInfo, measure: tuple[str, str] | None) -> str:
        cells = ", ".join(f"c{i}" for i in range(len(table.columns)))
        extra = f", {measure[0]}, {measure[1]}" if measure else ", NULL, NULL"
        return f"SELECT _row, _start, _end, {cells}{extra} FROM {table.name}"

    def _rows(self, table: TableInfo, where: str, parameters: list, measure, order: str,
              limit: int) -> list[RowResult]:
        sql = f"{self._select(table, measure)} WHERE {where} ORDER BY {order} LIMIT ?"
        out = []
        width = len(table.columns)
        for record in self._query(sql, [*parameters, limit]):
            out.append(RowResult(table.name, int(record[0]), int(record[1]), int(record[2]),
                                 list(record[3:3 + width]), record[3 + width],
                                 record[4 + width]))
        return out

    def every_row(self, name: str, typed: list[str]) -> list[tuple]:
        """Every row of a table in order: _row, _start, _end, its cells, then each typed
        column named and its qualifier (a matrix's figures, see matrix.py)."""
        table = self._table(name)
        if not all(_TYPED.fullmatch(t) for t in typed):
            raise PlanError("a typed column the table does not have")
        cells = ", ".join(f"c{i}" for i in range(len(table.columns)))
        picks = "".join(f", {t}, {t}__q" for t in typed)
        return self._query(f"SELECT _row, _start, _end, {cells}{picks} FROM {table.name} "
                           f"ORDER BY _row LIMIT ?", [self.max_rows])

    def run(self, plan: Plan) -> Result:
        """The plan's result (see `Result`)."""
        for name in plan.tables:
            self._table(name)
        if plan.joins:  # each join becomes a filter on the values the other table holds
            others = [self._other_rows(join) for join in plan.joins]
            joined = tuple(Filter(join.columns, "not in" if join.negate else "in",
                                  tuple(dict.fromkeys(v for _r, v in rows)))
                           for join, rows in zip(plan.joins, others))
            result = self.run(replace(plan, filters=(*plan.filters, *joined), joins=()))
            result.plan = plan
            for join, rows in zip(plan.joins, others):
                result.partners.append([] if join.negate else
                                       _partners(join, result.rows, rows))
            return result
        result = Result(plan)
        if plan.aggregate in ("count", "list"):
            for name in plan.tables:
                table = self._table(name)
                where = self._where(name, plan.filters)
                if where is None:
                    continue
                result.total += self._query(
                    f"SELECT count(*) FROM {name} WHERE {where[0]}", where[1])[0][0]
                left = self.max_rows - len(result.rows)
                if left > 0:
                    result.rows += self._rows(table, where[0], where[1], None, "_row", left)
            result.value = float(result.total)
        elif plan.aggregate == "sum" and not plan.items:  # a column added up over the rows
            for name, ref in self._measures(plan):
                table = self._table(name)
                where = self._where(name, plan.filters)
                if where is None:
                    continue
                typed = self._typed(ref, plan.dimension)
                weights = [w for w in plan.weight if w.table == name]
                factor, present = "1", ""
                if weights:  # each row's figure times how many things the row stands for
                    factor = self._typed(weights[0], NUMBER)[0]
                    present = f" AND {factor} IS NOT NULL"
                rows = self._rows(table, f"{where[0]} AND {typed[0]} IS NOT NULL{present}",
                                  where[1], typed, "_row", self.max_rows)
                self._fill(rows, table, ref)
                result.rows += rows
                if weights:
                    for row, w in self._query(
                            f"SELECT _row, {factor} FROM {name} WHERE {where[0]} AND "
                            f"{typed[0]} IS NOT NULL{present}", where[1]):
                        result.weights[(name, int(row))] = float(w)
                total = self._query(f"SELECT count(*), sum({typed[0]} * {factor}) FROM {name} "
                                    f"WHERE {where[0]} AND {typed[0]} IS NOT NULL{present}",
                                    where[1])[0]
                result.total += int(total[0])
                result.value = (result.value or 0.0) + float(total[1] or 0.0)
            if not result.total:
                result.value = None
        elif plan.aggregate in ("max", "min"):
            best: list[RowResult] = []
            for name, ref in self._measures(plan):
                table = self._table(name)
                where = self._where(name, plan.filters)
                if where is None:
                    continue
                typed = self._typed(ref, plan.dimension)
                direction = "DESC" if plan.aggregate == "max" else "ASC"
                rows = self._rows(table, f"{where[0]} AND {typed[0]} IS NOT NULL", where[1],
                                  typed, f"{typed[0]} {direction}, _row", self.max_rows)
                self._fill(rows, table, ref)
                best += rows
                result.total += len(rows)
            if best:
                top = (max if plan.aggregate == "max" else min)(r.value for r in best)
                result.rows = [r for r in best if r.value == top]
                # "> 50,000" is beyond "Up to 50,000" and "50,000": a bound past the figure
                beyond = ">" if plan.aggregate == "max" else "<"
                if any(r.qualifier == beyond for r in result.rows):
                    result.rows = [r for r in result.rows if r.qualifier == beyond]
                result.value = top
                won = {(r.table, r.row) for r in result.rows}
                result.compared = sorted((r for r in best if (r.table, r.row) not in won),
                                         key=lambda r: r.value, reverse=plan.aggregate == "max")
        elif plan.aggregate == "count_by":
            counts: dict[str, int] = {}
            labels: dict[str, str] = {}
            for name in plan.tables:
                where = self._where(name, plan.filters)
                refs = [g for g in plan.group if g.table == name]
                if where is None or not refs:
                    continue
                if refs[0].position == TABLE_GROUP:  # the table's rows, one group
                    label = self._table(name).title
                    n = self._query(f"SELECT count(*) FROM {name} WHERE {where[0]}",
                                    where[1])[0][0]
                    counts[label.lower()] = counts.get(label.lower(), 0) + int(n)
                    labels.setdefault(label.lower(), label)
                    continue
                column = self._column(refs[0])
                for label, n in self._query(
                        f"SELECT trim({column}), count(*) FROM {name} WHERE {where[0]} AND "
                        f"{column} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?",
                        [*where[1], self.max_rows]):
                    key = label.lower()
                    counts[key] = counts.get(key, 0) + int(n)
                    labels.setdefault(key, label)
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            if plan.having:  # only the groups whose count meets the bound, each an answer
                ranked = [(k, n) for k, n in ranked if _meets(n, *plan.having)]
                result.value = float(len(ranked))
            result.groups = [(labels[k], n) for k, n in ranked]
            if ranked:
                top = ranked[0][1] if plan.order != "asc" else ranked[-1][1]
                winners = [labels[k] for k, n in ranked if n == top]
                if not plan.having:
                    result.value = float(top)
                if plan.items or plan.having:  # two groups compared, or every group kept:
                    winners = [labels[k] for k, _n in ranked]  # the rows of each are cited
                for name in plan.tables:
                    refs = [g for g in plan.group if g.table == name]
                    if not refs:
                        continue
                    table = self._table(name)
                    if refs[0].position == TABLE_GROUP:
                        where = self._where(name, plan.filters) \
                            if table.title in winners else None
                    else:
                        where = self._where(name, (*plan.filters, Filter(
                            (refs[0],), "in", tuple(winners))))
                    if where is not None:
                        result.rows += self._rows(table, where[0], where[1], None, "_row",
                                                  self.max_rows)
                result.total = len(result.rows)
        else:  # compare, difference, sum: the rows each item names
            for n, item in enumerate(plan.items):
                found = None
                for name, ref in self._measures(plan):
                    table = self._table(name)
                    where = self._where(name, (*plan.filters, item))
                    if where is None:
                        continue
                    rows = self._rows(table, where[0], where[1], self._typed(
                        ref, plan.dimension) if plan.dimension else None, "_row", 2)
                    if rows:
                        self._fill(rows, table, ref)
                        found = rows[0]
                        break
                if found is None:
                    result.missing.append(item.said or str(item.value))
                    continue
                found.item = n
                result.rows.append(found)
            values = [r.value for r in result.rows]
            result.total = len(result.rows)
            if len(result.rows) == len(plan.items) and all(v is not None for v in values):
                result.value = combined(plan.aggregate, values)
            else:
                result.missing += [r.cells[0] or "" for r in result.rows if r.value is None]
        return result

    def _other_rows(self, join: Join) -> list[tuple[RowResult, str]]:
        """The other table's rows a join looks at (its filters applied), each with its value
        (trimmed; empty and unknown cells left out)."""
        table = self._table(join.table)
        if join.other.table != join.table:
            raise PlanError("a join's column is not in its table")
        self._column(join.other)
        where = self._where(join.table, join.filters)
        if where is None:
            raise PlanError("a join's filter names a column its table does not have")
        out = []
        for row in self._rows(table, where[0], where[1], None, "_row", self.max_rows):
            value = (row.cells[join.other.position] or "").strip()
            if value and value.lower() not in ("unknown", "n/a", "-", "none"):
                out.append((row, value))
        if len({v.lower() for _r, v in out}) > MAX_JOIN_VALUES:
            raise PlanError(f"the other table holds more than {MAX_JOIN_VALUES} values to "
                            f"look for")
        return out

    def _measures(self, plan: Plan) -> list[tuple[str, ColumnRef]]:
        out = []
        for name in plan.tables:
            refs = [m for m in plan.measure if m.table == name]
            if refs:
                out.append((name, refs[0]))
        return out

    def _fill(self, rows: list[RowResult], table: TableInfo, ref: ColumnRef) -> None:
        for r in rows:
            r.value_text = r.cells[ref.position]


def _folded(column: str) -> str:
    """SQL for a cell as `presence.folded` reads it: lower case, no markup, one space, no
    trailing full stop."""
    return (f"rtrim(lower(trim(regexp_replace(regexp_replace(coalesce({column}, ''), "
            f"'[`*_]|<br\\s*/?>', ' ', 'g'), '\\s+', ' ', 'g'))), '.')")


def _partners(join: Join, rows: list[RowResult],
              others: list[tuple[RowResult, str]]) -> list[RowResult]:
    """The other table's rows whose value a result row holds (in order, once each)."""
    out: list[RowResult] = []
    for row in rows:
        ref = next((c for c in join.columns if c.table == row.table), None)
        cell = (row.cells[ref.position] or "").lower() if ref else ""
        for other, value in others:
            if other not in out and re.search(whole_words(value), cell):
                out.append(other)
    return out


def _meets(count: int, operator: str, bound: int) -> bool:
    """Does a group of `count` rows meet a plan's bound on it ((">", 1): more than one)?"""
    return {">": count > bound, ">=": count >= bound, "<": count < bound,
            "<=": count <= bound, "=": count == bound}[operator]
