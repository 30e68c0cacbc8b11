"""A scripted language-model server for the tests: a real HTTP server on 127.0.0.1 that speaks
the OpenAI-compatible API (/v1/chat/completions, /v1/completions, /v1/models) and Ollama's
(/api/chat, /api/generate, /api/tags, /api/show), and replies with what the test scripts:
a text, streamed or not, or a fault (an HTTP error, a slow reply, an empty or malformed body,
a stream cut half-way); a request for a plan over the tables gets `plan_script`'s reply.
No model runs here; everything on the client's side is real."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = "scripted-model"


@dataclass
class Reply:
    """What the server sends back for one request."""

    text: str = ""
    status: int = 200
    delay: float = 0.0  # seconds before anything is sent
    chunk_delay: float = 0.0  # seconds between streamed pieces
    piece: int = 12  # characters per streamed piece
    cut_after: int | None = None  # close the connection after this many characters
    body: bytes | None = None  # send these bytes as the whole body instead (200, JSON type)
    error: str = "scripted failure"


@dataclass
class Request:
    path: str
    body: dict
    headers: dict

    @property
    def prompt(self) -> str:
        """The whole text the model was sent (every message, or the completion prompt)."""
        if "messages" in self.body:
            return "\n".join(_content(m) for m in self.body["messages"])
        return str(self.body.get("prompt", ""))

    @property
    def system(self) -> str:
        return "\n".join(_content(m) for m in self.body.get("messages", [])
                         if m.get("role") == "system")

    @property
    def passages(self) -> dict[int, str]:
        """The numbered passages in the prompt, by number."""
        return {int(n): text.strip() for n, text in
                re.findall(r'<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>', self.prompt, re.S)}

    def passage_with(self, phrase: str) -> int:
        """The number of the passage that contains `phrase` (the test fails if none does)."""
        for n, text in self.passages.items():
            if phrase.lower() in text.lower():
                return n
        raise AssertionError(f"no passage holds {phrase!r}: {list(self.passages.values())}")


def _content(message: dict) -> str:
    content = message.get("content", "")
    if isinstance(content, list):  # OpenAI's content parts
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


@dataclass
class ScriptedLLM:
    """The server. `script` decides each reply from the request; `requests` records them."""

    script: Callable[[Request], Reply | str] = field(
        default=lambda request: Reply("The documents do not answer this question."))
    requests: list[Request] = field(default_factory=list)
    # Requests for a plan over the tables (the prompt holds a <catalog>): by default the model
    # proposes none, so tests of the LLM answer are not disturbed by the tables' route.
    plan_script: Callable[[Request], Reply | str] = field(
        default=lambda request: Reply('{"none": "no plan is scripted"}'))

    def start(self) -> ScriptedLLM:
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True,
                                        name="scripted-llm")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def openai_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def ollama_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reply(self, what: Reply | str | Callable[[Request], Reply | str]) -> None:
        """Script every following request: a fixed reply, or a function of the request."""
        self.script = what if callable(what) else (lambda request: what)

    def plan(self, what: Reply | str | Callable[[Request], Reply | str]) -> None:
        """Script every following request for a plan over the tables."""
        self.plan_script = what if callable(what) else (lambda request: what)

    def completions(self) -> list[Request]:
        """The requests that asked the model to write (not model listings)."""
        return [r for r in self.requests if r.path.endswith(("completions", "/api/chat",
                                                             "/api/generate"))]


def free_port() -> int:
    """A port nothing listens on (for "connection refused")."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler(BaseHTTPRequestHandler):
    owner: ScriptedLLM
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, OSError):  # a client that hung up (or a scripted cut)
            pass

    # -- routing ------------------------------------------------------------------------------

    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/v1/models":
            self._json({"object": "list", "data": [{"id": MODEL, "object": "model",
                                                    "created": 0, "owned_by": "tests"}]})
        elif self.path.rstrip("/") == "/api/tags":
            self._json({"models": [{"name": MODEL, "model": MODEL, "size": 1,
                                    "digest": "0" * 64, "details": {}}]})
        else:
            self._json({"error": f"no route {self.path}"}, 404)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        path = self.path.split("?")[0].rstrip("/")
        if path == "/api/show":
            self._json({"modelfile": "", "parameters": "", "template": "{{ .Prompt }}",
                        "details": {"family": "scripted"},
                        "model_info": {"scripted.context_length": 8192}})
            return
        routes = {"/v1/chat/completions": self._openai_chat, "/v1/completions":
                  self._openai_completion, "/api/chat": self._ollama_chat,
                  "/api/generate": self._ollama_generate}
        if path not in routes:
            self._json({"error": f"no route {path}"}, 404)
            return
        request = Request(path, body, dict(self.headers))
        self.owner.requests.append(request)
        script = self.owner.plan_script if "<catalog>" in request.prompt else self.owner.script
        reply = script(request)
        reply = Reply(reply) if isinstance(reply, str) else reply
        if reply.delay:
            time.sleep(reply.delay)
        if reply.body is not None:
            self._raw(reply.body, 200)
            return
        if reply.status != 200:
            error = {"error": {"message": reply.error, "type": "scripted", "code": reply.status}}
            self._json(error if path.startswith("/v1") else {"error": reply.error},
                       reply.status)
            return
        routes[path](body, reply)

    # -- the two APIs -------------------------------------------------------------------------

    def _openai_chat(self, body: dict, reply: Reply) -> None:
        def piece(text: str, last: bool) -> dict:
            delta = {"role": "assistant", "content": text} if not last else {}
            return {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0,
                    "model": MODEL, "choices": [{"index": 0, "delta": delta,
                                                 "finish_reason": "stop" if last else None}]}

        if body.get("stream"):
            self._stream_sse(reply, piece)
        else:
            self._json({"id": "chatcmpl-1", "object": "chat.completion", "created": 0,
                        "model": MODEL, "choices": [{"index": 0, "finish_reason": "stop",
                                                     "message": {"role": "assistant",
                                                                 "content": reply.text}}],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1,
                                  "total_tokens": 2}}, cut_after=reply.cut_after)

    def _openai_completion(self, body: dict, reply: Reply) -> None:
        def piece(text: str, last: bool) -> dict:
            return {"id": "cmpl-1", "object": "text_completion", "created": 0, "model": MODEL,
                    "choices": [{"index": 0, "text": "" if last else text, "logprobs": None,
                                 "finish_reason": "stop" if last else None}]}

        if body.get("stream"):
            self._stream_sse(reply, piece)
        else:
            self._json({"id": "cmpl-1", "object": "text_completion", "created": 0,
                        "model": MODEL, "choices": [{"index": 0, "text": reply.text,
                                                     "logprobs": None,
                                                     "finish_reason": "stop"}],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1,
                                  "total_tokens": 2}}, cut_after=reply.cut_after)

    def _ollama_chat(self, body: dict, reply: Reply) -> None:
        def piece(text: str, last: bool) -> dict:
            out = {"model": MODEL, "created_at": "2025-01-01T00:00:00Z",
                   "message": {"role": "assistant", "content": "" if last else text},
                   "done": last}
            if last:
                out.update(done_reason="stop", total_duration=1, eval_count=1,
                           prompt_eval_count=1)
            return out

        if body.get("stream", True):
            self._stream_lines(reply, piece)
        else:
            self._json(piece(reply.text, False) | {"done": True, "done_reason": "stop"},
                       cut_after=reply.cut_after)

    def _ollama_generate(self, body: dict, reply: Reply) -> None:
        def piece(text: str, last: bool) -> dict:
            return {"model": MODEL, "created_at": "2025-01-01T00:00:00Z",
                    "response": "" if last else text, "done": last,
                    **({"done_reason": "stop"} if last else {})}

        if body.get("stream", True):
            self._stream_lines(reply, piece)
        else:
            self._json(piece(reply.text, False) | {"done": True}, cut_after=reply.cut_after)

    # -- sending ------------------------------------------------------------------------------

    def _json(self, data, status: int = 200, cut_after: int | None = None) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if cut_after is not None:  # promise the whole body, send part of it, hang up
            self.wfile.write(payload[:cut_after])
            self.wfile.flush()
            self._hang_up()
            return
        self.wfile.write(payload)

    def _raw(self, payload: bytes, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _stream(self, reply: Reply, content_type: str, encode) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        sent = 0
        text = reply.text
        for at in range(0, len(text), max(1, reply.piece)):
            if reply.cut_after is not None and sent >= reply.cut_after:
                self._hang_up()
                return
            self._chunk(encode(text[at:at + reply.piece], False))
            sent += reply.piece
            if reply.chunk_delay:
                time.sleep(reply.chunk_delay)
        if reply.cut_after is not None:
            self._hang_up()
            return
        self._chunk(encode("", True))
        self._end()

    def _stream_sse(self, reply: Reply, piece) -> None:
        def encode(text: str, last: bool) -> bytes:
            data = f"data: {json.dumps(piece(text, last))}\n\n"
            return (data + "data: [DONE]\n\n").encode() if last else data.encode()

        self._stream(reply, "text/event-stream", encode)

    def _stream_lines(self, reply: Reply, piece) -> None:
        self._stream(reply, "application/x-ndjson",
                     lambda text, last: (json.dumps(piece(text, last)) + "\n").encode())

    def _chunk(self, data: bytes) -> None:
        try:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()
        except OSError:  # the client went away (it stopped reading a ramble)
            self.close_connection = True

    def _end(self) -> None:
        try:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def _hang_up(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
