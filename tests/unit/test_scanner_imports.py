"""The scanner package must work in a process that never loads Qt (see ARCHITECTURE.md, Import rules)."""

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
QT_PREFIXES = ("PySide6", "shiboken6", "PySide2", "shiboken2", "PyQt5", "PyQt6", "qtpy", "pos_member.ui")

# Import everything public and exercise the lazy imports (decoders load their libraries when built).
PROBE = f"""
import json, sys
import numpy as np
import pos_member.scanner as scanner
from pos_member.scanner import CodeConfirmer, ScanLoop, available_decoders, make_decoder
for name in available_decoders():
    make_decoder(name).decode(np.zeros((720, 1280), np.uint8))
CodeConfirmer().feed([])
loaded = sorted(m for m in sys.modules if m.startswith({QT_PREFIXES!r}))
print(json.dumps({{"qt": loaded, "decoders": available_decoders()}}))
"""


def test_scanner_imports_no_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["qt"] == [], f"Qt modules loaded by pos_member.scanner: {report['qt']}"
    assert "zxing" in report["decoders"]
