"""Backends: the model server through llama-index's LLM integrations (OpenAILike for any
OpenAI-compatible server, Ollama), streamed within a deadline; every fault becomes one message."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import BriefqaError
from ..settings import Settings

BACKENDS = ("openai", "ollama")
DEFAULT_URLS = {"openai": "http://127.0.0.1:8000/v1", "ollama": "http://127.0.0.1:11434"}


class ModelError(BriefqaError):
    """The model server could not give a usable reply; the message says why, in one line."""


@dataclass
class Reply:
    text: str
    seconds: float
    finished: bool  # the server said the reply was complete


def backend_name(settings: Settings) -> str:
    """"openai" or "ollama" (the settings checked the word: off, openai or ollama)."""
    if settings.llm in ("openai", "ollama"):
        return settings.llm
    raise BriefqaError(f"BRIEFQA_LLM must be openai or ollama to ask a model, not "
                       f"{settings.llm!r}")


def server_url(settings: Settings) -> str:
    return (settings.llm_url or DEFAULT_URLS[backend_name(settings)]).rstrip("/")


def build_llm(settings: Settings):
    """The llama-index LLM for the settings (llama-index is imported here, and only here)."""
    name, url = backend_name(settings), server_url(settings)
    model = settings.llm_model or discover_model(settings)
    verify = settings.verify
    timeout = float(settings.llm_timeout_seconds)
    if name == "openai":
        from llama_index.llms.openai_like import OpenAILike

        return OpenAILike(model=model, api_base=url, api_key=settings.llm_api_key or "none",
                          is_chat_model=True, is_function_calling_model=False,
                          timeout=timeout, max_retries=0, temperature=0.0,
                          max_tokens=verify.max_reply_tokens, reuse_client=True)
    from llama_index.llms.ollama import Ollama

    headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key \
        else None
    return Ollama(model=model, base_url=url, request_timeout=timeout, temperature=0.0,
                  additional_kwargs={"num_predict": verify.max_reply_tokens}, headers=headers,
                  keep_alive="5m")


def discover_model(settings: Settings) -> str:
    """The model to ask when none is named: an OpenAI-compatible server's first listed model
    (llama.cpp's server and LM Studio serve whatever they loaded). Ollama needs a name."""
    if backend_name(settings) == "ollama":
        raise ModelError("name the Ollama model to use (BRIEFQA_LLM_MODEL or --llm-model)")
    import httpx

    url = server_url(settings)
    headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key \
        else {}
    try:
        response = httpx.get(f"{url}/models", headers=headers,
                             timeout=float(settings.llm_timeout_seconds))
        response.raise_for_status()
        return str(response.json()["data"][0]["id"])
    except Exception as exc:
        raise ModelError(f"no model was named and none could be found at {url}/models "
                         f"({describe_fault(exc, settings)}); set BRIEFQA_LLM_MODEL") from None


def chat_messages(messages: list[dict]):
    from llama_index.core.llms import ChatMessage

    return [ChatMessage(role=m["role"], content=m["content"]) for m in messages]


def generate(llm, messages: list[dict], settings: Settings,
             progress: Callable[[str], None] | None = None) -> Reply:
    """Stream the model's reply in a worker thread, for at most the timeout and at most
    `max_reply_chars` characters. Any fault is a ModelError with one clear message."""
    timeout = float(settings.llm_timeout_seconds)
    limit = settings.verify.max_reply_chars
    state: dict = {"text": "", "finished": False, "error": None, "done": False}
    stop = threading.Event()

    def work() -> None:
        try:
            stream = llm.stream_chat(chat_messages(messages))
            for chunk in stream:
                state["text"] = chunk.message.content or ""
                if _finished(chunk.raw):
                    state["finished"] = True
                if stop.is_set() or len(state["text"]) > limit:
                    _close(stream)
                    break
        except BaseException as exc:  # reported by the caller, in its own thread
            state["error"] = exc
        finally:
            state["done"] = True

    started = time.perf_counter()
    worker = threading.Thread(target=work, name="briefqa-llm", daemon=True)
    worker.start()
    shown = -1.0
    while worker.is_alive():
        elapsed = time.perf_counter() - started
        if elapsed > timeout:
            stop.set()  # the worker stops at its next chunk; nobody waits for it
            break
        worker.join(min(0.25, max(0.01, timeout - elapsed)))
        if progress is not None and elapsed - shown >= 0.5:
            shown = elapsed
            words = len(state["text"].split())
            progress(f"the model is writing ({words} words so far)" if words
                     else "waiting for the model")
    seconds = time.perf_counter() - started
    url = server_url(settings)
    if not state["done"]:
        raise ModelError(f"the language model at {url} did not finish within "
                         f"{timeout:g} s (BRIEFQA_LLM_TIMEOUT_SECONDS)")
    if state["error"] is not None:
        raise ModelError(describe_fault(state["error"], settings)) from None
    text = state["text"]
    if len(text) > limit:
        raise ModelError(f"the model's reply ran past {limit:,} characters without ending; "
                         f"it was not used")
    if not text.strip():
        raise ModelError(f"the language model at {url} sent an empty reply")
    if not state["finished"]:
        raise ModelError("the model's reply was cut off before it ended (the connection "
                         "closed early)")
    return Reply(text, seconds, True)


def _finished(raw) -> bool:
    """Did the server mark this chunk as the reply's last (OpenAI: finish_reason; Ollama:
    done)?"""
    if raw is None:
        return False
    if isinstance(raw, dict):
        if raw.get("done") is True:
            return True
        choices = raw.get("choices") or []
    else:
        if getattr(raw, "done", None) is True:
            return True
        choices = getattr(raw, "choices", None) or []
    for choice in choices:
        reason = choice.get("finish_reason") if isinstance(choice, dict) else \
            getattr(choice, "finish_reason", None)
        if reason:
            return True
    return False


def _close(stream) -> None:
    close = getattr(stream, "close", None)
    if close is not None:
        try:
            close()
        except Exception:  # closing is a courtesy to the server
            pass


def describe_fault(exc: BaseException, settings: Settings) -> str:
    """One line a user can act on, for any failure of the model server or of its reply. The
    API key never appears in it."""
    url = server_url(settings)
    chain = _chain(exc)
    names = {type(e).__name__ for e in chain}
    status = next((getattr(e, "status_code", None) for e in chain
                   if isinstance(getattr(e, "status_code", None), int)
                   and e.status_code > 0), None)
    if status is not None:
        detail = _short(_status_detail(chain))
        hint = {401: "check BRIEFQA_LLM_API_KEY", 403: "check BRIEFQA_LLM_API_KEY",
                404: "check the URL and the model name", 429: "the server is busy; try later"
                }.get(status, "")
        message = f"the language model server at {url} answered HTTP {status}"
        message += f": {detail}" if detail else ""
        message += f" ({hint})" if hint else ""
        return _redact(message, settings)
    if names & {"APITimeoutError", "ReadTimeout", "ConnectTimeout", "WriteTimeout",
                "PoolTimeout", "TimeoutException", "TimeoutError", "timeout"}:
        return (f"the language model at {url} did not answer within "
                f"{settings.llm_timeout_seconds:g} s (BRIEFQA_LLM_TIMEOUT_SECONDS)")
    if names & {"RemoteProtocolError", "ReadError", "IncompleteRead", "ChunkedEncodingError"}:
        return "the connection to the language model was cut before its reply ended"
    if names & {"APIConnectionError", "ConnectError", "ConnectionError",
                "ConnectionRefusedError", "gaierror"}:
        host = urlsplit(url).hostname or url
        try:
            socket.getaddrinfo(host, None)
        except OSError:
            return f"cannot reach the language model: the host name {host!r} does not resolve"
        return f"cannot reach the language model at {url} (connection refused or unreachable)"
    if names & {"JSONDecodeError", "ValidationError", "KeyError", "TypeError", "AttributeError",
                "IndexError", "APIResponseValidationError", "ValueError"}:
        return f"the language model server at {url} sent a reply that is not a valid completion"
    return _redact(f"the language model could not be used ({type(exc).__name__}: "
                   f"{_short(str(exc))})", settings)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen and len(seen) < 10:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def _status_detail(chain: list[BaseException]) -> str:
    for e in chain:
        body = getattr(e, "body", None)
        if isinstance(body, dict):
            inner = body.get("error", body)
            if isinstance(inner, dict):
                inner = inner.get("message") or json.dumps(inner)[:200]
            return str(inner)
        error = getattr(e, "error", None)
        if isinstance(error, str):
            return error
        message = getattr(e, "message", None)
        if isinstance(message, str):
            return re.sub(r"^Error code: \d+ - ", "", message)
    return ""


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", str(text)).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _redact(text: str, settings: Settings) -> str:
    key = settings.llm_api_key
    return text.replace(key, "***") if key else text
