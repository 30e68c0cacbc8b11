"""Train the evidence model: one logistic regression over the scorers' values of every
training question's candidates, labelled by the helpers' judgements; measured by leaving one
docset out at a time (documents the model never saw), then fitted on all of them.
"""

from __future__ import annotations

import collections
import datetime
import json

import numpy as np

from ..evidence.model import DEFAULT_PATH, Calibration, EvidenceModel, load_model
from . import candidates as candidate_store
from .judgements import labelled

SEED = 20261205
C = 0.5  # inverse L2 strength, chosen by leaving one docset out (README, "The evidence model")


def features(records: list[dict], names: list[str]) -> tuple[np.ndarray, np.ndarray, list]:
    """Rows of scorer values, labels (1 answers, 0 not; parts left out) and question ids."""
    rows, labels, groups = [], [], []
    for r in records:
        for c in r["candidates"]:
            if c["label"] == 0.5:
                continue
            rows.append([c["values"].get(n, 0.0) for n in names])
            labels.append(c["label"])
            groups.append(r["id"])
    return np.asarray(rows, dtype=np.float64), np.asarray(labels), groups


def fit(x: np.ndarray, y: np.ndarray, c: float = C):
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = LogisticRegression(C=c, max_iter=2000, random_state=SEED)
    model.fit((x - mean) / scale, y)
    return mean, scale, model.coef_[0], float(model.intercept_[0])


def question_metrics(records: list[dict], model: EvidenceModel) -> dict:
    """Top-1: share of answerable questions whose likeliest candidate answers (and the same
    for retrieval's first); AUROC of the best candidate's probability for "it answers"."""
    from sklearn.metrics import roc_auc_score

    top, first, scores, rights = [], [], [], []
    for r in records:
        cands = r["candidates"]
        if not cands:
            continue
        logits = model.logits([c["values"] for c in cands])
        best = int(np.argmax(logits))
        right = cands[best]["label"] == 1.0
        if not r["abstain"] and any(c["label"] == 1.0 for c in cands):
            top.append(right)
            first.append(cands[0]["label"] == 1.0)
        scores.append(float(logits[best]))
        rights.append(right)
    auroc = roc_auc_score(rights, scores) if len(set(rights)) > 1 else float("nan")
    return {"questions": len(records), "answer_in_candidates": len(top),
            "top1": round(float(np.mean(top)), 4) if top else None,
            "retrieval_top1": round(float(np.mean(first)), 4) if first else None,
            "auroc_best": round(float(auroc), 4)}


def with_reader(records: list[dict], scores: dict[str, list[float]]) -> list[dict]:
    """The reader's out-of-fold scores as the `reader` and `reader_gap` scorers' values (a
    question the reader has no scores for keeps 0, as when no reader is loaded)."""
    for r in records:
        found = scores.get(r["id"])
        if not found or len(found) != len(r["candidates"]):
            continue
        best = max(found)
        for c, score in zip(r["candidates"], found):
            c["values"]["reader"] = score
            c["values"]["reader_gap"] = score - best
    return records


def train(names: list[str] | None = None, c: float = C, save: bool = True,
          records: list[dict] | None = None) -> dict:
    """Leave-one-docset-out figures, then the model fitted on every docset (saved to
    models/evidence.json, keeping the calibration the file had)."""
    from ..evidence import SCORERS

    names = names or [s.name for s in SCORERS]
    if records is None:
        from .reader import load_out_of_fold

        records = with_reader(candidate_store.load(), load_out_of_fold())
    records = labelled(records)
    by_docset = collections.defaultdict(list)
    for r in records:
        by_docset[r["docset"]].append(r)
    held_out = {}
    for docset in sorted(by_docset):
        train_records = [r for d, rs in by_docset.items() if d != docset for r in rs]
        x, y, _ = features(train_records, names)
        mean, scale, coef, intercept = fit(x, y, c)
        model = EvidenceModel(tuple(names), mean, scale, coef, intercept)
        held_out[docset] = question_metrics(by_docset[docset], model)
    x, y, _ = features(records, names)
    mean, scale, coef, intercept = fit(x, y, c)
    previous = load_model() if DEFAULT_PATH.exists() else None
    record = {
        "trained": datetime.date.today().isoformat(), "seed": SEED, "C": c,
        "questions": {d: len(rs) for d, rs in sorted(by_docset.items())},
        "judged": sum(r["judged"] for r in records), "candidates": int(len(y)),
        "positives": int(y.sum()), "held_out_by_docset": held_out,
        "calibration": (previous.record.get("calibration", {}) if previous else {}),
    }
    model = EvidenceModel(tuple(names), mean, scale, coef, intercept,
                          previous.calibration if previous else Calibration(), record)
    # Reference rows and their log-odds, pinned by tests/test_evidence.py.
    rows = [{n: c["values"].get(n, 0.0) for n in names}
            for r in records[:3] for c in r["candidates"][:3]]
    record["reference"] = {"rows": rows,
                           "logits": [round(float(v), 12) for v in model.logits(rows)]}
    if save:
        model.save(DEFAULT_PATH)
        load_model.cache_clear()
    return {"model": str(DEFAULT_PATH), **record,
            "coefficients": {n: round(float(v), 3) for n, v in zip(names, coef)}}


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(train(), indent=1))
