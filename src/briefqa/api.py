"""HTTP API: `/api/v1/` beside the chat, served by `briefqa serve` from one FastAPI app (the chat
is mounted on it). Answers keep their citations, with exact offsets into the documents' text;
conversations keep their turns; LLM answers stream as server-sent events with the verified
citations at the end. Errors are JSON (`{"error": {"code", "message"}}`), never a traceback.

Access: when `BRIEFQA_API_TOKEN` is set, a request needs `Authorization: Bearer <token>`; when
the chat has a sign-in (`BRIEFQA_USERNAME`/`BRIEFQA_PASSWORD`), the same name and password are
accepted as HTTP Basic. Requests are size-limited and rate-limited per client.
"""

from __future__ import annotations

import base64
import hmac
import json
import logging
import threading
import time
from collections import OrderedDict, deque
from typing import Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from .errors import BriefqaError, QuestionError

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
MAX_BODY_BYTES = 64 * 1024  # a question is at most a few thousand characters
MAX_CONVERSATIONS = 1000  # kept in memory, least recently used dropped first
MAX_TEXT_CHARS = 20_000  # the most of a document's text one request returns


# -- the shapes (they make the OpenAPI schema, and every response is checked against them) -----


class CitationOut(BaseModel):
    id: int
    source: str
    title: str
    section: str | None
    page: int | None
    quote: str
    start: int
    end: int
    context: str
    context_start: int
    related: bool
    score: float


class SpanOut(BaseModel):
    text: str
    citation: int
    start: int
    end: int


class DisagreementOut(BaseModel):
    about: str
    figures: list[SpanOut]


class AnswerOut(BaseModel):
    question: str
    text: str
    grounded: bool
    status: Literal["answered", "passages", "not_found"]
    mode: str
    confidence: float
    seconds: float
    short: SpanOut | None
    disagreements: list[DisagreementOut]
    unverified: list[str]
    notes: list[str]
    computation: dict[str, Any] | None
    citations: list[CitationOut]
    conversation: str | None = None


QUESTION = Field(min_length=1, max_length=4000, pattern=r"\w",
                 description="the question (it needs at least one word)")


class AskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = QUESTION
    conversation: str | None = Field(default=None, max_length=64,
                                     description="a conversation id: follow-ups are read "
                                                 "against its last question")
    answerer: Literal["default", "extractive", "llm"] = "default"


class TurnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = QUESTION
    answerer: Literal["default", "extractive", "llm"] = "default"


class TurnOut(BaseModel):
    asked: str
    question: str
    at: str
    answer: AnswerOut


class ConversationOut(BaseModel):
    id: str
    title: str
    turns: list[TurnOut]


class SourceOut(BaseModel):
    source: str
    title: str
    units: int
    bytes: int
    format: str


class TextOut(BaseModel):
    source: str
    start: int
    end: int
    text: str
    length: int  # of the document's whole text


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


ERRORS = {400: {"model": ErrorOut}, 401: {"model": ErrorOut}, 404: {"model": ErrorOut},
          413: {"model": ErrorOut}, 422: {"model": ErrorOut}, 429: {"model": ErrorOut},
          503: {"model": ErrorOut}}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _error(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status,
                        headers=headers)


# -- the parts -----------------------------------------------------------------------------------


class Conversations:
    """The API's conversations, in memory (the least recently used dropped past the limit)."""

    def __init__(self, assistant, limit: int = MAX_CONVERSATIONS) -> None:
        self.assistant = assistant
        self.limit = limit
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def new(self):
        conversation = self.assistant.conversation()
        with self._lock:
            self._items[conversation.id] = conversation
            while len(self._items) > self.limit:
                self._items.popitem(last=False)
        return conversation

    def get(self, conversation_id: str):
        with self._lock:
            found = self._items.get(conversation_id)
            if found is not None:
                self._items.move_to_end(conversation_id)
        if found is None:
            raise ApiError(404, "no_such_conversation",
                           f"no conversation {conversation_id!r} (it may have expired)")
        return found


class RateLimit:
    """At most `per_minute` requests a minute from one client address."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[str, deque] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        if self.per_minute <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            times = self._seen.setdefault(client, deque())
            while times and now - times[0] > 60:
                times.popleft()
            if len(times) >= self.per_minute:
                return False
            times.append(now)
            if len(self._seen) > 10_000:  # forget idle clients
                self._seen = {k: v for k, v in self._seen.items() if v}
            return True


def create_api(assistant, settings) -> FastAPI:
    """The FastAPI app with the /api/v1 routes over one Assistant (the chat mounts on it)."""
    app = FastAPI(title="briefqa", version="1", docs_url=f"{PREFIX}/docs", redoc_url=None,
                  openapi_url=f"{PREFIX}/openapi.json",
                  description="Grounded, cited answers from the indexed documents.")
    conversations = Conversations(assistant)
    limiter = RateLimit(settings.api_rate_per_minute)

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if not request.url.path.startswith(PREFIX):
            return await call_next(request)
        size = request.headers.get("content-length")
        if size is not None and (not size.isdigit() or int(size) > MAX_BODY_BYTES):
            return _error(413, "too_large", f"requests are limited to {MAX_BODY_BYTES} bytes")
        client = request.client.host if request.client else "?"
        if not limiter.allow(client):
            return _error(429, "rate_limited",
                          f"more than {settings.api_rate_per_minute} requests a minute; wait "
                          f"a moment", {"Retry-After": "10"})
        try:
            return await call_next(request)
        except Exception:  # the last resort: a JSON error, the traceback only in the log
            log.exception("API error on %s", request.url.path)
            return _error(500, "internal", "something went wrong; the error is in the "
                                           "server log")

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError):
        return _error(exc.status, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
        return _error(422, "invalid_request", f"{where}: {first.get('msg', 'invalid')}"
                      if where else str(first.get("msg", "invalid request")))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException):
        code = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed"}.get(
            exc.status_code, "http_error")
        return _error(exc.status_code, code, str(exc.detail),
                      getattr(exc, "headers", None))

    def authorised(request: Request) -> None:
        token = settings.api_token
        user = (settings.username, settings.password) if settings.username else None
        if token is None and user is None:
            return
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if token is not None and scheme.lower() == "bearer" and \
                hmac.compare_digest(value.strip().encode(), token.encode()):
            return
        if user is not None and scheme.lower() == "basic":
            try:
                name, _, password = base64.b64decode(value.strip()).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                name = password = ""
            if hmac.compare_digest(name.encode(), user[0].encode()) and \
                    hmac.compare_digest(password.encode(), user[1].encode()):
                return
        raise StarletteHTTPException(401, "a bearer token (BRIEFQA_API_TOKEN) or the chat's "
                                          "user name and password is needed",
                                     headers={"WWW-Authenticate": "Bearer"})

    def answerer_for(choice: str):
        """"extractive": the documents' own sentences; "llm" or "default": the configured
        answerer (the extractive one when no language model is configured, as the answer's
        `mode` says)."""
        return assistant.extractive if choice == "extractive" else None

    def answered(answer, conversation_id: str | None = None) -> dict:
        return {**answer.to_dict(), "conversation": conversation_id}

    def ask_in(conversation, question: str, choice: str):
        try:
            if conversation is not None:
                return conversation.ask(question, answerer=answerer_for(choice))
            return assistant.ask(question, answerer=answerer_for(choice))
        except QuestionError as exc:
            raise ApiError(400, "bad_question", str(exc)) from None
        except BriefqaError as exc:
            raise ApiError(503, "unavailable", str(exc)) from None

    auth = [Depends(authorised)]

    @app.post(f"{PREFIX}/ask", response_model=AnswerOut, responses=ERRORS, dependencies=auth,
              summary="Answer a question, with citations")
    def ask(body: AskIn) -> dict:
        conversation = conversations.get(body.conversation) if body.conversation else None
        answer = ask_in(conversation, body.question, body.answerer)
        return answered(answer, body.conversation)

    @app.post(f"{PREFIX}/ask/stream", dependencies=auth, response_class=StreamingResponse,
              responses={200: {"content": {"text/event-stream": {}},
                               "description": "events: progress …, then answer (or error)"},
                         **ERRORS},
              summary="Answer as server-sent events: progress, then the answer with its "
                      "verified citations")
    def ask_stream(body: AskIn) -> StreamingResponse:
        conversation = conversations.get(body.conversation) if body.conversation else None
        answerer = answerer_for(body.answerer) or assistant.answerer
        heard: deque = deque()
        result: dict = {}

        def work() -> None:
            chosen = answerer.with_progress(heard.append) \
                if hasattr(answerer, "with_progress") else answerer
            try:
                result["answer"] = conversation.ask(body.question, answerer=chosen) \
                    if conversation is not None else assistant.ask(body.question,
                                                                   answerer=chosen)
            except QuestionError as exc:
                result["error"] = {"code": "bad_question", "message": str(exc)}
            except BriefqaError as exc:
                result["error"] = {"code": "unavailable", "message": str(exc)}
            except Exception:
                log.exception("streamed answer failed")
                result["error"] = {"code": "internal", "message": "something went wrong; "
                                                                  "the error is in the log"}

        def events():
            worker = threading.Thread(target=work, name="briefqa-api-stream", daemon=True)
            worker.start()
            while worker.is_alive() or heard:
                while heard:
                    yield _event("progress", {"message": heard.popleft()})
                worker.join(0.2)
            if "answer" in result:
                yield _event("answer", answered(result["answer"], body.conversation))
            else:
                yield _event("error", result.get("error", {"code": "internal",
                                                           "message": "no answer"}))

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.get(f"{PREFIX}/sources", response_model=list[SourceOut], responses=ERRORS,
             dependencies=auth, summary="The indexed documents")
    def sources() -> list[dict]:
        return [s.to_dict() for s in assistant.sources()]

    @app.get(f"{PREFIX}/sources/{{source:path}}/text", response_model=TextOut,
             responses=ERRORS, dependencies=auth,
             summary="A stretch of a document's text (what citation offsets index into)")
    def source_text(source: str, start: int = Query(0, ge=0),
                    end: int | None = Query(None, ge=0)) -> dict:
        try:
            text = assistant.source_text(source)
        except BriefqaError:
            raise ApiError(404, "no_such_source", f"no indexed document {source!r}") from None
        stop = len(text) if end is None else min(end, len(text))
        if stop < start:
            raise ApiError(400, "bad_range", "end is before start")
        if stop - start > MAX_TEXT_CHARS:
            stop = start + MAX_TEXT_CHARS
        return {"source": source, "start": start, "end": stop, "text": text[start:stop],
                "length": len(text)}

    @app.post(f"{PREFIX}/conversations", response_model=ConversationOut, status_code=201,
              responses=ERRORS, dependencies=auth, summary="Start a conversation")
    def new_conversation() -> dict:
        return conversations.new().to_dict()

    @app.get(f"{PREFIX}/conversations/{{conversation_id}}", response_model=ConversationOut,
             responses=ERRORS, dependencies=auth, summary="A conversation and its turns")
    def get_conversation(conversation_id: str) -> dict:
        return conversations.get(conversation_id).to_dict()

    @app.post(f"{PREFIX}/conversations/{{conversation_id}}/turns", response_model=TurnOut,
              responses=ERRORS, dependencies=auth,
              summary="Ask in a conversation (follow-ups read against its last question)")
    def add_turn(conversation_id: str, body: TurnIn) -> dict:
        conversation = conversations.get(conversation_id)
        ask_in(conversation, body.question, body.answerer)
        return conversation.turns[-1].to_dict()

    @app.get(f"{PREFIX}/conversations/{{conversation_id}}/export", dependencies=auth,
             response_class=Response,
             responses={200: {"content": {"text/markdown": {}, "text/html": {},
                                          "application/json": {}},
                              "description": "the conversation in the format asked"},
                        **ERRORS},
             summary="A conversation as Markdown, self-contained HTML or JSON, citations kept")
    def export(conversation_id: str,
               format: Literal["markdown", "html", "json"] = "markdown") -> Response:
        conversation = conversations.get(conversation_id)
        if format == "html":
            return Response(conversation.to_html(), media_type="text/html; charset=utf-8")
        if format == "json":
            return Response(json.dumps(conversation.to_dict(), ensure_ascii=False),
                            media_type="application/json")
        return Response(conversation.to_markdown(), media_type="text/markdown; charset=utf-8")

    return app


def _event(name: str, data: dict) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
