"""Where the app's files are: the bundled resources and the data dir. Standard library only, so any layer
(domain included) may ask where a resource is."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "pos-member"
HOME_ENV = "POS_MEMBER_HOME"


def resources_dir() -> Path:
    """resources/ beside the packages; inside a PyInstaller bundle it sits under sys._MEIPASS."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """--home wins, then POS_MEMBER_HOME, then the platform's per-user data dir."""
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser().resolve()
    from platformdirs import user_data_dir  # imported here: the domain layer must not need it

    return Path(user_data_dir(APP_NAME, appauthor=False))
