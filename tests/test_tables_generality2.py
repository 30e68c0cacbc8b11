"""The linker's general mechanisms of issue 15's second round (computed-dev2): a column chosen
by the words for what it measures ("the shortest time before it is purged": a column of
durations; "the per-job cap ... in nodes": a "Max" column of node counts), two named rows
compared or subtracted on a column that states a figure for only some rows, and cells a
question rules out ("rather than tied to a user's or project's lifetime"). Built on small
corpora of their own."""

from __future__ import annotations

import pytest
from conftest import assistant_over, cites_every_row, row_names

from briefqa.tables.linker import Linker

QUEUES_MD = """# Queue guide

## Batch queues

| Queue | Max walltime | Max jobs | Max resources/job |
| --- | --- | --- | --- |
| long | 3 days | 100 | 64 nodes |
| normal | 2 days | 200 | 128 nodes |
| short | 4 hours | 2 | 8 nodes |
| quick | 30 minutes | 1 | 2 nodes |
| viz | 1 day | 2 | 1 GPU |
"""
AREAS_MD = """# Storage guide

## Disk areas

| Area | Quota | Max files | Retention |
| --- | --- | --- | --- |
| Home | 20 GB | 100k | User lifetime |
| Work | 50 TB | 2000k | 30 days |
| Archive | 2 TB | 1000k | Project lifetime |
| Tmp | 1 TB | 500k | 90 days |
"""
MACHINES_MD = """# Machines overview

## Machines table

| Machine | Country | Class |
| --- | --- | --- |
| Alpha | Finland | Pre-exascale (~380 PF) |
| Beta | Italy | Pre-exascale (~240 PF) |
| Gamma | Spain | Petascale |
| Delta | Poland | Petascale |
| Epsilon | Greece | Mid-range |
| Zeta | France | Incoming |
| Eta | Czechia | Petascale |
| Theta | Slovenia | Petascale |
"""
FLAGS_MD = """# Compiler guide

## Flags overview

| Feature | Fortran | C/C++ |
| --- | --- | --- |
| Debug | -g | -g |
| Free format | -ffree | N/A |
| Listing | -hlist=m | -fsave-loopmark |
| Offload | -hacc | Not available |
| Vectorise | -hvector3 | -fvectorize |
"""
LABS_CSV = ("name,country,lead_or_host,confidence\n"
            "Aurora Lab,Finland,CSC,high\n"
            "Boreal Lab,Finland,unknown,high\n"
            "Cedar Lab,Poland,PSNC,medium\n"
            "Delta Lab,Spain,BSC,high\n"
            "Elm Lab,Greece,unknown,medium\n")
CLUSTERS_MD = """# Clusters

## Clusters table

| Cluster | Country | Notes |
| --- | --- | --- |
| Oak | Finland | Built by HPE with liquid cooling and a large GPU partition |
| Pine | Italy | Atos BullSequana system with an accelerated partition for AI |
| Fir | Spain | HPE Apollo nodes and a long-standing research user community |
| Yew | Poland | Lenovo system with water cooling for climate simulations |
| Elm | Greece | Lenovo nodes bought for weather and ocean modelling work |
| Ash | Czechia | Atos cluster with a partition for visualisation and data work |
| Birch | Slovenia | Atos system shared by universities for teaching courses |
| Cedar | Austria | Dell cluster serving bioinformatics and chemistry groups |
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return assistant_over(tmp_path_factory, "generality2", {
        "queues.md": QUEUES_MD,
        "areas.md": AREAS_MD,
        "machines.md": MACHINES_MD,
        "flags.md": FLAGS_MD,
        "labs.csv": LABS_CSV,
        "clusters.md": CLUSTERS_MD,
    })


def test_the_time_before_an_event_is_the_duration_measured(qa):
    answer = qa.ask("Which storage area keeps data for the shortest time before it is purged?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "min"
    assert row_names(answer) == {"Work"}  # 30 days; a lifetime states no duration
    cites_every_row(qa, answer)
    plan = Linker(qa.index.tables).link(
        "Which storage area keeps data for the shortest time before it is purged?").plans[0]
    assert plan.unaccounted == ()  # "before it is purged" is no condition on a date


def test_a_cap_or_limit_is_a_max_column_and_its_unit_picks_it(qa):
    answer = qa.ask("Which queue has the smallest per-job cap when the limit is expressed "
                    "in nodes?")
    assert answer.mode == "computed" and row_names(answer) == {"quick"}  # 2 nodes, not 1 GPU
    cites_every_row(qa, answer)


def test_two_named_rows_compared_on_the_column_of_what_a_user_keeps(qa):
    answer = qa.ask("Which queue lets a user keep more jobs queued: short or normal?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "compare"
    assert "normal has the larger Max jobs" in answer.text
    cites_every_row(qa, answer)


def test_a_difference_of_two_rows_says_which_has_more(qa):
    answer = qa.ask("How many more jobs can a user have on normal than on long?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "difference"
    assert "200 − 100 = 100" in answer.text
    assert "normal has 100 more Max jobs than long" in answer.text
    cites_every_row(qa, answer)


def test_a_difference_of_two_named_rows_where_few_rows_state_a_figure(qa):
    question = "By how many petaflops does Alpha's quoted performance in the machines " \
               "table exceed Beta's?"
    plan = Linker(qa.index.tables).link(question).plans[0]
    assert plan.aggregate == "difference" and plan.measure[0].name == "Class"
    assert [f.value for f in plan.items] == ["Alpha", "Beta"]
    answer = qa.ask(question)
    assert answer.mode == "computed" and "140 PF" in answer.text
    cites_every_row(qa, answer)
    # a superlative over that column is still not taken: most rows state no figure
    assert not any(p.aggregate == "max" for p in Linker(qa.index.tables).link(
        "Which machine in the machines table has the highest performance?").plans)


def test_cells_said_after_rather_than_are_ruled_out_each_of_them(qa):
    question = "Which storage areas have a retention counted in days rather than tied to " \
               "a user's or project's lifetime?"
    plan = Linker(qa.index.tables).link(question).plans[0]
    # ("counted in days": a duration given in the cell, round 29)
    assert {f.operator for f in plan.filters} <= {"!=", "excludes", "given"}
    answer = qa.ask(question)
    assert answer.mode == "computed" and row_names(answer) == {"Work", "Tmp"}
    cites_every_row(qa, answer)
    kept = qa.ask("Which storage areas have a retention tied to a user's lifetime?")
    assert kept.mode != "computed" or row_names(kept) == {"Home"}


def test_not_inside_a_cell_negates_nothing_after_it(qa):
    question = "In the compiler flags overview, how many features have no C/C++ option " \
               "(marked not available or N/A)?"
    (f,) = Linker(qa.index.tables).link(question).plans[0].filters
    assert f.operator == "in" and set(f.value) == {"Not available", "N/A"}
    answer = qa.ask(question)
    assert answer.mode == "computed" and answer.computation["result"] == 2
    assert row_names(answer) == {"Free format", "Offload"}
    cites_every_row(qa, answer)


def test_the_highest_quoted_figure_is_among_the_rows_that_state_one(qa):
    question = "Which machine in the machines table has the highest quoted performance figure?"
    answer = qa.ask(question)
    assert answer.mode == "computed" and answer.computation["aggregate"] == "max"
    assert row_names(answer) == {"Alpha"}
    cites_every_row(qa, answer)


def test_a_named_thing_is_not_an_unknown_one_and_rated_is_how_a_cell_is_said(qa):
    question = "Which labs in the labs CSV are rated high confidence and also have a named " \
               "lead or host?"
    answer = qa.ask(question)
    assert answer.mode == "computed" and row_names(answer) == {"Aurora Lab", "Delta Lab"}
    cites_every_row(qa, answer)


def test_rows_that_share_a_cell_text(qa):
    answer = qa.ask("Which features in the flags overview share -g as their C/C++ option?")
    assert answer.mode == "computed" and row_names(answer) == {"Debug"}
    cites_every_row(qa, answer)


def test_an_acronym_is_a_name_to_find_in_a_column_of_prose(qa):
    answer = qa.ask("Which clusters in the clusters table are HPE machines?")
    assert answer.mode == "computed" and row_names(answer) == {"Oak", "Fir"}
    cites_every_row(qa, answer)
    # a single ordinary word is still no condition on a column of prose
    plan = Linker(qa.index.tables).link("Which clusters in the clusters table have cooling?")
    assert not any(f.value == "cooling" for p in plan.plans for f in p.filters)


def test_what_is_the_thing_with_a_superlative_names_what_is_asked_about(qa):
    from briefqa.tables.asked import asked

    assert asked("What's the queue with the shortest time limit?").entity == ["queue"]
    assert asked("What is the node type that has the most memory?").entity == ["node", "type"]
    answer = qa.ask("What's the queue with the shortest time limit?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "min"
    assert row_names(answer) == {"quick"}  # 30 minutes
    cites_every_row(qa, answer)


def test_a_measure_asked_in_words_no_column_holds_is_not_computed(qa):
    # "time" names the walltime column's dimension, but an average wait is not a walltime
    question = "Which queue has the shortest average wait time?"
    assert Linker(qa.index.tables).link(question).plans == []
    assert qa.ask(question).mode != "computed"
    assert qa.ask("Which queue has the shortest walltime?").mode == "computed"


def test_groups_kept_by_how_many_rows_they_have_each_row_cited(qa):
    answer = qa.ask("Which countries have more than one lab?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "count_by"
    assert answer.computation["having"] == [">", 1]
    assert answer.short.text == "Finland"  # Aurora Lab and Boreal Lab
    assert row_names(answer) == {"Aurora Lab", "Boreal Lab"}
    assert "1 country has more than 1 lab: Finland (2)" in answer.text
    cites_every_row(qa, answer)
    single = qa.ask("Which countries have only one lab?")
    assert set(single.short.text.split(", ")) == {"Poland", "Spain", "Greece"}
    cites_every_row(qa, single)


def test_a_bound_no_group_meets_says_so(qa):
    answer = qa.ask("Which countries have at least three labs?")
    assert answer.mode == "computed" and answer.computation["having"] == [">=", 3]
    assert "no country has at least 3 labs" in answer.text
    assert answer.computation["rows"] == []


def test_a_bound_of_several_digits_is_a_bound_not_a_comparison(qa):
    from briefqa.tables.asked import asked

    # "more than 100" was read as comparing two things (only one digit made a bound)
    assert asked("Which queues allow more than 100 jobs?").intent == "list"
    answer = qa.ask("Which queues allow more than 100 jobs?")
    assert answer.mode == "computed" and row_names(answer) == {"normal"}  # 200; long has 100
    assert "whose Max jobs is above 100 jobs" in answer.text  # not "above more than 100"
    cites_every_row(qa, answer)


def test_a_comparative_with_its_noun_before_a_figure_is_a_bound(qa):
    # "longer jobs than 1 day": a bound on the walltime, not two things compared
    answer = qa.ask("Which queues allow longer jobs than 1 day?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "list"
    assert row_names(answer) == {"long", "normal"}  # 3 and 2 days; viz is 1 day
    cites_every_row(qa, answer)
    # a comparative before a name still compares two things
    from briefqa.tables.asked import asked

    assert asked("Does normal allow more jobs than long?").intent == "compare"


DEPENDENCIES_MD = """# Job guide

## Pipelining with dependencies

| Dependency type | Description |
| --- | --- |
| after:jobid | Begin after the named jobs have started |
| afterok:jobid | Begin after the named jobs have finished without errors |
| afterany:jobid | Begin after the named jobs have finished |
"""


def test_a_count_is_said_in_what_the_first_column_names_when_the_title_names_nothing(
        tmp_path_factory):
    qa = assistant_over(tmp_path_factory, "dependencies", {"jobs.md": DEPENDENCIES_MD})
    answer = qa.ask("How many kinds of job dependency can I use?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "count"
    assert answer.text.startswith("Computed: 3 dependency types in")  # not "3 rows"
    cites_every_row(qa, answer)


@pytest.mark.parametrize("word, place, same", [
    ("french", "france", True), ("spanish", "spain", True), ("polish", "poland", True),
    ("finnish", "finland", True), ("german", "germany", True),
    ("belgian", "bulgaria", False), ("slovenian", "slovakia", False),
    ("swedish", "switzerland", False), ("french", "finland", False)])
def test_a_peoples_word_and_its_place_share_their_root(word, place, same):
    from briefqa.tables.linker import _demonym_of

    assert _demonym_of(word, place) is same


def test_french_picks_the_rows_of_france(qa):
    answer = qa.ask("Which French machines are in the machines table?")
    assert answer.mode == "computed" and row_names(answer) == {"Zeta"}
    cites_every_row(qa, answer)


def test_a_value_the_table_does_not_give_is_a_condition(qa):
    # "unknown" in a cell says no lead is known: "do we not know who leads" asks for those rows
    answer = qa.ask("For how many labs do we still not know who leads or hosts them?")
    assert answer.mode == "computed" and answer.computation["result"] == 2
    assert row_names(answer) == {"Boreal Lab", "Elm Lab"}
    assert "whose lead_or_host is not given" in answer.text
    assert answer.computation["filters"][0]["operator"] == "missing"
    cites_every_row(qa, answer)
    # "no known lead" is the same condition (it was read as "excludes unknown": the others)
    assert row_names(qa.ask("Which labs have no known lead?")) == {"Boreal Lab", "Elm Lab"}
    assert row_names(qa.ask("Which labs have a lead or host given?")) == {
        "Aurora Lab", "Cedar Lab", "Delta Lab"}


def test_a_flag_on_one_side_and_nothing_on_the_other(qa):
    # "N/A" and "Not available" give no flag; "-g" does
    answer = qa.ask("Which features only have a Fortran flag, with nothing on the C/C++ side?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "list"
    assert row_names(answer) == {"Free format", "Offload"}
    # every feature here has a Fortran flag: "have a Fortran flag" is met, no condition
    assert [f["operator"] for f in answer.computation["filters"]] == ["missing"]
    cites_every_row(qa, answer)


def test_the_cells_that_give_no_value_are_the_same_in_the_query_and_in_python(
        tmp_path_factory):
    from briefqa.tables.execute import Executor
    from briefqa.tables.plan import ColumnRef, Filter, Plan
    from briefqa.tables.presence import is_missing

    cells = ["N/A", "`n/a`", "Unknown.", " - ", "—", "TBD", "Not  available", "**none**",
             "-g", "0", "none of them", "unknown host", "No", "x"]
    lines = ["name,value"] + [f'row{i},"{c}"' for i, c in enumerate(cells)]
    cellqa = assistant_over(tmp_path_factory, "cells", {"cells.csv": "\n".join(lines) + "\n"})
    catalog = cellqa.index.tables
    table = catalog.tables[0]
    ref = ColumnRef(table.name, 1, "value")
    for state in ("missing", "given"):
        result = Executor(catalog).run(Plan((table.name,), "list", (Filter((ref,), state, ""),)))
        got = {r.cells[0] for r in result.rows}
        want = {f"row{i}" for i, c in enumerate(cells) if is_missing(c) == (state == "missing")}
        assert got == want, state
    assert {c for c in cells if is_missing(c)} == {
        "N/A", "`n/a`", "Unknown.", " - ", "—", "TBD", "Not  available", "**none**"}


def test_a_row_whose_asked_cell_is_unknown_is_shown_not_asserted(qa):
    # Elm Lab's row is the likeliest candidate (confidence 0.98), but its lead_or_host says
    # "unknown": it is where the documents speak of it, not who hosts it
    unknown = qa.ask("Who hosts Elm Lab?")
    assert unknown.status == "passages" and not unknown.grounded
    assert "Elm Lab" in unknown.citations[0].quote
    (decided,) = [s.did for s in unknown.trace if s.stage == "decide"]
    assert "gives no value for what is asked (lead_or_host: “unknown”)" in decided
    known = qa.ask("Who hosts Delta Lab?")
    assert known.status == "answered" and "BSC" in known.citations[0].quote


def test_which_values_of_a_column_the_rows_meeting_a_condition_hold(qa):
    # "which countries" of a table of labs: the values of its country column, each with its
    # rows (a count by country, every group with at least one row)
    answer = qa.ask("In which countries are there labs with an unknown lead?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "count_by"
    assert answer.computation["having"] == [">=", 1]
    assert set(answer.short.text.split(", ")) == {"Finland", "Greece"}
    assert row_names(answer) == {"Boreal Lab", "Elm Lab"}
    cites_every_row(qa, answer)
    every = qa.ask("Which countries have labs?")
    assert set(every.short.text.split(", ")) == {"Finland", "Poland", "Spain", "Greece"}
    assert len(every.computation["rows"]) == 5


def test_a_preposition_before_which_still_asks_for_a_list(qa):
    answer = qa.ask("On which queues can I run a job for longer than two days?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "list"
    assert row_names(answer) == {"long"}  # 3 days; normal's is 2 days
    cites_every_row(qa, answer)


def test_one_row_of_a_table_is_not_the_count_or_list_of_its_rows(qa):
    from briefqa.tables.rowanswer import one_of_many

    labs = next(t for t in qa.index.tables.tables if t.source == "labs.csv")
    cells = [("name", "Aurora Lab"), ("country", "Finland"), ("lead_or_host", "CSC"),
             ("confidence", "high")]

    def table_of(question):
        return one_of_many(question, "labs.csv", "Aurora Lab", cells, qa.index.tables)

    assert table_of("How many labs were set up by a university?") == labs.label
    assert table_of("Which labs work with industry partners?") == labs.label
    assert table_of("Which lab works with industry partners?") is None  # one row may be it
    assert table_of("How many GPUs does Aurora Lab have?") is None  # not what the table lists
    assert one_of_many("How many labs were set up by a university?", "other.csv", None,
                       cells, qa.index.tables) is None


def test_the_values_of_a_column_are_not_taken_where_a_bound_is_left_over(qa):
    # "more than one lab" is a bound no filter carries: listing the countries of the labs
    # rated high would drop it
    plans = Linker(qa.index.tables).link(
        "Which countries with a high confidence lab have more than one lab?").plans
    assert not any(p.having == (">=", 1) for p in plans)


def test_how_many_values_of_a_column_the_rows_hold(qa):
    answer = qa.ask("How many countries have labs?")
    assert answer.mode == "computed" and answer.computation["count_values"] is True
    assert answer.short.text == "4"  # Finland (2), Poland, Spain, Greece
    assert len(answer.computation["rows"]) == 5
    cites_every_row(qa, answer)
    # a column of figures is no set of values to count ("how many cores does each have")
    plans = Linker(qa.index.tables).link("How many max jobs does each queue have?").plans
    assert not any(p.count_values for p in plans)
