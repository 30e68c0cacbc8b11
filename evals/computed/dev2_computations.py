"""Recomputations of computed-dev2.jsonl (a second author's blind suite), merged into check_computed.py."""
import re, sys, os
from collections import Counter
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parse_tables as T
from parse_tables import argbest, cmp2, names, nodes_of, pb_in

FAC = T.read_csv("ai_factories.csv")
SUP = T.read_csv("eurohpc_supercomputers.csv")
IT4 = T.read_csv("it4lia_infrastructure.csv")
M = "european-ai-infrastructure-map/MAP.md"
FACS = "european-ai-infrastructure-map/ai_factories.csv"
SUPS = "european-ai-infrastructure-map/eurohpc_supercomputers.csv"
IT4S = "european-ai-infrastructure-map/it4lia_infrastructure.csv"
MAP_SUP = T.md_table(M, "System", "EuroHPC supercomputers")
MAP_FIRST = T.md_table(M, "Factory", "First-wave")
MAP_ADD = T.md_table(M, "Factory", "Additional")
PARTF = "runjobs/scheduled-jobs/partitions.md"
PART = T.md_table(PARTF, "Name", nth=0) + T.md_table(PARTF, "Name", nth=1)
STORF = "storage/index.md"
_st = [t[2] for t in T.md_tables(STORF)]
STOR_PATH, STOR_QUOTA, STOR_OBJ = _st
LUMIC = T.md_table("hardware/lumic.md", "Nodes")
LUMID = T.md_table("hardware/lumid.md", "Nodes")
NET = T.md_table("hardware/network.md", "")
SLURM = T.md_table("runjobs/scheduled-jobs/slurm-quickstart.md", "Command")
RCLONE = T.md_table("storage/lumio/index.md", "rclone subcommand")
CCE = T.md_table("development/compiling/cce.md", "Feature")
KEYS = T.md_table("firststeps/loggingin.md", "Key type")
VG = T.md_table("development/debugging/valgrind4hpc.md", "Option")
FLAGS = T.md_table("development/compiling/prgenv.md", "Compilers")


def mapcell(r):   # distinctive cell of a MAP supercomputer row
    return {"Leonardo": "CINECA, Bologna Tecnopolo"}.get(r["System"], r["System"])


def pf(cls):      # "Pre-exascale (~380 PF)" / "Exascale (~1 EF)" -> PF
    m = re.search(r"~([\d.]+)\s*(PF|EF)", cls)
    return float(m.group(1)) * (1000 if m.group(2) == "EF" else 1) if m else None


def part(n):
    return T.find_row(PART, "Name", n)


def upto(r):
    return re.search(r"up to \d+\w+", r["Expandable"]).group(0)


def days(s):
    m = re.match(r"(\d+) days", s)
    return int(m.group(1)) if m else None


def netv(s):
    return float(s.split()[0]) if s else None


SUP_COUNTRIES = {r["country"] for r in SUP}
FAC_COUNTRIES = {r["country"] for r in FAC}
NO_C = {"Not available", "N/A"}

C = {}
# ---- counts
C["D2-001"] = lambda: (len(MAP_SUP), [mapcell(r) for r in MAP_SUP])
C["D2-002"] = lambda: (len(MAP_ADD), names(MAP_ADD, "Factory"))
C["D2-003"] = lambda: (lambda r: (len(r), names(r, "Factory")))([r for r in MAP_FIRST if re.search(r"\bnew\b", r["Base system"], re.I)])
C["D2-004"] = lambda: (lambda r: (len(r), names(r, "name")))([r for r in FAC if r["country"] in SUP_COUNTRIES])
C["D2-005"] = lambda: (lambda r: (len(r), names(r, "name")))([r for r in FAC if r["source_title"] == "AI Factories"])


def _d006():
    cls = {r["Country"]: r["Class"] for r in MAP_SUP}
    r = [f for f in MAP_FIRST if re.match(r"(Pre-exascale|Exascale)\b(?! \(incoming)", cls.get(f["Country"], ""))]
    return len(r), names(r, "Factory")


C["D2-006"] = _d006
C["D2-007"] = lambda: (len(SLURM), names(SLURM, "Command"))
C["D2-008"] = lambda: (len(RCLONE), [r["Description"] if r["rclone subcommand"] == "ls" else r["rclone subcommand"] for r in RCLONE])
C["D2-009"] = lambda: (lambda r: (len(r), names(r, "Name")))([p for p in PART if T.walltime_hours(p["Max walltime"]) < 24])
C["D2-010"] = lambda: (lambda r: (len(r), names(r, "Feature")))([r for r in CCE if r["C/C++"] in NO_C])
C["D2-011"] = lambda: (len(KEYS), names(KEYS, "Key type"))
C["D2-012"] = lambda: (len(VG), names(VG, "Option"))
# ---- filters
C["D2-013"] = lambda: (None, names([r for r in FAC if r["confidence"] == "high" and r["lead_or_host"] != "unknown"], "name"))
C["D2-014"] = lambda: (None, names([r for r in MAP_ADD if r["Country"] in {f["Country"] for f in MAP_FIRST}], "Factory"))
C["D2-015"] = lambda: (None, names([r for r in SUP if r["country"] not in FAC_COUNTRIES], "name"))
C["D2-016"] = lambda: (None, [mapcell(r) for r in MAP_SUP if re.search(r"\bHPE\b", r["Notes"])])
C["D2-017"] = lambda: (None, names([r for r in FAC if any(s["name"] in r["base_system_or_infrastructure"] for s in SUP)], "name"))
C["D2-018"] = lambda: (None, names([p for p in PART if p["Max walltime"] == "2 days"], "Name"))
C["D2-019"] = lambda: (None, names([p for p in PART if T.max_jobs(p["Max jobs"]) and T.max_jobs(p["Max jobs"])[0] <= 2], "Name"))
C["D2-020"] = lambda: (None, [upto(r) for r in STOR_QUOTA if days(r["Retention"])])
C["D2-021"] = lambda: (None, names([r for r in CCE if r["Fortran"] == r["C/C++"]], "Feature"))
C["D2-022"] = lambda: (None, [r["Compilers"] if r["Compilers"] != "GCC" else r["Good performance"] for r in FLAGS if r["Aggressive optimizations"] == "-Ofast -funroll-loops"])
# ---- superlatives
C["D2-023"] = lambda: (lambda v, r: (v, [mapcell(x) for x in r]))(*argbest([r for r in MAP_SUP if pf(r["Class"])], lambda r: pf(r["Class"])))
C["D2-024"] = lambda: (lambda v, r: (v, names(r, "component")))(*argbest([r for r in IT4 if pb_in(r["public_specs_or_notes"])], lambda r: pb_in(r["public_specs_or_notes"]), min))


def _d025():
    cc = Counter(r["country"] for r in FAC if r["country"] in SUP_COUNTRIES)
    top = max(cc.values())
    win = sorted(c for c, n in cc.items() if n == top)
    return tuple(win), [r["name"] for r in FAC if r["country"] in win]


C["D2-025"] = _d025
C["D2-026"] = lambda: (lambda v, r: (v, names(r, "name")))(*argbest([r for r in FAC if r["base_system_or_infrastructure"] != "unknown"],
                                                                     lambda r: len(r["base_system_or_infrastructure"].split(","))))
C["D2-027"] = lambda: (lambda v, r: (v, names(r, "Name")))(*argbest([p for p in PART if nodes_of(p["Max resources/job"])], lambda p: nodes_of(p["Max resources/job"]), min))
C["D2-028"] = lambda: (lambda v, r: (v, [upto(x) for x in r]))(*argbest(STOR_QUOTA, lambda r: int(r["Max files"].rstrip("k"))))
C["D2-029"] = lambda: (lambda v, r: (v, [upto(x) for x in r]))(*argbest([r for r in STOR_QUOTA if days(r["Retention"])], lambda r: days(r["Retention"]), min))


def _net(intra, best):
    cand = []
    for r in NET:
        for h in r.header[1:]:
            if r[h] and ((h == r[""]) == intra):
                cand.append((netv(r[h]), r[""], h, r[h]))
    v = best(c[0] for c in cand)
    w = [c for c in cand if c[0] == v]
    assert len(w) == 1
    return (v, w[0][1], w[0][2]), [w[0][3]]


C["D2-030"] = lambda: _net(False, min)
C["D2-031"] = lambda: _net(True, max)
# ---- comparisons
MS = lambda n: pf(T.find_row(MAP_SUP, "System", n)["Class"])
C["D2-032"] = lambda: (cmp2("LUMI", "Leonardo", MS), ["LUMI", "CINECA, Bologna Tecnopolo"])
C["D2-033"] = lambda: (cmp2("Leonardo", "MEGARIDE", lambda n: pb_in(T.find_row(IT4, "component", n)["public_specs_or_notes"])), ["Leonardo", "MEGARIDE"])
CONF = {"low": 1, "medium": 2, "high": 3}
C["D2-034"] = lambda: (cmp2("J-AIF", "CZAI", lambda n: CONF[T.find_row(FAC, "name", n)["confidence"]]), ["J-AIF", "CZAI"])
C["D2-035"] = lambda: (cmp2("Poland", "Italy", lambda c: sum(r["country"] == c for r in FAC)),
                       [r["name"] for r in FAC if r["country"] in ("Poland", "Italy")])
C["D2-036"] = lambda: (cmp2("LUMI-G", "LUMI-C", lambda n: netv(T.find_row(NET, "", n)["LUMI-F"])), ["7.2 TB/s", "22.4 TB/s"])
C["D2-037"] = lambda: (cmp2("standard", "standard-g", lambda n: nodes_of(part(n)["Max resources/job"])), ["standard", "standard-g"])
C["D2-038"] = lambda: (cmp2("largemem", "dev-g", lambda n: T.max_jobs(part(n)["Max jobs"])[0]), ["largemem", "dev-g"])
C["D2-039"] = lambda: (cmp2("Object storage", "Project scratch",
                            lambda l: T.size_gb((STOR_OBJ[0] if l == "Object storage" else [r for r in STOR_QUOTA if r[""] == l][0])["Quota"])),
                       ["Object storage", "up to 500TB"])
C["D2-040"] = lambda: ((lambda a, b: ("no GPUs" if T.size_gb(a["Memory"]) > T.size_gb(b["Memory"]) else "GPUs"))(
    [r for r in LUMID if r["GPUs"] == "none"][0], [r for r in LUMID if r["GPUs"] != "none"][0]), ["4 TiB", "2 TiB"])
# ---- sums / differences
C["D2-041"] = lambda: (sum(pb_in(r["public_specs_or_notes"]) for r in IT4 if pb_in(r["public_specs_or_notes"])),
                       [r["component"] for r in IT4 if pb_in(r["public_specs_or_notes"])])
C["D2-042"] = lambda: (MS("LUMI") - MS("Leonardo"), ["LUMI", "CINECA, Bologna Tecnopolo"])


def _d043():
    t = T.find_row(IT4, "component", "LISA")["public_specs_or_notes"]
    dp = int(re.search(r"(\d+) PFlops double precision", t).group(1))
    mx = int(re.search(r"(\d+) PFlops mixed-precision", t).group(1))
    return mx - dp, ["LISA"]


C["D2-043"] = _d043
C["D2-044"] = lambda: (sum(int(r["Nodes"]) * T.size_gb(r["Memory"]) / 1024 for r in LUMID), names(LUMID, "Memory"))
C["D2-045"] = lambda: (sum(int(r["Nodes"]) * int(re.match(r"(\d+)", r["CPU cores"]).group(1)) for r in LUMIC), names(LUMIC, "Nodes"))
C["D2-046"] = lambda: (T.max_jobs(part("standard-g")["Max jobs"])[0] - T.max_jobs(part("standard")["Max jobs"])[0], ["standard-g", "standard"])

EXPECTED = {
    "D2-001": 12, "D2-002": 12, "D2-003": 5, "D2-004": 10, "D2-005": 6, "D2-006": 4, "D2-007": 5, "D2-008": 11,
    "D2-009": 4, "D2-010": 3, "D2-011": 3, "D2-012": 4,
    "D2-023": 1000, "D2-024": 10, "D2-025": ("Germany", "Spain"), "D2-026": 5, "D2-027": 1, "D2-028": 2000, "D2-029": 30,
    "D2-030": (0.1, "LUMI-M", "LUMI-F"), "D2-031": (276.0, "LUMI-G", "LUMI-G"),
    "D2-032": "LUMI", "D2-033": "Leonardo", "D2-034": "CZAI", "D2-035": "Poland", "D2-036": "LUMI-G", "D2-037": "standard-g",
    "D2-038": "largemem", "D2-039": "Object storage", "D2-040": "no GPUs",
    "D2-041": 160, "D2-042": 139, "D2-043": 585, "D2-044": 48, "D2-045": 262144, "D2-046": 90,
}
SYNTH = {"D2-041": "160 PB", "D2-042": "139 PF", "D2-043": "585 PFlops", "D2-044": "48 TiB", "D2-045": "262,144 cores",
         "D2-046": "90 more jobs"}
COUNT_NOUN = {"D2-001": "systems", "D2-002": "AI factories", "D2-003": "factories", "D2-004": "AI factories",
              "D2-005": "factories", "D2-006": "factories", "D2-007": "commands", "D2-008": "subcommands",
              "D2-009": "partitions", "D2-010": "features", "D2-011": "key types", "D2-012": "options"}
COUNT_TAIL = {}
WORDS = {3: "three", 4: "four", 5: "five", 6: "six", 10: "ten", 11: "eleven", 12: "twelve"}
