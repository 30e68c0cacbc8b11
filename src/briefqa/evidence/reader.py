"""The reader: the bundled MiniLM fine-tuned (by `briefqa train reader`) on the question side
only, so that a question lands next to the sentences that answer it. Sentences keep the vectors
the index holds; the reader's score of a candidate is the cosine of its vector and the reader's
question vector: one more question embedding per question, every candidate read.

Shipped as models/reader.onnx: float16 storage of the fine-tuned layers (float32 at run time:
the same scores on every x86-64 CPU, pinned by tests/test_portable.py) without the word
embeddings, which training left frozen and which are taken from the bundled model at load.
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path

import numpy as np

from .shipped import MODEL_DIR, restored, runnable, store

log = logging.getLogger(__name__)

READER_FILE = "reader.onnx"


class Reader:
    """(question, candidates, index) -> each candidate's reader score (a cosine)."""

    def __init__(self, encoder) -> None:
        self.encoder = encoder

    def __call__(self, question: str, hits, index) -> dict[int, float]:
        vector = self.encoder.encode([question])[0]
        ids = [h.unit_id for h in hits]
        return {i: float(s) for i, s in zip(ids, index.vectors_for(ids) @ vector)}

    def vector(self, question: str) -> np.ndarray:
        return self.encoder.encode([question])[0]


@functools.lru_cache(maxsize=2)
def load_reader(folder: str | None = None) -> Reader | None:
    """The shipped reader, or None when there is none (answers are then weighed without it,
    by a model trained without it)."""
    from ..settings import bundled_model_path

    path = Path(folder or MODEL_DIR) / READER_FILE
    if not path.exists():
        return None
    from ..embed import OnnxEncoder

    return Reader(OnnxEncoder(runnable(path, bundled_model_path()), bundled_model_path()))


def export_reader(model, folder: Path) -> Path:
    """Export a fine-tuned sentence-transformers model as the reader: ONNX float, word
    embeddings replaced by a mark naming the bundled model's tensor (they must be unchanged),
    float16 storage; checked against torch on the encoder's probe sentences."""
    import torch

    from ..onnx_export import PROBES
    from ..settings import bundled_model_path

    transformer = model[0].auto_model
    target = store(transformer, folder / READER_FILE)
    # Check: the shipped file, restored, against the torch model (float16 storage costs
    # about 1e-3 of cosine at most).
    reader = Reader.__new__(Reader)
    from ..embed import OnnxEncoder

    reader.encoder = OnnxEncoder(restored(target, bundled_model_path()), bundled_model_path())
    with torch.no_grad():
        reference = model.encode(list(PROBES), normalize_embeddings=True)
    got = reader.encoder.encode(list(PROBES))
    cosine = float((got * reference).sum(axis=1).min())
    if cosine < 0.999:
        raise ValueError(f"the exported reader disagrees with torch (cosine {cosine:.5f})")
    (folder / "reader-reference.json").write_text(json.dumps(
        {"texts": list(PROBES), "vectors": [[round(float(x), 7) for x in v] for v in got],
         "cosine_to_torch_min": round(cosine, 7)}) + "\n", encoding="utf-8")
    load_reader.cache_clear()
    return target
