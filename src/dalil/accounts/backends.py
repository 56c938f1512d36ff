from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from .models import User


class UsernameBackend(BaseBackend):
    """Password check only. Rights come from `dalil.access`, never from Django permissions."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None or len(username) > 150:
            return None
        user = User.objects.filter(username=username.lower()).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and user.is_active and user.locked_at is None:
            return user
        return None

    def get_user(self, user_id: int) -> User | None:
        user = User.objects.filter(pk=user_id).first()
        return user if user and user.is_active and user.locked_at is None else None
