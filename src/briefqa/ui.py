"""The browser chat (Gradio): cited answers with their sources in context, follow-ups, uploads."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .conversation import Conversation
from .errors import BriefqaError, DocumentError, QuestionError
from .followup import resolve_followup
from .render import (  # the rendering lives in render.py; its names stay importable from here
    CSS,
    HEAD,
    MAX_RELATED,  # noqa: F401
    answer_markdown,  # noqa: F401
    esc,
    human_size,
    render_about,
    render_answer,
    render_citation,  # noqa: F401
    render_context,  # noqa: F401
    render_notice,
    render_progress,
    render_sources,
    render_text_with_markers,  # noqa: F401
    render_user,
    split_context,  # noqa: F401
    where,  # noqa: F401
)
from .settings import SUPPORTED_SUFFIXES, Settings

if TYPE_CHECKING:  # pragma: no cover
    from .assistant import Assistant

log = logging.getLogger(__name__)

TITLE = "briefqa"
TAGLINE = "Answers from your documents, in their own words, with the source of every sentence."
# What a corpus says of itself in the chat (its tagline, example questions): chat.json in the
# corpus folder, so the code knows nothing of any one corpus.
CHAT_FILE = "chat.json"
UPLOAD_TYPES = (".pdf", ".txt", ".md", ".html", ".csv")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
# What `ask` yields for the question box once it has been emptied: leave it as it is, so a next
# question typed while this one is answered is kept (the page's wiring maps it to `gr.skip()`).
KEEP_DRAFT = None



def corpus_chat_file(corpus_dir: Path) -> dict:
    """The corpus's chat.json (tagline, examples), or {} when it has none or it is unreadable."""
    path = Path(corpus_dir) / CHAT_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("ignoring %s: %s", path, exc)
        return {}
    if not isinstance(data, dict):
        return {}
    examples = [q for q in data.get("examples", []) if isinstance(q, str) and q.strip()]
    tagline = data.get("tagline") if isinstance(data.get("tagline"), str) else None
    return {"tagline": tagline, "examples": examples[:12]}


# ---------------------------------------------------------------------------------------------
# The chat, independent of Gradio: one session's conversation and the handlers' logic


@dataclass
class Session:
    """One browser session's conversation (kept in gr.State, never shared): the messages
    shown, and the Conversation that reads follow-ups and keeps every answer for export."""

    messages: list[dict[str, str]] = field(default_factory=list)
    previous: str | None = None  # the last question asked, as read (frame for follow-ups)
    conversation: Conversation | None = None


class ChatApp:
    """The handlers behind the page, around one Assistant (the only way anything is answered)."""

    def __init__(self, assistant: Assistant, settings: Settings | None = None,
                 examples: tuple[str, ...] | None = None) -> None:
        self.assistant = assistant
        self.settings = settings or assistant.settings
        about = corpus_chat_file(self.settings.corpus_dir)
        self.tagline = about.get("tagline") or TAGLINE
        self.examples = tuple(examples if examples is not None else about.get("examples", ()))

    # -- asking -------------------------------------------------------------------------------

    def reply(self, question: str, session: Session,
              progress: Callable[[str], None] | None = None) -> tuple[str, Session]:
        """The assistant's message (HTML) for a question, and the session after it.
        `progress` hears what a language model answerer is doing."""
        conversation = session.conversation
        if conversation is None and hasattr(self.assistant, "conversation"):
            conversation = self.assistant.conversation()
        resolved = conversation.read(question) if conversation is not None else \
            resolve_followup(question, session.previous)
        answerer = getattr(self.assistant, "answerer", None)
        explained = None
        try:
            if progress is not None and hasattr(answerer, "with_progress"):
                answer = self.assistant.ask(resolved, answerer=answerer.with_progress(progress))
            elif answerer is getattr(self.assistant, "extractive", None) and \
                    hasattr(self.assistant, "explain"):
                explained = self.assistant.explain(resolved)  # the answer and why
                answer = explained.answer
            else:
                answer = self.assistant.ask(resolved)
        except QuestionError as exc:
            message = str(exc)
            return render_notice(message[:1].upper() + message[1:], "info"), session
        except BriefqaError as exc:
            log.warning("could not answer %r: %s", resolved, exc)
            return render_notice(f"Could not answer: {exc}"), session
        except Exception:  # one failing question must not end the conversation
            log.exception("error answering %r", resolved)
            return render_notice("Something went wrong answering this question; the error "
                                 "is in the server log. Please try again."), session
        llm = getattr(answerer, "mode", None) == "llm"
        if conversation is not None:
            conversation.add(question, answer)
        return (render_answer(answer, asked=question, show_mode=llm, explained=explained),
                Session(session.messages, answer.question, conversation))

    def ask(self, question: str | None, session: Session | None):
        """Gradio handler (a generator): show the question at once (emptying the box), then
        the answer (leaving the box to whatever was typed meanwhile: KEEP_DRAFT)."""
        session = session if isinstance(session, Session) else Session()
        text = " ".join((question or "").split())
        if not text:
            yield "", session.messages, session
            return
        messages = [*session.messages, {"role": "user", "content": render_user(text)}]
        yield "", messages, session
        if getattr(getattr(self.assistant, "answerer", None), "mode", None) == "llm":
            for content in self._reply_with_progress(text, session):
                if isinstance(content, str):
                    yield KEEP_DRAFT, [*messages, {"role": "assistant", "content": content}], \
                        session
            content, after = content
        else:
            content, after = self.reply(text, session)
        messages = [*messages, {"role": "assistant", "content": content}]
        after = Session(messages, after.previous, after.conversation)
        yield KEEP_DRAFT, messages, after

    def _reply_with_progress(self, text: str, session: Session):
        """Answer in a worker while yielding a progress line (HTML) every few tenths of a
        second; the last item is the (message, session) pair."""
        status = {"line": "Asking the language model"}
        result: dict[str, Any] = {}

        def hear(message: str) -> None:
            status["line"] = message[:1].upper() + message[1:]

        def work() -> None:
            result["reply"] = self.reply(text, session, progress=hear)

        worker = threading.Thread(target=work, name="briefqa-llm-reply", daemon=True)
        started = time.perf_counter()
        worker.start()
        shown = None
        while worker.is_alive():
            worker.join(0.3)
            line = f"{status['line']}… ({time.perf_counter() - started:.0f} s)"
            if worker.is_alive() and line != shown:
                shown = line
                yield render_progress(line)
        yield result.get("reply") or (render_notice("Something went wrong answering this "
                                                    "question; please try again."), session)

    def export(self, session: Session | None, kind: str) -> str | None:
        """The conversation as a file to download (Markdown, HTML or JSON), every quote and
        source kept; None when nothing was asked yet."""
        import tempfile

        conversation = session.conversation if isinstance(session, Session) else None
        if conversation is None or not conversation.turns:
            return None
        suffix = {"HTML": ".html", "JSON": ".json"}.get(kind, ".md")
        text = conversation.to_html() if suffix == ".html" else json.dumps(
            conversation.to_dict(), ensure_ascii=False, indent=1) if suffix == ".json" else \
            conversation.to_markdown()
        folder = Path(tempfile.mkdtemp(prefix="briefqa-export-"))
        path = folder / f"briefqa-conversation{suffix}"
        path.write_text(text, encoding="utf-8")
        return str(path)

    def ask_example(self, session: Session | None, evt: Any):
        value = getattr(evt, "value", None)
        question = value.get("text") if isinstance(value, dict) else str(value or "")
        yield from self.ask(question, session)

    @staticmethod
    def clear() -> tuple[str, list, Session]:
        return "", [], Session()

    # -- documents ----------------------------------------------------------------------------

    def sources_html(self) -> str:
        return render_sources(self.assistant.sources())

    def panels(self) -> tuple[str, str]:
        return self.sources_html(), self.about_html()

    def about_html(self) -> str:
        sources = self.assistant.sources()
        return render_about(self.settings, sum(s.units for s in sources), len(sources),
                            getattr(self.assistant, "manifest", None))

    def add_upload(self, filename: str, data: bytes, progress=None) -> tuple[bool, str]:
        """Check and index one uploaded file; (whether it was added, a message for the page).
        The check and the indexing run in a worker so progress can be shown meanwhile."""
        result: dict[str, Any] = {}

        def work() -> None:
            try:
                result["info"] = self.assistant.add_document(filename, data)
            except BaseException as exc:  # reported below, in the handler's thread
                result["error"] = exc

        shown = Path(str(filename).replace("\\", "/")).name or "the file"
        worker = threading.Thread(target=work, name="briefqa-upload", daemon=True)
        started = time.perf_counter()
        worker.start()
        expected = 3.0 + len(data) / 10_000  # seconds, roughly, on two cores
        while worker.is_alive():
            worker.join(0.25)
            if progress is not None:
                elapsed = time.perf_counter() - started
                progress(min(0.95, elapsed / (elapsed + expected)),
                         desc=f"Indexing {shown} ({elapsed:.0f} s)")
        error = result.get("error")
        if isinstance(error, DocumentError):
            reason = str(error).rstrip(". ")
            return False, render_notice(f"Not added: {reason}. Nothing was changed.")
        if isinstance(error, BriefqaError):
            return False, render_notice(f"Not added: {error}")
        if error is not None:
            log.error("upload of %r failed", filename, exc_info=error)
            return False, render_notice("Not added: something went wrong while indexing; the "
                                        "error is in the server log.")
        info = result["info"]
        return True, render_notice(
            f"Added {info.source} ({human_size(info.bytes)}, {info.units:,} units) in "
            f"{time.perf_counter() - started:.1f} s. Ask about it in the chat.", "ok")

    def upload(self, path: str | None, progress=None):
        """Gradio handler: (status, documents panel, about panel, cleared file input)."""
        if not path:
            return "", self.sources_html(), self.about_html(), None
        name = Path(path).name
        limit = self.settings.upload_max_bytes
        try:
            size = os.path.getsize(path)
        except OSError:
            return (render_notice(f"Not added: {name} could not be read."),
                    self.sources_html(), self.about_html(), None)
        if size > limit:
            message = (f"Not added: {name}: {human_size(size)} is over the upload limit of "
                       f"{human_size(limit)}. Nothing was changed.")
            return render_notice(message), self.sources_html(), self.about_html(), None
        if progress is not None:
            progress(0.02, desc=f"Checking {name}")
        data = Path(path).read_bytes()
        _ok, message = self.add_upload(name, data, progress)
        return message, self.sources_html(), self.about_html(), None

    # -- the page -----------------------------------------------------------------------------

    def build(self):
        """The Gradio Blocks of the page (not launched)."""
        import gradio as gr

        def for_page(steps):
            for box, messages, session in steps:
                yield (gr.skip() if box is KEEP_DRAFT else box), messages, session

        def ask(question, session):
            yield from for_page(self.ask(question, session))

        def ask_example(session, evt):
            yield from for_page(self.ask_example(session, evt))

        # a real annotation (not a string): Gradio passes the SelectData by its type
        ask_example.__annotations__["evt"] = gr.SelectData

        def upload(path, progress=gr.Progress()):  # noqa: B008 (how Gradio injects progress)
            return self.upload(path, progress)

        upload_label = (f"Add a document ({', '.join(UPLOAD_TYPES)}; up to "
                        f"{human_size(self.settings.upload_max_bytes)})")
        with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
            session = gr.State(None)
            with gr.Row(elem_classes="bq-top"):
                gr.HTML(f'<div class="bq-title"><h1>{esc(TITLE)}</h1>'
                        f'<p>{esc(self.tagline)}</p></div>',
                        js_on_load=None)
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=420):
                    chatbot = gr.Chatbot(
                        value=[], label="Chat", show_label=False, elem_id="bq-chat",
                        height=640, layout="panel", render_markdown=False,
                        sanitize_html=True, allow_tags=False, latex_delimiters=[],
                        buttons=[], feedback_options=None, autoscroll=True,
                        group_consecutive_messages=False,
                        placeholder=("<div class='bq-placeholder'><strong>Ask about the "
                                     "documents</strong><br>Every answer quotes them and "
                                     "shows where each sentence comes from; follow-ups such "
                                     "as “and in 2024?” work too."
                                     + (" Try one of these:" if self.examples else "")
                                     + "</div>"),
                        examples=[{"text": q} for q in self.examples] or None)
                    with gr.Row(equal_height=True):
                        question = gr.Textbox(
                            show_label=False, placeholder="Ask about the documents…",
                            elem_id="bq-question",
                            scale=8, lines=1, max_lines=4, autofocus=True,
                            max_length=self.settings.max_question_chars)
                        send = gr.Button("Ask", variant="primary", scale=1, min_width=80,
                                         elem_id="bq-ask")
                        clear = gr.Button("Clear", variant="secondary", scale=1, min_width=80,
                                          elem_id="bq-clear")
                    with gr.Accordion("Export the conversation", open=False,
                                      elem_id="bq-export"):
                        with gr.Row(equal_height=True):
                            export_kind = gr.Radio(["Markdown", "HTML", "JSON"],
                                                   value="HTML", show_label=False,
                                                   elem_id="bq-export-kind", scale=3)
                            export_button = gr.Button("Export", elem_id="bq-export-button",
                                                      scale=1, min_width=80)
                        exported = gr.File(label="Download", interactive=False,
                                           elem_id="bq-export-file")
                with gr.Column(scale=2, min_width=300):
                    with gr.Accordion("Documents", open=True, elem_id="bq-documents"):
                        documents = gr.HTML('<div class="bq-loading">Loading…</div>',
                                            js_on_load=None, elem_id="bq-doc-list")
                        upload_file = gr.File(label=upload_label, type="filepath",
                                              file_count="single", elem_id="bq-upload")
                        status = gr.HTML("", js_on_load=None, elem_id="bq-upload-status",
                                         min_height=72)
                    with gr.Accordion("About", open=False, elem_id="bq-about"):
                        about = gr.HTML("", js_on_load=None, elem_id="bq-about-table")

            # the panels are filled when a page opens, so each shows the documents as they are
            demo.load(self.panels, None, [documents, about], api_visibility="private",
                      show_progress="hidden")
            outputs = [question, chatbot, session]
            # a question sent while the last one is still being answered (or its answer is
            # still arriving) is asked right after it, not dropped ("once" drops it)
            question.submit(ask, [question, session], outputs, api_name="ask",
                            show_progress="minimal", trigger_mode="always_last")
            send.click(ask, [question, session], outputs, api_visibility="private",
                       show_progress="minimal", trigger_mode="always_last")
            chatbot.example_select(ask_example, [session], outputs, api_visibility="private",
                                   show_progress="minimal", trigger_mode="always_last")
            clear.click(self.clear, None, outputs, queue=False, api_visibility="private")
            # the chat's own bin icon empties the chat in the browser; this forgets the
            # conversation (and the draft) on the server too
            chatbot.clear(lambda: ("", Session()), None, [question, session], queue=False,
                          api_visibility="private")
            export_button.click(self.export, [session, export_kind], [exported],
                                api_visibility="private", show_progress="hidden")
            upload_file.upload(upload, [upload_file], [status, documents, about, upload_file],
                               api_visibility="private", concurrency_limit=1,
                               concurrency_id="indexing", show_progress="full",
                               show_progress_on=[status])
        demo.queue(default_concurrency_limit=self.settings.concurrency)
        return demo


# ---------------------------------------------------------------------------------------------
# Serving


def sign_in(settings: Settings) -> tuple[str, str] | None:
    """Gradio's auth for the settings: both a user name and a password, or neither."""
    if bool(settings.username) != bool(settings.password):
        raise BriefqaError("sign-in needs both a user name and a password "
                           "(--username and --password, or BRIEFQA_USERNAME and "
                           "BRIEFQA_PASSWORD)")
    return (settings.username, settings.password) if settings.username else None


def launch_options(settings: Settings) -> dict[str, Any]:
    """The keyword arguments of Blocks.launch for these settings."""
    import gradio as gr

    auth = sign_in(settings)
    if settings.host not in LOCAL_HOSTS and auth is None:
        log.warning("listening on %s without a user name and password: anyone who can reach "
                    "this address can use the chat and upload documents", settings.host)
    font = ["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"]
    mono = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]
    return dict(
        server_name=settings.host, server_port=settings.port, auth=auth,
        auth_message="Sign in to the briefqa chat." if auth else None,
        # the file limit is checked by the handler, with a clear message; this only stops
        # far larger uploads from reaching the disk at all
        max_file_size=max(settings.upload_max_bytes * 4, 1024 * 1024),
        show_error=False, quiet=True, footer_links=[], run_history=False, ssr_mode=False,
        mcp_server=False, enable_monitoring=False,
        theme=gr.themes.Soft(font=font, font_mono=mono), css=CSS, head=HEAD,
    )


# Launch options that mount_gradio_app takes as well (the address is uvicorn's).
_MOUNT_OPTIONS = ("auth", "auth_message", "max_file_size", "show_error", "footer_links",
                  "run_history", "ssr_mode", "mcp_server", "enable_monitoring", "theme", "css",
                  "head")


class Server:
    """The chat and the HTTP API, one FastAPI app on one uvicorn server in a thread."""

    def __init__(self, app, settings: Settings) -> None:
        import uvicorn

        config = uvicorn.Config(app, host=settings.host, port=settings.port,
                                log_level="warning", timeout_graceful_shutdown=2,
                                limit_concurrency=max(64, settings.concurrency * 16))
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="briefqa-server",
                                       daemon=True)

    def start(self, timeout: float = 60.0) -> int:
        self.thread.start()
        started = time.perf_counter()
        while not self.server.started:
            if not self.thread.is_alive():
                raise BriefqaError("the server could not start (is the port in use?)")
            if time.perf_counter() - started > timeout:
                raise BriefqaError("the server did not start in time")
            time.sleep(0.05)
        return self.server_port

    @property
    def server_port(self) -> int:
        for server in getattr(self.server, "servers", []):
            for sock in server.sockets:
                return int(sock.getsockname()[1])
        return int(self.server.config.port)

    def block_thread(self) -> None:
        while self.thread.is_alive():
            self.thread.join(0.5)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def serve(settings: Settings | None = None, *, block: bool = True):
    """Open (or build) the index, then serve the chat at / and the HTTP API at /api/v1; print
    where it listens. With block=False, return (server, url) and leave it running."""
    import gradio as gr

    from .api import create_api
    from .assistant import Assistant

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    settings = settings or Settings.from_env()
    sign_in(settings)  # a half-given sign-in fails now, not after the index is opened
    started = time.perf_counter()
    fresh = not settings.store and not (settings.index_dir / "manifest.json").exists()
    if fresh:
        print(f"briefqa: no index in {settings.index_dir} yet: building it from "
              f"{settings.corpus_dir} (once; about half a minute)", flush=True)
    qa = Assistant.open(settings.corpus_dir, settings.index_dir, settings=settings,
                        progress=True)
    sources = qa.sources()
    print(f"briefqa: index ready: {qa.unit_count:,} units from {len(sources)} documents "
          f"({time.perf_counter() - started:.1f} s)", flush=True)
    demo = ChatApp(qa, settings).build()
    options = launch_options(settings)
    app = gr.mount_gradio_app(create_api(qa, settings), demo, path="/",
                              **{k: options[k] for k in _MOUNT_OPTIONS if k in options})
    server = Server(app, settings)
    port = server.start()
    url = f"http://{_url_host(settings.host)}:{port}/"
    bound = "" if settings.host in LOCAL_HOSTS else f", listening on {settings.host}"
    print(f"briefqa: chat running at {url} (started in {time.perf_counter() - started:.1f} s"
          f"{bound}; HTTP API at {url}api/v1/, schema at {url}api/v1/openapi.json; Ctrl+C "
          f"stops it)", flush=True)
    threading.Thread(target=_warm_up, args=(qa,), name="briefqa-warm-up", daemon=True).start()
    if not block:
        return server, url
    try:
        server.block_thread()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return server, url


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _warm_up(qa: Assistant) -> None:
    """Load the query encoder now, so the first person to ask does not wait for it."""
    try:
        qa.ask("What do the documents say?", answerer=qa.extractive)
    except Exception as exc:  # only speed is at stake
        log.debug("warm-up failed: %s", exc)


__all__ = ["ChatApp", "Session", "render_answer", "render_sources", "render_about", "serve",
           "esc", "SUPPORTED_SUFFIXES"]
