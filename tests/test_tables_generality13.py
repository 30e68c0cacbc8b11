"""The linker's mechanisms of round 34, each on a small corpus of its own:

- "Which queues have a maximum walltime of less than a day?": "a maximum walltime" names the
  column "Max walltime", whose bound is the condition; no row with the largest walltime;
- "Adding up the job limits of the wide and bulk queues, how many jobs is that?": the words
  of adding make a "how many" the sum of the two rows named, lower-case names too;
- "Leaving Orca aside, how much storage do Pike and Wren provide together?": what a clause
  before the question sets aside is not one of the rows added or compared;
- "Which has more storage, Pike or Wren, and how many times as much?": a multiple is the
  larger figure over the smaller, whichever the question names first."""

from __future__ import annotations

import pytest
from conftest import assistant_over, cites_every_row, row_names

QUEUES_MD = """# Queues

| Name     | Max walltime | Max jobs          | Max resources/job |
| -------- | ------------ | ----------------- | ----------------- |
| wide     | 2 days       | 120 (100 running) | 512 nodes         |
| bench    | 6 hours      | 2 (1 running)     | All nodes         |
| quick    | 1 hour       | 3 (1 running)     | 8 nodes           |
| bulk     | 3 days       | 200 (150 running) | 64 nodes          |
"""

SITES_CSV = ("component,storage\n"
             "Orca,more than 100 PB\n"
             "Pike,10 PB\n"
             "Wren,50 PB\n")


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return assistant_over(tmp_path_factory, "generality13", {"queues.md": QUEUES_MD,
                                                               "sites.csv": SITES_CSV})


@pytest.mark.parametrize("question", [
    "Which queues have a maximum walltime of less than a day?",
    "Which queues have a max walltime under a day?",
])
def test_a_maximum_with_a_bound_names_the_column(qa, question):
    answer = qa.ask(question)
    assert answer.mode == "computed" and answer.status == "answered"
    assert answer.computation["aggregate"] == "list"
    assert row_names(answer) == {"bench", "quick"}
    cites_every_row(qa, answer)


def test_the_maximum_is_still_a_superlative(qa):
    answer = qa.ask("Which queue has the maximum walltime?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "max"
    assert row_names(answer) == {"bulk"}


@pytest.mark.parametrize("question", [
    "Adding up the job limits of the wide and bulk queues, how many jobs is that?",
    "If I add up the max jobs of wide and bulk, how many jobs is that?",
])
def test_adding_up_two_named_rows_is_a_sum(qa, question):
    answer = qa.ask(question)
    assert answer.mode == "computed" and answer.status == "answered"
    assert answer.computation["aggregate"] == "sum"
    assert row_names(answer) == {"wide", "bulk"}
    assert "320" in answer.text
    cites_every_row(qa, answer)


@pytest.mark.parametrize("question", [
    "Leaving Orca aside, how much storage do Pike and Wren provide together?",
    "Apart from Orca, how much storage do Pike and Wren have combined?",
])
def test_what_a_leading_clause_sets_aside_is_not_an_item(qa, question):
    answer = qa.ask(question)
    assert answer.mode == "computed" and answer.status == "answered"
    assert answer.computation["aggregate"] == "sum"
    assert row_names(answer) == {"Pike", "Wren"}
    assert "60 PB" in answer.text
    cites_every_row(qa, answer)


@pytest.mark.parametrize("question", [
    "Which has more storage, Pike or Wren, and how many times as much?",
    "How many times more storage does Wren have than Pike?",
])
def test_a_multiple_is_the_larger_over_the_smaller(qa, question):
    answer = qa.ask(question)
    assert answer.mode == "computed" and answer.status == "answered"
    assert answer.computation["aggregate"] == "ratio"
    assert "50 PB ÷ 10 PB = 5: Wren has 5 times" in answer.text
    assert answer.short.text == "5 times"
