"""THE ledger. Services call `audit.record(...)` inside their own transaction.

from dalil import audit
audit.record(actor=user, action="accounts.user_created", target=new_user, payload={...})
"""

from __future__ import annotations

import hashlib
from typing import Any


def text_digest(text: str) -> str:
    """What the ledger keeps of a narrative (a journal entry, the grounds of a request, a judge's
    decision): its SHA-256, so the record can be checked against the ledger while the text itself
    stays with the record and its own access rules (ADR 0013)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record(**kwargs: Any) -> Any:
    from .ledger import record as _record

    return _record(**kwargs)


def record_access(**kwargs: Any) -> Any:
    from .ledger import record_access as _record_access

    return _record_access(**kwargs)


def record_now(**kwargs: Any) -> Any:
    from .ledger import record_now as _record_now

    return _record_now(**kwargs)


def __getattr__(name: str) -> Any:
    if name == "ledger":  # `audit.ledger.source(...)`, `audit.ledger.System`
        from . import ledger

        return ledger
    raise AttributeError(name)
