"""Training questions and the document sets they are asked of.

A docset is a folder of documents that is never part of the product's corpus (except `corpus`,
the product's own); its questions were written by language-model authors who saw only its
documents. `training/docsets.json` says where each docset lies: in this repository, in the
shared data (`BRIEFQA_SHARED_DIR`, default ../shared) or in the fetched training documents
(`BRIEFQA_TRAINDOCS_DIR`, default ../traindocs; their sources and licences are listed in
training/SOURCES.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TRAINING = ROOT / "training"


def shared_dir() -> Path:
    return Path(os.environ.get("BRIEFQA_SHARED_DIR") or ROOT.parent / "shared")


def traindocs_dir() -> Path:
    return Path(os.environ.get("BRIEFQA_TRAINDOCS_DIR") or ROOT.parent / "traindocs")


def docset_roots() -> dict[str, Path]:
    """Each docset's folder, from training/docsets.json ("repo:", "shared:", "traindocs:")."""
    spec = json.loads((TRAINING / "docsets.json").read_text(encoding="utf-8"))
    bases = {"repo": ROOT, "shared": shared_dir(), "traindocs": traindocs_dir()}
    roots = {}
    for name, where in spec["docsets"].items():
        base, _, rest = where.partition(":")
        roots[name] = bases[base] / rest
    return roots


@dataclass
class TrainingQuestion:
    id: str  # stable: a hash of docset, document and question
    question: str
    docset: str
    doc: str  # the document's path inside the docset
    answers: list[str] = field(default_factory=list)  # verbatim text that answers it
    abstain: bool = False
    kind: str | None = None
    origin: str = ""  # the file it came from

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _question_id(docset: str, doc: str, question: str) -> str:
    return hashlib.sha1(f"{docset}\n{doc}\n{question}".encode()).hexdigest()[:12]


def load_questions() -> list[TrainingQuestion]:
    """Every training question: the sources named in training/docsets.json, in order."""
    spec = json.loads((TRAINING / "docsets.json").read_text(encoding="utf-8"))
    bases = {"repo": ROOT, "shared": shared_dir()}
    out, seen = [], set()
    for source in spec["questions"]:
        base, _, rest = source["file"].partition(":")
        path = bases[base] / rest
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            data = json.loads(line)
            docset = data.get("docset") or source["docset"]
            doc = data.get("doc") or data.get("source") or ""
            answers = data.get("answers")
            if answers is None:
                answers = [data["answer"]] if data.get("answer") else []
            abstain = bool(data.get("abstain", not answers))
            key = (docset, data["question"].strip().lower())
            if key in seen:
                continue
            seen.add(key)
            out.append(TrainingQuestion(_question_id(docset, doc, data["question"]),
                                        data["question"], docset, doc, list(answers), abstain,
                                        data.get("kind"), source["file"]))
    return out


# Matching a verbatim answer (Markdown, a raw CSV line) to the units briefqa made of it.

_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[*_`|#>]+|^\s*(?:[-+*]|\d+[.)])\s+", re.M)
_NON_WORD = re.compile(r"[^\w]+")


def normalised(text: str) -> str:
    """Lower-case words only, Markdown markup and punctuation gone."""
    text = _MARKUP.sub(lambda m: m.group(1) or " ", text)
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


def _cells(line: str) -> list[str]:
    """The cells of a raw table row (CSV or Markdown)."""
    import csv

    if line.count("|") >= 2:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
    else:
        cells = next(csv.reader([line]), [])
    return [normalised(c) for c in cells if normalised(c)]


def answers_unit(answer: str, unit_text: str) -> bool:
    """Does a unit hold (all or a sentence of) a verbatim answer? Exact after normalising, a
    table row by its cells, or most of the answer's words."""
    a, u = normalised(answer), normalised(unit_text)
    if not a or not u:
        return False
    if a in u or (len(u) >= 25 and u in a):
        return True
    cells = _cells(answer) if ("," in answer or "|" in answer) and "\n" not in answer.strip() \
        else []
    if len(cells) >= 3:
        held = [c for c in cells if c in u]
        return len(held) >= max(3, int(0.8 * len(cells)))
    a_words, u_words = set(a.split()), set(u.split())
    if len(a_words) < 4:
        return False
    shared = len(a_words & u_words)
    return shared >= 0.85 * len(a_words) and shared >= 0.5 * len(u_words)
