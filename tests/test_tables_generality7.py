"""The linker's mechanisms of round 28, each on a small corpus of its own:

- "how many countries have more than one hub" counts the groups that meet the bound (the
  answer is how many countries, each named with its rows); where no column groups the rows
  ("how many queues have more than 4 nodes"), the rows are counted with a condition, as
  before;
- "a known base system", "a base system filled in" ask for rows whose cell gives a value
  (whatever placeholder the others hold), and "but no known lead" for rows whose cell gives
  none: "no known" is a missing value, never a known one;
- "are high-confidence or medium-confidence entries more common?" compares how many rows hold
  each of two values of a column ("high-confidence": the cell said before its column's
  name)."""

from __future__ import annotations

import pytest
from conftest import assistant_over, cites_every_row, row_names

HUBS_CSV = ("hub,country,lead,base_system,confidence\n"
            "Aster,Norway,Nordic Grid,Borealis,high\n"
            "Birch,Norway,unknown,unknown,medium\n"
            "Cedar,Chile,Andes Lab,Dune,high\n"
            "Dahlia,Chile,unknown,Caldera,medium\n"
            "Elm,Chile,N/A,unknown,medium\n"
            "Fern,Estonia,Baltic Compute,Glade,high\n"
            "Gorse,Peru,unknown,unknown,medium\n")

QUEUES_MD = """# Queues of the cluster

| Queue   | Max nodes | Max walltime |
| ------- | --------- | ------------ |
| tiny    | 1         | 1 hour       |
| small   | 4         | 3 days       |
| medium  | 16        | 2 days       |
| large   | 128       | 1 day        |
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return assistant_over(tmp_path_factory, "generality7",
                          {"hubs.csv": HUBS_CSV, "queues.md": QUEUES_MD})


def test_how_many_groups_have_more_than_a_bound(qa):
    answer = qa.ask("In the hubs CSV, how many countries have more than one hub?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "count_by"
    assert answer.short.text == "2"
    assert "Norway (2)" in answer.text and "Chile (3)" in answer.text
    assert row_names(answer) == {"Aster", "Birch", "Cedar", "Dahlia", "Elm"}
    cites_every_row(qa, answer)
    answer = qa.ask("Which countries have more than one hub?")  # which: the countries
    assert answer.mode == "computed" and answer.short.text == "Chile, Norway"
    # no column groups queues by nodes: the queues counted, with a condition on a column
    answer = qa.ask("How many queues have more than 4 nodes?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "count"
    assert answer.short.text == "2" and row_names(answer) == {"medium", "large"}


def test_a_known_value_and_no_known_value(qa):
    for question in ("Which hub has a known base system but no known lead?",
                     "Which hub in the CSV has a base system filled in but no known lead?"):
        answer = qa.ask(question)
        assert answer.mode == "computed", question
        assert row_names(answer) == {"Dahlia"}, question  # "N/A" is no lead either
        cites_every_row(qa, answer)
    answer = qa.ask("Which hubs have a known lead and a known base system?")
    assert answer.mode == "computed"
    assert row_names(answer) == {"Aster", "Cedar", "Fern"}


def test_which_of_two_values_more_rows_hold(qa):
    for question in ("In the hubs spreadsheet, are high-confidence or medium-confidence "
                     "entries more common?",
                     "Are there more high confidence or medium confidence hubs in the CSV?"):
        answer = qa.ask(question)
        assert answer.mode == "computed", question
        assert answer.computation["aggregate"] == "count_by", question
        assert answer.short.text == "medium", question
        assert len(answer.computation["rows"]) == 7, question  # every row of both, cited
