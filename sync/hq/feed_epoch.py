"""Feed epochs: HQ opens a new one only when its database is a restored one, never at a mere process start, so
any number of HQ processes (`pos-hq serve --workers N`, several hosts) share one epoch.

A restore is told from a restart by the database's identity, recorded beside the epochs when an epoch opens:
- the database's OID, and the cluster's system identifier and timeline: a restore into a new database (drop and
  create, or a copy from a template), into a new cluster, or a point-in-time recovery (a new timeline) changes
  them; a restart does not;
- the transaction id (`xmin`) that wrote the epoch list: a logical restore (pg_restore --clean, psql < dump)
  writes every row again in its own transaction, so the row's xmin no longer matches the one recorded with it;
  a restart, VACUUM or freezing keeps it (PostgreSQL >= 9.4 keeps a frozen row's xmin readable).
Not told apart: a file-level copy of the whole data directory put back and started by crash recovery (same
identity, same xmin). A false alarm (a failover to a replica starts a new timeline) only opens an epoch based at
the current head, which costs a till nothing. SQLite has none of this: HQ on SQLite opens an epoch at each start,
as before (one process; a restore there is a file copy)."""

from __future__ import annotations

import json
from uuid import uuid4

from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import DBAPIError

from sync import protocol as p
from sync.hq import db
from sync.hq import tables as t

FEED_EPOCHS_KEY = "feed_epochs"
IDENTITY_KEY = "feed_epoch_identity"
KEPT_EPOCHS = 50


def open_feed_epoch(engine: Engine) -> p.FeedEpoch:
    """Called when an HQ process starts serving: the current epoch, or a new one based at the feed head when
    the database is not the one that opened the current epoch. Under the feed lock, so processes starting at
    once open at most one epoch between them."""
    with db.write(engine) as conn:
        head = db.lock_feed(conn)
        epochs = json.loads(db.get_setting(conn, FEED_EPOCHS_KEY) or "[]")
        identity = database_identity(conn)
        if epochs and identity is not None and db.get_setting(conn, IDENTITY_KEY) == json.dumps(
                identity | {"xmin": _epochs_row_xmin(conn)}):
            return p.FeedEpoch(**epochs[-1])
        epoch = p.FeedEpoch(epoch=str(uuid4()), base=head)
        db.set_setting(conn, FEED_EPOCHS_KEY, json.dumps((epochs + [epoch.model_dump()])[-KEPT_EPOCHS:]))
        if identity is not None:
            db.set_setting(conn, IDENTITY_KEY, json.dumps(identity | {"xmin": _epochs_row_xmin(conn)}))
    return epoch


def database_identity(conn: Connection) -> dict[str, str | None] | None:
    """What a restore changes and a restart does not, but the epoch row's xmin; None on SQLite."""
    if conn.dialect.name != "postgresql":
        return None
    oid = conn.execute(text("SELECT oid::text FROM pg_database WHERE datname = current_database()")).scalar_one()
    cluster: dict[str, str | None] = {"system": None, "timeline": None}
    try:
        with conn.begin_nested():  # the control functions may be closed to a plain role: then the OID and xmin
            cluster["system"] = conn.execute(text(
                "SELECT system_identifier::text FROM pg_control_system()")).scalar_one()
            cluster["timeline"] = conn.execute(text(
                "SELECT timeline_id::text FROM pg_control_checkpoint()")).scalar_one()
    except DBAPIError:
        pass
    return {"database_oid": oid} | cluster


def _epochs_row_xmin(conn: Connection) -> str:
    return conn.execute(select(text("xmin::text")).select_from(t.hq_settings)
                        .where(t.hq_settings.c.key == FEED_EPOCHS_KEY)).scalar_one()
