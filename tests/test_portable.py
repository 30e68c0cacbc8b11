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


@pytest.mark.skipif(_EMULATOR is None or os.uname().machine != "x86_64",
                    reason="qemu-user (Debian's qemu-user) emulates an AVX2-only CPU")
def test_an_avx2_cpu_gets_the_same_vectors(assistant, tmp_path):
    """The same encoder on an emulated Haswell (AVX2, no AVX-512, no VNNI): onnxruntime picks
    its kernels by the CPU it finds, so this is another instruction set for real."""
    out = tmp_path / "vectors.npy"
    code = textwrap.dedent(f"""
        import numpy as np
        from briefqa.onnx_export import onnx_encoder
        from briefqa.settings import Settings
        settings = Settings(index_dir={str(assistant.settings.index_dir)!r})
        np.save({str(out)!r}, onnx_encoder(settings).encode({TEXTS!r}))
    """)
    env = {**os.environ, "BRIEFQA_CACHE_DIR": "off"}
    subprocess.run([_EMULATOR, "-cpu", "Haswell", sys.executable, "-c", code], env=env,
                   check=True, capture_output=True, timeout=600)
    reference = np.asarray(_reference()["vectors"], dtype=np.float32)
    difference = np.abs(np.load(out) - reference).max()
    print(f"\nemulated AVX2 CPU: largest difference to the reference {difference:.2e}")
    assert difference <= TOLERANCE
