"""Bad files, in the corpus or uploaded: each broken one is skipped with a message naming it,
the others are indexed and answer, and an upload that cannot be read changes nothing."""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ALPHA, copy_index, found

from briefqa import Assistant, DocumentError
from briefqa.ingest import parse_document

# ---------------------------------------------------------------------------------------------
# Making files


def make_pdf(pages: list[str], drawing_only: bool = False) -> bytes:
    """A small, valid PDF with one Helvetica text line per line of each page's text."""
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    page_ids = [4 + 2 * n for n in range(len(pages))]
    objects[2] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % p for p in page_ids)
                  + b"] /Count %d >>" % len(pages))
    for page_id, text in zip(page_ids, pages):
        if drawing_only:
            ops = ["0.5 g", "72 600 200 100 re f"]
        else:
            ops = ["BT", "/F1 11 Tf", "14 TL", "72 770 Td"]
            for line in text.split("\n"):
                escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                ops.append(f"({escaped}) Tj T*")
            ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objects[page_id] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
                            % (page_id + 1))
        objects[page_id + 1] = (b"<< /Length %d >>\nstream\n" % len(stream) + stream
                                + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, size))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


GOOD_PDF = make_pdf(["Quasar Systems Report\nIntroduction\nThis report describes the Quasar "
                     "machine in detail.",
                     "Hardware\nThe Quasar machine in Bergen has 77 racks of compute nodes."])


def encrypted_pdf() -> bytes:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.append(pypdf.PdfReader(io.BytesIO(GOOD_PDF)))
    writer.encrypt("secret-password", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def binary_bytes(size: int = 4096) -> bytes:
    rng = random.Random(7)
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(size))


FILLER = " ".join(f"word{n % 97} filler text without any sentence end" for n in range(900))
# One line of 100 kB: unpunctuated runs, with one sentence in the middle.
HUGE_LINE = FILLER + ". The Kestrel cluster has 4242 nodes. Then " + FILLER

GOOD = {  # name: (bytes, question, what the answer must say)
    "alpha.txt": (ALPHA.encode(), "How many GPUs does the Zephyr cluster have?", "512"),
    "good.pdf": (GOOD_PDF, "How many racks does the Quasar machine have?", "77 racks"),
    "latin1.txt": ("Staff\nThe Jülich centre near Zürich employs 640 engineers.\n"
                   .encode("latin-1"), "How many engineers does the Jülich centre employ?",
                   "Jülich centre near Zürich employs 640"),
    "cp1252.txt": ("Costs\nThe “Nordlys” project cost €45 million in total.\n".encode("cp1252"),
                   "How much did the Nordlys project cost?", "“Nordlys” project cost €45"),
    "utf16-bom.md": ("# Borealis\n\nThe Borealis array stores 12 PB of climate data.\n"
                     .encode("utf-16"), "How much data does the Borealis array store?",
                     "12 PB"),
    "utf16-no-bom.txt": ("Aurora\nThe Aurora system has 333 liquid-cooled nodes.\n"
                         .encode("utf-16-le"), "How many nodes does the Aurora system have?",
                         "333"),
    "ragged.csv": (b"name,site,nodes\nOrion,Oslo\nVega,Maribor,960,extra,more\nRigel\n",
                   "Where is Vega?", "Maribor"),
    "huge-line.txt": (HUGE_LINE.encode(), "How many nodes does the Kestrel cluster have?",
                      "4242"),
    "name with  spaces.txt": (b"Spaces\nThe Lyra workstation sits in room 17.\n",
                              "Which room is the Lyra workstation in?", "room 17"),
    "a..b.md": (b"# Dots\n\nThe Cygnus tape robot holds 8000 cartridges.\n",
                "How many cartridges does the Cygnus tape robot hold?", "8000"),
    "Ελληνικά έγγραφα.txt": ("Έγγραφο\nThe Hellas node runs in Athens with 96 cores.\n"
                             .encode(), "Where does the Hellas node run?", "Athens"),
    "Доклад/отчёт.html": ("<html><head><title>Отчёт</title></head><body><p>The Sofia "
                          "cluster has 48 racks.</p><script>alert(1)</script></body></html>"
                          .encode(), "How many racks does the Sofia cluster have?", "48 racks"),
    "copies/alpha again.txt": (ALPHA.encode(), None, None),  # the same bytes as alpha.txt
}

BAD = {  # name: (bytes, what the reason must say)
    "empty.txt": (b"", "empty"),
    "blank.md": (b"   \n\n\t  \n", "empty"),
    "binary.txt": (binary_bytes(), "binary"),
    "truncated.pdf": (GOOD_PDF[: len(GOOD_PDF) // 2], "truncated or damaged"),
    "encrypted.pdf": (encrypted_pdf(), "encrypted"),
    "scanned.pdf": (make_pdf(["", ""], drawing_only=True), "no text layer"),
    "not-a-pdf.pdf": (b"%PDF-1.7\n" + binary_bytes(2000), "not a readable PDF"),
    "only-script.html": (b"<html><script>var x = 1;</script><style>p{}</style></html>",
                         "no readable text"),
}
FIFTY_MB = "fifty-megabytes.txt"



@pytest.fixture(scope="module")
def bad_corpus(tmp_path_factory) -> tuple[Path, Path, Path, str]:
    """A corpus of good and broken files, indexed once by `briefqa index` as a user would."""
    root = tmp_path_factory.mktemp("bad-files")
    corpus, index, outside = root / "corpus", root / "index", root / "outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text("Secret\nThe launch code is TOKEN-5591-OUTSIDE.\n", encoding="utf-8")
    for name, (data, *_rest) in {**GOOD, **BAD}.items():
        path = corpus / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    with open(corpus / FIFTY_MB, "wb") as fh:
        line = b"Fifty megabytes of words and nothing else in them at all. " * 1000 + b"\n"
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    os.symlink(secret, corpus / "link-outside.txt")
    os.symlink(corpus / "loop-b.txt", corpus / "loop-a.txt")
    os.symlink(corpus / "loop-a.txt", corpus / "loop-b.txt")
    (corpus / os.fsdecode(b"caf\xe9-latin1-name.txt")).write_text("Cafe\nThe cafe is open.\n")
    done = subprocess.run(
        [sys.executable, "-m", "briefqa.cli", "index", "--corpus", str(corpus), "--index",
         str(index)], capture_output=True, text=True, timeout=900,
        env={**os.environ, "BRIEFQA_EMBED_BATCH_SIZE": "32"})
    return corpus, index, outside, done


def test_indexing_a_corpus_of_broken_files_succeeds_without_a_traceback(bad_corpus):
    *_, done = bad_corpus
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr + done.stdout
    assert re.search(r"indexed \d+ units", done.stdout)


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_broken_file_is_skipped_with_a_message_naming_it(bad_corpus, name):
    *_, done = bad_corpus
    says = BAD[name][1]
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith(f"skipped {name}: ")]
    assert lines, f"no message names {name}:\n{done.stderr[-2000:]}"
    assert says in lines[0], lines[0]


def test_a_fifty_megabyte_file_is_skipped_for_its_size(bad_corpus):
    *_, done = bad_corpus
    line = next(ln for ln in done.stderr.splitlines() if ln.startswith(f"skipped {FIFTY_MB}"))
    assert "limit" in line and "BRIEFQA_MAX_DOCUMENT_CHARS" in line


@pytest.mark.parametrize("name, says", [
    ("link-outside.txt", "links outside the corpus folder"),
    ("loop-a.txt", "cannot be resolved"),
    ("caf\\udce9-latin1-name.txt", "not valid UTF-8"),
])
def test_links_out_loops_and_undecodable_names_are_skipped_with_a_warning(bad_corpus, name,
                                                                          says):
    *_, done = bad_corpus
    warning = [ln for ln in done.stderr.splitlines() if name in ln and says in ln]
    assert warning, done.stderr[-2000:]


@pytest.fixture(scope="module")
def bad_qa(bad_corpus):
    corpus, index, _outside, done = bad_corpus
    assert done.returncode == 0, done.stderr[-3000:]
    return Assistant.open(corpus_dir=corpus, index_dir=index, refresh=False)


def test_every_good_file_is_indexed_under_its_own_name(bad_qa):
    sources = {s.source for s in bad_qa.sources()}
    assert sources == set(GOOD)


@pytest.mark.parametrize("name", [n for n, v in GOOD.items() if v[1]])
def test_good_files_answer_with_their_text_decoded_right(bad_qa, name):
    _data, question, says = GOOD[name]
    answer = bad_qa.ask(question)
    assert found(answer, says), (question, answer.text)
    cited = [c for c in answer.citations if says in c.quote]
    # (alpha.txt has an identical copy, which may be the one cited)
    assert cited and GOOD[cited[0].source][0] == GOOD[name][0]
    for c in answer.citations:
        assert bad_qa.source_text(c.source)[c.start:c.end] == c.quote


def test_pdf_citations_name_their_page(bad_qa):
    answer = bad_qa.ask("How many racks does the Quasar machine have?")
    assert answer.citations[0].source == "good.pdf" and answer.citations[0].page == 2


def test_nothing_outside_the_corpus_is_read(bad_qa):
    for info in bad_qa.sources():
        assert "TOKEN-5591-OUTSIDE" not in bad_qa.source_text(info.source)


def test_the_next_refresh_keeps_the_skips_and_changes_nothing(bad_corpus, bad_qa):
    report = bad_qa.refresh()
    assert not report.touched
    assert set(BAD) | {FIFTY_MB} <= set(report.skipped)


def test_a_fixed_file_is_picked_up_by_the_next_refresh(tmp_path, bad_corpus):
    corpus, index, *_ = bad_corpus
    corpus_copy, index_copy = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(corpus, corpus_copy, symlinks=True)
    copy_index(index, index_copy)
    (corpus_copy / "empty.txt").write_text("Fixed\nThe Draco server has 21 disks.\n")
    qa = Assistant.open(corpus_dir=corpus_copy, index_dir=index_copy)
    assert "empty.txt" in qa.last_refresh.changed + qa.last_refresh.added
    assert "21 disks" in qa.ask("How many disks does the Draco server have?").text


# ---------------------------------------------------------------------------------------------
# Hostile shapes of text: the readers finish, whatever the text (the old patterns backtracked
# for hours on some of these)

HOSTILE_LINES = {
    ".txt": [b"Title here.\n" + b" " * 1_000_000 + b"\nmore text.",
             b"A. " * 400_000, b"word " * 400_000],
    ".md": [b"# a" + b" " * 1_000_000 + b"b\n\ntext.", b"!!!" + b" " * 1_000_000 + b"(\n\nt.",
            b"| a |\n" + b" " * 1_000_000 + b"x\n\ntext.", b"text " + b"[" * 1_000_000,
            b"text " + b"**a " * 250_000, b"text " + b"[a](" * 250_000,
            b"<div " + b"<" * 1_000_000],
    ".html": [b"<p>x</p>" + b"</" * 500_000, b"<p>x</p>" + b"<?" * 500_000,
              b"<p>x</p>" + b"<![" * 300_000, b"<p>x</p>" + b"<a " * 300_000 + b">",
              b"<p>x</p>" + b"<a x='" * 200_000 + b"'>"],
    ".csv": [b"a,b\n" + b"x" * 1_000_000 + b",y\n", b'a,b\n"' + b"x" * 1_000_000],
}


def test_hostile_text_shapes_are_read_to_the_end(tmp_path):
    def hung(signum, frame):
        raise AssertionError("a reader did not finish on a hostile line (backtracking?)")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(300)  # generous: each case takes well under a second; the old code, hours
    try:
        for suffix, samples in HOSTILE_LINES.items():
            for data in samples:
                try:
                    document = parse_document(data, f"hostile{suffix}", suffix)
                except DocumentError as exc:
                    assert str(exc).startswith(f"hostile{suffix}: ")
                    continue
                assert document.text
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# ---------------------------------------------------------------------------------------------
# Uploads


@pytest.fixture(scope="module")
def small_index(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("upload-base")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "alpha.txt").write_text(ALPHA, encoding="utf-8")
    Assistant.open(corpus_dir=corpus, index_dir=root / "index")
    return corpus, root / "index"


@pytest.fixture
def upload_qa(small_index, tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(small_index[0], corpus)
    copy_index(small_index[1], index)
    return Assistant.open(corpus_dir=corpus, index_dir=index, refresh=False)


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_broken_uploads_are_refused_clearly_and_change_nothing(upload_qa):
    corpus = upload_qa.settings.corpus_dir
    before_files, before_sources = files_under(corpus), upload_qa.sources()
    uploads = {**{name: data for name, (data, _says) in BAD.items()},
               "notes.docx": b"PK\x03\x04 a word file", "no-suffix": b"text",
               "huge.txt": b"x" * (upload_qa.settings.upload_max_bytes + 1)}
    for name, data in uploads.items():
        with pytest.raises(DocumentError) as caught:
            upload_qa.add_document(name, data)
        message = str(caught.value)
        assert Path(name).name in message or "file type" in message, message
        assert "Traceback" not in message
    assert files_under(corpus) == before_files
    assert upload_qa.sources() == before_sources
    assert found(upload_qa.ask("How many GPUs does the Zephyr cluster have?"), "512")


def test_a_fifty_megabyte_upload_is_refused_for_its_size(upload_qa):
    with pytest.raises(DocumentError, match=r"50\.0 MB is over the upload limit of 20\.0 MB"):
        upload_qa.add_document("big.txt", b"word " * (10 * 1024 * 1024))
    assert not (upload_qa.settings.corpus_dir / "uploads").exists()


def test_upload_names_are_sanitised_and_kept_inside_uploads(upload_qa, tmp_path):
    names = {"../../escape.txt": "escape.txt", "..\\..\\win.txt": "win.txt",
             "my  notes\u202e.txt": "my notes.txt", "Ελληνικά.md": "Ελληνικά.md",
             "$(reboot)`id`.txt": "_(reboot)_id_.txt"}
    for n, (raw, expected) in enumerate(names.items()):
        info = upload_qa.add_document(raw, f"Upload\nThe Vela unit {n} has {n + 10} fans.\n"
                                      .encode())
        assert info.source == f"uploads/{expected}"
    saved = files_under(upload_qa.settings.corpus_dir / "uploads")
    assert set(saved) == set(names.values())
    assert not (tmp_path / "escape.txt").exists() and not (tmp_path / "win.txt").exists()
    assert found(upload_qa.ask("How many fans does the Vela unit 3 have?"), "13 fans")


def test_an_upload_never_replaces_another_file(upload_qa):
    first = upload_qa.add_document("report.txt", b"Report\nThe Lynx rack draws 30 kW.\n")
    second = upload_qa.add_document("report.txt", b"Report\nThe Puma rack draws 45 kW.\n")
    again = upload_qa.add_document("report.txt", b"Report\nThe Lynx rack draws 30 kW.\n")
    assert (first.source, second.source, again.source) == \
        ("uploads/report.txt", "uploads/report (2).txt", "uploads/report.txt")
    assert found(upload_qa.ask("How much power does the Lynx rack draw?"), "30 kW")
    assert found(upload_qa.ask("How much power does the Puma rack draw?"), "45 kW")


def test_uploading_a_copy_of_an_indexed_document_keeps_both_answering(upload_qa):
    info = upload_qa.add_document("alpha.txt", ALPHA.encode())
    assert info.source == "uploads/alpha.txt"
    reopened = Assistant.open(corpus_dir=upload_qa.settings.corpus_dir,
                              index_dir=upload_qa.settings.index_dir)
    assert {"alpha.txt", "uploads/alpha.txt"} <= {s.source for s in reopened.sources()}
    answer = reopened.ask("How many GPUs does the Zephyr cluster have?")
    assert found(answer, "512")
    for c in answer.citations:
        assert reopened.source_text(c.source)[c.start:c.end] == c.quote
