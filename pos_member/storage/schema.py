"""Bring a store file to the schema this app knows (Alembic head), or refuse one written by a newer app."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, inspect, text

from pos_member.domain.errors import StorageError
from pos_member.domain.reasons import Reason
from pos_member.storage.engine import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest revision in migrations/versions. A unit test checks it against Alembic's own head, so the fast
# path below (no Alembic import when the file is already current) can never skip a migration.
HEAD_REVISION = "0010"


def _current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def alembic_config(conn: Connection):  # -> alembic.config.Config, imported lazily: ~100 ms saved per start
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = conn
    return config


def known_revisions() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def upgrade_to_head(db: Database) -> None:
    with db.read() as conn:
        if _current_revision(conn) == HEAD_REVISION:
            return
    with db.write() as conn:
        current = _current_revision(conn)
        if current == HEAD_REVISION:
            return  # another process migrated it while we waited for the lock
        if current is not None and current not in known_revisions():
            raise StorageError(Reason.NEWER_SCHEMA, "database", path=str(db.path), schema=str(current))
        from alembic import command

        command.upgrade(alembic_config(conn), "head")
