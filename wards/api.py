"""The API's provinces, units, service points and address conversion (portal/api.py)."""

import hashlib
from datetime import UTC, date, datetime, time
from functools import lru_cache

from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.http import quote_etag
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from portal.api import MAX_PAGE, MAX_PAGE_SIZE, PAGE_SIZE, Error, not_found, paged
from portal.http import json_response
from wards import api_selectors, selectors
from wards.forms import ConvertForm
from wards.models import ServicePointKind, UnitType
from wards.resolver import Match

router = Router()

DEFAULT_LIMIT = 10
ANSWER_CACHE_SIZE = 4096
CACHEABLE_QUERY_LENGTH = 600
BATCH_MAX = 1000
# Something to look up: at least one visible character, and no NUL.
TYPED_TEXT = r"^[^\x00]*[^\s\x00][^\x00]*$"
# The moments a service point's open status may be asked for.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


# ---- schemas -------------------------------------------------------------------------------


class ProvinceOut(Schema):
    code: str
    name: str
    full_name: str
    type: str
    url: str
    unit_count: int


class ProvinceRef(Schema):
    code: str
    name: str


class UnitOut(Schema):
    code: str
    name: str
    full_name: str
    type: str = Field(description="phuong, xa hoặc dac_khu")
    province: ProvinceRef
    url: str
    latitude: float | None = Field(description="gần đúng; null khi chưa biết")
    longitude: float | None


class FormerUnitOut(Schema):
    code: str | None
    name: str
    type: str | None
    district: str
    province: str
    whole: bool = Field(description="cả đơn vị cũ vào đơn vị này (không chia)")
    is_default: bool


class IntervalOut(Schema):
    opens: time
    closes: time


class OpenStatusOut(Schema):
    known: bool = Field(description="false khi giờ làm việc chưa xác minh")
    is_open: bool | None
    closes_at: datetime | None
    next_opening: datetime | None
    reason: str | None


class ServicePointOut(Schema):
    id: int
    name: str
    kind: str
    unit: str = Field(description="mã đơn vị")
    address: str | None
    phone: str | None
    email: str | None
    latitude: float | None
    longitude: float | None
    coordinates_approximate: bool
    verified_at: datetime | None
    source: str
    open_status: OpenStatusOut
    distance_km: float | None = None


class NoticeOut(Schema):
    kind: str
    title: str
    body_html: str
    published_at: datetime
    ends_on: date | None


class UnitDetailOut(UnitOut):
    legal_basis: str | None
    legal_basis_date: date | None
    former_units: list[FormerUnitOut]
    service_points: list[ServicePointOut]
    notices: list[NoticeOut]


class WeeklyHoursOut(Schema):
    weekday: int = Field(description="0 = thứ Hai … 6 = Chủ nhật")
    opens: time
    closes: time


class ExceptionOut(Schema):
    start_date: date
    end_date: date
    kind: str
    reason: str | None
    intervals: list[IntervalOut]


class ServicePointDetailOut(ServicePointOut):
    at: datetime
    weekly_hours: list[WeeklyHoursOut]
    exceptions: list[ExceptionOut]
    accessibility_notes: str | None
    note: str | None


class Page(Schema):
    count: int
    next: str | None
    previous: str | None


class ProvincePage(Page):
    results: list[ProvinceOut]


class UnitPage(Page):
    results: list[UnitOut]


class ServicePointPage(Page):
    results: list[ServicePointOut]


class SuccessorOut(Schema):
    code: str
    name: str
    province: str
    is_default: bool
    url: str


class FormerOut(Schema):
    code: str | None
    name: str
    district: str
    province: str


class ConvertMatchOut(Schema):
    old: FormerOut
    divided: bool
    new: list[SuccessorOut]


class ConvertOut(Schema):
    query: str
    results: list[ConvertMatchOut]


class BatchIn(Schema):
    addresses: list[str] = Field(max_length=BATCH_MAX, description="tối đa 1.000 địa chỉ cũ")
    limit: int = Field(1, ge=1, le=ConvertForm.MAX_LIMIT, description="số kết quả mỗi địa chỉ")


class BatchItemOut(Schema):
    query: str
    results: list[ConvertMatchOut] | None
    error: str | None = None


class BatchOut(Schema):
    results: list[BatchItemOut]


# ---- conversion ----------------------------------------------------------------------------


def match_as_json(match: Match) -> dict:
    entry = match.entry
    return {
        "old": {
            "code": entry.code or None,
            "name": entry.name,
            "district": entry.district,
            "province": entry.province,
        },
        "divided": entry.divided,
        "new": [
            {
                "code": successor.code,
                "name": successor.name,
                "province": successor.province,
                "is_default": successor.is_default,
                "url": successor.url,
            }
            for successor in entry.successors
        ],
    }


@router.get(
    "/convert",
    response={200: ConvertOut, 400: Error, 429: Error},
    url_name="convert",
    summary="Địa chỉ cũ → phường, xã mới",
    tags=["Tra cứu"],
)
def convert(
    request: HttpRequest,
    q: str = Query(
        ...,
        max_length=ConvertForm.MAX_LENGTH,
        pattern=TYPED_TEXT,
        description="địa chỉ cũ, mã hoặc tên đơn vị; có hoặc không dấu",
    ),
    limit: int | None = Query(None, ge=1, le=ConvertForm.MAX_LIMIT, description="mặc định 10"),
):
    return convert_answer(request)


@require_safe
def convert_direct(request: HttpRequest) -> HttpResponse:
    """GET /api/v1/convert, routed here ahead of the API's router (portal/urls.py): the
    busiest operation answers from memory in a fraction of a millisecond, and the router's
    own parsing would cost as much again. Same answer; the operation above documents it."""
    return convert_answer(request)


def convert_answer(request: HttpRequest) -> HttpResponse:
    """The same few addresses are asked again and again (a lookup box, a batch of one
    street): each answer is made once per index and language, and kept in this process."""
    query_string = request.META.get("QUERY_STRING", "")
    if len(query_string) > CACHEABLE_QUERY_LENGTH:
        body, status = _answer(request.GET)
        return HttpResponse(body, status=status, content_type="application/json")
    generation = selectors.address_index_generation()
    body, status, etag = _answer_kept(generation, get_language(), query_string)
    response = HttpResponse(body, status=status, content_type="application/json")
    response["ETag"] = etag  # kept with the answer: not hashed again on every request
    return response


@lru_cache(maxsize=ANSWER_CACHE_SIZE)
def _answer_kept(generation: int, language: str, query_string: str) -> tuple[bytes, int, str]:
    body, status = _answer(QueryDict(query_string))
    return body, status, quote_etag(hashlib.md5(body, usedforsecurity=False).hexdigest())


def _answer(params: QueryDict) -> tuple[bytes, int]:
    form = ConvertForm(params)
    if not form.is_valid():
        return json_response({"error": form.first_error()}, status=400).content, 400
    query = form.cleaned_data["q"]
    limit = form.cleaned_data["limit"] or DEFAULT_LIMIT
    matches = selectors.former_unit_resolve(query=query, limit=limit)
    answer = json_response({"query": query, "results": [match_as_json(m) for m in matches]})
    return answer.content, 200


@router.post(
    "/convert/batch",
    response={200: BatchOut, 400: Error, 429: Error},
    url_name="convert_batch",
    summary="Nhiều địa chỉ cũ một lần (tối đa 1.000), kết quả theo đúng thứ tự",
    tags=["Tra cứu"],
)
def convert_batch(request: HttpRequest, batch: BatchIn):
    """A thousand addresses within a second: a plainly valid address skips the form (the
    form only words the error of one that is not), and the answer, built from the same
    dicts as the single conversion, is not validated again on the way out."""
    results = []
    for text in batch.addresses:
        query = text.strip()
        if not (0 < len(query) <= ConvertForm.MAX_LENGTH and "\x00" not in query):
            form = ConvertForm({"q": text, "limit": batch.limit})
            form.is_valid()
            error = form.first_error()
            results.append(
                {"query": query[: ConvertForm.MAX_LENGTH], "results": None, "error": error}
            )
            continue
        matches = selectors.former_unit_resolve(query=query, limit=batch.limit)
        results.append({"query": query, "results": [match_as_json(m) for m in matches]})
    return json_response({"results": results})


# ---- provinces and units -------------------------------------------------------------------


@router.get(
    "/provinces",
    response={200: ProvincePage, 400: Error, 429: Error},
    url_name="provinces",
    summary="34 tỉnh, thành phố và số đơn vị của mỗi nơi",
    tags=["Đơn vị hành chính"],
)
def provinces(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    rows = selectors.province_list().order_by("code")
    return paged(
        request, rows, page=page, page_size=page_size, convert=api_selectors.province_as_json
    )


@router.get(
    "/units",
    response={200: UnitPage, 400: Error, 429: Error},
    url_name="units",
    summary="Phường, xã, đặc khu: lọc theo tỉnh, loại, tên (có hoặc không dấu)",
    tags=["Đơn vị hành chính"],
)
def units(
    request: HttpRequest,
    province: str | None = Query(None, max_length=2, description="mã tỉnh, ví dụ 01 (Hà Nội)"),
    type: UnitType | None = Query(None, description="phuong, xa, dac_khu"),
    q: str | None = Query(None, max_length=100, description="tên, có hoặc không dấu"),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    rows = api_selectors.unit_search(province=province, unit_type=type, query=q or "")
    return paged(request, rows, page=page, page_size=page_size, convert=api_selectors.unit_as_json)


@router.get(
    "/units/{code}",
    response={200: UnitDetailOut, 404: Error, 429: Error},
    url_name="unit",
    summary="Một đơn vị: đơn vị cũ đã nhập vào, điểm phục vụ, thông báo đang hiệu lực",
    tags=["Đơn vị hành chính"],
)
def unit(request: HttpRequest, code: str):
    found = api_selectors.unit_detail(code=code[:5], now=timezone.localtime())
    if found is None:
        raise not_found(_("phường, xã"))
    return found


# ---- service points ------------------------------------------------------------------------


@router.get(
    "/service-points",
    response={200: ServicePointPage, 400: Error, 429: Error},
    url_name="service_points",
    summary="Điểm phục vụ: lọc theo đơn vị, loại, đang mở cửa, gần một vị trí",
    tags=["Điểm phục vụ"],
)
def service_points(
    request: HttpRequest,
    unit: str | None = Query(None, max_length=5, description="mã đơn vị"),
    kind: ServicePointKind | None = None,
    open_now: bool = Query(False, description="chỉ những điểm đang mở cửa"),
    near: str | None = Query(
        None,
        max_length=40,
        pattern=r"^-?\d{1,3}(\.\d+)?,-?\d{1,3}(\.\d+)?$",
        description="vĩ độ,kinh độ (ví dụ 21.0285,105.8542): gần nhất trước, kèm khoảng cách",
    ),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    origin = _coordinates(near) if near else None
    rows = api_selectors.service_point_search(
        unit_code=unit, kind=kind, open_now=open_now, near=origin, now=timezone.localtime()
    )
    return paged(request, rows, page=page, page_size=page_size, convert=lambda row: row)


def _coordinates(text: str) -> tuple[float, float]:
    try:
        latitude, longitude = (float(part) for part in text.split(","))
    except ValueError:
        raise HttpError(400, _("near phải là vĩ độ,kinh độ, ví dụ 21.0285,105.8542.")) from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise HttpError(400, _("Vĩ độ phải trong [-90, 90], kinh độ trong [-180, 180]."))
    return latitude, longitude


@router.get(
    "/service-points/{point_id}",
    response={200: ServicePointDetailOut, 400: Error, 404: Error, 429: Error},
    url_name="service_point",
    summary="Một điểm phục vụ: giờ làm việc, ngày nghỉ, giờ riêng, mở cửa lúc nào",
    tags=["Điểm phục vụ"],
)
def service_point(
    request: HttpRequest,
    point_id: int,
    at: datetime | None = Query(None, description="thời điểm xét mở cửa (mặc định: bây giờ)"),
):
    if not 1 <= point_id <= 2**31 - 1:
        raise not_found(_("điểm phục vụ"))
    moment = at or timezone.localtime()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if not (
        datetime(2000, 1, 1, tzinfo=moment.tzinfo)
        <= moment
        <= datetime(2100, 1, 1, tzinfo=moment.tzinfo)
    ):
        raise HttpError(400, _("Thời điểm phải trong khoảng năm 2000–2100."))
    found = api_selectors.service_point_detail(point_id=point_id, at=moment)
    if found is None:
        raise not_found(_("điểm phục vụ"))
    return found


__all__ = ["BATCH_MAX", "router"]
