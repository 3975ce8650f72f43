"""Cross-checks the primary list of provinces and units against a newer reference list.

Two kinds of disagreement are understood and allowed:
- the same name spelt with another tone placement or apostrophe (`Hòa`/`Hoà`, `'`/`’`);
- a reclassification made after July 2025 (a xã that became a phường): the reference is
  newer, so its type is taken and the change is recorded with its legal basis.
Anything else (a missing or extra code, another name, another province) stops the import.
"""

from dataclasses import dataclass, field
from datetime import date

from portal.text import same_name
from wards.sources.records import AdminDataset


class SourceDisagreement(Exception):
    """The sources disagree in a way no rule explains; the import must not go on."""


@dataclass(frozen=True)
class Reclassification:
    kind: str  # "province" or "unit"
    code: str
    old_type: str
    new_type: str
    legal_basis: str
    legal_basis_date: date | None


@dataclass(frozen=True)
class SpellingVariant:
    kind: str
    code: str
    primary: str
    reference: str


@dataclass
class CrossCheck:
    reclassifications: list[Reclassification] = field(default_factory=list)
    spelling_variants: list[SpellingVariant] = field(default_factory=list)

    def unit_disagreements(self) -> int:
        """Units whose names differ in the two lists (a unit both respelt and
        reclassified counts once)."""
        codes = {r.code for r in self.reclassifications if r.kind == "unit"}
        codes |= {v.code for v in self.spelling_variants if v.kind == "unit"}
        return len(codes)

    def reclassification_of(self, kind: str, code: str) -> Reclassification | None:
        return next((r for r in self.reclassifications if (r.kind, r.code) == (kind, code)), None)


def crosscheck(primary: AdminDataset, reference: AdminDataset) -> CrossCheck:
    result = CrossCheck()
    problems: list[str] = []
    for kind, ours, theirs in (
        ("province", primary.provinces, reference.provinces),
        ("unit", primary.units, reference.units),
    ):
        ours_by_code = {record.code: record for record in ours}
        theirs_by_code = {record.code: record for record in theirs}
        for code in sorted(ours_by_code.keys() ^ theirs_by_code.keys()):
            where = "reference" if code in theirs_by_code else "primary"
            problems.append(f"{kind} {code} is only in the {where} list")
        for code in sorted(ours_by_code.keys() & theirs_by_code.keys()):
            problems += _compare(kind, ours_by_code[code], theirs_by_code[code], result)
    if problems:
        raise SourceDisagreement(
            f"{primary.source} {primary.version} and {reference.source} {reference.version} "
            f"disagree in {len(problems)} ways no rule explains:\n" + "\n".join(problems)
        )
    return result


def _compare(kind: str, ours, theirs, result: CrossCheck) -> list[str]:
    if getattr(ours, "province_code", None) != getattr(theirs, "province_code", None):
        return [f"{kind} {ours.code}: province {ours.province_code} ≠ {theirs.province_code}"]
    if not same_name(ours.name, theirs.name):
        return [f"{kind} {ours.code}: name {ours.name!r} ≠ {theirs.name!r}"]
    if ours.name != theirs.name:
        result.spelling_variants.append(SpellingVariant(kind, ours.code, ours.name, theirs.name))
    if ours.type != theirs.type:
        result.reclassifications.append(
            Reclassification(
                kind=kind,
                code=ours.code,
                old_type=ours.type,
                new_type=theirs.type,
                legal_basis=theirs.legal_basis,
                legal_basis_date=theirs.legal_basis_date,
            )
        )
    return []
