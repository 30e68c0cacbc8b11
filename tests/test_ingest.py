"""Reading documents: structure kept (sections, list items, table rows, code, pages)."""

from pathlib import Path

import pytest
from conftest import BRIEF_PDF, CORPUS

from briefqa.chunk import chunk_document, split_sentences
from briefqa.ingest import load_document, parse_document

BRIEF_TXT = CORPUS / "eu-ai-factories-policy-brief.txt"


def test_brief_sections_come_from_title_lines():
    doc = load_document(BRIEF_TXT, "brief.txt")
    sections = {b.section for b in doc.blocks}
    assert "AI Factories in Focus > Scale and Access" in sections
    assert "Executive Summary" in sections
    assert "Conclusion" in sections
    assert doc.title == "The European Union’s AI Factories"


def test_brief_list_items_are_marked():
    doc = load_document(BRIEF_TXT, "brief.txt")
    items = [doc.text[b.start:b.end] for b in doc.blocks if b.kind == "list_item"]
    assert len(items) == 6
    assert items[0].startswith("In their conceptualization as one-stop-shops")


def test_sentences_keep_abbreviations_and_decimals_whole():
    text = ("As of June 2025, Jupiter (#4 with 930,00 peak petaflops) and Leonardo "
            "(#10 with 306.31 peak petaflops) rank high, i.e. in the top 10. "
            "U.S. tech companies spend more. The end.")
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans == [
        "As of June 2025, Jupiter (#4 with 930,00 peak petaflops) and Leonardo "
        "(#10 with 306.31 peak petaflops) rank high, i.e. in the top 10.",
        "U.S. tech companies spend more.",
        "The end.",
    ]


def test_csv_rows_name_their_columns():
    path = CORPUS / "european-ai-infrastructure-map" / "it4lia_infrastructure.csv"
    doc = load_document(path, "map/it4lia_infrastructure.csv")
    units = chunk_document(doc)
    megaride = next(u for u in units if "MEGARIDE" in u.text)
    assert megaride.kind == "table_row"
    assert megaride.text.startswith("component: MEGARIDE; location: San Giovanni")
    assert "public_specs_or_notes: IT4LIA lists 340 GPUs" in megaride.text
    assert megaride.section == "MEGARIDE"


def test_markdown_headings_tables_and_code_blocks():
    md = (
        "# Guide\n\n## Storage\n\nThe scratch disk is fast. Use it for jobs.\n\n"
        "| Name | Quota |\n| --- | --- |\n| **scratch** | 50 TB |\n| home | 20 GB |\n\n"
        "### Copying\n\nTo copy a file, run:\n\n```bash\nrsync -av a/ b/\n```\n\nDone.\n"
    )
    doc = parse_document(md.encode(), "guide.md", ".md")
    units = chunk_document(doc)
    assert doc.title == "Guide"
    rows = [u for u in units if u.kind == "table_row"]
    assert [r.text for r in rows] == ["Name: scratch; Quota: 50 TB", "Name: home; Quota: 20 GB"]
    assert all(r.section == "Storage" for r in rows)
    code = next(u for u in units if "rsync" in u.text)
    assert code.text.startswith("To copy a file, run:")
    assert code.text.endswith("rsync -av a/ b/")
    assert code.section == "Storage > Copying"
    for u in units:
        assert doc.text[u.start:u.end] == u.text


def test_html_shows_text_not_markup():
    html = (b"<html><head><title>Notes</title><script>alert(1)</script></head><body>"
            b"<h1>Notes</h1><h2>Sites</h2><p>The site has <b>12</b> racks.</p>"
            b"<ul><li>First item.</li></ul></body></html>")
    doc = parse_document(html, "notes.html", ".html")
    assert doc.title == "Notes"
    assert "alert" not in doc.text
    assert "The site has 12 racks." in doc.text
    assert any(b.kind == "list_item" for b in doc.blocks)


@pytest.mark.skipif(not BRIEF_PDF.exists(), reason="the brief's PDF is not in ../shared")
def test_pdf_pages_sections_and_no_running_headers():
    doc = load_document(BRIEF_PDF, "brief.pdf")
    units = chunk_document(doc)
    assert "Policy Brief · The European Union’s AI Factories" not in doc.text
    assert not any(u.text.strip().isdigit() for u in units)
    gpus = next(u for u in units if "4,480 NVIDIA Hopper GPUs" in u.text)
    assert gpus.page == 3
    assert gpus.section == "AI Factories in Focus > Scale and Access"
    conclusion = next(u for u in units if u.text.startswith("But alone it is not enough"))
    assert conclusion.page == 10
    assert conclusion.section == "Conclusion"


def test_every_unit_of_the_corpus_quotes_its_document_exactly():
    for path in sorted(Path(CORPUS).rglob("*")):
        if path.suffix in (".txt", ".md", ".csv") and path.name != "README.md":
            doc = load_document(path, path.name)
            for unit in chunk_document(doc):
                assert doc.text[unit.start:unit.end] == unit.text
                assert doc.text[unit.context_start:unit.context_end].find(unit.text) >= 0
