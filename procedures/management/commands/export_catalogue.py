import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from procedures.catalogue_io import catalogue_export


class Command(BaseCommand):
    help = "Export the whole catalogue as CSV, XLSX or JSON (one row per procedure)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "xlsx", "json"], default="csv")
        parser.add_argument("--output", type=Path, help="a file (default: standard output)")

    def handle(self, *args, **options):
        data = catalogue_export(file_format=options["format"])
        if options["output"]:
            mode = "wb" if isinstance(data, bytes) else "w"
            with options["output"].open(
                mode, **({} if mode == "wb" else {"encoding": "utf-8"})
            ) as f:
                f.write(data)
        elif isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            self.stdout.write(data, ending="")
