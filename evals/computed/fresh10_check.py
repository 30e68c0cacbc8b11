#!/usr/bin/env python3
"""Standalone checker for evals/heldout-final/computed-fresh10.jsonl.

Reads the tables straight from the documents (CSV via the csv module, Markdown
tables by splitting '|' lines), recomputes every answerable item's result, and
checks answers, rows, supports, ids and category counts.  Standard library only.
Exit 0 and print "check passed" when everything holds.
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
ITEMS = os.path.join(ROOT, "evals", "heldout-final", "computed-fresh10.jsonl")

MAPDIR = "european-ai-infrastructure-map/"
MAP = MAPDIR + "MAP.md"
AF = MAPDIR + "ai_factories.csv"
SC = MAPDIR + "eurohpc_supercomputers.csv"
IT = MAPDIR + "it4lia_infrastructure.csv"
PART = "runjobs/scheduled-jobs/partitions.md"
STOR = "storage/index.md"
LUMIC = "hardware/lumic.md"
LUMID = "hardware/lumid.md"
NET = "hardware/network.md"
LMOD = "runjobs/lumi_env/Lmod_modules.md"
LUMIO = "storage/lumio/index.md"
BATCH = "runjobs/scheduled-jobs/batch-job.md"
EASYB = "software/installing/easybuild.md"

EXPECTED_CATEGORIES = {"count": 13, "filter": 12, "superlative": 10, "comparison": 9,
                       "sum": 3, "difference": 3, "join": 4, "near_miss": 6}
REQUIRED_KEYS = {"id", "question", "kind", "category", "answers", "support", "source",
                 "section", "rows", "computation"}
OPTIONAL_KEYS = {"require_all"}

ERRORS = []


def fail(msg):
    ERRORS.append(msg)


# ---------------------------------------------------------------- documents

def path_of(source):
    if source.startswith(MAPDIR) or source.startswith("eu-ai-factories"):
        return os.path.join(CORPUS, *source.split("/"))
    return os.path.join(GUIDE, *source.split("/"))


_TEXT = {}


def text_of(source):
    if source not in _TEXT:
        with open(path_of(source), encoding="utf-8") as fh:
            _TEXT[source] = fh.read()
    return _TEXT[source]


def clean(cell):
    """Drop Markdown markup from a table cell."""
    s = re.sub(r"<br\s*/?>", " ", cell)
    s = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", s)
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = s.replace("**", "").replace("`", "")
    s = re.sub(r"(?<![\w*])\*([^*]+)\*(?![\w*])", r"\1", s)
    return " ".join(s.split())


_MD = {}


def md_tables(source):
    """Markdown tables of a file: [{'header': [...], 'rows': [{'cells', 'raw', 'd'}]}]."""
    if source in _MD:
        return _MD[source]
    tables, block = [], []
    for line in text_of(source).splitlines() + [""]:
        st = line.strip()
        if st.startswith("|"):
            block.append(st)
            continue
        if len(block) >= 3 and re.fullmatch(r"[\s|:\-]+", block[1]):
            header = [clean(c) for c in block[0].strip("|").split("|")]
            rows = []
            for raw in block[2:]:
                cells = [clean(c) for c in raw.strip("|").split("|")]
                d = {header[i]: cells[i] for i in range(min(len(header), len(cells)))}
                rows.append({"cells": cells, "raw": raw, "d": d})
            tables.append({"header": header, "rows": rows})
        block = []
    _MD[source] = tables
    return tables


def md_table(source, pred):
    found = [t for t in md_tables(source) if pred(t["header"])]
    if len(found) != 1:
        raise SystemExit("table lookup in %s found %d tables" % (source, len(found)))
    return found[0]


def hdr(*prefix):
    return lambda h: tuple(h[:len(prefix)]) == prefix


_CSV = {}


def csv_rows(source):
    if source not in _CSV:
        with open(path_of(source), encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            _CSV[source] = (header, [dict(zip(header, r)) for r in reader])
    return _CSV[source][1]


def csv_first(source):
    return _CSV[source][0][0] if source in _CSV else (csv_rows(source) and _CSV[source][0][0])


def first_cells(source):
    if source.endswith(".csv"):
        key = csv_first(source)
        return [r[key] for r in csv_rows(source)]
    out = []
    for t in md_tables(source):
        out.extend(r["cells"][0] for r in t["rows"])
    return out


# ------------------------------------------------------------------ parsers

def pf(text):
    m = re.search(r"([~>])\s*(\d+(?:\.\d+)?)\s*(PF|EF)", text)
    if not m:
        return None
    v = float(m.group(2)) * (1000 if m.group(3) == "EF" else 1)
    return v + (0.5 if m.group(1) == ">" else 0)


def pb_storage(text):
    m = re.search(r"(\d+) PB storage", text)
    return int(m.group(1)) if m else None


def minutes(text):
    m = re.match(r"(\d+)\s*(minute|hour|day)", text)
    return int(m.group(1)) * {"minute": 1, "hour": 60, "day": 1440}[m.group(2)]


def max_jobs(text):
    m = re.match(r"(\d+)\s*\((\d+) running\)", text)
    return (int(m.group(1)), int(m.group(2))) if m else None


def max_nodes(text):
    m = re.match(r"(\d+)\s*nodes", text)
    return int(m.group(1)) if m else None


def size_tb(text):
    m = re.search(r"(\d+)\s*(GB|TB)", text)
    return int(m.group(1)) / (1000.0 if m.group(2) == "GB" else 1.0) if m else None


# ------------------------------------------------------------------- tables

def t_super():
    return md_table(MAP, hdr("System", "Country", "Host", "Class", "Notes"))


def t_first():
    return md_table(MAP, hdr("Factory", "Country", "Lead / host", "Base system"))


def t_add():
    return md_table(MAP, lambda h: h == ["Factory", "Country", "Notes"])


def t_tiers():
    return md_table(MAP, hdr("Tier", "GPU hours"))


def t_cont():
    return md_table(MAP, lambda h: h == ["System", "Role"])


def partitions():
    rows = []
    for t in md_tables(PART):
        if t["header"][0] == "Name":
            for r in t["rows"]:
                c = r["cells"]
                rows.append({"name": c[0], "wall": c[1], "jobs": c[2], "res": c[3], "hw": c[4],
                             "by_resources": "Purpose" in t["header"]})
    return rows


def t_paths():
    return md_table(STOR, lambda h: len(h) > 1 and h[1] == "Path")


def t_quota():
    return md_table(STOR, lambda h: len(h) > 2 and h[1] == "Quota" and h[2] == "Max files")


def M(*cells):
    return [(MAP, c) for c in cells]


def name(r):
    return r["cells"][0]


# ----------------------------------------------------------- computations
# Each returns a dict: kind ('count' | 'list' | 'best' | 'value'), the result,
# a deliberately wrong result, and the rows (source, first cell) it rests on.

def count(rows, src):
    return {"kind": "count", "n": len(rows), "rows": [(src, c) for c in rows]}


def c001():
    rows = [name(r) for r in t_super()["rows"] if r["d"]["Class"].startswith("Petascale")]
    return count(rows, MAP)


def c002():
    rows = [p["name"] for p in partitions() if minutes(p["wall"]) > 1440]
    return count(rows, PART)


def c003():
    rows = [name(r) for r in t_super()["rows"] if "incoming" in r["d"]["Class"].lower()]
    return count(rows, MAP)


def c004():
    return count([p["name"] for p in partitions() if p["hw"] == "LUMI-D"], PART)


def c005():
    return count([r["name"] for r in csv_rows(AF) if r["confidence"] == "medium"], AF)


def c006():
    return count([p["name"] for p in partitions() if max_nodes(p["res"]) == 4], PART)


def c007():
    return count([r["name"] for r in csv_rows(AF) if r["lead_or_host"] != "unknown"], AF)


def c008():
    t = md_table(LMOD, hdr("Sub-command"))
    return count([name(r) for r in t["rows"]], LMOD)


def c009():
    rows = [name(r) for r in t_add()["rows"] if "helpdesk topic list" in r["d"]["Notes"]]
    return count(rows, MAP)


def c010():
    t = md_table(LUMIO, hdr("s3cmd command"))
    return count([name(r) for r in t["rows"]], LUMIO)


def c011():
    return count([r["component"] for r in csv_rows(IT) if r["location"] == "DAMA Tecnopolo, Bologna"], IT)


def c012():
    t = md_table(BATCH, hdr("Dependency type"))
    return count([name(r) for r in t["rows"]], BATCH)


def c013():
    return count([r["name"] for r in csv_rows(SC) if r["system_class"] == "pre-exascale"], SC)


def lst(names, src, outsider, rows=None):
    return {"kind": "list", "items": names, "outsider": outsider,
            "rows": rows if rows is not None else [(src, n) for n in names]}


def c014():
    t = t_add()
    names = [name(r) for r in t["rows"] if r["d"]["Country"] == "Poland"]
    other = [name(r) for r in t["rows"] if r["d"]["Country"] != "Poland"][0]
    return lst(names, MAP, other)


def c015():
    ps = partitions()
    names = [p["name"] for p in ps if minutes(p["wall"]) < 360]
    other = [p["name"] for p in ps if p["name"] not in names and minutes(p["wall"]) <= 360][0]
    return lst(names, PART, other)


def c016():
    t = t_super()
    names = [name(r) for r in t["rows"] if "BullSequana" in r["d"]["Notes"]]
    other = [name(r) for r in t["rows"] if "Sequana" in r["d"]["Notes"] and name(r) not in names][0]
    return lst(names, MAP, other)


def c017():
    t = t_quota()
    names = [name(r) for r in t["rows"] if re.fullmatch(r"\d+ days", r["d"]["Retention"])]
    other = [name(r) for r in t["rows"] if name(r) not in names][0]
    return lst(names, STOR, other)


def c018():
    rows = csv_rows(AF)
    names = [r["name"] for r in rows if "helpdesk topic list" in r["notes"]
             and r["base_system_or_infrastructure"] != "unknown"]
    other = [r["name"] for r in rows if "helpdesk topic list" in r["notes"] and r["name"] not in names][0]
    return lst(names, AF, other)


def c019():
    t = md_table(LMOD, hdr("Sub-command"))
    names = [name(r) for r in t["rows"] if "," in name(r)]
    return lst(names, LMOD, "unload")


def c020():
    rows = csv_rows(IT)
    names = [r["component"] for r in rows if "Bologna" not in r["location"]]
    other = [r["component"] for r in rows if r["component"] not in names][2]
    return lst(names, IT, other)


def c021():
    t = md_table(EASYB, hdr("EasyBuild toolchain"))
    names = [name(r) for r in t["rows"] if "AMD compilers" in r["cells"][1]]
    other = [name(r) for r in t["rows"] if name(r) not in names][0]
    return lst(names, EASYB, other)


def c022():
    rows = csv_rows(AF)
    names = [r["name"] for r in rows if r["country"] == "Spain"]
    return lst(names, AF, "J-AIF")


def c023():
    ps = partitions()
    names = [p["name"] for p in ps if p["by_resources"] and p["hw"] == "LUMI-G"]
    return lst(names, PART, "standard-g")


def c024():
    rows = csv_rows(SC)
    names = [r["name"] for r in rows if r["system_class"] == "petascale"
             and "GPU" in r["notable_partitions_or_notes"]]
    other = [r["name"] for r in rows if r["system_class"] == "petascale" and r["name"] not in names][0]
    return lst(names, SC, other)


def c025():
    ps = partitions()
    names = [p["name"] for p in ps if max_jobs(p["jobs"]) and max_jobs(p["jobs"])[1] == 200]
    other = [p["name"] for p in ps if p["name"] not in names][0]
    return lst(names, PART, other)


def best(cands, src, largest=True, label=lambda n, v: "%s (%s)" % (n, v), rows=None):
    """cands: [(name, sort_key, shown_value)]; winner and runner-up."""
    order = sorted(cands, key=lambda c: c[1], reverse=largest)
    if len(order) > 1 and order[0][1] == order[1][1]:
        raise SystemExit("tie for %s" % order[0][0])
    w, r = order[0], order[1]
    return {"kind": "best", "winner": label(w[0], w[2]), "other": label(r[0], r[2]),
            "rows": rows if rows is not None else [(src, c[0]) for c in cands]}


def it4lia_storage():
    return [(r["component"], pb_storage(r["public_specs_or_notes"]),
             "%s PB" % pb_storage(r["public_specs_or_notes"]))
            for r in csv_rows(IT) if pb_storage(r["public_specs_or_notes"]) is not None]


def c026():
    return best(it4lia_storage(), IT)


def c027():
    return best([(p["name"], minutes(p["wall"]), p["wall"]) for p in partitions()], PART, largest=False)


def c028():
    return best(it4lia_storage(), IT, largest=False)


def c029():
    return best([(p["name"], max_jobs(p["jobs"])[0], p["jobs"]) for p in partitions() if max_jobs(p["jobs"])], PART)


def c030():
    return best([(name(r), pf(r["d"]["Class"]), r["d"]["Class"]) for r in t_super()["rows"]
                 if pf(r["d"]["Class"]) is not None], MAP)


def c031():
    return best([(p["name"], max_nodes(p["res"]), p["res"]) for p in partitions()
                 if p["name"] != "bench" and max_nodes(p["res"]) is not None], PART)


def c032():
    return best([(name(r), pf(r["d"]["Role"]), r["d"]["Role"]) for r in t_cont()["rows"]
                 if pf(r["d"]["Role"]) is not None], MAP)


def c033():
    t = t_quota()
    cands = []
    for r in t["rows"]:
        m = re.fullmatch(r"([\d.]+)x", r["d"]["Billing rate"])
        if m:
            cands.append((name(r), float(m.group(1)), r["d"]["Billing rate"]))
    return best(cands, STOR)


def c034():
    cands = []
    for r in t_tiers()["rows"]:
        g = r["d"]["GPU hours"]
        m = re.search(r"(>)?\s*([\d,]+)", g)
        v = 0 if not m else int(m.group(2).replace(",", "")) + (1 if m.group(1) else 0)
        cands.append((name(r), v, g))
    return best(cands, MAP)


def c035():
    t = md_table(LUMIC, hdr("Nodes"))
    cands = [(name(r), int(re.match(r"(\d+) GiB", r["d"]["Memory"]).group(1)), r["d"]["Memory"]) for r in t["rows"]]
    return best(cands, LUMIC, label=lambda n, v: "%s nodes with %s" % (n, v))


def pick(cands, src, names):
    sel = [c for c in cands if c[0] in names]
    if len(sel) != 2:
        raise SystemExit("comparison needs two rows, got %r" % sel)
    return best(sel, src)


def c036():
    return pick([(name(r), pf(r["d"]["Class"]), r["d"]["Class"]) for r in t_super()["rows"]], MAP, {"LUMI", "Leonardo"})


def c037():
    return pick([(p["name"], max_jobs(p["jobs"])[0], p["jobs"]) for p in partitions() if max_jobs(p["jobs"])],
                PART, {"standard-g", "standard"})


def c038():
    return pick(it4lia_storage(), IT, {"GAIA", "MEGARIDE"})


def c039():
    return pick([(p["name"], max_jobs(p["jobs"])[0], p["jobs"]) for p in partitions() if max_jobs(p["jobs"])],
                PART, {"small", "small-g"})


def c040():
    rows = csv_rows(AF)
    n = collections.Counter(r["confidence"] for r in rows)
    res = best([(k, n[k], "%d entries" % n[k]) for k in ("medium", "high")], AF)
    res["rows"] = [(AF, r["name"]) for r in rows if r["confidence"] in ("medium", "high")]
    return res


def c041():
    return pick([(p["name"], minutes(p["wall"]), p["wall"]) for p in partitions()], PART, {"dev-g", "debug"})


def c042():
    a, b = t_first()["rows"], t_add()["rows"]
    res = best([("the December 2024 first wave", len(a), "%d factories" % len(a)),
                ("the additional 2025 selections", len(b), "%d factories" % len(b))], MAP)
    res["rows"] = M(*[name(r) for r in a + b])
    return res


def c043():
    t = md_table(LUMID, hdr("Nodes"))
    cands = [("the A40 GPU nodes" if r["d"]["GPUs"] != "none" else "the nodes without GPUs",
              int(re.match(r"(\d+) TB SSD", r["d"]["Disk"]).group(1)), r["d"]["Disk"]) for r in t["rows"]]
    res = best(cands, LUMID)
    res["rows"] = [(LUMID, name(r)) for r in t["rows"]]
    return res


def c044():
    t = t_quota()
    return pick([(name(r), int(r["d"]["Retention"].split()[0]), r["d"]["Retention"]) for r in t["rows"]
                 if re.fullmatch(r"\d+ days", r["d"]["Retention"])], STOR, {"Project scratch", "Project fast"})


def value(v, unit, rows, wrong=None):
    return {"kind": "value", "value": v, "unit": unit, "rows": rows,
            "wrong": wrong if wrong is not None else v + 10}


def fmt(v):
    return ("%.1f" % v).rstrip("0").rstrip(".")


def c045():
    st = dict((n, v) for n, v, _ in it4lia_storage())
    return value(st["GAIA"] + st["MEGARIDE"], "PB", [(IT, "GAIA"), (IT, "MEGARIDE")])


def c046():
    ps = dict((p["name"], p) for p in partitions())
    v = max_jobs(ps["standard-g"]["jobs"])[1] + max_jobs(ps["standard"]["jobs"])[1]
    return value(v, "jobs", [(PART, "standard-g"), (PART, "standard")])


def c047():
    t = md_table(LUMIC, hdr("Nodes"))
    sel = [r for r in t["rows"] if int(re.match(r"(\d+) GiB", r["d"]["Memory"]).group(1)) > 256]
    return value(sum(int(name(r)) for r in sel), "nodes", [(LUMIC, name(r)) for r in sel])


def c048():
    d = dict((name(r), pf(r["d"]["Class"])) for r in t_super()["rows"])
    return value(d["LUMI"] - d["Leonardo"], "PF", M("LUMI", "Leonardo"))


def c049():
    r = [r for r in t_quota()["rows"] if name(r) == "Project scratch"][0]
    return value(size_tb(r["d"]["Expandable"]) - size_tb(r["d"]["Quota"]), "TB", [(STOR, "Project scratch")])


def c050():
    a = [pf(r["d"]["Class"]) for r in t_super()["rows"] if name(r) == "Leonardo"][0]
    b = [pf(r["d"]["Role"]) for r in t_cont()["rows"] if name(r) == "Leonardo"][0]
    return value(abs(b - a), "PF", M("Leonardo", "Leonardo"))


def c051():
    sup = dict((name(r), r) for r in t_super()["rows"])
    names, rows = [], []
    for f in t_first()["rows"]:
        base = f["d"]["Base system"]
        hits = [s for s in sup if re.search(r"\b%s\b" % re.escape(s), base)]
        if len(hits) != 1:
            raise SystemExit("ambiguous base system %r" % base)
        if sup[hits[0]]["d"]["Class"].startswith("Pre-exascale"):
            names.append(name(f))
            rows.append((MAP, hits[0]))
    return lst(names, MAP, "JAIF", rows=M(*names) + rows)


def c052():
    on_p = [name(r) for r in t_paths()["rows"] if r["cells"][3] == "LUMI-P"]
    exp = [name(r) for r in t_quota()["rows"] if r["d"]["Expandable"].startswith("Yes")]
    names = [n for n in on_p if n in exp]
    return lst(names, STOR, "Project fast", rows=[(STOR, n) for n in names] * 2)


def c053():
    sc = csv_rows(SC)
    peta = dict((r["country"], r["name"]) for r in sc if r["system_class"] == "petascale")
    fac = [r for r in csv_rows(AF) if r["country"] in peta]
    names = [r["name"] for r in fac]
    sysrows = [(SC, n) for n in sorted(set(peta[r["country"]] for r in fac))]
    return lst(names, AF, "HammerHAI", rows=[(AF, n) for n in names] + sysrows)


def c054():
    ps = dict((p["name"], p) for p in partitions())
    a, b = ps["standard-g"]["hw"], ps["standard"]["hw"]
    t = md_table(NET, lambda h: h[1:] == ["LUMI-G", "LUMI-C", "LUMI-M", "LUMI-F", "LUMI-P"])
    cols = t["header"]
    grid = dict((name(r), r["cells"]) for r in t["rows"])
    cell = grid[a][cols.index(b)] or grid[b][cols.index(a)]
    other = grid["LUMI-C"][cols.index("LUMI-C")]
    v = float(cell.split()[0])
    return value(v, "TB/s", [(PART, "standard-g"), (PART, "standard"), (NET, a)],
                 wrong=float(other.split()[0]))


COMPUTE = dict(("CF10-%03d" % i, globals()["c%03d" % i]) for i in range(1, 55))

# Terms whose absence shows a near-miss item really has no answer.
NEAR_MISS_ABSENT = {
    "CF10-055": ("corpus", r"megawatt|\bMW\b|power consumption|power draw"),
    "CF10-056": ("guide", r"LUMI-K|container cloud"),
    "CF10-057": ("corpus", r"registered users|number of users|user count|users so far"),
    "CF10-058": ("guide", r"€|\beuros?\b|\bEUR\b"),
    "CF10-059": ("corpus", r"per GPU[- ]hour|price|€\s*/|EUR\s*/|cost per"),
    "CF10-060": ("guide", r"login nodes? (has|have|with|contain)s? [^.\n]*\b(GB|GiB|TB|TiB)\b"),
}

WORDS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen " \
        "fifteen sixteen seventeen eighteen nineteen twenty".split()


def sentences(res):
    """(correct sentence, [deliberately wrong sentences])."""
    k = res["kind"]
    if k == "count":
        n = res["n"]
        say = lambda m: "Counting the matching table rows gives %d (%s)." % (m, WORDS[m])
        return say(n), [say(n + 1)] + ([say(n - 1)] if n > 0 else [])
    if k == "list":
        items = res["items"]
        say = lambda xs: "The matching ones are %s." % (
            xs[0] if len(xs) == 1 else ", ".join(xs[:-1]) + " and " + xs[-1])
        wrong = items[:-1] + [res["outsider"]]
        return say(items), [say(wrong), say([res["outsider"]])]
    if k == "best":
        say = lambda w: "It is %s, which comes out ahead." % w
        return say(res["winner"]), [say(res["other"])]
    if k == "value":
        say = lambda v: "The result is %s %s." % (fmt(v), res["unit"])
        return say(res["value"]), [say(res["wrong"])]
    raise SystemExit("unknown result kind %r" % k)


def matches(item, text):
    hits = [re.search(p, text, re.IGNORECASE) is not None for p in item["answers"]]
    return all(hits) if item.get("require_all") else any(hits)


def check_support(item):
    sup, src = item["support"], item["source"]
    words = sup.split()
    if not 3 <= len(words) <= 12:
        fail("%s: support has %d words" % (item["id"], len(words)))
    if any(m in sup for m in ("**", "`", "<br", "|")):
        fail("%s: support contains markup" % item["id"])
    if not any(sup in line for line in text_of(src).splitlines()):
        fail("%s: support not verbatim on one line of %s" % (item["id"], src))
    used = [r["cell"] for r in item["rows"] if r["source"] == src]
    ok = False
    if src.endswith(".csv"):
        key = csv_first(src)
        for r in csv_rows(src):
            if r[key] in used and any(sup in v for v in r.values()):
                ok = True
    else:
        for t in md_tables(src):
            for r in t["rows"]:
                if r["cells"][0] in used and sup in r["raw"]:
                    ok = True
    if not ok:
        fail("%s: support is not in a row the item uses" % item["id"])


def main():
    with open(ITEMS, encoding="utf-8") as fh:
        items = [json.loads(line) for line in fh if line.strip()]

    ids = [it.get("id") for it in items]
    if len(set(ids)) != len(ids):
        fail("duplicate ids")
    if ids != ["CF10-%03d" % i for i in range(1, len(items) + 1)]:
        fail("ids are not CF10-001.. in order")
    cats = collections.Counter(it.get("category") for it in items)
    if dict(cats) != EXPECTED_CATEGORIES:
        fail("category counts %r != %r" % (dict(cats), EXPECTED_CATEGORIES))
    kinds = collections.Counter(it.get("kind") for it in items)
    if kinds != collections.Counter({"map": 27, "lumi": 27, "unanswerable": 6}):
        fail("kind counts %r" % dict(kinds))

    first = {}
    for it in items:
        iid = it.get("id")
        keys = set(it)
        if not REQUIRED_KEYS <= keys or keys - REQUIRED_KEYS - OPTIONAL_KEYS:
            fail("%s: keys %r" % (iid, sorted(keys)))
            continue
        if it["section"] is not None:
            fail("%s: section must be null" % iid)
        for p in it["answers"]:
            re.compile(p)
        if it["category"] == "near_miss":
            if (it["kind"] != "unanswerable" or it["answers"] or it["rows"]
                    or it["support"] is not None or it["source"] is not None):
                fail("%s: near_miss fields" % iid)
            where, pat = NEAR_MISS_ABSENT[iid]
            if where == "corpus":
                files = ["eu-ai-factories-policy-brief.txt"] + [
                    MAPDIR + f for f in sorted(os.listdir(os.path.join(CORPUS, MAPDIR)))]
            else:
                files = []
                for d, _, fs in os.walk(GUIDE):
                    files += [os.path.relpath(os.path.join(d, f), GUIDE).replace(os.sep, "/")
                              for f in fs if f.endswith(".md")]
            for f in files:
                if re.search(pat, text_of(f), re.IGNORECASE):
                    fail("%s: near-miss term /%s/ found in %s" % (iid, pat, f))
            continue
        if it["kind"] not in ("map", "lumi"):
            fail("%s: kind %r" % (iid, it["kind"]))
        if not it["answers"] or not it["rows"] or not it["computation"]:
            fail("%s: empty answers/rows/computation" % iid)
        if it["category"] == "count" and not all(r"\b" in p for p in it["answers"]):
            fail("%s: count pattern not anchored with \\b" % iid)
        if it["category"] == "filter" and len(it["answers"]) > 1 and not it.get("require_all"):
            fail("%s: multi-item filter without require_all" % iid)

        # every rows[].cell is the first cell of a table row of its source
        for r in it["rows"]:
            src = r["source"]
            if (src.startswith(MAPDIR)) != (it["kind"] == "map"):
                fail("%s: row source %s does not fit kind" % (iid, src))
            if src not in first:
                first[src] = first_cells(src)
            if r["cell"] not in first[src]:
                fail("%s: %r is not a first cell in %s" % (iid, r["cell"], src))

        check_support(it)

        res = COMPUTE[iid]()
        want = sorted(res["rows"])
        got = sorted((r["source"], r["cell"]) for r in it["rows"])
        if want != got:
            fail("%s: rows differ\n  recomputed %r\n  item       %r" % (iid, want, got))
        right, wrongs = sentences(res)
        every = [re.search(p, right, re.IGNORECASE) is not None for p in it["answers"]]
        if not all(every):
            fail("%s: recomputed result does not match every answer: %r" % (iid, right))
        for w in wrongs:
            if matches(it, w):
                fail("%s: wrong result still matches: %r" % (iid, w))

    if ERRORS:
        for e in ERRORS:
            print("FAIL:", e)
        print("%d problem(s)" % len(ERRORS))
        return 1
    print("check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
