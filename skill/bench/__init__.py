"""`cramp-helper bench` (or `python -m skill.bench`): the skill against its own floor.

Starts the real HTTP server (gunicorn, sync workers, on loopback sockets) for the real
skill on its default SQLite store (a temp file) and for a hello-world skill on the
identical stack (`skill.bench.floor`), with request verification ON and OFF, and posts
Alexa-signed requests (a throwaway CA, trusted only inside the benchmark's servers: see
`skill.bench.server`) for a fixed mix: launch, relief step (calf), next, 30 s countdown,
serious check. Skill and floor are loaded side by side in small interleaved slices, each
configuration spread over several server processes, so the skill/floor ratios hold on a
busy machine. Prints Markdown to stdout (progress on
stderr): median and p99 latency and requests/s at 1 and 16 clients, cold start (process
start to the first 200 on a LaunchRequest) and RSS per worker, with the ratios; the
same on 2 workers; then the skill and floor (verification OFF, 1 client) on waitress as
`cramp-helper serve` runs it and on Flask's development server (Werkzeug), with a new
session's launch and the turns that continue a session timed apart; the Lambda cold start
as Lambda runs it (the deployment zip unpacked read-only, a fresh process of the runtime's
Python imports the handler and answers one launch) against a hello-world ask-sdk-core zip
built the same way, in alternating runs, with an in-memory store and with the DynamoDB
adapter (against a loopback stub: `skill.bench.lambda_cold`); the targets with PASS/FAIL;
the worker start-up profile.
`--json PATH` writes everything, samples included. Exit status 1 when any request was
not answered with a 200 (or, with --strict, when a target fails).

Why sync workers: every request is short and CPU-bound (JSON, the RSA signature check,
the skill's own work), so threads in one worker would only share its GIL; a sync worker
has the least per-request overhead and scales by processes. Measured here (2 cores, 2
workers, 16 clients, p99): sync 12-16 ms, gthread with 1 thread 16-18 ms, with 4 threads
36-44 ms (a kept-alive connection pins its client to one worker). In production
it sits behind a TLS-terminating, buffering proxy (Alexa requires HTTPS on 443), which is
what gunicorn's docs ask of sync workers. `--worker-class gthread` measures the other.

The module itself imports nothing heavy; the benchmark's machinery loads on `run`.
"""
from __future__ import annotations

import argparse
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The bench flags (shared by `cramp-helper bench` and `python -m skill.bench`)."""
    from skill.bench.runner import Options

    d = Options()
    parser.add_argument("--requests", type=int, default=d.requests,
                        help="requests per configuration at 1 client (default %(default)s)")
    parser.add_argument("--concurrent-requests", type=int, default=d.concurrent_requests,
                        help="requests per configuration at --concurrency clients "
                             "(default %(default)s)")
    parser.add_argument("--concurrency", type=int, default=d.concurrency,
                        help="concurrent clients for the loaded runs (default %(default)s)")
    parser.add_argument("--rounds", type=int, default=d.rounds,
                        help="slices per load level (at least), interleaved across the "
                             "servers (default %(default)s)")
    parser.add_argument("--slice-requests", type=int, default=d.slice_requests,
                        help="requests per client in one slice, at most "
                             "(default %(default)s)")
    parser.add_argument("--processes", type=int, default=d.processes,
                        help="server processes per configuration in the side-by-side "
                             "runs, samples pooled (default %(default)s)")
    parser.add_argument("--warmup", type=int, default=d.warmup,
                        help="unrecorded requests before measuring (default %(default)s)")
    parser.add_argument("--cold-starts", type=int, default=d.cold_starts,
                        help="cold-start samples per configuration (default %(default)s)")
    parser.add_argument("--two-worker-requests", type=int, default=d.two_worker_requests,
                        help="requests for the 2-worker run; 0 skips it (default %(default)s)")
    parser.add_argument("--startup-probes", type=int, default=d.startup_probes,
                        help="fresh interpreters per kind for the worker start-up profile; "
                             "0 skips it (default %(default)s)")
    parser.add_argument("--lambda-cold-starts", type=int, default=d.lambda_cold_starts,
                        help="Lambda cold starts per store (memory, DynamoDB stub) for the "
                             "skill and its ask-sdk-core floor; 0 skips them (default %(default)s)")
    parser.add_argument("--server-requests", type=int, default=d.server_requests,
                        help="requests at 1 client to the skill and floor on waitress "
                             "(cramp-helper serve) and on Werkzeug; 0 skips them "
                             "(default %(default)s)")
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default=d.worker_class,
                        help="gunicorn worker class (default %(default)s)")
    parser.add_argument("--threads", type=int, default=d.threads,
                        help="threads per worker for gthread (default %(default)s)")
    parser.add_argument("--time-cap", type=float, default=d.time_cap_s,
                        help="seconds the whole run may take; later parts are skipped "
                             "(default %(default)s)")
    parser.add_argument("--json", metavar="PATH",
                        help="also write the full results as JSON to PATH ('-' for stdout)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when a target fails (not only on errors)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def run(args: argparse.Namespace) -> int:
    """Run the benchmark, print the table; 1 on errors or a cut-short run (or, with
    --strict, a failed target)."""
    from skill.bench.imports import markdown as startup_markdown
    from skill.bench.report import markdown, targets
    from skill.bench.runner import Options, ServerFailed, run_benchmark

    options = Options(
        requests=args.requests, concurrent_requests=args.concurrent_requests,
        concurrency=args.concurrency, rounds=args.rounds, warmup=args.warmup,
        processes=args.processes, slice_requests=args.slice_requests, cold_starts=args.cold_starts,
        two_worker_requests=args.two_worker_requests, startup_probes=args.startup_probes,
        worker_class=args.worker_class,
        lambda_cold_starts=args.lambda_cold_starts, server_requests=args.server_requests,
        threads=args.threads, time_cap_s=args.time_cap)

    def progress(line: str) -> None:
        if not args.quiet:
            print(line, file=sys.stderr, flush=True)

    try:
        results = run_benchmark(options, progress)
    except ServerFailed as exc:
        print(f"cramp-helper bench: {exc}", file=sys.stderr)
        return 1
    verdicts = targets(results)
    results["targets"] = [t.as_dict() for t in verdicts]
    if args.json:
        text = json.dumps(results, indent=2)
        if args.json == "-":
            print(text)
        else:
            with open(args.json, "w", encoding="utf-8") as out:
                out.write(text + "\n")
    if args.json != "-":
        print(markdown(results))
        if results["startup"]:
            print("\n" + startup_markdown(results["startup"]))
        answers = results["warm_up_answers"]
        if answers:
            print("\nWhat the skill answered in the warm-up conversation (check it is the real skill):",
                  file=sys.stderr)
            for turn, ssml in answers.items():
                print(f"  {turn}: {ssml}", file=sys.stderr)
    errors = sum(r["errors"] for c in results["configs"].values() for r in c["runs"].values())
    if errors:
        print(f"cramp-helper bench: {errors} requests were not answered with a 200", file=sys.stderr)
        return 1
    if results["missing"]:
        print(f"cramp-helper bench: the time cap ({args.time_cap:g} s) cut the run short; "
              "raise --time-cap or lower the request counts", file=sys.stderr)
        return 1
    if args.strict and any(t.passed is False for t in verdicts):
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m skill.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    return run(parser.parse_args(argv))
