"""Computed answers over the documents' tables (issue 15): counts, filters, superlatives,
comparisons, sums and differences, each over real DuckDB tables of the real corpus (the brief,
the map and the LUMI guide indexed together, as the computed-dev suite is asked), every
counted or compared row cited with exact offsets; declines that say what is missing; hostile
cells and SQL-shaped questions; and the development suite held a margin below its measured
figures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from briefqa import Assistant
from briefqa.evaluate import run_suite
from briefqa.render import render_answer
from briefqa.store import file_sha256
from briefqa.tables.execute import Executor, PlanError
from briefqa.tables.plan import ColumnRef, Filter, Plan
from briefqa.tables.values import BYTES, COUNT, DATE, FLOPS, NUMBER, SECONDS, leading, quantities

ROOT = Path(__file__).resolve().parents[1]
MARGIN = 2  # questions below the measured figures
# The computed suites used while working (evals/computed/), as measured (README, "Computed
# answers"): answerable questions right, unanswerable declined, rows cited (share), asserted
# answers that are wrong.
MEASURED = {"computed-dev": {"right": 44, "declined": 7, "rows_cited": 0.915, "wrong": 0},
            "computed-dev2": {"right": 34, "declined": 4, "rows_cited": 0.712, "wrong": 0}}


@pytest.fixture(scope="module")
def qa(combined):
    """The brief, the map and the LUMI guide, indexed together (the computed-dev corpus)."""
    return combined


def ask(qa, question):
    answer = qa.ask(question)
    for c in answer.citations:  # every citation is the row's (or sentence's) own text
        assert qa.source_text(c.source)[c.start:c.end] == c.quote
    if answer.short is not None and answer.short.citation:
        assert qa.source_text(answer.citations[answer.short.citation - 1].source)[
            answer.short.start:answer.short.end] == answer.short.text
    return answer


def names_in(answer) -> set[str]:
    """The rows an answer names: "…: J-AIF [1], HammerHAI [2]." -> {"J-AIF", "HammerHAI"}."""
    return {m.strip() for m in re.findall(r"(?:^|[:,]|and)\s*([^:,\[\]]+?) \[\d+\]",
                                          answer.text)}


# ---------------------------------------------------------------------------------------------
# The store


def test_tables_are_stored_in_the_generation_and_listed_with_checksums(qa):
    manifest = qa.manifest
    generation = qa.index.folder / manifest["generation"]
    for name in ("tables.duckdb", "tables.json"):
        entry = manifest["artifacts"][name]
        assert (generation / name).stat().st_size == entry["size"]
        assert file_sha256(generation / name) == entry["sha256"]
    catalog = qa.index.tables
    by_source = {t.source.rsplit("/", 1)[-1]: t for t in catalog.tables}
    assert by_source["ai_factories.csv"].reader == "duckdb"  # read by DuckDB, tied to rows
    assert by_source["ai_factories.csv"].rows == 19
    assert by_source["partitions.md"].kind == "md"
    assert sum(t.source.endswith("partitions.md") for t in catalog.tables) == 2


def test_the_database_is_opened_read_only_and_never_changed(qa):
    generation = qa.index.folder / qa.manifest["generation"]
    before = file_sha256(generation / "tables.duckdb")
    ask(qa, "How many Slurm partitions have a maximum number of jobs above 200?")
    connection = qa.index.tables.connection()
    with pytest.raises(Exception, match="(?i)read.only"):
        connection.execute("CREATE TABLE x (a INTEGER)")
    assert file_sha256(generation / "tables.duckdb") == before


def test_typed_values_keep_the_cell_and_say_what_is_approximate(qa):
    connection = qa.index.tables.connection()
    table = next(t for t in qa.index.tables.tables if t.source.endswith("lumic.md"))
    memory = next(c for c in table.columns if c.name == "Memory")
    typed = memory.dimensions[BYTES]["column"]
    rows = connection.execute(f"SELECT c{memory.position}, {typed} FROM {table.name} "
                              f"ORDER BY _row").fetchall()
    assert rows == [("256 GiB", 256 * 2 ** 30), ("512 GiB", 512 * 2 ** 30),
                    ("1024 GiB", 1024 * 2 ** 30)]


# ---------------------------------------------------------------------------------------------
# Counts, lists, superlatives, comparisons, sums, differences


def test_a_count_cites_every_row_it_counted(qa):
    answer = ask(qa, "For how many AI factories does the factories CSV give the lead or host "
                     "organisation as unknown?")
    assert answer.mode == "computed" and answer.status == "answered" and answer.grounded
    assert answer.text.startswith("Computed: 13 ")
    assert answer.short.text == "13" and answer.short.citation == 0
    assert len(answer.citations) == 13
    assert all("lead_or_host: unknown" in c.quote for c in answer.citations)
    assert all(c.source.endswith("ai_factories.csv") for c in answer.citations)
    computation = answer.computation
    assert computation["aggregate"] == "count" and computation["result"] == 13
    assert computation["filters"] == [{"column": "lead_or_host", "operator": "contains",
                                       "value": "unknown"}]
    assert computation["approximate"] is False


def test_two_tables_that_list_the_same_things_both_answer(qa):
    answer = ask(qa, "Which AI factories are German?")  # "German": Germany, from the data
    assert answer.mode == "computed"
    results = answer.computation["results"]
    assert {r["table"].rsplit("(", 1)[-1] for r in results} == {"MAP.md)", "ai_factories.csv)"}
    assert {"J-AIF", "JAIF", "HammerHAI"} <= names_in(answer)  # each table's own names
    assert any("The tables agree" in n for n in answer.notes)


def test_a_family_of_tables_is_read_as_one_list(qa):
    answer = ask(qa, "How many Slurm partitions does the LUMI guide list altogether?")
    assert answer.computation["result"] == 9
    assert len(answer.computation["tables"]) == 2  # allocatable by node and by resources
    answer = ask(qa, "how many of LUMI's partitions let me request just part of a node rather "
                     "than whole nodes?")  # the words of one table's caption pick it
    assert answer.computation["result"] == 6


def test_a_numeric_filter_reads_the_first_figure_of_a_cell(qa):
    answer = ask(qa, "How many Slurm partitions have a maximum number of jobs above 200?")
    assert answer.computation["result"] == 3  # "210 (200 running)" is 210
    assert {"standard-g", "small-g", "small"} <= names_in(answer)


def test_a_bound_with_units(qa):
    answer = ask(qa, "Which LUMI-C node types have 512 GiB of memory or more?")
    assert answer.computation["result"] == 2
    assert "512 GiB" in answer.text and "1024 GiB" in answer.text


def test_a_superlative_names_its_row_and_quotes_its_figure(qa):
    answer = ask(qa, "What's the most memory a single LUMI-C node has?")
    assert answer.short.text == "1024 GiB" and answer.short.citation == 1
    assert answer.computation["aggregate"] == "max"
    tie = ask(qa, "Which LUMI partitions allow the longest jobs?")
    quotes = [c.quote.split(";")[0] for c in tie.citations]
    assert set(quotes[:2]) == {"Name: small-g", "Name: small"}
    # every other row weighed is cited after them, with its figure
    assert {"Name: standard-g", "Name: debug"} <= set(quotes[2:])
    weighed = next(n for n in tie.notes if n.startswith("Weighed against 7 other rows"))
    assert "debug 30 minutes" in weighed and "debug" not in tie.text  # a note, not the claim
    assert [r["cells"][0] for r in tie.computation["compared"]][:2] == ["standard-g", "standard"]
    assert tie.short is None  # two rows share it: no one name answers
    # "Which ...?" asks for the row: its name is the short answer, its figure in the text
    fewest = ask(qa, "Which LUMI partition allows the fewest jobs per user?")
    assert fewest.short.text == "lumid" and "1 (1 running)" in fewest.text


def test_an_approximate_figure_is_said_to_be_approximate(qa):
    answer = ask(qa, "Which IT4LIA infrastructure component has the most storage?")
    assert answer.short.text == "Leonardo" and "more than 100 PB" in answer.text
    assert "lower bound" in answer.text
    assert answer.computation["approximate"] is True


def test_counted_by_a_column(qa):
    answer = ask(qa, "Which country has the most AI factories in the factories CSV?")
    assert answer.computation["aggregate"] == "count_by"
    assert answer.short.text == "Germany, Poland, Spain"
    assert len(answer.citations) == 6  # the rows of the three countries


def test_a_comparison_cites_both_rows_and_names_the_winner(qa):
    answer = ask(qa, "Is the walltime limit longer on dev-g or on small-g?")
    assert "3 hours" in answer.text and "3 days" in answer.text
    assert "small-g has the larger Max walltime" in answer.text
    assert len(answer.citations) == 2
    loose = ask(qa, "Which gets the bigger default quota on LUMI, my home directory or the "
                    "project persistent directory?")
    assert "20 GB" in loose.text and "50 GB" in loose.text


def test_figures_not_comparable_as_stated_have_no_winner(qa):
    answer = ask(qa, "Is Leonardo in a higher system class than Karolina in the EuroHPC list?")
    assert "not comparable as stated" in answer.text
    assert "pre-exascale" in answer.text.lower() and answer.short is None


def test_a_difference_and_a_sum(qa):
    answer = ask(qa, "How much longer can a dev-g job run than a debug job?")
    assert answer.short.text == "2.5 hours" and answer.short.citation == 0
    total = ask(qa, "How many compute nodes are there in LUMI-C?")  # a column added up
    assert total.short.text == "2,048" and len(total.citations) == 3


def test_figures_that_stand_in_prose(qa):
    answer = ask(qa, "By how many peak petaflops does Jupiter exceed LUMI, going by the brief?")
    assert answer.mode == "computed" and "398.49" in answer.text
    assert answer.citations[0].source == "eu-ai-factories-policy-brief.txt"
    sizes = ask(qa, "Per the brief, which has more NVIDIA accelerators: MareNostrum 5 or the "
                    "Alps supercomputer?")
    assert "4,480" in sizes.text and "10,752" in sizes.text
    assert "no winner" in sizes.text  # GPUs against superchips


def test_a_question_no_table_supports_is_declined_with_what_is_missing(qa):
    answer = ask(qa, "Which of the supercomputers in the EuroHPC systems CSV went into service "
                     "first?")
    assert answer.mode == "computed" and answer.status == "not_found"
    assert not answer.grounded and not answer.citations
    assert "no table gives a date for “went into service”" in answer.notes[0]
    partners = ask(qa, "Which AI factory in the factories CSV has the largest number of "
                       "consortium partners?")
    assert partners.status == "not_found" and "consortium partners" in partners.text


def test_questions_that_are_not_computations_are_answered_as_before(qa):
    for question in ("How many Hopper GPUs does MareNostrum 5 have?",
                     "Which organisation coordinates Italy's AI Factory?",
                     "How many startups have received Fast Lane allocations so far?",
                     "What is the Vega supercomputer's rank on the TOP500 list?"):
        assert qa.tables.take(question, qa.index) is None, question
        routed, before = qa.ask(question), qa.ask(question, answerer=qa.answerer)
        assert routed.mode != "computed"
        assert (routed.text, routed.citations) == (before.text, before.citations)
        assert routed.trace[0].stage == "route" and \
            routed.trace[0].did.startswith("not computed"), routed.trace[0]


def test_the_trace_says_why_a_question_was_computed(qa):
    answer = qa.ask("Which LUMI partitions limit a single job to 4 nodes?")
    route = answer.trace[0]
    assert route.stage == "route" and route.did.startswith("computed: a ")
    assert "linker confidence" in route.did


def test_the_chat_shows_the_rows_as_an_escaped_table(qa):
    answer = ask(qa, "Which LUMI partitions limit a single job to 4 nodes?")
    html = render_answer(answer)
    assert '<table class="bq-computed">' in html and "Computed by briefqa" in html
    assert html.count("<tr>") == 1 + len(answer.computation["rows"])
    # "Which ...": the rows answer it; their number alone is no short answer
    assert answer.short is None and "(computed)" not in html
    count = ask(qa, "How many LUMI partitions limit a single job to 4 nodes?")
    assert count.short is not None and "(computed)" in render_answer(count)


@pytest.mark.parametrize("suite", sorted(MEASURED))
def test_the_computed_suites_hold_their_measured_level(qa, suite):
    report = run_suite(qa, ROOT / "evals" / "computed" / f"{suite}.jsonl")
    summary = report.summary()
    right = sum(r.passed for r in report.answerable)
    declined = sum(r.passed for r in report.results if not r.case.answerable)
    wrong = summary["asserted"] - round(summary["asserted"] * (summary["precision"] or 0))
    measured = (f"{suite}: {right} of {summary['answerable']} right, {declined} of "
                f"{summary['unanswerable']} declined, {wrong} of {summary['asserted']} asserted "
                f"wrong, rows cited {summary['rows_cited']:.1%}, "
                f"by category {json.dumps(summary['by_category'])}")
    print("\n" + measured)
    floor = MEASURED[suite]
    assert summary["verbatim_citations"] == 1.0, measured
    assert right >= floor["right"] - MARGIN, measured
    assert declined >= floor["declined"] - MARGIN, measured
    assert wrong <= floor["wrong"] + MARGIN, measured
    assert summary["rows_cited"] >= floor["rows_cited"] - 0.05, measured


# ---------------------------------------------------------------------------------------------
# Hostile input


HOSTILE_CSV = ("name,kind,price,notes\r\n"
               "Alpha,formula,1200,=cmd|' /C calc'!A0\r\n"
               "Beta,sql,1500,'; DROP TABLE x; --\r\n"
               "\"Gamma, the third\",script,300,<script>alert(1)</script>\r\n"
               "Delta,script,50,extra,more\r\n"
               "Epsilon,sql\r\n"
               "Zeta,café,70,naïve\r\n").encode("cp1252")  # not UTF-8
PLANS_MD = ("# Plans\n\n## Service plans\n\n| Plan | Hours | Storage |\n| --- | --- | --- |\n"
            "| Bronze | 2 hours | 512 GiB |\n| Silver | 1 day | 1 TB |\n| Gold | 3 days | "
            "~4 TB |\n")
SITES_HTML = ("<html><head><title>Sites</title></head><body><h1>Sites</h1><p>Our sites.</p>"
              "<table><tr><th>Site</th><th>Racks</th></tr><tr><td>Oulu</td><td>12</td></tr>"
              "<tr><td>Turku</td><td>30</td></tr></table></body></html>")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "tools.csv").write_bytes(HOSTILE_CSV)
    (corpus / "plans.md").write_text(PLANS_MD, encoding="utf-8")
    (corpus / "sites.html").write_text(SITES_HTML, encoding="utf-8")
    return Assistant.open(corpus, root / "index")


def test_every_row_of_a_hostile_csv_is_kept_verbatim(hostile):
    table = next(t for t in hostile.index.tables.tables if t.source == "tools.csv")
    assert table.rows == 6  # ragged rows, a quoted comma and a cp1252 byte: nothing lost
    connection = hostile.index.tables.connection()
    cells = dict(connection.execute(f"SELECT c0, c3 FROM {table.name}").fetchall())
    assert cells["Alpha"] == "=cmd|' /C calc'!A0"
    assert cells["Beta"] == "'; DROP TABLE x; --"
    assert cells["Gamma, the third"] == "<script>alert(1)</script>"
    assert cells["Zeta"] == "naïve"
    assert cells["Epsilon"] is None
    kinds = {t.source: t.kind for t in hostile.index.tables.tables}
    assert kinds == {"tools.csv": "csv", "plans.md": "md", "sites.html": "html"}


def test_hostile_cells_are_answered_as_text(hostile):
    answer = ask(hostile, "Which tools have kind script?")
    assert answer.mode == "computed" and answer.computation["result"] == 2
    assert any("<script>alert(1)</script>" in c.quote for c in answer.citations)
    html = render_answer(answer)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    priced = ask(hostile, "How many tools have a price above 100?")
    assert priced.computation["result"] == 3


def test_markdown_and_html_tables_are_computed_over(hostile):
    answer = ask(hostile, "Which service plans have 1 day of hours or more?")
    assert answer.computation["result"] == 2  # Silver (1 day) and Gold (3 days)
    storage = ask(hostile, "Which service plan has the most storage?")  # "which": the row
    assert storage.short.text == "Gold" and "~4 TB" in storage.text
    assert "approximate" in storage.text
    most = ask(hostile, "What is the most storage a service plan has?")  # "what": the figure
    assert most.short.text == "~4 TB"


@pytest.mark.parametrize("question", [
    "SELECT * FROM t0; DROP TABLE t0; --",
    "How many tools have a price above 100'; DROP TABLE t0; --",
    "Which tools have notes '; DROP TABLE x; --?",
    "'; ATTACH '/tmp/x.db' AS x; COPY t0 TO '/tmp/x.csv'; --",
])
def test_a_question_that_is_sql_executes_nothing_but_a_plan(hostile, question, tmp_path):
    generation = hostile.index.folder / hostile.manifest["generation"]
    before = file_sha256(generation / "tables.duckdb")
    hostile.ask(question)  # whatever it answers, only a validated plan ran
    assert file_sha256(generation / "tables.duckdb") == before
    assert not Path("/tmp/x.db").exists() and not Path("/tmp/x.csv").exists()
    assert hostile.ask("How many tools have a price above 100?").computation["result"] == 3


def test_a_plan_is_validated_and_its_values_are_parameters(hostile):
    executor = Executor(hostile.index.tables)
    tools = next(t for t in hostile.index.tables.tables if t.source == "tools.csv")
    with pytest.raises(PlanError):
        executor.run(Plan(("t0; DROP TABLE t0",), "count"))
    with pytest.raises(PlanError):
        executor.run(Plan((tools.name,), "count", (Filter(
            (ColumnRef(tools.name, 99, "x"),), "contains", "a"),)))
    with pytest.raises(ValueError):
        Plan((tools.name,), "delete")
    sneaky = Filter((ColumnRef(tools.name, 3, "notes"),), "contains", "'; DROP TABLE x; --")
    result = executor.run(Plan((tools.name,), "list", (sneaky,)))
    assert [r.cells[0] for r in result.rows] == ["Beta"]  # matched as text, never run


def test_a_slow_query_is_interrupted(hostile):
    executor = Executor(hostile.index.tables, timeout=0.3)
    with pytest.raises(PlanError):
        executor._query("SELECT count(*) FROM range(100000000000) t(x) WHERE x % 7 = 3", [])


def test_a_larger_csv_is_indexed_whole_and_counted_exactly(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    lines = ["rack,site,load"] + [f"r{n},site {n % 7},{n % 50}" for n in range(3000)]
    (corpus / "racks.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    qa = Assistant.open(corpus, tmp_path / "index")
    table = qa.index.tables.tables[0]
    assert table.rows == 3000 and table.reader == "duckdb"
    answer = qa.ask("How many racks have a load above 40?")
    expected = sum(1 for n in range(3000) if n % 50 > 40)
    assert answer.computation["result"] == expected
    assert len(answer.citations) == min(expected, 200)
    assert any("first 200" in n for n in answer.notes)


# ---------------------------------------------------------------------------------------------
# Values


@pytest.mark.parametrize("text, value, dimension, qualifier", [
    ("4,480", 4480, NUMBER, ""),
    ("531,51 peak petaflops", 5.3151e17, FLOPS, ""),
    ("~380 PF", 3.8e17, FLOPS, "~"),
    (">160 EF", 1.6e20, FLOPS, ">"),
    ("1 TB", 1e12, BYTES, ""),
    ("512 GiB", 512 * 2 ** 30, BYTES, ""),
    ("up to 500TB", 5e14, BYTES, "<"),
    ("3 days", 3 * 86400, SECONDS, ""),
    ("2 hours", 7200, SECONDS, ""),
    ("30 minutes", 1800, SECONDS, ""),
    ("1024 nodes", 1024, COUNT + "node", ""),
    ("4,480 NVIDIA Hopper GPUs", 4480, COUNT + "gpu", ""),
    ("500 000", 500000, NUMBER, ""),
    ("100k", 100000, NUMBER, ""),
])
def test_cells_are_typed(text, value, dimension, qualifier):
    first = quantities(text)[0]
    assert (first.dimension, first.qualifier) == (dimension, qualifier)
    assert first.value == pytest.approx(value)


def test_dates_and_names_that_are_not_figures():
    assert leading("2026-06-17")[DATE].value == leading("17 June 2026")[DATE].value
    assert leading("Mar 2025")[DATE].qualifier == "~"  # a month, not a day
    assert quantities("1HealthAI") == [] and quantities("lumi-uan01.csc.fi") == []
    assert quantities("193.167.209.163") == []
    assert leading("210 (200 running)")[NUMBER].value == 210
