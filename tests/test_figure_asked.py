"""A figure asked for must be stated, and be the figure of the thing asked about
(`briefqa.extractive.figure_unstated`): the likeliest sentence is shown as passages, not
asserted, when it states no figure in the units of the measure asked ("how long does the
helpdesk take?" of "a few person-days" of help), or when it enumerates several things with
their own terms and the figures are the others' ("how many GPU hours with the trial tier?" of
a sentence where only the fast and the large tiers have GPU hours; "how much has Norway
pledged?" of "the $300 billion campus in Texas, the £60 million machine in York, or Norway's
pledge ..."), nor only the question's own figure ("how much of the 2 billion euros ...?"),
nor a phone number, email address, port or web address asked for;
no day for "on what date" ("2025–2027 rolling cut-offs"), no year for "in what
year" (a row that gives none), no number beyond the question's own for "how many", no price
for "how much does it cost" (but "free of charge" is one), nor one in the currency asked ("in
euros" of "£40 million"); or when the sentence only announces what follows it ("... these
three levels:") and the answer does not go on with the list's items, or goes on from one before
it that a code block interrupted ("and then switch ...")."""

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

## Accounts

If you have lost your password, it can be reset through the different portals, depending on
the centre that granted your access:

- North centre: the north portal;
- South centre: the south portal.

## Prices

The trial tier is free of charge for every project. The large tier is priced by agreement with
each company. The new hub in Leeds cost £40 million to build.

## Compilers

The compilers come with the `PrgEnv-tarn` module. To use another version, list them with

```bash
$ module avail tarncc
```

and then switch to the desired version using

```bash
$ module swap tarncc tarncc/<version>
```

## Contact

Technical support answers at support@tarn.example, by email only. The login nodes accept SSH
connections on port 22.

## Hubs

With the considerable sum of 2 billion euros already invested in regional hubs, hopes are high
for the regions.

## Abroad

Others invest too, such as the $300 billion campus in Texas, the £60 million machine in York,
or Norway's pledge to its national research network.

## Machines

| Machine | Site   | Class     | Notes                       |
| ------- | ------ | --------- | --------------------------- |
| Orca    | Bergen | Flagship  | opened in 2021; HPE Cray EX |
| Pike    | Turku  | Regional  | BullSequana XH2000          |

## Nodes

Jobs requesting 64 cores per node will never run on the GPU nodes.

## Network

The network of the cluster can be summarized as these three levels:

- nodes in a chassis share one switch;
- chassis in a cabinet are joined by copper cables;
- cabinets are joined by optical cables.
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
    for question in ("How long does the support team take to answer a ticket?",
                     "How quickly does the support team usually reply to a ticket?"):
        answer = qa.ask(question, answerer=forced)
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


def test_a_number_asked_for_must_be_more_than_the_question_s_own(guide):
    qa, forced = guide
    answer = qa.ask("My job requests 64 cores per node and never starts on the GPU nodes. How "
                    "many cores per node can jobs use there?", answerer=forced)
    assert answer.status == "passages"
    assert "no number is stated beyond the question's own" in _compose(answer)


def test_a_price_asked_for_must_be_stated(guide):
    qa, forced = guide
    answer = qa.ask("How much does the large tier cost a company?", answerer=forced)
    assert answer.status == "passages"
    assert "no figure of the measure asked (money)" in _compose(answer)
    answer = qa.ask("How much does the trial tier cost a project?", answerer=forced)
    assert answer.status == "answered" and "free of charge" in answer.text


def test_a_sentence_that_announces_what_follows_is_quoted_with_it(guide):
    """"... these three levels:" answers with the levels listed after it (enumeration.py)."""
    qa, forced = guide
    answer = qa.ask("The network is described in three levels. What makes up each level?",
                    answerer=forced)
    assert answer.status == "answered"
    quotes = [c.quote for c in answer.citations]
    at = next(n for n, q in enumerate(quotes) if q.endswith("these three levels:"))
    assert quotes[at + 1:at + 4] == ["nodes in a chassis share one switch;",
                                     "chassis in a cabinet are joined by copper cables;",
                                     "cabinets are joined by optical cables."]
    answer = qa.ask("I have lost my password. Where can I reset it?", answerer=forced)
    assert answer.status == "answered"  # "... through the different portals, depending ...:"
    assert any("north portal" in c.quote for c in answer.citations)
    assert any("south portal" in c.quote for c in answer.citations)


def test_a_sentence_that_announces_what_follows_is_no_answer_alone():
    from types import SimpleNamespace as Unit

    from briefqa.enumeration import announces_unfollowed

    lead = Unit(text="The network can be summarized as these three levels:", kind="paragraph",
                source="guide.md", start=0, end=52)
    item = Unit(text="nodes share one switch;", kind="list_item", source="guide.md", start=56,
                end=79)
    other = Unit(text="The scratch area is cleaned every 90 days.", kind="paragraph",
                 source="guide.md", start=200, end=242)
    assert announces_unfollowed([lead])
    assert announces_unfollowed([lead, other])
    assert not announces_unfollowed([lead, item])
    assert not announces_unfollowed([other, lead])  # only the first sentence leads


def test_a_price_in_the_currency_asked(guide):
    qa, forced = guide
    answer = qa.ask("What did the new hub in Leeds cost to build, in euros?", answerer=forced)
    assert answer.status == "passages"
    assert "the question asks in euros" in _compose(answer)
    answer = qa.ask("What did the new hub in Leeds cost to build?", answerer=forced)
    assert answer.status == "answered" and "£40 million" in answer.text


@pytest.mark.parametrize("question, asserted", [
    ("How much money has Norway pledged to its national research network?", None),
    ("How much does the York machine cost?", "£60 million"),
])
def test_the_figures_of_another_item_of_any_enumeration(guide, question, asserted):
    from briefqa.question import figure_of_another_item

    text = ("Others invest too, such as the $300 billion campus in Texas, the £60 million "
            "machine in York, or Norway's pledge to its national research network.")
    assert (figure_of_another_item(question, text) is None) == bool(asserted)
    qa, forced = guide
    answer = qa.ask(question, answerer=forced)
    if asserted:
        assert answer.status == "answered" and asserted in answer.text
    else:
        assert answer.status == "passages" and "not those of" in _compose(answer)


def test_a_year_asked_for_must_be_stated(guide):
    qa, forced = guide
    answer = qa.ask("In what year did the Pike machine in Turku open?", answerer=forced)
    assert answer.status != "answered" and not answer.grounded
    answer = qa.ask("In what year did the Orca machine in Bergen open?", answerer=forced)
    assert answer.status == "answered" and "2021" in answer.text


def test_the_question_s_own_figure_is_no_answer(guide):
    qa, forced = guide
    answer = qa.ask("How much of the 2 billion euros invested in regional hubs went to the "
                    "northern region?", answerer=forced)
    assert answer.status == "passages"
    assert "are the question's own" in _compose(answer)
    answer = qa.ask("How much money has been invested in regional hubs?", answerer=forced)
    assert answer.status == "answered" and "2 billion euros" in answer.text


def test_a_phone_number_asked_for_must_be_stated(guide):
    qa, forced = guide
    answer = qa.ask("What phone number do I call for technical support?", answerer=forced)
    assert answer.status == "passages"
    assert "no phone number is stated" in _compose(answer)
    answer = qa.ask("What email address do I write to for technical support?", answerer=forced)
    assert answer.status == "answered" and "support@tarn.example" in answer.text
    answer = qa.ask("Which port do SSH connections to the login nodes use?", answerer=forced)
    assert answer.status == "answered" and "port 22" in answer.text


def test_a_sentence_that_goes_on_from_one_before_is_no_answer_alone(guide):
    qa, forced = guide
    answer = qa.ask("How do I switch to another version of the tarncc compiler?", answerer=forced)
    assert answer.status == "passages"
    assert "goes on from one before it" in _compose(answer)


def test_a_sentence_that_ends_on_is_and_a_colon_announces_too():
    from types import SimpleNamespace

    from briefqa.extractive import figure_unstated

    def unit(text):
        return SimpleNamespace(text=text, kind="sentence")

    question = "sbatch rejects my job with 'Invalid account'. What are the usual culprits?"
    assert "announces what follows" in figure_unstated(
        question, [unit("The most common causes are:")])
    # a sentence that answers and only ends on a colon before its details still answers
    assert figure_unstated("On which days is the helpdesk open?", [unit(
        "The helpdesk is open every weekday from Monday to Friday except bank holidays:")]) \
        is None
