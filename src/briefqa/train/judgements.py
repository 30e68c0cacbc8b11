"""Judgements: which of a training question's candidates answer it, as judged by a helper who
read the question, the author's verbatim answer and the candidates (shuffled), with no access
to briefqa's scores. They replace the first labels (substring matches of the author's answer,
which miss a sentence that says the same in other words, and rows or sentences split
differently). training/judgements/*.jsonl: {"id", "answering": [unit numbers], "partial": [...]}.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from .data import TRAINING

JUDGEMENTS = TRAINING / "judgements"
_URL = re.compile(r"https?://\S+")
JUDGED = 20  # candidates shown to the judge per question: retrieval's best


def export_tasks(records: list[dict], folder: Path, per_file: int = 100,
                 judged: int = JUDGED) -> list[Path]:
    """Task files for judges: each question with its reference answer and its first `judged`
    candidates in a shuffled order, keyed by their unit numbers in the docset."""
    folder.mkdir(parents=True, exist_ok=True)
    done = load()
    todo = [r for r in records if r["id"] not in done]
    paths = []
    for start in range(0, len(todo), per_file):
        chunk = todo[start:start + per_file]
        name = f"{chunk[0]['docset']}-{start // per_file + 1:02d}.jsonl"
        with open(folder / name, "w", encoding="utf-8") as fh:
            for record in chunk:
                fh.write(json.dumps(_task(record, judged), ensure_ascii=False) + "\n")
        paths.append(folder / name)
    return paths


def _task(record: dict, judged: int) -> dict:
    shown = record["candidates"][:judged] + record.get("missed", [])
    seen, candidates = set(), []
    for c in shown:
        if c["n"] not in seen:
            seen.add(c["n"])
            where = " > ".join(x for x in (c["title"], c["section"]) if x)
            text = _URL.sub("<url>", c["text"])
            text = text if len(text) <= 400 else text[:400] + " …"
            candidates.append({"n": c["n"], "where": where, "text": text})
    random.Random(record["id"]).shuffle(candidates)
    reference = record["answers"] if not record["abstain"] else \
        "(the author says the documents do not answer it)"
    return {"id": record["id"], "question": record["question"], "reference": reference,
            "candidates": candidates}


def load() -> dict[str, dict]:
    """Every judgement, by question id (a later file's judgement of a question wins)."""
    out: dict[str, dict] = {}
    for path in sorted(JUDGEMENTS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                data = json.loads(line)
                out[data["id"]] = {"answering": set(data.get("answering", [])),
                                   "partial": set(data.get("partial", []))}
    return out


def labelled(records: list[dict], judgements: dict[str, dict] | None = None) -> list[dict]:
    """The records with each candidate's label: 1 answers, 0.5 gives part of the answer, 0
    not; judged questions by their judgement (unjudged candidates past the first `JUDGED`
    count as not answering), the rest by the first labels."""
    judgements = load() if judgements is None else judgements
    for record in records:
        judged = judgements.get(record["id"])
        record["judged"] = judged is not None
        for c in record["candidates"]:
            if judged is None:
                c["label"] = 1.0 if c["auto"] else 0.0
            else:
                c["label"] = 1.0 if c["n"] in judged["answering"] else \
                    0.5 if c["n"] in judged["partial"] else 0.0
    return records
