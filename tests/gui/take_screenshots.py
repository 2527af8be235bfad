"""Screenshots of the till under a real X server, at the two commonest till screens (1024x768, 1366x768),
in English and Chinese: a member read by the camera, a sale just recorded (its receipt shown) and the next
bill quoted with points, stored value and a coupon.

    python -m tests.gui.take_screenshots [--out resources/screenshots] [--lang en|zh_CN|both]
                                         [--size 1024x768|1366x768|both]

Each screen size gets its own Xvfb of exactly that size on a free display number, with no window manager
(as a kiosk till), stopped afterwards (only that one); the till opens as `pos-member` opens it, filling the
screen. A demo store is built in a temp dir; the "camera" is a still picture of the counter, then of a
member's card, replayed through the real frame source and decoder, so the member panel is filled by a real
scan. Files are named till-<W>x<H>.png and till-<W>x<H>-zh_CN.png, saved with a palette (no dithering) to keep
the repository small.
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

SIZES = ("1024x768", "1366x768")


def _free_display() -> int:
    for number in range(90, 200):
        if not Path(f"/tmp/.X{number}-lock").exists() and not Path(f"/tmp/.X11-unix/X{number}").exists():
            return number
    raise RuntimeError("no free X display number between :90 and :199")


def _with_xvfb(argv: list[str], size: str) -> int:
    """Run this script again under an Xvfb of `size` that we start (and stop) ourselves."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        print("Xvfb is not installed (apt-get install xvfb), and there is no DISPLAY", file=sys.stderr)
        return 2
    number = _free_display()
    server = subprocess.Popen([xvfb, f":{number}", "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):  # wait for the socket, at most ~5 s
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                break
            time.sleep(0.05)
        env = dict(os.environ, DISPLAY=f":{number}", QT_QPA_PLATFORM="xcb")
        return subprocess.call([sys.executable, "-m", "tests.gui.take_screenshots", *argv, "--size", size],
                               env=env)
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
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage
    from sqlalchemy import text

    from pos_member.app import TillApp
    from pos_member.config import Settings, resolve_paths
    from pos_member.services import cards
    from pos_member.services.context import open_store
    from pos_member.services.demo import DEMO_CASHIER_PIN, build_demo_store
    from pos_member.ui.application import create_application, show_maximised
    from tests.scanner_frames import blank_frame, render_qr_frame

    app, _translators = create_application(language)
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

        coupon = issue_coupon(store, card_no, "save10")  # a coupon in the wallet, used on the next bill
        issue_coupon(store, card_no, "parking")
        store.close()
        counter, card = Path(tmp) / "counter.png", Path(tmp) / "card.png"
        cv2.imwrite(str(counter), blank_frame())
        cv2.imwrite(str(card), render_qr_frame(qr, size_px=260, center=(700, 380)))

        till = TillApp(str(home), settings=Settings(camera_source=str(counter), language=language))
        window = till.start()
        show_maximised(window)  # the whole screen, as on a till without a window manager
        _wait(app, lambda: window.signin.pin.isVisible())
        window.signin.pin.setText(DEMO_CASHIER_PIN)
        window.signin._submit()
        _wait(app, lambda: window.staff is not None and window.sales.rowCount() > 0)
        _wait(app, lambda: window.camera.frames_shown > 3)
        window.settings.camera_source = str(card)
        till.start_scanner()  # as the settings dialog does when the camera changes
        _wait(app, lambda: window.member is not None)
        _settle(app, 0.3)
        window.sale.amount.setText("35.80")  # a first sale, so its receipt shows
        window.sale.changed.emit()
        _wait(app, lambda: window.sale.quote is not None)
        window.confirm_sale()
        _wait(app, lambda: window.last_receipt is not None and window.worker.pending == 0)
        window.sale.amount.setText("268.00")
        window.sale.changed.emit()
        _wait(app, lambda: window.sale.quote is not None)
        window.sale.use_max_points()
        _wait(app, lambda: window.sale.quote is not None and window.sale.quote.points_redeemed > 0)
        window.sale.stored.setText("50.00")
        window.sale.use_coupon(coupon["code"])
        _wait(app, lambda: window.sale.quote is not None and window.sale.quote.stored_value_fen == 5000)
        window.focus_field(window.sale.stored)
        _settle(app)
        size = f"{window.width()}x{window.height()}"
        suffix = "" if language == "en" else f"-{language}"
        path = out / f"till-{size}{suffix}.png"
        # a palette, without dithering: a tenth of the bytes, and flat colours stay flat
        image = window.grab().toImage().convertToFormat(
            QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.ThresholdDither | Qt.ImageConversionFlag.AvoidDither)
        image.save(str(path), "PNG", 9)
        saved.append(path)
        window.close()
        till.shutdown()
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="resources/screenshots")
    parser.add_argument("--lang", default="both", choices=["en", "zh_CN", "both"])
    parser.add_argument("--size", default="both", choices=[*SIZES, "both"])
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and os.environ.get("QT_QPA_PLATFORM", "xcb") == "xcb":
        sizes = SIZES if args.size == "both" else (args.size,)
        argv = [arg for arg in sys.argv[1:] if arg not in ("--size", args.size)]
        return max(_with_xvfb(argv, size) for size in sizes)
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
