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

from .answer import Answer, Answerer, normalise_question
from .errors import BriefqaError, CorpusError, DocumentError, IndexStateError
from .explain import Explanation, explanation
from .extractive import ExtractiveAnswerer
from .index import IndexData, Indexer, RefreshReport, SourceInfo, open_index, read_manifest
from .ingest import Document, human_size, parse_document
from .question import Question, parse_question
from .retrieve import Hit, hybrid_search
from .settings import SUPPORTED_SUFFIXES, Settings
from .tables.route import TableRoute

log = logging.getLogger(__name__)


class Assistant:
    """Answers questions from the documents of a corpus, citing the sentences it uses.

    >>> qa = Assistant.open(corpus_dir="corpus", index_dir="index")
    >>> qa.ask("How many Hopper GPUs does MareNostrum 5 have?").text
    """

    def __init__(self, settings: Settings, index: IndexData,
                 answerer: Answerer | None = None) -> None:
        self.settings = settings
        self._index = index
        self._write_lock = threading.Lock()
        self._torch_encoder = None
        self._query_encoder = None
        self._encoder_lock = threading.Lock()
        self.last_refresh: RefreshReport | None = None
        self.extractive = ExtractiveAnswerer(settings, encode=self._encode_texts)
        self.answerer: Answerer = answerer or self._default_answerer()
        # Questions computed over the documents' tables (counts, superlatives, comparisons)
        # go to the computed answer; `TableRoute` decides which (see `tables.route`). An
        # answerer given here answers everything itself.
        self.tables: TableRoute | None = TableRoute(fallback=self.answerer) \
            if answerer is None else None

    def _default_answerer(self) -> Answerer:
        """The extractive answer, or the LLM's when the settings name a model server."""
        if (self.settings.llm or "off").lower() in ("", "off", "none", "0"):
            return self.extractive
        from .llm import LLMAnswerer  # llama-index is imported only on this path

        return LLMAnswerer(self.settings, fallback=self.extractive, encode=self._encode_texts)

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, corpus_dir: str | Path = "corpus", index_dir: str | Path = "index", *,
             settings: Settings | None = None, refresh: bool = True,
             progress: bool = False) -> Assistant:
        """Open the index, first building it when missing or refreshing it when stale (only
        changed files are re-processed). With refresh=False the index is opened as it is."""
        settings = (settings or Settings.from_env()).with_(corpus_dir=Path(corpus_dir),
                                                            index_dir=Path(index_dir))
        report = None
        placeholder = cls(settings, None)  # type: ignore[arg-type]
        if refresh:
            try:
                report = placeholder._indexer(progress).refresh()
            except (IndexStateError, CorpusError) as exc:
                # Serving the index we have beats refusing to serve: say why it is not fresh.
                if not (settings.index_dir / "manifest.json").exists():
                    raise
                log.warning("serving the existing index as it is: %s", exc)
        placeholder._index = open_index(settings.index_dir)
        placeholder.last_refresh = report
        _warn_if_uncalibrated(settings, placeholder._index.manifest)
        return placeholder

    def _indexer(self, progress: bool = False) -> Indexer:
        return Indexer(self.settings, self._torch, show_progress=progress)

    def _torch(self):
        with self._encoder_lock:
            if self._torch_encoder is None:
                from .embed import TorchEncoder

                self._torch_encoder = TorchEncoder(self.settings.resolved_model_path())
            return self._torch_encoder

    def _encode_query(self, text: str):
        return self._encode_texts([text])[0]

    def _encode_texts(self, texts: list[str]):
        encoder = self._query_encoder
        if encoder is None:
            with self._encoder_lock:
                if self._query_encoder is None:
                    self._query_encoder = self._make_query_encoder()
                encoder = self._query_encoder
        return encoder.encode(texts)

    def _make_query_encoder(self):
        if self.settings.query_encoder == "onnx":
            from .onnx_export import onnx_encoder

            encoder = onnx_encoder(self.settings)
            if encoder is not None:
                return encoder
        if self._torch_encoder is None:  # kept, so indexing an upload reuses the same model
            from .embed import TorchEncoder

            self._torch_encoder = TorchEncoder(self.settings.resolved_model_path())
        return self._torch_encoder

    # -- asking -------------------------------------------------------------------------------

    def ask(self, question: str, answerer: Answerer | None = None) -> Answer:
        """Answer from the documents: sentences with [n] markers and their citations, or
        grounded=False with the closest passages as related citations. `answerer` overrides
        the assistant's own for this question (for instance `qa.extractive`)."""
        started = time.perf_counter()
        parsed = self.parse(question)
        index = self._index
        if answerer is None:  # the assistant's own choice: a table question is computed
            routed = self.tables.take(parsed.text, index) if self.tables else None
            answerer = routed or self.answerer
        hits = self._search(index, parsed)
        answer = answerer.answer(parsed, hits, index)
        answer.seconds = time.perf_counter() - started
        return answer

    def forced_answerer(self) -> ExtractiveAnswerer | None:
        """The extractive answer with no confidence threshold: what would be asserted at any
        confidence (for risk-coverage curves and calibration); None for other answerers."""
        if not isinstance(self.answerer, ExtractiveAnswerer):
            return None
        answer = dataclasses.replace(self.settings.answer, min_confidence=0.0)
        return ExtractiveAnswerer(self.settings.with_(answer=answer), self.extractive.encode,
                                  self.extractive.reader, self.extractive.model)

    def explain(self, question: str) -> Explanation:
        """Why the answer is what it is: every candidate with each scorer's value, the
        reader's score and the probability; the decision and its reason; each stage's time."""
        started = time.perf_counter()
        parsed = self.parse(question)
        index = self._index
        hits = self._search(index, parsed)
        answer, evidence = self.extractive.answer_with_evidence(parsed, hits, index)
        answer = dataclasses.replace(answer, seconds=time.perf_counter() - started)
        return explanation(answer, evidence, index, self.extractive)

    def retrieve(self, question: str | Question) -> list[Hit]:
        """The candidate sentences for a question, best first (what every Answerer gets)."""
        parsed = question if isinstance(question, Question) else self.parse(question)
        return self._search(self._index, parsed)

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
        from .embed import cpu_kernels

        built = self._index.manifest.get("encoder") or {}
        if self._query_encoder is None:
            self._encode_texts(["warm-up"])
        query = self._query_encoder
        return {"index": built.get("kind") or self._index.manifest["params"].get("encoder"),
                "index_kernels": built.get("kernels"), "query": getattr(query, "kind", "?"),
                "kernels": cpu_kernels()}

    def parse(self, question: str) -> Question:
        """Validate a question and work out once what it asks for (with its embedding)."""
        if isinstance(question, str):
            # A lone surrogate (valid in JSON, not in UTF-8) would crash the tokenizer.
            question = question.encode("utf-8", "replace").decode("utf-8")
        text = normalise_question(question, self.settings.max_question_chars)
        return parse_question(text, vector=self._encode_query(text), encode=self._encode_texts,
                              kinds=self._index.named_kinds)

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
        # Reopen when this refresh or another process wrote a new generation.
        if report.touched or self._index is None or read_manifest(
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
        parse_document(data, f"uploads/{name}", suffix, self.settings.max_document_chars)
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
