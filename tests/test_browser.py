"""End to end in a real headless Chromium: the real app (`python app.py`) on a free port, over a
copy of the corpus, driven by Playwright as a person would use it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("BRIEFQA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
UPLOAD_LIMIT = 20 * 1024 * 1024  # the default, so the screenshot shows what staff see
START_TIMEOUT = 240  # seconds: the first start builds the index (about half a minute)
PATIENCE_MS = 90_000  # for any one step in the browser: CI machines can be busy

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian's chromium is not installed at "
                       f"{CHROMIUM} (apt-get install chromium; `make browser` does it)"),
]

# A document whose text holds markup: it must be shown as text, never run or rendered.
MARKUP_DOC = (
    "Markup Test Note <img src=x onerror=\"window.__bq_pwned = 'title'\">\n"
    "The Quillon test array has 42 sensors <script>window.__bq_pwned = 'script'</script> "
    "<img src=x onerror=\"window.__bq_pwned = 'img'\"> according to the markup test note.\n"
)
UPLOAD_DOC = (
    "Vireo Cluster Notes\n"
    "The Vireo cluster in Tartu has 96 GPUs and was opened in 2023 by the Estonian "
    "research network.\n"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(corpus: Path, index: Path, log_path: Path, **env_extra: str):
    """`python app.py --port N` over the given folders; (process, url, seconds to start)."""
    port = free_port()
    env = {**os.environ, "BRIEFQA_CORPUS_DIR": str(corpus), "BRIEFQA_INDEX_DIR": str(index),
           "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1", **env_extra}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)],
                                   cwd=log_path.parent, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    started = time.perf_counter()
    while True:
        output = log_path.read_text(errors="replace")
        if f"chat running at {url}" in output:
            return process, url, time.perf_counter() - started
        if process.poll() is not None:
            pytest.fail(f"the app exited ({process.returncode}):\n{output[-3000:]}")
        if time.perf_counter() - started > START_TIMEOUT:
            stop(process)
            pytest.fail(f"the app did not start in {START_TIMEOUT} s:\n{output[-3000:]}")
        time.sleep(0.25)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real app, started as staff start it, on a private copy of the corpus."""
    root = tmp_path_factory.mktemp("browser")
    corpus = root / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    log_path = root / "server.log"
    process, url, seconds = start_app(corpus, root / "index", log_path,
                                      BRIEFQA_UPLOAD_MAX_BYTES=str(UPLOAD_LIMIT))
    try:
        yield {"url": url, "corpus": corpus, "root": root, "log": log_path,
               "startup_seconds": seconds}
    finally:
        stop(process)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1360, "height": 960})
    context.set_default_timeout(PATIENCE_MS)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(server["url"])
    tab.wait_for_selector("#bq-question textarea")
    settle(tab)
    tab.errors = errors
    yield tab
    context.close()


def settle(page) -> None:
    """Wait until the page has filled its documents panel (done when a page opens)."""
    page.wait_for_selector("#bq-doc-list table.bq-docs")


def upload(page, path: Path) -> str:
    """Upload a file through the documents panel; the status message it ends with."""
    page.locator("#bq-upload input[type=file]").set_input_files(str(path))
    status = page.locator("#bq-upload-status .bq-notice")
    status.wait_for(timeout=2 * PATIENCE_MS)
    return status.inner_text()


def replies(page) -> int:
    return page.locator("#bq-chat .bq-answer, #bq-chat .bq-notice").count()


def questions(page) -> int:
    return page.locator("#bq-chat .bq-question").count()


def wait_for_replies(page, n: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('#bq-chat .bq-answer, #bq-chat .bq-notice').length >= n",
        arg=n, timeout=PATIENCE_MS)


def ask(page, question: str):
    """Type a question, press Enter, see it shown, wait for its reply; the reply's locator."""
    before = replies(page)
    box = page.locator("#bq-question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function("q => [...document.querySelectorAll('#bq-chat .bq-question')]"
                           ".some(e => e.textContent.includes(q))", arg=question,
                           timeout=PATIENCE_MS)
    wait_for_replies(page, before + 1)
    return page.locator("#bq-chat .bq-answer, #bq-chat .bq-notice").last


# ---------------------------------------------------------------------------------------------


def test_a_cited_answer_opens_its_source_in_context(page, server):
    # example questions greet a new conversation; clicking one asks it
    example = page.get_by_text("How many of the factories are in capital regions?")
    example.click()
    page.wait_for_selector("#bq-chat .bq-answer")
    reply = page.locator("#bq-chat .bq-answer").last
    assert "four in capital regions" in reply.locator(".bq-text").inner_text()
    assert reply.locator("a.bq-ref").first.inner_text() == "[1]"
    source = reply.locator("details.bq-source").first
    assert source.locator(".bq-doc").inner_text() == "The European Union’s AI Factories"
    assert source.locator(".bq-file").inner_text() == "eu-ai-factories-policy-brief.txt"
    assert source.locator(".bq-where").inner_text()  # the section
    quote = source.locator(".bq-quote").inner_text().strip("“”")
    assert "four in capital regions" in quote
    # the context is hidden until the source is opened, then shows the quote highlighted
    assert not source.locator(".bq-context").is_visible()
    source.locator("summary").click()
    context = source.locator(".bq-context")
    context.wait_for(state="visible")
    assert source.locator("mark").inner_text() == quote
    assert len(context.inner_text()) > len(quote)  # the surrounding paragraph
    # show the conversation from its question down (the chat scrolls to a new answer's end
    # a moment after it arrives)
    page.wait_for_timeout(800)
    page.evaluate("""() => document.querySelectorAll('#bq-chat, #bq-chat *').forEach(
        e => { if (e.scrollHeight > e.clientHeight + 4) { e.scrollTop = 0; } })""")
    page.wait_for_timeout(300)
    if os.environ.get("BRIEFQA_UPDATE_SCREENSHOT"):
        page.screenshot(path=str(ROOT / "docs" / "screenshot.png"))
    page.screenshot(path=str(server["root"] / "cited-answer.png"))
    # "Why this answer?": the decision, then the likeliest candidates with their probability
    # and the scorers that moved it most
    why = reply.locator("details.bq-why")
    assert not why.locator(".bq-why-decision").is_visible()
    why.locator("summary").click()
    assert any(w in why.locator(".bq-why-decision").inner_text()
               for w in ("answered:", "passages:", "not found:"))
    first = why.locator(".bq-why-table tr").nth(1)
    assert first.locator("td").first.inner_text().endswith("%")
    assert "capital regions" in first.inner_text()
    why.locator("summary").click()
    # clicking a [n] marker opens its source too
    source.locator("summary").click()
    reply.locator("a.bq-ref").first.click()
    context.wait_for(state="visible")
    assert page.errors == []


def test_a_follow_up_is_answered_about_the_new_subject(page):
    first = ask(page, "What rank does Jupiter hold on the TOP500?")
    assert "JUPITER" in first.inner_text().upper()
    second = ask(page, "and LUMI?")
    assert "What rank does LUMI hold on the TOP500?" in second.locator(".bq-read-as").inner_text()
    text = second.text_content()  # the answer, or the passages where the documents speak of it
    assert "LUMI" in text and ("#9" in text or "top 10" in text.lower())
    assert second.locator("details.bq-source, details.bq-related").count() >= 1
    # the chat's own bin icon forgets the conversation, frame included (and the draft: its
    # disappearing shows the server has forgotten too)
    page.locator("#bq-question textarea").fill("a draft")
    page.locator("#bq-chat button[aria-label='Clear']").click()
    page.wait_for_function("!document.querySelector('#bq-chat .bq-question')")
    page.wait_for_function("document.querySelector('#bq-question textarea').value === ''")
    third = ask(page, "and Leonardo?")
    assert third.locator(".bq-read-as").count() == 0


def test_a_question_typed_while_the_last_is_answered_is_kept_and_asked_next(page):
    box = page.locator("#bq-question textarea")
    box.fill("How many AI factories were selected in the first round?")
    box.press("Enter")
    page.wait_for_selector("#bq-chat .bq-question")  # shown at once, the box emptied
    assert box.input_value() == ""
    # the next question, typed and sent before (or as) the first answer arrives
    box.fill("What rank does LUMI hold on the TOP500?")
    box.press("Enter")
    wait_for_replies(page, 2)
    shown = page.locator("#bq-chat .bq-question").all_inner_texts()
    assert shown == ["How many AI factories were selected in the first round?",
                     "What rank does LUMI hold on the TOP500?"]
    assert "LUMI" in page.locator("#bq-chat .bq-answer, #bq-chat .bq-notice").last.inner_text()
    assert page.errors == []


def test_unsure_shows_where_the_documents_speak_and_unanswerable_is_declined(page):
    reply = ask(page, "What is the capital of Mongolia?")
    assert "do not answer" in reply.locator(".bq-no-answer").inner_text()
    assert reply.locator("a.bq-ref").count() == 0
    assert reply.locator("details.bq-source").count() == 0
    unsure = ask(page, "Who dominates the AI factory consortia?")
    assert "may not answer this directly" in unsure.locator(".bq-no-answer").inner_text()
    related = unsure.locator("details.bq-related")
    assert 1 <= related.count() <= 3
    for i in range(related.count()):
        assert related.nth(i).locator(".bq-badge").inner_text() == "Related (not an answer)"
    assert unsure.locator("a.bq-ref").count() == 0
    assert page.errors == []


def test_document_markup_is_shown_as_text_never_run(page, tmp_path):
    note = tmp_path / "markup-test-note.txt"
    note.write_text(MARKUP_DOC, encoding="utf-8")
    assert upload(page, note).startswith("Added uploads/markup-test-note.txt")
    reply = ask(page, "How many sensors does the Quillon test array have?")
    source = reply.locator("details.bq-source").first
    assert source.locator(".bq-file").inner_text() == "uploads/markup-test-note.txt"
    shown = reply.locator(".bq-text").inner_text()
    assert "<script>window.__bq_pwned = 'script'</script>" in shown
    assert "<img src=x onerror=" in shown
    source.locator("summary").click()
    assert "<script>" in source.locator(".bq-context").inner_text()
    assert "Markup Test Note <img src=x" in source.locator(".bq-doc").inner_text()
    chat = page.locator("#bq-chat")
    assert chat.locator("script").count() == 0 and chat.locator("img[src='x']").count() == 0
    # the documents panel shows the title as text too
    assert "Markup Test Note <img src=x" in page.locator("#bq-doc-list").inner_text()
    assert page.locator("#bq-doc-list img").count() == 0
    page.wait_for_timeout(500)
    assert page.evaluate("window.__bq_pwned") is None
    # the copy button copies the answer and its sources as Markdown
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    reply.locator("button.bq-copy").click()
    page.wait_for_selector("button.bq-copy[data-copied='true']")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("**Q:** How many sensors does the Quillon test array have?")
    assert "[1]" in copied and "uploads/markup-test-note.txt" in copied


def test_an_uploaded_document_is_indexed_and_cited(page, server, tmp_path):
    documents = page.locator("#bq-doc-list")
    assert "Vireo" not in documents.inner_text()
    doc = tmp_path / "vireo-notes.txt"
    doc.write_text(UPLOAD_DOC, encoding="utf-8")
    assert upload(page, doc).startswith("Added uploads/vireo-notes.txt")
    assert "uploads/vireo-notes.txt" in documents.inner_text()
    assert (server["corpus"] / "uploads" / "vireo-notes.txt").is_file()
    reply = ask(page, "How many GPUs does the Vireo cluster have?")
    assert "96 GPUs" in reply.locator(".bq-text").inner_text()
    assert reply.locator(".bq-file").first.inner_text() == "uploads/vireo-notes.txt"


@pytest.mark.parametrize("name, data, message", [
    ("installer.exe", b"MZ\x90\x00\x03", "unsupported file type"),
    ("too-big.txt", b"lorem ipsum\n" * (UPLOAD_LIMIT // 12 + 1), "over the upload limit"),
    ("damaged.pdf", b"%PDF-1.7\nthis is not a real PDF\n", "damaged"),
])
def test_a_bad_upload_is_refused_with_a_message_and_changes_nothing(page, server, tmp_path,
                                                                    name, data, message):
    before = page.locator("#bq-doc-list").inner_text()
    path = tmp_path / name
    path.write_bytes(data)
    text = upload(page, path)
    assert page.locator("#bq-upload-status .bq-error").count() == 1
    assert text.startswith("Not added") and name in text
    if message != "damaged":
        assert message in text
    assert page.locator("#bq-doc-list").inner_text() == before
    assert not (server["corpus"] / "uploads" / name).exists()


def test_each_browser_session_keeps_its_own_conversation(browser, server):
    one = browser.new_context().new_page()
    two = browser.new_context().new_page()
    for tab in (one, two):
        tab.context.set_default_timeout(PATIENCE_MS)
    try:
        for tab in (one, two):
            tab.goto(server["url"])
            tab.wait_for_selector("#bq-question textarea")
        ask(one, "How many of the factories are in capital regions?")
        two.reload()
        two.wait_for_selector("#bq-question textarea")
        assert two.locator("#bq-chat .bq-question").count() == 0
        assert one.locator("#bq-chat .bq-question").count() == 1
        # a follow-up in the second session has no frame from the first
        reply = ask(two, "and LUMI?")
        assert reply.locator(".bq-read-as").count() == 0
        # the clear button empties a conversation and brings the examples back
        one.locator("#bq-clear").click()
        one.wait_for_function("!document.querySelector('#bq-chat .bq-question')")
        one.get_by_text("Who leads the IT4LIA consortium?").wait_for()  # corpus/chat.json
    finally:
        one.context.close()
        two.context.close()


def test_the_about_panel_shows_the_settings(page, server):
    page.locator("#bq-about").get_by_text("About").click()
    about = page.locator("table.bq-about")
    about.wait_for()
    text = about.inner_text()
    assert str(server["corpus"]) in text and "bundled all-MiniLM-L6-v2" in text
    assert "Units" in text and "Index" in text


def test_the_app_built_its_index_with_progress_then_restarts_in_seconds(server):
    first = server["log"].read_text(errors="replace")
    assert "building it from" in first and "embedding" in first and "index ready" in first
    # a second start, on the index that now exists, opens it instead of building it
    log_path = server["root"] / "restart.log"
    process, _url, seconds = start_app(server["corpus"], server["root"] / "index", log_path)
    try:
        output = log_path.read_text(errors="replace")
        assert "building" not in output and "embedding" not in output
        assert seconds < 60, f"took {seconds:.1f} s to start on an existing index"
    finally:
        stop(process)


def test_an_exported_conversation_opens_in_the_browser_with_every_quote(browser, assistant,
                                                                       tmp_path):
    """The self-contained HTML export: opened as a file, it shows each question, each quote,
    its document and offsets, and runs no script."""
    conversation = assistant.conversation()
    conversation.ask("How many Hopper GPUs does MareNostrum 5 have?")
    conversation.ask("What rank does Jupiter hold on the TOP500 list?")
    conversation.ask("and LUMI?")
    page_file = tmp_path / "conversation.html"
    page_file.write_text(conversation.to_html(), encoding="utf-8")
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.goto(page_file.as_uri())
        shown = " ".join(tab.inner_text("body").split())
        assert tab.locator("section.turn").count() == 3
        for turn in conversation.turns:
            assert turn.asked in shown
            for c in turn.answer.citations:
                assert " ".join(c.quote.split()) in shown
                assert f"characters {c.start}–{c.end}" in shown and c.source in shown
        assert tab.locator("script").count() == 0
    finally:
        context.close()
