from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def investigator(make_user: Any) -> Any:
    return make_user("inv.karada", unit="BGD-KARADA", role="investigator")


@pytest.fixture
def other_investigator(make_user: Any) -> Any:
    return make_user("inv.mansour", unit="BGD-MANSOUR", role="investigator")
