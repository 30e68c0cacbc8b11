"""The baseline: what a user builds in an afternoon with llama-index, with its defaults.

SimpleDirectoryReader over the corpus folder, VectorStoreIndex on a FAISS vector store
(IndexFlatL2, as in llama-index's FAISS example), default chunking (SentenceSplitter, 1024
tokens with 200 overlap), the same bundled all-MiniLM-L6-v2 through HuggingFaceEmbedding
(its default batch of 10), persisted to a folder and answered by a top-k retriever.
"""

from __future__ import annotations

import time
from pathlib import Path

from .common import model_path

TOP_K = 3
_EMBED = {"seconds": 0.0, "texts": 0, "tokens": 0, "count_seconds": 0.0}


def embed_model(path: str | None = None, count_tokens: bool = False):
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    class Timed(HuggingFaceEmbedding):
        """HuggingFaceEmbedding that tallies the time and tokens of its corpus embedding."""

        def _get_text_embeddings(self, texts):
            started = time.perf_counter()
            vectors = super()._get_text_embeddings(texts)
            _EMBED["seconds"] += time.perf_counter() - started
            _EMBED["texts"] += len(texts)
            if count_tokens:  # not part of the pipeline: timed apart and left out
                counting = time.perf_counter()
                tokenizer = self._model.tokenizer
                limit = self._model.max_seq_length
                _EMBED["tokens"] += sum(min(len(ids), limit) for ids in
                                        tokenizer(list(texts))["input_ids"])
                _EMBED["count_seconds"] += time.perf_counter() - counting
            return vectors

    return Timed(model_name=path or model_path(), device="cpu")


def embedding_tally() -> dict:
    return dict(_EMBED)


def build(corpus_dir: Path, persist_dir: Path, count_tokens: bool = True) -> dict:
    """Read, chunk, embed and persist; the figures of the build."""
    import faiss
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.vector_stores.faiss import FaissVectorStore

    from briefqa.settings import SUPPORTED_SUFFIXES

    started = time.perf_counter()
    model = embed_model(count_tokens=count_tokens)
    # The files briefqa indexes (not README.md, nor the chat's chat.json).
    documents = SimpleDirectoryReader(str(corpus_dir), recursive=True, exclude=["README.md"],
                                      required_exts=list(SUPPORTED_SUFFIXES)).load_data()
    dimension = len(model.get_text_embedding("dimension probe"))
    store = FaissVectorStore(faiss_index=faiss.IndexFlatL2(dimension))
    context = StorageContext.from_defaults(vector_store=store)
    index = VectorStoreIndex.from_documents(documents, storage_context=context,
                                            embed_model=model)
    index.storage_context.persist(persist_dir=str(persist_dir))
    seconds = time.perf_counter() - started - _EMBED["count_seconds"]
    return {"seconds": seconds, "documents": len(documents),
            "units": len(index.docstore.docs), **{f"embed_{k}": v for k, v in _EMBED.items()}}


class Baseline:
    """An opened baseline index: retrieve(question) -> the top-k chunk texts."""

    def __init__(self, persist_dir: Path, top_k: int = TOP_K) -> None:
        from llama_index.core import StorageContext, load_index_from_storage
        from llama_index.vector_stores.faiss import FaissVectorStore

        store = FaissVectorStore.from_persist_dir(str(persist_dir))
        context = StorageContext.from_defaults(vector_store=store, persist_dir=str(persist_dir))
        self.index = load_index_from_storage(context, embed_model=embed_model())
        self.retriever = self.index.as_retriever(similarity_top_k=top_k)

    def retrieve(self, question: str) -> list[str]:
        return [hit.node.get_content() for hit in self.retriever.retrieve(question)]
