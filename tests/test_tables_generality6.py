"""The linker's mechanisms of round 27, each on a small corpus of its own:

- a cell that is a value with an aside ("Flagship (~120 PF)") is that value said whole
  ("flagship"), and its figure is what a unit alone asks for ("in PF", "petaflops");
- "which one quotes ...", "which is the most powerful" take what is compared from the
  question's scope ("Of the flagship machines"); "how many petaflops separate A from B" is a
  difference, said without the column's name ("120 PF more than", not "more Class");
- a title's kinds "(operational & incoming)": "aren't up and running yet", "have not come
  online" name the incoming rows, and "counting ones that haven't arrived" counts them in;
- a yes/no column named "Expandable" is what "raised", "increased", "a bigger quota" ask of,
  and a row a sibling table names otherwise ("Project temp" for "Project scratch") is named
  by its own word in a list of rows;
- a name cell giving two names ("`load`, `add`") is what "a shorter alias", "two different
  names" ask of; "which kind of storage" asks of the storage areas; "keeps files longer
  before purging" compares durations; "Brio's double-precision figure" is the figure of the
  cell that those words follow."""

from __future__ import annotations

import pytest
from conftest import assistant_over, cites_every_row, row_names

CLUSTERS_MD = """# The research compute network

## Clusters (operational & incoming)

| System | Country | Class | Notes |
| --- | --- | --- | --- |
| Borealis | Norway | Flagship (~120 PF) | GPU system |
| Caldera | Spain | Flagship (~45 PF) | CPU and GPU |
| Dune | Chile | Flagship | Figures not published |
| Ember | Poland | Regional (~8 PF) | Climate work |
| Fjord | Iceland | Regional (incoming) | Deploy from 2027 |
| Glade | Estonia | Incoming | Tender running |
"""

STORAGE_MD = """# Storage on the cluster

## Storage areas

|                | Path             | Purpose                  |
| -------------- | ---------------- | ------------------------ |
| User home      | `/home/<user>`   | Personal files           |
| Project work   | `/proj/<project>`| Shared project files     |
| Project temp   | `/temp/<project>`| Temporary job data       |

|                 | Quota  | Expandable         | Retention        | Billing rate |
| --------------- | ------ | ------------------ | ---------------- | ------------ |
| User home       | 10 GB  | No                 | User lifetime    | NA           |
| Project work    | 100 GB | Yes, up to 1 TB    | 90 days          | 1x           |
| Project scratch | 20 TB  | Yes, up to 50 TB   | 30 days          | 10x          |

When a storage area is marked as expandable, you can request more space.
"""


MODULES_MD = """# The module command

| Sub-command     | Description                     |
| --------------- | ------------------------------- |
| `show`, `sh`    | Show what a module sets         |
| `load`, `add`   | Load a module                   |
| `purge`         | Unload all modules              |
| `spider`        | Search for modules              |
"""


PARTS_CSV = ("component,site,notes\n"
             "Atlas,Turin,\"Atlas lists 250 petaflops, 4992 nodes and 100 PB storage.\"\n"
             "Brio,Turin,\"Brio has 65 PFlops double precision and 650 PFlops mixed-precision.\"\n"
             "Cobo,Milan,\"Cobo lists 340 GPUs and 50 PB storage.\"\n")


HUBS_CSV = ("hub,Status (2026)\n"
            "North,Open since 2024\n"
            "South,Planned for 2026\n"
            "East,Open since 2025\n")


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return assistant_over(tmp_path_factory, "generality6",
                          {"clusters.md": CLUSTERS_MD, "storage.md": STORAGE_MD,
                           "modules.md": MODULES_MD, "parts.csv": PARTS_CSV,
                           "hubs.csv": HUBS_CSV})


def test_a_cell_with_an_aside_is_its_value_and_its_figure(qa):
    answer = qa.ask("Of the flagship machines, which one quotes the biggest petaflop number?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "max"
    assert row_names(answer) == {"Borealis"} and "~120 PF" in answer.text
    cites_every_row(qa, answer)
    answer = qa.ask("Of the flagship systems that quote a performance figure, which is the "
                    "most powerful?")
    assert answer.mode == "computed" and row_names(answer) == {"Borealis"}
    answer = qa.ask("Which clusters are flagship class?")  # "flagship": the cell's value
    assert answer.mode == "computed"
    assert row_names(answer) == {"Borealis", "Caldera", "Dune"}


def test_how_many_petaflops_separate_two_systems(qa):
    answer = qa.ask("Roughly how many petaflops separate Borealis from Caldera?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "difference"
    assert "75 PF more than Caldera" in answer.text and "more Class" not in answer.text
    cites_every_row(qa, answer)
    answer = qa.ask("How much bigger is Borealis than Ember, in PF?")
    assert answer.mode == "computed" and "112 PF" in answer.text


def test_rows_not_running_yet_are_the_incoming_ones(qa):
    for question in ("Which clusters aren't up and running yet?",
                     "Which clusters in the network have not come online yet?"):
        answer = qa.ask(question)
        assert answer.mode == "computed", question
        assert row_names(answer) == {"Fjord", "Glade"}, question
    answer = qa.ask("How many clusters are not operational yet?")
    assert answer.mode == "computed" and answer.short.text == "2"
    # counted in, not a condition: all the regional ones
    answer = qa.ask("Which clusters are regional class, counting ones that haven't arrived "
                    "yet?")
    assert answer.mode == "computed" and row_names(answer) == {"Ember", "Fjord"}


def test_an_expandable_quota_is_one_that_can_be_raised(qa):
    for question in ("Which storage areas can have their quota raised?",
                     "Which of the storage areas can get a bigger quota?",
                     "Which storage areas can have their quota raised beyond the default?"):
        answer = qa.ask(question)
        assert answer.mode == "computed", question
        assert row_names(answer) == {"Project work", "Project scratch"}, question
        cites_every_row(qa, answer)
    answer = qa.ask("How many storage areas can have their quota increased on request?")
    assert answer.mode == "computed" and answer.short.text == "2"
    answer = qa.ask("Which storage areas cannot have their quota raised?")
    assert answer.mode == "computed" and row_names(answer) == {"User home"}
    # the rows listed, one by its sibling table's name ("temp" for "Project scratch")
    answer = qa.ask("How many of the storage areas (user home, project work, temp) can have "
                    "their quota increased on request?")
    assert answer.mode == "computed" and answer.short.text == "2"


def test_rows_with_a_second_name_are_the_ones_with_an_alias(qa):
    for question in ("Which sub-commands also have a shorter alias?",
                     "Which sub-commands can be typed under two different names?"):
        answer = qa.ask(question)
        assert answer.mode == "computed", question
        assert row_names(answer) == {"show, sh", "load, add"}, question
        cites_every_row(qa, answer)
    answer = qa.ask("In the list of module sub-commands, how many have a shorter alias you "
                    "can type instead?")
    assert answer.mode == "computed" and answer.short.text == "2"
    assert "2 sub-commands in" in answer.text  # its rows named as its first column says
    answer = qa.ask("Which module sub-commands have no alias?")
    assert answer.mode == "computed" and row_names(answer) == {"purge", "spider"}


def test_a_kind_of_thing_and_a_duration_before_an_event(qa):
    answer = qa.ask("Which kind of storage is billed at the steepest rate?")
    assert answer.mode == "computed" and row_names(answer) == {"Project scratch"}
    answer = qa.ask("Which keeps unused files longer before purging: project work or "
                    "project scratch?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "compare"
    assert "Project work has the larger" in answer.text


def test_a_reason_or_which_thing_sets_a_figure_is_no_computation(qa):
    from briefqa.tables.linker import Linker

    linker = Linker(qa.index.tables)
    assert linker.link("How many clusters are flagship class?").plans  # a count, as before
    assert not linker.link("Why are most clusters flagship class?").plans
    assert linker.link("How many sub-commands have an alias?").plans
    assert not linker.link("Which sub-command sets how many modules are loaded?").plans


def test_the_words_after_a_figure_in_a_cell_pick_it(qa):
    answer = qa.ask("In the parts CSV, how many petaflops does Atlas have above Brio's "
                    "double-precision figure?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "difference"
    assert "185 PF more than Brio" in answer.text
    answer = qa.ask("In the parts CSV, which is the higher figure: Brio's mixed-precision "
                    "performance or Atlas's petaflops?")
    assert answer.mode == "computed" and "650 PFlops" in answer.text
    assert "Brio has the larger figure" in answer.text


def test_most_of_the_rows_and_a_year_of_a_column_name_are_no_condition(qa):
    from briefqa.tables.linker import Linker

    linker = Linker(qa.index.tables)
    # "most" of the clusters, not the most of anything: no max over a column
    assert not linker.link("What class do most clusters have?").plans
    # "2026" names the column "Status (2026)", not its cell "Planned for 2026"
    for plan in linker.link("How many hubs are there in the 2026 status list?").plans:
        assert not any("2026" in str(f.value) for f in plan.filters), plan.to_dict()
