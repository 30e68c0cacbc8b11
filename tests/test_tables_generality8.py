"""The linker's mechanisms of round 29, each on a small corpus of its own:

- "is the lead actually named rather than unknown": a hedge ("actually", "really") is no
  condition the tables leave unexplained;
- "a table of s4cmd commands and what they do - how many commands are in it?": the words that
  name a column of the table counted ("s4cmd command") name no column of another table of the
  same page ("Command" of the tools table beside it);
- "which has the higher max-jobs limit, A or B?": "max-jobs" names the column Max jobs, no
  loose condition on another column whose cells say "jobs" ("Small GPU jobs"), and a column
  of figures is compared as figures though its cells say more ("210 (200 running)");
- "how many petaflops ahead of B is A?": A's figure less B's (the row after "ahead of" is
  the one subtracted);
- "named in the helpdesk topic list", "search for modules": words of a cell together, two
  of them neither short nor stopwords, find the rows whose cells say them, as a distinctive
  word would;
- "in the hubs data file", "looking at the storage tables", "a retention period": words for
  the document, a reader's filler or what a duration is called, no condition;
- "of the hubs in the CSV, how many sit in Chile?": the hubs are counted ("sit" is no thing);
- "does the page list more first-wave sites or more of the 2025 ones?": the rows of each of
  two tables of a family (each side of "or" picks one, by a period its title states or by
  words only its title has) counted, every row cited; "or more of" begins the second side,
  not a bound ("512 GiB or more"); "how many more sites are in the 2025 list than in the
  first-wave list?", "how many more hubs does Norway have than Estonia?": the difference of
  the two counts;
- "how much higher is Lark's mixed-precision figure than its double-precision one?": one row
  named, its cell stating both figures; the row twice, each side's words picking its figure
  ("12 PFlops double precision and 90 PFlops mixed-precision"), and named by them; two sides
  that name two things are not one row twice;
- "can I run longer jobs in debug or in big-cpu?": two rows of one column of a family, each in
  another of its tables (queues allocated by node and by resources);
- "which keeps my files longer before cleanup, project temp or the flash area?": "project"
  said once for both rows ("Project flash"), and the event that ends the time ("before
  cleanup") is no attribute of it;
- "setting aside small-gpu, which queue lets one job run the longest?": a row set aside is
  left out of every table of the family, not the tables that do not list it;
- "which storage areas purge data after a fixed number of days?", "a retention counted in
  days": the rows whose cell gives a figure of that kind ("90 days", not "User lifetime"),
  and no condition on time ("after ...")."""

from __future__ import annotations

import pytest
from conftest import assistant_over, cites_every_row, row_names

HUBS_CSV = ("hub,country,lead,base_system\n"
            "Aster,Norway,Nordic Grid,Borealis\n"
            "Birch,Norway,unknown,unknown\n"
            "Cedar,Chile,Andes Lab,Dune\n"
            "Dahlia,Chile,unknown,Caldera\n"
            "Fern,Estonia,Baltic Compute,Glade\n")

QUEUES_MD = """# Queues

## Queues allocated by node

| Name      | Max walltime | Max jobs          | Max resources/job |
| --------- | ------------ | ----------------- | ----------------- |
| big-gpu   | 2 days       | 150 (140 running) | 512 nodes         |
| big-cpu   | 2 days       | 90 (80 running)   | 256 nodes         |

## Queues allocated by resources

| Name      | Max walltime | Max jobs        | Purpose               |
| --------- | ------------ | --------------- | --------------------- |
| small-gpu | 3 days       | 200 (180 running) | Small GPU jobs      |
| bigmem    | 1 day        | 20 (10 running) | Memory intense jobs   |
| debug     | 30 minutes   | 2 (1 running)   | Debugging             |
"""

TRANSFER_MD = """# Moving data to the object store

## Tools to transfer data

| Action             | Command                 |
| ------------------ | ----------------------- |
| Upload a folder    | `s4cmd push <folder>`    |
| Download a folder  | `s4cmd pull <folder>`    |

### s4cmd

| s4cmd command | Function                         |
| ------------ | -------------------------------- |
| `mkb`        | Make a bucket                    |
| `push`       | Upload files to a bucket         |
| `pull`       | Download files from a bucket     |
| `ls`         | List buckets or objects          |
| `sign`       | Create a temporary URL to a file |
| `find`       | Search for objects by prefix     |
"""

MACHINES_MD = """# Machines of the network

| Machine | Site    | Class                  |
| ------- | ------- | ---------------------- |
| Orca    | Bergen  | Flagship (~300 PF)     |
| Pike    | Turku   | Regional (~120 PF)     |
| Quail   | Riga    | Regional (~45 PF)      |
"""


SITES_MD = """# Sites

## First-wave sites (Dec 2024 selection)

| Site   | Country | Lead         |
| ------ | ------- | ------------ |
| Oak    | Latvia  | Riga Compute |
| Pine   | Malta   | unknown      |

## Additional sites (2025 selections)

| Site   | Country | Notes                                      |
| ------ | ------- | ------------------------------------------ |
| Alder  | Latvia  | Named in the regional helpdesk topic list  |
| Bramble| Malta   | New                                        |
| Clover | Cyprus  | Named in the regional helpdesk topic list  |
| Dock   | Malta   | Complements Alder                          |
"""

STORAGE_MD = """# Storage

## Storage areas of the cluster

|               | Quota  | Max files | Retention     |
| ------------- | ------ | --------- | ------------- |
| User home     | 10 GB  | 50k       | User lifetime |
| Project work  | 100 GB | 100k      | Project life  |
| Project temp  | 20 TB  | 1000k     | 90 days       |
| Project flash | 1 TB   | 500k      | 30 days       |
"""


SYSTEMS_CSV = ("component,site,notes\n"
               "Lark,Oslo,Lark reaches 12 PFlops double precision and 90 PFlops "
               "mixed-precision.\n"
               "Wren,Bergen,Wren gives 4 PFlops double precision.\n")


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return assistant_over(tmp_path_factory, "generality8",
                          {"hubs.csv": HUBS_CSV, "queues.md": QUEUES_MD,
                           "transfer.md": TRANSFER_MD, "machines.md": MACHINES_MD,
                           "sites.md": SITES_MD, "storage.md": STORAGE_MD,
                           "systems.csv": SYSTEMS_CSV})


def test_a_hedge_is_no_condition(qa):
    answer = qa.ask("For how many hubs in the hubs dataset is the lead organisation actually "
                    "named rather than unknown?")
    assert answer.mode == "computed" and answer.short.text == "3"
    assert row_names(answer) == {"Aster", "Cedar", "Fern"}
    cites_every_row(qa, answer)


def test_the_column_of_the_table_counted_names_no_column_beside_it(qa):
    answer = qa.ask("The transfer page has a table of s4cmd commands and what they do. How "
                    "many commands are in it?")
    assert answer.mode == "computed" and answer.short.text == "6"
    assert answer.text.startswith("Computed: 6 s4cmd commands in")  # what the rows are
    cites_every_row(qa, answer)


def test_a_named_figure_column_is_compared_as_figures(qa):
    answer = qa.ask("Which has the higher max-jobs limit, big-gpu or big-cpu?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "compare"
    assert not answer.computation["filters"]  # no "Purpose includes jobs"
    assert "big-gpu has the larger Max jobs" in answer.text
    assert row_names(answer) == {"big-gpu", "big-cpu"}
    cites_every_row(qa, answer)


def test_how_many_ahead_of_subtracts_the_row_after_it(qa):
    answer = qa.ask("How many petaflops ahead of Pike is Orca?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "difference"
    assert "Orca has 180 PF more than Pike" in answer.text
    cites_every_row(qa, answer)


def test_words_of_a_cell_together_find_its_rows(qa):
    answer = qa.ask("Which of the additional sites are named in the helpdesk topic list?")
    assert answer.mode == "computed" and row_names(answer) == {"Alder", "Clover"}
    cites_every_row(qa, answer)
    answer = qa.ask("Which s4cmd command can I use to search for objects?")
    assert answer.mode == "computed" and row_names(answer) == {"find"}


def test_a_data_file_is_the_document(qa):
    answer = qa.ask("In the hubs data file, for how many hubs is the lead organisation still "
                    "unknown?")
    assert answer.mode == "computed" and answer.short.text == "2"
    assert row_names(answer) == {"Birch", "Dahlia"}


def test_a_figure_of_a_kind_given_in_the_cell(qa):
    for question in ("Which storage areas purge data after a fixed number of days?",
                     "How many storage areas have a retention counted in days?"):
        answer = qa.ask(question)
        assert answer.mode == "computed", question
        assert row_names(answer) == {"Project temp", "Project flash"}, question
        assert "Retention gives a figure (duration)" in answer.text, question
        cites_every_row(qa, answer)


def test_two_tables_compared_by_how_many_rows_each_lists(qa):
    for question in ("Does the sites page list more first-wave sites or more of the additional "
                     "2025 ones?",
                     "Were more sites picked in the December 2024 first wave or in the later "
                     "2025 selections?"):
        answer = qa.ask(question)
        assert answer.mode == "computed", question
        assert answer.computation["aggregate"] == "count_by", question
        assert "lists 2 sites" in answer.text and "lists 4 sites" in answer.text, question
        assert answer.short.text == "Additional sites (2025 selections)", question
        assert len(answer.computation["rows"]) == 6, question  # every row of both, cited
        cites_every_row(qa, answer)
    # "or more" after a figure is still a bound
    answer = qa.ask("How many storage areas have a quota of 1 TB or more?")
    assert answer.mode == "computed" and answer.short.text == "2"  # temp, flash


def test_one_row_twice_each_side_its_figure(qa):
    from briefqa.tables.linker import Linker

    for question in ("How much higher is Lark's mixed-precision figure than its "
                     "double-precision one?",
                     "How far apart are Lark's mixed-precision and double-precision figures?"):
        answer = qa.ask(question)
        assert answer.mode == "computed", question
        assert answer.computation["aggregate"] == "difference", question
        assert "90 PFlops − 12 PFlops = 78 PF" in answer.text, question
        assert "Lark (mixed-precision) has 78 PF more than Lark (double-precision)" in \
            answer.text, question
        # the one row, cited once for both figures, the document's own text
        assert [r["citation"] for r in answer.computation["rows"]] == [1, 1], question
        (c,) = answer.citations
        assert qa.source_text(c.source)[c.start:c.end] == c.quote
    # two sides that name two things: no row read twice
    plans = Linker(qa.index.tables).link("Which has the bigger quota: a project's temp area "
                                         "or the vault?").plans
    assert not any(f.qualifier for p in plans for f in p.items)


def test_how_many_more_rows_one_side_has_than_the_other(qa):
    answer = qa.ask("How many more sites are in the additional 2025 list than in the "
                    "first-wave list?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "count_by"
    assert answer.short.text == "2" and "4 − 2 = 2" in answer.text
    assert len(answer.computation["rows"]) == 6
    cites_every_row(qa, answer)
    answer = qa.ask("How many more hubs does Norway have than Estonia?")
    assert answer.mode == "computed" and answer.short.text == "1"
    assert "“Norway” has 2 hubs and “Estonia” 1: 2 − 1 = 1" in answer.text
    assert row_names(answer) == {"Aster", "Birch", "Fern"}
    cites_every_row(qa, answer)
    answer = qa.ask("How many more hubs does Estonia have than Chile?")  # fewer, said so
    assert "“Estonia” has 1 hub and “Chile” 2: 1 − 2 = −1, so “Estonia” has 1 fewer" in \
        answer.text
    answer = qa.ask("How many more hubs does Norway have than Chile?")  # a tie
    assert "2 − 2 = 0, so neither has more" in answer.text


def test_two_rows_of_a_family_and_a_head_said_once(qa):
    answer = qa.ask("Can I run longer jobs in debug or in big-cpu?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "compare"
    assert "big-cpu has the larger Max walltime" in answer.text
    assert row_names(answer) == {"debug", "big-cpu"}
    cites_every_row(qa, answer)
    answer = qa.ask("Which keeps my files longer before cleanup, project temp or the flash "
                    "area?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "compare"
    assert "90 days for Project temp" in answer.text and "30 days for Project flash" in \
        answer.text
    assert "Project temp has the larger Retention" in answer.text
    cites_every_row(qa, answer)


def test_what_is_counted_when_how_many_is_followed_by_a_verb(qa):
    answer = qa.ask("Of the hubs in the CSV, how many sit in Chile?")
    assert answer.mode == "computed" and answer.short.text == "2"
    assert row_names(answer) == {"Cedar", "Dahlia"}
    answer = qa.ask("Looking at the storage tables, how many storage areas have a retention "
                    "period counted in days?")
    assert answer.mode == "computed" and answer.short.text == "2"
    assert row_names(answer) == {"Project temp", "Project flash"}


def test_a_row_set_aside_of_a_family(qa):
    answer = qa.ask("Setting aside small-gpu, which queue lets one job run the longest?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "max"
    assert row_names(answer) == {"big-gpu", "big-cpu"}  # 2 days each; small-gpu's 3 left out
    cites_every_row(qa, answer)
