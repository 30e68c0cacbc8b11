"""Matrix tables (tables/matrix.py): a table whose first column and header name the same
things, each cell a figure for a pair, read as cells: the largest between two different
ones or within one, two pairs compared or added, one pair looked up, a label named by its
definition's words. Built on a small corpus of its own (not LUMI's network page)."""

from __future__ import annotations

import pytest
from conftest import assistant_over

from briefqa.tables.execute import Executor
from briefqa.tables.matrix import find_cells, is_matrix

LINKS_MD = """# Campus network

## Link capacity between buildings

The table below gives the total link capacity between and within the buildings.

|        | ALPHA    | BETA     | GAMMA    | DELTA    |
|--------|----------|----------|----------|----------|
| ALPHA  | 40 Gb/s  | 10 Gb/s  | 25 Gb/s  | 5 Gb/s   |
| BETA   |          | 80 Gb/s  | 2 Gb/s   | 10 Gb/s  |
| GAMMA  |          |          |          | 1 Gb/s   |

The buildings in the table are

  - **ALPHA:** the library and its reading rooms
  - **BETA:** the physics laboratories
  - **GAMMA:** the student residences
  - **DELTA:** the sports hall
"""

ROOMS_MD = """# Rooms

## Rooms by building

| Room | Building | Seats |
| --- | --- | --- |
| A1 | ALPHA | 120 |
| B7 | BETA | 40 |
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return assistant_over(tmp_path_factory, "matrix", {"links.md": LINKS_MD,
                                                       "rooms.md": ROOMS_MD})


def cells(answer) -> list[tuple[str, str, str]]:
    return [(c["row"], c["column"], c["value"]) for c in answer.computation["cells"]]


def cited_whole(qa, answer) -> None:
    """Every cell's row is cited, the quote the document's own text holding the figure."""
    for cell in answer.computation["cells"]:
        citation = answer.citations[cell["citation"] - 1]
        assert qa.source_text(citation.source)[citation.start:citation.end] == citation.quote
        assert cell["value"] in citation.quote


def test_a_table_whose_rows_and_columns_name_the_same_things_is_a_matrix(qa):
    tables = {t.title: t for t in qa.index.tables.tables}
    assert is_matrix(tables["Link capacity between buildings"])
    assert not is_matrix(tables["Rooms by building"])


def test_the_largest_between_two_different_ones_leaves_the_diagonal_out(qa):
    answer = qa.ask("Between two different buildings, which link has the highest capacity?")
    assert answer.mode == "computed" and answer.status == "answered"
    assert cells(answer) == [("ALPHA", "GAMMA", "25 Gb/s")]  # not ALPHA's own 40, BETA's 80
    assert answer.short.text == "25 Gb/s"
    assert answer.computation["considered"] == 6
    cited_whole(qa, answer)
    answer = qa.ask("Between which two buildings is the link capacity the lowest?")
    assert cells(answer) == [("GAMMA", "DELTA", "1 Gb/s")]


def test_the_largest_within_one_takes_the_diagonal(qa):
    answer = qa.ask("Which building has the most link capacity within itself?")
    assert cells(answer) == [("BETA", "BETA", "80 Gb/s")]
    cited_whole(qa, answer)


def test_two_pairs_sharing_a_label_are_compared_and_added(qa):
    answer = qa.ask("From ALPHA, is the link capacity higher to GAMMA or to DELTA?")
    assert answer.computation["aggregate"] == "compare"
    assert cells(answer) == [("ALPHA", "GAMMA", "25 Gb/s"), ("ALPHA", "DELTA", "5 Gb/s")]
    assert answer.short.text == "25 Gb/s" and "between ALPHA and GAMMA is the larger" in \
        answer.text
    cited_whole(qa, answer)
    answer = qa.ask("What is the combined link capacity from ALPHA to BETA and DELTA?")
    assert answer.computation["aggregate"] == "sum" and answer.short.text == "15 Gb/s"
    assert len(answer.computation["rows"]) == 1  # both cells stand in ALPHA's row


def test_a_blank_half_is_the_other_half_read_the_other_way_round(qa):
    # DELTA's row is not in the table: its figures stand in the others' rows
    answer = qa.ask("Which has more link capacity to DELTA: BETA or GAMMA?")
    assert cells(answer) == [("DELTA", "BETA", "10 Gb/s"), ("DELTA", "GAMMA", "1 Gb/s")]
    assert answer.short.text == "10 Gb/s"


def test_one_pair_is_looked_up_and_a_label_named_by_its_definition(qa):
    answer = qa.ask("How much link capacity is there between the library and the sports "
                    "hall?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "cell"
    assert cells(answer) == [("ALPHA", "DELTA", "5 Gb/s")]
    cited_whole(qa, answer)


def test_questions_that_are_no_cells_of_the_matrix_are_not_read_as_such(qa):
    catalog = qa.index.tables
    executor = Executor(catalog)
    matrices = [t for t in catalog.tables if is_matrix(t)]
    assert matrices
    for question in ("How many seats does room A1 have?",  # not its measure
                     "Which building has the highest link capacity?",  # within or between?
                     "How many buildings have a link capacity above 5 Gb/s?",
                     "What is the link capacity between ALPHA and the car park?"):
        assert find_cells(question, matrices, executor,
                          lambda source: qa.index.documents[source].text) is None, question
