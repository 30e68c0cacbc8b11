"""The chat's formatting (markers, sources, escaping) and handlers, without a browser."""

from __future__ import annotations

import socket
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from briefqa import DocumentError, QuestionError, Settings
from briefqa.answer import NOT_ANSWERED, Answer, Citation
from briefqa.index import SourceInfo
from briefqa.ui import (
    KEEP_DRAFT,
    MAX_RELATED,
    ChatApp,
    Session,
    answer_markdown,
    render_about,
    render_answer,
    render_sources,
    render_text_with_markers,
    split_context,
)

EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> & "q" \'s'
# Everything the renderer itself may emit; document text must never add to it.
OUR_TAGS = {"div", "p", "a", "details", "summary", "span", "mark", "button", "pre", "q",
            "table", "thead", "tbody", "tfoot", "tr", "th", "td"}


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def parse(markup: str) -> Tags:
    parser = Tags()
    parser.feed(markup)
    parser.close()
    return parser


def assert_inert(markup: str) -> None:
    """Only our own tags, and no event-handler or script-bearing attribute anywhere."""
    parsed = parse(markup)
    for tag, attrs in parsed.tags:
        assert tag in OUR_TAGS, f"unexpected <{tag}> in {markup[:200]}"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name} on <{tag}>"
            assert "javascript:" not in (value or "")
    assert "<script" not in markup and "<img" not in markup


def citation(n=1, *, text="Jupiter in Jülich is #4 on the TOP500.", before="As of June 2025, ",
             after=" LUMI is #9.", related=False, **changes) -> Citation:
    context = before + text + after
    start = 1000 + len(before)
    values = dict(id=n, source="eu-ai-factories-policy-brief.txt",
                  title="The European Union’s AI Factories",
                  section="AI Factories in Focus > Scale and Access", page=None, quote=text,
                  start=start, end=start + len(text), context=context, context_start=1000,
                  related=related, score=0.8)
    values.update(changes)
    return Citation(**values)


def grounded(*citations: Citation, question="What rank does Jupiter hold?") -> Answer:
    text = " ".join(f"{' '.join(c.quote.split())} [{c.id}]" for c in citations)
    return Answer(question, text, True, list(citations), confidence=0.8)


def abstained(n=3, question="What is the capital of Mongolia?") -> Answer:
    related = [citation(i + 1, text=f"Unrelated sentence {i}.", related=True) for i in range(n)]
    return Answer(question, NOT_ANSWERED, False, related, confidence=0.1)


# ---------------------------------------------------------------------------------------------
# Markers and sources


def test_markers_become_links_to_their_sources():
    out = render_text_with_markers("Jupiter is #4 [1] and LUMI #9 [2].", {1, 2})
    assert out.count('class="bq-ref bq-ref-') == 2
    assert "bq-ref-1" in out and "bq-ref-2" in out


def test_only_known_markers_are_linked_and_text_is_escaped():
    out = render_text_with_markers("See note[3] and <b>bold</b> [7] [1]", {1})
    assert "bq-ref-7" not in out and "[7]" in out        # no such citation: left as text
    assert "note[3]" in out                                # a document's own footnote
    assert "&lt;b&gt;bold&lt;/b&gt;" in out and "<b>" not in out
    assert "bq-ref-1" in out


def test_a_cited_answer_shows_numbered_sources_with_title_section_and_quote():
    c1 = citation(1)
    c2 = citation(2, text="LUMI in Kajaani is #9.", source="european-ai-infrastructure-map/MAP.md",
                  title="European AI Infrastructure Map", section=None, page=None)
    out = render_answer(grounded(c1, c2))
    parsed = parse(out)
    assert out.count("<details") == 2 and out.count("<summary>") == 2
    assert "Sources" in out and "Related (not an answer)" not in out
    assert "The European Union’s AI Factories" in out
    assert "AI Factories in Focus &gt; Scale and Access" in out
    assert "european-ai-infrastructure-map/MAP.md" in out
    assert "“Jupiter in Jülich is #4 on the TOP500.”" in out
    classes = [dict(a).get("class") for t, a in parsed.tags if t == "details"]
    assert classes == ["bq-source bq-src-1", "bq-source bq-src-2"]
    assert_inert(out)


def test_the_short_answer_comes_first_and_a_disagreement_is_noted():
    from briefqa.answer import Disagreement, Span

    c1 = citation(1)
    c2 = citation(2, text="LUMI: <b>~380 PF</b>.", source="european-ai-infrastructure-map/MAP.md",
                  title="European AI Infrastructure Map", section=None)
    answer = grounded(c1, c2)
    answer.short = Span("#4", 1, c1.start + 23, c1.start + 25)
    answer.disagreements = [Disagreement("lumi", [Span("#4", 1, 0, 2), Span("~380 PF", 2, 0, 7)])]
    answer.notes = ["The documents differ: #4 in “The European Union’s AI Factories” [1], "
                    "<b>~380 PF</b> in “European AI Infrastructure Map” [2]."]
    out = render_answer(answer)
    short, sentences = out.index('class="bq-short"'), out.index('class="bq-text"')
    assert short < sentences  # the figure before the sentences
    assert '<span class="bq-short-text">#4</span>' in out and "bq-ref-1" in out[short:sentences]
    assert "The documents differ" in out and "&lt;b&gt;~380 PF&lt;/b&gt;" in out
    assert_inert(out)
    markdown = answer.to_markdown()
    assert markdown.startswith("**#4** [1]") and "_The documents differ" in markdown


def test_the_page_of_a_pdf_source_is_shown():
    out = render_answer(grounded(citation(1, source="brief.pdf", page=7)))
    assert "p. 7" in out


def test_the_quote_is_highlighted_inside_its_context():
    c = citation(1)
    assert split_context(c) == ("As of June 2025, ", c.quote, " LUMI is #9.")
    out = render_answer(grounded(c))
    assert ('<div class="bq-context">As of June 2025, <mark class="bq-mark">Jupiter in Jülich '
            'is #4 on the TOP500.</mark> LUMI is #9.</div>') in out


def test_a_context_whose_offsets_disagree_still_highlights_the_quote():
    c = citation(1)
    c.context_start += 5  # offsets off: the quote is still found in the passage
    assert split_context(c)[1] == c.quote
    c.context = ""  # no passage at all: the quote alone
    assert split_context(c) == ("", c.quote, "")


def test_an_unanswered_question_says_so_and_marks_related_passages():
    out = render_answer(abstained(5))
    assert NOT_ANSWERED in out
    assert "bq-abstained" in out and "Sources</div>" not in out
    assert out.count("Related (not an answer)") == MAX_RELATED
    assert out.count("<details") == MAX_RELATED
    assert "bq-ref" not in out
    assert_inert(out)


def test_a_follow_up_shows_how_it_was_read():
    answer = grounded(citation(1), question="What rank does LUMI hold on the TOP500?")
    out = render_answer(answer, asked="and LUMI?")
    assert "Read as:" in out and "What rank does LUMI hold on the TOP500?" in out
    assert "Read as:" not in render_answer(answer, asked=answer.question)


def test_copy_markdown_has_question_answer_and_sources():
    answer = grounded(citation(1), question="What rank does LUMI hold on the TOP500?")
    md = answer_markdown(answer, asked="and LUMI?")
    assert md.startswith("**Q:** and LUMI?")
    assert "read as: What rank does LUMI hold on the TOP500?" in md
    assert "[1]" in md and "> Jupiter in Jülich is #4 on the TOP500." in md
    out = render_answer(answer, asked="and LUMI?")
    assert 'class="bq-copy"' in out and '<pre class="bq-md" hidden>' in out


# ---------------------------------------------------------------------------------------------
# Escaping: document text is data


def test_markup_in_every_document_field_is_escaped():
    c = citation(1, text=EVIL, before=EVIL + " ", after=" " + EVIL, title=EVIL, section=EVIL,
                 source=f"uploads/{EVIL}.txt")
    for answer in (grounded(c, question=EVIL), Answer(EVIL, NOT_ANSWERED, False,
                                                      [citation(1, related=True, title=EVIL,
                                                                text=EVIL)])):
        out = render_answer(answer, asked=EVIL + "?")
        assert_inert(out)
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in out
        assert "&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;" in out
        # shown as the very text of the document
        assert EVIL in "".join(parse(out).text)


def test_markup_in_questions_and_notices_is_escaped():
    app = ChatApp(StubAssistant(), Settings())
    steps = list(app.ask(EVIL, Session()))
    for message in steps[-1][1]:
        assert_inert(message["content"])


def test_documents_panel_and_about_are_escaped_and_complete():
    sources = [SourceInfo("eu-ai-factories-policy-brief.txt", "The European Union’s AI Factories",
                          189, 35050, "txt"),
               SourceInfo(f"uploads/{EVIL}.txt", EVIL, 3, 2_500_000, "txt")]
    out = render_sources(sources)
    assert_inert(out)
    assert "34.2 KB" in out and "2.4 MB" in out and "189" in out
    assert "2 documents" in out
    settings = Settings(corpus_dir=Path("corpus"), index_dir=Path("index"), password="secret",
                        username="staff")
    about = render_about(settings, units=333, documents=5, manifest={"built_at": "2026-11-25"})
    assert_inert(about)
    for expected in ("corpus", "index", "bundled all-MiniLM-L6-v2", "333", "2026-11-25",
                     "required"):
        assert expected in about
    assert "secret" not in about


# ---------------------------------------------------------------------------------------------
# The handlers, on a stand-in assistant


class StubAssistant:
    """Answers like the real one, from canned behaviour; records what it was asked."""

    def __init__(self, delay_for: str = "slow", delay: float = 0.0) -> None:
        self.settings = Settings(upload_max_bytes=1000)
        self.asked: list[str] = []
        self.added: list[tuple[str, int]] = []
        self.delay_for, self.delay = delay_for, delay
        # The slow question waits for this (or for `delay`), so a test decides when it ends.
        self.release = threading.Event()
        self.manifest = {"built_at": "2026-11-25T12:00:00Z"}
        self.unit_count = 10

    def ask(self, question: str) -> Answer:
        self.asked.append(question)
        if not question.strip():
            raise QuestionError("the question is empty: type a question about the documents")
        if "boom" in question:
            raise RuntimeError("simulated failure")
        if self.delay_for in question:
            self.release.wait(self.delay)
        if "Mongolia" in question:
            return abstained(2, question)
        return grounded(citation(1), question=question)

    def sources(self) -> list[SourceInfo]:
        return [SourceInfo("brief.txt", "Brief", 10, 1234, "txt")]

    def add_document(self, filename: str, data: bytes) -> SourceInfo:
        if not filename.endswith(".txt"):
            raise DocumentError(f"{filename}: unsupported file type")
        self.added.append((filename, len(data)))
        return SourceInfo(f"uploads/{filename}", "Upload", 2, len(data), "txt")


def run_turn(app: ChatApp, question: str, session: Session):
    steps = list(app.ask(question, session))
    return steps


def test_ask_shows_the_question_first_then_the_answer():
    app = ChatApp(StubAssistant(), Settings())
    steps = run_turn(app, "What rank does Jupiter hold on the TOP500?", Session())
    assert len(steps) == 2
    (box1, messages1, _), (box2, messages2, session) = steps
    assert box1 == "" and [m["role"] for m in messages1] == ["user"]
    assert box2 is KEEP_DRAFT  # a next question typed meanwhile is not wiped by the answer
    assert [m["role"] for m in messages2] == ["user", "assistant"]
    assert "bq-answer" in messages2[1]["content"]
    assert session.previous == "What rank does Jupiter hold on the TOP500?"


def test_follow_ups_are_read_against_the_previous_question():
    stub = StubAssistant()
    app = ChatApp(stub, Settings())
    session = run_turn(app, "What rank does Jupiter hold on the TOP500?", Session())[-1][2]
    session = run_turn(app, "and LUMI?", session)[-1][2]
    assert stub.asked[-1] == "What rank does LUMI hold on the TOP500?"
    assert len(session.messages) == 4 and "Read as:" in session.messages[-1]["content"]
    run_turn(app, "what about Leonardo?", session)
    assert stub.asked[-1] == "What rank does Leonardo hold on the TOP500?"


def test_sessions_do_not_share_conversations():
    app = ChatApp(StubAssistant(), Settings())
    first = run_turn(app, "What rank does Jupiter hold?", Session())[-1][2]
    second = run_turn(app, "and LUMI?", Session())[-1][2]  # a new session: no frame
    assert len(first.messages) == 2 and len(second.messages) == 2
    assert "Read as" not in second.messages[-1]["content"]


def test_a_failing_question_is_reported_and_the_chat_goes_on():
    stub = StubAssistant()
    app = ChatApp(stub, Settings())
    session = run_turn(app, "What rank does Jupiter hold?", Session())[-1][2]
    session = run_turn(app, "boom", session)[-1][2]
    assert "Something went wrong" in session.messages[-1]["content"]
    assert session.previous == "What rank does Jupiter hold?"  # the frame survives
    session = run_turn(app, "What is the capital of Mongolia?", session)[-1][2]
    assert NOT_ANSWERED in session.messages[-1]["content"]
    assert len(session.messages) == 6


def test_an_empty_question_changes_nothing_and_clear_resets():
    app = ChatApp(StubAssistant(), Settings())
    steps = run_turn(app, "   ", Session())
    assert steps[-1][1] == []
    assert app.clear() == ("", [], Session())


def test_upload_handler_refuses_oversize_before_reading(tmp_path):
    stub = StubAssistant()
    app = ChatApp(stub, stub.settings)
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2000)
    status, documents, about, cleared = app.upload(str(big))
    assert "over the upload limit" in status and "Nothing was changed" in status
    assert stub.added == [] and cleared is None and "Brief" in documents and "Units" in about


def test_upload_handler_reports_document_errors_and_successes(tmp_path):
    stub = StubAssistant()
    app = ChatApp(stub, stub.settings)
    bad = tmp_path / "tool.exe"
    bad.write_bytes(b"MZ")
    status = app.upload(str(bad))[0]
    assert "Not added" in status and "unsupported file type" in status and not stub.added
    good = tmp_path / "notes.txt"
    good.write_bytes(b"The Vireo cluster has 96 GPUs.")
    calls = []
    status = app.upload(str(good), progress=lambda *a, **k: calls.append((a, k)))[0]
    assert "Added uploads/notes.txt" in status and stub.added == [("notes.txt", 30)]
    assert calls, "progress is reported while indexing"
    assert app.upload(None)[0] == ""


# ---------------------------------------------------------------------------------------------
# Uploads into a real index: checked, contained, answerable


@pytest.fixture(scope="module")
def real_app(tmp_path_factory):
    from briefqa import Assistant

    root = tmp_path_factory.mktemp("ui-upload")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "alpha.txt").write_text(
        "Alpha Report\nFindings\nThe Zephyr cluster has 512 GPUs in Tampere. "
        "It opened in March 2024.\n", encoding="utf-8")
    settings = Settings(upload_max_bytes=50_000)
    qa = Assistant.open(corpus, root / "index", settings=settings)
    return ChatApp(qa, qa.settings), corpus


def corpus_state(corpus: Path) -> list[str]:
    return sorted(str(p.relative_to(corpus.parent)) for p in corpus.parent.rglob("*")
                  if p.is_file() and "index" not in p.parts)


@pytest.mark.parametrize("name, data, reason", [
    ("payload.exe", b"MZ\x90\x00", "unsupported file type"),
    ("broken.pdf", b"%PDF-1.7 this is not really a pdf \x00\x01", ""),
    ("empty.txt", b"", ""),
    ("huge.txt", b"word " * 20_000, "over the upload limit"),
])
def test_bad_uploads_change_nothing(real_app, name, data, reason):
    app, corpus = real_app
    before_files, before_sources = corpus_state(corpus), app.assistant.sources()
    ok, message = app.add_upload(name, data)
    assert not ok and "Not added" in message and reason in message
    assert corpus_state(corpus) == before_files
    assert app.assistant.sources() == before_sources


def test_an_upload_cannot_escape_the_corpus_folder(real_app):
    app, corpus = real_app
    ok, message = app.add_upload("../../../escape-attempt.txt",
                                 b"The Escape Notes say the Kestrel node has 12 disks.\n")
    assert ok, message
    assert (corpus / "uploads" / "escape-attempt.txt").is_file()
    assert not list(corpus.parent.parent.rglob("escape-attempt.txt"))[1:]
    assert not (corpus.parent / "escape-attempt.txt").exists()


def test_an_upload_is_answered_from_with_citations(real_app):
    app, _corpus = real_app
    ok, message = app.add_upload("vireo.md", b"# Vireo Notes\n\nThe Vireo cluster in Tartu "
                                             b"has 96 GPUs and opened in 2023.\n")
    assert ok and "Added uploads/vireo.md" in message
    steps = list(app.ask("How many GPUs does the Vireo cluster have?", Session()))
    reply = steps[-1][1][-1]["content"]
    assert "uploads/vireo.md" in reply and "96 GPUs" in reply
    assert "uploads/vireo.md" in app.sources_html()


# ---------------------------------------------------------------------------------------------
# The served app: several people at once, a slow or failing request blocks no one


def content(message: dict) -> str:
    """A chat message's text, as the Gradio client returns it (a string or text parts)."""
    value = message["content"]
    if isinstance(value, list):
        return "".join(part.get("text", "") for part in value if isinstance(part, dict))
    return str(value)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_served_app_answers_concurrently_and_survives_failures(monkeypatch):
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    from gradio_client import Client

    from briefqa.ui import launch_options

    stub = StubAssistant(delay_for="slow", delay=120.0)
    settings = Settings(port=free_port(), concurrency=4)
    demo = ChatApp(stub, settings).build()
    demo.launch(prevent_thread_lock=True, **launch_options(settings))
    try:
        client = Client(f"http://127.0.0.1:{settings.port}/", verbose=False,
                        analytics_enabled=False, download_files=False)
        started = time.perf_counter()
        slow = client.submit("a slow question", api_name="/ask")
        time.sleep(0.3)
        failing = client.submit("boom", api_name="/ask")
        fast = client.submit("What rank does Jupiter hold?", api_name="/ask")
        fast_messages = fast.result(timeout=30)[1]
        fast_seconds = time.perf_counter() - started
        slow_was_done = slow.done()
        assert "bq-answer" in content(fast_messages[-1])
        assert "Something went wrong" in content(failing.result(timeout=30)[1][-1])
        assert not slow_was_done, f"the fast question waited for the slow ({fast_seconds:.1f} s)"
        stub.release.set()
        assert "bq-answer" in content(slow.result(timeout=30)[1][-1])
    finally:
        demo.close()


def test_sign_in_needs_both_name_and_password():
    from briefqa import BriefqaError
    from briefqa.ui import launch_options

    with pytest.raises(BriefqaError, match="both"):
        launch_options(Settings(username="staff"))
    assert launch_options(Settings(username="a", password="b"))["auth"] == ("a", "b")
    assert launch_options(Settings())["auth"] is None


def test_listening_beyond_localhost_without_sign_in_warns(caplog):
    from briefqa.ui import launch_options

    with caplog.at_level("WARNING", logger="briefqa.ui"):
        launch_options(Settings(host="0.0.0.0"))
    assert "without a user name and password" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING", logger="briefqa.ui"):
        launch_options(Settings(host="127.0.0.1"))
    assert caplog.text == ""


def test_importing_briefqa_does_not_import_gradio():
    import subprocess
    import sys

    code = "import sys, briefqa, briefqa.ui, briefqa.followup; print('gradio' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"

