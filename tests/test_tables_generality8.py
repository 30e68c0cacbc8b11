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
- "named in the helpdesk topic list": words of a cell together, none short or a stopword,
  find the rows whose notes say them, as a distinctive word would;
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
"""

MACHINES_MD = """# Machines of the network

| Machine | Site    | Class                  |
| ------- | ------- | ---------------------- |
| Orca    | Bergen  | Flagship (~300 PF)     |
| Pike    | Turku   | Regional (~120 PF)     |
| Quail   | Riga    | Regional (~45 PF)      |
"""


SITES_MD = """# Sites

## Additional sites (2025)

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


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return assistant_over(tmp_path_factory, "generality8",
                          {"hubs.csv": HUBS_CSV, "queues.md": QUEUES_MD,
                           "transfer.md": TRANSFER_MD, "machines.md": MACHINES_MD,
                           "sites.md": SITES_MD, "storage.md": STORAGE_MD})


def test_a_hedge_is_no_condition(qa):
    answer = qa.ask("For how many hubs in the hubs dataset is the lead organisation actually "
                    "named rather than unknown?")
    assert answer.mode == "computed" and answer.short.text == "3"
    assert row_names(answer) == {"Aster", "Cedar", "Fern"}
    cites_every_row(qa, answer)


def test_the_column_of_the_table_counted_names_no_column_beside_it(qa):
    answer = qa.ask("The transfer page has a table of s4cmd commands and what they do. How "
                    "many commands are in it?")
    assert answer.mode == "computed" and answer.short.text == "5"
    assert answer.text.startswith("Computed: 5 s4cmd commands in")  # what the rows are
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


def test_a_figure_of_a_kind_given_in_the_cell(qa):
    for question in ("Which storage areas purge data after a fixed number of days?",
                     "How many storage areas have a retention counted in days?"):
        answer = qa.ask(question)
        assert answer.mode == "computed", question
        assert row_names(answer) == {"Project temp", "Project flash"}, question
        assert "Retention gives a figure (duration)" in answer.text, question
        cites_every_row(qa, answer)
