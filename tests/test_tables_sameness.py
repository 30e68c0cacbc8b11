"""Conditions that compare two columns of one row (`tables/sameness.py`): "the same flag in
Python and in R", "a different default on Linux and on Windows". Built on a small corpus of
its own."""

from __future__ import annotations

import pytest
from conftest import assistant_over, cites_every_row, row_names

from briefqa.tables.linker import Linker
from briefqa.tables.sameness import DIFFERS, SAME, samenesses

OPTIONS_MD = """# Toolkit reference

## Option spellings

| Option | Python | R |
| --- | --- | --- |
| Verbose output | --verbose | --verbose |
| Seed | --seed | -s |
| Threads | --threads | --threads |
| Plotting | --plot | N/A |
| Quiet mode | -q | --quiet |
| Output file | N/A | N/A |

## Default values

| Setting | Linux | Windows |
| --- | --- | --- |
| Cache size | 2 GB | 2 GB |
| Temp folder | /tmp | C:\\Temp |
| Log level | info | warning |
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return assistant_over(tmp_path_factory, "sameness", {"toolkit.md": OPTIONS_MD})


def test_rows_whose_two_named_columns_say_the_same_are_kept(qa):
    answer = qa.ask("Which options are spelled exactly the same in Python and in R?")
    assert answer.mode == "computed"
    assert row_names(answer) == {"Verbose output", "Threads"}  # "N/A" twice is no flag
    assert "same as" in answer.text
    cites_every_row(qa, answer)
    answer = qa.ask("For how many options is the flag identical for Python and R?")
    assert answer.mode == "computed" and answer.short.text == "2"


def test_rows_whose_two_named_columns_differ_are_kept(qa):
    answer = qa.ask("Which settings have a different default on Linux and on Windows?")
    assert answer.mode == "computed"
    assert row_names(answer) == {"Temp folder", "Log level"}
    cites_every_row(qa, answer)


def test_the_same_said_of_one_column_compares_nothing():
    question = "Which options have the same Python flag as the Seed option?"
    # one column named near "the same": no pair of columns to compare
    assert samenesses(question, {1: (27, 33)}, key=0) == []
    pair = samenesses("options with the same flag in Python and R", {1: (31, 37), 2: (42, 43)})
    assert [(s.first, s.second, s.state) for s in pair] == [(1, 2, SAME)]
    assert samenesses("a different flag in Python and R", {1: (20, 26), 2: (31, 32)})[0].state \
        == DIFFERS
    # "at the same time" says when, not that two columns agree
    question = "Which option lets me set a Python flag and an R flag at the same time?"
    assert samenesses(question, {1: (27, 33), 2: (46, 47)}) == []


def test_a_question_without_sameness_is_planned_as_before(qa):
    plan = Linker(qa.index.tables).link("Which options have no R flag?").plans[0]
    assert not any(f.operator in (SAME, DIFFERS) for f in plan.filters)


def test_not_the_same_is_a_difference(qa):
    answer = qa.ask("Which settings are not the same on Linux and on Windows?")
    assert answer.mode == "computed"
    assert row_names(answer) == {"Temp folder", "Log level"}
