"""Load: N simulated users asking the running chat at once, on 127.0.0.1 only, bounded in time.

    python -m benchmarks.load --url http://127.0.0.1:7860/ --users 20 --duration 60
    python -m benchmarks.load --serve --users 20 --requests 400     # starts the app itself

Each user asks questions through the app's HTTP API (Gradio's /gradio_api/call/ask, the same
handler the page uses) in a loop until the request budget or the time is used up. Before the
load, every question is asked once alone: its answer must hold the fact it asks for, and under
load every answer must be exactly that answer (so an answer given to the wrong user, or one
changed by the load, counts as wrong). Prints (and with --json writes) requests, errors,
wrong answers and latency percentiles as JSON.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]

# Questions with one checkable fact each, all answered by the bundled corpus; no two share
# the fact, so an answer meant for another question cannot pass.
QUESTIONS: list[tuple[str, str]] = [
    ("How many Hopper GPUs does MareNostrum 5 have?", r"4,480"),
    ("How many Grace Hopper superchips does Jupiter have in its booster module?", r"24,000"),
    ("How many Grace Hopper superchips does the Alps supercomputer in Lugano have?", r"10,752"),
    ("Which AI factory exclusively targets the automotive industry?", r"HammerHAI"),
    ("How many of the factories are in capital regions?", r"four in capital regions"),
    ("How large was the language model trained on the Alps supercomputer?", r"70 billion"),
    ("Which supercomputers were used to train TildeOpen LLM?", r"LUMI and Jupiter"),
]


@dataclass
class Result:
    question: str
    seconds: float
    ok: bool
    error: str | None = None
    wrong: bool = False


@dataclass
class Tally:
    results: list[Result] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    issued: int = 0

    def take(self, budget: int) -> bool:
        """Reserve one request of the budget; False when it is spent."""
        with self.lock:
            if self.issued >= budget:
                return False
            self.issued += 1
            return True

    def add(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)


def require_loopback(url: str) -> None:
    """Refuse any target that is not this machine: a load test never leaves 127.0.0.0/8."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as exc:
        raise SystemExit(f"load: cannot resolve {host!r}: {exc}") from None
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback
                                for a in addresses):
        raise SystemExit(f"load: refusing {url}: only loopback addresses (127.0.0.1, ::1) "
                         f"may be load-tested")


def ask(base: str, question: str, timeout: float) -> str:
    """The assistant's message (HTML) for one question, through the app's HTTP API."""
    body = json.dumps({"data": [question]}).encode("utf-8")
    request = urllib.request.Request(f"{base}gradio_api/call/ask", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        event_id = json.loads(response.read())["event_id"]
    event, data = None, None
    with urllib.request.urlopen(f"{base}gradio_api/call/ask/{event_id}",
                                timeout=timeout) as stream:
        for raw in stream:
            line = raw.decode("utf-8").rstrip("\n")
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                data = line[5:].strip()
                break
    if event != "complete" or data is None:
        raise RuntimeError(f"the app answered with event {event!r}: {str(data)[:200]}")
    messages = json.loads(data)[1]
    if len(messages) != 2 or messages[0]["role"] != "user":
        raise RuntimeError(f"expected a question and an answer, got {len(messages)} messages")
    asked, answer = (_message_text(m) for m in messages)
    if _plain(asked) != question:
        raise RuntimeError(f"the reply is to another question: {_plain(asked)[:80]!r}")
    return answer


def _message_text(message: dict) -> str:
    content = message["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def _plain(html_text: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", html_text)).strip()


def answer_text(answer_html: str) -> str:
    """The answer's own words, without its sources (which quote more than the answer)."""
    found = re.search(r'<p class="bq-text[^"]*">(.*?)</p>', answer_html, re.S)
    return _plain(found.group(1) if found else answer_html)


def first_quote(answer_html: str) -> str:
    """The first quote of the reply: the answer's first source, or the first passage shown
    where the documents speak of the question."""
    found = re.search(r'<[^>]*class="bq-quote[^"]*"[^>]*>(.*?)</', answer_html, re.S)
    return _plain(found.group(1)) if found else ""


def baseline(base: str, questions: list[tuple[str, str]], timeout: float) -> dict[str, str]:
    """Each question asked alone: its answer, which must state the fact asked for (asserted,
    or first among the passages shown)."""
    answers = {}
    for question, fact in questions:
        answer = ask(base, question, timeout)
        if not re.search(fact, answer_text(answer) + " " + first_quote(answer), re.I):
            raise SystemExit(f"load: the answer to {question!r} alone does not say {fact!r}: "
                             f"{answer_text(answer)[:300]!r}")
        answers[question] = answer
    return answers


def run_load(url: str, users: int = 20, requests: int = 400, duration: float = 60.0,
             timeout: float = 60.0, questions: list[tuple[str, str]] | None = None) -> dict:
    """Run the load and return its figures (see the module docstring)."""
    require_loopback(url)
    base = url if url.endswith("/") else url + "/"
    questions = questions or QUESTIONS
    expected = baseline(base, questions, timeout)
    tally = Tally()
    started = time.perf_counter()
    deadline = started + duration

    def user(number: int) -> None:
        turn = number
        while time.perf_counter() < deadline and tally.take(requests):
            question = questions[turn % len(questions)][0]
            turn += 1
            t0 = time.perf_counter()
            try:
                answer = ask(base, question, timeout)
            except (OSError, urllib.error.URLError, RuntimeError, ValueError, KeyError,
                    IndexError, TypeError) as exc:
                tally.add(Result(question, time.perf_counter() - t0, False,
                                 f"{type(exc).__name__}: {exc}"))
                continue
            right = answer == expected[question]
            tally.add(Result(question, time.perf_counter() - t0, right,
                             None if right else "a different answer than when asked alone",
                             wrong=not right))

    threads = [threading.Thread(target=user, args=(n,), name=f"user-{n}", daemon=True)
               for n in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(duration + timeout + 5)
    elapsed = time.perf_counter() - started
    return summarise(tally.results, users, elapsed, url)


def summarise(results: list[Result], users: int, elapsed: float, url: str) -> dict:
    latencies = sorted(r.seconds for r in results)

    def percentile(p: float) -> float | None:
        if not latencies:
            return None
        rank = max(0, min(len(latencies) - 1, round(p / 100 * len(latencies) + 0.5) - 1))
        return round(latencies[rank] * 1000, 1)

    errors = [r for r in results if r.error and not r.wrong]
    wrong = [r for r in results if r.wrong]
    return {
        "url": url, "users": users, "seconds": round(elapsed, 1), "requests": len(results),
        "ok": sum(r.ok for r in results), "errors": len(errors), "wrong": len(wrong),
        "throughput_per_s": round(len(results) / elapsed, 2) if elapsed else None,
        "latency_ms": {"p50": percentile(50), "p95": percentile(95), "p99": percentile(99),
                       "max": round(latencies[-1] * 1000, 1) if latencies else None},
        "error_samples": sorted({f"{r.question}: {r.error}" for r in errors + wrong})[:10],
    }


# ---------------------------------------------------------------------------------------------
# Starting the app for a run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(corpus: Path, index: Path, port: int, log_path: Path,
              wait: float = 600.0, env: dict | None = None) -> subprocess.Popen:
    """`python app.py` on 127.0.0.1:port; returns once it says it is running."""
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port),
         "--corpus", str(corpus), "--index", str(index), "--quiet"],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", **(env or {})})
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited ({process.returncode}): "
                               f"{log_path.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.5)
    stop_app(process)
    raise RuntimeError(f"the app did not start within {wait:.0f} s")


def stop_app(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="the running app, e.g. http://127.0.0.1:7860/")
    parser.add_argument("--serve", action="store_true",
                        help="start the app on a free 127.0.0.1 port for the run")
    parser.add_argument("--corpus", default=str(ROOT / "corpus"), help="with --serve")
    parser.add_argument("--index", default=str(ROOT / "index"), help="with --serve")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400, help="at most this many in all")
    parser.add_argument("--duration", type=float, default=60.0, help="at most this long (s)")
    parser.add_argument("--timeout", type=float, default=60.0, help="per request (s)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    if bool(args.url) == bool(args.serve):
        parser.error("give either --url or --serve")
    process = None
    url = args.url
    if args.serve:
        port = free_port()
        log_path = Path(tempfile.mkdtemp(prefix="briefqa-load-")) / "app.log"
        process = start_app(Path(args.corpus), Path(args.index), port, log_path)
        url = f"http://127.0.0.1:{port}/"
    try:
        figures = run_load(url, args.users, args.requests, args.duration, args.timeout)
    finally:
        if process is not None:
            stop_app(process)
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0 if figures["errors"] == 0 and figures["wrong"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
