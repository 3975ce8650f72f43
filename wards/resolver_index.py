"""Builds the address resolver's in-memory index from the database, once per process, and
rebuilds it when the imported data changes."""

import gc
import itertools
import re
from collections import defaultdict

from django.db.models import Max

from portal.process_cache import VersionedProcessCache
from portal.text import fold, name_key
from wards.models import DataSource, FormerUnit, FormerUnitType, Province, Succession, Unit
from wards.resolver import (
    DISTRICT_TYPES,
    FUZZY_MIN_LENGTH,
    PROVINCE_TYPES,
    WARD_TYPES,
    AddressIndex,
    FormerEntry,
    Successor,
    joined_key,
    one_deletion,
    search_key,
    strip_type,
)

VERSION_CHECK_SECONDS = 30.0
_generations = itertools.count(1)


def build_index() -> AddressIndex:
    index = AddressIndex(generation=next(_generations))
    successors = _successors_by_former_unit()
    province_names = {province.code: province.full_name for province in Province.objects.all()}
    type_labels = {value: str(label) for value, label in FormerUnitType.choices}
    dashed = set()
    rows = FormerUnit.objects.order_by("pk").values_list(
        "pk",
        "code",
        "name",
        "type",
        "district_code",
        "district_name",
        "former_province_code",
        "former_province_name",
        "province__code",
    )
    for pk, code, name, type_, district_code, district, old_code, old_name, new_code in rows:
        district_type, district_name = strip_type(district, DISTRICT_TYPES)
        entry = FormerEntry(
            pk=pk,
            code=code,
            name=f"{type_labels[type_]} {name}" if type_ else district,
            district=district,
            province=old_name,
            ward_key=search_key(name) if type_ else "",
            ward_name_key=name_key(name.lower()),
            ward_type=type_,
            district_code=district_code,
            province_codes=frozenset({old_code, new_code}),
            successors=tuple(successors[pk]),
        )
        position = len(index.entries)
        index.entries.append(entry)
        if code:
            index.by_code[code] = position
        if entry.ward_key:
            index.wards[entry.ward_key].append(position)
        index.districts[search_key(district_name)].add(district_code)
        index.district_types[district_code] = district_type
        index.district_entries[district_code].append(position)
        index.provinces[search_key(strip_type(old_name, PROVINCE_TYPES)[1])].add(old_code)
        new_province = strip_type(province_names[new_code], PROVINCE_TYPES)[1]
        index.provinces[search_key(new_province)].add(new_code)
        for successor in entry.successors:
            index.unit_entries[successor.code].append(position)
        dashed |= {n for n in (district, old_name) if " - " in n}
    for code, name, type_ in Unit.objects.values_list("code", "name", "type"):
        index.units[search_key(name)].append((code, type_, name_key(name.lower())))
        if " - " in name:
            dashed.add(name)
    for key in (*index.wards, *index.districts, *index.units):
        index.deletes[key].add(key)
        if len(key) >= FUZZY_MIN_LENGTH:
            for variant in one_deletion(key):
                index.deletes[variant].add(key)
    for key in sorted({*index.wards, *index.districts, *index.units, *index.provinces}):
        index.joined[joined_key(key)].append(key)
    if dashed:
        index.dashed_names = re.compile(
            "|".join(
                r"\s*[-–—]\s*".join(re.escape(part) for part in fold(name).split(" - "))
                for name in sorted(_without_type(name) for name in dashed)
            )
        )
    return index


def _without_type(full_name: str) -> str:
    for types in (DISTRICT_TYPES, PROVINCE_TYPES, WARD_TYPES):
        type_, name = strip_type(full_name, types)
        if type_:
            return name
    return full_name


def _successors_by_former_unit() -> dict[int, list[Successor]]:
    units = {}
    for unit in Unit.objects.select_related("province"):
        units[unit.pk] = (
            unit.code,
            unit.full_name,
            unit.province.full_name,
            unit.get_absolute_url(),
        )
    successors = defaultdict(list)
    rows = Succession.objects.order_by("-is_default", "unit__name_folded").values_list(
        "former_unit_id", "unit_id", "is_default"
    )
    for former_id, unit_id, is_default in rows:
        code, name, province, url = units[unit_id]
        successors[former_id].append(Successor(code, name, province, is_default, url))
    return successors


def _data_version() -> tuple:
    return (
        DataSource.objects.aggregate(latest=Max("imported_at"))["latest"],
        FormerUnit.objects.count(),
        Succession.objects.count(),
    )


def _freeze_for_gc() -> None:
    # The index is some hundred thousand long-lived objects; left to the cyclic garbage
    # collector they make every full collection, and so every lookup that meets one,
    # several times slower.
    gc.collect()
    gc.freeze()


_cache = VersionedProcessCache(
    name="address index",
    build=build_index,
    version=_data_version,
    check_every=VERSION_CHECK_SECONDS,
    after_build=_freeze_for_gc,
)


def address_index() -> AddressIndex:
    """The process's index, rebuilt when the imported data changes."""
    return _cache.get()


def address_index_version() -> str:
    """The imported data the index was built from, the same on every app server."""
    return _cache.version_built()


def address_index_reset() -> None:
    """Forget the index, so the next lookup rebuilds it (after an import)."""
    _cache.reset()
