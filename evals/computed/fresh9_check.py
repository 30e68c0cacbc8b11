#!/usr/bin/env python3
"""Standalone checker for evals/heldout-final/computed-fresh9.jsonl (standard library only).

It reads the tables straight from the documents (CSV files with the csv module, Markdown
tables by splitting '|' lines), recomputes the result of every answerable item by code and
checks that:
  * the recomputed result, stated as a sentence, matches every answer regex;
  * a deliberately wrong result does not match (for require_all items: fails at least one);
  * the rows the computation rests on equal the item's rows;
  * every support occurs verbatim in its source (3-12 words, one line, no Markdown markup)
    and inside one of the rows the item uses;
  * every rows[].cell is the first cell of a table row of its source;
  * ids are unique, keys are as specified and category counts are as planned.
Exit 0 and print "check passed" when all of this holds.
"""
import csv
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "corpus")
SHARED = os.environ.get("BRIEFQA_SHARED_DIR") or os.path.join(ROOT, "..", "shared")
GUIDE = os.path.join(SHARED, "extra-corpus", "lumi-userguide")
ITEMS = os.path.join(ROOT, "evals", "heldout-final", "computed-fresh9.jsonl")

PLANNED = {"count": 13, "filter": 12, "superlative": 10, "comparison": 9, "sum": 3,
           "difference": 3, "join": 4, "near_miss": 6}
KEYS = {"id", "question", "kind", "category", "answers", "support", "source", "section",
        "rows", "computation"}
OPTIONAL = {"require_all"}

M = "european-ai-infrastructure-map/"
AF = M + "ai_factories.csv"
SC = M + "eurohpc_supercomputers.csv"
IT = M + "it4lia_infrastructure.csv"
MD = M + "MAP.md"
PA = "runjobs/scheduled-jobs/partitions.md"
ST = "storage/index.md"
LC = "hardware/lumic.md"
LD = "hardware/lumid.md"
NW = "hardware/network.md"
PG = "development/compiling/prgenv.md"
LM = "runjobs/lumi_env/Lmod_modules.md"
BJ = "runjobs/scheduled-jobs/batch-job.md"
LO = "storage/lumio/index.md"


# ----------------------------------------------------------------------------- reading
def path_of(src):
    if src.startswith(M) or src == "eu-ai-factories-policy-brief.txt":
        return os.path.join(CORPUS, *src.split("/"))
    return os.path.join(GUIDE, *src.split("/"))


_text = {}


def text(src):
    if src not in _text:
        with open(path_of(src), encoding="utf-8") as f:
            _text[src] = f.read()
    return _text[src]


def clean(s):
    """Cell text without Markdown markup: <br> -> space, links -> text, no ** ` *."""
    s = re.sub(r"<br\s*/?>", " ", s)
    s = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", s)
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = s.replace("**", "").replace("`", "")
    s = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"\1", s)
    return " ".join(s.split())


def split_row(line):
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return s.split("|")


class Table:
    def __init__(self, header, rows, raw):
        self.header = header  # cleaned header cells
        self.rows = rows      # cleaned cells per row
        self.raw = raw        # raw source line per row

    def col(self, prefix):
        hits = [i for i, h in enumerate(self.header) if h.lower().startswith(prefix.lower())]
        assert len(hits) == 1, (prefix, self.header)
        return hits[0]

    def firsts(self):
        return [r[0] for r in self.rows]


_md = {}


def md_tables(src):
    if src in _md:
        return _md[src]
    tables, block = [], []
    for line in text(src).split("\n") + [""]:
        if line.strip().startswith("|"):
            block.append(line)
            continue
        if len(block) >= 2 and re.fullmatch(r"[\s|:\-]+", block[1]):
            header = [clean(c) for c in split_row(block[0])]
            rows = [[clean(c) for c in split_row(l)] for l in block[2:]]
            tables.append(Table(header, rows, block[2:]))
        block = []
    _md[src] = tables
    return tables


def md(src, header=None, has=None):
    """The unique table of src whose header starts with `header` and/or has a row with first cell `has`."""
    found = []
    for t in md_tables(src):
        if header is not None and t.header[:len(header)] != header:
            continue
        if has is not None and has not in t.firsts():
            continue
        found.append(t)
    assert len(found) == 1, (src, header, has, len(found))
    return found[0]


_csv = {}


def csvrows(src):
    if src not in _csv:
        with open(path_of(src), encoding="utf-8", newline="") as f:
            _csv[src] = list(csv.DictReader(f))
    return _csv[src]


def csv_first_col(src):
    with open(path_of(src), encoding="utf-8", newline="") as f:
        return next(csv.reader(f))[0]


# ----------------------------------------------------------------------------- helpers
def count_result(n):
    return "The answer is %d." % n, "The answer is %d." % (n + 1)


def list_result(items, distractor):
    good = "They are: " + ", ".join(items) + "."
    bad = "They are: " + ", ".join(items[:-1] + [distractor]) + "."
    return good, bad


def rows_of(src, names):
    return [(src, n) for n in names]


def name_col(src):
    return csv_first_col(src)


def cname(src, r):
    return r[name_col(src)]


def minutes(s):
    m = re.match(r"(\d+)\s*(minute|hour|day)", s)
    return int(m.group(1)) * {"minute": 1, "hour": 60, "day": 1440}[m.group(2)]


def first_int(s):
    m = re.match(r"\s*(\d+)", s)
    return int(m.group(1)) if m else None


def kfiles(s):
    m = re.fullmatch(r"(\d+)k", s.strip())
    return int(m.group(1)) * 1000


def pb_storage(notes):
    m = re.search(r"(\d+)\s*PB storage", notes)
    return int(m.group(1)) if m else None


def peak_pf(notes):
    vals = []
    for num, unit in re.findall(r"(\d+(?:\.\d+)?)\s*(petaflops|PFlops|PF|EF)\b", notes):
        vals.append(float(num) * (1000 if unit == "EF" else 1))
    return max(vals) if vals else None


def partitions():
    """All rows of both partition tables: (name, walltime, maxjobs, maxres, hardware)."""
    out = []
    for t in [md(PA, header=["Name", "Max walltime", "Max jobs", "Max resources/job", "Hardware partition used"]),
              md(PA, header=["Name", "Max walltime", "Max jobs", "Max resources/job", "Hardware partition", "Purpose"])]:
        hw = t.col("Hardware")
        for r in t.rows:
            out.append({"name": r[0], "wall": r[1], "jobs": r[2], "res": r[3], "hw": r[hw]})
    return out


def quota_table():
    return md(ST, header=["", "Quota", "Max files"])


def object_table():
    return md(ST, header=["", "Quota", "Max buckets"])


def paths_table():
    return md(ST, header=["", "Path"])


def sec1():
    return md(MD, header=["System", "Country", "Host", "Class", "Notes"])


# ----------------------------------------------------------------------------- computations
C = {}


def item(i):
    def deco(f):
        C["CF9-%03d" % i] = f
        return f
    return deco


@item(1)
def _():
    rows = [cname(AF, r) for r in csvrows(AF) if r["confidence"] == "high"]
    return count_result(len(rows)) + (rows_of(AF, rows),)


@item(2)
def _():
    rows = [r[0] for r in sec1().rows if "incoming" in r[3].lower()]
    return count_result(len(rows)) + (rows_of(MD, rows),)


@item(3)
def _():
    by = {}
    for r in csvrows(AF):
        by.setdefault(r["country"], []).append(cname(AF, r))
    multi = [c for c, v in by.items() if len(v) > 1]
    rows = [cname(AF, r) for r in csvrows(AF) if r["country"] in multi]
    return count_result(len(multi)) + (rows_of(AF, rows),)


@item(4)
def _():
    rows = [cname(AF, r) for r in csvrows(AF) if r["lead_or_host"] == "unknown"]
    return count_result(len(rows)) + (rows_of(AF, rows),)


@item(5)
def _():
    t = md(MD, header=["Factory", "Country", "Lead / host", "Base system", "Status (2026)"])
    return count_result(len(t.rows)) + (rows_of(MD, t.firsts()),)


@item(6)
def _():
    rows = [cname(IT, r) for r in csvrows(IT) if r["location"] == "DAMA Tecnopolo, Bologna"]
    return count_result(len(rows)) + (rows_of(IT, rows),)


@item(7)
def _():
    t = md(MD, header=["Initiative", "Country", "Notes"])
    rows = [r[0] for r in t.rows if r[1] == "France"]
    return count_result(len(rows)) + (rows_of(MD, rows),)


@item(8)
def _():
    rows = [p["name"] for p in partitions() if "LUMI-G" in p["hw"]]
    return count_result(len(rows)) + (rows_of(PA, rows),)


@item(9)
def _():
    rows = [p["name"] for p in partitions() if re.fullmatch(r"4 nodes", p["res"])]
    return count_result(len(rows)) + (rows_of(PA, rows),)


@item(10)
def _():
    t = md(LO, header=["rclone subcommand"])
    return count_result(len(t.rows)) + (rows_of(LO, t.firsts()),)


@item(11)
def _():
    t = md(LM, header=["Sub-command"])
    return count_result(len(t.rows)) + (rows_of(LM, t.firsts()),)


@item(12)
def _():
    t = md(BJ, has="--gpus")
    return count_result(len(t.rows)) + (rows_of(BJ, t.firsts()),)


@item(13)
def _():
    t = quota_table()
    ret = t.col("Retention")
    rows = [r[0] for r in t.rows if re.fullmatch(r"\d+ days", r[ret])]
    return count_result(len(rows)) + (rows_of(ST, rows),)


@item(14)
def _():
    rows = [cname(SC, r) for r in csvrows(SC) if r["system_class"] == "pre-exascale"]
    other = [cname(SC, r) for r in csvrows(SC) if r["system_class"] != "pre-exascale"][0]
    return list_result(rows, other) + (rows_of(SC, rows),)


@item(15)
def _():
    rows = [cname(AF, r) for r in csvrows(AF) if r["country"] == "Poland"]
    other = [cname(AF, r) for r in csvrows(AF) if r["country"] != "Poland"][0]
    return list_result(rows, other) + (rows_of(AF, rows),)


@item(16)
def _():
    rows = [r[0] for r in sec1().rows if "BullSequana XH2000" in r[4]]
    other = [r[0] for r in sec1().rows if r[0] not in rows][0]
    return list_result(rows, other) + (rows_of(MD, rows),)


@item(17)
def _():
    rows = [cname(IT, r) for r in csvrows(IT) if pb_storage(r["public_specs_or_notes"]) is not None]
    other = [cname(IT, r) for r in csvrows(IT) if cname(IT, r) not in rows][0]
    return list_result(rows, other) + (rows_of(IT, rows),)


@item(18)
def _():
    rows = [cname(AF, r) for r in csvrows(AF)
            if r["lead_or_host"] == "unknown" and r["base_system_or_infrastructure"] != "unknown"]
    other = [cname(AF, r) for r in csvrows(AF) if r["lead_or_host"] == "unknown" and cname(AF, r) not in rows][0]
    return "It is %s." % ", ".join(rows), "It is %s." % other, rows_of(AF, rows)


@item(19)
def _():
    rows = [r[0] for r in sec1().rows if r[3].lower().startswith("exascale")]
    other = [r[0] for r in sec1().rows if r[0] not in rows][0]
    return list_result(rows, other) + (rows_of(MD, rows),)


@item(20)
def _():
    ps = partitions()
    rows = [p["name"] for p in ps if minutes(p["wall"]) > 2 * 1440]
    other = [p["name"] for p in ps if p["name"] not in rows][0]
    return list_result(rows, other) + (rows_of(PA, rows),)


@item(21)
def _():
    ps = partitions()
    rows = [p["name"] for p in ps if "(1 running)" in p["jobs"]]
    other = [p["name"] for p in ps if p["name"] not in rows][0]
    return list_result(rows, other) + (rows_of(PA, rows),)


@item(22)
def _():
    t = quota_table()
    ex = t.col("Expandable")
    rows = [r[0] for r in t.rows if r[ex].startswith("Yes")]
    other = [r[0] for r in t.rows if r[0] not in rows][0]
    return list_result(rows, other) + (rows_of(ST, rows),)


def lumic():
    t = md(LC, header=["Nodes", "CPUs", "CPU cores", "Memory"])
    mem = t.col("Memory")
    return [(r[0], int(r[0]), int(re.match(r"(\d+) GiB", r[mem]).group(1))) for r in t.rows]


@item(23)
def _():
    rows = [n for n, _, gib in lumic() if gib > 256]
    mems = ["the %d GiB nodes" % gib for n, _, gib in lumic() if gib > 256]
    other = ["the %d GiB nodes" % gib for n, _, gib in lumic() if gib <= 256][0]
    return list_result(mems, other) + (rows_of(LC, rows),)


@item(24)
def _():
    t = quota_table()
    b = t.col("Billing")
    rows = [r[0] for r in t.rows if r[b] == "1x"]
    other = [r[0] for r in t.rows if r[0] not in rows and r[b] != "NA"][0]
    return list_result(rows, other) + (rows_of(ST, rows),)


@item(25)
def _():
    t = md(PG, header=["Compilers"])
    ag = t.col("Aggressive")
    rows = [r[0] for r in t.rows if r[ag] == "-Ofast -funroll-loops"]
    other = [r[0] for r in t.rows if r[0] not in rows][0]
    return list_result(rows, other) + (rows_of(PG, rows),)


def superl(cands, biggest=True):
    """cands: list of (label, value); returns winner sentence, runner-up sentence."""
    order = sorted(cands, key=lambda c: c[1], reverse=biggest)
    assert order[0][1] != order[1][1], "tie"
    return "It is %s." % order[0][0], "It is %s." % order[1][0]


@item(26)
def _():
    c = [(cname(IT, r), pb_storage(r["public_specs_or_notes"])) for r in csvrows(IT)]
    c = [x for x in c if x[1] is not None]
    good, bad = superl([("%s (%d PB)" % x, x[1]) for x in c])
    return good, bad, rows_of(IT, [x[0] for x in c])


@item(27)
def _():
    c = []
    for r in sec1().rows:
        m = re.search(r"~(\d+)\s*(EF|PF)", r[3])
        if m:
            c.append((r[0], int(m.group(1)) * (1000 if m.group(2) == "EF" else 1)))
    good, bad = superl([("%s (%d PF)" % x, x[1]) for x in c])
    return good, bad, rows_of(MD, [x[0] for x in c])


@item(28)
def _():
    t = md(MD, header=["Tier", "GPU hours", "Audience"])
    c = []
    for r in t.rows:
        m = re.search(r"(Up to|>)\s*([\d,]+)", r[1])
        if m:
            c.append((r[0], (int(m.group(2).replace(",", "")), 1 if m.group(1) == ">" else 0), r[1]))
    good, bad = superl([("%s (%s)" % (x[0], x[2]), x[1]) for x in c])
    return good, bad, rows_of(MD, [x[0] for x in c])


@item(29)
def _():
    by = {}
    for r in csvrows(SC):
        by[r["system_class"]] = by.get(r["system_class"], 0) + 1
    good, bad = superl([("%s (%d systems)" % (k, v), v) for k, v in by.items()])
    return good, bad, rows_of(SC, [cname(SC, r) for r in csvrows(SC)])


@item(30)
def _():
    c = [(cname(IT, r), peak_pf(r["public_specs_or_notes"])) for r in csvrows(IT)]
    c = [x for x in c if x[1] is not None]
    good, bad = superl([("%s (%g PF)" % x, x[1]) for x in c])
    return good, bad, rows_of(IT, [x[0] for x in c])


@item(31)
def _():
    ps = partitions()
    good, bad = superl([("%s (%s)" % (p["name"], p["wall"]), minutes(p["wall"])) for p in ps], biggest=False)
    return good, bad, rows_of(PA, [p["name"] for p in ps])


@item(32)
def _():
    ps = [p for p in partitions() if first_int(p["jobs"]) is not None]
    good, bad = superl([("%s (%d jobs)" % (p["name"], first_int(p["jobs"])), first_int(p["jobs"])) for p in ps])
    return good, bad, rows_of(PA, [p["name"] for p in ps])


@item(33)
def _():
    c = lumic()
    good, bad = superl([("%d GiB (%d nodes)" % (gib, n), n) for _, n, gib in c])
    return good, bad, rows_of(LC, [x[0] for x in c])


@item(34)
def _():
    c = []
    for t in (quota_table(), object_table()):
        b = t.col("Billing")
        for r in t.rows:
            m = re.fullmatch(r"([\d.]+)x", r[b])
            if m:
                c.append((r[0], float(m.group(1))))
    good, bad = superl([("%s (%gx)" % x, x[1]) for x in c])
    return good, bad, rows_of(ST, [x[0] for x in c])


@item(35)
def _():
    t = quota_table()
    f = t.col("Max files")
    c = [(r[0], kfiles(r[f])) for r in t.rows]
    good, bad = superl([("%s (%d files)" % x, x[1]) for x in c])
    return good, bad, rows_of(ST, [x[0] for x in c])


def it4(name):
    return [r for r in csvrows(IT) if cname(IT, r) == name][0]


@item(36)
def _():
    g = pb_storage(it4("GAIA")["public_specs_or_notes"])
    m = pb_storage(it4("MEGARIDE")["public_specs_or_notes"])
    a, b = (("MEGARIDE", m), ("GAIA", g)) if m > g else (("GAIA", g), ("MEGARIDE", m))
    return ("%s has more storage: %d PB against %d PB." % (a[0], a[1], b[1]),
            "%s has more storage: %d PB." % b, rows_of(IT, ["GAIA", "MEGARIDE"]))


@item(37)
def _():
    h = [cname(AF, r) for r in csvrows(AF) if r["source_title"] == "Helpdesk - AI Factories"]
    o = [cname(AF, r) for r in csvrows(AF) if r["source_title"] == "AI Factories"]
    assert len(h) != len(o)
    good = ("The EuroHPC helpdesk page: %d entries against %d." % (len(h), len(o)) if len(h) > len(o)
            else "The AI Factories overview page: %d entries against %d." % (len(o), len(h)))
    bad = ("The AI Factories overview page, with %d entries." % len(o) if len(h) > len(o)
           else "The EuroHPC helpdesk page, with %d entries." % len(h))
    return good, bad, rows_of(AF, h + o)


@item(38)
def _():
    f = md(MD, header=["Factory", "Country", "Lead / host"]).firsts()
    a = md(MD, header=["Factory", "Country", "Notes"]).firsts()
    assert len(a) > len(f)
    return ("The 2025 selections: %d factories against %d in the first wave." % (len(a), len(f)),
            "The first wave, with %d factories." % len(f), rows_of(MD, f + a))


@item(39)
def _():
    by = {}
    for r in csvrows(AF):
        by[r["confidence"]] = by.get(r["confidence"], 0) + 1
    assert set(by) == {"high", "medium"} and by["high"] != by["medium"]
    win = max(by, key=by.get)
    lose = min(by, key=by.get)
    return ("%s-confidence entries: %d against %d." % (win.capitalize(), by[win], by[lose]),
            "%s-confidence entries, with %d." % (lose.capitalize(), by[lose]),
            rows_of(AF, [cname(AF, r) for r in csvrows(AF)]))


@item(40)
def _():
    tiers = md(MD, header=["Tier", "GPU hours"])
    fl = [r for r in tiers.rows if r[0] == "Fast Lane"][0]
    cap = int(re.search(r"([\d,]+)", fl[1]).group(1).replace(",", ""))
    st = md(MD, header=["Initiative", "Country", "Notes"])
    ti = [r for r in st.rows if r[0] == "Tilde on LUMI"][0]
    hours = int(re.search(r"(\d+)M GPU hours", ti[2]).group(1)) * 1000000
    ratio = hours / cap
    assert ratio == int(ratio)
    return ("About %d times the cap." % ratio, "About %d times the cap." % (ratio + 1),
            rows_of(MD, ["Fast Lane", "Tilde on LUMI"]))


def part(name):
    return [p for p in partitions() if p["name"] == name][0]


@item(41)
def _():
    a = int(re.match(r"(\d+) nodes", part("standard-g")["res"]).group(1))
    b = int(re.match(r"(\d+) nodes", part("standard")["res"]).group(1))
    assert a != b
    good = ("standard-g: %d nodes against %d for standard." % (a, b) if a > b
            else "standard: %d nodes against %d for standard-g." % (b, a))
    bad = "standard: %d nodes." % b if a > b else "standard-g: %d nodes." % a
    return good, bad, rows_of(PA, ["standard-g", "standard"])


def qrow(name):
    t = quota_table()
    return dict(zip(t.header, [r for r in t.rows if r[0] == name][0]))


@item(42)
def _():
    s = int(re.match(r"(\d+) days", qrow("Project scratch")["Retention"]).group(1))
    f = int(re.match(r"(\d+) days", qrow("Project fast")["Retention"]).group(1))
    assert s != f
    good = ("Project scratch keeps data longer: %d days against %d." % (s, f) if s > f
            else "Project flash keeps data longer: %d days against %d." % (f, s))
    bad = "Project flash: %d days." % f if s > f else "Project scratch: %d days." % s
    return good, bad, rows_of(ST, ["Project scratch", "Project fast"])


def lumid():
    t = md(LD, header=["Nodes", "CPUs", "CPU cores", "Memory", "GPUs"])
    mem, gpu = t.col("Memory"), t.col("GPUs")
    return [(r[0], int(r[0]), int(re.match(r"(\d+) TiB", r[mem]).group(1)), r[gpu]) for r in t.rows]


@item(43)
def _():
    rows = lumid()
    nogpu = [r for r in rows if r[3] == "none"][0]
    gpu = [r for r in rows if r[3] != "none"][0]
    if nogpu[2] > gpu[2]:
        good = "The nodes without GPUs have more memory: %d TiB against %d TiB." % (nogpu[2], gpu[2])
        bad = "The nodes with GPUs (%s) have more memory: %d TiB." % (gpu[3], gpu[2])
    else:
        good = "The nodes with %s GPUs have more memory: %d TiB against %d TiB." % (gpu[3], gpu[2], nogpu[2])
        bad = "The nodes without GPUs have more memory: %d TiB." % nogpu[2]
    return good, bad, rows_of(LD, [r[0] for r in rows])


@item(44)
def _():
    h = kfiles(qrow("User home")["Max files"])
    s = kfiles(qrow("Project scratch")["Max files"])
    ratio = s / h
    assert ratio == int(ratio)
    return ("%d times as many files." % ratio, "%d times as many files." % (ratio + 1),
            rows_of(ST, ["User home", "Project scratch"]))


@item(45)
def _():
    c = [(cname(IT, r), pb_storage(r["public_specs_or_notes"])) for r in csvrows(IT)]
    c = [x for x in c if x[1] is not None]
    total = sum(x[1] for x in c)
    return ("More than %d PB in total." % total, "More than %d PB in total." % (total + 1),
            rows_of(IT, [x[0] for x in c]))


@item(46)
def _():
    c = lumic()
    total = sum(x[1] for x in c)
    return "%d nodes." % total, "%d nodes." % (total + 1), rows_of(LC, [x[0] for x in c])


@item(47)
def _():
    c = lumid()
    total = sum(n * tib for _, n, tib, _ in c)
    return "%d TiB." % total, "%d TiB." % (total + 1), rows_of(LD, [x[0] for x in c])


@item(48)
def _():
    a = [r for r in sec1().rows if r[0] == "Leonardo"][0]
    pf1 = int(re.search(r"~(\d+)\s*PF", a[3]).group(1))
    t = md(MD, header=["System", "Role"])
    b = [r for r in t.rows if r[0] == "Leonardo"][0]
    pf2 = int(re.search(r"~(\d+)\s*PF", b[1]).group(1))
    d = abs(pf2 - pf1)
    return ("They differ by %d PF (%d vs %d PF)." % (d, pf2, pf1), "They differ by %d PF." % (d + 1),
            rows_of(MD, ["Leonardo", "Leonardo"]))


@item(49)
def _():
    n = it4("LISA")["public_specs_or_notes"]
    dp = int(re.search(r"(\d+) PFlops double precision", n).group(1))
    mp = int(re.search(r"(\d+) PFlops mixed-precision", n).group(1))
    return ("%d PFlops higher." % (mp - dp), "%d PFlops higher." % (mp - dp + 1), rows_of(IT, ["LISA"]))


@item(50)
def _():
    r = qrow("Project scratch")
    q = int(re.match(r"(\d+) TB", r["Quota"]).group(1))
    mx = int(re.search(r"up to (\d+)\s*TB", r["Expandable"]).group(1))
    return ("Up to %d TB more." % (mx - q), "Up to %d TB more." % (mx - q + 1), rows_of(ST, ["Project scratch"]))


@item(51)
def _():
    pre = [cname(SC, r) for r in csvrows(SC) if r["system_class"] == "pre-exascale"]
    facs, used = [], set()
    for r in csvrows(AF):
        hit = [s for s in pre if re.search(r"\b%s\b" % re.escape(s), r["base_system_or_infrastructure"])]
        if hit:
            facs.append(cname(AF, r))
            used.update(hit)
    sups = [s for s in pre if s in used]
    other = [cname(AF, r) for r in csvrows(AF) if cname(AF, r) not in facs][0]
    good, bad = list_result(facs, other)
    return good, bad, rows_of(AF, facs) + rows_of(SC, sups)


@item(52)
def _():
    peta = [r for r in csvrows(SC) if r["system_class"] == "petascale"]
    fcountries = {r["country"] for r in csvrows(AF)}
    shared = [r["country"] for r in peta if r["country"] in fcountries]
    lonely = [r["country"] for r in peta if r["country"] not in fcountries]
    sups = [cname(SC, r) for r in peta if r["country"] in shared]
    facs = [cname(AF, r) for r in csvrows(AF) if r["country"] in shared]
    good, bad = list_result(shared, lonely[0] if lonely else "Germany")
    return good, bad, rows_of(SC, sups) + rows_of(AF, facs)


@item(53)
def _():
    p = paths_table()
    pc = p.col("Path")
    name = [r[0] for r in p.rows if r[pc] == "/scratch/<project>"][0]
    q = qrow(name)
    f = qrow("Project fast")
    return ("%s quota, kept %s." % (q["Quota"], q["Retention"]),
            "%s quota, kept %s." % (f["Quota"], f["Retention"]),
            rows_of(ST, [name]) + rows_of(ST, [name]))


@item(54)
def _():
    hw = part("debug")["hw"]
    t = md(NW, header=["", "LUMI-G", "LUMI-C"])
    row = [r for r in t.rows if r[0] == hw][0]
    val = row[t.col("LUMI-F")]
    g = [r for r in t.rows if r[0] == "LUMI-G"][0][t.col("LUMI-F")]
    assert val != g
    return "%s between %s and LUMI-F." % (val, hw), "%s." % g, rows_of(PA, ["debug"]) + rows_of(NW, [hw])


# Near misses: the tables must indeed lack what is asked for.
def nm_checks():
    errs = []
    all_map = text(MD) + "".join(text(s) for s in (AF, SC, IT)) + text("eu-ai-factories-policy-brief.txt")
    if re.search(r"megawatt|\bMW\b", all_map, re.I):
        errs.append("CF9-055: power figure found in map/brief")
    if md(MD, header=["Package"]).header != ["Package", "Use case"]:
        errs.append("CF9-056: package table has more columns")
    if any(re.search(r"staff|employ|headcount", h, re.I) for h in csvrows(AF)[0].keys()) \
            or md(MD, header=["Factory", "Country", "Lead / host"]).header != \
            ["Factory", "Country", "Lead / host", "Base system", "Status (2026)"]:
        errs.append("CF9-057: staff column present")
    guide = []
    for dp, _, fs in os.walk(GUIDE):
        for fn in fs:
            if fn.endswith(".md"):
                with open(os.path.join(dp, fn), encoding="utf-8") as f:
                    guide.append(f.read())
    guide = "\n".join(guide)
    if re.search(r"€|\beuros?\b|\bEUR\b", guide):
        errs.append("CF9-058: euro price found in guide")
    if "gpu-long" in guide.lower():
        errs.append("CF9-059: gpu-long found in guide")
    if re.search(r"ipv6", guide, re.I):
        errs.append("CF9-060: IPv6 found in guide")
    return errs


# ----------------------------------------------------------------------------- checks
def first_cells(src):
    if src.endswith(".csv"):
        return [cname(src, r) for r in csvrows(src)]
    return [c for t in md_tables(src) for c in t.firsts()]


def row_texts(src, cell):
    """Raw lines (Markdown) or cell values (CSV) of the rows of src whose first cell is `cell`."""
    if src.endswith(".csv"):
        return [v for r in csvrows(src) if cname(src, r) == cell for v in r.values()]
    return [raw for t in md_tables(src) for r, raw in zip(t.rows, t.raw) if r[0] == cell]


def matches(pats, s):
    return [bool(re.search(p, s, re.I)) for p in pats]


def main():
    errs = []
    with open(ITEMS, encoding="utf-8") as f:
        items = [json.loads(l) for l in f if l.strip()]
    ids = [it["id"] for it in items]
    if len(set(ids)) != len(ids):
        errs.append("duplicate ids")
    if ids != ["CF9-%03d" % i for i in range(1, len(items) + 1)]:
        errs.append("ids are not CF9-001.. in order")
    cats = {}
    for it in items:
        cats[it["category"]] = cats.get(it["category"], 0) + 1
    if cats != PLANNED:
        errs.append("category counts %s != planned %s" % (cats, PLANNED))

    kinds = {}
    for it in items:
        iid = it["id"]
        kinds[it["kind"]] = kinds.get(it["kind"], 0) + 1
        keys = set(it)
        if not (KEYS <= keys <= KEYS | OPTIONAL):
            errs.append("%s: keys %s" % (iid, sorted(keys)))
        if it["section"] is not None:
            errs.append("%s: section not null" % iid)
        if it["category"] == "near_miss":
            if it["kind"] != "unanswerable" or it["answers"] or it["rows"] or it["support"] is not None \
                    or it["source"] is not None or it.get("require_all"):
                errs.append("%s: near_miss fields" % iid)
            continue
        if it["kind"] not in ("map", "lumi", "brief"):
            errs.append("%s: kind %s" % (iid, it["kind"]))
        pats = it["answers"]
        for p in pats:
            re.compile(p)
        if not pats:
            errs.append("%s: no answers" % iid)
        if len(pats) > 1 and not it.get("require_all"):
            errs.append("%s: several patterns without require_all" % iid)
        if iid not in C:
            errs.append("%s: no computation in checker" % iid)
            continue
        good, bad, rows = C[iid]()
        if not all(matches(pats, good)):
            errs.append("%s: result %r does not match %s" % (iid, good, pats))
        bm = matches(pats, bad)
        if (it.get("require_all") and all(bm)) or (not it.get("require_all") and any(bm)):
            errs.append("%s: wrong result %r matches %s" % (iid, bad, pats))
        got = [(r["source"], r["cell"]) for r in it["rows"]]
        if got != rows:
            errs.append("%s: rows differ\n  item: %s\n  computed: %s" % (iid, got, rows))
        for src, cell in got:
            if cell not in first_cells(src):
                errs.append("%s: %r is not a first cell of %s" % (iid, cell, src))
        # support
        sup, src = it["support"], it["source"]
        n = len(sup.split())
        if not 3 <= n <= 12:
            errs.append("%s: support has %d words" % (iid, n))
        if "\n" in sup or "**" in sup or "`" in sup or "<br" in sup:
            errs.append("%s: support has markup or newline" % iid)
        if sup not in text(src):
            errs.append("%s: support not verbatim in %s" % (iid, src))
        inside = any(sup in t for s, c in got if s == src for t in row_texts(s, c))
        if not inside:
            errs.append("%s: support not within one of the rows used" % iid)
        if src.endswith(".md") and not src.startswith(M):
            if not any(sup in line for line in text(src).split("\n")):
                errs.append("%s: support not on a single line" % iid)
    errs += nm_checks()

    for c in PLANNED:
        print("%-12s %d" % (c, cats.get(c, 0)))
    print("kinds:", ", ".join("%s %d" % kv for kv in sorted(kinds.items())))
    if errs:
        print("\n".join(errs))
        print("check FAILED (%d problems)" % len(errs))
        return 1
    print("check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
