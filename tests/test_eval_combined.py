"""The suites asked of the brief and the map with the LUMI guide beside them (realistic, near
misses, LUMI how-to), run for real against the session's combined index and held as
tests/test_eval.py holds the others: verbatim citations at 100%, the counts a margin of MARGIN
questions from those measured (README, "Quality"). A file of their own, so that a second test
worker can run them beside the others."""

import pytest
from conftest import holds_its_measured_level

MARGIN = 2  # questions
# suite: (asserted right, asserted wrong, unanswerable not asserted, best answers right), as
# measured with the float ONNX encoder and the shipped evidence model at its threshold
MEASURED = {
    "realistic": (41, 7, 13, 57),
    "near-miss": (17, 6, 83, 19),
    "lumi-howto": (16, 9, 17, 35),
}


@pytest.mark.parametrize("name", list(MEASURED))
def test_fact_check_suite_holds_its_measured_level(combined, name):
    holds_its_measured_level(combined, name, MEASURED[name], MARGIN)
