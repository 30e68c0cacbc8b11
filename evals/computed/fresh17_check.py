import csv
import json
import os
import re
import sys
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "corpus")
SHARED = os.environ.get("BRIEFQA_SHARED_DIR") or os.path.join(ROOT, "..", "shared")
GUIDE = os.path.join(SHARED, "extra-corpus", "lumi-userguide")
ITEMS = os.path.join(ROOT, "evals", "heldout-final", "computed-fresh17.jsonl")

"""Standalone checker for the computed-fresh17 suite (standard library only).

Reads the tables straight from the documents, recomputes every answerable
item's result with its own function, and checks answers, rows, supports,
ids and category counts.
"""

PLAN = {"count": 13, "filter": 12, "superlative": 10, "comparison": 9, "sum": 3,
        "difference": 3, "join": 4, "near_miss": 6}

P = "runjobs/scheduled-jobs/partitions.md"
S = "storage/index.md"
RC = "storage/lumio/index.md"
CCE = "development/compiling/cce.md"
PE = "development/compiling/prgenv.md"
LM = "runjobs/lumi_env/Lmod_modules.md"
LC = "hardware/lumic.md"
LD = "hardware/lumid.md"
NW = "hardware/network.md"
M = "european-ai-infrastructure-map/MAP.md"
AF = "european-ai-infrastructure-map/ai_factories.csv"
EC = "european-ai-infrastructure-map/eurohpc_supercomputers.csv"
IT = "european-ai-infrastructure-map/it4lia_infrastructure.csv"


# ----------------------------------------------------------------- reading
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


def norm(cell):
    c = cell.strip()
    c = c.replace("**", "").replace("`", "")
    c = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", c)
    c = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", c)
    c = re.sub(r"<br\s*/?>", " ", c)
    return re.sub(r"\s+", " ", c).strip()


def split_row(line):
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c for c in s.split("|")]


SEP = re.compile(r"^\s*:?-[-\s]*:?\s*$")


def md_tables(source):
    """List of tables: dict(header=[...], rows=[[...]], raw=[[...]], lines=[...])."""
    lines = text(source).split("\n")
    tables = []
    i = 0
    while i < len(lines) - 1:
        if lines[i].strip().startswith("|") and lines[i + 1].strip().startswith("|") \
                and all(SEP.match(c) for c in split_row(lines[i + 1])):
            header = [norm(c) for c in split_row(lines[i])]
            rows, raw, rl = [], [], []
            j = i + 2
            while j < len(lines) and lines[j].strip().startswith("|"):
                cells = split_row(lines[j])
                raw.append([c.strip() for c in cells])
                rows.append([norm(c) for c in cells])
                rl.append(lines[j])
                j += 1
            tables.append({"header": header, "rows": rows, "raw": raw, "lines": rl})
            i = j
        else:
            i += 1
    return tables


def table(source, *cols):
    found = [t for t in md_tables(source) if all(c in t["header"] for c in cols)]
    if len(found) != 1:
        raise AssertionError("table %s %s found %d times" % (source, cols, len(found)))
    t = found[0]
    return [dict(zip(t["header"], r)) for r in t["rows"]]


def csv_rows(source):
    with open(path_of(source), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# ----------------------------------------------------------------- parsers
def hours(s):
    m = re.match(r"(\d+)\s*(minute|hour|day)", s)
    n, u = int(m.group(1)), m.group(2)
    return n * {"minute": 1 / 60, "hour": 1, "day": 24}[u]


def jobs(s):
    m = re.match(r"(\d+)\s*\((\d+) running\)", s)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def all_partitions():
    a = table(P, "Name", "Max walltime", "Max jobs", "Max resources/job", "Hardware partition used")
    b = table(P, "Name", "Max walltime", "Max jobs", "Max resources/job", "Hardware partition", "Purpose")
    out = []
    for r in a:
        out.append({"name": r["Name"], "wall": r["Max walltime"], "jobs": r["Max jobs"],
                    "res": r["Max resources/job"], "hw": r["Hardware partition used"], "byres": False})
    for r in b:
        out.append({"name": r["Name"], "wall": r["Max walltime"], "jobs": r["Max jobs"],
                    "res": r["Max resources/job"], "hw": r["Hardware partition"], "byres": True})
    return out


def quota_table():
    return table(S, "Quota", "Max files", "Expandable", "Retention")


def kfiles(s):
    return int(re.match(r"(\d+)k", s).group(1)) * 1000


def gib(s):
    m = re.match(r"(\d+)\s*(GiB|TiB)", s)
    return int(m.group(1)) * (1024 if m.group(2) == "TiB" else 1)


def tbs(s):
    m = re.match(r"([\d.]+)\s*TB/s", s)
    return float(m.group(1)) if m else None


def lumic():
    return table(LC, "Nodes", "CPUs", "CPU cores", "Memory", "Disk", "Network")


def lumid():
    return table(LD, "Nodes", "CPUs", "CPU cores", "Memory", "GPUs", "Disk", "Network")


def network():
    t = [x for x in md_tables(NW) if "LUMI-P" in x["header"]][0]
    out = {}
    for r in t["rows"]:
        out[r[0]] = dict(zip(t["header"][1:], r[1:]))
    return out


def map_systems():
    return table(M, "System", "Country", "Host", "Class", "Notes")


def map_additional():
    return table(M, "Factory", "Country", "Notes")


def continuum():
    return table(M, "System", "Role")


def pb(s):
    m = re.search(r"(\d+) PB", s)
    return int(m.group(1)) if m else None


def pf_value(s):
    """Largest PF/EF figure in a cell, in PF."""
    vals = [float(n) * (1000 if u == "EF" else 1) for n, u in re.findall(r"(\d+(?:\.\d+)?) (PF|EF)\b", s)]
    return max(vals) if vals else None


def fmt(x):
    return ("%.2f" % x).rstrip("0").rstrip(".")


def listing(src, names):
    return "; ".join(names), {(src, n) for n in names}


# ----------------------------------------------------------------- items
def i001():
    rows = [p["name"] for p in all_partitions() if hours(p["wall"]) > 24]
    return str(len(rows)), {(P, n) for n in rows}


def i002():
    rows = [r[""] for r in quota_table() if r["Expandable"].startswith("Yes")]
    return str(len(rows)), {(S, n) for n in rows}


def i003():
    rows = table(RC, "rclone subcommand", "Description")
    return str(len(rows)), {(RC, r["rclone subcommand"]) for r in rows}


def i004():
    rows = [p["name"] for p in all_partitions() if p["byres"] and p["hw"] == "LUMI-G"]
    return str(len(rows)), {(P, n) for n in rows}


def i005():
    rows = [r["Feature"] for r in table(CCE, "Feature", "Fortran", "C/C++")
            if r["C/C++"] in ("N/A", "Not available")]
    return str(len(rows)), {(CCE, n) for n in rows}


def i006():
    rows = [r[""] for r in table(PE, "Description", "Module collection") if "AMD" in r["Description"]]
    return str(len(rows)), {(PE, n) for n in rows}


def i007():
    rows = [r["name"] for r in csv_rows(AF) if r["country"] == "Germany"]
    return str(len(rows)), {(AF, n) for n in rows}


def i008():
    rows = [r["name"] for r in csv_rows(AF) if r["lead_or_host"] == "unknown"]
    return str(len(rows)), {(AF, n) for n in rows}


def i009():
    rows = [r["name"] for r in csv_rows(AF) if r["confidence"] == "high"]
    return str(len(rows)), {(AF, n) for n in rows}


def i010():
    rows = [r["name"] for r in csv_rows(EC) if r["system_class"] == "petascale"]
    return str(len(rows)), {(EC, n) for n in rows}


def i011():
    rows = [r["System"] for r in map_systems() if "incoming" in r["Class"].lower()]
    return str(len(rows)), {(M, n) for n in rows}


def i012():
    rows = [r["Factory"] for r in map_additional() if r["Notes"] == "New"]
    return str(len(rows)), {(M, n) for n in rows}


def i013():
    rows = [r["component"] for r in csv_rows(IT) if r["location"] == "DAMA Tecnopolo, Bologna"]
    return str(len(rows)), {(IT, n) for n in rows}


def i014():
    return listing(P, [p["name"] for p in all_partitions() if p["res"] == "4 nodes"])


def i015():
    return listing(S, [r[""] for r in quota_table() if re.match(r"\d+ days$", r["Retention"])])


def i016():
    return listing(P, [p["name"] for p in all_partitions() if p["hw"] == "LUMI-D"])


def i017():
    return listing(LM, [r["Sub-command"] for r in table(LM, "Sub-command", "Description")
                        if "," in r["Sub-command"]])


def i018():
    return listing(CCE, [r["Feature"] for r in table(CCE, "Feature", "Fortran", "C/C++")
                         if r["Fortran"] == r["C/C++"]])


def i019():
    return listing(P, [p["name"] for p in all_partitions() if jobs(p["jobs"])[1] == 1])


def i020():
    return listing(AF, [r["name"] for r in csv_rows(AF) if r["country"] == "Poland"])


def i021():
    return listing(EC, [r["name"] for r in csv_rows(EC) if r["system_class"] == "pre-exascale"])


def i022():
    return listing(M, [r["System"] for r in map_systems() if "BullSequana XH2000" in r["Notes"]])


def i023():
    return listing(AF, [r["name"] for r in csv_rows(AF) if r["confidence"] == "medium"
                        and r["base_system_or_infrastructure"] != "unknown"])


def i024():
    return listing(M, [r["Factory"] for r in map_additional() if "helpdesk topic list" in r["Notes"]])


def i025():
    return listing(IT, [r["component"] for r in csv_rows(IT) if pb(r["public_specs_or_notes"])])


def i026():
    ps = all_partitions()
    low = min(hours(p["wall"]) for p in ps)
    names = [p["name"] for p in ps if hours(p["wall"]) == low]
    return "%s (%s)" % (", ".join(names), [p["wall"] for p in ps if p["name"] == names[0]][0]), {(P, n) for n in names}


def i027():
    ps = [p for p in all_partitions() if jobs(p["jobs"])[0] is not None]
    top = max(jobs(p["jobs"])[0] for p in ps)
    names = [p["name"] for p in ps if jobs(p["jobs"])[0] == top]
    return "%s (%d jobs)" % (", ".join(names), top), {(P, n) for n in names}


def i028():
    rows = lumic()
    top = max(rows, key=lambda r: int(r["Nodes"]))
    return "%s nodes with %s" % (top["Nodes"], top["Memory"]), {(LC, top["Nodes"])}


def i029():
    rows = quota_table()
    top = max(rows, key=lambda r: kfiles(r["Max files"]))
    return "%s (%s files)" % (top[""], top["Max files"]), {(S, top[""])}


def i030():
    net = network()
    vals = {}
    for src, cols in net.items():
        if tbs(cols.get("LUMI-P", "")) is not None:
            vals[src] = tbs(cols["LUMI-P"])
    top = max(vals, key=vals.get)
    return "%s at %s TB/s" % (top, fmt(vals[top])), {(NW, top)}


def i031():
    rows = [(r["component"], pb(r["public_specs_or_notes"])) for r in csv_rows(IT)]
    rows = [x for x in rows if x[1]]
    top = max(rows, key=lambda x: x[1])
    return "%s (%d PB)" % top, {(IT, top[0])}


def i032():
    rows = [(r["System"], pf_value(r["Class"])) for r in map_systems() if r["Class"].startswith("Pre-exascale")]
    rows = [x for x in rows if x[1]]
    top = max(rows, key=lambda x: x[1])
    return "%s (~%s PF)" % (top[0], fmt(top[1])), {(M, top[0])}


def i033():
    by = {}
    for r in csv_rows(AF):
        by.setdefault(r["country"], []).append(r["name"])
    top = max(len(v) for v in by.values())
    countries = sorted(c for c, v in by.items() if len(v) == top)
    return ", ".join(countries), {(AF, n) for c in countries for n in by[c]}


def i034():
    def val(s):
        m = re.search(r"([\d,]+)", s)
        if not m:
            return 0
        n = int(m.group(1).replace(",", ""))
        return n + 1 if s.startswith(">") else n
    rows = table(M, "Tier", "GPU hours", "Audience")
    top = max(rows, key=lambda r: val(r["GPU hours"]))
    return "%s (%s)" % (top["Tier"], top["GPU hours"]), {(M, top["Tier"])}


def i035():
    rows = [(r["System"], pf_value(r["Role"])) for r in continuum()]
    rows = [x for x in rows if x[1]]
    top = max(rows, key=lambda x: x[1])
    return "%s (%s PF = %s EF)" % (top[0], fmt(top[1]), fmt(top[1] / 1000)), {(M, top[0])}


def nodes_of(res):
    m = re.match(r"(\d+) nodes", res)
    return int(m.group(1)) if m else None


def i036():
    ps = {p["name"]: p for p in all_partitions()}
    a, b = nodes_of(ps["standard-g"]["res"]), nodes_of(ps["standard"]["res"])
    win = "standard-g" if a > b else "standard"
    words = "twice" if max(a, b) == 2 * min(a, b) else ""
    return "%s: %d vs %d nodes, %d more, %s" % (win, a, b, abs(a - b), words), {(P, "standard-g"), (P, "standard")}


def i037():
    rows = {r["Memory"]: r for r in lumid()}
    d4 = int(re.match(r"(\d+) TB", rows["4 TiB"]["Disk"]).group(1))
    d2 = int(re.match(r"(\d+) TB", rows["2 TiB"]["Disk"]).group(1))
    assert "A40" in rows["2 TiB"]["GPUs"] and rows["4 TiB"]["GPUs"] == "none"
    return "%d TB vs %d TB: %d TB more" % (d4, d2, d4 - d2), {(LD, "4 TiB"), (LD, "2 TiB")}


def i038():
    rows = {r[""]: r for r in quota_table()}
    a, b = kfiles(rows["Project scratch"]["Max files"]), kfiles(rows["Project fast"]["Max files"])
    words = "twice" if a == 2 * b else ""
    return "scratch %dk vs fast %dk: %s" % (a // 1000, b // 1000, words), {(S, "Project scratch"), (S, "Project fast")}


def i039():
    net = network()
    a, b = tbs(net["LUMI-G"]["LUMI-F"]), tbs(net["LUMI-C"]["LUMI-F"])
    return "LUMI-G %s TB/s vs LUMI-C %s TB/s: %s TB/s more" % (fmt(a), fmt(b), fmt(a - b)), {(NW, "LUMI-G"), (NW, "LUMI-C")}


def i040():
    ps = {p["name"]: p for p in all_partitions()}
    a, b = jobs(ps["small"]["jobs"])[0], jobs(ps["small-g"]["jobs"])[0]
    win = "small" if a > b else "small-g"
    return "%s: %d vs %d, %d more" % (win, a, b, abs(a - b)), {(P, "small"), (P, "small-g")}


def i041():
    rows = {r["System"]: pf_value(r["Class"]) for r in map_systems()}
    a, b = rows["LUMI"], rows["Leonardo"]
    return "LUMI ~%s PF vs Leonardo ~%s PF: %s PF" % (fmt(a), fmt(b), fmt(a - b)), {(M, "LUMI"), (M, "Leonardo")}


def i042():
    rows = {r["component"]: pb(r["public_specs_or_notes"]) for r in csv_rows(IT)}
    a, b = rows["MEGARIDE"], rows["GAIA"]
    return "MEGARIDE %d PB vs GAIA %d PB: %d PB more, %dx" % (a, b, a - b, a // b), {(IT, "MEGARIDE"), (IT, "GAIA")}


def i043():
    rows = {r["System"]: pf_value(r["Class"]) for r in map_systems()}
    a, b = rows["JUPITER"], rows["LUMI"]
    return "JUPITER ~%s PF vs LUMI ~%s PF: %s PF more, %.1f times" % (fmt(a), fmt(b), fmt(a - b), a / b), \
        {(M, "JUPITER"), (M, "LUMI")}


def i044():
    rows = {r["component"]: r["public_specs_or_notes"] for r in csv_rows(IT)}
    lisa = int(re.search(r"(\d+) PFlops double precision", rows["LISA"]).group(1))
    leo = int(re.search(r"(\d+) petaflops", rows["Leonardo"]).group(1))
    return "Leonardo %d vs LISA %d: %d PF more, %.1f times" % (leo, lisa, leo - lisa, leo / lisa), \
        {(IT, "LISA"), (IT, "Leonardo")}


def i045():
    rows = [r for r in lumic() if gib(r["Memory"]) >= 512]
    return str(sum(int(r["Nodes"]) for r in rows)), {(LC, r["Nodes"]) for r in rows}


def i046():
    rows = lumid()
    total = sum(int(r["Nodes"]) * gib(r["Memory"]) for r in rows) // 1024
    return "%d TiB" % total, {(LD, r["Memory"]) for r in rows}


def i047():
    rows = [(r["component"], pb(r["public_specs_or_notes"])) for r in csv_rows(IT)]
    rows = [x for x in rows if x[1]]
    return "%d PB" % sum(x[1] for x in rows), {(IT, x[0]) for x in rows}


def i048():
    rows = {gib(r["Memory"]): int(r["Nodes"]) for r in lumic()}
    return str(rows[256] - rows[512]), {(LC, str(rows[256])), (LC, str(rows[512]))}


def i049():
    a = pf_value([r for r in continuum() if r["System"] == "Leonardo"][0]["Role"])
    b = pf_value([r for r in map_systems() if r["System"] == "Leonardo"][0]["Class"])
    return "%s PF" % fmt(abs(a - b)), {(M, "Leonardo")}


def i050():
    a = [r["System"] for r in map_systems()]
    b = [r["name"] for r in csv_rows(EC)]
    return "%d vs %d: %d more" % (len(a), len(b), len(a) - len(b)), {(M, n) for n in a} | {(EC, n) for n in b}


def i051():
    peta = [r for r in csv_rows(EC) if r["system_class"] == "petascale"]
    facs = csv_rows(AF)
    countries, rows = [], set()
    for s in peta:
        hit = [f for f in facs if f["country"] == s["country"]]
        if hit:
            countries.append(s["country"])
            rows.add((EC, s["name"]))
            rows |= {(AF, f["name"]) for f in hit}
    return ", ".join(countries), rows


def i052():
    pre = [r["name"] for r in csv_rows(EC) if r["system_class"] == "pre-exascale"]
    names, rows = [], set()
    for f in csv_rows(AF):
        for s in pre:
            if re.search(r"\b%s\b" % re.escape(s), f["base_system_or_infrastructure"]):
                names.append(f["name"])
                rows |= {(AF, f["name"]), (EC, s)}
    return ", ".join(names), rows


def i053():
    part = [p for p in all_partitions() if p["name"] == "standard"][0]
    assert part["hw"] == "LUMI-C"
    rows = lumic()
    cores = {int(re.match(r"(\d+)", r["CPU cores"]).group(1)) for r in rows}
    assert len(cores) == 1
    # the standard partition uses the standard-memory nodes (large-memory ones sit in `small`)
    std = min(rows, key=lambda r: gib(r["Memory"]))
    n = nodes_of(part["res"]) * cores.pop()
    return "%d cores" % n, {(P, "standard"), (LC, std["Nodes"])}


def i054():
    hw = [r for r in table(S, "Path", "Intended use", "Hardware partition used") if r[""] == "Project flash"][0]
    part = hw["Hardware partition used"]
    net = network()
    val = net["LUMI-G"].get(part) or net.get(part, {}).get("LUMI-G")
    return "%s: %s" % (part, val), {(S, "Project flash"), (NW, "LUMI-G")}


# near misses: verify that the tables cannot support the computation
def n055():
    t = table(P, "Name", "Max walltime", "Max jobs", "Max resources/job", "Hardware partition", "Purpose")
    hdr = " ".join(t[0].keys()).lower()
    assert "mem" not in hdr
    devg = [r for r in t if r["Name"] == "dev-g"][0]
    assert not re.search(r"\b(GB|GiB|TB|TiB)\b", " ".join(devg.values()))
    assert not re.search(r"dev-g[^\n]*(GB|GiB)", text(P))


def n056():
    t = [x for x in md_tables(NW) if "LUMI-P" in x["header"]][0]
    assert "LUMI-O" not in t["header"] and all(r[0] != "LUMI-O" for r in t["rows"])
    assert "LUMI-O" not in text(NW)


def n057():
    rows = lumid()
    for r in rows:
        assert "GHz" not in r["GPUs"] and "MHz" not in r["GPUs"]
    assert not re.search(r"A40[^\n]*(MHz|GHz)", text(LD)), "A40 clock present"
    assert "MHz" not in text(LD)


def n058():
    row = [r for r in map_systems() if r["System"] == "Karolina"][0]
    assert not re.search(r"\d", row["Notes"] + row["Class"])
    crow = [r for r in csv_rows(EC) if r["name"] == "Karolina"][0]
    assert not re.search(r"\d", crow["notable_partitions_or_notes"])


def n059():
    row = [r for r in map_systems() if r["System"] == "MeluXina"][0]
    assert pf_value(row["Class"]) is None and pf_value(row["Notes"]) is None
    for line in text(M).split("\n"):
        if "MeluXina" in line:
            assert not re.search(r"\d+ ?(PF|EF|petaflop)", line, re.I), line


def n060():
    contacts = table(M, "Purpose", "Contact")
    assert all("it4lia" in r["Contact"].lower() or not "@" in r["Contact"] for r in contacts)
    for line in text(M).split("\n") + text(AF).split("\n"):
        if "MIMER" in line:
            assert "@" not in line
    assert not re.search(r"mimer[^\s]*@|@[^\s]*mimer", text(M) + text(AF), re.I)


FUNCS = {}
for _n in range(1, 55):
    FUNCS["CF17-%03d" % _n] = globals()["i%03d" % _n]
for _n in range(55, 61):
    FUNCS["CF17-%03d" % _n] = globals()["n%03d" % _n]


# ----------------------------------------------------------------- checks
def cell_exists(source, cell):
    if source.endswith(".csv"):
        return any(cell in r.values() for r in csv_rows(source))
    for t in md_tables(source):
        for r in t["rows"]:
            if cell in r:
                return True
    return False


def row_cells(source, cell):
    """All (normalized, raw) cells of the table rows identified by `cell`."""
    out = []
    if source.endswith(".csv"):
        for r in csv_rows(source):
            if cell in r.values():
                out.extend(r.values())
        return out
    for t in md_tables(source):
        for r, raw in zip(t["rows"], t["raw"]):
            if cell in r:
                out.extend(r)
                out.extend(raw)
    return out


def main():
    errors = []
    with open(ITEMS, encoding="utf-8") as f:
        items = [json.loads(line) for line in f if line.strip()]
    ids = [it["id"] for it in items]
    if len(ids) != len(set(ids)):
        errors.append("duplicate ids")
    if ids != ["CF17-%03d" % n for n in range(1, 61)]:
        errors.append("ids are not CF17-001 ... CF17-060 in order")
    counts = {}
    for it in items:
        counts[it.get("category")] = counts.get(it.get("category"), 0) + 1
    if counts != PLAN:
        errors.append("category counts %s != plan %s" % (counts, PLAN))
    kinds = {}
    for it in items:
        kinds[it["kind"]] = kinds.get(it["kind"], 0) + 1
    if abs(kinds.get("lumi", 0) - kinds.get("map", 0)) > 4:
        errors.append("kind balance off: %s" % kinds)

    for it in items:
        iid = it["id"]
        def err(msg):
            errors.append("%s: %s" % (iid, msg))
        for k in ("question", "kind", "answers", "support", "source", "section", "category", "rows", "computation"):
            if k not in it:
                err("missing field " + k)
        if it.get("section") is not None:
            err("section must be null")
        try:
            for a in it["answers"]:
                re.compile(a)
        except re.error as e:
            err("bad regex %s" % e)
        if it["category"] == "near_miss":
            if it["kind"] != "unanswerable" or it["answers"] or it["support"] is not None \
                    or it["source"] is not None or it["rows"]:
                err("near_miss must be unanswerable with empty answers/rows and null support/source")
            try:
                FUNCS[iid]()
            except AssertionError as e:
                err("near miss is answerable after all: %s" % e)
            continue
        if it["kind"] not in ("lumi", "map"):
            err("bad kind")
        want_kind = "map" if it["source"].startswith("european-ai-infrastructure-map/") else "lumi"
        if it["kind"] != want_kind:
            err("kind does not match source")
        # support verbatim, markup-free, inside one cell of a listed row
        sup, src = it["support"], it["source"]
        if sup not in text(src):
            err("support not verbatim in %s" % src)
        if re.search(r"\*\*|`|<br|\[|\n", sup):
            err("support contains markup")
        if not any(sup in c for r in it["rows"] if r["source"] == src for c in row_cells(src, r["cell"])):
            err("support not inside a cell of a listed row")
        # rows exist
        for r in it["rows"]:
            if not cell_exists(r["source"], r["cell"]):
                err("row cell %r not found in %s" % (r["cell"], r["source"]))
        # recompute
        try:
            answer, rows = FUNCS[iid]()
        except Exception as e:  # noqa
            err("recompute failed: %r" % e)
            continue
        given = {(r["source"], r["cell"]) for r in it["rows"]}
        if rows != given:
            err("rows differ: computed %s, item %s" % (sorted(rows), sorted(given)))
        pats = it["answers"]
        hits = [bool(re.search(p, answer, re.I)) for p in pats]
        if it.get("require_all"):
            if not all(hits):
                err("computed %r does not match all patterns %s" % (answer, pats))
            if it["category"] == "filter":
                names = [n.strip() for n in answer.split("; ")]
                for n in names:
                    if not any(re.search(p, n, re.I) for p in pats):
                        err("listed row %r has no pattern" % n)
                for p in pats:
                    if sum(bool(re.search(p, n, re.I)) for n in names) != 1:
                        err("pattern %r does not pick exactly one row" % p)
        elif not any(hits):
            err("computed %r matches none of %s" % (answer, pats))

    if errors:
        for e in errors:
            print("FAIL", e)
        print("check failed: %d problem(s)" % len(errors))
        sys.exit(1)
    print("%d items, categories %s, kinds %s" % (len(items), counts, kinds))
    print("check passed")


if __name__ == "__main__":
    main()
