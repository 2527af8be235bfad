"""A random sample of the mutants `mutmut run` has not judged yet, for `make mutation-sample`.

A full run of `make mutation` takes about 5 CPU-hours on the 2-core machine: a surviving mutant runs every
test that calls its function (for the rules parser that is nearly the whole selection, HQ and PostgreSQL
included). Drawing mutants at random from those not run yet and running only them estimates the share a full
run would kill, with an interval that tools/mutation_score.py prints beside the judged share.

The draw is kept in mutants/sample.json (seed, how many were not run when it was drawn, the names), so a run
stopped half-way resumes the same sample; `--redraw` draws anew. Prints, one per line, for `mutmut run` (which
re-runs every mutant it is given by name), the sampled mutants not judged yet and those no test caught: a test
written since may catch them, and killed ones stay killed as tests are only added.

    python tools/mutation_sample.py [--size 300] [--seed 1] [--mutants mutants] [--redraw]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutation_score import CAUGHT, NOT_RUN, results  # noqa: E402 - tools/ is not a package

SAMPLE_FILE = "sample.json"


def draw(mutants: Path, size: int, seed: int) -> dict[str, object]:
    not_run = sorted(name for name, (_, status) in results(mutants).items() if status in NOT_RUN)
    names = random.Random(seed).sample(not_run, min(size, len(not_run)))
    return {"seed": seed, "frame": len(not_run), "names": sorted(names)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=300, help="how many mutants to draw (default 300)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mutants", type=Path, default=Path("mutants"), help="mutmut's work dir")
    parser.add_argument("--redraw", action="store_true", help="draw a new sample instead of resuming the kept one")
    args = parser.parse_args(argv)
    if not any(args.mutants.rglob("*.py.meta")):
        print(f"no mutants in {args.mutants}/: start `make mutation` first (it makes them; stop it any time)",
              file=sys.stderr)
        return 2
    kept = args.mutants / SAMPLE_FILE
    if kept.exists() and not args.redraw:
        sample = json.loads(kept.read_text(encoding="utf-8"))
    else:
        sample = draw(args.mutants, args.size, args.seed)
        kept.write_text(json.dumps(sample, indent=1), encoding="utf-8")
    by_name = results(args.mutants)
    print("\n".join(name for name in sample["names"] if by_name.get(name, ("", "not checked"))[1] not in CAUGHT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
