"""The evidence model and its scorers: every decision of the answer step is a named scorer with
a docstring, merged by one readable model; the three kinds of reply; explanations."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from briefqa.evidence import SCORERS, load_model
from briefqa.evidence.model import DEFAULT_PATH, EvidenceModel
from briefqa.settings import AnswerSettings, Settings


def test_every_scorer_is_named_once_and_says_what_it_measures():
    names = [s.name for s in SCORERS]
    assert len(names) == len(set(names))
    for s in SCORERS:
        assert len(s.description.split()) >= 6, f"{s.name} needs a docstring"


def test_the_shipped_model_is_readable_json_over_known_scorers():
    raw = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert raw["format"] == "briefqa-evidence-model"
    model = load_model()
    assert set(model.features) <= {s.name for s in SCORERS}
    assert model.record.get("trained"), "the model records when and on what it was trained"
    calibration = model.record.get("calibration", {})
    assert 0.0 < calibration.get("answer_min_confidence", 0) < 1.0
    assert calibration.get("target_precision") == 0.9
    assert not DEFAULT_PATH.with_suffix(".pkl").exists()


def test_contributions_add_up_to_the_log_odds():
    model = load_model()
    row = {name: 0.3 * (n % 3) - 0.2 for n, name in enumerate(model.features)}
    pushes = model.contributions(row)
    assert abs(sum(pushes.values()) + model.candidate.intercept - model.logits([row])[0]) < 1e-9


def test_a_damaged_model_file_is_a_clear_error(tmp_path):
    from briefqa.errors import BriefqaError

    bad = tmp_path / "evidence.json"
    bad.write_text('{"format": "briefqa-evidence-model", "version": 2, "candidate": {}}')
    with pytest.raises(BriefqaError, match="evidence model"):
        load_model(str(bad))
    with pytest.raises(ValueError):
        EvidenceModel.from_dict({"format": "other"})


def test_a_documented_fact_is_asserted_with_its_confidence(assistant):
    ans = assistant.ask("How many Hopper GPUs does MareNostrum 5 have?")
    assert ans.status == "answered" and ans.grounded
    assert "4,480" in ans.text
    assert assistant.extractive.min_confidence <= ans.confidence <= 1.0
    assert ans.to_dict()["status"] == "answered"


def test_nothing_close_is_not_found(assistant):
    ans = assistant.ask("Qu'est-ce que la photosynthèse des fougères tropicales ?")
    assert ans.status == "not_found" and not ans.grounded
    assert ans.citations == []


def test_close_but_unsure_shows_where_the_documents_speak_of_it(assistant):
    """With the threshold out of reach, the best candidates are shown as passages: cited,
    quoted, and never presented as an answer."""
    answer = AnswerSettings(min_confidence=1.01, passages_min_probability=0.0)
    strict = type(assistant.extractive)(assistant.settings.with_(answer=answer),
                                        assistant.extractive.encode)
    ans = assistant.ask("How many Hopper GPUs does MareNostrum 5 have?", answerer=strict)
    assert ans.status == "passages" and not ans.grounded
    assert 1 <= len(ans.citations) <= 3 and all(c.related for c in ans.citations)
    assert any("4,480" in c.quote for c in ans.citations)
    assert "may not answer" in ans.text


def test_explain_shows_every_scorer_the_probability_and_the_decision(assistant):
    explained = assistant.explain("How many Hopper GPUs does MareNostrum 5 have?")
    assert explained.status == "answered"
    assert "≥" in explained.why and f"{explained.min_confidence:.2f}" in explained.why
    best = explained.candidates[0]
    assert best.cited and "4,480" in best.quote
    assert set(best.values) == {s.name for s in SCORERS}
    assert 0.0 <= best.probability <= 1.0
    assert [c.probability for c in explained.candidates] == sorted(
        (c.probability for c in explained.candidates), reverse=True)
    stages = [s.stage for s in explained.steps]
    assert stages[:3] == ["weigh", "decide", "compose"] and "short" in stages
    data = explained.to_dict()
    assert json.loads(json.dumps(data))["scorers"]["dense"]
    assert "Why" not in explained.to_text() and "Decision:" in explained.to_text()


def test_cli_ask_explain_json(small_corpus, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "briefqa.cli", "ask", "--explain", "--json", "--corpus",
         str(small_corpus), "--index", str(tmp_path / "index"),
         "How much tape storage does the Beta archive keep?"],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] in ("answered", "passages", "not_found")
    assert data["explanation"]["candidates"][0]["values"]
    assert data["explanation"]["steps"][0]["stage"] == "weigh"


def test_settings_choose_the_threshold():
    settings = Settings.from_env({"BRIEFQA_ANSWER_MIN_CONFIDENCE": "0.8",
                                  "BRIEFQA_ANSWER_PASSAGES_MIN_PROBABILITY": "0.2"})
    assert settings.answer.min_confidence == 0.8
    assert settings.answer.passages_min_probability == 0.2


def test_the_model_scores_are_pinned():
    """The shipped model's log-odds of fixed scorer values, as recorded when it was trained:
    plain float64 arithmetic, the same on every CPU."""
    model = load_model()
    reference = model.record.get("reference")
    assert reference, "the model file records reference rows and their log-odds"
    got = model.logits(reference["rows"])
    assert np.allclose(got, reference["logits"], atol=1e-9)


def test_a_contrast_is_its_question_s_answering_sentence_read_with_the_twin_as_no_answer():
    """The verifier learns the near miss from contrasts: the sentence that answers a training
    question, read with a twin question it does not answer, is a pair labelled 0 (with the
    question in other words, 1); a contrast whose sentence no longer answers its question
    (judged again) gives none."""
    from briefqa.evidence.verifier import candidate_text
    from briefqa.train.verifier import contrast_pairs

    sentence = {"n": 7, "title": "Guide", "section": "Hardware > Booster",
                "text": "The Booster partition has 3,456 nodes.", "label": 1.0}
    other = {"n": 8, "title": "Guide", "section": "Hardware", "text": "LUMI is in Kajaani.",
             "label": 0.0}
    records = [{"id": "q1", "question": "How many nodes does the Booster have?",
                "candidates": [other, sentence]}]
    contrasts = [{"of": "q1", "n": 7, "question": "How many GPUs does the Booster have?",
                  "twist": "attribute"},
                 {"of": "q1", "n": 8, "question": "Where is the Booster?", "twist": "entity"},
                 {"of": "q2", "n": 7, "question": "Who built the Booster?", "twist": "attribute"},
                 {"of": "q1", "n": 7, "question": "What is the Booster's node count?",
                  "twist": "paraphrase"}]
    text = candidate_text("Guide", "Hardware > Booster", "The Booster partition has 3,456 nodes.")
    assert contrast_pairs(records, contrasts) == [
        ("How many GPUs does the Booster have?", text, 0.0),
        ("What is the Booster's node count?", text, 1.0)]


def test_every_shipped_contrast_names_a_training_question_and_a_twist():
    from briefqa.train.contrasts import PARAPHRASE, TWISTS, load

    contrasts = load()
    assert len(contrasts) >= 1000, "the verifier was trained with the contrasts"
    assert all(c["twist"] in (*TWISTS, PARAPHRASE) and c["question"].strip()
               and isinstance(c["n"], int)
               for c in contrasts)
    assert len({(c["of"], c["question"]) for c in contrasts}) == len(contrasts)


def test_the_confidence_is_weighed_on_a_candidate_the_verifier_read(assistant):
    """When the verifier turns down every candidate it read, an unread one comes first; it is
    read too before the question's confidence is weighed (an unread best once looked surer
    than any read one: "How many bids ... came in?" at 0.84 with its best candidate at 0.04)."""
    from briefqa.extractive import ExtractiveAnswerer

    shipped = assistant.extractive
    first = assistant.settings.answer.verifier_candidates
    seen: list[str] = []

    def doubting_the_first_it_reads(question: str, texts: list[str]) -> list[float]:
        scores = [-30.0 if len(seen) + n < first else 3.0 for n in range(len(texts))]
        seen.extend(texts)
        return scores

    doubter = ExtractiveAnswerer(assistant.settings, shipped.encode, shipped.reader,
                                 shipped.model, doubting_the_first_it_reads)
    question = assistant.parse("How many Hopper GPUs does MareNostrum 5 have?")
    evidence = doubter.weigh(question, assistant.retrieve(question), assistant.index)
    assert len(seen) == first + 1
    assert evidence.best.values["verified"] == 1.0 and evidence.best.values["verifier"] == 3.0
    seen.clear()
    answer = assistant.ask("How many Hopper GPUs does MareNostrum 5 have?", answerer=doubter)
    weighed = next(s for s in answer.trace if s.stage == "weigh")
    assert f"the verifier read {first + 1};" in weighed.did
