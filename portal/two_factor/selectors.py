"""Reads: whose sign-in needs a code, and which device gives it."""

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from procedures.services import CATALOGUE_EDITORS


def totp_device_confirmed(*, user) -> TOTPDevice | None:
    """The device the user's sign-in asks a code from; a device whose first code was never
    entered does not count."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def two_factor_required(*, user) -> bool:
    """With OTP_REQUIRED_FOR_ADMINS on, the accounts that can change the most must sign in
    with a code: site admins, anyone who can sign in to the admin, the catalogue editors."""
    if not settings.OTP_REQUIRED_FOR_ADMINS or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return user.groups.filter(name=CATALOGUE_EDITORS).exists()
