"""The HTTP API (/api/v1): answers with their citations, conversations, sources, streaming,
access and limits, JSON errors; fuzzed from its own OpenAPI schema (schemathesis)."""

from __future__ import annotations

import base64
import json

import pytest
from fastapi.testclient import TestClient

from briefqa.api import create_api


@pytest.fixture(scope="module")
def client(assistant):
    settings = assistant.settings.with_(api_rate_per_minute=0)
    return TestClient(create_api(assistant, settings))


def test_ask_returns_the_answer_with_exact_citations(client, assistant):
    reply = client.post("/api/v1/ask",
                        json={"question": "How many Hopper GPUs does MareNostrum 5 have?"})
    assert reply.status_code == 200
    data = reply.json()
    assert data["status"] in ("answered", "passages") and "4,480" in json.dumps(data)
    for c in data["citations"]:
        text = client.get(f"/api/v1/sources/{c['source']}/text",
                          params={"start": c["start"], "end": c["end"]}).json()
        assert text["text"] == c["quote"] == assistant.source_text(c["source"])[c["start"]:
                                                                                  c["end"]]


def test_the_same_conversation_gives_the_same_answers_as_python(client, assistant):
    started = client.post("/api/v1/conversations").json()
    first = client.post(f"/api/v1/conversations/{started['id']}/turns",
                        json={"question": "What rank does Jupiter hold on the TOP500 list?"})
    second = client.post(f"/api/v1/conversations/{started['id']}/turns",
                         json={"question": "and LUMI?"}).json()
    assert first.status_code == 200
    assert second["question"] == "What rank does LUMI hold on the TOP500 list?"
    local = assistant.conversation()
    local.ask("What rank does Jupiter hold on the TOP500 list?")
    expected = local.ask("and LUMI?")
    assert second["answer"]["text"] == expected.text
    assert second["answer"]["citations"] == [c.to_dict() for c in expected.citations]
    shown = client.get(f"/api/v1/conversations/{started['id']}").json()
    assert [t["question"] for t in shown["turns"]] == [
        "What rank does Jupiter hold on the TOP500 list?",
        "What rank does LUMI hold on the TOP500 list?"]
    page = client.get(f"/api/v1/conversations/{started['id']}/export",
                      params={"format": "html"})
    assert page.headers["content-type"].startswith("text/html")
    for c in expected.citations:
        assert c.source in page.text


def test_a_follow_up_through_ask_uses_the_conversation(client):
    conversation = client.post("/api/v1/conversations").json()["id"]
    client.post("/api/v1/ask", json={"question": "What rank does Jupiter hold on the TOP500 "
                                                 "list?", "conversation": conversation})
    data = client.post("/api/v1/ask", json={"question": "and LUMI?",
                                            "conversation": conversation}).json()
    assert data["question"] == "What rank does LUMI hold on the TOP500 list?"
    assert data["conversation"] == conversation


def test_streaming_ends_with_the_answer_and_its_citations(client):
    with client.stream("POST", "/api/v1/ask/stream",
                       json={"question": "How many Hopper GPUs does MareNostrum 5 have?"}) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        body = "".join(r.iter_text())
    events = [block for block in body.split("\n\n") if block.strip()]
    last = events[-1].splitlines()
    assert last[0] == "event: answer"
    answer = json.loads(last[1].removeprefix("data: "))
    assert answer["citations"] and answer["question"]


def test_errors_are_json_with_a_code_never_a_traceback(client):
    cases = [
        (client.post("/api/v1/ask", json={"question": ""}), 422, "invalid_request"),
        (client.post("/api/v1/ask", json={"question": " ?! "}), 422, "invalid_request"),
        (client.post("/api/v1/ask", content=b"{not json", headers={"content-type":
                                                                   "application/json"}),
         422, "invalid_request"),
        (client.post("/api/v1/ask", json={"question": "x" * 5000}), 422, "invalid_request"),
        (client.post("/api/v1/ask", json={"question": "hi", "conversation": "nope"}), 404,
         "no_such_conversation"),
        (client.get("/api/v1/sources/nothing.txt/text"), 404, "no_such_source"),
        (client.get("/api/v1/nowhere"), 404, "not_found"),
        (client.post("/api/v1/ask", content=b"x" * 70_000,
                     headers={"content-type": "application/json"}), 413, "too_large"),
    ]
    for reply, status, code in cases:
        assert reply.status_code == status, reply.text
        assert reply.json()["error"]["code"] == code
        assert "Traceback" not in reply.text


def test_a_token_is_required_when_one_is_set(assistant):
    settings = assistant.settings.with_(api_token="s3cret", username="staff",
                                        password="pw", api_rate_per_minute=0)
    guarded = TestClient(create_api(assistant, settings))
    assert guarded.get("/api/v1/sources").status_code == 401
    assert guarded.get("/api/v1/sources").json()["error"]["code"] == "unauthorized"
    assert guarded.get("/api/v1/sources", headers={"Authorization": "Bearer wrong"}
                       ).status_code == 401
    assert guarded.get("/api/v1/sources", headers={"Authorization": "Bearer s3cret"}
                       ).status_code == 200
    basic = base64.b64encode(b"staff:pw").decode()
    assert guarded.get("/api/v1/sources", headers={"Authorization": f"Basic {basic}"}
                       ).status_code == 200
    assert guarded.get("/api/v1/openapi.json").status_code == 200  # the schema is public


def test_requests_are_rate_limited_per_client(assistant):
    limited = TestClient(create_api(assistant, assistant.settings.with_(api_rate_per_minute=3)))
    codes = [limited.get("/api/v1/sources").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    assert limited.get("/api/v1/sources").json()["error"]["code"] == "rate_limited"


def test_the_api_fuzzes_clean_from_its_own_schema(assistant):
    """schemathesis: generated requests for every operation; no 5xx, every response as the
    schema says (status codes, content types, bodies)."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings

    app = create_api(assistant, assistant.settings.with_(api_rate_per_minute=0))
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    failures = []

    def tried(label: str, strategy) -> None:
        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(strategy)
        def check(case):
            try:
                case.call_and_validate()
            except Exception as exc:  # collected, so every operation is tried
                failures.append(f"{label}: {str(exc)[:300]}")

        check()

    for operation in schema.get_all_operations():
        operation = operation.ok()
        tried(operation.label, operation.as_strategy())
    assert not failures, "\n".join(failures[:10])
