"""Suites: the evaluation suites in evals/suites.json, each with the documents it is asked of,
opened on an index of those documents (several folders are indexed together)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import BriefqaError

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = ROOT / "evals" / "suites.json"


@dataclass(frozen=True)
class Suite:
    name: str
    file: Path
    corpus: tuple[str, ...]  # "repo:<folder>" or "shared:<folder>"
    role: str  # "calibration", "held-out" or "computed-dev"

    def roots(self) -> list[Path]:
        shared = Path(os.environ.get("BRIEFQA_SHARED_DIR") or ROOT.parent / "shared")
        bases = {"repo": ROOT, "shared": shared}
        out = []
        for entry in self.corpus:
            base, _, rest = entry.partition(":")
            out.append(bases[base] / rest)
        return out

    @property
    def available(self) -> bool:
        return self.file.is_file() and all(root.is_dir() for root in self.roots())

    def assistant(self, work: Path, settings=None):
        """An Assistant over this suite's documents: one folder as it is, several copied
        together (the first at the top, each other in a folder of its own name)."""
        from .assistant import Assistant

        roots = self.roots()
        missing = [str(r) for r in roots if not r.is_dir()]
        if missing:
            raise BriefqaError(f"suite {self.name}: its documents are not here ({missing})")
        key = hashlib.sha1("\n".join(self.corpus).encode()).hexdigest()[:10]
        if len(roots) == 1:
            corpus = roots[0]
        else:
            corpus = work / f"corpus-{key}"
            if not corpus.is_dir():
                tmp = work / f".corpus-{key}.tmp"
                shutil.rmtree(tmp, ignore_errors=True)
                shutil.copytree(roots[0], tmp)
                for root in roots[1:]:
                    shutil.copytree(root, tmp / root.name)
                tmp.replace(corpus)
        return Assistant.open(corpus, work / f"index-{key}", settings=settings)


def suites(role: str | None = None) -> dict[str, Suite]:
    data = json.loads(REGISTRY.read_text(encoding="utf-8"))["suites"]
    found = {name: Suite(name, ROOT / spec["file"], tuple(spec["corpus"]), spec["role"])
             for name, spec in data.items()}
    return {n: s for n, s in found.items() if role is None or s.role == role}
