"""Properties of the text pipeline (hypothesis): whatever text comes in, nothing crashes, and
every offset points at exactly the text it claims (source_text[start:end] == quote)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import found
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefqa import Assistant, DocumentError, QuestionError
from briefqa.answer import normalise_question
from briefqa.chunk import chunk_document, split_sentences
from briefqa.ingest import Document, decode_text, parse_document

FRAGMENTS = [
    "# Title\n", "## Section two\n", "### Deep\n", "\n\n", "\n", "- item\n", "* star item\n",
    "1. first\n", "-\n", "| a | b |\n| --- | --- |\n| 1 | 2 |\n", "| x |\n", "```\ncode()\n```\n",
    "```\nunclosed", "!!! note \"Caption\"\n    body text\n", "> quoted line\n", "---\n",
    "<p>", "</p>", "<h2>Head</h2>", "<script>x<y</script>", "<!--", "-->", "<![", "&amp;",
    "&#x41;", "&bogus;", "[link](http://127.0.0.1/x)", "![img](a.png)", "**bold**", "__u__",
    "`tick`", "Dr. Smith", "e.g. ", "U.S. ", "3.14 ", "...", "!?", "“Quoted.” ", "(Paren.) ",
    "\t", "\r\n", "\r", "\x0c", "\x00", "\x1b[0m", "Ελληνικά κείμενα. ", "Кирилица тук! ",
    "漢字の文。", "🤖 ", "\u200b", "\ufeff", "\u202e", "a,b;c\n", '"x,y",z\n', '"open quote\n',
    " " * 50, "x" * 1500, "word " * 300,
]
SENTENCES = [
    "The Zephyr cluster has 512 GPUs in Tampere. ", "The Beta archive keeps 40 PB of tape. ",
    "Jupiter in Jülich hosts 24,000 superchips. ", "It opened in March 2024. ",
]
TEXT_CHARS = st.characters(blacklist_categories=("Cs",))  # files hold no lone surrogates
document_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.sampled_from(SENTENCES),
              st.text(TEXT_CHARS, max_size=40)), max_size=30).map("".join)
SUFFIXES = [".txt", ".md", ".html", ".csv"]


def offsets_hold(document: Document) -> None:
    text = document.text
    for block in document.blocks:
        assert 0 <= block.start <= block.end <= len(text)
    for unit in chunk_document(document):
        assert 0 <= unit.context_start <= unit.start <= unit.end <= unit.context_end <= len(text)
        assert text[unit.start:unit.end] == unit.text and unit.text.strip()
        assert unit.source == document.source
    json.dumps(document.to_dict(), ensure_ascii=False).encode("utf-8")


@given(st.binary(max_size=3000))
@settings(max_examples=300, deadline=None)
def test_any_bytes_decode_to_clean_text_or_a_clear_refusal(data):
    try:
        text = decode_text(data, "x.txt")
    except DocumentError as exc:
        assert str(exc).startswith("x.txt: ")
        return
    assert "\r" not in text
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in text)


@given(document_text, st.sampled_from(SUFFIXES))
@settings(max_examples=400, deadline=None)
def test_any_text_in_any_format_reads_with_valid_offsets(text, suffix):
    try:
        document = parse_document(text.encode("utf-8"), f"doc{suffix}", suffix)
    except DocumentError as exc:
        assert str(exc).startswith(f"doc{suffix}: ")
        return
    offsets_hold(document)


@given(st.binary(max_size=2000), st.sampled_from([*SUFFIXES, ".pdf"]))
@settings(max_examples=200, deadline=None)
def test_any_bytes_in_any_format_read_or_are_refused_by_name(data, suffix):
    try:
        document = parse_document(data, f"doc{suffix}", suffix)
    except DocumentError as exc:
        assert str(exc).startswith(f"doc{suffix}: ")
        return
    offsets_hold(document)


@given(st.text(max_size=400), st.integers(0, 50))
@settings(max_examples=300, deadline=None)
def test_sentences_are_ordered_trimmed_and_inside_the_text(text, offset):
    spans = split_sentences(text, offset)
    previous_end = offset
    for start, end in spans:
        assert previous_end <= start < end <= offset + len(text)
        piece = text[start - offset:end - offset]
        assert piece == piece.strip() and any(ch.isalnum() or ch == "_" for ch in piece)
        previous_end = end


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_question_normalises_or_is_refused(question):
    try:
        text = normalise_question(question, 200)
    except QuestionError:
        return
    assert text and len(text) <= 200 and text == " ".join(text.split())


def citations_hold(qa: Assistant, answer) -> None:
    for c in answer.citations:
        source = qa.source_text(c.source)
        assert source[c.start:c.end] == c.quote
        assert source[c.context_start:c.context_start + len(c.context)] == c.context
    json.dumps(answer.to_dict())


corpus_words = st.lists(st.sampled_from(
    ["how", "many", "GPUs", "MareNostrum", "LUMI", "Jupiter", "factory", "factories", "AI",
     "Finland", "Italy", "exascale", "when", "which", "consortia", "startups", "the", "of",
     "what", "is", "Leonardo", "budget", "EuroHPC", "?", "Ελλάδα", "🤖", "-", "'"]),
    min_size=1, max_size=12).map(" ".join)


@given(st.one_of(st.text(max_size=200), corpus_words))
@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_question_gets_citations_that_quote_their_source_exactly(assistant, question):
    try:
        answer = assistant.ask(question)
    except QuestionError:
        return
    citations_hold(assistant, answer)


@pytest.fixture(scope="module")
def scratch_qa(tmp_path_factory):
    """One Assistant whose corpus each example replaces (so the model loads once)."""
    root = tmp_path_factory.mktemp("generated")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "seed.txt").write_text("Seed\nThe Zephyr cluster has 512 GPUs in Tampere.\n")
    return Assistant.open(corpus_dir=corpus, index_dir=root / "index")


@given(st.lists(st.tuples(document_text, st.sampled_from(SUFFIXES)), min_size=1, max_size=4),
       st.lists(corpus_words, min_size=1, max_size=3))
@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
def test_generated_documents_index_and_answer_with_exact_citations(scratch_qa, documents,
                                                                  questions):
    corpus: Path = scratch_qa.settings.corpus_dir
    for old in corpus.iterdir():
        if old.name != "seed.txt":
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    for n, (text, suffix) in enumerate(documents):
        (corpus / f"generated-{n}{suffix}").write_text(text, encoding="utf-8")
    report = scratch_qa.refresh()
    expected = {f"generated-{n}{suffix}" for n, (_t, suffix) in enumerate(documents)}
    assert {s.source for s in scratch_qa.sources()} | set(report.skipped) == expected | {"seed.txt"}
    for question in [*questions, "How many GPUs does the Zephyr cluster have?"]:
        try:
            answer = scratch_qa.ask(question)
        except QuestionError:
            continue
        citations_hold(scratch_qa, answer)
    assert found(scratch_qa.ask("How many GPUs does the Zephyr cluster have?"), "512")
