"""The linker's mechanisms of round 31, each on a small corpus of its own:

- "how many CPU cores per node can a job use?": so many of one thing for each of another is a
  figure a row states, never a count of rows (a table titled "Request CPU cores" whose rows
  are options is not a list of cores, and its rows are counted as options);
- "how many different countries host at least one hub?": how many distinct values of a
  column ("different" sets no condition comparing two columns, "at least one hub" no bound
  of its own);
- "which country got the most hubs?": counted by country ("got", "received", "won" as
  "has");
- "which part of the hubs network isn't located in Chile?": the rows of the table, whatever
  they are called ("part", not "as part of"), and "isn't" a negation, no word left unsaid;
- the answer step's check of one table row it would assert: a row that holds what the
  question sets aside ("isn't located in Chile", "other than Chile") is no answer
  (`tables.rowanswer.holds_what_is_set_aside`);
- "a retention period counted in days rather than tied to a lifetime": the words after
  "rather than" say what the column's other cells hold, the rows the condition sets aside;
- "roughly how many petaflops bigger is Orca than Pike, going by the approximate figures?": a
  difference (so much of a measure more), and "approximate figures" name no column;
- "which of the disk storage areas (not object storage) has the largest quota?": the table
  of the disk areas, though it has no row to set aside (object storage is a row of another
  table), not the object storage table with its one row set aside;
- the answer step's check of one row for "how many X": a row that names X but gives no number
  of it ("interactive CPU/GPU nodes and 10 PB storage" for how many GPU nodes) is no answer."""

from __future__ import annotations

import pytest
from conftest import assistant_over, cites_every_row, row_names

JOBS_MD = """# Batch jobs

## Request CPU cores

A job asks for cores with the options below.

| Option            | Description                       |
| ----------------- | --------------------------------- |
| --cpus-per-task   | Set the number of cores per task  |
| --ntasks-per-node | Set the number of tasks per node  |

"""

HUBS_CSV = ("hub,country,host_country,lead\n"
            "Aster,Norway,Norway,Nordic Grid\n"
            "Birch,Norway,Sweden,unknown\n"
            "Cedar,Chile,Chile,Andes Lab\n"
            "Dahlia,Chile,Chile,unknown\n"
            "Fern,Estonia,Estonia,Baltic Compute\n"
            "Gorse,Chile,Chile,unknown\n")

GRID_CSV = ("component,location,role\n"
            "Alpha,\"Tecnopolo, Bologna\",Flagship system\n"
            "Beta,Naples,AI system\n"
            "Gamma,\"Tecnopolo, Bologna\",Storage\n")

STORAGE_MD = """# Storage

## Disk storage areas of the cluster

|               | Quota  | Retention        |
| ------------- | ------ | ---------------- |
| User home     | 10 GB  | User lifetime    |
| Project work  | 100 GB | Project lifetime |
| Project temp  | 20 TB  | 90 days          |
| Project flash | 1 TB   | 30 days          |

## Object storage

|                | Quota  | Retention        |
| -------------- | ------ | ---------------- |
| Object storage | 150 TB | Project lifetime |
"""

MACHINES_MD = """# Machines of the network

| Machine | Site    | Class                  |
| ------- | ------- | ---------------------- |
| Orca    | Bergen  | Flagship (~1 EF)       |
| Pike    | Turku   | Regional (~120 PF)     |
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return assistant_over(tmp_path_factory, "generality10",
                          {"jobs.md": JOBS_MD, "hubs.csv": HUBS_CSV,
                           "grid_infrastructure.csv": GRID_CSV, "storage.md": STORAGE_MD,
                           "machines.md": MACHINES_MD})


def test_so_many_per_unit_is_not_a_count_of_rows(qa):
    answer = qa.ask("How many CPU cores per node can a job use?")
    assert answer.mode != "computed"  # not "2 cores in 'Request CPU cores'"
    answer = qa.ask("How many CPU cores can I request?")
    assert answer.mode != "computed"
    answer = qa.ask("How many options are there to request CPU cores?")
    assert answer.mode == "computed" and answer.short.text == "2"
    assert answer.text.startswith("Computed: 2 options in ‘Request CPU cores’")
    assert row_names(answer) == {"--cpus-per-task", "--ntasks-per-node"}


def test_how_many_different_values(qa):
    answer = qa.ask("In the hubs dataset, how many different countries host at least one hub?")
    assert answer.mode == "computed" and answer.short.text == "3"
    assert answer.computation["aggregate"] == "count_by"
    assert answer.computation["filters"] == []  # not "country differs from host_country"
    assert row_names(answer) == {"Aster", "Birch", "Cedar", "Dahlia", "Fern", "Gorse"}
    cites_every_row(qa, answer)


def test_which_country_got_the_most(qa):
    answer = qa.ask("Which country got the most hubs?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "count_by"
    assert answer.short.text == "Chile"
    assert row_names(answer) == {"Cedar", "Dahlia", "Gorse"}
    cites_every_row(qa, answer)


def test_which_part_of_and_a_negation_said_short(qa):
    answer = qa.ask("Which part of the grid infrastructure isn't located in Bologna?")
    assert answer.mode == "computed" and row_names(answer) == {"Beta"}
    assert answer.computation["filters"][0]["operator"] == "excludes"
    answer = qa.ask("Which hub isn't located in Chile or Norway?")
    assert answer.mode == "computed" and row_names(answer) == {"Fern"}
    cites_every_row(qa, answer)


def test_a_row_that_holds_what_the_question_sets_aside_is_no_answer(qa):
    from briefqa.tables.rowanswer import holds_what_is_set_aside

    row = [("hub", "Dahlia"), ("country", "Chile"), ("lead", "unknown")]
    for question in ("Which hub isn't located in Chile?", "Which hub is outside Chile?",
                     "Which hubs other than the Chile ones have a lead?",
                     "Which hub is not based in Norway or Chile?"):
        assert holds_what_is_set_aside(question, row) == "Chile", question
    for question in ("Which hub is located in Chile?", "Which hub isn't located in Norway?",
                     "Which hubs are not in the queue?"):
        assert holds_what_is_set_aside(question, row) is None, question
    answer = qa.ask("Which hub isn't located in Chile?")  # computed: no Chilean hub
    assert answer.mode == "computed" and row_names(answer) == {"Aster", "Birch", "Fern"}


def test_rather_than_what_the_other_cells_hold(qa):
    answer = qa.ask("Which disk storage areas have a retention period counted in days rather "
                    "than tied to a lifetime?")
    assert answer.mode == "computed"
    assert row_names(answer) == {"Project temp", "Project flash"}
    cites_every_row(qa, answer)


def test_how_many_of_a_measure_bigger_is_a_difference(qa):
    for question in ("Roughly how many petaflops bigger is Orca than Pike, going by the "
                     "approximate figures in the machines table?",
                     "How many petaflops more does Orca have than Pike?"):
        answer = qa.ask(question)
        assert answer.mode == "computed" and answer.computation["aggregate"] == "difference"
        assert answer.short.text == "880 PF", question
        assert row_names(answer) == {"Orca", "Pike"}
        cites_every_row(qa, answer)


def test_a_row_that_names_what_is_counted_without_a_number_of_it():
    from briefqa.tables.rowanswer import counts_another_thing

    notes = [("component", "Gaia"), ("notes", "interactive CPU/GPU nodes and 10 PB storage")]
    assert counts_another_thing("How many GPU nodes does Gaia provide?", notes) == "GPU nodes"
    counted = [("component", "Naples"), ("notes", "lists 340 GPUs and 28000 HPC cores")]
    assert counts_another_thing("How many GPUs does Naples have?", counted) is None
    column = [("Nodes", "1888"), ("Memory", "256 GiB")]
    assert counts_another_thing("How many nodes have 256 GiB of memory?", column) is None


def test_not_what_another_table_holds(qa):
    answer = qa.ask("Which of the disk storage areas (not object storage) has the largest "
                    "quota?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "max"
    assert row_names(answer) == {"Project temp"}  # 20 TB, not object storage's 150 TB
    cites_every_row(qa, answer)
