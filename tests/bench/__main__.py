"""`make bench`: run every benchmark in turn; each prints its figures beside its targets.

A benchmark that cannot run here (a missing system package, say) is reported and the rest still run."""

from __future__ import annotations

import importlib
import sys
import traceback

BENCHMARKS = [
    "tests.bench.bench_store",
    "tests.bench.bench_jobs",
    "tests.bench.bench_decoders",
    "tests.bench.bench_gui",
    "tests.bench.bench_sync",
    "tests.bench.bench_chain",  # builds the chain's data once (~10 minutes), then reuses it
    "tests.bench.bench_holds",
    "tests.bench.bench_settlement",
]


def main() -> int:
    failed = []
    for name in BENCHMARKS:
        print(f"\n===== {name} =====", flush=True)
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                print(f"(not present yet: {name})")
                continue
            raise
        saved = sys.argv
        sys.argv = [name]  # each benchmark parses its own options; run them with their defaults
        try:
            module.main()
        except SystemExit as exc:
            if exc.code not in (0, None):
                failed.append(name)
        except Exception:
            traceback.print_exc()
            failed.append(name)
        finally:
            sys.argv = saved
    if failed:
        print(f"\nbenchmarks that did not finish: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
