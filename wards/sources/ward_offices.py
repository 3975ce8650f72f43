"""Reads a ward-offices CSV (the national merger map's list of the 3,321 units of 17 July
2025, with each unit's administrative-centre address), from any path."""

import csv
from dataclasses import dataclass
from pathlib import Path

from portal.text import nfc
from wards.sources.records import SourceDataError

SOURCE = "ward-offices-2025-07-17.csv"
COLUMNS = {"tentinh", "loai", "tenhc", "trungtamhc", "kinhdo", "vido", "dientichkm2", "dansonguoi"}
UNIT_TYPES = {"phường": "phuong", "xã": "xa", "đặc khu": "dac_khu"}
PROVINCE_PREFIXES = ("Thủ đô ", "Thành phố ", "Tỉnh ")


@dataclass(frozen=True)
class OfficeRecord:
    line: int
    province_name: str
    unit_type: str
    unit_name: str
    address: str
    latitude: float | None
    longitude: float | None


def load(path: Path) -> list[OfficeRecord]:
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = COLUMNS - set(reader.fieldnames or ())
        if missing:
            raise SourceDataError(f"{path}: missing columns {sorted(missing)}")
        return [_record(number, row) for number, row in enumerate(reader, start=2)]


def _record(line: int, row: dict[str, str]) -> OfficeRecord:
    unit_type = UNIT_TYPES.get(nfc(row["loai"]).lower())
    if unit_type is None:
        raise SourceDataError(f"line {line}: unknown unit type {row['loai']!r}")
    province = nfc(row["tentinh"])
    for prefix in PROVINCE_PREFIXES:
        if province.lower().startswith(prefix.lower()):
            province = province[len(prefix) :]
    return OfficeRecord(
        line=line,
        province_name=province,
        unit_type=unit_type,
        unit_name=nfc(row["tenhc"]),
        address=nfc(row["trungtamhc"]),
        latitude=_number(row["vido"], line),
        longitude=_number(row["kinhdo"], line),
    )


def _number(text: str, line: int) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise SourceDataError(f"line {line}: {text!r} is not a number") from None
