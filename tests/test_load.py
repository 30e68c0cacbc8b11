"""Load: 20 simulated users asking the running chat at once get every answer, each right."""

from __future__ import annotations

import importlib
import json
import sys
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.load


@pytest.fixture(scope="module")
def load():
    """The load tool, benchmarks/load.py (the project root is not always on sys.path)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    return importlib.import_module("benchmarks.load")


def test_twenty_users_get_their_own_right_answers(app_server, load):
    url, process = app_server
    figures = load.run_load(url, users=20, requests=160, duration=40, timeout=60)
    assert figures["errors"] == 0, figures["error_samples"]
    assert figures["wrong"] == 0, figures["error_samples"]
    assert figures["requests"] >= 20 and figures["ok"] == figures["requests"]
    assert process.poll() is None, "the app stopped during the load"


def test_bad_questions_over_http_get_a_message_and_the_app_keeps_serving(app_server, load):
    url, process = app_server
    for question, says in [("", None), ("x" * 1_000_000, "limit"), ("?!…;;", "no words"),
                           ("\x00\x07\x1b[31m", None), ("🤖🚀", "no words")]:
        body = json.dumps({"data": [question]}).encode("utf-8")
        request = urllib.request.Request(f"{url}gradio_api/call/ask", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            event_id = json.loads(response.read())["event_id"]
        with urllib.request.urlopen(f"{url}gradio_api/call/ask/{event_id}", timeout=60) as r:
            stream = r.read().decode("utf-8")
        assert "event: complete" in stream, stream[:300]
        assert "Traceback" not in stream and "Something went wrong" not in stream
        if says:
            assert says in stream
    question, fact = load.QUESTIONS[0]
    assert fact in load.answer_text(load.ask(url, question, 60))
    assert process.poll() is None
