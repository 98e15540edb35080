"""Worker start-up, measured in a fresh interpreter: import time by package, and app build.

What a gunicorn worker does before its first request is `import skill.app` and
`create_app()` (through `skill.bench.server.create_bench_app`). This runs exactly that
under `python -X importtime`, with the benchmark's environment, and sums each module's
own import time by top-level package, so a heavy import that slipped in shows by name.
"""
from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
from collections import Counter
from typing import Any

from skill.bench.client import ServerFailed

_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|\s*(\S+)")

_PROBE = """
import json, sys, time
began = time.perf_counter()
import skill.app
imported = time.perf_counter()
from skill.bench.server import create_bench_app
create_bench_app({kind!r})
built = time.perf_counter()
rss = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmRSS'))
print(json.dumps({{"import_ms": (imported - began) * 1000, "build_ms": (built - imported) * 1000,
                  "rss_kib": rss, "modules": len(sys.modules)}}))
"""


_PRIME = """
import gunicorn.app.wsgiapp, gunicorn.arbiter, gunicorn.workers.sync, gunicorn.workers.gthread
from skill.bench.server import create_bench_app
create_bench_app("skill")
create_bench_app("floor")
"""


def prime_bytecode(env: dict[str, str]) -> None:
    """Import everything a server imports once, so its bytecode is cached for the rest."""
    done = subprocess.run([sys.executable, "-c", _PRIME], env=env, capture_output=True,
                          text=True, timeout=120)
    if done.returncode != 0:
        raise ServerFailed(f"the servers' code does not import:\n{done.stderr[-2000:]}")


def self_time_by_package(importtime_output: str) -> Counter[str]:
    """Microseconds of own import time per top-level package, from `-X importtime`."""
    totals: Counter[str] = Counter()
    for line in importtime_output.splitlines():
        match = _IMPORT_LINE.match(line)
        if match:
            totals[match.group(3).split(".")[0]] += int(match.group(1))
    return totals


def probe(kind: str, env: dict[str, str], runs: int = 3) -> dict[str, Any]:
    """Median start-up of `runs` fresh interpreters, and the import profile of the last."""
    samples, profile = [], Counter()
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-X", "importtime", "-c", _PROBE.format(kind=kind)],
                              env=env, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise ServerFailed(f"start-up probe for {kind} failed:\n{done.stderr[-2000:]}")
        samples.append(json.loads(done.stdout.strip().splitlines()[-1]))
        profile = self_time_by_package(done.stderr)
    return {
        "import_skill_app_ms": statistics.median(s["import_ms"] for s in samples),
        "create_app_ms": statistics.median(s["build_ms"] for s in samples),
        "rss_mib": statistics.median(s["rss_kib"] for s in samples) / 1024,
        "modules": samples[-1]["modules"],
        "import_self_ms_total": sum(profile.values()) / 1000,
        "top_packages_ms": {name: us / 1000 for name, us in profile.most_common(12)},
    }


def markdown(startup: dict[str, dict[str, Any]]) -> str:
    """Start-up of skill and floor side by side, then the heaviest packages of the skill."""
    skill, floor = startup.get("skill"), startup.get("floor")
    if not skill or not floor:
        return ""
    lines = ["| worker start-up (fresh interpreter) | skill | floor |", "|---|---:|---:|"]
    for title, key, digits in (("import skill.app (ms)", "import_skill_app_ms", 0),
                               ("create_app() (ms)", "create_app_ms", 0),
                               ("own import time, all modules (ms)", "import_self_ms_total", 0),
                               ("modules loaded", "modules", 0),
                               ("RSS after start-up (MiB)", "rss_mib", 1)):
        lines.append(f"| {title} | {skill[key]:.{digits}f} | {floor[key]:.{digits}f} |")
    heaviest = ", ".join(f"{name} {ms:.0f}" for name, ms in skill["top_packages_ms"].items())
    lines += ["", f"Heaviest imports in the skill's worker (own import time, ms): {heaviest}."]
    return "\n".join(lines)
