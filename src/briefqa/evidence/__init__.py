"""Evidence: what each candidate sentence has for it, as named scorers (`scorers`), merged by
one trained model (`model`) into the probability that the sentence answers the question."""

from .model import EvidenceModel, load_model
from .scorers import SCORERS, ScoredCandidate, Scorer, score_candidates

__all__ = ["SCORERS", "EvidenceModel", "ScoredCandidate", "Scorer", "load_model",
           "score_candidates"]
