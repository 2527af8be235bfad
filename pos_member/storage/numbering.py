"""This till's member and card counters never fall behind a number of its own that exists somewhere.

A till mints "M" + store + till + sequence and store + till + sequence + Luhn (domain/cardno.py) from its
counters. A till that replaces a dead one (same store, same till number, a new store file) starts at 0, while
the dead till's numbers live on at HQ and in every store file that pulled them. So the counters are raised
past the highest such number HQ reports at enrolment, and past every number with this till's prefix that a
pulled page brings into the store file; a number is never minted twice.
"""

from __future__ import annotations

from sqlalchemy import Connection, select, text

from pos_member.domain.cardno import card_seq_of, member_seq_of, number_ranges
from pos_member.storage import tables as t

_RAISE = text("INSERT INTO counters (name, value) VALUES (:name, :value) "
              "ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)")


def held_sequences(conn: Connection, store_code: str, device_no: int) -> tuple[int, int]:
    """The highest member and card sequence of this till's prefix held in the store file (0 for none); an
    index range lookup each."""
    (low_m, high_m), (low_c, high_c) = number_ranges(store_code, device_no)
    member_nos = conn.execute(select(t.members.c.member_no).where(t.members.c.member_no.between(low_m, high_m))
                              .order_by(t.members.c.member_no.desc()).limit(20)).scalars()
    card_nos = conn.execute(select(t.cards.c.card_no).where(t.cards.c.card_no.between(low_c, high_c))
                            .order_by(t.cards.c.card_no.desc()).limit(20)).scalars()
    members = [seq for no in member_nos if (seq := member_seq_of(no, store_code, device_no)) is not None]
    cards = [seq for no in card_nos if (seq := card_seq_of(no, store_code, device_no)) is not None]
    return max(members, default=0), max(cards, default=0)


def continue_after(conn: Connection, store_code: str, device_no: int, member_seq: int = 0, card_seq: int = 0
                   ) -> None:
    """Raise the counters (never lower them) past `member_seq` / `card_seq` and past what the file holds."""
    held_member, held_card = held_sequences(conn, store_code, device_no)
    for name, floor in (("member_seq", max(member_seq, held_member)), ("card_seq", max(card_seq, held_card))):
        if floor > 0:
            conn.execute(_RAISE, {"name": name, "value": floor})
