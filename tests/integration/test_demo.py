from pathlib import Path

import cv2
import zxingcpp

from pos_member.cli import main
from pos_member.services.context import open_store
from pos_member.services.lookup import show_member
from pos_member.services.verify import verify_store


def test_demo_store_is_whole_and_its_qr_pngs_scan(tmp_path, capsys):
    assert main(["--home", str(tmp_path), "demo", "--members", "40"]) == 0
    capsys.readouterr()
    pngs = sorted((tmp_path / "qr").glob("*.png"))
    assert len(pngs) == 40
    store = open_store(tmp_path / "store.sqlite3")
    try:
        assert verify_store(store).ok
        image = cv2.imread(str(pngs[10]), cv2.IMREAD_GRAYSCALE)
        texts = [code.text for code in zxingcpp.read_barcodes(image)]
        assert len(texts) == 1
        view = show_member(store, texts[0])
        assert view.card_no == Path(pngs[10]).stem and view.card_problem is None
        assert main(["--home", str(tmp_path), "demo"]) == 1  # a second demo refuses: the store exists
        assert "already holds a store" in capsys.readouterr().err
    finally:
        store.close()
