"""Encoders: the model that embeds questions (the ONNX export, else torch) and the torch model
that builds an index when there is no export, each made once, on first use, thread-safe."""

from __future__ import annotations

import threading

import numpy as np

from .settings import Settings


class Encoders:
    """The question encoder and the torch encoder of one set of settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._torch = None
        self._query = None
        self._lock = threading.Lock()

    def torch(self):
        """The sentence-transformers model (for indexing without an export)."""
        with self._lock:
            if self._torch is None:
                from .embed import TorchEncoder

                self._torch = TorchEncoder(self.settings.resolved_model_path())
            return self._torch

    @property
    def query(self):
        """The encoder questions are embedded with: the ONNX export when there is one."""
        if self._query is None:
            with self._lock:
                if self._query is None:
                    self._query = self._make_query()
        return self._query

    def _make_query(self):
        if self.settings.query_encoder == "onnx":
            from .onnx_export import onnx_encoder

            encoder = onnx_encoder(self.settings)
            if encoder is not None:
                return encoder
        if self._torch is None:  # kept, so indexing an upload reuses the same model
            from .embed import TorchEncoder

            self._torch = TorchEncoder(self.settings.resolved_model_path())
        return self._torch

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.query.encode(texts)

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    @property
    def kind(self) -> str:
        return getattr(self.query, "kind", "?")

    def record(self, manifest: dict) -> dict:
        """Which encoders embedded the index and embed questions, and on which CPU kernels."""
        from .embed import cpu_kernels

        built = manifest.get("encoder") or {}
        return {"index": built.get("kind") or manifest["params"].get("encoder"),
                "index_kernels": built.get("kernels"), "query": self.kind,
                "kernels": cpu_kernels()}
