"""Typed settings, kept as config.toml in the data dir. Unknown keys are ignored with a warning so an older
app can read a newer file; bad values fall back to defaults with a log line rather than refusing to start."""

from __future__ import annotations

import logging
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from pos_member.paths import data_dir, private_dir

log = logging.getLogger(__name__)

# where receipts go: a Qt preview (then any printer or PDF), a named system printer, or an ESC/POS thermal
# printer on the network (host or host:port, port 9100 by default), USB (vendor:product in hex) or a file or
# device path (/dev/usb/lp0)
PRINTER_KINDS = ("preview", "system", "escpos_network", "escpos_usb", "escpos_file")
ESCPOS_KINDS = PRINTER_KINDS[2:]

CONFIG_NAME = "config.toml"
DB_NAME = "store.sqlite3"


@dataclass
class Settings:
    language: str = ""  # "" = follow the system locale; "zh_CN" or "en"
    camera_source: str = "0"  # camera index, video file or stream URL
    decoder: str = "zxing"  # zxing | pyzbar
    hq_url: str = ""
    hq_ca_file: str = ""  # a PEM file of the CA that signed HQ's certificate (a private CA); "" = the system's
    sync_interval_min: int = 5
    # how long a sale waits for HQ to authorise its points, stored value or coupon before the offline limit
    hq_hold_timeout_ms: int = 1500
    nightly_sync_at: str = "02:30"
    printer_kind: str = "preview"  # one of PRINTER_KINDS
    receipt_printer: str = ""  # the printer's address for its kind: system printer name, host:port, vid:pid, path
    drawer_kick: bool = False  # open the cash drawer (ESC/POS, pin 2) when a sale takes or a refund gives cash


@dataclass(frozen=True)
class Paths:
    home: Path

    @property
    def db(self) -> Path:
        return self.home / DB_NAME

    @property
    def config(self) -> Path:
        return self.home / CONFIG_NAME

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def qr_dir(self) -> Path:
        return self.home / "qr"


def resolve_paths(home: str | None = None) -> Paths:
    paths = Paths(data_dir(home))
    private_dir(paths.home, ours=True)
    return paths


def load_settings(paths: Paths) -> Settings:
    settings = Settings()
    if not paths.config.exists():
        return settings
    try:
        data = tomllib.loads(paths.config.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        log.warning("config %s unreadable, using defaults: %s", paths.config, exc)
        return settings
    known = {f.name: f.type for f in fields(Settings)}
    for key, value in data.items():
        default = getattr(settings, key, None)
        if key not in known:
            log.warning("config key %r unknown, ignored", key)
        elif type(value) is not type(default):
            log.warning("config key %r should be %s, ignored", key, type(default).__name__)
        else:
            setattr(settings, key, value)
    if settings.printer_kind not in PRINTER_KINDS:
        log.warning("config printer_kind %r unknown, using the preview", settings.printer_kind)
        settings.printer_kind = "preview"
    if "printer_kind" not in data and settings.receipt_printer:  # written before printer kinds: a system printer
        settings.printer_kind = "system"
    return settings


def save_settings(paths: Paths, settings: Settings) -> None:
    lines = []
    for key, value in asdict(settings).items():
        if isinstance(value, bool):  # before int: a bool is an int, and TOML spells it in lower case
            rendered = "true" if value else "false"
        elif isinstance(value, int):
            rendered = str(value)
        else:
            rendered = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        lines.append(f"{key} = {rendered}")
    paths.config.write_text("\n".join(lines) + "\n", encoding="utf-8")
