"""The sentence verifier on its own: what a generated sentence must share with the passage it
cites (figures, names, negation, quantifiers, words, meaning) before it is shown as grounded.
The passages are the brief's own sentences; the similarity checks use the bundled model."""

from __future__ import annotations

import pytest

from briefqa.llm.verify import Verifier, tokenize
from briefqa.settings import Settings, VerifySettings

RANKS = ("As of June 2025, three of them even make the top 10 of the top 500 list of "
         "high-performance supercomputers worldwide — Jupiter in Jülich (#4 with 930,00 peak "
         "petaflops), LUMI in Kajaani (#9 with 531,51 peak petaflops), and Leonardo in Bologna "
         "(#10 with 306.31 peak petaflops).")
GPUS = ("Mare Nostrum 5 in Barcelona currently includes 4,480 NVIDIA Hopper GPUs in its "
        "accelerated partition and is set to receive an additional general partition based on "
        "NVIDIA Grace CPUs.")
PARTNERS = ("Ten AI factories have at least one university or one research partner. Only two "
            "factories, BSC AI in Spain and LUMI in Finland, do not have one of these partners.")
SCOPE = ("Of the original thirteen factories, seven have highly centralized and regional "
         "consortia with three quarters of consortia partners being located in the same region "
         "the AI factory is.")
SECTORS = ("Nine out of thirteen cover at least five sectors, with only HammerHAI in Stuttgart "
           "exclusively targeting engineering and manufacturing, reflecting local strengths like "
           "the automotive sector.")
HARDWARE = ("Not all AI factories’ hardware is AI-specific, so this list does not necessarily "
            "reflect their performance on AI workloads.")
SWISS = ("Furthermore, researchers in Switzerland recently trained a 70 billion parameter large "
         "language model on the Alps supercomputer in Lugano equipped with 10,752 NVIDIA Grace "
         "Hopper superchips.")


@pytest.fixture(scope="module")
def verifier(assistant) -> Verifier:
    """The verifier as the LLM answer uses it: default thresholds, the bundled model."""
    return Verifier(VerifySettings(), encode=assistant.extractive.encode)


def supported(verifier: Verifier, sentence: str, *passages: str) -> bool:
    return verifier.check(sentence, list(passages)).supported


# -- supported: what a faithful sentence may change --------------------------------------------


@pytest.mark.parametrize("sentence, passage", [
    (GPUS, GPUS),  # quoted as it stands
    ("Mare Nostrum 5 in Barcelona includes 4,480 NVIDIA Hopper GPUs in its accelerated "
     "partition.", GPUS),
    ("MareNostrum 5 in Barcelona includes 4480 NVIDIA Hopper GPUs in its accelerated "
     "partition.", GPUS),  # a name written together, a figure without its separator
    ("Of the original 13 factories, seven have highly centralized and regional consortia.",
     SCOPE),  # thirteen = 13
    ("Jupiter in Julich is #4 on the top 500 list with 930.00 peak petaflops.",
     RANKS),  # Jülich = Julich; a decimal comma
    ("Researchers in Switzerland trained a 70 billion parameter large language model on the "
     "Alps supercomputer in Lugano.", SWISS),
    ("Two factories, BSC AI in Spain and LUMI in Finland, do not have a university or research "
     "partner.", PARTNERS),  # the negation kept
    ("Only HammerHAI in Stuttgart exclusively targets engineering and manufacturing.",
     SECTORS),  # "only" and "exclusively" are in the source
])
def test_faithful_sentences_pass(verifier, sentence, passage):
    check = verifier.check(sentence, [passage])
    assert check.supported, check.reasons


def test_a_sentence_may_combine_two_cited_passages(verifier):
    sentence = ("Jupiter in Jülich ranks #4 on the top 500 list, and Mare Nostrum 5 in Barcelona "
                "includes 4,480 NVIDIA Hopper GPUs.")
    assert supported(verifier, sentence, RANKS, GPUS)
    assert not supported(verifier, sentence, GPUS)  # one of them alone does not hold it all


# -- unsupported: what a subtly wrong sentence changes -----------------------------------------


@pytest.mark.parametrize("sentence, passage, reason", [
    ("Mare Nostrum 5 in Barcelona includes 4,500 NVIDIA Hopper GPUs in its accelerated "
     "partition.", GPUS, "4,500"),  # a changed figure
    ("Of the original fourteen factories, seven have highly centralized and regional "
     "consortia.", SCOPE, "fourteen"),  # a changed number word
    ("Researchers in Switzerland trained a 70 million parameter large language model on the "
     "Alps supercomputer.", SWISS, "70"),  # the same digits, another scale
    ("Mare Nostrum 5 in Madrid includes 4,480 NVIDIA Hopper GPUs in its accelerated "
     "partition.", GPUS, "Madrid"),  # an invented name
    ("Mare Nostrum 5 in Barcelona includes 4,480 AMD Instinct GPUs in its accelerated "
     "partition.", GPUS, "AMD"),  # a swapped entity
    ("As of June 2024, three of them make the top 10 of the top 500 list.", RANKS,
     "2024"),  # a wrong date
    ("As of July 2025, three of them make the top 10 of the top 500 list.", RANKS,
     "July"),  # a wrong month
])
def test_figures_dates_and_names_must_occur_in_what_is_cited(verifier, sentence, passage,
                                                            reason):
    check = verifier.check(sentence, [passage])
    assert not check.supported
    assert any(reason in r for r in check.reasons), check.reasons


@pytest.mark.parametrize("sentence, passage", [
    ("Two factories, BSC AI in Spain and LUMI in Finland, have one of these partners.",
     PARTNERS),  # a negation dropped
    ("All AI factories’ hardware is AI-specific.", HARDWARE),  # "not all" made "all"
    ("Mare Nostrum 5 in Barcelona does not include NVIDIA Hopper GPUs in its accelerated "
     "partition.", GPUS),  # a negation added
])
def test_negation_must_agree(verifier, sentence, passage):
    check = verifier.check(sentence, [passage])
    assert not check.supported
    assert any("negat" in r for r in check.reasons), check.reasons


@pytest.mark.parametrize("sentence, passage", [
    ("All thirteen factories cover at least five sectors.", SECTORS),  # over-generalised
    ("Only Mare Nostrum 5 in Barcelona includes NVIDIA Hopper GPUs.", GPUS),  # "only" added
    ("Mare Nostrum 5 in Barcelona includes the largest number of NVIDIA Hopper GPUs.", GPUS),
])
def test_quantifiers_may_not_be_added(verifier, sentence, passage):
    assert not supported(verifier, sentence, passage)


def test_a_figure_said_of_something_else_is_not_supported(verifier):
    # Every figure and name is in the passage, but #9 is LUMI's rank, not Jupiter's.
    check = verifier.check("Jupiter in Jülich is #9 with 531,51 peak petaflops.", [RANKS])
    assert not check.supported, check
    assert verifier.check("LUMI in Kajaani is #9 with 531,51 peak petaflops.",
                          [RANKS]).supported


def test_unsupported_additions_are_caught(verifier):
    # Words the passage never says, added to a faithful sentence.
    assert not supported(verifier, "Mare Nostrum 5 in Barcelona includes 4,480 NVIDIA Hopper "
                                   "GPUs, which are cooled by seawater and powered by solar "
                                   "panels.", GPUS)
    assert not supported(verifier, "The Alps supercomputer in Lugano is the fastest in Europe.",
                         SWISS)


def test_an_unrelated_sentence_fails_on_meaning(verifier):
    check = verifier.check("Startups are welcome to apply.", [GPUS])
    assert not check.supported


def test_nothing_cited_or_nothing_to_check():
    v = Verifier()
    assert v.check("Anything at all.", []).reasons == ["it cites nothing"]
    assert not v.check("Yes.", [GPUS]).supported


# -- reading figures ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, value, scale", [
    ("4,480", 4480, None), ("4480", 4480, None), ("4\u202f480", 4480, None),
    ("1,5", 1.5, None), ("930,00", 930, None), ("306.31", 306.31, None),
    ("thirteen", 13, None), ("twenty-five", 25, None), ("10bn", 10, 1e9),
    ("70 billion", 70, 1e9), ("two hundred", 2, 100.0), ("twice", 2, None),
])
def test_figures_are_read_as_numbers(text, value, scale):
    figures = [t for t in tokenize(text) if t.kind == "number"]
    assert len(figures) == 1
    assert figures[0].number == pytest.approx(value)
    assert figures[0].scale == scale


def test_ordinals_only_match_ordinals():
    v = Verifier()
    assert v.check("It ranked 4th on the list.", ["It ranked fourth on the list."]).supported
    assert not v.check("It ranked 5th on the list.", ["It ranked fourth on the list."]).supported


def test_thresholds_are_settings(monkeypatch):
    settings = Settings.from_env({"BRIEFQA_VERIFY_MIN_SIMILARITY": "0.9",
                                  "BRIEFQA_VERIFY_MAX_UNCOVERED": "0"})
    assert settings.verify.min_similarity == 0.9
    assert settings.verify.max_uncovered == 0
    strict = Verifier(settings.verify)
    assert not strict.check("Mare Nostrum 5 in Barcelona has 4,480 NVIDIA Hopper GPUs in its "
                            "fast partition.", [GPUS]).supported
    with pytest.raises(ValueError, match="BRIEFQA_VERIFY_MIN_SIMILARITY"):
        Settings.from_env({"BRIEFQA_VERIFY_MIN_SIMILARITY": "high"})
