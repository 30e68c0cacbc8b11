"""The linker's mechanisms of issue 15's fifth round: the kinds of row a table's title joins
("supercomputers (operational & incoming)") read as conditions where cells hold them, and the
two rows of a comparison named by a column their cells leave missing ("the nodes without
GPUs"). Built on small corpora of their own."""

from __future__ import annotations

import pytest
from conftest import assistant_over, cites_every_row, row_names

from briefqa.tables.asked import asked
from briefqa.tables.cellfigures import figure_asked
from briefqa.tables.linker import Linker

SYSTEMS_MD = """# Machines

## Research machines (running & planned)

| Machine | Site | Class |
| --- | --- | --- |
| Orion | Kajaani | Petascale |
| Lyra | Bologna | Exascale (planned) |
| Vela | Madrid | Petascale |
| Hydra | Warsaw | Planned |
| Cetus | Prague | Exascale |
"""

AREAS_MD = """# Storage

## Storage areas

| | Path | Disk |
| --- | --- | --- |
| User home | /users | DISK-A |
| Project scratch | /scratch | DISK-A |
| Project flash | /flash | FLASH-B |

| | Quota | Retention |
| --- | --- | --- |
| User home | 20 GB | User lifetime |
| Project scratch | 50 TB | 90 days |
| Project fast | 2 TB | 30 days |
"""

TIERS_MD = """# Access

## Access tiers (startups)

| Tier | GPU hours | Audience |
| --- | --- | --- |
| Trial | Entry-level | First tests |
| Express | Up to 20,000 GPU hours | Small teams |
| Grand | > 20,000 GPU hours | Large models; 3–12 month allocations |
"""

HUBS_CSV = ("name,country,base_system\n"
            "North Hub,Finland,Orion\n"
            "South Hub,Spain,Vela\n"
            "East Hub,Poland,unknown\n")

MACHINES_CSV = ("name,country,system_class\n"
                "Orion,Finland,pre-exascale\n"
                "Vela,Spain,petascale\n"
                "Cetus,Czechia,petascale\n")

INFRA_CSV = ("component,notes\n"
             "Kappa,\"Kappa reaches 40 PFlops double precision and 400 PFlops mixed-precision.\"\n"
             "Sigma,Sigma reaches 120 petaflops.\n")

DESK_MD = """# Service desk

The service desk is open every weekday:

|       | CET     | UTC     |
|-------|---------|---------|
| Start | 9:00 AM | 8:00 AM |
| End   | 5:30 PM | 4:30 PM |
"""

OPTIONS_MD = """# Batch jobs

## Options

### Request GPUs

| Option | Description |
| --- | --- |
| `--gpus` | Set the total number of GPUs |
| `--gpus-per-node` | Set the number of GPUs per node |

### Request memory

| Option | Description |
| --- | --- |
| `--mem` | Set the memory per node |
| `--mem-per-gpu` | Set the memory per allocated GPU |
"""

QUEUES_MD = """# Queues

## Queues by hardware

| Queue | Hardware | Max walltime |
| --- | --- | --- |
| viz | VIS-A | 4 hours |
| bigmem | VIS-A | 1 day |
| main | CPU-B | 2 days |
"""

VIS_MD = """# Visualisation Nodes - VIS-A

## Nodes

| Nodes | Memory |
| --- | --- |
| 4 | 2 TiB |
"""

NODES_MD = """# Analytics nodes

## Node types

| Nodes | Memory | GPUs | Disk |
| --- | --- | --- | --- |
| 6 | 4 TiB | none | 20 TB SSD |
| 4 | 1 TiB | 4x Model-X, 24 GB each | 8 TB SSD |
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return assistant_over(tmp_path_factory, "generality4", {
        "systems.md": SYSTEMS_MD,
        "nodes.md": NODES_MD,
        "queues.md": QUEUES_MD,
        "vis.md": VIS_MD,
        "areas.md": AREAS_MD,
        "tiers.md": TIERS_MD,
        "hubs.csv": HUBS_CSV,
        "supercomputers.csv": MACHINES_CSV,
        "infra.csv": INFRA_CSV,
        "desk.md": DESK_MD,
        "options.md": OPTIONS_MD,
    })


def test_a_kind_of_row_the_title_names_is_a_condition_where_cells_hold_it(qa):
    answer = qa.ask("How many research machines are still planned?")
    assert answer.mode == "computed" and answer.short.text == "2"
    assert row_names(answer) == {"Lyra", "Hydra"}
    cites_every_row(qa, answer)
    # "not running yet": the kind the title sets against "running"
    answer = qa.ask("Which research machines are not running yet but planned?")
    assert answer.mode == "computed" and row_names(answer) == {"Lyra", "Hydra"}


def test_a_kind_of_row_counted_in_or_named_with_its_opposite_restricts_nothing(qa):
    linker = Linker(qa.index.tables)
    for question in ("Counting running and planned ones together, how many research "
                     "machines are there?",
                     "Which research machines are exascale-class, counting planned ones?"):
        plan = linker.link(question).plans[0]
        assert not any(f.value == "Planned" or "Planned" in str(f.value)
                       for f in plan.filters), question
    answer = qa.ask("Which research machines are exascale-class, counting planned ones?")
    assert row_names(answer) == {"Lyra", "Cetus"}


def test_two_rows_told_apart_by_a_missing_cell_are_compared(qa):
    answer = qa.ask("Which nodes have more memory: the ones with Model-X GPUs or the ones "
                    "without GPUs?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "compare"
    assert answer.short.text == "4 TiB"
    assert "the row with no GPUs (“none”) has the larger Memory" in answer.text
    cites_every_row(qa, answer)
    # named plainly on one side, missing on the other: those that give a cell
    answer = qa.ask("Do the GPU nodes or the nodes without GPUs have more disk?")
    assert answer.mode == "computed" and answer.short.text == "20 TB"
    cites_every_row(qa, answer)


def test_a_missing_cell_names_no_row_when_several_rows_miss_it(qa, tmp_path_factory):
    many = assistant_over(tmp_path_factory, "generality4b", {"nodes.md": NODES_MD.replace(
        "| 4 | 1 TiB | 4x Model-X, 24 GB each | 8 TB SSD |",
        "| 4 | 1 TiB | 4x Model-X, 24 GB each | 8 TB SSD |\n| 2 | 2 TiB | none | 4 TB SSD |")})
    answer = many.ask("Which nodes have more memory: the ones with Model-X GPUs or the ones "
                      "without GPUs?")
    assert not (answer.mode == "computed" and answer.status == "answered")


def test_a_name_said_with_the_words_the_documents_describe_it_by_is_the_name(qa):
    # "Visualisation Nodes - VIS-A" (a page's title) says what VIS-A is
    linker = Linker(qa.index.tables)
    plan = linker.link("Which queues put me on the VIS-A visualisation nodes?").plans[0]
    assert plan.unexplained == () and plan.accounted == 1.0
    answer = qa.ask("Which queues put me on the VIS-A visualisation nodes?")
    assert answer.mode == "computed" and row_names(answer) == {"viz", "bigmem"}
    cites_every_row(qa, answer)
    # words the documents do not describe it by are still unexplained
    plan = linker.link("Which queues put me on the VIS-A liquid-cooled nodes?").plans[0]
    assert plan.unexplained


def test_a_row_two_tables_of_a_section_name_differently_is_one_row(qa):
    # the first table says "Project flash", the second "Project fast", beside the same rows
    answer = qa.ask("Which keeps files longer, project scratch or project flash?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "compare"
    assert row_names(answer) == {"Project scratch", "Project fast"}
    assert answer.short.text == "90 days"
    assert "“project flash” is read as the row “Project fast”." in answer.notes
    cites_every_row(qa, answer)
    # a name no sibling table has is no alias
    assert not Linker(qa.index.tables).link(
        "Which keeps files longer, project scratch or project archive?").plans


def test_the_largest_and_how_many_have_that_much_is_the_winning_row(qa):
    # the count asked is the row's own (its Nodes cell), not a count of rows
    for question in ("What's the most memory a node can have, and how many nodes have that "
                     "much?",
                     "How many nodes have the largest memory, and how much is it?",
                     "What is the largest memory a node has, and how many such nodes are "
                     "there?"):
        answer = qa.ask(question)
        assert answer.mode == "computed" and answer.computation["aggregate"] == "max", question
        assert answer.short.text == "4 TiB" and "Nodes: 6" in answer.text, question
        cites_every_row(qa, answer)
    # a count whose superlative is no follow-up of the largest stays a count
    assert asked("How many of the largest machines are in Finland?").intent == \
        "count"


def test_between_two_named_things_then_a_comparison_is_a_comparison(qa):
    answer = qa.ask("Between Orion and Vela, which machine is in a site further south?")
    assert answer.computation is None or answer.computation.get("aggregate") != "count"
    answer = qa.ask("Between user home and project scratch, which one has the larger quota?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "compare"
    assert answer.short.text == "50 TB"
    cites_every_row(qa, answer)


def test_a_bound_beyond_a_figure_outranks_it(qa):
    # "GPU hours" names the column of count:gpu-hour figures (not the months of Audience),
    # and "> 20,000" is more than "Up to 20,000"
    answer = qa.ask("Which access tier offers the most GPU hours?")
    assert answer.mode == "computed" and row_names(answer) == {"Grand"}
    assert answer.computation["filters"] == []
    cites_every_row(qa, answer)
    answer = qa.ask("Which tier gives fewer GPU hours, Express or Grand?")
    assert answer.computation["aggregate"] == "compare"
    assert "Express has the smaller GPU hours" in answer.text


def test_a_machine_that_another_table_lists_as_a_kind_is_a_join(qa):
    # "a machine that the supercomputers CSV lists as petascale": the other table's rows
    question = "Which hubs in the hubs CSV run on a machine that the supercomputers CSV " \
        "lists as petascale?"
    plan = Linker(qa.index.tables).link(question).plans[0]
    assert plan.joins and plan.joins[0].filters
    answer = qa.ask(question)
    assert answer.mode == "computed" and row_names(answer) == {"South Hub"}
    cites_every_row(qa, answer)


def test_the_figure_of_a_cell_the_question_names_is_compared():
    cell = "65 PFlops double precision and 650 PFlops mixed-precision HPL-MXP"
    picked = figure_asked(cell, "flop/s", "LISA's mixed-precision petaflops or Leonardo's?")
    assert picked is not None and picked.text == "650 PFlops"
    assert figure_asked(cell, "flop/s", "LISA's petaflops or Leonardo's?") is None  # the first
    assert figure_asked("250 petaflops", "flop/s", "mixed-precision?") is None  # one figure


def test_a_comparison_takes_the_figure_the_question_names_in_a_cell_of_two(qa):
    answer = qa.ask("In the infra CSV, which is bigger: Kappa's mixed-precision petaflops or "
                    "Sigma's petaflops?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "compare"
    assert answer.short.text == "400 PFlops" and "Kappa has the larger" in answer.text
    cites_every_row(qa, answer)


def test_a_word_for_another_kind_of_measure_holds_the_plan_back(qa):
    # "euros" is a measure no column of the queues gives; "hour" alone named the walltime
    question = "Which queue is the cheapest per hour in euros?"
    plan = Linker(qa.index.tables).link(question).plans[0]
    assert plan.measure[0].name == "Max walltime" and "euro" in plan.unaccounted
    answer = qa.ask(question)
    assert not (answer.mode == "computed" and answer.status == "answered")


def test_how_much_one_has_above_another_is_a_difference():
    assert asked("How many petaflops does Leonardo have above LISA?").intent == "difference"
    assert asked("How many partitions have a walltime above 2 days?").intent == "count"


def test_the_column_that_names_the_rows_compared_is_not_the_one_compared(qa):
    # the GPUs column tells the rows apart ("without GPUs"); "RAM" names no column by name,
    # and Memory and Disk both hold sizes: no winner is made up from the GPUs cells
    answer = qa.ask("Which nodes have more RAM: the ones with Model-X GPUs or the ones "
                    "without GPUs?")
    assert not (answer.mode == "computed" and answer.status == "answered" and
                "GPUs in" in answer.text)


def test_hours_a_day_run_from_the_start_row_to_the_end_row(qa):
    for question in ("How many hours a day is the service desk open?",
                     "How long is the service desk staffed each day?"):
        answer = qa.ask(question)
        assert answer.mode == "computed" and answer.computation["aggregate"] == "difference"
        assert answer.short.text == "8.5 hours", question
        assert "from Start to End" in answer.text
        cites_every_row(qa, answer)
    assert asked("How many hours of walltime does the small queue allow?").intent != \
        "difference"


def test_a_table_of_a_family_the_question_negates_is_left_out(qa):
    # "(not GPU memory)": not the memory options, nor every option but those saying "GPU"
    answer = qa.ask("How many batch options are there for requesting GPUs (not GPU memory)?")
    if answer.mode == "computed" and answer.status == "answered":
        assert row_names(answer) <= {"`--gpus`", "`--gpus-per-node`"}, answer.text
