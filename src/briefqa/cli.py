"""CLI: `briefqa index | ask | sources | eval | serve | bench`, human output or --json."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from .errors import BriefqaError

DEFAULT_SUITE = "evals/facts.jsonl"
DEFAULT_CLAIMS = "evals/claims.jsonl"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefqa",
        description="Grounded, cited answers from your documents: every sentence quotes "
                    "the passage it comes from.")
    parser.add_argument("--version", action="version", version="briefqa 0.1.0")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", help="corpus folder (default: corpus, or BRIEFQA_CORPUS_DIR)")
    common.add_argument("--index", help="index folder (default: index, or BRIEFQA_INDEX_DIR)")
    common.add_argument("--model", help="sentence-transformers model folder (default: bundled)")
    common.add_argument("--store", metavar="URL",
                        help="a PostgreSQL database with pgvector to keep the index in and "
                             "answer from, postgresql://user:password@host/db (default: the "
                             "embedded index in --index, or BRIEFQA_STORE)")
    common.add_argument("--json", action="store_true", help="print JSON instead of text")
    common.add_argument("--quiet", action="store_true", help="no progress bars or warnings")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("index", parents=[common], help="build or refresh the index")
    p.add_argument("--rebuild", action="store_true", help="rebuild everything from scratch")
    p.add_argument("--workers", type=int, metavar="N",
                   help="builder processes on this machine sharing the work (--store only; "
                        "default 1, or BRIEFQA_INDEX_WORKERS); more can join from other "
                        "machines by running the same command")

    llm = argparse.ArgumentParser(add_help=False)
    llm.add_argument("--llm", choices=("off", "openai", "ollama"),
                     help="answer with a language model, every sentence checked against its "
                          "sources: openai (any OpenAI-compatible server) or ollama "
                          "(default: off, or BRIEFQA_LLM)")
    llm.add_argument("--llm-url", help="the model server's base URL (BRIEFQA_LLM_URL)")
    llm.add_argument("--llm-model", help="the model to ask (BRIEFQA_LLM_MODEL)")

    p = sub.add_parser("ask", parents=[common, llm], help="answer a question with citations")
    p.add_argument("question", nargs="+", help="the question (quote it or not)")
    p.add_argument("--explain", action="store_true",
                   help="also show why: every candidate with each scorer's value, the "
                        "probabilities, the decision and each stage's time")
    p.add_argument("--after", action="append", default=[], metavar="QUESTION",
                   help="an earlier question of the conversation (repeatable, oldest first): "
                        "a follow-up such as 'and in 2024?' is read against the last one")

    p = sub.add_parser("chat", parents=[common, llm],
                       help="a conversation in the terminal (follow-ups, /sources, /export)")

    sub.add_parser("sources", parents=[common], help="list the indexed documents")

    p = sub.add_parser("eval", parents=[common], help="run the fact-check suite")
    p.add_argument("--suite", default=DEFAULT_SUITE,
                   help=f"suite file, or a suite's name in evals/suites.json, which is asked of "
                        f"its own documents (default: {DEFAULT_SUITE})")
    p.add_argument("--report", help="also write a Markdown report to this file")
    p.add_argument("--plot", help="also write the risk-coverage curve as a PNG to this file")
    p.add_argument("--min-accuracy", type=float, default=None,
                   help="exit 1 when answer accuracy is below this share (0-1)")
    p.add_argument("--claims", nargs="?", const=DEFAULT_CLAIMS, default=None, metavar="FILE",
                   help="instead, check the LLM answer's verifier on a claims file "
                        f"(default: {DEFAULT_CLAIMS}): precision and recall of 'supported'")

    p = sub.add_parser("train", help="rebuild what briefqa trains (see training/README.md)")
    p.add_argument("what", choices=("candidates", "judge-tasks", "reader", "verifier",
                                    "scorer", "calibrate"),
                   help="candidates: retrieve and score every training question's candidates "
                        "(needs the training documents); judge-tasks: files for judges; "
                        "reader, verifier: train them from the judged candidates; scorer: fit "
                        "the evidence model; calibrate: set its confidence and threshold on "
                        "the calibration suites (training/README.md)")
    p.add_argument("--docsets", help="comma-separated docsets (default: all that are here)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")

    p = sub.add_parser("bench", help="run the benchmarks (python -m benchmarks.run) from the "
                                     "repository root; arguments are passed on")
    p.add_argument("bench_args", nargs=argparse.REMAINDER, help="e.g. --quick, --sizes 1,4")

    p = sub.add_parser("serve", parents=[common, llm], help="start the browser chat")
    p.add_argument("--host", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: 7860)")
    p.add_argument("--username", help="require this user name (with --password)")
    p.add_argument("--password", help="require this password (with --username)")
    p.add_argument("--concurrency", type=int, help="questions answered at once (default: 4)")
    return parser


def _settings(args):
    from .settings import Settings

    return Settings.from_env(corpus_dir=getattr(args, "corpus", None),
                             index_dir=getattr(args, "index", None),
                             model_path=getattr(args, "model", None),
                             store=getattr(args, "store", None),
                             index_workers=getattr(args, "workers", None),
                             host=getattr(args, "host", None), port=getattr(args, "port", None),
                             username=getattr(args, "username", None),
                             password=getattr(args, "password", None),
                             concurrency=getattr(args, "concurrency", None),
                             llm=getattr(args, "llm", None), llm_url=getattr(args, "llm_url", None),
                             llm_model=getattr(args, "llm_model", None))


def _open(args, settings, progress: bool):
    from .assistant import Assistant

    return Assistant.open(settings.corpus_dir, settings.index_dir, settings=settings,
                          progress=progress)


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_index(args, settings) -> int:
    from .encoders import Encoders

    progress = not (args.quiet or args.json)
    if settings.store:
        from .pgstore import store_indexer

        indexer = store_indexer(settings, Encoders(settings).torch, show_progress=progress)
    else:
        from .index import Indexer

        indexer = Indexer(settings, Encoders(settings).torch, show_progress=progress)
    report = indexer.refresh(force=args.rebuild)
    if args.json:
        _print_json(report.to_dict())
        return 0
    if not report.touched and not args.rebuild:
        print(f"index is up to date: {report.units} units from {len(report.unchanged)} files")
    else:
        print(f"indexed {report.units} units in {report.seconds:.1f} s "
              f"(added {len(report.added)}, changed {len(report.changed)}, "
              f"removed {len(report.removed)}, unchanged {len(report.unchanged)})")
    for source, reason in report.skipped.items():
        print(f"skipped {source}: {reason}", file=sys.stderr)
    return 0


def cmd_ask(args, settings) -> int:
    qa = _open(args, settings, progress=not (args.quiet or args.json))
    question = " ".join(args.question)
    if args.after:  # read as the chat would, after these questions
        from .followup import resolve_followup

        previous = None
        for earlier in args.after:
            previous = resolve_followup(" ".join(earlier.split()), previous)
        question = resolve_followup(question, previous)
    explained = qa.explain(question) if args.explain else None
    answer = explained.answer if explained and qa.answerer is qa.extractive else qa.ask(question)
    if args.json:
        _print_json({**answer.to_dict(), "explanation": explained.to_dict()} if explained
                    else answer.to_dict())
        return 0
    print_answer(answer, settings.llm != "off")
    if explained is not None:
        print()
        print("Why this answer?")
        print(explained.to_text())
    return 0


def print_answer(answer, llm: bool = False) -> None:
    """An answer as `briefqa ask` prints it: short answer, text, sources, notes."""
    if llm:
        print("[written by the language model; every sentence checked against its sources]"
              if answer.mode == "llm" else "[extractive answer: the documents' own sentences]")
    if answer.short is not None:
        marker = f"[{answer.short.citation}]" if answer.short.citation else "(computed)"
        print(f"→ {_plain(answer.short.text)} {marker}")
        print()
    print(answer.text)
    if answer.status == "answered" and answer.mode != "computed":
        print(f"(confidence {answer.confidence:.0%})")
    if answer.citations:
        print()
        print("Where the documents speak of it (not an answer):" if not answer.grounded
              else "Sources:")
    for c in answer.citations:
        where = ", ".join(x for x in (c.section, f"page {c.page}" if c.page else None) if x)
        print(f"  [{c.id}] {c.title} ({c.source}){' - ' + where if where else ''}")
        print(f"      \"{' '.join(c.quote.split())}\"")
    if answer.unverified:
        print()
        print("Not supported by the documents (withheld, not part of the answer):")
        for sentence in answer.unverified:
            print(f"  - {_plain(sentence)}")
    if answer.notes:
        print()
        for note in answer.notes:
            print(f"Note: {_plain(note)}")


CHAT_HELP = """Ask a question; follow-ups ("and in 2024?") are read against the last one.
  /sources         the indexed documents
  /export FILE     save the conversation (.md, .html or .json by the file's suffix)
  /history         the questions so far, as read
  /quit            leave (Ctrl+D too)"""


def cmd_chat(args, settings, input_=input) -> int:
    """A conversation in the terminal: the same Conversation the chat and the API use."""
    qa = _open(args, settings, progress=not (args.quiet or args.json))
    conversation = qa.conversation()
    llm = settings.llm != "off"
    print(f"briefqa: {qa.unit_count:,} sentences from {len(qa.sources())} documents. "
          f"/help for commands.")
    while True:
        try:
            line = input_("? ").strip()
        except EOFError:
            print()
            return 0
        if not line:
            continue
        command, _, rest = line.partition(" ")
        if command in ("/quit", "/exit"):
            return 0
        if command == "/help":
            print(CHAT_HELP)
        elif command == "/sources":
            for s in qa.sources():
                print(f"  {s.source}  ({s.units} units)  {s.title}")
        elif command == "/history":
            for n, turn in enumerate(conversation.turns, 1):
                print(f"  {n}. {turn.question}")
        elif command == "/export":
            if not rest.strip():
                print("usage: /export FILE (.md, .html or .json)")
                continue
            path = Path(rest.strip()).expanduser()
            suffix = path.suffix.lower()
            text = conversation.to_html() if suffix in (".html", ".htm") else \
                json.dumps(conversation.to_dict(), ensure_ascii=False, indent=1) \
                if suffix == ".json" else conversation.to_markdown()
            try:
                path.write_text(text, encoding="utf-8")
                print(f"saved {len(conversation.turns)} turns to {path}")
            except OSError as exc:
                print(f"cannot write {path}: {exc.strerror or exc}")
        elif command.startswith("/"):
            print(f"unknown command {command}; /help lists them")
        else:
            try:
                answer = conversation.ask(line)
            except BriefqaError as exc:
                print(f"briefqa: {exc}")
                continue
            if answer.question != " ".join(line.split()):
                print(f"(read as: {answer.question})")
            print_answer(answer, llm)
            print()


def _plain(text: str) -> str:
    """One line without control characters (model text cannot drive the terminal)."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def cmd_sources(args, settings) -> int:
    qa = _open(args, settings, progress=not (args.quiet or args.json))
    sources = qa.sources()
    if args.json:
        _print_json([s.to_dict() for s in sources])
        return 0
    width = max((len(s.source) for s in sources), default=10)
    for s in sources:
        print(f"{s.source:<{width}}  {s.units:>6} units  {s.bytes / 1024:>8.1f} KiB  {s.title}")
    return 0


def cmd_eval(args, settings) -> int:
    from .evaluate import run_suite

    if args.claims:
        return cmd_claims(args, settings)
    from .suites import suites

    named = suites().get(args.suite)
    if named is not None and not args.corpus:  # a suite by name: on its own documents
        qa = named.assistant(Path(settings.index_dir) / "suites", settings)
        suite_file = named.file
    else:
        qa = _open(args, settings, progress=not (args.quiet or args.json))
        suite_file = args.suite
    report = run_suite(qa, suite_file, progress=not (args.quiet or args.json))
    if args.report:
        Path(args.report).write_text(report.to_markdown(), encoding="utf-8")
    if args.plot:
        report.plot(args.plot)
    summary = report.summary()
    if args.json:
        _print_json(report.to_dict())
    else:
        for r in report.results:
            mark = "PASS" if r.passed else "FAIL"
            print(f"{mark}  {r.case.id:<22} {r.case.question}")
            print(f"      answer: {' '.join(r.answer.split())[:200]}")
            if r.first_citation:
                print(f"      cites:  {' '.join(r.first_citation.split())[:200]}")
        print()
        print(f"precision            {summary['precision']:.1%} of {summary['asserted']} "
              f"asserted answers right")
        print(f"coverage             {summary['coverage']:.1%} of {summary['answerable']} "
              f"answerable questions answered right")
        print(f"short answers        {summary['short_precision']:.1%} of "
              f"{summary['short_answers']} right")
        print(f"answer accuracy      {summary['answer_accuracy']:.1%} "
              f"({summary['answerable']} answerable)")
        print(f"citation precision   {summary['citation_precision']:.1%}")
        print(f"verbatim citations   {summary['verbatim_citations']:.1%}")
        print(f"abstention accuracy  {summary['abstention_accuracy']:.1%} "
              f"({summary['unanswerable']} unanswerable)")
        print(f"latency p50 / p95    {summary['latency_p50_ms']:.0f} ms / "
              f"{summary['latency_p95_ms']:.0f} ms")
        if "rows_cited" in summary:
            print(f"rows cited           {summary['rows_cited']:.1%} of {summary['rows']} rows "
                  f"computed answers rest on ({summary['computed']} answered by computing)")
            for group, counts in summary["by_category"].items():
                rows = (f", rows cited {counts['rows_cited']:.0%} of {counts['rows']}"
                        if counts.get("rows") else "")
                print(f"  {group:<18} {counts['passed']} of {counts['questions']} passed{rows}")
        if args.report:
            print(f"report written to {args.report}")
    if args.min_accuracy is not None and report.answer_accuracy < args.min_accuracy:
        return 1
    return 0


def cmd_claims(args, settings) -> int:
    from .llm.claims import load_claims, run_claims

    claims = load_claims(args.claims)
    qa = _open(args, settings, progress=not (args.quiet or args.json))
    report = run_claims(claims, settings.verify, encode=qa.extractive.encode)
    if args.report:
        Path(args.report).write_text(report.to_markdown(), encoding="utf-8")
    if args.json:
        _print_json(report.to_dict())
        return 0
    for r in report.results:
        if r.correct:
            continue
        print(f"WRONG {r.claim.id:<14} {r.claim.label:<11} {r.claim.variant:<20} "
              f"{_plain(r.claim.claim)[:120]}")
        if r.check.reasons:
            print(f"      {_plain('; '.join(r.check.reasons))[:200]}")
    print()
    print(report.summary_text())
    if args.report:
        print(f"report written to {args.report}")
    return 0


def cmd_serve(args, settings) -> int:
    from .ui import serve

    serve(settings)
    return 0


def cmd_bench(args, settings) -> int:
    import subprocess

    root = Path(__file__).resolve().parents[2]
    if not (root / "benchmarks" / "run.py").is_file():
        raise BriefqaError("the benchmarks live in the repository (benchmarks/run.py); run "
                           "`briefqa bench` from a checkout installed with `pip install -e .`")
    return subprocess.call([sys.executable, "-m", "benchmarks.run", *args.bench_args], cwd=root)


def cmd_train(args, settings) -> int:
    """`briefqa train WHAT`: each step of training/README.md, rebuilt from the repository."""
    docsets = args.docsets.split(",") if args.docsets else None
    if args.what == "candidates":
        from .train.candidates import build

        result = build(docsets, progress=not args.json)
    elif args.what == "judge-tasks":
        from .train import candidates, judgements

        folder = Path("training/.work/judge-tasks")
        paths = judgements.export_tasks(candidates.load(docsets), folder)
        result = {"tasks": [str(p) for p in paths]}
    elif args.what == "reader":
        from .train.reader import train

        result = train(progress=not args.json)
    elif args.what == "verifier":
        from .train.verifier import train

        result = train(progress=not args.json)
    elif args.what == "scorer":
        from .train.scorer import train

        result = train()
    else:
        from .train.calibrate import calibrate

        result = calibrate(progress=not args.json)
    if args.json:
        _print_json(result)
    else:
        print(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


COMMANDS = {"index": cmd_index, "ask": cmd_ask, "sources": cmd_sources, "eval": cmd_eval,
            "serve": cmd_serve, "bench": cmd_bench, "train": cmd_train,
            "chat": cmd_chat}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    quiet = getattr(args, "quiet", False) or getattr(args, "json", False)
    logging.basicConfig(level=logging.ERROR if quiet else logging.WARNING,
                        format="briefqa: %(message)s")
    try:
        settings = _settings(args)
        return COMMANDS[args.command](args, settings)
    except BriefqaError as exc:
        print(f"briefqa: error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # a bad setting from the environment
        print(f"briefqa: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("briefqa: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
