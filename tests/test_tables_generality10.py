"""The linker's mechanisms of round 31, each on a small corpus of its own:

- "how many CPU cores per node can a job use?": so many of one thing for each of another is a
  figure a row states, never a count of rows (a table titled "Request CPU cores" whose rows
  are options is not a list of cores, and its rows are counted as options);
- "how many different countries host at least one hub?": how many distinct values of a
  column ("different" sets no condition comparing two columns, "at least one hub" no bound
  of its own)."""

from __future__ import annotations

import pytest
from conftest import assistant_over, cites_every_row, row_names

JOBS_MD = """# Batch jobs

## Request CPU cores

A job asks for cores with the options below.

| Option            | Description                       |
| ----------------- | --------------------------------- |
| --cpus-per-task   | Set the number of cores per task  |
| --ntasks-per-node | Set the number of tasks per node  |

"""

HUBS_CSV = ("hub,country,host_country,lead\n"
            "Aster,Norway,Norway,Nordic Grid\n"
            "Birch,Norway,Sweden,unknown\n"
            "Cedar,Chile,Chile,Andes Lab\n"
            "Dahlia,Chile,Chile,unknown\n"
            "Fern,Estonia,Estonia,Baltic Compute\n")


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return assistant_over(tmp_path_factory, "generality10",
                          {"jobs.md": JOBS_MD, "hubs.csv": HUBS_CSV})


def test_so_many_per_unit_is_not_a_count_of_rows(qa):
    answer = qa.ask("How many CPU cores per node can a job use?")
    assert answer.mode != "computed"  # not "2 cores in 'Request CPU cores'"
    answer = qa.ask("How many CPU cores can I request?")
    assert answer.mode != "computed"
    answer = qa.ask("How many options are there to request CPU cores?")
    assert answer.mode == "computed" and answer.short.text == "2"
    assert answer.text.startswith("Computed: 2 options in ‘Request CPU cores’")
    assert row_names(answer) == {"--cpus-per-task", "--ntasks-per-node"}


def test_how_many_different_values(qa):
    answer = qa.ask("In the hubs dataset, how many different countries host at least one hub?")
    assert answer.mode == "computed" and answer.short.text == "3"
    assert answer.computation["aggregate"] == "count_by"
    assert answer.computation["filters"] == []  # not "country differs from host_country"
    assert row_names(answer) == {"Aster", "Birch", "Cedar", "Dahlia", "Fern"}
    cites_every_row(qa, answer)
