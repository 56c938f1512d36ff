"""Registry of ledger action codes (`app.thing_verbed`) with translatable labels.

Each app declares its codes in its `events.py`; `audit.record()` refuses unknown codes, so a
typo cannot create an action nobody can filter on.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Action:
    code: str
    label: str | Promise
    sensitive_read: bool = False


_ACTIONS: dict[str, Action] = {}


def register(code: str, label: str | Promise, *, sensitive_read: bool = False) -> Action:
    if code in _ACTIONS:
        raise ValueError(f"ledger action {code!r} is registered twice")
    if not code.replace("_", "").replace(".", "").isalnum() or "." not in code:
        raise ValueError(f"ledger action {code!r} must look like 'app.thing_verbed'")
    action = Action(code, label, sensitive_read)
    _ACTIONS[code] = action
    return action


def get(code: str) -> Action:
    try:
        return _ACTIONS[code]
    except KeyError:
        raise LookupError(
            f"unknown ledger action {code!r}: register it in the app's events.py"
        ) from None


def all_actions() -> list[Action]:
    return sorted(_ACTIONS.values(), key=lambda a: a.code)


def label(code: str) -> str:
    action = _ACTIONS.get(code)
    return str(action.label) if action else code
