"""A large CSV file indexed whole (issue 15, "a 1-million-row CSV"): index time and peak memory
at 10k, 100k and 1M rows with the embedding cap (`max_embedded_rows`), against the behaviour
before it (every row embedded) at 10k rows, and a computed count over each table, checked.

    python -m benchmarks.large_table                         # 10k, 100k, 1M; baseline 10k
    python -m benchmarks.large_table --sizes 10000 --baseline 0  # a quick run

For each size a CSV of members (name, country, storage "N TB", memory "N GiB", joined date;
about 50 bytes a row) is written to a temporary folder with a one-line text file beside it,
and then, each in a process of its own (so that its peak RSS is its own, read from VmHWM):

index   `Assistant.open` on that corpus, as a user runs it: the real model (the ONNX export),
        the real FAISS + BM25 index, tables.duckdb, all on disk; wall time and peak RSS
query   the index opened as it is, and "How many members in Finland have storage above
        900 TB?" asked: its wall time (opening excluded), the count it gives against the count
        worked out here with Python's csv module, and every citation's quote checked against
        the document's text at its offsets (rows past the cap included)

The baseline is the same build with the cap lifted (every row embedded, as before the cap);
it is run at the smallest size only, since 20,000 embedded rows already took 353 s
(benchmarks/results/tables.json). The limit on one document's characters applies to the
embedded rows only with the cap; the baseline lifts it as well, so that it runs at all.

Results go to benchmarks/results/large_table.{json,md}.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
QUESTION = "How many members in Finland have storage above 900 TB?"
FIRST = ["Anna", "Jukka", "Marta", "Luis", "Piotr", "Eleni", "Sven", "Claire", "Marco", "Ines",
         "Karl", "Nora"]
LAST = ["Virtanen", "Schmidt", "Rossi", "Garcia", "Nowak", "Papadopoulos", "Lindqvist",
        "Martin", "Bianchi", "Silva"]
COUNTRIES = ["Finland", "Germany", "Italy", "Spain", "Poland", "Greece", "Sweden", "France"]
UNCAPPED = 1_000_000_000


def generate(path: Path, rows: int) -> dict:
    """`rows` members; a few have a quoted comma in their name."""
    started = time.perf_counter()
    rng = random.Random(7)
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("member,country,storage,memory,joined\n")
        for n in range(rows):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            if n % 1000 == 999:
                name = f'"{name}, Jr."'
            out.write(f"{name},{rng.choice(COUNTRIES)},{rng.randint(1, 999)} TB,"
                      f"{rng.choice((16, 32, 64, 128, 256, 512))} GiB,"
                      f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-"
                      f"{rng.randint(1, 28):02d}\n")
    return {"seconds": time.perf_counter() - started, "bytes": path.stat().st_size}


def expected_count(path: Path) -> int:
    """The question's answer, worked out independently of briefqa."""
    with open(path, encoding="utf-8", newline="") as fh:
        return sum(1 for row in csv.DictReader(fh)
                   if row["country"] == "Finland" and int(row["storage"].split()[0]) > 900)


# ---------------------------------------------------------------------------------------------
# Phases, each in a process of its own


def phase_index(work: Path, cap: int) -> dict:
    import logging
    import re

    from briefqa import Assistant
    from briefqa.settings import Settings

    from .common import peak_rss_mb

    said: list[str] = []  # the table store says how long it took
    handler = logging.Handler()
    handler.emit = lambda record: said.append(record.getMessage())
    store_log = logging.getLogger("briefqa.tables.store")
    store_log.setLevel(logging.INFO)
    store_log.addHandler(handler)
    store_log.propagate = False
    lifted = {} if cap < UNCAPPED else {"max_document_chars": 1 << 40}
    settings = Settings.from_env(max_embedded_rows=cap, **lifted)
    started = time.perf_counter()
    qa = Assistant.open(work / "corpus", work / "index", settings=settings)
    seconds = time.perf_counter() - started
    table = qa.index.tables.tables[0]
    stored = [float(m.group(1)) for line in said
              if (m := re.match(r"tables: .* in ([0-9.]+) s", line))]
    return {"seconds": seconds, "tables_seconds": stored[-1] if stored else None,
            "peak_rss_mb": peak_rss_mb(), "units": qa.unit_count,
            "table_rows": table.rows, "reader": table.reader,
            "skipped": qa.last_refresh.skipped if qa.last_refresh else {},
            "index_mb": sum(p.stat().st_size for p in (work / "index").rglob("*")
                            if p.is_file() and ".onnx" not in p.name) / 2 ** 20}


def phase_query(work: Path, cap: int) -> dict:
    from briefqa import Assistant
    from briefqa.settings import Settings

    from .common import peak_rss_mb

    settings = Settings.from_env(max_embedded_rows=cap)
    started = time.perf_counter()
    qa = Assistant.open(work / "corpus", work / "index", settings=settings, refresh=False)
    opened = time.perf_counter()
    answer = qa.ask(QUESTION)
    asked = time.perf_counter()
    again = qa.ask(QUESTION)
    warm = time.perf_counter() - asked
    text = qa.source_text("members.csv")
    embedded = {u.start for u in qa.index.units if u.source == "members.csv"}
    return {"open_seconds": opened - started, "seconds": asked - opened,
            "warm_seconds": warm, "peak_rss_mb": peak_rss_mb(), "mode": answer.mode,
            "result": answer.computation.get("result"), "text": answer.text[:200],
            "citations": len(answer.citations),
            "citations_verbatim": all(text[c.start:c.end] == c.quote
                                      for c in answer.citations + again.citations),
            "cited_not_embedded": sum(c.start not in embedded for c in answer.citations)}


def child(phase: str, work: Path, cap: int) -> dict:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "benchmarks.large_table", "--phase", phase,
                             "--work", str(work), "--cap", str(cap)],
                            capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "BRIEFQA_QUIET": "1", "HF_HUB_OFFLINE": "1",
                                 "TOKENIZERS_PARALLELISM": "false"})
    if result.returncode != 0:
        return {"error": result.stderr[-2000:]}
    data = json.loads(result.stdout.strip().splitlines()[-1])
    data["process_seconds"] = time.perf_counter() - started
    return data


def run_size(root: Path, rows: int, cap: int) -> dict:
    work = root / f"{rows}-{'capped' if cap < UNCAPPED else 'uncapped'}"
    corpus = work / "corpus"
    corpus.mkdir(parents=True)
    report = {"rows": rows, "cap": cap if cap < UNCAPPED else None,
              "generate": generate(corpus / "members.csv", rows)}
    (corpus / "note.txt").write_text("Members\nThe members are listed in members.csv.\n",
                                     encoding="utf-8")
    report["expected"] = expected_count(corpus / "members.csv")
    report["index"] = child("index", work, cap)
    print(f"{rows:>9,} rows, cap {report['cap']}: index {json.dumps(report['index'])[:300]}",
          flush=True)
    report["query"] = child("query", work, cap)
    report["correct"] = report["query"].get("result") == report["expected"]
    print(f"{'':>9}  query {json.dumps(report['query'])[:300]}", flush=True)
    shutil.rmtree(work, ignore_errors=True)
    return report


def markdown(report: dict) -> str:
    lines = [
        "# A large CSV file: index time and memory (benchmarks/large_table.py)", "",
        f"{report['cpus']} CPU cores; the bundled MiniLM (ONNX), the real index on disk; each "
        f"build and each question in a process of its own (peak RSS: VmHWM). Cap: "
        f"`max_embedded_rows` = {report['cap']:,} rows a table embedded; every row in "
        f"tables.duckdb. Question: “{QUESTION}”, its count checked against Python's csv "
        "module.", "",
        "| rows | embedded rows | CSV MB | index s (of which table store) | index peak RSS MB | "
        "index MB | "
        "open s | question s | open+question peak RSS MB | count (expected) | citations "
        "verbatim | cited rows not embedded |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    lines[2] += (f" Load average (1 min) {report['load_average_before']:.1f} before, "
                 f"{report['load_average_after']:.1f} after: the machine is shared, so wall "
                 "times carry its noise.")
    for run in report["runs"]:
        index, query = run["index"], run["query"]
        if "error" in index or "error" in query:
            lines.append(f"| {run['rows']:,} | error | | | | | | | | | | |")
            continue
        label = f"{run['rows']:,}" + (" (baseline: no cap)" if run["cap"] is None else "")
        lines.append(
            f"| {label} | {index['units'] - 1:,} | {run['generate']['bytes'] / 2 ** 20:.1f} | "
            f"{index['seconds']:.1f} ({index['tables_seconds'] or 0:.1f}) | "
            f"{index['peak_rss_mb']:.0f} | {index['index_mb']:.0f} | "
            f"{query['open_seconds']:.2f} | {query['seconds']:.2f} | "
            f"{query['peak_rss_mb']:.0f} | {query['result']} ({run['expected']}) | "
            f"{'yes' if query['citations_verbatim'] else 'NO'} | "
            f"{query['cited_not_embedded']} of {query['citations']} |")
    lines += ["", "Embedded rows: the CSV's sentence units (the text file adds one more). "
              "Index MB: the index folder without the ONNX query encoder's copy. Question: "
              "the first ask after opening (the models load lazily), opening excluded. Cited "
              "rows: a count cites at most 200 rows (the executor's row limit)."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--baseline", type=int, default=10_000,
                        help="rows of the uncapped baseline run (0: none)")
    parser.add_argument("--out", type=Path, default=RESULTS,
                        help="where large_table.json and large_table.md are written")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--cap", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        phase = {"index": phase_index, "query": phase_query}[args.phase]
        print(json.dumps(phase(Path(args.work), args.cap), default=str))
        return 0
    from briefqa.settings import Settings

    cap = Settings.from_env().max_embedded_rows
    report = {"cpus": os.cpu_count(), "cap": cap, "question": QUESTION,
              "load_average_before": os.getloadavg()[0], "runs": []}
    with tempfile.TemporaryDirectory(prefix="briefqa-large-") as tmp:
        if args.baseline:
            report["runs"].append(run_size(Path(tmp), args.baseline, UNCAPPED))
        for rows in (int(s) for s in args.sizes.split(",") if s):
            report["runs"].append(run_size(Path(tmp), rows, cap))
    report["load_average_after"] = os.getloadavg()[0]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "large_table.json").write_text(
        json.dumps(report, indent=1, default=str) + "\n", encoding="utf-8")
    (args.out / "large_table.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    return 0 if all(run.get("correct") for run in report["runs"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
