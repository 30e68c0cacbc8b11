"""Train the reader: the bundled MiniLM fine-tuned, on the question side only, to place a
question next to the sentences that answer it. The sentences keep the vectors the index already
holds (the unchanged model's), so the reader costs one more question embedding per question
and no re-indexing; it reads every candidate retrieval found.

Data: every training question with at least one answering candidate (the helpers' judgements,
else the author's verbatim answer), its 40 candidates as the choices (listwise softmax over
them; a partly answering one counts half). Near misses are left to the verifier and the evidence
model, which see them. Out-of-fold scores (each docset scored by a reader
trained on the others) are written for the evidence model, which must not learn to trust a
reader on questions it was trained on. Seed, data and measured figures go into the model's
record (models/reader.json).
"""

from __future__ import annotations

import collections
import datetime
import gzip
import hashlib
import json
import random

import numpy as np

from ..chunk import Unit, embedding_text
from ..evidence.reader import MODEL_DIR, export_reader
from . import candidates as candidate_store
from .candidates import CANDIDATES, WORK, write_gzip
from .judgements import labelled

SEED = 20261205
EPOCHS = 3
LEARNING_RATE = 3e-5
BATCH = 16
SCALE = 20.0  # cosine -> logit in the listwise softmax
PARTIAL_WEIGHT = 0.5
OUT_OF_FOLD = CANDIDATES / "reader-oof.json.gz"


def unit_vectors(records: list[dict], progress: bool = True) -> dict[str, np.ndarray]:
    """The bundled model's vector of every candidate, as the index embeds it, by text hash
    (cached under training/.work)."""
    from sentence_transformers import SentenceTransformer

    from ..settings import bundled_model_path

    cache_path = WORK / "unit-vectors.npz"
    cached: dict[str, np.ndarray] = {}
    if cache_path.exists():
        with np.load(cache_path) as data:
            cached = {k: data[k] for k in data.files}
    texts = {}
    for r in records:
        for c in r["candidates"]:
            text = embedding_text(Unit(c["source"], c["section"], None, c["kind"], 0, 0, 0, 0,
                                       c["text"]), c["title"])
            key = _key(text)
            c["key"] = key
            if key not in cached:
                texts[key] = text
    if texts:
        model = SentenceTransformer(bundled_model_path(), device="cpu")
        keys = sorted(texts)
        vectors = model.encode([texts[k] for k in keys], batch_size=64,
                               normalize_embeddings=True, show_progress_bar=progress)
        cached.update(zip(keys, vectors.astype(np.float32)))
        WORK.mkdir(parents=True, exist_ok=True)
        np.savez(cache_path, **cached)
    return cached


def _key(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def examples(records: list[dict], vectors: dict[str, np.ndarray]) -> list[tuple]:
    """(question, candidate matrix, target distribution) for each question with an answer."""
    out = []
    for r in records:
        weights = np.array([1.0 if c["label"] == 1.0 else PARTIAL_WEIGHT if c["label"] == 0.5
                            else 0.0 for c in r["candidates"]], dtype=np.float32)
        if r["abstain"] or not (weights == 1.0).any():
            continue
        matrix = np.stack([vectors[c["key"]] for c in r["candidates"]])
        out.append((r["question"], matrix, weights / weights.sum()))
    return out


def fit(items: list[tuple], seed: int = SEED, epochs: int = EPOCHS, progress: bool = True):
    """Fine-tune the question side of the bundled model on the examples."""
    import torch
    from sentence_transformers import SentenceTransformer

    from ..settings import bundled_model_path

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    model = SentenceTransformer(bundled_model_path(), device="cpu")
    embeddings = model[0].auto_model.embeddings
    for parameter in embeddings.parameters():  # shared with the base model at run time
        parameter.requires_grad = False
    model.train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=LEARNING_RATE, weight_decay=0.01)
    order = list(range(len(items)))
    rng = random.Random(seed)
    steps = epochs * ((len(items) + BATCH - 1) // BATCH)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=steps, desc="training the reader", unit="batch")
    for _ in range(epochs):
        rng.shuffle(order)
        for start in range(0, len(order), BATCH):
            batch = [items[i] for i in order[start:start + BATCH]]
            features = model.preprocess([q for q, _, _ in batch])
            questions = torch.nn.functional.normalize(
                model(features)["sentence_embedding"], dim=-1)
            loss = 0.0
            for row, (_, matrix, target) in enumerate(batch):
                logits = SCALE * (torch.from_numpy(matrix) @ questions[row])
                loss = loss - (torch.from_numpy(target) * torch.log_softmax(logits, 0)).sum()
            loss = loss / len(batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if bar:
                bar.update()
    if bar:
        bar.close()
    model.eval()
    return model


def _scores(model, records: list[dict], vectors: dict) -> dict[str, list[float]]:
    questions = model.encode([r["question"] for r in records], batch_size=64,
                             normalize_embeddings=True)
    return {r["id"]: [round(float(vectors[c["key"]] @ q), 5) for c in r["candidates"]]
            for r, q in zip(records, questions)}


def top1(scores: dict[str, list[float]], records: list[dict]) -> tuple[float, int]:
    """Share of answerable questions whose highest-scored candidate answers."""
    hits = [r["candidates"][int(np.argmax(scores[r["id"]]))]["label"] == 1.0
            for r in records if not r["abstain"] and any(c["label"] == 1.0
                                                          for c in r["candidates"])]
    return (round(float(np.mean(hits)), 4) if hits else 0.0), len(hits)


def train(progress: bool = True, folds: bool = True) -> dict:
    """Out-of-fold scores for every docset, then the reader trained on all of them, exported
    as ONNX to models/; returns the record written beside it."""
    records = labelled(candidate_store.load())
    vectors = unit_vectors(records, progress)
    by_docset = collections.defaultdict(list)
    for r in records:
        by_docset[r["docset"]].append(r)
    held_out, oof = {}, {}
    if folds:
        for docset in sorted(by_docset):
            items = examples([r for d, rs in by_docset.items() if d != docset for r in rs],
                             vectors)
            model = fit(items, progress=progress)
            scores = _scores(model, by_docset[docset], vectors)
            oof.update(scores)
            dense = {r["id"]: [c["values"]["dense"] for c in r["candidates"]]
                     for r in by_docset[docset]}
            reader_top1, n = top1(scores, by_docset[docset])
            held_out[docset] = {"questions": n, "reader_top1": reader_top1,
                                "dense_top1": top1(dense, by_docset[docset])[0]}
        write_gzip(OUT_OF_FOLD, json.dumps(oof))
    model = fit(examples(records, vectors), progress=progress)
    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    export_reader(model, MODEL_DIR)
    record = {"trained": datetime.date.today().isoformat(), "seed": SEED, "epochs": EPOCHS,
              "learning_rate": LEARNING_RATE, "batch": BATCH, "scale": SCALE,
              "questions": {d: len(rs) for d, rs in sorted(by_docset.items())},
              "examples": len(examples(records, vectors)),
              "judged": sum(r["judged"] for r in records),
              "held_out_by_docset": held_out}
    (MODEL_DIR / "reader.json").write_text(json.dumps(record, indent=1) + "\n",
                                           encoding="utf-8")
    return record


def load_out_of_fold() -> dict[str, list[float]]:
    if not OUT_OF_FOLD.exists():
        return {}
    with gzip.open(OUT_OF_FOLD, "rt", encoding="utf-8") as fh:
        return json.load(fh)

