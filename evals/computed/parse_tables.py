# Parsing helpers (imported by check_computed.py). Reads the documents directly.
import csv, re, os

# The shared data: BRIEFQA_SHARED_DIR, by default ../shared beside the repository.
SHARED = os.environ.get("BRIEFQA_SHARED_DIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared")
CORPUS = os.path.join(SHARED, "corpus")
MAPDIR = os.path.join(CORPUS, "european-ai-infrastructure-map")
LUMI = os.path.join(SHARED, "extra-corpus", "lumi-userguide")
BRIEF = os.path.join(CORPUS, "eu-ai-factories-policy-brief.txt")


def source_path(src):
    """Map a suite `source` value to a file path."""
    if src == "eu-ai-factories-policy-brief.txt":
        return BRIEF
    if src.startswith("european-ai-infrastructure-map/"):
        return os.path.join(CORPUS, src)
    return os.path.join(LUMI, src)


def read(src):
    with open(source_path(src), encoding="utf-8") as f:
        return f.read()


def clean_cell(c):
    c = c.replace("**", "")
    c = re.sub(r"<br>\s*", " ", c)
    c = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", c)   # [text][ref]
    c = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", c)    # [text](url)
    c = c.replace("`", "")
    return re.sub(r"\s+", " ", c).strip()


class Row(dict):
    """A table row: dict of cleaned cells + raw line + rendered text."""
    def __init__(self, source, header, cells, raw):
        super().__init__(zip(header, cells))
        self.source, self.header, self.cells, self.raw = source, header, cells, raw

    @property
    def text(self):
        # rendering like briefqa's: "Col: value; Col: value"
        return "; ".join(f"{h}: {v}" if h else v for h, v in zip(self.header, self.cells))

    def has(self, value):
        return value in self.raw or value in self.text


def read_csv(name):
    src = f"european-ai-infrastructure-map/{name}"
    path = source_path(src)
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().splitlines()
    reader = csv.reader(lines)
    header = next(reader)
    for raw, cells in zip(lines[1:], reader):
        rows.append(Row(src, header, [c.strip() for c in cells], raw))
    return rows


def md_tables(src):
    """Return list of (heading, header_line_no, rows) for each Markdown table in src.
    heading = nearest preceding '#' heading or non-empty prose line."""
    lines = read(src).splitlines()
    tables, i, heading = [], 0, None
    while i < len(lines):
        ln = lines[i]
        if ln.lstrip().startswith("#"):
            heading = ln.strip("# ").strip()
        if ln.startswith("|") and i + 1 < len(lines) and re.match(r"^\|[\s:\-|]+\|?\s*$", lines[i + 1].replace(" ", "")):
            header = [clean_cell(c) for c in ln.strip().strip("|").split("|")]
            j, rows = i + 2, []
            while j < len(lines) and lines[j].startswith("|"):
                cells = [clean_cell(c) for c in lines[j].strip().strip("|").split("|")]
                cells += [""] * (len(header) - len(cells))
                rows.append(Row(src, header, cells[:len(header)], lines[j]))
                j += 1
            tables.append((heading, i + 1, rows))
            i = j
            continue
        i += 1
    return tables


def md_table(src, first_header, heading_contains=None, nth=0):
    """Find a table by its first header cell (and optionally its heading)."""
    found = [t for t in md_tables(src)
             if t[2] and t[2][0].header[0] == first_header
             and (heading_contains is None or (t[0] and heading_contains in t[0]))]
    if not found:
        raise KeyError((src, first_header, heading_contains))
    return found[nth][2]


def find_row(rows, col, value):
    hits = [r for r in rows if r[col] == value]
    assert len(hits) == 1, (col, value, len(hits))
    return hits[0]


def lines_of(src):
    return read(src).splitlines()


def norm_ws(s):
    return re.sub(r"\s+", " ", s)


# ---- unit helpers -------------------------------------------------------
def walltime_hours(s):
    m = re.match(r"(\d+(?:\.\d+)?)\s*(minutes?|hours?|days?)$", s.strip())
    n, u = float(m.group(1)), m.group(2)
    return n / 60 if u.startswith("minute") else n if u.startswith("hour") else n * 24


def max_jobs(s):
    m = re.match(r"(\d+)\s*\((\d+) running\)", s.strip())
    return (int(m.group(1)), int(m.group(2))) if m else None


def size_gb(s):
    m = re.search(r"(\d+(?:\.\d+)?)\s*(GB|TB|PB|GiB|TiB)", s)
    n, u = float(m.group(1)), m.group(2)
    return n * {"GB": 1, "GiB": 1, "TB": 1000, "TiB": 1024, "PB": 1e6}[u]


# -- small helpers of both check scripts (check_computed.py, dev2_computations.py) ----------

def names(rows, col):
    return [r[col] for r in rows]


def argbest(rows, key, best=max):
    """The best value of `key` over the rows, and every row that has it."""
    v = best(key(r) for r in rows)
    return v, [r for r in rows if key(r) == v]


def cmp2(a, b, key, hi=True):
    """The higher (or, with hi=False, the lower) of two rows by `key`; they must differ."""
    ka, kb = key(a), key(b)
    assert ka != kb
    return a if (ka > kb) == hi else b


def pb_in(text):
    m = re.search(r"(\d+) PB", text)
    return int(m.group(1)) if m else None


def nodes_of(s):
    m = re.match(r"(\d+) nodes?$", s)
    return int(m.group(1)) if m else None
