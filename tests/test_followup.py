"""Follow-up resolution: fragments take the previous question's frame; full questions pass."""

from __future__ import annotations

import pytest

from briefqa.followup import is_fragment, resolve_followup

JUPITER = "What rank does Jupiter hold on the TOP500?"


@pytest.mark.parametrize("fragment, previous, expected", [
    # a new subject in the previous question's frame, whatever the lead-in
    ("and LUMI?", JUPITER, "What rank does LUMI hold on the TOP500?"),
    ("And LUMI?", JUPITER, "What rank does LUMI hold on the TOP500?"),
    ("what about Leonardo?", JUPITER, "What rank does Leonardo hold on the TOP500?"),
    ("How about MareNostrum 5?", JUPITER, "What rank does MareNostrum 5 hold on the TOP500?"),
    ("and what about LUMI", JUPITER, "What rank does LUMI hold on the TOP500?"),
    ("same for LUMI?", JUPITER, "What rank does LUMI hold on the TOP500?"),
    ("and LUMI too?", "Where is Jupiter located?", "Where is LUMI located?"),
    ("LUMI?", JUPITER, "What rank does LUMI hold on the TOP500?"),
    # the subject is found wherever it stands, not the frame's own names (TOP500, GPUs, AI)
    ("and LUMI?", "How many GPUs does MareNostrum 5 have?", "How many GPUs does LUMI have?"),
    ("what about MareNostrum 5?", "What is the peak performance of Leonardo?",
     "What is the peak performance of MareNostrum 5?"),
    ("and CSC?", "Which AI factory is hosted by CINECA?", "Which AI factory is hosted by CSC?"),
    ("what about Alice Recoque?", "When did JUPITER become operational?",
     "When did Alice Recoque become operational?"),
    # a place or time phrase replaces its like, or is added when there is none
    ("and in Italy?", "Which AI factory is in Finland?", "Which AI factory is in Italy?"),
    ("and in Italy?", "Who leads the AI factory in Finland?",
     "Who leads the AI factory in Italy?"),
    ("and Greece?", "Who leads the AI factory in Finland?",
     "Who leads the AI factory in Greece?"),
    ("and in Italy?", "How many AI factories are there?",
     "How many AI factories are there in Italy?"),
    ("and in 2024?", "How many AI factories did the EU select in 2025?",
     "How many AI factories did the EU select in 2024?"),
    ("and 2024?", "How many AI factories did the EU select in 2025?",
     "How many AI factories did the EU select in 2024?"),
])
def test_fragment_takes_the_previous_frame(fragment, previous, expected):
    assert is_fragment(fragment)
    assert resolve_followup(fragment, previous) == expected


@pytest.mark.parametrize("question, previous, expected", [
    ("How many GPUs does it have?", JUPITER, "How many GPUs does Jupiter have?"),
    ("What is its peak performance?", JUPITER, "What is Jupiter’s peak performance?"),
])
def test_it_refers_to_the_previous_subject(question, previous, expected):
    assert resolve_followup(question, previous) == expected


@pytest.mark.parametrize("question", [
    "What is the capital of France?",
    "How many Hopper GPUs does MareNostrum 5 have?",
    "and how many GPUs does LUMI have?",  # a full question after "and"
    "Thanks",
    "Is it true that the factories favour research?",
])
def test_full_questions_pass_unchanged(question):
    assert resolve_followup(question, JUPITER) == question


def test_no_previous_question_means_no_change():
    assert resolve_followup("and LUMI?", None) == "and LUMI?"
    assert resolve_followup("and LUMI?", "") == "and LUMI?"
    assert resolve_followup("  and   LUMI? ", None) == "and LUMI?"


def test_chained_follow_ups_keep_the_frame():
    first = JUPITER
    second = resolve_followup("and LUMI?", first)
    third = resolve_followup("what about Leonardo?", second)
    assert third == "What rank does Leonardo hold on the TOP500?"


def test_a_subject_with_no_slot_is_still_asked_about():
    resolved = resolve_followup("and Germany?", "How many AI factories did the EU select?")
    assert "Germany" in resolved and resolved.startswith("How many AI factories")


def test_odd_input_never_raises():
    for question in ["", "?", "and", "and ?", "what about", "???", "and " + "x " * 50]:
        for previous in [None, "", "?", JUPITER, "what"]:
            assert isinstance(resolve_followup(question, previous), str)
