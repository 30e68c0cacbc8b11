#!/usr/bin/env python3
"""Standalone checker for evals/heldout-final/computed-fresh13.jsonl.

Standard library only. Reads the tables straight from the documents (csv module
for the CSV files, '|'-split lines for Markdown tables), recomputes every
answerable item's result by code and checks the suite against it:

* the recomputed result, stated as a sentence, matches the item's answers;
* a deliberately wrong result does not match;
* the rows the computation rests on equal the item's rows;
* every support occurs verbatim in its source (and inside a cell of a used row);
* every rows[].cell is the first cell of a table row of its source;
* ids are unique; category counts are as planned.

Exit 0 and print "check passed" when everything holds.
"""
import collections
import csv
import io
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "corpus")
SHARED = os.environ.get("BRIEFQA_SHARED_DIR") or os.path.join(ROOT, "..", "shared")
GUIDE = os.path.join(SHARED, "extra-corpus", "lumi-userguide")
ITEMS = os.path.join(ROOT, "evals", "heldout-final", "computed-fresh13.jsonl")

MAPDIR = "european-ai-infrastructure-map"
MAP = MAPDIR + "/MAP.md"
AIF = MAPDIR + "/ai_factories.csv"
HPC = MAPDIR + "/eurohpc_supercomputers.csv"
IT4 = MAPDIR + "/it4lia_infrastructure.csv"
PART = "runjobs/scheduled-jobs/partitions.md"
LUMIC = "hardware/lumic.md"
LUMID = "hardware/lumid.md"
STOR = "storage/index.md"
CCE = "development/compiling/cce.md"
PRGENV = "development/compiling/prgenv.md"
LMOD = "runjobs/lumi_env/Lmod_modules.md"
LUMIO = "storage/lumio/index.md"
SLURMQ = "runjobs/scheduled-jobs/slurm-quickstart.md"
EASYB = "software/installing/easybuild.md"

PLANNED = {"count": 13, "filter": 12, "superlative": 10, "comparison": 9,
           "sum": 3, "difference": 3, "join": 4, "near_miss": 6}
KEYS = {"id", "question", "kind", "category", "answers", "support", "source",
        "section", "rows", "computation"}

ERRORS = []


def err(msg):
    ERRORS.append(msg)


# ----------------------------------------------------------------- documents
def src_path(source):
    if source.startswith(MAPDIR + "/") or source == "eu-ai-factories-policy-brief.txt":
        return os.path.join(CORPUS, *source.split("/"))
    return os.path.join(GUIDE, *source.split("/"))


_TEXT = {}


def text(source):
    if source not in _TEXT:
        with open(src_path(source), encoding="utf-8") as fh:
            _TEXT[source] = fh.read()
    return _TEXT[source]


def norm(cell):
    """A Markdown cell without markup: <br> -> space, no ** or `, links -> text."""
    s = re.sub(r"<br\s*/?>", " ", cell)
    s = s.replace("**", "").replace("`", "")
    s = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", s)
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"\1", s)
    return re.sub(r"\s+", " ", s).strip()


def split_row(line):
    s = line.strip()
    parts = s.split("|")[1:]
    if s.endswith("|"):
        parts = parts[:-1]
    return [p.strip() for p in parts]


_MD = {}


def md_tables(source):
    """All Markdown tables of a file: [{'header': [...], 'rows': [row, ...]}]."""
    if source in _MD:
        return _MD[source]
    tables, block = [], []
    for line in text(source).splitlines() + [""]:
        if line.strip().startswith("|"):
            block.append(line)
            continue
        if len(block) >= 2 and set(block[1].strip()) <= set("|-: "):
            header = [norm(c) for c in split_row(block[0])]
            rows = []
            for raw_line in block[2:]:
                raw = split_row(raw_line)
                cells = [norm(c) for c in raw]
                row = {"_first": cells[0], "_raw": raw, "_cells": cells}
                for i, h in enumerate(header):
                    row[h] = cells[i] if i < len(cells) else ""
                rows.append(row)
            tables.append({"header": header, "rows": rows})
        block = []
    _MD[source] = tables
    return tables


def tbl(source, pred):
    found = [t for t in md_tables(source) if pred(t["header"])]
    if len(found) != 1:
        raise RuntimeError("table selector for %s matched %d tables" % (source, len(found)))
    return found[0]["rows"]


_CSV = {}


def csv_rows(source):
    if source not in _CSV:
        reader = csv.reader(io.StringIO(text(source)))
        header = next(reader)
        rows = []
        for rec in reader:
            if not rec:
                continue
            row = dict(zip(header, rec))
            row["_first"] = rec[0]
            row["_raw"] = rec
            row["_cells"] = rec
            rows.append(row)
        _CSV[source] = rows
    return _CSV[source]


def all_rows(source):
    if source.endswith(".csv"):
        return csv_rows(source)
    return [r for t in md_tables(source) for r in t["rows"]]


def first_cells(source):
    return {r["_first"] for r in all_rows(source)}


def ref(source, row):
    return (source, row["_first"])


# ------------------------------------------------------------------ parsing
def hours(walltime):
    m = re.match(r"(\d+)\s*(day|hour|minute)s?", walltime)
    n, unit = int(m.group(1)), m.group(2)
    return n * {"day": 24, "hour": 1, "minute": 1 / 60}[unit]


def lead_int(s):
    m = re.match(r"\s*(\d+)", s)
    return int(m.group(1)) if m else None


def gigabytes(s):
    m = re.match(r"\s*([\d.]+)\s*(GB|TB|GiB)", s)
    n = float(m.group(1))
    return n * 1000 if m.group(2) == "TB" else n


def petaflops(cls):
    m = re.search(r"~\s*([\d.]+)\s*(PF|EF)", cls)
    if not m:
        return None
    return float(m.group(1)) * (1000 if m.group(2) == "EF" else 1)


def pb_storage(notes):
    m = re.search(r"(\d+) PB storage", notes)
    return int(m.group(1)) if m else None


def rate(s):
    m = re.match(r"\s*([\d.]+)x", s)
    return float(m.group(1)) if m else None


def files_k(s):
    return int(re.match(r"(\d+)k", s).group(1)) * 1000


# ---------------------------------------------------------------- tables
def t_sys():
    return tbl(MAP, lambda h: h[:2] == ["System", "Country"])


def t_firstwave():
    return tbl(MAP, lambda h: h[0] == "Factory" and len(h) == 5)


def t_additional():
    return tbl(MAP, lambda h: h == ["Factory", "Country", "Notes"])


def t_tiers():
    return tbl(MAP, lambda h: h[0] == "Tier")


def t_stacks():
    return tbl(MAP, lambda h: h[0] == "Initiative")


def p_node():
    return tbl(PART, lambda h: h[0] == "Name" and "Purpose" not in h)


def p_res():
    return tbl(PART, lambda h: h[0] == "Name" and "Purpose" in h)


def hw(row):
    return row.get("Hardware partition used") or row.get("Hardware partition")


def t_lumic():
    return tbl(LUMIC, lambda h: h[0] == "Nodes")


def t_lumid():
    return tbl(LUMID, lambda h: h[0] == "Nodes")


def t_paths():
    return tbl(STOR, lambda h: len(h) > 1 and h[1] == "Path")


def t_quota():
    return tbl(STOR, lambda h: len(h) > 2 and h[1] == "Quota" and h[2] == "Max files")


def t_object():
    return tbl(STOR, lambda h: len(h) > 2 and h[2] == "Max buckets")


def t_cce():
    return tbl(CCE, lambda h: h[0] == "Feature")


def t_prgenv():
    return tbl(PRGENV, lambda h: h[1:] == ["Description", "Module collection"])


def t_lmod():
    return tbl(LMOD, lambda h: h[0] == "Sub-command")


def t_s3cmd():
    return tbl(LUMIO, lambda h: h[0] == "s3cmd command")


def t_rclone_sub():
    return tbl(LUMIO, lambda h: h[0] == "rclone subcommand")


def t_slurmq():
    return tbl(SLURMQ, lambda h: h[0] == "Command")


def t_easyb():
    return tbl(EASYB, lambda h: h[0] == "EasyBuild toolchain")


# ------------------------------------------------------------ result kinds
def num(value, rows, unit="", wrong=None):
    return {"type": "num", "value": value, "unit": unit, "rows": rows, "wrong": wrong or []}


def lst(values, rows, wrong=None):
    return {"type": "list", "value": values, "rows": rows, "wrong": wrong or []}


def name(value, rows, others):
    return {"type": "name", "value": value, "rows": rows,
            "wrong": [o for o in others if o != value]}


def count_of(source, rows):
    return num(len(rows), [ref(source, r) for r in rows])


def superlative(source, rows, key, label, highest=True):
    scored = [(key(r), r) for r in rows]
    pick = (max if highest else min)(s for s, _ in scored if s is not None)
    winners = [r for s, r in scored if s == pick]
    if len(winners) != 1:
        raise RuntimeError("superlative tie in %s" % source)
    return name(label(winners[0]), [ref(source, r) for r in rows],
                [label(r) for r in rows])


# ------------------------------------------------------------ computations
C = {}


def item(idx):
    def deco(fn):
        C["CF13-%03d" % idx] = fn
        return fn
    return deco


# ---- map: count
@item(1)
def _():
    return count_of(AIF, [r for r in csv_rows(AIF) if r["lead_or_host"] == "unknown"])


@item(2)
def _():
    return count_of(AIF, [r for r in csv_rows(AIF) if r["confidence"] == "high"])


@item(3)
def _():
    return count_of(MAP, [r for r in t_sys() if "incoming" in r["Class"].lower()])


@item(4)
def _():
    return count_of(HPC, [r for r in csv_rows(HPC) if r["system_class"] == "petascale"])


@item(5)
def _():
    return count_of(MAP, [r for r in t_additional() if r["Notes"] == "New"])


@item(6)
def _():
    rows = csv_rows(AIF)
    return num(len({r["country"] for r in rows}), [ref(AIF, r) for r in rows])


@item(7)
def _():
    return count_of(MAP, [r for r in t_stacks() if r["Country"] == "France"])


# ---- lumi: count
@item(8)
def _():
    rows = [r for r in p_node() + p_res() if "LUMI-G" in hw(r)]
    return count_of(PART, rows)


@item(9)
def _():
    return count_of(PART, [r for r in p_res() if hours(r["Max walltime"]) > 24])


@item(10)
def _():
    return count_of(LMOD, [r for r in t_lmod() if "," in r["_first"]])


@item(11)
def _():
    return count_of(LUMIO, [r for r in t_s3cmd() if "bucket" in r["Function"].lower()])


@item(12)
def _():
    return count_of(STOR, [r for r in t_quota() if r["Expandable"].startswith("Yes")])


@item(13)
def _():
    return count_of(PRGENV, [r for r in t_prgenv() if "AMD" in r["Description"]])


# ---- map: filter
def filt(source, rows, label, pool):
    hit = [r for r in rows]
    others = [label(r) for r in pool if r not in hit]
    return lst([label(r) for r in hit], [ref(source, r) for r in hit],
               wrong=[[o] for o in others] if len(hit) == 1 else None)


@item(14)
def _():
    rows = csv_rows(HPC)
    return filt(HPC, [r for r in rows if r["system_class"] == "pre-exascale"],
                lambda r: r["name"], rows)


@item(15)
def _():
    rows = csv_rows(AIF)
    return filt(AIF, [r for r in rows if r["country"] == "Poland"], lambda r: r["name"], rows)


@item(16)
def _():
    rows = t_sys()
    return filt(MAP, [r for r in rows if "BullSequana XH2000" in r["Notes"]],
                lambda r: r["System"], rows)


@item(17)
def _():
    rows = csv_rows(IT4)
    return filt(IT4, [r for r in rows if "Bologna" not in r["location"]],
                lambda r: r["component"], rows)


@item(18)
def _():
    rows = t_additional()
    return filt(MAP, [r for r in rows if "helpdesk topic list" in r["Notes"]],
                lambda r: r["Factory"], rows)


@item(19)
def _():
    rows = t_sys()
    return filt(MAP, [r for r in rows if r["Class"].startswith("Exascale")],
                lambda r: r["System"], rows)


# ---- lumi: filter
@item(20)
def _():
    rows = p_node() + p_res()
    return filt(PART, [r for r in rows if hours(r["Max walltime"]) >= 48],
                lambda r: r["Name"], rows)


@item(21)
def _():
    rows = p_node() + p_res()
    return filt(PART, [r for r in rows if "LUMI-D" in hw(r)], lambda r: r["Name"], rows)


@item(22)
def _():
    rows = t_quota()
    return filt(STOR, [r for r in rows if re.fullmatch(r"\d+ days", r["Retention"])],
                lambda r: r["_first"], rows)


@item(23)
def _():
    rows = t_cce()
    return filt(CCE, [r for r in rows if re.search(r"(^|\s)-h", r["Fortran"])],
                lambda r: r["Feature"], rows)


@item(24)
def _():
    rows = t_rclone_sub()
    return filt(LUMIO, [r for r in rows if r["Description"].startswith("List")],
                lambda r: r["_first"], rows)


@item(25)
def _():
    rows = t_slurmq()
    return filt(SLURMQ, [r for r in rows if r["Description"].startswith("View")],
                lambda r: r["Command"], rows)


# ---- map: superlative
@item(26)
def _():
    rows = [r for r in t_sys() if petaflops(r["Class"]) is not None]
    return superlative(MAP, rows, lambda r: petaflops(r["Class"]), lambda r: r["System"],
                       highest=False)


@item(27)
def _():
    rows = [r for r in csv_rows(IT4) if pb_storage(r["public_specs_or_notes"]) is not None]
    return superlative(IT4, rows, lambda r: pb_storage(r["public_specs_or_notes"]),
                       lambda r: r["component"])


@item(28)
def _():
    rows = t_additional()
    counts = collections.Counter(r["Country"] for r in rows)
    top = counts.most_common()
    if top[0][1] == top[1][1]:
        raise RuntimeError("tie in item 28")
    return name(top[0][0], [ref(MAP, r) for r in rows], list(counts))


@item(29)
def _():
    def gpu_hours(s):
        m = re.search(r"([\d,]+)", s)
        if not m:
            return 0
        n = int(m.group(1).replace(",", ""))
        return n + 1 if s.strip().startswith(">") else n
    return superlative(MAP, t_tiers(), lambda r: gpu_hours(r["GPU hours"]), lambda r: r["Tier"])


@item(30)
def _():
    rank = {"exascale": 3, "pre-exascale": 2, "petascale": 1}
    return superlative(HPC, csv_rows(HPC), lambda r: rank[r["system_class"]], lambda r: r["name"])


# ---- lumi: superlative
@item(31)
def _():
    return superlative(PART, p_node() + p_res(), lambda r: hours(r["Max walltime"]),
                       lambda r: r["Name"], highest=False)


@item(32)
def _():
    def nodes(r):
        m = re.match(r"(\d+) nodes?$", r["Max resources/job"])
        return int(m.group(1)) if m else None
    return superlative(PART, p_res(), nodes, lambda r: r["Name"])


@item(33)
def _():
    return superlative(STOR, t_quota(), lambda r: gigabytes(r["Quota"]), lambda r: r["_first"])


@item(34)
def _():
    rows = t_quota() + t_object()
    return superlative(STOR, rows, lambda r: rate(r["Billing rate"]), lambda r: r["_first"])


@item(35)
def _():
    return superlative(LUMIC, t_lumic(), lambda r: int(r["Nodes"]), lambda r: r["Memory"])


# ---- map: comparison
def compare(source, groups, score):
    """groups: {label: [rows]}; the label with the higher score wins."""
    scored = {k: score(v) for k, v in groups.items()}
    best = max(scored.values())
    winners = [k for k, s in scored.items() if s == best]
    if len(winners) != 1:
        raise RuntimeError("comparison tie in %s" % source)
    rows = [ref(source, r) for v in groups.values() for r in v]
    return name(winners[0], rows, list(groups))


@item(36)
def _():
    rows = csv_rows(AIF)
    groups = {c: [r for r in rows if r["confidence"] == c] for c in ("medium", "high")}
    return compare(AIF, groups, len)


@item(37)
def _():
    rows = csv_rows(IT4)
    groups = {c: [r for r in rows if r["component"] == c] for c in ("GAIA", "MEGARIDE")}
    return compare(IT4, groups, lambda v: pb_storage(v[0]["public_specs_or_notes"]))


@item(38)
def _():
    rows = csv_rows(AIF)
    groups = {c: [r for r in rows if r["country"] == c] for c in ("Spain", "Italy")}
    return compare(AIF, groups, len)


@item(39)
def _():
    rows = t_sys()
    groups = {c: [r for r in rows if r["System"] == c] for c in ("LUMI", "Leonardo")}
    return compare(MAP, groups, lambda v: petaflops(v[0]["Class"]))


# ---- lumi: comparison
@item(40)
def _():
    rows = p_node() + p_res()
    groups = {c: [r for r in rows if r["Name"] == c] for c in ("standard", "small")}
    return compare(PART, groups, lambda v: lead_int(v[0]["Max jobs"]))


@item(41)
def _():
    rows = p_res()
    groups = {c: [r for r in rows if r["Name"] == c] for c in ("dev-g", "debug")}
    return compare(PART, groups, lambda v: hours(v[0]["Max walltime"]))


@item(42)
def _():
    rows = t_lumid()
    groups = {r["Disk"]: [r] for r in rows}
    return compare(LUMID, groups, lambda v: lead_int(v[0]["Disk"]))


@item(43)
def _():
    rows = t_quota()
    groups = {c: [r for r in rows if r["_first"] == c] for c in ("Project persistent", "Project fast")}
    return compare(STOR, groups, lambda v: files_k(v[0]["Max files"]))


@item(44)
def _():
    rows = t_lumic()
    groups = {r["Memory"]: [r] for r in rows if r["Memory"] in ("512 GiB", "1024 GiB")}
    return compare(LUMIC, groups, lambda v: int(v[0]["Nodes"]))


# ---- sums
@item(45)
def _():
    rows = [r for r in csv_rows(IT4) if pb_storage(r["public_specs_or_notes"]) is not None]
    return num(sum(pb_storage(r["public_specs_or_notes"]) for r in rows),
               [ref(IT4, r) for r in rows], unit="PB")


@item(46)
def _():
    rows = [r for r in t_lumic() if gigabytes(r["Memory"]) > 256]
    return num(sum(int(r["Nodes"]) for r in rows), [ref(LUMIC, r) for r in rows])


@item(47)
def _():
    rows = [r for r in p_node() if r["Name"] in ("standard", "standard-g")]
    return num(sum(lead_int(r["Max jobs"]) for r in rows), [ref(PART, r) for r in rows])


# ---- differences
@item(48)
def _():
    rows = {r["System"]: r for r in t_sys()}
    a, b = rows["JUPITER"], rows["LUMI"]
    return num(petaflops(a["Class"]) - petaflops(b["Class"]), [ref(MAP, a), ref(MAP, b)], unit="PF")


@item(49)
def _():
    fw, add = t_firstwave(), t_additional()
    return num(len(add) - len(fw), [ref(MAP, r) for r in fw + add])


@item(50)
def _():
    obj = t_object()[0]
    scratch = [r for r in t_quota() if r["_first"] == "Project scratch"][0]
    diff = (gigabytes(obj["Quota"]) - gigabytes(scratch["Quota"])) / 1000
    return num(diff, [ref(STOR, obj), ref(STOR, scratch)], unit="TB")


# ---- joins
@item(51)
def _():
    systems = csv_rows(HPC)
    hits, rows = [], []
    for f in csv_rows(AIF):
        for s in systems:
            if re.search(r"\b" + re.escape(s["name"]) + r"\b", f["base_system_or_infrastructure"]) \
                    and s["system_class"] == "pre-exascale":
                hits.append(f["name"])
                rows += [ref(AIF, f), ref(HPC, s)]
    return lst(hits, rows)


@item(52)
def _():
    fw = [r for r in t_firstwave() if r["Country"] == "Sweden"]
    assert len(fw) == 1
    systems = [s for s in t_sys() if s["System"] in fw[0]["Base system"]]
    assert len(systems) == 1
    return name(systems[0]["Class"], [ref(MAP, fw[0]), ref(MAP, systems[0])],
                sorted({s["Class"] for s in t_sys()}))


@item(53)
def _():
    quota = {r["_first"]: r for r in t_quota()}
    vals, rows = [], []
    for p in t_paths():
        if p["Hardware partition used"] == "LUMI-P":
            q = quota[p["_first"]]
            vals.append(q["Retention"])
            rows += [ref(STOR, p), ref(STOR, q)]
    return lst(vals, rows, wrong=[[v if v != "90 days" else "30 days" for v in vals]])


@item(54)
def _():
    pe = [r for r in t_prgenv() if r["Description"] == "AMD Optimizing C/C++ Compiler"][0]
    tc = [r for r in t_easyb() if r["HPE Cray PE"].split()[0] == pe["Module collection"]][0]
    return name(tc["EasyBuild toolchain"], [ref(PRGENV, pe), ref(EASYB, tc)],
                [r["EasyBuild toolchain"] for r in t_easyb()])


# Near misses: a pattern that must NOT occur in the named documents.
NEAR = {
    "CF13-055": ([HPC, MAP], r"\bMW\b|megawatt|power consumption|power draw"),
    "CF13-056": ([AIF, MAP, "eu-ai-factories-policy-brief.txt"], r"price|pricing|per GPU-hour cost|€\s?\d+\s*/\s*GPU"),
    "CF13-057": ([MAP, AIF, "eu-ai-factories-policy-brief.txt"], r"employees|headcount|\bstaff\b"),
    "CF13-058": ([STOR, "runjobs/lumi_env/billing.md"], r"€|\beuros?\b"),
    "CF13-059": ([LUMID, "hardware/index.md"], r"\bwatts?\b|\bkW\b"),
    "CF13-060": ([PART, SLURMQ], r"priority weight|PriorityWeight"),
}


# -------------------------------------------------------------- rendering
def fmt(v):
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def sentence(res, value=None):
    v = res["value"] if value is None else value
    if res["type"] == "num":
        return "The result is %s%s." % (fmt(v), (" " + res["unit"]) if res["unit"] else "")
    if res["type"] == "list":
        if len(v) == 1:
            return "The matching entry is %s." % v[0]
        return "The matching entries are %s and %s." % (", ".join(v[:-1]), v[-1])
    return "The answer is %s." % v


def wrong_values(res):
    if res["type"] == "num":
        v = res["value"]
        out = [v + 1, v - 1, v * 2] + list(res["wrong"])
        return [w for w in out if w != v and w >= 0]
    if res["type"] == "list":
        out = list(res["wrong"])
        v = res["value"]
        if len(v) > 1:
            out += [v[:i] + v[i + 1:] for i in range(len(v))]
        return out
    return list(res["wrong"])


def matches(it, answer_text):
    pats = it["answers"]
    hits = [re.search(p, answer_text, re.IGNORECASE) is not None for p in pats]
    return all(hits) if it.get("require_all") else any(hits)


def cell_contains(source, first, phrase):
    for r in all_rows(source):
        if r["_first"] == first:
            for c in list(r["_raw"]) + list(r["_cells"]):
                if phrase in c:
                    return True
    return False


# ------------------------------------------------------------------- main
def main():
    with open(ITEMS, encoding="utf-8") as fh:
        items = [json.loads(line) for line in fh if line.strip()]

    ids = [it.get("id") for it in items]
    if len(ids) != len(set(ids)):
        err("duplicate ids")
    expected_ids = ["CF13-%03d" % i for i in range(1, 61)]
    if sorted(ids) != expected_ids:
        err("ids are not CF13-001..CF13-060")

    cats = collections.Counter(it.get("category") for it in items)
    if dict(cats) != PLANNED:
        err("category counts %s != planned %s" % (dict(cats), PLANNED))

    kinds = collections.Counter(it.get("kind") for it in items if it.get("kind") != "unanswerable")
    if abs(kinds["map"] - kinds["lumi"]) > 4:
        err("map/lumi split uneven: %s" % dict(kinds))

    for it in items:
        iid = it.get("id")
        keys = set(it) - {"require_all"}
        if keys != KEYS:
            err("%s: keys %s" % (iid, sorted(set(it))))
            continue
        if it["section"] is not None:
            err("%s: section must be null" % iid)
        if not isinstance(it["computation"], str) or not it["computation"].strip():
            err("%s: computation missing" % iid)
        for p in it["answers"]:
            re.compile(p)

        if it["category"] == "near_miss":
            if it["kind"] != "unanswerable" or it["answers"] or it["rows"] \
                    or it["support"] is not None or it["source"] is not None:
                err("%s: near_miss item must be unanswerable with empty answers/rows" % iid)
            docs, pat = NEAR[iid]
            for d in docs:
                if re.search(pat, text(d), re.IGNORECASE):
                    err("%s: %s does contain %r" % (iid, d, pat))
            continue

        if it["kind"] not in ("map", "lumi", "brief"):
            err("%s: bad kind %r" % (iid, it["kind"]))
        if iid not in C:
            err("%s: no computation in checker" % iid)
            continue
        try:
            res = C[iid]()
        except Exception as exc:  # noqa: BLE001
            err("%s: computation failed: %r" % (iid, exc))
            continue

        # answers vs recomputed result
        good = sentence(res)
        if not matches(it, good):
            err("%s: answers do not match recomputed result: %r" % (iid, good))
        wrongs = wrong_values(res)
        if not wrongs:
            err("%s: no wrong result to test" % iid)
        for w in wrongs:
            bad = sentence(res, w)
            if matches(it, bad):
                err("%s: answers also match a wrong result: %r" % (iid, bad))
        if res["type"] == "list" and len(res["value"]) > 1 and not it.get("require_all"):
            err("%s: list result needs require_all" % iid)
        if res["type"] == "list" and it.get("require_all") and len(it["answers"]) != len(res["value"]):
            err("%s: need one pattern per list item" % iid)
        if it["category"] == "count" and not all(r"\b" in p for p in it["answers"]):
            err("%s: count patterns must be anchored with \\b" % iid)

        # rows
        got = sorted((r["source"], r["cell"]) for r in it["rows"])
        if got != sorted(res["rows"]):
            err("%s: rows differ\n  item: %s\n  code: %s" % (iid, got, sorted(res["rows"])))
        for r in it["rows"]:
            if set(r) != {"source", "cell"}:
                err("%s: row keys %s" % (iid, sorted(r)))
            if r["cell"] not in first_cells(r["source"]):
                err("%s: %r is not a first cell of a table row in %s" % (iid, r["cell"], r["source"]))

        # support
        sup, src = it["support"], it["source"]
        if not isinstance(sup, str) or not isinstance(src, str):
            err("%s: support/source missing" % iid)
            continue
        if not 3 <= len(sup.split()) <= 12:
            err("%s: support must be 3-12 words" % iid)
        if "**" in sup or "`" in sup or "|" in sup or "<br" in sup:
            err("%s: support contains markup" % iid)
        if sup not in text(src):
            err("%s: support not verbatim in %s" % (iid, src))
        if not src.endswith(".csv") and not any(sup in line for line in text(src).splitlines()):
            err("%s: support not on a single line of %s" % (iid, src))
        used = [(s, c) for s, c in got if s == src]
        if not used or not any(cell_contains(s, c, sup) for s, c in used):
            err("%s: support is not inside a cell of a used row of %s" % (iid, src))

    if ERRORS:
        for e in ERRORS:
            print("FAIL:", e)
        print("%d problem(s)" % len(ERRORS))
        return 1
    print("check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
