"""Plan: a small typed plan over the corpus's tables, as data.

A `Plan` names its table (or a family of tables read as one list), its filters (column,
operator, value), its aggregate (count, list, max, min, sum, difference, compare, or count by
a column), its order and limit. It is built only from what the catalog holds, by the linker
(linker.py); `Linked` is what the linker made of a question: plans, a reason to decline, or
neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field

AGGREGATES = ("count", "list", "max", "min", "sum", "difference", "ratio", "compare",
              "count_by")
OPERATORS = ("=", "!=", "contains", "excludes", "in", "not in", ">", ">=", "<", "<=",
             "missing", "given", "same", "differs", "aliased", "single", "named")
# count_by over a family's tables, each table one group (its title): the group's position
# ("Does the map list more first-wave factories or more 2025 ones?")
TABLE_GROUP = -1
# count_by's bound on how many rows a kept value has, and how it is said
HAVING_WORDS = {">": "more than", ">=": "at least", "<": "fewer than", "<=": "at most",
                "=": "exactly"}


@dataclass(frozen=True)
class ColumnRef:
    table: str
    position: int
    name: str

    def to_dict(self) -> dict:
        return {"table": self.table, "column": self.name}


@dataclass(frozen=True)
class Filter:
    """Rows whose cell in `columns` (one column per table it applies to) holds `value`:
    a cell text ("=", "!=", "contains", "in": a tuple of texts) or a figure in `dimension`'s
    base unit (">", ">=", "<", "<=", "="); or rows whose cell gives no value ("missing":
    blank, "unknown", "N/A": see presence.py) or gives one ("given"), `value` ""; or rows
    whose cell says the same as ("same") or differs from ("differs") their cell in the column
    named `value`, both given (sameness.py)."""

    columns: tuple[ColumnRef, ...]
    operator: str
    value: str | float | tuple
    dimension: str | None = None
    said: str = ""  # the question's words it stands for
    said_start: int = -1  # where the question says them (items of a comparison)
    said_end: int = -1
    # an item: the question's words that single out one of the figures its row's cell
    # states ("LISA's mixed-precision figure than its double-precision one": one row, twice)
    qualifier: str = ""

    @property
    def values(self) -> tuple:
        """The values it looks for: those of an "in", else its one value."""
        return self.value if isinstance(self.value, tuple) else (self.value,)

    def to_dict(self) -> dict:
        return {"column": self.columns[0].name if self.columns else "",
                "operator": self.operator,
                "value": list(self.value) if isinstance(self.value, tuple) else self.value,
                **({"dimension": self.dimension} if self.dimension else {}),
                **({"qualifier": self.qualifier} if self.qualifier else {})}


@dataclass(frozen=True)
class Join:
    """Rows whose cell in `columns` holds a value that a row of another table holds in
    `other` ("factories in a country that also hosts a supercomputer": the factory's country
    among the supercomputers' countries), or, `negate`d, that none of them holds ("in a
    country with no AI factory"). `filters` restrict the other table's rows first ("whose
    system is exascale"). A value is found in a cell as whole words, so a base system
    "JUPITER + new AI partition" holds the supercomputer "JUPITER"."""

    columns: tuple[ColumnRef, ...]  # in the plan's tables, one per table
    table: str  # the other table
    other: ColumnRef  # its column of the values looked for
    negate: bool = False
    filters: tuple[Filter, ...] = ()
    said: str = ""  # the question's words it stands for ("that also hosts one of the ...")

    def to_dict(self) -> dict:
        return {"column": self.columns[0].name if self.columns else "",
                "table": self.table, "other_column": self.other.name,
                "negate": self.negate, "filters": [f.to_dict() for f in self.filters]}


@dataclass
class Plan:
    """What to compute over which tables; built from the catalog only (see the module)."""

    tables: tuple[str, ...]  # one table, or a family read as one list
    aggregate: str
    filters: tuple[Filter, ...] = ()
    measure: tuple[ColumnRef, ...] = ()  # the column compared or summed, in each table
    dimension: str | None = None  # the measure's dimension (values.py)
    order: str | None = None  # "desc" or "asc"
    limit: int | None = None
    items: tuple[Filter, ...] = ()  # compare / difference / sum: the rows named, in order
    group: tuple[ColumnRef, ...] = ()  # count_by: the column counted by
    # count_by: only the groups whose number of rows meets this bound ((">", 1): "more than
    # one"), every one of them an answer; None: the group with the most (or fewest)
    having: tuple[str, int] | None = None
    count_values: bool = False  # count_by: how many values are kept is the answer
    # count_by of two items: how many more rows the first has than the second ("how many
    # more factories does Poland have than Italy?"), not which has more
    count_difference: bool = False
    # sum: a column of how many things each row stands for ("Nodes": 8), the measure (per
    # thing: "Memory" 4 TiB) multiplied by it ("the combined memory of all the nodes")
    weight: tuple[ColumnRef, ...] = ()
    joins: tuple[Join, ...] = ()  # conditions on another table's rows (see `Join`)
    confidence: float = 0.0
    links: tuple[str, ...] = ()  # what the question's words were linked to
    # The question's conditions no part of the plan accounts for ("before October 2025",
    # "newest" in a count): the answerer does not assert a plan that leaves one. The content
    # words nothing of the plan explains ("picked"; the linker tolerates one), and the
    # share of the question's restricting parts (content words and conditions) the plan
    # accounts for (1.0: all), which the answerer compares with its `min_accounted`.
    unaccounted: tuple[str, ...] = ()
    unexplained: tuple[str, ...] = ()
    accounted: float = 1.0

    def __post_init__(self) -> None:
        if self.aggregate not in AGGREGATES:
            raise ValueError(f"unknown aggregate {self.aggregate!r}")
        for f in (*self.filters, *self.items, *(g for j in self.joins for g in j.filters)):
            if f.operator not in OPERATORS:
                raise ValueError(f"unknown operator {f.operator!r}")
        if self.order not in (None, "desc", "asc"):
            raise ValueError(f"unknown order {self.order!r}")
        if self.having is not None and (
                self.aggregate != "count_by" or len(self.having) != 2 or
                self.having[0] not in HAVING_WORDS or
                not isinstance(self.having[1], int) or self.having[1] < 0):
            raise ValueError(f"a bound on a group's count belongs to count_by: {self.having!r}")
        if self.count_values and self.having is None:
            raise ValueError("a count of values needs the bound that keeps them")
        if self.count_difference and (self.aggregate != "count_by" or len(self.items) != 2):
            raise ValueError("a difference of counts needs count_by and two items")

    def to_dict(self) -> dict:
        return {"tables": list(self.tables), "aggregate": self.aggregate,
                "filters": [f.to_dict() for f in self.filters],
                "measure": self.measure[0].name if self.measure else None,
                "dimension": self.dimension, "order": self.order, "limit": self.limit,
                "items": [f.to_dict() for f in self.items],
                "group": self.group[0].name if self.group else None,
                **({"having": list(self.having)} if self.having else {}),
                **({"count_values": True} if self.count_values else {}),
                **({"count_difference": True} if self.count_difference else {}),
                **({"weight": self.weight[0].name} if self.weight else {}),
                **({"joins": [j.to_dict() for j in self.joins]} if self.joins else {}),
                "unaccounted": list(self.unaccounted), "unexplained": list(self.unexplained),
                "accounted": round(self.accounted, 3)}


@dataclass
class Linked:
    """What the linker made of a question: plans to run, or a reason to decline, or neither
    (not a table question)."""

    plans: list[Plan] = field(default_factory=list)
    decline: str | None = None
    confidence: float = 0.0
    intent: str | None = None
    links: list[str] = field(default_factory=list)

    @property
    def routed(self) -> bool:
        return bool(self.plans) or self.decline is not None
