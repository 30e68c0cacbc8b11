#!/usr/bin/env python3
"""Standalone checker for computed.jsonl (standard library only).

Reads the tables straight from the corpus (corpus/ and the shared LUMI guide), recomputes each answerable
item's result, and checks that
  * the answer regex matches a sentence stating the recomputed result, and
    does not match sentences stating a wrong result,
  * the rows[] cells equal the rows the recomputed result rests on,
  * every support phrase occurs verbatim in its source file,
  * every rows[].cell is the (cleaned) first cell of a row of that source,
  * ids are unique; near misses have empty answers/support/source/rows.
Cells are cleaned before comparison: ** and backticks dropped, <br> -> space,
[text][ref] / [text](url) -> text, whitespace collapsed.
"""
import csv, json, os, re, sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(ROOT, "corpus")  # the brief and the map
SHARED = os.environ.get("BRIEFQA_SHARED_DIR", os.path.join(ROOT, "..", "shared"))
GUIDE = os.path.join(SHARED, "extra-corpus", "lumi-userguide")
JSONL = os.path.join(ROOT, "evals", "heldout-final", "computed-fresh2.jsonl")
MAPDIR = "european-ai-infrastructure-map/"


def fs_path(src):
    return os.path.join(CORPUS, src) if src.startswith(MAPDIR) else os.path.join(GUIDE, src)


def clean(c):
    c = re.sub(r"<br\s*/?>", " ", c)
    c = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", c)
    c = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", c)
    c = c.replace("**", "").replace("`", "")
    return re.sub(r"\s+", " ", c).strip()


def md_tables(src):
    """List of (header, rows) with cleaned cells for every Markdown table in a file."""
    tables, block = [], []
    lines = open(fs_path(src), encoding="utf-8").read().split("\n") + [""]
    for ln in lines:
        if ln.strip().startswith("|"):
            block.append(ln.strip())
            continue
        if len(block) >= 2 and re.fullmatch(r"[|:\-\s]+", block[1]):
            def cells(l):
                l = l.strip()
                if l.startswith("|"): l = l[1:]
                if l.endswith("|"): l = l[:-1]
                return [clean(x) for x in l.split("|")]
            tables.append((cells(block[0]), [cells(b) for b in block[2:]]))
        block = []
    return tables


def table(src, first_cols):
    """The table whose header starts with first_cols (cleaned)."""
    for h, rows in md_tables(src):
        if h[:len(first_cols)] == first_cols:
            return h, rows
    raise KeyError((src, first_cols))


def csv_rows(src):
    with open(fs_path(src), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def first_cells(src):
    if src.endswith(".csv"):
        with open(fs_path(src), encoding="utf-8", newline="") as f:
            return {r[0] for r in list(csv.reader(f))[1:] if r}
    return {r[0] for _, rows in md_tables(src) for r in rows if r}


SC = MAPDIR + "eurohpc_supercomputers.csv"
AF = MAPDIR + "ai_factories.csv"
IT = MAPDIR + "it4lia_infrastructure.csv"
MAP = MAPDIR + "MAP.md"
PART = "runjobs/scheduled-jobs/partitions.md"
STO = "storage/index.md"
LC = "hardware/lumic.md"
LD = "hardware/lumid.md"
NET = "hardware/network.md"
LOGIN = "firststeps/loggingin.md"
S3 = "storage/lumio/index.md"
PRG = "development/compiling/prgenv.md"
LMOD = "runjobs/lumi_env/Lmod_modules.md"


# ---------- helpers over specific tables
def partitions():
    out = []
    for h, rows in md_tables(PART):
        if h and h[0] == "Name":
            for r in rows:
                out.append(dict(zip(h, r)))
    return out


def hours(s):
    n, unit = re.match(r"(\d+)\s+(\w+)", s).groups()
    n = float(n)
    return n * 24 if unit.startswith("day") else n / 60 if unit.startswith("minute") else n


def nodes(s):
    if s.startswith("All"):
        return float("inf")
    m = re.match(r"(\d+)\s+nodes?", s)
    return int(m.group(1)) if m else 0  # "1 GPU" -> sub-node


def gib(s):
    n, u = re.match(r"([\d.]+)\s*(GiB|TiB|GB|TB)", s).groups()
    return float(n) * (1024 if u.startswith("T") else 1)


def size_tb(s):
    n, u = re.search(r"([\d.]+)\s*(GB|TB)", s).groups()
    return float(n) / 1000 if u == "GB" else float(n)


def quota_table():
    h, rows = table(STO, ["", "Quota", "Max files"])
    return [dict(zip(h, r)) | {"name": r[0]} for r in rows]


def map_sys():
    h, rows = table(MAP, ["System", "Country", "Host", "Class"])
    return [dict(zip(h, r)) for r in rows]


def first_wave():
    h, rows = table(MAP, ["Factory", "Country", "Lead / host", "Base system"])
    return [dict(zip(h, r)) for r in rows]


def flops_pf(cls):
    m = re.search(r"~([\d.]+)\s*(PF|EF)", cls)
    if not m:
        return None
    return float(m.group(1)) * (1000 if m.group(2) == "EF" else 1)


def storage_pb(notes):
    m = re.search(r"(\d+)\s*PB storage", notes)
    return int(m.group(1)) if m else None


def lst(names):
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


NUMW = {2: "two", 3: "three", 4: "four", 5: "five", 11: "eleven", 13: "thirteen"}


def count_case(names, noun, extra=""):
    n = len(names)
    good = [f"There are {n} {noun}{extra}: {lst(names)}."]
    if n in NUMW:
        good.append(f"{NUMW[n].capitalize()} {noun}{extra}.")
    bad = [f"There are {n + 1} {noun}{extra}.", f"There are {n - 1} {noun}{extra}."]
    return good, bad, names


def filter_case(names, extra=""):
    good = [f"{lst(names)}{extra}."]
    bad = [f"{lst(names[:-1])}{extra}."] if len(names) > 1 else []
    return good, bad, names


# ---------- recomputation per item: returns (good sentences, bad sentences, expected row cells)
def c001():
    names = [r["name"] for r in csv_rows(SC) if r["system_class"] == "petascale"]
    return count_case(names, "petascale systems")

def c002():
    names = [r["name"] for r in csv_rows(AF) if r["lead_or_host"] == "unknown"]
    return count_case(names, "AI Factories", " with an unknown lead/host")

def c003():
    names = [r["name"] for r in csv_rows(AF) if r["country"] == "Poland"]
    return count_case(names, "Polish AI Factories")

def c004():
    names = [r["component"] for r in csv_rows(IT) if "Bologna" in r["location"]]
    return count_case(names, "components")

def c005():
    h, rows = table(MAP, ["Initiative", "Country", "Notes"])
    names = [r[0] for r in rows if r[1] == "France"]
    return count_case(names, "French stacks")

def c006():
    names = [p["Name"] for p in partitions() if hours(p["Max walltime"]) <= 4]
    return count_case(names, "partitions")

def c007():
    h, rows = table(LC, ["Nodes", "CPUs"])
    sel = [r for r in rows if gib(r[h.index("Memory")]) > 256]
    n = sum(int(r[0]) for r in sel)
    good = [f"{' + '.join(r[0] for r in sel)} = {n} nodes have more than 256 GiB.", f"{n} nodes."]
    bad = [f"{n - 32} nodes.", f"{sum(int(r[0]) for r in rows)} nodes."]
    return good, bad, [r[0] for r in sel]

def c008():
    h, rows = table(LOGIN, ["Login node name", "IP Address"])
    return count_case([r[0] for r in rows], "login nodes")

def c009():
    h, rows = table(STO, ["", "Path", "Intended use"])
    names = [r[0] for r in rows if r[h.index("Hardware partition used")] == "LUMI-P"]
    return count_case(names, "storage areas")

def c010():
    h, rows = table(S3, ["s3cmd command", "Function"])
    return count_case([r[0] for r in rows], "s3cmd commands")

def c011():
    names = [s["System"] for s in map_sys() if "incoming" in s["Class"].lower()]
    return filter_case(names, " are still incoming")

def c012():
    names = [r["name"] for r in csv_rows(SC) if r["system_class"] == "pre-exascale"]
    return filter_case(names)

def c013():
    names = [r["name"] for r in csv_rows(AF) if r["confidence"] == "high" and r["lead_or_host"] == "unknown"]
    return filter_case(names)

def c014():
    nordic = {"Finland", "Sweden", "Denmark", "Norway", "Iceland"}
    names = [f["Factory"] for f in first_wave() if f["Country"] in nordic]
    return filter_case(names)

def c015():
    h, rows = table(MAP, ["Factory", "Country", "Notes"])
    names = [r[0] for r in rows if r[2] == "New"]
    return filter_case(names)

def c016():
    names = [p["Name"] for p in partitions() if nodes(p["Max resources/job"]) > 4]
    return filter_case(names)

def c017():
    names = [q["name"] for q in quota_table() if q["Expandable"].startswith("Yes")]
    return filter_case(names)

def c018():
    h, rows = table(PRG, ["", "Description", "Module collection"])
    sel = [r for r in rows if "AMD" in r[1]]
    good = [" and ".join(f"{r[0]} ({r[2]})" for r in sel) + "."]
    return good, [f"{sel[0][0]} ({sel[0][2]})."], [r[0] for r in sel]

def c019():
    h, rows = table(LMOD, ["Sub-command", "Description"])
    sel = [r[0] for r in rows if "," in r[0]]
    return filter_case(sel)

def c020():
    h, rows = table(LC, ["Nodes", "CPUs"])
    m = h.index("Memory")
    best = max(rows, key=lambda r: gib(r[m]))
    return [f"{best[m]}, on {best[0]} nodes."], ["512 GiB, on 128 nodes."], [best[0]]

def c021():
    ps = partitions()
    mx = max(hours(p["Max walltime"]) for p in ps)
    names = [p["Name"] for p in ps if hours(p["Max walltime"]) == mx]
    assert mx == 72
    return [f"{lst(names)} allow up to {int(mx // 24)} days."], ["small allows up to 3 days.", "standard-g allows 2 days."], names

def c022():
    ps = partitions()
    best = min(ps, key=lambda p: hours(p["Max walltime"]))
    return [f"The {best['Name']} partition ({best['Max walltime']})."], ["The dev-g partition (3 hours)."], [best["Name"]]

def c023():
    qs = [q for q in quota_table() if q["Billing rate"] != "NA"]
    best = max(qs, key=lambda q: float(q["Billing rate"].rstrip("x")))
    return [f"{best['name']} (flash), billed at {best['Billing rate']}."], ["Project scratch, billed at 1x."], [best["name"]]

def c024():
    rows = [(r["component"], storage_pb(r["public_specs_or_notes"])) for r in csv_rows(IT)]
    best = max((r for r in rows if r[1]), key=lambda r: r[1])
    return [f"{best[0]}, with more than {best[1]} PB."], ["MEGARIDE, with 50 PB."], [best[0]]

def c025():
    h, rows = table(NET, ["", "LUMI-G", "LUMI-C"])
    best = None
    for r in rows:
        for col, v in zip(h[1:], r[1:]):
            if v and col != r[0]:
                val = float(v.split()[0])
                if best is None or val > best[0]:
                    best = (val, r[0], col)
    return [f"{best[1]} to {best[2]}: {best[0]} TB/s."], ["LUMI-G to LUMI-P: 9.6 TB/s."], [best[1]]

def c026():
    vals = [(s["System"], flops_pf(s["Class"])) for s in map_sys() if flops_pf(s["Class"])]
    best = min(vals, key=lambda v: v[1])
    return [f"{best[0]} (~{best[1]:g} PF)."], ["LUMI (~380 PF)."], [best[0]]

def c027():
    qs = quota_table()
    best = max(qs, key=lambda q: int(q["Max files"].rstrip("k")))
    return [f"{best['name']}, with {best['Max files']} files."], ["Project fast, with 1000k files."], [best["name"]]

def c028():
    h, rows = table(LD, ["Nodes", "CPUs"])
    m, g = h.index("Memory"), h.index("GPUs")
    nogpu = [r for r in rows if r[g] == "none"][0]
    gpu = [r for r in rows if r[g] != "none"][0]
    assert gib(nogpu[m]) > gib(gpu[m])
    return ([f"The nodes without GPUs: {nogpu[m]} vs {gpu[m]}."],
            [f"The A40 nodes: they have {gpu[m]}."], [nogpu[0], gpu[0]])

def c029():
    scratch = [q for q in quota_table() if q["name"] == "Project scratch"][0]
    h, rows = table(STO, ["", "Quota", "Max buckets"])
    obj = rows[0]
    assert size_tb(obj[1]) > size_tb(scratch["Quota"])
    return ([f"No. Scratch is {scratch['Quota']}, object storage is {obj[1]}."],
            [f"Yes, scratch is bigger than the {obj[1]} object store."], ["Project scratch", obj[0]])

def c030():
    d = {r["name"]: r["system_class"] for r in csv_rows(SC)}
    assert d["LUMI"] == "pre-exascale" and d["JUPITER"] == "exascale"
    return ([f"No. JUPITER is {d['JUPITER']}, LUMI only {d['LUMI']}."],
            ["Yes, LUMI is bigger than JUPITER."], ["LUMI", "JUPITER"])

def c031():
    v = {s["System"]: flops_pf(s["Class"]) for s in map_sys()}
    w = max(["LUMI", "Leonardo"], key=lambda k: v[k])
    return ([f"{w} (~{v[w]:g} PF vs ~{v['Leonardo']:g} PF)."], ["Leonardo (~241 PF)."], ["LUMI", "Leonardo"])

def c032():
    v = {r["component"]: storage_pb(r["public_specs_or_notes"]) for r in csv_rows(IT)}
    w = max(["MEGARIDE", "GAIA"], key=lambda k: v[k])
    return [f"{w}, with {v[w]} PB vs {v['GAIA']} PB."], ["GAIA, with 10 PB."], ["MEGARIDE", "GAIA"]

def c033():
    h, rows = table(NET, ["", "LUMI-G", "LUMI-C"])
    g = dict(zip(h, [r for r in rows if r[0] == "LUMI-G"][0]))
    f, p = float(g["LUMI-F"].split()[0]), float(g["LUMI-P"].split()[0])
    w = "LUMI-P" if p > f else "LUMI-F"
    return [f"{w}: {max(p, f)} TB/s vs {min(p, f)} TB/s."], ["LUMI-F: 7.2 TB/s."], ["LUMI-G"]

def c034():
    h, rows = table(MAP, ["Tier", "GPU hours", "Audience"])
    d = {r[0]: r[1] for r in rows}
    assert d["Fast Lane"].startswith("Up to 50,000") and d["Large Scale"].startswith("> 50,000")
    return [f"Large Scale ({d['Large Scale']} vs {d['Fast Lane']})."], ["Fast Lane (up to 50,000)."], ["Fast Lane", "Large Scale"]

def c035():
    h, rows = table(LC, ["Nodes", "CPUs"])
    n = sum(int(r[0]) for r in rows)
    return [f"{n} nodes in total.", f"{n:,} nodes."], [f"{n - 32} nodes."], [r[0] for r in rows]

def c036():
    h, rows = table(LD, ["Nodes", "CPUs"])
    d, g = h.index("Disk"), h.index("GPUs")
    big = size_tb([r for r in rows if r[g] == "none"][0][d])
    small = size_tb([r for r in rows if r[g] != "none"][0][d])
    diff = big - small
    return [f"{diff:g} TB more ({big:g} TB vs {small:g} TB)."], ["14 TB more."], [r[0] for r in rows]

def c037():
    q = [q for q in quota_table() if q["name"] == "Project scratch"][0]
    mx = float(re.search(r"up to (\d+)\s*TB", q["Expandable"]).group(1))
    diff = mx - size_tb(q["Quota"])
    return [f"{diff:g} TB (from {q['Quota']} up to {mx:g} TB)."], ["500 TB."], [q["name"]]

def c038():
    v = {r["component"]: storage_pb(r["public_specs_or_notes"]) for r in csv_rows(IT)}
    s = v["GAIA"] + v["MEGARIDE"]
    return [f"{s} PB in total."], ["50 PB in total."], ["GAIA", "MEGARIDE"]

def c039():
    sc = [r["name"] for r in csv_rows(SC)]
    facts, systems = [], []
    for r in csv_rows(AF):
        hit = [s for s in sc if re.search(r"\b%s\b" % re.escape(s), r["base_system_or_infrastructure"])]
        if hit:
            facts.append(r["name"]); systems += hit
    good = [f"{lst(facts)}."]
    return good, [f"{lst(facts[:-1])}."], facts + systems

def c040():
    pet = [s["System"] for s in map_sys() if s["Class"].startswith("Petascale")]
    facts, systems = [], []
    for f in first_wave():
        hit = [s for s in pet if re.search(r"\b%s\b" % re.escape(s), f["Base system"])]
        if hit:
            facts.append(f["Factory"]); systems += hit
    return [f"Only {lst(facts)}."], ["Only LUMI AI Factory."], facts + systems


CHECKS = {f"CG-{i:03d}": globals()[f"c{i:03d}"] for i in range(1, 41)}


def main():
    items = [json.loads(l) for l in open(JSONL, encoding="utf-8") if l.strip()]
    errs = []
    ids = [it["id"] for it in items]
    for i, n in Counter(ids).items():
        if n > 1:
            errs.append(f"duplicate id {i}")
    keys = ["id", "question", "kind", "category", "answers", "support", "source", "section", "rows", "computation"]
    for it in items:
        iid = it["id"]
        if list(it) != keys:
            errs.append(f"{iid}: keys {list(it)}")
        if it["section"] is not None:
            errs.append(f"{iid}: section must be null")
        if it["category"] == "near_miss":
            if it["kind"] != "unanswerable" or it["answers"] or it["support"] or it["source"] or it["rows"]:
                errs.append(f"{iid}: near miss must have empty answers/support/source/rows")
            continue
        if it["kind"] not in ("map", "lumi"):
            errs.append(f"{iid}: bad kind")
        if it["kind"] == "map" and not it["source"].startswith(MAPDIR):
            errs.append(f"{iid}: kind map but source {it['source']}")
        # support phrase
        sup = it["support"]
        nw = len(sup.split())
        if not (3 <= nw <= 12):
            errs.append(f"{iid}: support has {nw} words")
        if sup not in open(fs_path(it["source"]), encoding="utf-8").read():
            errs.append(f"{iid}: support not verbatim in {it['source']}: {sup!r}")
        # row cells
        for r in it["rows"]:
            if r["cell"] not in first_cells(r["source"]):
                errs.append(f"{iid}: row cell {r['cell']!r} not a first cell in {r['source']}")
        # recompute
        good, bad, exp_rows = CHECKS[iid]()
        if Counter(r["cell"] for r in it["rows"]) != Counter(exp_rows):
            errs.append(f"{iid}: rows {[r['cell'] for r in it['rows']]} != recomputed {exp_rows}")
        for s in good:
            if not any(re.search(p, s, re.I) for p in it["answers"]):
                errs.append(f"{iid}: answer regex misses correct sentence {s!r}")
        for s in bad:
            if any(re.search(p, s, re.I) for p in it["answers"]):
                errs.append(f"{iid}: answer regex accepts wrong sentence {s!r}")
        print(f"{iid} {it['category']:<11} {good[0]}")
    cats = Counter(it["category"] for it in items)
    print(dict(cats), "items:", len(items))
    if errs:
        print("\n".join(errs))
        print("check FAILED")
        sys.exit(1)
    print("check passed")


if __name__ == "__main__":
    main()
