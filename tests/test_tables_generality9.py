"""The linker's mechanisms of round 30, each on a small corpus of its own:

- "let a job run for two days or longer", "3 days or longer": a bound on a duration column
  (at least), not a comparison of two rows;
- "altogether, how many nodes have more than the base 256 GiB of memory?": a bound said with
  "the base" (or "the usual", "the standard") between its words and its figure, and the nodes
  of the rows above it added up;
- "apart from the testing queue": a row named by the start of a word ("test"), when no row is
  named as written, is set aside;
- "the bigger machine by its approximate peak, A or B?": the measure compared is the one
  named after "by its" ("in terms of"), not the thing ("machine");
- "the ones with the L40 GPUs or the ones without": the row whose cell of that column is
  missing, against the row a cell names;
- "the lead or hosting organisation still not known": no lead given ("organisation" says what
  the column holds; "still not known" without "is");
- "named rather than unknown", where "unknown" is a cell of two columns: set aside in the
  column the question names only;
- "of the disk storage areas in the quota table, how many ...": a table named by one of its
  columns sets no condition left unchecked;
- "a retention period measured in days rather than lasting for the user or project
  lifetime": the rows "rather than" names set aside, "measured in days" a figure of that
  kind, and the words that lead to the rows set aside no condition;
- "what memory sizes do the node types with more than 50 nodes have?": the rows that meet the
  conditions, each with its figure of the column asked;
- "which queues of the Falcon cluster ...": a plan that leaves unexplained a name no document
  mentions is not asserted (the Falcon cluster is not the tables' cluster); "SME" is named
  where the documents say "SMEs"; nor one that leaves unchecked a name in quotes ("the
  'long' queue", where no queue is called that);
- "among the hubs in the CSV, which ones are Chilean?": a list asked after its scope;
- "which node type has the highest memory bandwidth?": not the most memory (a word of another
  measure said of what is measured holds the plan back);
- the answer step's check of one table row it would assert (`tables.rowanswer`): "What is
  Borealis?" is not answered by the row of the hub built on it, nor a question about "the
  visualisation nodes table" by a row of another table, nor "how many users ..." by a row that
  counts no users;
- "which runs longest and which runs shortest": two things asked, no one plan;
- "does the wide or the quick queue allow longer jobs?": sentences that speak of one side only
  are shown as passages, not asserted (`extractive.side_not_spoken_of`)."""

from __future__ import annotations

import pytest
from conftest import assistant_over, cites_every_row, row_names

QUEUES_MD = """# Queues

## Queues of the cluster

| Name   | Max walltime | Max jobs          | Max resources/job |
| ------ | ------------ | ----------------- | ----------------- |
| wide   | 2 days       | 100 (90 running)  | 512 nodes         |
| narrow | 3 days       | 200 (150 running) | 4 nodes           |
| test   | 6 hours      | n/a               | 1024 nodes        |
| quick  | 30 minutes   | 2 (1 running)     | 2 nodes           |
"""

NODES_MD = """# Compute nodes

| Nodes | Memory   | Disk      | Network    |
| ----- | -------- | --------- | ---------- |
| 900   | 256 GiB  | none      | 1x200 Gb/s |
| 64    | 512 GiB  | none      | 1x200 Gb/s |
| 16    | 1024 GiB | 2 TB SSD  | 2x200 Gb/s |
"""

VIS_MD = """# Visualisation nodes

| Nodes | Memory | GPUs                              |
| ----- | ------ | --------------------------------- |
| 4     | 4 TiB  | none                              |
| 6     | 2 TiB  | 4x NVIDIA L40, 48 GB of memory    |
"""

MACHINES_MD = """# Machines of the network

The network serves SMEs and research groups.

| Machine | Site    | Class                  |
| ------- | ------- | ---------------------- |
| Orca    | Bergen  | Flagship (~300 PF)     |
| Pike    | Turku   | Regional (~120 PF)     |
"""

HUBS_CSV = ("hub,country,lead_or_host,base_system\n"
            "Aster,Norway,Nordic Grid,Borealis\n"
            "Birch,Norway,unknown,unknown\n"
            "Cedar,Chile,Andes Lab,unknown\n"
            "Dahlia,Chile,unknown,Caldera\n"
            "Fern,Estonia,Baltic Compute,Glade\n")

STORAGE_MD = """# Storage

## Disk storage areas of the cluster

|               | Quota  | Max files | Expandable         | Retention        |
| ------------- | ------ | --------- | ------------------ | ---------------- |
| User home     | 10 GB  | 50k       | No                 | User lifetime    |
| Project work  | 100 GB | 100k      | Yes, up to 1 TB    | Project lifetime |
| Project temp  | 20 TB  | 1000k     | Yes, up to 200 TB  | 90 days          |
| Project flash | 1 TB   | 500k      | Yes, up to 50 TB   | 30 days          |
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return assistant_over(tmp_path_factory, "generality9",
                          {"queues.md": QUEUES_MD, "nodes.md": NODES_MD, "vis.md": VIS_MD,
                           "machines.md": MACHINES_MD, "hubs.csv": HUBS_CSV,
                           "storage.md": STORAGE_MD})


def test_or_longer_is_a_bound(qa):
    answer = qa.ask("How many queues let a job run for two days or longer?")
    assert answer.mode == "computed" and answer.short.text == "2"
    assert row_names(answer) == {"wide", "narrow"}
    assert "is at least two days" in answer.text
    cites_every_row(qa, answer)
    answer = qa.ask("Which queues allow jobs of 3 days or longer?")
    assert answer.mode == "computed" and row_names(answer) == {"narrow"}


def test_a_bound_past_the_base_figure(qa):
    answer = qa.ask("Altogether, how many nodes have more than the base 256 GiB of memory?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "sum"
    assert answer.computation["result"] == "80"  # 64 + 16, not the 900 nodes of 256 GiB
    assert row_names(answer) == {"64", "16"}
    cites_every_row(qa, answer)


def test_a_row_set_aside_by_the_start_of_a_word(qa):
    answer = qa.ask("Apart from the testing queue, which queue allows the biggest single job "
                    "in terms of nodes?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "max"
    assert row_names(answer) == {"wide"}  # not test's 1024 nodes
    assert "does not include “test”" in answer.text
    cites_every_row(qa, answer)


def test_the_measure_named_after_by_its(qa):
    answer = qa.ask("Which is the bigger machine on the page by its approximate peak, Orca or "
                    "Pike?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "compare"
    assert "Orca has the larger figure" in answer.text
    assert row_names(answer) == {"Orca", "Pike"}
    cites_every_row(qa, answer)


def test_the_ones_without_against_a_cell_named(qa):
    answer = qa.ask("Which visualisation nodes carry more memory: the ones with the L40 GPUs or "
                    "the ones without?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "compare"
    assert "the row with no GPUs (“none”) has the larger Memory" in answer.text
    cites_every_row(qa, answer)


def test_an_organisation_still_not_known(qa):
    answer = qa.ask("In the hubs spreadsheet, for how many hubs is the lead or hosting "
                    "organisation still not known?")
    assert answer.mode == "computed" and answer.short.text == "2"
    assert row_names(answer) == {"Birch", "Dahlia"}
    cites_every_row(qa, answer)


def test_rather_than_a_cell_of_two_columns_sets_aside_in_the_one_named(qa):
    answer = qa.ask("For how many hubs is the lead or host actually named rather than "
                    "unknown?")
    assert answer.mode == "computed" and answer.short.text == "3"
    assert row_names(answer) == {"Aster", "Cedar", "Fern"}  # Cedar's base system is unknown
    assert [f["column"] for f in answer.computation["filters"]] == ["lead_or_host"]


def test_a_table_named_by_its_column(qa):
    answer = qa.ask("Of the disk storage areas in the quota table, how many can be expanded if "
                    "my project asks for more space?")
    assert answer.mode == "computed" and answer.short.text == "3"
    assert row_names(answer) == {"Project work", "Project temp", "Project flash"}
    cites_every_row(qa, answer)


def test_rather_than_sets_rows_aside(qa):
    answer = qa.ask("Which disk storage areas have a retention period measured in days rather "
                    "than lasting for the user or project lifetime?")
    assert answer.mode == "computed"
    assert row_names(answer) == {"Project temp", "Project flash"}
    assert "Retention gives a figure (duration)" in answer.text
    cites_every_row(qa, answer)


def test_the_figures_of_a_column_among_rows_that_meet_a_condition(qa):
    answer = qa.ask("What memory sizes do the compute node types with more than 50 nodes have?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "list"
    assert row_names(answer) == {"900", "64"}
    assert "(Memory: 256 GiB)" in answer.text and "(Memory: 512 GiB)" in answer.text
    assert "1024 GiB" not in answer.text
    cites_every_row(qa, answer)


def test_a_column_word_that_leads_to_a_condition_is_its_verb(qa):
    answer = qa.ask("Which hubs in the hubs CSV are hosted somewhere other than Norway?")
    assert answer.mode == "computed"
    assert row_names(answer) == {"Cedar", "Dahlia", "Fern"}
    cites_every_row(qa, answer)


def test_a_name_no_document_mentions_holds_the_plan_back(qa):
    from briefqa.question import unknown_names

    answer = qa.ask("Which queues of the Falcon cluster allow jobs of 3 days or longer?")
    assert answer.mode != "computed" and not answer.grounded
    assert "‘Falcon’, which no document mentions" in answer.computation["not_computed"]
    assert unknown_names("Which machines serve SME users?", qa.index) == []
    assert unknown_names("Which machines serve REPACSS users?", qa.index) == ["REPACSS"]


def test_a_quoted_name_no_row_has_holds_the_plan_back(qa):
    answer = qa.ask("What's the maximum walltime on the cluster's 'long' queue?")
    assert answer.mode != "computed"  # not "3 days", the longest of the queues there are
    assert "does not account for ‘long’" in answer.computation["not_computed"]
    answer = qa.ask("What's the maximum walltime on the 'narrow' queue?")
    assert answer.mode == "computed" and row_names(answer) == {"narrow"}
    assert "3 days" in answer.text


def test_among_the_rows_which_ones(qa):
    answer = qa.ask("Among the hubs in the hubs CSV, which ones are Chilean?")
    assert answer.mode == "computed" and row_names(answer) == {"Cedar", "Dahlia"}
    cites_every_row(qa, answer)


def test_a_word_of_another_measure_said_of_the_measured_holds_back(qa):
    answer = qa.ask("Which compute node type has the highest memory bandwidth?")
    assert answer.mode != "computed"  # not the 1024 GiB nodes
    assert "does not account for ‘bandwidth’" in answer.computation["not_computed"]
    answer = qa.ask("Which compute node type has the most memory?")
    assert answer.mode == "computed" and row_names(answer) == {"16"}


def test_a_row_that_only_lists_a_name_does_not_say_what_it_is(qa):
    from briefqa.tables.rowanswer import mentions_only

    row = [("hub", "Aster"), ("country", "Norway"), ("lead_or_host", "Nordic Grid"),
           ("base_system", "Borealis")]
    assert mentions_only("What is Borealis in Norway's setup?", row) == "Aster"
    assert mentions_only("What does Borealis stand for?", row) == "Aster"
    assert mentions_only("What is Aster?", row) is None  # the row is Aster's own
    assert mentions_only("What is the lead of Aster?", row) is None  # no name asked about
    assert mentions_only("What is the Borealis hub called?", row) is None  # its own name


def test_a_row_of_another_table_than_the_one_named(qa):
    from briefqa.tables.rowanswer import names_another_table

    compute = [("Nodes", "64"), ("Memory", "512 GiB"), ("Disk", "none"),
               ("Network", "1x200 Gb/s")]
    vis = [("Nodes", "4"), ("Memory", "4 TiB"), ("GPUs", "none")]
    question = "How much memory do the nodes have in the visualisation nodes table?"
    other = names_another_table(question, "nodes.md", None, compute, qa.index.tables)
    assert other is not None and "Visualisation nodes" in other
    assert names_another_table(question, "vis.md", None, vis, qa.index.tables) is None
    assert names_another_table("How much memory do the nodes have?", "nodes.md", None,
                               compute, qa.index.tables) is None


def test_two_things_asked_each_of_its_rows_is_no_one_plan(qa):
    from briefqa.tables.asked import asked

    assert asked("Which queue runs longest and which runs shortest: wide or quick?").intent \
        is None
    assert asked("Which queue runs longest, and which is it?").intent == "max"
    answer = qa.ask("Which queue runs longest and which runs shortest: wide or quick?")
    assert answer.mode != "computed"  # one plan would answer one of the two


def test_a_row_that_counts_another_thing(qa):
    from briefqa.tables.rowanswer import counts_another_thing

    queue = [("Name", "wide"), ("Max walltime", "2 days"), ("Max jobs", "100 (90 running)"),
             ("Max resources/job", "512 nodes")]
    assert counts_another_thing("How many users have run jobs on the wide queue?",
                                queue) == "users"
    assert counts_another_thing("How many nodes can one job use on wide?", queue) is None
    assert counts_another_thing("How many hours can a job run on wide?", queue) is None
    assert counts_another_thing("What is the walltime of wide?", queue) is None
    stack = [("Initiative", "Polaris"), ("Notes", "20+ orgs; open models")]
    assert counts_another_thing("How many organisations are in Polaris?", stack) is None


def test_a_comparison_answered_of_one_side_only(qa):
    from briefqa.extractive import side_not_spoken_of

    question = qa.parse("Does the wide or the quick queue allow longer jobs?")
    assert side_not_spoken_of(question, ["wide: 2 days"], qa.index).startswith("quick")
    assert side_not_spoken_of(question, ["wide: 2 days", "quick: 30 minutes"],
                              qa.index) is None
    # nothing compared: nothing to miss
    assert side_not_spoken_of(qa.parse("How long can a job run on wide?"), ["wide: 2 days"],
                              qa.index) is None
