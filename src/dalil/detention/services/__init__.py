"""Every write to the detainee register (IN-6): one service each, with its door check on the case,
its rules (the legal ones from `clock`, ADR 0011) and one ledger entry, all in the service's own
durable transaction with the case row (and the detainee's) locked: nothing is decided on a
reading made before the transaction opened (ARCHITECTURE rule 7).

Refusals raise ValidationError naming the field, and nothing is written. A stored file (an intake
photo, a statement's document) adds the vault's own `core.file_uploaded` entry beside the
service's; a statement taken from an injured detainee adds the referral's entry (two records, two
entries, one transaction).

By what they do: `arrest`, `appearance` (the 24-hour rules), `orders` (the judge's orders and the criminal court's permissions), `custody` (transfers and the release),
`intake` (injuries seen at intake), `statements` (and integrity referrals), `alerts`.
"""

from .alerts import ALERT_ACTOR, alert_mark_read, alerts_raise, recipients_for
from .appearance import appearance_record, hold_extension_record
from .arrest import arrest_record
from .custody import release_record, transfer_record
from .intake import injury_record
from .orders import court_permission_record, order_decision, order_record
from .penalties import clocks_refresh, penalty_scale_update
from .statements import statement_record

__all__ = [
    "ALERT_ACTOR",
    "alert_mark_read",
    "alerts_raise",
    "appearance_record",
    "arrest_record",
    "clocks_refresh",
    "court_permission_record",
    "hold_extension_record",
    "injury_record",
    "order_decision",
    "order_record",
    "penalty_scale_update",
    "recipients_for",
    "release_record",
    "statement_record",
    "transfer_record",
]
