import json

from django.core.management.base import BaseCommand, CommandError

from wards import selectors
from wards.api import match_as_json
from wards.forms import ConvertForm


class Command(BaseCommand):
    help = "Which new unit(s) a former address is in now: the same answer as /api/v1/convert."

    def add_arguments(self, parser):
        parser.add_argument("address", help='a former address, e.g. "P. Quan Hoa, Q. Cầu Giấy"')
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--json", action="store_true", help="print the API's JSON")

    def handle(self, *args, **options):
        form = ConvertForm({"q": options["address"], "limit": options["limit"]})
        if not form.is_valid():
            raise CommandError(form.first_error())
        matches = selectors.former_unit_resolve(
            query=form.cleaned_data["q"], limit=form.cleaned_data["limit"] or 10
        )
        if options["json"]:
            body = {"query": form.cleaned_data["q"], "results": [match_as_json(m) for m in matches]}
            self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
            return
        if not matches:
            self.stdout.write("Không tìm thấy phường, xã cũ nào khớp.")
        for number, match in enumerate(matches, 1):
            entry = match.entry
            place = [entry.name, entry.district, entry.province]
            if entry.name == entry.district:  # an island district without communes
                place.remove(entry.district)
            self.stdout.write(f"{number}. {', '.join(place)}")
            for successor in entry.successors:
                default = " (mặc định)" if entry.divided and successor.is_default else ""
                self.stdout.write(f"   → {successor.name}, {successor.province}{default}")
            if entry.divided:
                self.stdout.write("   Đã chia: đơn vị mới tuỳ theo đường phố, thôn nơi ở.")
