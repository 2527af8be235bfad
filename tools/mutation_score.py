"""The share of mutants `mutmut run` killed, beside the target, and the mutants that survived.

Reads mutmut's own result files (mutants/**/*.py.meta: each mutant's exit code, as mutmut 3 records it) so
it needs no mutmut internals. Exit status: 0 when the share reaches the target, 1 below it, 2 with no
results (run `make mutation`, or `mutmut run`, first).

    python tools/mutation_score.py [--target 90] [--mutants DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

# mutmut 3's exit codes (mutmut.stats.status_by_exit_code); anything else it calls "suspicious"
STATUS_BY_EXIT_CODE = {
    1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 2: "interrupted", None: "not checked",
    34: "skipped", 35: "suspicious", 36: "timeout", 37: "caught by type check",
    -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout", -11: "segfault", -9: "segfault",
}
CAUGHT = {"killed", "timeout", "caught by type check"}  # a test (or the checker) noticed the mutant
NOT_RUN = {"not checked", "skipped", "interrupted"}  # no verdict yet: left out of the share


def results(mutants: Path) -> dict[str, str]:
    """mutant name -> status, over every source file mutmut mutated."""
    found: dict[str, str] = {}
    for meta in sorted(mutants.rglob("*.py.meta")):
        data = json.loads(meta.read_text(encoding="utf-8"))
        for name, code in data.get("exit_code_by_key", {}).items():
            found[name] = STATUS_BY_EXIT_CODE.get(code, "suspicious")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=float, default=90.0, help="percent of mutants to kill (default 90)")
    parser.add_argument("--mutants", type=Path, default=Path("mutants"), help="mutmut's work dir")
    args = parser.parse_args(argv)
    by_name = results(args.mutants)
    counts = Counter(by_name.values())
    judged = sum(n for status, n in counts.items() if status not in NOT_RUN)
    if not judged:
        print(f"no mutation results in {args.mutants}/: run `make mutation` first")
        return 2
    caught = sum(counts[status] for status in CAUGHT)
    share = 100.0 * caught / judged
    survivors = sorted(name for name, status in by_name.items() if status not in CAUGHT | NOT_RUN)
    for name in survivors:
        print(f"  {by_name[name]:<11} {name}")
    print(", ".join(f"{status} {n}" for status, n in sorted(counts.items())))
    verdict = "meets" if share >= args.target else "BELOW"
    print(f"mutants killed: {caught}/{judged} = {share:.1f}% (target >= {args.target:.0f}%: {verdict})")
    if counts["not checked"]:
        print(f"({counts['not checked']} mutants not run yet: the figure covers those that were)")
    return 0 if share >= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
