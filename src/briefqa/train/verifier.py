"""Train the verifier: the bundled MiniLM as a cross-encoder (all six layers, mean-pooled, one
linear output; word embeddings frozen so that they ship shared with the bundled model), reading
a question and a candidate together, labelled by the helpers' judgements (answering 1, not 0;
partly answering left out; every candidate of a near miss 0), and by contrasts
(`contrasts.py`): a training question's answering sentence read with a twin question it does not
answer, labelled 0, or with the question in other words, labelled 1.

Its pairs are what it will read at run time: each question's likeliest candidates by the
evidence model without the verifier (`RANKED` of them, by a model that never saw the question's
docset) and retrieval's first ones. Out-of-fold log-odds (each half of the docsets scored by a
verifier trained on the other half) are written for the evidence model; then the verifier is
trained on all of them and exported to models/verifier.onnx.
"""

from __future__ import annotations

import collections
import datetime
import gzip
import json
import random

import numpy as np

from ..evidence.shipped import MODEL_DIR
from ..evidence.verifier import MAX_TOKENS, candidate_text, export_verifier
from . import candidates as candidate_store
from . import contrasts as contrast_store
from .candidates import CANDIDATES, write_gzip
from .data import TRAINING
from .judgements import labelled

SEED = 20261205
EPOCHS = 2
LEARNING_RATE = 3e-5
BATCH = 16
RANKED = 5  # the evidence model's likeliest candidates read per question
FIRST = 5  # and retrieval's first
OUT_OF_FOLD = CANDIDATES / "verifier-oof.json.gz"


def _scorer_module():
    import torch
    from transformers import AutoModel, AutoTokenizer

    from ..settings import bundled_model_path

    class Scorer(torch.nn.Module):
        """Mean-pooled MiniLM and one linear output: the log-odds that the pair answers."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(bundled_model_path(),
                                                     attn_implementation="eager")
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)
            self.tokenizer = AutoTokenizer.from_pretrained(bundled_model_path())

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(pooled).squeeze(-1)

        def score(self, questions, texts):
            batch = self.tokenizer(list(questions), list(texts), truncation="only_second",
                                   max_length=MAX_TOKENS, padding=True, return_tensors="pt")
            return self(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])

    return Scorer


def ranked(records: list[dict]) -> dict[str, list[int]]:
    """For each question, the positions of the candidates the verifier reads: the likeliest
    `RANKED` by an evidence model (without the verifier) that never saw its docset, then
    retrieval's first `FIRST`."""
    from ..evidence import SCORERS
    from .scorer import VERIFIER_SCORERS, features, fit

    names = [s.name for s in SCORERS if s.name not in VERIFIER_SCORERS]
    by_docset = collections.defaultdict(list)
    for r in records:
        by_docset[r["docset"]].append(r)
    out = {}
    for docset, mine in by_docset.items():
        x, y, _ = features([r for d, rs in by_docset.items() if d != docset for r in rs], names)
        model = fit(x, y, names)
        for r in mine:
            logits = model.logits([c["values"] for c in r["candidates"]])
            order = [int(i) for i in np.argsort(-logits)[:RANKED]]
            out[r["id"]] = order + [i for i in range(min(FIRST, len(r["candidates"])))
                                    if i not in order]
    return out


def pairs(records: list[dict], chosen: dict[str, list[int]]) -> list[tuple[str, str, float]]:
    out = []
    for r in records:
        for i in chosen[r["id"]]:
            c = r["candidates"][i]
            if c["label"] == 0.5:
                continue
            out.append((r["question"], candidate_text(c["title"], c["section"], c["text"]),
                        float(c["label"] == 1.0)))
    return out


def contrast_pairs(records: list[dict],
                   contrasts: list[dict]) -> list[tuple[str, str, float]]:
    """Each contrast of a question among `records`: its twin (labelled 0) or paraphrase
    (labelled 1) read with the question's answering sentence."""
    return [(contrast["question"],
             candidate_text(candidate["title"], candidate["section"], candidate["text"]),
             contrast_store.answers(contrast))
            for contrast, _, candidate in contrast_store.sentences(records, contrasts)]


def fit(examples: list[tuple[str, str, float]], progress: bool = True):
    import torch

    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    model = _scorer_module()()
    for parameter in model.encoder.embeddings.word_embeddings.parameters():
        parameter.requires_grad = False  # shared with the bundled model when shipped
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=LEARNING_RATE, weight_decay=0.01)
    positives = sum(e[2] for e in examples)
    weight = torch.tensor(((len(examples) - positives) / max(1.0, positives)) ** 0.5)
    order = list(range(len(examples)))
    rng = random.Random(SEED)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=EPOCHS * ((len(order) + BATCH - 1) // BATCH),
                   desc="training the verifier", unit="batch")
    model.train()
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for start in range(0, len(order), BATCH):
            batch = [examples[i] for i in order[start:start + BATCH]]
            logits = model.score([b[0] for b in batch], [b[1] for b in batch])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, torch.tensor([b[2] for b in batch]), pos_weight=weight)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if bar:
                bar.update()
    if bar:
        bar.close()
    model.eval()
    return model


def _logits(model, records: list[dict], chosen: dict[str, list[int]]) -> dict[str, dict]:
    """{question id: {candidate position: log-odds}} for the candidates the verifier reads."""
    import torch

    out = {}
    with torch.no_grad():
        for r in records:
            positions = chosen[r["id"]]
            texts = [candidate_text(r["candidates"][i]["title"], r["candidates"][i]["section"],
                                    r["candidates"][i]["text"]) for i in positions]
            scores = model.score([r["question"]] * len(texts), texts).tolist() if texts else []
            out[r["id"]] = {str(i): round(float(s), 5) for i, s in zip(positions, scores)}
    return out


def _auroc_top(records: list[dict], scores: dict[str, dict]) -> dict:
    """On each question's first read candidate (the likeliest): how well the verifier's
    log-odds tell an answering candidate from one that does not answer (AUROC), and the
    share of answerable questions whose best-verified candidate answers."""
    from sklearn.metrics import roc_auc_score

    right, value, best = [], [], []
    for r in records:
        read = scores.get(r["id"]) or {}
        if not read:
            continue
        first = next(iter(read))
        right.append(r["candidates"][int(first)]["label"] == 1.0)
        value.append(read[first])
        if not r["abstain"] and any(r["candidates"][int(i)]["label"] == 1.0 for i in read):
            top = max(read, key=read.get)
            best.append(r["candidates"][int(top)]["label"] == 1.0)
    return {"auroc_first": round(float(roc_auc_score(right, value)), 4)
            if len(set(right)) > 1 else None,
            "best_verified_right": round(float(np.mean(best)), 4) if best else None}


def _contrasts_told(model, records: list[dict], contrasts: list[dict]) -> float | None:
    """The share of contrasts whose twin the verifier scores below the question the sentence
    answers (the same sentence read with each): how often it tells the near miss apart."""
    import torch

    found = [f for f in contrast_store.sentences(records, contrasts)
             if not contrast_store.answers(f[0])]
    if not found:
        return None
    told = []
    with torch.no_grad():
        for start in range(0, len(found), 64):
            chunk = found[start:start + 64]
            texts = [candidate_text(c["title"], c["section"], c["text"]) for _, _, c in chunk]
            twins = model.score([k["question"] for k, _, _ in chunk], texts).tolist()
            own = model.score([r["question"] for _, r, _ in chunk], texts).tolist()
            told += [t < o for t, o in zip(twins, own)]
    return round(float(np.mean(told)), 4)


def train(progress: bool = True, folds: bool = True) -> dict:
    from .reader import load_out_of_fold
    from .scorer import with_reader

    records = labelled(with_reader(candidate_store.load(), load_out_of_fold()))
    contrasts = contrast_store.load()
    chosen = ranked(records)
    held_out, oof = {}, {}
    if folds:
        # Two halves of the docsets (training/docsets.json: the product's and the shared
        # guides, and the fetched ones), each scored by a verifier trained on the other.
        spec = json.loads((TRAINING / "docsets.json").read_text(encoding="utf-8"))
        for fold in map(set, spec["verifier_folds"]):
            inside = [r for r in records if r["docset"] in fold]
            outside = [r for r in records if r["docset"] not in fold]
            model = fit(pairs(outside, chosen) + contrast_pairs(outside, contrasts), progress)
            scores = _logits(model, inside, chosen)
            oof.update(scores)
            held_out[" + ".join(sorted(fold))] = {
                **_auroc_top(inside, scores),
                "contrasts_told": _contrasts_told(model, inside, contrasts)}
        write_gzip(OUT_OF_FOLD, json.dumps(oof))
    contrasted = contrast_pairs(records, contrasts)
    examples = pairs(records, chosen) + contrasted
    model = fit(examples, progress)
    probes = [(r["question"], candidate_text(r["candidates"][0]["title"],
                                             r["candidates"][0]["section"],
                                             r["candidates"][0]["text"]))
              for r in records[:: max(1, len(records) // 8)][:8]]
    export_verifier(model, MODEL_DIR, probes)
    record = {"trained": datetime.date.today().isoformat(), "seed": SEED, "epochs": EPOCHS,
              "learning_rate": LEARNING_RATE, "batch": BATCH, "max_tokens": MAX_TOKENS,
              "pairs": len(examples), "positives": int(sum(e[2] for e in examples)),
              "contrasts": len(contrasted),
              "judged": sum(r["judged"] for r in records), "held_out": held_out}
    (MODEL_DIR / "verifier.json").write_text(json.dumps(record, indent=1) + "\n",
                                             encoding="utf-8")
    return record


def load_out_of_fold() -> dict[str, dict]:
    if not OUT_OF_FOLD.exists():
        return {}
    with gzip.open(OUT_OF_FOLD, "rt", encoding="utf-8") as fh:
        return json.load(fh)
