"""A table larger than the embedding cap (issue 15, "a 1-million-row CSV"): only the first
`max_embedded_rows` rows of a CSV file are sentence units (embedded, in BM25); every row is in
the table store with its offsets, so a count over all rows is exact and cites rows past the cap
verbatim; a ragged, non-UTF-8 file past the cap keeps every cell as the ingest read it. The
benchmark (benchmarks/large_table.py) measures time and memory; these tests assert behaviour."""

from __future__ import annotations

import json

import pytest

from briefqa import Assistant
from briefqa.document import Document
from briefqa.ingest import parse_document
from briefqa.settings import Settings

CAP = 40
ROWS = 1500


def _racks() -> str:
    lines = ["rack,site,load"] + [f"r{n},site {n % 7},{n % 50}" for n in range(ROWS)]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def racks(tmp_path_factory):
    root = tmp_path_factory.mktemp("large")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "racks.csv").write_text(_racks(), encoding="utf-8")
    (corpus / "note.txt").write_text("Racks\nThe racks are listed in racks.csv.\n",
                                     encoding="utf-8")
    settings = Settings.from_env(max_embedded_rows=CAP)
    return Assistant.open(corpus, root / "index", settings=settings)


def test_only_the_first_rows_are_embedded_but_every_row_is_stored(racks):
    rows = [u for u in racks.index.units if u.source == "racks.csv"]
    assert len(rows) == CAP and all(u.kind == "table_row" for u in rows)
    assert racks.index.faiss_index.ntotal == len(racks.index.units)
    assert racks.manifest["params"]["embedded_rows"] == CAP
    table = racks.index.tables.tables[0]
    assert table.rows == ROWS and table.reader == "duckdb"
    document = racks.index.documents["racks.csv"]
    assert len(document.more_rows) == ROWS - CAP
    connection = racks.index.tables.connection()
    for row, start, end, rack in connection.execute(
            f"SELECT _row, _start, _end, c0 FROM {table.name} WHERE _row IN (0, ?, ?) "
            "ORDER BY _row", [CAP, ROWS - 1]).fetchall():
        assert document.text[start:end] == f"rack: {rack}; site: site {row % 7}; load: " \
            f"{row % 50}" and rack == f"r{row}"


def test_a_count_over_every_row_cites_rows_past_the_cap_verbatim(racks):
    answer = racks.ask("How many racks have a load above 40?")
    expected = sum(1 for n in range(ROWS) if n % 50 > 40)
    assert answer.mode == "computed" and answer.computation["result"] == expected
    assert len(answer.citations) == min(expected, 200)
    text = racks.source_text("racks.csv")
    past = 0
    for citation in answer.citations:
        assert text[citation.start:citation.end] == citation.quote
        rack = int(citation.quote.split(";")[0].removeprefix("rack: r"))
        assert int(citation.quote.rsplit("load: ", 1)[1]) == rack % 50 > 40
        past += rack >= CAP
    assert past > 0  # rows that were never embedded are cited like the others


def test_a_superlative_and_a_filter_reach_rows_past_the_cap(racks):
    counted = racks.ask("How many racks are at site 3?")
    assert counted.computation["result"] == sum(1 for n in range(ROWS) if n % 7 == 3)
    highest = racks.ask("Which rack has the highest load?")
    assert highest.computation["result"] == "49"
    assert highest.short is None  # "which rack": many share the highest, no one name answers
    winners = {f"rack: r{n}" for n in range(ROWS) if n % 50 == 49}
    racks_cited = [c.quote.split(";")[0] for c in highest.citations]
    assert set(racks_cited[:len(winners)]) == winners
    # the rows weighed against them: the nearest cited (load 48), the rest counted
    assert all(int(q.removeprefix("rack: r")) % 50 == 48 for q in racks_cited[len(winners):])
    assert any(n.startswith("Weighed against") and "only the first 25 cited" in n
               for n in highest.notes)
    load = racks.ask("What is the highest load of a rack?")  # the figure, a span of a row
    assert load.short.text == "49"
    text = racks.source_text("racks.csv")
    assert text[load.short.start:load.short.end] == "49"


HOSTILE = ("name,kind,price,notes\r\n"
           "Alpha,formula,1200,=cmd|' /C calc'!A0\r\n"
           "Beta,sql,1500,'; DROP TABLE x; --\r\n"
           "\"Gamma, the third\",script,300,<script>alert(1)</script>\r\n"
           "Delta,script,50,extra,more\r\n"
           "Epsilon,sql\r\n"
           "Zeta,café,70,naïve\r\n").encode("cp1252")


def test_a_hostile_csv_past_the_cap_keeps_every_cell(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "tools.csv").write_bytes(HOSTILE)
    qa = Assistant.open(corpus, tmp_path / "index",
                        settings=Settings.from_env(max_embedded_rows=2))
    assert len(qa.index.units) == 2
    table = qa.index.tables.tables[0]
    assert table.rows == 6 and table.reader == "ingest"  # ragged: the ingest's reading
    assert [c.name for c in table.columns] == ["name", "kind", "price", "notes", "column 5"]
    connection = qa.index.tables.connection()
    cells = {r[0]: r[1:] for r in connection.execute(
        f"SELECT c0, c3, c4, _start, _end FROM {table.name}").fetchall()}
    assert cells["Alpha"][0] == "=cmd|' /C calc'!A0"
    assert cells["Gamma, the third"][0] == "<script>alert(1)</script>"
    assert cells["Delta"][:2] == ("extra", "more")
    assert cells["Epsilon"][0] is None
    assert cells["Zeta"][0] == "naïve"
    text = qa.source_text("tools.csv")
    assert text[cells["Zeta"][2]:cells["Zeta"][3]] == "name: Zeta; kind: café; price: 70; " \
        "notes: naïve"
    answer = qa.ask("Which tools have kind script?")
    assert answer.computation["result"] == 2
    assert all(text[c.start:c.end] == c.quote for c in answer.citations)
    assert any("<script>alert(1)</script>" in c.quote for c in answer.citations)


def test_the_capped_reading_writes_the_same_text_and_round_trips():
    data = _racks().encode()
    whole = parse_document(data, "racks.csv", ".csv")
    capped = parse_document(data, "racks.csv", ".csv", 2_000_000, CAP)
    assert capped.text == whole.text
    assert [(b.start, b.end) for b in capped.blocks] == \
        [(b.start, b.end) for b in whole.blocks[:CAP + 1]]
    assert list(capped.more_rows.starts) == [b.start for b in whole.blocks[CAP + 1:]]
    back = Document.from_dict(json.loads(json.dumps(capped.to_dict())))
    assert back.text == capped.text and list(back.more_rows.ends) == \
        list(capped.more_rows.ends)


def test_the_character_limit_applies_to_the_embedded_rows_of_a_csv():
    data = _racks().encode()
    from briefqa.errors import DocumentError

    with pytest.raises(DocumentError):
        parse_document(data, "racks.csv", ".csv", 5_000)
    assert parse_document(data, "racks.csv", ".csv", 5_000, CAP).more_rows is not None


def test_the_cap_is_a_validated_setting():
    from briefqa.errors import SettingsError

    assert Settings().max_embedded_rows == 5_000
    assert Settings.from_env({"BRIEFQA_MAX_EMBEDDED_ROWS": "100"}).max_embedded_rows == 100
    with pytest.raises(SettingsError):
        Settings(max_embedded_rows=0)
