"""A question that asks for a setting by name is not answered by sentences that only speak of
it (`briefqa.extractive.setting_unstated`): "What stripe setting should I use?" is not
answered by "applications ... may benefit from striping over as many OSTs", said in the
trace; a sentence that gives the setting answers, and other questions are answered as
before."""

from __future__ import annotations

import pytest

GUIDE = """# The Tarn user guide

## Striping

Applications which write to a single shared file from hundreds of nodes may benefit from
striping over as many storage targets as possible. Striping also spreads the load over the
file servers.

## Threads

Set `OMP_NUM_THREADS=8` to run eight OpenMP threads per task.
"""


@pytest.fixture(scope="module")
def guide(tmp_path_factory):
    from briefqa import Assistant

    corpus = tmp_path_factory.mktemp("setting")
    (corpus / "tarn.md").write_text(GUIDE, encoding="utf-8")
    qa = Assistant.open(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("index"))
    return qa, qa.forced_answerer()


def test_a_sentence_that_names_no_setting_is_not_asserted(guide):
    qa, forced = guide
    answer = qa.ask("My job writes one huge shared file from hundreds of nodes. What stripe "
                    "setting should I use?", answerer=forced)
    assert answer.status == "passages" and not answer.grounded
    compose = next(s for s in answer.trace if s.stage == "compose").did
    assert "name no setting" in compose


def test_a_sentence_that_gives_the_setting_answers(guide):
    qa, forced = guide
    answer = qa.ask("Which variable sets the number of OpenMP threads per task?",
                    answerer=forced)
    assert answer.status == "answered" and "OMP_NUM_THREADS=8" in answer.text


def test_a_question_that_asks_no_setting_is_answered_as_before(guide):
    from briefqa.extractive import setting_unstated

    qa, forced = guide
    answer = qa.ask("Which applications benefit from striping?", answerer=forced)
    assert answer.status == "answered" and "hundreds of nodes" in answer.text
    # "setting" as a place or a kind of thing asks for no value to set
    units = [qa.index.units[0]]
    assert not setting_unstated("In what kind of setting does innovation thrive?", units)
