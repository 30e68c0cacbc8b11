#!/usr/bin/env python3
"""Standalone checker for computed.jsonl (standard library only).

Reads the tables straight from the corpus and the shared LUMI guide (CSV via csv, Markdown tables by
splitting '|' lines), recomputes every answerable item's result from the data and
checks that
  * the recomputed result, stated as a sentence, matches every answer regex
    (and that a deliberately wrong result does NOT match),
  * the rows the computation rests on are exactly the item's rows[],
  * every support phrase (3-12 words) occurs verbatim in its source file,
  * every rows[].cell is the first cell of some table row of its source,
  * ids are unique, category counts are as required, near misses are empty.
Exit status 0 and "check passed" when everything holds.
"""
import csv
import io
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
ITEMS = os.path.join(ROOT, "evals", "heldout-final", "computed-fresh4.jsonl")

MAP = "european-ai-infrastructure-map/MAP.md"
AIF = "european-ai-infrastructure-map/ai_factories.csv"
SUP = "european-ai-infrastructure-map/eurohpc_supercomputers.csv"
IT4 = "european-ai-infrastructure-map/it4lia_infrastructure.csv"
PART = "runjobs/scheduled-jobs/partitions.md"
BATCH = "runjobs/scheduled-jobs/batch-job.md"
QUICK = "runjobs/scheduled-jobs/slurm-quickstart.md"
LOGIN = "firststeps/loggingin.md"
LUMIO = "storage/lumio/index.md"
STOR = "storage/index.md"
LUMIC = "hardware/lumic.md"
LUMID = "hardware/lumid.md"
NET = "hardware/network.md"
HELP = "helpdesk/index.md"
LMOD = "runjobs/lumi_env/Lmod_modules.md"
CCE = "development/compiling/cce.md"
PRGENV = "development/compiling/prgenv.md"


# ------------------------------------------------------------------ reading
def path_of(source):
    if source.startswith("european-ai-infrastructure-map/") or source.endswith(".txt"):
        return os.path.join(CORPUS, source)
    return os.path.join(GUIDE, source)


_text_cache = {}


def text(source):
    if source not in _text_cache:
        with open(path_of(source), encoding="utf-8") as f:
            _text_cache[source] = f.read()
    return _text_cache[source]


def clean(cell):
    c = cell.replace("<br>", " ")
    c = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", c)   # [text][ref]
    c = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", c)    # [text](url)
    c = c.replace("**", "").replace("`", "")
    return re.sub(r"\s+", " ", c).strip()


def split_row(line):
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [clean(c) for c in s.split("|")]


def md_tables(source):
    """All Markdown tables of a file: list of (header, rows), cells cleaned."""
    tables, block = [], []
    for line in text(source).splitlines() + [""]:
        if line.strip().startswith("|"):
            block.append(line)
            continue
        if len(block) >= 2 and re.fullmatch(r"[\s|:\-]+", block[1].strip()):
            tables.append((split_row(block[0]), [split_row(b) for b in block[2:]]))
        block = []
    return tables


def md_table(source, *header_words):
    """The one table of `source` whose header contains all header_words; rows as dicts."""
    found = [t for t in md_tables(source)
             if all(any(w == h for h in t[0]) for w in header_words)]
    if len(found) != 1:
        raise AssertionError("%s: %d tables with header %s" % (source, len(found), header_words))
    header, rows = found[0]
    return [dict(zip(header, r)) | {"_first": r[0]} for r in rows]


def csv_rows(source):
    return list(csv.DictReader(io.StringIO(text(source))))


def first_cells(source):
    if source.endswith(".csv"):
        rd = csv.reader(io.StringIO(text(source)))
        next(rd)
        return {r[0] for r in rd if r}
    return {r[0] for _, rows in md_tables(source) for r in rows}


# ------------------------------------------------------------------ helpers
NUMW = {2: "two", 3: "three", 4: "four", 5: "five", 8: "eight", 9: "nine",
        10: "ten", 11: "eleven", 13: "thirteen"}


def hours(s):
    m = re.fullmatch(r"(\d+)\s*(minutes?|hours?|days?)", s.strip())
    n, u = int(m.group(1)), m.group(2)
    return n / 60 if u.startswith("minute") else n if u.startswith("hour") else 24 * n


def first_int(s):
    m = re.match(r"\s*(\d+)", s)
    return int(m.group(1)) if m else None


def num(s):
    return float(re.search(r"[\d.]+", s).group(0))


def to_gib(s):
    v = num(s)
    return v * 1024 if "TiB" in s or "TB" in s else v


def pb_in(note):
    m = re.search(r"(\d+)\s*PB", note)
    return int(m.group(1)) if m else None


def fmt(x):
    return ("%g" % x)


def R(source, cells):
    return {(source, c) for c in cells}


def tables_with(source, *header_words):
    """Rows (as dicts) of every table of `source` whose header has all header_words."""
    return [dict(zip(h, row)) | {"_first": row[0]}
            for h, rows in md_tables(source)
            if all(w in h for w in header_words) for row in rows]


def both_partitions():
    rows = tables_with(PART, "Name", "Max walltime", "Max jobs")
    assert len(rows) == 9
    return rows


def map_supercomputers():
    return md_table(MAP, "System", "Country", "Host", "Class")


def map_pf(cls):
    m = re.search(r"~\s*([\d.]+)\s*PF", cls)
    return float(m.group(1)) if m else None


def storage_quota():
    return md_table(STOR, "Quota", "Max files", "Expandable")


def object_storage():
    return md_table(STOR, "Quota", "Max buckets")


def bw_matrix():
    rows = md_table(NET, "LUMI-G", "LUMI-C", "LUMI-P")
    out = {}
    cols = ["LUMI-G", "LUMI-C", "LUMI-M", "LUMI-F", "LUMI-P"]
    for r in rows:
        for c in cols:
            if r.get(c):
                out[(r["_first"], c)] = num(r[c])
    return out, [r["_first"] for r in rows]


# ------------------------------------------------------------------ computations
# Each returns (sentence stating the result, rows it rests on, wrong sentences)
def count_result(n, noun, rows, extra=""):
    wrong = ["There are %d %s%s." % (k, noun, extra) for k in (n - 1, n + 1) if k > 0]
    return "There are %d %s%s." % (n, noun, extra), rows, wrong


def list_result(names, rows, lead="The answer is"):
    s = "%s %s." % (lead, ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1])
    wrong = []
    if len(names) > 1:
        wrong.append("%s %s." % (lead, ", ".join(names[1:])))
    return s, rows, wrong


C = {}


def item(i):
    def deco(f):
        C["CF4-%03d" % i] = f
        return f
    return deco


@item(1)
def _():
    rows = [r["_first"] for r in map_supercomputers() if "incoming" in r["Class"].lower()]
    return count_result(len(rows), "incoming EuroHPC systems", R(MAP, rows))


@item(2)
def _():
    rows = [r["_first"] for r in map_supercomputers()
            if r["Class"] == "Petascale" and "XH2000" in r["Notes"]]
    return list_result(rows, R(MAP, rows))


@item(3)
def _():
    st = {r["component"]: pb_in(r["public_specs_or_notes"]) for r in csv_rows(IT4)}
    st = {k: v for k, v in st.items() if v is not None}
    best = max(st, key=st.get)
    return ("%s has the most storage (more than %d PB)." % (best, st[best]), R(IT4, st),
            ["%s has the most storage." % k for k in st if k != best])


@item(4)
def _():
    rows = [r for r in csv_rows(AIF) if r["country"] in ("Germany", "Luxembourg")]
    cnt = Counter(r["country"] for r in rows)
    win, lose = cnt.most_common()[0][0], cnt.most_common()[-1][0]
    assert cnt[win] > cnt[lose]
    return ("%s has more, %d factories against %d for %s." % (win, cnt[win], cnt[lose], lose),
            R(AIF, [r["name"] for r in rows]), ["%s has more." % lose])


@item(5)
def _():
    rows = [r for r in md_table(LUMIC, "Nodes", "Memory") if to_gib(r["Memory"]) > 256]
    n = sum(int(r["Nodes"]) for r in rows)
    return count_result(n, "LUMI-C nodes", R(LUMIC, [r["_first"] for r in rows]),
                        " with more than 256 GiB")


@item(6)
def _():
    bases = [(r["name"], r["base_system_or_infrastructure"]) for r in csv_rows(AIF)]
    unused, used_by = [], set()
    for s in csv_rows(SUP):
        hits = [n for n, b in bases if s["name"] in b]
        if hits:
            used_by.update(hits)
        else:
            unused.append(s["name"])
    return list_result(unused, R(SUP, unused) | R(AIF, used_by))


@item(8)
def _():
    rows = [r["name"] for r in csv_rows(AIF) if r["lead_or_host"] == "unknown"]
    return count_result(len(rows), "AI factories", R(AIF, rows), " with an unknown lead or host")


@item(9)
def _():
    rows = [r["name"] for r in csv_rows(AIF) if r["country"] == "Germany"]
    return list_result(rows, R(AIF, rows))


@item(10)
def _():
    pre = [r for r in map_supercomputers() if r["Class"].lower().startswith("pre-exascale")]
    pf = {r["_first"]: map_pf(r["Class"]) for r in pre}
    best = max((k for k in pf if pf[k]), key=pf.get)
    return ("%s quotes the most, about %g PF." % (best, pf[best]), R(MAP, pf),
            ["%s quotes the most." % k for k in pf if k != best])


@item(11)
def _():
    st = {r["component"]: pb_in(r["public_specs_or_notes"]) for r in csv_rows(IT4)
          if r["component"] in ("GAIA", "MEGARIDE")}
    win = max(st, key=st.get)
    lose = min(st, key=st.get)
    return ("%s has more storage: %d PB vs %d PB." % (win, st[win], st[lose]), R(IT4, st),
            ["%s has more storage." % lose])


@item(12)
def _():
    m, _r = bw_matrix()
    total = m[("LUMI-G", "LUMI-F")] + m[("LUMI-G", "LUMI-P")]
    return ("Together that is %s TB/s." % fmt(round(total, 3)), R(NET, ["LUMI-G"]),
            ["Together that is %s TB/s." % fmt(round(total + 1, 3))])


@item(13)
def _():
    peta = [r for r in csv_rows(SUP) if r["system_class"] == "petascale"]
    fac = csv_rows(AIF)
    countries, rows = [], set()
    for s in peta:
        fs = [f["name"] for f in fac if f["country"] == s["country"]]
        if fs:
            countries.append(s["country"])
            rows |= R(SUP, [s["name"]]) | R(AIF, fs)
    return list_result(countries, rows)


@item(15)
def _():
    rows = [r["name"] for r in csv_rows(SUP) if r["system_class"] == "petascale"]
    return count_result(len(rows), "petascale systems", R(SUP, rows))


@item(16)
def _():
    fac = csv_rows(AIF)
    cnt = Counter(r["country"] for r in fac)
    assert max(cnt.values()) == 2
    cs = [c for c in cnt if cnt[c] == 2]
    return list_result(cs, R(AIF, [r["name"] for r in fac if r["country"] in cs]))


@item(17)
def _():
    tiers = md_table(MAP, "Tier", "GPU hours", "Audience")

    def rank(g):
        if g.startswith(">"):
            return 10 ** 9
        m = re.search(r"[\d,]+", g)
        return int(m.group(0).replace(",", "")) if m else 0
    best = max(tiers, key=lambda r: rank(r["GPU hours"]))["_first"]
    return ("The %s tier offers the most GPU hours." % best, R(MAP, [r["_first"] for r in tiers]),
            ["The %s tier offers the most GPU hours." % r["_first"] for r in tiers if r["_first"] != best])


@item(18)
def _():
    conf = {r["name"]: r["confidence"] for r in csv_rows(AIF) if r["name"] in ("CZAI", "J-AIF")}
    order = {"low": 0, "medium": 1, "high": 2}
    win = max(conf, key=lambda k: order[conf[k]])
    lose = min(conf, key=lambda k: order[conf[k]])
    assert order[conf[win]] > order[conf[lose]]
    return ("%s is rated %s." % (win, conf[win]), R(AIF, conf), ["%s is rated higher." % lose])


@item(19)
def _():
    st = {r["component"]: pb_in(r["public_specs_or_notes"]) for r in csv_rows(IT4)}
    st = {k: v for k, v in st.items() if v is not None}
    total = sum(st.values())
    return ("At least %d PB in total." % total, R(IT4, st), ["At least %d PB in total." % (total - 10)])


@item(20)
def _():
    part = [r for r in both_partitions() if r["_first"] == "standard"][0]
    hw = [k for k in part if k.startswith("Hardware")][0]
    assert part[hw] == "LUMI-C"
    nodes = md_table(LUMIC, "Nodes", "CPU cores")
    cores = {int(re.match(r"\d+", r["CPU cores"]).group(0)) for r in nodes}
    assert len(cores) == 1
    c = cores.pop()
    return ("Each node has %d cores." % c, R(PART, ["standard"]) | R(LUMIC, [r["_first"] for r in nodes]),
            ["Each node has %d cores." % (c // 2)])


@item(22)
def _():
    rows = [r["name"] for r in csv_rows(AIF) if r["confidence"] == "high"]
    return count_result(len(rows), "factory entries", R(AIF, rows), " rated high")


@item(23)
def _():
    rows = [r["component"] for r in csv_rows(IT4) if "DAMA Tecnopolo" not in r["location"]]
    return list_result(rows, R(IT4, rows))


@item(24)
def _():
    perf = {}
    for r in csv_rows(IT4):
        n = r["public_specs_or_notes"]
        m = re.search(r"(\d+)\s*(EF|PFlops|petaflops)", n)
        if m:
            v = int(m.group(1)) * (1000 if m.group(2) == "EF" else 1)
            # LISA quotes two figures; keep the larger (mixed precision)
            for mm in re.finditer(r"(\d+)\s*(EF|PFlops|petaflops)", n):
                v = max(v, int(mm.group(1)) * (1000 if mm.group(2) == "EF" else 1))
            perf[r["component"]] = v
    best = max(perf, key=perf.get)
    return ("The %s claims the most (%d PF-equivalent)." % (best, perf[best]), R(IT4, perf),
            ["%s claims the most." % k for k in perf if k != best])


@item(25)
def _():
    p = {r["_first"]: hours(r["Max walltime"]) for r in both_partitions()}
    win = max(("standard-g", "small-g"), key=p.get)
    lose = min(("standard-g", "small-g"), key=p.get)
    return ("%s allows longer jobs (%g days)." % (win, p[win] / 24), R(PART, [win, lose]),
            ["%s allows longer jobs." % lose])


@item(26)
def _():
    p = {r["_first"]: r["Max jobs"] for r in both_partitions()}
    d = first_int(p["small"]) - first_int(p["standard"])
    m = re.search(r"\((\d+) running\)", p["small"]), re.search(r"\((\d+) running\)", p["standard"])
    assert int(m[0].group(1)) - int(m[1].group(1)) == d
    return ("You can queue %d more jobs in small." % d, R(PART, ["small", "standard"]),
            ["You can queue %d more jobs in small." % (d + 10)])


@item(27)
def _():
    part = [r for r in both_partitions() if r["_first"] == "small-g"][0]
    hw = [k for k in part if k.startswith("Hardware")][0]
    m, _r = bw_matrix()
    v = m[(part[hw], part[hw])]
    return ("Within %s there is %s TB/s." % (part[hw], fmt(v)), R(PART, ["small-g"]) | R(NET, [part[hw]]),
            ["Within %s there is 38.4 TB/s." % part[hw]])


@item(29)
def _():
    rows = [r["_first"] for r in md_table(MAP, "Resource", "URL") if "eurohpc-ju.europa.eu" in r["URL"]]
    return count_result(len(rows), "links", R(MAP, rows), " to the EuroHPC JU site")


@item(30)
def _():
    rows = [r["_first"] for r in md_table(MAP, "Factory", "Country", "Notes") if r["Notes"] == "New"]
    return list_result(rows, R(MAP, rows))


@item(31)
def _():
    ps = both_partitions()
    mx = max(hours(r["Max walltime"]) for r in ps)
    rows = [r["_first"] for r in ps if hours(r["Max walltime"]) == mx]
    return list_result(rows, R(PART, [r["_first"] for r in ps]), lead="The longest limit is shared by")


@item(32)
def _():
    p = {r["_first"]: first_int(r["Max resources/job"]) for r in both_partitions()}
    win = max(("dev-g", "debug"), key=p.get)
    lose = min(("dev-g", "debug"), key=p.get)
    return ("%s allows %d nodes per job." % (win, p[win]), R(PART, [win, lose]),
            ["%s allows more nodes per job." % lose])


@item(33)
def _():
    rows = md_table(HELP, "CE(S)T", "EE(S)T")
    t = {r["_first"]: r["CE(S)T"] for r in rows}

    def h(s):
        m = re.match(r"(\d+):(\d+)\s*(AM|PM)", s)
        return int(m.group(1)) % 12 + (12 if m.group(3) == "PM" else 0) + int(m.group(2)) / 60
    d = h(t["End"]) - h(t["Start"])
    return ("It is open %g hours a day." % d, R(HELP, t), ["It is open %g hours a day." % (d - 1)])


@item(35)
def _():
    rows = [r["_first"] for r in both_partitions()]
    return count_result(len(rows), "Slurm partitions", R(PART, rows))


@item(36)
def _():
    rows = [r["_first"] for r in md_table(MAP, "Initiative", "Country") if r["Country"] == "France"]
    return list_result(rows, R(MAP, rows))


@item(37)
def _():
    ps = both_partitions()
    best = min(ps, key=lambda r: hours(r["Max walltime"]))["_first"]
    return ("The %s partition has the shortest limit." % best, R(PART, [r["_first"] for r in ps]),
            ["The dev-g partition has the shortest limit."])


@item(38)
def _():
    rows = md_table(LUMID, "Nodes", "Memory", "GPUs")
    nog = [r for r in rows if r["GPUs"] == "none"][0]
    gpu = [r for r in rows if r["GPUs"] != "none"][0]
    assert to_gib(nog["Memory"]) > to_gib(gpu["Memory"])
    return ("The nodes without GPUs have more memory, %s versus %s on the A40 GPU nodes."
            % (nog["Memory"], gpu["Memory"]), R(LUMID, [r["_first"] for r in rows]),
            ["The GPU nodes have more memory, %s." % gpu["Memory"]])


@item(39)
def _():
    pf = {r["_first"]: map_pf(r["Class"]) for r in map_supercomputers()}
    d = pf["LUMI"] - pf["Leonardo"]
    return ("LUMI is about %g PF ahead." % d, R(MAP, ["LUMI", "Leonardo"]),
            ["LUMI is about %g PF ahead." % (d + 10)])


@item(41)
def _():
    rows = [r["_first"] for r in both_partitions() if hours(r["Max walltime"]) > 24]
    return count_result(len(rows), "partitions", R(PART, rows), " allowing more than a day")


@item(42)
def _():
    rows = [r["_first"] for r in both_partitions() if r["Max resources/job"] == "4 nodes"]
    return list_result(rows, R(PART, rows))


@item(43)
def _():
    rows = md_table(LUMIC, "Nodes", "Memory")
    best = max(rows, key=lambda r: to_gib(r["Memory"]))
    return ("The maximum is %s, on %s nodes." % (best["Memory"], best["Nodes"]),
            R(LUMIC, [r["_first"] for r in rows]), ["The maximum is 512 GiB, on 128 nodes."])


@item(47)
def _():
    m, _r = bw_matrix()
    off = {k: v for k, v in m.items() if k[0] != k[1]}
    a, b = max(off, key=off.get)
    return ("%s and %s have the most, %s TB/s." % (a, b, fmt(off[(a, b)])), R(NET, _r),
            ["LUMI-G and LUMI-P have the most, 9.6 TB/s."])


@item(44)
def _():
    q = {r["_first"]: r["Retention"] for r in storage_quota()}
    sc, fa = q["Project scratch"], q["Project fast"]
    assert num(sc) > num(fa)
    return ("Project scratch keeps files longer: %s versus %s on flash." % (sc, fa),
            R(STOR, ["Project scratch", "Project fast"]), ["Project flash keeps files longer: 30 days."])


@item(45)
def _():
    rows = [r["_first"] for r in tables_with(BATCH, "Option", "Description")
            if "GPU" in r["Description"] and r["_first"].startswith("--gpus")]
    return count_result(len(rows), "options", R(BATCH, rows), " for GPUs")


@item(46)
def _():
    ps = both_partitions()
    rows = []
    for r in ps:
        hw = [k for k in r if k.startswith("Hardware")][0]
        if r[hw] == "LUMI-D":
            rows.append(r["_first"])
    return list_result(rows, R(PART, rows))


@item(48)
def _():
    m, _r = bw_matrix()
    f, p = m[("LUMI-G", "LUMI-F")], m[("LUMI-G", "LUMI-P")]
    win, v = ("LUMI-P", p) if p > f else ("LUMI-F", f)
    return ("%s gets more, %s TB/s." % (win, fmt(v)), R(NET, ["LUMI-G"]), ["LUMI-F gets more, 7.2 TB/s."])


@item(49)
def _():
    rows = [r["_first"] for r in md_table(LOGIN, "Login node name", "IP Address")]
    return count_result(len(rows), "login nodes", R(LOGIN, rows))


@item(50)
def _():
    rows = [r["_first"] for r in storage_quota() if r["Expandable"].startswith("Yes")]
    return list_result(rows, R(STOR, rows))


@item(51)
def _():
    ps = both_partitions()
    ok = [r for r in ps if first_int(r["Max jobs"]) is not None]
    best = max(ok, key=lambda r: first_int(r["Max jobs"]))
    return ("The %s partition allows %d jobs." % (best["_first"], first_int(best["Max jobs"])),
            R(PART, [r["_first"] for r in ps]), ["The small-g partition allows 210 jobs."])


@item(52)
def _():
    q = {r["_first"]: r["Max files"] for r in storage_quota()}
    k = lambda s: int(s.rstrip("k"))
    win = max(("User home", "Project scratch"), key=lambda n: k(q[n]))
    assert win == "Project scratch"
    return ("A project scratch directory allows %s files versus %s in user home." % (q[win], q["User home"]),
            R(STOR, ["User home", "Project scratch"]), ["The user home directory allows more files."])


@item(53)
def _():
    rows = [r["_first"] for r in md_table(LUMIO, "rclone subcommand", "Description")]
    return count_result(len(rows), "rclone subcommands", R(LUMIO, rows))


@item(54)
def _():
    rows = [r["_first"] for r in md_table(CCE, "Feature", "Fortran", "C/C++")
            if r["C/C++"] in ("N/A", "Not available")]
    return list_result(rows, R(CCE, rows))


@item(55)
def _():
    rates = {}
    for r in storage_quota() + object_storage():
        br = [k for k in r if k.startswith("Billing")][0]
        m = re.match(r"([\d.]+)x", r[br])
        rates[r["_first"]] = float(m.group(1)) if m else 0
    best = max(rates, key=rates.get)
    return ("%s (flash) is billed at %gx." % (best, rates[best]), R(STOR, rates),
            ["Object storage is billed at 0.5x."])


@item(56)
def _():
    rows = [r["_first"] for r in md_table(LUMIO, "s3cmd command", "Function") if "bucket" in r["Function"]]
    return count_result(len(rows), "s3cmd commands", R(LUMIO, rows), " about buckets")


@item(57)
def _():
    rows = [r["_first"] for r in md_table(LMOD, "Sub-command", "Description") if "," in r["_first"]]
    names = [r.split(",")[0] for r in rows]
    return list_result(names, R(LMOD, rows))


@item(58)
def _():
    rows = md_table(STOR, "Path", "Intended use")
    hw = [k for k in rows[0] if k.startswith("Hardware")][0]
    names = [r["_first"] for r in rows if r[hw] == "LUMI-P"]
    return count_result(len(names), "storage areas", R(STOR, names), " on LUMI-P")


@item(59)
def _():
    rows = md_table(PRGENV, "Compilers", "Good performance")
    names = [r["_first"] for r in rows if r["Aggressive optimizations"] == "-Ofast -funroll-loops"]
    return list_result(names, R(PRGENV, names))


@item(60)
def _():
    rows = [r["_first"] for r in md_table(QUICK, "Command", "Description")]
    return count_result(len(rows), "Slurm commands", R(QUICK, rows))


# ------------------------------------------------------------------ main
REQUIRED = {"count": 13, "filter": 12, "superlative": 10, "comparison": 9,
            "sum+difference": 6, "join": 4, "near_miss": 6}


def main():
    errors = []
    items = [json.loads(l) for l in open(ITEMS, encoding="utf-8") if l.strip()]
    ids = [it["id"] for it in items]
    if len(ids) != len(set(ids)):
        errors.append("duplicate ids: %s" % [i for i, n in Counter(ids).items() if n > 1])
    if len(items) != 60:
        errors.append("expected 60 items, got %d" % len(items))
    cats = Counter(it["category"] for it in items)
    cats["sum+difference"] = cats.pop("sum", 0) + cats.pop("difference", 0)
    for k, v in REQUIRED.items():
        if cats.get(k, 0) != v:
            errors.append("category %s: %d, want %d" % (k, cats.get(k, 0), v))
    keys = {"id", "question", "kind", "category", "answers", "support", "source",
            "section", "rows", "computation"}
    for it in items:
        iid = it["id"]
        if set(it) != keys:
            errors.append("%s: keys %s" % (iid, sorted(set(it) ^ keys)))
        if it["section"] is not None:
            errors.append("%s: section must be null" % iid)
        if it["category"] == "near_miss":
            if it["kind"] != "unanswerable" or it["answers"] or it["support"] or it["source"] or it["rows"]:
                errors.append("%s: near miss must be unanswerable with empty fields" % iid)
            continue
        if it["kind"] not in ("map", "lumi"):
            errors.append("%s: bad kind %s" % (iid, it["kind"]))
        mapside = it["source"].startswith("european-ai-infrastructure-map/")
        if (it["kind"] == "map") != mapside:
            errors.append("%s: kind %s does not fit source %s" % (iid, it["kind"], it["source"]))
        if it["source"].startswith("lumi-userguide/"):
            errors.append("%s: source must not carry the lumi-userguide/ prefix" % iid)
        # support phrase
        sup = it["support"]
        nw = len(sup.split())
        if not 3 <= nw <= 12:
            errors.append("%s: support has %d words" % (iid, nw))
        try:
            if sup not in text(it["source"]):
                errors.append("%s: support %r not verbatim in %s" % (iid, sup, it["source"]))
        except OSError as e:
            errors.append("%s: cannot read source %s (%s)" % (iid, it["source"], e))
            continue
        # rows
        for r in it["rows"]:
            if r["cell"] not in first_cells(r["source"]):
                errors.append("%s: %r is not a first cell in %s" % (iid, r["cell"], r["source"]))
        # recompute
        f = C.get(iid)
        if f is None:
            errors.append("%s: no recomputation defined" % iid)
            continue
        try:
            sentence, rows, wrong = f()
        except Exception as e:  # noqa
            errors.append("%s: recomputation failed: %r" % (iid, e))
            continue
        given = {(r["source"], r["cell"]) for r in it["rows"]}
        if given != set(rows):
            errors.append("%s: rows differ; missing %s extra %s"
                          % (iid, sorted(set(rows) - given), sorted(given - set(rows))))
        if not it["answers"]:
            errors.append("%s: no answer regex" % iid)
        for pat in it["answers"]:
            if not re.search(pat, sentence, re.I):
                errors.append("%s: regex %r does not match recomputed result %r" % (iid, pat, sentence))
            for w in wrong:
                if re.search(pat, w, re.I):
                    errors.append("%s: regex %r also matches wrong result %r" % (iid, pat, w))
    if errors:
        print("\n".join(errors))
        print("check FAILED (%d problems)" % len(errors))
        sys.exit(1)
    print("check passed: %d items, %s" % (len(items), dict(Counter(it["category"] for it in items))))


if __name__ == "__main__":
    main()
