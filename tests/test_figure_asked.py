"""A figure asked for must be stated, and be the figure of the thing asked about
(`briefqa.extractive.figure_unstated`): the likeliest sentence is shown as passages, not
asserted, when it states no figure in the units of the measure asked ("how long does the
helpdesk take?" of "a few person-days" of help), or when it enumerates several things with
their own terms and the figures are the others' ("how many GPU hours with the trial tier?" of
a sentence where only the fast and the large tiers have GPU hours), or no day for "on what
date" ("2025–2027 rolling cut-offs")."""

from __future__ import annotations

import pytest

GUIDE = """# Access to the cluster

## Access tiers

Access comes in three tiers: the trial tier which opens one partition within 2 working days,
the fast tier which grants up to 20,000 GPU hours for at most 3 months, and the large tier which
involves more than 20,000 GPU hours for 6 or 12 months.

## Support

The support team offers each project help on the order of a few person-days, including the
answering of tickets.

## Storage

Scratch files are removed after 30 days without access.

## Calls

The large call (2025–2027 rolling cut-offs) is open to companies. The small call closes on
12 March 2026.
"""


@pytest.fixture(scope="module")
def guide(tmp_path_factory):
    from briefqa import Assistant

    corpus = tmp_path_factory.mktemp("figures")
    (corpus / "access.md").write_text(GUIDE, encoding="utf-8")
    qa = Assistant.open(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("index"))
    return qa, qa.forced_answerer()


def _compose(answer) -> str:
    return next(s for s in answer.trace if s.stage == "compose").did


def test_the_figures_of_another_item_are_not_asserted(guide):
    qa, forced = guide
    answer = qa.ask("How many GPU hours do you get with the trial tier?", answerer=forced)
    assert answer.status == "passages" and not answer.grounded
    assert "not those of “trial”" in _compose(answer)
    assert any("trial tier" in c.quote for c in answer.citations)  # shown where it speaks


def test_the_figure_of_the_item_asked_is_asserted(guide):
    qa, forced = guide
    answer = qa.ask("How many GPU hours can I get with the fast tier?", answerer=forced)
    assert answer.status == "answered" and "20,000 GPU hours" in answer.text


def test_work_in_person_days_is_no_time(guide):
    qa, forced = guide
    answer = qa.ask("How long does the support team take to answer a ticket?", answerer=forced)
    assert answer.status == "passages"
    assert "no figure of the measure asked (time)" in _compose(answer)
    answer = qa.ask("How long are scratch files kept without access?", answerer=forced)
    assert answer.status == "answered" and "30 days" in answer.text


def test_a_day_asked_for_must_be_stated(guide):
    qa, forced = guide
    answer = qa.ask("On what exact date is the next rolling cut-off of the large call for "
                    "companies?", answerer=forced)
    assert answer.status == "passages"
    assert "no day is stated" in _compose(answer)
    answer = qa.ask("On what date does the small call close?", answerer=forced)
    assert answer.status == "answered" and "12 March 2026" in answer.text
