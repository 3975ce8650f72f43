from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wards.services import service_points_import_offices
from wards.sources import ward_offices
from wards.sources.records import SourceDataError


class Command(BaseCommand):
    help = (
        "Create each unit's public administrative service point at its administrative centre "
        "from a ward-offices CSV (columns tentinh, loai, tenhc, trungtamhc, kinhdo, vido, ...)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        if not path.is_file():
            raise CommandError(f"No file at {path}")
        try:
            summary = service_points_import_offices(records=ward_offices.load(path))
        except SourceDataError as error:
            raise CommandError(f"Import refused, nothing was written: {error}") from error
        self.stdout.write(
            f"{summary.created} created, {summary.already_present} already present; "
            f"joined by name only: {', '.join(summary.joined_by_name_only) or 'none'}"
        )
