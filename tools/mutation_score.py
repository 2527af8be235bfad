"""The share of mutants `mutmut run` killed, per mutated module and overall, beside the target, and the mutants
that survived.

Reads mutmut's own result files (mutants/**/*.py.meta: each mutant's exit code, as mutmut 3 records it) so
it needs no mutmut internals. Mutants listed in tools/mutation_equivalent.txt (reviewed: no test can tell them
from the original) are printed apart and left out of the share; a listed mutant whose mutated line no longer
reads as recorded (the source moved on and mutmut renumbered) is treated as a survivor again, so the list
cannot hide a real one. Exit status: 0 when the share reaches the target, 1 below it, 2 with no results (run
`make mutation`, or `mutmut run`, first).

With a random sample of the mutants not run yet (tools/mutation_sample.py, `make mutation-sample`), it also
estimates the share over every mutant: the judged ones as they are, the ones still not run at the sample's
kill rate, with a 95% Wilson interval; the verdict then goes by the interval's lower end.

    python tools/mutation_score.py [--target 90] [--mutants DIR] [--equivalent FILE]
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import math
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

# mutmut 3's exit codes (mutmut.stats.status_by_exit_code); anything else it calls "suspicious"
STATUS_BY_EXIT_CODE = {
    1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 2: "interrupted", None: "not checked",
    34: "skipped", 35: "suspicious", 36: "timeout", 37: "caught by type check",
    -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout", -11: "segfault", -9: "segfault",
}
CAUGHT = {"killed", "timeout", "caught by type check"}  # a test (or the checker) noticed the mutant
NOT_RUN = {"not checked", "skipped", "interrupted"}  # no verdict yet: left out of the share
EQUIVALENT = "equivalent"
DEFAULT_LIST = Path(__file__).with_name("mutation_equivalent.txt")


@dataclass(frozen=True)
class Listed:
    """One reviewed equivalent mutant: where, which, the line it mutates to, and why no test can kill it."""

    path: str
    name: str
    line: str
    why: str


def results(mutants: Path) -> dict[str, tuple[str, str]]:
    """mutant name -> (source file, status), over every source file mutmut mutated."""
    found: dict[str, tuple[str, str]] = {}
    for meta in sorted(mutants.rglob("*.py.meta")):
        source = meta.relative_to(mutants).as_posix().removesuffix(".meta")
        data = json.loads(meta.read_text(encoding="utf-8"))
        for name, code in data.get("exit_code_by_key", {}).items():
            found[name] = (source, STATUS_BY_EXIT_CODE.get(code, "suspicious"))
    return found


def read_list(path: Path) -> list[Listed]:
    """`file | mutant | mutated line | why` per line (the line may hold " | " itself); # starts a comment."""
    if not path.exists():
        return []
    listed = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = [part.strip() for part in raw.split(" | ")]
        entry = Listed(parts[0], parts[1], " | ".join(parts[2:-1]), parts[-1]) if len(parts) >= 4 else None
        if entry is None or not all((entry.path, entry.name, entry.line, entry.why)):
            raise SystemExit(f"{path}:{number}: expected `file | mutant | mutated line | why`")
        listed.append(entry)
    return listed


def mutated_lines(mutants: Path, source: str, name: str) -> list[str]:
    """The lines mutant `name` has in place of the original's (stripped), read from mutmut's copy of `source`."""
    text = (mutants / source).read_text(encoding="utf-8")
    lines = text.splitlines()
    # mutmut names a mutant <module>.<function>__mutmut_<n> and keeps the original as <function>__mutmut_orig;
    # the names are made alike so that a mutated default (on the def line) shows as the only change
    bodies = {node.name: [line.replace(node.name, "f") for line in lines[node.lineno - 1:node.end_lineno]]
              for node in ast.walk(ast.parse(text)) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
    function = name.split(".")[-1]
    original = bodies.get(function.rsplit("__mutmut_", 1)[0] + "__mutmut_orig", [])
    diff = difflib.unified_diff(original, bodies.get(function, []), lineterm="", n=0)
    return [line[1:].strip() for line in diff if line.startswith("+") and not line.startswith("+++")]


def wilson(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion (sound for small samples and rates near 1)."""
    if trials == 0:
        return 0.0, 1.0
    rate = successes / trials
    centre = (rate + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(rate * (1 - rate) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def sampled_estimate(by_name: dict[str, tuple[str, str]], mutants: Path, target: float) -> bool | None:
    """Print the estimate over all mutants from the kept sample; whether its lower end meets the target (None
    without a sample, or with none of it judged yet)."""
    kept = mutants / "sample.json"
    if not kept.exists():
        return None
    sample = json.loads(kept.read_text(encoding="utf-8"))
    statuses = [by_name.get(name, ("", "missing"))[1] for name in sample["names"]]
    judged = [status for status in statuses if status not in NOT_RUN | {EQUIVALENT, "missing"}]
    if not judged:
        print(f"sample of {len(statuses)} drawn from {sample['frame']} mutants not run: none judged yet")
        return None
    caught_in_sample = sum(status in CAUGHT for status in judged)
    low, high = wilson(caught_in_sample, len(judged))
    all_judged = [status for _, status in by_name.values() if status not in NOT_RUN | {EQUIVALENT}]
    caught = sum(status in CAUGHT for status in all_judged)
    not_run = sum(status in NOT_RUN for _, status in by_name.values())
    total = len(all_judged) + not_run

    def share(rate: float) -> float:
        return 100.0 * (caught + rate * not_run) / total

    point = caught_in_sample / len(judged)
    verdict = share(low) >= target
    print(f"sample: {caught_in_sample}/{len(judged)} killed of {len(statuses)} drawn at random (seed "
          f"{sample['seed']}) from the {sample['frame']} mutants not run then = {100.0 * point:.1f}% "
          f"(95% interval {100.0 * low:.1f}-{100.0 * high:.1f}%)")
    print(f"estimated over all {total} mutants ({not_run} still not run, taken at the sample's rate): "
          f"{share(point):.1f}% (95% interval {share(low):.1f}-{share(high):.1f}%; target >= {target:.0f}%: "
          f"{'meets' if verdict else 'BELOW'} at the lower end)")
    return verdict


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=float, default=90.0, help="percent of mutants to kill (default 90)")
    parser.add_argument("--mutants", type=Path, default=Path("mutants"), help="mutmut's work dir")
    parser.add_argument("--equivalent", type=Path, default=DEFAULT_LIST, help="reviewed equivalent mutants")
    args = parser.parse_args(argv)
    by_name = results(args.mutants)
    listed = {entry.name: entry for entry in read_list(args.equivalent)}
    equivalent, stale = [], []
    for name, entry in sorted(listed.items()):
        source, status = by_name.get(name, (entry.path, "missing"))
        # an entry counts only while its mutant survives and still mutates the line that was reviewed
        if status in {"survived", "no tests"} and entry.line in mutated_lines(args.mutants, source, name):
            by_name[name] = (source, EQUIVALENT)
            equivalent.append(entry)
        elif status not in NOT_RUN:
            stale.append(f"{entry.path} {name}: {status}, or no longer mutates `{entry.line}`")
    counts = Counter(status for _, status in by_name.values())
    judged = sum(n for status, n in counts.items() if status not in NOT_RUN | {EQUIVALENT})
    if not judged:
        print(f"no mutation results in {args.mutants}/: run `make mutation` first")
        return 2
    survivors = sorted(name for name, (_, status) in by_name.items() if status not in CAUGHT | NOT_RUN | {EQUIVALENT})
    for name in survivors:
        print(f"  {by_name[name][1]:<11} {name}")
    if equivalent:
        print(f"equivalent (reviewed in {args.equivalent.name}, left out of the share):")
        for entry in equivalent:
            print(f"  {entry.path} {entry.name}: {entry.why}")
    for line in stale:
        print(f"  listed as equivalent but {line}: review the list")
    print("per module (killed/judged of all mutants, share):")
    modules = sorted({source for source, _ in by_name.values()})
    for module in modules:
        statuses = [status for source, status in by_name.values() if source == module]
        run = [status for status in statuses if status not in NOT_RUN | {EQUIVALENT}]
        if statuses:
            caught_here = sum(status in CAUGHT for status in run)
            share_here = f"{100.0 * caught_here / len(run):5.1f}%" if run else "    -"
            print(f"  {module:<34} {caught_here:>4}/{len(run):<4} of {len(statuses):<5} {share_here}")
    caught = sum(counts[status] for status in CAUGHT)
    share = 100.0 * caught / judged
    print(", ".join(f"{status} {n}" for status, n in sorted(counts.items())))
    verdict = "meets" if share >= args.target else "BELOW"
    print(f"mutants killed: {caught}/{judged} = {share:.1f}% (target >= {args.target:.0f}%: {verdict})")
    if counts["not checked"]:
        print(f"({counts['not checked']} mutants not run yet: the figure covers those that were)")
    estimate = sampled_estimate(by_name, args.mutants, args.target)
    if estimate is not None and counts["not checked"]:
        return 0 if estimate else 1
    return 0 if share >= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
