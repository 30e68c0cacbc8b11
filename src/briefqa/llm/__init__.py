"""LLM: generative answers through llama-index, every sentence verified against what it cites."""

from .answerer import LLMAnswerer

__all__ = ["LLMAnswerer"]
