"""llama-index adapter: `BriefqaRetriever`, briefqa's hybrid retrieval as a llama-index
BaseRetriever, so query engines, citation engines and chat engines run on briefqa's index.

Importing this module imports llama-index; `import briefqa` never does.
"""

from __future__ import annotations

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import (
    NodeRelationship,
    NodeWithScore,
    QueryBundle,
    RelatedNodeInfo,
    TextNode,
)

from .assistant import Assistant
from .retrieve import hybrid_search


class BriefqaRetriever(BaseRetriever):
    """The best `top_k` sentence units for a query, as `NodeWithScore(TextNode)`: the node's
    text is the unit's text (or, with `window=True`, the passage around it), and
    `start_char_idx`/`end_char_idx` index `assistant.source_text(metadata["source"])`
    exactly. The score is the cosine similarity of query and sentence.

    >>> from llama_index.core.query_engine import RetrieverQueryEngine
    >>> engine = RetrieverQueryEngine.from_args(BriefqaRetriever(qa), llm=my_llm)
    """

    def __init__(self, assistant: Assistant, top_k: int = 5, window: bool = False,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.assistant = assistant
        self.top_k = top_k
        self.window = window

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        question = self.assistant.parse(query_bundle.query_str)
        index = self.assistant.index  # the index the assistant answers from right now
        candidates = max(self.assistant.settings.candidates, self.top_k)
        hits = hybrid_search(index, question.vector, question.text, candidates)
        nodes: list[NodeWithScore] = []
        seen: set[str] = set()
        for hit in hits:
            unit = index.units[hit.unit_id]
            if unit.text in seen:  # the same sentence in two files is given once
                continue
            seen.add(unit.text)
            document = index.documents[unit.source]
            start, end = (unit.context_start, unit.context_end) if self.window else \
                (unit.start, unit.end)
            node = TextNode(
                id_=f"{unit.source}#{unit.start}-{unit.end}",
                text=document.text[start:end], start_char_idx=start, end_char_idx=end,
                metadata={"source": unit.source, "title": document.title,
                          "section": unit.section, "page": unit.page,
                          "quote_start": unit.start, "quote_end": unit.end},
                excluded_embed_metadata_keys=["quote_start", "quote_end"],
                excluded_llm_metadata_keys=["quote_start", "quote_end"])
            node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(
                node_id=unit.source, metadata={"source": unit.source})
            nodes.append(NodeWithScore(node=node, score=hit.dense))
            if len(nodes) >= self.top_k:
                break
        return nodes

