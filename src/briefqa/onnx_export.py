"""ONNX export: the model exported once (and quantized) for fast start-up and fast encoding.

`ensure_exported(settings)` runs where torch is loaded anyway (building the index): it exports
the sentence-transformers model's transformer to ONNX and checks the result against the torch
model on probe sentences before it is used. The files live next to the index, keyed by the
model's fingerprint and the precision:

    <index_dir>/encoder/<fingerprint>/<precision>/model.onnx   the encoder
    <index_dir>/encoder/<fingerprint>/<precision>/meta.json    how it was made and how close it
                                                   came to torch; written last, so its presence
                                                   means the model file is complete

Precision "float" (the default) is portable: float32 matrix products differ between AVX2,
AVX-512 and AMX machines only in the order of their additions (about 1e-7), so every x86-64
CPU gets the same vectors and the same answers. "int8" (dynamic quantization of the matrix
products, per channel) is faster, but onnxruntime's int8 kernels give different vectors on
different instruction sets (AVX2's u8*s8 pair sums saturate; VNNI and AMX do not), enough to
change answers; it is kept as an option and for the benchmark.

The export (torch, about 20 s) is made once per machine in a shared cache folder
(BRIEFQA_CACHE_DIR, else $XDG_CACHE_HOME/briefqa or ~/.cache/briefqa; "off" disables it) and
hard-linked (or copied) into each index folder, so an index folder stays self-contained and a
new index does not pay for the export again.

`onnx_encoder(settings)` opens that file with onnxruntime and the `tokenizers` library only:
serving an existing index never imports torch or sentence-transformers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import time
import uuid
from pathlib import Path

from .settings import Settings

log = logging.getLogger(__name__)

# Bump when the export recipe changes: old exports are then re-made, and indexes whose
# vectors came from them are re-embedded (the id is part of the index's parameters).
EXPORT_VERSION = 5  # 5: float by default, one folder per precision; 4: the file's sha256
PRECISIONS = ("float", "int8")
MODEL_FILE = "model.onnx"
META_FILE = "meta.json"
OPSET = 17
# How close ONNX must come to torch on the probe sentences: int8 within these (smallest and
# mean cosine; MiniLM's int8 is at about 0.97 on a lone "?" and 0.99 on real text), else the
# float export is kept; a float export that is not this close means the model is not one the
# ONNX encoder understands (then no export at all).
MIN_COSINE_INT8 = 0.95
MIN_MEAN_COSINE_INT8 = 0.985
MIN_COSINE_FLOAT = 0.9999

PROBES = (
    "How many Hopper GPUs does MareNostrum 5 have?",
    "The European Union's AI Factories: lessons for public investment in AI infrastructure.",
    "LUMI is a pre-exascale EuroHPC supercomputer hosted by CSC in Kajaani, Finland.",
    "Consortia are primarily composed of research institutions, with few private companies.",
    "| Leonardo | Bologna | Italy | 240 PFlop/s |",
    "module load LUMI/24.03 partition/G",
    "Submit the job with sbatch and check its state with squeue --me.",
    "Which AI factory is hosted in Germany?",
    "EuroHPC JU",
    "Die KI-Fabriken sollen Start-ups und KMU den Zugang zu Rechenleistung erleichtern.",
    "A very long sentence that goes on and on about supercomputers, accelerators, storage "
    "systems, interconnects, cooling, energy efficiency, software stacks, user support, "
    "training programmes and the many partners that run them, to exercise long inputs. " * 4,
    "?",
)


def _model_dir(settings: Settings) -> tuple[str, str]:
    from .embed import model_fingerprint

    model_path = settings.resolved_model_path()
    return model_path, model_fingerprint(model_path)


def precision(settings: Settings) -> str:
    """The export precision the settings ask for ("float" or "int8")."""
    chosen = (settings.onnx_precision or "float").strip().lower()
    if chosen not in PRECISIONS:
        raise ValueError(f"BRIEFQA_ONNX_PRECISION must be one of {', '.join(PRECISIONS)}, "
                         f"got {settings.onnx_precision!r}")
    return chosen


def encoder_dir(settings: Settings, fingerprint: str | None = None) -> Path:
    """Where the settings' model is exported: one folder per model fingerprint and precision."""
    if fingerprint is None:
        fingerprint = _model_dir(settings)[1]
    return Path(settings.index_dir) / "encoder" / _safe(fingerprint) / precision(settings)


def encoder_id(settings: Settings) -> str:
    """What an index built with the ONNX encoder records as its encoder: vectors of another
    export version or precision never mix with these."""
    return f"onnx-v{EXPORT_VERSION}-{precision(settings)}"


def supported(settings: Settings) -> bool:
    """Whether the settings' model is one the ONNX encoder reproduces (mean pooling)."""
    return _mean_pooled(Path(settings.resolved_model_path()))


def cache_root() -> Path | None:
    """The per-machine cache (BRIEFQA_CACHE_DIR, else $XDG_CACHE_HOME/briefqa or
    ~/.cache/briefqa), or None when switched off."""
    root = os.environ.get("BRIEFQA_CACHE_DIR")
    if root is not None and root.strip().lower() in ("", "off", "none", "0"):
        return None
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        root = str(Path(base) / "briefqa")
    return Path(root)


def shared_dir(fingerprint: str, chosen: str = "float") -> Path | None:
    """The per-machine export cache for a model and precision, or None when switched off."""
    root = cache_root()
    return None if root is None else root / "encoder" / _safe(fingerprint) / chosen


def _safe(fingerprint: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", fingerprint).strip("-.") or "model"


def _read_meta(folder: Path, fingerprint: str) -> dict | None:
    try:
        meta = json.loads((folder / META_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("export_version") != EXPORT_VERSION or \
            meta.get("fingerprint") != fingerprint:
        return None
    model = folder / MODEL_FILE
    if not model.is_file() or model.stat().st_size != meta.get("size"):
        return None
    if _sha256(model) != meta.get("sha256"):
        # Weights with flipped bytes still load, and would embed questions wrongly.
        log.warning("the ONNX encoder at %s does not match its record; not using it", model)
        return None
    return meta


_VERIFIED: dict[tuple, str] = {}


def _sha256(path: Path) -> str:
    """The file's sha256, computed once per process for each version of the file (60 ms for
    the int8 MiniLM)."""
    status = path.stat()
    key = (str(path), status.st_ino, status.st_size, status.st_mtime_ns)
    if key not in _VERIFIED:
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        _VERIFIED[key] = digest.hexdigest()
    return _VERIFIED[key]


def exported_meta(settings: Settings) -> dict | None:
    """The export's record (how it was made, how close to torch), or None if absent."""
    _, fingerprint = _model_dir(settings)
    return _read_meta(encoder_dir(settings, fingerprint), fingerprint)


def onnx_encoder(settings: Settings, threads: int | None = None):
    """The ONNX encoder, or None when it cannot be had (the caller falls back to torch).
    `threads`: onnxruntime's intra-op threads (default 1, for single questions)."""
    try:
        model_path, fingerprint = _model_dir(settings)
        folder = encoder_dir(settings, fingerprint)
        meta = _read_meta(folder, fingerprint)
        if meta is None:
            folder = shared_dir(fingerprint, precision(settings))
            meta = _read_meta(folder, fingerprint) if folder is not None else None
        if meta is None:
            return None
        from .embed import OnnxEncoder

        encoder = OnnxEncoder(folder / MODEL_FILE, model_path, threads=threads)
        encoder.kind = f"onnx-v{EXPORT_VERSION}-{meta.get('precision', 'float')}"
        return encoder
    except Exception as exc:  # a broken file or runtime: torch still answers
        log.warning("the ONNX encoder cannot be used (%s); using torch", exc)
        return None


def ensure_exported(settings: Settings, force: bool = False) -> Path | None:
    """Export the model to ONNX once, next to the index; return its path (None: not done,
    for instance a model whose pooling the ONNX encoder does not reproduce)."""
    model_path, fingerprint = _model_dir(settings)
    folder = encoder_dir(settings, fingerprint)
    if not force and _read_meta(folder, fingerprint) is not None:
        return folder / MODEL_FILE
    if not _mean_pooled(Path(model_path)):
        log.info("not exporting %s to ONNX: only mean-pooled models are supported", model_path)
        return None
    chosen = precision(settings)
    shared = shared_dir(fingerprint, chosen)
    if shared is not None:
        try:
            shared.mkdir(parents=True, exist_ok=True)
            with _lock(shared):
                if force or _read_meta(shared, fingerprint) is None:
                    if _export(model_path, fingerprint, shared, chosen) is None:
                        return None
            _install(shared, folder)
            if _read_meta(folder, fingerprint) is not None:
                return folder / MODEL_FILE
        except OSError as exc:  # an unwritable cache: export straight into the index
            log.info("ONNX export cache %s unusable (%s)", shared, exc)
    folder.mkdir(parents=True, exist_ok=True)
    return _export(model_path, fingerprint, folder, chosen)


@contextlib.contextmanager
def _lock(folder: Path):
    """One exporter at a time per cache folder (others wait, then find the export made)."""
    import fcntl

    with open(folder / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _install(source: Path, target: Path) -> None:
    """Hard-link (else copy) an export into an index folder: the model, then its record."""
    target.mkdir(parents=True, exist_ok=True)
    for name in (MODEL_FILE, META_FILE):
        tmp = target / f".{name}.{uuid.uuid4().hex}.tmp"
        try:
            try:
                os.link(source / name, tmp)
            except OSError:
                shutil.copyfile(source / name, tmp)
            os.replace(tmp, target / name)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


def _export(model_path: str, fingerprint: str, folder: Path, wanted: str) -> Path | None:
    started = time.perf_counter()
    work = folder / f".export-{uuid.uuid4().hex}.tmp"
    work.mkdir()
    try:
        float_path = work / "float.onnx"
        _export_float(model_path, float_path)
        reference = _torch_embeddings(model_path, list(PROBES))
        float_cos = _agreement(float_path, model_path, reference)
        if float_cos[0] < MIN_COSINE_FLOAT:
            log.warning("the ONNX export of %s disagrees with torch (cosine %.4f); not used",
                        model_path, float_cos[0])
            return None
        chosen, made, cos = float_path, "float", float_cos
        try:
            if wanted == "int8":
                int8_path = work / "int8.onnx"
                _quantize(float_path, int8_path)
                int8_cos = _agreement(int8_path, model_path, reference)
                if int8_cos[0] >= MIN_COSINE_INT8 and int8_cos[1] >= MIN_MEAN_COSINE_INT8:
                    chosen, made, cos = int8_path, "int8", int8_cos
                else:
                    log.warning("int8 ONNX encoder too far from torch (cosine %.4f); keeping "
                                "float", int8_cos[0])
        except Exception as exc:  # quantization is an optimisation: the float model serves
            log.warning("could not quantize the ONNX encoder (%s); keeping float", exc)
        target = folder / MODEL_FILE
        os.replace(chosen, target)
        meta = {
            "export_version": EXPORT_VERSION, "fingerprint": fingerprint,
            "model": Path(model_path).name, "precision": made,
            "size": target.stat().st_size, "sha256": _sha256(target), "opset": OPSET,
            "probe_cosine_min": round(cos[0], 6), "probe_cosine_mean": round(cos[1], 6),
            "float_probe_cosine_min": round(float_cos[0], 6),
            "seconds": round(time.perf_counter() - started, 2),
            "made_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "versions": _versions(),
        }
        tmp_meta = folder / f".{META_FILE}.{uuid.uuid4().hex}.tmp"
        tmp_meta.write_text(json.dumps(meta, indent=1), encoding="utf-8")
        os.replace(tmp_meta, folder / META_FILE)
        log.info("exported %s to ONNX (%s, cosine to torch >= %.4f) in %.1f s", model_path,
                 made, cos[0], meta["seconds"])
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------------------------------


def _mean_pooled(model_root: Path) -> bool:
    """A Transformer, then mean pooling (then optionally Normalize): what OnnxEncoder does."""
    try:
        modules = json.loads((model_root / "modules.json").read_text("utf-8"))
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        if kinds[:2] != ["Transformer", "Pooling"] or \
                any(k not in ("Normalize",) for k in kinds[2:]):
            return False
        pooling_dir = next(m["path"] for m in modules if m["type"].endswith("Pooling"))
        pooling = json.loads((model_root / pooling_dir / "config.json").read_text("utf-8"))
        modes = [k for k, v in pooling.items() if k.startswith("pooling_mode") and v]
        return modes == ["pooling_mode_mean_tokens"]
    except (OSError, ValueError, KeyError, StopIteration, TypeError):
        return False


def _export_float(model_path: str, target: Path) -> None:
    from transformers import AutoModel

    # Eager attention traces to plain MatMul/Softmax, which quantizes and runs well on CPU.
    model = AutoModel.from_pretrained(model_path, local_files_only=True,
                                      attn_implementation="eager").eval()
    _export_module(model, target)


def _export_module(model, target: Path, wrapper=None) -> None:
    """A transformer (in memory) to ONNX float: token ids in, last hidden states out (or what
    `wrapper`, a module around it taking the same inputs, returns, as "output")."""
    import torch

    model.eval()
    if hasattr(model, "set_attn_implementation"):
        with contextlib.suppress(Exception):
            model.set_attn_implementation("eager")
    inputs = ["input_ids", "attention_mask", "token_type_ids"]
    uses_types = getattr(model.config, "type_vocab_size", 0) > 0

    class Wrapped(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            kwargs = {"input_ids": input_ids, "attention_mask": attention_mask}
            if token_type_ids is not None:
                kwargs["token_type_ids"] = token_type_ids
            return self.inner(**kwargs).last_hidden_state

    names = inputs if uses_types else inputs[:2]
    sample = torch.ones(2, 8, dtype=torch.long)
    args = tuple(sample if n != "token_type_ids" else torch.zeros_like(sample) for n in names)
    import warnings

    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        module, output = (Wrapped(model), "last_hidden_state") if wrapper is None else \
            (wrapper, "output")
        axes = {n: {0: "batch", 1: "tokens"} for n in names}
        axes[output] = {0: "batch"} if wrapper is not None else {0: "batch", 1: "tokens"}
        torch.onnx.export(module, args, str(target), input_names=names,
                          output_names=[output], dynamic_axes=axes,
                          opset_version=OPSET, dynamo=False)


def _quantize(source: Path, target: Path) -> None:
    """Dynamic int8 quantization of the matrix products only, one scale per output channel:
    the variant that stays within 0.99 cosine of torch for MiniLM (quantizing the embedding
    lookup as well, or one scale per tensor, drops to about 0.96)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # it logs advice on the root logger, for every build
    try:
        quantize_dynamic(str(source), str(target), op_types_to_quantize=["MatMul"],
                         per_channel=True, weight_type=QuantType.QInt8)
    finally:
        root.setLevel(level)


def _torch_embeddings(model_path: str, texts: list[str]):
    from .embed import TorchEncoder

    return TorchEncoder(model_path).encode(texts)


def _agreement(onnx_path: Path, model_path: str, reference) -> tuple[float, float]:
    from .embed import OnnxEncoder

    vectors = OnnxEncoder(onnx_path, model_path, threads=os.cpu_count()).encode(list(PROBES))
    cosine = (vectors * reference).sum(axis=1)
    return float(cosine.min()), float(cosine.mean())


def _versions() -> dict[str, str]:
    versions = {}
    for name in ("torch", "transformers", "onnxruntime", "onnx"):
        with contextlib.suppress(Exception):
            versions[name] = __import__(name).__version__
    return versions
