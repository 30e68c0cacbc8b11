"""The evidence model, stored as readable JSON (names, scaling, coefficients; no pickle): a
logistic regression over the scorers' values giving the log-odds that a candidate answers its
question; a second over the best candidate's values, its log-odds and its lead, giving the
log-odds that the question is answered; and a calibration that turns the latter into the
probability that the answer is right, as measured on questions the model was not trained on.

Trained by `briefqa train scorer` and calibrated by `briefqa train calibrate`; the file records
what it was trained and calibrated on, and the measured figures.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import BriefqaError

FORMAT = "briefqa-evidence-model"
DEFAULT_PATH = Path(__file__).resolve().parents[1] / "models" / "evidence.json"


@dataclass(frozen=True)
class Calibration:
    """P(the answer is right) = sigmoid(slope * z + intercept), z the question-level log-odds;
    fitted on suites the model was never trained on."""

    slope: float = 1.0
    intercept: float = 0.0

    def probability(self, z: float) -> float:
        return _sigmoid(self.slope * z + self.intercept)


@dataclass(frozen=True)
class Linear:
    """Standardised inputs, coefficients and an intercept: a logistic regression's log-odds."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def logits(self, rows: list[dict[str, float]]) -> np.ndarray:
        if not rows:
            return np.zeros(0)
        x = np.array([[row.get(name, 0.0) for name in self.features] for row in rows],
                     dtype=np.float64)
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def contributions(self, row: dict[str, float]) -> dict[str, float]:
        x = np.array([row.get(name, 0.0) for name in self.features], dtype=np.float64)
        parts = (x - self.mean) / self.scale * self.coef
        return {name: float(v) for name, v in zip(self.features, parts)}

    def to_dict(self) -> dict:
        return {"features": list(self.features), "mean": _rounded(self.mean),
                "scale": _rounded(self.scale), "coef": _rounded(self.coef),
                "intercept": round(float(self.intercept), 6)}

    @classmethod
    def from_dict(cls, data: dict) -> Linear:
        n = len(data["features"])
        arrays = [np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "coef")]
        if any(a.shape != (n,) for a in arrays) or not np.all(arrays[1] > 0):
            raise ValueError("its arrays do not match its features")
        return cls(tuple(data["features"]), *arrays, float(data["intercept"]))


# What the question-level model reads besides the best candidate's scorer values.
BEST_LOGIT, MARGIN = "best_logit", "margin"


@dataclass(frozen=True)
class EvidenceModel:
    """`candidate`: the log-odds that a candidate answers, from its scorers' values.
    `question`: the log-odds that the best candidate answers the question, from its values,
    its log-odds and its lead over the runner-up. `calibration`: that, as the probability that
    the answer briefqa gives is right."""

    candidate: Linear
    question: Linear | None = None
    calibration: Calibration = field(default_factory=Calibration)
    record: dict = field(default_factory=dict)  # what it was trained on, and how it measured
    # The candidate model without the verifier's scorers: which candidates it reads.
    ranker: Linear | None = None

    @property
    def features(self) -> tuple[str, ...]:
        return self.candidate.features

    def logits(self, rows: list[dict[str, float]]) -> np.ndarray:
        """The log-odds that each candidate answers, from its scorers' values."""
        return self.candidate.logits(rows)

    def contributions(self, row: dict[str, float]) -> dict[str, float]:
        """How much each scorer moved one candidate's log-odds, for explanations."""
        return self.candidate.contributions(row)

    def question_logit(self, best: dict[str, float], best_logit: float, margin: float) -> float:
        if self.question is None:
            return best_logit + margin
        row = {**best, BEST_LOGIT: best_logit, MARGIN: margin}
        return float(self.question.logits([row])[0])

    def confidence(self, z: float) -> float:
        return self.calibration.probability(z)

    def to_dict(self) -> dict:
        return {"format": FORMAT, "version": 2, "candidate": self.candidate.to_dict(),
                "ranker": self.ranker.to_dict() if self.ranker else None,
                "question": self.question.to_dict() if self.question else None,
                "calibration": {"slope": round(self.calibration.slope, 6),
                                "intercept": round(self.calibration.intercept, 6)},
                "record": self.record}

    @classmethod
    def from_dict(cls, data: dict) -> EvidenceModel:
        if data.get("format") != FORMAT or data.get("version") != 2:
            raise ValueError("not an evidence model of this version")
        calibration = data.get("calibration") or {}
        question = data.get("question")
        ranker = data.get("ranker")
        return cls(Linear.from_dict(data["candidate"]),
                   Linear.from_dict(question) if question else None,
                   Calibration(float(calibration.get("slope", 1.0)),
                               float(calibration.get("intercept", 0.0))),
                   data.get("record", {}), Linear.from_dict(ranker) if ranker else None)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")


def _rounded(array: np.ndarray) -> list[float]:
    return [round(float(v), 6) for v in array]


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(values, -40, 40)))


@functools.lru_cache(maxsize=4)
def load_model(path: str | None = None) -> EvidenceModel:
    """The shipped model (or another file); a damaged file is a BriefqaError naming it."""
    target = Path(path) if path else DEFAULT_PATH
    try:
        return EvidenceModel.from_dict(json.loads(target.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BriefqaError(f"the evidence model {target} cannot be read ({exc}); rebuild it "
                           f"with `briefqa train scorer`") from exc
