from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procedures.catalogue_io import catalogue_import

FORMATS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx"}


class Command(BaseCommand):
    help = (
        "Import procedures from a CSV, XLSX or JSON file (format in procedures/resources.py). "
        "The whole file is checked first; any row error and nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="only check and report")

    def handle(self, *args, path: Path, dry_run: bool, **options):
        file_format = FORMATS.get(path.suffix.lower())
        if file_format is None:
            raise CommandError(f"Unknown file type {path.suffix!r}: use .csv, .xlsx or .json")
        if not path.is_file():
            raise CommandError(f"No file at {path}")
        data = path.read_bytes() if file_format == "xlsx" else path.read_text(encoding="utf-8")
        report = catalogue_import(data=data, file_format=file_format, dry_run=dry_run)
        self.stdout.write(f"{report.rows} rows: {report.new} new, {report.updated} updated")
        if report.errors:
            raise CommandError("Nothing imported:\n" + "\n".join(report.error_lines))
        self.stdout.write("Imported." if report.imported else "Dry run: nothing imported.")
