from django.conf import settings

from procedures.models import Procedure, Status
from wards.models import Unit


def procedure_published(*, slug: str) -> Procedure | None:
    return Procedure.objects.filter(slug=slug, status=Status.PUBLISHED).first() if slug else None


def filing_context(*, slug: str) -> dict:
    """For the lookup pages opened from a procedure's "Nộp ở đâu": the procedure, and the
    units whose service points can be shown for it (Hà Nội's)."""
    procedure = procedure_published(slug=slug)
    if procedure is None:
        return {"for_procedure": None, "filing_codes": frozenset()}
    units = Unit.objects.filter(province__code=settings.DEFAULT_PROVINCE_CODE)
    codes = frozenset(units.values_list("code", flat=True))
    return {"for_procedure": procedure, "filing_codes": codes}
