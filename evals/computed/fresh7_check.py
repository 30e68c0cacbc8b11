#!/usr/bin/env python3
"""Standalone checker for the computed-fresh7 suite (standard library only).

Reads the tables straight from the documents, recomputes every answerable
item's result by code and checks the item against it:

* the recomputed result, stated as a sentence, matches every answer regex;
* a deliberately wrong result, stated the same way, does not match;
* the rows the computation rests on equal the item's ``rows``;
* every ``support`` occurs verbatim in its source (and in a row used);
* every ``rows[].cell`` is the first cell of a table row of its source;
* ids are unique and the category counts are as planned.

Prints "check passed" and exits 0 when everything holds.
"""
import collections
import csv
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "corpus")
SHARED = os.environ.get("BRIEFQA_SHARED_DIR") or os.path.join(ROOT, "..", "shared")
GUIDE = os.path.join(SHARED, "extra-corpus", "lumi-userguide")
ITEMS = os.path.join(ROOT, "evals", "heldout-final", "computed-fresh7.jsonl")

PLANNED = {
    "count": 13, "filter": 12, "superlative": 10, "comparison": 9,
    "sum": 3, "difference": 3, "join": 4, "near_miss": 6,
}
KEYS = {"id", "question", "kind", "category", "answers", "support", "source",
        "section", "rows", "computation"}
OPTIONAL_KEYS = {"require_all"}

MAP = "european-ai-infrastructure-map/MAP.md"
FACTORIES = "european-ai-infrastructure-map/ai_factories.csv"
SUPERS = "european-ai-infrastructure-map/eurohpc_supercomputers.csv"
IT4LIA = "european-ai-infrastructure-map/it4lia_infrastructure.csv"
PARTITIONS = "runjobs/scheduled-jobs/partitions.md"
STORAGE = "storage/index.md"
LUMIC = "hardware/lumic.md"
NETWORK = "hardware/network.md"
RCLONE = "storage/lumio/index.md"
EASYBUILD = "software/installing/easybuild.md"
BATCH = "runjobs/scheduled-jobs/batch-job.md"
LMOD = "runjobs/lumi_env/Lmod_modules.md"
BILLING = "runjobs/lumi_env/billing.md"


# --------------------------------------------------------------------------
# Reading the documents
# --------------------------------------------------------------------------

def path_of(source):
    """Corpus sources start with the map folder or the brief; the rest is LUMI."""
    if source.startswith("european-ai-infrastructure-map/") or source.startswith("eu-ai-factories"):
        return os.path.join(CORPUS, source)
    return os.path.join(GUIDE, source)


_TEXT = {}


def text_of(source):
    if source not in _TEXT:
        with open(path_of(source), encoding="utf-8") as fh:
            _TEXT[source] = fh.read()
    return _TEXT[source]


def clean(cell):
    """A table cell without Markdown markup: links, bold, code, <br>."""
    c = re.sub(r"<br\s*/?>", " ", cell)
    c = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", c)
    c = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", c)
    c = c.replace("**", "").replace("`", "")
    c = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"\1", c)
    return " ".join(c.split())


class Row:
    def __init__(self, source, cells, raw, header):
        self.source = source
        self.cells = cells          # cleaned cells
        self.raw = raw              # the raw line (md) or the raw values (csv)
        self.header = header
        self.first = cells[0]

    def __getitem__(self, i):
        return self.cells[i]

    def col(self, name):
        """Cell by (cleaned, case-insensitive) header name prefix."""
        for h, c in zip(self.header, self.cells):
            if h.lower().startswith(name.lower()):
                return c
        raise KeyError(name)

    def has(self, phrase):
        if isinstance(self.raw, str):
            return phrase in self.raw
        return any(phrase in v for v in self.raw)

    def key(self):
        return (self.source, self.first)


_TABLES = {}


def split_md(line):
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return s.split("|")


def tables(source):
    """All tables of a source as lists of Row (header and separator dropped)."""
    if source in _TABLES:
        return _TABLES[source]
    out = []
    if source.endswith(".csv"):
        with open(path_of(source), encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            rows = [Row(source, [" ".join(v.split()) for v in vals], vals, header)
                    for vals in reader if vals]
        out.append(rows)
    else:
        block = []
        for line in text_of(source).split("\n") + [""]:
            if line.strip().startswith("|"):
                block.append(line)
                continue
            if len(block) >= 2 and re.fullmatch(r"[\s|:\-]+", block[1]) and "-" in block[1]:
                header = [clean(c) for c in split_md(block[0])]
                rows = [Row(source, [clean(c) for c in split_md(l)], l, header)
                        for l in block[2:]]
                out.append(rows)
            block = []
    _TABLES[source] = out
    return out


def table(source, first_header_cells):
    """The table of a source whose header starts with the given cells."""
    for t in tables(source):
        if t and [h for h in t[0].header[:len(first_header_cells)]] == first_header_cells:
            return t
    raise LookupError("no table %r in %s" % (first_header_cells, source))


def first_cells(source):
    return {r.first for t in tables(source) for r in t}


def row(t, first):
    hits = [r for r in t if r.first == first]
    if len(hits) != 1:
        raise LookupError("row %r found %d times" % (first, len(hits)))
    return hits[0]


# --------------------------------------------------------------------------
# Value parsers
# --------------------------------------------------------------------------

def minutes(s):
    m = re.match(r"(\d+)\s*(day|hour|minute)", s)
    return int(m.group(1)) * {"day": 1440, "hour": 60, "minute": 1}[m.group(2)]


def lead_int(s):
    m = re.match(r"\s*(\d+)", s)
    return int(m.group(1)) if m else None


def nodes(s):
    m = re.match(r"\s*(\d+)\s*nodes?\b", s)
    return int(m.group(1)) if m else None


def gigabytes(s):
    m = re.match(r"\s*([\d.]+)\s*(GB|TB)", s)
    return float(m.group(1)) * (1000 if m.group(2) == "TB" else 1)


def kilo(s):
    m = re.match(r"\s*(\d+)k", s)
    return int(m.group(1)) * 1000


def rate(s):
    m = re.match(r"\s*([\d.]+)x", s)
    return float(m.group(1)) if m else None


def hw(s):
    return re.findall(r"LUMI-[A-Z]", s)


def petaflops(s):
    m = re.search(r"[~>]\s*(\d+)\s*(PF|EF)", s)
    if not m:
        return None
    return int(m.group(1)) * (1000 if m.group(2) == "EF" else 1)


def petabytes(s):
    m = re.search(r"(\d+)\s*PB", s)
    return int(m.group(1)) if m else None


def gpu_hours(s):
    m = re.search(r"([\d,]+)", s)
    if not m:
        return 0
    v = int(m.group(1).replace(",", ""))
    return v + 0.5 if ">" in s else v


def num(v):
    return ("%.1f" % v).rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


# --------------------------------------------------------------------------
# Results: a correct and a deliberately wrong sentence plus the rows used
# --------------------------------------------------------------------------

class Result:
    def __init__(self, say, wrong, rows):
        self.say = say
        self.wrong = wrong
        self.rows = rows


def r_count(rows):
    n = len(rows)
    return Result("The count is %d." % n, "The count is %d." % (n + 1), rows)


def r_list(names, rows, universe):
    distractor = next(u for u in universe if u not in names)
    wrong = list(names[:-1]) + [distractor]
    return Result("The matching entries are: %s." % "; ".join(names),
                  "The matching entries are: %s." % "; ".join(wrong), rows)


def r_one(name, wrong_name, rows):
    assert name != wrong_name
    return Result("The answer is %s." % name, "The answer is %s." % wrong_name, rows)


def r_compare(win, wv, lose, lv, word, rows):
    assert win != lose
    return Result("%s has the %s figure (%s against %s for %s)." % (win, word, wv, lv, lose),
                  "%s has the %s figure compared with %s." % (lose, word, win), rows)


def r_qty(v, unit, rows):
    return Result("The result is %s %s." % (num(v), unit),
                  "The result is %s %s." % (num(v + 1), unit), rows)


def best(rows, key, lowest=False):
    vals = sorted(rows, key=key, reverse=not lowest)
    assert key(vals[0]) != key(vals[1]), "tie in superlative"
    return vals[0], vals[1]


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------

def T_super_md():
    return table(MAP, ["System", "Country", "Host"])


def T_first_wave():
    return table(MAP, ["Factory", "Country", "Lead / host"])


def T_additional():
    return table(MAP, ["Factory", "Country", "Notes"])


def T_links():
    return table(MAP, ["Resource", "URL"])


def T_stacks():
    return table(MAP, ["Initiative", "Country"])


def T_tiers():
    return table(MAP, ["Tier", "GPU hours"])


def T_it4lia_md():
    return table(MAP, ["System", "Role"])


def T_csv(src):
    return tables(src)[0]


def T_parts():
    a = table(PARTITIONS, ["Name", "Max walltime", "Max jobs", "Max resources/job", "Hardware partition used"])
    b = table(PARTITIONS, ["Name", "Max walltime", "Max jobs", "Max resources/job", "Hardware partition", "Purpose"])
    return a + b


def T_paths():
    return table(STORAGE, ["", "Path"])


def T_quota():
    return table(STORAGE, ["", "Quota", "Max files"])


def T_object():
    return table(STORAGE, ["", "Quota", "Max buckets"])


def T_lumic():
    return table(LUMIC, ["Nodes", "CPUs"])


def T_network():
    return table(NETWORK, ["", "LUMI-G", "LUMI-C"])


# --------------------------------------------------------------------------
# Per-item computations
# --------------------------------------------------------------------------

def c001():
    rows = [r for r in T_super_md() if "incoming" in r.col("Class").lower()]
    return r_count(rows)


def c002():
    rows = [r for r in T_csv(FACTORIES) if r.col("lead_or_host") == "unknown"]
    return r_count(rows)


def c003():
    rows = [r for r in T_csv(IT4LIA) if "Bologna" in r.col("location")]
    return r_count(rows)


def c004():
    t = T_csv(FACTORIES)
    per = collections.Counter(r.col("country") for r in t)
    many = {c for c, n in per.items() if n > 1}
    rows = [r for r in t if r.col("country") in many]
    res = r_count(sorted(many))
    res.rows = rows
    return res


def c005():
    rows = [r for r in T_links() if "eurohpc-ju.europa.eu" in r.col("URL")]
    return r_count(rows)


def c006():
    rows = [r for r in T_csv(FACTORIES) if r.col("source_title") == "Helpdesk - AI Factories"]
    return r_count(rows)


def c007():
    rows = [r for r in T_additional() if "helpdesk topic list" in r.col("Notes")]
    return r_count(rows)


def c008():
    t = T_csv(FACTORIES)
    rows = [r for r in t if r.col("country") == "Spain"]
    return r_list([r.first for r in rows], rows, [r.first for r in t])


def c009():
    t = T_super_md()
    rows = [r for r in t if "BullSequana" in r.col("Notes")]
    return r_list([r.first for r in rows], rows, [r.first for r in t])


def c010():
    t = T_csv(FACTORIES)
    rows = [r for r in t if r.col("confidence") == "medium" and r.col("lead_or_host") != "unknown"]
    return r_list([r.first for r in rows], rows, [r.first for r in t])


def c011():
    t = T_csv(IT4LIA)
    rows = [r for r in t if "DAMA Tecnopolo" not in r.col("location")]
    assert len(rows) == 1
    return r_one(rows[0].first, next(r.first for r in t if r not in rows), rows)


def c012():
    t = T_super_md()
    rows = [r for r in t if r.col("Class").lower().startswith("exascale")]
    return r_list([r.first for r in rows], rows, [r.first for r in t])


def c013():
    t = T_stacks()
    rows = [r for r in t if r.col("Country") == "France"]
    return r_list([r.first for r in rows], rows, [r.first for r in t])


def c014():
    rows = [r for r in T_csv(IT4LIA) if petabytes(r.col("public_specs")) is not None]
    top, second = best(rows, lambda r: petabytes(r.col("public_specs")))
    return r_one(top.first, second.first, rows)


def c015():
    rows = [r for r in T_super_md()
            if r.col("Class").lower().startswith("pre-exascale") and petaflops(r.col("Class"))]
    low, second = best(rows, lambda r: petaflops(r.col("Class")), lowest=True)
    return r_one(low.first, second.first, rows)


def c016():
    rows = T_tiers()
    top, second = best(rows, lambda r: gpu_hours(r.col("GPU hours")))
    return r_one(top.first, second.first, rows)


def c017():
    rows = [r for r in T_csv(FACTORIES) if r.col("base_system") != "unknown"]
    top, second = best(rows, lambda r: len(r.col("base_system").split(",")))
    return r_one(top.first, second.first, rows)


def c018():
    rows = [r for r in T_it4lia_md() if petaflops(r.col("Role"))]
    top, second = best(rows, lambda r: petaflops(r.col("Role")))
    return r_one(top.first, second.first, rows)


def c019():
    t = T_super_md()
    a, b = row(t, "LUMI"), row(t, "Leonardo")
    (w, l) = (a, b) if petaflops(a.col("Class")) > petaflops(b.col("Class")) else (b, a)
    return r_compare(w.first, petaflops(w.col("Class")), l.first, petaflops(l.col("Class")),
                     "higher", [a, b])


def c020():
    t = T_csv(IT4LIA)
    a, b = row(t, "MEGARIDE"), row(t, "GAIA")
    va, vb = petabytes(a.col("public_specs")), petabytes(b.col("public_specs"))
    (w, wv, l, lv) = (a, va, b, vb) if va > vb else (b, vb, a, va)
    return r_compare(w.first, "%d PB" % wv, l.first, "%d PB" % lv, "larger", [a, b])


def c021():
    first, extra = T_first_wave(), T_additional()
    labels = {"first": "The first-wave selection", "extra": "The 2025 additional selections"}
    if len(extra) > len(first):
        return r_compare(labels["extra"], len(extra), labels["first"], len(first), "larger",
                         first + extra)
    return r_compare(labels["first"], len(first), labels["extra"], len(extra), "larger",
                     first + extra)


def c022():
    t = T_csv(IT4LIA)
    leo, lisa = row(t, "Leonardo"), row(t, "LISA")
    v_leo = int(re.search(r"(\d+) petaflops", leo.col("public_specs")).group(1))
    v_lisa = int(re.search(r"(\d+) PFlops double precision", lisa.col("public_specs")).group(1))
    (w, wv, l, lv) = (leo, v_leo, lisa, v_lisa) if v_leo > v_lisa else (lisa, v_lisa, leo, v_leo)
    return r_compare(w.first, "%d PF" % wv, l.first, "%d PF" % lv, "higher", [leo, lisa])


def c023():
    rows = [r for r in T_csv(IT4LIA) if petabytes(r.col("public_specs")) is not None]
    return r_qty(sum(petabytes(r.col("public_specs")) for r in rows), "PB", rows)


def c024():
    lisa = row(T_csv(IT4LIA), "LISA")
    m = re.search(r"(\d+) PFlops double precision and (\d+) PFlops mixed", lisa.col("public_specs"))
    return r_qty(int(m.group(2)) - int(m.group(1)), "PFlops", [lisa])


def c025():
    t = T_super_md()
    a, b = row(t, "LUMI"), row(t, "Leonardo")
    return r_qty(abs(petaflops(a.col("Class")) - petaflops(b.col("Class"))), "PF", [a, b])


def c026():
    fac = row(T_csv(FACTORIES), "IT4LIA")
    lead = fac.col("lead_or_host")
    hosts = [r for r in T_csv(SUPERS) if r.col("host") == lead]
    assert len(hosts) == 1
    other = next(r.col("system_class") for r in T_csv(SUPERS)
                 if r.col("system_class") != hosts[0].col("system_class"))
    return r_one(hosts[0].col("system_class"), other, [fac, hosts[0]])


def c027():
    sup = {r.first: r for r in T_csv(SUPERS)}
    pairs = [(f, sup[f.col("base_system")]) for f in T_csv(FACTORIES)
             if f.col("base_system") in sup]
    hits = [(f, s) for f, s in pairs if s.col("system_class") == "petascale"]
    assert len(hits) == 1
    f, s = hits[0]
    miss = next(p for p in pairs if p[1].col("system_class") != "petascale")[0]
    return r_one("%s in %s" % (f.first, f.col("country")),
                 "%s in %s" % (miss.first, miss.col("country")), [f, s])


# ---------------------------------------------------------------- LUMI

def c031():
    return r_count(T_parts())


def c032():
    return r_count([r for r in T_parts() if "LUMI-G" in hw(r.col("Hardware"))])


def c033():
    return r_count([r for r in T_quota() if r.col("Expandable").startswith("Yes")])


def c034():
    return r_count([r for r in T_quota() if re.fullmatch(r"\d+ days", r.col("Retention"))])


def c035():
    rows = [r for r in table(RCLONE, ["rclone subcommand", "Description"])
            if r.col("Description").startswith("List")]
    return r_count(rows)


def c036():
    return r_count([r for r in T_parts() if "(200 running)" in r.col("Max jobs")])


def c037():
    t = T_parts()
    rows = [r for r in t if "LUMI-C" in hw(r.col("Hardware"))]
    return r_list([r.first for r in rows], rows, [r.first for r in t])


def c038():
    t = T_parts()
    rows = [r for r in t if minutes(r.col("Max walltime")) >= 2 * 1440]
    return r_list([r.first for r in rows], rows, [r.first for r in t])


def c039():
    t = T_quota() + T_object()
    rows = [r for r in t if rate(r.col("Billing rate")) == 1.0]
    return r_list([r.first for r in rows], rows, [r.first for r in t])


def c040():
    t = table(EASYBUILD, ["EasyBuild toolchain", "HPE Cray PE"])
    rows = [r for r in t if "AMD compilers" in r.col("HPE Cray PE")]
    return r_list([r.first for r in rows], rows, [r.first for r in t])


def c041():
    t = [r for tb in tables(BATCH) for r in tb if r.header[0] == "Option"]
    rows = [r for r in t if "gpu" in r.first.lower()]
    return r_list([r.first for r in rows], rows, [r.first for r in t])


def c042():
    t = table(LMOD, ["Sub-command", "Description"])
    rows = [r for r in t if "," in r.first]
    return r_list([r.first for r in rows], rows, [r.first for r in t])


def c043():
    rows = T_parts()
    low, second = best(rows, lambda r: minutes(r.col("Max walltime")), lowest=True)
    return r_one(low.first, second.first, rows)


def c044():
    rows = [r for r in T_parts() if lead_int(r.col("Max jobs")) is not None]
    top, second = best(rows, lambda r: lead_int(r.col("Max jobs")))
    return r_one(top.first, second.first, rows)


def c045():
    rows = T_lumic()
    top, second = best(rows, lambda r: int(r.col("Nodes")))
    return r_one(top.col("Memory"), second.col("Memory"), rows)


def c046():
    rows = T_quota()
    top, second = best(rows, lambda r: kilo(r.col("Max files")))
    return r_one(top.first, second.first, rows)


def c047():
    rows = [r for r in T_quota() + T_object() if rate(r.col("Billing rate")) is not None]
    top, second = best(rows, lambda r: rate(r.col("Billing rate")))
    return r_one(top.first, second.first, rows)


def _cmp(rows_, a_name, b_name, value, fmt, word):
    a, b = row(rows_, a_name), row(rows_, b_name)
    va, vb = value(a), value(b)
    assert va != vb
    (w, wv, l, lv) = (a, va, b, vb) if va > vb else (b, vb, a, va)
    return r_compare(w.first, fmt(w), l.first, fmt(l), word, [a, b])


def c048():
    return _cmp(T_parts(), "standard-g", "standard", lambda r: nodes(r.col("Max resources")),
                lambda r: r.col("Max resources"), "larger")


def c049():
    return _cmp(T_parts(), "dev-g", "debug", lambda r: minutes(r.col("Max walltime")),
                lambda r: r.col("Max walltime"), "longer")


def c050():
    return _cmp(T_quota(), "User home", "Project persistent", lambda r: gigabytes(r.col("Quota")),
                lambda r: r.col("Quota"), "larger")


def c051():
    return _cmp(T_quota(), "Project persistent", "Project fast", lambda r: kilo(r.col("Max files")),
                lambda r: r.col("Max files"), "larger")


def c052():
    return _cmp(T_parts(), "largemem", "lumid", lambda r: minutes(r.col("Max walltime")),
                lambda r: r.col("Max walltime"), "longer")


def c053():
    rows = T_lumic()
    return r_qty(sum(int(r.col("Nodes")) for r in rows), "nodes", rows)


def c054():
    rows = [r for r in T_lumic() if int(r.col("Memory").split()[0]) > 256]
    return r_qty(sum(int(r.col("Nodes")) for r in rows), "nodes", rows)


def c055():
    t = T_parts()
    a, b = row(t, "standard-g"), row(t, "standard")
    return r_qty(nodes(a.col("Max resources")) - nodes(b.col("Max resources")), "nodes", [a, b])


def c056():
    quota, paths = T_quota(), T_paths()
    area = [r for r in quota if r.col("Retention") == "90 days"]
    assert len(area) == 1
    p = row(paths, area[0].first)
    part = hw(p.col("Hardware"))
    other = next(x for r in paths for x in hw(r.col("Hardware")) if x not in part)
    return r_one(part[0], other, [area[0], p])


def c057():
    t, net = T_parts(), T_network()
    a, b = row(t, "standard"), row(t, "standard-g")
    x, y = hw(a.col("Hardware"))[0], hw(b.col("Hardware"))[0]
    header = net[0].header
    cell = ""
    for r1, c1 in ((x, y), (y, x)):
        rr = row(net, r1)
        cell = rr[header.index(c1)] or cell
        if rr[header.index(c1)]:
            used = rr
    v = float(re.match(r"([\d.]+)", cell).group(1))
    return r_qty(v, "TB/s", [a, b, used])


COMPUTE = {name[1:]: fn for name, fn in globals().items()
           if re.fullmatch(r"c\d{3}", name)}


# --------------------------------------------------------------------------
# Near misses: the tables lack the column/row the question needs
# --------------------------------------------------------------------------

NEAR_MISS_PROBES = {
    # id suffix: (tables whose headers must lack the terms, terms absent from the whole source set)
    "028": ([T_tiers, lambda: table(MAP, ["Package", "Use case"])], ["price", "cost", "€ per", "per GPU hour"]),
    "029": ([T_super_md, lambda: T_csv(SUPERS)], ["megawatt", " MW", "power consumption", "power draw"]),
    "030": ([lambda: T_csv(FACTORIES), T_first_wave, T_additional], ["staff", "employee", "headcount"]),
    "058": ([T_parts], ["wait time", "queue time", "waiting time"]),
    "059": ([T_parts], ["euro", "€", "EUR "]),
    "060": ([T_lumic], ["watt", "power draw", "power consumption"]),
}
NEAR_MISS_SOURCES = {
    "028": [MAP, FACTORIES, SUPERS, IT4LIA, "eu-ai-factories-policy-brief.txt"],
    "029": [MAP, FACTORIES, SUPERS, IT4LIA, "eu-ai-factories-policy-brief.txt"],
    "030": [MAP, FACTORIES, SUPERS, IT4LIA, "eu-ai-factories-policy-brief.txt"],
    "058": [PARTITIONS, "runjobs/scheduled-jobs/slurm-quickstart.md", BILLING],
    "059": [PARTITIONS, BILLING],
    "060": [LUMIC, "hardware/index.md"],
}


# --------------------------------------------------------------------------
# Checking
# --------------------------------------------------------------------------

def main():
    errors = []

    def err(item_id, msg):
        errors.append("%s: %s" % (item_id, msg))

    with open(ITEMS, encoding="utf-8") as fh:
        items = [json.loads(l) for l in fh if l.strip()]

    ids = [it.get("id") for it in items]
    dup = [i for i, n in collections.Counter(ids).items() if n > 1]
    if dup:
        errors.append("duplicate ids: %s" % dup)
    cats = collections.Counter(it.get("category") for it in items)
    if dict(cats) != PLANNED:
        errors.append("category counts %s != planned %s" % (dict(cats), PLANNED))
    if len(items) != sum(PLANNED.values()):
        errors.append("expected %d items, found %d" % (sum(PLANNED.values()), len(items)))

    for it in items:
        iid = it.get("id", "?")
        keys = set(it)
        if not KEYS <= keys or keys - KEYS - OPTIONAL_KEYS:
            err(iid, "bad keys %s" % sorted(keys))
            continue
        if not re.fullmatch(r"CF7-\d{3}", iid):
            err(iid, "bad id")
        if it["section"] is not None:
            err(iid, "section must be null")
        if not isinstance(it["computation"], str) or not it["computation"].strip():
            err(iid, "computation missing")
        suffix = iid[-3:]

        if it["category"] == "near_miss":
            if it["kind"] != "unanswerable":
                err(iid, "near_miss must be unanswerable")
            if it["answers"] or it["rows"] or it["support"] is not None or it["source"] is not None:
                err(iid, "near_miss must have no answers/rows/support/source")
            if it.get("require_all"):
                err(iid, "near_miss with require_all")
            probe = NEAR_MISS_PROBES.get(suffix)
            if probe is None:
                err(iid, "no near-miss probe")
                continue
            tfns, terms = probe
            for tfn in tfns:
                hdr = " ".join(tfn()[0].header).lower()
                for term in terms:
                    if term.lower().strip() in hdr:
                        err(iid, "table header has %r" % term)
            for src in NEAR_MISS_SOURCES[suffix]:
                low = text_of(src).lower()
                for term in terms:
                    if term.lower() in low:
                        err(iid, "%s mentions %r" % (src, term))
            continue

        # ---- answerable items
        if it["kind"] not in ("map", "lumi", "brief"):
            err(iid, "bad kind %r" % it["kind"])
        if not it["answers"]:
            err(iid, "no answers")
        fn = COMPUTE.get(suffix)
        if fn is None:
            err(iid, "no computation in checker")
            continue
        try:
            res = fn()
        except Exception as exc:  # noqa: BLE001
            err(iid, "computation failed: %r" % exc)
            continue

        pats = [re.compile(p, re.IGNORECASE) for p in it["answers"]]
        if it.get("require_all") and len(pats) < 2:
            err(iid, "require_all with a single pattern")
        if not it.get("require_all") and len(pats) != 1:
            err(iid, "expected exactly one pattern when require_all is not set")
        for p in pats:
            if not p.search(res.say):
                err(iid, "pattern %r does not match %r" % (p.pattern, res.say))
        if all(p.search(res.wrong) for p in pats):
            err(iid, "wrong result %r is accepted" % res.wrong)
        if not it.get("require_all") and any(p.search(res.wrong) for p in pats):
            err(iid, "wrong result %r matches a pattern" % res.wrong)

        got = sorted((r.source, r.first) for r in res.rows)
        want = sorted((r.get("source"), r.get("cell")) for r in it["rows"])
        if got != want:
            err(iid, "rows differ:\n   computed %s\n   item     %s" % (got, want))
        for r in it["rows"]:
            if set(r) != {"source", "cell"}:
                err(iid, "bad row keys %s" % sorted(r))
            elif r["cell"] not in first_cells(r["source"]):
                err(iid, "%r is not the first cell of a table row in %s" % (r["cell"], r["source"]))

        sup, src = it["support"], it["source"]
        if not isinstance(sup, str) or not (3 <= len(sup.split()) <= 12):
            err(iid, "support must be 3-12 words: %r" % sup)
        elif sup not in text_of(src):
            err(iid, "support not verbatim in %s: %r" % (src, sup))
        elif not any(r.source == src and r.has(sup) for r in res.rows):
            err(iid, "support not inside a row used: %r" % sup)
        if isinstance(src, str) and not os.path.isfile(path_of(src)):
            err(iid, "source file missing: %r" % src)
        if it["kind"] == "lumi" and (src or "").startswith("european-ai-infrastructure-map/"):
            err(iid, "lumi source must be relative to the guide")
        if it["kind"] == "map" and not src.startswith("european-ai-infrastructure-map/"):
            err(iid, "map source must be under the map folder")
        if isinstance(sup, str) and any(m in sup for m in ("**", "`", "<br>", "|")):
            err(iid, "support contains markup")

    if errors:
        print("\n".join(errors))
        print("check FAILED (%d problems)" % len(errors))
        return 1
    print("check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
