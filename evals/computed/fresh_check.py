#!/usr/bin/env python3
"""Standalone checker for computed.jsonl (standard library only).

Reads the tables straight from the corpus (corpus/ and the shared LUMI guide), recomputes every answerable
item's result, and checks:
  * the recomputed result, written as a sentence, matches every answer regex
    (and, for counts/sums/differences, a sentence with a wrong number does not),
  * the recomputed set of rows equals the item's rows,
  * every support phrase (3-12 words) occurs verbatim in its source file,
  * every rows[].cell is the first cell of a row of a table in that source,
  * ids are unique, category/kind counts are as specified,
  * near misses have empty answers/support/source/rows.
Exit status 0 and "check passed" when everything holds.
"""
import collections
import csv
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(ROOT, "corpus")  # the brief and the map
SHARED = os.environ.get("BRIEFQA_SHARED_DIR", os.path.join(ROOT, "..", "shared"))
GUIDE = os.path.join(SHARED, "extra-corpus", "lumi-userguide")
JSONL = os.path.join(ROOT, "evals", "heldout-final", "computed-fresh.jsonl")

MAPDIR = "european-ai-infrastructure-map/"
M = MAPDIR + "MAP.md"
AF = MAPDIR + "ai_factories.csv"
SC = MAPDIR + "eurohpc_supercomputers.csv"
IT = MAPDIR + "it4lia_infrastructure.csv"
P = "runjobs/scheduled-jobs/partitions.md"
ST = "storage/index.md"

EXPECTED_CATS = {"count": 10, "filter": 9, "superlative": 8, "comparison": 7,
                 "join": 2, "near_miss": 5}
EXPECTED_SUMDIFF = 4


def path_of(source):
    if source.startswith(MAPDIR) or source == "eu-ai-factories-policy-brief.txt":
        return os.path.join(CORPUS, source)
    return os.path.join(GUIDE, source)


def read(source):
    with open(path_of(source), encoding="utf-8") as f:
        return f.read()


# ---------------------------------------------------------------- parsing
def clean(cell):
    s = re.sub(r"<br\s*/?>", " ", cell)
    s = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", s)      # [text][ref]
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)       # [text](url)
    s = s.replace("**", "").replace("`", "")
    return re.sub(r"\s+", " ", s).strip()


class Table:
    def __init__(self, source, heading, header, rows):
        self.source, self.heading, self.header, self.rows = source, heading, header, rows

    def col(self, name):
        for i, h in enumerate(self.header):
            if h == name:
                return i
        raise KeyError((self.source, name, self.header))

    def first_cells(self):
        return [r[0] for r in self.rows]

    def dicts(self):
        return [dict(zip(self.header, r)) for r in self.rows]


def split_row(line):
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [clean(c) for c in s.split("|")]


_md_cache = {}


def md_tables(source):
    if source in _md_cache:
        return _md_cache[source]
    tables, heading, block = [], None, []

    def flush():
        if len(block) >= 2 and re.match(r"^\|?\s*:?-", block[1].strip().lstrip("|").strip() or "-"):
            header = split_row(block[0])
            rows = [split_row(l) for l in block[2:]]
            tables.append(Table(source, heading, header, rows))
        block.clear()

    for line in read(source).splitlines():
        st = line.strip()
        if st.startswith("|"):
            block.append(line)
            continue
        flush()
        m = re.match(r"^#+\s+(.*)$", st)
        if m:
            heading = m.group(1).strip()
    flush()
    _md_cache[source] = tables
    return tables


def md_table(source, *header_has, heading=None):
    found = [t for t in md_tables(source)
             if all(any(h == x for x in t.header) for h in header_has)
             and (heading is None or t.heading == heading)]
    if len(found) != 1:
        raise LookupError("%s: %d tables with header %s heading %s" % (source, len(found), header_has, heading))
    return found[0]


def csv_rows(source):
    with open(path_of(source), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def first_cells(source):
    if source.endswith(".csv"):
        with open(path_of(source), encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        return {r[0] for r in rows[1:] if r}
    return {c for t in md_tables(source) for c in t.first_cells()}


# ---------------------------------------------------------------- helpers
def hours(s):
    m = re.match(r"(\d+(?:\.\d+)?)\s*(minute|hour|day)", s)
    n, u = float(m.group(1)), m.group(2)
    return n / 60 if u == "minute" else n * 24 if u == "day" else n


def lead_int(s):
    m = re.match(r"\s*(\d+)", s)
    return int(m.group(1)) if m else None


def size_gb(s):
    m = re.match(r"(\d+(?:\.\d+)?)\s*(GB|TB|PB)", s)
    return float(m.group(1)) * {"GB": 1, "TB": 1e3, "PB": 1e6}[m.group(2)]


def pb(notes):
    m = re.search(r"(\d+) PB storage", notes)
    return int(m.group(1)) if m else None


def join(names):
    names = list(names)
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def partition_rows():
    out = []
    for t in md_tables(P):
        if t.header[0] == "Name":
            out += [(r[0], dict(zip(t.header, r)), t) for r in t.rows]
    return out


def map_sc_table():
    return md_table(M, "System", "Country", "Host", "Class")


def first_wave():
    return md_table(M, "Factory", "Lead / host")


def additional():
    return md_table(M, "Factory", "Notes")


def quota_table():
    return md_table(ST, "Quota", "Max files")


def path_table():
    return md_table(ST, "Path")


# ---------------------------------------------------------------- recompute
# each returns (sentence stating the result, set of (source, cell) rows, wrong sentence or None)
def cf001():
    t = map_sc_table()
    rows = [r[0] for r in t.rows if "incoming" in r[t.col("Class")].lower()]
    n = len(rows)
    return ("%d systems are still incoming: %s." % (n, join(rows)), {(M, r) for r in rows},
            "%d systems are still incoming." % (n + 1))


def cf002():
    rows = [r["name"] for r in csv_rows(AF) if r["lead_or_host"] == "unknown"]
    n = len(rows)
    return ("%d factories have an unknown lead or host." % n, {(AF, r) for r in rows},
            "%d factories have an unknown lead or host." % (n - 1))


def cf003():
    t = additional()
    rows = [r[0] for r in t.rows if "helpdesk topic list" in r[t.col("Notes")]]
    n = len(rows)
    return ("%d factories were named in the helpdesk topic list: %s." % (n, join(rows)), {(M, r) for r in rows},
            "%d factories were named in the helpdesk topic list." % (n + 1))


def cf004():
    rows = [r["name"] for r in csv_rows(AF) if r["confidence"] == "high"]
    n = len(rows)
    return ("%d entries are rated high confidence." % n, {(AF, r) for r in rows},
            "%d entries are rated high confidence." % (n + 1))


def cf005():
    t = md_table(P, "Name", "Purpose")
    n = len(t.rows)
    return ("%d partitions can be allocated by resources." % n, {(P, r[0]) for r in t.rows},
            "%d partitions can be allocated by resources." % (n + 3))


def cf006():
    src = "firststeps/loggingin.md"
    t = md_table(src, "Login node name")
    n = len(t.rows)
    return ("It resolves to one of %d login nodes." % n, {(src, r[0]) for r in t.rows},
            "It resolves to one of %d login nodes." % (n + 1))


def cf007():
    src = "runjobs/lumi_env/Lmod_modules.md"
    t = md_table(src, "Sub-command")
    rows = [r[0] for r in t.rows if "," in r[0]]
    n = len(rows)
    return ("%d sub-commands have an alias: %s." % (n, join(rows)), {(src, r) for r in rows},
            "%d sub-commands have an alias." % (n + 1))


def cf008():
    src = "runjobs/scheduled-jobs/batch-job.md"
    t = md_table(src, "Option", heading="Request GPUs")
    n = len(t.rows)
    return ("There are %d options for requesting GPUs." % n, {(src, r[0]) for r in t.rows},
            "There are %d options for requesting GPUs." % (n + 1))


def cf009():
    src = "runjobs/scheduled-jobs/batch-job.md"
    t = md_table(src, "Dependency type")
    n = len(t.rows)
    return ("There are %d dependency types." % n, {(src, r[0]) for r in t.rows},
            "There are %d dependency types." % (n + 1))


def cf010():
    rows = [r["component"] for r in csv_rows(IT) if "Bologna" in r["location"]]
    n = len(rows)
    return ("%d components are in Bologna: %s." % (n, join(rows)), {(IT, r) for r in rows},
            "%d components are in Bologna." % (n + 1))


def cf011():
    by = collections.defaultdict(list)
    for r in csv_rows(AF):
        by[r["country"]].append(r["name"])
    multi = {c: v for c, v in by.items() if len(v) > 1}
    return ("Countries with more than one factory: %s." % join(multi),
            {(AF, n) for v in multi.values() for n in v}, None)


def cf012():
    t = map_sc_table()
    rows = [r[0] for r in t.rows if "BullSequana XH2000" in r[t.col("Notes")]]
    return ("%s use BullSequana XH2000." % join(rows), {(M, r) for r in rows}, None)


def cf013():
    rows = [r["component"] for r in csv_rows(IT) if pb(r["public_specs_or_notes"]) is not None]
    return ("%s list storage capacity." % join(rows), {(IT, r) for r in rows}, None)


def cf014():
    rows = [n for n, d, _ in partition_rows() if hours(d["Max walltime"]) > 48]
    return ("%s allow jobs longer than two days (3 days)." % join(rows), {(P, r) for r in rows}, None)


def cf015():
    src = "runjobs/scheduled-jobs/slurm-quickstart.md"
    t = md_table(src, "Command")
    rows = [r[0] for r in t.rows if r[1].startswith("View information")]
    return ("%s are for viewing information." % join(rows), {(src, r) for r in rows}, None)


def cf016():
    src = "development/compiling/cce.md"
    t = md_table(src, "Feature")
    c = t.col("C/C++")
    rows = [r[0] for r in t.rows if r[c] in ("N/A", "Not available")]
    return ("Fortran-only features: %s." % join(rows), {(src, r) for r in rows}, None)


def cf017():
    rows = [n for n, d, _ in partition_rows() if "(1 running)" in d["Max jobs"]]
    return ("Only one running job on %s." % join(rows), {(P, r) for r in rows}, None)


def cf018():
    src = "software/installing/easybuild.md"
    t = md_table(src, "EasyBuild toolchain")
    rows = [r[0] for r in t.rows if "AMD compilers" in r[1]]
    return ("%s use AMD compilers." % join(rows), {(src, r) for r in rows}, None)


def cf019():
    t = md_table(M, "Initiative")
    rows = [r[0] for r in t.rows if r[t.col("Country")] == "France"]
    return ("%s are French." % join(rows), {(M, r) for r in rows}, None)


def cf020():
    n, d, _ = min(partition_rows(), key=lambda x: hours(x[1]["Max walltime"]))
    return ("The %s partition has the shortest limit, %s." % (n, d["Max walltime"]), {(P, n)}, None)


def cf021():
    t = md_table(P, "Name", "Purpose")
    c = t.col("Max resources/job")
    best = max((r for r in t.rows if r[c].endswith("nodes")), key=lambda r: lead_int(r[c]))
    return ("%s allows up to %s per job." % (best[0], best[c]), {(P, best[0])}, None)


def cf022():
    t = quota_table()
    c = t.col("Quota")
    best = max(t.rows, key=lambda r: size_gb(r[c]))
    return ("%s has the largest quota, %s." % (best[0], best[c]), {(ST, best[0])}, None)


def cf023():
    src = "hardware/network.md"
    t = md_table(src, "LUMI-G", "LUMI-C")
    best = None
    for r in t.rows:
        for j, v in enumerate(r[1:], 1):
            if v and t.header[j] != r[0]:
                bw = float(v.split()[0])
                if best is None or bw > best[0]:
                    best = (bw, r[0], t.header[j], v)
    return ("The %s to %s link has the most bandwidth, %s." % (best[1], best[2], best[3]), {(src, best[1])}, None)


def cf024():
    src = "hardware/lumic.md"
    t = md_table(src, "Nodes", "Memory")
    c = t.col("Memory")
    best = max(t.rows, key=lambda r: lead_int(r[c]))
    return ("%s nodes have %s of memory." % (best[0], best[c]), {(src, best[0])}, None)


def cf025():
    best = max(csv_rows(IT), key=lambda r: pb(r["public_specs_or_notes"]) or -1)
    return ("%s has the most storage, more than %d PB." % (best["component"], pb(best["public_specs_or_notes"])),
            {(IT, best["component"])}, None)


def cf026():
    t = map_sc_table()
    cand = []
    for r in t.rows:
        m = re.match(r"Pre-exascale \(~(\d+) PF\)", r[t.col("Class")])
        if m:
            cand.append((int(m.group(1)), r[0]))
    best = max(cand)
    return ("%s is the most powerful at about %d PF." % (best[1], best[0]), {(M, n) for _, n in cand}, None)


def cf027():
    t = md_table(M, "Tier", "GPU hours")

    def gh(s):
        m = re.search(r"(>)?\s*(\d[\d,]*)", s)
        if not m:
            return 0
        return int(m.group(2).replace(",", "")) + (1 if m.group(1) else 0)
    best = max(t.rows, key=lambda r: gh(r[1]))
    return ("The %s tier gives the most GPU hours (%s)." % (best[0], best[1]), {(M, best[0])}, None)


def _pdict():
    return {n: d for n, d, _ in partition_rows()}


def cf028():
    d = _pdict()
    a, b = "small", "small-g"
    w = max((a, b), key=lambda n: lead_int(d[n]["Max jobs"]))
    return ("%s allows more jobs: %d vs %d." % (w, lead_int(d[w]["Max jobs"]),
                                                lead_int(d[b if w == a else a]["Max jobs"])), {(P, a), (P, b)}, None)


def _q():
    t = quota_table()
    return {r[0]: dict(zip(t.header, r)) for r in t.rows}


def cf029():
    q = _q()
    a, b = "Project scratch", "Project fast"
    w = max((a, b), key=lambda n: lead_int(q[n]["Retention"]))
    return ("%s keeps files longer, %s." % (w, q[w]["Retention"]), {(ST, a), (ST, b)}, None)


def cf030():
    q = _q()
    a, b = "Project scratch", "Project fast"
    rate = lambda n: float(q[n]["Billing rate"].rstrip("x"))
    w = max((a, b), key=rate)
    return ("%s (flash) is billed at %s, versus %s." % (w, q[w]["Billing rate"], q[a]["Billing rate"]),
            {(ST, a), (ST, b)}, None)


def cf031():
    d = _pdict()
    a, b = "standard-g", "standard"
    w = max((a, b), key=lambda n: lead_int(d[n]["Max resources/job"]))
    return ("%s allows %s per job." % (w, d[w]["Max resources/job"]), {(P, a), (P, b)}, None)


def cf032():
    rows = csv_rows(AF)
    cnt = collections.Counter(r["country"] for r in rows)
    w = max(("Germany", "Luxembourg"), key=lambda c: cnt[c])
    return ("%s has %d factories versus %d." % (w, cnt[w], min(cnt["Germany"], cnt["Luxembourg"])),
            {(AF, r["name"]) for r in rows if r["country"] in ("Germany", "Luxembourg")}, None)


def cf033():
    d = {r["component"]: pb(r["public_specs_or_notes"]) for r in csv_rows(IT)}
    w = max(("GAIA", "MEGARIDE"), key=lambda c: d[c])
    return ("%s has more storage, %d PB." % (w, d[w]), {(IT, "GAIA"), (IT, "MEGARIDE")}, None)


def cf034():
    def nparts(notes):
        if notes.rstrip(".").endswith(" partitions"):
            body = notes.rstrip(".")[: -len(" partitions")]
            return len([x for x in re.split(r",\s*(?:and\s+)?|\s+and\s+", body) if x.strip()])
        return len(re.findall(r"\bpartition\b", notes))
    d = {r["name"]: nparts(r["notable_partitions_or_notes"]) for r in csv_rows(SC)}
    w = max(("MareNostrum 5", "Leonardo"), key=lambda c: d[c])
    return ("%s lists %d partitions versus %d." % (w, d[w], min(d["MareNostrum 5"], d["Leonardo"])),
            {(SC, "MareNostrum 5"), (SC, "Leonardo")}, None)


def cf035():
    src = "hardware/lumid.md"
    t = md_table(src, "Nodes", "GPUs")
    n = sum(int(r[0]) for r in t.rows)
    return ("LUMI-D has %d nodes in total." % n, {(src, r[0]) for r in t.rows},
            "LUMI-D has %d nodes in total." % (n - 8))


def cf036():
    src = "hardware/lumic.md"
    t = md_table(src, "Nodes", "Memory")
    c = t.col("Memory")
    rows = [r for r in t.rows if lead_int(r[c]) > 256]
    n = sum(int(r[0]) for r in rows)
    return ("%d nodes have more than 256 GiB." % n, {(src, r[0]) for r in rows},
            "%d nodes have more than 256 GiB." % (n + 1888))


def cf037():
    src = "helpdesk/index.md"
    t = md_table(src, "CE(S)T")
    c = t.col("CE(S)T")
    d = {r[0]: r[c] for r in t.rows}

    def h24(s):
        m = re.match(r"(\d+):(\d+) (AM|PM)", s)
        return int(m.group(1)) % 12 + (12 if m.group(3) == "PM" else 0) + int(m.group(2)) / 60
    n = h24(d["End"]) - h24(d["Start"])
    return ("The helpdesk is open %d hours a day." % n, {(src, "Start"), (src, "End")},
            "The helpdesk is open %d hours a day." % (n - 1))


def cf038():
    a, f = additional(), first_wave()
    n = len(a.rows) - len(f.rows)
    return ("%d more factories came in 2025 (%d vs %d)." % (n, len(a.rows), len(f.rows)),
            {(M, r[0]) for r in a.rows + f.rows},
            "%d more factories came in 2025." % (n + 1))


def cf039():
    fac = {r["country"] for r in csv_rows(AF)}
    rows = [r["name"] for r in csv_rows(SC) if r["country"] not in fac]
    return ("%s is the only one." % join(rows), {(SC, r) for r in rows}, None)


def cf040():
    pt, qt = path_table(), quota_table()
    on_p = {r[0] for r in pt.rows if r[pt.col("Hardware partition used")] == "LUMI-P"}
    rows = [r[0] for r in qt.rows if r[0] in on_p and r[qt.col("Expandable")].startswith("Yes")]
    return ("%s can be expanded." % join(rows), {(ST, r) for r in rows}, None)


COMPUTE = {"CF-%03d" % i: globals()["cf%03d" % i] for i in range(1, 41)}


# ---------------------------------------------------------------- checks
def main():
    items = [json.loads(l) for l in open(JSONL, encoding="utf-8") if l.strip()]
    errs = []
    ids = [it["id"] for it in items]
    if len(ids) != len(set(ids)):
        errs.append("duplicate ids")
    if ids != ["CF-%03d" % i for i in range(1, len(items) + 1)]:
        errs.append("ids not sequential")
    if len(items) != 45:
        errs.append("expected 45 items, got %d" % len(items))
    cats = collections.Counter(it["category"] for it in items)
    for c, n in EXPECTED_CATS.items():
        if cats[c] != n:
            errs.append("category %s: %d != %d" % (c, cats[c], n))
    if cats["sum"] + cats["difference"] != EXPECTED_SUMDIFF:
        errs.append("sum+difference != 4")
    keys = {"id", "question", "kind", "category", "answers", "support", "source", "section", "rows", "computation"}

    for it in items:
        i = it["id"]
        if set(it) != keys:
            errs.append("%s: keys %s" % (i, sorted(set(it) ^ keys)))
        if it["section"] is not None:
            errs.append("%s: section must be null" % i)
        if it["category"] == "near_miss":
            if it["kind"] != "unanswerable" or it["answers"] or it["support"] or it["source"] or it["rows"]:
                errs.append("%s: near miss must be unanswerable with empty answers/support/source/rows" % i)
            continue
        if it["kind"] not in ("map", "lumi"):
            errs.append("%s: bad kind" % i)
        if it["kind"] == "map" and not it["source"].startswith(MAPDIR):
            errs.append("%s: kind map but source %s" % (i, it["source"]))
        if it["kind"] == "lumi" and (it["source"].startswith(MAPDIR) or it["source"].startswith("lumi-userguide/")):
            errs.append("%s: bad lumi source %s" % (i, it["source"]))
        # support
        sup, src = it["support"], it["source"]
        nw = len(sup.split())
        if not 3 <= nw <= 12:
            errs.append("%s: support has %d words" % (i, nw))
        try:
            if sup not in read(src):
                errs.append("%s: support not verbatim in %s: %r" % (i, src, sup))
        except OSError as e:
            errs.append("%s: cannot read source %s (%s)" % (i, src, e))
        # rows
        for r in it["rows"]:
            if r["cell"] not in first_cells(r["source"]):
                errs.append("%s: %r is not a first cell in %s" % (i, r["cell"], r["source"]))
        # recompute
        sentence, rows, wrong = COMPUTE[i]()
        got_rows = {(r["source"], r["cell"]) for r in it["rows"]}
        if got_rows != rows:
            errs.append("%s: rows differ: missing %s extra %s" % (i, sorted(rows - got_rows), sorted(got_rows - rows)))
        if not it["answers"]:
            errs.append("%s: no answer regex" % i)
        for rx in it["answers"]:
            try:
                ok = re.search(rx, sentence, re.I)
            except re.error as e:
                errs.append("%s: bad regex %r (%s)" % (i, rx, e))
                continue
            if not ok:
                errs.append("%s: regex %r does not match recomputed %r" % (i, rx, sentence))
            if wrong and re.search(rx, wrong, re.I):
                errs.append("%s: regex %r also matches wrong %r" % (i, rx, wrong))
        print("%s ok-candidate: %s" % (i, sentence))

    if errs:
        print("\n".join("FAIL " + e for e in errs))
        sys.exit(1)
    print("counts per category: %s" % dict(cats))
    print("check passed")


if __name__ == "__main__":
    main()
