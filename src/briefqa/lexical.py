"""Lexical: a BM25 index over unit texts, as a sparse matrix that saves and loads without pickle.

Written here rather than taken from llama-index's BM25Retriever (which wraps bm25s) so that
serving an index never imports llama-index (two seconds of start-up) and never unpickles, and
so that tokens can join split names ("Mare Nostrum" matches "MareNostrum").
"""

from __future__ import annotations

import functools
import json
import re
import threading
import unicodedata
from pathlib import Path

import numpy as np
import snowballstemmer

K1, B = 1.2, 0.75

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers him his how i if in into is it its itself just
me more most my no nor not of off on once only or other our ours out over own same she should
so some such than that the their theirs them then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you
your yours s t don now many much tell give list name say said does did get got
""".split())

# Names that mix letters and digits ("IT4LIA", "H100", "MI250X") are one word; a number
# followed by a unit ("241PF") is two.
_TOKEN = re.compile(r"[^\W\d_]+\d[^\W_]*|\d+(?:[.,]\d+)*|[^\W\d_]+")
_PARTS = re.compile(r"\d+|[^\W\d_]+")
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.I)


def without_urls(text: str) -> str:
    """Addresses are not prose: their fragments would match every question about the EU."""
    return _URL.sub(" ", text)


def fold(text: str) -> str:
    """Lower case without accents: "Jülich" and "Julich" are the same word to a reader."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# A Snowball stemmer keeps the word it works on in itself: one per thread, or two questions
# answered at once garble each other's words (an IndexError deep in the stemmer).
_STEMMERS = threading.local()


def _english():
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        stemmer = _STEMMERS.english = snowballstemmer.stemmer("english")
    return stemmer


# British spellings in their American form, so that "organisation" meets "organization" and
# "centre" meets "center" (applied to every word alike, so a rare collision does no harm).
_BRITISH = [(re.compile(r"(?<=\w{3})is(ation|ations|e|ed|es|ing)$"), r"iz\1"),
            (re.compile(r"(?<=\w{3})ys(e|ed|es|ing)$"), r"yz\1"),
            (re.compile(r"(?<=\w{3})our(s|ed|ing)?$"), r"or\1"),
            (re.compile(r"(?<=\w{3})tre(s)?$"), r"ter\1")]


def american(word: str) -> str:
    """A lower-case word in its American spelling ("organisation": "organization"); others
    as they are."""
    for british, american_form in _BRITISH:
        word = british.sub(american_form, word)
    return word


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball's English stemmer (Porter2): "applicable" and "applicability", "hosting" and
    "hosts" meet at one stem; British and American spellings meet too. Short words and numbers
    are kept as they are."""
    if len(word) <= 3 or not word.isalpha():
        return re.sub(r"(?<=\d)s$", "", word)  # "H100s" is the plural of "H100"
    return _english().stemWord(american(word))


def words(text: str) -> list[str]:
    """Content words, folded and stemmed; numbers lose their thousands separators. A name that
    mixes letters and digits comes with its parts too: "TOP500" matches "top 500"."""
    out = []
    for raw in _TOKEN.findall(fold(text)):
        if raw[0].isdigit():
            if re.fullmatch(r"\d{1,3}(,\d{3})+", raw):
                raw = raw.replace(",", "")
            out.append(raw)
        elif raw not in STOPWORDS:
            out.append(stem(raw))
            if not raw.isalpha():
                out.extend(part if part.isdigit() else stem(part)
                           for part in _PARTS.findall(raw) if part not in STOPWORDS)
    return out


def tokens(text: str) -> list[str]:
    """Words plus each adjacent pair written as one word, for names split differently."""
    ws = words(text)
    return ws + [a + b for a, b in zip(ws, ws[1:]) if not (a.isdigit() or b.isdigit())]


class BM25:
    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, matrix) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.matrix = matrix  # scipy CSC, units x terms, BM25 term weights

    @classmethod
    def build(cls, texts: list[str]) -> BM25:
        from scipy import sparse

        vocabulary: dict[str, int] = {}
        rows, cols, counts = [], [], []
        lengths = np.zeros(len(texts), dtype=np.float32)
        for row, text in enumerate(texts):
            toks = tokens(text)
            lengths[row] = len(toks)
            tally: dict[int, int] = {}
            for tok in toks:
                col = vocabulary.setdefault(tok, len(vocabulary))
                tally[col] = tally.get(col, 0) + 1
            rows.extend([row] * len(tally))
            cols.extend(tally.keys())
            counts.extend(tally.values())
        n = max(len(texts), 1)
        tf = np.asarray(counts, dtype=np.float32)
        rows_a = np.asarray(rows, dtype=np.int64)
        cols_a = np.asarray(cols, dtype=np.int64)
        df = np.bincount(cols_a, minlength=len(vocabulary)).astype(np.float32)
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        average = float(lengths.mean()) if len(texts) else 1.0
        norm = K1 * (1 - B + B * lengths[rows_a] / max(average, 1e-6))
        weights = idf[cols_a] * tf * (K1 + 1) / (tf + norm)
        matrix = sparse.csc_matrix((weights, (rows_a, cols_a)),
                                   shape=(len(texts), len(vocabulary)), dtype=np.float32)
        return cls(vocabulary, idf, matrix)

    def scores(self, query: str) -> np.ndarray:
        ids = sorted({self.vocabulary[t] for t in tokens(query) if t in self.vocabulary})
        if not ids:
            return np.zeros(self.matrix.shape[0], dtype=np.float32)
        return np.asarray(self.matrix[:, ids].sum(axis=1)).ravel()

    @property
    def rarest(self) -> float:
        """The idf of the corpus's rarest word (1.0 for an empty index)."""
        return float(self.idf.max()) if len(self.idf) else 1.0

    def begins_a_word(self, prefix: str) -> bool:
        """Whether a word of the corpus begins with `prefix`."""
        return any(word.startswith(prefix) for word in self.vocabulary)

    def document_frequency(self, token: str) -> float:
        """How rare a token is, as idf; 0 when the corpus never uses it."""
        col = self.vocabulary.get(token)
        return 0.0 if col is None else float(self.idf[col])

    def save(self, folder: Path) -> list[str]:
        m = self.matrix
        np.savez(folder / "bm25.npz", data=m.data, indices=m.indices, indptr=m.indptr,
                 shape=np.asarray(m.shape, dtype=np.int64), idf=self.idf)
        (folder / "bm25_vocabulary.json").write_text(json.dumps(self.vocabulary),
                                                     encoding="utf-8")
        return ["bm25.npz", "bm25_vocabulary.json"]

    @classmethod
    def load(cls, folder: Path) -> BM25:
        from scipy import sparse

        with np.load(folder / "bm25.npz", allow_pickle=False) as arrays:
            shape = tuple(int(x) for x in arrays["shape"])
            matrix = sparse.csc_matrix((arrays["data"], arrays["indices"], arrays["indptr"]),
                                       shape=shape)
            idf = arrays["idf"]
        vocabulary = json.loads((folder / "bm25_vocabulary.json").read_text(encoding="utf-8"))
        if not isinstance(vocabulary, dict) or len(vocabulary) != shape[1] or \
                len(idf) != shape[1]:
            raise ValueError("the BM25 vocabulary does not match its matrix")
        return cls(vocabulary, idf, matrix)
