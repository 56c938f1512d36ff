"""THE ledger. Services call `audit.record(...)` inside their own transaction.

from dalil import audit
audit.record(actor=user, action="accounts.user_created", target=new_user, payload={...})
"""

from __future__ import annotations

from typing import Any


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
