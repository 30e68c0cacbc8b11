"""pgstore.json as tables (pgstore.md) and a plot beside the embedded index (pgstore.png)."""

from __future__ import annotations

import json
from pathlib import Path

from .common import RESULTS


def write(results: dict, markdown: Path, picture: Path) -> None:
    markdown.write_text(tables(results) + "\n", encoding="utf-8")
    try:
        plot(results, picture)
    except ImportError:  # matplotlib is in the dev extra
        pass


def _embedded_scaling() -> list[dict]:
    path = RESULTS / "results.json"
    if not path.exists():
        return []
    return (json.loads(path.read_text()).get("scaling") or {}).get("rows", [])


def tables(r: dict) -> str:
    out = []
    b = r.get("builders")
    if b:
        out += ["Builders (1x, every unit embedded; `briefqa index --store --workers N`):", "",
                "| builder processes | build (s) | units | units/s | files/s |",
                "| ---: | ---: | ---: | ---: | ---: |"]
        for row in b["rows"]:
            out.append(f"| {row['workers']} | {row['seconds']:.1f} | {row['units']:,} | "
                       f"{row['units_per_s']:.0f} | {row['files_per_s']:.2f} |")
        out.append("")
    reps = r.get("replicas") or {}
    if reps:
        out += ["Replicas (two processes answering evals/facts.jsonl at once):", "",
                "| corpus | units | search | p50 (ms), each replica | p95 (ms), each replica | "
                "peak RSS (MiB), each replica | database (MiB) |",
                "| --- | ---: | --- | --- | --- | --- | ---: |"]
        for size, row in sorted(reps.items(), key=lambda kv: int(kv[0].rstrip("x"))):
            a = row.get("alone")
            if a:
                out.append(f"| {size} | {a['replicas'][0]['units']:,} | "
                           f"{a['replicas'][0]['vector_index']}, one replica alone | "
                           f"{a['p50_ms'][0]:.1f} | {a['p95_ms'][0]:.1f} | "
                           f"{a['peak_rss_mb'][0]:.0f} | {row.get('database_mb', 0):,.0f} |")
            for mode in ("as built", "exact"):
                if mode not in row:
                    continue
                m = row[mode]
                units = m["replicas"][0]["units"]
                kind = m["replicas"][0]["vector_index"] if mode == "as built" else "exact"
                out.append(f"| {size} | {units:,} | {kind} | "
                           f"{' / '.join(f'{v:.1f}' for v in m['p50_ms'])} | "
                           f"{' / '.join(f'{v:.1f}' for v in m['p95_ms'])} | "
                           f"{' / '.join(f'{v:.0f}' for v in m['peak_rss_mb'])} | "
                           f"{row.get('database_mb', 0):,.0f} |")
            e = row.get("embedded")
            if e:
                out.append(f"| {size} | {e['units']:,} | embedded (FAISS, same run) | "
                           f"{e['warm_p50_ms']:.1f} | {e['warm_p95_ms']:.1f} | "
                           f"{e['serve_peak_rss_mb']:.0f} | |")
        for size, row in sorted(reps.items()):
            if "same_answers" in row:
                out.append(f"\n{size}: {row['same_answers']} of {row['questions']} answers "
                           f"the same as the embedded index's (text and citations).")
            if "hnsw_answers_as_exact" in row:
                out.append(f"\n{size}: {row['hnsw_answers_as_exact']} of {row['questions']} "
                           f"answers the same with HNSW as with exact search.")
        out.append("")
    rec = r.get("recall") or {}
    if rec:
        out += ["HNSW against exact search (facts.jsonl questions; k = 40):", "",
                "| corpus | units | ef_search | recall@40 sentence / window / ranking | "
                "exact search p50 / p95 (ms) | HNSW search p50 / p95 (ms) |",
                "| --- | ---: | ---: | --- | --- | --- |"]
        for size, row in sorted(rec.items(), key=lambda kv: int(kv[0].rstrip("x"))):
            k = row["k"]
            out.append(
                f"| {size} | {row['units']:,} | {row['ef_search']} | "
                f"{row.get(f'recall_at_{k}_sentence', 0):.3f} / "
                f"{row.get(f'recall_at_{k}_window', 0):.3f} / "
                f"{row.get(f'recall_at_{k}_ranking', 0):.3f} | "
                f"{row['exact_search_p50_ms']:.1f} / {row['exact_search_p95_ms']:.1f} | "
                f"{row['hnsw_search_p50_ms']:.1f} / {row['hnsw_search_p95_ms']:.1f} |")
        out.append("")
    lex = r.get("lexical")
    if lex:
        out += [f"Lexical side against the embedded BM25 ({lex['questions']} questions, "
                f"{lex['units']:,} units):", "",
                "| lexical side | embedded top 10 found | embedded top 40 found | same first | "
                "answers as the embedded index |", "| --- | ---: | ---: | ---: | ---: |"]
        for name, v in lex["variants"].items():
            out.append(f"| {name} | {v['top10_overlap']:.3f} | {v['top40_overlap']:.3f} | "
                       f"{v['same_first']:.3f} | {v['answers_as_embedded']} of "
                       f"{lex['questions']} |")
        out.append("")
    syn = r.get("synthetic")
    if syn:
        out += ["Synthetic corpus (vectors replicated with noise, not embedded):", "",
                "```", json.dumps({k: v for k, v in syn.items() if k != "notes"}, indent=1),
                "```", *[f"- {n}" for n in syn.get("notes", [])], ""]
    return "\n".join(out)


def plot(r: dict, target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    embedded = _embedded_scaling()
    reps = r.get("replicas") or {}
    syn = r.get("synthetic") or {}

    ax = axes[0][0]
    if embedded:
        ax.plot([e["units"] for e in embedded], [e["warm_p50_ms"] for e in embedded], "-o",
                color="tab:blue", label="embedded (FAISS + BM25, results.json)")
    for mode, colour in (("as built", "tab:green"), ("exact", "tab:red")):
        points = sorted((row[mode]["replicas"][0]["units"], min(row[mode]["p50_ms"]),
                         max(row[mode]["p50_ms"]), row[mode]["replicas"][0]["vector_index"])
                        for row in reps.values() if mode in row)
        if syn.get("replica_p50_ms"):
            points.append((syn["units"], min(syn["replica_p50_ms"]), max(syn["replica_p50_ms"]),
                           syn.get("replica_search", "exact")))
            points.sort()
        if points:
            ax.errorbar([p[0] for p in points], [(p[1] + p[2]) / 2 for p in points],
                        yerr=[[(p[2] - p[1]) / 2 for p in points]] * 2, fmt="-s",
                        color=colour, label=f"PostgreSQL store, {mode} (two replicas)")
            for p in points:
                ax.annotate(p[3], (p[0], p[2]), textcoords="offset points", xytext=(4, 4),
                            fontsize=8)
    ax.set_title("answer p50 (ms)")
    ax.set_yscale("log")

    ax = axes[0][1]
    if embedded:
        ax.plot([e["units"] for e in embedded], [e["serve_peak_rss_mb"] for e in embedded],
                "-o", color="tab:blue", label="embedded, serving process")
    points = sorted((row["as built"]["replicas"][0]["units"], max(row["as built"]["peak_rss_mb"]))
                    for row in reps.values() if "as built" in row)
    if syn.get("replica_peak_rss_mb"):
        points.append((syn["units"], max(syn["replica_peak_rss_mb"])))
    if points:
        ax.plot(*zip(*sorted(points)), "-s", color="tab:green", label="PostgreSQL store, each "
                                                                         "replica")
    ax.set_title("memory of a serving process (peak RSS, MiB)")

    ax = axes[1][0]
    b = r.get("builders")
    if b:
        rows = b["rows"]
        ax.bar([str(x["workers"]) for x in rows], [x["units_per_s"] for x in rows],
               color="tab:green", label="PostgreSQL store, 1x")
        first = next((e for e in embedded if e["size"] == 1), None)
        if first:
            ax.axhline(first["units"] / first["build_seconds"], color="tab:blue", ls="--",
                       label="embedded, 1x (results.json)")
        ax.set_xlabel(f"builder processes ({b['cpus']} CPU cores)")
    ax.set_title("build throughput (units/s)")

    ax = axes[1][1]
    rec = r.get("recall") or {}
    points = sorted((row["units"], row[f"recall_at_{row['k']}_ranking"])
                    for row in rec.values())
    if syn.get("hnsw_recall_at_40_sentence") is not None:
        points.append((syn["units"], syn["hnsw_recall_at_40_sentence"]))
    if points:
        ax.plot(*zip(*sorted(points)), "-s", color="tab:green", label="HNSW recall@40")
    ax.set_ylim(0, 1.05)
    ax.set_title("HNSW recall@40 against exact search")
    for ax in (axes[0][0], axes[0][1], axes[1][1]):
        ax.set_xscale("log")
        ax.set_xlabel("units (sentences) in the index")
    for ax in axes.ravel():
        ax.grid(True, which="both", alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
    fig.suptitle("briefqa on PostgreSQL + pgvector beside the embedded index (2 CPU cores, "
                 "shared)", fontsize=10)
    fig.tight_layout()
    fig.savefig(target, dpi=110)
    plt.close(fig)
