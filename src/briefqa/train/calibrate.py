"""Calibrate: turn the evidence model's question-level log-odds into the probability that the
answer is right, on the calibration
suites (evals/suites.json: questions the model was never trained on, each judged by its answer
patterns; an answer to an unanswerable question is wrong), and choose the confidence an answer
needs to be asserted: the lowest at which the asserted answers reach the target precision,
every suite weighing the same.
Each suite is also left out in turn (fitted on the others, measured on it): the honest figure.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime

import numpy as np

from ..evaluate import _matches, load_suite
from ..evidence.model import DEFAULT_PATH, Calibration, load_model
from ..suites import suites
from .candidates import WORK

TARGET_PRECISION = 0.9
MIN_ASSERTED = 20  # a threshold is not chosen on fewer asserted answers than this
C = 1.0


def observations(progress: bool = True, settings=None) -> list[dict]:
    """For every question of every calibration suite: the best candidate's log-odds and
    margin (of the weakest part, for a question with parts), whether the answer briefqa
    would assert at any confidence is right, and whether it can be asserted at all (no check
    of the answer step holds it back)."""
    rows = []
    for name, suite in suites("calibration").items():
        if not suite.available:
            continue
        qa = suite.assistant(WORK / "suites", settings)
        forced = qa.forced_answerer()
        cases = load_suite(suite.file)
        if progress:
            from tqdm import tqdm

            cases = tqdm(cases, desc=f"calibrating on {name}", unit="question", leave=False)
        for case in cases:
            answer = qa.ask(case.question, answerer=forced)
            weighed = [s.data for s in answer.trace if s.stage == "weigh" and s.data]
            if not weighed:
                continue
            weakest = min(weighed, key=lambda d: d["confidence"])
            right = case.answerable and answer.grounded and _matches(case, answer.text)
            # what a check of the answer step shows as passages whatever the confidence (a
            # figure of another thing, another document ...) is never asserted
            rows.append({"suite": name, "id": case.id, "z": weakest["question_logit"],
                         "right": bool(right), "answerable": case.answerable,
                         "assertable": bool(answer.grounded)})
    return rows


def assertable(rows: list[dict]) -> list[dict]:
    """The questions whose answer a high enough confidence asserts: the probability and the
    threshold are of those; the others are passages at any confidence."""
    return [r for r in rows if r.get("assertable", True)]


def fit(rows: list[dict]) -> Calibration:
    from sklearn.linear_model import LogisticRegression

    rows = assertable(rows)
    x = np.array([[r["z"]] for r in rows])
    y = np.array([r["right"] for r in rows])
    model = LogisticRegression(C=C, max_iter=1000).fit(x, y)
    return Calibration(float(model.coef_[0][0]), float(model.intercept_[0]))


def threshold(confidences: np.ndarray, right: np.ndarray,
              target: float = TARGET_PRECISION, weights: np.ndarray | None = None) -> float:
    """The lowest confidence at which the answers at or above it are at least `target`
    precise (over at least MIN_ASSERTED of them); above every confidence when none is.
    `weights` weigh each question (by default the same)."""
    weights = np.ones(len(confidences)) if weights is None else np.asarray(weights, float)
    order = np.argsort(-confidences)
    hits = np.cumsum((right * weights)[order])
    mass = np.cumsum(weights[order])
    counts = np.arange(1, len(order) + 1)
    precise = (hits / mass >= target) & (counts >= MIN_ASSERTED)
    if not precise.any():
        return float(confidences.max() + 1e-6) if len(confidences) else 1.0
    last = int(np.nonzero(precise)[0].max())
    return float(confidences[order][last])


def suite_weights(rows: list[dict]) -> np.ndarray:
    """Each question weighs 1 / its suite's size, so that every suite counts the same: how
    many questions of one kind an author happened to write does not set the threshold."""
    sizes = collections.Counter(r["suite"] for r in rows)
    return np.array([1.0 / sizes[r["suite"]] for r in rows])


def measured(rows: list[dict], calibration: Calibration, cut: float) -> dict:
    confidences = np.array([calibration.probability(r["z"]) for r in rows])
    right = np.array([r["right"] for r in rows])
    asserted = (confidences >= cut) & np.array([r.get("assertable", True) for r in rows])
    answerable = max(1, sum(r["answerable"] for r in rows))
    unanswerable = [i for i, r in enumerate(rows) if not r["answerable"]]
    return {"questions": len(rows), "asserted": int(asserted.sum()),
            "precision": round(float(right[asserted].mean()), 4) if asserted.any() else None,
            "coverage": round(float((right & asserted).sum() / answerable), 4),
            "abstention": round(float(np.mean([not asserted[i] for i in unanswerable])), 4)
            if unanswerable else None}


def _cut(rows: list[dict], calibration: Calibration, target: float) -> float:
    """The threshold over the answers that can be asserted, every suite weighing the same."""
    kept = assertable(rows)
    confidences = np.array([calibration.probability(r["z"]) for r in kept])
    return threshold(confidences, np.array([r["right"] for r in kept]), target,
                     suite_weights(kept))


def calibrate(progress: bool = True, target: float = TARGET_PRECISION,
              path=DEFAULT_PATH) -> dict:
    """Fit the calibration and the threshold of the model at `path` (the shipped one by
    default) and write them into it."""
    from ..settings import Settings

    settings = Settings.from_env()
    settings = settings.with_(answer=dataclasses.replace(settings.answer,
                                                         model_path=str(path)))
    rows = observations(progress, settings)
    names = sorted({r["suite"] for r in rows})
    left_out = {}
    for name in names:
        others = [r for r in rows if r["suite"] != name]
        calibration = fit(others)
        cut = _cut(others, calibration, target)
        left_out[name] = {"threshold": round(cut, 4),
                          **measured([r for r in rows if r["suite"] == name], calibration, cut)}
    calibration = fit(rows)
    cut = _cut(rows, calibration, target)
    model = load_model(str(path))
    record = dict(model.record)
    record["calibration"] = {
        "calibrated": datetime.date.today().isoformat(), "suites": names,
        "target_precision": target, "suites_weigh_the_same": True,
        "answer_min_confidence": round(cut, 4),
        "all_suites": measured(rows, calibration, cut), "each_suite_left_out": left_out}
    updated = dataclasses.replace(model, calibration=calibration, record=record)
    updated.save(path)
    load_model.cache_clear()
    return record["calibration"]
