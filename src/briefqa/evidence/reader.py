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

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parents[1] / "models"
READER_FILE = "reader.onnx"
SHARED_MARK = "briefqa:shared-with-the-bundled-model"


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

    model = _restored(path, bundled_model_path())
    return Reader(OnnxEncoder(model, bundled_model_path()))


def _restored(path: Path, base_model: str) -> bytes:
    """The stored graph, ready to run: the word embeddings put back from the bundled model and
    every float16 weight widened to float32."""
    import onnx
    from onnx import numpy_helper
    from safetensors.numpy import load_file

    graph = onnx.load(str(path))
    base = None
    for n, tensor in enumerate(graph.graph.initializer):
        if tensor.doc_string.startswith(SHARED_MARK):
            if base is None:
                base = load_file(str(Path(base_model) / "model.safetensors"))
            name = tensor.doc_string.split(" ", 1)[1]
            array = base.get(name, base.get(f"bert.{name}"))
            if array is None:
                raise ValueError(f"the bundled model has no {name}")
            restored = numpy_helper.from_array(array.astype(np.float32), tensor.name)
        elif tensor.data_type == onnx.TensorProto.FLOAT16:
            restored = numpy_helper.from_array(
                numpy_helper.to_array(tensor).astype(np.float32), tensor.name)
        else:
            continue
        graph.graph.initializer[n].CopyFrom(restored)
    return graph.SerializeToString()


def export_reader(model, folder: Path) -> Path:
    """Export a fine-tuned sentence-transformers model as the reader: ONNX float, word
    embeddings replaced by a mark naming the bundled model's tensor (they must be unchanged),
    float16 storage; checked against torch on the encoder's probe sentences."""
    import tempfile

    import onnx
    import torch
    from onnx import numpy_helper

    from ..onnx_export import PROBES, _export_module
    from ..settings import bundled_model_path

    transformer = model[0].auto_model
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "reader.onnx"
        _export_module(transformer, raw)
        graph = onnx.load(str(raw))
    shared = {"embeddings.word_embeddings.weight":
              transformer.embeddings.word_embeddings.weight.detach().numpy()}
    from safetensors.numpy import load_file

    base = load_file(str(Path(bundled_model_path()) / "model.safetensors"))
    for n, tensor in enumerate(graph.graph.initializer):
        array = numpy_helper.to_array(tensor)
        for name, weights in shared.items():
            if array.shape == weights.shape and np.array_equal(array, weights):
                kept = base.get(name, base.get(f"bert.{name}"))
                if kept is None or not np.array_equal(kept, weights):
                    raise ValueError(f"{name} changed in training; it cannot be shared")
                mark = numpy_helper.from_array(np.zeros((0,), dtype=np.float32), tensor.name)
                mark.doc_string = f"{SHARED_MARK} {name}"
                graph.graph.initializer[n].CopyFrom(mark)
                break
        else:
            if array.dtype == np.float32 and array.size > 1:
                graph.graph.initializer[n].CopyFrom(
                    numpy_helper.from_array(array.astype(np.float16), tensor.name))
    # Cast nodes are not needed: the loader widens the weights before the graph runs.
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / READER_FILE
    onnx.save(graph, str(target))
    # Check: the shipped file, restored, against the torch model (float16 storage costs
    # about 1e-3 of cosine at most).
    reader = Reader.__new__(Reader)
    from ..embed import OnnxEncoder

    reader.encoder = OnnxEncoder(_restored(target, bundled_model_path()), bundled_model_path())
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
