"""Shared helpers of the benchmarks: paths, questions, timing, memory, sizes, child processes."""

from __future__ import annotations

import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Where the shared data lies: BRIEFQA_SHARED_DIR, by default ../shared beside the repository.
SHARED = Path(os.environ.get("BRIEFQA_SHARED_DIR") or ROOT.parent / "shared")
CORPUS = ROOT / "corpus"
LUMI_GUIDE = SHARED / "extra-corpus" / "lumi-userguide"
SUITE = ROOT / "evals" / "facts.jsonl"
RESULTS = ROOT / "benchmarks" / "results"
# What both pipelines embed with: the bundled model, offline.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# Heavy modules that serving an existing briefqa index should not need.
HEAVY_MODULES = ("torch", "sentence_transformers", "transformers", "gradio", "llama_index")


def model_path() -> str:
    from briefqa.settings import bundled_model_path

    return bundled_model_path()


def load_cases(suite: Path = SUITE, limit: int | None = None) -> list[dict]:
    cases = []
    for line in Path(suite).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            cases.append(json.loads(line))
    return cases[:limit] if limit else cases


def normal(text: str) -> str:
    return " ".join(str(text).split()).lower()


def support_rank(support: str | None, texts: list[str]) -> int | None:
    """1-based rank of the first text that holds the supporting phrase, None if none does."""
    if not support:
        return None
    wanted = normal(support)
    for rank, text in enumerate(texts, start=1):
        if wanted in normal(text):
            return rank
    return None


def top_k_share(ranks: list[int | None], k: int) -> float:
    """Share of answerable questions whose support is within the top k."""
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def quantile(values: list[float], q: float) -> float:
    """Linear-interpolated quantile (q in 0..1)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: list[float]) -> float:
    return quantile(values, 0.5)


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MiB: VmHWM, which starts afresh with
    the process's own memory (getrusage's ru_maxrss carries a parent's peak over exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dir_bytes(path: Path, exclude: tuple[str, ...] = ()) -> int:
    """Bytes of the files under a folder, top-level entries named in `exclude` left out."""
    total = 0
    path = Path(path)
    if not path.exists():
        return 0
    for entry in path.rglob("*"):
        rel = entry.relative_to(path)
        if rel.parts and rel.parts[0] in exclude:
            continue
        if entry.is_file() and not entry.is_symlink():
            total += entry.stat().st_size
    return total


def fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __call__(self) -> float:
        return time.perf_counter() - self.started


def run_child(mode: str, *args: str, env: dict | None = None, timeout: float = 7200) -> dict:
    """Run `python -m benchmarks.child MODE ARGS` in a new process; its last stdout line is
    JSON. The wall time of the whole process (interpreter start-up included) is added."""
    command = [sys.executable, "-m", "benchmarks.child", mode, *args]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child {mode} failed ({done.returncode}):\n"
                           f"{done.stderr[-4000:]}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"benchmark child {mode} printed no result:\n{done.stdout[-2000:]}"
                           f"\n{done.stderr[-2000:]}")
    result = json.loads(lines[-1])
    result["process_wall_seconds"] = wall
    return result


def print_json_line(data: dict) -> None:
    print(json.dumps(data), flush=True)
