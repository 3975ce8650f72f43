"""Reads of provinces, units and their former units."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet

from portal.text import fold
from wards.models import (
    FormerUnit,
    Notice,
    NoticeKind,
    Province,
    Succession,
    Unit,
    UnitType,
)
from wards.resolver import Match
from wards.resolver_index import address_index


def province_default() -> Province:
    return Province.objects.get(code=settings.DEFAULT_PROVINCE_CODE)


def province_list() -> QuerySet[Province]:
    return Province.objects.annotate(
        unit_count=Count("units"),
        ward_count=Count("units", filter=Q(units__type=UnitType.WARD)),
    )


def province_unit_counts(province: Province) -> dict[str, int]:
    counts = dict(province.units.values_list("type").annotate(n=Count("pk")).order_by())
    return {
        "total": sum(counts.values()),
        **{type_.value: counts.get(type_.value, 0) for type_ in UnitType},
    }


def unit_list(*, province: Province, query: str = "", unit_type: str = "") -> QuerySet[Unit]:
    """The province's units whose name contains every word of the query, in any spelling
    (with or without diacritics)."""
    units = Unit.objects.filter(province=province).only(
        "name", "type", "slug", "code", "area_km2", "province__slug"
    )
    units = units.select_related("province")
    for word in fold(query).split():
        units = units.filter(name_folded__contains=word)
    if unit_type:
        units = units.filter(type=unit_type)
    return units.order_by("type", "name_folded")


def unit_get(*, province_slug: str, unit_slug: str) -> Unit:
    return Unit.objects.select_related("province").get(province__slug=province_slug, slug=unit_slug)


@dataclass(frozen=True)
class Predecessor:
    """A former unit that went into a unit, whole or as a part."""

    former_unit: FormerUnit
    is_whole: bool
    is_default: bool
    other_units: list[Unit]


def unit_predecessors(unit: Unit) -> list[Predecessor]:
    successions = (
        Succession.objects.filter(unit=unit)
        .select_related("former_unit")
        .prefetch_related(
            Prefetch(
                "former_unit__successions",
                queryset=Succession.objects.select_related("unit__province"),
            )
        )
        .order_by("former_unit__district_code", "former_unit__name_folded")
    )
    predecessors = []
    for succession in successions:
        siblings = succession.former_unit.successions.all()
        predecessors.append(
            Predecessor(
                former_unit=succession.former_unit,
                is_whole=len(siblings) == 1,
                is_default=succession.is_default,
                other_units=[s.unit for s in siblings if s.unit_id != unit.pk],
            )
        )
    return predecessors


def address_index_generation() -> int:
    """Changes whenever this process rebuilds its address index."""
    return address_index().generation


def former_unit_resolve(*, query: str, limit: int = 10) -> list[Match]:
    """Former units a typed former address (or code, or new unit's name) names, best first,
    each with the new units it went into."""
    return address_index().resolve(query, limit)


def unit_notices_active(unit: Unit, today: date) -> dict[str, list[Notice]]:
    """The unit's notices residents see today (published, not withdrawn, not ended):
    closures, shown as a banner, and the others."""
    notices = (
        Notice.objects.filter(unit=unit, withdrawn_at__isnull=True)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .order_by("-published_at")
    )
    closures = [notice for notice in notices if notice.kind == NoticeKind.CLOSURE]
    others = [notice for notice in notices if notice.kind != NoticeKind.CLOSURE]
    return {"closure_notices": closures, "general_notices": others}
