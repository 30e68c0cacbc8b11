import os
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "corpus")
SHARED = os.environ.get("BRIEFQA_SHARED_DIR") or os.path.join(ROOT, "..", "shared")
GUIDE = os.path.join(SHARED, "extra-corpus", "lumi-userguide")
ITEMS = os.path.join(ROOT, "evals", "heldout-final", "computed-fresh16.jsonl")

"""Standalone checker for the computed-fresh16 suite (standard library only).

Reads the tables straight from the documents, recomputes every answerable
item's result with one function per item, and checks it against the item's
answer patterns, rows, supports, ids and category counts.
"""

import csv
import io
import json
import re
import sys
from collections import Counter

PLANNED = {"count": 13, "filter": 12, "superlative": 10, "comparison": 9, "sum": 3,
           "difference": 3, "join": 4, "near_miss": 6}

MAPDIR = "european-ai-infrastructure-map/"
MAP = MAPDIR + "MAP.md"
AF = MAPDIR + "ai_factories.csv"
SC = MAPDIR + "eurohpc_supercomputers.csv"
IT = MAPDIR + "it4lia_infrastructure.csv"
P = "runjobs/scheduled-jobs/partitions.md"
ST = "storage/index.md"
NET = "hardware/network.md"
LC = "hardware/lumic.md"
LD = "hardware/lumid.md"
LM = "runjobs/lumi_env/Lmod_modules.md"
RC = "storage/lumio/index.md"
LG = "firststeps/loggingin.md"
CCE = "development/compiling/cce.md"


# ---------------------------------------------------------------- reading
def path_of(source):
    if source.startswith(MAPDIR) or source.endswith(".txt"):
        return os.path.join(CORPUS, *source.split("/"))
    return os.path.join(GUIDE, *source.split("/"))


_text_cache = {}


def text(source):
    if source not in _text_cache:
        with open(path_of(source), encoding="utf-8") as f:
            _text_cache[source] = f.read()
    return _text_cache[source]


def clean(cell):
    """Cell text without Markdown: <br>, bold, links, backticks."""
    s = cell.strip()
    s = re.sub(r"<br>\s*", " ", s)
    s = s.replace("**", "")
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", s)
    s = s.replace("`", "")
    return re.sub(r"\s+", " ", s).strip()


def key(cell):
    """Identifying form of a raw cell: trimmed, bold markers removed."""
    return cell.strip().replace("**", "").strip()


def split_row(line):
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return s.split("|")


class Table:
    def __init__(self, source, header, rows, heading):
        self.source = source
        self.raw_header = header
        self.header = [clean(h) for h in header]
        self.rows = rows           # list of lists of raw cells
        self.heading = heading

    def col(self, name):
        return self.header.index(name)

    def dicts(self):
        """Rows as dicts header -> cleaned cell, plus '_key' (first cell key) and '_raw'."""
        out = []
        for r in self.rows:
            d = {h: clean(r[i]) if i < len(r) else "" for i, h in enumerate(self.header)}
            d["_key"] = key(r[0])
            d["_raw"] = r
            out.append(d)
        return out


_md_cache = {}


def md_tables(source):
    if source in _md_cache:
        return _md_cache[source]
    lines = text(source).split("\n")
    tables, heading, i = [], None, 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("#"):
            heading = line.strip("# ").strip()
        if line.strip().startswith("|") and i + 1 < len(lines) and re.match(r"^\s*\|[\s:|-]+\|?\s*$", lines[i + 1]):
            header = split_row(line)
            rows = []
            j = i + 2
            while j < len(lines) and lines[j].strip().startswith("|"):
                rows.append(split_row(lines[j]))
                j += 1
            tables.append(Table(source, header, rows, heading))
            i = j
            continue
        i += 1
    _md_cache[source] = tables
    return tables


def md_table(source, *columns, heading=None):
    found = [t for t in md_tables(source)
             if all(c in t.header for c in columns) and (heading is None or (t.heading or "").startswith(heading))]
    if not found:
        raise LookupError("no table with %s in %s" % (columns, source))
    return found


def csv_rows(source):
    return list(csv.DictReader(io.StringIO(text(source))))


def num(s):
    m = re.search(r"\d+(?:\.\d+)?", s.replace(",", ""))
    return float(m.group()) if m else None


def fmt(x):
    return ("%d" % x) if float(x).is_integer() else ("%g" % x)


def all_cells(source):
    """Identifying forms of every table cell (Markdown) or CSV field value in a source."""
    cells = set()
    if source.endswith(".csv"):
        for r in csv_rows(source):
            cells.update(v for v in r.values() if v)
    else:
        for t in md_tables(source):
            for r in t.rows:
                cells.update(key(c) for c in r)
    return cells


# ---------------------------------------------------------------- LUMI tables
def partitions():
    rows = []
    for t in md_table(P, "Name", "Max walltime", "Max jobs"):
        hw = [h for h in t.header if h.startswith("Hardware")][0]
        for d in t.dicts():
            d["hw"] = d[hw]
            rows.append(d)
    return rows


def walltime_hours(s):
    n = num(s)
    if "minute" in s:
        return n / 60
    if "hour" in s:
        return n
    if "day" in s:
        return n * 24
    raise ValueError(s)


def max_jobs(s):
    m = re.match(r"\s*(\d+)\s*\((\d+) running\)", s)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def storage_quota_rows():
    return md_table(ST, "Quota", "Max files", "Expandable")[0].dicts()


def size_tb(s):
    n = num(s)
    if re.search(r"\d\s*GB", s):
        return n / 1000
    return n


def lumic_rows():
    return md_table(LC, "Nodes", "Memory")[0].dicts()


def lumid_rows():
    return md_table(LD, "Nodes", "Memory", "Disk")[0].dicts()


def network():
    t = md_table(NET, "LUMI-G", "LUMI-P")[0]
    out = {}
    for d in t.dicts():
        for c in t.header[1:]:
            if d[c]:
                out[(d["_key"], c)] = num(d[c])
    return out, [d["_key"] for d in t.dicts()]


def lmod_rows():
    return md_table(LM, "Sub-command", "Description")[0].dicts()


def names(rows):
    return [d["_key"] for d in rows]


# ---------------------------------------------------------------- map tables
def map_supercomputers():
    return md_table(MAP, "System", "Country", "Host", "Class")[0].dicts()


def pf_from_class(s):
    m = re.search(r"~\s*(\d+(?:\.\d+)?)\s*(PF|EF)", s)
    if not m:
        return None
    return float(m.group(1)) * (1000 if m.group(2) == "EF" else 1)


def it4lia():
    return {r["component"]: r for r in csv_rows(IT)}


def storage_pb(notes):
    m = re.search(r"(\d+)\s*PB storage", notes)
    return int(m.group(1)) if m else None


def peak_pf(notes):
    vals = []
    for n, unit in re.findall(r"(\d+)\s*(petaflops|PFlops|EF)", notes):
        vals.append(int(n) * (1000 if unit == "EF" else 1))
    return max(vals) if vals else None


def parts(s):
    s = s.rstrip(".")
    return [p for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", s) if p.strip()]


# ---------------------------------------------------------------- item functions
# Each returns (result_text, [(source, cell), ...]) computed from the tables.
def lst(src, cells):
    return [(src, c) for c in cells]


def f001():
    r = [d for d in partitions() if walltime_hours(d["Max walltime"]) == 72]
    return "%d partitions" % len(r), lst(P, names(r))


def f002():
    r = [d for d in partitions() if max_jobs(d["Max jobs"])[1] == 1]
    return "%d partitions" % len(r), lst(P, names(r))


def f003():
    r = [d for d in lumic_rows() if num(d["Memory"]) > 256]
    return "%d nodes" % sum(int(d["Nodes"]) for d in r), lst(LC, [d["Nodes"] for d in r])


def f004():
    r = [d for d in storage_quota_rows() if re.search(r"\d+ days", d["Retention"])]
    return "%d areas" % len(r), lst(ST, names(r))


def f005():
    r = [d for d in lmod_rows() if "," in d["Sub-command"]]
    return "%d sub-commands" % len(r), lst(LM, names(r))


def f006():
    r = [d for d in md_table(RC, "rclone subcommand")[0].dicts() if d["rclone subcommand"].startswith("ls")]
    return "%d subcommands" % len(r), lst(RC, names(r))


def f007():
    r = md_table(LG, "Login node name")[0].dicts()
    return "%d login nodes" % len(r), lst(LG, names(r))


def f008():
    r = [x for x in csv_rows(AF) if x["country"] == "Spain"]
    return "%d factories" % len(r), lst(AF, [x["name"] for x in r])


def f009():
    r = [x for x in csv_rows(AF) if x["lead_or_host"] == "unknown"]
    return "%d factories" % len(r), lst(AF, [x["name"] for x in r])


def f010():
    r = [x for x in csv_rows(AF) if x["confidence"] == "high"]
    return "%d factories" % len(r), lst(AF, [x["name"] for x in r])


def f011():
    r = [x for x in csv_rows(SC) if x["system_class"] == "petascale"]
    return "%d systems" % len(r), lst(SC, [x["name"] for x in r])


def f012():
    r = [d for d in map_supercomputers() if "incoming" in d["Class"].lower()]
    return "%d systems" % len(r), lst(MAP, names(r))


def f013():
    r = [x for x in csv_rows(IT) if x["location"].startswith("DAMA Tecnopolo")]
    return "%d components" % len(r), lst(IT, [x["component"] for x in r])


def f014():
    r = [d for d in partitions() if walltime_hours(d["Max walltime"]) < 24]
    return ", ".join(names(r)), lst(P, names(r))


def f015():
    r = [d for d in partitions() if d["Max resources/job"] == "4 nodes"]
    return ", ".join(names(r)), lst(P, names(r))


def f016():
    r = [d for d in storage_quota_rows() if d["Expandable"].startswith("Yes")]
    return ", ".join(clean(k) for k in names(r)), lst(ST, names(r))


def f017():
    r = [d for d in md_table(CCE, "Feature", "C/C++")[0].dicts() if d["C/C++"] in ("N/A", "Not available")]
    return ", ".join(names(r)), lst(CCE, names(r))


def f018():
    net, _ = network()
    cols = [c for (row, c), v in net.items() if row == "LUMI-C" and v == 3.2]
    return ", ".join(cols), lst(NET, ["LUMI-C"])


def f019():
    r = [d for d in lmod_rows() if re.match(r"(Remove|Unload)\b.*modules? from your environment", d["Description"])]
    return ", ".join(d["Sub-command"] for d in r), lst(LM, names(r))


def f020():
    r = [x for x in csv_rows(AF) if x["lead_or_host"] != "unknown"]
    return ", ".join(x["name"] for x in r), lst(AF, [x["name"] for x in r])


def f021():
    r = [x for x in csv_rows(SC) if x["system_class"] == "pre-exascale"]
    return ", ".join(x["name"] for x in r), lst(SC, [x["name"] for x in r])


def f022():
    r = [d for d in map_supercomputers() if "BullSequana XH2000" in d["Notes"]]
    return ", ".join(names(r)), lst(MAP, names(r))


def f023():
    t = md_table(MAP, "Factory", "Country", "Notes", heading="Additional AI Factories")[0]
    r = [d for d in t.dicts() if "helpdesk topic list" in d["Notes"]]
    return ", ".join(names(r)), lst(MAP, names(r))


def f024():
    r = [x for x in csv_rows(IT) if storage_pb(x["public_specs_or_notes"]) is not None]
    return ", ".join(x["component"] for x in r), lst(IT, [x["component"] for x in r])


def f025():
    r = [d for d in md_table(MAP, "Initiative", "Country")[0].dicts() if d["Country"] == "France"]
    return ", ".join(names(r)), lst(MAP, names(r))


def f026():
    r = [d for d in partitions() if max_jobs(d["Max jobs"])[0] is not None]
    best = max(r, key=lambda d: max_jobs(d["Max jobs"])[0])
    assert sum(1 for d in r if max_jobs(d["Max jobs"])[0] == max_jobs(best["Max jobs"])[0]) == 1
    return "%s (%d jobs)" % (best["_key"], max_jobs(best["Max jobs"])[0]), lst(P, names(r))


def f027():
    r = partitions()
    best = min(r, key=lambda d: walltime_hours(d["Max walltime"]))
    return "%s (%s)" % (best["_key"], best["Max walltime"]), lst(P, names(r))


def f028():
    r = storage_quota_rows() + md_table(ST, "Quota", "Max buckets")[0].dicts()
    r = [d for d in r if re.match(r"\d", d["Billing rate"])]
    best = max(r, key=lambda d: num(d["Billing rate"]))
    return "%s (%s)" % (clean(best["_key"]), best["Billing rate"]), lst(ST, names(r))


def f029():
    r = lumic_rows()
    best = max(r, key=lambda d: int(d["Nodes"]))
    return "%s nodes with %s" % (best["Nodes"], best["Memory"]), lst(LC, [d["Nodes"] for d in r])


def f030():
    net, rows = network()
    (row, c), v = min(net.items(), key=lambda kv: kv[1])
    return "%s and %s, %s TB/s" % (row, c, fmt(v)), lst(NET, rows)


def f031():
    r = [x for x in csv_rows(IT) if storage_pb(x["public_specs_or_notes"]) is not None]
    best = max(r, key=lambda x: storage_pb(x["public_specs_or_notes"]))
    return "%s (%d PB)" % (best["component"], storage_pb(best["public_specs_or_notes"])), lst(IT, [x["component"] for x in r])


def f032():
    r = [d for d in map_supercomputers() if d["Class"].startswith("Pre-exascale") and pf_from_class(d["Class"])]
    best = max(r, key=lambda d: pf_from_class(d["Class"]))
    return "%s (~%s PF)" % (best["_key"], fmt(pf_from_class(best["Class"]))), lst(MAP, names(r))


def f033():
    r = md_table(MAP, "Tier", "GPU hours")[0].dicts()

    def score(s):
        n = num(s)
        if n is None:
            return 0
        return n + (0.5 if ">" in s else 0)
    best = max(r, key=lambda d: score(d["GPU hours"]))
    return "%s (%s)" % (best["_key"], best["GPU hours"]), lst(MAP, names(r))


def f034():
    r = [x for x in csv_rows(IT) if peak_pf(x["public_specs_or_notes"]) is not None]
    best = max(r, key=lambda x: peak_pf(x["public_specs_or_notes"]))
    return "%s (%d PF = %d EF)" % (best["component"], peak_pf(best["public_specs_or_notes"]),
                                   peak_pf(best["public_specs_or_notes"]) // 1000), lst(IT, [x["component"] for x in r])


def f035():
    r = [x for x in csv_rows(AF) if x["base_system_or_infrastructure"] != "unknown"]
    best = max(r, key=lambda x: len(parts(x["base_system_or_infrastructure"])))
    assert sorted(len(parts(x["base_system_or_infrastructure"])) for x in r)[-2] < len(parts(best["base_system_or_infrastructure"]))
    return "%s (%d systems)" % (best["name"], len(parts(best["base_system_or_infrastructure"]))), lst(AF, [x["name"] for x in r])


def prow(name):
    return [d for d in partitions() if d["_key"] == name][0]


def f036():
    a, b = max_jobs(prow("small")["Max jobs"])[0], max_jobs(prow("standard")["Max jobs"])[0]
    winner = "small" if a > b else "standard"
    return "%s, by %d jobs" % (winner, abs(a - b)), lst(P, ["small", "standard"])


def f037():
    r = lumid_rows()
    nogpu = [d for d in r if d["GPUs"] == "none"][0]
    gpu = [d for d in r if d["GPUs"] != "none"][0]
    diff = num(nogpu["Disk"]) - num(gpu["Disk"])
    return "%s TB more" % fmt(diff), lst(LD, [nogpu["Memory"], gpu["Memory"]])


def f038():
    net, _ = network()
    return "%s times" % fmt(net[("LUMI-G", "LUMI-C")] / net[("LUMI-G", "LUMI-P")]), lst(NET, ["LUMI-G"])


def f039():
    r = {d["_key"]: d for d in storage_quota_rows()}
    a = num(r["Project<br>scratch"]["Max files"])
    b = num(r["User<br>home"]["Max files"])
    return "%s times" % fmt(a / b), lst(ST, ["User<br>home", "Project<br>scratch"])


def f040():
    r = {d["_key"]: d for d in map_supercomputers()}
    return "%s PF" % fmt(pf_from_class(r["LUMI"]["Class"]) - pf_from_class(r["Leonardo"]["Class"])), lst(MAP, ["LUMI", "Leonardo"])


def f041():
    r = it4lia()
    leo = int(re.search(r"(\d+) petaflops", r["Leonardo"]["public_specs_or_notes"]).group(1))
    lisa = int(re.search(r"(\d+) PFlops double precision", r["LISA"]["public_specs_or_notes"]).group(1))
    return "%d PF" % (leo - lisa), lst(IT, ["Leonardo", "LISA"])


def f042():
    r = it4lia()
    g, m = storage_pb(r["GAIA"]["public_specs_or_notes"]), storage_pb(r["MEGARIDE"]["public_specs_or_notes"])
    winner, ratio = ("MEGARIDE", m / g) if m > g else ("GAIA", g / m)
    return "%s, %s times" % (winner, fmt(ratio)), lst(IT, ["GAIA", "MEGARIDE"])


def f043():
    r = {x["name"]: x for x in csv_rows(SC)}
    a = len(parts(r["LUMI"]["notable_partitions_or_notes"]))
    b = len(parts(r["Leonardo"]["notable_partitions_or_notes"]))
    winner = "LUMI" if a > b else "Leonardo"
    return "%s, %d more (%d vs %d)" % (winner, abs(a - b), a, b), lst(SC, ["LUMI", "Leonardo"])


def f044():
    r = {d["_key"]: d for d in map_supercomputers()}
    ratio = pf_from_class(r["JUPITER"]["Class"]) / pf_from_class(r["Leonardo"]["Class"])
    return "about %.1f times" % ratio, lst(MAP, ["JUPITER", "Leonardo"])


def f045():
    r = lumid_rows()
    total = sum(int(d["Nodes"]) * num(d["Memory"]) for d in r)
    assert all("TiB" in d["Memory"] for d in r)
    return "%s TiB" % fmt(total), lst(LD, [d["Memory"] for d in r])


def f046():
    total = max_jobs(prow("standard-g")["Max jobs"])[0] + max_jobs(prow("standard")["Max jobs"])[0]
    return "%d jobs" % total, lst(P, ["standard-g", "standard"])


def f047():
    r = it4lia()
    total = storage_pb(r["GAIA"]["public_specs_or_notes"]) + storage_pb(r["MEGARIDE"]["public_specs_or_notes"])
    return "%d PB" % total, lst(IT, ["GAIA", "MEGARIDE"])


def f048():
    d = num(prow("standard-g")["Max resources/job"]) - num(prow("standard")["Max resources/job"])
    return "%s nodes" % fmt(d), lst(P, ["standard-g", "standard"])


def f049():
    d = {x["_key"]: x for x in storage_quota_rows()}["Project<br>scratch"]
    m = re.search(r"up to (\d+)\s*TB", d["Expandable"])
    return "%s TB" % fmt(int(m.group(1)) - size_tb(d["Quota"])), lst(ST, ["Project<br>scratch"])


def f050():
    m = {d["_key"]: d for d in map_supercomputers()}["Leonardo"]
    c = int(re.search(r"(\d+) petaflops", it4lia()["Leonardo"]["public_specs_or_notes"]).group(1))
    return "%s PF" % fmt(abs(c - pf_from_class(m["Class"]))), [(MAP, "Leonardo"), (IT, "Leonardo")]


def f051():
    sc = {x["name"]: x for x in csv_rows(SC)}
    used_f, used_s = [], []
    for f in csv_rows(AF):
        for name, s in sc.items():
            if re.search(r"\b%s\b" % re.escape(name), f["base_system_or_infrastructure"]) and s["system_class"] == "pre-exascale":
                used_f.append(f["name"])
                used_s.append(name)
    return ", ".join(used_f), lst(AF, used_f) + lst(SC, used_s)


def f052():
    per = Counter(x["country"] for x in csv_rows(AF))
    scs = csv_rows(SC)
    countries = [s["country"] for s in scs if per[s["country"]] > 1]
    rows = lst(SC, [s["name"] for s in scs if s["country"] in countries])
    rows += lst(AF, [x["name"] for x in csv_rows(AF) if x["country"] in countries])
    return ", ".join(countries), rows


def f053():
    hw = clean(prow("largemem")["hw"])
    assert hw == "LUMI-D"
    r = lumid_rows()
    big = max(r, key=lambda d: num(d["Memory"]))
    return "%d cores" % num(big["CPU cores"]), [(P, "largemem"), (LD, big["Memory"])]


def f054():
    t = md_table(ST, "Path", "Hardware partition used")[0]
    flash = [d for d in t.dicts() if "flash" in d["_key"]][0]
    hw = flash["Hardware partition used"]
    net, _ = network()
    v = net.get(("LUMI-G", hw)) or net.get((hw, "LUMI-G"))
    return "%s TB/s" % fmt(v), [(ST, flash["_key"]), (NET, "LUMI-G")]


# ---------------------------------------------------------------- near misses
def guide_text():
    out = []
    for dp, _, fs in os.walk(GUIDE):
        for f in fs:
            if f.endswith(".md"):
                with open(os.path.join(dp, f), encoding="utf-8") as fh:
                    out.append(fh.read())
    return "\n".join(out)


def map_lines(name):
    lines = []
    for src in (MAP, AF, SC, IT):
        lines += [l for l in text(src).split("\n") if name in l]
    # the brief too: every sentence naming the entity
    brief = text("eu-ai-factories-policy-brief.txt")
    lines += [s for s in re.split(r"(?<=[.!?])\s+", brief) if name.lower() in s.lower()]
    return lines


def n055():
    return "LUMI-K" not in guide_text() and not any(
        "LUMI-K" in d["_key"] for d in partitions())


def n056():
    g = guide_text()
    return "€" not in g and not re.search(r"\beuros?\b", g, re.I)


def n057():
    t = md_table(NET, "LUMI-G", "LUMI-P")[0]
    row = [d for d in t.dicts() if d["_key"] == "LUMI-M"][0]
    return row["LUMI-M"] == ""


def n058():
    lines = map_lines("Karolina")
    return lines and not any(re.search(r"\d+\s*(GPUs|GPU nodes)", l) for l in lines)


def n059():
    lines = map_lines("MIMER")
    return lines and not any(re.search(r"€|\\beuros?\\b|budget|million|billion", l, re.I) for l in lines)


def n060():
    lines = map_lines("Vega")
    return lines and not any(re.search(r"\d\s*(PF|petaflop|EF)", l, re.I) for l in lines)


# ---------------------------------------------------------------- checks
def main():
    errors = []
    items = []
    with open(ITEMS, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                items.append(json.loads(line))
    ids = [it["id"] for it in items]
    if len(ids) != len(set(ids)):
        errors.append("duplicate ids")
    expected = ["CF16-%03d" % i for i in range(1, 61)]
    if ids != expected:
        errors.append("ids are not CF16-001 .. CF16-060 in order")
    cats = Counter(it.get("category") for it in items)
    if dict(cats) != PLANNED:
        errors.append("category counts %s != planned %s" % (dict(cats), PLANNED))
    kinds = Counter(it["kind"] for it in items)
    if kinds["unanswerable"] != PLANNED["near_miss"] or abs(kinds["lumi"] - kinds["map"]) > 4:
        errors.append("kind balance off: %s" % dict(kinds))

    g = globals()
    for it in items:
        iid = it["id"]
        num_id = iid.split("-")[1]
        for fld in ("question", "kind", "answers", "support", "source", "section", "category", "rows", "computation"):
            if fld not in it:
                errors.append("%s: missing field %s" % (iid, fld))
        if it["category"] == "near_miss":
            if it["kind"] != "unanswerable" or it["answers"] or it["support"] is not None \
                    or it["source"] is not None or it["rows"]:
                errors.append("%s: near miss must be unanswerable with empty answers/rows and null support" % iid)
            fn = g.get("n" + num_id)
            if fn is None or not fn():
                errors.append("%s: near miss is not verified absent" % iid)
            continue
        if it["kind"] not in ("lumi", "map"):
            errors.append("%s: bad kind %s" % (iid, it["kind"]))
        # rows exist in their sources
        for r in it["rows"]:
            src = r["source"]
            try:
                cells = all_cells(src)
            except OSError:
                errors.append("%s: row source missing %s" % (iid, src))
                continue
            if r["cell"] not in cells or r["cell"] not in text(src):
                errors.append("%s: row cell %r not found in %s" % (iid, r["cell"], src))
        # support verbatim
        sup, src = it["support"], it["source"]
        try:
            body = text(src)
        except OSError:
            errors.append("%s: source missing %s" % (iid, src))
            continue
        if not any(sup in line for line in body.split("\n")):
            errors.append("%s: support not verbatim on one line of %s: %r" % (iid, src, sup))
        if src.endswith(".csv"):
            if not any(sup in v for row in csv_rows(src) for v in row.values() if v):
                errors.append("%s: CSV support not inside one cell" % iid)
        elif any(m in sup for m in ("**", "`", "|", "<br>", "](", "][")):
            errors.append("%s: support contains Markdown markup: %r" % (iid, sup))
        row_cells = [clean(c) for r in it["rows"] if r["source"] == src for c in [r["cell"]]]
        in_row = False
        if src.endswith(".csv"):
            for row in csv_rows(src):
                if any(v in [r["cell"] for r in it["rows"] if r["source"] == src] for v in row.values()):
                    in_row = in_row or any(sup in v for v in row.values() if v)
        else:
            for t in md_tables(src):
                for row in t.rows:
                    if key(row[0]) in [r["cell"] for r in it["rows"] if r["source"] == src] or \
                            any(key(c) in [r["cell"] for r in it["rows"] if r["source"] == src] for c in row):
                        in_row = in_row or any(sup in c for c in row)
        sentence = not src.endswith(".csv") and re.search(r"[A-Za-z]+ [a-z]+ [a-z]+", sup) and not in_row \
            and any(sup in l and not l.strip().startswith("|") for l in body.split("\n"))
        if not in_row and not sentence:
            errors.append("%s: support is neither in a listed row nor a sentence: %r" % (iid, sup))
        # answers compile
        try:
            pats = [re.compile(p, re.I) for p in it["answers"]]
        except re.error as e:
            errors.append("%s: bad regex %s" % (iid, e))
            continue
        if not pats:
            errors.append("%s: no answer patterns" % iid)
            continue
        if it["category"] == "filter" and (not it.get("require_all") or len(pats) < 2):
            errors.append("%s: filters need require_all and one pattern per row" % iid)
        # recompute
        fn = g.get("f" + num_id)
        if fn is None:
            errors.append("%s: no recompute function" % iid)
            continue
        try:
            result, used = fn()
        except Exception as e:  # noqa: BLE001
            errors.append("%s: recompute failed: %r" % (iid, e))
            continue
        ok = [bool(p.search(result)) for p in pats]
        if not (all(ok) if it.get("require_all") else any(ok)):
            errors.append("%s: recomputed %r does not match answers %s" % (iid, result, it["answers"]))
        listed = sorted((r["source"], r["cell"]) for r in it["rows"])
        if sorted(used) != listed:
            errors.append("%s: rows %s != recomputed rows %s" % (iid, listed, sorted(used)))
        if it["category"] == "filter":
            # every listed row has its own pattern
            for p in pats:
                if not p.search(result):
                    errors.append("%s: pattern %s matches no listed row" % (iid, p.pattern))
        print("%s %-11s %-5s %s" % (iid, it["category"], it["kind"], result))

    if errors:
        print("\n".join("ERROR " + e for e in errors))
        print("check FAILED (%d problems)" % len(errors))
        sys.exit(1)
    print("categories: %s" % dict(cats))
    print("kinds: %s" % dict(kinds))
    print("check passed")
    sys.exit(0)


if __name__ == "__main__":
    main()
