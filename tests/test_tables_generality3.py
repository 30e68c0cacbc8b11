"""The linker's mechanisms of issue 15's fourth round: yes/no columns as conditions ("which
areas can have their quota expanded?"), "machines" and "systems" meaning what a table the
question names lists, a cell of another table of the same document that the plan cannot
check, and the rows a question asks among ("Among the storage areas kept for a long time,
which ...") left unchecked. Built on small corpora of their own."""

from __future__ import annotations

import pytest
from conftest import assistant_over, cites_every_row, row_names

from briefqa.tables.asked import asked
from briefqa.tables.linker import Linker
from briefqa.tables.yesno import answers, is_yes_no

STORAGE_MD = """# Storage guide

## Storage areas

| Area | Path | Partition |
| --- | --- | --- |
| Home | ~ | DISK-A |
| Work | /projects/work | DISK-A |
| Fast | /fast/project | FLASH-B |
| Archive | /archive/project | DISK-A |

| Area | Quota | Expandable | Retention | Billing rate |
| --- | --- | --- | --- | --- |
| Home | 20 GB | No | User lifetime | NA |
| Work | 50 TB | Yes, up to 500 TB | 90 days | 1x |
| Fast | 2 TB | Yes,<br> up to 100 TB | 30 days | 10x |
| Archive | 10 TB | no | Project lifetime | 1x |

| | Quota | Max buckets | Billing rate |
| --- | --- | --- | --- |
| Object | 150 TB | 1000 | 0.5x |
"""
FLAGS_MD = """# Compiler guide

## Flags

| Feature | Fortran | C/C++ |
| --- | --- | --- |
| Debug | -g | -g |
| Free format | -ffree | N/A |
| Offload | -hacc | Not available |
| Vectorise | -hvector3 | -fvectorize |
"""
CENTRES_CSV = ("name,country,system_class,notes\n"
               "Orion,Finland,pre-exascale,GPU and CPU partitions\n"
               "Lyra,Italy,petascale,CPU partition\n"
               "Vela,Spain,petascale,GPU partition\n"
               "Hydra,Poland,mid-range,small partition\n")
NODES_MD = """# Hardware

## Compute nodes

| Nodes | CPU cores | Memory |
| --- | --- | --- |
| 100 | 128 | 256 GiB |
| 20 | 128 | 512 GiB |
| 4 | 128 | 1024 GiB |
"""

TOOLCHAINS_MD = """# Building software

## Toolchains

| Toolchain | Environment |
| --- | --- |
| `tcGNU` | `Env-gnu` (GNU compilers, for every system here) |
| `tcCray` | `Env-cray` (Cray's own compilers, loaded by default) |
| `tcAMD` | `Env-amd` (AMD compilers for AMD GPU systems, part of ROCm) |
| `tcAOCC` | `Env-aocc` (AMD compilers for CPU-only systems) |
"""

SYSTEMS_MD = """# Systems

## Systems by class

| System | Class |
| --- | --- |
| Alpha | Pre-exascale (~380 PF) |
| Beta | Pre-exascale (~240 PF) |
| Gamma | Pre-exascale |
| Delta | Petascale |
| Epsilon | Exascale (~1 EF) |
| Zeta | Petascale |
| Eta | Petascale |
| Theta | Petascale |
| Iota | Mid-range |
| Kappa | Incoming |
| Lambda | Petascale |
| Mu | Petascale |
"""

LABS_CSV = ("name,country,lead_or_host,confidence\n"
            "Aurora Lab,Finland,CSC,high\n"
            "Boreal Lab,Finland,unknown,high\n"
            "Cedar Lab,Poland,unknown,medium\n")

QUEUES_MD = """# Queue guide

## Queues

| Queue | Max walltime | Max resources/job |
| --- | --- | --- |
| big | 2 days | 512 nodes |
| bench | 6 hours | All nodes |
| small | 3 days | 4 nodes |
| viz | 4 hours | 1 GPU |
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return assistant_over(tmp_path_factory, "generality3", {
        "storage.md": STORAGE_MD,
        "national_supercomputers.csv": CENTRES_CSV,
        "nodes.md": NODES_MD,
        "toolchains.md": TOOLCHAINS_MD,
        "systems.md": SYSTEMS_MD,
        "labs.csv": LABS_CSV,
        "queues.md": QUEUES_MD,
        "flags.md": FLAGS_MD,
    })


@pytest.mark.parametrize("cells, expected", [
    (["No", "Yes, up to 500 TB", "Yes,<br> up to 100 TB", "no"], True),
    (["Yes", "N/A", "No"], True),  # a placeholder is no answer either way
    (["Yes", "Only on request", "Maybe later", "No"], False),  # half say something else
    (["Nothing", "Notes", "Yesterday"], False),  # the words, not their first letters
    (["Yes"], False),  # one cell is no column of answers
])
def test_a_column_of_yes_and_no_is_told_by_its_cells(cells, expected):
    assert is_yes_no(cells) is expected
    assert answers("Yes,<br> up to 100 TB") == "yes" and answers("Notes") is None


def test_a_yes_no_column_named_in_a_list_keeps_the_rows_that_say_yes(qa):
    answer = qa.ask("Which storage areas can have their quota expanded?")
    assert answer.mode == "computed" and answer.status == "answered"
    assert row_names(answer) == {"Work", "Fast"}
    cites_every_row(qa, answer)


def test_a_denied_yes_no_column_keeps_the_rows_that_do_not_say_yes(qa):
    answer = qa.ask("How many storage areas cannot be expanded?")
    assert answer.mode == "computed" and answer.short.text == "2"
    assert row_names(answer) == {"Home", "Archive"}
    cites_every_row(qa, answer)


def test_machines_are_what_the_table_the_question_names_lists(qa):
    question = "Going by the national supercomputers CSV, how many machines are petascale?"
    answer = qa.ask(question)
    assert answer.mode == "computed" and answer.short.text == "2"
    assert row_names(answer) == {"Lyra", "Vela"}
    cites_every_row(qa, answer)
    # naming neither the table nor a cell of it, "machines" are no table's rows
    assert not Linker(qa.index.tables).link("How many machines are there?").plans
    assert not Linker(qa.index.tables).link("How many machines are liquid-cooled?").plans


def test_a_cell_of_another_table_of_the_document_is_a_condition_left_unchecked(qa):
    question = "Which of the storage areas that sit on DISK-A can have their quota expanded?"
    plan = Linker(qa.index.tables).link(question).plans[0]
    assert "DISK-A" in plan.unaccounted
    answer = qa.ask(question)
    assert not (answer.mode == "computed" and answer.status == "answered")


def test_the_rows_asked_among_that_no_condition_checks_hold_the_result_back(qa):
    linker = Linker(qa.index.tables)
    question = "Among the storage areas kept for a long time, which has the biggest quota?"
    plan = linker.link(question).plans[0]
    assert plan.unaccounted == ("storage areas kept for a long time",)
    answer = qa.ask(question)
    assert not (answer.mode == "computed" and answer.status == "answered")
    # the rows set by a condition the plan checks, or not set at all: computed
    for checked in ("Among the storage areas with a retention of 90 days, which has the "
                    "biggest quota?", "Of the storage areas, which has the biggest quota?"):
        assert linker.link(checked).plans[0].unaccounted == ()
        assert qa.ask(checked).status == "answered"


def test_tight_and_steep_are_words_for_less_and_more(qa):
    answer = qa.ask("Which storage area has the tightest quota?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "min"
    assert row_names(answer) == {"Home"}  # 20 GB
    answer = qa.ask("Which has a tighter quota, Work or Archive?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "compare"
    assert "Archive has the smaller Quota" in answer.text and answer.short.text == "10 TB"
    cites_every_row(qa, answer)


def test_the_words_of_a_bound_and_of_adding_up_are_no_conditions(qa):
    # "the standard" belongs to the bound; nodes are counted by the Nodes column
    question = "How many compute nodes come with more memory than the standard 256 GiB?"
    assert Linker(qa.index.tables).link(question).plans[0].unexplained == ()
    answer = qa.ask(question)
    assert answer.mode == "computed" and answer.short.text == "24"
    assert row_names(answer) == {"20", "4"}
    # "all the memory variants" names the Memory column over all its values
    answer = qa.ask("Adding up all the memory variants, how many compute nodes are there "
                    "altogether?")
    assert answer.mode == "computed" and answer.short.text == "124"
    cites_every_row(qa, answer)


def test_a_makers_acronym_in_cells_of_prose_picks_the_rows_that_say_it(qa):
    answer = qa.ask("Which toolchains use AMD's compilers?")
    assert answer.mode == "computed" and row_names(answer) == {"tcAMD", "tcAOCC"}
    cites_every_row(qa, answer)


@pytest.mark.parametrize("question, counted", [
    ("How many AI Factories made the first-wave cut in December 2024?", ["ai", "factori"]),
    ("How many machines fall in the petascale class?", ["machin"]),
    ("How many queues that take GPU jobs have a one-day limit?", ["queue"]),
    ("How many labs host a supercomputer?", ["lab"]),
])
def test_what_a_count_counts_ends_at_its_verb(question, counted):
    assert asked(question).entity == counted


@pytest.mark.parametrize("question, intent, counted", [
    # the things counted named before the count, where it says "how many are ..."
    ("Among the national stacks in the map, how many are French?", "count",
     ["nation", "stack"]),
    ("How much extra space is that over the default quota?", "difference", []),
    ("At most, how much space beyond the default quota can a project get?", "difference", []),
    ("How many nodes beyond 4 can a job use?", "count", ["4", "beyond", "node"]),  # a bound
])
def test_what_a_question_asks_for_in_more_words(question, intent, counted):
    what = asked(question)
    assert (what.intent, what.entity) == (intent, counted)


@pytest.mark.parametrize("question, one", [
    ("Is the Work quota bigger than the Archive quota?", True),
    ("How much extra space is that over the default quota?", True),
    ("What do Work and Fast come to in total?", True),
    ("What is the quota of Work?", False),
    ("How does the Work quota compare with the Archive quota?", True),  # set side by side
    ("How many times bigger is the Work quota than the Archive quota?", True),  # a ratio
    ("How is the Work quota set?", False),
])
def test_one_row_states_one_side_of_a_comparison_or_a_sum(question, one):
    from briefqa.tables.rowanswer import one_side

    assert one_side(question) is one


def test_the_rows_asked_among_are_those_that_state_a_figure(qa):
    # a quarter of the rows state a figure: only where the question says so is it measured
    answer = qa.ask("Of the pre-exascale systems that have a performance figure, which one "
                    "is quoted as fastest?")
    assert answer.mode == "computed" and row_names(answer) == {"Alpha"}
    assert "approximate" in answer.text
    answer = qa.ask("Of the systems the table gives an approximate FLOPS figure for, which is "
                    "the least powerful?")
    assert answer.mode == "computed" and row_names(answer) == {"Beta"}
    cites_every_row(qa, answer)
    assert asked("Of the pre-exascale systems on the map, which one is fastest?").entity == [
        "exascal", "pre", "system"]


def test_carry_and_even_though_set_no_condition_of_their_own(qa):
    answer = qa.ask("Which labs carry a high confidence rating even though their host is "
                    "unknown?")
    assert answer.mode == "computed" and row_names(answer) == {"Boreal Lab"}
    cites_every_row(qa, answer)


def test_a_cell_that_says_there_is_no_limit_meets_any_lower_bound(qa):
    answer = qa.ask("Which queues let a single job span more than four nodes?")
    assert answer.mode == "computed" and row_names(answer) == {"big", "bench"}
    assert "All nodes" in answer.text
    cites_every_row(qa, answer)
    answer = qa.ask("Which queues allow fewer than 8 nodes per job?")
    assert answer.mode == "computed" and row_names(answer) == {"small"}  # and no upper bound


def test_the_largest_is_taken_over_the_tables_of_one_section_with_the_same_column(qa):
    # the disk areas' table and object storage's, each with a Billing rate
    answer = qa.ask("Which storage area is billed at the steepest rate?")
    assert answer.mode == "computed" and row_names(answer) == {"Fast"}  # 10x, not 0.5x
    assert "the 2 tables ‘Storage areas’" in answer.text
    cites_every_row(qa, answer)
    answer = qa.ask("Which storage area has the lowest billing rate?")
    assert answer.mode == "computed" and row_names(answer) == {"Object"}


def test_a_word_before_what_is_counted_that_the_table_does_not_list_is_a_condition(qa):
    answer = qa.ask("How many petascale-class machines are in the national supercomputers "
                    "CSV?")
    assert answer.mode == "computed" and answer.short.text == "2"
    assert row_names(answer) == {"Lyra", "Vela"}


def test_how_many_to_use_asks_for_advice_not_a_count():
    assert asked("How many MPI tasks per GPU should I use?").intent is None
    assert asked("How many nodes do I need to request for a large job?").intent is None
    assert asked("How many nodes does the big queue allow?").intent == "count"


def test_there_is_no_flag_is_a_missing_cell(qa):
    answer = qa.ask("For which features is there no C/C++ flag at all?")
    assert answer.mode == "computed" and row_names(answer) == {"Free format", "Offload"}
