"""The API's procedure catalogue (portal/api.py): search with the page's filters, and one
procedure in full."""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from portal.api import MAX_PAGE, MAX_PAGE_SIZE, Error, not_found, paged
from portal.text import blank_as_none
from procedures.forms import ProcedureSearchForm
from procedures.models import Procedure, Status
from procedures.search import ProcedureHit, procedure_count, procedure_search

router = Router(tags=["Thủ tục"])

# The API's yes/no/unknown: a procedure both levels did before 1 July 2025 did not "move".
MOVED_AS_JSON = {"yes": True, "no": False, "both": False, "": None}


class ProcedureHitOut(Schema):
    code: str | None
    name: str
    slug: str
    url: str
    field: str
    level: str
    moved_from_district: bool | None
    online_level: str | None


class ProcedurePage(Schema):
    query: str
    count: int
    next: str | None
    previous: str | None
    results: list[ProcedureHitOut]


class StepOut(Schema):
    order: int
    text: str


class DocumentOut(Schema):
    name: str
    originals: int | None
    copies: int | None
    form_name: str | None
    note: str | None


class CostOut(Schema):
    kind: str
    is_free: bool | None
    amount_vnd: int | None
    applies_in: str | None
    note: str | None
    exemptions: str | None


class LegalBasisOut(Schema):
    kind: str | None
    number: str | None
    title: str | None
    article: str | None
    issued_on: date | None
    in_force: bool | None
    replaced_by: str | None


class ProcedureOut(Schema):
    code: str | None
    code_verified: bool
    name: str
    name_en: str | None
    slug: str
    url: str
    field: str
    level: str
    agency: str | None
    settled_by: str | None
    moved_from_district: bool | None
    moved_by: str | None
    target_group: str | None
    channels: list[str]
    processing_days: Decimal | None
    same_day_cutoff: bool
    processing_note: str | None
    result_document: str | None
    online_level: str | None
    national_portal_url: str | None
    steps: list[StepOut]
    documents: list[DocumentOut]
    costs: list[CostOut]
    legal_basis: list[LegalBasisOut]
    source: str
    fact_sources: dict
    verified_at: datetime | None
    updated_at: datetime


def hit_as_json(hit: ProcedureHit) -> dict:
    return {
        "code": hit.code or None,
        "name": hit.name,
        "slug": hit.slug,
        "url": hit.url,
        "field": hit.field_label,
        "level": hit.level_label,
        "moved_from_district": MOVED_AS_JSON[hit.moved_from_district],
        "online_level": hit.online_level or None,
    }


@router.get(
    "/procedures",
    response={200: ProcedurePage, 400: Error, 429: Error},
    url_name="procedures",
    summary="Tìm thủ tục (có hoặc không dấu, theo mã), với các bộ lọc của trang tra cứu",
)
def procedures(
    request: HttpRequest,
    q: str = Query("", max_length=200, description="nội dung tìm; trống: mọi thủ tục"),
    field: str = Query("", max_length=30, description="lĩnh vực, ví dụ ho_tich"),
    moved: bool = Query(False, description="chỉ thủ tục chuyển từ quận, huyện về"),
    online: str = Query("", max_length=10, description="full (toàn trình) hoặc partly"),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(20, ge=1, le=MAX_PAGE_SIZE),
    limit: int | None = Query(None, ge=1, le=50, description="cũ: như page_size"),
):
    form = ProcedureSearchForm({"q": q, "field": field, "moved": moved, "online": online})
    if not form.is_valid():
        raise HttpError(400, form.first_error())
    criteria = form.search_arguments()
    del criteria["limit"]
    page_of = paged(
        request, RankedHits(criteria), page=page, page_size=limit or page_size, convert=hit_as_json
    )
    return {"query": form.cleaned_data["q"], **page_of}


class RankedHits:
    """The search's matches as `paged` reads them: counted without ranking, and ranked only
    as far as the page asked for."""

    def __init__(self, criteria: dict):
        self.criteria = criteria

    def count(self) -> int:
        return procedure_count(**self.criteria)

    def __getitem__(self, window: slice) -> list[ProcedureHit]:
        return procedure_search(**self.criteria, limit=window.stop)[window.start :]


@router.get(
    "/procedures/{slug}",
    response={200: ProcedureOut, 404: Error, 429: Error},
    url_name="procedure",
    summary="Một thủ tục đầy đủ: các bước, giấy tờ, phí, căn cứ pháp lý, nguồn",
)
def procedure(request: HttpRequest, response: HttpResponse, slug: str):
    found = (
        Procedure.objects.filter(status=Status.PUBLISHED, slug=slug[:200])
        .prefetch_related("steps", "documents", "costs", "legal_basis")
        .first()
    )
    if found is None:
        raise not_found(_("thủ tục"))
    response["Last-Modified"] = http_date(found.updated_at.timestamp())
    return procedure_as_json(found)


def procedure_as_json(procedure: Procedure) -> dict:
    return {
        "code": blank_as_none(procedure.code),
        "code_verified": procedure.code_verified,
        "name": procedure.name,
        "name_en": blank_as_none(procedure.name_en),
        "slug": procedure.slug,
        "url": procedure.get_absolute_url(),
        "field": procedure.field,
        "level": procedure.level,
        "agency": blank_as_none(procedure.agency),
        "settled_by": blank_as_none(procedure.settled_by),
        "moved_from_district": MOVED_AS_JSON.get(procedure.moved_from_district),
        "moved_by": blank_as_none(procedure.moved_by),
        "target_group": blank_as_none(procedure.target_group),
        "channels": list(procedure.channels or []),
        "processing_days": procedure.processing_days,
        "same_day_cutoff": procedure.same_day_cutoff,
        "processing_note": blank_as_none(procedure.processing_note),
        "result_document": blank_as_none(procedure.result_document),
        "online_level": blank_as_none(procedure.online_level),
        "national_portal_url": blank_as_none(procedure.national_portal_url),
        "steps": [{"order": s.order, "text": s.text} for s in procedure.steps.all()],
        "documents": [
            {
                "name": d.name,
                "originals": d.originals,
                "copies": d.copies,
                "form_name": blank_as_none(d.form_name),
                "note": blank_as_none(d.note),
            }
            for d in procedure.documents.all()
        ],
        "costs": [
            {
                "kind": c.kind,
                "is_free": c.is_free,
                "amount_vnd": c.amount_vnd,
                "applies_in": blank_as_none(c.province),
                "note": blank_as_none(c.note),
                "exemptions": blank_as_none(c.exemptions),
            }
            for c in procedure.costs.all()
        ],
        "legal_basis": [
            {
                "kind": blank_as_none(rule.kind),
                "number": blank_as_none(rule.number),
                "title": blank_as_none(rule.title),
                "article": blank_as_none(rule.article),
                "issued_on": rule.issued_on,
                "in_force": rule.in_force,
                "replaced_by": blank_as_none(rule.replaced_by),
            }
            for rule in procedure.legal_basis.all()
        ],
        "source": procedure.source,
        "fact_sources": procedure.fact_sources or {},
        "verified_at": procedure.verified_at,
        "updated_at": procedure.updated_at,
    }
