"""The index on disk: built once, refreshed per changed file, and its manifest."""

import json

from briefqa import Assistant


def test_changed_added_and_removed_files_are_the_only_ones_reprocessed(small_corpus, tmp_path):
    index = tmp_path / "index"
    qa = Assistant.open(small_corpus, index)
    assert sorted(qa.last_refresh.added) == ["alpha.txt", "beta.md"]
    assert "512 GPUs" in qa.ask("How many GPUs does the Zephyr cluster have?").text

    (small_corpus / "alpha.txt").write_text(
        "Alpha Report\nFindings\nThe Zephyr cluster has 1024 GPUs in Tampere.\n", encoding="utf-8")
    (small_corpus / "gamma.csv").write_text("site,racks\nKajaani,44\n", encoding="utf-8")
    (small_corpus / "beta.md").unlink()
    report = qa.refresh()

    assert report.changed == ["alpha.txt"]
    assert report.added == ["gamma.csv"]
    assert report.removed == ["beta.md"]
    assert "1024 GPUs" in qa.ask("How many GPUs does the Zephyr cluster have?").text
    assert {s.source for s in qa.sources()} == {"alpha.txt", "gamma.csv"}


def test_manifest_records_hashes_model_and_parameters(small_corpus, tmp_path):
    index = tmp_path / "index"
    Assistant.open(small_corpus, index)
    manifest = json.loads((index / "manifest.json").read_text())
    assert manifest["format"] == "briefqa-index"
    assert len(manifest["files"]["alpha.txt"]["sha256"]) == 64
    assert "MiniLM" in manifest["params"]["model"] or "model" in manifest["params"]["model"]
    assert manifest["units"] == sum(f["units"] for f in manifest["files"].values())
    assert (index / manifest["generation"] / "vectors.faiss").is_file()


def test_an_index_opens_without_refreshing_when_asked(small_corpus, tmp_path):
    index = tmp_path / "index"
    Assistant.open(small_corpus, index)
    (small_corpus / "alpha.txt").write_text("Alpha\nThe cluster moved.\n", encoding="utf-8")
    stale = Assistant.open(small_corpus, index, refresh=False)
    assert stale.last_refresh is None
    assert "512 GPUs" in stale.ask("How many GPUs does the Zephyr cluster have?").text
