"""The Python API contract of DESIGN.md, exercised on the real bundled corpus and model."""

import json

import pytest
from conftest import found

from briefqa import Answer, Assistant, Citation, QuestionError

BRIEF = "eu-ai-factories-policy-brief.txt"


def test_answers_a_fact_from_the_brief_with_a_verbatim_citation(assistant):
    ans = assistant.ask("How many Hopper GPUs does MareNostrum 5 have?")

    assert isinstance(ans, Answer)
    assert ans.grounded
    assert "4,480" in ans.text
    assert "[1]" in ans.text
    first = ans.citations[0]
    assert isinstance(first, Citation)
    assert first.id == 1
    assert first.source == BRIEF
    assert first.title == "The European Union’s AI Factories"
    assert first.section == "AI Factories in Focus > Scale and Access"
    assert first.page is None
    assert assistant.source_text(first.source)[first.start:first.end] == first.quote
    assert "4,480 NVIDIA Hopper GPUs" in first.quote


def test_every_marker_in_the_text_has_its_citation(assistant):
    ans = assistant.ask("What rank does Jupiter hold on the TOP500?")
    markers = {int(n) for n in __import__("re").findall(r"\[(\d+)\]", ans.text)}
    assert markers == {c.id for c in ans.citations if not c.related}
    for c in ans.citations:
        text = assistant.source_text(c.source)
        assert text[c.start:c.end] == c.quote
        assert text[c.context_start:c.context_start + len(c.context)] == c.context
        assert c.quote in c.context


def test_to_dict_is_json_safe_and_complete(assistant):
    ans = assistant.ask("When was the policy brief published?")
    data = json.loads(json.dumps(ans.to_dict()))
    assert set(data) >= {"text", "grounded", "citations"}
    for c in data["citations"]:
        assert set(c) >= {"id", "source", "title", "section", "page", "quote", "start", "end"}


def test_unanswerable_question_abstains_with_related_passages_only(assistant):
    ans = assistant.ask("What is the capital of Australia?")
    assert not ans.grounded and ans.status in ("passages", "not_found")
    assert "do not answer" in ans.text or "may not answer" in ans.text
    assert "[1]" not in ans.text
    assert len(ans.citations) <= 3
    assert all(c.related for c in ans.citations)


def test_figures_that_disagree_name_their_document(assistant):
    brief = assistant.ask("According to the brief, what peak performance does LUMI reach?")
    assert found(brief, "531,51"), brief.text
    assert brief.citations[0].source == BRIEF


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "?!?"])
def test_empty_questions_are_refused_clearly(assistant, question):
    with pytest.raises(QuestionError, match="empty|no words"):
        assistant.ask(question)


def test_very_long_question_is_refused_with_the_limit(assistant):
    with pytest.raises(QuestionError, match="limit"):
        assistant.ask("How many GPUs? " * 2000)


def test_any_unicode_is_accepted(assistant):
    for question in ("Πόσες GPU έχει το LUMI;", "Колко AI фабрики има?", "🤖 AI factories?"):
        ans = assistant.ask(question)
        assert isinstance(ans.text, str) and ans.text


def test_sources_lists_the_bundled_documents(assistant):
    sources = {s.source: s for s in assistant.sources()}
    assert BRIEF in sources
    assert "european-ai-infrastructure-map/it4lia_infrastructure.csv" in sources
    assert "README.md" not in sources
    assert sources[BRIEF].units > 100
    assert sources[BRIEF].title == "The European Union’s AI Factories"


def test_unknown_source_text_is_a_clear_error(assistant):
    from briefqa import BriefqaError

    with pytest.raises(BriefqaError, match="no indexed document"):
        assistant.source_text("nope.txt")


def test_reopening_an_up_to_date_index_rebuilds_nothing(corpus_copy, index_dir, assistant):
    again = Assistant.open(corpus_dir=corpus_copy, index_dir=index_dir)
    report = again.last_refresh
    assert report is not None and not report.touched
    assert again.ask("How many Hopper GPUs does MareNostrum 5 have?").text == \
        assistant.ask("How many Hopper GPUs does MareNostrum 5 have?").text
