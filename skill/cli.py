"""`cramp-helper`: serve, simulate, check, package, bench."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from skill.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cramp-helper", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve", help="run the skill's webhook (waitress, a production WSGI server)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--local", action="store_true",
                       help="turn request verification off (your own machine only)")
    serve.add_argument("--threads", type=int, default=8,
                       help="worker threads that run requests (default %(default)s)")
    serve.add_argument("--connection-limit", type=int, default=1000,
                       help="open connections held at once, capped by the file limit "
                            "(default %(default)s)")
    serve.add_argument("--channel-timeout", type=int, default=30,
                       help="seconds before an idle connection is closed (default %(default)s)")
    serve.set_defaults(run=run_serve)

    simulate = commands.add_parser(
        "simulate", help="talk to the skill in text: resolves utterances with the model")
    from skill.simulator.console import add_arguments as add_simulate_arguments

    add_simulate_arguments(simulate)
    simulate.set_defaults(run=run_simulate)

    check = commands.add_parser(
        "check", help="validate content, interaction models and the manifest")
    check.add_argument("--package", type=Path, metavar="DIR",
                       help="check a written skill package instead of the sources")
    check.set_defaults(run=run_check)

    package = commands.add_parser(
        "package", help="write the ASK CLI skill package (skill.json + interaction models)")
    package.add_argument("--out", type=Path, default=Path("build/skill-package"),
                         help="the skill-package directory (default build/skill-package)")
    package.add_argument("--endpoint", metavar="https://...",
                         help="the skill's HTTPS endpoint, e.g. https://example.com/alexa")
    package.add_argument("--certificate", choices=("Trusted", "Wildcard", "SelfSigned"),
                         default="Trusted",
                         help="endpoint certificate type (Wildcard for a tunnel sub-domain)")
    package.set_defaults(run=run_package)

    from skill import bench

    bench_parser = commands.add_parser(
        "bench", help="measure the skill against a hello-world floor on the same stack",
        description=bench.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    bench.add_arguments(bench_parser)
    bench_parser.set_defaults(run=bench.run)

    args = parser.parse_args(argv)
    return args.run(args)


def run_serve(args: argparse.Namespace) -> int:
    from skill.settings import SettingsError

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"cramp-helper serve: {exc}", file=sys.stderr)
        return 2
    if args.local:
        settings = settings.as_local()
    problem = settings.startup_problem()
    if problem:
        print(f"cramp-helper serve: {problem}", file=sys.stderr)
        return 2
    from skill.app import create_app

    try:
        app = create_app(settings)
    except Exception as exc:  # noqa: BLE001 - start-up must fail with a clear message
        print(f"cramp-helper serve: cannot start: {exc}", file=sys.stderr)
        return 1
    from skill.serving import serve_forever

    print(f"Leg Cramp Helper listening on http://{args.host}:{args.port}/alexa"
          f"{' (local mode: verification OFF)' if settings.local else ''}", file=sys.stderr)
    serve_forever(app, args.host, args.port, threads=args.threads,
                  connection_limit=args.connection_limit, channel_timeout=args.channel_timeout,
                  max_body_bytes=settings.max_body_bytes)
    return 0


def run_simulate(args: argparse.Namespace) -> int:
    from skill.simulator.console import run

    return run(args)


def run_check(args: argparse.Namespace) -> int:
    from skill.model.package import check_package, check_project

    handled = _handled_intents()
    if args.package:
        problems, notes = check_package(args.package, handled), []
    else:
        problems, notes = check_project(Settings.from_env(), handled)
    for note in notes:
        print(f"note: {note}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"cramp-helper check: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"cramp-helper check: OK ({args.package or 'sources'})")
    return 0


def _handled_intents() -> frozenset[str]:
    from skill.handlers import HANDLED_INTENTS

    return HANDLED_INTENTS


def run_package(args: argparse.Namespace) -> int:
    from skill.model.package import check_package, write_package
    from skill.model.source import ModelSourceError

    try:
        result = write_package(args.out, args.endpoint, args.certificate, Settings.from_env())
    except (ModelSourceError, OSError) as exc:
        print(f"cramp-helper package: {exc}", file=sys.stderr)
        return 1
    for path in result.files:
        print(f"wrote {path}")
    for note in result.notes:
        print(f"note: {note}")
    problems = check_package(args.out, _handled_intents())
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
