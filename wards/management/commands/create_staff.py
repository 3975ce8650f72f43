from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wards.models import Unit
from wards.services import staff_account_invite
from wards.services.staff_accounts import ROLE_NAMES


class Command(BaseCommand):
    help = (
        "Give a ward officer (by email) a role in one unit and email them a link to set their "
        "own password. Re-running for the same person changes only the role and resends the link."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="the unit's official code, e.g. 00166")
        parser.add_argument("--email", required=True)
        parser.add_argument(
            "--role",
            choices=["editor", "unit-admin"],
            default="editor",
            help="editor keeps points, hours and notices; unit-admin also sees the history",
        )

    def handle(self, *args, unit: str, email: str, role: str, **options):
        found = Unit.objects.filter(code=unit.strip()).first()
        if found is None:
            raise CommandError(f"No unit with code {unit!r} (codes have 5 digits, e.g. 00166).")
        try:
            user = staff_account_invite(unit=found, email=email, role=ROLE_NAMES[role])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            f"{user.email} is {ROLE_NAMES[role].label} of {found.full_name}; "
            "a link to set the password was emailed."
        )
