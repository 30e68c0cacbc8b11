"""The `briefqa` command: human output, --json, and clear errors without tracebacks."""

import json
import subprocess
import sys

import pytest


def briefqa(*args, env_corpus, env_index):
    return subprocess.run(
        [sys.executable, "-m", "briefqa.cli", *args, "--corpus", str(env_corpus),
         "--index", str(env_index)],
        capture_output=True, text=True, timeout=600)


@pytest.fixture
def built(small_corpus, tmp_path):
    index = tmp_path / "index"
    result = briefqa("index", env_corpus=small_corpus, env_index=index)
    assert result.returncode == 0, result.stderr
    assert "indexed" in result.stdout
    return small_corpus, index


def test_ask_prints_the_answer_and_its_sources(built):
    corpus, index = built
    result = briefqa("ask", "How much tape storage does the Beta archive keep?",
                     env_corpus=corpus, env_index=index)
    assert result.returncode == 0, result.stderr
    assert "40 PB" in result.stdout
    assert "Sources:" in result.stdout
    assert "beta.md" in result.stdout


def test_ask_json_is_the_answer_dict(built):
    corpus, index = built
    result = briefqa("ask", "--json", "How many nodes are in Turku?",
                     env_corpus=corpus, env_index=index)
    data = json.loads(result.stdout)
    assert data["grounded"] is True
    assert "128" in data["text"]
    assert data["citations"][0]["source"] == "beta.md"


def test_sources_json_lists_documents(built):
    corpus, index = built
    data = json.loads(briefqa("sources", "--json", env_corpus=corpus, env_index=index).stdout)
    assert {d["source"] for d in data} == {"alpha.txt", "beta.md"}


def test_up_to_date_index_says_so(built):
    corpus, index = built
    result = briefqa("index", env_corpus=corpus, env_index=index)
    assert "up to date" in result.stdout


def test_empty_question_is_an_error_without_traceback(built):
    corpus, index = built
    result = briefqa("ask", "   ", env_corpus=corpus, env_index=index)
    assert result.returncode == 2
    assert "empty" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_corpus_is_an_error_without_traceback(tmp_path):
    result = briefqa("ask", "anything", env_corpus=tmp_path / "nope", env_index=tmp_path / "i")
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("variable, value, says", [
    ("BRIEFQA_LLM", "none", "BRIEFQA_LLM must be one of off, openai, ollama; got 'none'"),
    ("BRIEFQA_QUERY_ENCODER", "gpu", "BRIEFQA_QUERY_ENCODER must be one of onnx, torch"),
    ("BRIEFQA_CANDIDATES", "0", "BRIEFQA_CANDIDATES must be a number from 1 to 1000"),
    ("BRIEFQA_ANSWER_MIN_CONFIDENCE", "abc", "BRIEFQA_ANSWER_MIN_CONFIDENCE must be a number"),
    ("BRIEFQA_RETRIEVAL_RRF_K", "-3", "BRIEFQA_RETRIEVAL_RRF_K must be a number from 0"),
])
def test_a_bad_setting_is_one_clear_line(tmp_path, variable, value, says):
    import os

    result = subprocess.run([sys.executable, "-m", "briefqa.cli", "ask", "anything"],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, variable: value}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], result.stderr
    assert "Traceback" not in result.stderr
