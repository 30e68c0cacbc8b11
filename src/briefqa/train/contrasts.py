"""Contrasts: questions that a sentence is about but does not answer, each the twin of a
training question that the same sentence does answer ("How many GPUs does the Booster hold?"
beside "The Booster has 3,456 nodes"). A helper who saw only the question and its answering
sentence wrote each twin by changing what is asked (another attribute, a figure the sentence
does not give, another period, names where it gives a count, a reason, a sibling entity,
another task).

They teach the verifier the near miss: the same sentence, read with the twin, is labelled 0,
beside the pair of it with its own question, labelled 1. A *paraphrase* (twist "paraphrase")
is the other side: the question asked in other words ("bids" for "expressions of interest"),
which the sentence still answers, labelled 1, so that the verifier learns what is asked, not
which words ask it. training/contrasts/*.jsonl: {"of": the question's id, "n": the answering
unit's number in its docset, "question": the twin or paraphrase, "twist": the kind of change}.
"""

from __future__ import annotations

import json

from .data import TRAINING

CONTRASTS = TRAINING / "contrasts"
TWISTS = ("attribute", "figure", "time", "names", "reason", "entity", "howto")
PARAPHRASE = "paraphrase"  # the only twist the sentence still answers


def answers(contrast: dict) -> float:
    """The pair's label: 1 for a paraphrase, 0 for a twin."""
    return 1.0 if contrast["twist"] == PARAPHRASE else 0.0


def load() -> list[dict]:
    """Every contrast, in file order."""
    out = []
    for path in sorted(CONTRASTS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line))
    return out


def sentences(records: list[dict], contrasts: list[dict]) -> list[tuple[dict, dict, dict]]:
    """(contrast, the record it twins, the candidate it is read with) for every contrast whose
    question is among `records` and whose sentence is still one of its candidates labelled as
    answering it."""
    by_id = {r["id"]: r for r in records}
    out = []
    for contrast in contrasts:
        record = by_id.get(contrast["of"])
        if record is None:
            continue
        candidate = next((c for c in record["candidates"]
                          if c["n"] == contrast["n"] and c["label"] == 1.0), None)
        if candidate is not None:
            out.append((contrast, record, candidate))
    return out
