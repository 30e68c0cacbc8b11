#!/usr/bin/env python3
"""Check computed.jsonl: format rules, verbatim supports, row references, and every
item's expected result recomputed from the tables (CSV + Markdown) parsed here."""
import json, re, sys, os, math
from collections import Counter
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parse_tables as T
from parse_tables import argbest, cmp2, names, nodes_of, pb_in

# The suite to check: the file named on the command line, by default the development part.
SUITE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "computed-dev.jsonl")
errors, warnings = [], []


def err(i, msg):
    errors.append(f"{i}: {msg}")


def warn(i, msg):
    warnings.append(f"{i}: {msg}")


# ------------------------------------------------------------------ tables
FAC = T.read_csv("ai_factories.csv")
SUP = T.read_csv("eurohpc_supercomputers.csv")
IT4 = T.read_csv("it4lia_infrastructure.csv")
M = "european-ai-infrastructure-map/MAP.md"
MAP_SUP = T.md_table(M, "System", "EuroHPC supercomputers")
MAP_FIRST = T.md_table(M, "Factory", "First-wave")
MAP_ADD = T.md_table(M, "Factory", "Additional")
MAP_TIERS = T.md_table(M, "Tier")
MAP_STACKS = T.md_table(M, "Initiative")
PARTF = "runjobs/scheduled-jobs/partitions.md"
PART = T.md_table(PARTF, "Name", nth=0) + T.md_table(PARTF, "Name", nth=1)
PART_NODE = T.md_table(PARTF, "Name", nth=0)
PART_RES = T.md_table(PARTF, "Name", nth=1)
STORF = "storage/index.md"
_st = [t[2] for t in T.md_tables(STORF)]
STOR_PATH, STOR_QUOTA, STOR_OBJ = _st[0], _st[1], _st[2]
LUMIC = T.md_table("hardware/lumic.md", "Nodes")
LUMID = T.md_table("hardware/lumid.md", "Nodes")
NET = T.md_table("hardware/network.md", "")
LOGIN = T.md_table("firststeps/loggingin.md", "Login node name")
HELP = T.md_table("helpdesk/index.md", "")
BRIEF = T.read("eu-ai-factories-policy-brief.txt")

ALL_TABLE_ROWS = {}
for src in ["european-ai-infrastructure-map/ai_factories.csv", "european-ai-infrastructure-map/eurohpc_supercomputers.csv",
            "european-ai-infrastructure-map/it4lia_infrastructure.csv"]:
    ALL_TABLE_ROWS[src] = T.read_csv(os.path.basename(src))


def table_rows(src):
    if src in ALL_TABLE_ROWS:
        return ALL_TABLE_ROWS[src]
    return [r for _, _, rows in T.md_tables(src) for r in rows]


def part(name):
    return T.find_row(PART, "Name", name)


def hours(name):
    return T.walltime_hours(part(name)["Max walltime"])


def brief_num(pattern):
    m = re.search(pattern, BRIEF)
    assert m, pattern
    return float(m.group(1).replace(",", "").replace(" ", "")) if "," in m.group(1) and len(m.group(1).split(",")[-1]) == 3 \
        else float(m.group(1).replace(",", "."))


def quota_row(label):
    return [r for r in STOR_QUOTA if r[""].replace(" ", "").lower() == label.replace(" ", "").lower()][0]


def quota_gb(r):
    return T.size_gb(r["Quota"])


def expand_gb(r):
    m = re.search(r"up to (\d+)\s*(GB|TB)", r["Expandable"])
    return T.size_gb(m.group(1) + " " + m.group(2)) if m else 0


def rate(s):
    m = re.match(r"([\d.]+)x", s)
    return float(m.group(1)) if m else None


def files_k(s):
    return int(s.rstrip("k"))


# Each function returns (result, [row cells]) where row cells are the `cell`
# values the item must list (compared as a set).
C = {}
C["T-001"] = lambda: (lambda r: (len(r), names(r, "name")))([r for r in FAC if r["country"] == "Germany"])
C["T-002"] = lambda: (len(PART), names(PART, "Name"))
C["T-003"] = lambda: (len(PART_RES), names(PART_RES, "Name"))
C["T-004"] = lambda: (lambda r: (len(r), names(r, "Name")))([p for p in PART if p.get("Hardware partition used", p.get("Hardware partition")) == "LUMI-G"])
C["T-005"] = lambda: (lambda r: (len(r), names(r, "Name")))([p for p in PART if p.get("Hardware partition used", p.get("Hardware partition")) == "LUMI-D"])
C["T-006"] = lambda: (lambda r: (len(r), names(r, "name")))([r for r in SUP if r["system_class"] == "petascale"])
C["T-007"] = lambda: (lambda r: (len(r), names(r, "System")))([r for r in MAP_SUP if "incoming" in r["Class"].lower()])
C["T-008"] = lambda: (lambda r: (len(r), names(r, "name")))([r for r in FAC if r["confidence"] == "high"])
C["T-009"] = lambda: (lambda r: (len(r), names(r, "name")))([r for r in FAC if r["lead_or_host"] == "unknown"])
C["T-010"] = lambda: (len(MAP_FIRST), names(MAP_FIRST, "Factory"))
C["T-011"] = lambda: (lambda r: (len(r), names(r, "component")))([r for r in IT4 if r["location"] == "DAMA Tecnopolo, Bologna"])
C["T-012"] = lambda: (len(LOGIN), names(LOGIN, "Login node name"))


def _t013():
    cc = Counter(r["country"] for r in FAC)
    multi = [c for c, n in cc.items() if n > 1]
    return len(multi), [r["name"] for r in FAC if r["country"] in multi]


C["T-013"] = _t013
C["T-014"] = lambda: (lambda r: (len(r), [re.search(r"up to \d+\w+", x["Expandable"]).group(0) for x in r]))(
    [r for r in STOR_QUOTA if r["Expandable"].startswith("Yes")])
C["T-015"] = lambda: (lambda r: (len(r), names(r, "Name")))([p for p in PART if "days" in p["Max walltime"] and T.walltime_hours(p["Max walltime"]) >= 48])
C["T-016"] = lambda: (lambda r: (len(r), names(r, "Name")))([p for p in PART if T.max_jobs(p["Max jobs"]) and T.max_jobs(p["Max jobs"])[0] > 200])
C["T-017"] = lambda: (lambda r: (len(r), names(r, "name")))([r for r in FAC if r["source_title"] == "Helpdesk - AI Factories"])
# filters
C["T-018"] = lambda: (None, names([r for r in FAC if r["country"] == "Poland"], "name"))
C["T-019"] = lambda: (None, names([r for r in FAC if r["country"] == "Spain"], "name"))
C["T-020"] = lambda: (None, names([r for r in MAP_SUP if r["Class"].startswith("Exascale")], "System"))
C["T-021"] = lambda: (None, names([r for r in SUP if r["system_class"] == "pre-exascale"], "name"))
C["T-022"] = lambda: (None, names([p for p in PART if "LUMI-C" in p.get("Hardware partition used", p.get("Hardware partition"))], "Name"))
C["T-023"] = lambda: (None, names(PART_NODE, "Name"))
C["T-024"] = lambda: (None, names([p for p in PART if p["Max walltime"] == "3 days"], "Name"))
C["T-025"] = lambda: (None, names([p for p in PART if "(1 running)" in p["Max jobs"]], "Name"))
C["T-026"] = lambda: (None, names([r for r in FAC if r["base_system_or_infrastructure"] != "unknown"], "name"))
C["T-027"] = lambda: (None, names([r for r in MAP_SUP if "BullSequana XH2000" in r["Notes"]], "System"))
C["T-028"] = lambda: (None, names([r for r in IT4 if pb_in(r["public_specs_or_notes"])], "component"))
C["T-029"] = lambda: (None, names([r for r in MAP_ADD if r["Notes"] == "New"], "Factory"))
C["T-030"] = lambda: (None, names([r for r in MAP_STACKS if r["Country"] == "France"], "Initiative"))
C["T-031"] = lambda: (None, [r["Path"].replace("<", "<") for r in STOR_PATH if r["Hardware partition used"] == "LUMI-P"])
C["T-032"] = lambda: (None, [re.search(r"up to \d+\w+", r["Expandable"]).group(0) for r in STOR_QUOTA if r["Billing rate"] == "1x"])
C["T-033"] = lambda: (None, names([p for p in PART if p["Max resources/job"] == "4 nodes"], "Name"))
C["T-034"] = lambda: (None, [r["Memory"] for r in LUMIC if T.size_gb(r["Memory"]) >= 512])
C["T-035"] = lambda: (None, names([r for r in FAC if r["lead_or_host"] == "unknown" and r["base_system_or_infrastructure"] != "unknown"], "name"))


# superlatives


C["T-036"] = lambda: (lambda v, r: (v, names(r, "Name")))(*argbest(PART, lambda p: T.walltime_hours(p["Max walltime"]), min))
C["T-037"] = lambda: (lambda v, r: (v, names(r, "Name")))(*argbest([p for p in PART if T.max_jobs(p["Max jobs"])], lambda p: T.max_jobs(p["Max jobs"])[0]))
C["T-038"] = lambda: (lambda v, r: (v, names(r, "Name")))(*argbest([p for p in PART if nodes_of(p["Max resources/job"])], lambda p: nodes_of(p["Max resources/job"])))
C["T-039"] = lambda: (lambda v, r: (v, names(r, "Name")))(*argbest(PART, lambda p: T.walltime_hours(p["Max walltime"])))
C["T-040"] = lambda: (lambda v, r: (v, names(r, "Nodes")))(*argbest(LUMIC, lambda r: int(r["Nodes"])))
C["T-041"] = lambda: (lambda v, r: (v, names(r, "Memory")))(*argbest(LUMIC, lambda r: T.size_gb(r["Memory"])))
C["T-042"] = lambda: (lambda v, r: (v, [re.search(r"up to \d+\w+", x["Expandable"]).group(0) for x in r]))(*argbest(STOR_QUOTA, quota_gb))
C["T-043"] = lambda: (lambda v, r: (v, [re.search(r"up to \d+\w+", x["Expandable"]).group(0) for x in r]))(*argbest(STOR_QUOTA, expand_gb))
C["T-044"] = lambda: (lambda v, r: (v, [re.search(r"up to \d+\w+", x["Expandable"]).group(0) if "up to" in x["Expandable"] else x[""] for x in r]))(
    *argbest([r for r in STOR_QUOTA + STOR_OBJ if rate(r["Billing rate"])], lambda r: rate(r["Billing rate"])))
C["T-045"] = lambda: (lambda v, r: (v, [x[""] for x in r]))(*argbest([r for r in STOR_QUOTA + STOR_OBJ if rate(r["Billing rate"])], lambda r: rate(r["Billing rate"]), min))


def _t046():
    best, cell = -1, None
    for r in NET:
        for h in r.header[1:]:
            if h != r[""] and r[h]:
                v = float(r[h].split()[0])
                if v > best:
                    best, cell = v, r[h]
    return best, [cell]


C["T-046"] = _t046
C["T-047"] = lambda: (lambda v, r: (v, names(r, "component")))(*argbest([r for r in IT4 if pb_in(r["public_specs_or_notes"])], lambda r: pb_in(r["public_specs_or_notes"])))


def _t048():
    vals = {m.group(1): m.group(2) for m in re.finditer(r"(Jupiter|LUMI|Leonardo) in \w+ \(#\d+ with ([\d.,]+) peak petaflops\)", BRIEF)}
    assert len(vals) == 3, vals
    num = {k: float(v.replace(",", ".")) for k, v in vals.items()}
    w = max(num, key=num.get)
    assert w == "Jupiter"
    return num[w], [f"{vals[w]} peak petaflops"]


C["T-048"] = _t048


def _t049():
    counts = {"Jupiter": re.search(r"Jupiter in Jülich now includes ([\d,]+) NVIDIA GH200", BRIEF).group(1),
              "MareNostrum 5": re.search(r"Mare Nostrum 5 in Barcelona currently includes ([\d,]+) NVIDIA Hopper GPUs", BRIEF).group(1),
              "Alps": re.search(r"Alps supercomputer in Lugano equipped with ([\d,]+) NVIDIA Grace Hopper", BRIEF).group(1)}
    num = {k: int(v.replace(",", "")) for k, v in counts.items()}
    w = max(num, key=num.get)
    assert w == "Jupiter"
    return num[w], [f"{counts[w]} NVIDIA GH200"]


C["T-049"] = _t049


def _t050():
    modes = {m.group(1).lower(): int(m.group(2)) for m in re.finditer(r"(Playground|fast lane|large-scale) access[^.]*?within (\d+) working days", BRIEF)}
    modes.update({m.group(1).lower(): int(m.group(2)) for m in re.finditer(r"(fast lane) which grants[^;]*?within (\d+) working days", BRIEF)})
    assert set(modes) == {"playground", "fast lane", "large-scale"}, modes
    w = min(modes, key=modes.get)
    assert w == "playground"
    return modes[w], [f"within {modes[w]} working days"]


C["T-050"] = _t050
C["T-051"] = lambda: (lambda v, r: (v, names(r, "Name")))(*argbest([p for p in PART if T.max_jobs(p["Max jobs"])], lambda p: T.max_jobs(p["Max jobs"])[0], min))


def _t052():
    cc = Counter(r["country"] for r in FAC)
    top = max(cc.values())
    win = sorted(c for c, n in cc.items() if n == top)
    return tuple(win), [r["name"] for r in FAC if r["country"] in win]


C["T-052"] = _t052


# comparisons: result = winner


C["T-053"] = lambda: (cmp2("standard-g", "small-g", hours), ["standard-g", "small-g"])
C["T-054"] = lambda: (cmp2("small", "small-g", lambda n: T.max_jobs(part(n)["Max jobs"])[0]), ["small", "small-g"])
C["T-055"] = lambda: (cmp2("dev-g", "debug", lambda n: nodes_of(part(n)["Max resources/job"])), ["dev-g", "debug"])
C["T-056"] = lambda: (cmp2("largemem", "lumid", hours), ["largemem", "lumid"])
C["T-057"] = lambda: (cmp2("User home", "Project persistent", lambda l: quota_gb(quota_row(l))), ["20 GB", "up to 500GB"])
C["T-058"] = lambda: (cmp2("Project scratch", "Project fast", lambda l: int(re.match(r"(\d+) days", quota_row(l)["Retention"]).group(1))), ["up to 500TB", "up to 100TB"])
C["T-059"] = lambda: ((lambda a, b: ("no GPUs" if T.size_gb(a["Disk"]) > T.size_gb(b["Disk"]) else "GPUs"))(
    [r for r in LUMID if r["GPUs"] == "none"][0], [r for r in LUMID if r["GPUs"] != "none"][0]), ["25 TB SSD", "14 TB SSD"])


def _t060():
    g = T.find_row(NET, "", "LUMI-G")["LUMI-P"]
    c = T.find_row(NET, "", "LUMI-C")["LUMI-P"]
    assert (g, c) == ("9.6 TB/s", "3.2 TB/s")
    return ("LUMI-G" if float(g.split()[0]) > float(c.split()[0]) else "LUMI-C"), ["9.6 TB/s", "22.4 TB/s"]


C["T-060"] = _t060


def _t061():
    rk = {m.group(1): int(m.group(2)) for m in re.finditer(r"(LUMI|Leonardo) in \w+ \(#(\d+)", BRIEF)}
    return min(rk, key=rk.get), ["LUMI in Kajaani (#9", "Leonardo in Bologna (#10"]


C["T-061"] = _t061


def _t062():
    mn = int(re.search(r"includes ([\d,]+) NVIDIA Hopper GPUs", BRIEF).group(1).replace(",", ""))
    al = int(re.search(r"equipped with ([\d,]+) NVIDIA Grace Hopper", BRIEF).group(1).replace(",", ""))
    return ("Alps" if al > mn else "MareNostrum 5"), ["10,752 NVIDIA Grace Hopper superchips", "4,480 NVIDIA Hopper GPUs"]


C["T-062"] = _t062
C["T-063"] = lambda: (cmp2("GAIA", "MEGARIDE", lambda n: pb_in(T.find_row(IT4, "component", n)["public_specs_or_notes"])), ["GAIA", "MEGARIDE"])
C["T-064"] = lambda: (cmp2("Project scratch", "Project fast", lambda l: files_k(quota_row(l)["Max files"])), ["up to 500TB", "up to 100TB"])
CLASS_RANK = {"petascale": 1, "pre-exascale": 2, "exascale": 3}
C["T-065"] = lambda: (cmp2("Leonardo", "Karolina", lambda n: CLASS_RANK[T.find_row(SUP, "name", n)["system_class"]]), ["Leonardo", "Karolina"])


def _t066():
    fl = T.find_row(MAP_TIERS, "Tier", "Fast Lane")["GPU hours"]
    ls = T.find_row(MAP_TIERS, "Tier", "Large Scale")["GPU hours"]
    assert fl == "Up to 50,000 GPU hours" and ls == "> 50,000 GPU hours", (fl, ls)
    return "Large Scale", ["Fast Lane", "Large Scale"]


C["T-066"] = _t066


def _t067():
    p = T.read("storage/parallel-filesystems/lumip.md")
    f = T.read("storage/parallel-filesystems/lumif.md")
    n = int(re.search(r"provides (\d+) independent", p).group(1))
    each = int(re.search(r"storage capacity of (\d+) PB", p).group(1))
    flash = int(re.search(r"storage\s+capacity of (\d+) PB", f).group(1))
    assert n * each == 80 and flash == 8
    return ("LUMI-P" if n * each > flash else "LUMI-F"), ["4 independent", "storage capacity of 20 PB", "capacity of 8 PB"]


C["T-067"] = _t067
C["T-068"] = lambda: (cmp2("dev-g", "small-g", hours), ["dev-g", "small-g"])
# sums
C["T-069"] = lambda: (sum(int(r["Nodes"]) for r in LUMIC if T.size_gb(r["Memory"]) > 256), [r["Memory"] for r in LUMIC if T.size_gb(r["Memory"]) > 256])


def _t070():
    g = [r for r in LUMID if r["GPUs"] != "none"]
    tot = sum(int(r["Nodes"]) * int(re.match(r"(\d+)x NVIDIA A40", r["GPUs"]).group(1)) for r in g)
    return tot, ["8x NVIDIA A40"]


C["T-070"] = _t070
C["T-071"] = lambda: (int(re.search(r"includes ([\d,]+) NVIDIA GH200", BRIEF).group(1).replace(",", "")) +
                      int(re.search(r"includes ([\d,]+) NVIDIA Hopper GPUs", BRIEF).group(1).replace(",", "")),
                      ["24,000 NVIDIA GH200", "4,480 NVIDIA Hopper GPUs"])
C["T-072"] = lambda: (sum(pb_in(T.find_row(IT4, "component", n)["public_specs_or_notes"]) for n in ["GAIA", "MEGARIDE"]), ["GAIA", "MEGARIDE"])


def _lumi_nodes():
    g = int(re.search(r"consists of (\d+) nodes", T.read("hardware/lumig.md")).group(1))
    c = int(re.search(r"consists of (\d+) CPU-based compute nodes", T.read("hardware/lumic.md")).group(1))
    assert c == sum(int(r["Nodes"]) for r in LUMIC)   # prose total agrees with the node table
    return g, c


C["T-073"] = lambda: (sum(_lumi_nodes()), ["consists of 2978 nodes", "consists of 2048 CPU-based compute nodes"])
C["T-074"] = lambda: (hours("dev-g") - hours("debug"), ["dev-g", "debug"])


def _t075():
    j = re.search(r"Jupiter in Jülich \(#4 with ([\d,]+) peak", BRIEF).group(1)
    l = re.search(r"LUMI in Kajaani \(#9 with ([\d,]+) peak", BRIEF).group(1)
    return round(float(j.replace(",", ".")) - float(l.replace(",", ".")), 2), ["930,00 peak petaflops", "531,51 peak petaflops"]


C["T-075"] = _t075
C["T-076"] = lambda: (lambda r: ((expand_gb(r) - quota_gb(r)) / 1000, ["up to 500TB"]))(quota_row("Project scratch"))


def _t077():
    f = int(re.search(r"up to ([\d,]+) AI-optimised chips\.", BRIEF).group(1).replace(",", ""))
    g = int(re.search(r"with up to ([\d,]+) AI-optimised chips specifically", BRIEF).group(1).replace(",", ""))
    return g - f, ["up to 25,000 AI-optimised chips", "up to 100,000 AI-optimised chips"]


C["T-077"] = _t077


def _t078():
    def h(s):
        m = re.match(r"(\d+):(\d+) (AM|PM)", s)
        return int(m.group(1)) % 12 + (12 if m.group(3) == "PM" else 0)
    st, en = T.find_row(HELP, "", "Start")["CE(S)T"], T.find_row(HELP, "", "End")["CE(S)T"]
    return h(en) - h(st), [st, en]


C["T-078"] = _t078
C["T-079"] = lambda: ((lambda g, c: g - c)(*_lumi_nodes()), ["consists of 2978 nodes", "consists of 2048 CPU-based compute nodes"])

EXPECTED = {
    "T-001": 2, "T-002": 9, "T-003": 6, "T-004": 3, "T-005": 2, "T-006": 5, "T-007": 3, "T-008": 8, "T-009": 13,
    "T-010": 7, "T-011": 4, "T-012": 4, "T-013": 3, "T-014": 3, "T-015": 4, "T-016": 3, "T-017": 11,
    "T-036": 0.5, "T-037": 220, "T-038": 1024, "T-039": 72, "T-040": 1888, "T-041": 1024, "T-042": 50000,
    "T-043": 500000, "T-044": 10.0, "T-045": 0.5, "T-046": 38.4, "T-047": 100, "T-048": 930.0, "T-049": 24000,
    "T-050": 2, "T-051": 1, "T-052": ("Germany", "Poland", "Spain"),
    "T-053": "small-g", "T-054": "small", "T-055": "dev-g", "T-056": "largemem", "T-057": "Project persistent",
    "T-058": "Project scratch", "T-059": "no GPUs", "T-060": "LUMI-G", "T-061": "LUMI", "T-062": "Alps",
    "T-063": "MEGARIDE", "T-064": "Project scratch", "T-065": "Leonardo", "T-066": "Large Scale", "T-067": "LUMI-P",
    "T-068": "small-g",
    "T-069": 160, "T-070": 64, "T-071": 28480, "T-072": 60, "T-073": 5026,
    "T-074": 2.5, "T-075": 398.49, "T-076": 450, "T-077": 75000, "T-078": 10, "T-079": 930,
}
# synthetic computed-answer strings the result patterns must accept (sums/differences/superlatives)
SYNTH = {
    "T-069": "160 nodes", "T-070": "64 NVIDIA A40 GPUs", "T-071": "28,480", "T-072": "60 PB", "T-073": "5026 nodes",
    "T-074": "2.5 hours", "T-075": "398.49 peak petaflops", "T-076": "450 TB", "T-077": "75,000 chips",
    "T-078": "10 hours", "T-079": "930 nodes",
}
COUNT_NOUN = {"T-001": "AI factories", "T-002": "partitions", "T-003": "partitions", "T-004": "partitions",
              "T-005": "partitions", "T-006": "petascale systems", "T-007": "systems", "T-008": "factories",
              "T-009": "factories", "T-010": "AI factories", "T-011": "components", "T-012": "login nodes",
              "T-013": "countries", "T-014": "storage areas", "T-015": "partitions", "T-016": "partitions",
              "T-017": "entries"}
COUNT_TAIL = {"T-001": " in Germany", "T-007": " still incoming", "T-009": " with an unknown lead or host",
              "T-014": " whose quota can be expanded"}
WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 11: "eleven", 13: "thirteen"}

import dev2_computations as _dev2  # noqa: E402  the second suite's recomputations

for _mine, _theirs in ((C, _dev2.C), (EXPECTED, _dev2.EXPECTED), (SYNTH, _dev2.SYNTH),
                       (COUNT_NOUN, _dev2.COUNT_NOUN), (COUNT_TAIL, _dev2.COUNT_TAIL),
                       (WORDS, _dev2.WORDS)):
    _mine.update(_theirs)
# ------------------------------------------------------------------ document lines (for spurious matches)
DOC_LINES = []
for root in [T.CORPUS, T.LUMI]:
    for dp, _, fs in os.walk(root):
        for fn in fs:
            if fn.endswith((".md", ".txt", ".csv")):
                p = os.path.join(dp, fn)
                for ln in open(p, encoding="utf-8").read().splitlines():
                    DOC_LINES.append((p, ln))
# rendered table rows too
for p, ln in list(DOC_LINES):
    pass


def resolve_row(src, cell):
    """Return the text units (rendered + raw) of the table row or prose line holding `cell`."""
    rows_ = table_rows(src)
    hits = [r for r in rows_ if cell in r.cells or cell in [x.strip().strip("`*") for x in r.raw.strip().strip("|").split("|")]]
    if not hits:
        hits = [r for r in rows_ if r.has(cell)]
    if len(hits) == 1:
        return hits[0].text + "\n" + hits[0].raw, "row"
    if len(hits) > 1:
        return None, f"ambiguous ({len(hits)} rows)"
    lines = [l for l in T.lines_of(src) if cell in l]
    if len(lines) == 1:
        return lines[0], "line"
    return None, f"{len(lines)} lines"


BRIEF_SECTIONS = {}
cur = None
SECTION_TITLES = {"Executive Summary", "Introduction", "AI Factories in Focus", "Scale and Access", "Consortia and Services",
                  "Ecosystem Integration", "Learning from European AI factories", "AI Factories",
                  "AI Gigafactories and the European AI Compute Landscape", "Conclusion"}
for ln in BRIEF.splitlines():
    if ln.strip() in SECTION_TITLES:
        cur = ln.strip()
        continue
    BRIEF_SECTIONS.setdefault(cur, []).append(ln)

CATS = {"count", "filter", "superlative", "comparison", "sum", "difference", "near_miss"}
KINDS = {"brief", "map", "lumi", "both", "unanswerable"}

items = []
with open(SUITE, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        try:
            items.append(json.loads(line))
        except Exception as e:
            err(f"line {n}", f"bad JSON: {e}")

ids = [it["id"] for it in items]
for i, c in Counter(ids).items():
    if c > 1:
        err(i, "duplicate id")
if ids != sorted(ids):  # (the suite is split in two parts: ids ascend, with gaps)
    err("ids", "not in ascending order")

for it in items:
    i = it["id"]
    for k in ["question", "kind", "category", "answers", "support", "source", "section"]:
        if k not in it:
            err(i, f"missing field {k}")
    if it["category"] not in CATS:
        err(i, f"bad category {it['category']}")
    if it["kind"] not in KINDS:
        err(i, f"bad kind {it['kind']}")
    pats = []
    for p in it["answers"]:
        try:
            pats.append(re.compile(p, re.IGNORECASE))
        except re.error as e:
            err(i, f"pattern does not compile: {p!r}: {e}")
    if it["category"] == "near_miss":
        if it["kind"] != "unanswerable" or it["answers"] or it["support"] or it["source"] or it["section"]:
            err(i, "near_miss must be unanswerable with empty answers/support/source/section")
        if not it.get("note"):
            err(i, "near_miss needs a note")
        continue
    if it["kind"] == "unanswerable":
        err(i, "answerable category with kind unanswerable")
    if not it["answers"] or not it["support"] or not it["source"]:
        err(i, "answerable item lacks answers/support/source")
        continue
    if len(it["answers"]) > 1 and not it.get("require_all"):
        err(i, "several patterns but no require_all")
    for k in ["rows", "computation"]:
        if not it.get(k):
            err(i, f"missing {k}")
    # ---- support phrase
    sup, src = it["support"], it["source"]
    try:
        text = T.read(src)
    except FileNotFoundError:
        err(i, f"source not found {src}")
        continue
    nw = len(sup.split())
    if not (3 <= nw <= 12):
        err(i, f"support has {nw} words")
    if T.norm_ws(sup) not in T.norm_ws(text):
        err(i, f"support not verbatim in {src}: {sup!r}")
    if src.endswith(".md") and ("**" in sup or "`" in sup or re.search(r"\]\(|\]\[|^#|<br>", sup)):
        err(i, "support contains Markdown markup")
    if not src.startswith("european-ai-infrastructure-map/") and src != "eu-ai-factories-policy-brief.txt":
        if not any(sup in l for l in text.splitlines()):
            err(i, "LUMI support not on one line")
    if re.search(r"\.\s+[A-Z]", sup):
        err(i, "support crosses a full stop")
    if it["kind"] == "brief":
        if it["section"] not in BRIEF_SECTIONS:
            err(i, f"bad section {it['section']}")
        elif not any(sup in l for l in BRIEF_SECTIONS[it["section"]]):
            err(i, f"support not in section {it['section']}")
    elif it["section"] is not None:
        err(i, "section must be null for non-brief items")
    # ---- rows
    row_texts = []
    for r in it["rows"]:
        t, how = resolve_row(r["source"], r["cell"])
        if t is None:
            err(i, f"row {r} not resolved: {how}")
        else:
            row_texts.append(t)
    # ---- recompute
    if i not in C:
        err(i, "no computation in check script")
        continue
    result, cells = C[i]()
    if set(cells) != {r["cell"] for r in it["rows"]}:
        err(i, f"rows mismatch: computed {sorted(cells)} vs item {sorted(r['cell'] for r in it['rows'])}")
    if i in EXPECTED:
        exp = EXPECTED[i]
        ok = math.isclose(result, exp) if isinstance(exp, (int, float)) and isinstance(result, (int, float)) else result == exp
        if not ok:
            err(i, f"result {result!r} != expected {exp!r}")
    joined = "\n".join(row_texts)
    cat = it["category"]
    # ---- pattern checks
    if cat == "count":
        n = EXPECTED[i]
        p = pats[0]
        for phr in [f"There are {n} {COUNT_NOUN[i]}{COUNT_TAIL.get(i, '')}.", f"{WORDS[n].capitalize()} {COUNT_NOUN[i]}{COUNT_TAIL.get(i, '')}"]:
            if not p.search(phr):
                err(i, f"count pattern misses {phr!r}")
        if not p.search(joined):
            err(i, "count pattern misses the concatenated counted rows")
        for k in range(len(row_texts) if i != "T-013" else 0):   # T-013 counts countries, not rows
            rest = "\n".join(row_texts[:k] + row_texts[k + 1:])
            if p.search(rest):
                err(i, f"count pattern matches with row {it['rows'][k]['cell']} left out")
        for path, ln in DOC_LINES:
            if p.search(ln):
                warn(i, f"count pattern matches doc line {os.path.basename(path)}: {ln[:100]}")
    elif cat in ("sum", "difference"):
        for p in pats:
            if not p.search(SYNTH[i]):
                err(i, f"pattern {p.pattern} misses synthetic answer {SYNTH[i]!r}")
            for path, ln in DOC_LINES:
                if p.search(ln):
                    warn(i, f"result pattern matches doc line {os.path.basename(path)}: {ln[:100]}")
    else:
        for p in pats:
            if not any(p.search(t) for t in row_texts) and not ("(?=" in p.pattern and p.search(joined)):
                err(i, f"pattern {p.pattern} matches none of the answer rows")
        if it.get("require_all") and not all(p.search(joined) for p in pats):
            err(i, "require_all patterns not all matched by the answer rows")
        # precision for filters: names must not match other rows of the same table(s)
        if cat == "filter":
            srcs = {r["source"] for r in it["rows"]}
            for s in srcs:
                for r in table_rows(s):
                    t = r.text + "\n" + r.raw
                    if t in row_texts:
                        continue
                    for p in pats:
                        if p.search(t):
                            warn(i, f"filter pattern {p.pattern} also matches non-answer row: {r.text[:80]}")

# near-miss keyword checks: nothing in the documents should state these
NM_ABSENT = {
    "T-081": r"\bcommissioned|entered service|in service since|inaugurat|went into service",
    "T-085": r"default (?:walltime|time limit)",
    "T-086": r"€|\beuros?\b.*GPU|GPU.*\beuros?\b|price",
    "T-089": r"login nodes? (?:have|has|with) \d+|login node memory",
    "T-090": r"queue (?:time|wait)|waiting time|wait time",
    "T-091": r"power consumption|megawatt|\bMW\b|\bkW\b|Green500",
}
for i, pat in NM_ABSENT.items():
    rx = re.compile(pat, re.IGNORECASE)
    for path, ln in DOC_LINES:
        if rx.search(ln) and not (i == "T-086" and "€290M" in ln) and not ("290 million euro" in ln and i == "T-086"):
            warn(i, f"near-miss keyword found in {os.path.basename(path)}: {ln[:120]}")

cats = Counter(it["category"] for it in items)
print("items:", len(items), dict(cats))
for w in warnings:
    print("WARN", w)
for e in errors:
    print("ERROR", e)
print(f"{len(errors)} errors, {len(warnings)} warnings")
sys.exit(1 if errors else 0)
