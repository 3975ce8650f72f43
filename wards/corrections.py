"""Reviewed corrections to the imported succession data.

Each entry states what the source gets wrong and the official text that says so. Every
import re-applies them; an entry whose units cannot be found stops the import.
"""

from dataclasses import dataclass

from wards.sources.records import SuccessionRecord


@dataclass(frozen=True)
class SuccessionCorrection:
    slug: str
    former_district_code: str
    former_code: str
    unit_code: str
    source: str
    reason: str

    def as_record(self) -> SuccessionRecord:
        return SuccessionRecord(
            former_key=(self.former_district_code, self.former_code),
            unit_code=self.unit_code,
            is_default=False,
            source="wards.corrections",
            source_version=self.slug,
        )


SUCCESSION_CORRECTIONS = [
    SuccessionCorrection(
        slug="van-khe-o-dien",
        former_district_code="250",  # Huyện Mê Linh
        former_code="09013",  # Xã Văn Khê
        unit_code="09817",  # Xã Ô Diên
        source="Nghị quyết 1656/NQ-UBTVQH15 ngày 16/06/2025 (điều khoản về xã Ô Diên)",
        reason=(
            "The resolution forms Xã Ô Diên from, among others, part of Xã Văn Khê; "
            "vietnamadminunits 1.0.4 lists Văn Khê only under Mê Linh, Tiến Thắng and Yên Lãng."
        ),
    ),
]
