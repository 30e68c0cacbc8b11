"""The linker's mechanisms of round 28, each on a small corpus of its own:

- "how many countries have more than one hub" counts the groups that meet the bound (the
  answer is how many countries, each named with its rows); where no column groups the rows
  ("how many queues have more than 4 nodes"), the rows are counted with a condition, as
  before;
- "a known base system", "a base system filled in" ask for rows whose cell gives a value
  (whatever placeholder the others hold), and "but no known lead" for rows whose cell gives
  none: "no known" is a missing value, never a known one;
- "are high-confidence or medium-confidence entries more common?" compares how many rows hold
  each of two values of a column ("high-confidence": the cell said before its column's
  name);
- "which disk storage area has the largest quota" leaves out a sibling table whose rows are
  another kind of the same thing ("Object storage"), which "which storage area" takes in;
  "by default" asks of a table's figures (no "Default" column); a list of the rows in brackets
  as long as the table names them all, and a shorter one with a name not found is no plan;
- "the ones with GPUs or the ones without": the row that gives a GPU cell and the row that
  leaves it missing, the second named by the first's column;
- "how many pieces of the campus network ..." counts the rows of the table its title names;
  "a table of sync subcommands - how many does it describe?" counts what the table lists;
- a product's name alone ("HyperNova") finds the rows whose notes (long cells) name it, and
  "described as fault-tolerant" looks for "fault-tolerant", not "as fault-tolerant" (which
  only one row's notes happen to say);
- "built on a machine that the cluster list classes as flagship": "the cluster list" names
  the other table of a join as a table;
- "how many times more files can project temp hold than user home?": a ratio of two rows'
  figures ("times" no duration); "more files" of a column "Max files" is what is measured,
  though "files" is also a word for a document."""

from __future__ import annotations

import pytest
from conftest import assistant_over, cites_every_row, row_names

HUBS_CSV = ("hub,country,lead,base_system,confidence\n"
            "Aster,Norway,Nordic Grid,Borealis,high\n"
            "Birch,Norway,unknown,unknown,medium\n"
            "Cedar,Chile,Andes Lab,Dune,high\n"
            "Dahlia,Chile,unknown,Caldera,medium\n"
            "Elm,Chile,N/A,unknown,medium\n"
            "Fern,Estonia,Baltic Compute,Glade,high\n"
            "Gorse,Peru,unknown,unknown,medium\n")

QUEUES_MD = """# Queues of the cluster

| Queue   | Max nodes | Max walltime |
| ------- | --------- | ------------ |
| tiny    | 1         | 1 hour       |
| small   | 4         | 3 days       |
| medium  | 16        | 2 days       |
| large   | 128       | 1 day        |
"""


STORAGE_MD = """# Storage

## Storage areas of the cluster

|               | Path            |
| ------------- | --------------- |
| User home     | `/home/<user>`  |
| Project work  | `/proj/<proj>`  |
| Project temp  | `/temp/<proj>`  |
| Project flash | `/flash/<proj>` |

|               | Quota  | Max files | Retention     | Billing rate |
| ------------- | ------ | --------- | ------------- | ------------ |
| User home     | 10 GB  | 50k       | User lifetime | NA           |
| Project work  | 100 GB | 100k      | Project life  | 1x           |
| Project temp  | 20 TB  | 1000k     | 90 days       | 1x           |
| Project flash | 1 TB   | 500k      | 30 days       | 5x           |

|                | Quota  | Max buckets | Retention    | Billing rate |
| -------------- | ------ | ----------- | ------------ | ------------ |
| Object storage | 200 TB | 1000        | Project life | 0.5x         |
"""


NODES_MD = """# Analytics nodes

| Nodes | Memory | GPUs          | Disk      |
| ----- | ------ | ------------- | --------- |
| 6     | 1 TiB  | none          | 20 TB SSD |
| 4     | 3 TiB  | 4x NVIDIA A16 | 10 TB SSD |
"""


CAMPUS_CSV = ("component,location,role,notes\n"
              "Arden,\"Science Park, Tartu\",fault-tolerant compute,"
              "\"The campus describes Arden as fault-tolerant, with 40 nodes.\"\n"
              "Brook,\"Science Park, Tartu\",storage,\"Brook keeps 2 PB on disk.\"\n"
              "Crest,Narva,fault-tolerant backup,\"Crest mirrors Brook overnight.\"\n")

SYNC_MD = """# The sync tool

The tool has these subcommands:

| Subcommand | What it does           |
| ---------- | ---------------------- |
| `push`     | Send local changes     |
| `pull`     | Fetch remote changes   |
| `status`   | Show what would change |
"""


MACHINES_MD = """# Machines of the network

| Machine | Site   | Notes                                                          |
| ------- | ------ | -------------------------------------------------------------- |
| Orca    | Bergen | HyperNova HX500 blades, liquid cooled, opened to users in 2023 |
| Pike    | Turku  | Built from commodity servers with a fat-tree network in 2021    |
| Quail   | Riga   | Second-hand HyperNova HX300 racks, air cooled, moved from Oslo  |
| Raven   | Vilnius | Cloud-style nodes for teaching, opened in 2024, no accelerators |
"""


CLUSTERS_CSV = ("name,country,class\n"
                "Borealis,Norway,flagship\n"
                "Dune,Chile,regional\n"
                "Caldera,Chile,flagship\n"
                "Glade,Estonia,regional\n")


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return assistant_over(tmp_path_factory, "generality7",
                          {"hubs.csv": HUBS_CSV, "queues.md": QUEUES_MD,
                           "storage.md": STORAGE_MD, "nodes.md": NODES_MD,
                           "campus_network.csv": CAMPUS_CSV, "sync.md": SYNC_MD,
                           "machines.md": MACHINES_MD, "clusters.csv": CLUSTERS_CSV})


def test_how_many_groups_have_more_than_a_bound(qa):
    answer = qa.ask("In the hubs CSV, how many countries have more than one hub?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "count_by"
    assert answer.short.text == "2"
    assert "Norway (2)" in answer.text and "Chile (3)" in answer.text
    assert row_names(answer) == {"Aster", "Birch", "Cedar", "Dahlia", "Elm"}
    cites_every_row(qa, answer)
    answer = qa.ask("Which countries have more than one hub?")  # which: the countries
    assert answer.mode == "computed" and answer.short.text == "Chile, Norway"
    # no column groups queues by nodes: the queues counted, with a condition on a column
    answer = qa.ask("How many queues have more than 4 nodes?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "count"
    assert answer.short.text == "2" and row_names(answer) == {"medium", "large"}


def test_a_known_value_and_no_known_value(qa):
    for question in ("Which hub has a known base system but no known lead?",
                     "Which hub in the CSV has a base system filled in but no known lead?"):
        answer = qa.ask(question)
        assert answer.mode == "computed", question
        assert row_names(answer) == {"Dahlia"}, question  # "N/A" is no lead either
        cites_every_row(qa, answer)
    answer = qa.ask("Which hubs have a known lead and a known base system?")
    assert answer.mode == "computed"
    assert row_names(answer) == {"Aster", "Cedar", "Fern"}


def test_which_of_two_values_more_rows_hold(qa):
    for question in ("In the hubs spreadsheet, are high-confidence or medium-confidence "
                     "entries more common?",
                     "Are there more high confidence or medium confidence hubs in the CSV?"):
        answer = qa.ask(question)
        assert answer.mode == "computed", question
        assert answer.computation["aggregate"] == "count_by", question
        assert answer.short.text == "medium", question
        assert len(answer.computation["rows"]) == 7, question  # every row of both, cited


def test_rows_of_another_kind_and_by_default(qa):
    from briefqa.tables.linker import Linker

    answer = qa.ask("Which disk storage area has the largest quota?")
    assert answer.mode == "computed" and row_names(answer) == {"Project temp"}
    answer = qa.ask("Which storage area has the largest quota?")  # both tables, as before
    assert answer.mode == "computed" and row_names(answer) == {"Object storage"}
    answer = qa.ask("Which billed storage area has the lowest billing rate?")
    assert answer.mode == "computed" and row_names(answer) == {"Object storage"}
    answer = qa.ask("Which storage area allows the most files by default?")
    assert answer.mode == "computed" and row_names(answer) == {"Project temp"}
    # two of the four found: the list names every row, no condition
    answer = qa.ask("Of the storage areas (user home, project work, temp, flash), which one "
                    "allows the most files by default?")
    assert answer.mode == "computed" and row_names(answer) == {"Project temp"}
    assert len(answer.computation["compared"]) == 3  # weighed against every other row
    linker = Linker(qa.index.tables)
    assert not linker.link("Of the storage areas (user home, project work, vault), which "
                           "one allows the most files?").plans


def test_the_ones_with_a_cell_or_the_ones_without(qa):
    answer = qa.ask("Among the analytics nodes, which have more memory: the ones with GPUs or "
                    "the ones without?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "compare"
    assert "the row whose GPUs is “4x NVIDIA A16” has the larger Memory" in answer.text
    cites_every_row(qa, answer)
    answer = qa.ask("Among the analytics nodes, which have more memory: the ones without GPUs "
                    "or the ones with?")
    assert answer.mode == "computed" and "3 TiB" in answer.text


def test_pieces_of_a_table_and_how_many_a_table_describes(qa):
    answer = qa.ask("How many pieces of the campus network sit at the Science Park in Tartu?")
    assert answer.mode == "computed" and answer.short.text == "2"
    assert row_names(answer) == {"Arden", "Brook"}
    answer = qa.ask("The sync page has a table of subcommands - how many does it describe?")
    assert answer.mode == "computed" and answer.short.text == "3"
    cites_every_row(qa, answer)


def test_a_product_name_alone_in_long_notes(qa):
    answer = qa.ask("Which machines of the network are HyperNova machines?")
    assert answer.mode == "computed" and row_names(answer) == {"Orca", "Quail"}
    cites_every_row(qa, answer)


def test_a_join_to_a_table_named_as_a_list(qa):
    answer = qa.ask("Which hubs in the CSV are built on a machine that the cluster list "
                    "classes as flagship?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "list"
    hubs = {line.split(",")[0] for line in HUBS_CSV.splitlines()[1:]}
    assert row_names(answer) & hubs == {"Aster", "Dahlia"}
    assert "Borealis" in answer.text and "Caldera" in answer.text  # the clusters matched
    cites_every_row(qa, answer)


def test_how_many_times_more_is_a_ratio(qa):
    answer = qa.ask("Of the storage areas, how many times more files can project temp hold "
                    "than user home?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "ratio"
    assert "1000k ÷ 50k = 20" in answer.text and answer.short.text == "20 times"
    assert "Project temp has 20 times the Max files of User home" in answer.text
    cites_every_row(qa, answer)
    answer = qa.ask("How many times larger is the quota of project work than user home?")
    assert answer.mode == "computed" and answer.short.text == "10 times"
    # "files": the column Max files, not the storage areas' quota
    answer = qa.ask("Of the storage areas, which can hold more files, project temp or user "
                    "home?")
    assert answer.mode == "computed" and "Project temp has the larger Max files" in answer.text


def test_isnt_negates_and_how_much_names_the_measure(qa):
    answer = qa.ask("Which pieces of the campus network aren't in Tartu?")
    assert answer.mode == "computed" and row_names(answer) == {"Crest"}
    # "the biggest nodes": biggest in what is asked, memory, not in how many of them
    answer = qa.ask("How much memory do the biggest analytics nodes have?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "max"
    assert "3 TiB" in answer.text


def test_described_as_looks_for_the_words_after_as(qa):
    answer = qa.ask("Which pieces of the campus network are described as fault-tolerant?")
    assert answer.mode == "computed" and row_names(answer) == {"Arden", "Crest"}
