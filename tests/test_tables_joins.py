"""Joins (issue 15): one table's rows with a condition on another table's rows, "labs in a
country that also hosts a cluster", "clusters in a country with no lab", "labs built on a
cluster that also appears in the clusters CSV". The clause that names the other table becomes
the plan's join; every row counted and every row of the other table it matched is cited. The
other table's cells the clause names restrict its rows; a clause with conditions nothing in the
tables holds is not read as a join.
Built on a small corpus of its own."""

from __future__ import annotations

import pytest
from conftest import assistant_over, cites_every_row, row_names

LABS_CSV = ("name,country,base_system,notes\n"
            "Aurora Lab,Finland,Oak + new AI partition,First wave\n"
            "Boreal Lab,Finland,New AI system,First wave\n"
            "Cedar Lab,Poland,Pine and cloud services,Second wave\n"
            "Delta Lab,Spain,unknown,Second wave\n"
            "Elm Lab,Greece,Yew upgrade,First wave\n")
CLUSTERS_CSV = ("name,country,vendor,class\n"
                "Oak,Finland,HPE,Exascale (~1 EF)\n"
                "Pine,Italy,Atos,Pre-exascale (~240 PF)\n"
                "Fir,Spain,HPE,Petascale\n"
                "Yew,Portugal,Lenovo,Petascale\n")


SITES_MD = """# Sites

## Pilot sites (2024 round)

| Site | Country |
| --- | --- |
| North | Finland |
| South | Spain |

## Follow-up sites (2025 round)

| Site | Country |
| --- | --- |
| East | Portugal |
| West | Italy |
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return assistant_over(tmp_path_factory, "joins", {
        "labs.csv": LABS_CSV,
        "clusters.csv": CLUSTERS_CSV,
        "sites.md": SITES_MD,
    })


def _cited_quotes(answer) -> str:
    return " | ".join(c.quote for c in answer.citations)


def _asserted_join(answer) -> bool:
    """Whether the answer asserts a computed result over a join."""
    return answer.mode == "computed" and answer.status == "answered" and \
        bool(answer.computation and answer.computation.get("joins"))


def test_rows_in_a_country_that_another_table_also_has(qa):
    a = qa.ask("How many labs in the labs CSV are in a country that also hosts one of the "
               "clusters in the clusters CSV?")
    assert a.mode == "computed" and a.status == "answered", a.text
    assert a.short.text == "3"
    assert row_names(a) == {"Aurora Lab", "Boreal Lab", "Delta Lab"}
    join = a.computation["joins"][0]
    assert (join["column"], join["other_column"], join["negate"]) == ("country", "country",
                                                                      False)
    quotes = _cited_quotes(a)
    assert "name: Oak;" in quotes and "name: Fir;" in quotes  # the clusters matched, cited
    assert "name: Pine;" not in quotes  # Italy has no lab: not used, not cited
    assert "clusters.csv" in a.text
    cites_every_row(qa, a)


def test_rows_in_a_country_the_other_table_has_none_in(qa):
    a = qa.ask("Which clusters in the clusters CSV are in a country with no lab at all in "
               "the labs CSV?")
    assert a.mode == "computed" and a.status == "answered", a.text
    assert row_names(a) == {"Pine", "Yew"}
    assert a.computation["joins"][0]["negate"] is True
    assert "no row of" in a.text
    cites_every_row(qa, a)


def test_rows_whose_cell_names_a_row_of_the_other_table(qa):
    a = qa.ask("Which labs in the labs CSV are built on a cluster that also appears in the "
               "clusters CSV?")
    assert a.mode == "computed" and a.status == "answered", a.text
    # "Oak + new AI partition" holds Oak, "Pine and cloud services" Pine, "Yew upgrade" Yew
    assert row_names(a) == {"Aurora Lab", "Cedar Lab", "Elm Lab"}
    assert a.computation["joins"][0]["other_column"] == "name"
    for cluster in ("Oak", "Pine", "Yew"):
        assert f"name: {cluster};" in _cited_quotes(a)
    cites_every_row(qa, a)


def test_the_other_tables_cells_the_clause_names_restrict_its_rows(qa):
    # "exascale" is a whole word of "Exascale (~1 EF)", not of "Pre-exascale (~240 PF)"
    a = qa.ask("How many labs in the labs CSV are in a country whose cluster in the clusters "
               "CSV is an exascale system?")
    assert a.mode == "computed" and a.status == "answered", a.text
    assert row_names(a) == {"Aurora Lab", "Boreal Lab"}  # Finland, where Oak is
    assert a.computation["joins"][0]["filters"][0]["value"].lower() == "exascale"
    assert "name: Oak;" in _cited_quotes(a) and "name: Pine;" not in _cited_quotes(a)


def test_a_clause_with_conditions_nothing_in_the_tables_holds_is_not_a_join(qa):
    # "quantum annealer": no cell, name or column of either table says it
    a = qa.ask("How many labs are in a country whose cluster is a quantum annealer?")
    assert not _asserted_join(a), a.text


def test_a_question_without_a_clause_about_another_table_is_planned_as_before(qa):
    a = qa.ask("How many labs in the labs CSV are in Finland?")
    assert a.mode == "computed" and a.short.text == "2"
    assert "joins" not in a.computation


def test_a_clause_naming_a_family_of_tables_picks_one_only_by_its_own_words(qa):
    pilot = next(t for t in qa.index.tables.tables if "Pilot" in t.title)
    assert len(qa.index.tables.family(pilot)) == 2  # the two rounds' tables, read as one list
    # "a pilot site": the first table of the family, by a word only its title has
    a = qa.ask("Which clusters in the clusters CSV are in a country with no pilot site?")
    assert a.mode == "computed" and row_names(a) == {"Pine", "Yew"}, a.text
    # "a site": either table (the family, read whole, would be needed): not one of them
    b = qa.ask("Which clusters in the clusters CSV are in a country with no site?")
    assert not _asserted_join(b), b.text


def test_groups_counted_among_those_with_or_without_rows_of_another_table(qa):
    # labs by country, only the countries that host a cluster (Finland, Spain: not Poland,
    # not Greece); the clause ends before the count's own verb
    answer = qa.ask("Which countries that host a cluster have more than one lab?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "count_by"
    assert answer.computation["having"] == [">", 1] and answer.computation["joins"]
    assert answer.short.text == "Finland"  # Aurora and Boreal; Spain has one
    cites_every_row(qa, answer)
    most = qa.ask("Which country without a cluster has the most labs?")
    assert most.mode == "computed" and most.computation["joins"][0]["negate"] is True
    assert set(most.short.text.split(", ")) == {"Poland", "Greece"}  # one lab each
    assert "whose country matches the country of no row of" in most.text
    assert "(1 each)" in most.text



def test_either_of_two_values_across_a_family_of_tables(qa):
    # Finland stands only in the pilot table, Italy only in the follow-up one: either of
    # them, over both tables read as one list (they were two conditions that both had to hold)
    answer = qa.ask("Which sites are in Finland or Italy?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "list"
    assert row_names(answer) == {"North", "West"}
    cites_every_row(qa, answer)


def test_a_period_that_one_table_of_a_family_states_lists_its_rows(qa):
    # "2025 round" is in the follow-up table's name only: its rows are the ones asked for
    answer = qa.ask("Which sites were chosen in 2025?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "list"
    assert row_names(answer) == {"East", "West"}
    cites_every_row(qa, answer)


def test_a_question_that_negates_gets_only_plans_that_negate(qa):
    # "not in the 2025 round yet" was dropped: every site was counted
    from briefqa.tables.linker import Linker

    for question in ("How many sites are not in the 2025 round yet?",
                     "How many labs are not first wave?"):
        for plan in Linker(qa.index.tables).link(question).plans:
            assert any(f.operator in ("!=", "excludes", "not in", "missing")
                       for f in plan.filters) or any(j.negate for j in plan.joins), question
