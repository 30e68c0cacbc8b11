"""What the trained parts cost a question: warm latency of the answer with the rules alone,
with the reader, and with the reader and the verifier (as shipped), interleaved question by
question in one process so that the machine's load falls on all three alike.

    python -m benchmarks.answer_cost            # evals/facts.jsonl, 3 rounds
    python -m benchmarks.answer_cost --json     # also writes results/answer_cost.json

Prints p50 and p95 per variant and each variant's p50 as a ratio of the rules' p50.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import time

from .common import CORPUS, RESULTS, SUITE, load_cases, median, quantile

VARIANTS = {  # name: (reader candidates, verifier candidates)
    "rules": (0, 0),
    "reader": (40, 0),
    "shipped": (40, 3),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    import tempfile
    from pathlib import Path

    from briefqa import Assistant
    from briefqa.extractive import ExtractiveAnswerer

    work = Path(tempfile.mkdtemp(prefix="answer-cost-"))
    qa = Assistant.open(CORPUS, work / "index")
    answerers = {}
    for name, (reader, verifier) in VARIANTS.items():
        answer = dataclasses.replace(qa.settings.answer, reader_candidates=reader,
                                     verifier_candidates=verifier)
        shipped = qa.extractive
        answerers[name] = ExtractiveAnswerer(qa.settings.with_(answer=answer), shipped.encode,
                                             shipped.reader, shipped.model, shipped.verifier)
    questions = [c["question"] for c in load_cases(SUITE)]
    for answerer in answerers.values():  # load every model before timing
        qa.ask(questions[0], answerer=answerer)
    times: dict[str, list[float]] = {name: [] for name in answerers}
    for _ in range(args.rounds):
        for question in questions:
            for name, answerer in answerers.items():
                started = time.perf_counter()
                qa.ask(question, answerer=answerer)
                times[name].append((time.perf_counter() - started) * 1000)
    base = median(times["rules"])
    result = {name: {"p50_ms": round(median(t), 1), "p95_ms": round(quantile(t, 0.95), 1),
                     "p50_ratio_to_rules": round(median(t) / base, 2)}
              for name, t in times.items()}
    result["questions"] = len(questions) * args.rounds
    print(json.dumps(result, indent=1))
    if args.json:
        (RESULTS / "answer_cost.json").write_text(json.dumps(result, indent=1) + "\n",
                                                  encoding="utf-8")


if __name__ == "__main__":
    main()
