#!/usr/bin/env python3
"""Standalone checker for evals/heldout-final/computed-fresh8.jsonl (standard library only).

Reads the tables straight from the documents, recomputes every answerable item's
result by code and checks the item against it:
  * the recomputed result, stated as a sentence, matches the answer regexes;
  * a deliberately wrong result does not match;
  * the rows the computation rests on equal the item's rows;
  * every support occurs verbatim in its source (and on one of the rows used);
  * every rows[].cell is the first cell of a table row of its source;
  * ids are unique and category counts are as planned.
Exits 0 and prints "check passed" when all holds.
"""
import collections
import csv
import json
import os
import posixpath
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "corpus")
SHARED = os.environ.get("BRIEFQA_SHARED_DIR") or os.path.join(ROOT, "..", "shared")
GUIDE = os.path.join(SHARED, "extra-corpus", "lumi-userguide")
ITEMS = os.path.join(ROOT, "evals", "heldout-final", "computed-fresh8.jsonl")

PLANNED = {"count": 13, "filter": 12, "superlative": 10, "comparison": 9, "sum": 3,
           "difference": 3, "join": 4, "near_miss": 6}
KEYS = {"id", "question", "kind", "category", "answers", "support", "source", "section", "rows", "computation"}
OPTIONAL_KEYS = {"require_all"}

M = "european-ai-infrastructure-map/"
MAP = M + "MAP.md"
AIF = M + "ai_factories.csv"
SC = M + "eurohpc_supercomputers.csv"
IT = M + "it4lia_infrastructure.csv"
PART = "runjobs/scheduled-jobs/partitions.md"
BATCH = "runjobs/scheduled-jobs/batch-job.md"
LMOD = "runjobs/lumi_env/Lmod_modules.md"
LUMIO = "storage/lumio/index.md"
STOR = "storage/index.md"
EB = "software/installing/easybuild.md"
PRG = "development/compiling/prgenv.md"
SQ = "runjobs/scheduled-jobs/slurm-quickstart.md"
LC = "hardware/lumic.md"
LD = "hardware/lumid.md"
HD = "helpdesk/index.md"


# --------------------------------------------------------------------------- reading
def path_of(source):
    if source.startswith(M) or source == "eu-ai-factories-policy-brief.txt":
        return os.path.join(CORPUS, *source.split("/"))
    return os.path.join(GUIDE, *source.split("/"))


_TEXT = {}


def text(source):
    if source not in _TEXT:
        with open(path_of(source), encoding="utf-8") as f:
            _TEXT[source] = f.read()
    return _TEXT[source]


def clean(cell):
    """Cell text without Markdown markup."""
    s = re.sub(r"<br\s*/?>", " ", cell)
    s = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", s)        # [text][ref]
    s = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", s)         # [text](url)
    s = s.replace("**", "").replace("`", "")
    s = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"\1", s)  # *emphasis*
    return re.sub(r"\s+", " ", s).strip()


def split_row(line):
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return s.split("|")


_TABLES = {}


def tables(source):
    """Markdown tables of a file: list of tables, each a list of data-row dicts."""
    if source in _TABLES:
        return _TABLES[source]
    out, block = [], []
    for line in text(source).split("\n") + [""]:
        if line.strip().startswith("|"):
            block.append(line)
            continue
        if len(block) >= 3:
            hdr = [clean(c) for c in split_row(block[0])]
            rows = []
            for raw in block[2:]:
                cells = split_row(raw)
                rows.append({"raw": raw, "rawcells": cells, "cells": [clean(c) for c in cells],
                             "first": clean(cells[0]), "hdr": hdr, "source": source})
            out.append(rows)
        block = []
    _TABLES[source] = out
    return out


_CSV = {}


def csvrows(source):
    if source not in _CSV:
        with open(path_of(source), encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            first = reader.fieldnames[0]
            rows = []
            for r in reader:
                r = dict(r)
                r["first"] = r[first]
                r["source"] = source
                rows.append(r)
        _CSV[source] = rows
    return _CSV[source]


def first_cells(source):
    if source.endswith(".csv"):
        return {r["first"] for r in csvrows(source)}
    return {r["first"] for t in tables(source) for r in t}


def table(source, idx, expect_first=None):
    t = tables(source)[idx]
    if expect_first is not None:
        assert t[0]["first"] == expect_first, (source, idx, t[0]["first"])
    return t


def link_target(source, rawcell):
    """Resolve a [text][ref] link in a raw cell to the guide-relative path it points to."""
    refs = dict(re.findall(r"^\[([^\]]+)\]:\s*(\S+)", text(source), re.M))
    out = []
    for label, ref in re.findall(r"\[([^\]]+)\]\[([^\]]+)\]", rawcell):
        tgt = refs[ref]
        out.append((label, posixpath.normpath(posixpath.join(posixpath.dirname(source), tgt))))
    return out


# --------------------------------------------------------------------------- parsing helpers
def num(s):
    m = re.search(r"\d[\d,]*(?:\.\d+)?", s)
    return float(m.group(0).replace(",", "")) if m else None


def hours(s):
    m = re.match(r"(\d+)\s*(minute|hour|day)", s)
    n = int(m.group(1))
    return {"minute": n / 60.0, "hour": float(n), "day": 24.0 * n}[m.group(2)]


def gb(s):
    v, unit = re.match(r"\s*([\d.]+)\s*(GB|TB|PB)", s).groups()
    return float(v) * {"GB": 1, "TB": 1000, "PB": 1000000}[unit]


def rate(s):
    m = re.match(r"([\d.]+)x", s)
    return float(m.group(1)) if m else 0.0


def pf(s):
    m = re.search(r"(\d+(?:\.\d+)?)\s*(PF|EF)\b", s)
    if not m:
        return None
    return float(m.group(1)) * (1000 if m.group(2) == "EF" else 1)


def clock(s):
    h, mnt, ap = re.match(r"(\d+):(\d+)\s*(AM|PM)", s).groups()
    h = int(h) % 12 + (12 if ap == "PM" else 0)
    return h + int(mnt) / 60.0


def fmt(x):
    return str(int(x)) if float(x).is_integer() else str(x)


def R(rows):
    return [(r["source"], r["first"]) for r in rows]


def res(result, wrong, rows):
    return {"result": result, "wrong": wrong, "rows": R(rows), "objs": list(rows)}


def count_res(rows):
    return res(str(len(rows)), str(len(rows) + 1), rows)


def list_res(rows, name=lambda r: r["first"]):
    names = [name(r) for r in rows]
    return res(", ".join(names), ", ".join(names[:-1]) or "none", rows)


def best(rows, key, highest=True):
    cand = [r for r in rows if key(r) is not None]
    srt = sorted(cand, key=key, reverse=highest)
    assert key(srt[0]) != key(srt[1]), "tie"
    return srt[0], srt[1]


# --------------------------------------------------------------------------- tables used
def part_node():
    return table(PART, 0, "standard-g")


def part_res():
    return table(PART, 1, "dev-g")


def all_parts():
    return part_node() + part_res()


def quota():
    return table(STOR, 1, "User home")


def paths():
    return table(STOR, 0, "User home")


def objstore():
    return table(STOR, 2, "Object storage")


def mapt(idx, first):
    return table(MAP, idx, first)


def sc_map():
    return mapt(1, "JUPITER")


def firstwave():
    return mapt(2, "LUMI AI Factory")


def additional():
    return mapt(3, "AI2F")


def it4lia_map():
    return mapt(5, "Leonardo")


def maxjobs(r):
    return num(r["cells"][2])


def running(r):
    return int(re.search(r"\((\d+) running\)", r["cells"][2]).group(1))


# --------------------------------------------------------------------------- computations
def c_count_long_shared():
    return count_res([r for r in part_res() if hours(r["cells"][1]) >= 24])


def c_count_unknown_lead():
    return count_res([r for r in csvrows(AIF) if r["lead_or_host"] == "unknown"])


def c_count_lumig():
    return count_res([r for r in all_parts() if "LUMI-G" in r["cells"][4]])


def c_count_petascale():
    return count_res([r for r in csvrows(SC) if r["system_class"] == "petascale"])


def c_count_gpu_mem_opts():
    return count_res(table(BATCH, 3, "--gpus") + table(BATCH, 4, "--mem"))


def c_count_incoming():
    return count_res([r for r in sc_map() if "incoming" in r["cells"][3].lower()])


def c_count_dep_ended():
    return count_res([r for r in table(BATCH, 5, "after:jobid[:jobid...]") if "started" not in r["cells"][1]])


def c_count_multi_country():
    rows = csvrows(AIF)
    c = collections.Counter(r["country"] for r in rows)
    hit = [r for r in rows if c[r["country"]] > 1]
    n = len({r["country"] for r in hit})
    return res(str(n), str(n + 1), hit)


def c_count_lmod_alias():
    return count_res([r for r in table(LMOD, 0, "spider") if "," in r["first"]])


def c_count_new_additional():
    return count_res([r for r in additional() if r["cells"][2] == "New"])


def c_count_rclone_list():
    return count_res([r for r in table(LUMIO, 2, "copy") if r["cells"][1].startswith("List")])


def c_count_dama():
    return count_res([r for r in csvrows(IT) if r["location"].startswith("DAMA Tecnopolo")])


def c_count_s3_bucket():
    return count_res([r for r in table(LUMIO, 3, "mb") if "bucket" in r["cells"][1].lower()])


def c_f_maxjobs200():
    return list_res([r for r in all_parts() if (maxjobs(r) or 0) > 200])


def c_f_high_known():
    return list_res([r for r in csvrows(AIF) if r["confidence"] == "high" and r["lead_or_host"] != "unknown"])


def c_f_4nodes():
    return list_res([r for r in part_res() if r["cells"][3] == "4 nodes"])


def c_f_bullsequana():
    return list_res([r for r in sc_map() if "BullSequana" in r["cells"][4]])


def c_f_amd_toolchains():
    return list_res([r for r in table(EB, 0, "cpeGNU") if "AMD compilers" in r["cells"][1]])


def c_f_france_stacks():
    return list_res([r for r in mapt(8, "GenAI4EU") if r["cells"][1] == "France"])


def c_f_ofast():
    return list_res([r for r in table(PRG, 1, "Cray C/C++") if r["cells"][2] == "-Ofast -funroll-loops"])


def c_f_preexa_csv():
    return list_res([r for r in csvrows(SC) if r["system_class"] == "pre-exascale"])


def c_f_view_cmds():
    return list_res([r for r in table(SQ, 0, "sbatch") if r["cells"][1].startswith("View information")])


def c_f_base_no_lead():
    return list_res([r for r in csvrows(AIF)
                     if r["base_system_or_infrastructure"] != "unknown" and r["lead_or_host"] == "unknown"])


def c_f_lumic_mem():
    return list_res([r for r in table(LC, 0, "1888") if num(r["first"]) > 100], name=lambda r: r["cells"][3])


def c_f_helpdesk_list():
    return list_res([r for r in additional() if "helpdesk topic list" in r["cells"][2]])


def c_s_short_wall():
    rows = part_res()
    b, w = best(rows, lambda r: hours(r["cells"][1]), highest=False)
    return res("%s (%s)" % (b["first"], b["cells"][1]), "%s (%s)" % (w["first"], w["cells"][1]), rows)


def c_s_it4lia_storage():
    def st(r):
        m = re.search(r"(\d+) PB", r["public_specs_or_notes"])
        return int(m.group(1)) if m else None
    rows = [r for r in csvrows(IT) if st(r) is not None]
    b, w = best(rows, st)
    return res("%s (%d PB)" % (b["first"], st(b)), "%s (%d PB)" % (w["first"], st(w)), rows)


def c_s_most_jobs_node():
    rows = part_node()
    b, w = best(rows, maxjobs)
    return res("%s (%s jobs)" % (b["first"], fmt(maxjobs(b))), "%s (%s jobs)" % (w["first"], fmt(maxjobs(w))), rows)


def c_s_most_base_parts():
    rows = [r for r in csvrows(AIF) if r["base_system_or_infrastructure"] != "unknown"]
    k = lambda r: len(r["base_system_or_infrastructure"].split(","))
    b, w = best(rows, k)
    return res("%s (%d systems)" % (b["first"], k(b)), "%s (%d systems)" % (w["first"], k(w)), rows)


def c_s_biggest_quota():
    rows = quota()
    b, w = best(rows, lambda r: gb(r["cells"][1]))
    return res("%s (%s)" % (b["first"], b["cells"][1]), "%s (%s)" % (w["first"], w["cells"][1]), rows)


def c_s_it4lia_perf():
    rows = [r for r in it4lia_map() if pf(r["cells"][1]) is not None]
    b, w = best(rows, lambda r: pf(r["cells"][1]))
    fig = lambda r: re.search(r"\d+(?:\.\d+)?\s*(?:PF|EF)\b", r["cells"][1]).group(0)
    return res("%s (%s)" % (b["first"], fig(b)), "%s (%s)" % (w["first"], fig(w)), rows)


def c_s_billing():
    rows = quota() + objstore()
    b, w = best(rows, lambda r: rate(r["cells"][-1]))
    return res("%s (%s)" % (b["first"], b["cells"][-1]), "%s (%s)" % (w["first"], w["cells"][-1]), rows)


def c_s_tier_hours():
    rows = mapt(4, "Playground")

    def gh(r):
        c = r["cells"][1]
        n = num(c)
        if n is None:
            return 0.0
        return n + (0.5 if c.startswith(">") else 0.0)
    b, w = best(rows, gh)
    return res("%s (%s)" % (b["first"], b["cells"][1]), "%s (%s)" % (w["first"], w["cells"][1]), rows)


def c_s_lumic_mem():
    rows = table(LC, 0, "1888")
    b, w = best(rows, lambda r: num(r["cells"][3]))
    return res("%s on %s nodes" % (b["cells"][3], b["first"]), "%s on %s nodes" % (w["cells"][3], w["first"]), rows)


def c_s_slowest():
    rows = [r for r in sc_map() if pf(r["cells"][3]) is not None]
    b, w = best(rows, lambda r: pf(r["cells"][3]), highest=False)
    return res("%s (%s PF)" % (b["first"], fmt(pf(b["cells"][3]))), "%s (%s PF)" % (w["first"], fmt(pf(w["cells"][3]))), rows)


def pick(rows, *names):
    d = {r["first"]: r for r in rows}
    return [d[n] for n in names]


def c_cmp_devg_smallg():
    rows = pick(part_res(), "dev-g", "small-g")
    b, w = best(rows, lambda r: num(r["cells"][3]))
    return res("%s (%s)" % (b["first"], b["cells"][3]), "%s (%s)" % (w["first"], w["cells"][3]), rows)


def c_cmp_lisa_leo():
    rows = pick(csvrows(IT), "Leonardo", "LISA")
    vals = {"Leonardo": int(re.search(r"(\d+) petaflops", rows[0]["public_specs_or_notes"]).group(1)),
            "LISA": int(re.search(r"(\d+) PFlops double precision", rows[1]["public_specs_or_notes"]).group(1))}
    b, w = sorted(vals, key=vals.get, reverse=True)
    return res("%s (%d)" % (b, vals[b]), "%s (%d)" % (w, vals[w]), rows)


def c_cmp_lumid_disk():
    rows = table(LD, 0, "8")
    label = lambda r: "the nodes without GPUs" if r["cells"][4] == "none" else "the GPU nodes"
    b, w = best(rows, lambda r: num(r["cells"][5]))
    return res("%s (%s)" % (label(b), b["cells"][5]), "%s (%s)" % (label(w), w["cells"][5]), rows)


def c_cmp_gaia_megaride():
    rows = pick(csvrows(IT), "GAIA", "MEGARIDE")
    st = lambda r: int(re.search(r"(\d+) PB", r["public_specs_or_notes"]).group(1))
    b, w = best(rows, st)
    return res("%s (%d PB)" % (b["first"], st(b)), "%s (%d PB)" % (w["first"], st(w)), rows)


def c_cmp_scratch_flash_files():
    rows = pick(quota(), "Project scratch", "Project fast")
    b, w = best(rows, lambda r: num(r["cells"][2]))
    return res("%s (%s files)" % (b["first"], b["cells"][2]), "%s (%s files)" % (w["first"], w["cells"][2]), rows)


def c_cmp_confidence():
    rows = pick(csvrows(AIF), "CZAI", "HammerHAI")
    rank = {"low": 0, "medium": 1, "high": 2}
    b, w = best(rows, lambda r: rank[r["confidence"]])
    return res("%s (%s)" % (b["first"], b["confidence"]), "%s (%s)" % (w["first"], w["confidence"]), rows)


def c_cmp_running():
    rows = pick(part_node(), "standard-g", "standard")
    b, w = best(rows, running)
    return res("%s (%d running)" % (b["first"], running(b)), "%s (%d running)" % (w["first"], running(w)), rows)


def c_cmp_wave_sizes():
    fw, ad = firstwave(), additional()
    groups = {"the first-wave factories": len(fw), "the 2025 additional factories": len(ad)}
    b, w = sorted(groups, key=groups.get, reverse=True)
    assert groups[b] != groups[w]
    return res("%s, with %d" % (b, groups[b]), "%s, with %d" % (w, groups[w]), fw + ad)


def c_cmp_class():
    rows = pick(csvrows(SC), "Karolina", "MareNostrum 5")
    rank = {"petascale": 0, "pre-exascale": 1, "exascale": 2}
    b, w = best(rows, lambda r: rank[r["system_class"]])
    return res("%s (%s)" % (b["first"], b["system_class"]), "%s (%s)" % (w["first"], w["system_class"]), rows)


def c_sum_lumic():
    rows = table(LC, 0, "1888")
    s = sum(int(r["first"]) for r in rows)
    return res(str(s), str(s + 1), rows)


def c_sum_lumi_leo():
    rows = pick(sc_map(), "LUMI", "Leonardo")
    s = sum(pf(r["cells"][3]) for r in rows)
    return res("about %s PF" % fmt(s), "about %s PF" % fmt(s + 1), rows)


def c_sum_small_jobs():
    rows = pick(part_res(), "small-g", "small")
    s = sum(maxjobs(r) for r in rows)
    return res("%s jobs" % fmt(s), "%s jobs" % fmt(s + 1), rows)


def c_d_helpdesk():
    rows = table(HD, 0, "Start")
    d = {r["first"]: clock(r["cells"][1]) for r in rows}
    h = d["End"] - d["Start"]
    return res("%s hours" % fmt(h), "%s hours" % fmt(h - 1), rows)


def c_d_lisa_leo():
    rows = pick(it4lia_map(), "Leonardo", "LISA")
    d = pf(rows[1]["cells"][1]) - pf(rows[0]["cells"][1])
    return res("%s PF" % fmt(d), "%s PF" % fmt(d + 1), rows)


def c_d_two_leonardo():
    a = pick(it4lia_map(), "Leonardo")[0]
    b = pick(sc_map(), "Leonardo")[0]
    d = abs(pf(a["cells"][1]) - pf(b["cells"][3]))
    return res("%s PF" % fmt(d), "%s PF" % fmt(d + 1), [a, b])


def c_j_home_path():
    q = [r for r in quota() if r["cells"][3] == "No"]
    assert len(q) == 1
    p = [r for r in paths() if r["first"] == q[0]["first"]]
    other = [r for r in paths() if r["first"] != q[0]["first"]][0]
    return res(p[0]["cells"][1], other["cells"][1], q + p)


def c_j_preexa_factories():
    sc = {r["name"]: r for r in csvrows(SC)}
    fac, used = [], []
    for r in csvrows(AIF):
        for name, s in sc.items():
            if re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", r["base_system_or_infrastructure"]):
                if s["system_class"] == "pre-exascale":
                    fac.append(r)
                    used.append(s)
    names = [r["first"] for r in fac]
    return res(", ".join(names), ", ".join(names[:-1]), fac + used)


def c_j_debug_cpu():
    deb = pick(part_res(), "debug")[0]
    targets = [t for _, t in link_target(PART, deb["rawcells"][4])]
    assert len(targets) == 1
    hw = tables(targets[0])[0]
    cpus = {re.search(r"AMD EPYC \d+", r["cells"][1]).group(0) for r in hw}
    assert len(cpus) == 1
    other = re.search(r"AMD EPYC \d+", tables(LD)[0][0]["cells"][1]).group(0)
    return res(cpus.pop(), other, [deb] + hw)


def c_j_incoming_factories():
    inc = [r for r in sc_map() if "incoming" in r["cells"][3].lower()]
    fac, used = [], []
    for f in firstwave():
        for s in inc:
            if re.search(r"(?<!\w)" + re.escape(s["first"]) + r"(?!\w)", f["cells"][3], re.I):
                fac.append(f)
                used.append(s)
    names = [r["first"] for r in fac]
    return res(", ".join(names), ", ".join(names[:-1]), fac + used)


COMPUTE = {
    "CF8-001": c_count_long_shared, "CF8-002": c_count_unknown_lead, "CF8-003": c_count_lumig,
    "CF8-004": c_count_petascale, "CF8-005": c_count_gpu_mem_opts, "CF8-006": c_count_incoming,
    "CF8-007": c_count_dep_ended, "CF8-008": c_count_multi_country, "CF8-009": c_count_lmod_alias,
    "CF8-010": c_count_new_additional, "CF8-011": c_count_rclone_list, "CF8-012": c_count_dama,
    "CF8-013": c_count_s3_bucket,
    "CF8-014": c_f_maxjobs200, "CF8-015": c_f_high_known, "CF8-016": c_f_4nodes, "CF8-017": c_f_bullsequana,
    "CF8-018": c_f_amd_toolchains, "CF8-019": c_f_france_stacks, "CF8-020": c_f_ofast,
    "CF8-021": c_f_preexa_csv, "CF8-022": c_f_view_cmds, "CF8-023": c_f_base_no_lead,
    "CF8-024": c_f_lumic_mem, "CF8-025": c_f_helpdesk_list,
    "CF8-026": c_s_short_wall, "CF8-027": c_s_it4lia_storage, "CF8-028": c_s_most_jobs_node,
    "CF8-029": c_s_most_base_parts, "CF8-030": c_s_biggest_quota, "CF8-031": c_s_it4lia_perf,
    "CF8-032": c_s_billing, "CF8-033": c_s_tier_hours, "CF8-034": c_s_lumic_mem, "CF8-035": c_s_slowest,
    "CF8-036": c_cmp_devg_smallg, "CF8-037": c_cmp_lisa_leo, "CF8-038": c_cmp_lumid_disk,
    "CF8-039": c_cmp_gaia_megaride, "CF8-040": c_cmp_scratch_flash_files, "CF8-041": c_cmp_confidence,
    "CF8-042": c_cmp_running, "CF8-043": c_cmp_wave_sizes, "CF8-044": c_cmp_class,
    "CF8-045": c_sum_lumic, "CF8-046": c_sum_lumi_leo, "CF8-047": c_sum_small_jobs,
    "CF8-048": c_d_helpdesk, "CF8-049": c_d_lisa_leo, "CF8-050": c_d_two_leonardo,
    "CF8-051": c_j_home_path, "CF8-052": c_j_preexa_factories, "CF8-053": c_j_debug_cpu,
    "CF8-054": c_j_incoming_factories,
}


# --------------------------------------------------------------------------- checking
def matches(item, sentence):
    pats = item["answers"]
    hits = [re.search(p, sentence, re.IGNORECASE) is not None for p in pats]
    return all(hits) if item.get("require_all") else any(hits)


def support_on_rows(item, objs):
    """The support sits in one cell (CSV) or on one source line (Markdown) of a row the result rests on."""
    sup, src = item["support"], item["source"]
    for r in objs:
        if r["source"] != src:
            continue
        if src.endswith(".csv"):
            if any(sup in v for k, v in r.items() if k not in ("first", "source") and v):
                return True
        elif sup in r["raw"]:
            return True
    return False


def main():
    errors = []
    with open(ITEMS, encoding="utf-8") as f:
        items = [json.loads(line) for line in f if line.strip()]

    ids = [it.get("id") for it in items]
    if len(ids) != len(set(ids)):
        errors.append("duplicate ids")
    cats = collections.Counter(it.get("category") for it in items)
    if dict(cats) != PLANNED:
        errors.append("category counts %s != planned %s" % (dict(cats), PLANNED))
    if len(items) != sum(PLANNED.values()):
        errors.append("expected %d items, found %d" % (sum(PLANNED.values()), len(items)))

    for it in items:
        iid = it.get("id")
        keys = set(it)
        if not KEYS <= keys or keys - KEYS - OPTIONAL_KEYS:
            errors.append("%s: bad keys %s" % (iid, sorted(keys)))
            continue
        if not re.fullmatch(r"CF8-\d{3}", iid):
            errors.append("%s: bad id" % iid)
        if it["section"] is not None:
            errors.append("%s: section must be null" % iid)
        if not it["computation"] or not isinstance(it["computation"], str):
            errors.append("%s: missing computation" % iid)
        if it["category"] == "near_miss":
            if it["kind"] != "unanswerable" or it["answers"] or it["rows"] or it["support"] is not None \
                    or it["source"] is not None:
                errors.append("%s: near_miss must be unanswerable with empty answers/rows and null support/source" % iid)
            if iid in COMPUTE:
                errors.append("%s: near_miss has a computation" % iid)
            continue

        # kind / source consistency
        src = it["source"]
        if not isinstance(src, str) or not isinstance(it["support"], str) or not isinstance(it["rows"], list) \
                or not isinstance(it["answers"], list):
            errors.append("%s: answerable item needs source, support, rows and answers" % iid)
            continue
        want_kind = "map" if src.startswith(M) else ("brief" if src.endswith(".txt") else "lumi")
        if it["kind"] != want_kind:
            errors.append("%s: kind %s but source %s" % (iid, it["kind"], src))
        if not os.path.isfile(path_of(src)):
            errors.append("%s: source missing %s" % (iid, src))
            continue

        # support
        sup = it["support"]
        nwords = len(sup.split())
        if not 3 <= nwords <= 12:
            errors.append("%s: support has %d words" % (iid, nwords))
        if sup not in text(src):
            errors.append("%s: support not verbatim in %s" % (iid, src))
        if want_kind == "map" and "**" in sup:
            errors.append("%s: map support contains **" % iid)
        if want_kind == "lumi" and re.search(r"\*\*|`|<br|\||\[|\]", sup):
            errors.append("%s: lumi support contains markup" % iid)

        # rows are first cells of table rows
        for r in it["rows"]:
            if set(r) != {"source", "cell"}:
                errors.append("%s: bad row keys %s" % (iid, r))
                continue
            if not os.path.isfile(path_of(r["source"])):
                errors.append("%s: row source missing %s" % (iid, r["source"]))
            elif r["cell"] not in first_cells(r["source"]):
                errors.append("%s: %r is not a first cell in %s" % (iid, r["cell"], r["source"]))

        # answers are valid regexes
        try:
            for p in it["answers"]:
                re.compile(p)
        except re.error as e:
            errors.append("%s: bad regex %s" % (iid, e))
            continue
        if not it["answers"]:
            errors.append("%s: no answers" % iid)
            continue

        # recompute
        fn = COMPUTE.get(iid)
        if fn is None:
            errors.append("%s: no computation defined in checker" % iid)
            continue
        try:
            got = fn()
        except Exception as e:  # noqa: BLE001
            errors.append("%s: computation failed: %r" % (iid, e))
            continue
        good = "Based on the tables, the answer is %s." % got["result"]
        bad = "Based on the tables, the answer is %s." % got["wrong"]
        if not matches(it, good):
            errors.append("%s: answers do not match recomputed result: %s" % (iid, good))
        if matches(it, bad):
            errors.append("%s: answers also match a wrong result: %s" % (iid, bad))
        if not support_on_rows(it, got["objs"]):
            errors.append("%s: support is not in a cell/line of one of the rows used" % iid)
        if sorted(got["rows"]) != sorted((r["source"], r["cell"]) for r in it["rows"]):
            errors.append("%s: rows differ: computed %s, item %s"
                          % (iid, sorted(got["rows"]), sorted((r["source"], r["cell"]) for r in it["rows"])))

    extra = set(COMPUTE) - {it.get("id") for it in items if it.get("category") != "near_miss"}
    if extra:
        errors.append("checker computations without answerable items: %s" % sorted(extra))

    if errors:
        for e in errors:
            print("FAIL", e)
        print("%d problem(s)" % len(errors))
        return 1
    print("check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
