"""Who owes whom: every entry HQ holds moves the members' lots, and every redemption or stored-value spend is
attributed to the stores that issued the lots it consumed (FIFO: the oldest lot first). Pure bookkeeping on
a working set the catch-up (sync.hq.settle_catchup) loads for a batch of entries and writes back.

The rules, per account (points, stored_paid, stored_bonus):
- a credit (earn, a positive adjust, a top-up, its bonus) is a new lot issued by the entry's store on the
  entry's business date; a points lot is priced at the issuing store's rate in force that day;
- `redeem` and `spend` consume FIFO and are attributed: issuer X -> redeemer Y, at the lot's rate; what they
  took from each lot is kept per sale;
- a `refund` of a sale puts the points or stored value back into the lots the sale took them from (the
  newest first) and takes the attribution back at the refunding store; a `reverse` takes earned points out
  of the sale's own earn lot first; expiry and negative adjustments consume FIFO, attributed to no one;
- a merge's (or a forward's) `transfer` pair moves lots, with their issuer, issue date and rate, from one
  member to the other;
- consumption no lot covers (a balance overdrawn offline) is attributed to no issuer ('') and waits as a
  deficit; the member's next lots fill it, and then the issuer of those lots owes the store that consumed.
Every unit consumed at a store is in the roll-up exactly once, so per store the attributed amounts equal the
ledger's redemptions less its refunds (the statement's check).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sync.hq.settle_rates import RateBook

ATTRIBUTED_KINDS = ("redeem", "spend")  # consumption that gave the member value at a store
UNBACKED = ""  # the roll-up's issuer for consumption no lot covered
FACE_VALUE = 100  # stored value is settled fen for fen


@dataclass(slots=True)
class Lot:
    id: int
    member: str
    account: str
    issuer: str | None
    issued_on: str
    sale_id: str | None
    rate: int
    remaining: int
    new: bool = False

    @property
    def order(self) -> tuple[str, int]:
        return (self.issued_on, self.id)


@dataclass(slots=True)
class Deficit:
    seq: int
    store: str | None
    sale_id: str | None
    amount: int


@dataclass
class WorkingSet:
    """What one batch needs: its members' open lots and deficits, the takes of the sales it refunds, and the
    earn lots of the sales it reverses; plus everything the batch changes, for the write-back."""

    rates: RateBook
    next_lot_id: int
    open_lots: dict[tuple[str, str], list[Lot]] = field(default_factory=dict)
    lots: dict[int, Lot] = field(default_factory=dict)
    lots_by_sale: dict[str, list[Lot]] = field(default_factory=lambda: defaultdict(list))
    deficits: dict[tuple[str, str], list[Deficit]] = field(default_factory=lambda: defaultdict(list))
    takes: dict[tuple[str, str, int], int] = field(default_factory=dict)
    loaded_takes: set[tuple[str, str, int]] = field(default_factory=set)
    dirty_lots: set[int] = field(default_factory=set)
    dirty_takes: set[tuple[str, str, int]] = field(default_factory=set)
    dirty_deficits: set[tuple[str, str]] = field(default_factory=set)
    daily: dict[tuple[str, str, str, str, int], int] = field(default_factory=lambda: defaultdict(int))
    ledger: dict[tuple[str, str, str, str], int] = field(default_factory=lambda: defaultdict(int))

    def add_loaded_lot(self, lot: Lot) -> None:
        self.lots[lot.id] = lot
        if lot.sale_id:
            self.lots_by_sale[lot.sale_id].append(lot)
        if lot.remaining > 0:
            self.open_lots.setdefault((lot.member, lot.account), []).append(lot)

    def sort_open_lots(self) -> None:
        for lots in self.open_lots.values():
            lots.sort(key=lambda lot: lot.order)

    # --- moving lots ------------------------------------------------------------------------------------
    def _new_lot(self, member: str, account: str, issuer: str | None, issued_on: str, sale_id: str | None,
                 rate: int, amount: int) -> Lot:
        lot = Lot(self.next_lot_id, member, account, issuer, issued_on, sale_id, rate, 0, new=True)
        self.next_lot_id += 1
        self.lots[lot.id] = lot
        if sale_id:
            self.lots_by_sale[sale_id].append(lot)
        self._fill(lot, amount)
        return lot

    def _fill(self, lot: Lot, amount: int) -> None:
        opened = lot.remaining == 0
        lot.remaining += amount
        self.dirty_lots.add(lot.id)
        if opened and lot.remaining > 0:
            lots = self.open_lots.setdefault((lot.member, lot.account), [])
            lots.append(lot)
            lots.sort(key=lambda item: item.order)

    def _take(self, lot: Lot, amount: int) -> None:
        lot.remaining -= amount
        self.dirty_lots.add(lot.id)

    def _consume(self, member: str, account: str, amount: int, first: Lot | None = None) -> list[tuple[Lot, int]]:
        """Take `amount` from the member's lots (from `first` before the others), oldest first; returns the
        pieces taken. What the lots cannot cover is left to the caller."""
        lots = self.open_lots.get((member, account), [])
        ordered = ([first] if first is not None and first.remaining > 0 and first.member == member else []) + [
            lot for lot in lots if lot is not first]
        pieces = []
        for lot in ordered:
            if amount <= 0:
                break
            taken = min(lot.remaining, amount)
            if taken > 0:
                self._take(lot, taken)
                pieces.append((lot, taken))
                amount -= taken
        self.open_lots[(member, account)] = [lot for lot in lots if lot.remaining > 0]
        return pieces

    def _attribute(self, day: str, account: str, lot_issuer: str | None, redeemer: str, rate: int,
                   amount: int) -> None:
        self.daily[(day, account, lot_issuer or UNBACKED, redeemer, rate)] += amount

    def _record_take(self, sale_id: str | None, account: str, lot: Lot, amount: int) -> None:
        if sale_id:
            key = (sale_id, account, lot.id)
            self.takes[key] = self.takes.get(key, 0) + amount
            self.dirty_takes.add(key)

    def _short(self, member: str, account: str, seq: int, store: str | None, sale_id: str | None,
               amount: int) -> None:
        self.deficits[(member, account)].append(Deficit(seq, store, sale_id, amount))
        self.dirty_deficits.add((member, account))

    def _fill_deficits(self, member: str, account: str, day: str) -> None:
        """Lots came in: consumption that waited for them is covered now, oldest first; a redemption's
        issuer is now known, so its unbacked attribution moves to the issuer (on the covering day)."""
        waiting = self.deficits.get((member, account))
        if not waiting:
            return
        for deficit in waiting:
            for lot, taken in self._consume(member, account, deficit.amount):
                deficit.amount -= taken
                if deficit.store is not None:
                    self._attribute(day, account, lot.issuer, deficit.store, lot.rate, taken)
                    self._attribute(day, account, None, deficit.store, 0, -taken)
                    self._record_take(deficit.sale_id, account, lot, taken)
            if deficit.amount > 0:
                break
        self.deficits[(member, account)] = [d for d in waiting if d.amount > 0]
        self.dirty_deficits.add((member, account))

    # --- the entries ------------------------------------------------------------------------------------
    def apply(self, entry: Any) -> None:
        day = entry.business_time[:10]
        self.ledger[(day, entry.store_code, entry.account, entry.kind)] += entry.delta
        if entry.delta > 0:
            if entry.kind == "refund" and entry.sale_id:
                self._restore(entry, day)
            else:
                issuer = None if entry.kind == "transfer" else entry.store_code  # a lone transfer: no issuer
                rate = self._rate(entry.account, issuer, day)
                self._new_lot(entry.member_uuid, entry.account, issuer, day, entry.sale_id, rate, entry.delta)
            self._fill_deficits(entry.member_uuid, entry.account, day)
        elif entry.delta < 0:
            self._debit(entry, day)

    def apply_transfer(self, out: Any, into: Any) -> None:
        """A transfer pair (sync.hq.chain_ledger.transfer_pair): the lots leaving `out`'s member arrive on
        `into`'s member as they were: issuer, issue date and rate."""
        day = out.business_time[:10]
        for leg in (out, into):
            self.ledger[(leg.business_time[:10], leg.store_code, leg.account, leg.kind)] += leg.delta
        amount = into.delta
        pieces = self._consume(out.member_uuid, out.account, amount)
        short = amount - sum(taken for _, taken in pieces)
        if short:
            self._short(out.member_uuid, out.account, out.seq, None, None, short)
        for lot, taken in pieces:
            self._new_lot(into.member_uuid, into.account, lot.issuer, lot.issued_on, lot.sale_id, lot.rate, taken)
        if short:  # an overdraft moves on as points no store issued
            self._new_lot(into.member_uuid, into.account, None, day, None, 0, short)
        self._fill_deficits(into.member_uuid, into.account, day)

    def _rate(self, account: str, issuer: str | None, day: str) -> int:
        if issuer is None:
            return 0
        return self.rates.rate(issuer, day) if account == "points" else FACE_VALUE

    def _debit(self, entry: Any, day: str) -> None:
        amount = -entry.delta
        first = None
        if entry.kind == "reverse" and entry.sale_id:  # earned points leave the lot they were earned in
            first = next((lot for lot in self.lots_by_sale.get(entry.sale_id, ())
                          if lot.member == entry.member_uuid and lot.account == entry.account
                          and lot.remaining > 0), None)
        pieces = self._consume(entry.member_uuid, entry.account, amount, first)
        attributed = entry.kind in ATTRIBUTED_KINDS
        for lot, taken in pieces:
            if attributed:
                self._attribute(day, entry.account, lot.issuer, entry.store_code, lot.rate, taken)
                self._record_take(entry.sale_id, entry.account, lot, taken)
        short = amount - sum(taken for _, taken in pieces)
        if short:
            store = entry.store_code if attributed else None
            if attributed:
                self._attribute(day, entry.account, None, entry.store_code, 0, short)
            self._short(entry.member_uuid, entry.account, entry.seq, store, entry.sale_id if attributed else None,
                        short)

    def _restore(self, entry: Any, day: str) -> None:
        """A refund's points or stored value go back into the lots its sale took them from, newest first;
        the refunding store gives back what the redemption was attributed."""
        need = entry.delta
        keys = sorted((key for key, amount in self.takes.items()
                       if key[0] == entry.sale_id and key[1] == entry.account and amount > 0),
                      key=lambda key: self.lots[key[2]].order, reverse=True)
        for key in keys:
            if need <= 0:
                break
            lot = self.lots[key[2]]
            back = min(self.takes[key], need)
            self.takes[key] -= back
            self.dirty_takes.add(key)
            need -= back
            self._attribute(day, entry.account, lot.issuer, entry.store_code, lot.rate, -back)
            if lot.member == entry.member_uuid:
                self._fill(lot, back)
            else:  # the lot's member was merged since: the value comes back to this member as that lot
                self._new_lot(entry.member_uuid, entry.account, lot.issuer, lot.issued_on, lot.sale_id, lot.rate,
                              back)
        if need > 0:  # HQ never saw it taken (its sale not pushed yet, or taken by no lot)
            self._attribute(day, entry.account, None, entry.store_code, 0, -need)
            self._new_lot(entry.member_uuid, entry.account, None, day, None, 0, need)


def transfer_pairs(rows: list[Any]) -> dict[int, int]:
    """index -> index of its partner for the transfer pairs among `rows` (consecutive, one ref_id, one
    account, opposite amounts); HQ writes a pair's two legs next to each other in one transaction."""
    pairs: dict[int, int] = {}
    for i in range(len(rows) - 1):
        a, b = rows[i], rows[i + 1]
        if (i not in pairs and a.kind == b.kind == "transfer" and a.ref_id == b.ref_id
                and a.account == b.account and a.delta == -b.delta and a.member_uuid != b.member_uuid):
            pairs[i], pairs[i + 1] = i + 1, i
    return pairs


def apply_all(work: WorkingSet, rows: list[Any]) -> None:
    """Apply `rows` (in feed order); a transfer pair moves from its negative leg to its positive one."""
    pairs = transfer_pairs(rows)
    for index, row in enumerate(rows):
        partner = pairs.get(index)
        if partner is None:
            work.apply(row)
        elif partner > index:
            first, second = (row, rows[partner]) if row.delta < 0 else (rows[partner], row)
            work.apply_transfer(first, second)
