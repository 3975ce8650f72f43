"""Reads the data files of the PyPI package `vietnamadminunits` (MIT licence).

The package itself is never imported: its SQLite database and JSON succession file are
read directly, so the portal does not need it at run time.
"""

import importlib.metadata
import importlib.util
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

from wards.sources.records import (
    AdminDataset,
    FormerUnitRecord,
    ProvinceRecord,
    SourceDataError,
    SuccessionRecord,
    UnitRecord,
    canonical_name,
    split_type,
)

SOURCE = "vietnamadminunits"

PROVINCE_LABELS = {"Thành phố": "thanh_pho", "Tỉnh": "tinh"}
UNIT_LABELS = {"Phường": "phuong", "Xã": "xa", "Đặc khu": "dac_khu"}
FORMER_UNIT_LABELS = {"Phường": "phuong", "Xã": "xa", "Thị trấn": "thi_tran"}
DISTRICT_LABELS = {"Quận": "quan", "Huyện": "huyen", "Thị xã": "thi_xa", "Thành phố": "thanh_pho"}


def data_dir() -> Path:
    spec = importlib.util.find_spec(SOURCE)
    if spec is None or not spec.submodule_search_locations:
        raise SourceDataError(f"The package {SOURCE} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def load(directory: Path | None = None) -> AdminDataset:
    directory = directory or data_dir()
    version = importlib.metadata.version(SOURCE)
    database = sqlite3.connect(f"file:{directory / 'dataset.db'}?mode=ro", uri=True)
    database.row_factory = sqlite3.Row
    try:
        new_rows = database.execute("SELECT * FROM admin_units ORDER BY wardCode").fetchall()
        old_rows = database.execute(
            "SELECT * FROM admin_units_legacy ORDER BY districtCode, wardCode"
        ).fetchall()
    finally:
        database.close()
    converter = json.loads((directory / "converter_2025.json").read_text(encoding="utf-8"))

    dataset = AdminDataset(source=SOURCE, version=version)
    dataset.provinces = _provinces(new_rows)
    dataset.units = _units(new_rows)
    province_by_key = {row["provinceKey"]: row["provinceCode"] for row in new_rows}
    unit_by_key = {(row["provinceKey"], row["wardKey"]): row["wardCode"] for row in new_rows}
    new_province_of_old = {
        old_key: province_by_key[new_key]
        for new_key, old_keys in converter["DICT_PROVINCE"].items()
        for old_key in old_keys
    }
    former_by_key = {}
    for row in old_rows:
        record = _former_unit(row, new_province_of_old)
        former_by_key[f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"] = record
    dataset.former_units = list(former_by_key.values())
    dataset.successions = _successions(converter, former_by_key, unit_by_key, version)
    return dataset


def _provinces(rows: list[sqlite3.Row]) -> list[ProvinceRecord]:
    provinces = {}
    for row in rows:
        type_, name = split_type(row["province"], PROVINCE_LABELS)
        provinces[row["provinceCode"]] = ProvinceRecord(
            code=row["provinceCode"], name=name, type=type_
        )
    return list(provinces.values())


def _units(rows: list[sqlite3.Row]) -> list[UnitRecord]:
    units = []
    for row in rows:
        type_, name = split_type(row["ward"], UNIT_LABELS)
        area = row["wardAreaKm2"]
        units.append(
            UnitRecord(
                code=row["wardCode"],
                province_code=row["provinceCode"],
                name=name,
                type=type_,
                latitude=row["wardLat"],
                longitude=row["wardLon"],
                area_km2=None if area is None else Decimal(str(area)).quantize(Decimal("0.01")),
            )
        )
    return units


def _former_unit(row: sqlite3.Row, new_province_of_old: dict[str, str]) -> FormerUnitRecord:
    district_name = canonical_name(row["district"], DISTRICT_LABELS)
    if row["ward"]:
        type_, name = split_type(row["ward"], FORMER_UNIT_LABELS)
        latitude, longitude = row["wardLat"], row["wardLon"]
    else:  # an island district without commune-level units
        type_, name = "", ""
        latitude, longitude = row["districtLat"], row["districtLon"]
    return FormerUnitRecord(
        code=row["wardCode"] or "",
        name=name,
        type=type_,
        district_code=row["districtCode"],
        district_name=district_name,
        former_province_code=row["provinceCode"],
        former_province_name=canonical_name(row["province"], PROVINCE_LABELS),
        province_code=new_province_of_old[row["provinceKey"]],
        latitude=latitude,
        longitude=longitude,
    )


def _successions(
    converter: dict,
    former_by_key: dict[str, FormerUnitRecord],
    unit_by_key: dict[tuple[str, str], str],
    version: str,
) -> list[SuccessionRecord]:
    successions = []

    def add(old_key: str, province_key: str, ward_key: str, is_default: bool) -> None:
        if old_key not in former_by_key or (province_key, ward_key) not in unit_by_key:
            raise SourceDataError(f"Succession {old_key} → {province_key}_{ward_key} is unknown")
        successions.append(
            SuccessionRecord(
                former_key=former_by_key[old_key].key,
                unit_code=unit_by_key[(province_key, ward_key)],
                is_default=is_default,
                source=SOURCE,
                source_version=version,
            )
        )

    for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            for old_key in old_keys:
                add(old_key, province_key, ward_key, is_default=True)
    for province_key, old_units in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in old_units.items():
            for part in parts:
                add(old_key, province_key, part["newWardKey"], bool(part["isDefaultNewWard"]))
    return successions
