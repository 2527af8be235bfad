"""The mutation score's sampled estimate (tools/mutation_sample.py, tools/mutation_score.py) on made-up results."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import mutation_sample  # noqa: E402 - tools/ is not a package
import mutation_score  # noqa: E402


def _meta(mutants: Path, codes: dict[str, int | None]) -> None:
    meta = mutants / "pos_member" / "domain" / "money.py.meta"
    meta.parent.mkdir(parents=True)
    meta.write_text(json.dumps({"exit_code_by_key": codes}), encoding="utf-8")


def test_wilson_interval_holds_the_rate_and_narrows_with_more_trials() -> None:
    low, high = mutation_score.wilson(95, 100)
    assert low < 0.95 < high
    assert (round(low, 3), round(high, 3)) == (0.888, 0.978)
    wide = mutation_score.wilson(19, 20)
    assert wide[0] < low and wide[1] > high
    assert mutation_score.wilson(10, 10)[1] == 1.0


def test_the_sample_is_drawn_from_mutants_not_run_and_resumed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    codes: dict[str, int | None] = {f"m.x_f__mutmut_{n}": (1 if n < 10 else None) for n in range(40)}
    _meta(tmp_path, codes)
    assert mutation_sample.main(["--size", "5", "--mutants", str(tmp_path)]) == 0
    drawn = capsys.readouterr().out.split()
    kept = json.loads((tmp_path / "sample.json").read_text(encoding="utf-8"))
    assert kept["frame"] == 30 and sorted(drawn) == kept["names"] and len(drawn) == 5
    assert all(codes[name] is None for name in drawn)  # only mutants not judged yet
    assert mutation_sample.main(["--size", "9", "--mutants", str(tmp_path)]) == 0  # resumed: the same five
    assert sorted(capsys.readouterr().out.split()) == kept["names"]
    killed, survived, *_ = kept["names"]
    codes |= {killed: 1, survived: 0}
    (tmp_path / "pos_member" / "domain" / "money.py.meta").write_text(json.dumps({"exit_code_by_key": codes}))
    assert mutation_sample.main(["--mutants", str(tmp_path)]) == 0  # a survivor is run again: a new test may catch it
    assert sorted(capsys.readouterr().out.split()) == [name for name in kept["names"] if name != killed]


def test_the_estimate_takes_the_mutants_not_run_at_the_samples_rate(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    # 60 judged (54 killed), 40 not run, of which a sample of 20: 19 killed, 1 survived
    codes: dict[str, int | None] = {f"m.x_f__mutmut_{n}": (1 if n < 54 else 0) for n in range(60)}
    sample = [f"m.x_g__mutmut_{n}" for n in range(20)]
    codes |= {name: (0 if n == 0 else 1) for n, name in enumerate(sample)}
    codes |= {f"m.x_h__mutmut_{n}": None for n in range(20)}
    _meta(tmp_path, codes)
    (tmp_path / "sample.json").write_text(json.dumps({"seed": 1, "frame": 40, "names": sample}), encoding="utf-8")
    empty = tmp_path / "none.txt"
    status = mutation_score.main(["--mutants", str(tmp_path), "--equivalent", str(empty), "--target", "90"])
    out = capsys.readouterr().out
    # all judged: 73/80; the 20 not run at 19/20 = 19 more: (73 + 19) / 100
    assert "mutants killed: 73/80 = 91.2%" in out
    assert "estimated over all 100 mutants (20 still not run, taken at the sample's rate): 92.0%" in out
    # the verdict goes by the interval's lower end: 19/20 gives 76.4%, so (73 + 15.3) / 100 = 88.3% < 90%
    assert "(95% interval 88.3-" in out and "BELOW at the lower end" in out
    assert status == 1
