from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone


@pytest.fixture
def clock(time_machine: Any) -> Any:
    """Time frozen at the real present; tests move it with `clock.shift(...)`."""
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine
