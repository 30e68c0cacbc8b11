"""The verifier: a cross-encoder (the bundled MiniLM, all six layers, fine-tuned by `briefqa
train verifier`) that reads a question and a candidate together and scores whether the
candidate answers it. It reads only the few likeliest candidates (`ANSWER_VERIFIER_CANDIDATES`):
reading a pair costs what embedding a sentence does, so reading all 40 would take half a second
on two cores. Its log-odds are the `verified`/`verifier` scorers' values.

Shipped as models/verifier.onnx in the same form as the reader (float16 storage, float32 at run
time, the bundled model's word embeddings put back at load), pinned by tests/test_portable.py.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import numpy as np

from .shipped import MODEL_DIR, runnable, store

VERIFIER_FILE = "verifier.onnx"
MAX_TOKENS = 96  # question and candidate together; the candidate is cut to fit
QUESTION_TOKENS = MAX_TOKENS // 2  # a longer question is cut to this many word pieces


def candidate_text(title: str, section: str | None, text: str) -> str:
    """What the verifier reads of a candidate: where it stands, then what it says."""
    last = (section or "").rsplit(" > ", 1)[-1]
    return f"{title} > {last}: {text}" if last else f"{title}: {text}"


class Verifier:
    """(question, candidate texts) -> log-odds that each candidate answers the question."""

    def __init__(self, model: Path | bytes, base_model: str) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = int(os.environ.get("BRIEFQA_ONNX_THREADS", "1"))
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(model if isinstance(model, bytes) else str(model),
                                            options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(Path(base_model) / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS, strategy="only_second")
        self._words = Tokenizer.from_file(str(Path(base_model) / "tokenizer.json"))
        self._words.no_padding()
        self._words.no_truncation()

    def fitted(self, question: str) -> str:
        """The question, cut to QUESTION_TOKENS word pieces when longer, so that the pair
        keeps room for the candidate (the candidate is cut to fill the rest)."""
        encoded = self._words.encode(question, add_special_tokens=False)
        if len(encoded.ids) <= QUESTION_TOKENS:
            return question
        return question[:encoded.offsets[QUESTION_TOKENS - 1][1]]

    def __call__(self, question: str, texts: list[str]) -> list[float]:
        """One pair per run: a pair's score never depends on what it is run with."""
        out = []
        question = self.fitted(question)
        for text in texts:
            encoded = self.tokenizer.encode(question, text)
            ids = np.asarray([encoded.ids], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids),
                     "token_type_ids": np.asarray([encoded.type_ids], dtype=np.int64)}
            out.append(float(self.session.run(None, feeds)[0].reshape(-1)[0]))
        return out


@functools.lru_cache(maxsize=2)
def load_verifier(folder: str | None = None) -> Verifier | None:
    """The shipped verifier, or None when there is none."""
    from ..settings import bundled_model_path

    path = Path(folder or MODEL_DIR) / VERIFIER_FILE
    if not path.exists():
        return None
    return Verifier(runnable(path, bundled_model_path()), bundled_model_path())


def export_verifier(model, folder: Path, probes: list[tuple[str, str]]) -> Path:
    """Store a trained cross-encoder (a `Scorer` module of train/verifier.py) as the verifier,
    check the shipped file against torch on `probes` and pin its outputs."""
    import torch

    from ..settings import bundled_model_path
    from .shipped import restored

    model.eval()
    target = store(model.encoder, folder / VERIFIER_FILE, wrapper=model)
    verifier = Verifier(restored(target, bundled_model_path()), bundled_model_path())
    got = [verifier(q, [t])[0] for q, t in probes]
    with torch.no_grad():
        reference = [float(model.score([q], [t])[0]) for q, t in probes]
    difference = float(np.abs(np.asarray(got) - np.asarray(reference)).max())
    if difference > 0.05:
        raise ValueError(f"the exported verifier disagrees with torch ({difference:.4f})")
    (folder / "verifier-reference.json").write_text(json.dumps(
        {"pairs": [list(p) for p in probes], "logits": [round(v, 6) for v in got],
         "largest_difference_to_torch": round(difference, 6)}) + "\n", encoding="utf-8")
    load_verifier.cache_clear()
    return target
