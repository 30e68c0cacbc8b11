"""Render: answers and sources as escaped HTML and Markdown for the chat."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .answer import Answer, Citation
    from .index import SourceInfo
    from .settings import Settings

MAX_RELATED = 3


def esc(text: object) -> str:
    """Document text as HTML text: every <, >, & and quote escaped, so it never becomes markup."""
    return html.escape("" if text is None else str(text), quote=True)


# ---------------------------------------------------------------------------------------------
# Formatting: every piece of document or user text goes through esc()


def render_user(question: str) -> str:
    return f'<div class="bq-question">{esc(question)}</div>'


def render_text_with_markers(text: str, ids: set[int]) -> str:
    """The answer text, escaped, with its " [n]" markers made into links to source n."""
    def marker(match: re.Match) -> str:
        n = int(match.group(1))
        if n not in ids:
            return match.group(0)
        # numbered by class: the chat's sanitizer drops data-* attributes
        return (f'<a class="bq-ref bq-ref-{n}" href="#" title="Show source {n}">[{n}]</a>')

    return re.sub(r"(?<=\s)\[(\d{1,3})\](?=[\s.,;:!?]|$)", marker, esc(text))


def split_context(c: Citation) -> tuple[str, str, str]:
    """The citation's passage as (before, quote, after), the quote where its offsets put it."""
    context = c.context or ""
    s, e = c.start - c.context_start, c.end - c.context_start
    if context and 0 <= s <= e <= len(context) and context[s:e] == c.quote:
        return context[:s], c.quote, context[e:]
    at = context.find(c.quote) if c.quote else -1
    if at >= 0:
        return context[:at], c.quote, context[at + len(c.quote):]
    return "", c.quote, ""


def render_context(c: Citation) -> str:
    before, quote, after = split_context(c)
    return (f'<div class="bq-context">{esc(before)}<mark class="bq-mark">{esc(quote)}</mark>'
            f'{esc(after)}</div>')


def where(c: Citation) -> str:
    """"Section · p. 3" (what there is of it)."""
    parts = [c.section, f"p. {c.page}" if c.page else None]
    return " · ".join(p for p in parts if p)


def render_citation(c: Citation, related: bool = False) -> str:
    label = ('<span class="bq-badge">Related (not an answer)</span>' if related
             else f'<span class="bq-num">{c.id}</span>')
    place = where(c)
    place_html = f'<span class="bq-where">{esc(place)}</span>' if place else ""
    quote = " ".join(c.quote.split())
    return (
        f'<details class="bq-source bq-src-{c.id}{" bq-related" if related else ""}">'
        f'<summary><span class="bq-head">{label}<span class="bq-doc">{esc(c.title)}</span>'
        f'{place_html}<span class="bq-file">{esc(c.source)}</span></span>'
        f'<span class="bq-quote">“{esc(quote)}”</span></summary>'
        f'<div class="bq-in-context"><span class="bq-label">In context</span>'
        f'{render_context(c)}</div></details>')


def answer_markdown(answer: Answer, asked: str | None = None) -> str:
    """What the copy button copies: the question, the answer and its sources, in Markdown."""
    question = asked or answer.question
    head = f"**Q:** {question}\n\n"
    if asked and " ".join(asked.split()) != answer.question:
        head += f"_(read as: {answer.question})_\n\n"
    return head + answer.to_markdown()


def render_why(explained) -> str:
    """The "Why this answer?" fold: the decision, then the likeliest candidates with their
    probability and the scorers that moved it most (all text escaped)."""
    rows = []
    for c in explained.candidates[:5]:
        pushes = sorted(c.contributions.items(), key=lambda kv: -abs(kv[1]))[:4]
        moved = ", ".join(f"{name} {push:+.1f}" for name, push in pushes)
        quote = " ".join(c.quote.split())
        rows.append(f'<tr{" class=bq-why-cited" if c.cited else ""}><td>{c.probability:.0%}</td>'
                    f'<td>{esc(quote[:180])}{"…" if len(quote) > 180 else ""}'
                    f'<div class="bq-why-src">{esc(c.source)} · retrieval #{c.retrieval_rank}'
                    f'</div></td><td class="bq-why-moved">{esc(moved)}</td></tr>')
    return ('<details class="bq-why"><summary>Why this answer?</summary>'
            f'<p class="bq-why-decision">{esc(explained.why)}</p>'
            '<table class="bq-why-table"><tr><th>p</th><th>candidate</th>'
            '<th>what moved it (log-odds)</th></tr>' + "".join(rows) + "</table></details>")


def render_answer(answer: Answer, asked: str | None = None, show_mode: bool = False,
                  explained=None) -> str:
    """One assistant message: the answer with [n] markers, then its numbered sources (or,
    when the documents do not answer, a plain "no" and a few passages marked as related).
    `show_mode`: a language model is configured, so say which way this answer was written."""
    parts = ['<div class="bq-answer' + ("" if answer.grounded else " bq-abstained") + '">']
    if asked is not None and " ".join(asked.split()) != answer.question:
        parts.append(f'<div class="bq-read-as">Read as: <q>{esc(answer.question)}</q></div>')
    mode = getattr(answer, "mode", "extractive")
    if mode == "llm":
        parts.append('<div class="bq-mode bq-mode-llm">Written by the language model; every '
                     'sentence below was checked against the passage it cites</div>')
    elif mode == "computed":
        parts.append('<div class="bq-mode bq-mode-computed">Computed by briefqa from table '
                     'rows; every row it used is cited</div>')
    elif show_mode:  # a language model was asked, but its answer was not used
        parts.append('<div class="bq-mode bq-mode-extractive">Extractive answer: the '
                     'documents\' own sentences</div>')
    if answer.grounded:
        cited = [c for c in answer.citations if not c.related]
        ids = {c.id for c in cited}
        short = getattr(answer, "short", None)
        if short is not None and short.citation == 0:  # computed by briefqa: no quote
            parts.append(f'<p class="bq-short"><span class="bq-short-text">{esc(short.text)}'
                         f'</span> <span class="bq-computed-mark">(computed)</span></p>')
        elif short is not None:  # the figure, name or date first, with its marker
            marked = render_text_with_markers(f"{short.text} [{short.citation}]", ids)
            parts.append(f'<p class="bq-short"><span class="bq-short-text">{esc(short.text)}'
                         f'</span>{marked[len(esc(short.text)):]}</p>')
        parts.append(f'<p class="bq-text">{render_text_with_markers(answer.text, ids)}</p>')
        if mode == "computed":
            parts.append(render_computed(answer.computation or {}))
        if answer.status == "answered" and answer.mode not in ("llm", "computed"):
            parts.append(f'<p class="bq-confidence" title="Of answers given at this confidence, '
                         f'about this share was right on questions the model never saw">'
                         f'Confidence {answer.confidence:.0%}</p>')
        if cited:
            parts.append('<div class="bq-sources"><div class="bq-sources-head">Sources</div>')
            parts.extend(render_citation(c) for c in cited)
            parts.append("</div>")
    else:
        parts.append(f'<p class="bq-text bq-no-answer">{esc(answer.text)}</p>')
        related = answer.citations[:MAX_RELATED]
        if related:
            parts.append('<div class="bq-sources bq-related-list"><div class="bq-sources-head">'
                         'Where the documents speak of it (not an answer)</div>')
            parts.extend(render_citation(c, related=True) for c in related)
            parts.append("</div>")
    parts.append(render_withheld(getattr(answer, "unverified", None) or []))
    notes = getattr(answer, "notes", None) or []
    if notes:
        parts.append('<div class="bq-notes">' + "".join(
            f'<p class="bq-note">{esc(n)}</p>' for n in notes) + "</div>")
    if explained is not None:
        parts.append(render_why(explained))
    parts.append(
        '<div class="bq-actions"><button type="button" class="bq-copy" '
        'title="Copy the answer and its sources as Markdown">Copy as Markdown</button>'
        f'<pre class="bq-md" hidden>{esc(answer_markdown(answer, asked))}</pre></div>')
    parts.append("</div>")
    return "".join(parts)


MAX_TABLE_ROWS = 50


def render_computed(computation: dict) -> str:
    """The rows a computed answer used, as a small table (each row with its source marker;
    every cell escaped as text: a cell is data, never markup or a formula)."""
    results = computation.get("results") or [computation]
    out = []
    for result in results:
        rows = (result.get("rows") or [])[:MAX_TABLE_ROWS]
        if not rows:
            continue
        width = max(len(r.get("cells") or []) for r in rows)
        columns = list(rows[0].get("columns") or [])[:width]
        columns += [""] * (width - len(columns))
        head = "".join(f"<th>{esc(c)}</th>" for c in ["", *columns])
        body = []
        for r in rows:
            cells = list(r.get("cells") or []) + [None] * width
            number = r.get("citation")
            ref = (f'<a class="bq-ref bq-ref-{int(number)}" href="#">[{int(number)}]</a>'
                   if isinstance(number, int) else "")
            body.append("<tr><td>" + ref + "</td>" + "".join(
                f"<td>{esc(c if c is not None else '')}</td>" for c in cells[:width]) + "</tr>")
        caption = esc(result.get("table") or "")
        out.append(f'<table class="bq-computed"><caption>{caption}</caption><tr>{head}</tr>'
                   + "".join(body) + "</table>")
    if not out:
        return ""
    return ('<div class="bq-computed-rows"><div class="bq-sources-head">Rows used (computed '
            'by briefqa from the cited rows)</div>' + "".join(out) + "</div>")


def render_withheld(sentences: list[str]) -> str:
    """What the model wrote that what it cites does not support: listed apart, never as part
    of the answer."""
    if not sentences:
        return ""
    items = "".join(f"<li>{esc(s)}</li>" for s in sentences)
    return ('<div class="bq-unverified"><div class="bq-sources-head">Not supported by the '
            f'documents</div><p class="bq-unverified-why">The language model also wrote '
            f'this; what it cites does not say so, so it is not part of the answer.</p>'
            f'<ul>{items}</ul></div>')


def render_progress(message: str) -> str:
    """The line shown while the language model works."""
    return f'<div class="bq-progress" role="status">{esc(message)}</div>'


def render_notice(message: str, kind: str = "error") -> str:
    return f'<div class="bq-notice bq-{esc(kind)}">{esc(message)}</div>'


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def render_sources(sources: list[SourceInfo]) -> str:
    """The documents panel: each indexed document with its size and number of units."""
    if not sources:
        return '<div class="bq-docs bq-empty">No documents are indexed yet.</div>'
    rows = []
    for s in sources:
        rows.append(
            f'<tr><td><span class="bq-doc">{esc(s.title)}</span>'
            f'<span class="bq-file">{esc(s.source)}</span></td>'
            f'<td class="bq-n">{esc(human_size(s.bytes))}</td>'
            f'<td class="bq-n">{s.units:,}</td></tr>')
    total = sum(s.bytes for s in sources)
    units = sum(s.units for s in sources)
    return (f'<table class="bq-docs"><thead><tr><th>Document</th><th>Size</th><th>Units</th>'
            f'</tr></thead><tbody>{"".join(rows)}</tbody><tfoot><tr><td>{len(sources)} '
            f'documents</td><td class="bq-n">{esc(human_size(total))}</td>'
            f'<td class="bq-n">{units:,}</td></tr></tfoot></table>')


def render_about(settings: Settings, units: int, documents: int,
                 manifest: dict | None = None) -> str:
    manifest = manifest or {}
    shown = settings.public()
    rows = [
        ("Corpus", shown["corpus_dir"]),
        ("Index", shown["store"] or shown["index_dir"]),
        ("Model", shown["model_path"]),
        ("Documents", f"{documents:,}"),
        ("Units (sentences)", f"{units:,}"),
        ("Index built", manifest.get("built_at", "")),
        ("Vector index", manifest.get("vector_index", "")),
        ("Answers at once", shown["concurrency"]),
        ("Upload limit", human_size(int(shown["upload_max_bytes"]))),
        ("Address", f"{shown['host']}:{shown['port']}"),
        ("Sign-in", "required" if settings.username and settings.password else "none"),
    ]
    body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows if v != "")
    return f'<table class="bq-about">{body}</table>'


# ---------------------------------------------------------------------------------------------
# The page's stylesheet and script: how the markup above looks, the [n] links, the copy button


CSS = """
.bq-top { margin-bottom: 4px; }
.bq-title h1 { font-size: 1.5rem; margin: 0; }
.bq-title p { margin: 2px 0 0; color: var(--body-text-color-subdued); }
.bq-placeholder { text-align: center; line-height: 1.6; color: var(--body-text-color-subdued); }
.bq-question { white-space: pre-wrap; font-weight: 600; padding: 6px 10px; border-radius: 8px;
  background: var(--color-accent-soft); display: inline-block; }
.bq-answer { line-height: 1.55; }
.bq-text { margin: 0 0 10px; }
.bq-no-answer { font-weight: 600; }
.bq-read-as { font-size: 0.85em; color: var(--body-text-color-subdued); margin-bottom: 6px; }
a.bq-ref { text-decoration: none; font-weight: 600; font-size: 0.85em;
  color: var(--color-accent); vertical-align: super; }
.bq-sources { border-top: 1px solid var(--border-color-primary); padding-top: 8px; }
.bq-sources-head { font-size: 0.78em; text-transform: uppercase; letter-spacing: 0.06em;
  color: var(--body-text-color-subdued); margin-bottom: 6px; font-weight: 600; }
details.bq-source { border: 1px solid var(--border-color-primary); border-radius: 8px;
  margin: 0 0 8px; background: var(--background-fill-secondary); }
details.bq-source > summary { cursor: pointer; padding: 8px 10px; list-style: none; }
details.bq-source > summary::-webkit-details-marker { display: none; }
details.bq-source > summary::after { content: "Show in context ▸"; display: block;
  font-size: 0.78em; color: var(--color-accent); margin-top: 4px; }
details.bq-source[open] > summary::after { content: "Hide context ▾"; }
.bq-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 8px; }
.bq-num { display: inline-block; min-width: 1.5em; text-align: center; border-radius: 4px;
  background: var(--color-accent); color: white; font-size: 0.8em; font-weight: 700; }
.bq-badge { display: inline-block; border-radius: 4px; padding: 0 6px; font-size: 0.75em;
  font-weight: 700; background: #fde68a; color: #78350f; }
.bq-doc { font-weight: 600; }
.bq-where { color: var(--body-text-color-subdued); font-size: 0.9em; }
.bq-file { color: var(--body-text-color-subdued); font-size: 0.8em;
  font-family: var(--font-mono); overflow-wrap: anywhere; }
.bq-quote { display: block; margin-top: 4px; font-style: italic; overflow-wrap: anywhere; }
.bq-related .bq-quote { font-style: normal; color: var(--body-text-color-subdued); }
.bq-in-context { padding: 0 10px 10px; }
.bq-label { display: block; font-size: 0.75em; text-transform: uppercase; letter-spacing: 0.06em;
  color: var(--body-text-color-subdued); margin-bottom: 2px; }
.bq-context { white-space: pre-line; overflow-wrap: anywhere; font-size: 0.95em;
  border-left: 3px solid var(--border-color-accent); padding-left: 8px; }
mark.bq-mark { background: #fef08a; color: #1f2937; padding: 0 2px; border-radius: 2px; }
.bq-actions { margin-top: 4px; }
.bq-md, pre.bq-md { display: none !important; }
button.bq-copy { font-size: 0.8em; padding: 2px 8px; border-radius: 6px; cursor: pointer;
  border: 1px solid var(--border-color-primary); background: var(--background-fill-primary);
  color: var(--body-text-color); }
.bq-mode { display: inline-block; font-size: 0.75em; font-weight: 600; border-radius: 4px;
  padding: 1px 6px; margin-bottom: 6px; }
.bq-mode-llm { background: #ede9fe; color: #4c1d95; }
.bq-mode-extractive { background: #e0f2fe; color: #0c4a6e; }
.bq-unverified { border-top: 1px dashed var(--border-color-primary); margin-top: 8px;
  padding-top: 6px; color: var(--body-text-color-subdued); }
.bq-unverified ul { margin: 2px 0 0 1.2em; padding: 0; }
.bq-unverified li { text-decoration: line-through; overflow-wrap: anywhere; }
.bq-unverified-why { font-size: 0.85em; margin: 0; }
.bq-short { font-size: 1.1em; margin: 0 0 4px 0; }
.bq-confidence { font-size: 0.85em; color: var(--body-text-color-subdued); margin: 2px 0; }
.bq-why { margin-top: 6px; font-size: 0.85em; }
.bq-why summary { cursor: pointer; color: var(--body-text-color-subdued); }
.bq-computed { border-collapse: collapse; margin: 4px 0 8px; font-size: 0.9em; }
.bq-computed caption { text-align: left; font-style: italic; padding-bottom: 2px; }
.bq-computed td, .bq-computed th { border: 1px solid var(--border-color-primary);
  padding: 2px 6px; text-align: left; vertical-align: top; }
.bq-computed-mark { font-size: 0.85em; opacity: 0.75; }
.bq-why-table { border-collapse: collapse; width: 100%; margin-top: 4px; }
.bq-why-table td, .bq-why-table th { border-top: 1px solid var(--border-color-primary);
  padding: 3px 6px; vertical-align: top; text-align: left; }
.bq-why-cited td { font-weight: 600; }
.bq-why-src, .bq-why-moved { color: var(--body-text-color-subdued); font-size: 0.9em; }
.bq-short-text { font-weight: 600; }
.bq-notes { font-size: 0.85em; color: var(--body-text-color-subdued); margin-top: 6px; }
.bq-note { margin: 2px 0; overflow-wrap: anywhere; }
.bq-progress { font-style: italic; color: var(--body-text-color-subdued); }
.bq-notice { padding: 6px 10px; border-radius: 6px; overflow-wrap: anywhere; }
.bq-error { background: #fee2e2; color: #7f1d1d; }
.bq-info { background: #e0f2fe; color: #0c4a6e; }
.bq-ok { background: #dcfce7; color: #14532d; }
table.bq-docs, table.bq-about { width: 100%; border-collapse: collapse; font-size: 0.9em;
  border: none !important; margin: 0; }
table.bq-docs th, table.bq-docs td, table.bq-about th, table.bq-about td {
  text-align: left; padding: 4px 6px; border: none !important;
  border-bottom: 1px solid var(--border-color-primary) !important; vertical-align: top;
  background: transparent !important; }
table.bq-docs tr, table.bq-about tr, table.bq-docs thead, table.bq-docs tbody,
table.bq-docs tfoot { border: none !important; background: transparent !important; }
table.bq-docs thead th { font-size: 0.8em; text-transform: uppercase; letter-spacing: 0.05em;
  color: var(--body-text-color-subdued); }
table.bq-docs .bq-doc, table.bq-docs .bq-file { display: block; }
table.bq-docs td.bq-n { text-align: right; white-space: nowrap; }
table.bq-docs tfoot td { font-weight: 600; border-bottom: none !important; }
table.bq-about th { font-weight: 600; white-space: nowrap; width: 40%; }
table.bq-about td { overflow-wrap: anywhere; }
"""

# Clicking a [n] marker opens source n; the copy button copies the answer's Markdown.
HEAD = r"""<script>
(function () {
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text; area.style.position = "fixed"; area.style.left = "-9999px";
    document.body.appendChild(area); area.select();
    try { document.execCommand("copy"); } finally { area.remove(); }
    return Promise.resolve();
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.closest) { return; }
    var button = target.closest("button.bq-copy");
    if (button) {
      var answer = button.closest(".bq-answer");
      var source = answer && answer.querySelector(".bq-md");
      copyText(source ? source.textContent : "").then(function () {
        button.textContent = "Copied";
        button.setAttribute("data-copied", "true");
        setTimeout(function () { button.textContent = "Copy as Markdown"; }, 1500);
      });
      return;
    }
    var ref = target.closest("a.bq-ref");
    if (ref) {
      event.preventDefault();
      var box = ref.closest(".bq-answer");
      var n = (ref.className.match(/bq-ref-(\d+)/) || [])[1];
      var details = box && n && box.querySelector("details.bq-src-" + n);
      if (details) { details.open = true; details.scrollIntoView({block: "nearest"}); }
    }
  }, true);
})();
</script>"""
