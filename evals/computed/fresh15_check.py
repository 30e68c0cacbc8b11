#!/usr/bin/env python3
"""Standalone checker for evals/heldout-final/computed-fresh15.jsonl (standard library only).

Reads the tables straight from the documents, recomputes every answerable item's
result, and checks answers, rows, supports, ids and category counts.
Exit 0 and print "check passed" when everything holds.
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
ITEMS = os.path.join(ROOT, "evals", "heldout-final", "computed-fresh15.jsonl")

PLANNED = {"count": 13, "filter": 12, "superlative": 10, "comparison": 9, "sum": 3,
           "difference": 3, "join": 4, "near_miss": 6}
KEYS = ["id", "question", "kind", "category", "answers", "support", "source", "section",
        "rows", "computation"]

MAPDIR = "european-ai-infrastructure-map/"
AF = MAPDIR + "ai_factories.csv"
SC = MAPDIR + "eurohpc_supercomputers.csv"
IT = MAPDIR + "it4lia_infrastructure.csv"
MAP = MAPDIR + "MAP.md"
P = "runjobs/scheduled-jobs/partitions.md"
S = "storage/index.md"
C = "hardware/lumic.md"
D = "hardware/lumid.md"
LUMIO = "storage/lumio/index.md"
BATCH = "runjobs/scheduled-jobs/batch-job.md"
LMOD = "runjobs/lumi_env/Lmod_modules.md"
EB = "software/installing/easybuild.md"
QS = "runjobs/scheduled-jobs/slurm-quickstart.md"


def path_of(source, kind):
    if kind == "map" or source.startswith(MAPDIR) or source.endswith(".txt"):
        return os.path.join(CORPUS, *source.split("/"))
    return os.path.join(GUIDE, *source.split("/"))


def read_text(source, kind=None):
    with open(path_of(source, kind), encoding="utf-8") as f:
        return f.read()


# ---------------------------------------------------------------- tables
def clean(cell):
    c = cell.replace("<br>", " ")
    c = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", c)
    c = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", c)
    c = c.replace("**", "").replace("`", "")
    c = re.sub(r"(?<!\w)\*([^*]+)\*(?!\w)", r"\1", c)
    return re.sub(r"\s+", " ", c).strip()


def split_row(line):
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in s.split("|")]


def md_tables(source):
    """List of tables: dict(header=[clean], rows=[dict(raw=line, cells=[clean], rawcells=[...])])."""
    lines = read_text(source).split("\n")
    tables, block = [], []
    for line in lines + [""]:
        if line.strip().startswith("|"):
            block.append(line)
            continue
        if len(block) >= 2 and re.fullmatch(r"[\s|:\-]+", block[1].strip()):
            rows = [{"raw": l, "rawcells": split_row(l), "cells": [clean(c) for c in split_row(l)]}
                    for l in block[2:]]
            tables.append({"header": [clean(c) for c in split_row(block[0])], "rows": rows})
        block = []
    return tables


def md_table(source, *header_has):
    found = [t for t in md_tables(source) if all(h in t["header"] for h in header_has)]
    if len(found) != 1:
        raise SystemExit("table with header %r not found exactly once in %s" % (header_has, source))
    return found[0]


def csv_rows(source):
    with open(path_of(source, "map"), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def first_cells(source):
    if source.endswith(".csv"):
        with open(path_of(source, "map"), encoding="utf-8", newline="") as f:
            return [r[0] for r in list(csv.reader(f))[1:] if r]
    return [r["cells"][0] for t in md_tables(source) for r in t["rows"]]


# ---------------------------------------------------------------- helpers
def hours(text):
    m = re.match(r"(\d+)\s*(minute|hour|day)", text)
    if not m:
        return None
    n, unit = int(m.group(1)), m.group(2)
    return n / 60.0 if unit == "minute" else n if unit == "hour" else n * 24


def max_jobs(text):
    m = re.match(r"(\d+)\s*\((\d+) running\)", text)
    return (int(m.group(1)), int(m.group(2))) if m else None


def nodes(text):
    m = re.match(r"(\d+)\s*nodes?$", text)
    return int(m.group(1)) if m else None


def gib(text):
    m = re.match(r"([\d.]+)\s*(GiB|TiB)", text)
    return float(m.group(1)) * (1024 if m.group(2) == "TiB" else 1)


def num_unit(text, unit):
    m = re.search(r"([\d.]+)\s*" + unit, text)
    return float(m.group(1)) if m else None


def fmt(x):
    return ("%d" % x) if float(x).is_integer() else ("%g" % x)


def partitions():
    by_node = md_table(P, "Name", "Max walltime", "Max jobs", "Max resources/job", "Hardware partition used")
    by_res = md_table(P, "Name", "Purpose")
    out = []
    for t in (by_node, by_res):
        for r in t["rows"]:
            c = r["cells"]
            out.append({"name": c[0], "wall": hours(c[1]), "jobs": max_jobs(c[2]), "nodes": nodes(c[3]),
                        "hw": c[4], "raw": r, "table": "node" if t is by_node else "res"})
    return out


def quota_table():
    return md_table(S, "Quota", "Max files")


def lumic_rows():
    return md_table(C, "Nodes", "CPUs", "Memory")["rows"]


def lumid_rows():
    return md_table(D, "Nodes", "GPUs", "Disk")["rows"]


def map_super():
    return md_table(MAP, "System", "Country", "Host", "Class", "Notes")["rows"]


def map_additional():
    return md_table(MAP, "Factory", "Country", "Notes")["rows"]


def pf_of_class(text):
    m = re.search(r"~([\d.]+)\s*(EF|PF)", text)
    if not m:
        return None
    return float(m.group(1)) * (1000 if m.group(2) == "EF" else 1)


def it4lia_perf(text):
    vals = []
    for n, u in re.findall(r"([\d.]+)\s*(EF|PFlops|petaflops)", text):
        vals.append(float(n) * (1000 if u == "EF" else 1))
    return max(vals) if vals else None


def listing(names):
    names = list(names)
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def res(rows, say, wrong):
    return {"rows": [{"source": s, "cell": c} for s, c in rows], "say": say, "wrong": wrong}


def count_res(rows):
    n = len(rows)
    return res(rows, "The answer is %d." % n, "The answer is %d." % (n + 1))


def filter_res(rows, names, others):
    """names: selected names; others: table names not selected (for the wrong sentence)."""
    if len(names) > 1:
        wrong = names[:-1]
    else:
        wrong = others[:1]
    return res(rows, "The matching ones are %s." % listing(names), "The matching ones are %s." % listing(wrong))


# ---------------------------------------------------------------- computations
def c_sub_node_count():
    rows = [(P, p["name"]) for p in partitions() if p["table"] == "res"]
    return count_res(rows)


def c_lumic_partitions():
    return count_res([(P, p["name"]) for p in partitions() if "LUMI-C" in p["hw"]])


def c_expandable():
    return count_res([(S, r["cells"][0]) for r in quota_table()["rows"] if r["cells"][3].startswith("Yes")])


def c_rclone():
    t = md_table(LUMIO, "rclone subcommand", "Description")
    return count_res([(LUMIO, r["cells"][0]) for r in t["rows"]])


def c_dependency():
    t = md_table(BATCH, "Dependency type", "Description")
    return count_res([(BATCH, r["cells"][0]) for r in t["rows"]])


def c_full_day():
    return count_res([(P, p["name"]) for p in partitions() if p["wall"] is not None and p["wall"] >= 24])


def c_lmod():
    t = md_table(LMOD, "Sub-command", "Description")
    return count_res([(LMOD, r["cells"][0]) for r in t["rows"]])


def c_under_4h():
    ps = partitions()
    sel = [p["name"] for p in ps if p["wall"] < 4]
    return filter_res([(P, n) for n in sel], sel, [p["name"] for p in ps if p["name"] not in sel])


def c_days_retention():
    t = quota_table()["rows"]
    sel = [r["cells"][0] for r in t if re.search(r"\d+ days", r["cells"][4])]
    return filter_res([(S, n) for n in sel], sel, [r["cells"][0] for r in t if r["cells"][0] not in sel])


def c_lumic_512():
    rows = lumic_rows()
    sel = [r for r in rows if gib(r["cells"][3]) >= 512]
    say = "The matching ones are %s." % listing("the %s nodes with %s" % (r["cells"][0], r["cells"][3]) for r in sel)
    wrong = "The matching ones are %s." % listing("the %s nodes with %s" % (r["cells"][0], r["cells"][3])
                                                  for r in ([r for r in rows if r not in sel] + sel)[:len(sel)])
    return res([(C, r["cells"][0]) for r in sel], say, wrong)


def c_200_running():
    ps = partitions()
    sel = [p["name"] for p in ps if p["jobs"] and p["jobs"][1] == 200]
    return filter_res([(P, n) for n in sel], sel, [])


def c_eb_amd():
    t = md_table(EB, "EasyBuild toolchain", "HPE Cray PE")["rows"]
    sel = [r["cells"][0] for r in t if "AMD compilers" in r["cells"][1]]
    return filter_res([(EB, n) for n in sel], sel, [r["cells"][0] for r in t if r["cells"][0] not in sel])


def c_view_commands():
    t = md_table(QS, "Command", "Description")["rows"]
    sel = [r["cells"][0] for r in t if r["cells"][1].startswith("View")]
    return filter_res([(QS, n) for n in sel], sel, [r["cells"][0] for r in t if r["cells"][0] not in sel])


def superlative(rows_src, items, key, name, biggest=True):
    ranked = sorted(items, key=key, reverse=biggest)
    best, second = ranked[0], ranked[1]
    if key(best) == key(second):
        raise SystemExit("superlative tie")
    return res([(rows_src, name(best))], "It is %s." % name(best), "It is %s." % name(second))


def c_most_nodes():
    ps = [p for p in partitions() if p["nodes"] is not None and p["name"] != "bench"]
    return superlative(P, ps, lambda p: p["nodes"], lambda p: p["name"])


def c_shortest_wall():
    return superlative(P, partitions(), lambda p: p["wall"], lambda p: p["name"], biggest=False)


def c_most_files():
    t = quota_table()["rows"]
    files = lambda r: int(re.match(r"(\d+)k", r["cells"][2]).group(1))
    return superlative(S, t, files, lambda r: r["cells"][0])


def c_lumic_common():
    rows = lumic_rows()
    ranked = sorted(rows, key=lambda r: int(r["cells"][0]), reverse=True)
    b, s = ranked[0], ranked[1]
    return res([(C, b["cells"][0])], "It is the %s nodes with %s." % (b["cells"][0], b["cells"][3]),
               "It is the %s nodes with %s." % (s["cells"][0], s["cells"][3]))


def c_fewest_jobs():
    ps = [p for p in partitions() if p["jobs"]]
    return superlative(P, ps, lambda p: p["jobs"][0], lambda p: p["name"], biggest=False)


def compare(src, a, b, key, name, say_fmt="%s is higher.", bigger=True):
    ka, kb = key(a), key(b)
    if ka == kb:
        raise SystemExit("comparison tie")
    win, lose = (a, b) if (ka > kb) == bigger else (b, a)
    return win, lose


def pick(ps, name):
    return [p for p in ps if p["name"] == name][0]


def c_std_vs_stdg():
    ps = partitions()
    a, b = pick(ps, "standard-g"), pick(ps, "standard")
    w, l = compare(P, a, b, lambda p: p["jobs"][0], None)
    return res([(P, a["name"]), (P, b["name"])], "%s allows more (%d)." % (w["name"], w["jobs"][0]),
               "%s allows more (%d)." % (l["name"], l["jobs"][0]))


def c_lumid_disk():
    rows = lumid_rows()
    a, b = rows
    w, l = compare(D, a, b, lambda r: num_unit(r["cells"][5], "TB"), None)
    return res([(D, a["cells"][0]), (D, b["cells"][0])],
               "The nodes with %s of memory have more: %s." % (w["cells"][3], w["cells"][5]),
               "The nodes with %s of memory have more: %s." % (l["cells"][3], l["cells"][5]))


def c_billing():
    t = {r["cells"][0]: r for r in quota_table()["rows"]}
    a, b = t["Project scratch"], t["Project fast"]
    rate = lambda r: float(r["cells"][5].rstrip("x"))
    w, l = compare(S, a, b, rate, None)
    return res([(S, a["cells"][0]), (S, b["cells"][0])],
               "%s is billed higher, at %s." % (w["cells"][0], w["cells"][5]),
               "%s is billed higher, at %s." % (l["cells"][0], l["cells"][5]))


def c_devg_vs_smallg():
    ps = partitions()
    a, b = pick(ps, "dev-g"), pick(ps, "small-g")
    w, l = compare(P, a, b, lambda p: p["nodes"], None)
    return res([(P, a["name"]), (P, b["name"])], "%s allows more nodes (%d)." % (w["name"], w["nodes"]),
               "%s allows more nodes (%d)." % (l["name"], l["nodes"]))


def c_largemem_vs_lumid():
    ps = partitions()
    a, b = pick(ps, "largemem"), pick(ps, "lumid")
    w, l = compare(P, a, b, lambda p: p["wall"], None)
    return res([(P, a["name"]), (P, b["name"])], "%s allows longer jobs." % w["name"],
               "%s allows longer jobs." % l["name"])


def c_lumic_sum():
    rows = lumic_rows()
    n = sum(int(r["cells"][0]) for r in rows)
    return res([(C, r["cells"][0]) for r in rows], "The total is %d nodes." % n, "The total is %d nodes." % (n - 32))


def c_lumid_sum():
    rows = lumid_rows()
    n = sum(int(r["cells"][0]) for r in rows)
    return res([(D, r["cells"][0]) for r in rows], "The total is %d nodes." % n, "The total is %d nodes." % (n // 2))


def c_small_minus_smallg():
    ps = partitions()
    a, b = pick(ps, "small-g"), pick(ps, "small")
    d = b["jobs"][0] - a["jobs"][0]
    return res([(P, a["name"]), (P, b["name"])], "small allows %d more." % d, "small allows %d more." % (d + 10))


def c_lumif_quota():
    paths = md_table(S, "Path", "Intended use", "Hardware partition used")["rows"]
    area = [r for r in paths if r["cells"][3] == "LUMI-F"]
    assert len(area) == 1
    name = area[0]["cells"][0]
    # the quota table names the same area with a different second word ("flash" vs "fast"):
    # match on the first word and the initial of the second
    quota = [r for r in quota_table()["rows"] if r["cells"][0].split()[0] == name.split()[0]
             and r["cells"][0].split()[1][0] == name.split()[1][0]]
    assert len(quota) == 1
    q = quota[0]
    others = [r["cells"][1] for r in quota_table()["rows"] if r is not q]
    return res([(S, name), (S, q["cells"][0])], "%s is on LUMI-F; its quota is %s." % (name, q["cells"][1]),
               "%s is on LUMI-F; its quota is %s." % (name, others[1]))


def c_largemem_memory():
    p = pick(partitions(), "largemem")
    hw = p["hw"]
    rows = lumid_rows()
    cpu = [r for r in rows if r["cells"][4] == "none"]
    assert hw == "LUMI-D" and len(cpu) == 1
    gpu = [r for r in rows if r is not cpu[0]][0]
    return res([(P, "largemem"), (D, cpu[0]["cells"][0])],
               "largemem runs on %s, whose nodes without GPUs have %s." % (hw, cpu[0]["cells"][3]),
               "largemem runs on %s, whose nodes without GPUs have %s." % (hw, gpu["cells"][3]))


# ---- map
def c_unknown_lead():
    return count_res([(AF, r["name"]) for r in csv_rows(AF) if r["lead_or_host"] == "unknown"])


def c_petascale():
    return count_res([(SC, r["name"]) for r in csv_rows(SC) if r["system_class"] == "petascale"])


def c_incoming():
    return count_res([(MAP, r["cells"][0]) for r in map_super() if "incoming" in r["cells"][3].lower()])


def c_medium():
    return count_res([(AF, r["name"]) for r in csv_rows(AF) if r["confidence"] == "medium"])


def c_new_additional():
    return count_res([(MAP, r["cells"][0]) for r in map_additional() if r["cells"][2] == "New"])


def c_bologna():
    return count_res([(IT, r["component"]) for r in csv_rows(IT) if "Bologna" in r["location"]])


def c_pre_exascale():
    rows = csv_rows(SC)
    sel = [r["name"] for r in rows if r["system_class"] == "pre-exascale"]
    return filter_res([(SC, n) for n in sel], sel, [r["name"] for r in rows if r["name"] not in sel])


def c_helpdesk_additional():
    rows = map_additional()
    sel = [r["cells"][0] for r in rows if "helpdesk topic list" in r["cells"][2]]
    return filter_res([(MAP, n) for n in sel], sel, [r["cells"][0] for r in rows if r["cells"][0] not in sel])


def c_xh2000():
    rows = map_super()
    sel = [r["cells"][0] for r in rows if "BullSequana XH2000" in r["cells"][4]]
    return filter_res([(MAP, n) for n in sel], sel, [r["cells"][0] for r in rows if r["cells"][0] not in sel])


def c_germany():
    rows = csv_rows(AF)
    sel = [r["name"] for r in rows if r["country"] == "Germany"]
    return filter_res([(AF, n) for n in sel], sel, [r["name"] for r in rows if r["name"] not in sel])


def c_outside_bologna():
    rows = csv_rows(IT)
    sel = [r["component"] for r in rows if "Bologna" not in r["location"]]
    return filter_res([(IT, n) for n in sel], sel, [r["component"] for r in rows if r["component"] not in sel])


def c_gpu_notes():
    rows = csv_rows(SC)
    sel = [r["name"] for r in rows if "GPU" in r["notable_partitions_or_notes"]]
    return filter_res([(SC, n) for n in sel], sel, [r["name"] for r in rows if r["name"] not in sel])


def c_biggest_class():
    rows = [r for r in map_super() if pf_of_class(r["cells"][3]) is not None]
    return superlative(MAP, rows, lambda r: pf_of_class(r["cells"][3]), lambda r: r["cells"][0])


def c_largest_tier():
    rows = md_table(MAP, "Tier", "GPU hours", "Audience")["rows"]

    def key(r):
        m = re.search(r"([\d,]+)", r["cells"][1])
        n = int(m.group(1).replace(",", "")) if m else 0
        return (n, 1 if r["cells"][1].startswith(">") else 0)
    return superlative(MAP, rows, key, lambda r: r["cells"][0])


def c_it4lia_perf():
    rows = [r for r in csv_rows(IT) if it4lia_perf(r["public_specs_or_notes"]) is not None]
    return superlative(IT, rows, lambda r: it4lia_perf(r["public_specs_or_notes"]), lambda r: r["component"])


def c_most_storage():
    rows = [r for r in csv_rows(IT) if num_unit(r["public_specs_or_notes"], "PB") is not None]
    return superlative(IT, rows, lambda r: num_unit(r["public_specs_or_notes"], "PB"), lambda r: r["component"])


def c_least_storage():
    rows = [r for r in csv_rows(IT) if num_unit(r["public_specs_or_notes"], "PB") is not None]
    return superlative(IT, rows, lambda r: num_unit(r["public_specs_or_notes"], "PB"), lambda r: r["component"],
                       biggest=False)


def c_lumi_vs_leonardo():
    rows = {r["cells"][0]: r for r in map_super()}
    a, b = rows["LUMI"], rows["Leonardo"]
    w, l = compare(MAP, a, b, lambda r: pf_of_class(r["cells"][3]), None)
    return res([(MAP, "LUMI"), (MAP, "Leonardo")], "%s is rated faster (%s)." % (w["cells"][0], w["cells"][3]),
               "%s is rated faster (%s)." % (l["cells"][0], l["cells"][3]))


def c_leonardo_vs_lisa():
    rows = {r["component"]: r for r in csv_rows(IT)}
    leo = num_unit(rows["Leonardo"]["public_specs_or_notes"], "petaflops")
    lisa = float(re.search(r"([\d.]+) PFlops double precision", rows["LISA"]["public_specs_or_notes"]).group(1))
    if leo == lisa:
        raise SystemExit("tie")
    w, l = ("Leonardo", "LISA") if leo > lisa else ("LISA", "Leonardo")
    return res([(IT, "Leonardo"), (IT, "LISA")], "%s's figure is bigger." % w, "%s's figure is bigger." % l)


def c_czai_vs_hammer():
    order = {"low": 0, "medium": 1, "high": 2}
    rows = csv_rows(AF)
    pair = [r for r in rows if r["name"] in ("CZAI", "HammerHAI")]
    a, b = pair
    w, l = compare(AF, a, b, lambda r: order[r["confidence"]], None)
    return res([(AF, a["name"]), (AF, b["name"])], "%s is rated %s." % (w["name"], w["confidence"]),
               "%s is rated %s." % (l["name"], w["confidence"]))


def c_poland_vs_austria():
    rows = csv_rows(AF)
    sel = [r for r in rows if r["country"] in ("Poland", "Austria")]
    npl = sum(1 for r in sel if r["country"] == "Poland")
    nat = sum(1 for r in sel if r["country"] == "Austria")
    if npl == nat:
        raise SystemExit("tie")
    w, l = ("Poland", "Austria") if npl > nat else ("Austria", "Poland")
    return res([(AF, r["name"]) for r in sel], "%s has more." % w, "%s has more." % l)


def pb(rows, name):
    return num_unit([r for r in rows if r["component"] == name][0]["public_specs_or_notes"], "PB")


def c_storage_sum():
    rows = csv_rows(IT)
    n = pb(rows, "GAIA") + pb(rows, "MEGARIDE")
    return res([(IT, "GAIA"), (IT, "MEGARIDE")], "Together they have %s PB." % fmt(n),
               "Together they have %s PB." % fmt(n + 100))


def c_lisa_diff():
    lisa = [r for r in csv_rows(IT) if r["component"] == "LISA"][0]["public_specs_or_notes"]
    dp = float(re.search(r"([\d.]+) PFlops double precision", lisa).group(1))
    mp = float(re.search(r"([\d.]+) PFlops mixed-precision", lisa).group(1))
    return res([(IT, "LISA")], "It is %s PFlops higher." % fmt(mp - dp), "It is %s PFlops higher." % fmt(mp / dp))


def c_storage_diff():
    rows = csv_rows(IT)
    n = pb(rows, "MEGARIDE") - pb(rows, "GAIA")
    return res([(IT, "GAIA"), (IT, "MEGARIDE")], "MEGARIDE has %s PB more." % fmt(n),
               "MEGARIDE has %s PB more." % fmt(n + 20))


def system_for(base, supers):
    return [s for s in supers if re.search(r"\b" + re.escape(s["name"]) + r"\b", base)]


def c_pre_exascale_factories():
    supers = csv_rows(SC)
    fac, sys_used = [], []
    for f in csv_rows(AF):
        for s in system_for(f["base_system_or_infrastructure"], supers):
            if s["system_class"] == "pre-exascale":
                fac.append(f["name"])
                sys_used.append(s["name"])
    sys_used = [s["name"] for s in supers if s["name"] in sys_used]
    rows = [(AF, n) for n in fac] + [(SC, n) for n in sys_used]
    return res(rows, "They are %s." % listing(fac), "They are %s." % listing(fac[:-1]))


def c_laif_class():
    supers = csv_rows(SC)
    f = [r for r in csv_rows(AF) if r["name"] == "L-AIF"][0]
    s = system_for(f["base_system_or_infrastructure"], supers)
    assert len(s) == 1
    s = s[0]
    others = [x["system_class"] for x in supers if x["system_class"] != s["system_class"]]
    other = ([o for o in others if o.startswith("pre-")] or others)[0]
    return res([(AF, "L-AIF"), (SC, s["name"])], "It runs on %s, a %s system." % (s["name"], s["system_class"]),
               "It runs on %s, a %s system." % (s["name"], other))


COMPUTE = {
    "CF15-001": c_sub_node_count, "CF15-002": c_lumic_partitions, "CF15-003": c_expandable,
    "CF15-004": c_rclone, "CF15-005": c_dependency, "CF15-006": c_full_day, "CF15-007": c_lmod,
    "CF15-008": c_under_4h, "CF15-009": c_days_retention, "CF15-010": c_lumic_512,
    "CF15-011": c_200_running, "CF15-012": c_eb_amd, "CF15-013": c_view_commands,
    "CF15-014": c_most_nodes, "CF15-015": c_shortest_wall, "CF15-016": c_most_files,
    "CF15-017": c_lumic_common, "CF15-018": c_fewest_jobs,
    "CF15-019": c_std_vs_stdg, "CF15-020": c_lumid_disk, "CF15-021": c_billing,
    "CF15-022": c_devg_vs_smallg, "CF15-023": c_largemem_vs_lumid,
    "CF15-024": c_lumic_sum, "CF15-025": c_lumid_sum, "CF15-026": c_small_minus_smallg,
    "CF15-027": c_lumif_quota, "CF15-028": c_largemem_memory,
    "CF15-032": c_unknown_lead, "CF15-033": c_petascale, "CF15-034": c_incoming, "CF15-035": c_medium,
    "CF15-036": c_new_additional, "CF15-037": c_bologna,
    "CF15-038": c_pre_exascale, "CF15-039": c_helpdesk_additional, "CF15-040": c_xh2000,
    "CF15-041": c_germany, "CF15-042": c_outside_bologna, "CF15-043": c_gpu_notes,
    "CF15-044": c_biggest_class, "CF15-045": c_largest_tier, "CF15-046": c_it4lia_perf,
    "CF15-047": c_most_storage, "CF15-048": c_least_storage,
    "CF15-049": c_lumi_vs_leonardo, "CF15-050": c_leonardo_vs_lisa, "CF15-051": c_czai_vs_hammer,
    "CF15-052": c_poland_vs_austria, "CF15-053": c_storage_sum, "CF15-054": c_lisa_diff,
    "CF15-055": c_storage_diff, "CF15-056": c_pre_exascale_factories, "CF15-057": c_laif_class,
}


# ---------------------------------------------------------------- checks
def judged(item, text):
    pats = item["answers"]
    hits = [re.search(p, text, re.IGNORECASE) is not None for p in pats]
    return all(hits) if item.get("require_all") else any(hits)


def row_texts(source, cell):
    """Texts of the table rows of `source` whose first cell is `cell` (raw line or CSV cells)."""
    if source.endswith(".csv"):
        with open(path_of(source, "map"), encoding="utf-8", newline="") as f:
            return [r for r in list(csv.reader(f))[1:] if r and r[0] == cell]
    return [[r["raw"]] for t in md_tables(source) for r in t["rows"] if r["cells"][0] == cell]


def main():
    errors = []
    with open(ITEMS, encoding="utf-8") as f:
        items = [json.loads(l) for l in f if l.strip()]
    ids = [it["id"] for it in items]
    if len(ids) != len(set(ids)):
        errors.append("duplicate ids")
    counts = {}
    for it in items:
        counts[it["category"]] = counts.get(it["category"], 0) + 1
    if counts != PLANNED:
        errors.append("category counts %r != planned %r" % (counts, PLANNED))
    if len(items) != sum(PLANNED.values()):
        errors.append("item count %d" % len(items))
    kinds = {}
    for it in items:
        kinds[it["kind"]] = kinds.get(it["kind"], 0) + 1
        iid = it["id"]
        keys = [k for k in it if k != "require_all"]
        if keys != KEYS:
            errors.append("%s: keys %r" % (iid, keys))
        if it["kind"] not in ("map", "lumi", "brief", "unanswerable"):
            errors.append("%s: kind" % iid)
        if it["section"] is not None:
            errors.append("%s: section should be null" % iid)
        for p in it["answers"]:
            re.compile(p)
        if it["category"] == "near_miss":
            if it["kind"] != "unanswerable" or it["answers"] or it["rows"] or it["support"] is not None \
                    or it["source"] is not None:
                errors.append("%s: near_miss fields" % iid)
            if iid in COMPUTE:
                errors.append("%s: near_miss has a computation" % iid)
            continue
        if it["kind"] == "unanswerable" or iid not in COMPUTE:
            errors.append("%s: answerable item without computation" % iid)
            continue
        r = COMPUTE[iid]()
        if not judged(it, r["say"]):
            errors.append("%s: recomputed result %r does not match %r" % (iid, r["say"], it["answers"]))
        if judged(it, r["wrong"]):
            errors.append("%s: wrong result %r matches %r" % (iid, r["wrong"], it["answers"]))
        if r["rows"] != it["rows"]:
            errors.append("%s: rows %r != recomputed %r" % (iid, it["rows"], r["rows"]))
        # support verbatim in its source, 3-12 words, inside a row used from that source
        sup, src = it["support"], it["source"]
        n_words = len(sup.split())
        if not 3 <= n_words <= 12:
            errors.append("%s: support has %d words" % (iid, n_words))
        if "**" in sup or "<br>" in sup or "`" in sup:
            errors.append("%s: support has markup" % iid)
        if sup not in read_text(src, it["kind"]):
            errors.append("%s: support not verbatim in %s" % (iid, src))
        in_row = any(sup in cell for row in it["rows"] if row["source"] == src
                     for cells in row_texts(src, row["cell"]) for cell in cells)
        if not in_row:
            errors.append("%s: support not inside a cell/line of a row used" % iid)
        if it["kind"] == "map" and not src.startswith(MAPDIR):
            errors.append("%s: map item source" % iid)
        for row in it["rows"]:
            if row["cell"] not in first_cells(row["source"]):
                errors.append("%s: %r is not the first cell of a table row of %s" % (iid, row["cell"], row["source"]))
    for iid in COMPUTE:
        if iid not in ids:
            errors.append("%s: computation for a missing item" % iid)
    if errors:
        for e in errors:
            print("FAIL", e)
        print("%d problem(s)" % len(errors))
        return 1
    print("items: %d; categories: %s; kinds: %s" % (len(items), json.dumps(counts), json.dumps(kinds)))
    print("check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
