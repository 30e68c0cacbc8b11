"""The table store on a large CSV: time and peak memory to read a million-row file into
tables.duckdb, and to answer a computed question over it.

    python -m benchmarks.tables                  # 1,000,000 rows (a few minutes on 2 cores)
    python -m benchmarks.tables --rows 100000    # a quicker run

Each phase runs in a process of its own, so that its peak RSS is its own:

generate  a CSV of N rows (site, country, capacity "N TB", memory "N GiB", opened date, a
          free-text note with a quoted comma), about 75 bytes a row
index     `briefqa index` on a corpus of that CSV and one text file, as a user runs it: the
          CSV is over the text index's limit (BRIEFQA_MAX_DOCUMENT_CHARS, 2,000,000
          characters) and is skipped with a message, the rest indexed
ingest    the ingest's reading of the CSV into row blocks (the limit lifted)
tables    the table stage on those rows: DuckDB reads the file (every cell as text), ties
          each row to its block, types the cells and writes tables.duckdb
query     open the catalog, link a question to a plan and run it (a count with a numeric
          filter and a max), on the read-only database

Results are printed and written to benchmarks/results/tables.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
COUNTRIES = ["Finland", "Germany", "Italy", "Spain", "Poland", "Greece", "Sweden", "France"]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(path: Path, rows: int) -> dict:
    started = time.perf_counter()
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("site,country,capacity,memory,opened,note\n")
        for n in range(rows):
            out.write(f"site-{n},{COUNTRIES[n % len(COUNTRIES)]},{n % 997} TB,"
                      f"{(n % 64 + 1) * 16} GiB,20{10 + n % 16}-0{1 + n % 9}-1{n % 10},"
                      f"\"row {n}, checked\"\n")
    return {"seconds": time.perf_counter() - started, "bytes": path.stat().st_size}


def phase_index(work: Path, csv: Path) -> dict:
    from briefqa import Assistant

    corpus = work / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "big.csv").write_bytes(csv.read_bytes())
    (corpus / "note.txt").write_text("Sites\nThe sites are listed in big.csv.\n",
                                     encoding="utf-8")
    started = time.perf_counter()
    qa = Assistant.open(corpus, work / "index")
    return {"seconds": time.perf_counter() - started, "peak_rss_mb": peak_rss_mb(),
            "skipped": qa.last_refresh.skipped if qa.last_refresh else {},
            "units": qa.unit_count}


def phase_ingest(csv: Path) -> dict:
    from briefqa.ingest import parse_document

    started = time.perf_counter()
    document = parse_document(csv.read_bytes(), "big.csv", ".csv", None)
    return {"seconds": time.perf_counter() - started, "peak_rss_mb": peak_rss_mb(),
            "rows": sum(b.kind == "table_row" for b in document.blocks)}


def phase_tables(work: Path, csv: Path) -> dict:
    from briefqa.ingest import parse_document
    from briefqa.tables.store import DATABASE, TableCatalog, build_tables

    data = csv.read_bytes()
    started = time.perf_counter()
    document = parse_document(data, "big.csv", ".csv", None)
    parsed = time.perf_counter()
    folder = work / "generation"
    folder.mkdir(exist_ok=True)
    build_tables([document], folder, lambda source: data)
    finished = time.perf_counter()
    table = TableCatalog.load(folder).tables[0]
    return {"ingest_seconds": parsed - started, "tables_seconds": finished - parsed,
            "seconds": finished - started, "peak_rss_mb": peak_rss_mb(),
            "rows": table.rows, "reader": table.reader, "note": table.note,
            "database_mb": (folder / DATABASE).stat().st_size / 2 ** 20}


def phase_query(work: Path) -> dict:
    from briefqa.tables.execute import Executor
    from briefqa.tables.linker import Linker
    from briefqa.tables.store import TableCatalog

    started = time.perf_counter()
    catalog = TableCatalog.load(work / "generation")
    linker = Linker(catalog)
    opened = time.perf_counter()
    out = {"open_seconds": opened - started}
    for name, question in (("count", "How many sites have a capacity above 900 TB?"),
                           ("max", "Which site has the most memory?")):
        t0 = time.perf_counter()
        linked = linker.link(question)
        t1 = time.perf_counter()
        result = Executor(catalog).run(linked.plans[0]) if linked.plans else None
        t2 = time.perf_counter()
        out[name] = {"question": question, "link_seconds": t1 - t0, "run_seconds": t2 - t1,
                     "result": None if result is None else (
                         result.total if name == "count" else result.value),
                     "rows_cited": 0 if result is None else len(result.rows)}
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def child(phase: str, work: Path, csv: Path) -> dict:
    result = subprocess.run([sys.executable, "-m", "benchmarks.tables", "--phase", phase,
                             "--work", str(work), "--csv", str(csv)],
                            capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "BRIEFQA_QUIET": "1"})
    if result.returncode != 0:
        return {"error": result.stderr[-2000:]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        work, csv = Path(args.work), Path(args.csv)
        result = {"index": lambda: phase_index(work, csv), "ingest": lambda: phase_ingest(csv),
                  "tables": lambda: phase_tables(work, csv),
                  "query": lambda: phase_query(work)}[args.phase]()
        print(json.dumps(result, default=str))
        return 0
    with tempfile.TemporaryDirectory(prefix="briefqa-tables-") as tmp:
        work = Path(tmp)
        csv = work / "big.csv"
        report = {"rows": args.rows, "cpus": os.cpu_count(),
                  "generate": generate(csv, args.rows)}
        for phase in ("index", "ingest", "tables", "query"):
            report[phase] = child(phase, work, csv)
            print(phase, json.dumps(report[phase], default=str)[:400], flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "tables.json").write_text(json.dumps(report, indent=1, default=str) + "\n",
                                         encoding="utf-8")
    print(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
