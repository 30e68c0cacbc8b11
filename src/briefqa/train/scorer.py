"""Train the evidence model from the judged candidates of every training question:

1. the candidate model: a logistic regression over the scorers' values, labelled by the
   helpers' judgements (answering 1, not 0; partly answering left out);
2. the question model: a logistic regression over the best candidate's values, its log-odds
   and its lead over the runner-up, labelled by whether that candidate answers (an
   unanswerable question's best candidate never does). Its inputs come from candidate models
   that never saw the question's docset, as they will be on new documents.

Both are measured by leaving one docset out at a time (documents the model never saw), then
fitted on all. The calibration (`calibrate.py`) is kept when the features are unchanged.
"""

from __future__ import annotations

import collections
import datetime
import json

import numpy as np

from ..errors import BriefqaError
from ..evidence.model import (
    BEST_LOGIT,
    DEFAULT_PATH,
    MARGIN,
    Calibration,
    EvidenceModel,
    Linear,
    load_model,
)
from . import candidates as candidate_store
from .judgements import labelled

VERIFIER_SCORERS = ("verified", "verifier", "verifier_gap")

SEED = 20261205
C = 0.5  # inverse L2 strength of both regressions


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


def fit(x: np.ndarray, y: np.ndarray, names: list[str], c: float = C) -> Linear:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = LogisticRegression(C=c, max_iter=5000, random_state=SEED)
    model.fit((x - mean) / scale, y)
    return Linear(tuple(names), mean, scale, model.coef_[0], float(model.intercept_[0]))


def best_rows(records: list[dict], candidate: Linear) -> list[dict]:
    """Each question's best candidate by the candidate model: its values, log-odds and lead,
    and whether it answers."""
    out = []
    for r in records:
        if not r["candidates"]:
            continue
        logits = candidate.logits([c["values"] for c in r["candidates"]])
        order = np.argsort(-logits)
        best = r["candidates"][order[0]]
        lead = logits[order[0]] - logits[order[1]] if len(order) > 1 else 5.0
        out.append({"values": {**best["values"], BEST_LOGIT: float(logits[order[0]]),
                               MARGIN: float(lead)},
                    "right": best["label"] == 1.0, "answerable": not r["abstain"],
                    "reachable": any(c["label"] == 1.0 for c in r["candidates"]),
                    "first_right": r["candidates"][0]["label"] == 1.0,
                    "docset": r["docset"]})
    return out


def coverage_at(scores: np.ndarray, right: np.ndarray, answerable: int,
                precision: float = 0.9, least: int = 30) -> float:
    """The share of answerable questions answered right by the most confident answers that are
    together at least `precision` precise."""
    order = np.argsort(-scores)
    hits = np.cumsum(right[order])
    counts = np.arange(1, len(order) + 1)
    good = np.nonzero((hits / counts >= precision) & (counts >= least))[0]
    return float(hits[good.max()] / max(1, answerable)) if len(good) else 0.0


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


def with_verifier(records: list[dict], scores: dict[str, dict], read: int) -> list[dict]:
    """The verifier's out-of-fold log-odds as the `verified`, `verifier` and `verifier_gap`
    scorers' values of the first `read` candidates it read (the likeliest by the model
    without it, as at run time); the rest keep 0."""
    for r in records:
        found = list((scores.get(r["id"]) or {}).items())[:read]
        if not found:
            continue
        best = max(v for _, v in found)
        for position, value in found:
            values = r["candidates"][int(position)]["values"]
            values.update(verified=1.0, verifier=value, verifier_gap=value - best)
    return records


def train(names: list[str] | None = None, c: float = C, save: bool = True,
          records: list[dict] | None = None, path=DEFAULT_PATH) -> dict:
    """Leave-one-docset-out figures, then both models fitted on every docset (saved to
    models/evidence.json, keeping its calibration when the features did not change)."""
    from sklearn.metrics import roc_auc_score

    from ..evidence import SCORERS

    names = names or [s.name for s in SCORERS]
    if records is None:
        from ..settings import AnswerSettings
        from .reader import load_out_of_fold
        from .verifier import load_out_of_fold as verifier_out_of_fold

        records = with_verifier(with_reader(candidate_store.load(), load_out_of_fold()),
                                verifier_out_of_fold(), AnswerSettings().verifier_candidates)
    records = labelled(records)
    by_docset = collections.defaultdict(list)
    for r in records:
        by_docset[r["docset"]].append(r)
    # Stage 1, out of fold: every question's best candidate as a model that never saw its
    # docset finds it.
    unseen: dict[str, list[dict]] = {}
    for docset in sorted(by_docset):
        x, y, _ = features([r for d, rs in by_docset.items() if d != docset for r in rs], names)
        unseen[docset] = best_rows(by_docset[docset], fit(x, y, names, c))
    question_names = [*names, BEST_LOGIT, MARGIN]
    held_out = {}
    for docset in sorted(by_docset):
        train_rows = [row for d, rows in unseen.items() if d != docset for row in rows]
        question = fit(np.array([[row["values"].get(n, 0.0) for n in question_names]
                                 for row in train_rows]),
                       np.array([row["right"] for row in train_rows]), question_names, c)
        rows = unseen[docset]
        z = question.logits([row["values"] for row in rows])
        right = np.array([row["right"] for row in rows])
        answerable = [row for row in rows if row["answerable"] and row["reachable"]]
        held_out[docset] = {
            "questions": len(rows),
            "top1": round(float(np.mean([row["right"] for row in answerable])), 4),
            "retrieval_top1": round(float(np.mean([row["first_right"] for row in answerable])),
                                    4),
            "auroc_answered": round(float(roc_auc_score(right, z)), 4)
            if len(set(right)) > 1 else None,
            "coverage_at_precision_0.9": round(coverage_at(
                z, right, sum(row["answerable"] for row in rows)), 4)}
    x, y, _ = features(records, names)
    candidate = fit(x, y, names, c)
    plain = [n for n in names if n not in VERIFIER_SCORERS]
    ranker = fit(features(records, plain)[0], y, plain, c) if plain != names else None
    all_rows = [row for rows in unseen.values() for row in rows]
    question = fit(np.array([[row["values"].get(n, 0.0) for n in question_names]
                             for row in all_rows]),
                   np.array([row["right"] for row in all_rows]), question_names, c)
    try:
        previous = load_model(str(path))
    except BriefqaError:  # none yet, or of an older format: calibrate anew
        previous = None
    keep = previous is not None and previous.candidate.features == candidate.features
    record = {
        "trained": datetime.date.today().isoformat(), "seed": SEED, "C": c,
        "questions": {d: len(rs) for d, rs in sorted(by_docset.items())},
        "judged": sum(r["judged"] for r in records), "candidates": int(len(y)),
        "positives": int(y.sum()), "held_out_by_docset": held_out,
        "calibration": previous.record.get("calibration", {}) if keep else {},
    }
    model = EvidenceModel(candidate, question,
                          previous.calibration if keep else Calibration(), record, ranker)
    # Reference rows and their log-odds, pinned by tests/test_evidence.py.
    rows = [{n: c["values"].get(n, 0.0) for n in names}
            for r in records[:3] for c in r["candidates"][:3]]
    stored = EvidenceModel.from_dict(model.to_dict())  # as read back: rounded as it is saved
    record["reference"] = {"rows": rows,
                           "logits": [round(float(v), 12) for v in stored.logits(rows)]}
    if save:
        model.save(path)
        load_model.cache_clear()
    return {"model": str(path), **{k: v for k, v in record.items() if k != "reference"},
            "coefficients": {n: round(float(v), 3) for n, v in zip(names, candidate.coef)},
            "question_coefficients": {n: round(float(v), 3)
                                      for n, v in zip(question_names, question.coef)}}


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(train(), indent=1))
