"""The threshold is set over the answers that can be asserted: an answer a check of the answer
step shows as passages at any confidence (`assertable` False: a figure of another thing,
another document ...) neither lowers the precision measured at a threshold nor counts as
asserted; it counts as declined."""

from __future__ import annotations

from briefqa.evidence.model import Calibration
from briefqa.train.calibrate import _cut, measured


def _rows():
    rows = [{"suite": "a", "id": str(n), "z": 3.0, "right": True, "answerable": True,
             "assertable": True} for n in range(27)]
    rows += [{"suite": "a", "id": f"w{n}", "z": 3.0, "right": False, "answerable": False,
              "assertable": False} for n in range(10)]  # held back by a check
    rows += [{"suite": "a", "id": f"x{n}", "z": -3.0 - n, "right": False, "answerable": False,
              "assertable": True} for n in range(20)]
    return rows


def test_answers_held_back_by_a_check_are_not_asserted():
    rows, calibration = _rows(), Calibration(1.0, 0.0)
    cut = _cut(rows, calibration, 0.9)
    assert cut <= calibration.probability(3.0)  # the 27 right ones are asserted
    result = measured(rows, calibration, cut)
    assert result["precision"] >= 0.9 and 27 <= result["asserted"] <= 30
    assert result["abstention"] >= 27 / 30  # the ten held back are declined
    counted_as_asserted = [dict(r, assertable=True) for r in rows]
    assert measured(counted_as_asserted, calibration, cut)["precision"] < 0.75
    # counted as assertable, the held-back wrong ones would pull the measured precision below
    # the target at any threshold that asserts the right ones
    other = _cut(counted_as_asserted, calibration, 0.9)
    assert measured(counted_as_asserted, calibration, other)["precision"] < 0.9
