"""Claims: the verifier's benchmark, (claim, cited passages, label) pairs, scored as precision and
recall of "supported", overall and per kind of change."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import BriefqaError
from ..evaluate import jsonl_lines
from ..settings import VerifySettings
from .verify import Check, Encode, Verifier

LABELS = ("supported", "unsupported")


@dataclass
class ClaimCase:
    id: str
    claim: str
    passages: list[str]
    label: str  # "supported" or "unsupported"
    variant: str  # "paraphrase", "exact", "changed_figure", "swapped_entity", "negation", ...
    source: str = ""


@dataclass
class ClaimResult:
    claim: ClaimCase
    check: Check

    @property
    def predicted(self) -> str:
        return "supported" if self.check.supported else "unsupported"

    @property
    def correct(self) -> bool:
        return self.predicted == self.claim.label

    def to_dict(self) -> dict:
        return {**asdict(self.claim), "predicted": self.predicted, "correct": self.correct,
                "reasons": self.check.reasons, "coverage": self.check.coverage,
                "similarity": self.check.similarity}


def load_claims(path: str | Path) -> list[ClaimCase]:
    """Claims from a JSON-lines file; a malformed line is a BriefqaError naming it."""
    path = Path(path)
    cases = []
    for number, line in jsonl_lines(path, "claims file"):
        try:
            row = json.loads(line)
            passages = row["passages"]
            if isinstance(passages, str):
                passages = [passages]
            case = ClaimCase(str(row["id"]), str(row["claim"]), [str(p) for p in passages],
                             str(row["label"]), str(row.get("variant") or "unknown"),
                             str(row.get("source") or ""))
        except (ValueError, KeyError, TypeError) as exc:
            raise BriefqaError(f"{path}:{number}: not a claim ({exc})") from None
        if case.label not in LABELS:
            raise BriefqaError(f"{path}:{number}: label must be supported or unsupported, "
                               f"not {case.label!r}")
        cases.append(case)
    if not cases:
        raise BriefqaError(f"{path} holds no claims")
    return cases


@dataclass
class ClaimsReport:
    results: list[ClaimResult]
    seconds: float

    def _count(self, label: str | None = None, predicted: str | None = None,
               variant: str | None = None) -> int:
        return sum(1 for r in self.results
                   if (label is None or r.claim.label == label)
                   and (predicted is None or r.predicted == predicted)
                   and (variant is None or r.claim.variant == variant))

    @property
    def precision(self) -> float:
        """Of the claims the verifier passes, the share that are supported."""
        passed = self._count(predicted="supported")
        return self._count("supported", "supported") / passed if passed else 1.0

    @property
    def recall(self) -> float:
        """Of the supported claims, the share the verifier passes."""
        supported = self._count("supported")
        return self._count("supported", "supported") / supported if supported else 1.0

    @property
    def paraphrase_recall(self) -> float:
        total = self._count("supported", variant="paraphrase")
        return self._count("supported", "supported", "paraphrase") / total if total else 1.0

    def variants(self) -> dict[str, dict]:
        """Per kind of claim: how many, how many passed, the share judged right."""
        out = {}
        for variant in sorted({r.claim.variant for r in self.results}):
            for label in LABELS:
                n = self._count(label, variant=variant)
                if not n:
                    continue
                passed = self._count(label, "supported", variant)
                right = passed if label == "supported" else n - passed
                out[f"{variant} ({label})"] = {"claims": n, "passed": passed,
                                               "correct": right, "accuracy": right / n}
        return out

    def summary(self) -> dict:
        return {"claims": len(self.results), "supported": self._count("supported"),
                "unsupported": self._count("unsupported"),
                "passed": self._count(predicted="supported"),
                "wrong_passed": self._count("unsupported", "supported"),
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "paraphrase_recall": round(self.paraphrase_recall, 4),
                "seconds": round(self.seconds, 2),
                "ms_per_claim": round(1000 * self.seconds / max(1, len(self.results)), 1)}

    def to_dict(self) -> dict:
        return {"summary": self.summary(), "variants": self.variants(),
                "results": [r.to_dict() for r in self.results]}

    def summary_text(self) -> str:
        s = self.summary()
        lines = [f"claims               {s['claims']} ({s['supported']} supported, "
                 f"{s['unsupported']} unsupported)",
                 f"precision (supported) {s['precision']:.1%} ({s['wrong_passed']} wrong claims "
                 f"passed of {s['passed']} passed)",
                 f"recall (supported)   {s['recall']:.1%}",
                 f"recall (paraphrases) {s['paraphrase_recall']:.1%}",
                 f"time                 {s['ms_per_claim']:.0f} ms per claim", ""]
        for name, v in self.variants().items():
            lines.append(f"  {name:<36} {v['correct']:>4}/{v['claims']:<4} right "
                         f"({v['passed']} passed)")
        return "\n".join(lines)

    def to_markdown(self) -> str:
        s = self.summary()
        rows = [f"| {name} | {v['claims']} | {v['passed']} | {v['accuracy']:.1%} |"
                for name, v in self.variants().items()]
        wrong = [f"| {r.claim.id} | {r.claim.variant} | {r.claim.label} | "
                 f"{r.claim.claim.replace('|', '/')} | {'; '.join(r.check.reasons) or '-'} |"
                 for r in self.results if not r.correct]
        return "\n".join([
            "# Claims benchmark", "",
            f"{s['claims']} claims; precision of 'supported' {s['precision']:.1%}, recall "
            f"{s['recall']:.1%}, recall of paraphrases {s['paraphrase_recall']:.1%}.", "",
            "| kind (label) | claims | passed | right |", "| --- | ---: | ---: | ---: |",
            *rows, "", "## Judged wrong", "", "| id | kind | label | claim | reasons |",
            "| --- | --- | --- | --- | --- |", *wrong, ""])


def run_claims(claims: list[ClaimCase], settings: VerifySettings | None = None,
               encode: Encode | None = None) -> ClaimsReport:
    """Check every claim against its passages, as the LLM answer checks a sentence."""
    verifier = Verifier(settings, encode)
    started = time.perf_counter()
    results = [ClaimResult(c, verifier.check(c.claim, c.passages)) for c in claims]
    return ClaimsReport(results, time.perf_counter() - started)
