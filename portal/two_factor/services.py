"""Every write to a user's two-factor devices."""

import logging
import math
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Ứng dụng xác thực"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CodeCheck:
    """What checking one code said: accepted by `device`, wrong, or not checked at all
    because too many wrong codes came just before (wait_seconds > 0)."""

    device: TOTPDevice | None
    wait_seconds: int = 0
    failures: int = 0

    @property
    def accepted(self) -> bool:
        return self.device is not None


def totp_device_start(*, user) -> TOTPDevice:
    """The user's device waiting for its first code, made with a new secret on the first
    call and the same one after. Until confirmed it does nothing: sign-in asks no code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_code_check(*, device: TOTPDevice, code: str) -> CodeCheck:
    """Checks a code against the device under a row lock, so one code cannot be used twice
    by two requests at once. A wrong code counts towards django-otp's throttling (the wait
    doubles with each failure in a row); while a wait lasts, nothing is checked or counted."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk).first()
        if locked is None:  # removed meanwhile, by its owner or a site admin
            return CodeCheck(device=None)
        allowed, extra = locked.verify_is_allowed()
        if not allowed:
            return _refused(extra)
        accepted = locked.verify_token(code)
    if not accepted:
        # Like django-axes for passwords: someone guessing codes shows up in the logs.
        logger.warning(
            "Wrong two-factor code for user id %s (%d in a row)",
            locked.user_id,
            locked.throttling_failure_count,
        )
    return CodeCheck(device=locked if accepted else None, failures=locked.throttling_failure_count)


def _refused(extra: dict) -> CodeCheck:
    if extra.get("reason") != VerifyNotAllowed.N_FAILED_ATTEMPTS:
        return CodeCheck(device=None, wait_seconds=1)
    wait = (extra["locked_until"] - timezone.now()).total_seconds()
    return CodeCheck(
        device=None, wait_seconds=max(1, math.ceil(wait)), failures=extra["failure_count"]
    )


def totp_device_confirm(*, user, code: str) -> CodeCheck:
    """Turns two-factor sign-in on when the code matches the device waiting for it; any
    older device of the user is removed, so exactly one app gives valid codes."""
    device = totp_device_start(user=user)
    check = totp_code_check(device=device, code=code)
    if check.accepted:
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            check.device.confirmed = True
            check.device.save(update_fields=["confirmed"])
    return check


def totp_device_remove(*, user, device: TOTPDevice, code: str) -> CodeCheck:
    """Turns two-factor sign-in off, only for a current code of the device."""
    check = totp_code_check(device=device, code=code)
    if check.accepted:
        TOTPDevice.objects.filter(user=user).delete()
    return check
