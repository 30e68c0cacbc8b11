"""Embed: turn texts into unit-length vectors with the bundled MiniLM (torch or ONNX Runtime)."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

import numpy as np

# Everything is on disk: never let a library try the network for weights or metadata.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def model_fingerprint(model_path: str) -> str:
    """Identifies the model's weights and configuration without reading all of the weights."""
    root = Path(model_path)
    digest = hashlib.sha256()
    for name in sorted(p.name for p in root.iterdir() if p.is_file()):
        path = root / name
        digest.update(name.encode())
        digest.update(str(path.stat().st_size).encode())
        if path.suffix in (".json", ".txt"):
            digest.update(path.read_bytes())
    return f"{root.name}:{digest.hexdigest()[:16]}"


def cpu_kernels() -> str:
    """The instruction-set family numeric kernels run on here ("amx", "avx512-vnni", "avx512",
    "avx-vnni", "avx2", ...): what decides onnxruntime's int8 results, recorded with every
    index and evaluation."""
    import platform

    flags: set[str] = set()
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith(("flags", "Features")):
                    flags = set(line.split(":", 1)[1].split())
                    break
    except OSError:
        pass
    for family, flag in (("amx", "amx_int8"), ("avx512-vnni", "avx512_vnni"),
                         ("avx512", "avx512f"), ("avx-vnni", "avx_vnni"), ("avx2", "avx2"),
                         ("avx", "avx"), ("sse4", "sse4_2"), ("neon", "asimd")):
        if flag in flags:
            return family
    return platform.machine() or "unknown"


def runtime_versions(kind: str) -> dict[str, str]:
    """The numeric runtime's version an encoder of this kind runs on."""
    from importlib.metadata import PackageNotFoundError, version

    package = "torch" if kind == "torch" else "onnxruntime"
    try:
        return {package: version(package)}
    except PackageNotFoundError:
        return {}


class TorchEncoder:
    """sentence-transformers on torch: the reference encoder."""

    kind = "torch"

    def __init__(self, model_path: str) -> None:
        self.model_path = model_path
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(self.model_path, device="cpu",
                                              local_files_only=True)
        return self._model

    @property
    def dimension(self) -> int:
        model = self._load()
        dimension = getattr(model, "get_embedding_dimension", None) or \
            model.get_sentence_embedding_dimension
        return int(dimension())

    def encode(self, texts: list[str], batch_size: int = 64, progress=None) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # Longest first across the whole list, so each batch pads to similar lengths.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        with self._lock:
            for first in range(0, len(texts), batch_size):
                rows = order[first:first + batch_size]
                out[rows] = model.encode([texts[i] for i in rows], batch_size=batch_size,
                                         normalize_embeddings=True, convert_to_numpy=True,
                                         show_progress_bar=False)
                if progress is not None:
                    progress(len(rows))
        return out


class OnnxEncoder:
    """The same model exported once to ONNX (and quantized): the fast encoder, which starts
    without importing torch. See `onnx_export` for how the file is made and checked.

    Each text runs on its own: int8 dynamic quantization scales a run's activations by their
    range over the whole batch (padding included), so in a batch a text's vector would depend
    on its neighbours (cosine 0.975 to itself alone). Alone it is always the same vector, the
    one a question gets, and no compute goes to padding. `threads` texts run at once (the
    runtime releases the GIL), one core each: 1 for questions, the core count for a build.
    """

    kind = "onnx"

    def __init__(self, onnx_path: Path | bytes, model_path: str,
                 threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.workers = max(1, threads or int(os.environ.get("BRIEFQA_ONNX_THREADS", "1")))
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        model = onnx_path if isinstance(onnx_path, bytes) else str(onnx_path)
        self.session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.tokenizer = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        # The file may pin padding and truncation (MiniLM's pads everything to 128): no
        # padding is needed one text at a time; truncate where sentence-transformers does.
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(_max_seq_length(model_path))
        self.dimension = int(self.session.get_outputs()[0].shape[-1] or 384)

    def _one(self, ids: list[int]) -> np.ndarray:
        tokens = np.asarray([ids], dtype=np.int64)
        feeds = {"input_ids": tokens, "attention_mask": np.ones_like(tokens)}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.zeros_like(tokens)
        pooled = self.session.run(None, feeds)[0][0].mean(axis=0)
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)

    def encode(self, texts: list[str], batch_size: int = 64, progress=None) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        ids = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        if self.workers == 1 or len(texts) == 1:
            for first in range(0, len(texts), batch_size):
                for row in range(first, min(first + batch_size, len(texts))):
                    out[row] = self._one(ids[row])
                if progress is not None:
                    progress(min(batch_size, len(texts) - first))
            return out
        from concurrent.futures import ThreadPoolExecutor

        # Blocks small enough that every worker has one even for a short document.
        size = max(1, min(batch_size, -(-len(texts) // self.workers)))

        def block(first: int) -> int:
            last = min(first + size, len(texts))
            for row in range(first, last):
                out[row] = self._one(ids[row])
            return last - first

        with ThreadPoolExecutor(self.workers) as pool:
            for done in pool.map(block, range(0, len(texts), size)):
                if progress is not None:
                    progress(done)
        return out


def _max_seq_length(model_path: str) -> int:
    config = Path(model_path) / "sentence_bert_config.json"
    try:
        return int(json.loads(config.read_text()).get("max_seq_length", 256))
    except (OSError, ValueError):
        return 256
