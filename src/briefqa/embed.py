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


class TorchEncoder:
    """sentence-transformers on torch: the reference encoder, used to build the index."""

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
        return int(self._load().get_sentence_embedding_dimension())

    def encode(self, texts: list[str], batch_size: int = 64, progress=None) -> np.ndarray:
        model = self._load()
        vectors = []
        with self._lock:
            for first in range(0, len(texts), batch_size):
                batch = texts[first:first + batch_size]
                vectors.append(model.encode(batch, batch_size=batch_size,
                                            normalize_embeddings=True,
                                            convert_to_numpy=True, show_progress_bar=False))
                if progress is not None:
                    progress(len(batch))
        if not vectors:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.ascontiguousarray(np.vstack(vectors), dtype=np.float32)


class OnnxEncoder:
    """The same model exported once to ONNX (and quantized): the fast query encoder, which
    starts without importing torch. See `onnx_export` for how the file is made."""

    def __init__(self, onnx_path: Path, model_path: str) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = int(os.environ.get("BRIEFQA_ONNX_THREADS", "2"))
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(onnx_path), options,
                                            providers=["CPUExecutionProvider"])
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.tokenizer = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        max_length = _max_seq_length(model_path)
        self.tokenizer.enable_truncation(max_length)
        self.tokenizer.enable_padding()
        self.dimension = int(self.session.get_outputs()[0].shape[-1] or 384)

    def encode(self, texts: list[str], batch_size: int = 64, progress=None) -> np.ndarray:
        out = []
        for first in range(0, len(texts), batch_size):
            batch = self.tokenizer.encode_batch(texts[first:first + batch_size])
            ids = np.array([e.ids for e in batch], dtype=np.int64)
            mask = np.array([e.attention_mask for e in batch], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.input_names:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feeds)[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out.append(pooled.astype(np.float32))
            if progress is not None:
                progress(len(batch))
        if not out:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.ascontiguousarray(np.vstack(out))


def _max_seq_length(model_path: str) -> int:
    config = Path(model_path) / "sentence_bert_config.json"
    try:
        return int(json.loads(config.read_text()).get("max_seq_length", 256))
    except (OSError, ValueError):
        return 256
