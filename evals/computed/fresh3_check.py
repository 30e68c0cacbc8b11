#!/usr/bin/env python3
"""Standalone checker for computed-fresh3.jsonl (standard library only; round 23, blind).

Reads the tables straight from the documents, recomputes every answerable
item's result, and checks that:
  * the recomputed result (stated as a sentence) matches the item's answer regex,
    and a sentence stating a wrong result does not;
  * the rows the computation rests on equal the item's rows[];
  * every support phrase occurs verbatim in its source file (for CSVs: inside
    one cell; for LUMI pages: on one line; for MAP.md: without ** markup);
  * every rows[].cell is the first cell of a row of that source;
  * ids are unique; category counts are as required.
"""
import csv
import json
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(ROOT, "corpus")  # the brief and the map
SHARED = os.environ.get("BRIEFQA_SHARED_DIR", os.path.join(ROOT, "..", "shared"))
GUIDE = os.path.join(SHARED, "extra-corpus", "lumi-userguide")
ITEMS = os.path.join(ROOT, "evals", "heldout-final", "computed-fresh3.jsonl")

MAPD = "european-ai-infrastructure-map/"
MAP = MAPD + "MAP.md"
AIF = MAPD + "ai_factories.csv"
SUP = MAPD + "eurohpc_supercomputers.csv"
IT4 = MAPD + "it4lia_infrastructure.csv"
PART = "runjobs/scheduled-jobs/partitions.md"
STOR = "storage/index.md"
LUMIC = "hardware/lumic.md"
LUMID = "hardware/lumid.md"
NET = "hardware/network.md"
LOGIN = "firststeps/loggingin.md"
LUMIO = "storage/lumio/index.md"
PRGENV = "development/compiling/prgenv.md"
EB = "software/installing/easybuild.md"


def fs_path(source):
    if source.startswith(MAPD) or source.endswith("policy-brief.txt"):
        return os.path.join(CORPUS, source)
    return os.path.join(GUIDE, source)


def read(source):
    with open(fs_path(source), encoding="utf-8") as f:
        return f.read()


# ---------------------------------------------------------------- parsing
def clean(cell):
    c = cell.strip()
    c = re.sub(r"<br\s*/?>", " ", c)
    c = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", c)   # [text][ref]
    c = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", c)    # [text](url)
    c = c.replace("**", "").replace("`", "")
    return re.sub(r"\s+", " ", c).strip()


def md_tables(source):
    """List of tables: {'title': nearest heading, 'header': [...], 'rows': [[...]]}."""
    tables, cur, title = [], None, None
    for line in read(source).splitlines():
        s = line.strip()
        if s.startswith("#") and not s.startswith("#!"):
            title = s.lstrip("#").strip()
        if s.startswith("|"):
            cells = [clean(c) for c in s.strip("|").split("|")]
            if cur is None:
                cur = {"title": title, "header": cells, "rows": []}
                tables.append(cur)
            elif all(re.fullmatch(r"[\s:-]*", c) for c in s.strip("|").split("|")):
                continue
            else:
                cur["rows"].append(cells)
        else:
            cur = None
    return tables


def md_table(source, *header_keys):
    for t in md_tables(source):
        h = " ".join(t["header"])
        if all(k in h for k in header_keys):
            return t
    raise KeyError((source, header_keys))


def md_table_titled(source, title_part):
    for t in md_tables(source):
        if t["title"] and title_part in t["title"]:
            return t
    raise KeyError((source, title_part))


def csv_rows(source):
    with open(fs_path(source), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def first_cells(source):
    if source.endswith(".csv"):
        with open(fs_path(source), encoding="utf-8", newline="") as f:
            return {r[0].strip() for r in list(csv.reader(f))[1:] if r}
    return {r[0] for t in md_tables(source) for r in t["rows"] if r}


def num(s):
    m = re.search(r"\d+(?:\.\d+)?", s.replace(",", ""))
    return float(m.group()) if m else None


def hours(s):
    n = num(s)
    if "minute" in s:
        return n / 60
    if "hour" in s:
        return n
    if "day" in s:
        return n * 24
    raise ValueError(s)


def to_gib(s):
    n = num(s)
    return n * 1024 if "TiB" in s or "TB" in s else n


def R(source, *cells):
    return [(source, c) for c in cells]


def and_list(xs):
    xs = list(xs)
    return xs[0] if len(xs) == 1 else ", ".join(xs[:-1]) + " and " + xs[-1]


# ---------------------------------------------------------------- tables
def sup_map_table():
    return md_table_titled(MAP, "EuroHPC supercomputers")


def partitions():
    by_node = md_table_titled(PART, "allocatable by node")
    by_res = md_table_titled(PART, "allocatable by resources")
    return by_node, by_res


def part_rows():
    a, b = partitions()
    return [dict(zip(a["header"], r)) for r in a["rows"]] + [dict(zip(b["header"], r)) for r in b["rows"]]


def quota_table():
    return md_table(STOR, "Quota", "Max files")


def quota_rows():
    t = quota_table()
    return [dict(zip(["name"] + t["header"][1:], r)) for r in t["rows"]]


def lumic_rows():
    t = md_table(LUMIC, "Nodes", "Memory")
    return [dict(zip(t["header"], r)) for r in t["rows"]]


def net_table():
    return md_table_titled(NET, "bandwidth")


def gaia_megaride():
    out = {}
    for r in csv_rows(IT4):
        m = re.search(r"(\d+)\s*PB storage", r["public_specs_or_notes"])
        if m:
            out[r["component"]] = int(m.group(1))
    return out


# ---------------------------------------------------------------- computations
# each returns (sentence stating the result, rows it rests on, [wrong sentences])
C = {}


def comp(i):
    def deco(f):
        C["CF3-%03d" % i] = f
        return f
    return deco


@comp(1)
def _():
    rs = [r["name"] for r in csv_rows(SUP) if r["system_class"] == "petascale"]
    return (f"{len(rs)} petascale systems: {and_list(rs)}.", R(SUP, *rs),
            [f"{len(rs) + 1} petascale systems."])


@comp(2)
def _():
    rs = [r["name"] for r in csv_rows(AIF) if r["lead_or_host"] == "unknown"]
    n = len(csv_rows(AIF))
    return (f"{len(rs)} of the {n} factories have an unknown lead or host.", R(AIF, *rs),
            [f"{n - len(rs)} factories have an unknown lead."])


@comp(3)
def _():
    t = md_table_titled(MAP, "First-wave")
    rs = [r[0] for r in t["rows"]]
    return (f"{len(rs)} AI factories were in the first wave.", R(MAP, *rs), ["13 AI factories were selected."])


@comp(4)
def _():
    t = md_table_titled(MAP, "Additional AI Factories")
    rs = [r[0] for r in t["rows"]]
    return (f"There are {len(rs)} factories in that table.", R(MAP, *rs), ["There are 6 factories in that table."])


@comp(5)
def _():
    t = sup_map_table()
    rs = [r[0] for r in t["rows"] if "incoming" in r[t["header"].index("Class")].lower()]
    return (f"{len(rs)} systems are still incoming: {and_list(rs)}.", R(MAP, *rs), ["2 systems are still incoming."])


@comp(6)
def _():
    _, b = partitions()
    rs = [r[0] for r in b["rows"]]
    return (f"{len(rs)} partitions can be allocated by resources.", R(PART, *rs), ["9 partitions in total."])


@comp(7)
def _():
    rs = [r for r in lumic_rows() if to_gib(r["Memory"]) > 256]
    n = sum(int(r["Nodes"]) for r in rs)
    return (f"{n} nodes have more than 256 GiB.", R(LUMIC, *[r["Nodes"] for r in rs]), ["128 nodes have 512 GiB."])


@comp(8)
def _():
    rs = [r["name"] for r in quota_rows() if r["Expandable"].startswith("Yes")]
    return (f"{len(rs)} storage areas are expandable: {and_list(rs)}.", R(STOR, *rs), ["4 storage areas."])


@comp(9)
def _():
    t = md_table(LOGIN, "Login node name")
    rs = [r[0] for r in t["rows"]]
    return (f"It resolves to one of {len(rs)} login nodes.", R(LOGIN, *rs), ["2 login nodes."])


@comp(10)
def _():
    t = md_table(LUMIO, "rclone subcommand")
    rs = [r[0] for r in t["rows"]]
    return (f"The table lists {len(rs)} rclone subcommands.", R(LUMIO, *rs), ["The table lists 5 rclone commands."])


@comp(11)
def _():
    t = sup_map_table()
    ni = t["header"].index("Notes")
    rs = [r[0] for r in t["rows"] if re.search(r"\bHPE\b", r[ni])]
    return (f"{and_list(rs)} are HPE systems.", R(MAP, *rs), ["JUPITER and Vega are HPE systems."])


@comp(12)
def _():
    cnt = Counter(r["country"] for r in csv_rows(AIF))
    cs = [c for c, n in cnt.items() if n > 1]
    rs = [r["name"] for r in csv_rows(AIF) if r["country"] in cs]
    return (f"{and_list(cs)} each have two AI factories.", R(AIF, *rs), ["Only Germany has two."])


@comp(13)
def _():
    rs = [r["component"] for r in csv_rows(IT4) if "AI-optimized" in r["role"]]
    return (f"{and_list(rs)} are AI-optimized.", R(IT4, *rs), ["Only LISA is AI-optimized."])


@comp(14)
def _():
    t = md_table_titled(MAP, "Other notable")
    rs = [r[0] for r in t["rows"] if r[1] == "France"]
    return (f"{and_list(rs)} are French.", R(MAP, *rs), ["Nebius is French."])


@comp(15)
def _():
    rs = [r["Name"] for r in part_rows()
          if "LUMI-D" in (r.get("Hardware partition") or r.get("Hardware partition used") or "")]
    return (f"The {and_list(rs)} partitions use LUMI-D.", R(PART, *rs), ["The small partition uses LUMI-D."])


@comp(16)
def _():
    rs = [r["Name"] for r in part_rows() if hours(r["Max walltime"]) > 48]
    return (f"{and_list(rs)} allow up to 3 days.", R(PART, *rs), ["standard-g allows 2 days."])


@comp(17)
def _():
    rs = [r["name"] for r in quota_rows() if re.search(r"\bdays?\b", r["Retention"])]
    desc = [f"{r['name']} ({r['Retention']})" for r in quota_rows() if r["name"] in rs]
    return (f"{and_list(desc)}.", R(STOR, *rs), ["Only the user home directory."])


@comp(18)
def _():
    t = md_table(PRGENV, "Aggressive optimizations")
    rs = [r[0] for r in t["rows"] if r[2] == "-Ofast -funroll-loops"]
    return (f"{and_list(rs)} use -Ofast -funroll-loops.", R(PRGENV, *rs), ["Cray Fortran uses -O3 -hfp3."])


@comp(19)
def _():
    t = md_table(EB, "EasyBuild toolchain")
    rs = [r[0] for r in t["rows"] if "AMD compilers" in r[1]]
    return (f"{and_list(rs)} use AMD compilers.", R(EB, *rs), ["cpeGNU and cpeCray."])


@comp(20)
def _():
    vals = {}
    for r in csv_rows(IT4):
        m = re.search(r"(\d+)\s*PB storage", r["public_specs_or_notes"])
        if m:
            vals[r["component"]] = int(m.group(1))
    best = max(vals, key=vals.get)
    loser = min(vals, key=vals.get)
    return (f"{best} has the most storage ({vals[best]}+ PB).", R(IT4, *vals),
            [f"{loser} has the most storage."])


@comp(21)
def _():
    t = sup_map_table()
    ci = t["header"].index("Class")
    vals = {r[0]: num(r[ci]) for r in t["rows"] if r[ci].startswith("Pre-exascale (")}
    best = max(vals, key=vals.get)
    other = [k for k in vals if k != best]
    return (f"{best} is quoted fastest at ~{vals[best]:.0f} PF.", R(MAP, *vals),
            [f"{o} is the fastest." for o in other])


@comp(22)
def _():
    t = md_table(MAP, "Tier", "GPU hours")

    def key(r):
        g = r[1]
        if g.startswith(">"):
            return num(g) + 1
        if g.lower().startswith("up to"):
            return num(g)
        return 0
    best = max(t["rows"], key=key)[0]
    return (f"The {best} tier (more than 50,000 GPU hours).", R(MAP, *[r[0] for r in t["rows"]]),
            ["The Fast Lane tier."])


@comp(23)
def _():
    rs = part_rows()
    best = min(rs, key=lambda r: hours(r["Max walltime"]))
    return (f"The {best['Name']} partition, at {best['Max walltime']}.", R(PART, *[r["Name"] for r in rs]),
            ["The dev-g partition, at 3 hours."])


@comp(24)
def _():
    _, b = partitions()
    rs = [dict(zip(b["header"], r)) for r in b["rows"]]
    best = max(rs, key=lambda r: num(r["Max jobs"]) or 0)
    return (f"{best['Name']}, with {best['Max jobs']}.", R(PART, *[r["Name"] for r in rs]),
            ["small-g, with 210 jobs."])


@comp(25)
def _():
    rs = quota_rows()
    best = max(rs, key=lambda r: num(r["Max files"]))
    return (f"{best['name']} allows {best['Max files']} files.", R(STOR, *[r["name"] for r in rs]),
            ["Project fast allows 1000k files."])


@comp(26)
def _():
    t = net_table()
    best = None
    for r in t["rows"]:
        for col, v in zip(t["header"][1:], r[1:]):
            if v:
                if best is None or num(v) < best[0]:
                    best = (num(v), r[0], col)
    return (f"Between {best[1]} and {best[2]}, only {best[0]} TB/s.", R(NET, *[r[0] for r in t["rows"]]),
            ["Between LUMI-C and LUMI-M."])


@comp(27)
def _():
    rs = lumic_rows()
    best = max(rs, key=lambda r: to_gib(r["Memory"]))
    return (f"Up to {best['Memory']} ({best['Nodes']} nodes).", R(LUMIC, *[r["Nodes"] for r in rs]),
            ["Up to 512 GiB."])


@comp(28)
def _():
    v = gaia_megaride()
    pair = {k: v[k] for k in ("GAIA", "MEGARIDE")}
    best = max(pair, key=pair.get)
    lo = min(pair, key=pair.get)
    return (f"{best} has more: {pair[best]} PB vs {pair[lo]} PB for {lo}.", R(IT4, "GAIA", "MEGARIDE"),
            [f"{lo} has more, {pair[lo]} PB."])


@comp(29)
def _():
    conf = {r["name"]: r["confidence"] for r in csv_rows(AIF)}
    rank = {"low": 0, "medium": 1, "high": 2}
    best = max(["J-AIF", "CZAI"], key=lambda k: rank[conf[k]])
    lo = "J-AIF" if best == "CZAI" else "CZAI"
    return (f"{best} ({conf[best]}) vs {lo} ({conf[lo]}): {best} is higher.", R(AIF, "J-AIF", "CZAI"),
            [f"{lo} is rated higher."])


@comp(30)
def _():
    t = md_table(MAP, "System", "Role")
    role = {r[0]: r[1] for r in t["rows"]}
    vals = {k: num(re.search(r"~(\d+)\s*PF", role[k]).group(1)) for k in ("Leonardo", "LISA")}
    best = max(vals, key=vals.get)
    lo = min(vals, key=vals.get)
    return (f"{best}, ~{vals[best]:.0f} PF vs ~{vals[lo]:.0f} PF for {lo}.", R(MAP, "Leonardo", "LISA"),
            [f"{lo}, ~{vals[lo]:.0f} PF."])


@comp(31)
def _():
    rs = {r["Name"]: r["Max walltime"] for r in part_rows()}
    best = max(["standard-g", "small-g"], key=lambda k: hours(rs[k]))
    lo = "standard-g" if best == "small-g" else "small-g"
    return (f"{best}: {rs[best]} vs {rs[lo]} on {lo}.", R(PART, "standard-g", "small-g"),
            [f"{lo}: {rs[lo]}."])


@comp(32)
def _():
    q = {r["name"]: r["Billing rate"] for r in quota_rows()}
    o = md_table(STOR, "Max buckets")
    orow = dict(zip(["name"] + o["header"][1:], o["rows"][0]))
    rates = {"Project fast": num(q["Project fast"]), orow["name"]: num(orow["Billing rate"])}
    best = max(rates, key=rates.get)
    assert best == "Project fast"
    return (f"The project flash area is billed at {q['Project fast']} vs {orow['Billing rate']} for object storage.",
            R(STOR, "Project fast", orow["name"]), [f"Object storage, at {orow['Billing rate']}."])


@comp(33)
def _():
    t = net_table()
    g = dict(zip(t["header"], next(r for r in t["rows"] if r[0] == "LUMI-G")))
    best = max(["LUMI-F", "LUMI-P"], key=lambda k: num(g[k]))
    lo = "LUMI-F" if best == "LUMI-P" else "LUMI-P"
    return (f"{best}: {g[best]} vs {g[lo]} to {lo}.", R(NET, "LUMI-G"), [f"{lo}: {g[lo]}."])


@comp(34)
def _():
    t = md_table(LUMID, "Nodes", "GPUs")
    rs = [dict(zip(t["header"], r)) for r in t["rows"]]
    best = max(rs, key=lambda r: to_gib(r["Memory"]))
    lo = min(rs, key=lambda r: to_gib(r["Memory"]))
    assert best["GPUs"] == "none" and "A40" in lo["GPUs"]
    return (f"The nodes without GPUs have {best['Memory']}, vs {lo['Memory']} on the A40 nodes.",
            R(LUMID, *[r["Nodes"] for r in rs]), [f"The A40 GPU nodes, with {lo['Memory']}."])


@comp(35)
def _():
    rs = lumic_rows()
    n = sum(int(r["Nodes"]) for r in rs)
    return (f"LUMI-C has {n} nodes in total.", R(LUMIC, *[r["Nodes"] for r in rs]), ["LUMI-C has 1888 nodes."])


@comp(36)
def _():
    rs = {r["Name"]: num(r["Max resources/job"]) for r in part_rows()}
    d = rs["standard-g"] - rs["standard"]
    return (f"{d:.0f} more nodes ({rs['standard-g']:.0f} vs {rs['standard']:.0f}).",
            R(PART, "standard-g", "standard"), ["standard-g allows 1024 nodes and standard 512 nodes."])


@comp(37)
def _():
    v = gaia_megaride()
    s = v["GAIA"] + v["MEGARIDE"]
    return (f"Together they have {s} PB.", R(IT4, "GAIA", "MEGARIDE"), ["Together they have 50 PB."])


@comp(38)
def _():
    r = next(x for x in quota_rows() if x["name"] == "Project scratch")
    mx = num(r["Expandable"].split("up to")[1])
    d = mx - num(r["Quota"])
    return (f"An extra {d:.0f} TB (up to {mx:.0f} TB from {r['Quota']}).", R(STOR, "Project scratch"),
            ["An extra 500 TB."])


@comp(39)
def _():
    fac = {r["country"] for r in csv_rows(AIF)}
    rs = [r for r in csv_rows(SUP) if r["country"] not in fac]
    return (f"{and_list([r['country'] for r in rs])} ({and_list([r['name'] for r in rs])}).",
            R(SUP, *[r["name"] for r in rs]), ["Czechia (Karolina)."])


@comp(40)
def _():
    systems = [r["name"] for r in csv_rows(SUP)]
    fac, used = [], []
    for r in csv_rows(AIF):
        hits = [s for s in systems if re.search(r"\b%s\b" % re.escape(s), r["base_system_or_infrastructure"])]
        if hits:
            fac.append(r["name"])
            used += hits
    desc = [f"{f}" for f in fac]
    return (f"{and_list(desc)}.", R(AIF, *fac) + R(SUP, *used), ["LUMI AI Factory, IT4LIA and Pharos."])


# ---------------------------------------------------------------- checks
def main():
    errors = []
    items = [json.loads(l) for l in open(ITEMS, encoding="utf-8") if l.strip()]
    ids = [it["id"] for it in items]
    dup = [i for i, n in Counter(ids).items() if n > 1]
    if dup:
        errors.append(f"duplicate ids: {dup}")

    want = {"count": 10, "filter": 9, "superlative": 8, "comparison": 7, "join": 2, "near_miss": 5}
    cats = Counter(it["category"] for it in items)
    for k, n in want.items():
        if cats[k] != n:
            errors.append(f"category {k}: {cats[k]} != {n}")
    if cats["sum"] + cats["difference"] != 4:
        errors.append("sum+difference != 4")
    if len(items) != 45:
        errors.append(f"{len(items)} items, want 45")

    keys = {"id", "question", "kind", "category", "answers", "support", "source", "section", "rows", "computation"}
    fc_cache = {}
    for it in items:
        iid = it["id"]
        if set(it) != keys:
            errors.append(f"{iid}: keys {sorted(set(it) ^ keys)}")
        if it["kind"] == "unanswerable":
            if it["category"] != "near_miss" or it["answers"] or it["support"] != "" or it["source"] != "" or it["rows"]:
                errors.append(f"{iid}: malformed near miss")
            continue
        for p in it["answers"]:
            re.compile(p)
        # support
        sup, src = it["support"], it["source"]
        nw = len(sup.split())
        if not 3 <= nw <= 12:
            errors.append(f"{iid}: support has {nw} words")
        text = read(src)
        if sup not in text:
            errors.append(f"{iid}: support not found in {src}: {sup!r}")
        if src.endswith(".csv"):
            with open(fs_path(src), encoding="utf-8", newline="") as f:
                if not any(sup in cell for row in csv.reader(f) for cell in row):
                    errors.append(f"{iid}: support not inside one CSV cell")
        elif src.startswith(MAPD):
            if "**" in sup:
                errors.append(f"{iid}: support has ** markup")
        else:
            if not any(sup in line for line in text.splitlines()):
                errors.append(f"{iid}: support not on a single line")
            if re.search(r"[*`\[\]<>]", sup):
                errors.append(f"{iid}: support has markup")
        # rows
        for r in it["rows"]:
            s = r["source"]
            if s not in fc_cache:
                fc_cache[s] = first_cells(s)
            if r["cell"] not in fc_cache[s]:
                errors.append(f"{iid}: {r['cell']!r} is not a first cell in {s}")
        # recompute
        f = C.get(iid)
        if f is None:
            errors.append(f"{iid}: no computation")
            continue
        sentence, rws, wrongs = f()
        ok = any(re.search(p, sentence, re.IGNORECASE) for p in it["answers"])
        if not ok:
            errors.append(f"{iid}: regex does not match recomputed result {sentence!r}")
        for w in wrongs:
            if any(re.search(p, w, re.IGNORECASE) for p in it["answers"]):
                errors.append(f"{iid}: regex matches wrong result {w!r}")
        mine = sorted((r["source"], r["cell"]) for r in it["rows"])
        if mine != sorted(rws):
            errors.append(f"{iid}: rows {mine} != recomputed {sorted(rws)}")
        print(f"{iid} [{it['category']}] {sentence}")

    if errors:
        print("\nFAILED:")
        for e in errors:
            print("  -", e)
        sys.exit(1)
    print("\n" + ", ".join(f"{k}: {v}" for k, v in sorted(cats.items())) + " -- check passed")


if __name__ == "__main__":
    main()
