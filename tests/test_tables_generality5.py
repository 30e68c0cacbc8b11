"""The linker's mechanisms of round 26: "the most common" is the value most rows hold (or, in
a table of kinds with a column of how many of each, the kind with the most), never the
largest value; a measure of another kind than the one asked ("the most power" of a column of
node counts) is no plan. Built on a small corpus of its own."""

from __future__ import annotations

import pytest
from conftest import assistant_over, cites_every_row, row_names

from briefqa.tables.asked import asked
from briefqa.tables.linker import Linker

ROBOTS_CSV = ("name,maker,class,arms\n"
              "Atlas,Acme,industrial,2\n"
              "Brio,Acme,service,1\n"
              "Cobo,Zenit,industrial,4\n"
              "Dart,Zenit,industrial,2\n"
              "Echo,Orbis,service,1\n")

NODES_MD = """# Cluster nodes

## Compute nodes - Kestrel

| Nodes | Cores | Memory |
| --- | --- | --- |
| 640 | 64 | 256 GiB |
| 96 | 64 | 512 GiB |
| 12 | 128 | 2048 GiB |
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return assistant_over(tmp_path_factory, "generality5",
                          {"robots.csv": ROBOTS_CSV, "nodes.md": NODES_MD})


def test_the_most_common_value_is_the_one_most_rows_hold(qa):
    assert asked("What is the most common robot class?").intent == "count_by"
    answer = qa.ask("What's the most common class among the robots, and how many robots "
                    "have it?")
    assert answer.mode == "computed"
    assert "industrial" in answer.text and row_names(answer) == {"Atlas", "Cobo", "Dart"}
    cites_every_row(qa, answer)
    for question in ("Which class is the most common among the robots?",
                     "What is the most common robot class?"):
        answer = qa.ask(question)
        assert answer.mode == "computed" and "“industrial” (3 rows)" in answer.text, question
    answer = qa.ask("What's the most common maker of robots?")  # a tie: both said
    assert "“Acme” and “Zenit” (2 each)" in answer.text


def test_the_most_common_kind_of_node_is_the_row_with_the_most_nodes(qa):
    answer = qa.ask("What is the most common node configuration in Kestrel?")
    assert answer.mode == "computed" and answer.short.text == "640"
    # a column of that row asked for ("the most common amount of memory"): not a plan of
    # the largest value, and no plan the answer could state wrongly
    linker = Linker(qa.index.tables)
    plans = linker.link("What's the most common amount of memory on a Kestrel node?").plans
    assert not any(p.aggregate == "max" and p.measure[0].name == "Memory" for p in plans)


def test_a_measure_of_another_kind_than_asked_is_no_plan(qa):
    linker = Linker(qa.index.tables)
    assert not linker.link("Which Kestrel node type draws the most power?").plans
    plan = linker.link("Which Kestrel node type has the most memory?").plans[0]
    assert plan.aggregate == "max" and plan.measure[0].name == "Memory"
