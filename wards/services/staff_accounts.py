"""Staff accounts: an officer is invited by email and sets their own password."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from wards.models import StaffMembership, StaffRole, Unit

# How people name the roles in a command line or a pasted list; the stored values work too.
ROLE_NAMES = {
    "editor": StaffRole.EDITOR,
    "unit-admin": StaffRole.UNIT_ADMIN,
    **{role.value: role for role in StaffRole},
}


def set_password_url(*, user) -> str:
    """A link to choose a password, valid for PASSWORD_RESET_TIMEOUT and only until used."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL + path


def staff_account_invite(*, unit: Unit, email: str, role: str = StaffRole.EDITOR):
    """Give the account of `email` (created without a usable password when new) `role` in
    `unit`, and email it a link to set its password once the change commits.

    Raises ValidationError for an invalid address or role; the account, membership and
    email happen together or not at all.
    """
    email = email.strip().lower()
    validate_email(email)
    if role not in StaffRole.values:
        raise ValidationError(f"unknown role {role!r}; one of {', '.join(StaffRole.values)}")
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model.objects.filter(email__iexact=email).first()
        if user is None:
            user = user_model(username=email, email=email)
            user.set_unusable_password()
            user.save()
        StaffMembership.objects.update_or_create(user=user, unit=unit, defaults={"role": role})
        transaction.on_commit(lambda: _send_invitation(user=user, unit=unit))
    return user


def _send_invitation(*, user, unit: Unit) -> None:
    context = {
        "unit": unit,
        "username": user.get_username(),
        "set_password_url": set_password_url(user=user),
        "login_url": settings.SITE_URL + reverse("login"),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    message = EmailMultiAlternatives(
        subject=f"Tài khoản cán bộ {unit.full_name} trên Cổng phường xã Hà Nội",
        body=render_to_string("registration/staff_invitation.txt", context),
        to=[user.email],
    )
    message.send()
