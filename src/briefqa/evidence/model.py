"""The evidence model: one logistic regression over the scorers' values, stored as readable
JSON (names, scaling, coefficients; no pickle), giving the probability that a candidate answers
its question; and its calibration, which turns the best candidate's evidence into the
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
    """Question level: P(the answer is right) = sigmoid(w . [best logit, margin] + b), where
    margin is the best candidate's logit less the runner-up's."""

    coef: tuple[float, float] = (1.0, 0.0)
    intercept: float = 0.0

    def probability(self, best_logit: float, margin: float) -> float:
        z = self.coef[0] * best_logit + self.coef[1] * margin + self.intercept
        return _sigmoid(z)


@dataclass(frozen=True)
class EvidenceModel:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    calibration: Calibration = field(default_factory=Calibration)
    record: dict = field(default_factory=dict)  # what it was trained on, and how it measured

    def logits(self, rows: list[dict[str, float]]) -> np.ndarray:
        """The log-odds that each candidate answers, from its scorers' values."""
        if not rows:
            return np.zeros(0)
        x = np.array([[row.get(name, 0.0) for name in self.features] for row in rows],
                     dtype=np.float64)
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def contributions(self, row: dict[str, float]) -> dict[str, float]:
        """How much each scorer moved one candidate's log-odds, for explanations."""
        x = np.array([row.get(name, 0.0) for name in self.features], dtype=np.float64)
        parts = (x - self.mean) / self.scale * self.coef
        return {name: float(v) for name, v in zip(self.features, parts)}

    def confidence(self, best_logit: float, margin: float) -> float:
        return self.calibration.probability(best_logit, margin)

    def to_dict(self) -> dict:
        return {"format": FORMAT, "version": 1, "features": list(self.features),
                "mean": _rounded(self.mean), "scale": _rounded(self.scale),
                "coef": _rounded(self.coef), "intercept": round(float(self.intercept), 6),
                "calibration": {"coef": [round(c, 6) for c in self.calibration.coef],
                                "intercept": round(self.calibration.intercept, 6)},
                "record": self.record}

    @classmethod
    def from_dict(cls, data: dict) -> EvidenceModel:
        if data.get("format") != FORMAT:
            raise ValueError("not an evidence model")
        n = len(data["features"])
        arrays = [np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "coef")]
        if any(a.shape != (n,) for a in arrays) or not np.all(arrays[1] > 0):
            raise ValueError("its arrays do not match its features")
        calibration = data.get("calibration") or {}
        return cls(tuple(data["features"]), *arrays, float(data["intercept"]),
                   Calibration(tuple(calibration.get("coef", (1.0, 0.0))),
                               float(calibration.get("intercept", 0.0))),
                   data.get("record", {}))

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
