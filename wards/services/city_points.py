"""Hà Nội's city-level reception points: the branches of the city's Public Administrative
Service Centre, kept after 1 July 2025 for procedures of city departments."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from wards.models import DataSource, FormerUnit, ServicePoint, ServicePointKind, Succession
from wards.sources.records import SourceDataError

CITY_POINTS_FILE = Path(__file__).resolve().parent.parent / "data" / "hanoi-city-points.json"
SOURCE = "hanoi-city-points.json"


@dataclass
class CityPointsSummary:
    created: int = 0
    already_present: int = 0


def city_points_records(path: Path = CITY_POINTS_FILE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def city_points_import(*, data: dict[str, Any]) -> CityPointsSummary:
    """Create each listed point, once, in the new unit its address now lies in: the former
    ward's default successor (the address's own street decides only when staff correct it).

    Every point must name its sources; a point whose former ward is not a Hà Nội former
    unit stops the import, and nothing is written.
    """
    version = data["version"]
    planned = []
    for point in data["points"]:
        if not point.get("sources"):
            raise SourceDataError(f"{point.get('name')}: no source")
        successor = (
            Succession.objects.filter(
                is_default=True,
                former_unit__in=FormerUnit.objects.filter(
                    province__code="01",
                    name=point["former_ward"],
                    district_name__endswith=point["former_district"],
                ),
            )
            .select_related("unit")
            .first()
        )
        if successor is None:
            raise SourceDataError(
                f"{point['name']}: no Hà Nội former unit {point['former_ward']}, "
                f"{point['former_district']}"
            )
        planned.append((point, successor.unit))
    summary = CityPointsSummary()
    present = set(
        ServicePoint.objects.filter(kind=ServicePointKind.CITY_CENTRE_BRANCH).values_list(
            "name", flat=True
        )
    )
    with transaction.atomic():
        for point, unit in planned:
            if point["name"] in present:
                summary.already_present += 1
                continue
            ServicePoint.objects.create(
                unit=unit,
                kind=ServicePointKind.CITY_CENTRE_BRANCH,
                name=point["name"],
                address=point["address"],
                note=point.get("note", ""),
                source=SOURCE,
                source_version=version,
            )
            summary.created += 1
        described = {
            "version": version,
            "licence": "Dữ liệu công khai, dự án tự tổng hợp",
            "credit": "; ".join(data["credit"])[:300],
            "description": (
                "Địa chỉ các chi nhánh của Trung tâm Phục vụ hành chính công thành phố "
                "Hà Nội (nơi nộp thủ tục của các sở, ngành), mỗi địa chỉ kèm nguồn."
            ),
        }
        DataSource.objects.update_or_create(
            name=SOURCE,
            defaults=described,
            create_defaults={**described, "imported_at": timezone.now()},
        )
    return summary
