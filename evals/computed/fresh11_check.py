#!/usr/bin/env python3
"""Checker for the computed-fresh11 held-out suite (standard library only).

Reads the tables straight from the documents, recomputes every answerable
item's result, and checks answers, rows, supports, ids and category counts.
Prints "check passed" and exits 0 when everything holds.
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
ITEMS = os.path.join(ROOT, "evals", "heldout-final", "computed-fresh11.jsonl")

PLANNED = {"count": 13, "filter": 12, "superlative": 10, "comparison": 9, "sum": 3,
           "difference": 3, "join": 4, "near_miss": 6}
KEYS = {"id", "question", "kind", "category", "answers", "support", "source", "section",
        "rows", "computation"}
OPTIONAL_KEYS = {"require_all"}

AF = "european-ai-infrastructure-map/ai_factories.csv"
SC = "european-ai-infrastructure-map/eurohpc_supercomputers.csv"
IT = "european-ai-infrastructure-map/it4lia_infrastructure.csv"
MAP = "european-ai-infrastructure-map/MAP.md"
PART = "runjobs/scheduled-jobs/partitions.md"
STOR = "storage/index.md"
LC = "hardware/lumic.md"
LD = "hardware/lumid.md"
LMOD = "runjobs/lumi_env/Lmod_modules.md"
BATCH = "runjobs/scheduled-jobs/batch-job.md"
LUMIO = "storage/lumio/index.md"
PRGENV = "development/compiling/prgenv.md"

ERRORS = []


def fail(msg):
    ERRORS.append(msg)


# ---------------------------------------------------------------- reading
def path_of(source):
    if source.startswith("european-ai-infrastructure-map/") or source.endswith(".txt"):
        return os.path.join(CORPUS, *source.split("/"))
    return os.path.join(GUIDE, *source.split("/"))


_TEXT = {}


def text(source):
    if source not in _TEXT:
        with open(path_of(source), encoding="utf-8") as f:
            _TEXT[source] = f.read()
    return _TEXT[source]


def clean(cell):
    s = re.sub(r"<br\s*/?>", " ", cell)
    s = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", s)
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = s.replace("**", "").replace("`", "").replace("*", "")
    return " ".join(s.split())


def split_row(line):
    t = line.strip()
    if t.startswith("|"):
        t = t[1:]
    if t.endswith("|"):
        t = t[:-1]
    return [c.strip() for c in t.split("|")]


class Row(object):
    def __init__(self, source, header, raw):
        self.source = source
        self.raw = raw
        self.first = clean(raw[0]) if raw else ""
        self.cells = {}
        for i, h in enumerate(header):
            self.cells[h] = clean(raw[i]) if i < len(raw) else ""

    def __getitem__(self, key):
        return self.cells[key]

    def raw_cells(self):
        return list(self.raw)


_MD = {}


def md_tables(source):
    """All Markdown tables of a file: list of (cleaned header, [Row])."""
    if source in _MD:
        return _MD[source]
    groups, cur = [], []
    for line in text(source).splitlines():
        if line.lstrip().startswith("|"):
            cur.append(line)
        else:
            if cur:
                groups.append(cur)
            cur = []
    if cur:
        groups.append(cur)
    tables = []
    for g in groups:
        if len(g) < 2:
            continue
        header = [clean(c) for c in split_row(g[0])]
        sep = split_row(g[1])
        if not all(re.fullmatch(r":?-[- ]*:?", c.strip()) for c in sep if c.strip()):
            continue
        rows = [Row(source, header, split_row(line)) for line in g[2:]]
        tables.append((header, rows))
    _MD[source] = tables
    return tables


def table(source, header_prefix):
    hits = [rows for header, rows in md_tables(source) if header[:len(header_prefix)] == header_prefix]
    if len(hits) != 1:
        raise SystemExit("table %r in %s found %d times" % (header_prefix, source, len(hits)))
    return hits[0]


_CSV = {}


def csv_rows(source):
    if source not in _CSV:
        with open(path_of(source), encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            first = reader.fieldnames[0]
            rows = []
            for d in reader:
                r = Row.__new__(Row)
                r.source = source
                r.raw = [d[k] for k in reader.fieldnames]
                r.first = d[first]
                r.cells = dict(d)
                rows.append(r)
        _CSV[source] = rows
    return _CSV[source]


def first_cells(source):
    if source.endswith(".csv"):
        return {r.first for r in csv_rows(source)}
    out = set()
    for _, rows in md_tables(source):
        out.update(r.first for r in rows)
    return out


# ---------------------------------------------------------------- parsing helpers
def minutes(s):
    m = re.match(r"(\d+)\s*(minute|hour|day)", s)
    n, unit = int(m.group(1)), m.group(2)
    return n * {"minute": 1, "hour": 60, "day": 1440}[unit]


def max_jobs(s):
    m = re.match(r"(\d+)", s)
    return int(m.group(1)) if m else None


def max_nodes(s):
    m = re.match(r"(\d+)\s*nodes?\b", s)
    if m:
        return int(m.group(1))
    if re.match(r"\d+\s*GPU", s):
        return 1  # a single GPU lives on a single node
    return None


def gb(s):
    m = re.search(r"([\d.]+)\s*(GB|TB)", s)
    return float(m.group(1)) * (1000 if m.group(2) == "TB" else 1)


def kfiles(s):
    m = re.match(r"(\d+)k", s)
    return int(m.group(1)) * 1000


def rate(s):
    m = re.match(r"([\d.]+)x", s)
    return float(m.group(1)) if m else 0.0


def days(s):
    m = re.match(r"(\d+)\s*days?", s)
    return int(m.group(1)) if m else None


def gib(s):
    m = re.match(r"(\d+)\s*(GiB|TiB)", s)
    return int(m.group(1)) * (1024 if m.group(2) == "TiB" else 1)


def pb(s):
    m = re.search(r"(more than\s+)?(\d+)\s*PB", s)
    if not m:
        return None
    return int(m.group(2)) + (0.5 if m.group(1) else 0)


def pf(s):
    m = re.search(r"(~|>)?\s*([\d.]+)\s*(PF|EF)\b", s)
    if not m:
        return None
    v = float(m.group(2)) * (1000 if m.group(3) == "EF" else 1)
    return v + (0.5 if m.group(1) == ">" else 0)


def gpu_hours(s):
    if "entry" in s.lower():
        return 0
    m = re.search(r"([\d,]+)", s)
    v = int(m.group(1).replace(",", ""))
    return v + (1 if ">" in s else 0)


def listing(names):
    names = list(names)
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def rows_of(rows):
    return [(r.source, r.first) for r in rows]


def wrong_count(n):
    return str(n + 1)


# ---------------------------------------------------------------- tables
def af():
    return csv_rows(AF)


def sc():
    return csv_rows(SC)


def it4():
    return csv_rows(IT)


def map_super():
    return table(MAP, ["System", "Country", "Host", "Class"])


def map_first():
    return table(MAP, ["Factory", "Country", "Lead / host"])


def map_addl():
    return table(MAP, ["Factory", "Country", "Notes"])


def map_tiers():
    return table(MAP, ["Tier", "GPU hours"])


def map_continuum():
    return table(MAP, ["System", "Role"])


def map_stacks():
    return table(MAP, ["Initiative", "Country", "Notes"])


def parts_node():
    return table(PART, ["Name", "Max walltime", "Max jobs", "Max resources/job", "Hardware partition used"])


def parts_res():
    return table(PART, ["Name", "Max walltime", "Max jobs", "Max resources/job", "Hardware partition", "Purpose"])


def parts_all():
    return parts_node() + parts_res()


def stor_paths():
    return table(STOR, ["", "Path"])


def stor_quota():
    return table(STOR, ["", "Quota", "Max files"])


def stor_object():
    return table(STOR, ["", "Quota", "Max buckets"])


def lumic():
    return table(LC, ["Nodes", "CPUs"])


def lumid():
    return table(LD, ["Nodes", "CPUs"])


# ---------------------------------------------------------------- computations
# each returns (result text, deliberately wrong text, rows used)
def count_result(rows):
    return str(len(rows)), wrong_count(len(rows)), rows_of(rows)


def list_result(rows, names=None):
    names = names or [r.first for r in rows]
    if len(names) == 1:
        return names[0], ["none of them"], rows_of(rows)
    return listing(names), [listing(names[:-1]), listing(names[1:])], rows_of(rows)


def best(rows, key, reverse=True):
    ranked = sorted(rows, key=key, reverse=reverse)
    return ranked[0], ranked[1]


def c001():
    return count_result([r for r in af() if r["country"] == "Germany"])


def c002():
    return count_result([r for r in af() if r["lead_or_host"].strip().lower() == "unknown"])


def c003():
    return count_result([r for r in sc() if r["system_class"] == "petascale"])


def c004():
    return count_result([r for r in map_super() if "incoming" in r["Class"].lower()])


def c005():
    return count_result([r for r in af() if r["confidence"] == "high"])


def c006():
    return count_result([r for r in it4() if "Bologna" in r["location"]])


def c007():
    return count_result([r for r in map_first() if re.search(r"\bnew\b", r["Base system"], re.I)])


def c008():
    return count_result(parts_all())


def c009():
    return count_result([r for r in parts_all() if minutes(r["Max walltime"]) < 24 * 60])


def c010():
    t = table(LUMIO, ["rclone subcommand", "Description"])
    return count_result([r for r in t if r["Description"].startswith("List")])


def c011():
    t = table(LMOD, ["Sub-command", "Description"])
    return count_result([r for r in t if "," in r.first])


def c012():
    t = table(BATCH, ["Dependency type", "Description"])
    return count_result([r for r in t if re.search(r"finished|failed|completion", r["Description"])])


def c013():
    t = [rows for header, rows in md_tables(BATCH) if header[0] == "Option" and rows[0].first == "--nodes"]
    assert len(t) == 1
    return count_result(t[0])


def c014():
    return list_result([r for r in af() if r["country"] == "Poland"])


def c015():
    return list_result([r for r in map_super() if "BullSequana XH2000" in r["Notes"]])


def c016():
    return list_result([r for r in sc() if r["system_class"] == "pre-exascale"])


def c017():
    return list_result([r for r in af() if r["confidence"] == "medium" and r["lead_or_host"] != "unknown"])


def c018():
    return list_result([r for r in map_addl() if r["Notes"].startswith("Named in the EuroHPC AI Factories helpdesk")])


def c019():
    return list_result([r for r in map_stacks() if r["Country"] == "France"])


def c020():
    return list_result([r for r in parts_all() if minutes(r["Max walltime"]) == 3 * 1440])


def c021():
    rows = [r for r in parts_node() if r["Hardware partition used"] == "LUMI-D"]
    rows += [r for r in parts_res() if r["Hardware partition"] == "LUMI-D"]
    return list_result(rows)


def c022():
    return list_result([r for r in stor_quota() if r["Expandable"].startswith("Yes")])


def c023():
    return list_result([r for r in stor_quota() if days(r["Retention"])])


def c024():
    t = table(PRGENV, ["Compilers", "Good performance", "Aggressive optimizations"])
    return list_result([r for r in t if r["Aggressive optimizations"] == "-Ofast -funroll-loops"])


def c025():
    t = table(LMOD, ["Sub-command", "Description"])
    return list_result([r for r in t if r["Description"].startswith("Search for modules")])


def superlative(rows, key, reverse=True, label=lambda r: r.first):
    top, second = best(rows, key, reverse)
    return label(top), label(second), rows_of(rows)


def c026():
    rows = [r for r in map_super() if r["Class"].startswith("Pre-exascale") and pf(r["Class"])]
    return superlative(rows, lambda r: pf(r["Class"]))


def c027():
    rows = [r for r in it4() if pb(r["public_specs_or_notes"]) is not None]
    return superlative(rows, lambda r: pb(r["public_specs_or_notes"]))


def c028():
    return superlative(map_tiers(), lambda r: gpu_hours(r["GPU hours"]))


def c029():
    rows = [r for r in map_continuum() if pf(r["Role"])]
    return superlative(rows, lambda r: pf(r["Role"]), label=lambda r: "%s (%s)" % (r.first, r["Role"].split(";")[1].strip()))


def c030():
    rows = parts_res()
    return superlative(rows, lambda r: max_nodes(r["Max resources/job"]))


def c031():
    return superlative(parts_all(), lambda r: minutes(r["Max walltime"]), reverse=False)


def c032():
    return superlative(lumic(), lambda r: gib(r["Memory"]))


def c033():
    rows = stor_quota() + stor_object()
    return superlative(rows, lambda r: rate(r["Billing rate"]))


def c034():
    return superlative(stor_quota(), lambda r: kfiles(r["Max files"]))


def c035():
    rows = [r for r in parts_all() if max_jobs(r["Max jobs"]) is not None]
    top, second = best(rows, lambda r: max_jobs(r["Max jobs"]))
    assert max_jobs(top["Max jobs"]) > max_jobs(second["Max jobs"])
    # the wrong answer names a runner-up partition
    wrong = [r for r in rows if r.first == "small-g"][0]
    assert max_jobs(wrong["Max jobs"]) == max_jobs(second["Max jobs"])
    return top.first, wrong.first, rows_of(rows)


def compare(rows, key, label=lambda r: r.first):
    assert len(rows) == 2
    a, b = sorted(rows, key=key, reverse=True)
    assert key(a) != key(b)
    return label(a), label(b), rows_of(rows)


def compare_groups(rows, group, names):
    counts = collections.Counter(group(r) for r in rows)
    a, b = names
    assert counts[a] != counts[b]
    win, lose = (a, b) if counts[a] > counts[b] else (b, a)
    return "%s (%d vs %d)" % (win, counts[win], counts[lose]), "%s" % lose, rows_of(rows)


def c036():
    rows = [r for r in it4() if r.first in ("GAIA", "MEGARIDE")]
    return compare(rows, lambda r: pb(r["public_specs_or_notes"]))


def c037():
    rows = [r for r in af() if r["confidence"] in ("high", "medium")]
    return compare_groups(rows, lambda r: r["confidence"], ("high", "medium"))


def c038():
    rows = [r for r in af() if r["country"] in ("Poland", "Finland")]
    return compare_groups(rows, lambda r: r["country"], ("Poland", "Finland"))


def c039():
    rows = [r for r in sc() if r["system_class"] in ("petascale", "pre-exascale")]
    return compare_groups(rows, lambda r: r["system_class"], ("petascale", "pre-exascale"))


def c040():
    rows = [r for r in parts_all() if r.first in ("small", "standard")]
    return compare(rows, lambda r: minutes(r["Max walltime"]))


def c041():
    rows = [r for r in parts_all() if r.first in ("dev-g", "debug")]
    return compare(rows, lambda r: max_nodes(r["Max resources/job"]))


def c042():
    rows = [r for r in stor_quota() if r.first in ("Project scratch", "Project fast")]
    return compare(rows, lambda r: days(r["Retention"]))


def c043():
    rows = lumid()
    label = lambda r: "the nodes %s (%s)" % ("without GPUs" if r["GPUs"] == "none" else "with GPUs", r["Memory"])
    return compare(rows, lambda r: gib(r["Memory"]), label=label)


def c044():
    rows = [r for r in stor_quota() if r.first == "Project scratch"] + stor_object()
    return compare(rows, lambda r: gb(r["Quota"]))


def c045():
    rows = [r for r in it4() if r.first in ("GAIA", "MEGARIDE")]
    total = sum(pb(r["public_specs_or_notes"]) for r in rows)
    return "%d PB" % total, "%d PB" % (total - 10), rows_of(rows)


def c046():
    rows = [r for r in lumic() if gib(r["Memory"]) >= 512]
    total = sum(int(r.first) for r in rows)
    return "%d nodes" % total, "%d nodes" % (total + 1888), rows_of(rows)


def c047():
    rows = lumid()
    total = sum(int(r.first) * gib(r["Memory"]) for r in rows) // 1024
    naive = sum(gib(r["Memory"]) for r in rows) // 1024
    return "%d TiB" % total, "%d TiB" % naive, rows_of(rows)


def c048():
    first, addl = map_first(), map_addl()
    d = len(addl) - len(first)
    return str(d), str(d + 2), rows_of(first + addl)


def c049():
    rows = [r for r in stor_quota() if r.first == "Project scratch"]
    r = rows[0]
    m = re.search(r"up to\s*(\d+)\s*(GB|TB)", r["Expandable"])
    cap = int(m.group(1)) * (1000 if m.group(2) == "TB" else 1)
    d = (cap - gb(r["Quota"])) / 1000
    return "%d TB" % d, "%d TB" % (cap / 1000), rows_of(rows)


def c050():
    rows = [r for r in parts_all() if r.first in ("small-g", "small")]
    v = {r.first: max_jobs(r["Max jobs"]) for r in rows}
    d = v["small"] - v["small-g"]
    return str(d), str(d + 10), rows_of(rows)


def base_systems(base, names):
    return [n for n in names if re.search(r"(^|[\s,+])" + re.escape(n) + r"($|[\s,+])", base)]


def c051():
    fac = [r for r in af() if r["country"] == "Luxembourg"]
    assert len(fac) == 1
    names = {r.first: r for r in sc()}
    hits = base_systems(fac[0]["base_system_or_infrastructure"], names)
    assert len(hits) == 1
    sys_row = names[hits[0]]
    wrong = [r["system_class"] for r in sc() if r["system_class"] != sys_row["system_class"]][0]
    return sys_row["system_class"], wrong, rows_of(fac + [sys_row])


def c052():
    names = {r.first: r for r in sc()}
    facs, systems = [], []
    for r in af():
        for n in base_systems(r["base_system_or_infrastructure"], names):
            if names[n]["system_class"] == "pre-exascale":
                facs.append(r)
                if names[n] not in systems:
                    systems.append(names[n])
    labels = [r.first for r in facs]
    return listing(labels), [listing(labels[:-1]), listing(labels[1:])], rows_of(facs + systems)


def c053():
    fac = [r for r in map_first() if r["Country"] == "Finland"]
    assert len(fac) == 1
    supers = {r.first: r for r in map_super()}
    hits = base_systems(fac[0]["Base system"], supers)
    assert len(hits) == 1
    sys_row = supers[hits[0]]
    other = [r for r in map_super() if r is not sys_row and pf(r["Class"]) and r["Class"].startswith("Pre")][0]
    return "~%d PF" % pf(sys_row["Class"]), "~%d PF" % pf(other["Class"]), rows_of(fac + [sys_row])


def c054():
    p = [r for r in stor_paths() if "checkpoint" in r["Intended use"]]
    assert len(p) == 1
    q = [r for r in stor_quota() if r.first == p[0].first]
    assert len(q) == 1
    other = [r for r in stor_quota() if r.first == "Project fast"][0]
    res = "a quota of %s with %s retention" % (q[0]["Quota"], q[0]["Retention"])
    wrong = "a quota of %s with %s retention" % (other["Quota"], other["Retention"])
    return res, wrong, rows_of(p + q)


COMPUTE = {"CF11-%03d" % i: globals()["c%03d" % i] for i in range(1, 55)}


# ---------------------------------------------------------------- near-miss guards
def nm055():
    heads = map_super()[0].cells.keys() if map_super() else []
    heads = set(heads) | set(sc()[0].cells.keys())
    return not any(re.search(r"power|watt|MW", h, re.I) for h in heads) and not re.search(r"\bMW\b|megawatt", text(MAP) + text(SC))


def nm056():
    heads = set(map_first()[0].cells) | set(map_addl()[0].cells) | set(af()[0].cells)
    return not any("budget" in h.lower() for h in heads)


def nm057():
    t = table(MAP, ["Package", "Use case"])
    return set(t[0].cells) == {"Package", "Use case"}


def nm058():
    heads = set(parts_node()[0].cells) | set(parts_res()[0].cells)
    return not any(re.search(r"price|cost|eur|€", h, re.I) for h in heads) and "€" not in text(PART)


def nm059():
    return not any("bandwidth" in h.lower() for h in lumic()[0].cells)


def nm060():
    return "long-g" not in first_cells(PART) and "long-g" not in text(PART)


NEAR = {"CF11-055": nm055, "CF11-056": nm056, "CF11-057": nm057, "CF11-058": nm058,
        "CF11-059": nm059, "CF11-060": nm060}


# ---------------------------------------------------------------- checks
def judged(patterns, answer, require_all):
    hits = [bool(re.search(p, answer, re.IGNORECASE)) for p in patterns]
    return all(hits) if require_all else any(hits)


def find_row(source, cell):
    if source.endswith(".csv"):
        return [r for r in csv_rows(source) if r.first == cell]
    return [r for _, rows in md_tables(source) for r in rows if r.first == cell]


def check_item(it):
    iid = it["id"]
    keys = set(it)
    if not (KEYS <= keys and keys <= KEYS | OPTIONAL_KEYS):
        fail("%s: keys %s" % (iid, sorted(keys)))
    if it["section"] is not None:
        fail("%s: section must be null" % iid)
    if not isinstance(it["computation"], str) or not it["computation"].strip():
        fail("%s: computation missing" % iid)
    if it["category"] == "near_miss":
        if it["kind"] != "unanswerable" or it["answers"] or it["rows"] or it["support"] is not None \
                or it["source"] is not None:
            fail("%s: near_miss fields" % iid)
        if iid not in NEAR or not NEAR[iid]():
            fail("%s: near_miss guard failed" % iid)
        return
    if it["kind"] not in ("map", "lumi", "brief"):
        fail("%s: kind %s" % (iid, it["kind"]))
    src_ok = {"map": lambda s: s.startswith("european-ai-infrastructure-map/"),
              "lumi": lambda s: s.endswith(".md") and not s.startswith("european"),
              "brief": lambda s: s.endswith(".txt")}[it["kind"]]
    if not src_ok(it["source"]):
        fail("%s: source %s does not fit kind %s" % (iid, it["source"], it["kind"]))
    for r in it["rows"]:
        if not src_ok(r["source"]):
            fail("%s: row source %s does not fit kind" % (iid, r["source"]))

    result, wrong, rows = COMPUTE[iid]()
    pats = it["answers"]
    req = bool(it.get("require_all"))
    right_sentence = "The answer is %s." % result
    wrongs = wrong if isinstance(wrong, list) else [wrong]
    for p in pats:
        re.compile(p)
        if not re.search(p, right_sentence, re.IGNORECASE):
            fail("%s: pattern %r misses %r" % (iid, p, right_sentence))
    for w in wrongs:
        wrong_sentence = "The answer is %s." % w
        if judged(pats, wrong_sentence, req):
            fail("%s: wrong result %r is accepted" % (iid, wrong_sentence))
    if len(pats) > 1 and not req:
        fail("%s: several patterns without require_all" % iid)

    want = collections.Counter(rows)
    got = collections.Counter((r["source"], r["cell"]) for r in it["rows"])
    if want != got:
        fail("%s: rows differ: expected %s, item has %s" % (iid, sorted(want.elements()), sorted(got.elements())))
    for src, cell in got:
        if cell not in first_cells(src):
            fail("%s: %r is not the first cell of a row of %s" % (iid, cell, src))

    sup, ssrc = it["support"], it["source"]
    n = len(sup.split())
    if not 3 <= n <= 12:
        fail("%s: support has %d words" % (iid, n))
    if sup not in text(ssrc):
        fail("%s: support not verbatim in %s" % (iid, ssrc))
    if ssrc.endswith(".md") and re.search(r"\*\*|`|<br|\||\[|\]\(", sup):
        fail("%s: support carries Markdown markup" % iid)
    in_cell = False
    for src, cell in got:
        if src != ssrc:
            continue
        for r in find_row(src, cell):
            if any(sup in c for c in r.raw_cells()):
                in_cell = True
    if not in_cell:
        fail("%s: support is not inside one cell of the rows used" % iid)


def main():
    with open(ITEMS, encoding="utf-8") as f:
        items = [json.loads(line) for line in f if line.strip()]
    ids = [it["id"] for it in items]
    if len(ids) != len(set(ids)):
        fail("duplicate ids")
    if any(not re.fullmatch(r"CF11-\d{3}", i) for i in ids):
        fail("bad id format")
    cats = collections.Counter(it["category"] for it in items)
    if dict(cats) != PLANNED:
        fail("category counts %s != %s" % (dict(cats), PLANNED))
    answerable = [it for it in items if it["category"] != "near_miss"]
    if set(it["id"] for it in answerable) != set(COMPUTE):
        fail("answerable ids do not match the computations")
    for it in items:
        try:
            check_item(it)
        except Exception as exc:  # report and keep going
            fail("%s: %s: %s" % (it["id"], type(exc).__name__, exc))
    if ERRORS:
        for e in ERRORS:
            print("FAIL", e)
        sys.exit(1)
    print("check passed")


if __name__ == "__main__":
    main()
