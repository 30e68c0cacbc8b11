"""briefqa against a plain llama-index pipeline, and how briefqa's cost grows with the corpus.

    python -m benchmarks.run                      # everything (about 40 minutes on 2 cores)
    python -m benchmarks.run --quick              # a tiny corpus, in about a minute
    python -m benchmarks.run --skip-scaling --sizes 1,4 --repeat 5

Four parts, one run, results in benchmarks/results/ (JSON, Markdown table, PNG):

compare   the same corpus (corpus/), the same bundled MiniLM and the same questions
          (evals/facts.jsonl) for briefqa and the baseline (benchmarks/baseline.py): build
          time, units/s and embedded tokens/s; cold start (a new process: import, open the
          index, answer one question); warm latency p50/p95 (both loaded in this process,
          rounds interleaved); peak RSS of building and of serving (each in a process of its
          own); index size on disk; quality (answer accuracy for briefqa, the supporting
          sentence in the top 1 / top 3 for both); ONNX against torch (cosine on the corpus,
          eval results with either query encoder); ratios briefqa/baseline.
ann       exact against approximate FAISS search over replicated real vectors: where exact
          search stops paying (benchmarks/ann.py).
scaling   the brief, the map and the LUMI guide (../shared/extra-corpus) replicated 1x, 4x,
          16x, 64x under changed file names: build time, memory, index size, warm p50, the
          supporting sentence's recall with the index as built (approximate past the
          crossover) and with an exact one; refresh after one changed file.
          Builds up to --real-max embed every unit; larger ones embed each distinct text once
          (the copies' vectors are reused: all other work is done for every file) and report
          the measured time plus an estimate of the uncached build from the measured rate.

Timings on a shared 2-core machine are noisy: each build and cold start is repeated
(--repeat) with the two systems alternating, warm latencies are interleaved by round, and
medians are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .common import (
    CORPUS,
    LUMI_GUIDE,
    RESULTS,
    ROOT,
    SHARED,
    SUITE,
    fresh,
    load_cases,
    median,
    quantile,
    run_child,
    support_rank,
    top_k_share,
)

QUICK_SUITE_LIMIT = 12


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _configure_quick(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.plot_only:
        saved = json.loads((out / "results.json").read_text(encoding="utf-8"))
        _save(out, saved)
        plot(saved["scaling"], out / "scaling.png")
        return 0
    if args.work is None:
        args.work = tempfile.mkdtemp(prefix="briefqa-bench-")
    work = fresh(Path(args.work))
    results: dict = {}
    previous = out / ("quick.json" if args.quick else "results.json")
    if not args.fresh and previous.exists():  # parts skipped now keep their last results
        try:
            results = json.loads(previous.read_text(encoding="utf-8"))
        except ValueError:
            results = {}
    results.update({"machine": _machine(), "started": _now(),
                    "args": {k: _rel(Path(v)) if k in _PATH_ARGS and v else v
                             for k, v in vars(args).items()}})
    started = time.perf_counter()
    try:
        if not args.skip_compare:
            results["compare"] = compare(args, work / "compare")
            results["compare"]["measured_at"] = _now()
            _save(out, results)
            print(compare_table(results["compare"]))
        if not args.skip_ann:
            results["ann"] = ann(args, work)
            results["ann"]["measured_at"] = _now()
            _save(out, results)
        if not args.skip_scaling:
            earlier = {r["size"]: r for r in results.get("scaling", {}).get("rows", [])}
            results["scaling"] = scaling(args, work / "scaling")
            results["scaling"]["measured_at"] = _now()
            if not args.fresh and not args.quick:  # sizes not run now keep their rows
                rows = {**earlier, **{r["size"]: r for r in results["scaling"]["rows"]}}
                results["scaling"]["rows"] = [rows[k] for k in sorted(rows)]
            _save(out, results)
        if "scaling" in results and results["scaling"].get("rows"):
            print(scaling_table(results["scaling"]))
            plot(results["scaling"], out / ("quick-scaling.png" if args.quick else "scaling.png"))
    finally:
        results["seconds"] = time.perf_counter() - started
        _save(out, results)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"results written to {out}/ in {results['seconds'] / 60:.1f} min")
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="a tiny corpus (the map's folder), few questions, one repeat: a smoke run")
    p.add_argument("--corpus", default=str(CORPUS), help="corpus of the comparison")
    p.add_argument("--suite", default=str(SUITE))
    p.add_argument("--limit", type=int, default=None, help="only the first N questions")
    p.add_argument("--sizes", default="1,4,16,64", help="scaling multiples, e.g. 1,4")
    p.add_argument("--real-max", type=int, default=4,
                   help="largest multiple built with every unit embedded (larger: memoized)")
    p.add_argument("--baseline-max", type=int, default=4,
                   help="largest multiple the baseline is built at in the scaling run")
    p.add_argument("--repeat", type=int, default=3, help="builds and cold starts per system")
    p.add_argument("--rounds", type=int, default=3, help="warm rounds over the suite")
    p.add_argument("--ann-sizes", default="3150,12600,25200,50400,100800,201600")
    p.add_argument("--skip-compare", action="store_true")
    p.add_argument("--skip-ann", action="store_true")
    p.add_argument("--skip-scaling", action="store_true")
    p.add_argument("--no-export", action="store_true",
                   help="do not measure the one-time ONNX export (about 30 s)")
    p.add_argument("--out", default=str(RESULTS))
    p.add_argument("--work", default=None,
                   help="scratch folder (default: a new temporary folder)")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    p.add_argument("--plot-only", action="store_true",
                   help="redraw the plot and tables from the saved results, measure nothing")
    p.add_argument("--fresh", action="store_true",
                   help="drop earlier results of the parts skipped now (default: kept)")
    return p


def _cases(args) -> list[dict]:
    cases = load_cases(Path(args.suite))
    if args.quick:  # questions the map answers, and two it does not
        cases = [c for c in cases if str(c.get("source") or "").startswith(
            "european-ai-infrastructure-map")][:8] + \
            [c for c in cases if c.get("kind") == "unanswerable"][:2]
    return cases[:args.limit] if args.limit else cases


def _configure_quick(args) -> None:
    if args.quick:
        args.limit = args.limit or QUICK_SUITE_LIMIT
        args.repeat, args.rounds, args.no_export, args.baseline_max = 1, 1, True, 0
        if args.corpus == str(CORPUS):
            args.corpus = str(CORPUS / "european-ai-infrastructure-map")


# ---------------------------------------------------------------------------------------------
# compare


def compare(args, work: Path) -> dict:
    corpus = Path(args.corpus)
    cases = _cases(args)
    suite = _suite_file(cases, work)
    result: dict = {"corpus": _rel(corpus), "questions": len(cases)}
    fresh(work)

    if not args.no_export:
        print("one-time ONNX export ...", flush=True)
        result["onnx_export"] = run_child(
            "export-onnx", "--index", str(work / "export-index"),
            env={"BRIEFQA_CACHE_DIR": str(work / "export-cache")})

    # briefqa as shipped (the portable float encoder), briefqa with the int8 encoder (faster,
    # not the same vectors on every CPU), and the baseline, each built in turn.
    systems = {"briefqa": ("build-briefqa", {}),
               "briefqa_int8": ("build-briefqa", {"BRIEFQA_ONNX_PRECISION": "int8"}),
               "baseline": ("build-baseline", {})}
    builds: dict[str, list] = {name: [] for name in systems}
    for n in range(args.repeat):
        names = list(systems)
        for system in names[n % 3:] + names[:n % 3]:
            index = work / f"{system}-{n}"
            shutil.rmtree(index, ignore_errors=True)
            print(f"build {system} #{n + 1} ...", flush=True)
            mode, env = systems[system]
            builds[system].append(run_child(mode, "--corpus", str(corpus), "--index",
                                            str(index), env=env))
    result["build"] = {s: _summarise_builds(b) for s, b in builds.items()}
    bq_index, bl_index = work / "briefqa-0", work / "baseline-0"
    print("build briefqa with the torch encoder (the reference for ONNX) ...", flush=True)
    torch_index = work / "briefqa-torch"
    result["build_torch_encoder"] = _summarise_builds([run_child(
        "build-briefqa", "--corpus", str(corpus), "--index", str(torch_index),
        env={"BRIEFQA_BUILD_ENCODER": "torch"})])

    cold = {"briefqa": [], "baseline": []}
    for n in range(args.repeat if args.quick else max(args.repeat, 5)):
        order = ("briefqa", "baseline") if n % 2 == 0 else ("baseline", "briefqa")
        for system in order:
            index = bq_index if system == "briefqa" else bl_index
            cold[system].append(run_child(f"cold-{system}", "--corpus", str(corpus),
                                          "--index", str(index)))
    result["cold_start"] = {s: _summarise_cold(c) for s, c in cold.items()}

    print("serving memory ...", flush=True)
    result["serve"] = {
        "briefqa": run_child("serve-briefqa", "--corpus", str(corpus), "--index",
                             str(bq_index), "--suite", str(suite)),
        "baseline": run_child("serve-baseline", "--index", str(bl_index), "--suite",
                              str(suite)),
    }
    result["disk"] = {"briefqa": builds["briefqa"][0]["index_bytes"],
                      "briefqa_encoder": builds["briefqa"][0]["encoder_bytes"],
                      "baseline": builds["baseline"][0]["index_bytes"]}

    print("warm latency and quality ...", flush=True)
    result.update(_warm_and_quality(args, corpus, bq_index, bl_index, cases, suite,
                                    torch_index))
    result["ratios"] = ratios(result)
    return result


def _suite_file(cases: list[dict], work: Path) -> Path:
    work.mkdir(parents=True, exist_ok=True)
    path = work.parent / "suite.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    return path


def _summarise_builds(runs: list[dict]) -> dict:
    seconds = [r["seconds"] for r in runs]
    best = runs[0]
    units = best["units"]
    embed_rate = [r["embed_tokens"] / r["embed_seconds"] for r in runs if r.get("embed_seconds")]
    return {
        "seconds_median": median(seconds), "seconds_all": seconds,
        "units": units, "units_per_s": units / median(seconds),
        "embedded_tokens": best.get("embed_tokens"),
        "embed_seconds_median": median([r["embed_seconds"] for r in runs]),
        "embedded_tokens_per_s_of_embedding": median(embed_rate) if embed_rate else None,
        "embedded_tokens_per_s_of_build": (best.get("embed_tokens") or 0) / median(seconds),
        "peak_rss_mb_median": median([r["peak_rss_mb"] for r in runs]),
        "process_wall_seconds_median": median([r["process_wall_seconds"] for r in runs]),
        "encoder": best.get("encoder"), "heavy_modules": best.get("heavy_modules"),
        "vector_index": best.get("vector_index"),
    }


def _summarise_cold(runs: list[dict]) -> dict:
    keys = ("process_wall_seconds", "seconds", "import_seconds", "open_seconds",
            "answer_seconds", "peak_rss_mb")
    summary = {f"{k}_median": median([r[k] for r in runs]) for k in keys}
    summary["process_wall_seconds_all"] = [r["process_wall_seconds"] for r in runs]
    summary["heavy_modules"] = runs[0].get("heavy_modules")
    if "encoder" in runs[0]:
        summary["encoder"] = runs[0]["encoder"]
    return summary


def _warm_and_quality(args, corpus: Path, bq_index: Path, bl_index: Path, cases: list[dict],
                      suite: Path, torch_index: Path) -> dict:
    from briefqa import Assistant
    from briefqa.answer import normalise_question
    from briefqa.evaluate import run_suite
    from briefqa.retrieve import hybrid_search

    from .baseline import Baseline

    qa = Assistant.open(corpus, bq_index, refresh=False)
    base = Baseline(bl_index)
    questions = [c["question"] for c in cases]
    qa.ask(questions[0])
    base.retrieve(questions[0])

    def briefqa_retrieval(question: str):
        text = normalise_question(question, qa.settings.max_question_chars)
        return hybrid_search(qa._index, qa.encoders.encode_one(text), text, qa.settings.candidates)

    import torch

    threads = torch.get_num_threads()

    def baseline_one_thread(question: str):
        # torch's default (a thread per core) spins badly when the 2 cores are busy; the
        # baseline with one thread is shown too, so its figure is not just that pathology.
        torch.set_num_threads(1)
        try:
            return base.retrieve(question)
        finally:
            torch.set_num_threads(threads)

    int8 = Assistant.open(corpus, bq_index.parent / "briefqa_int8-0", refresh=False,
                          settings=qa.settings.with_(onnx_precision="int8"))
    int8.ask(questions[0])
    calls = {"briefqa_answer": qa.ask, "briefqa_answer_int8": int8.ask,
             "briefqa_retrieval": briefqa_retrieval, "baseline_retrieval": base.retrieve,
             "baseline_retrieval_1_thread": baseline_one_thread}
    timings: dict[str, list[float]] = {name: [] for name in calls}
    names = list(calls)
    for n in range(args.rounds):
        for name in names[n % len(names):] + names[:n % len(names)]:  # each goes first in turn
            for question in questions:
                started = time.perf_counter()
                calls[name](question)
                timings[name].append(time.perf_counter() - started)
    warm = {name: {"p50_ms": median(t) * 1000, "p95_ms": quantile(t, 0.95) * 1000,
                   "calls": len(t)} for name, t in timings.items()}
    warm["encoder"] = qa.encoders.kind
    warm["encoder_int8"] = int8.encoders.kind

    # Quality: the supporting sentence among the top hits, and briefqa's own eval.
    ranks: dict[str, list] = {"briefqa_retrieval": [], "briefqa_cited": [], "baseline": []}
    for case in cases:
        if case.get("kind") == "unanswerable" or not case.get("support"):
            continue
        hits = briefqa_retrieval(case["question"])
        ranks["briefqa_retrieval"].append(
            support_rank(case["support"], [qa._index.units[h.unit_id].text for h in hits]))
        answer = qa.ask(case["question"])
        cited = sorted(answer.citations, key=lambda c: c.related)
        ranks["briefqa_cited"].append(support_rank(case["support"], [c.quote for c in cited]))
        ranks["baseline"].append(support_rank(case["support"], base.retrieve(case["question"])))
    quality = {name: {"top1": top_k_share(r, 1), "top3": top_k_share(r, 3), "n": len(r)}
               for name, r in ranks.items()}
    report = run_suite(qa, suite)
    quality["briefqa_eval"] = {k: v for k, v in report.summary().items() if k != "by_kind"}

    # ONNX against torch: the corpus's sentences, and the eval of the shipped set-up (corpus
    # and questions through int8 ONNX) and of torch-built indexes, against all-torch.
    from briefqa.chunk import embedding_text
    from briefqa.embed import TorchEncoder

    texts = [embedding_text(u) for u in qa._index.units]
    torch_encoder = TorchEncoder(qa.settings.resolved_model_path())
    cosine = (qa.encoders.encode(texts) * torch_encoder.encode(texts)).sum(axis=1)
    setups = {
        "onnx_build_onnx_query": report,
        "int8_build_int8_query": run_suite(int8, suite),
        "torch_build_onnx_query": run_suite(Assistant.open(
            corpus, torch_index, refresh=False,
            settings=qa.settings.with_(build_encoder="torch", query_encoder="onnx")), suite),
        "torch_build_torch_query": run_suite(Assistant.open(
            corpus, torch_index, refresh=False,
            settings=qa.settings.with_(build_encoder="torch", query_encoder="torch")), suite),
    }
    reference = setups["torch_build_torch_query"]
    ref_passed = {r.case.id: r.passed for r in reference.results}
    onnx_check = {"encoder": warm["encoder"], "units": len(texts),
                  "cosine_to_torch_min": float(cosine.min()),
                  "cosine_to_torch_mean": float(cosine.mean()),
                  "build_encoder": qa.manifest["params"].get("encoder")}
    for name, rep in setups.items():
        summary = rep.summary()
        passed = {r.case.id: r.passed for r in rep.results}
        onnx_check[name] = {
            **{k: summary[k] for k in ("answer_accuracy", "citation_precision",
                                        "abstention_accuracy")},
            "passes_only_here": sorted(i for i in passed if passed[i] and not ref_passed[i]),
            "passes_only_all_torch": sorted(i for i in passed if ref_passed[i] and not passed[i]),
            "same_answer_text_as_all_torch": sum(
                a.answer == b.answer for a, b in zip(rep.results, reference.results)),
        }
    return {"warm": warm, "quality": quality, "onnx_vs_torch": onnx_check}


def ratios(result: dict) -> dict:
    """briefqa / baseline for every speed figure (below 1: briefqa is faster or smaller)."""
    b, l_ = result["build"]["briefqa"], result["build"]["baseline"]
    c = result["cold_start"]
    w = result["warm"]
    s = result["serve"]
    out = {
        "build_seconds": b["seconds_median"] / l_["seconds_median"],
        "build_units_per_s": b["units_per_s"] / l_["units_per_s"],
        "embedded_tokens_per_s": (b["embedded_tokens_per_s_of_embedding"] or 0) /
        (l_["embedded_tokens_per_s_of_embedding"] or 1),
        "cold_start_seconds": c["briefqa"]["process_wall_seconds_median"] /
        c["baseline"]["process_wall_seconds_median"],
        "warm_answer_p50_vs_baseline_retrieval_p50": w["briefqa_answer"]["p50_ms"] /
        w["baseline_retrieval"]["p50_ms"],
        "warm_answer_p95_vs_baseline_retrieval_p95": w["briefqa_answer"]["p95_ms"] /
        w["baseline_retrieval"]["p95_ms"],
        "warm_retrieval_p50": w["briefqa_retrieval"]["p50_ms"] /
        w["baseline_retrieval"]["p50_ms"],
        "warm_answer_p50_vs_baseline_1_thread_p50": w["briefqa_answer"]["p50_ms"] /
        w["baseline_retrieval_1_thread"]["p50_ms"],
        "build_peak_rss": b["peak_rss_mb_median"] / l_["peak_rss_mb_median"],
        "serve_peak_rss": s["briefqa"]["peak_rss_mb"] / s["baseline"]["peak_rss_mb"],
        "index_bytes": result["disk"]["briefqa"] / max(1, result["disk"]["baseline"]),
    }
    if "briefqa_int8" in result["build"] and "briefqa_answer_int8" in w:
        i = result["build"]["briefqa_int8"]
        out["build_seconds_float_vs_int8"] = b["seconds_median"] / i["seconds_median"]
        out["warm_answer_p50_float_vs_int8"] = w["briefqa_answer"]["p50_ms"] / \
            w["briefqa_answer_int8"]["p50_ms"]
        out["build_seconds_int8_vs_baseline"] = i["seconds_median"] / l_["seconds_median"]
        out["warm_answer_p50_int8_vs_baseline_retrieval_p50"] = \
            w["briefqa_answer_int8"]["p50_ms"] / w["baseline_retrieval"]["p50_ms"]
    return out


def compare_table(r: dict) -> str:
    b, l_ = r["build"]["briefqa"], r["build"]["baseline"]
    c, w, s, q = r["cold_start"], r["warm"], r["serve"], r["quality"]
    x = r["ratios"]
    ev = q["briefqa_eval"]
    i8 = r["build"].get("briefqa_int8")
    rows = [
        ("index build (s)", b["seconds_median"], l_["seconds_median"], x["build_seconds"]),
        *([("index build (s), int8 encoder", i8["seconds_median"], l_["seconds_median"],
            x.get("build_seconds_int8_vs_baseline"))] if i8 else []),
        ("units indexed", b["units"], l_["units"], None),
        ("build units/s", b["units_per_s"], l_["units_per_s"], x["build_units_per_s"]),
        ("embedded tokens/s (embedding)", b["embedded_tokens_per_s_of_embedding"],
         l_["embedded_tokens_per_s_of_embedding"], x["embedded_tokens_per_s"]),
        ("cold start: new process to first answer (s)",
         c["briefqa"]["process_wall_seconds_median"],
         c["baseline"]["process_wall_seconds_median"], x["cold_start_seconds"]),
        ("warm p50 (ms): briefqa answer / baseline retrieval", w["briefqa_answer"]["p50_ms"],
         w["baseline_retrieval"]["p50_ms"], x["warm_answer_p50_vs_baseline_retrieval_p50"]),
        *([("warm p50 (ms): briefqa answer with the int8 encoder / baseline retrieval",
            w["briefqa_answer_int8"]["p50_ms"], w["baseline_retrieval"]["p50_ms"],
            x.get("warm_answer_p50_int8_vs_baseline_retrieval_p50"))]
          if "briefqa_answer_int8" in w else []),
        ("warm p95 (ms): briefqa answer / baseline retrieval", w["briefqa_answer"]["p95_ms"],
         w["baseline_retrieval"]["p95_ms"], x["warm_answer_p95_vs_baseline_retrieval_p95"]),
        ("warm p50 (ms): briefqa answer / baseline retrieval, torch on 1 thread",
         w["briefqa_answer"]["p50_ms"],
         w.get("baseline_retrieval_1_thread", {}).get("p50_ms"),
         x.get("warm_answer_p50_vs_baseline_1_thread_p50")),
        ("warm p50 (ms): retrieval only", w["briefqa_retrieval"]["p50_ms"],
         w["baseline_retrieval"]["p50_ms"], x["warm_retrieval_p50"]),
        ("peak RSS building (MiB)", b["peak_rss_mb_median"], l_["peak_rss_mb_median"],
         x["build_peak_rss"]),
        ("peak RSS serving the suite (MiB)", s["briefqa"]["peak_rss_mb"],
         s["baseline"]["peak_rss_mb"], x["serve_peak_rss"]),
        ("index on disk (MiB)", r["disk"]["briefqa"] / 2**20, r["disk"]["baseline"] / 2**20,
         x["index_bytes"]),
        ("supporting sentence in top 1", q["briefqa_retrieval"]["top1"], q["baseline"]["top1"],
         None),
        ("supporting sentence in top 3", q["briefqa_retrieval"]["top3"], q["baseline"]["top3"],
         None),
        *[(f"supporting sentence retrieved in the top {k} (briefqa eval)",
            ev[f"recall_at_{k}"], None, None) for k in (1, 5, 20) if f"recall_at_{k}" in ev],
        ("answer accuracy", ev["answer_accuracy"], None, None),
        ("citation precision", ev["citation_precision"], None, None),
    ]
    lines = [f"| measure ({r['corpus']}, {r['questions']} questions) | briefqa | baseline | "
             "briefqa/baseline |", "| --- | ---: | ---: | ---: |"]
    for name, a, bb, ratio in rows:
        lines.append(f"| {name} | {_fmt(a)} | {_fmt(bb)} | "
                     f"{'' if ratio is None else f'{ratio:.2f}x'} |")
    return "\n".join(lines)


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) <= 1 and value != 0 and not float(value).is_integer():
        return f"{value:.3f}"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


# ---------------------------------------------------------------------------------------------
# exact against approximate


def ann(args, work: Path) -> dict:
    import numpy as np

    from briefqa.onnx_export import onnx_encoder
    from briefqa.settings import Settings

    from . import ann as ann_bench

    corpus = _scaled_corpus(work / "ann-corpus", 1, quick=args.quick)
    index = work / "ann-index"
    print("exact vs approximate: building the vectors ...", flush=True)
    run_child("build-briefqa", "--corpus", str(corpus), "--index", str(index))
    manifest = json.loads((index / "manifest.json").read_text())
    vectors = np.vstack([np.load(index / "cache" / f"{e['cache']}.npy")
                         for _, e in sorted(manifest["files"].items())])
    encoder = onnx_encoder(Settings(index_dir=index))
    cases = _cases(args)
    queries = encoder.encode([c["question"] for c in cases])
    times = []
    for case in cases:
        started = time.perf_counter()
        encoder.encode([case["question"]])
        times.append(time.perf_counter() - started)
    sizes = [int(s) for s in args.ann_sizes.split(",")] if not args.quick else [
        len(vectors), 4 * len(vectors)]
    rows = ann_bench.measure(vectors, queries, sizes)
    from briefqa.index import approximate_index, ivf_probes

    product = []
    for n in sizes:  # the product's own IVF settings, as index.py builds them
        data = ann_bench.perturbed(vectors, n)
        started = time.perf_counter()
        ivf = approximate_index(data)
        build = time.perf_counter() - started
        import faiss

        flat = faiss.IndexFlatIP(data.shape[1])
        flat.add(data)
        truth = flat.search(queries, ann_bench.K)[1]
        product.append({"n": n, "nlist": ivf.nlist, "nprobe": ivf_probes(ivf.nlist),
                        "build_s": build, "p50_ms": ann_bench._search_p50(ivf, queries),
                        "recall": ann_bench._recall(ivf, queries, truth)})
    cross = ann_bench.crossover(rows, median(times) * 1000)
    from briefqa.settings import Settings as S

    cross["setting_approximate_above_units"] = S().approximate_above_units
    return {"base_vectors": int(len(vectors)), "rows": rows, "product_ivf": product,
            "crossover": cross}


# ---------------------------------------------------------------------------------------------
# scaling


def _scaled_corpus(target: Path, copies: int, quick: bool = False) -> Path:
    """The brief, the map and the LUMI guide, `copies` times, each copy under its own
    folder (copyNN/...), so every file name differs and the contents repeat."""
    fresh(target)
    for n in range(1, copies + 1):
        folder = target / f"copy{n:02d}"
        folder.mkdir()
        if quick:
            shutil.copytree(CORPUS / "european-ai-infrastructure-map", folder / "map")
            continue
        shutil.copy2(CORPUS / "eu-ai-factories-policy-brief.txt", folder)
        shutil.copytree(CORPUS / "european-ai-infrastructure-map",
                        folder / "european-ai-infrastructure-map")
        if LUMI_GUIDE.is_dir():
            shutil.copytree(LUMI_GUIDE, folder / "lumi-userguide")
    return target


def _changed_file(corpus: Path) -> str:
    """A middle-sized file of the first copy: what an edit to one document looks like."""
    files = sorted((p for p in (corpus / "copy01").rglob("*") if p.is_file()),
                   key=lambda p: p.stat().st_size)
    return files[len(files) // 2].relative_to(corpus).as_posix()


def scaling(args, work: Path) -> dict:
    sizes = [int(s) for s in args.sizes.split(",")] if not args.quick else [1, 2]
    if args.quick:
        args.real_max = 1  # the 2x copy exercises the memoized path
    cases = _cases(args)
    suite = _suite_file(cases, work)
    rows = []
    lumi = LUMI_GUIDE.is_dir()
    if not lumi:
        print(f"note: {LUMI_GUIDE} is absent: scaling the brief and the map only", flush=True)
    for size in sizes:
        print(f"scaling {size}x ...", flush=True)
        row_started = _now()
        corpus = _scaled_corpus(work / f"corpus-{size}x", size, quick=args.quick)
        index = work / f"index-{size}x"
        memo = size > args.real_max
        build = run_child("build-briefqa", "--corpus", str(corpus), "--index", str(index),
                          *(["--memo"] if memo else []))
        serve = run_child("serve-briefqa", "--corpus", str(corpus), "--index", str(index),
                          "--suite", str(suite), "--rounds", str(args.rounds), "--recall",
                          "--accuracy")
        change = _changed_file(corpus)
        refresh = run_child("refresh-briefqa", "--corpus", str(corpus), "--index", str(index),
                            "--change", change)
        rate = build["embed_distinct"] / build["embed_seconds"] if build["embed_seconds"] else 0
        uncached = build["seconds"] + (
            (build["embed_texts"] - build["embed_distinct"]) / rate if memo and rate else 0)
        row = {
            "size": size, "measured_at": row_started, "files": build["files"],
            "units": build["units"],
            "embedding": "memoized" if memo else "measured",
            "build_seconds": build["seconds"], "estimated_uncached_build_seconds": uncached,
            "embed_units_per_s": rate, "build_peak_rss_mb": build["peak_rss_mb"],
            "index_mb": build["index_bytes"] / 2**20, "vector_index": build["vector_index"],
            "serve_open_seconds": serve["open_seconds"], "warm_p50_ms": serve["p50_ms"],
            "warm_p95_ms": serve["p95_ms"], "serve_peak_rss_mb": serve["peak_rss_mb"],
            "answer_accuracy": serve.get("answer_accuracy"),
            "refresh_seconds": refresh["seconds"], "refresh_changed": change,
            "refresh_vs_build": refresh["seconds"] / build["seconds"],
            "refresh_vs_uncached_build": refresh["seconds"] / uncached,
            **{k: v for k, v in serve.items() if k.startswith(("built_", "exact_", "dense_"))},
        }
        if size <= args.baseline_max:
            bl_index = work / f"baseline-{size}x"
            bl = run_child("build-baseline", "--corpus", str(corpus), "--index", str(bl_index))
            bl_serve = run_child("serve-baseline", "--index", str(bl_index), "--suite",
                                 str(suite), "--rounds", str(args.rounds))
            row["baseline"] = {"build_seconds": bl["seconds"], "units": bl["units"],
                               "build_peak_rss_mb": bl["peak_rss_mb"],
                               "index_mb": bl["index_bytes"] / 2**20,
                               "warm_p50_ms": bl_serve["p50_ms"],
                               "serve_peak_rss_mb": bl_serve["peak_rss_mb"]}
            shutil.rmtree(bl_index, ignore_errors=True)
        rows.append(row)
        print("  " + json.dumps({k: (round(v, 3) if isinstance(v, float) else v)
                                 for k, v in row.items() if k != "baseline"}), flush=True)
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.rmtree(index, ignore_errors=True)
    return {"lumi_guide": lumi, "rows": rows, "real_max": args.real_max}


def scaling_table(s: dict) -> str:
    lines = ["| corpus | files | units | vector index | build (s) | build peak RSS (MiB) | "
             "index (MiB) | warm p50 / p95 (ms) | serve peak RSS (MiB) | refresh 1 file (s) | "
             "support top-3: as built / exact |",
             "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in s["rows"]:
        build = f"{r['build_seconds']:.0f}"
        if r["embedding"] == "memoized":
            build += f" (uncached ≈ {r['estimated_uncached_build_seconds']:.0f})"
        lines.append(
            f"| {r['size']}x | {r['files']:,} | {r['units']:,} | {r['vector_index']} | {build} | "
            f"{r['build_peak_rss_mb']:.0f} | {r['index_mb']:.0f} | "
            f"{r['warm_p50_ms']:.1f} / {r['warm_p95_ms']:.1f} | {r['serve_peak_rss_mb']:.0f} | "
            f"{r['refresh_seconds']:.1f} | {r.get('built_support_top3', 0):.3f} / "
            f"{r.get('exact_support_top3', 0):.3f} |")
    return "\n".join(lines)


def plot(s: dict, target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = s["rows"]
    units = [r["units"] for r in rows]
    measured = [r["embedding"] == "measured" for r in rows]
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    panels = [
        (axes[0][0], "index build (s)", [r["build_seconds"] for r in rows],
         [r["estimated_uncached_build_seconds"] for r in rows], "build_seconds"),
        (axes[0][1], "peak memory (MiB)", [r["build_peak_rss_mb"] for r in rows],
         [r["serve_peak_rss_mb"] for r in rows], "build_peak_rss_mb"),
        (axes[1][0], "index on disk (MiB)", [r["index_mb"] for r in rows], None, "index_mb"),
        (axes[1][1], "warm answer p50 (ms)", [r["warm_p50_ms"] for r in rows], None,
         "warm_p50_ms"),
    ]
    for ax, title, values, second, key in panels:
        if key == "build_seconds":
            real = [(u, v) for u, v, m in zip(units, values, measured) if m]
            ax.plot(*zip(*real), "-o", color="tab:blue", label="briefqa (every unit embedded)")
            memo = [(u, v) for u, v, m in zip(units, values, measured) if not m]
            if memo:
                ax.plot(*zip(*memo), "o", color="tab:blue", fillstyle="none",
                        label="briefqa, each distinct text embedded once (measured)")
                est = [(u, e) for u, e, m in zip(units, second, measured) if not m]
                ax.plot(*zip(*(real[-1:] + est)), "--x", color="tab:blue", alpha=0.6,
                        label="briefqa, every unit embedded (estimated from the rate)")
        else:
            ax.plot(units, values, "-", color="tab:blue", label="briefqa")
            for u, v, m in zip(units, values, measured):
                ax.plot(u, v, "o", color="tab:blue", fillstyle="full" if m else "none")
        if second is not None and key == "build_peak_rss_mb":
            ax.lines[0].set_label("briefqa building")
            ax.plot(units, second, "-s", color="tab:green", label="briefqa serving")
            ax.axhline(2048, color="grey", ls=":", lw=1, label="2 GiB")
        if key == "warm_p50_ms":
            ax.axhline(50, color="grey", ls=":", lw=1, label="50 ms target")
            for u, v, r in zip(units, values, rows):
                ax.annotate(r["vector_index"], (u, v), textcoords="offset points",
                            xytext=(4, 6), fontsize=8)
        bx = [(r["units"], r["baseline"][key]) for r in rows if r.get("baseline")
              and key in r["baseline"]]
        if bx:
            ax.plot(*zip(*bx), "-^", color="tab:orange", label="llama-index baseline")
        ax.set_xscale("log")
        ax.set_yscale("log" if key != "warm_p50_ms" else "linear")
        ax.set_xlabel("units (sentences) in the index")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    sizes = ", ".join(f"{r['size']}x" for r in rows)
    fig.suptitle(f"briefqa as the corpus grows ({sizes} of the brief + map + LUMI guide), "
                 "2 CPU cores\nfilled markers: every unit embedded; hollow: each distinct "
                 "text embedded once", fontsize=10)
    fig.tight_layout()
    fig.savefig(target, dpi=110)
    plt.close(fig)


# ---------------------------------------------------------------------------------------------


def _machine() -> dict:
    import psutil

    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "load_average_at_start": os.getloadavg()}


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


_PATH_ARGS = ("corpus", "suite", "out", "work")


def _rel(path: Path) -> str:
    """A path as the results may show it: relative to the repository (or ../shared), else a
    temporary folder's name; never a path of this machine."""
    resolved = path.resolve()
    for base, shown in ((ROOT, ""), (SHARED.resolve(), "../shared/"),
                        (Path(tempfile.gettempdir()).resolve(), "<tmp>/")):
        try:
            return shown + resolved.relative_to(base).as_posix()
        except ValueError:
            continue
    return f"<elsewhere>/{path.name}"


def _scrub(value):
    """The results with every absolute path written as `_rel` shows it."""
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, str) and value.startswith("/") and "\n" not in value:
        return _rel(Path(value))
    return value


def _save(out: Path, results: dict) -> None:
    results.update(_scrub(results))
    results["load_average_now"] = os.getloadavg()
    name = "quick.json" if results["args"].get("quick") else "results.json"
    tmp = out / f".{name}.tmp"
    tmp.write_text(json.dumps(results, indent=1, default=_json_default), encoding="utf-8")
    os.replace(tmp, out / name)
    if "compare" in results and "ratios" in results["compare"]:
        md = [compare_table(results["compare"])]
        if "scaling" in results:
            md += ["", scaling_table(results["scaling"])]
        (out / ("quick.md" if results["args"].get("quick") else "results.md")).write_text(
            "\n".join(md) + "\n", encoding="utf-8")


def _json_default(value):
    try:
        import numpy as np

        if isinstance(value, np.generic):
            return value.item()
    except ImportError:
        pass
    if isinstance(value, Path):
        return _rel(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


if __name__ == "__main__":
    sys.exit(main())
