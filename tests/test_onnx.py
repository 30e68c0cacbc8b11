"""The ONNX encoder: exported once, close to torch, used for questions without importing torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from briefqa.onnx_export import (
    META_FILE,
    MODEL_FILE,
    _mean_pooled,
    encoder_dir,
    ensure_exported,
    exported_meta,
    onnx_encoder,
)
from briefqa.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "sentence_transformers", "transformers", "gradio", "llama_index")


def test_export_lives_next_to_the_index(assistant, index_dir):
    settings = assistant.settings
    path = ensure_exported(settings)
    assert path == encoder_dir(settings) / MODEL_FILE
    assert path.is_file() and path.parent.parent.parent == index_dir / "encoder"
    meta = exported_meta(settings)
    assert meta["precision"] == "float"  # the portable default
    assert meta["float_probe_cosine_min"] > 0.9999
    assert meta["probe_cosine_min"] > 0.9999
    assert not list(path.parent.glob("*.tmp")), "no leftovers of the atomic write"
    # Asking again is free: the existing export is returned, not re-made.
    before = path.stat().st_mtime_ns
    assert ensure_exported(settings) == path and path.stat().st_mtime_ns == before


def test_onnx_embeddings_match_torch_on_the_corpus(assistant):
    from briefqa.chunk import embedding_text
    from briefqa.embed import TorchEncoder

    units = assistant._index.units
    step = max(1, len(units) // 96)
    texts = [embedding_text(u) for u in units[::step]]
    onnx = onnx_encoder(assistant.settings)
    assert onnx is not None and onnx.kind.startswith("onnx")
    reference = TorchEncoder(assistant.settings.resolved_model_path()).encode(texts)
    vectors = onnx.encode(texts)
    assert vectors.shape == reference.shape and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    cosine = (vectors * reference).sum(axis=1)
    assert cosine.min() > 0.99999, cosine.min()  # float32 both: the same model
    # Batching and order do not change a text's vector.
    alone = onnx.encode(texts[:3][::-1])[::-1]
    assert np.allclose(alone, vectors[:3], atol=1e-4)


def test_onnx_and_torch_questions_find_the_same_sentences(assistant):
    from briefqa.embed import TorchEncoder
    from briefqa.retrieve import hybrid_search

    questions = [json.loads(line)["question"] for line in
                 (ROOT / "evals" / "facts.jsonl").read_text().splitlines() if line.strip()]
    onnx = onnx_encoder(assistant.settings)
    torch = TorchEncoder(assistant.settings.resolved_model_path())
    a, b = onnx.encode(questions), torch.encode(questions)
    same = 0
    for question, va, vb in zip(questions, a, b):
        top_a = hybrid_search(assistant._index, va, question, 10)[0].unit_id
        top_b = hybrid_search(assistant._index, vb, question, 10)[0].unit_id
        same += top_a == top_b
    assert same == len(questions)


def test_a_broken_export_means_no_onnx_encoder(tmp_path, assistant):
    settings = assistant.settings.with_(index_dir=tmp_path / "index")
    folder = encoder_dir(settings)
    folder.mkdir(parents=True)
    source = encoder_dir(assistant.settings)
    (folder / MODEL_FILE).write_bytes((source / MODEL_FILE).read_bytes()[:1000])
    (folder / META_FILE).write_text((source / META_FILE).read_text())
    env = {**os.environ, "BRIEFQA_CACHE_DIR": "off"}
    code = textwrap.dedent(f"""
        from briefqa.onnx_export import onnx_encoder
        from briefqa.settings import Settings
        print(onnx_encoder(Settings(index_dir={str(settings.index_dir)!r})))
    """)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "None"  # truncated model: size does not match the record
    (folder / META_FILE).write_text("{not json")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "None"


def test_a_corrupt_model_file_falls_back(tmp_path, assistant, monkeypatch):
    settings = assistant.settings.with_(index_dir=tmp_path / "index")
    folder = encoder_dir(settings)
    folder.mkdir(parents=True)
    meta = exported_meta(assistant.settings)
    (folder / MODEL_FILE).write_bytes(b"\0" * meta["size"])  # right size, not a model
    (folder / META_FILE).write_text(json.dumps(meta))
    monkeypatch.setenv("BRIEFQA_CACHE_DIR", "off")
    assert onnx_encoder(settings) is None


def test_a_model_file_with_flipped_bytes_is_not_used(tmp_path, assistant, monkeypatch):
    # Same size, still a loadable model for all we know: only the recorded hash tells.
    settings = assistant.settings.with_(index_dir=tmp_path / "index")
    folder = encoder_dir(settings)
    folder.mkdir(parents=True)
    source = encoder_dir(assistant.settings)
    assert len(exported_meta(assistant.settings)["sha256"]) == 64
    model = bytearray((source / MODEL_FILE).read_bytes())
    middle = len(model) // 2
    model[middle:middle + 16] = bytes(b ^ 0xFF for b in model[middle:middle + 16])
    (folder / MODEL_FILE).write_bytes(bytes(model))
    (folder / META_FILE).write_text((source / META_FILE).read_text())
    monkeypatch.setenv("BRIEFQA_CACHE_DIR", "off")
    assert onnx_encoder(settings) is None
    # The intact file is used.
    (folder / MODEL_FILE).write_bytes((source / MODEL_FILE).read_bytes())
    assert onnx_encoder(settings) is not None


def test_only_mean_pooled_models_are_exported(tmp_path):
    bundled = Path(Settings().resolved_model_path())
    assert _mean_pooled(bundled)
    model = tmp_path / "cls-model"
    (model / "1_Pooling").mkdir(parents=True)
    (model / "modules.json").write_text((bundled / "modules.json").read_text())
    config = json.loads((bundled / "1_Pooling" / "config.json").read_text())
    config.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    (model / "1_Pooling" / "config.json").write_text(json.dumps(config))
    assert not _mean_pooled(model)
    assert not _mean_pooled(tmp_path / "missing")


def test_index_records_its_build_encoder(assistant):
    encoder = assistant.manifest["params"]["encoder"]
    assert encoder.startswith("onnx-v") and encoder.endswith("-float")
    record = assistant.manifest["encoder"]
    assert record["kind"] == encoder and record["kernels"] and record["onnxruntime"]


def test_int8_is_an_option_with_its_own_vectors(tmp_path, small_index_base):
    """BRIEFQA_ONNX_PRECISION=int8 builds (and records) an index of its own, never mixing its
    vectors with the float export's."""
    from briefqa import Assistant

    corpus, _ = small_index_base
    settings = Settings.from_env({"BRIEFQA_ONNX_PRECISION": "int8"})
    qa = Assistant.open(corpus, tmp_path / "index", settings=settings)
    assert qa.manifest["params"]["encoder"].endswith("-int8")
    assert qa.encoder_record()["query"].endswith("-int8")
    assert qa.ask("How many GPUs does the Zephyr cluster have?").grounded
    with pytest.raises(ValueError, match="BRIEFQA_ONNX_PRECISION"):
        Assistant.open(corpus, tmp_path / "index2",
                       settings=Settings.from_env({"BRIEFQA_ONNX_PRECISION": "int4"}))


@pytest.mark.parametrize("encoder", ["onnx"])
def test_serving_an_index_imports_no_torch(assistant, corpus_copy, index_dir, encoder):
    """Cold start: import, open the existing index, answer; nothing heavy on that path."""
    code = textwrap.dedent(f"""
        import json, sys, time
        started = time.perf_counter()
        from briefqa import Assistant
        qa = Assistant.open({str(corpus_copy)!r}, {str(index_dir)!r})
        answer = qa.ask("How many Hopper GPUs does MareNostrum 5 have?")
        print(json.dumps({{"seconds": time.perf_counter() - started,
                          "grounded": answer.grounded,
                          "encoder": qa.encoders.kind,
                          "heavy": [m for m in {HEAVY!r} if m in sys.modules]}}))
    """)
    env = {**os.environ, "BRIEFQA_QUERY_ENCODER": encoder}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, timeout=120)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["heavy"] == [], result
    assert result["encoder"].startswith("onnx"), result
    assert result["grounded"]
