"""Conversation: questions asked one after another, follow-ups ("and LUMI?") read against the
question before, every turn kept with its answer; exported as Markdown, self-contained HTML or
JSON with every quote, source, section, page and offset.

The chat, the terminal chat (`briefqa chat`), `briefqa ask --after` and the HTTP API all ask
through this class, so the same conversation gives the same answers everywhere.
"""

from __future__ import annotations

import copy
import html
import time
import uuid
from dataclasses import dataclass, field

from .answer import Answer
from .followup import resolve_followup


@dataclass
class Turn:
    asked: str  # what was typed
    question: str  # as it was read: a follow-up resolved against the question before
    answer: Answer
    at: str  # when, ISO 8601 UTC

    def to_dict(self) -> dict:
        return {"asked": self.asked, "question": self.question, "at": self.at,
                "answer": self.answer.to_dict()}


@dataclass
class Conversation:
    """One conversation with an Assistant: `ask()` resolves a follow-up against the last
    question as read, answers it and keeps the turn."""

    assistant: object = field(repr=False)
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    turns: list[Turn] = field(default_factory=list)
    title: str = "briefqa conversation"

    @property
    def previous(self) -> str | None:
        """The last question as read: the frame a follow-up is read against."""
        return self.turns[-1].question if self.turns else None

    def read(self, question: str) -> str:
        """How a question is read in this conversation (a follow-up rewritten in full)."""
        return resolve_followup(question, self.previous)

    def ask(self, question: str, answerer=None) -> Answer:
        resolved = self.read(question)
        answer = self.assistant.ask(resolved, answerer=answerer)
        self.add(question, answer)
        return answer

    def add(self, asked: str, answer: Answer) -> Turn:
        """Keep a turn answered elsewhere (the chat's explained answers, a streamed one)."""
        turn = Turn(" ".join(asked.split()), answer.question, answer,
                    time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        self.turns.append(turn)
        return turn

    def __deepcopy__(self, memo) -> Conversation:
        # Gradio copies session state: the turns are copied, the Assistant is shared.
        return Conversation(self.assistant, self.id, copy.deepcopy(self.turns, memo),
                            self.title)

    # -- exports ------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title,
                "turns": [t.to_dict() for t in self.turns]}

    def to_markdown(self) -> str:
        lines = [f"# {self.title}", ""]
        for n, turn in enumerate(self.turns, start=1):
            lines.append(f"## {n}. {turn.asked}")
            if turn.question != turn.asked:
                lines.append(f"_(read as: {turn.question})_")
            lines += ["", turn.answer.to_markdown().rstrip(), ""]
        return "\n".join(lines).rstrip() + "\n"

    def to_html(self) -> str:
        """A self-contained page (inline style, no script, every text escaped) with each
        question, its answer and every source: document, section, page, offsets and quote."""
        body = [f"<h1>{_e(self.title)}</h1>"]
        for n, turn in enumerate(self.turns, start=1):
            a = turn.answer
            body.append(f'<section class="turn" id="turn-{n}"><h2>{n}. {_e(turn.asked)}</h2>')
            if turn.question != turn.asked:
                body.append(f'<p class="read">Read as: <q>{_e(turn.question)}</q></p>')
            label = {"answered": f"Answer (confidence {a.confidence:.0%})",
                     "passages": "Not sure: where the documents speak of it",
                     "not_found": "Not in the documents"}.get(a.status, "Answer")
            body.append(f'<p class="status {_e(a.status)}">{_e(label)} · {_e(a.mode)}</p>')
            if a.short is not None:
                body.append(f'<p class="short"><b>{_e(a.short.text)}</b> '
                            f'[{a.short.citation}]</p>')
            body.append(f'<p class="text">{_e(a.text)}</p>')
            if a.computation:
                body.append(_computation(a.computation))
            for note in a.notes:
                body.append(f'<p class="note">{_e(note)}</p>')
            if a.citations:
                body.append("<ol class=sources>")
                for c in a.citations:
                    where = " · ".join(x for x in (c.section, f"p. {c.page}" if c.page else None)
                                       if x)
                    body.append(
                        f'<li value="{c.id}"><div class="doc">{_e(c.title)} '
                        f'<span class="file">({_e(c.source)}, characters {c.start}–{c.end})'
                        f'</span>{" — " + _e(where) if where else ""}'
                        f'{" · related, not an answer" if c.related else ""}</div>'
                        f'<blockquote>{_e(c.quote)}</blockquote></li>')
                body.append("</ol>")
            body.append("</section>")
        return (f"<!doctype html><html lang=en><head><meta charset=utf-8>"
                f"<title>{_e(self.title)}</title><style>{_STYLE}</style></head><body>"
                + "".join(body) + "</body></html>\n")


def _computation(computation: dict) -> str:
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in computation.items())
    return f'<table class="computation">{rows}</table>'


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


_STYLE = ("body{font:15px/1.5 system-ui,sans-serif;max-width:52em;margin:2em auto;"
          "padding:0 1em;color:#222}h2{font-size:1.1em;margin-top:2em}"
          ".read,.file,.status{color:#666;font-size:.9em}.short{font-size:1.1em}"
          "blockquote{margin:.3em 0 .8em 0;padding-left:.8em;border-left:3px solid #ccc}"
          ".note{font-style:italic}.doc{font-weight:600}"
          "table.computation{border-collapse:collapse}"
          "table.computation th,table.computation td{border:1px solid #ddd;padding:2px 6px}")
