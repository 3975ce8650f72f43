"""Writes to service points and their opening hours."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from portal.text import name_key
from wards.models import (
    AdministrativeChange,
    DataSource,
    PublicHoliday,
    ServicePoint,
    ServicePointKind,
    Unit,
)
from wards.sources.records import SourceDataError
from wards.sources.ward_offices import SOURCE, OfficeRecord

OFFICES_SOURCE_VERSION = "2025-07-17"


@dataclass
class OfficesImportSummary:
    created: int = 0
    already_present: int = 0
    joined_by_name_only: list[str] = field(default_factory=list)


def service_points_import_offices(*, records: list[OfficeRecord]) -> OfficesImportSummary:
    """Give every unit in the file its public administrative service point at the unit's
    administrative centre, all or nothing.

    Each row joins a unit by province, type and name (tone placement ignored; a unit
    reclassified since the file was made joins by its former type). A row that joins no
    unit, or two, stops the import. A unit that already has the point keeps it as it is:
    staff may have corrected it since.
    """
    units, units_by_name = _units_by_key()
    joined: list[tuple[OfficeRecord, Unit]] = []
    problems, by_name_only = [], []
    for record in records:
        place = (_key(record.province_name), _key(record.unit_name))
        found = units.get((place[0], record.unit_type, place[1]), [])
        if not found and len(units_by_name.get(place, [])) == 1:
            # The file's type disagrees with the official list's (Phường Việt Hòa is a
            # xã in the file): one unit of that name in the province is still a match.
            found = units_by_name[place]
            by_name_only.append(f"line {record.line}: {record.unit_name} ({record.unit_type})")
        if len(found) != 1:
            problems.append(
                f"line {record.line}: {record.unit_type} {record.unit_name}, "
                f"{record.province_name} joins {len(found)} units"
            )
        else:
            joined.append((record, found[0]))
    if problems:
        raise SourceDataError(f"{len(problems)} rows do not join:\n" + "\n".join(problems[:20]))
    summary = OfficesImportSummary(joined_by_name_only=by_name_only)
    existing = set(
        ServicePoint.objects.filter(
            kind=ServicePointKind.PUBLIC_ADMINISTRATIVE, source=SOURCE
        ).values_list("unit_id", flat=True)
    )
    with transaction.atomic():
        new_points = []
        for record, unit in joined:
            if unit.pk in existing:
                summary.already_present += 1
                continue
            new_points.append(
                ServicePoint(
                    unit=unit,
                    kind=ServicePointKind.PUBLIC_ADMINISTRATIVE,
                    name=f"Điểm phục vụ hành chính công {unit.full_name}",
                    address=record.address,
                    latitude=record.latitude,
                    longitude=record.longitude,
                    coordinates_approximate=True,
                    source=SOURCE,
                    source_version=OFFICES_SOURCE_VERSION,
                )
            )
        bulk_create_with_history(new_points, ServicePoint, batch_size=1000)
        summary.created = len(new_points)
        DataSource.objects.get_or_create(
            name=SOURCE,
            defaults={
                "version": OFFICES_SOURCE_VERSION,
                "licence": "MIT",
                "credit": (
                    "Tran Ngoc Minh Hieu, vietnamadminunits; bản đồ sắp xếp đơn vị hành chính"
                ),
                "description": (
                    "Địa chỉ trung tâm hành chính (trụ sở UBND) và toạ độ gần đúng của từng "
                    "đơn vị, công bố ngày 17/7/2025: nơi đặt điểm phục vụ hành chính công."
                ),
                "imported_at": timezone.now(),
            },
        )
    return summary


def _key(name: str) -> tuple:
    return name_key(name.lower())


def _units_by_key() -> tuple[dict[tuple, list[Unit]], dict[tuple, list[Unit]]]:
    former_types = {}
    for unit_id, old in AdministrativeChange.objects.filter(
        unit__isnull=False, field="type"
    ).values_list("unit_id", "old_value"):
        former_types.setdefault(unit_id, set()).add(old)
    by_type: dict[tuple, list[Unit]] = {}
    by_name: dict[tuple, list[Unit]] = {}
    for unit in Unit.objects.select_related("province"):
        place = (_key(unit.province.name), _key(unit.name))
        by_name.setdefault(place, []).append(unit)
        for type_ in {unit.type, *former_types.get(unit.pk, ())}:
            by_type.setdefault((place[0], type_, place[1]), []).append(unit)
    return by_type, by_name


def public_holidays_load(*, years: list[int]) -> int:
    """Vietnam's public holidays for the years from the `holidays` package, in
    Vietnamese; a day an admin has corrected is left as the admin left it."""
    import importlib.metadata

    import holidays

    version = importlib.metadata.version("holidays")
    source = f"holidays {version}"
    described = {
        "version": version,
        "licence": "MIT",
        "url": "https://pypi.org/project/holidays/",
        "credit": "holidays (vacanza)",
        "description": (
            "Ngày lễ, Tết của Việt Nam, kể cả ngày âm lịch; quản trị viên sửa được ngày nghỉ "
            "thực tế do Chính phủ công bố."
        ),
    }
    DataSource.objects.update_or_create(
        name="holidays",
        defaults=described,
        create_defaults={**described, "imported_at": timezone.now()},
    )
    calendar = holidays.country_holidays("VN", years=years, language="vi")
    existing = {
        holiday.date: holiday for holiday in PublicHoliday.objects.filter(date__year__in=years)
    }
    created = 0
    with transaction.atomic():
        for day, name in sorted(calendar.items()):
            holiday = existing.get(day)
            if holiday is None:
                PublicHoliday.objects.create(date=day, name=name, source=source)
                created += 1
            elif not holiday.edited_by_admin and (holiday.name, holiday.source) != (name, source):
                PublicHoliday.objects.filter(pk=holiday.pk).update(name=name, source=source)
    return created


def holiday_years(today: date) -> list[int]:
    return [today.year - 1, today.year, today.year + 1]
