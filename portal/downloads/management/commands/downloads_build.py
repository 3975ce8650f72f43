from django.conf import settings
from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat

from portal.downloads.selectors import manifest_read
from portal.downloads.services import downloads_build


class Command(BaseCommand):
    help = (
        "Write the open data files of /du-lieu/ into DOWNLOADS_ROOT (units, successions, "
        "service points, the published catalogue and its HSDS form, each with licence and "
        "sources) and their manifest. A file whose data has not changed is left as it is."
    )

    def handle(self, *args, **options):
        summary = downloads_build()
        if summary.skipped:
            self.stdout.write("Another build is writing the downloads; nothing done.")
            return
        sizes = {f["name"]: f["size"] for f in (manifest_read() or {}).get("files", [])}
        for name, rows in summary.rows.items():
            state = "written" if name in summary.written else "unchanged"
            size = filesizeformat(sizes.get(name, 0))
            self.stdout.write(f"{name}: {state}, {rows} rows, {size}")
        self.stdout.write(f"Downloads in {settings.DOWNLOADS_ROOT}")
