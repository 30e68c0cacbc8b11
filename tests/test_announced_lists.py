"""A list a sentence announces is quoted with its items: "The most common causes are:" answers
"what are the usual culprits?" only with the causes listed after it. The items are the list
items right after it in its section (`briefqa.enumeration.items_after`), and the announcement
is quoted too where the best sentence is the one before it, for a question that asks for
several things; an announcement whose items are not quoted (none follow, or too many to
quote) is shown as passages, as before."""

from __future__ import annotations

import pytest
from conftest import composed

from briefqa.enumeration import ITEMS_MAX

GUIDE = """# Troubleshooting

## Invalid account error

The error "Invalid account or account/partition combination specified" relates to the Slurm \
options --account and --partition.

The most common causes are:

- the project does not exist.
- the project exists, but you are not a member of it.
- the partition does not exist.

## Job limit error

The error AssocMaxSubmitJobLimit means that a limit of the project was reached.

The most common causes are:

- the project has used all of its allocated compute resources.
- the job script is missing the --account parameter.

## Module commands

The module tool has these sub-commands:

""" + "".join(f"- module verb{n}\n" for n in range(ITEMS_MAX + 2))


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    from briefqa import Assistant

    corpus = tmp_path_factory.mktemp("announced")
    (corpus / "guide.md").write_text(GUIDE, encoding="utf-8")
    return Assistant.open(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("index"))


def test_an_announced_list_is_quoted_with_its_items(qa):
    answer = composed(qa, "sbatch says 'Invalid account or account/partition combination "
                          "specified'. What are the usual culprits?")
    assert answer.status == "answered", answer.text
    quotes = [c.quote for c in answer.citations]
    at = quotes.index("The most common causes are:")  # after the sentence before it, or first
    assert quotes[at + 1:at + 4] == ["the project does not exist.",
                                     "the project exists, but you are not a member of it.",
                                     "the partition does not exist."]
    for c in answer.citations:
        assert qa.source_text(c.source)[c.start:c.end] == c.quote
    # the items of the other section's list, announced the same way, are not these
    assert not any("compute resources" in q for q in quotes)


def test_a_list_too_long_to_quote_is_shown_as_passages(qa):
    answer = composed(qa, "Which sub-commands does the module tool have?")
    assert answer.status != "answered" or not answer.citations[0].quote.endswith(":"), \
        answer.text
