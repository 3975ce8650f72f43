"""A sign-in between its two steps: the password was right, the code is still to come.

Until the code is entered nobody is logged in; the session only remembers who gave the right
password, for a few minutes and only while that password stays the same."""

import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.http import HttpRequest

PENDING_KEY = "two_factor_pending"
PENDING_SECONDS = 300


@dataclass(frozen=True)
class PendingLogin:
    user: object
    backend: str
    redirect_to: str


def pending_login_start(request: HttpRequest, *, user, redirect_to: str) -> None:
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "auth_hash": user.get_session_auth_hash(),
        "started": int(time.time()),
        "next": redirect_to,
    }


def pending_login_get(request: HttpRequest) -> PendingLogin | None:
    """The sign-in waiting for its code, or None when there is none or it went stale."""
    saved = request.session.get(PENDING_KEY)
    if not isinstance(saved, dict):
        return None
    if time.time() - saved.get("started", 0) > PENDING_SECONDS:
        pending_login_clear(request)
        return None
    user = get_user_model()._default_manager.filter(pk=saved.get("user"), is_active=True).first()
    if user is None or user.get_session_auth_hash() != saved.get("auth_hash"):
        pending_login_clear(request)
        return None
    return PendingLogin(user=user, backend=saved["backend"], redirect_to=saved["next"])


def pending_login_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)
