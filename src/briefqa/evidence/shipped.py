"""How briefqa's trained transformer models ship: ONNX graphs with float16 weights (float32 at
run time, so every x86-64 CPU computes the same) and without the word embeddings, which
training leaves frozen and which are taken back from the bundled model when the graph is
loaded. The restored graph is kept in the per-machine cache, so later processes open it at once.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parents[1] / "models"
SHARED_MARK = "briefqa:shared-with-the-bundled-model"
WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"


def store(transformer, target: Path, wrapper=None) -> Path:
    """Export a fine-tuned transformer (or `wrapper`, a module around it) to `target`: ONNX
    float, the word embeddings replaced by a mark naming the bundled model's tensor (they must
    be unchanged), every other weight stored as float16."""
    import tempfile

    import onnx
    from onnx import numpy_helper
    from safetensors.numpy import load_file

    from ..onnx_export import _export_module
    from ..settings import bundled_model_path

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "model.onnx"
        _export_module(transformer, raw, wrapper)
        graph = onnx.load(str(raw))
    words = transformer.embeddings.word_embeddings.weight.detach().numpy()
    base = load_file(str(Path(bundled_model_path()) / "model.safetensors"))
    kept = base.get(WORD_EMBEDDINGS, base.get(f"bert.{WORD_EMBEDDINGS}"))
    if kept is None or not np.array_equal(kept, words):
        raise ValueError("the word embeddings changed in training; they cannot be shared")
    for n, tensor in enumerate(graph.graph.initializer):
        array = numpy_helper.to_array(tensor)
        if array.shape == words.shape and np.array_equal(array, words):
            mark = numpy_helper.from_array(np.zeros((0,), dtype=np.float32), tensor.name)
            mark.doc_string = f"{SHARED_MARK} {WORD_EMBEDDINGS}"
            graph.graph.initializer[n].CopyFrom(mark)
        elif array.dtype == np.float32 and array.size > 1:
            graph.graph.initializer[n].CopyFrom(
                numpy_helper.from_array(array.astype(np.float16), tensor.name))
    target.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(graph, str(target))
    return target


def restored(path: Path, base_model: str) -> bytes:
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
            widened = numpy_helper.from_array(array.astype(np.float32), tensor.name)
        elif tensor.data_type == onnx.TensorProto.FLOAT16:
            widened = numpy_helper.from_array(
                numpy_helper.to_array(tensor).astype(np.float32), tensor.name)
        else:
            continue
        graph.graph.initializer[n].CopyFrom(widened)
    return graph.SerializeToString()


def runnable(path: Path, base_model: str) -> Path | bytes:
    """The restored graph from the per-machine cache (by the stored file's checksum), made
    there once; in memory when the cache is off or cannot be written."""
    from ..onnx_export import cache_root

    root = cache_root()
    if root is None:
        return restored(path, base_model)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:20]
    target = root / "models" / digest / path.name
    if target.is_file():
        return target
    model = restored(path, base_model)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        tmp.write_bytes(model)
        os.replace(tmp, target)
    except OSError as exc:
        log.info("model cache %s unusable (%s)", target.parent, exc)
    return model
