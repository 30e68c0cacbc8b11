"""How-to answers carry the command the guide shows: a sentence that says how, then the code
block a sentence later (`briefqa.howto.command_after`)."""

from __future__ import annotations

import pytest

from briefqa.howto import asks_how

GUIDE = """# Building software

## Using the wrappers with build systems

To compile an application that uses configure and make, you can pass the compiler wrappers
in the usual environment variables.
This should be enough for the configure step to succeed.

```bash
./configure CC=zcc CXX=zCC FC=zftn
```

CMake detects the wrappers on its own and needs no flags.

## Checking a running job

To look at a running job from a login node, attach a shell to it:

```bash
zrun --attach --job=<jobid> bash
```

Jobs that end are kept in the accounting database for ninety days.

## Faster collective communication

The collective library works out of the box, but a special plugin is needed to use the fast
network. That is the zfabric plugin, which users install themselves. It has no effect on
single-node jobs.
"""


@pytest.fixture(scope="module")
def guide(tmp_path_factory):
    from briefqa import Assistant

    corpus = tmp_path_factory.mktemp("guide")
    (corpus / "building.md").write_text(GUIDE, encoding="utf-8")
    qa = Assistant.open(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("index"))
    return qa, qa.forced_answerer()


def test_a_how_to_question_is_found_after_a_sentence_about_the_asker():
    assert asks_how("My CFD code builds with autotools. How do I get configure to use them?")
    assert asks_how("Which command shows my quota?")
    assert asks_how("what do I need to set so Spack knows where to install?")
    assert not asks_how("Why is my job pending? It has been an hour.")
    assert not asks_how("How many nodes does the partition have?")


def test_the_command_the_answer_sentence_introduces_is_quoted_with_it(guide):
    qa, forced = guide
    answer = qa.ask("I'm porting a code that builds with autotools (./configure && make). "
                    "How do I get configure to use the compiler wrappers?", answerer=forced)
    quotes = [c.quote for c in answer.citations]
    assert "pass the compiler wrappers" in quotes[0]
    assert any("./configure CC=zcc" in q for q in quotes[1:]), quotes
    assert all(qa.source_text(c.source)[c.start:c.end] == c.quote for c in answer.citations)


def test_a_sentence_that_shows_its_command_gets_nothing_more(guide):
    qa, forced = guide
    answer = qa.ask("How do I attach a shell to a job that is running?", answerer=forced)
    assert "zrun --attach" in answer.citations[0].quote
    assert not any("ninety days" in c.quote for c in answer.citations)


def test_a_question_that_asks_no_how_gets_no_command(guide):
    qa, forced = guide
    answer = qa.ask("Are the compiler wrappers for configure and make passed in the usual "
                    "environment?", answerer=forced)
    assert "pass the compiler wrappers" in answer.citations[0].quote
    assert not any("./configure" in c.quote for c in answer.citations), answer.text


def test_the_sentence_after_one_that_leads_up_to_the_answer_is_quoted_with_it(guide):
    qa, forced = guide
    answer = qa.ask("Training across several nodes is slow. What do I need so the collective "
                    "library can use the fast network?", answerer=forced)
    quotes = [c.quote for c in answer.citations]
    assert "special plugin is needed" in quotes[0]
    assert any("zfabric" in q for q in quotes[1:]), quotes
