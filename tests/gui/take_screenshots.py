"""Screenshots of the till under a real X server: signed in, member shown, quote shown.

    python -m tests.gui.take_screenshots [--out resources/screenshots] [--lang en|zh_CN|both]

With no DISPLAY it starts its own Xvfb on a free display number and stops it afterwards (only that one).
A demo store is built in a temp dir; the "camera" is a still picture of the counter, then of a member's
card, replayed through the real frame source and decoder, so the member panel is filled by a real scan.
English files are named till-<step>.png, Chinese ones till-<step>-zh_CN.png.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

WIDTH, HEIGHT = 1440, 900
STEPS = ("signed-in", "member", "quote")


def _free_display() -> int:
    for number in range(90, 200):
        if not Path(f"/tmp/.X{number}-lock").exists() and not Path(f"/tmp/.X11-unix/X{number}").exists():
            return number
    raise RuntimeError("no free X display number between :90 and :199")


def _with_xvfb(argv: list[str]) -> int:
    """Run this script again under an Xvfb we start (and stop) ourselves."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        print("Xvfb is not installed (apt-get install xvfb), and there is no DISPLAY", file=sys.stderr)
        return 2
    number = _free_display()
    server = subprocess.Popen([xvfb, f":{number}", "-screen", "0", f"{WIDTH + 80}x{HEIGHT + 80}x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):  # wait for the socket, at most ~5 s
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                break
            time.sleep(0.05)
        env = dict(os.environ, DISPLAY=f":{number}", QT_QPA_PLATFORM="xcb")
        return subprocess.call([sys.executable, "-m", "tests.gui.take_screenshots", *argv], env=env)
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait(app, condition: Callable[[], bool], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the till did not reach the expected state")
        app.processEvents()
        time.sleep(0.01)


def _settle(app, seconds: float = 0.4) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def take(out: Path, language: str) -> list[Path]:
    import cv2
    from sqlalchemy import text

    from pos_member.app import TillApp
    from pos_member.config import Settings, resolve_paths
    from pos_member.services import cards
    from pos_member.services.context import open_store
    from pos_member.services.demo import DEMO_CASHIER_PIN, build_demo_store
    from pos_member.ui.application import create_application
    from tests.scanner_frames import blank_frame, render_qr_frame

    app, _translators = create_application(language)
    suffix = "" if language == "en" else f"-{language}"
    saved: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="pos-shots-") as tmp:
        home = Path(tmp) / "home"
        paths = resolve_paths(str(home))
        store = open_store(paths.db)
        build_demo_store(store, 200, paths.qr_dir)
        with store.db.read() as conn:  # a member worth showing: a tier, points and stored value
            card_no = conn.execute(text(
                "SELECT c.card_no FROM cards c JOIN members m ON m.id = c.member_id WHERE c.status = 'active' "
                "AND m.tier_code != 'standard' AND m.stored_paid_fen > 0 AND (c.expires_on IS NULL OR "
                "c.expires_on > date('now')) ORDER BY m.points DESC LIMIT 1")).scalar_one()
        qr = cards.card_qr(store, card_no).qr
        from pos_member.services.coupons import issue_coupon

        issue_coupon(store, card_no, "save10")  # a coupon in the wallet, as the panel shows it
        issue_coupon(store, card_no, "parking")
        store.close()
        counter, card = Path(tmp) / "counter.png", Path(tmp) / "card.png"
        cv2.imwrite(str(counter), blank_frame())
        cv2.imwrite(str(card), render_qr_frame(qr, size_px=260, center=(700, 380)))

        till = TillApp(str(home), settings=Settings(camera_source=str(counter), language=language))
        window = till.start()
        window.resize(WIDTH, HEIGHT)
        window.show()
        _wait(app, lambda: window.signin.pin.isVisible())
        window.signin.pin.setText(DEMO_CASHIER_PIN)
        window.signin._submit()
        _wait(app, lambda: window.staff is not None and window.sales.rowCount() > 0)
        _wait(app, lambda: window.camera.frames_shown > 3)
        _settle(app)

        def shot(step: str) -> None:
            path = out / f"till-{step}{suffix}.png"
            window.grab().save(str(path))
            saved.append(path)

        shot("signed-in")
        window.settings.camera_source = str(card)
        till.start_scanner()  # as the settings dialog does when the camera changes
        _wait(app, lambda: window.member is not None)
        _settle(app, 0.2)  # the green "read" frame is still on
        shot("member")
        window.sale.amount.setText("268.00")
        window.sale.changed.emit()
        _wait(app, lambda: window.sale.quote is not None)
        window.sale.use_max_points()
        _wait(app, lambda: window.sale.quote is not None and window.sale.quote.points_redeemed > 0)
        window.sale.stored.setText("50.00")
        window.sale.changed.emit()
        _wait(app, lambda: window.sale.quote is not None and window.sale.quote.stored_value_fen == 5000)
        _settle(app)
        shot("quote")
        window.close()
        till.shutdown()
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="resources/screenshots")
    parser.add_argument("--lang", default="both", choices=["en", "zh_CN", "both"])
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and os.environ.get("QT_QPA_PLATFORM", "xcb") == "xcb":
        return _with_xvfb(sys.argv[1:])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    languages = ["en", "zh_CN"] if args.lang == "both" else [args.lang]
    if len(languages) > 1:  # one QApplication per process: each language in its own run
        codes = [subprocess.call([sys.executable, "-m", "tests.gui.take_screenshots", "--out", str(out),
                                  "--lang", lang]) for lang in languages]
        return max(codes)
    for path in take(out, languages[0]):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
