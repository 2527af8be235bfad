"""Why a request was refused, as a code and its figures, and the one English table that says it.

Every `PosError` carries a `Reason` and its parameters (ints and strs). The English sentence (CLI, logs, the
API) is made here from them; the till's sentences (Chinese and English) are made from the same pair in
pos_member/ui/messages.py. Nothing parses a sentence: code that must know why asks the reason.

Parameter conventions, shared by both tables: a key ending in `_fen` is an amount and is shown as yuan under
the key without the suffix (`limit_fen=10000` fills `{limit}` with "100.00"); `why` names another reason, and
fills `{why}` with that reason's sentence made from the same parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

Params = Mapping[str, "int | str"]


class Reason(StrEnum):
    # a figure typed at the till or the CLI
    NOT_AN_AMOUNT = "not_an_amount"
    TOO_MANY_DECIMALS = "too_many_decimals"
    NEGATIVE = "negative"
    ZERO = "zero"
    NOT_ZERO = "not_zero"
    TOO_LARGE = "too_large"
    NOT_WHOLE_POINTS = "not_whole_points"
    POINTS_TOO_LARGE = "points_too_large"
    ABOVE_SALE_LIMIT = "above_sale_limit"
    ABOVE_TOPUP_LIMIT = "above_topup_limit"
    LINES_MISMATCH = "lines_mismatch"
    # points and stored value on a bill; each names the limit that applied and its figure
    POINTS_OVER_BALANCE = "points_over_balance"
    POINTS_BELOW_MIN = "points_below_min"
    POINTS_OVER_BILL_CAP = "points_over_bill_cap"
    POINTS_NOT_MULTIPLE = "points_not_multiple"
    POINTS_OVER_MEMBER_DAY_CAP = "points_over_member_day_cap"
    POINTS_OVER_STORE_DAY_CAP = "points_over_store_day_cap"
    POINTS_OVER_CONFIRMED = "points_over_confirmed"
    POINTS_OVER_OFFLINE_MEMBER_CAP = "points_over_offline_member_cap"
    POINTS_OVER_OFFLINE_TILL_CAP = "points_over_offline_till_cap"
    # spending authorised by HQ (a hold at HQ) and, when HQ does not answer, the offline limit for stored value
    POINTS_OVER_HQ_AVAILABLE = "points_over_hq_available"
    STORED_OVER_HQ_AVAILABLE = "stored_over_hq_available"
    STORED_OVER_CONFIRMED = "stored_over_confirmed"
    STORED_OVER_OFFLINE_MEMBER_CAP = "stored_over_offline_member_cap"
    STORED_OVER_OFFLINE_TILL_CAP = "stored_over_offline_till_cap"
    COUPON_HELD_ELSEWHERE = "coupon_held_elsewhere"
    COUPON_USED_AT_HQ = "coupon_used_at_hq"
    STORED_OVER_BALANCE = "stored_over_balance"
    STORED_OVER_LEFT = "stored_over_left"
    STORED_BELOW_ZERO = "stored_below_zero"
    POINTS_BELOW_ZERO = "points_below_zero"
    # member codes and cards (the values of the card reasons are the ones CardRefused always had)
    NO_CODE = "no_code"
    MALFORMED = "malformed"
    FORGED = "forged"
    EXPIRED_CODE = "expired_code"
    BAD_CHECK_DIGIT = "bad_check_digit"
    UNKNOWN_CODE_FORMAT = "unknown_code_format"
    LOST = "lost"
    REPLACED = "replaced"
    FROZEN = "frozen"
    EXPIRED = "expired"
    OLD_VERSION = "old_version"
    ANONYMISED = "anonymised"
    NO_CARD = "no_card"
    NO_SUCH_CARD = "no_such_card"
    NO_MEMBER_WITH_PHONE = "no_member_with_phone"
    NO_MEMBER_WITH_NO = "no_member_with_no"
    NO_MEMBER_ID = "no_member_id"
    CARD_STATUS_BLOCKS = "card_status_blocks"
    CARD_ALREADY_REPLACED = "card_already_replaced"
    REPRINT_NOT_ACTIVE = "reprint_not_active"
    RENEW_NOT_ACTIVE = "renew_not_active"
    NEVER_EXPIRES = "never_expires"
    ANONYMISED_NO_NEW_CARD = "anonymised_no_new_card"
    CARD_SEQ_EXHAUSTED = "card_seq_exhausted"
    MEMBER_SEQ_EXHAUSTED = "member_seq_exhausted"
    # coupons: a coupon code, and the verdict on a bill (applied or not, and why)
    COUPON_MALFORMED = "coupon_malformed"
    COUPON_FORGED = "coupon_forged"
    NOT_A_COUPON_CODE = "not_a_coupon_code"
    NO_SUCH_COUPON = "no_such_coupon"
    COUPON_NOT_APPLICABLE = "coupon_not_applicable"
    COUPON_OTHER_MEMBER = "coupon_other_member"
    COUPON_USED = "coupon_used"
    COUPON_VOID = "coupon_void"
    COUPON_NOT_YET = "coupon_not_yet"
    COUPON_EXPIRED = "coupon_expired"
    COUPON_MIN_SPEND = "coupon_min_spend"
    COUPON_GIFT = "coupon_gift"
    COUPON_AMOUNT_OFF = "coupon_amount_off"
    COUPON_PERCENT_OFF = "coupon_percent_off"
    NO_COUPON_TEMPLATE = "no_coupon_template"
    NO_SUCH_TIER = "no_such_tier"
    EMPTY_SEGMENT = "empty_segment"
    # members and staff
    EMPTY = "empty"
    NAME_TOO_LONG = "name_too_long"
    NOT_A_DATE = "not_a_date"
    IMPLAUSIBLE_BIRTHDAY = "implausible_birthday"
    NOT_A_PHONE = "not_a_phone"
    PHONE_TAKEN = "phone_taken"
    NOT_ONE_OF = "not_one_of"
    OUT_OF_RANGE = "out_of_range"
    AT_LEAST = "at_least"
    NOTHING_TO_CHANGE = "nothing_to_change"
    ANONYMISED_NO_EDIT = "anonymised_no_edit"
    ALREADY_ANONYMISED = "already_anonymised"
    BAD_PIN_FORMAT = "bad_pin_format"
    NO_STAFF_PIN = "no_staff_pin"
    SIGN_IN_LOCKED = "sign_in_locked"
    MANAGER_PIN_NEEDED = "manager_pin_needed"
    WRONG_MANAGER_PIN = "wrong_manager_pin"
    NO_REASON_GIVEN = "no_reason_given"
    # refunds
    NO_SALE_ID = "no_sale_id"
    NO_SUCH_SALE = "no_such_sale"
    SALE_FULLY_REFUNDED = "sale_fully_refunded"
    NO_SUCH_LINE = "no_such_line"
    LINE_FULLY_REFUNDED = "line_fully_refunded"
    LINE_REFUND_OVER = "line_refund_over"
    REFUND_OVER = "refund_over"
    REFUND_NEEDS_MANAGER = "refund_needs_manager"
    # the store, its rules, reports, the CLI
    BAD_STORE_CODE = "bad_store_code"
    STORE_EXISTS = "store_exists"
    NO_STORE_YET = "no_store_yet"
    STORE_FILE_EMPTY = "store_file_empty"
    STORE_FILE_UNREADABLE = "store_file_unreadable"
    STORE_FILE_DAMAGED = "store_file_damaged"
    NOT_SET_UP = "not_set_up"
    NO_RULES = "no_rules"
    NEWER_SCHEMA = "newer_schema"
    STORE_DISK_FULL = "store_disk_full"
    STORE_READ_ONLY = "store_read_only"
    HQ_NEWER_SCHEMA = "hq_newer_schema"
    CANNOT_READ_FILE = "cannot_read_file"
    RULES_IN_FORCE = "rules_in_force"
    RULES_FROM_HQ = "rules_from_hq"
    BAD_PERIOD_DATES = "bad_period_dates"
    PERIOD_ORDER = "period_order"
    BAD_LINE_SPEC = "bad_line_spec"
    BAD_REFUND_LINE_SPEC = "bad_refund_line_spec"
    AMOUNT_OR_LINES = "amount_or_lines"
    RULES_NOT_TABLE = "rules_not_table"
    RULES_NOT_INT = "rules_not_int"
    RULES_OUT_OF_RANGE = "rules_out_of_range"
    RULES_EMPTY_STRING = "rules_empty_string"
    RULES_NOT_CHOICE = "rules_not_choice"
    RULES_NOT_LIST = "rules_not_list"
    RULES_UNKNOWN_KEY = "rules_unknown_key"
    RULES_BAD_DATE = "rules_bad_date"
    RULES_BAD_WEEKDAYS = "rules_bad_weekdays"
    RULES_ROUNDING = "rules_rounding"
    RULES_NO_TIERS = "rules_no_tiers"
    RULES_FIRST_TIER = "rules_first_tier"
    RULES_TIERS_RISE = "rules_tiers_rise"
    RULES_TIER_CODES_UNIQUE = "rules_tier_codes_unique"
    RULES_TEMPLATE_CODE = "rules_template_code"
    RULES_UNKNOWN_TIER = "rules_unknown_tier"
    RULES_NO_STANDARD_CARD = "rules_no_standard_card"
    RULES_POINTS_PER_YUAN = "rules_points_per_yuan"
    RULES_EXPIRY_MONTHS = "rules_expiry_months"
    RULES_UNKNOWN_TEMPLATE = "rules_unknown_template"
    RULES_NOT_TOML = "rules_not_toml"
    RULES_MISSING = "rules_missing"
    RULES_DID_YOU_MEAN = "rules_did_you_mean"
    RULES_BAD_LANGUAGE = "rules_bad_language"
    # sync with HQ
    SYNC_FAILED = "sync_failed"
    HQ_UNREACHABLE = "hq_unreachable"
    HQ_TOKEN_REFUSED = "hq_token_refused"
    HQ_REFUSED = "hq_refused"
    HQ_SERVER_ERROR = "hq_server_error"
    HQ_BAD_REQUEST = "hq_bad_request"
    HQ_NOT_JSON = "hq_not_json"
    HQ_STUCK = "hq_stuck"
    NOT_ENROLLED = "not_enrolled"
    SYNC_BUSY = "sync_busy"
    SYNC_LOCAL_ERROR = "sync_local_error"
    # chain identity: numbers are never given to another member, a live till is never taken over (issue 10)
    MEMBER_NO_TAKEN = "member_no_taken"
    MEMBER_NO_CHANGED = "member_no_changed"
    CARD_NO_TAKEN = "card_no_taken"
    TILL_NUMBER_LIVE = "till_number_live"
    DEVICE_LIVE = "device_live"
    PULL_NUMBER_TAKEN = "pull_number_taken"
    PULL_NO_MEMBER = "pull_no_member"
    PULL_NOT_APPLIED = "pull_not_applied"
    # what HQ refuses in a push: an entry or record no till could have written (pos_member/domain/validate.py)
    ENTRY_BAD_TYPE = "entry_bad_type"
    ENTRY_BAD_ID = "entry_bad_id"
    ENTRY_BAD_PAIR = "entry_bad_pair"
    ENTRY_BAD_SIGN = "entry_bad_sign"
    ENTRY_TOO_LARGE = "entry_too_large"
    ENTRY_NO_SALE = "entry_no_sale"
    ENTRY_BAD_TIME = "entry_bad_time"
    ENTRY_UNKNOWN_RULES = "entry_unknown_rules"
    ENTRY_BAD_TEXT = "entry_bad_text"
    ENTRY_UNKNOWN_MEMBER = "entry_unknown_member"
    ENTRY_CONFLICT = "entry_conflict"
    MEMBER_FIELD_FIXED = "member_field_fixed"
    ANONYMISE_HOME_ONLY = "anonymise_home_only"
    ONLY_HQ_MERGES = "only_hq_merges"
    HQ_NOT_STORED = "hq_not_stored"
    SALE_NOT_YOURS = "sale_not_yours"
    # sales, refunds and coupons across the chain (issue 11)
    FOREIGN_SALE_OFFLINE = "foreign_sale_offline"
    SALE_REFUNDED_ELSEWHERE = "sale_refunded_elsewhere"
    DOC_FIGURES = "doc_figures"
    DOC_CONFLICT = "doc_conflict"
    DOC_UNKNOWN_SALE = "doc_unknown_sale"
    # a refusal made before reasons were typed (a free sentence); none of ours is left, see tests/unit
    UNTYPED = "untyped"


ENGLISH: dict[Reason, str] = {
    Reason.NOT_AN_AMOUNT: "'{text}' is not an amount; write yuan like 128.50",
    Reason.TOO_MANY_DECIMALS: "'{text}' has more than 2 decimal places; the smallest unit is 0.01",
    Reason.NEGATIVE: "must not be negative",
    Reason.ZERO: "must be greater than 0",
    Reason.NOT_ZERO: "must not be 0",
    Reason.TOO_LARGE: "'{text}' is too large (at most {max})",
    Reason.NOT_WHOLE_POINTS: "'{text}' is not a whole number of points",
    Reason.POINTS_TOO_LARGE: "'{text}' is too large",
    Reason.ABOVE_SALE_LIMIT: "is above the store's limit of {limit}",
    Reason.ABOVE_TOPUP_LIMIT: "is above the top-up limit of {limit}",
    Reason.LINES_MISMATCH: "lines add up to {lines} but the amount is {amount}",
    Reason.POINTS_OVER_BALANCE: "the member has only {points} points",
    Reason.POINTS_BELOW_MIN: "at least {min} points at a time",
    Reason.POINTS_OVER_BILL_CAP: "at most {allowed} points on this bill ({percent}% of it)",
    Reason.POINTS_NOT_MULTIPLE: "must be a multiple of {step}",
    Reason.POINTS_OVER_MEMBER_DAY_CAP: "the member may redeem {left} more points today (daily cap)",
    Reason.POINTS_OVER_STORE_DAY_CAP: "the store may redeem {left} more points today (the store's daily cap; a "
                                      "manager can raise it in the rules)",
    Reason.POINTS_OVER_CONFIRMED: "HQ does not answer: only {available} points are confirmed by HQ for this "
                                  "member; points earned here since the last sync can be redeemed after it "
                                  "(offline limit)",
    Reason.POINTS_OVER_OFFLINE_MEMBER_CAP: "HQ does not answer: until it does, this member may redeem {left} "
                                           "more points here (offline limit)",
    Reason.POINTS_OVER_OFFLINE_TILL_CAP: "HQ does not answer: until it does, this till may redeem {left} more "
                                         "points today (offline limit)",
    Reason.POINTS_OVER_HQ_AVAILABLE: "HQ authorises at most {available} points: the member's chain balance less "
                                     "what other tills hold for sales in progress (authorised by HQ)",
    Reason.STORED_OVER_HQ_AVAILABLE: "HQ authorises at most {available} stored value: the member's chain balance "
                                     "less what other tills hold for sales in progress (authorised by HQ)",
    Reason.STORED_OVER_CONFIRMED: "HQ does not answer: only {available} stored value is confirmed by HQ for this "
                                  "member, less what this till spent since (offline limit)",
    Reason.STORED_OVER_OFFLINE_MEMBER_CAP: "HQ does not answer: until it does, this member may spend {left} more "
                                           "stored value here (offline limit)",
    Reason.STORED_OVER_OFFLINE_TILL_CAP: "HQ does not answer: until it does, this till may take {left} more "
                                         "stored value today (offline limit)",
    Reason.COUPON_HELD_ELSEWHERE: "coupon {code} is being used in a sale at another till (authorised by HQ)",
    Reason.COUPON_USED_AT_HQ: "coupon {code} was already used in the chain (authorised by HQ)",
    Reason.STORED_OVER_BALANCE: "the member has only {balance} stored value",
    Reason.STORED_OVER_LEFT: "is more than the {left} left to pay",
    Reason.STORED_BELOW_ZERO: "stored value would go below zero",
    Reason.POINTS_BELOW_ZERO: "points would go below zero",
    Reason.NO_CODE: "no member code given",
    Reason.MALFORMED: "this is not a member code",
    Reason.FORGED: "QR code signature is not valid: forged or from another chain",
    Reason.EXPIRED_CODE: "this phone code has expired; ask the member to refresh it",
    Reason.BAD_CHECK_DIGIT: "card number {card} has a wrong check digit (mistyped?)",
    Reason.UNKNOWN_CODE_FORMAT: "'{text}' is not a card number, member QR, phone or member number",
    Reason.LOST: "card {card} was reported lost and is refused",
    Reason.REPLACED: "card {card} was replaced by a newer card and is refused",
    Reason.FROZEN: "card {card} is frozen; a manager can unfreeze it",
    Reason.EXPIRED: "card {card} expired on {date}; renew it first",
    Reason.OLD_VERSION: "this QR is from an older print of card {card} (version {scanned}, now {current}) and is "
                        "refused",
    Reason.ANONYMISED: "this member was anonymised and cannot be used",
    Reason.NO_CARD: "this member has no card; issue one first",
    Reason.NO_SUCH_CARD: "no card {card} in this store",
    Reason.NO_MEMBER_WITH_PHONE: "no member with phone {phone}",
    Reason.NO_MEMBER_WITH_NO: "no member with member no {member}",
    Reason.NO_MEMBER_ID: "no member #{id}",
    Reason.CARD_STATUS_BLOCKS: "card {card} is {status}; cannot {action} it",
    Reason.CARD_ALREADY_REPLACED: "card {card} was already replaced by {new_card}",
    Reason.REPRINT_NOT_ACTIVE: "card {card} is {status}; only an active card is reprinted",
    Reason.RENEW_NOT_ACTIVE: "card {card} is {status}; it cannot be renewed",
    Reason.NEVER_EXPIRES: "card {card} never expires; nothing to renew",
    Reason.ANONYMISED_NO_NEW_CARD: "an anonymised member cannot get a new card",
    Reason.CARD_SEQ_EXHAUSTED: "card sequence exhausted for this device",
    Reason.MEMBER_SEQ_EXHAUSTED: "member sequence exhausted for this device",
    Reason.COUPON_MALFORMED: "this QR is not a coupon",
    Reason.COUPON_FORGED: "coupon QR signature is not valid: forged or from another chain",
    Reason.NOT_A_COUPON_CODE: "'{text}' is not a coupon code (10 letters and digits)",
    Reason.NO_SUCH_COUPON: "no coupon {code} in this store",
    Reason.COUPON_NOT_APPLICABLE: "cannot be used on this sale: {why}",
    Reason.COUPON_OTHER_MEMBER: "belongs to another member",
    Reason.COUPON_USED: "already used",
    Reason.COUPON_VOID: "no longer valid",
    Reason.COUPON_NOT_YET: "valid from {date}",
    Reason.COUPON_EXPIRED: "expired on {date}",
    Reason.COUPON_MIN_SPEND: "needs a bill of {min} (this one is {bill})",
    Reason.COUPON_GIFT: "gift: {name}",
    Reason.COUPON_AMOUNT_OFF: "{off} off ({name})",
    Reason.COUPON_PERCENT_OFF: "{percent}% off, {off} ({name})",
    Reason.NO_COUPON_TEMPLATE: "no coupon template '{code}'; the rules have {choices}",
    Reason.NO_SUCH_TIER: "no tier '{tier}'",
    Reason.EMPTY_SEGMENT: "no member is in this segment",
    Reason.EMPTY: "must not be empty",
    Reason.NAME_TOO_LONG: "must be at most {max} printable characters",
    Reason.NOT_A_DATE: "'{text}' is not a date; write YYYY-MM-DD",
    Reason.IMPLAUSIBLE_BIRTHDAY: "{text} is not a plausible birthday",
    Reason.NOT_A_PHONE: "'{text}' is not a mobile number (11 digits starting with 1)",
    Reason.PHONE_TAKEN: "phone {phone} already belongs to member {member}",
    Reason.NOT_ONE_OF: "must be one of {choices}",
    Reason.OUT_OF_RANGE: "must be {low} to {high}",
    Reason.AT_LEAST: "must be at least {low}",
    Reason.NOTHING_TO_CHANGE: "nothing to change: give --name, --phone or --birthday",
    Reason.ANONYMISED_NO_EDIT: "an anonymised member cannot be edited",
    Reason.ALREADY_ANONYMISED: "this member is already anonymised",
    Reason.BAD_PIN_FORMAT: "must be 4 to 8 digits",
    Reason.NO_STAFF_PIN: "no staff member has this PIN",
    Reason.SIGN_IN_LOCKED: "too many wrong PINs in a row; sign-in is possible again in {seconds} s",
    Reason.MANAGER_PIN_NEEDED: "{action} needs a manager's PIN",
    Reason.WRONG_MANAGER_PIN: "wrong manager PIN for {action}",
    Reason.NO_REASON_GIVEN: "must say why the points are adjusted",
    Reason.NO_SALE_ID: "no sale id given",
    Reason.NO_SUCH_SALE: "no sale {sale} in this store",
    Reason.SALE_FULLY_REFUNDED: "this sale has already been fully refunded",
    Reason.NO_SUCH_LINE: "this sale has no line {line}",
    Reason.LINE_FULLY_REFUNDED: "line {line} has already been fully refunded",
    Reason.LINE_REFUND_OVER: "only {left} of line {line} is left to refund",
    Reason.REFUND_OVER: "only {left} of this sale is left to refund",
    Reason.REFUND_NEEDS_MANAGER: "this refund needs a manager's PIN",
    Reason.BAD_STORE_CODE: "'{text}' must be exactly 3 digits, e.g. 001",
    Reason.STORE_EXISTS: "this data dir already holds a store; use another --home",
    Reason.NO_STORE_YET: "there is no store in {dir} yet: run `pos-member init` (or `pos-member demo`)",
    Reason.STORE_FILE_EMPTY: "the store file {path} is empty (0 bytes); restore it from a backup or move it away",
    Reason.STORE_FILE_UNREADABLE: "the store file {path} cannot be read ({error}); check the file and its permissions",
    Reason.STORE_FILE_DAMAGED: "the store file {path} is not a pos-member store or is damaged; restore it from a backup",
    Reason.NOT_SET_UP: "this store is not set up yet: run `pos-member init` (or `pos-member demo`)",
    Reason.NO_RULES: "this store has no rules yet; run `pos-member init` first",
    Reason.NEWER_SCHEMA: "{path} was written by a newer pos-member (schema {schema}); update this app first",
    Reason.STORE_DISK_FULL: "the disk holding {path} is full, so nothing was saved; free some space and try again",
    Reason.STORE_READ_ONLY: "{path} cannot be written ({error}), so nothing was saved; check that the file and "
                            "its folder are writable",
    Reason.HQ_NEWER_SCHEMA: "HQ's database was written by a newer pos-hq (schema {schema}); update pos-hq first",
    Reason.CANNOT_READ_FILE: "cannot read {path}: {detail}",
    Reason.RULES_IN_FORCE: "these rules are the ones in force already",
    Reason.RULES_FROM_HQ: "this store is enrolled with HQ, so its rules come from HQ (rules version {version} is "
                          "in force); HQ can grant it rules of its own with `pos-hq store local-rules {store} on`",
    Reason.BAD_PERIOD_DATES: "dates are YYYY-MM-DD",
    Reason.PERIOD_ORDER: "--to must be after --from",
    Reason.BAD_LINE_SPEC: "'{text}' must look like CATEGORY=YUAN, e.g. food=12.50",
    Reason.BAD_REFUND_LINE_SPEC: "'{text}' must look like N or N=YUAN, e.g. 2 or 2=10.50",
    Reason.AMOUNT_OR_LINES: "give either --amount or --line, not both",
    Reason.RULES_NOT_TABLE: "must be a table",
    Reason.RULES_NOT_INT: "must be a whole number, got {value}",
    Reason.RULES_OUT_OF_RANGE: "must be between {low} and {high}, got {value}",
    Reason.RULES_EMPTY_STRING: "must be a non-empty string",
    Reason.RULES_NOT_CHOICE: "must be one of {choices}; got {value}",
    Reason.RULES_NOT_LIST: "must be a list",
    Reason.RULES_UNKNOWN_KEY: "is not a known key (a typo?)",
    Reason.RULES_BAD_DATE: "must be a date YYYY-MM-DD, got {value}",
    Reason.RULES_BAD_WEEKDAYS: "must list ISO weekdays 1 (Monday) to 7",
    Reason.RULES_ROUNDING: "only 'down' is supported: points are rounded down per line",
    Reason.RULES_NO_TIERS: "must list at least one [[tiers]] entry",
    Reason.RULES_FIRST_TIER: "the first tier must start at 0",
    Reason.RULES_TIERS_RISE: "must be above the previous tier's ({threshold}): tiers rise",
    Reason.RULES_TIER_CODES_UNIQUE: "tier codes must be unique",
    Reason.RULES_TEMPLATE_CODE: "template codes are 1-24 of a-z, 0-9, _",
    Reason.RULES_UNKNOWN_TIER: "names unknown tier '{tier}'",
    Reason.RULES_NO_STANDARD_CARD: "must define a 'standard' card type",
    Reason.RULES_POINTS_PER_YUAN: "must divide 100 or be a multiple of 100",
    Reason.RULES_EXPIRY_MONTHS: "must be at least 1 for this policy",
    Reason.RULES_UNKNOWN_TEMPLATE: "names unknown coupon template '{template}'",
    Reason.RULES_NOT_TOML: "is not valid TOML: {detail}",
    Reason.RULES_MISSING: "is missing",
    Reason.RULES_DID_YOU_MEAN: "is not a known key; did you mean '{key}'?",
    Reason.RULES_BAD_LANGUAGE: "'{value}' is not a language the till ships (en, zh_CN)",
    Reason.SYNC_FAILED: "{why}",
    Reason.HQ_UNREACHABLE: "HQ unreachable: {error}",
    Reason.HQ_TOKEN_REFUSED: "HQ refused this till's token (revoked?); enrol it again with a new code",
    Reason.HQ_REFUSED: "{detail}",
    Reason.HQ_SERVER_ERROR: "HQ answered {status}: {detail}",
    Reason.HQ_BAD_REQUEST: "HQ refused the request ({status}): {detail}",
    Reason.HQ_NOT_JSON: "HQ sent a reply that is not JSON",
    Reason.HQ_STUCK: "HQ did not advance past local_seq {through}; will retry",
    Reason.NOT_ENROLLED: "this till is not enrolled with HQ: run `pos-member enrol URL CODE`",
    Reason.SYNC_BUSY: "another sync of this till is running",
    Reason.SYNC_LOCAL_ERROR: "the till could not finish the sync ({error}); details are in the log",
    Reason.MEMBER_NO_TAKEN: "member number {member_no} belongs to another member",
    Reason.MEMBER_NO_CHANGED: "this member's number is {held}; a member number never changes",
    Reason.CARD_NO_TAKEN: "card {card} belongs to another member",
    Reason.TILL_NUMBER_LIVE: "till number {device_no} of store {store} is in use by a live till ({device}); "
                             "revoke it first: pos-hq device revoke {device}",
    Reason.DEVICE_LIVE: "this till is already enrolled and live at HQ; to enrol it again, revoke it first: "
                        "pos-hq device revoke {device}",
    Reason.PULL_NUMBER_TAKEN: "{number} is held here by another member",
    Reason.PULL_NO_MEMBER: "its member {member} is not known here",
    Reason.PULL_NOT_APPLIED: "this till could not apply it ({error})",
    Reason.ENTRY_BAD_TYPE: "must be {expected}, got {got}",
    Reason.ENTRY_BAD_ID: "'{text}' is not a UUID",
    Reason.ENTRY_BAD_PAIR: "a till writes no {kind} entries on account {account}",
    Reason.ENTRY_BAD_SIGN: "a {kind} entry must be {sign}",
    Reason.ENTRY_TOO_LARGE: "{amount} is above the till's limit of {limit} for one {kind} entry",
    Reason.ENTRY_NO_SALE: "a {kind} entry needs the id of its sale",
    Reason.ENTRY_BAD_TIME: "'{text}' is not a time with its zone between {low} and {high}",
    Reason.ENTRY_UNKNOWN_RULES: "rules version {version} is not one HQ knows",
    Reason.ENTRY_BAD_TEXT: "text is not valid UTF-8",
    Reason.ENTRY_UNKNOWN_MEMBER: "unknown member {member}",
    Reason.ENTRY_CONFLICT: "conflict: {what}",
    Reason.MEMBER_FIELD_FIXED: "{field} of member {member} never changes",
    Reason.ANONYMISE_HOME_ONLY: "only the member's home store {store} (or HQ) may anonymise them",
    Reason.ONLY_HQ_MERGES: "only HQ merges members (pos-hq member merge)",
    Reason.HQ_NOT_STORED: "HQ could not store this {what}; its log says why",
    Reason.SALE_NOT_YOURS: "sale {sale} was recorded by another till or for another member",
    Reason.FOREIGN_SALE_OFFLINE: ("sale {sale} was made at another till and HQ cannot be reached to check it "
                                  "and its refunds; refund it at its own till or once HQ answers"),
    Reason.SALE_REFUNDED_ELSEWHERE: "sale {sale} has changed at HQ while this refund was prepared; try again",
    Reason.DOC_FIGURES: "the figures of this {what} do not add up: {detail}",
    Reason.DOC_CONFLICT: "HQ already holds {what} {key} with other figures",
    Reason.DOC_UNKNOWN_SALE: "HQ does not know sale {sale}",
    Reason.UNTYPED: "{text}",
}


def format_fen(fen: int) -> str:
    """Fen as yuan with two decimals (the same as money.format_yuan, which imports errors, which imports us)."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), 100)
    return f"{sign}{whole}.{part:02d}"


def shown_params(params: Params) -> dict[str, str]:
    """The parameters as a sentence shows them: every `*_fen` also as yuan under its name without `_fen`."""
    shown = {key: str(value) for key, value in params.items()}
    for key, value in params.items():
        if key.endswith("_fen") and isinstance(value, int):
            shown[key.removesuffix("_fen")] = format_fen(value)
    return shown


def fill(template: str, values: Mapping[str, str]) -> str:
    """`template` with its {names} filled; a name without a value stays as it is written (never a KeyError)."""

    class _Keep(dict):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return template.format_map(_Keep(values))


def english(reason: Reason, params: Params) -> str:
    shown = shown_params(params)
    inner = nested(params)
    if inner is not None and inner != reason:
        shown["why"] = english(inner, {k: v for k, v in params.items() if k != "why"})
    return fill(ENGLISH[reason], shown)


def nested(params: Params) -> Reason | None:
    """The reason named by the `why` parameter, if it names one."""
    why = params.get("why")
    return Reason(why) if isinstance(why, str) and why in Reason._value2member_map_ else None
