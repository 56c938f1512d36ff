"""Where a write comes from, as far as the door cares: the operator's own command line, or not.

A `System` actor alone proves nothing: background jobs, the alert raiser and the worker are
`System` actors too. The operator's exception (ADR 0006) therefore depends on the origin: only a
management command that the operator runs on the server enters `operator_command()`, and only
inside it does a `System` actor pass the door (`access.is_operator`). No web or API request enters
it, and a background job acts as the user who started it.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dalil.audit.ledger import System


@dataclass(frozen=True)
class Command:
    name: str
    # The command records older paper files (or the demo): input checks that catch typing errors
    # in live work (a deadline before the case was opened) do not apply to it.
    history: bool


_command: contextvars.ContextVar[Command | None] = contextvars.ContextVar(
    "dalil_operator_command", default=None
)


@contextlib.contextmanager
def operator_command(name: str, *, history: bool = False) -> Iterator[System]:
    """Run the block as the operator's command line `name` and yield its actor,
    `System("cli:<name>")`; its writes are ledgered with the source `cli:<name>`."""
    from dalil.audit.ledger import System, source

    token = _command.set(Command(name, history))
    try:
        with source(f"cli:{name}"):
            yield System(f"cli:{name}")
    finally:
        _command.reset(token)


def current() -> Command | None:
    """The operator's command running now, if any."""
    return _command.get()
