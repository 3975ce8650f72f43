"""Plain records read from the data packages, before anything touches the database."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from portal.text import nfc


class SourceDataError(Exception):
    """A source file does not say what the importer expects; the import stops."""


@dataclass(frozen=True)
class ProvinceRecord:
    code: str
    name: str
    type: str
    legal_basis: str = ""
    legal_basis_date: date | None = None


@dataclass(frozen=True)
class UnitRecord:
    code: str
    province_code: str
    name: str
    type: str
    latitude: float | None = None
    longitude: float | None = None
    area_km2: Decimal | None = None
    legal_basis: str = ""
    legal_basis_date: date | None = None


@dataclass(frozen=True)
class FormerUnitRecord:
    code: str
    name: str
    type: str
    district_code: str
    district_name: str
    former_province_code: str
    former_province_name: str
    province_code: str
    latitude: float | None = None
    longitude: float | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.district_code, self.code)


@dataclass(frozen=True)
class SuccessionRecord:
    former_key: tuple[str, str]
    unit_code: str
    is_default: bool
    source: str = ""
    source_version: str = ""


@dataclass
class AdminDataset:
    """Everything one source says about provinces, units, former units and succession."""

    source: str
    version: str
    provinces: list[ProvinceRecord] = field(default_factory=list)
    units: list[UnitRecord] = field(default_factory=list)
    former_units: list[FormerUnitRecord] = field(default_factory=list)
    successions: list[SuccessionRecord] = field(default_factory=list)


def split_type(full_name: str, labels: dict[str, str]) -> tuple[str, str]:
    """Split `Thị Trấn Ái Tử` into (`thi_tran`, `Ái Tử`) using the labels {prefix: type}.

    The name's own prefix is trusted over any separate type column: the two disagree in
    a few source rows, and the prefix is what the official list says.
    """
    text = nfc(full_name)
    for label, type_ in sorted(labels.items(), key=lambda item: -len(item[0])):
        if text.lower().startswith(label.lower() + " "):
            return type_, text[len(label) + 1 :].strip()
    raise SourceDataError(f"No known type prefix in {full_name!r}")


def canonical_name(full_name: str, labels: dict[str, str]) -> str:
    """`Thành Phố Bắc Kạn` → `Thành phố Bắc Kạn`: the prefix in its usual case."""
    type_, name = split_type(full_name, labels)
    label = next(label for label, value in labels.items() if value == type_)
    return f"{label} {name}"


_DATE = "%d/%m/%Y"


def parse_vn_date(text: str) -> date:
    return datetime.strptime(text.strip(), _DATE).date()


_RESOLUTION_IN_NOTE = re.compile(r"Số:\s*([^;]+?)\s*;\s*Ngày:\s*(\d{1,2}/\d{1,2}/\d{4})")


def legal_basis_from_note(note: str) -> tuple[str, date]:
    """`... Số: 1656/NQ-UBTVQH15; Ngày: 16/06/2025` → ("1656/NQ-UBTVQH15", 2025-06-16)."""
    found = _RESOLUTION_IN_NOTE.findall(note)
    if len(found) != 1:
        raise SourceDataError(f"Expected one resolution in note, found {len(found)}: {note!r}")
    number, day = found[0]
    return number.strip(), parse_vn_date(day)
