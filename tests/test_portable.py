"""Portable answers: the shipped encoder gives the same vectors on every x86-64 CPU.

The vectors of a fixed set of texts are pinned in tests/data/encoder_reference.json, computed
once with the shipped set-up (the float ONNX export). The tolerance (1e-5 on any component)
is about a hundred times what float32 kernels of different instruction sets differ by (1e-7,
measured below under an emulated AVX2 CPU) and about a thousandth of what the int8 export
differs by (0.04): a change of the encoder's numerics fails here before it changes an answer.
Refresh the file only when the encoder is meant to change: BRIEFQA_UPDATE_REFERENCE=1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from briefqa.embed import cpu_kernels
from briefqa.onnx_export import PROBES, encoder_id, ensure_exported, onnx_encoder

REFERENCE = Path(__file__).parent / "data" / "encoder_reference.json"
TOLERANCE = 1e-5
TEXTS = [*PROBES, "Welche KI-Fabrik steht in Finnland?", "4,480 NVIDIA Hopper GPUs",
         "Résumé: 531,51 PFlop/s (Rpeak) — €10 billion"]


def _reference() -> dict:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def shipped(assistant):
    """The query encoder exactly as a user gets it (default settings, the index's export)."""
    encoder = onnx_encoder(assistant.settings)
    assert encoder is not None
    return encoder


def test_shipped_encoder_reproduces_the_pinned_vectors(shipped, assistant):
    vectors = shipped.encode(TEXTS)
    if os.environ.get("BRIEFQA_UPDATE_REFERENCE"):
        REFERENCE.write_text(json.dumps({
            "encoder": shipped.kind, "computed_on": cpu_kernels(), "tolerance": TOLERANCE,
            "texts": TEXTS, "vectors": [[float(f"{x:.8g}") for x in v] for v in vectors],
        }, ensure_ascii=False) + "\n", encoding="utf-8")
    reference = _reference()
    assert reference["texts"] == TEXTS
    assert shipped.kind == reference["encoder"] == encoder_id(assistant.settings)
    difference = np.abs(vectors - np.asarray(reference["vectors"], dtype=np.float32)).max()
    print(f"\nshipped encoder {shipped.kind} on {cpu_kernels()}: largest difference to the "
          f"reference (made on {reference['computed_on']}) {difference:.2e}")
    assert difference <= TOLERANCE


def test_torch_agrees_with_the_pinned_vectors(assistant):
    """The reference model itself: the suites give the same figures with either encoder."""
    from briefqa.embed import TorchEncoder

    vectors = TorchEncoder(assistant.settings.resolved_model_path()).encode(TEXTS)
    reference = np.asarray(_reference()["vectors"], dtype=np.float32)
    assert np.abs(vectors - reference).max() <= TOLERANCE


def test_the_tolerance_catches_the_int8_encoder(assistant, tmp_path):
    """int8's difference (the one that changed answers between CPUs) fails this tolerance."""
    settings = assistant.settings.with_(index_dir=tmp_path / "index", onnx_precision="int8")
    ensure_exported(settings)
    encoder = onnx_encoder(settings)
    assert encoder is not None and encoder.kind.endswith("int8")
    reference = np.asarray(_reference()["vectors"], dtype=np.float32)
    difference = np.abs(encoder.encode(TEXTS) - reference).max()
    print(f"\nint8 encoder: largest difference to the reference {difference:.2e}")
    assert difference > 100 * TOLERANCE


_EMULATOR = shutil.which("qemu-x86_64")
# Under emulation every matrix product is slow (a forward pass of a few tokens takes seconds),
# so the emulated run is one batch of two short texts, on one thread, outside briefqa: just
# numpy, onnxruntime and the tokenizer. The reader runs the same operators on the same kernels.
SHORT = ["?", "EuroHPC JU"]
_BATCH = textwrap.dedent("""
    import sys
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer
    model, tokenizer, out = sys.argv[1:4]
    texts = sys.argv[4:]
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    tok = Tokenizer.from_file(tokenizer)
    tok.no_truncation()
    tok.enable_padding()
    encoded = tok.encode_batch(texts)
    ids = np.asarray([e.ids for e in encoded], dtype=np.int64)
    mask = np.asarray([e.attention_mask for e in encoded], dtype=np.int64)
    feeds = {"input_ids": ids, "attention_mask": mask}
    if "token_type_ids" in {i.name for i in session.get_inputs()}:
        feeds["token_type_ids"] = np.zeros_like(ids)
    hidden = session.run(None, feeds)[0]
    pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    np.save(out, pooled / np.linalg.norm(pooled, axis=1, keepdims=True))
""")


def _batch(prefix: list[str], model: Path, out: Path, timeout: float) -> np.ndarray:
    from briefqa.settings import bundled_model_path

    tokenizer = Path(bundled_model_path()) / "tokenizer.json"
    subprocess.run([*prefix, sys.executable, "-c", _BATCH, str(model), str(tokenizer), str(out),
                    *SHORT], check=True, capture_output=True, timeout=timeout)
    return np.load(out)


@pytest.mark.skipif(_EMULATOR is None or os.uname().machine != "x86_64",
                    reason="qemu-user (Debian's qemu-user) emulates an AVX2-only CPU")
def test_an_avx2_cpu_gets_the_same_vectors(assistant, tmp_path):
    """The shipped encoder on an emulated Haswell (AVX2, no AVX-512, no VNNI): onnxruntime
    picks its kernels by the CPU it finds, so this is another instruction set for real. The
    same batch on this CPU first; both must agree with each other and with the pinned
    vectors. (32 s measured with both cores of a 2-core machine busy with training.)"""
    model = next(Path(assistant.settings.index_dir).glob("encoder/*/float/model.onnx"))
    here = _batch([], model, tmp_path / "here.npy", 120)
    emulated = _batch([_EMULATOR, "-cpu", "Haswell"], model, tmp_path / "emulated.npy", 240)
    reference = dict(zip(_reference()["texts"], _reference()["vectors"]))
    pinned = np.asarray([reference[t] for t in SHORT], dtype=np.float32)
    print(f"\nemulated AVX2 CPU: largest difference {np.abs(emulated - here).max():.2e} to "
          f"this CPU, {np.abs(emulated - pinned).max():.2e} to the pinned vectors")
    assert np.abs(emulated - here).max() <= TOLERANCE
    assert np.abs(emulated - pinned).max() <= TOLERANCE


def test_the_shipped_reader_reproduces_its_pinned_vectors():
    """The reader as shipped (float16 storage, float32 at run time, the bundled model's word
    embeddings put back) gives the vectors recorded when it was exported."""
    from briefqa.evidence.reader import MODEL_DIR, load_reader

    reader = load_reader()
    if reader is None:
        pytest.skip("no reader is shipped (see models/reader.json)")
    reference = json.loads((MODEL_DIR / "reader-reference.json").read_text(encoding="utf-8"))
    vectors = reader.encoder.encode(reference["texts"])
    difference = np.abs(vectors - np.asarray(reference["vectors"], dtype=np.float32)).max()
    print(f"\nshipped reader on {cpu_kernels()}: largest difference {difference:.2e}")
    assert difference <= TOLERANCE
    assert reference["cosine_to_torch_min"] >= 0.999


def test_the_shipped_verifier_reproduces_its_pinned_log_odds():
    """The verifier as shipped gives the log-odds recorded when it was exported (and those
    were within 0.05 of torch's)."""
    from briefqa.evidence.verifier import MODEL_DIR, load_verifier

    verifier = load_verifier()
    if verifier is None:
        pytest.skip("no verifier is shipped (see models/verifier.json)")
    reference = json.loads((MODEL_DIR / "verifier-reference.json").read_text(encoding="utf-8"))
    got = [verifier(q, [t])[0] for q, t in reference["pairs"]]
    difference = float(np.abs(np.asarray(got) - np.asarray(reference["logits"])).max())
    print(f"\nshipped verifier on {cpu_kernels()}: largest difference {difference:.2e}")
    assert difference <= 1e-4
    assert reference["largest_difference_to_torch"] <= 0.05
