#!/usr/bin/env python3
"""Standalone checker for evals/heldout-final/computed-fresh6.jsonl.

Reads the tables straight from the documents (CSV files with the csv module,
Markdown tables by splitting '|' lines), recomputes every answerable item's
result, and checks that
  * the recomputed result, stated as a sentence, matches every answer regex,
  * a deliberately wrong result does not match,
  * the rows the computation rests on equal the item's rows,
  * every support phrase occurs verbatim in its source file,
  * every rows[].cell is the first cell of a table row of its source,
  * ids are unique and the category counts are as planned.
Standard library only.  Exit 0 and print "check passed" when all holds.
"""
import csv
import json
import os
import re
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "corpus")
SHARED = os.environ.get("BRIEFQA_SHARED_DIR") or os.path.join(ROOT, "..", "shared")
GUIDE = os.path.join(SHARED, "extra-corpus", "lumi-userguide")
ITEMS = os.path.join(ROOT, "evals", "heldout-final", "computed-fresh6.jsonl")

EXPECTED_CATEGORIES = {
    "count": 13, "filter": 12, "superlative": 10, "comparison": 9,
    "sum": 3, "difference": 3, "join": 4, "near_miss": 6,
}
KEYS = {"id", "question", "kind", "category", "answers", "support", "source",
        "section", "rows", "computation"}

# source paths
MAPDIR = "european-ai-infrastructure-map/"
AF = MAPDIR + "ai_factories.csv"
EH = MAPDIR + "eurohpc_supercomputers.csv"
IT = MAPDIR + "it4lia_infrastructure.csv"
MD = MAPDIR + "MAP.md"
P = "runjobs/scheduled-jobs/partitions.md"
S = "storage/index.md"
LC = "hardware/lumic.md"
LD = "hardware/lumid.md"
NW = "hardware/network.md"
CCE = "development/compiling/cce.md"
PE = "development/compiling/prgenv.md"
LM = "runjobs/lumi_env/Lmod_modules.md"
LO = "storage/lumio/index.md"
LI = "firststeps/loggingin.md"
BJ = "runjobs/scheduled-jobs/batch-job.md"
EB = "software/installing/easybuild.md"

FAILURES = []


def fail(msg):
    FAILURES.append(msg)


# ---------------------------------------------------------------- file access
def resolve(src):
    if src.startswith(MAPDIR) or src.endswith("policy-brief.txt"):
        return os.path.join(CORPUS, src)
    return os.path.join(GUIDE, src)


_TEXT = {}


def text(src):
    if src not in _TEXT:
        with open(resolve(src), encoding="utf-8") as fh:
            _TEXT[src] = fh.read()
    return _TEXT[src]


# ---------------------------------------------------------------- Markdown tables
def split_row(line):
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in s.split("|")]


def is_sep(cells):
    return all(re.fullmatch(r"[\s:\-]*", c) for c in cells) and any("-" in c for c in cells)


def first_cell(cells):
    """First cell as the items write it: ** removed, backticks and <br> kept."""
    return cells[0].replace("**", "").strip()


def val(cell):
    """Plain value of a cell: no bold, no backticks, <br> as a space."""
    c = cell.replace("**", "").replace("`", "")
    c = re.sub(r"<br\s*/?>", " ", c)
    return re.sub(r"\s+", " ", c).strip()


_MDT = {}


def md_tables(src):
    """All '|' tables of a Markdown file: list of {'header': [...], 'rows': [[...]]}."""
    if src in _MDT:
        return _MDT[src]
    tables, cur, in_code = [], None, False
    for line in text(src).splitlines():
        st = line.strip()
        if st.startswith("```"):
            in_code = not in_code
            cur = None
            continue
        if not in_code and st.startswith("|"):
            cells = split_row(st)
            if cur is None:
                cur = {"header": [val(h) for h in cells], "rows": []}
                tables.append(cur)
            elif is_sep(cells):
                continue
            else:
                cur["rows"].append(cells)
        else:
            cur = None
    _MDT[src] = tables
    return tables


def records(table):
    """Rows of a table as dicts keyed by cleaned header; '_first' is the raw first cell."""
    out = []
    hdr = table["header"]
    for cells in table["rows"]:
        d = {"_first": first_cell(cells), "_name": val(cells[0])}
        for i, h in enumerate(hdr):
            d[h] = val(cells[i]) if i < len(cells) else ""
        out.append(d)
    return out


def md_table(src, pred):
    found = [t for t in md_tables(src) if pred(t["header"])]
    if len(found) != 1:
        raise RuntimeError("%s: expected one table, found %d" % (src, len(found)))
    return records(found[0])


def first_cells(src):
    if src.endswith(".csv"):
        with open(resolve(src), newline="", encoding="utf-8") as fh:
            return {row[0] for row in list(csv.reader(fh))[1:] if row}
    return {first_cell(r) for t in md_tables(src) for r in t["rows"]}


# ---------------------------------------------------------------- CSV
_CSV = {}


def csv_rows(src):
    if src not in _CSV:
        with open(resolve(src), newline="", encoding="utf-8") as fh:
            rd = csv.DictReader(fh)
            key = rd.fieldnames[0]
            rows = []
            for r in rd:
                r = dict(r)
                r["_first"] = r[key]
                rows.append(r)
        _CSV[src] = rows
    return _CSV[src]


# ---------------------------------------------------------------- parsers
def hours(s):
    m = re.match(r"([\d.]+)\s*(minute|hour|day)", s)
    n, u = float(m.group(1)), m.group(2)
    return n / 60 if u == "minute" else n * 24 if u == "day" else n


def lead_int(s):
    return int(re.match(r"\s*(\d+)", s).group(1))


def gib(s):
    m = re.search(r"([\d.]+)\s*(GiB|TiB)", s)
    return float(m.group(1)) * (1024 if m.group(2) == "TiB" else 1)


def gb(s):
    m = re.search(r"([\d.]+)\s*(GB|TB)", s)
    return float(m.group(1)) * (1000 if m.group(2) == "TB" else 1)


def pf(s):
    m = re.search(r"([\d.]+)\s*(PF|EF)\b", s)
    if not m:
        return None
    return float(m.group(1)) * (1000 if m.group(2) == "EF" else 1)


def fmt(x):
    return ("%g" % round(x, 3))


def norm_area(name):
    return re.sub(r"\s+", " ", name.lower()).strip()


def listing(names):
    return "They are: " + "; ".join(names) + "."


def count_sentence(n):
    return "There are %d of them." % n


CLASS_RANK = {"petascale": 1, "pre-exascale": 2, "exascale": 3}
CONF_RANK = {"low": 1, "medium": 2, "high": 3}


def rows_of(src, recs):
    return [(src, r["_first"]) for r in recs]


# ---------------------------------------------------------------- table accessors
def part_node():
    return md_table(P, lambda h: h[0] == "Name" and "Purpose" not in h)


def part_res():
    return md_table(P, lambda h: h[0] == "Name" and "Purpose" in h)


def storage_paths():
    return md_table(S, lambda h: "Path" in h)


def storage_quota():
    return md_table(S, lambda h: "Max files" in h)


def storage_object():
    return md_table(S, lambda h: "Max buckets" in h)


def node_table(src):
    return md_table(src, lambda h: "Memory" in h and h[0] == "Nodes")


def bandwidth():
    recs = md_table(NW, lambda h: "LUMI-G" in h and h[0] == "")
    cols = [h for h in md_tables(NW)[0]["header"] if h]
    bw = {}
    for r in recs:
        for c in cols:
            if r.get(c):
                bw[(r["_name"], c)] = float(re.match(r"([\d.]+)", r[c]).group(1))
    return recs, bw


def map_super():
    return md_table(MD, lambda h: h[:4] == ["System", "Country", "Host", "Class"])


def csv_by(src, name):
    return [r for r in csv_rows(src) if r["_first"] == name][0]


# ---------------------------------------------------------------- computations
# each returns (sentence, wrong_sentence, rows)
def c_subnode_count():
    recs = part_res()
    return count_sentence(len(recs)), count_sentence(len(recs) + 1), rows_of(P, recs)


def c_unknown_lead():
    recs = [r for r in csv_rows(AF) if r["lead_or_host"] == "unknown"]
    return count_sentence(len(recs)), count_sentence(len(recs) + 1), rows_of(AF, recs)


def c_two_day_parts():
    recs = [r for r in part_node() + part_res() if hours(r["Max walltime"]) == 48]
    names = [r["_name"] for r in recs]
    return listing(names), listing(names[:-1]), rows_of(P, recs)


def c_preexa_csv():
    recs = [r for r in csv_rows(EH) if r["system_class"] == "pre-exascale"]
    names = [r["name"] for r in recs]
    return listing(names), listing(names[:-1]), rows_of(EH, recs)


def c_shortest_wall():
    recs = sorted(part_node() + part_res(), key=lambda r: hours(r["Max walltime"]))
    w, second = recs[0], recs[1]
    return ("%s (%s)." % (w["_name"], w["Max walltime"]),
            "%s (%s)." % (second["_name"], second["Max walltime"]), rows_of(P, [w]))


def c_map_preexa_top():
    recs = [r for r in map_super() if r["Class"].startswith("Pre-exascale") and pf(r["Class"])]
    recs.sort(key=lambda r: -pf(r["Class"]))
    w, second = recs[0], recs[1]
    return ("%s (%s)." % (w["_name"], w["Class"]), "%s (%s)." % (second["_name"], second["Class"]),
            rows_of(MD, [w]))


def c_smallg_vs_standardg():
    recs = {r["_name"]: r for r in part_node() + part_res()}
    a, b = recs["small-g"], recs["standard-g"]
    w, l = (a, b) if hours(a["Max walltime"]) > hours(b["Max walltime"]) else (b, a)
    return ("%s allows the longer walltime (%s)." % (w["_name"], w["Max walltime"]),
            "%s allows the longer walltime (%s)." % (l["_name"], l["Max walltime"]),
            rows_of(P, [a, b]))


def c_jupiter_vs_lumi():
    recs = {r["_name"]: r for r in map_super()}
    a, b = recs["JUPITER"], recs["LUMI"]
    w, l = (a, b) if pf(a["Class"]) > pf(b["Class"]) else (b, a)
    return ("%s (%s)." % (w["_name"], w["Class"]), "%s (%s)." % (l["_name"], l["Class"]),
            rows_of(MD, [a, b]))


def c_rclone_count():
    recs = md_table(LO, lambda h: h[0] == "rclone subcommand")
    return count_sentence(len(recs)), count_sentence(len(recs) + 1), rows_of(LO, recs)


def c_petascale_count():
    recs = [r for r in csv_rows(EH) if r["system_class"] == "petascale"]
    return count_sentence(len(recs)), count_sentence(len(recs) + 1), rows_of(EH, recs)


def _lumic_phrase(recs):
    return " and ".join("%s nodes with %s" % (r["Nodes"], r["Memory"]) for r in recs) + "."


def c_lumic_big_mem():
    recs = [r for r in node_table(LC) if gib(r["Memory"]) > 256]
    return _lumic_phrase(recs), _lumic_phrase(recs[:-1]), rows_of(LC, recs)


def c_it4lia_ai_opt():
    recs = [r for r in csv_rows(IT) if "AI-optimized" in r["role"]]
    names = [r["component"] for r in recs]
    return listing(names), listing(names[:-1]), rows_of(IT, recs)


def c_subnode_most_nodes():
    recs = [r for r in part_res() if re.search(r"(\d+)\s*nodes?", r["Max resources/job"])]
    recs.sort(key=lambda r: -int(re.search(r"(\d+)", r["Max resources/job"]).group(1)))
    w, second = recs[0], recs[1]
    return ("%s, up to %s." % (w["_name"], w["Max resources/job"]),
            "%s, up to %s." % (second["_name"], second["Max resources/job"]), rows_of(P, [w]))


def _pb(r):
    m = re.search(r"(\d+)\s*PB", r["public_specs_or_notes"])
    return int(m.group(1)) if m else None


def c_it4lia_most_storage():
    recs = sorted([r for r in csv_rows(IT) if _pb(r) is not None], key=lambda r: -_pb(r))
    w, second = recs[0], recs[1]
    return ("%s (%d PB)." % (w["component"], _pb(w)), "%s (%d PB)." % (second["component"], _pb(second)),
            rows_of(IT, [w]))


def c_lumid_gpu_vs_nogpu():
    recs = node_table(LD)
    nogpu = [r for r in recs if r["GPUs"].lower() == "none"][0]
    gpu = [r for r in recs if r["GPUs"].lower() != "none"][0]
    if gib(nogpu["Memory"]) > gib(gpu["Memory"]):
        right = "The nodes without GPUs have more memory: %s versus %s." % (nogpu["Memory"], gpu["Memory"])
        wrong = "The nodes with %s have more memory: %s." % (gpu["GPUs"], gpu["Memory"])
    else:
        right = "The nodes with %s have more memory: %s versus %s." % (gpu["GPUs"], gpu["Memory"], nogpu["Memory"])
        wrong = "The nodes without GPUs have more memory: %s." % nogpu["Memory"]
    return right, wrong, rows_of(LD, recs)


def _lisa_mixed(r):
    return int(re.search(r"(\d+)\s*PFlops mixed-precision", r["public_specs_or_notes"]).group(1))


def _lisa_dp(r):
    return int(re.search(r"(\d+)\s*PFlops double precision", r["public_specs_or_notes"]).group(1))


def _leo_pf(r):
    return int(re.search(r"(\d+)\s*petaflops", r["public_specs_or_notes"]).group(1))


def c_lisa_mixed_vs_leonardo():
    lisa, leo = csv_by(IT, "LISA"), csv_by(IT, "Leonardo")
    a, b = ("LISA", _lisa_mixed(lisa)), ("Leonardo", _leo_pf(leo))
    w, l = (a, b) if a[1] > b[1] else (b, a)
    return ("%s, with %d PF." % w, "%s, with %d PF." % l, rows_of(IT, [lisa, leo]))


def c_lmod_count():
    recs = md_table(LM, lambda h: h[0] == "Sub-command")
    return count_sentence(len(recs)), count_sentence(len(recs) + 1), rows_of(LM, recs)


def c_high_conf_count():
    recs = [r for r in csv_rows(AF) if r["confidence"] == "high"]
    return count_sentence(len(recs)), count_sentence(len(recs) + 1), rows_of(AF, recs)


def c_g_to_storage_sum():
    recs, bw = bandwidth()
    total = bw[("LUMI-G", "LUMI-F")] + bw[("LUMI-G", "LUMI-P")]
    wrong = bw[("LUMI-C", "LUMI-F")] + bw[("LUMI-C", "LUMI-P")]
    g = [r for r in recs if r["_name"] == "LUMI-G"]
    return ("%s TB/s in total." % fmt(total), "%s TB/s in total." % fmt(wrong), rows_of(NW, g))


def c_medium_known_host():
    recs = [r for r in csv_rows(AF) if r["lead_or_host"] != "unknown" and r["confidence"] == "medium"]
    names = [r["name"] for r in recs]
    return listing(names), listing(names[:-1]), rows_of(AF, recs)


def c_cce_no_c():
    recs = [r for r in md_table(CCE, lambda h: h[0] == "Feature")
            if r["C/C++"] in ("N/A", "Not available")]
    return count_sentence(len(recs)), count_sentence(len(recs) + 1), rows_of(CCE, recs)


def c_dama_count():
    recs = [r for r in csv_rows(IT) if r["location"] == "DAMA Tecnopolo, Bologna"]
    return count_sentence(len(recs)), count_sentence(len(recs) + 1), rows_of(IT, recs)


def _rate(s):
    m = re.match(r"([\d.]+)x", s)
    return float(m.group(1)) if m else None


def c_top_billing():
    recs = [r for r in storage_quota() + storage_object() if _rate(r["Billing rate"]) is not None]
    recs.sort(key=lambda r: -_rate(r["Billing rate"]))
    w, second = recs[0], recs[1]
    return ("%s (%s)." % (w["_name"], w["Billing rate"]),
            "%s (%s)." % (second["_name"], second["Billing rate"]), rows_of(S, [w]))


def _gpu_hours(s):
    m = re.search(r"([\d,]+)", s)
    if not m:
        return None
    return (int(m.group(1).replace(",", "")), 1 if s.strip().startswith(">") else 0)


def c_top_tier():
    recs = [r for r in md_table(MD, lambda h: h[0] == "Tier") if _gpu_hours(r["GPU hours"])]
    recs.sort(key=lambda r: _gpu_hours(r["GPU hours"]), reverse=True)
    w, second = recs[0], recs[1]
    return ("%s (%s)." % (w["_name"], w["GPU hours"]),
            "%s (%s)." % (second["_name"], second["GPU hours"]), rows_of(MD, [w]))


def c_lowest_bw():
    recs, bw = bandwidth()
    pairs = sorted([(v, r, c) for (r, c), v in bw.items() if r != c], key=lambda x: x[0])
    v, r, c = pairs[0]
    v2, r2, c2 = pairs[1]
    row = [x for x in recs if x["_name"] == r]
    return ("Between %s and %s: %s TB/s." % (r, c, fmt(v)),
            "Between %s and %s: %s TB/s." % (r2, c2, fmt(v2)), rows_of(NW, row))


def c_incoming():
    recs = [r for r in map_super() if "incoming" in r["Class"].lower()]
    names = [r["_name"] for r in recs]
    return listing(names), listing(names[:-1]), rows_of(MD, recs)


def c_lmod_search():
    recs = [r for r in md_table(LM, lambda h: h[0] == "Sub-command") if r["Description"].startswith("Search")]
    names = [r["_name"] for r in recs]
    return listing(names), listing(names[:-1]), rows_of(LM, recs)


def c_karolina_vs_mn5():
    a, b = csv_by(EH, "Karolina"), csv_by(EH, "MareNostrum 5")
    w, l = (a, b) if CLASS_RANK[a["system_class"]] > CLASS_RANK[b["system_class"]] else (b, a)
    return ("%s (%s)." % (w["name"], w["system_class"]), "%s (%s)." % (l["name"], l["system_class"]),
            rows_of(EH, [a, b]))


def c_gaia_megaride_sum():
    a, b = csv_by(IT, "GAIA"), csv_by(IT, "MEGARIDE")
    total = _pb(a) + _pb(b)
    wrong = total + _pb(csv_by(IT, "Leonardo"))
    return ("%d PB together." % total, "%d PB together." % wrong, rows_of(IT, [a, b]))


def c_sbatch_options():
    recs = []
    seen = set()
    for t in md_tables(BJ):
        if t["header"][0] == "Option":
            for r in records(t):
                if r["_name"] not in seen:
                    seen.add(r["_name"])
                    recs.append(r)
    return count_sentence(len(recs)), count_sentence(len(recs) + 1), rows_of(BJ, recs)


def c_exascale_count():
    recs = [r for r in map_super() if r["Class"].lower().startswith("exascale")]
    return count_sentence(len(recs)), count_sentence(len(recs) + 1), rows_of(MD, recs)


def c_amd_toolchains():
    recs = [r for r in md_table(EB, lambda h: h[0] == "EasyBuild toolchain") if "AMD compilers" in r["HPE Cray PE"]]
    names = [r["_name"] for r in recs]
    return listing(names), listing(names[:-1]), rows_of(EB, recs)


def c_known_base():
    recs = [r for r in csv_rows(AF) if r["base_system_or_infrastructure"] != "unknown"]
    names = [r["name"] for r in recs]
    return listing(names), listing(names[:-1]), rows_of(AF, recs)


def c_lumic_max_mem():
    recs = sorted(node_table(LC), key=lambda r: -gib(r["Memory"]))
    return _lumic_phrase(recs[:1]), _lumic_phrase(recs[1:2]), rows_of(LC, recs[:1])


def c_continuum_top():
    recs = [r for r in md_table(MD, lambda h: h == ["System", "Role"]) if pf(r["Role"])]
    recs.sort(key=lambda r: -pf(r["Role"]))
    w, second = recs[0], recs[1]
    return ("%s (%s PF)." % (w["_name"], fmt(pf(w["Role"]))),
            "%s (%s PF)." % (second["_name"], fmt(pf(second["Role"]))), rows_of(MD, [w]))


def c_to_lumif():
    recs, bw = bandwidth()
    a, b = ("LUMI-C", bw[("LUMI-C", "LUMI-F")]), ("LUMI-M", bw[("LUMI-M", "LUMI-F")])
    w, l = (a, b) if a[1] > b[1] else (b, a)
    rows = [x for x in recs if x["_name"] in ("LUMI-C", "LUMI-M")]
    return ("%s, with %s TB/s." % (w[0], fmt(w[1])), "%s, with %s TB/s." % (l[0], fmt(l[1])),
            rows_of(NW, rows))


def c_jaif_vs_czai():
    a, b = csv_by(AF, "J-AIF"), csv_by(AF, "CZAI")
    w, l = (a, b) if CONF_RANK[a["confidence"]] > CONF_RANK[b["confidence"]] else (b, a)
    return ("%s (%s)." % (w["name"], w["confidence"]), "%s (%s)." % (l["name"], l["confidence"]),
            rows_of(AF, [a, b]))


def c_lumic_diff():
    recs = node_table(LC)
    std = [r for r in recs if gib(r["Memory"]) == 256][0]
    mid = [r for r in recs if gib(r["Memory"]) == 512][0]
    big = [r for r in recs if gib(r["Memory"]) == 1024][0]
    d = int(std["Nodes"]) - int(mid["Nodes"])
    wrong = int(std["Nodes"]) - int(big["Nodes"])
    return ("%d more nodes." % d, "%d more nodes." % wrong, rows_of(LC, [std, mid]))


def c_lumi_minus_leonardo():
    recs = {r["_name"]: r for r in map_super()}
    a, b = recs["LUMI"], recs["Leonardo"]
    return ("%s PF more." % fmt(pf(a["Class"]) - pf(b["Class"])),
            "%s PF more." % fmt(pf(a["Class"]) + pf(b["Class"])), rows_of(MD, [a, b]))


def _factory_systems():
    systems = csv_rows(EH)
    out = []
    for f in csv_rows(AF):
        for s in systems:
            if re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(s["name"]), f["base_system_or_infrastructure"]):
                out.append((f, s))
    return out


def c_join_class(cls, wrong_cls):
    pairs = [(f, s) for f, s in _factory_systems() if s["system_class"] == cls]
    wpairs = [(f, s) for f, s in _factory_systems() if s["system_class"] == wrong_cls]
    names = ["%s (on %s)" % (f["name"], s["name"]) for f, s in pairs]
    rows = rows_of(AF, [f for f, _ in pairs]) + rows_of(EH, [s for _, s in pairs])
    if len(names) > 1:
        wrong = listing(names[:-1])
    else:
        wrong = listing(["%s (on %s)" % (f["name"], s["name"]) for f, s in wpairs])
    return listing(names), wrong, rows


def c_join_preexa():
    return c_join_class("pre-exascale", "exascale")


def c_join_peta():
    return c_join_class("petascale", "exascale")


def c_expandable_count():
    recs = [r for r in storage_quota() if r["Expandable"].startswith("Yes")]
    return count_sentence(len(recs)), count_sentence(len(recs) + 1), rows_of(S, recs)


def c_new_factories():
    recs = [r for r in md_table(MD, lambda h: h == ["Factory", "Country", "Notes"]) if r["Notes"] == "New"]
    return count_sentence(len(recs)), count_sentence(len(recs) + 1), rows_of(MD, recs)


def c_retention_days():
    recs = [r for r in storage_quota() if re.search(r"\bdays?\b", r["Retention"])]
    parts = ["%s after %s" % (r["_name"], r["Retention"]) for r in recs]
    return listing(parts), listing(parts[:-1]), rows_of(S, recs)


def c_multi_countries():
    cnt = Counter(r["country"] for r in csv_rows(AF))
    countries = [c for c in dict.fromkeys(r["country"] for r in csv_rows(AF)) if cnt[c] > 1]
    recs = [r for r in csv_rows(AF) if r["country"] in countries]
    return listing(countries), listing(countries[:-1]), rows_of(AF, recs)


def c_cce_same_flag():
    recs = [r for r in md_table(CCE, lambda h: h[0] == "Feature") if r["Fortran"] == r["C/C++"]]
    names = ["%s (%s)" % (r["_name"], r["Fortran"]) for r in recs]
    return listing(names), listing(names[:-1]), rows_of(CCE, recs)


def c_top_class_csv():
    recs = sorted(csv_rows(EH), key=lambda r: -CLASS_RANK[r["system_class"]])
    w, second = recs[0], recs[1]
    return ("%s (%s)." % (w["name"], w["system_class"]), "%s (%s)." % (second["name"], second["system_class"]),
            rows_of(EH, [w]))


def c_small_vs_smallg_jobs():
    recs = {r["_name"]: r for r in part_res()}
    a, b = recs["small"], recs["small-g"]
    w, l = (a, b) if lead_int(a["Max jobs"]) > lead_int(b["Max jobs"]) else (b, a)
    return ("%s allows %d jobs." % (w["_name"], lead_int(w["Max jobs"])),
            "%s allows %d jobs." % (l["_name"], lead_int(l["Max jobs"])), rows_of(P, [a, b]))


def c_leonardo_minus_lisa_dp():
    leo, lisa = csv_by(IT, "Leonardo"), csv_by(IT, "LISA")
    return ("%d PF more." % (_leo_pf(leo) - _lisa_dp(lisa)),
            "%d PF more." % (_lisa_mixed(lisa) - _leo_pf(leo)), rows_of(IT, [leo, lisa]))


def c_login_count():
    recs = md_table(LI, lambda h: h[0] == "Login node name")
    return count_sentence(len(recs)), count_sentence(len(recs) + 1), rows_of(LI, recs)


def _same_flags(col):
    recs = {r["_name"]: r for r in md_table(PE, lambda h: h[0] == "Compilers")}
    a, b = recs["Cray C/C++"], recs["GCC"]
    if a[col] == b[col]:
        s = "Yes, the same: both use %s." % a[col]
    else:
        s = "No, they differ: Cray C/C++ uses %s while GCC uses %s." % (a[col], b[col])
    return s, rows_of(PE, [a, b])


def c_aggressive_same():
    right, rows = _same_flags("Aggressive optimizations")
    wrong, _ = _same_flags("Good performance")
    return right, wrong, rows


def _max_mem_of_hw(letter):
    src = "hardware/lumi%s.md" % letter.lower()
    recs = sorted(node_table(src), key=lambda r: -gib(r["Memory"]))
    return src, recs[0]


def c_largemem_join():
    part = [r for r in part_res() if r["_name"] == "largemem"][0]
    letter = re.search(r"LUMI-([A-Z])", part["Hardware partition"]).group(1)
    src, top = _max_mem_of_hw(letter)
    _, wrong_top = _max_mem_of_hw("C" if letter != "C" else "D")
    return ("The largest nodes there have %s." % top["Memory"],
            "The largest nodes there have %s." % wrong_top["Memory"],
            rows_of(P, [part]) + rows_of(src, [top]))


def c_home_plus_persistent():
    q = {norm_area(r["_name"]): r for r in storage_quota()}
    home, pers = q["user home"], q["project persistent"]
    total = gb(home["Quota"]) + gb(pers["Quota"])
    wrong = gb(home["Quota"]) + gb(pers["Expandable"])
    return ("%s GB altogether." % fmt(total), "%s GB altogether." % fmt(wrong), rows_of(S, [home, pers]))


def _quota_of_path(path):
    prow = [r for r in storage_paths() if r["Path"] == path][0]
    qrow = [r for r in storage_quota() if norm_area(r["_name"]) == norm_area(prow["_name"])][0]
    return prow, qrow


def c_scratch_quota_join():
    prow, qrow = _quota_of_path("/scratch/<project>")
    _, wrow = _quota_of_path("/users/<username>")
    return ("The quota is %s." % qrow["Quota"], "The quota is %s." % wrow["Quota"],
            rows_of(S, [prow, qrow]))


COMPUTE = {
    "CF6-001": c_subnode_count,
    "CF6-002": c_unknown_lead,
    "CF6-003": c_two_day_parts,
    "CF6-004": c_preexa_csv,
    "CF6-005": c_shortest_wall,
    "CF6-007": c_map_preexa_top,
    "CF6-008": c_smallg_vs_standardg,
    "CF6-009": c_jupiter_vs_lumi,
    "CF6-010": c_rclone_count,
    "CF6-011": c_petascale_count,
    "CF6-012": c_lumic_big_mem,
    "CF6-013": c_it4lia_ai_opt,
    "CF6-014": c_subnode_most_nodes,
    "CF6-015": c_it4lia_most_storage,
    "CF6-017": c_lumid_gpu_vs_nogpu,
    "CF6-018": c_lisa_mixed_vs_leonardo,
    "CF6-019": c_lmod_count,
    "CF6-020": c_high_conf_count,
    "CF6-021": c_g_to_storage_sum,
    "CF6-022": c_medium_known_host,
    "CF6-023": c_cce_no_c,
    "CF6-024": c_dama_count,
    "CF6-025": c_top_billing,
    "CF6-027": c_top_tier,
    "CF6-028": c_lowest_bw,
    "CF6-029": c_incoming,
    "CF6-030": c_lmod_search,
    "CF6-031": c_karolina_vs_mn5,
    "CF6-032": c_gaia_megaride_sum,
    "CF6-033": c_sbatch_options,
    "CF6-034": c_exascale_count,
    "CF6-035": c_amd_toolchains,
    "CF6-037": c_known_base,
    "CF6-038": c_lumic_max_mem,
    "CF6-039": c_continuum_top,
    "CF6-040": c_to_lumif,
    "CF6-041": c_jaif_vs_czai,
    "CF6-042": c_lumic_diff,
    "CF6-043": c_lumi_minus_leonardo,
    "CF6-044": c_join_preexa,
    "CF6-045": c_expandable_count,
    "CF6-047": c_new_factories,
    "CF6-048": c_retention_days,
    "CF6-049": c_multi_countries,
    "CF6-050": c_cce_same_flag,
    "CF6-051": c_top_class_csv,
    "CF6-052": c_small_vs_smallg_jobs,
    "CF6-053": c_leonardo_minus_lisa_dp,
    "CF6-054": c_login_count,
    "CF6-055": c_aggressive_same,
    "CF6-057": c_join_peta,
    "CF6-058": c_largemem_join,
    "CF6-059": c_home_plus_persistent,
    "CF6-060": c_scratch_quota_join,
}


# ---------------------------------------------------------------- checks
def matches_all(regexes, sentence):
    return all(re.search(rx, sentence) for rx in regexes)


def check_item(it):
    iid = it.get("id")
    if set(it) != KEYS:
        fail("%s: keys %s" % (iid, sorted(set(it) ^ KEYS)))
        return
    if it["section"] is not None:
        fail("%s: section must be null" % iid)
    for rx in it["answers"]:
        try:
            re.compile(rx)
        except re.error as e:
            fail("%s: bad regex %r: %s" % (iid, rx, e))
            return
    if it["category"] == "near_miss":
        if it["kind"] != "unanswerable" or it["answers"] or it["rows"] or it["source"] != "":
            fail("%s: near miss must be unanswerable with no answers/rows/source" % iid)
        if iid in COMPUTE:
            fail("%s: near miss has a computation" % iid)
        if not it["support"].strip():
            fail("%s: near miss needs a note" % iid)
        return
    # answerable
    want_kind = "map" if it["source"].startswith(MAPDIR) else "lumi"
    if it["kind"] != want_kind:
        fail("%s: kind %s, expected %s" % (iid, it["kind"], want_kind))
    if not it["answers"]:
        fail("%s: no answer regexes" % iid)
    src_path = resolve(it["source"])
    if not os.path.isfile(src_path):
        fail("%s: source missing: %s" % (iid, src_path))
        return
    sup = it["support"]
    nwords = len(sup.split())
    if not 3 <= nwords <= 12:
        fail("%s: support has %d words" % (iid, nwords))
    if sup not in text(it["source"]):
        fail("%s: support not verbatim in %s: %r" % (iid, it["source"], sup))
    for r in it["rows"]:
        if set(r) != {"source", "cell"}:
            fail("%s: bad row keys %s" % (iid, r))
            continue
        if not os.path.isfile(resolve(r["source"])):
            fail("%s: row source missing %s" % (iid, r["source"]))
            continue
        if r["cell"] not in first_cells(r["source"]):
            fail("%s: %r is not a first cell of a table row in %s" % (iid, r["cell"], r["source"]))
    fn = COMPUTE.get(iid)
    if fn is None:
        fail("%s: no computation defined" % iid)
        return
    try:
        right, wrong, rows = fn()
    except Exception as e:  # noqa: BLE001
        fail("%s: computation failed: %r" % (iid, e))
        return
    for rx in it["answers"]:
        if not re.search(rx, right):
            fail("%s: regex %r does not match recomputed %r" % (iid, rx, right))
    if matches_all(it["answers"], wrong):
        fail("%s: wrong result %r matches the answer regexes" % (iid, wrong))
    got = sorted((r["source"], r["cell"]) for r in it["rows"])
    if got != sorted(rows):
        fail("%s: rows %s != computed %s" % (iid, got, sorted(rows)))


def main():
    items = []
    with open(ITEMS, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as e:
                    fail("line %d: %s" % (n, e))
    ids = [it.get("id") for it in items]
    dup = [i for i, c in Counter(ids).items() if c > 1]
    if dup:
        fail("duplicate ids: %s" % dup)
    for i, iid in enumerate(ids, 1):
        if iid != "CF6-%03d" % i:
            fail("id %s at position %d" % (iid, i))
    cats = Counter(it.get("category") for it in items)
    if dict(cats) != EXPECTED_CATEGORIES:
        fail("category counts %s != %s" % (dict(cats), EXPECTED_CATEGORIES))
    for it in items:
        if it.get("kind") not in ("lumi", "map", "unanswerable"):
            fail("%s: bad kind %r" % (it.get("id"), it.get("kind")))
        check_item(it)
    unused = set(COMPUTE) - set(ids)
    if unused:
        fail("computations without items: %s" % sorted(unused))
    kinds = Counter(it.get("kind") for it in items)
    if FAILURES:
        for f in FAILURES:
            print("FAIL:", f)
        print("%d problem(s)" % len(FAILURES))
        sys.exit(1)
    print("%d items; categories %s; kinds %s" % (len(items), dict(cats), dict(kinds)))
    print("check passed")


if __name__ == "__main__":
    main()
