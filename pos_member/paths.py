"""Where the app's files are: the bundled resources and the data dir. Standard library only, so any layer
(domain included) may ask where a resource is."""

from __future__ import annotations

import contextlib
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


def private_dir(path: Path, ours: bool = False) -> Path:
    """`path` as a directory only its owner may enter (0700): it holds the device token, the chain's signing
    key and PIN hashes. Made so if missing; if `ours` (the app's own data dir), one made looser by an older
    version is tightened (never a directory someone else chose, such as /tmp)."""
    existed = path.is_dir()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if ours or not existed:
        _tighten(path, 0o700)
    return path


def private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 if missing (before anything writes into it), else tighten it: a
    SQLite database's -wal and -shm files take the database file's mode."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if each.exists():
            _tighten(each, 0o600)


def _tighten(path: Path, mode: int) -> None:
    if os.name != "posix":
        return  # Windows: the per-user data dir is private already
    try:
        if path.stat().st_mode & 0o777 & ~mode:
            os.chmod(path, mode)
    except OSError:
        pass  # not ours (a shared --home): leave it; opening it says what is wrong, if anything
