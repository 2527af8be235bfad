"""The store <-> HQ wire protocol, version 1. Both sides import these models; HQ validates with them and
publishes them as its OpenAPI schema; the client builds plain dicts of the same shape (no validation cost on
the till for 100,000 entries).

Endpoints (all JSON; every call but /v1/enrol carries `Authorization: Bearer <device token>`):

- `POST /v1/enrol` trades a one-time enrolment code for a device token. HQ keeps only sha256(token) and
  sha256(code); the code dies on first use. The answer carries the chain's HMAC key, which the store adopts
  for every QR it makes from then on. A store that already printed cards keeps its old key as a legacy key,
  so those prints still scan there (elsewhere such a card is used by number, or reprinted); the old key
  itself never travels (`EnrolRequest.key_fingerprint` only says whether it differs). The answer also
  carries the highest member and card sequence HQ holds for the till's store and till number
  (`member_seq`, `card_seq`): a till replacing a dead one continues after them. A code never takes over a
  live till: a till number or device id whose device is not revoked is refused (409, typed:
  `ErrorBody.reason` is `till_number_live` or `device_live`).
- `POST /v1/push` carries up to 500 member/card records and up to 500 ledger entries of the calling device.
  Store and device come from the token, never from the body. HQ handles the whole batch in one transaction:
  records first (so entries can name a member registered in the same batch), then entries with
  `INSERT ... ON CONFLICT DO NOTHING` (unique keys: entry_id, and device + local_seq) and a read-back of
  which rows this transaction stored; a skipped row is a duplicate if its payload hash matches, else a
  conflict. Per entry: `ok` (stored now), `duplicate` (already held, same payload),
  `rejected` (bad entry, or the same entry_id or the same (device, local_seq) with a different payload; HQ
  quarantines it with the reason). A bad entry or record is one no till could have written: HQ checks each
  with pos_member.domain.validate, the checks the till applies when it writes (strict types, kind/account
  pairs and signs, the rules' limits, sale ids, aware times, UUIDs, member fields, a card's member), and
  answers its `Reason` as `code` beside the sentence. A body over 2 MB is refused (413) unread. Rejected entries count as received, so `contiguous_through` (the highest
  local_seq below which HQ has received every entry of this device) moves past them: a bad entry never
  blocks the queue. 5xx means a transient fault (the database is unreachable); the client retries later.
  Records are members, cards and (optional, for HQ's tier evaluation) sales: a `sale` record is a sale's
  qualifying spend, sent when it is made and again after each refund (HQ keeps the latest; only the till that
  made a sale may send it). HQ runs the chain's points expiry and tier evaluation itself (sync.hq.jobs).
- Documents (issue 11): records of kinds sale_doc, refund, coupon, campaign, topup and card_fee are immutable
  and stored once (re-push `duplicate`, same id with other figures `rejected`), checked with
  pos_member.domain.documents; a coupon's use is the sale naming it; a refund may come from any till for any
  sale HQ holds (one over the sale's lines is stored and flagged `double_refund`). New tills send no `sale`
  records: HQ derives the qualifying spend from sale documents less refunds. Coupons are fed (Change kind
  `coupon`) to every store.
- `GET /v1/sales/{sale_id or receipt number}`: any sale of the chain with its lines, the refunds HQ holds
  against it, its member's snapshot and entries (SaleLookup); 404 for a sale HQ does not hold.
- `GET /v1/pull?since=CURSOR&limit=N` returns changes made elsewhere in HQ commit order: ledger entries of
  other devices, member snapshots, card snapshots (status lost/replaced/frozen), rules versions. `cursor` is
  what to send next time; the client applies a page and stores the cursor in one local transaction. A
  `since` beyond HQ's feed head is refused (409): only a restored backup makes the feed end before a cursor.
- Tamper evidence: the last push of a sync cycle carries the till's audit head (`AuditHead`, optional),
  anchored on the head HQ holds for the device (`StatusResponse.audit_head`); HQ keeps it, or flags
  `audit_mismatch` and keeps its own when the till's log no longer continues from it (sync.hq.audit_heads).
  `POST /v1/fingerprints` gives HQ's fingerprints of entries a till's `verify` compares with its own rows.
- Chain rules win (issue 11): `StatusResponse.local_rules` says whether HQ granted the till's store rules of
  its own (`pos-hq store local-rules STORE on|off`); without it an enrolled till refuses `rules apply` and
  takes its rules from the feed. A push may carry `rules` (`RulesInForce`), the version in force at the till,
  which HQ records per device (`pos-hq rules show`, `pos-hq store list`).
- `GET /v1/status`: what HQ holds for this device, and HQ's feed epochs. After HQ restores a backup:
  - the client lowers its push cursor to `contiguous_through` and pushes again (duplicates cost nothing);
  - HQ opens a feed epoch each time it starts, based at its feed head. An epoch the client has not seen,
    based below its pull cursor, can only follow a restore: the seqs above that base were numbered anew, so
    the client pulls again from there (entries apply once, by entry_id). Restore HQ with it stopped;
  - either way the client queues again the records it answers for: its store's members and their cards,
    the members of the entries it pushes again, and the members and cards it acted on (its audit log).
  Not covered after a restore: what HQ numbers itself (rules versions, merge transfers) starts again from
  the backup's numbers, and members stay last-arrival-wins while the tills send their records again.

Commit order without skipped rows: every HQ write transaction takes the single `feed_counter` row lock
(SELECT ... FOR UPDATE on PostgreSQL, the database write lock on SQLite) before it reserves feed sequence
numbers, and holds it until commit. (Numbers given to rows that turn out to be duplicates are never used:
the feed has gaps, never reorderings.) So feed rows become visible strictly in sequence order; a reader that
sees row N sees every row below N. A pull reads the counter and the rows in one REPEATABLE READ snapshot and
may then jump its cursor to the counter value even when the last rows were the caller's own (not sent
back). We chose this over "serve only below the oldest in-flight transaction" because it is one row lock,
works the same on SQLite and PostgreSQL, and HQ write transactions are short (one batch of <= 500 rows).

Identity at HQ: a member_no belongs to one member (uuid) and never changes; a card_no belongs to one member
and moves only by HQ's merge. A record breaking this is `rejected` with a typed reason (`RecordStatus.code`:
`member_no_taken`, `member_no_changed`, `card_no_taken`, with `params`), never stored, never fed.

Conflicts of member/card snapshots at HQ: a card that is lost or replaced never goes back to active or
frozen (a stale snapshot from an offline store cannot un-lose a card), its version never goes down; members
are last-arrival-wins. When HQ's merged result differs from what a device sent, the change is fed back to
that device as well.

Merging members (`pos-hq member merge KEEP OTHER`, after a `duplicate_phone` flag: two stores registered one
person offline). One HQ write transaction under the feed lock. OTHER's balances move to KEEP as `transfer`
entries that HQ writes itself: device_id and store_code "HQ", a UUID entry_id, HQ's own gap-free local_seq,
rules_version 0, ref_id = the merge id; per account -x on OTHER and +x on KEEP (points lot by lot with each
lot's expires_on). No entry is changed or removed, so both ledgers stay whole and every member's balance is
still the sum of its own entries, at HQ and in every store. OTHER becomes status 'merged' with merged_into =
KEEP and no phone (KEEP keeps its phone, or takes OTHER's); OTHER's cards keep their numbers and belong to
KEEP; the flag is resolved. The feed carries, in this order, OTHER's member snapshot (with `merged_into`),
KEEP's, the cards, then the transfer entries; a store applies them like any others, and its lookups follow
merged_into, so OTHER's member number, phone and cards all find KEEP.
- Snapshots after a merge: a merged member stays merged (status, merged_into, no phone) whatever a store
  sends, and a store may not send status 'merged' for a member HQ has not merged (record rejected). A card
  sent for a merged member is stored on the member it was merged into; both are fed back to the sender.
- Entries pushed later for OTHER (a till that was offline) are accepted and stored exactly as the till sent
  them, on OTHER; in the same transaction HQ forwards each one with a transfer pair (-delta on OTHER,
  +delta on KEEP, same account and expires_on, ref_id = the forwarded entry_id). We chose this over booking
  them on KEEP directly because the till's ledger already holds them on OTHER: rewriting the member would make
  HQ's row differ from the till's (a re-push would look like a conflict, and the till's and HQ's balances for
  OTHER and KEEP would disagree until some further correction). Forwarding keeps every entry identical
  everywhere and only adds entries, which the ledger rules allow. A merge chain (OTHER into KEEP, later
  KEEP into a third) forwards straight to the last survivor.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

PROTOCOL_VERSION = 1
MAX_PUSH_ENTRIES = 500
MAX_PUSH_RECORDS = 500
MAX_PULL_LIMIT = 2000
DEFAULT_PULL_LIMIT = 1000
MAX_SEQ = 2**62
MAX_LOOKUP_ENTRIES = 10_000  # a member's entries sent with a sale lookup
MAX_AMOUNT = 10**12  # points or fen in one entry; far above any real figure, well inside BIGINT

ACCOUNTS = ("points", "stored_paid", "stored_bonus")
KINDS = ("earn", "redeem", "reverse", "expire", "adjust", "topup", "bonus", "spend", "refund", "transfer")
CARD_STATUSES = ("active", "lost", "frozen", "replaced")
# Terminal card statuses win over live ones whatever order the snapshots arrive in.
CARD_STATUS_RANK = {"active": 0, "frozen": 0, "lost": 1, "replaced": 2}


def _text(max_length: int) -> type[str]:
    # PostgreSQL text cannot hold NUL; refusing it in the schema turns it into a 422, not a 500.
    return Annotated[str, StringConstraints(max_length=max_length, pattern=r"^[^\x00]*$")]  # type: ignore[return-value]


Text36 = _text(36)
Text64 = _text(64)
Text200 = _text(200)
Text4k = _text(4000)
Seq = Annotated[int, Field(ge=0, le=MAX_SEQ)]
Amount = Annotated[int, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)]
SmallInt = Annotated[int, Field(ge=0, le=2**31 - 1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(BaseModel):
    detail: str
    # a typed refusal (enrolment): its Reason value and figures; absent from older HQs and untyped refusals
    reason: str | None = None
    params: dict[str, int | str] = {}


class EnrolRequest(Strict):
    code: Text64
    device_id: Text36
    device_no: Annotated[int, Field(ge=0, le=99)]
    store_code: Text36
    cards_issued: SmallInt
    key_fingerprint: Text64  # sha256 hex of the store's current chain key; the key itself never travels up


class EnrolResponse(BaseModel):
    token: str
    store_code: str
    store_name: str
    device_id: str
    chain_key: str  # hex
    # the highest member and card sequence HQ has seen for this store and till number: a till that replaces
    # a dead one continues after them (absent from older HQs: 0)
    member_seq: int = 0
    card_seq: int = 0
    # the highest receipt sequence HQ holds for the store and till number (issue 11; absent from older HQs: 0)
    receipt_seq: int = 0
    # True for the one till of its store that runs the store's birthday coupons and referral catch-up (the
    # lowest live till number at enrolment); HQ runs points expiry and tier evaluation for every store.
    store_jobs: bool | None = None


class EntryIn(Strict):
    """One ledger entry as the store recorded it. Kind, account and member are checked per entry (a bad one
    is rejected alone), so they are plain strings here. Types are strict: "5" or true is not a number."""

    model_config = ConfigDict(extra="forbid", strict=True)

    entry_id: Text36
    local_seq: Annotated[int, Field(ge=1, le=MAX_SEQ)]
    member_uuid: Text36
    account: Text36
    kind: Text36
    delta: Amount
    staff_id: SmallInt | None = None
    sale_id: Text36 | None = None
    ref_id: Text36 | None = None
    rules_version: SmallInt
    business_time: Text64
    note: Text4k | None = None  # a manager's free-text reason: never let its length block the queue
    expires_on: Text36 | None = None


class MemberRecord(Strict):
    model_config = ConfigDict(extra="forbid", strict=True)

    uuid: Text36
    member_no: Text36
    home_store: Text36
    name: Text200
    phone: Text36 | None = None
    birthday: Text36 | None = None
    tier_code: Text36
    tier_reached_on: Text36 | None = None
    status: Text36
    created_at: Text64
    updated_at: Text64


class CardRecord(Strict):
    model_config = ConfigDict(extra="forbid", strict=True)

    card_no: Text36
    member_uuid: Text36
    version: Annotated[int, Field(ge=1, le=2**31 - 1)]
    card_type: Text36
    status: Literal["active", "lost", "frozen", "replaced"]
    issued_at: Text64
    expires_on: Text36 | None = None
    replaced_by: Text36 | None = None
    updated_at: Text64


class SaleRecord(Strict):
    """A sale as the spend it qualifies for tiers with: what the member paid (cash and stored value) less
    what was refunded of it. Sent again after each refund; HQ keeps the latest (sync.hq.jobs sums them)."""

    sale_id: Text36
    member_uuid: Text36
    business_time: Text64
    qualifying_fen: Annotated[int, Field(ge=0, le=MAX_AMOUNT)]


Fen = Annotated[int, Field(ge=0, le=MAX_AMOUNT)]
LineNo = Annotated[int, Field(ge=1, le=10_000)]


class SaleLineDoc(Strict):
    model_config = ConfigDict(extra="forbid", strict=True)

    line_no: LineNo
    category: Text36
    amount_fen: Fen
    discount_fen: Fen = 0
    coupon_fen: Fen = 0
    points_cash_fen: Fen = 0
    points_redeemed: Fen = 0
    stored_paid_fen: Fen = 0
    stored_bonus_fen: Fen = 0
    points_earned: Fen = 0


class SaleDoc(Strict):
    """A sale with its lines, as the till that made it wrote it; immutable (issue 11). HQ checks its figures
    with pos_member.domain.documents, stores it once (a re-push is `duplicate`, the same sale_id with other
    figures `rejected`), derives the member's qualifying spend (sale less refunds) and rolls it into
    `daily_sales`. A coupon named here is that coupon's use."""

    model_config = ConfigDict(extra="forbid", strict=True)

    sale_id: Text36
    receipt_no: Text36 | None = None
    member_uuid: Text36
    card_no: Text36 | None = None
    business_time: Text64
    rules_version: SmallInt
    tier_code: Text36
    total_fen: Fen
    discount_fen: Fen
    coupon_code: Text36 | None = None
    coupon_fen: Fen = 0
    points_redeemed: Fen
    points_cash_fen: Fen
    stored_paid_fen: Fen
    stored_bonus_fen: Fen
    payable_fen: Fen
    points_earned: Fen
    lines: Annotated[list[SaleLineDoc], Field(min_length=1, max_length=500)]


class RefundLineDoc(Strict):
    model_config = ConfigDict(extra="forbid", strict=True)

    line_no: LineNo
    amount_fen: Fen
    cash_fen: Fen
    points_reversed: Fen
    points_restored: Fen
    stored_paid_fen: Fen
    stored_bonus_fen: Fen


class RefundDoc(Strict):
    """A refund with its lines, sent by the till that made it (any till of the chain, for any sale HQ holds).
    A refund taking a line beyond its amount (two tills refunded it offline) is stored, since the money has
    left the till, and flagged `double_refund`."""

    model_config = ConfigDict(extra="forbid", strict=True)

    refund_id: Text36
    sale_id: Text36
    business_time: Text64
    amount_fen: Fen
    cash_refund_fen: Fen
    points_reversed: Fen
    points_restored: Fen
    stored_paid_restored_fen: Fen
    stored_bonus_restored_fen: Fen
    clawback_points: Fen
    clawback_fen: Fen
    negative_points: Fen
    coupon_restored: Text36 | None = None
    lines: Annotated[list[RefundLineDoc], Field(min_length=1, max_length=500)]


class CouponDoc(Strict):
    """A coupon as issued (its terms copied from the template). HQ feeds it to every store (Change kind
    `coupon`, with HQ's status), so the member can use it anywhere once that store has pulled."""

    model_config = ConfigDict(extra="forbid", strict=True)

    code: Text36
    member_uuid: Text36
    template: Text36
    kind: Text36
    name: Text200
    campaign_key: Text64 | None = None
    amount_off_fen: Fen
    min_spend_fen: Fen
    percent_off: Annotated[int, Field(ge=0, le=100)]
    max_off_fen: Fen
    valid_from: Text36
    valid_to: Text36
    issued_at: Text64


class CampaignDoc(Strict):
    model_config = ConfigDict(extra="forbid", strict=True)

    campaign_key: Text64  # device_id:local id
    template: Text36
    segment: Text4k
    issued_count: SmallInt
    created_at: Text64


class TopupDoc(Strict):
    model_config = ConfigDict(extra="forbid", strict=True)

    topup_id: Text36
    member_uuid: Text36
    business_time: Text64
    paid_fen: Fen
    bonus_fen: Fen


class CardFeeDoc(Strict):
    model_config = ConfigDict(extra="forbid", strict=True)

    fee_key: Text64  # device_id:local id
    member_uuid: Text36
    card_no: Text36
    kind: Literal["issue", "renew"]
    fee_fen: Fen
    business_time: Text64


DOC_KINDS = ("campaign", "coupon", "sale_doc", "refund", "topup", "card_fee")


class RecordIn(Strict):
    kind: Literal["member", "card", "sale", "campaign", "coupon", "sale_doc", "refund", "topup", "card_fee"]
    member: MemberRecord | None = None
    card: CardRecord | None = None
    sale: SaleRecord | None = None
    sale_doc: SaleDoc | None = None
    refund: RefundDoc | None = None
    coupon: CouponDoc | None = None
    campaign: CampaignDoc | None = None
    topup: TopupDoc | None = None
    card_fee: CardFeeDoc | None = None


Hash64 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class AuditHead(Strict):
    """The till's audit log as it stands: the id and hash of its last row. `anchor_seq` is the head HQ holds
    for this device (from GET /v1/status) and `anchor_hash` the till's own hash at that row (None when the
    till has no such row). HQ moves its head only when the anchor matches what it holds: a log that lost its
    tail or was re-chained cannot take over the head HQ keeps, and HQ flags it (sync.hq.audit_heads)."""

    seq: Seq
    hash: Hash64
    anchor_seq: Seq | None = None
    anchor_hash: Hash64 | None = None


class HeldAuditHead(BaseModel):
    """The audit head HQ holds for a device; `accepted` says whether the push's own head was taken."""

    seq: int
    hash: str
    accepted: bool = True


class RulesInForce(Strict):
    """The rules version in force at the till: its own number, HQ's number when that version came from HQ
    (None for the store's own rules), and the label. HQ records it per device (`pos-hq rules show`)."""

    version: SmallInt
    hq_version: SmallInt | None = None
    label: Text200 = ""


class PushRequest(Strict):
    protocol: Literal[1] = PROTOCOL_VERSION
    records: Annotated[list[RecordIn], Field(max_length=MAX_PUSH_RECORDS)] = []
    entries: Annotated[list[EntryIn], Field(max_length=MAX_PUSH_ENTRIES)] = []
    audit_head: AuditHead | None = None  # optional: a till before issue 10 sends none
    rules: RulesInForce | None = None  # optional (issue 11): sent when the rules in force changed


class EntryStatus(BaseModel):
    entry_id: str
    local_seq: int
    status: Literal["ok", "duplicate", "rejected"]
    reason: str | None = None
    code: str | None = None  # the Reason of a rejection (pos_member/domain/reasons.py); reason is its sentence


class RecordStatus(BaseModel):
    kind: str
    key: str
    status: Literal["ok", "duplicate", "rejected"]  # duplicate: a document HQ already holds, same figures
    reason: str | None = None  # the English sentence
    # a typed refusal: its pos_member.domain.reasons.Reason value and figures, so a till says it in its language
    code: str | None = None
    params: dict[str, int | str] = {}


class PushResponse(BaseModel):
    entries: list[EntryStatus]
    records: list[RecordStatus]
    contiguous_through: int
    audit_head: HeldAuditHead | None = None


class Change(BaseModel):
    seq: int
    kind: Literal["entry", "member", "card", "rules", "coupon"]
    data: dict[str, str | int | None]


class PullResponse(BaseModel):
    changes: list[Change]
    cursor: int
    more: bool


class FeedEpoch(BaseModel):
    """HQ opens an epoch each time it starts serving; `base` is its feed head at that moment."""

    epoch: str
    base: int


class StatusResponse(BaseModel):
    store_code: str
    device_id: str
    contiguous_through: int
    entries_held: int
    quarantined: int
    feed_head: int
    server_time: str
    # The latest epochs, oldest first. One a till has never seen with a base below its pull cursor means HQ
    # was restored from a backup: what it numbered since that base is new to the till (see sync.client).
    feed_epochs: list[FeedEpoch] = []
    audit_head: HeldAuditHead | None = None  # the last audit head of this device HQ accepted
    # issue 11: whether HQ granted this store rules of its own; None from an HQ before it (chain rules win)
    local_rules: bool | None = None


class FingerprintsRequest(Strict):
    """POST /v1/fingerprints: a till's `verify` asks for HQ's fingerprints of entries it holds, to compare
    its own rows (and those it pulled from other tills) with HQ's copies."""

    entry_ids: Annotated[list[Text36], Field(max_length=MAX_PULL_LIMIT)]


class FingerprintsResponse(BaseModel):
    # entry_id -> pos_member.domain.entry_copy.copy_fingerprint of HQ's copy; ids HQ does not hold are left out
    fingerprints: dict[str, str]


class SaleLookup(BaseModel):
    """GET /v1/sales/{sale_id or receipt number}: a sale of any till of the chain with its lines, the refunds
    HQ holds against it (each with its lines) and its member's snapshot, so any till can refund it with the
    same per-line arithmetic as the till that made it."""

    store_code: str
    device_id: str
    sale: dict[str, str | int | None]
    lines: list[dict[str, str | int | None]]
    refunds: list[dict[str, Any]]
    member: dict[str, str | int | None] | None = None
    # the member's ledger entries HQ holds (up to MAX_LOOKUP_ENTRIES, oldest first): a till that has not pulled
    # them yet adds them as a pull would, so the refund sees the member's true balance and points lots
    entries: list[dict[str, str | int | None]] = []

# ---- spending holds (POST /v1/holds, DELETE /v1/holds/{sale_id}) ------------------------------------------
# A till about to commit a sale that spends points, stored value or a coupon asks HQ to hold them for that
# sale (`dry_run`: only ask what HQ would allow, for the quote). HQ grants when the member's chain balance plus
# `unpushed_*` (the net of this till's entries for the member HQ has not received yet: a top-up just taken, a
# sale just made; the till answers for its own entries, so its own holds are not counted again) less the OTHER
# devices' open holds covers the sale, and no other open hold holds the coupon, and HQ does not know the coupon
# as used. A member HQ does not know yet (registered at this till, not pushed) has a chain balance of 0. The entries pushed later with that sale_id settle the hold; a hold not settled lapses after HQ's
# setting `hold_lapse_seconds` (default 600) and no longer counts. A refusal is a 200 with `granted` false and
# a typed reason (the till says it naming "authorised by HQ"); an HQ that does not answer within the till's
# timeout leaves the till to its offline limit.


class HoldRequest(Strict):
    sale_id: Text36
    member_uuid: Text36
    points: Annotated[int, Field(ge=0, le=MAX_AMOUNT)] = 0
    stored_fen: Annotated[int, Field(ge=0, le=MAX_AMOUNT)] = 0  # paid + bonus: HQ holds the total, not the split
    coupon_code: Text64 | None = None
    unpushed_points: Amount = 0
    unpushed_stored_fen: Amount = 0
    dry_run: bool = False


class HoldResponse(BaseModel):
    granted: bool
    sale_id: str
    available_points: int  # what HQ allows this till now for the member (chain + unpushed - other holds)
    available_stored_fen: int
    expires_in_s: int = 0  # a granted hold lapses after this many seconds unless its entries arrive
    reason: str | None = None  # a refusal's pos_member.domain.reasons.Reason value and figures
    field: str | None = None  # what the refusal is about: redeem_points | stored_value | coupon
    params: dict[str, int | str] = {}
