"""`cramp-helper`: serve, simulate, check, package, bench."""
from __future__ import annotations

import argparse
import sys

from skill.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cramp-helper", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the skill's webhook (Flask's server)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--local", action="store_true",
                       help="turn request verification off (your own machine only)")
    serve.set_defaults(run=run_serve)

    from skill import bench

    bench_parser = commands.add_parser(
        "bench", help="measure the skill against a hello-world floor on the same stack",
        description=bench.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    bench.add_arguments(bench_parser)
    bench_parser.set_defaults(run=bench.run)

    args = parser.parse_args(argv)
    return args.run(args)


def run_serve(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if args.local:
        settings = settings.as_local()
    elif not settings.skill_id:
        print("cramp-helper serve: set SKILL_ID (your skill's id from the developer console), "
              "or pass --local to run without request verification on your own machine.",
              file=sys.stderr)
        return 2
    from skill.app import create_app

    try:
        app = create_app(settings)
    except Exception as exc:  # noqa: BLE001 - start-up must fail with a clear message
        print(f"cramp-helper serve: cannot start: {exc}", file=sys.stderr)
        return 1
    print(f"Leg Cramp Helper listening on http://{args.host}:{args.port}/alexa"
          f"{' (local mode: verification OFF)' if settings.local else ''}", file=sys.stderr)
    app.run(host=args.host, port=args.port, debug=False, use_reloader=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
