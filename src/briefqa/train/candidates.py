"""Candidates: for every training question, briefqa's own top candidates over the question's
docset, each with its unit (text, section, title, offsets), every scorer's value and a first
label (does it hold the author's verbatim answer?). Helpers' judgements (`judgements.py`) then
correct the labels. Written to training/candidates/<docset>.jsonl.gz, which the reader and the
evidence model are trained from, so that retraining needs no documents.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import logging
from pathlib import Path

from .data import TRAINING, TrainingQuestion, answers_unit, docset_roots, load_questions

CANDIDATES = TRAINING / "candidates"
WORK = TRAINING / ".work"
TOP = 40  # candidates kept per question: what the reader reranks


def open_docset(name: str, root: Path):
    """An Assistant over one docset, its index built once under training/.work/."""
    from ..assistant import Assistant

    logging.getLogger("briefqa").setLevel(logging.ERROR)
    return Assistant.open(root, WORK / "index" / name)


def candidate_rows(qa, question: TrainingQuestion, units: dict, top: int = TOP) -> dict:
    """One question's record: its candidates (as numbers into `units`, which gains the units
    it has not seen yet), their scorer values (in `SCORERS` order) and first labels."""
    from ..evidence import SCORERS, score_candidates
    from ..evidence.context import question_context

    parsed = qa.parse(question.question)
    whole = parsed if not parsed.parts else dataclasses.replace(parsed, parts=())
    hits = qa.retrieve(whole)[:top]
    index = qa.index
    context = question_context(whole, hits, index)
    names = [s.name for s in SCORERS]
    rows = []
    for s in score_candidates(context):
        unit = index.units[s.unit_id]
        holds = (not question.abstain) and any(answers_unit(a, unit.text)
                                               for a in question.answers)
        rows.append([_unit_number(units, index, s.unit_id),
                     [round(s.values[n], 4) for n in names], int(holds)])
    # Where the author's answer is in the docset but not among the candidates.
    missed = []
    if not question.abstain and not any(r[2] for r in rows):
        missed = [_unit_number(units, index, i) for i, u in enumerate(index.units)
                  if u.source == question.doc and any(answers_unit(a, u.text)
                                                      for a in question.answers)][:3]
    return {**question.to_dict(), "candidates": rows, "missed": missed}


def _unit_number(units: dict, index, unit_id: int) -> int:
    unit = index.units[unit_id]
    key = (unit.source, unit.start, unit.end)
    if key not in units:
        units[key] = {"n": len(units), "source": unit.source, "start": unit.start,
                      "end": unit.end, "kind": unit.kind, "section": unit.section,
                      "title": index.documents[unit.source].title, "text": unit.text}
    return units[key]["n"]


def build(docsets: list[str] | None = None, progress: bool = True) -> dict[str, int]:
    """Write training/candidates/<docset>.jsonl.gz (the questions, their candidates as unit
    numbers, scorer values and labels; its first line names the scorers) and
    <docset>.units.jsonl.gz (the units) for each docset whose documents are here."""
    from ..evidence import SCORERS

    questions = load_questions()
    roots = docset_roots()
    CANDIDATES.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, root in roots.items():
        if docsets and name not in docsets:
            continue
        mine = [q for q in questions if q.docset == name]
        if not mine or not root.is_dir():
            continue
        qa = open_docset(name, root)
        items = mine
        if progress:
            from tqdm import tqdm

            items = tqdm(mine, desc=f"candidates {name}", unit="question")
        units: dict = {}
        records = [candidate_rows(qa, question, units) for question in items]
        _write_jsonl(CANDIDATES / f"{name}.jsonl.gz",
                     [{"scorers": [s.name for s in SCORERS]}, *records])
        _write_jsonl(CANDIDATES / f"{name}.units.jsonl.gz", list(units.values()))
        written[name] = len(mine)
    return written


def write_gzip(path: Path, text: str) -> None:
    """Gzip the same text to the same bytes (no time stamp), so a rebuild that changes
    nothing changes no file; written whole, then renamed."""
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9,
                                               mtime=0, filename="") as fh:
        fh.write(text.encode("utf-8"))
    tmp.replace(path)


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    write_gzip(path, "".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"
                             for row in rows))


def _read_jsonl(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load(docsets: list[str] | None = None) -> list[dict]:
    """The candidate records of the docsets named (all, by default), each candidate as a dict
    with its unit, scorer values by name and first label."""
    out = []
    for path in sorted(CANDIDATES.glob("*.jsonl.gz")):
        name = path.name.split(".")[0]
        if path.name.endswith(".units.jsonl.gz") or (docsets and name not in docsets):
            continue
        header, *records = _read_jsonl(path)
        units = _read_jsonl(CANDIDATES / f"{name}.units.jsonl.gz")
        names = header["scorers"]
        for record in records:
            record["candidates"] = [{**units[n], "values": dict(zip(names, values)),
                                     "auto": bool(label)}
                                    for n, values, label in record["candidates"]]
            record["missed"] = [units[n] for n in record["missed"]]
            out.append(record)
    return out
