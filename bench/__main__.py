"""Run every benchmark in turn: `python -m bench [name ...]`.

Each benchmark is a script (`python -m bench.<name>`) that measures, prints its
numbers and rewrites its own section of docs/benchmarks.md. They run one after
another in separate processes so that one cannot skew the next.
"""

from __future__ import annotations

import subprocess
import sys
import time

BENCHMARKS = [
    "archive_speed",
    "search_latency",
    "lookup_load",
    "index_speed",
    "ingest_speed",
    "accuracy",
]
# Arguments a benchmark needs to rewrite its section the way docs/benchmarks.md reports it.
ARGS = {"accuracy": ["--workers", "2", "--write-docs"]}


def run(names: list[str]) -> int:
    if any(name in ("-h", "--help") for name in names):
        print(__doc__.strip())
        print(f"benchmarks: {', '.join(BENCHMARKS)}")
        print("one benchmark's own options: python -m bench.<name> --help")
        return 0
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:  # checked before anything runs: a typo must not cost an hour of benchmarks
        print(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHMARKS)}")
        print("(a benchmark's own options go to it directly: python -m bench.<name> [options])")
        return 2
    worst = 0
    for name in names or BENCHMARKS:
        started = time.monotonic()
        print(f"=== bench/{name}.py", flush=True)
        command = [sys.executable, "-m", f"bench.{name}", *ARGS.get(name, [])]
        code = subprocess.run(command, check=False).returncode
        print(f"=== bench/{name}.py: exit {code} in {time.monotonic() - started:.0f} s", flush=True)
        worst = max(worst, code)
    return worst


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
