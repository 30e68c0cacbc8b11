#!/usr/bin/env python3
"""Standalone checker for the computed-fresh12 suite (standard library only).

Reads the tables straight from the documents (CSV files with the csv module,
Markdown tables by splitting '|' lines), recomputes every answerable item's
result, and checks that:
  * the recomputed result, stated as a sentence, matches the item's answers;
  * a deliberately wrong result does not match;
  * the rows the computation rests on equal the item's rows;
  * every support occurs verbatim in its source (and in one of the rows used);
  * every rows[].cell is the first cell of a table row of its source;
  * ids are unique, fields are as specified and category counts are as planned.
Exits 0 and prints "check passed" when everything holds.
"""
import collections
import csv
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "corpus")
SHARED = os.environ.get("BRIEFQA_SHARED_DIR") or os.path.join(ROOT, "..", "shared")
GUIDE = os.path.join(SHARED, "extra-corpus", "lumi-userguide")
ITEMS = os.path.join(ROOT, "evals", "heldout-final", "computed-fresh12.jsonl")

PLANNED = {"count": 13, "filter": 12, "superlative": 10, "comparison": 9,
           "sum": 3, "difference": 3, "join": 4, "near_miss": 6}
KEYS = {"id", "question", "kind", "category", "answers", "support", "source",
        "section", "rows", "computation"}
OPTIONAL_KEYS = {"require_all"}

M = "european-ai-infrastructure-map/"
AF, SC, IT, MAP = M + "ai_factories.csv", M + "eurohpc_supercomputers.csv", M + "it4lia_infrastructure.csv", M + "MAP.md"
PART = "runjobs/scheduled-jobs/partitions.md"
STO = "storage/index.md"
LC, LD = "hardware/lumic.md", "hardware/lumid.md"
LMOD = "runjobs/lumi_env/Lmod_modules.md"
RCLONE = "storage/lumio/index.md"
BATCH = "runjobs/scheduled-jobs/batch-job.md"
PRGENV = "development/compiling/prgenv.md"


# --------------------------------------------------------------------------- reading
def path_of(source):
    if source.startswith(M) or source == "eu-ai-factories-policy-brief.txt":
        return os.path.join(CORPUS, *source.split("/"))
    return os.path.join(GUIDE, *source.split("/"))


_text_cache = {}


def text_of(source):
    if source not in _text_cache:
        with open(path_of(source), encoding="utf-8") as f:
            _text_cache[source] = f.read()
    return _text_cache[source]


def clean(cell):
    s = re.sub(r"<br\s*/?>", " ", cell)
    s = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", s)      # [text][ref]
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)       # [text](url)
    s = s.replace("**", "").replace("`", "")
    s = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"\1", s)  # *italic*
    return " ".join(s.split())


class Row:
    def __init__(self, source, raw, cells):
        self.source = source
        self.raw = raw
        self.cells = cells
        self.first = cells[0]

    def ref(self):
        return (self.source, self.first)

    def __getitem__(self, i):
        return self.cells[i]


class Table:
    def __init__(self, header, rows):
        self.header = header
        self.rows = rows


def split_md(line):
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return s.split("|")


_md_cache = {}


def md_tables(source):
    if source in _md_cache:
        return _md_cache[source]
    tables, block = [], []
    for line in text_of(source).splitlines() + [""]:
        if line.strip().startswith("|"):
            block.append(line)
            continue
        if block:
            if len(block) >= 2 and re.fullmatch(r"[\s|:\-]+", block[1].strip()):
                header = [clean(c) for c in split_md(block[0])]
                rows = [Row(source, raw, [clean(c) for c in split_md(raw)]) for raw in block[2:]]
                tables.append(Table(header, rows))
            block = []
    _md_cache[source] = tables
    return tables


def md_table(source, *header_prefix):
    found = [t for t in md_tables(source) if tuple(t.header[:len(header_prefix)]) == header_prefix]
    if len(found) != 1:
        raise AssertionError("table %r in %s: found %d" % (header_prefix, source, len(found)))
    return found[0]


_csv_cache = {}


def csv_rows(source):
    if source not in _csv_cache:
        with open(path_of(source), encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            first = reader.fieldnames[0]
            _csv_cache[source] = [CsvRow(source, d, d[first]) for d in reader]
    return _csv_cache[source]


class CsvRow(dict):
    def __init__(self, source, d, first):
        super().__init__(d)
        self.source = source
        self.first = first

    def ref(self):
        return (self.source, self.first)


def first_cells(source):
    if source.endswith(".csv"):
        return [r.first for r in csv_rows(source)]
    return [r.first for t in md_tables(source) for r in t.rows]


def row_texts(source, cell):
    """Raw text(s) of every row of `source` whose first cell is `cell`."""
    if source.endswith(".csv"):
        return [v for r in csv_rows(source) if r.first == cell for v in r.values()]
    return [r.raw for t in md_tables(source) for r in t.rows if r.first == cell]


# --------------------------------------------------------------------------- parsing helpers
def num(pattern, text):
    m = re.search(pattern, text)
    if not m:
        return None
    return float(m.group(1).replace(",", ""))


def fmt(x):
    return str(int(x)) if float(x).is_integer() else str(x)


def minutes(s):
    m = re.match(r"(\d+)\s*(minute|hour|day)", s)
    return int(m.group(1)) * {"minute": 1, "hour": 60, "day": 1440}[m.group(2)]


def max_jobs(s):
    m = re.match(r"(\d+)\s*\((\d+) running\)", s)
    return (int(m.group(1)), int(m.group(2))) if m else None


def node_limit(s):
    m = re.fullmatch(r"(\d+)\s*nodes?", s)
    return int(m.group(1)) if m else None


def to_gb(s):
    m = re.search(r"([\d.]+)\s*(GB|TB|PB)", s)
    return float(m.group(1)) * {"GB": 1, "TB": 1000, "PB": 1000000}[m.group(2)]


def to_pf(s):
    m = re.search(r"[~>]\s*(\d+(?:\.\d+)?)\s*(EF|PF)", s)
    if not m:
        return None
    return float(m.group(1)) * (1000 if m.group(2) == "EF" else 1)


def partitions():
    t0, t1 = md_table(PART, "Name", "Max walltime", "Max jobs", "Max resources/job", "Hardware partition used"), \
        md_table(PART, "Name", "Max walltime", "Max jobs", "Max resources/job", "Hardware partition", "Purpose")
    return t0.rows + t1.rows


def quota_table():
    return md_table(STO, "", "Quota", "Max files").rows


def object_table():
    return md_table(STO, "", "Quota", "Max buckets").rows


def paths_table():
    return md_table(STO, "", "Path").rows


def map_systems():
    return md_table(MAP, "System", "Country", "Host", "Class", "Notes").rows


def map_it4lia():
    return md_table(MAP, "System", "Role").rows


def by_name(rows, name):
    hits = [r for r in rows if r.first == name]
    assert len(hits) == 1, (name, len(hits))
    return hits[0]


# --------------------------------------------------------------------------- result kinds
class Result:
    def __init__(self, parts, wrongs, rows):
        self.parts = parts          # list of strings stating the result
        self.wrongs = wrongs        # list of wrong results (each a list of strings)
        self.rows = [r.ref() if hasattr(r, "ref") else r for r in rows]


def count(rows, unit=""):
    n = len(rows)
    return Result([str(n)], [[str(n + 1)], [str(n - 1)]], rows)


def count_value(n, rows):
    return Result([str(n)], [[str(n + 1)], [str(n - 1)]], rows)


def number(value, unit, rows):
    return Result(["%s %s" % (fmt(value), unit)],
                  [["%s %s" % (fmt(value + 1), unit)], ["%s %s" % (fmt(value - 1), unit)]], rows)


def names(labels, rows):
    assert len(labels) >= 1
    wrongs = [labels[:-1], labels[1:]] if len(labels) > 1 else []
    return Result(list(labels), wrongs, rows)


def single(label, others, rows):
    return Result([label], [[o] for o in others], rows)


def pick(cands, key, label, rows, highest=True):
    """Superlative/comparison: cands is a list of (row, value); winner stated with its label."""
    ordered = sorted(cands, key=lambda rv: rv[1], reverse=highest)
    assert len(ordered) < 2 or ordered[0][1] != ordered[1][1], "tie"
    win = ordered[0]
    return Result([label(*win)], [[label(*o)] for o in ordered[1:]], rows)


def sentence(parts):
    if len(parts) == 1:
        return "The result is %s." % parts[0]
    return "The result is %s and %s." % (", ".join(parts[:-1]), parts[-1])


# --------------------------------------------------------------------------- computations
C = {}


def item(i):
    def deco(f):
        C["CF12-%03d" % i] = f
        return f
    return deco


# ---- count
@item(1)
def _():
    return count([r for r in csv_rows(AF) if r["lead_or_host"] == "unknown"])


@item(2)
def _():
    return count([r for r in csv_rows(SC) if r["system_class"] == "petascale"])


@item(3)
def _():
    return count([r for r in map_systems() if "incoming" in r[3].lower()])


@item(4)
def _():
    by_c = collections.defaultdict(list)
    for r in csv_rows(AF):
        by_c[r["country"]].append(r)
    multi = {c: rs for c, rs in by_c.items() if len(rs) >= 2}
    return count_value(len(multi), [r for rs in multi.values() for r in rs])


@item(5)
def _():
    t = md_table(MAP, "Factory", "Country", "Notes")
    return count([r for r in t.rows if r[2] == "New"])


@item(6)
def _():
    t = md_table(MAP, "Resource", "URL")
    return count([r for r in t.rows if "eurohpc-ju.europa.eu" in r[1]])


@item(7)
def _():
    return count([r for r in csv_rows(IT) if r["location"] == "DAMA Tecnopolo, Bologna"])


@item(8)
def _():
    return count([r for r in partitions() if minutes(r[1]) >= 2 * 1440])


@item(9)
def _():
    return count([r for r in partitions() if "LUMI-D" in r[4]])


@item(10)
def _():
    return count([r for r in quota_table() if r[3].startswith("Yes")])


@item(11)
def _():
    t = md_table(LMOD, "Sub-command", "Description")
    return count([r for r in t.rows if "," in r.first])


@item(12)
def _():
    t = md_table(RCLONE, "rclone subcommand", "Description")
    return count([r for r in t.rows if r[1].startswith("List")])


@item(13)
def _():
    rows = [r for t in md_tables(BATCH) if t.header[0] == "Option" for r in t.rows if "gpu" in r.first.lower()]
    return count(rows)


# ---- filter
@item(14)
def _():
    rows = [r for r in map_systems() if "BullSequana" in r[4]]
    return names([r.first for r in rows], rows)


@item(15)
def _():
    rows = [r for r in csv_rows(SC) if r["system_class"] == "pre-exascale" and r["country"] != "Finland"]
    return names([r.first for r in rows], rows)


@item(16)
def _():
    rows = [r for r in csv_rows(AF) if r["country"] == "Germany"]
    return names([r.first for r in rows], rows)


@item(17)
def _():
    rows = [r for r in csv_rows(AF)
            if r["base_system_or_infrastructure"] != "unknown" and r["lead_or_host"] == "unknown"]
    others = [r.first for r in csv_rows(AF) if r not in rows and r["base_system_or_infrastructure"] != "unknown"]
    assert len(rows) == 1
    return single(rows[0].first, others, rows)


@item(18)
def _():
    t = md_table(MAP, "Initiative", "Country", "Notes")
    rows = [r for r in t.rows if r[1] == "France"]
    return names([r.first for r in rows], rows)


@item(19)
def _():
    t = md_table(MAP, "Factory", "Country", "Notes")
    rows = [r for r in t.rows if "helpdesk topic list" in r[2]]
    return names([r.first for r in rows], rows)


@item(20)
def _():
    rows = [r for r in partitions() if r[3] == "4 nodes"]
    return names([r.first for r in rows], rows)


@item(21)
def _():
    rows = [r for r in quota_table() if re.fullmatch(r"\d+ days", r[4])]
    return names([r.first for r in rows], rows)


@item(22)
def _():
    t = md_table(LC, "Nodes", "CPUs", "CPU cores", "Memory")
    rows = [r for r in t.rows if num(r"(\d+)\s*GiB", r[3]) > 256]
    return names(["%s (%s nodes)" % (r[3], r.first) for r in rows], rows)


@item(23)
def _():
    rows = [r for r in partitions() if max_jobs(r[2]) and max_jobs(r[2])[1] == 200]
    return names([r.first for r in rows], rows)


@item(24)
def _():
    t = md_table(PRGENV, "", "Description", "Module collection")
    rows = [r for r in t.rows if "AMD" in r[1]]
    return names([r[2] for r in rows], rows)


@item(25)
def _():
    t = md_table(LMOD, "Sub-command", "Description")
    rows = [r for r in t.rows if r[1].startswith("Search")]
    return names([r.first for r in rows], rows)


# ---- superlative
def it4lia_storage():
    out = []
    for r in csv_rows(IT):
        v = num(r"(\d+)\s*PB", r["public_specs_or_notes"])
        if v is not None:
            out.append((r, v))
    return out


@item(26)
def _():
    c = it4lia_storage()
    return pick(c, None, lambda r, v: "%s (%s PB)" % (r.first, fmt(v)), [r for r, _ in c])


@item(27)
def _():
    c = [(r, to_pf(r[3])) for r in map_systems() if to_pf(r[3]) is not None]
    return pick(c, None, lambda r, v: "%s (%s)" % (r.first, r[3]), [r for r, _ in c])


@item(28)
def _():
    c = [(r, to_pf(r[1])) for r in map_it4lia() if to_pf(r[1]) is not None]
    return pick(c, None, lambda r, v: "%s (%s PF)" % (r.first, fmt(v)), [r for r, _ in c])


@item(29)
def _():
    t = md_table(MAP, "Factory", "Country", "Lead / host", "Base system")
    c = [(r, len([p for p in re.split(r"[,+]", r[3]) if p.strip()])) for r in t.rows]
    return pick(c, None, lambda r, v: "%s (%d base systems)" % (r.first, v), [r for r, _ in c])


@item(30)
def _():
    c = it4lia_storage()
    return pick(c, None, lambda r, v: "%s (%s PB)" % (r.first, fmt(v)), [r for r, _ in c], highest=False)


@item(31)
def _():
    c = [(r, minutes(r[1])) for r in partitions()]
    return pick(c, None, lambda r, v: "%s (%s)" % (r.first, r[1]), [r for r, _ in c], highest=False)


@item(32)
def _():
    c = [(r, max_jobs(r[2])[0]) for r in partitions() if max_jobs(r[2])]
    return pick(c, None, lambda r, v: "%s (%d jobs)" % (r.first, v), [r for r, _ in c])


@item(33)
def _():
    c = []
    for r in quota_table() + object_table():
        v = num(r"^([\d.]+)x$", r[-1])
        if v is not None:
            c.append((r, v))
    return pick(c, None, lambda r, v: "%s (%s)" % (r.first, r[-1]), [r for r, _ in c])


@item(34)
def _():
    c = [(r, to_gb(r[1])) for r in quota_table() + object_table()]
    return pick(c, None, lambda r, v: "%s (%s)" % (r.first, r[1]), [r for r, _ in c])


@item(35)
def _():
    c = [(r, node_limit(r[3])) for r in partitions() if r.first != "bench" and node_limit(r[3]) is not None]
    return pick(c, None, lambda r, v: "%s (%d nodes)" % (r.first, v), [r for r, _ in c])


# ---- comparison
@item(36)
def _():
    c = [(by_name(map_systems(), n), to_pf(by_name(map_systems(), n)[3])) for n in ("LUMI", "Leonardo")]
    return pick(c, None, lambda r, v: "%s, at about %s PF" % (r.first, fmt(v)), [r for r, _ in c])


@item(37)
def _():
    rows = [r for r in csv_rows(AF) if r["country"] in ("Spain", "Italy")]
    cnt = collections.Counter(r["country"] for r in rows)
    c = [(k, v) for k, v in cnt.items()]
    res = pick(c, None, lambda k, v: "%s, with %d factories" % (k, v), [])
    res.rows = [r.ref() for r in rows]
    return res


@item(38)
def _():
    rows = [r for r in csv_rows(AF) if r["confidence"] in ("high", "medium")]
    cnt = collections.Counter(r["confidence"] for r in rows)
    res = pick(list(cnt.items()), None, lambda k, v: "%s confidence, with %d entries" % (k, v), [])
    res.rows = [r.ref() for r in rows]
    return res


@item(39)
def _():
    lisa = [r for r in csv_rows(IT) if r.first == "LISA"][0]
    leo = [r for r in csv_rows(IT) if r.first == "Leonardo"][0]
    c = [(lisa, num(r"(\d+) PFlops mixed-precision", lisa["public_specs_or_notes"])),
         (leo, num(r"(\d+) petaflops", leo["public_specs_or_notes"]))]
    return pick(c, None, lambda r, v: "%s, with %s PFlops" % (r.first, fmt(v)), [lisa, leo])


@item(40)
def _():
    c = [(by_name(partitions(), n), minutes(by_name(partitions(), n)[1])) for n in ("dev-g", "debug")]
    return pick(c, None, lambda r, v: "%s, with %s" % (r.first, r[1]), [r for r, _ in c])


@item(41)
def _():
    t = md_table(LD, "Nodes", "CPUs", "CPU cores", "Memory", "GPUs")
    c = [(r, num(r"(\d+)\s*TiB", r[3])) for r in t.rows]
    label = lambda r, v: "the %s nodes, with %s" % ("GPU-less" if r[4] == "none" else "A40 GPU", r[3])
    return pick(c, None, label, [r for r, _ in c])


@item(42)
def _():
    q = quota_table()
    c = [(by_name(q, n), num(r"(\d+)k", by_name(q, n)[2]) * 1000) for n in ("Project scratch", "Project persistent")]
    return pick(c, None, lambda r, v: "%s, with %s files" % (r.first, r[2]), [r for r, _ in c])


@item(43)
def _():
    c = [(by_name(partitions(), n), max_jobs(by_name(partitions(), n)[2])[0]) for n in ("small", "small-g")]
    return pick(c, None, lambda r, v: "%s, with %d jobs" % (r.first, v), [r for r, _ in c])


@item(44)
def _():
    q = quota_table()
    c = []
    for n in ("Project fast", "Project persistent"):
        r = by_name(q, n)
        m = re.search(r"up to (\d+)\s*(GB|TB)", r[3])
        c.append((r, to_gb(m.group(1) + " " + m.group(2)), "%s %s" % m.groups()))
    return pick([(r, v) for r, v, _ in c], None,
                lambda r, v: "%s, up to %s" % (r.first, [x[2] for x in c if x[0] is r][0]),
                [r for r, _, _ in c])


# ---- sum
@item(45)
def _():
    rows = [r for r in csv_rows(IT) if r.first in ("GAIA", "MEGARIDE")]
    return number(sum(num(r"(\d+)\s*PB", r["public_specs_or_notes"]) for r in rows), "PB", rows)


@item(46)
def _():
    t = md_table(LC, "Nodes", "CPUs", "CPU cores", "Memory")
    rows = [r for r in t.rows if num(r"(\d+)\s*GiB", r[3]) > 256]
    return number(sum(int(r.first) for r in rows), "nodes", rows)


@item(47)
def _():
    q = quota_table()
    rows = [by_name(q, "Project scratch"), by_name(q, "Project fast")]
    return number(sum(to_gb(r[1]) for r in rows) / 1000, "TB", rows)


# ---- difference
@item(48)
def _():
    a = by_name(map_it4lia(), "Leonardo")
    b = by_name(map_systems(), "Leonardo")
    return number(to_pf(a[1]) - to_pf(b[3]), "PF", [a, b])


@item(49)
def _():
    r = [x for x in csv_rows(IT) if x.first == "LISA"][0]
    s = r["public_specs_or_notes"]
    return number(num(r"(\d+) PFlops mixed-precision", s) - num(r"(\d+) PFlops double precision", s), "PFlops", [r])


@item(50)
def _():
    a, b = by_name(partitions(), "small"), by_name(partitions(), "largemem")
    return number(max_jobs(a[2])[1] - max_jobs(b[2])[1], "jobs", [a, b])


# ---- join
@item(51)
def _():
    pre = [s for s in csv_rows(SC) if s["system_class"] == "pre-exascale"]
    fac, used = [], []
    for f in csv_rows(AF):
        hits = [s for s in pre if re.search(r"\b%s\b" % re.escape(s.first), f["base_system_or_infrastructure"])]
        if hits:
            fac.append(f)
            used.extend(h for h in hits if h not in used)
    return names([f.first for f in fac], fac + used)


@item(52)
def _():
    inc = [s for s in map_systems() if "incoming" in s[3].lower()]
    fac, used = [], []
    for f in csv_rows(AF):
        hits = [s for s in inc if re.search(r"\b%s\b" % re.escape(s.first), f["base_system_or_infrastructure"])]
        if hits:
            fac.append(f)
            used.extend(h for h in hits if h not in used)
    return names([f.first for f in fac], fac + used)


@item(53)
def _():
    p = by_name(partitions(), "largemem")
    hw = p[4]
    assert hw == "LUMI-D"
    t = md_table(LD, "Nodes", "CPUs", "CPU cores", "Memory")
    best = max(t.rows, key=lambda r: num(r"(\d+)\s*TiB", r[3]))
    return Result([hw, best[3]], [[hw], [hw, min(t.rows, key=lambda r: num(r"(\d+)\s*TiB", r[3]))[3]]],
                  [p] + t.rows)


@item(54)
def _():
    q = quota_table()
    rows, parts = [], []
    for r in paths_table():
        if r[3] != "LUMI-P":
            continue
        qr = by_name(q, r.first)
        if re.fullmatch(r"\d+ days", qr[4]):
            rows += [r, qr]
            parts += [r.first, qr[4]]
    assert len(parts) == 2
    others = [x.first for x in paths_table() if x[3] == "LUMI-P" and x.first != parts[0]]
    return Result(parts, [[o, by_name(q, o)[4]] for o in others] + [[parts[0], "30 days"]], rows)


# --------------------------------------------------------------------------- checking
def matches(patterns, text, require_all):
    hits = [re.search(p, text, re.IGNORECASE) is not None for p in patterns]
    return all(hits) if require_all else any(hits)


def main():
    errors = []

    def err(iid, msg):
        errors.append("%s: %s" % (iid, msg))

    items = []
    with open(ITEMS, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                items.append(json.loads(line))

    ids = [it.get("id") for it in items]
    dup = [i for i, c in collections.Counter(ids).items() if c > 1]
    if dup:
        errors.append("duplicate ids: %s" % dup)
    cats = collections.Counter(it.get("category") for it in items)
    if dict(cats) != PLANNED:
        errors.append("category counts %s != planned %s" % (dict(cats), PLANNED))
    if len(items) != sum(PLANNED.values()):
        errors.append("expected %d items, found %d" % (sum(PLANNED.values()), len(items)))

    for it in items:
        iid = it.get("id")
        keys = set(it)
        if not KEYS <= keys or keys - KEYS - OPTIONAL_KEYS:
            err(iid, "bad keys %s" % sorted(keys))
            continue
        if not re.fullmatch(r"CF12-\d{3}", iid):
            err(iid, "bad id")
        if it["section"] is not None:
            err(iid, "section must be null")
        if not isinstance(it["computation"], str) or not it["computation"].strip():
            err(iid, "missing computation")
        for p in it["answers"]:
            try:
                re.compile(p)
            except re.error as e:
                err(iid, "bad regex %r: %s" % (p, e))

        if it["category"] == "near_miss":
            if it["kind"] != "unanswerable" or it["answers"] or it["rows"] or \
                    it["support"] is not None or it["source"] is not None:
                err(iid, "near_miss item must be unanswerable with empty answers/rows and null support/source")
            if iid in C:
                err(iid, "near_miss item has a computation")
            continue

        if it["kind"] not in ("map", "lumi"):
            err(iid, "bad kind %r" % it["kind"])
        if not it["answers"]:
            err(iid, "no answers")
        src, sup = it["source"], it["support"]
        is_map = src.startswith(M)
        if (it["kind"] == "map") != is_map:
            err(iid, "kind/source mismatch")

        # support: verbatim in source, 3-12 words, no markup, inside one row used
        if not (3 <= len(sup.split()) <= 12):
            err(iid, "support has %d words" % len(sup.split()))
        if "**" in sup or "`" in sup or "<br>" in sup:
            err(iid, "support contains markup")
        if sup not in text_of(src):
            err(iid, "support not verbatim in %s" % src)
        used_texts = [t for r in it["rows"] if r["source"] == src for t in row_texts(src, r["cell"])]
        if not any(sup in t for t in used_texts):
            err(iid, "support not inside a cell/line of a row used")

        # rows: each is the first cell of a table row of its source
        for r in it["rows"]:
            if set(r) != {"source", "cell"}:
                err(iid, "bad row keys %s" % sorted(r))
                continue
            try:
                fc = first_cells(r["source"])
            except OSError as e:
                err(iid, "cannot read %s: %s" % (r["source"], e))
                continue
            if r["cell"] not in fc:
                err(iid, "row cell %r is not a first cell of a table row in %s" % (r["cell"], r["source"]))

        # recompute
        if iid not in C:
            err(iid, "no computation in checker")
            continue
        try:
            res = C[iid]()
        except Exception as e:  # noqa: BLE001
            err(iid, "computation failed: %r" % e)
            continue
        req = bool(it.get("require_all"))
        good = sentence(res.parts)
        if not matches(it["answers"], good, req):
            err(iid, "answers do not match recomputed result: %r" % good)
        if req and not all(re.search(p, good, re.IGNORECASE) for p in it["answers"]):
            err(iid, "not every pattern matches %r" % good)
        if not res.wrongs:
            err(iid, "no wrong result to test against")
        for w in res.wrongs:
            bad = sentence(w)
            if matches(it["answers"], bad, req):
                err(iid, "answers also match a wrong result: %r" % bad)
        if req and len(it["answers"]) != len(res.parts):
            err(iid, "require_all item has %d patterns for %d result parts" % (len(it["answers"]), len(res.parts)))
        want = sorted(res.rows)
        have = sorted((r["source"], r["cell"]) for r in it["rows"])
        if want != have:
            err(iid, "rows differ: computed %s, item %s" % (want, have))

    if errors:
        print("\n".join(errors))
        print("check FAILED (%d problems)" % len(errors))
        return 1
    print("check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
