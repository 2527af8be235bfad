"""The till fits the two commonest till screens, 1024x768 and 1366x768, in English and Chinese, with no
window manager (a kiosk till): each run is the real app in its own process on an offscreen screen of that
size, opened as `pos-member` opens it, with a member, a quote, a long coupon note, an error and a message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from pos_member.paths import resource
from tests.gui.conftest import seed_store

ESSENTIAL = ("member code", "member panel", "member name", "points balance", "stored balance", "bill amount",
             "quote", "to pay", "confirm", "status bar", "coupon note", "error", "message")
# these must show their whole height; the panels and the quote table may give some up, within limits
WHOLE = ("member code", "member name", "points balance", "stored balance", "bill amount", "to pay", "confirm",
         "status bar")


def _probe(tmp_path: Path, clock, width: int, height: int, language: str) -> dict:
    home = tmp_path / "home"
    home.mkdir()
    people = seed_store(home, clock)
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"screens": [{"name": "till", "x": 0, "y": 0, "width": width, "height": height,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    args = [sys.executable, "-m", "tests.gui.layout_probe", str(home), people.wang.card_no or ""]
    if language == "zh_CN":
        qm = tmp_path / "zh.qm"
        lrelease = Path(sys.executable).with_name("pyside6-lrelease")
        subprocess.run([str(lrelease), "-silent", str(resource("translations", "pos_member_zh_CN.ts")), "-qm",
                        str(qm)], check=True)
        args += ["--qm", str(qm)]
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screen}", POS_MEMBER_HOME=str(home))
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _inside(inner: list[int], outer: list[int]) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1366, 768)])
def test_everything_essential_is_on_screen_and_whole(tmp_path, clock, width, height, language):
    report = _probe(tmp_path, clock, width, height, language)
    assert report["screen"] == [0, 0, width, height]
    # opened on the whole available screen, though no window manager maximised it
    assert report["window"] == [0, 0, width, height]
    assert report["window_min"][0] <= width and report["window_min"][1] <= height
    window = [0, 0, width, height]
    for name in ESSENTIAL:
        place = report["widgets"][name]
        assert place["visible"], name
        assert _inside(place["rect"], window), (name, place)
        assert place["shown"] == place["rect"], f"{name} is clipped by a parent: {place}"
        if name in WHOLE:
            assert place["rect"][3] >= place["hint_height"], f"{name} is squeezed: {place}"
        else:
            assert place["rect"][3] >= place["min_height"], f"{name} is squeezed: {place}"
    quote = report["widgets"]["quote"]["rect"]
    assert quote[3] >= 80, "the quote table keeps room for its header and a line or two"
    places = {name: report["widgets"][name]["rect"] for name in ("to pay", "error", "quote", "confirm", "message",
                                                                 "status bar", "coupon note", "bill amount")}

    def overlap(a: list[int], b: list[int]) -> bool:
        return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]

    names = list(places)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            assert not overlap(places[first], places[second]), (first, second, places[first], places[second])
    # the long note and error are cut to their lines, the whole sentence kept in the tooltip
    for fitted in report["fitted"].values():
        assert fitted["shown"] == fitted["full"] and fitted["full"]


def test_type_scales_with_a_bigger_screen_only():
    from pos_member.ui.application import font_scale_for

    assert font_scale_for(1024, 768) == 1.0
    assert font_scale_for(1366, 768) == 1.0
    assert font_scale_for(1600, 900) == 1.17
    assert font_scale_for(1920, 1080) == 1.3
    assert font_scale_for(3840, 2160) == 1.3


def test_a_long_sentence_is_cut_to_its_lines_and_kept_whole(qtbot):
    from pos_member.ui.fitted_label import FittedLabel

    label = FittedLabel(2)
    qtbot.addWidget(label)
    label.resize(300, label.height())
    label.show()
    height = label.height()
    sentence = "This coupon needs a bill of at least ¥ 300.00 in fresh, dairy and bakery; " * 4
    label.setText(sentence)
    shown = QLabel.text(label).split("\n")
    assert len(shown) == 2 and shown[-1].endswith("…")
    assert label.text() == sentence and label.toolTip() == sentence
    assert label.height() == height  # the label never grows: what is under it stays put
    label.setText("Short.")
    assert QLabel.text(label) == "Short."
    label.clear()
    assert label.text() == "" and QLabel.text(label) == ""
