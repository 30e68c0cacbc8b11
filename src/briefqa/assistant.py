"""Assistant: the public entry point that opens (building or refreshing) an index and answers."""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import threading
import time
import unicodedata
import uuid
from pathlib import Path

from .answer import Answer, Answerer, Step, normalise_question
from .conversation import Conversation
from .encoders import Encoders
from .errors import BriefqaError, CorpusError, DocumentError, IndexReplacedError, IndexStateError
from .explain import Explanation, explanation
from .extractive import ExtractiveAnswerer, warm_up_models
from .index import IndexData, Indexer, RefreshReport, SourceInfo, open_index, read_manifest
from .ingest import Document, human_size, parse_document
from .question import Question, parse_question
from .retrieve import Hit, Retrieved, hybrid_search
from .settings import SUPPORTED_SUFFIXES, Settings
from .tables.route import TableRoute

log = logging.getLogger(__name__)


class Assistant:
    """Answers questions from the documents of a corpus, citing the sentences it uses.

    >>> qa = Assistant.open(corpus_dir="corpus", index_dir="index")
    >>> qa.ask("How many Hopper GPUs does MareNostrum 5 have?").text
    """

    def __init__(self, settings: Settings, index: IndexData, *,
                 encoders: Encoders | None = None, answerer: Answerer | None = None,
                 refreshed: RefreshReport | None = None) -> None:
        """An Assistant over an opened index (`Assistant.open` builds or refreshes one)."""
        self.settings = settings
        self._index = index
        self._write_lock = threading.Lock()
        self.encoders = encoders or Encoders(settings)
        self.last_refresh = refreshed
        self.extractive = ExtractiveAnswerer(settings, encode=self.encoders.encode)
        self.answerer: Answerer = answerer or self._default_answerer()
        # Questions computed over the documents' tables (counts, superlatives, comparisons)
        # go to the computed answer; `TableRoute` decides which (see `tables.route`). An
        # answerer given here answers everything itself.
        self.tables: TableRoute | None = TableRoute(
            fallback=self.answerer, planner=self._table_planner()) if answerer is None else None

    def _default_answerer(self) -> Answerer:
        """The extractive answer, or the LLM's when the settings name a model server."""
        if self.settings.llm == "off":
            return self.extractive
        from .llm import LLMAnswerer  # llama-index is imported only on this path

        return LLMAnswerer(self.settings, fallback=self.extractive, encode=self.encoders.encode)

    def _table_planner(self):
        """With a model server configured: the model may propose a plan over the tables that
        the linker could not make (see `tables.llmplan`); None otherwise."""
        if self.settings.llm == "off":
            return None
        from .tables.llmplan import LLMPlanner

        model = self.answerer  # the LLMAnswerer: its client and model name are shared
        return LLMPlanner(self.settings, fallback=self.answerer, offline=self.extractive,
                          client=getattr(model, "client", None),
                          model=lambda: getattr(model, "model", None))

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, corpus_dir: str | Path = "corpus", index_dir: str | Path = "index", *,
             settings: Settings | None = None, refresh: bool = True,
             progress: bool = False) -> Assistant:
        """Open the index, first building it when missing or refreshing it when stale (only
        changed files are re-processed). With refresh=False the index is opened as it is."""
        settings = (settings or Settings.from_env()).with_(corpus_dir=Path(corpus_dir),
                                                            index_dir=Path(index_dir))
        warm_up_models(settings)  # the reader and verifier load while the index opens
        encoders = Encoders(settings)
        if settings.store:
            # A PostgreSQL store is read, never written, on opening: many replicas open it at
            # once, and `briefqa index --store ...` (or `refresh()`) writes it.
            from .pgstore import open_store_index

            index = open_store_index(settings)
            _warn_if_uncalibrated(settings, index.manifest)
            return cls(settings, index, encoders=encoders)
        report = None
        if refresh:
            try:
                report = Indexer(settings, encoders.torch, show_progress=progress).refresh()
            except (IndexStateError, CorpusError) as exc:
                # Serving the index we have beats refusing to serve: say why it is not fresh.
                if not (settings.index_dir / "manifest.json").exists():
                    raise
                log.warning("serving the existing index as it is: %s", exc)
        index = open_index(settings.index_dir)
        _warn_if_uncalibrated(settings, index.manifest)
        return cls(settings, index, encoders=encoders, refreshed=report)

    def _indexer(self, progress: bool = False):
        if self.settings.store:
            from .pgstore import store_indexer

            return store_indexer(self.settings, self.encoders.torch, show_progress=progress)
        return Indexer(self.settings, self.encoders.torch, show_progress=progress)

    def _current(self) -> IndexData:
        """The index to answer from: a store's newest committed generation (checked at each
        question, so every replica answers from a refresh as soon as it commits)."""
        latest = getattr(self._index, "latest", None)
        if latest is not None:
            self._index = latest()
        return self._index

    def _answering(self, work):
        """`work(index)` on the current index; once more when a store's generation was
        collected while it was read."""
        try:
            return work(self._current())
        except IndexReplacedError:
            return work(self._current())

    # -- asking -------------------------------------------------------------------------------

    def ask(self, question: str, answerer: Answerer | None = None) -> Answer:
        """Answer from the documents: sentences with [n] markers and their citations, or
        grounded=False with the closest passages as related citations. `answerer` overrides
        the assistant's own for this question (for instance `qa.extractive`)."""
        started = time.perf_counter()
        def work(index):
            parsed = self.parse(question, index)
            chosen, routed = answerer, None
            if chosen is None and self.tables:  # a table question is computed
                begun = time.perf_counter()
                chosen, why = self.tables.route(parsed.text, index)
                routed = Step("route", why, time.perf_counter() - begun)
            chosen = chosen or self.answerer
            hits = self._search(index, parsed)
            answer = chosen.answer(parsed, Retrieved(tuple(hits), index))
            if routed is None:
                return answer
            return dataclasses.replace(answer, trace=[routed, *answer.trace])

        answer = self._answering(work)
        return dataclasses.replace(answer, seconds=time.perf_counter() - started)

    def conversation(self) -> Conversation:
        """A new conversation: follow-ups ("and LUMI?") read against the question before,
        every turn kept, exportable (`to_markdown`, `to_html`, `to_dict`)."""
        return Conversation(self)

    def forced_answerer(self) -> ExtractiveAnswerer | None:
        """The extractive answer with no confidence threshold: what would be asserted at any
        confidence (for risk-coverage curves and calibration); None for other answerers."""
        if not isinstance(self.answerer, ExtractiveAnswerer):
            return None
        answer = dataclasses.replace(self.settings.answer, min_confidence=0.0)
        return ExtractiveAnswerer(self.settings.with_(answer=answer), self.extractive.encode,
                                  self.extractive.reader, self.extractive.model,
                                  self.extractive.verifier)

    def explain(self, question: str) -> Explanation:
        """Why the answer is what it is: every candidate with each scorer's value, the
        reader's score and the probability; the decision and its reason; each stage's time."""
        started = time.perf_counter()

        def work(index):
            parsed = self.parse(question, index)
            hits = self._search(index, parsed)
            answer, evidence = self.extractive.answer_with_evidence(
                parsed, Retrieved(tuple(hits), index))
            answer = dataclasses.replace(answer, seconds=time.perf_counter() - started)
            return explanation(answer, evidence, index, self.extractive)

        return self._answering(work)

    def retrieve(self, question: str | Question) -> list[Hit]:
        """The candidate sentences for a question, best first (what every Answerer gets)."""
        def work(index):
            parsed = question if isinstance(question, Question) else \
                self.parse(question, index)
            return self._search(index, parsed)

        return self._answering(work)

    def _search(self, index: IndexData, question: Question) -> list[Hit]:
        """Hybrid search for the question, and for each of its parts: the candidates of all,
        each once, best first."""
        k = self.settings.candidates
        hits = hybrid_search(index, question.vector, question.text, k, self.settings.retrieval)
        if not question.parts:
            return hits
        best: dict[int, Hit] = {h.unit_id: h for h in hits}
        for part in question.parts:
            for hit in hybrid_search(index, part.vector, part.text, k, self.settings.retrieval):
                if hit.unit_id not in best or hit.fused > best[hit.unit_id].fused:
                    best[hit.unit_id] = hit
        return sorted(best.values(), key=lambda h: -h.fused)

    def encoder_record(self) -> dict:
        """Which encoders embedded the index and embed questions, and on which CPU kernels."""
        return self.encoders.record(self._index.manifest)

    def parse(self, question: str, index: IndexData | None = None) -> Question:
        """Validate a question and work out once what it asks for (with its embedding)."""
        index = index if index is not None else self._index
        if isinstance(question, str):
            # A lone surrogate (valid in JSON, not in UTF-8) would crash the tokenizer.
            question = question.encode("utf-8", "replace").decode("utf-8")
        text = normalise_question(question, self.settings.max_question_chars)
        return parse_question(text, vector=self.encoders.encode_one(text),
                              encode=self.encoders.encode, kinds=index.named_kinds)

    # -- the documents ------------------------------------------------------------------------

    def sources(self) -> list[SourceInfo]:
        return self._index.sources()

    def document(self, source: str) -> Document:
        try:
            return self._index.documents[source]
        except KeyError:
            raise BriefqaError(f"no indexed document named {source!r}") from None

    def source_text(self, source: str) -> str:
        """The extracted text of one document, which citation offsets index into."""
        return self.document(source).text

    @property
    def index(self) -> IndexData:
        """The opened index answers come from now (a refresh replaces it, never changes it)."""
        return self._index

    @property
    def unit_count(self) -> int:
        return len(self._index.units)

    @property
    def manifest(self) -> dict:
        return self._index.manifest

    # -- changing the corpus ------------------------------------------------------------------

    def refresh(self, progress: bool = False) -> RefreshReport:
        """Re-index what changed in the corpus folder and start answering from the result."""
        with self._write_lock:
            return self._refresh_locked(progress)

    def _refresh_locked(self, progress: bool = False) -> RefreshReport:
        report = self._indexer(progress).refresh()
        if self.settings.store:
            self._current()
        # Reopen when this refresh or another process wrote a new generation.
        elif report.touched or self._index is None or read_manifest(
                self.settings.index_dir)["generation"] != self._index.manifest["generation"]:
            self._index = open_index(self.settings.index_dir)
        self.last_refresh = report
        return report

    def add_document(self, filename: str, data: bytes) -> SourceInfo:
        """Check an uploaded file, save it into the corpus folder and index it. A file that
        cannot be read changes nothing, and an upload never replaces another file."""
        name = safe_filename(filename)
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            raise DocumentError(f"{name}: unsupported file type; upload one of "
                                f"{', '.join(SUPPORTED_SUFFIXES)}")
        if len(data) > self.settings.upload_max_bytes:
            raise DocumentError(f"{name}: {human_size(len(data))} is over the upload limit of "
                                f"{human_size(self.settings.upload_max_bytes)}")
        # raises DocumentError before anything is saved
        parse_document(data, f"uploads/{name}", suffix, self.settings.max_document_chars,
                       None if self.settings.store else self.settings.max_embedded_rows)
        with self._write_lock:
            target = self._upload_path(name, data)
            source = f"uploads/{target.name}"
            created = not os.path.lexists(target)
            if created:
                _save_upload(target, data)
            try:
                self._refresh_locked()
            except BriefqaError:
                if created:
                    target.unlink(missing_ok=True)
                raise
            for info in self.sources():
                if info.source == source:
                    return info
            if created:
                target.unlink(missing_ok=True)
            reason = (self.last_refresh.skipped.get(source) if self.last_refresh else None)
            raise DocumentError(reason or f"{name} could not be indexed")

    def _upload_path(self, name: str, data: bytes) -> Path:
        """Where an upload goes: its own name, or "name (2).ext" when another file has it
        (the same bytes uploaded again reuse their file)."""
        corpus = self.settings.corpus_dir.resolve()
        folder = self.settings.corpus_dir / "uploads"
        if os.path.lexists(folder) and not folder.resolve().is_relative_to(corpus):
            raise CorpusError(f"{folder} leads outside the corpus folder; uploads are not "
                              f"saved there")
        stem, suffix = Path(name).stem, Path(name).suffix
        candidate, n = folder / name, 2
        while os.path.lexists(candidate):
            if candidate.is_file() and not candidate.is_symlink() and \
                    candidate.stat().st_size == len(data) and candidate.read_bytes() == data:
                return candidate
            candidate, n = folder / f"{stem} ({n}){suffix}", n + 1
        return candidate


def _warn_if_uncalibrated(settings: Settings, manifest: dict) -> None:
    """The answer's thresholds hold for the model they were calibrated with; say so when the
    index was built with another."""
    model = str((manifest.get("params") or {}).get("model", ""))
    if model and settings.answer.calibrated_for not in model:
        log.warning("the answer thresholds were calibrated for %s, not for %s: answers may "
                    "be too eager or too shy (see AnswerSettings)",
                    settings.answer.calibrated_for, model)


def _save_upload(target: Path, data: bytes) -> None:
    """Write the whole file under a hidden name, then rename it: never a half-saved upload."""
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise CorpusError(f"cannot save {target.name} into {target.parent}: "
                          f"{exc.strerror or exc}") from exc


def safe_filename(filename: str) -> str:
    """A plain file name: no folders, no '..', no control characters, nothing hidden, nothing
    invisible, no characters a shell or Markdown would read as syntax."""
    name = unicodedata.normalize("NFC", Path(str(filename).replace("\\", "/")).name)
    # Invisible and direction-changing characters can make "x\u202etxt.exe" show as "xexe.txt".
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))
    name = re.sub(r"[^\w .,()+&'@=~!-]",
                  lambda m: m.group() if unicodedata.category(m.group()) == "So" else "_",
                  name).strip().lstrip(".")
    name = re.sub(r"\s+", " ", name)
    if not name or name in (".", ".."):
        raise DocumentError("the file needs a name")
    stem, suffix = Path(name).stem, Path(name).suffix
    if len(name) > 150:
        name = stem[: 150 - len(suffix)] + suffix
    # File systems count bytes (255 at most), and " (2)" or a temporary suffix may be added.
    while len(name.encode("utf-8")) > 180:
        stem = Path(name).stem[:-1]
        name = stem + suffix
    return name
