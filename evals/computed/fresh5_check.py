#!/usr/bin/env python3
"""Standalone checker for evals/heldout-final/computed-fresh5.jsonl.

Reads the tables straight from the documents (CSV files with the csv module,
Markdown tables by splitting '|' lines), recomputes the result of every
answerable item with code, and checks that:

* the recomputed result, stated as a sentence, matches every answer regex;
* a deliberately wrong result does not match all of them;
* the rows the computation rests on equal the item's rows;
* every support phrase occurs verbatim in its source file (answerable items);
* every rows[].cell is the first cell of a table row of its source;
* ids are unique and the category / kind counts are as specified.

Standard library only.  Exit 0 and print "check passed" when everything holds.
"""
import csv
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
SHARED = Path(os.environ.get("BRIEFQA_SHARED_DIR") or (ROOT / ".." / "shared"))
GUIDE = SHARED / "extra-corpus" / "lumi-userguide"
ITEMS = ROOT / "evals" / "heldout-final" / "computed-fresh5.jsonl"

MAPDIR = "european-ai-infrastructure-map/"
AF = MAPDIR + "ai_factories.csv"
SC = MAPDIR + "eurohpc_supercomputers.csv"
IT = MAPDIR + "it4lia_infrastructure.csv"
MD = MAPDIR + "MAP.md"
PART = "runjobs/scheduled-jobs/partitions.md"
STO = "storage/index.md"
NET = "hardware/network.md"
LUMIC = "hardware/lumic.md"

EXPECTED_CATEGORIES = {
    "count": 13, "filter": 12, "superlative": 10, "comparison": 9,
    "sum": 3, "difference": 3, "join": 4, "near_miss": 6,
}
KEYS = ["id", "question", "kind", "category", "answers", "support", "source",
        "section", "rows", "computation"]


# ----------------------------------------------------------------- reading
def path_of(source):
    if source.startswith(MAPDIR) or source.startswith("eu-ai-factories"):
        return CORPUS / source
    return GUIDE / source


_TEXT = {}


def text_of(source):
    if source not in _TEXT:
        _TEXT[source] = path_of(source).read_text(encoding="utf-8")
    return _TEXT[source]


SEP_RE = re.compile(r"^\|[\s:\-|]+\|?$")


def split_row(line):
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip().replace("**", "").strip() for c in s.split("|")]


def plain(cell):
    """Cell text without Markdown decoration, for comparing values."""
    c = cell.replace("**", "").replace("`", "")
    c = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", c)
    c = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", c)
    c = re.sub(r"<br\s*/?>", " ", c)
    return re.sub(r"\s+", " ", c).strip()


_TABLES = {}


def md_tables(source):
    """All Markdown tables of a file: list of {'header': [...], 'rows': [[...]]}."""
    if source in _TABLES:
        return _TABLES[source]
    blocks, cur = [], []
    for line in text_of(source).splitlines():
        if line.strip().startswith("|"):
            cur.append(line.strip())
        else:
            if cur:
                blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    tables = []
    for b in blocks:
        if len(b) < 2 or not SEP_RE.match(b[1]):
            continue
        tables.append({"header": split_row(b[0]),
                       "rows": [split_row(x) for x in b[2:] if not SEP_RE.match(x)]})
    _TABLES[source] = tables
    return tables


def find_tables(source, *words, ncols=None):
    out = []
    for t in md_tables(source):
        head = " ".join(plain(h) for h in t["header"])
        if all(w in head for w in words) and (ncols is None or len(t["header"]) == ncols):
            out.append(t)
    if not out:
        raise AssertionError("no table with %r in %s" % (words, source))
    return out


def one_table(source, *words, ncols=None):
    ts = find_tables(source, *words, ncols=ncols)
    if len(ts) != 1:
        raise AssertionError("%d tables with %r in %s" % (len(ts), words, source))
    return ts[0]


def col(table, word):
    for i, h in enumerate(table["header"]):
        if word in plain(h):
            return i
    raise AssertionError("no column %r in %r" % (word, table["header"]))


def md_first_cells(source):
    cells = set()
    for t in md_tables(source):
        for r in t["rows"]:
            cells.add(r[0])
    return cells


_CSV = {}


def csv_rows(source):
    if source not in _CSV:
        with open(path_of(source), newline="", encoding="utf-8") as f:
            _CSV[source] = list(csv.DictReader(f))
    return _CSV[source]


def csv_first_cells(source):
    with open(path_of(source), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return {r[0] for r in rows[1:] if r}


def first_cells(source):
    if source.endswith(".csv"):
        return csv_first_cells(source)
    return md_first_cells(source)


def ref(source, cell):
    return (source, cell)


def join_names(names):
    names = list(names)
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


# ----------------------------------------------------------------- parsing figures
def minutes(s):
    m = re.match(r"\s*(\d+)\s*(minute|hour|day)", plain(s))
    if not m:
        return None
    n, unit = int(m.group(1)), m.group(2)
    return n * {"minute": 1, "hour": 60, "day": 1440}[unit]


def leading_int(s):
    m = re.match(r"\s*(\d+)", plain(s))
    return int(m.group(1)) if m else None


def tb_per_s(s):
    m = re.match(r"\s*([\d.]+)\s*TB/s", plain(s))
    return float(m.group(1)) if m else None


def size_in_gb(s):
    m = re.match(r"\s*([\d.]+)\s*(GB|TB|GiB|TiB)", plain(s))
    if not m:
        return None
    v = float(m.group(1))
    return v * {"GB": 1, "GiB": 1, "TB": 1000, "TiB": 1024}[m.group(2)]


def num(v):
    return ("%g" % v)


def clock_hours(s):
    m = re.match(r"\s*(\d+):(\d+)\s*(AM|PM)", s)
    h = int(m.group(1)) % 12 + (12 if m.group(3) == "PM" else 0)
    return h + int(m.group(2)) / 60.0


def pb(notes):
    m = re.search(r"(\d+)\s*PB", notes)
    return int(m.group(1)) if m else None


def map_pf(cls):
    """Performance figure quoted in a MAP.md Class cell, in PF."""
    m = re.search(r"~\s*([\d.]+)\s*(PF|EF)", cls)
    if not m:
        return None
    return float(m.group(1)) * (1000 if m.group(2) == "EF" else 1)


CLASS_RANK = {"petascale": 1, "pre-exascale": 2, "exascale": 3}
CONF_RANK = {"low": 1, "medium": 2, "high": 3}


# ----------------------------------------------------------------- table shortcuts
def partition_rows():
    """(table, row) for every row of both Slurm partition tables."""
    out = []
    for t in find_tables(PART, "Name", "Max walltime"):
        for r in t["rows"]:
            out.append((t, r))
    return out


def part_cell(t, r, word):
    return r[col(t, word)]


def partition(name):
    for t, r in partition_rows():
        if r[0] == name:
            return t, r
    raise AssertionError("no partition " + name)


def storage_quota_table():
    return one_table(STO, "Quota", "Max files", "Expandable")


def storage_object_table():
    return one_table(STO, "Quota", "Max buckets")


def storage_row(label):
    t = storage_quota_table()
    for r in t["rows"]:
        if plain(r[0]).lower() == label.lower():
            return t, r
    raise AssertionError("no storage row " + label)


def network():
    t = one_table(NET, "LUMI-G", "LUMI-C", "LUMI-P")
    cells = {}
    for r in t["rows"]:
        for j in range(1, len(r)):
            v = tb_per_s(r[j]) if r[j] else None
            if v is not None:
                cells[(r[0], plain(t["header"][j]))] = v
    return cells


def map_systems():
    return one_table(MD, "System", "Country", "Host", "Class")


def map_additional():
    return one_table(MD, "Factory", "Country", "Notes", ncols=3)


def it4lia(component):
    for r in csv_rows(IT):
        if r["component"] == component:
            return r
    raise AssertionError("no IT4LIA component " + component)


# ----------------------------------------------------------------- computations
# Each returns (answer sentence, deliberately wrong sentence, [(source, cell), ...]).
C = {}


def item(n):
    def deco(f):
        C["CF5-%03d" % n] = f
        return f
    return deco


def count_result(rows, source):
    n = len(rows)
    return ("The answer is %d." % n, "The answer is %d." % (n + 1),
            [ref(source, r) for r in rows])


@item(1)
def _():
    ts = find_tables(PART, "Name", "Max walltime")
    by_node = [t for t in ts if not any("Purpose" in h for h in t["header"])]
    assert len(by_node) == 1
    return count_result([r[0] for r in by_node[0]["rows"]], PART)


@item(2)
def _():
    src = "firststeps/loggingin.md"
    t = one_table(src, "Login node name")
    return count_result([r[0] for r in t["rows"]], src)


@item(3)
def _():
    src = "runjobs/lumi_env/Lmod_modules.md"
    t = one_table(src, "Sub-command")
    return count_result([r[0] for r in t["rows"] if "," in r[0]], src)


@item(4)
def _():
    src = "storage/lumio/index.md"
    t = one_table(src, "s3cmd command")
    fc = col(t, "Function")
    return count_result([r[0] for r in t["rows"] if "bucket" in r[fc].lower()], src)


@item(5)
def _():
    src = "development/compiling/cce.md"
    t = one_table(src, "Feature", "Fortran", "C/C++")
    f, c = col(t, "Fortran"), col(t, "C/C++")
    return count_result([r[0] for r in t["rows"] if plain(r[f]) == plain(r[c])], src)


@item(6)
def _():
    src = "runjobs/scheduled-jobs/slurm-quickstart.md"
    t = one_table(src, "Command", "Description")
    return count_result([r[0] for r in t["rows"]], src)


@item(7)
def _():
    src = "runjobs/scheduled-jobs/batch-job.md"
    t = one_table(src, "Dependency type")
    return count_result([r[0] for r in t["rows"]], src)


def filter_result(names, wrong_names, source, cells=None):
    cells = names if cells is None else cells
    return ("The matching ones are " + join_names(names) + ".",
            "The matching ones are " + join_names(wrong_names) + ".",
            [ref(source, c) for c in cells])


@item(8)
def _():
    rows = [r for t, r in partition_rows() if minutes(part_cell(t, r, "Max walltime")) > 2 * 1440]
    names = [r[0] for r in rows]
    return filter_result(names, [names[0], "standard"], PART)


@item(9)
def _():
    rows = [r for t, r in partition_rows() if "LUMI-D" in plain(part_cell(t, r, "Hardware"))]
    names = [r[0] for r in rows]
    return filter_result(names, [names[0], "small"], PART)


@item(10)
def _():
    t = storage_quota_table()
    e = col(t, "Expandable")
    rows = [r for r in t["rows"] if plain(r[e]).startswith("Yes")]
    names = [plain(r[0]) for r in rows]
    return filter_result(names, names[:-1], STO, [r[0] for r in rows])


@item(11)
def _():
    src = "development/compiling/prgenv.md"
    t = one_table(src, "Compilers", "Aggressive optimizations")
    a = col(t, "Aggressive")
    rows = [r for r in t["rows"] if plain(r[a]) == "-Ofast -funroll-loops"]
    names = [r[0] for r in rows]
    others = [r[0] for r in t["rows"] if r not in rows]
    return filter_result(names, [others[0], names[-1]], src)


@item(12)
def _():
    src = "software/installing/easybuild.md"
    t = one_table(src, "EasyBuild toolchain")
    rows = [r for r in t["rows"] if "AMD compilers" in plain(r[1])]
    names = [plain(r[0]) for r in rows]
    others = [plain(r[0]) for r in t["rows"] if r not in rows]
    return filter_result(names, [names[0], others[0]], src, [r[0] for r in rows])


@item(13)
def _():
    src = "development/debugging/valgrind4hpc.md"
    t = one_table(src, "Option")
    rows = [r for r in t["rows"] if "ranks" in plain(r[0]).split("=")[0]]
    names = [plain(r[0]).split("=")[0] for r in rows]
    others = [plain(r[0]).split("=")[0] for r in t["rows"] if r not in rows]
    return filter_result(names, [names[0], others[0]], src, [r[0] for r in rows])


@item(14)
def _():
    rows = sorted(partition_rows(), key=lambda tr: minutes(part_cell(tr[0], tr[1], "Max walltime")))
    (t0, best), (t1, second) = rows[0], rows[1]
    assert minutes(part_cell(t0, best, "Max walltime")) < minutes(part_cell(t1, second, "Max walltime"))
    return ("%s, with %s." % (best[0], plain(part_cell(t0, best, "Max walltime"))),
            "%s, with %s." % (second[0], plain(part_cell(t1, second, "Max walltime"))),
            [ref(PART, best[0])])


@item(15)
def _():
    rows = [(leading_int(part_cell(t, r, "Max jobs")), r[0]) for t, r in partition_rows()
            if leading_int(part_cell(t, r, "Max jobs")) is not None]
    rows.sort(reverse=True)
    assert rows[0][0] > rows[1][0]
    return ("%s, with %d jobs." % (rows[0][1], rows[0][0]),
            "%s, with %d jobs." % (rows[1][1], rows[1][0]),
            [ref(PART, rows[0][1])])


@item(16)
def _():
    cells = sorted(network().items(), key=lambda kv: kv[1])
    (a, b), v = cells[0]
    (a2, b2), v2 = cells[1]
    assert v < v2
    return ("Between %s and %s: %s TB/s." % (a, b, num(v)),
            "Between %s and %s: %s TB/s." % (a2, b2, num(v2)),
            [ref(NET, a)])


@item(17)
def _():
    rates = []
    for t in (storage_quota_table(), storage_object_table()):
        b = col(t, "Billing")
        for r in t["rows"]:
            m = re.match(r"([\d.]+)x", plain(r[b]))
            if m:
                rates.append((float(m.group(1)), plain(r[0]), r[0]))
    rates.sort(reverse=True)
    assert rates[0][0] > rates[1][0]
    return ("%s, billed at %sx." % (rates[0][1], num(rates[0][0])),
            "%s, billed at %sx." % (rates[-1][1], num(rates[-1][0])),
            [ref(STO, rates[0][2])])


@item(18)
def _():
    t = one_table(LUMIC, "Nodes", "Memory")
    m, n = col(t, "Memory"), col(t, "Nodes")
    rows = sorted(t["rows"], key=lambda r: size_in_gb(r[m]), reverse=True)
    return ("%s, on %s nodes." % (plain(rows[0][m]), rows[0][n]),
            "%s, on %s nodes." % (plain(rows[1][m]), rows[1][n]),
            [ref(LUMIC, rows[0][0])])


def compare_result(a, b, key, fmt, source, higher=True):
    (ka, sa), (kb, sb) = key(a), key(b)
    assert ka != kb
    win, lose = ((a, sa), (b, sb)) if (ka > kb) == higher else ((b, sb), (a, sa))
    return (fmt % win, fmt % lose, [ref(source, a[0]), ref(source, b[0])])


@item(19)
def _():
    ta, a = partition("largemem")
    tb, b = partition("lumid")
    wa, wb = plain(part_cell(ta, a, "Max walltime")), plain(part_cell(tb, b, "Max walltime"))
    win, lose = (("largemem", wa), ("lumid", wb)) if minutes(wa) > minutes(wb) else (("lumid", wb), ("largemem", wa))
    return ("%s, up to %s." % win, "%s, up to %s." % lose, [ref(PART, "largemem"), ref(PART, "lumid")])


@item(20)
def _():
    ta, a = partition("standard-g")
    tb, b = partition("standard")
    na, nb = leading_int(part_cell(ta, a, "Max resources")), leading_int(part_cell(tb, b, "Max resources"))
    win, lose = (("standard-g", na), ("standard", nb)) if na > nb else (("standard", nb), ("standard-g", na))
    return ("%s, with %d nodes." % win, "%s, with %d nodes." % lose,
            [ref(PART, "standard-g"), ref(PART, "standard")])


@item(21)
def _():
    cells = network()
    intra = cells[("LUMI-C", "LUMI-C")]
    gc = cells[("LUMI-G", "LUMI-C")]
    word = "lower" if intra < gc else "higher"
    wrong_word = "higher" if word == "lower" else "lower"
    return ("Within LUMI-C it is %s TB/s, %s than the %s TB/s between LUMI-G and LUMI-C." % (num(intra), word, num(gc)),
            "Within LUMI-C it is %s TB/s, %s than the %s TB/s between LUMI-G and LUMI-C." % (num(cells[("LUMI-G", "LUMI-G")]), wrong_word, num(gc)),
            [ref(NET, "LUMI-G"), ref(NET, "LUMI-C")])


@item(22)
def _():
    t, a = storage_row("Project scratch")
    _, b = storage_row("Project fast")
    rc = col(t, "Retention")
    da, db = leading_int(a[rc]), leading_int(b[rc])
    win, lose = ((a, da), (b, db)) if da > db else ((b, db), (a, da))
    return ("%s, %d days." % (plain(win[0][0]), win[1]), "%s, %d days." % (plain(lose[0][0]), lose[1]),
            [ref(STO, a[0]), ref(STO, b[0])])


@item(23)
def _():
    t, a = storage_row("User home")
    _, b = storage_row("Project persistent")
    q = col(t, "Quota")
    ga, gb = size_in_gb(a[q]), size_in_gb(b[q])
    win, lose = (a, b) if ga > gb else (b, a)
    return ("%s, with %s." % (plain(win[0]), plain(win[q])), "%s, with %s." % (plain(lose[0]), plain(lose[q])),
            [ref(STO, a[0]), ref(STO, b[0])])


@item(24)
def _():
    t = one_table(LUMIC, "Nodes", "Memory")
    m, n = col(t, "Memory"), col(t, "Nodes")
    rows = [r for r in t["rows"] if size_in_gb(r[m]) > 256]
    total = sum(int(r[n]) for r in rows)
    return ("%d nodes." % total, "%d nodes." % sum(int(r[n]) for r in t["rows"]),
            [ref(LUMIC, r[0]) for r in rows])


@item(25)
def _():
    t, a = storage_row("Project scratch")
    _, b = storage_row("Project fast")
    q = col(t, "Quota")
    total = (size_in_gb(a[q]) + size_in_gb(b[q])) / 1000
    return ("%s TB." % num(total), "%s TB." % num(total * 2),
            [ref(STO, a[0]), ref(STO, b[0])])


@item(26)
def _():
    src = "helpdesk/index.md"
    t = one_table(src, "CE(S)T")
    c = col(t, "CE(S)T")
    e = col(t, "EE(S)T")
    start = [r for r in t["rows"] if r[0] == "Start"][0]
    end = [r for r in t["rows"] if r[0] == "End"][0]
    hours = clock_hours(end[c]) - clock_hours(start[c])
    wrong = clock_hours(end[e]) - clock_hours(start[c])
    return ("%s hours." % num(hours), "%s hours." % num(wrong), [ref(src, "Start"), ref(src, "End")])


@item(27)
def _():
    t, r = partition("largemem")
    hw = re.search(r"\[(LUMI-\w)\]\[([^\]]+)\]", part_cell(t, r, "Hardware"))
    label = hw.group(2)
    link = re.search(r"^\[%s\]:\s*(\S+)" % re.escape(label), text_of(PART), re.M).group(1)
    target = os.path.normpath(os.path.join(os.path.dirname(PART), link)).replace(os.sep, "/")
    ht = one_table(target, "Nodes", "Memory")
    m = col(ht, "Memory")
    rows = sorted(ht["rows"], key=lambda x: size_in_gb(x[m]), reverse=True)
    return ("%s (%s)." % (plain(rows[0][m]), hw.group(1)), "%s (%s)." % (plain(rows[1][m]), hw.group(1)),
            [ref(PART, "largemem"), ref(target, rows[0][0])])


@item(28)
def _():
    pt = one_table(STO, "Path", "Intended use")
    p = col(pt, "Path")
    prow = [r for r in pt["rows"] if plain(r[p]) == "/scratch/<project>"][0]
    t, qrow = storage_row(plain(prow[0]))
    q = col(t, "Quota")
    _, other = storage_row("Project persistent")
    return ("%s." % plain(qrow[q]), "%s." % plain(other[q]), [ref(STO, prow[0]), ref(STO, qrow[0])])


@item(29)
def _():
    return count_result([r["name"] for r in csv_rows(AF) if r["lead_or_host"] == "unknown"], AF)


@item(30)
def _():
    return count_result([r["name"] for r in csv_rows(AF) if r["confidence"] == "high"], AF)


@item(31)
def _():
    t = map_systems()
    c = col(t, "Class")
    return count_result([r[0] for r in t["rows"] if "incoming" in r[c].lower()], MD)


@item(32)
def _():
    t = map_additional()
    n = col(t, "Notes")
    return count_result([r[0] for r in t["rows"] if r[n] == "New"], MD)


@item(33)
def _():
    return count_result([r["component"] for r in csv_rows(IT) if "Bologna" in r["location"]], IT)


@item(34)
def _():
    t = one_table(MD, "Purpose", "Contact")
    c = col(t, "Contact")
    return count_result([r[0] for r in t["rows"] if "@" in r[c]], MD)


@item(35)
def _():
    names = [r["name"] for r in csv_rows(AF) if r["country"] == "Poland"]
    return filter_result(names, [names[0], "HammerHAI"], AF)


@item(36)
def _():
    names = [r["name"] for r in csv_rows(SC) if r["system_class"] == "pre-exascale"]
    return filter_result(names, names[:-1] + ["JUPITER"], SC)


@item(37)
def _():
    t = map_systems()
    n = col(t, "Notes")
    names = [r[0] for r in t["rows"] if "BullSequana XH2000" in r[n]]
    return filter_result(names, [names[0], "JUPITER"], MD)


@item(38)
def _():
    t = map_additional()
    n = col(t, "Notes")
    names = [r[0] for r in t["rows"] if r[n] == "Named in the EuroHPC AI Factories helpdesk topic list"]
    return filter_result(names, names[:-1] + ["PIAST"], MD)


@item(39)
def _():
    names = [r["component"] for r in csv_rows(IT) if "AI-optimized" in r["role"]]
    return filter_result(names, [names[0], "GAIA"], IT)


@item(40)
def _():
    t = one_table(MD, "Initiative", "Country")
    c = col(t, "Country")
    names = [r[0] for r in t["rows"] if r[c] == "France"]
    return filter_result(names, [names[0], "Nebius"], MD)


@item(41)
def _():
    t = map_systems()
    c = col(t, "Class")
    rows = [(map_pf(r[c]), r[0]) for r in t["rows"]
            if r[c].startswith("Pre-exascale") and map_pf(r[c]) is not None]
    rows.sort(reverse=True)
    assert rows[0][0] > rows[1][0]
    return ("%s, about %s PF." % (rows[0][1], num(rows[0][0])),
            "%s, about %s PF." % (rows[1][1], num(rows[1][0])), [ref(MD, rows[0][1])])


@item(42)
def _():
    rows = sorted((pb(r["public_specs_or_notes"]), r["component"]) for r in csv_rows(IT)
                  if pb(r["public_specs_or_notes"]) is not None)
    assert rows[0][0] < rows[1][0]
    return ("%s, with %d PB." % (rows[0][1], rows[0][0]),
            "%s, with %d PB." % (rows[1][1], rows[1][0]), [ref(IT, rows[0][1])])


@item(43)
def _():
    t = one_table(MD, "Tier", "GPU hours")
    g = col(t, "GPU hours")

    def hours(cell):
        m = re.search(r"([\d,]+)", cell)
        if not m:
            return 0.0
        v = float(m.group(1).replace(",", ""))
        return v + 0.5 if ">" in cell else v
    rows = sorted(((hours(r[g]), r[0]) for r in t["rows"]), reverse=True)
    assert rows[0][0] > rows[1][0]
    return ("The %s tier." % rows[0][1], "The %s tier." % rows[1][1], [ref(MD, rows[0][1])])


@item(44)
def _():
    counts = Counter(r["country"] for r in csv_rows(AF))
    top = max(counts.values())
    countries = [c for c in counts if counts[c] == top]
    rows = [r["name"] for r in csv_rows(AF) if r["country"] in countries]
    return ("%s, with %d each." % (join_names(countries), top),
            "%s, with %d each." % (join_names([countries[0], "Italy"]), top),
            [ref(AF, n) for n in rows])


@item(45)
def _():
    counts = Counter(r["system_class"] for r in csv_rows(SC)).most_common()
    assert counts[0][1] > counts[1][1]
    cls = counts[0][0]
    return ("%s, with %d systems." % (cls, counts[0][1]),
            "%s, with %d systems." % (counts[1][0], counts[1][1]),
            [ref(SC, r["name"]) for r in csv_rows(SC) if r["system_class"] == cls])


@item(46)
def _():
    lisa = int(re.search(r"(\d+)\s*PFlops mixed", it4lia("LISA")["public_specs_or_notes"]).group(1))
    leo = int(re.search(r"(\d+)\s*petaflops", it4lia("Leonardo")["public_specs_or_notes"]).group(1))
    win, lose = (("LISA", lisa), ("Leonardo", leo)) if lisa > leo else (("Leonardo", leo), ("LISA", lisa))
    return ("%s, with %d PF." % win, "%s, with %d PF." % lose, [ref(IT, "Leonardo"), ref(IT, "LISA")])


@item(47)
def _():
    rows = {r["name"]: r for r in csv_rows(AF)}
    a, b = rows["J-AIF"], rows["CZAI"]
    win, lose = (a, b) if CONF_RANK[a["confidence"]] > CONF_RANK[b["confidence"]] else (b, a)
    return ("%s (%s)." % (win["name"], win["confidence"]), "%s (%s)." % (lose["name"], lose["confidence"]),
            [ref(AF, "J-AIF"), ref(AF, "CZAI")])


@item(48)
def _():
    rows = {r["name"]: r for r in csv_rows(SC)}
    a, b = rows["Vega"], rows["Leonardo"]
    win, lose = (a, b) if CLASS_RANK[a["system_class"]] > CLASS_RANK[b["system_class"]] else (b, a)
    return ("No: %s is the bigger class (%s)." % (win["name"], win["system_class"]),
            "Yes: %s is the bigger class (%s)." % (lose["name"], lose["system_class"]),
            [ref(SC, "Leonardo"), ref(SC, "Vega")])


@item(49)
def _():
    a, b = it4lia("Leonardo"), it4lia("MEGARIDE")
    pa, pbb = pb(a["public_specs_or_notes"]), pb(b["public_specs_or_notes"])
    win, lose = (("Leonardo", pa), ("MEGARIDE", pbb)) if pa > pbb else (("MEGARIDE", pbb), ("Leonardo", pa))
    return ("%s, with %d PB." % win, "%s, with %d PB." % lose, [ref(IT, "Leonardo"), ref(IT, "MEGARIDE")])


@item(50)
def _():
    total = pb(it4lia("GAIA")["public_specs_or_notes"]) + pb(it4lia("MEGARIDE")["public_specs_or_notes"])
    return ("%d PB." % total, "%d PB." % (total - 10), [ref(IT, "GAIA"), ref(IT, "MEGARIDE")])


def map_system_pf(name):
    t = map_systems()
    c = col(t, "Class")
    for r in t["rows"]:
        if r[0] == name:
            return map_pf(r[c])
    raise AssertionError(name)


@item(51)
def _():
    d = map_system_pf("LUMI") - map_system_pf("Leonardo")
    wrong = map_system_pf("LUMI") - pb(it4lia("GAIA")["public_specs_or_notes"])
    return ("About %s PF." % num(d), "About %s PF." % num(wrong), [ref(MD, "LUMI"), ref(MD, "Leonardo")])


@item(52)
def _():
    d = map_system_pf("JUPITER") - map_system_pf("LUMI")
    wrong = map_system_pf("JUPITER") - map_system_pf("Leonardo")
    return ("About %s PF." % num(d), "About %s PF." % num(wrong), [ref(MD, "JUPITER"), ref(MD, "LUMI")])


def join_factories(cls):
    systems = [r["name"] for r in csv_rows(SC) if r["system_class"] == cls]
    pairs = []
    for f in csv_rows(AF):
        for s in systems:
            if re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(s), f["base_system_or_infrastructure"]):
                pairs.append((f["name"], s))
    return pairs


@item(53)
def _():
    pairs = join_factories("petascale")
    text = join_names("%s on %s" % p for p in pairs)
    return (text + ".", "Pharos on Daedalus.",
            [ref(AF, f) for f, _ in pairs] + [ref(SC, s) for _, s in pairs])


@item(54)
def _():
    pairs = join_factories("pre-exascale")
    text = join_names("%s (on %s)" % p for p in pairs)
    wrong = join_names("%s (on %s)" % p for p in pairs[:-1]) + " and J-AIF (on JUPITER)"
    return (text + ".", wrong + ".",
            [ref(AF, f) for f, _ in pairs] + [ref(SC, s) for _, s in pairs])


# ----------------------------------------------------------------- checks
def main():
    errors = []

    def err(msg):
        errors.append(msg)

    items = []
    with open(ITEMS, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except ValueError as e:
                    err("line %d: bad JSON: %s" % (ln, e))

    ids = [it.get("id") for it in items]
    dup = [i for i, n in Counter(ids).items() if n > 1]
    if dup:
        err("duplicate ids: %s" % dup)
    if len(items) != 60:
        err("expected 60 items, found %d" % len(items))
    cats = Counter(it.get("category") for it in items)
    if dict(cats) != EXPECTED_CATEGORIES:
        err("category counts %s != %s" % (dict(cats), EXPECTED_CATEGORIES))

    for idx, it in enumerate(items, 1):
        iid = it.get("id")
        if list(it.keys()) != KEYS:
            err("%s: keys %s" % (iid, list(it.keys())))
            continue
        if iid != "CF5-%03d" % idx:
            err("%s: id out of sequence (expected CF5-%03d)" % (iid, idx))
        if it["section"] is not None:
            err("%s: section must be null" % iid)
        if not it["question"].strip() or not it["computation"].strip():
            err("%s: empty question or computation" % iid)
        cat, kind = it["category"], it["kind"]
        if cat == "near_miss":
            if kind != "unanswerable" or it["answers"] or it["rows"] or it["source"] != "":
                err("%s: near miss must be unanswerable with no answers, rows, source" % iid)
            if iid in C:
                err("%s: near miss has a computation" % iid)
            continue
        if kind not in ("lumi", "map"):
            err("%s: bad kind %r" % (iid, kind))
        expect_kind = "map" if it["source"].startswith(MAPDIR) else "lumi"
        if kind != expect_kind:
            err("%s: kind %s does not fit source %s" % (iid, kind, it["source"]))
        if not it["answers"]:
            err("%s: answerable item without answers" % iid)
        # support phrase
        words = it["support"].split()
        if not 3 <= len(words) <= 12:
            err("%s: support has %d words" % (iid, len(words)))
        try:
            if it["support"] not in text_of(it["source"]):
                err("%s: support %r not found in %s" % (iid, it["support"], it["source"]))
        except OSError as e:
            err("%s: cannot read source: %s" % (iid, e))
            continue
        # rows are first cells of table rows of their sources
        for row in it["rows"]:
            if set(row) != {"source", "cell"}:
                err("%s: bad row %r" % (iid, row))
                continue
            if row["cell"] not in first_cells(row["source"]):
                err("%s: %r is not the first cell of a table row of %s" % (iid, row["cell"], row["source"]))
            if (row["source"].startswith(MAPDIR)) != (kind == "map"):
                err("%s: row source %s does not fit kind" % (iid, row["source"]))
        # recompute
        if iid not in C:
            err("%s: no computation in checker" % iid)
            continue
        try:
            good, wrong, rows = C[iid]()
        except Exception as e:  # noqa: BLE001
            err("%s: computation failed: %r" % (iid, e))
            continue
        regs = []
        for rx in it["answers"]:
            try:
                regs.append(re.compile(rx))
            except re.error as e:
                err("%s: bad regex %r: %s" % (iid, rx, e))
        if not all(r.search(good) for r in regs):
            err("%s: recomputed answer %r does not match %s" % (iid, good, it["answers"]))
        if all(r.search(wrong) for r in regs):
            err("%s: wrong answer %r still matches %s" % (iid, wrong, it["answers"]))
        item_rows = sorted((r["source"], r["cell"]) for r in it["rows"])
        if item_rows != sorted(rows):
            err("%s: rows %s != recomputed %s" % (iid, item_rows, sorted(rows)))

    kinds = Counter(it.get("kind") for it in items)
    if kinds.get("unanswerable", 0) != EXPECTED_CATEGORIES["near_miss"]:
        err("unanswerable count %s" % kinds.get("unanswerable"))

    if errors:
        for e in errors:
            print("FAIL:", e)
        print("%d problem(s)" % len(errors))
        return 1
    print("categories:", dict(cats))
    print("kinds:", dict(kinds))
    print("check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
