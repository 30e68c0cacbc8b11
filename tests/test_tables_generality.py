"""The linker's general mechanisms (issue 15, the second author's computed-dev2 suite): bounds
said as comparatives or in words, two groups compared by their counts, the two rows of
"A or B" named there, figures inside names, column names said as whole words, a document's
folders naming its collection. Built on small corpora of their own."""

from __future__ import annotations

import pytest
from conftest import assistant_over, cites_every_row, row_names

from briefqa.tables.asked import asked, figures_written
from briefqa.tables.linker import Linker, said_whole

QUEUES_MD = """# Queue guide

## Batch queues

| Queue | Max walltime | Max jobs | Max nodes/job |
| --- | --- | --- | --- |
| long | 3 days | 100 | 64 nodes |
| normal | 2 days | 200 | 128 nodes |
| short | 4 hours | 2 | 8 nodes |
| quick | 30 minutes | 1 | 2 nodes |
| weekly | 1 day | 2 | 16 nodes |
"""
SITES_CSV = ("name,country,model,racks\n"
             "Aurora,Finland,Model 5,12\n"
             "Boreal,Finland,Model 9,30\n"
             "Carpathia,Poland,Vector 2,8\n"
             "Danube,Poland,Vector 3,16\n"
             "Elbe,Germany,Model 7,20\n"
             "Fjord,Norway,Model 1,4\n")
SYSTEMS_MD = """# Systems

| System | Peak |
| --- | --- |
| Alpha | 300 PF |
| Beta | 200 PF |
| New flagship system | 900 PF |
"""
NODES_MD = """# Orca cluster nodes

The Orca partition consists of 40 nodes of three kinds.

| Nodes | CPU cores | Memory |
| --- | --- | --- |
| 24 | 64 | 256 GiB |
| 12 | 128 | 512 GiB |
| 4 | 128 | 2 TiB |
"""
TOOLS_MD = """# Tools

## Tool subcommands

The most used tool subcommands:

| Tool subcommand | Description |
| --- | --- |
| copy | Copy files |
| move | Move files |
| list | List files |

## Actions

| Action | Command |
| --- | --- |
| Upload | tool put |
| Download | tool get |
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return assistant_over(tmp_path_factory, "generality", {
        "acme-handbook/jobs/queues.md": QUEUES_MD,
        "acme-handbook/tools.md": TOOLS_MD,
        "sites.csv": SITES_CSV,
        "systems.md": SYSTEMS_MD,
        "orca.md": NODES_MD,
    })


# -- bounds said as comparatives or in words ------------------------------------------------


def test_figures_written_as_words_keep_their_place():
    text, replaced = figures_written("shorter than one day, no more than two jobs, a week")
    assert text == "shorter than   1 day, no more than   2 jobs, 1 week"
    assert len(replaced) == 3


def test_a_comparative_bound_in_words_is_a_filter_not_a_comparison(qa):
    assert asked("How many queues have a max walltime shorter than one day?").intent == "count"
    answer = qa.ask("How many queues have a max walltime shorter than one day?")
    assert answer.mode == "computed" and answer.computation["result"] == 2
    assert row_names(answer) == {"short", "quick"}  # "1 day" is not shorter than one day
    cites_every_row(qa, answer)
    longer = qa.ask("Which queues have a max walltime longer than two days?")
    assert row_names(longer) == {"long"}


def test_no_more_than_is_at_most_and_a_rate_is_part_of_the_figure(qa):
    answer = qa.ask("Which queues allow no more than two jobs per user?")
    assert answer.mode == "computed" and row_names(answer) == {"short", "quick", "weekly"}
    cites_every_row(qa, answer)
    plan = Linker(qa.index.tables).link("Which queues allow no more than two jobs per user?")
    assert plan.plans[0].filters[0].operator == "<="


def test_exactly_after_a_bound_is_the_figure_itself(qa):
    linked = Linker(qa.index.tables).link(
        "Which queues have a max walltime of at most exactly 2 days?")
    (f,) = linked.plans[0].filters
    assert (f.operator, f.value) == ("=", 172800.0)


# -- two groups compared by their counts ----------------------------------------------------


def test_two_values_of_a_column_are_compared_by_their_rows(qa):
    answer = qa.ask("Does Finland or Norway have more sites in the sites CSV?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "count_by"
    assert answer.short.text == "Finland"
    assert row_names(answer) == {"Aurora", "Boreal", "Fjord"}  # the rows of both, cited
    cites_every_row(qa, answer)
    fewer = qa.ask("Does Finland or Norway have fewer sites in the sites CSV?")
    assert fewer.short.text == "Norway"


def test_a_tie_of_counts_has_no_winner(qa):
    answer = qa.ask("Does Finland or Poland have more sites in the sites CSV?")
    assert answer.mode == "computed" and answer.short is None
    assert "neither" in answer.text and len(row_names(answer)) == 4


# -- the rows of "A or B"; figures inside names; names said whole ---------------------------


def test_the_rows_of_a_or_b_are_the_ones_named_there(qa):
    linked = Linker(qa.index.tables).link("Which is the more powerful system: Alpha or Beta?")
    assert linked.plans, linked
    assert [f.value for f in linked.plans[0].items] == ["Alpha", "Beta"]


def test_a_figure_inside_a_name_is_no_measure(qa):
    linked = Linker(qa.index.tables).link(
        "Which site in the sites CSV has the largest number of models?")
    assert not any(p.measure and p.measure[0].name == "model" for p in linked.plans)


def test_a_column_name_is_said_only_as_whole_words(qa):
    assert said_whole("command", ["tool", "command"])
    assert said_whole("maxjobs", ["max", "jobs"])
    assert not said_whole("command", ["subcommands"])
    answer = qa.ask("How many tool subcommands does the Tools page list?")
    assert answer.mode == "computed" and answer.computation["result"] == 3
    cites_every_row(qa, answer)


def test_a_count_of_what_a_thing_has_is_not_a_count_of_a_tables_rows(qa):
    # the Tools page lists subcommands, but "an Acme upload" is nothing its tables name (an
    # action of another table): the question asks for a figure of it, not for the page's rows
    linker = Linker(qa.index.tables)
    linked = linker.link("How many subcommands does an Acme upload have?")
    assert not any(p.aggregate == "count" for p in linked.plans)
    assert any(p.aggregate == "count" for p in linker.link(
        "How many subcommands does the Acme tool have?").plans)


def test_no_inside_a_word_negates_nothing(qa):
    # "nodes" begins with "no": "How many Orca nodes have 512 GiB" excluded the 512 GiB rows
    answer = qa.ask("How many Orca nodes have 512 GiB of memory?")
    assert answer.mode == "computed" and answer.short.text == "12"
    assert answer.computation["filters"][0]["operator"] == "contains"


def test_a_documents_folders_name_its_collection(qa):
    linker = Linker(qa.index.tables)
    queues = next(t for t in qa.index.tables.tables if t.source.endswith("queues.md"))
    assert {"acm", "handbook"} & linker._folders[queues.name] or \
        "acme" in linker._folders[queues.name]
    answer = qa.ask("How many queues does the Acme handbook list with a max walltime "
                    "shorter than one day?")
    assert answer.mode == "computed" and answer.computation["result"] == 2


# -- a column added up, each row standing for several things --------------------------------


def test_a_per_node_figure_is_added_up_over_all_the_nodes(qa):
    answer = qa.ask("What is the combined memory of all Orca nodes, in TiB?")
    assert answer.mode == "computed" and answer.computation["weight"] == "Nodes"
    assert answer.short.text == "20 TiB"  # 24 × 256 GiB + 12 × 512 GiB + 4 × 2 TiB
    assert "24 × 256 GiB [1]" in answer.text and len(answer.citations) == 3
    cites_every_row(qa, answer)
    cores = qa.ask("How many CPU cores does Orca have in total across all of its node types?")
    assert cores.mode == "computed" and cores.short.text == "3,584"  # 1536 + 1536 + 512
    assert "add up to 3,584 CPU cores" in cores.text  # what the total counts, said
    nodes = qa.ask("How many nodes does the Orca cluster have?")
    assert nodes.short.text == "40"  # the column of counts itself, not multiplied
    assert "add up to 40 nodes" in nodes.text
    # "the total number of nodes" counts nodes as "how many nodes" does
    total = qa.ask("What's the total number of nodes in the Orca cluster?")
    assert total.mode == "computed" and total.short.text == "40"
    # "each node": one row's figure, never the total over all the nodes
    each = qa.ask("How many CPU cores does each Orca node have?")
    assert not (each.mode == "computed" and each.computation.get("weight")), each.text
    assert each.short is None or each.short.text != "3,584"


def test_prose_names_a_pair_of_things_not_a_thing_and_what_it_lacks():
    from briefqa.tables.prose import named_pair

    assert named_pair("Which has more memory: Alpha or Beta?") == ["Alpha", "Beta"]
    assert named_pair("On Orca, which nodes have more memory: those with NVIDIA A40 GPUs or "
                      "those without GPUs?") == []
