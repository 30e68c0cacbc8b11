"""The linker's mechanisms of round 33, each on a small corpus of its own:

- "Leaving bench aside, which queue lets one job take the most nodes?": the name between
  "leaving" and "aside" is set aside, as after "leaving aside";
- "which queue has the tightest cap on the number of jobs I can submit?": a cap, limit or
  ceiling is of what follows it ("the number of jobs": the column "Max jobs"), not a column
  named "cap";
- "How many queues (both tables) let a job run a full day or more?": an aside about which
  tables are meant reads as if said without its brackets, and "a full day" ("an entire
  day") is a day;
- "How many factories don't have a known lead or host yet?": a value said not to be had is a
  value not given (blank, "unknown"), as "have no known lead" was."""

from __future__ import annotations

import pytest
from conftest import assistant_over, cites_every_row, row_names

QUEUES_MD = """# Queues

## Queues of whole nodes

| Name     | Max walltime | Max jobs          | Max resources/job |
| -------- | ------------ | ----------------- | ----------------- |
| wide     | 2 days       | 120 (100 running) | 512 nodes         |
| bench    | 6 hours      | n/a               | All nodes         |
| quick    | 1 hour       | 3 (1 running)     | 8 nodes           |
| bulk     | 3 days       | 200 (150 running) | 64 nodes          |

## Queues of part of a node

| Name     | Max walltime | Max jobs          | Max resources/job |
| -------- | ------------ | ----------------- | ----------------- |
| small    | 3 days       | 150 (100 running) | 4 nodes           |
| dev      | 30 minutes   | 5 (1 running)     | 2 nodes           |
"""


FACTORIES_CSV = ("name,country,lead_or_host\n"
                 "Orca AI,Norway,Polar Computing Centre\n"
                 "Pike AI,Finland,unknown\n"
                 "Wren AI,Estonia,unknown\n"
                 "Lynx AI,Latvia,Baltic HPC\n")


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return assistant_over(tmp_path_factory, "generality12", {"queues.md": QUEUES_MD,
                                                               "factories.csv": FACTORIES_CSV})


@pytest.mark.parametrize("question", [
    "Leaving bench aside, which queue lets one job take the most nodes?",
    "Setting the bench queue aside, which queue allows the most nodes per job?",
])
def test_a_name_set_aside_before_aside_is_excluded(qa, question):
    answer = qa.ask(question)
    assert answer.mode == "computed" and answer.status == "answered"
    assert answer.computation["aggregate"] == "max"
    assert "bench" not in row_names(answer)
    assert answer.short.text == "512 nodes" and "wide" in answer.text
    cites_every_row(qa, answer)


@pytest.mark.parametrize("question, winner", [
    ("Which queue has the tightest cap on the number of jobs I can submit?", "quick"),
    ("Which queue has the highest limit on the number of jobs?", "bulk"),
])
def test_a_cap_is_of_what_follows_it(qa, question, winner):
    answer = qa.ask(question)
    assert answer.mode == "computed" and answer.status == "answered"
    assert answer.computation["measure"] == "Max jobs"
    assert row_names(answer) == {winner}
    cites_every_row(qa, answer)


@pytest.mark.parametrize("question", [
    "How many queues (both tables) let a job run a full day or more?",
    "How many queues in both tables let a job run an entire day or more?",
])
def test_a_full_day_over_both_tables(qa, question):
    answer = qa.ask(question)
    assert answer.mode == "computed" and answer.status == "answered"
    assert answer.computation["aggregate"] == "count"
    assert row_names(answer) == {"wide", "bulk", "small"}
    assert answer.short.text.startswith("3")
    cites_every_row(qa, answer)


@pytest.mark.parametrize("question", [
    "How many factories don't have a known lead or host yet?",
    "How many of the factories do not have a lead or host?",
])
def test_a_value_said_not_to_be_had_is_not_given(qa, question):
    answer = qa.ask(question)
    assert answer.mode == "computed" and answer.status == "answered"
    assert answer.computation["aggregate"] == "count"
    assert row_names(answer) == {"Pike AI", "Wren AI"}
    assert answer.short.text.startswith("2")
    cites_every_row(qa, answer)
