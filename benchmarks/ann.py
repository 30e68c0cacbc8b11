"""Exact against approximate FAISS search: where does exact search stop paying?

Vectors: the real unit vectors of an index (the brief, the map and the LUMI guide), each
replicated with a small random perturbation (cosine about 0.95 to its original) up to N, so
that the larger sets are not exact duplicates; questions: the suite's, encoded by the query
encoder. At each N: IndexFlatIP (exact), IndexHNSWFlat (M=32, efConstruction=80,
efSearch=128) and IndexIVFFlat (nlist=4*sqrt(N), nprobe swept): build seconds, search p50 of
one question for 40 candidates (what hybrid retrieval asks for), recall@40 against exact.

Exact search "stops paying" where it costs more than encoding the question (the floor of a
question's time) while an approximate index is at least twice as fast; past that point the
index is made approximate (settings.approximate_above_units).
"""

from __future__ import annotations

import math
import time

import numpy as np

from .common import median

K = 40


def perturbed(vectors: np.ndarray, n: int, seed: int = 7, noise: float = 0.018) -> np.ndarray:
    """n vectors: the originals, then copies with gaussian noise, renormalised."""
    rng = np.random.default_rng(seed)
    rows = np.arange(n) % len(vectors)
    out = vectors[rows].copy()
    extra = n - min(n, len(vectors))
    if extra:
        out[len(vectors):] += rng.normal(0, noise, size=(extra, vectors.shape[1])).astype(
            np.float32)
        out /= np.linalg.norm(out, axis=1, keepdims=True)
    return np.ascontiguousarray(out, dtype=np.float32)


def _search_p50(index, queries: np.ndarray, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        for q in queries:
            started = time.perf_counter()
            index.search(q.reshape(1, -1), K)
            times.append(time.perf_counter() - started)
    return median(times) * 1000


def _recall(index, queries: np.ndarray, truth: np.ndarray) -> float:
    _, found = index.search(queries, K)
    return float(np.mean([len(set(a) & set(b)) / K for a, b in zip(found, truth)]))


def measure(base: np.ndarray, queries: np.ndarray, sizes: list[int],
            nprobes=(8, 16, 32, 64)) -> list[dict]:
    import faiss

    faiss.omp_set_num_threads(2)
    rows = []
    for n in sizes:
        data = perturbed(base, n)
        d = data.shape[1]
        row = {"n": n}
        started = time.perf_counter()
        flat = faiss.IndexFlatIP(d)
        flat.add(data)
        row["flat_build_s"] = time.perf_counter() - started
        row["flat_p50_ms"] = _search_p50(flat, queries)
        truth = flat.search(queries, K)[1]

        started = time.perf_counter()
        hnsw = faiss.IndexHNSWFlat(d, 32, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = 80
        hnsw.add(data)
        row["hnsw_build_s"] = time.perf_counter() - started
        hnsw.hnsw.efSearch = 128
        row["hnsw_p50_ms"] = _search_p50(hnsw, queries)
        row["hnsw_recall"] = _recall(hnsw, queries, truth)

        nlist = ivf_lists(n)
        started = time.perf_counter()
        ivf = build_ivf(data, nlist)
        row["ivf_build_s"] = time.perf_counter() - started
        row["ivf_nlist"] = nlist
        for nprobe in nprobes:
            ivf.nprobe = min(nprobe, nlist)
            row[f"ivf{nprobe}_p50_ms"] = _search_p50(ivf, queries)
            row[f"ivf{nprobe}_recall"] = _recall(ivf, queries, truth)
        rows.append(row)
        print(f"  ann n={n}: " + ", ".join(f"{k}={v:.3g}" for k, v in row.items() if k != "n"),
              flush=True)
    return rows


def ivf_lists(n: int) -> int:
    return max(16, int(4 * math.sqrt(n)))


def build_ivf(data: np.ndarray, nlist: int):
    """IVF-Flat trained on at most 64 vectors per list (a spread sample), then filled."""
    import faiss

    d = data.shape[1]
    quantizer = faiss.IndexFlatIP(d)
    ivf = faiss.IndexIVFFlat(quantizer, d, nlist, faiss.METRIC_INNER_PRODUCT)
    step = max(1, len(data) // (64 * nlist))
    ivf.train(data[::step])
    ivf.add(data)
    return ivf


def crossover(rows: list[dict], encoder_ms: float, approximate: str = "ivf32") -> dict:
    """The smallest N (interpolated: exact search time grows linearly) where exact search
    costs more than the question's encoding and the approximate index is >= 2x faster."""
    key = f"{approximate}_p50_ms" if approximate != "hnsw" else "hnsw_p50_ms"
    xs = np.array([r["n"] for r in rows], dtype=float)
    flat = np.array([r["flat_p50_ms"] for r in rows])
    slope, intercept = np.polyfit(xs, flat, 1)
    by_cost = (encoder_ms - intercept) / slope if slope > 0 else math.inf
    faster = [r["n"] for r in rows if r["flat_p50_ms"] >= 2 * r[key]]
    at = max(by_cost, min(faster) if faster else math.inf)
    return {"encoder_ms": encoder_ms, "flat_ms_per_100k": slope * 1e5,
            "flat_intercept_ms": intercept, "exact_costs_more_than_encoder_above": by_cost,
            "approximate_2x_faster_from": min(faster) if faster else None,
            "crossover_units": at if math.isfinite(at) else None, "approximate": approximate}
