"""The linker's mechanisms of round 32, each on a small corpus of its own:

- "which is the bigger machine, Orca or Pike?": a computer's size is its compute, so the
  comparison is of the performance column, as "faster" is (not "no column says machine");
- "which storage area is the most expensive in terms of billing rate?": the column named after
  "in terms of" is the one compared, whatever "expensive" measures (money), and "expensive"
  asks for no column of its own;
- "at least a million files": "a million" is a figure (1,000,000), as "a day" is, compared
  with "1000k";
- "how many of the disk storage areas only keep your data for a fixed number of days?": what
  is counted ends at "only keep" (not "a number of days"), and a table with no column of
  durations (where the areas are) cannot say which keep data for days;
- "how many of the flags have gpu in their name?": rows whose name holds the word as one of
  its parts ("--gpus-per-node", "--mem-per-gpu", not "--amdgpu-profile"), over every table of
  options (a column "Option" lists flags);
- "described as AI-optimised in their role": the words of a cell in the other of British and
  American spellings ("AI-optimized");
- "of the subcommands listed in the docs, how many are just for listing stuff?": rows whose
  description begins with the verb said as an activity ("List all objects ..."), "docs"
  names no column, and "the most common" of the rows asked among asks for no count by value;
  a purpose the table's title says ("options for requesting GPUs" of "Request GPUs") is no
  condition."""

from __future__ import annotations

import pytest
from conftest import assistant_over, cites_every_row, row_names

MACHINES_MD = """# Machines of the network

| Machine | Site    | Class                  |
| ------- | ------- | ---------------------- |
| Orca    | Bergen  | Flagship (~1 EF)       |
| Pike    | Turku   | Regional (~120 PF)     |
| Wren    | Tartu   | Regional (~30 PF)      |
"""


STORAGE_MD = """# Storage

## Where the disk storage areas are

|              | Path               | Intended use           |
| ------------ | ------------------ | ---------------------- |
| User home    | /users/<username>  | Personal files         |
| Project work | /project/<project> | Shared project files   |
| Project temp | /temp/<project>    | Temporary data         |
| Project fast | /fast/<project>    | Fast temporary data    |

## Disk storage areas

|              | Quota  | Max files | Retention        | Billing rate |
| ------------ | ------ | --------- | ---------------- | ------------ |
| User home    | 10 GB  | 100k      | User lifetime    | NA           |
| Project work | 100 GB | 100k      | Project lifetime | 1x           |
| Project temp | 20 TB  | 2000k     | 90 days          | 1x           |
| Project fast | 1 TB   | 1000k     | 30 days          | 10x          |
"""


JOBS_MD = """# Batch jobs

## Request GPUs

| Option            | Description                           |
| ----------------- | ------------------------------------- |
| --gpus            | Set the total number of GPUs          |
| --gpus-per-node   | Set the number of GPUs per node       |
| --gpu-bind        | Bind tasks to GPUs                    |

## Request memory

| Option            | Description                           |
| ----------------- | ------------------------------------- |
| --mem             | Set the memory per node               |
| --mem-per-gpu     | Set the memory per allocated GPU      |
| --amdgpu-profile  | Set the profile of the GPU driver     |
"""


GRID_CSV = ("component,location,role\n"
            "Alpha,Bologna,AI-optimized system\n"
            "Beta,Naples,Storage for the archive\n"
            "Gamma,Bologna,AI-optimized partition within Alpha\n"
            "Delta,Naples,Cloud layer\n")


TOOL_MD = """# Object storage

## The tool's subcommands

| tool subcommand | Description                                   |
| --------------- | --------------------------------------------- |
| copy            | Copy files from the source to the destination |
| move            | Move files from the source to the destination |
| ls              | List all objects in the path                  |
| lsd             | List all buckets in the path                  |
| lsf             | List the objects by their names               |
| check           | Check if the files match                      |
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return assistant_over(tmp_path_factory, "generality11", {"machines.md": MACHINES_MD,
                                                                   "storage.md": STORAGE_MD,
                                                                   "jobs.md": JOBS_MD,
                                                                   "grid.csv": GRID_CSV,
                                                                   "objects.md": TOOL_MD})


@pytest.mark.parametrize("question", [
    "Which is the bigger machine, Pike or Wren?",
    "Going by the table, which is the larger system: Pike or Wren?",
])
def test_the_bigger_computer_is_the_one_with_more_compute(qa, question):
    answer = qa.ask(question)
    assert answer.mode == "computed" and answer.computation["aggregate"] == "compare"
    assert answer.computation["measure"] == "Class"
    assert answer.short.text == "~120 PF"
    assert row_names(answer) == {"Pike", "Wren"}
    cites_every_row(qa, answer)


def test_in_terms_of_names_the_column_of_a_superlative(qa):
    answer = qa.ask("Which disk storage area is the most expensive in terms of billing rate?")
    assert answer.mode == "computed" and answer.computation["aggregate"] == "max"
    assert answer.computation["measure"] == "Billing rate"
    assert answer.short.text == "Project fast" and row_names(answer) == {"Project fast"}


def test_a_million_is_a_figure(qa):
    answer = qa.ask("Which disk storage areas let a project keep at least a million files?")
    assert answer.mode == "computed"
    assert answer.computation["filters"] == [
        {"column": "Max files", "operator": ">=", "value": 1000000.0, "dimension": "number"}]
    assert row_names(answer) == {"Project temp", "Project fast"}
    cites_every_row(qa, answer)


def test_a_condition_no_column_of_the_table_can_meet(qa):
    answer = qa.ask("How many of the disk storage areas only keep your data for a fixed "
                    "number of days?")
    assert answer.mode == "computed" and answer.short.text == "2"
    assert answer.computation["filters"][0]["column"] == "Retention"
    assert row_names(answer) == {"Project temp", "Project fast"}
    cites_every_row(qa, answer)


@pytest.mark.parametrize("question", [
    "Across the option tables, how many of the flags have gpu in their name?",
    "How many options' names contain 'gpu'?",
])
def test_a_word_in_the_name(qa, question):
    answer = qa.ask(question)
    assert answer.mode == "computed" and answer.short.text == "4"
    assert answer.computation["filters"] == [
        {"column": "Option", "operator": "named", "value": "gpu"}]
    assert row_names(answer) == {"--gpus", "--gpus-per-node", "--gpu-bind", "--mem-per-gpu"}
    assert "holds the word “gpu”" in answer.text
    cites_every_row(qa, answer)


def test_a_hostile_word_in_the_name_is_data(qa):
    answer = qa.ask("How many options have \"a' OR 1=1\" in their name?")
    # the phrase is the condition's value, as data: no row holds it (not all six counted)
    assert answer.computation is None or answer.computation["result"] == 0
    assert "6 options" not in answer.text


def test_british_words_of_an_american_cell(qa):
    answer = qa.ask("Which grid components are described as AI-optimised in their role?")
    assert answer.mode == "computed" and row_names(answer) == {"Alpha", "Gamma"}
    assert answer.computation["filters"][0]["value"] == "AI-optimized"
    cites_every_row(qa, answer)


@pytest.mark.parametrize("question, rows", [
    ("Of the tool subcommands listed in the object storage docs, how many are just for "
     "listing stuff?", {"ls", "lsd", "lsf"}),
    ("Which tool subcommands are for copying files?", {"copy"}),
    ("Of the most common tool subcommands, how many are just for listing stuff?",
     {"ls", "lsd", "lsf"}),
])
def test_what_rows_are_for(qa, question, rows):
    answer = qa.ask(question)
    assert answer.mode == "computed" and row_names(answer) == rows
    assert answer.computation["filters"][0]["column"] == "Description"
    cites_every_row(qa, answer)
    if question.startswith("Of"):  # a count of rows, not a count by the commonest value
        assert answer.short.text == "3" and answer.computation["aggregate"] == "count"


def test_a_purpose_the_table_s_title_says_names_the_table(qa):
    answer = qa.ask("How many options does the jobs page list for requesting GPUs?")
    assert answer.mode == "computed" and answer.short.text == "3"
    assert answer.computation["filters"] == []
    assert row_names(answer) == {"--gpus", "--gpus-per-node", "--gpu-bind"}
