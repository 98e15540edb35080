"""`cramp-helper`: serve, simulate, check, package, bench."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from skill.settings import Settings


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Only the chosen command's arguments are built: the simulator and the benchmark are
    # heavy imports that `serve` must not pay for.
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
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
    if chosen == "simulate":
        from skill.simulator.console import add_arguments as add_simulate_arguments

        add_simulate_arguments(simulate)
    simulate.set_defaults(run=run_simulate)

    check = commands.add_parser(
        "check", help="validate content, interaction models and the manifest")
    check.add_argument("--package", type=Path, metavar="DIR",
                       help="check a written skill package instead of the sources")
    check.set_defaults(run=run_check)

    package = commands.add_parser(
        "package", help="write the ASK CLI skill package (skill.json, models, icons), or with "
                        "--lambda the AWS Lambda deployment zip")
    package.add_argument("--out", type=Path, default=None,
                         help="the skill-package directory (default build/skill-package), or "
                              "with --lambda the zip (default build/lambda.zip)")
    package.add_argument("--endpoint", metavar="https://...|arn:aws:lambda:...",
                         help="the skill's HTTPS endpoint (e.g. https://example.com/alexa) or "
                              "its Lambda function ARN")
    package.add_argument("--certificate", choices=("Trusted", "Wildcard", "SelfSigned"),
                         default="Trusted",
                         help="endpoint certificate type (Wildcard for a tunnel sub-domain)")
    package.add_argument("--privacy-url", metavar="https://...",
                         help="privacy policy URL (default: /privacy beside an HTTPS endpoint; "
                              "required with a Lambda endpoint)")
    package.add_argument("--terms-url", metavar="https://...",
                         help="terms of use URL (default: /terms beside an HTTPS endpoint; "
                              "required with a Lambda endpoint)")
    package.add_argument("--lambda", dest="lambda_zip", action="store_true",
                         help="build the AWS Lambda deployment zip (the wheel and its "
                              "dependencies for Linux x86_64; needs the package registry)")
    package.add_argument("--wheel", type=Path, metavar="FILE",
                         help="with --lambda: ship this wheel instead of building one from "
                              "the checkout")
    package.add_argument("--runtime", metavar="X.Y", default=None,
                         help="with --lambda: switch deploy/template.yaml's runtime to Python "
                              "X.Y (one on this machine) and build for it")
    package.add_argument("--python-version", metavar="X.Y", default=None,
                         help="with --lambda: build for this Python and leave the template "
                              "alone (the zip then suits another runtime than the template's)")
    package.set_defaults(run=run_package)

    bench_parser = commands.add_parser(
        "bench", help="measure the skill against a hello-world floor on the same stack",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    if chosen == "bench":
        from skill import bench

        bench_parser.description = bench.__doc__
        bench.add_arguments(bench_parser)
    bench_parser.set_defaults(run=run_bench)

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
    from skill.startup import long_lived

    try:
        with long_lived():  # a server process: see skill/startup.py
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


def run_bench(args: argparse.Namespace) -> int:
    from skill import bench

    return bench.run(args)


def run_simulate(args: argparse.Namespace) -> int:
    from skill.simulator.console import run

    return run(args)


def run_check(args: argparse.Namespace) -> int:
    from skill.model.package import check_package, check_project

    handled = _handled_intents()
    if args.package:
        problems, notes = check_package(args.package, handled, Settings.from_env()), []
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
    """Write the skill package and check it. A package given an endpoint or a policy URL is
    for submission: whatever submission needs is an error (exit 1), and without the
    publisher and contact nothing is written (exit 2). Without any, it is a local package:
    what a submission still needs is printed as warnings, and it exits 0."""
    if args.lambda_zip:
        return run_lambda_package(args)
    from skill.model.package import (
        PackageError,
        check_package,
        is_submission,
        submission_needs,
        write_package,
    )
    from skill.model.source import ModelSourceError
    from skill.settings import SettingsError

    out = args.out or Path("build/skill-package")
    try:
        settings = Settings.from_env()
        result = write_package(out, args.endpoint, args.certificate, settings,
                               privacy_url=args.privacy_url, terms_url=args.terms_url)
    except (PackageError, SettingsError) as exc:
        print(f"cramp-helper package: {exc}", file=sys.stderr)
        return 2
    except (ModelSourceError, OSError) as exc:
        print(f"cramp-helper package: {exc}", file=sys.stderr)
        return 1
    for path in result.files:
        print(f"wrote {path}")
    for note in result.notes:
        print(f"note: {note}")
    submission = is_submission(args.endpoint, args.privacy_url, args.terms_url)
    problems = check_package(out, _handled_intents(), settings)
    errors = [p for p in problems if submission or not p.submission]
    for problem in errors:
        print(problem, file=sys.stderr)
    needs = submission_needs(settings, args.endpoint, args.privacy_url, args.terms_url)
    if needs and not errors:
        kind = "" if submission else " is a local package;"
        print(f"warning: {out}{kind} a submission still needs:", file=sys.stderr)
        for need in needs:
            print(f"warning:   {need}", file=sys.stderr)
        print("warning: e.g. CRAMP_HELPER_PUBLISHER=... CRAMP_HELPER_CONTACT=... make package "
              "ENDPOINT=https://... PRIVACY_URL=https://... TERMS_URL=https://...",
              file=sys.stderr)
    return 1 if errors else 0


def run_lambda_package(args: argparse.Namespace) -> int:
    from skill.model.lambda_package import (
        DEFAULT_ZIP,
        HANDLER,
        TEMPLATE,
        LambdaPackageError,
        build_lambda_zip,
        require_runtime_python,
        set_template_runtime,
        template_runtime,
    )

    out = args.out or DEFAULT_ZIP
    try:
        if args.runtime:
            require_runtime_python(args.runtime)  # never switch to a Python that is absent
            if template_runtime() != args.runtime:
                set_template_runtime(args.runtime)
                print(f"{TEMPLATE}: Runtime is now python{args.runtime}")
        built = build_lambda_zip(out, args.wheel, args.python_version or args.runtime)
    except (LambdaPackageError, OSError) as exc:
        print(f"cramp-helper package --lambda: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {built.path}: {built.files} files, {built.bytes / 1e6:.1f} MB "
          f"({built.unpacked_bytes / 1e6:.1f} MB unpacked); handler {HANDLER}; byte code "
          f"compiled by {built.compiled_with}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
