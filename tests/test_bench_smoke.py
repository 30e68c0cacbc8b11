"""The benchmark runs end to end on a tiny corpus and writes well-formed results (no timing is
asserted: timings belong to benchmarks/results, not to tests); the approximate vector index
that large corpora get answers like the exact one."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _finite_numbers(value, path="") -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _finite_numbers(item, f"{path}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            _finite_numbers(item, f"{path}[{n}]")
    elif isinstance(value, float):
        assert math.isfinite(value) or "crossover" in path, path


def test_quick_benchmark_writes_results(tmp_path):
    out = tmp_path / "results"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(out),
         "--work", str(tmp_path / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((out / "quick.json").read_text())
    _finite_numbers(results)

    compare = results["compare"]
    for system in ("briefqa", "baseline"):
        build = compare["build"][system]
        assert build["units"] > 0 and build["seconds_median"] > 0
        assert compare["cold_start"][system]["process_wall_seconds_median"] > 0
        assert compare["serve"][system]["peak_rss_mb"] > 0
        assert compare["disk"][system] > 0
    assert compare["cold_start"]["briefqa"]["heavy_modules"] == []
    assert set(compare["warm"]) >= {"briefqa_answer", "briefqa_retrieval", "baseline_retrieval"}
    for key, ratio in compare["ratios"].items():
        assert ratio > 0, key
    quality = compare["quality"]
    assert 0 <= quality["briefqa_retrieval"]["top3"] <= 1
    assert 0 <= quality["baseline"]["top3"] <= 1
    assert 0 <= quality["briefqa_eval"]["answer_accuracy"] <= 1
    assert compare["onnx_vs_torch"]["cosine_to_torch_min"] > 0.9

    ann = results["ann"]
    assert ann["rows"] and ann["product_ivf"] and "crossover" in ann

    rows = results["scaling"]["rows"]
    assert [r["size"] for r in rows] == [1, 2]
    assert rows[1]["units"] == 2 * rows[0]["units"]
    assert rows[1]["embedding"] == "memoized" and rows[0]["embedding"] == "measured"
    for row in rows:
        assert row["warm_p50_ms"] > 0 and row["refresh_seconds"] > 0
        assert row["index_mb"] > 0 and row["build_peak_rss_mb"] > 0
    assert (out / "quick-scaling.png").stat().st_size > 10_000
    assert "| index build (s) |" in (out / "quick.md").read_text()


def test_a_large_index_is_approximate_and_answers_like_exact(small_corpus, tmp_path):
    from briefqa import Assistant
    from briefqa.settings import Settings

    for n in range(40):  # enough units for an IVF index to train on
        (small_corpus / f"note-{n:02d}.txt").write_text(
            f"Note {n}\nSite {n} of the network runs {n * 8 + 3} nodes in hall {n % 7}. "
            f"Its archive holds {n * 3 + 1} PB of tape. It joined the network in "
            f"{1990 + n}.\n", encoding="utf-8")
    exact = Assistant.open(small_corpus, tmp_path / "exact",
                           settings=Settings(approximate_above_units=1_000_000))
    approx = Assistant.open(small_corpus, tmp_path / "approx",
                            settings=Settings(approximate_above_units=10))
    assert exact.manifest["vector_index"] == "flat"
    assert approx.manifest["vector_index"] == "ivf"
    index = approx._index.faiss_index
    assert index.nprobe >= 16 or index.nprobe == index.nlist
    assert approx._index.vectors_for([0, 5]).shape == (2, exact._index.dimension)
    for question in ("How many GPUs does the Zephyr cluster have?",
                     "How much tape storage does the Beta archive keep?",
                     "How many nodes does site 17 run?"):
        a, b = approx.ask(question), exact.ask(question)
        assert a.grounded == b.grounded
        assert [c.quote for c in a.citations[:1]] == [c.quote for c in b.citations[:1]]


def test_the_large_table_benchmark_checks_its_counts(tmp_path):
    """benchmarks/large_table.py on tiny tables, one of them past a small cap: the count is
    checked, every citation is verbatim, rows that were not embedded are cited."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.large_table", "--sizes", "400", "--baseline", "200",
         "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=900,
        env={**os.environ, "BRIEFQA_MAX_EMBEDDED_ROWS": "100"})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads((tmp_path / "large_table.json").read_text())
    _finite_numbers({k: v for k, v in report.items() if k != "runs"})
    baseline, capped = report["runs"]
    assert baseline["cap"] is None and baseline["index"]["units"] == 201
    assert capped["cap"] == 100 and capped["index"]["units"] == 101
    assert capped["index"]["table_rows"] == 400
    for run in (baseline, capped):
        assert run["correct"] and run["query"]["citations_verbatim"]
    assert capped["query"]["cited_not_embedded"] > 0
    assert "| 400 |" in (tmp_path / "large_table.md").read_text()
