#!/usr/bin/env python3
"""Standalone checker for evals/heldout-final/computed-fresh14.jsonl (standard library only).

It reads the tables straight from the documents (CSV via the csv module, Markdown tables
by splitting '|' lines), recomputes every answerable item's result by code and checks:
  * the recomputed result, stated as a sentence, matches the item's answer regexes;
  * a deliberately wrong result does not match them;
  * the rows the computation rests on equal the item's `rows`;
  * every `support` occurs verbatim in its `source` (and in a row the item uses);
  * every rows[].cell is the first cell of a table row of its source;
  * ids are unique and category counts are as planned.
Exits 0 and prints "check passed" when everything holds.
"""
import csv
import io
import json
import os
import re
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "corpus")
SHARED = os.environ.get("BRIEFQA_SHARED_DIR") or os.path.join(ROOT, "..", "shared")
GUIDE = os.path.join(SHARED, "extra-corpus", "lumi-userguide")
ITEMS = os.path.join(ROOT, "evals", "heldout-final", "computed-fresh14.jsonl")

MAPD = "european-ai-infrastructure-map/"
MAP = MAPD + "MAP.md"
AF = MAPD + "ai_factories.csv"
EH = MAPD + "eurohpc_supercomputers.csv"
IT = MAPD + "it4lia_infrastructure.csv"
BRIEF = "eu-ai-factories-policy-brief.txt"
PART = "runjobs/scheduled-jobs/partitions.md"
STO = "storage/index.md"
LC = "hardware/lumic.md"
LD = "hardware/lumid.md"
NET = "hardware/network.md"
HELP = "helpdesk/index.md"
PRG = "development/compiling/prgenv.md"
EB = "software/installing/easybuild.md"
BJ = "runjobs/scheduled-jobs/batch-job.md"
LMOD = "runjobs/lumi_env/Lmod_modules.md"
LUMIO = "storage/lumio/index.md"

PLAN = {"count": 13, "filter": 12, "superlative": 10, "comparison": 9, "sum": 3,
        "difference": 3, "join": 4, "near_miss": 6}
KEYS = {"id", "question", "kind", "category", "answers", "support", "source", "section",
        "rows", "computation"}
OPTIONAL = {"require_all"}

ERRORS = []


def fail(msg):
    ERRORS.append(msg)


# ----------------------------------------------------------------------------- reading
def path_of(source):
    if source.startswith(MAPD) or source == BRIEF:
        return os.path.join(CORPUS, source)
    return os.path.join(GUIDE, source)


_TEXT = {}


def read(source):
    if source not in _TEXT:
        with open(path_of(source), encoding="utf-8") as f:
            _TEXT[source] = f.read()
    return _TEXT[source]


def clean(cell):
    """Cell text without Markdown/HTML markup."""
    s = re.sub(r"<br\s*/?>", " ", cell, flags=re.I)
    s = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", s)
    s = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", s)
    s = s.replace("**", "").replace("`", "")
    s = re.sub(r"(?<!\w)\*([^*]+)\*(?!\w)", r"\1", s)
    return re.sub(r"\s+", " ", s).strip()


def split_row(line):
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return s.split("|")


_TABLES = {}


def md_tables(source):
    """All Markdown tables of a file: list of {'header': [...], 'rows': [row, ...]}.
    A row is {'first', 'cells', 'raw', 'col'} with cleaned cells and the raw source line."""
    if source in _TABLES:
        return _TABLES[source]
    lines = read(source).split("\n")
    tables, i = [], 0
    while i < len(lines):
        if lines[i].lstrip().startswith("|"):
            j = i
            while j < len(lines) and lines[j].lstrip().startswith("|"):
                j += 1
            block = lines[i:j]
            if len(block) >= 2 and re.fullmatch(r"[\s|:\-]+", block[1].strip()):
                header = [clean(c) for c in split_row(block[0])]
                rows = []
                for raw in block[2:]:
                    cells = [clean(c) for c in split_row(raw)]
                    col = {h: (cells[k] if k < len(cells) else "") for k, h in enumerate(header)}
                    rows.append({"first": cells[0], "cells": cells, "raw": raw, "col": col})
                tables.append({"header": header, "rows": rows})
            i = j
        else:
            i += 1
    _TABLES[source] = tables
    return tables


def find_md(source, *cols):
    hits = [t for t in md_tables(source) if all(c in t["header"] for c in cols)]
    if len(hits) != 1:
        raise AssertionError("table %s %s: %d matches" % (source, cols, len(hits)))
    return hits[0]


def md_row(table, first):
    hits = [r for r in table["rows"] if r["first"] == first]
    assert len(hits) == 1, (first, len(hits))
    return hits[0]


_CSV = {}


def csv_rows(source):
    if source not in _CSV:
        _CSV[source] = list(csv.DictReader(io.StringIO(read(source))))
    return _CSV[source]


def csv_first(source):
    with open(path_of(source), encoding="utf-8") as f:
        return next(csv.reader(f))[0]


def first_cells(source):
    if source.endswith(".csv"):
        key = csv_first(source)
        return {r[key] for r in csv_rows(source)}
    return {r["first"] for t in md_tables(source) for r in t["rows"]}


def support_holders(source, cell):
    """Texts a support phrase may come from for one row: the raw line (Markdown) or the cells (CSV)."""
    if source.endswith(".csv"):
        key = csv_first(source)
        return [v for r in csv_rows(source) if r[key] == cell for v in r.values()]
    return [r["raw"] for t in md_tables(source) for r in t["rows"] if r["first"] == cell]


# ----------------------------------------------------------------------------- helpers
def hours(walltime):
    m = re.match(r"(\d+)\s*(minute|hour|day)", walltime)
    n, unit = int(m.group(1)), m.group(2)
    return n * {"minute": 1 / 60, "hour": 1, "day": 24}[unit]


def gib(mem):
    m = re.match(r"([\d.]+)\s*(GiB|TiB)", mem)
    return float(m.group(1)) * (1024 if m.group(2) == "TiB" else 1)


def fmt(x):
    return ("%g" % x) if isinstance(x, float) else str(x)


def R(src, rows):
    return [(src, r["first"] if isinstance(r, dict) else r) for r in rows]


def count_result(rows):
    n = len(rows)
    return {"rows": rows, "text": "The answer is %d." % n, "wrong": "The answer is %d." % (n + 1)}


def list_result(rows, names, others):
    """names: result items in order; others: candidate names not in the result."""
    wrong = list(names[1:]) + [others[0]]
    return {"rows": rows, "items": list(names),
            "text": "They are: %s." % ", ".join(names),
            "wrong": "They are: %s." % ", ".join(wrong)}


def single_result(rows, text, wrong):
    return {"rows": rows, "text": "The answer is %s." % text, "wrong": "The answer is %s." % wrong}


def partitions():
    node = find_md(PART, "Name", "Max walltime", "Hardware partition used")
    res = find_md(PART, "Name", "Max walltime", "Purpose")
    return node, res


def hw(row):
    return row["cells"][4]


def storage_quota():
    return find_md(STO, "Quota", "Max files", "Expandable")


def kfiles(s):
    return int(re.match(r"(\d+)k", s).group(1))


def sc_table():
    return find_md(MAP, "System", "Country", "Host", "Class", "Notes")


def pf_of_class(cls):
    m = re.search(r"~\s*([\d.]+)\s*(PF|EF)", cls)
    if not m:
        return None
    v = float(m.group(1))
    return v * 1000 if m.group(2) == "EF" else v


def storage_pb(note):
    m = re.search(r"(\d+)\s*PB", note)
    return int(m.group(1)) if m else None


def perf_pf(note):
    vals = []
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*(EF|PFlops|petaflops|PF)\b", note):
        v = float(m.group(1))
        vals.append(v * 1000 if m.group(2) == "EF" else v)
    return max(vals) if vals else None


# ----------------------------------------------------------------------------- computations
COMPUTE = {}


def item(i):
    def deco(fn):
        COMPUTE["CF14-%03d" % i] = fn
        return fn
    return deco


# ---- count
@item(1)
def _():
    _, res = partitions()
    return count_result(R(PART, res["rows"]))


@item(2)
def _():
    rows = [r["name"] for r in csv_rows(AF) if r["lead_or_host"] == "unknown"]
    return count_result(R(AF, rows))


@item(3)
def _():
    node, res = partitions()
    rows = [r for r in node["rows"] + res["rows"] if hours(r["col"]["Max walltime"]) >= 48]
    return count_result(R(PART, rows))


@item(4)
def _():
    rows = [r for r in sc_table()["rows"] if r["col"]["Class"] == "Petascale"]
    return count_result(R(MAP, rows))


@item(5)
def _():
    node, res = partitions()
    rows = [r for r in node["rows"] + res["rows"] if "LUMI-D" in hw(r)]
    return count_result(R(PART, rows))


@item(6)
def _():
    return count_result(R(AF, [r["name"] for r in csv_rows(AF) if r["confidence"] == "high"]))


@item(7)
def _():
    t = find_md(LUMIO, "rclone subcommand", "Description")
    return count_result(R(LUMIO, [r for r in t["rows"] if r["col"]["Description"].startswith("List")]))


@item(8)
def _():
    c = Counter(r["country"] for r in csv_rows(AF))
    multi = {k for k, v in c.items() if v >= 2}
    rows = [r["name"] for r in csv_rows(AF) if r["country"] in multi]
    res = count_result(R(AF, rows))
    res["text"] = "The answer is %d." % len(multi)
    res["wrong"] = "The answer is %d." % (len(multi) + 1)
    return res


@item(9)
def _():
    rows = [r for t in md_tables(BJ) if t["header"][0] == "Option" for r in t["rows"]
            if "gpu" in r["first"].lower()]
    return count_result(R(BJ, rows))


@item(10)
def _():
    return count_result(R(IT, [r["component"] for r in csv_rows(IT) if "Bologna" in r["location"]]))


@item(11)
def _():
    rows = [r for r in storage_quota()["rows"] if re.fullmatch(r"\d+ days", r["col"]["Retention"])]
    return count_result(R(STO, rows))


@item(12)
def _():
    rows = [r for r in sc_table()["rows"] if "incoming" in r["col"]["Class"].lower()]
    return count_result(R(MAP, rows))


@item(13)
def _():
    t = find_md(LMOD, "Sub-command", "Description")
    return count_result(R(LMOD, [r for r in t["rows"] if "," in r["first"]]))


# ---- filter
@item(14)
def _():
    node, res = partitions()
    allp = node["rows"] + res["rows"]
    rows = [r for r in allp if r["col"]["Max resources/job"] == "4 nodes"]
    others = [r["first"] for r in allp if r not in rows]
    others.sort(key=lambda n: n != "dev-g")
    return list_result(R(PART, rows), [r["first"] for r in rows], others)


@item(15)
def _():
    t = find_md(MAP, "Factory", "Country", "Notes")
    rows = [r for r in t["rows"] if r["col"]["Notes"] == "New"]
    others = [r["first"] for r in t["rows"] if r not in rows]
    return list_result(R(MAP, rows), [r["first"] for r in rows], others)


@item(16)
def _():
    t = storage_quota()
    rows = [r for r in t["rows"] if r["col"]["Billing rate"] == "1x"]
    others = [r["first"] for r in t["rows"] if r not in rows][::-1]
    return list_result(R(STO, rows), [r["first"] for r in rows], others)


@item(17)
def _():
    t = sc_table()
    rows = [r for r in t["rows"] if "BullSequana XH2000" in r["col"]["Notes"]]
    others = [r["first"] for r in t["rows"] if r not in rows and r["col"]["Class"] == "Petascale"]
    return list_result(R(MAP, rows), [r["first"] for r in rows], others)


@item(18)
def _():
    node, res = partitions()
    allp = node["rows"] + res["rows"]
    rows = [r for r in allp if "LUMI-G" in hw(r)]
    others = [r["first"] for r in allp if r not in rows]
    return list_result(R(PART, rows), [r["first"] for r in rows], others)


@item(19)
def _():
    rows = [r for r in csv_rows(AF) if r["lead_or_host"] != "unknown" and r["confidence"] == "medium"]
    others = [r["name"] for r in csv_rows(AF) if r not in rows and r["confidence"] == "medium"]
    return list_result(R(AF, [r["name"] for r in rows]), [r["name"] for r in rows], others)


@item(20)
def _():
    t = find_md(STO, "Path", "Intended use", "Hardware partition used")
    rows = [r for r in t["rows"] if r["col"]["Hardware partition used"] == "LUMI-P"]
    others = [r["first"] for r in t["rows"] if r not in rows]
    return list_result(R(STO, rows), [r["first"] for r in rows], others)


@item(21)
def _():
    rows = [r["name"] for r in csv_rows(EH) if r["system_class"] == "pre-exascale"]
    others = [r["name"] for r in csv_rows(EH) if r["name"] not in rows]
    return list_result(R(EH, rows), rows, others)


@item(22)
def _():
    t = storage_quota()
    rows = [r for r in t["rows"] if kfiles(r["col"]["Max files"]) >= 1000]
    others = [r["first"] for r in t["rows"] if r not in rows]
    return list_result(R(STO, rows), [r["first"] for r in rows], others)


@item(23)
def _():
    rows = [r["component"] for r in csv_rows(IT) if "AI-optimized" in r["role"]]
    others = [r["component"] for r in csv_rows(IT) if r["component"] not in rows][::-1]
    return list_result(R(IT, rows), rows, others)


@item(24)
def _():
    t = find_md(PRG, "Compilers", "Good performance", "Aggressive optimizations")
    c = Counter(r["col"]["Aggressive optimizations"] for r in t["rows"])
    rows = [r for r in t["rows"] if c[r["col"]["Aggressive optimizations"]] >= 2]
    others = [r["first"] for r in t["rows"] if r not in rows]
    return list_result(R(PRG, rows), [r["first"] for r in rows], others)


@item(25)
def _():
    t = sc_table()
    pet = [r for r in t["rows"] if r["col"]["Class"] == "Petascale"]
    rows = [r for r in pet if "factory" not in r["col"]["Notes"].lower()]
    others = [r["first"] for r in pet if r not in rows]
    return list_result(R(MAP, rows), [r["first"] for r in rows], others)


# ---- superlative
def ranked(rows, key, reverse):
    return sorted(rows, key=key, reverse=reverse)


@item(26)
def _():
    node, res = partitions()
    allp = node["rows"] + res["rows"]
    o = ranked(allp, lambda r: hours(r["col"]["Max walltime"]), False)
    assert hours(o[0]["col"]["Max walltime"]) < hours(o[1]["col"]["Max walltime"])
    f = lambda r: "%s (%s)" % (r["first"], r["col"]["Max walltime"])
    return single_result(R(PART, allp), f(o[0]), f(o[1]))


@item(27)
def _():
    cand = [r for r in csv_rows(IT) if storage_pb(r["public_specs_or_notes"]) is not None]
    o = ranked(cand, lambda r: storage_pb(r["public_specs_or_notes"]), True)
    f = lambda r: "%s (%d PB)" % (r["component"], storage_pb(r["public_specs_or_notes"]))
    return single_result(R(IT, [r["component"] for r in cand]), f(o[0]), f(o[1]))


@item(28)
def _():
    node, res = partitions()
    cand = [r for r in node["rows"] + res["rows"] if re.match(r"\d+", r["col"]["Max jobs"])]
    jobs = lambda r: int(re.match(r"\d+", r["col"]["Max jobs"]).group(0))
    o = ranked(cand, jobs, True)
    assert jobs(o[0]) > jobs(o[1])
    f = lambda r: "%s (%d jobs)" % (r["first"], jobs(r))
    return single_result(R(PART, cand), f(o[0]), f(o[1]))


@item(29)
def _():
    cand = [r for r in sc_table()["rows"] if pf_of_class(r["col"]["Class"]) is not None]
    o = ranked(cand, lambda r: pf_of_class(r["col"]["Class"]), True)
    f = lambda r: "%s (%g PF)" % (r["first"], pf_of_class(r["col"]["Class"]))
    return single_result(R(MAP, cand), f(o[0]), f(o[1]))


@item(30)
def _():
    _, res = partitions()
    cand = [r for r in res["rows"] if r["col"]["Max resources/job"].endswith("nodes")]
    nodes = lambda r: int(r["col"]["Max resources/job"].split()[0])
    o = ranked(cand, nodes, True)
    assert nodes(o[0]) > nodes(o[1])
    f = lambda r: "%s (%d nodes)" % (r["first"], nodes(r))
    return single_result(R(PART, cand), f(o[0]), f(o[1]))


@item(31)
def _():
    cand = [r for r in csv_rows(IT) if perf_pf(r["public_specs_or_notes"]) is not None]
    o = ranked(cand, lambda r: perf_pf(r["public_specs_or_notes"]), True)
    f = lambda r: "%s (%g PF)" % (r["component"], perf_pf(r["public_specs_or_notes"]))
    return single_result(R(IT, [r["component"] for r in cand]), f(o[0]), f(o[1]))


@item(32)
def _():
    t = find_md(LC, "Nodes", "Memory")
    o = ranked(t["rows"], lambda r: gib(r["col"]["Memory"]), True)
    f = lambda r: "%g GiB (%s nodes)" % (gib(r["col"]["Memory"]), r["first"])
    return single_result(R(LC, t["rows"]), f(o[0]), f(o[1]))


@item(33)
def _():
    t = find_md(MAP, "Tier", "GPU hours", "Audience")

    def amount(s):
        if re.fullmatch(r"Entry-level", s):
            return 0
        m = re.match(r"(Up to|>)\s*([\d,]+) GPU hours$", s)
        return int(m.group(2).replace(",", "")) + (0.5 if m.group(1) == ">" else 0)

    o = ranked(t["rows"], lambda r: amount(r["col"]["GPU hours"]), True)
    f = lambda r: "%s (%s)" % (r["first"], r["col"]["GPU hours"])
    return single_result(R(MAP, t["rows"]), f(o[0]), f(o[1]))


@item(34)
def _():
    t = storage_quota()
    cand = [r for r in t["rows"] if re.fullmatch(r"[\d.]+x", r["col"]["Billing rate"])]
    rate = lambda r: float(r["col"]["Billing rate"][:-1])
    o = ranked(cand, rate, True)
    assert rate(o[0]) > rate(o[1])
    f = lambda r: "%s (%s)" % (r["first"], r["col"]["Billing rate"])
    return single_result(R(STO, cand), f(o[0]), f(o[1]))


@item(35)
def _():
    cand = [r for r in csv_rows(IT) if storage_pb(r["public_specs_or_notes"]) is not None]
    o = ranked(cand, lambda r: storage_pb(r["public_specs_or_notes"]), False)
    f = lambda r: "%s (%d PB)" % (r["component"], storage_pb(r["public_specs_or_notes"]))
    return single_result(R(IT, [r["component"] for r in cand]), f(o[0]), f(o[1]))


# ---- comparison
@item(36)
def _():
    node, res = partitions()
    a, b = md_row(res, "small-g"), md_row(node, "standard-g")
    o = ranked([a, b], lambda r: hours(r["col"]["Max walltime"]), True)
    f = lambda r: "%s (%s)" % (r["first"], r["col"]["Max walltime"])
    return single_result(R(PART, [a, b]), f(o[0]), f(o[1]))


@item(37)
def _():
    t = sc_table()
    a, b = md_row(t, "LUMI"), md_row(t, "Leonardo")
    o = ranked([a, b], lambda r: pf_of_class(r["col"]["Class"]), True)
    f = lambda r: "%s (%g PF)" % (r["first"], pf_of_class(r["col"]["Class"]))
    return single_result(R(MAP, [a, b]), f(o[0]), f(o[1]))


@item(38)
def _():
    d = find_md(LD, "Nodes", "Memory", "GPUs")
    c = find_md(LC, "Nodes", "Memory")
    dg = [r for r in d["rows"] if r["col"]["GPUs"] != "none"]
    assert len(dg) == 1
    dg = dg[0]
    cb = max(c["rows"], key=lambda r: gib(r["col"]["Memory"]))
    cand = [("LUMI-D GPU nodes", dg), ("LUMI-C largest-memory nodes", cb)]
    o = ranked(cand, lambda p: gib(p[1]["col"]["Memory"]), True)
    f = lambda p: "%s (%s)" % (p[0], p[1]["col"]["Memory"])
    return single_result(R(LD, [dg]) + R(LC, [cb]), f(o[0]), f(o[1]))


@item(39)
def _():
    c = Counter(r["country"] for r in csv_rows(AF))
    rows = [r["name"] for r in csv_rows(AF) if r["country"] in ("Germany", "Italy")]
    o = ranked(["Germany", "Italy"], lambda k: c[k], True)
    assert c[o[0]] > c[o[1]]
    f = lambda k: "%s (%d)" % (k, c[k])
    return single_result(R(AF, rows), f(o[0]), f(o[1]))


@item(40)
def _():
    d = find_md(LD, "Nodes", "Memory", "Disk")
    tb = lambda r: int(re.match(r"(\d+)\s*TB", r["col"]["Disk"]).group(1))
    o = ranked(d["rows"], tb, True)
    f = lambda r: "the %s memory nodes (%s)" % (r["col"]["Memory"], r["col"]["Disk"])
    return single_result(R(LD, d["rows"]), f(o[0]), f(o[1]))


@item(41)
def _():
    rows = {r["component"]: r for r in csv_rows(IT)}
    leo = int(re.search(r"(\d+)\s*petaflops", rows["Leonardo"]["public_specs_or_notes"]).group(1))
    lisa = int(re.search(r"(\d+)\s*PFlops double precision", rows["LISA"]["public_specs_or_notes"]).group(1))
    o = sorted([("Leonardo", leo), ("LISA", lisa)], key=lambda p: p[1], reverse=True)
    f = lambda p: "%s (%d PF)" % p
    return single_result(R(IT, ["Leonardo", "LISA"]), f(o[0]), f(o[1]))


@item(42)
def _():
    s2 = storage_quota()
    s3 = find_md(STO, "Quota", "Max buckets")
    a, b = md_row(s2, "Project scratch"), md_row(s3, "Object storage")
    tb = lambda r: int(re.match(r"(\d+)\s*TB", r["col"]["Quota"]).group(1))
    o = ranked([a, b], tb, True)
    f = lambda r: "%s (%s)" % (r["first"], r["col"]["Quota"])
    return single_result(R(STO, [a, b]), f(o[0]), f(o[1]))


@item(43)
def _():
    t = find_md(MAP, "Factory", "Country", "Notes")
    c = Counter(r["col"]["Country"] for r in t["rows"])
    rows = [r for r in t["rows"] if r["col"]["Country"] in ("Poland", "Germany")]
    o = ranked(["Poland", "Germany"], lambda k: c[k], True)
    assert c[o[0]] > c[o[1]]
    f = lambda k: "%s (%d)" % (k, c[k])
    return single_result(R(MAP, rows), f(o[0]), f(o[1]))


@item(44)
def _():
    rank = {"high": 2, "medium": 1, "low": 0}
    rows = [r for r in csv_rows(AF) if r["name"] in ("LUMI AI Factory", "MIMER")]
    o = ranked(rows, lambda r: rank[r["confidence"]], True)
    assert rank[o[0]["confidence"]] > rank[o[1]["confidence"]]
    f = lambda r: "%s (%s)" % (r["name"], r["confidence"])
    return single_result(R(AF, [r["name"] for r in rows]), f(o[0]), f(o[1]))


# ---- sum
@item(45)
def _():
    t = find_md(LC, "Nodes", "Memory")
    rows = [r for r in t["rows"] if gib(r["col"]["Memory"]) > 256]
    n = sum(int(r["first"]) for r in rows)
    return single_result(R(LC, rows), "%d nodes" % n, "%d nodes" % (n + 1))


@item(46)
def _():
    rows = [r for r in csv_rows(IT) if r["component"] in ("GAIA", "MEGARIDE")]
    n = sum(storage_pb(r["public_specs_or_notes"]) for r in rows)
    return single_result(R(IT, [r["component"] for r in rows]), "%d PB" % n, "%d PB" % (n + 1))


@item(47)
def _():
    t = storage_quota()
    n = sum(kfiles(r["col"]["Max files"]) for r in t["rows"])
    return single_result(R(STO, t["rows"]), "%dk files" % n, "%dk files" % (n + 100))


# ---- difference
@item(48)
def _():
    t = find_md(HELP, "CE(S)T", "EE(S)T")

    def h24(s):
        m = re.fullmatch(r"(\d+):(\d+) (AM|PM)", s)
        h = int(m.group(1)) % 12 + (12 if m.group(3) == "PM" else 0)
        return h + int(m.group(2)) / 60

    a, b = md_row(t, "Start"), md_row(t, "End")
    d = h24(b["col"]["CE(S)T"]) - h24(a["col"]["CE(S)T"])
    assert d == h24(b["col"]["EE(S)T"]) - h24(a["col"]["EE(S)T"])
    return single_result(R(HELP, [a, b]), "%g hours" % d, "%g hours" % (d + 1))


@item(49)
def _():
    t = sc_table()
    a, b = md_row(t, "LUMI"), md_row(t, "Leonardo")
    d = pf_of_class(a["col"]["Class"]) - pf_of_class(b["col"]["Class"])
    return single_result(R(MAP, [a, b]), "%g PF" % d, "%g PF" % (d + 1))


@item(50)
def _():
    t = find_md(LC, "Nodes", "Memory")
    o = ranked(t["rows"], lambda r: gib(r["col"]["Memory"]), True)
    big, small, second = o[0], o[-1], o[1]
    d = gib(big["col"]["Memory"]) - gib(small["col"]["Memory"])
    wrong = gib(big["col"]["Memory"]) - gib(second["col"]["Memory"])
    return single_result(R(LC, [small, big]), "%g GiB" % d, "%g GiB" % wrong)


# ---- join
@item(51)
def _():
    node, res = partitions()
    a, b = md_row(res, "dev-g"), md_row(res, "debug")
    ha, hb = hw(a), hw(b)
    net = find_md(NET, "LUMI-G", "LUMI-C", "LUMI-P")
    idx = net["header"]

    def bw(x, y):
        for r, c in ((x, y), (y, x)):
            row = [q for q in net["rows"] if q["first"] == r]
            if row and row[0]["cells"][idx.index(c)]:
                return row[0], row[0]["cells"][idx.index(c)]
        raise AssertionError((x, y))

    row, val = bw(ha, hb)
    _, wrong = bw(hb, hb)
    return {"rows": R(PART, [a, b]) + R(NET, [row]),
            "text": "The answer is %s." % val, "wrong": "The answer is %s." % wrong}


@item(52)
def _():
    fw = find_md(MAP, "Factory", "Lead / host", "Base system")
    sc = sc_table()
    names, rows, others = [], [], []
    for f in fw["rows"]:
        base = f["col"]["Base system"]
        hit = [s for s in sc["rows"] if re.search(r"\b%s\b" % re.escape(s["first"]), base, re.I)]
        pre = [s for s in hit if s["col"]["Class"].startswith("Pre-exascale")]
        if pre:
            names.append(f["first"])
            rows.append((MAP, f["first"]))
            rows.extend((MAP, s["first"]) for s in pre)
        else:
            others.append(f["first"])
    return list_result(rows, names, others)


@item(53)
def _():
    pg = find_md(PRG, "Description", "Module collection")
    eb = find_md(EB, "EasyBuild toolchain", "HPE Cray PE")
    a = [r for r in pg["rows"] if r["col"]["Description"] == "AMD Optimizing C/C++ Compiler"]
    assert len(a) == 1
    mod = a[0]["col"]["Module collection"]
    b = [r for r in eb["rows"] if r["col"]["HPE Cray PE"].split()[0] == mod]
    assert len(b) == 1
    wrong = [r for r in eb["rows"] if r is not b[0]][0]
    return single_result(R(PRG, a) + R(EB, b), b[0]["first"], wrong["first"])


@item(54)
def _():
    eh = {r["name"]: r for r in csv_rows(EH)}
    hits, others = [], []
    for f in csv_rows(AF):
        s = eh.get(f["base_system_or_infrastructure"])
        if s and s["system_class"] == "petascale":
            hits.append((f["name"], s["name"]))
        elif s:
            others.append(f["name"])
    assert len(hits) == 1
    return single_result([(AF, hits[0][0]), (EH, hits[0][1])], hits[0][0], others[0])


# ---- near misses: the tables really lack the row / column
def corpus_text():
    return "\n".join(read(s) for s in (MAP, AF, EH, IT, BRIEF))


NEAR_MISS = {
    "CF14-055": lambda: "large-g" not in read(PART)
    and all("large-g" not in r["first"] for t in md_tables(PART) for r in t["rows"]),
    "CF14-056": lambda: not re.search(r"megawatt|\bMW\b", corpus_text(), re.I)
    and not any(re.search(r"power", h, re.I) for h in sc_table()["header"] + list(csv_rows(EH)[0])),
    "CF14-057": lambda: not re.search(r"\bwatts?\b|power (draw|consumption)", read(LC), re.I)
    and not any(re.search(r"power|watt", h, re.I) for h in find_md(LC, "Nodes", "Memory")["header"]),
    "CF14-058": lambda: not re.search(r"registered", corpus_text(), re.I)
    and not any(re.search(r"user|project", h, re.I) for h in csv_rows(AF)[0]),
    "CF14-059": lambda: "LUMI-K" not in read(NET)
    and all("LUMI-K" not in h for h in find_md(NET, "LUMI-G", "LUMI-C")["header"]),
    "CF14-060": lambda: not re.search(r"operating cost|running cost", corpus_text(), re.I)
    and not any(re.search(r"cost|budget", h, re.I) for h in list(csv_rows(EH)[0]) + sc_table()["header"]),
}


# ----------------------------------------------------------------------------- checks
def matches(patterns, text, require_all):
    hits = [bool(re.search(p, text, re.IGNORECASE)) for p in patterns]
    return all(hits) if require_all else any(hits)


def check_item(d):
    iid = d["id"]
    keys = set(d)
    if not KEYS <= keys or keys - KEYS - OPTIONAL:
        fail("%s: keys %s" % (iid, sorted(keys)))
    if d["section"] is not None:
        fail("%s: section must be null" % iid)
    if d["category"] == "near_miss":
        if d["kind"] != "unanswerable" or d["answers"] or d["rows"] or d["support"] is not None \
                or d["source"] is not None:
            fail("%s: near_miss must be unanswerable with empty answers/rows and null support/source" % iid)
        if iid not in NEAR_MISS or not NEAR_MISS[iid]():
            fail("%s: near-miss absence check failed" % iid)
        return
    kind = "map" if d["source"].startswith(MAPD) else "lumi"
    if d["kind"] != kind:
        fail("%s: kind %s, expected %s" % (iid, d["kind"], kind))
    if iid not in COMPUTE:
        fail("%s: no computation in checker" % iid)
        return
    res = COMPUTE[iid]()
    ra = bool(d.get("require_all", False))
    # answers vs recomputed result and a deliberately wrong result
    if not d["answers"]:
        fail("%s: no answers" % iid)
    for p in d["answers"]:
        re.compile(p)
    if not matches(d["answers"], res["text"], ra):
        fail("%s: answers do not match recomputed result %r" % (iid, res["text"]))
    if matches(d["answers"], res["wrong"], ra):
        fail("%s: answers also match wrong result %r" % (iid, res["wrong"]))
    if d["category"] == "count" and not all("\\b" in p for p in d["answers"]):
        fail("%s: count pattern not anchored with \\b" % iid)
    if "items" in res and len(res["items"]) > 1:
        if not ra or len(d["answers"]) != len(res["items"]):
            fail("%s: list of %d needs require_all with one pattern per item" % (iid, len(res["items"])))
    # rows
    got = Counter((r["source"], r["cell"]) for r in d["rows"])
    if got != Counter(res["rows"]):
        fail("%s: rows %s != recomputed %s" % (iid, sorted(got.elements()), sorted(res["rows"])))
    for r in d["rows"]:
        if r["cell"] not in first_cells(r["source"]):
            fail("%s: %r is not the first cell of a table row of %s" % (iid, r["cell"], r["source"]))
    # support
    sup, src = d["support"], d["source"]
    if not isinstance(sup, str) or not 3 <= len(sup.split()) <= 12:
        fail("%s: support must be 3-12 words" % iid)
        return
    if any(m in sup for m in ("**", "`", "<br", "|", "](")):
        fail("%s: support contains markup" % iid)
    if sup not in read(src):
        fail("%s: support not verbatim in %s" % (iid, src))
    holders = [h for r in d["rows"] if r["source"] == src for h in support_holders(src, r["cell"])]
    if not any(sup in h for h in holders):
        fail("%s: support not in a cell/line of a row the item uses" % iid)
    if not d["computation"].strip():
        fail("%s: empty computation" % iid)


def main():
    with open(ITEMS, encoding="utf-8") as f:
        items = [json.loads(line) for line in f if line.strip()]
    ids = [d.get("id") for d in items]
    if len(ids) != len(set(ids)):
        fail("duplicate ids")
    if ids != ["CF14-%03d" % i for i in range(1, len(items) + 1)]:
        fail("ids not CF14-001.. in order")
    cats = Counter(d.get("category") for d in items)
    if dict(cats) != PLAN:
        fail("category counts %s != plan %s" % (dict(cats), PLAN))
    for d in items:
        try:
            check_item(d)
        except Exception as e:  # a broken table lookup is a failure, not a crash
            fail("%s: %s: %s" % (d.get("id"), type(e).__name__, e))
    kinds = Counter(d["kind"] for d in items)
    if ERRORS:
        for e in ERRORS:
            print("FAIL", e)
        print("%d problem(s)" % len(ERRORS))
        return 1
    print("items: %d; categories: %s; kinds: %s" % (len(items), dict(sorted(cats.items())),
                                                     dict(sorted(kinds.items()))))
    print("check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
