"""One measurement in a process of its own (cold start, peak memory and build need a fresh one).

    python -m benchmarks.child MODE [options]     prints one JSON line

Modes: build-briefqa, build-baseline, cold-briefqa, cold-baseline, serve-briefqa,
serve-baseline, refresh-briefqa. Timings start at the top of this module, after the
interpreter has started; the parent adds the whole process's wall time.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from .common import (  # noqa: E402
    HEAVY_MODULES,
    dir_bytes,
    load_cases,
    median,
    peak_rss_mb,
    print_json_line,
    quantile,
    support_rank,
)


class Tally:
    """Wraps an encoder: times its calls, counts the tokens it embeds (outside the timing)
    and, with memo=True, embeds each distinct text once (the scaling run's replicated
    corpora hold each text many times; everything but the repeated model calls stays real)."""

    def __init__(self, encoder, memo: bool = False) -> None:
        self.encoder = encoder
        self.memo = {} if memo else None
        self.seconds = 0.0
        self.texts = 0
        self.distinct = 0
        self.tokens = 0
        self.kind = getattr(encoder, "kind", "?")

    @property
    def dimension(self) -> int:
        return self.encoder.dimension

    def encode(self, texts, batch_size=64, progress=None):
        import numpy as np

        self.texts += len(texts)
        if self.memo is None:
            todo = list(texts)
        else:
            todo = list(dict.fromkeys(t for t in texts if t not in self.memo))
        started = time.perf_counter()
        vectors = self.encoder.encode(todo, batch_size) if todo else None
        self.seconds += time.perf_counter() - started
        self.distinct += len(todo)
        self.tokens += _count_tokens(todo)
        if progress is not None:
            progress(len(texts))
        if self.memo is None:
            return vectors
        for text, vector in zip(todo, vectors if vectors is not None else []):
            self.memo[text] = vector
        return np.vstack([self.memo[t] for t in texts]) if texts else vectors

    def figures(self) -> dict:
        return {"embed_seconds": self.seconds, "embed_texts": self.texts,
                "embed_distinct": self.distinct, "embed_tokens": self.tokens,
                "encoder": self.kind, "memo": self.memo is not None}


_TOKENIZER = None


def _count_tokens(texts) -> int:
    """Word pieces the model sees (truncated as sentence-transformers does)."""
    global _TOKENIZER
    if _TOKENIZER is None:
        from tokenizers import Tokenizer

        from briefqa.embed import _max_seq_length

        from .common import model_path

        _TOKENIZER = Tokenizer.from_file(str(Path(model_path()) / "tokenizer.json"))
        _TOKENIZER.no_padding()
        _TOKENIZER.enable_truncation(_max_seq_length(model_path()))
    return sum(len(e.ids) for e in _TOKENIZER.encode_batch(list(texts))) if texts else 0


def _settings(args):
    from briefqa.settings import Settings

    return Settings.from_env(corpus_dir=args.corpus, index_dir=args.index)


def build_briefqa(args) -> dict:
    from briefqa.encoders import Encoders
    from briefqa.index import Indexer

    imported = time.perf_counter()
    settings = _settings(args)
    indexer = Indexer(settings, Encoders(settings).torch)
    tally = Tally(indexer.encoder, memo=args.memo)  # the encoder is made (and loaded) here
    indexer._encoder = tally
    report = indexer.refresh(force=True)
    done = time.perf_counter()
    from briefqa.index import read_manifest

    manifest = read_manifest(settings.index_dir)
    return {"system": "briefqa", "seconds": done - imported, "import_seconds": imported - STARTED,
            "units": report.units, "files": len(manifest["files"]),
            "vector_index": manifest.get("vector_index"), **tally.figures(),
            "peak_rss_mb": peak_rss_mb(),
            "index_bytes": dir_bytes(settings.index_dir, exclude=("encoder",)),
            "encoder_bytes": dir_bytes(settings.index_dir / "encoder"),
            "heavy_modules": [m for m in HEAVY_MODULES if m in sys.modules]}


def build_baseline(args) -> dict:
    from . import baseline

    imported = time.perf_counter()
    figures = baseline.build(Path(args.corpus), Path(args.index))
    return {"system": "baseline", **figures, "import_seconds": imported - STARTED,
            "peak_rss_mb": peak_rss_mb(), "index_bytes": dir_bytes(Path(args.index))}


def cold_briefqa(args) -> dict:
    from briefqa import Assistant

    imported = time.perf_counter()
    qa = Assistant.open(args.corpus, args.index)
    opened = time.perf_counter()
    answer = qa.ask(args.question)
    answered = time.perf_counter()
    return {"system": "briefqa", "import_seconds": imported - STARTED,
            "open_seconds": opened - imported, "answer_seconds": answered - opened,
            "seconds": answered - STARTED, "grounded": answer.grounded,
            "encoder": qa.encoders.kind,
            "heavy_modules": [m for m in HEAVY_MODULES if m in sys.modules],
            "peak_rss_mb": peak_rss_mb()}


def cold_baseline(args) -> dict:
    from .baseline import Baseline

    imported = time.perf_counter()
    pipeline = Baseline(Path(args.index))
    opened = time.perf_counter()
    texts = pipeline.retrieve(args.question)
    answered = time.perf_counter()
    return {"system": "baseline", "import_seconds": imported - STARTED,
            "open_seconds": opened - imported, "answer_seconds": answered - opened,
            "seconds": answered - STARTED, "hits": len(texts),
            "heavy_modules": [m for m in HEAVY_MODULES if m in sys.modules],
            "peak_rss_mb": peak_rss_mb()}


def serve_briefqa(args) -> dict:
    """Open, answer the suite (latency, memory), and compare the vector index as built with
    an exact one over the same vectors (retrieval recall of the supporting sentence)."""
    from briefqa import Assistant
    from briefqa.evaluate import run_suite

    cases = load_cases(Path(args.suite), args.limit)
    imported = time.perf_counter()
    qa = Assistant.open(args.corpus, args.index, refresh=False)
    opened = time.perf_counter()
    qa.ask("warm-up question")
    times = []
    for _ in range(args.rounds):
        for case in cases:
            answer = qa.ask(case["question"])
            times.append(answer.seconds)
    result = {"system": "briefqa", "units": qa.unit_count, "open_seconds": opened - imported,
              "vector_index": qa.manifest.get("vector_index", "flat"),
              "p50_ms": median(times) * 1000, "p95_ms": quantile(times, 0.95) * 1000,
              "questions": len(cases), "rounds": args.rounds}
    result["peak_rss_mb"] = peak_rss_mb()
    if args.recall:
        result.update(_recall(qa, cases))
    if args.accuracy:
        suite = Path(args.suite)
        if args.limit:
            suite = Path(args.index) / "suite-head.jsonl"
            suite.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
        summary = run_suite(qa, suite).summary()
        result["answer_accuracy"] = summary["answer_accuracy"]
        result["citation_precision"] = summary["citation_precision"]
    return result


def _recall(qa, cases) -> dict:
    """Support in the top 1 / 3 / 10 of hybrid retrieval, with the index as built and with
    an exact (flat) index over the same vectors; and the dense-only overlap of the two."""
    import faiss
    import numpy as np

    from briefqa.answer import normalise_question
    from briefqa.retrieve import hybrid_search

    index = qa._index
    built = index.faiss_index
    vectors = np.vstack([built.reconstruct_n(0, built.ntotal)]).astype(np.float32)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    ranks = {"built": [], "exact": []}
    overlap = []
    for case in cases:
        if case.get("kind") == "unanswerable" or not case.get("support"):
            continue
        text = normalise_question(case["question"], qa.settings.max_question_chars)
        vector = qa.encoders.encode_one(text)
        for name, vector_index in (("built", built), ("exact", exact)):
            index.faiss_index = vector_index
            hits = hybrid_search(index, vector, text, qa.settings.candidates)
            ranks[name].append(support_rank(case["support"],
                                            [index.units[h.unit_id].text for h in hits]))
        index.faiss_index = built
        k = min(40, built.ntotal)
        a = set(built.search(vector.reshape(1, -1), k)[1][0].tolist())
        b = set(exact.search(vector.reshape(1, -1), k)[1][0].tolist())
        overlap.append(len(a & b) / k)
    out = {"dense_recall_at_40": float(np.mean(overlap)) if overlap else 1.0}
    for name, values in ranks.items():
        for k in (1, 3, 10):
            out[f"{name}_support_top{k}"] = (sum(1 for r in values if r is not None and r <= k)
                                             / len(values)) if values else 0.0
    return out


def serve_baseline(args) -> dict:
    from .baseline import Baseline

    cases = load_cases(Path(args.suite), args.limit)
    imported = time.perf_counter()
    pipeline = Baseline(Path(args.index))
    opened = time.perf_counter()
    pipeline.retrieve("warm-up question")
    times = []
    for _ in range(args.rounds):
        for case in cases:
            started = time.perf_counter()
            pipeline.retrieve(case["question"])
            times.append(time.perf_counter() - started)
    return {"system": "baseline", "open_seconds": opened - imported,
            "p50_ms": median(times) * 1000, "p95_ms": quantile(times, 0.95) * 1000,
            "questions": len(cases), "rounds": args.rounds, "peak_rss_mb": peak_rss_mb()}


def refresh_briefqa(args) -> dict:
    """Change one file of an indexed corpus (a sentence appended), then refresh."""
    from briefqa.encoders import Encoders
    from briefqa.index import Indexer

    target = Path(args.corpus) / args.change
    with open(target, "a", encoding="utf-8") as fh:
        fh.write("\n\nThis sentence was added to measure an incremental refresh.\n")
    imported = time.perf_counter()
    settings = _settings(args)
    indexer = Indexer(settings, Encoders(settings).torch)
    tally = Tally(indexer.encoder)
    indexer._encoder = tally
    report = indexer.refresh()
    done = time.perf_counter()
    return {"system": "briefqa", "seconds": done - imported, "changed": report.changed,
            "unchanged": len(report.unchanged), "units": report.units, **tally.figures(),
            "peak_rss_mb": peak_rss_mb()}


def export_onnx(args) -> dict:
    """The one-time ONNX export (torch load, export, quantize, check), into an empty cache."""
    from briefqa.onnx_export import ensure_exported, exported_meta

    imported = time.perf_counter()
    settings = _settings(args)
    path = ensure_exported(settings)
    done = time.perf_counter()
    meta = exported_meta(settings) or {}
    return {"seconds": done - imported, "exported": path is not None,
            "precision": meta.get("precision"), "bytes": meta.get("size"),
            "probe_cosine_min": meta.get("probe_cosine_min"),
            "probe_cosine_mean": meta.get("probe_cosine_mean"), "peak_rss_mb": peak_rss_mb()}


MODES = {"export-onnx": export_onnx, "build-briefqa": build_briefqa,
         "build-baseline": build_baseline, "cold-briefqa": cold_briefqa,
         "cold-baseline": cold_baseline,
         "serve-briefqa": serve_briefqa, "serve-baseline": serve_baseline,
         "refresh-briefqa": refresh_briefqa}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.child")
    parser.add_argument("mode", choices=sorted(MODES))
    parser.add_argument("--corpus")
    parser.add_argument("--index", required=True)
    parser.add_argument("--question", default="How many Hopper GPUs does MareNostrum 5 have?")
    parser.add_argument("--suite")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--memo", action="store_true")
    parser.add_argument("--recall", action="store_true")
    parser.add_argument("--accuracy", action="store_true")
    parser.add_argument("--change", help="corpus-relative file to change (refresh)")
    args = parser.parse_args(argv)
    import logging

    logging.basicConfig(level=logging.ERROR)
    print_json_line(MODES[args.mode](args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
