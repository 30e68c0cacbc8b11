"""briefqa inside llama-index: BriefqaRetriever under llama-index's own query engines, citation
engine and chat engine, with llama-index's LLM clients talking to the scripted server."""

from __future__ import annotations

import pytest
from llm_server import MODEL, ScriptedLLM

from briefqa.llamaindex import BriefqaRetriever

QUESTION = "How many Hopper GPUs does MareNostrum 5 have?"
REPLY = "Mare Nostrum 5 has 4,480 NVIDIA Hopper GPUs in its accelerated partition."


@pytest.fixture(scope="module")
def server():
    s = ScriptedLLM().start()
    s.reply(REPLY)
    yield s
    s.stop()


def assert_exact(assistant, nodes) -> None:
    assert nodes
    for n in nodes:
        node = n.node
        text = assistant.source_text(node.metadata["source"])
        assert text[node.start_char_idx:node.end_char_idx] == node.get_content()
        assert set(node.metadata) >= {"source", "title", "section", "page"}


def test_the_retriever_returns_briefqa_units_with_exact_offsets(assistant):
    from llama_index.core.base.base_retriever import BaseRetriever
    from llama_index.core.schema import NodeWithScore, TextNode

    retriever = BriefqaRetriever(assistant, top_k=4)
    assert isinstance(retriever, BaseRetriever)
    nodes = retriever.retrieve(QUESTION)
    assert len(nodes) == 4
    assert all(isinstance(n, NodeWithScore) and isinstance(n.node, TextNode) for n in nodes)
    assert_exact(assistant, nodes)
    assert any("4,480 NVIDIA Hopper GPUs" in n.node.get_content() for n in nodes)
    assert nodes[0].node.metadata["title"] and nodes[0].score is not None
    assert len({n.node.node_id for n in nodes}) == 4
    # the same offsets as briefqa's own answer cites
    cited = assistant.ask(QUESTION, answerer=assistant.extractive).citations[0]
    assert any((n.node.start_char_idx, n.node.end_char_idx) == (cited.start, cited.end)
               for n in nodes)
    windows = BriefqaRetriever(assistant, top_k=2, window=True).retrieve(QUESTION)
    assert_exact(assistant, windows)
    assert len(windows[0].node.get_content()) >= len(nodes[0].node.get_content())


def test_a_query_engine_runs_on_briefqa_retrieval(assistant, server):
    from llama_index.core.query_engine import RetrieverQueryEngine
    from llama_index.llms.openai_like import OpenAILike

    llm = OpenAILike(model=MODEL, api_base=server.openai_url, api_key="none",
                     is_chat_model=False, max_retries=0, timeout=10)  # /v1/completions
    engine = RetrieverQueryEngine.from_args(BriefqaRetriever(assistant, top_k=3), llm=llm)
    response = engine.query(QUESTION)
    assert str(response).strip() == REPLY
    assert_exact(assistant, response.source_nodes)
    request = server.completions()[-1]
    assert request.path == "/v1/completions"
    for n in response.source_nodes:  # the model was given briefqa's sentences
        assert " ".join(n.node.get_content().split()) in " ".join(request.prompt.split())


def test_the_citation_engine_and_a_chat_engine_run_on_it(assistant, server):
    from llama_index.core.chat_engine import ContextChatEngine
    from llama_index.core.query_engine import CitationQueryEngine
    from llama_index.llms.ollama import Ollama

    llm = Ollama(model=MODEL, base_url=server.ollama_url, request_timeout=10)
    retriever = BriefqaRetriever(assistant, top_k=3)
    engine = CitationQueryEngine(retriever=retriever, llm=llm)
    response = engine.query(QUESTION)
    assert str(response).strip() == REPLY
    assert response.source_nodes
    for n in response.source_nodes:  # "Source 1:\n<briefqa's sentence>"
        assert n.node.metadata["source"] in {s.source for s in assistant.sources()}
        body = n.node.get_content().split("\n", 1)[1].strip()
        assert body in assistant.source_text(n.node.metadata["source"])
    assert server.completions()[-1].path == "/api/chat"

    chat = ContextChatEngine.from_defaults(retriever=retriever, llm=llm)
    reply = chat.chat(QUESTION)
    assert str(reply).strip() == REPLY
    assert_exact(assistant, reply.source_nodes)
