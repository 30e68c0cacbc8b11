"""Conversations everywhere: the same follow-ups and answers from Python, the CLI (`briefqa
chat`, `briefqa ask --after`) and the chat; exports that keep every quote and offset."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from html.parser import HTMLParser

FIRST = "What rank does Jupiter hold on the TOP500 list?"
FOLLOW = "and LUMI?"
READ = "What rank does LUMI hold on the TOP500 list?"


def test_a_conversation_reads_follow_ups_and_keeps_its_turns(assistant):
    conversation = assistant.conversation()
    conversation.ask(FIRST)
    answer = conversation.ask(FOLLOW)
    assert answer.question == READ
    assert [t.asked for t in conversation.turns] == [FIRST, FOLLOW]
    assert [t.question for t in conversation.turns] == [FIRST, READ]
    assert answer.text == assistant.ask(READ).text  # the same as asking it in full
    data = json.loads(json.dumps(conversation.to_dict()))
    assert data["turns"][1]["answer"]["citations"] == [c.to_dict() for c in answer.citations]


def test_markdown_and_html_exports_keep_every_quote_and_source(assistant, tmp_path):
    conversation = assistant.conversation()
    conversation.ask("How many Hopper GPUs does MareNostrum 5 have?")
    conversation.ask(FIRST)
    markdown = conversation.to_markdown()
    page = conversation.to_html()
    texts = []

    class Text(HTMLParser):
        def handle_data(self, data):
            texts.append(data)

    Text().feed(page)
    visible = "".join(texts)
    for turn in conversation.turns:
        assert turn.asked in markdown and turn.asked in visible
        for c in turn.answer.citations:
            quote = " ".join(c.quote.split())
            assert quote in " ".join(markdown.split())
            assert c.quote in visible and c.source in visible
            assert f"characters {c.start}–{c.end}" in visible
    assert "<script" not in page.lower()


def test_an_export_escapes_what_documents_and_questions_say(assistant):
    conversation = assistant.conversation()
    conversation.ask("<script>alert(1)</script> what rank does Jupiter hold?")
    page = conversation.to_html()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_a_copied_conversation_shares_the_assistant(assistant):
    conversation = assistant.conversation()
    conversation.ask(FIRST)
    twin = copy.deepcopy(conversation)
    assert twin.assistant is assistant and twin.turns[0].question == FIRST
    assert twin.turns is not conversation.turns


def test_cli_ask_after_reads_the_follow_up(small_index_copy):
    corpus, index = small_index_copy
    result = subprocess.run(
        [sys.executable, "-m", "briefqa.cli", "ask", "--json", "--corpus", str(corpus),
         "--index", str(index), "--after", "How many nodes does the site in Turku have?",
         "and in Oulu?"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["question"] == "How many nodes does the site in Oulu have?"
    assert "64" in data["text"] or data["status"] != "answered"


def test_cli_chat_converses_and_exports(small_index_copy, tmp_path):
    corpus, index = small_index_copy
    out = tmp_path / "talk.html"
    script = "\n".join(["How much tape storage does the Beta archive keep?", "/sources",
                        "/history", f"/export {out}", "/nonsense", "/quit"]) + "\n"
    result = subprocess.run(
        [sys.executable, "-m", "briefqa.cli", "chat", "--quiet", "--corpus", str(corpus),
         "--index", str(index)], input=script, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "40 PB" in result.stdout
    assert "beta.md" in result.stdout
    assert "saved 1 turns" in result.stdout and "unknown command" in result.stdout
    assert "40 PB of tape storage" in out.read_text(encoding="utf-8")


def test_the_chat_keeps_a_conversation_and_exports_it(assistant):
    from briefqa.ui import ChatApp

    app = ChatApp(assistant)
    _, session = app.reply(FIRST, __import__("briefqa.ui", fromlist=["Session"]).Session())
    html, session = app.reply(FOLLOW, session)
    assert [t.question for t in session.conversation.turns] == [FIRST, READ]
    path = app.export(session, "Markdown")
    assert path and READ in open(path, encoding="utf-8").read()
    assert app.export(__import__("briefqa.ui", fromlist=["Session"]).Session(), "HTML") is None
