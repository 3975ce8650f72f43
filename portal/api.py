"""The public, read-only API under /api/v1/: django-ninja builds the OpenAPI schema
(/api/v1/openapi.json) and its documentation page (/api/v1/docs, Swagger UI from the
project's own static files) from the operations' types.

Every error is one JSON shape, `{"error": "<what went wrong, in Vietnamese>"}`, with
`detail` listing the fields at fault when there are several; lists are paged the same way
everywhere (`page`, `page_size`; `count`, `next`, `previous`, `results`), in a stable order.
"""

from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from ninja.renderers import JSONRenderer

from portal.http import json_response

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_PAGE = 10_000


class Error(Schema):
    error: str
    detail: list[dict] | None = None


class _Renderer(JSONRenderer):
    """Vietnamese names readable as they are, not \\u-escaped (as the rest of the site)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=_Renderer(),
    title="Cổng phường xã Hà Nội: API dữ liệu mở",
    version="1",
    description=(
        "Đơn vị hành chính mới và cũ, điểm phục vụ hành chính công, giờ làm việc và thủ tục "
        "hành chính của Hà Nội sau sắp xếp ngày 1/7/2025. Chỉ đọc; không cần khoá. Dữ liệu "
        "chưa xác minh trả về `null`, không bao giờ được đoán."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError):
    detail = [
        {"field": ".".join(str(part) for part in item.get("loc", [])[1:]), "problem": item["msg"]}
        for item in error.errors
    ]
    message = _("Thiếu hoặc sai tham số %(fields)s.") % {
        "fields": ", ".join(item["field"] or "?" for item in detail)
    }
    return json_response({"error": message, "detail": detail}, status=400)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError):
    message = str(error)
    if message.startswith("Cannot parse request body"):  # django-ninja's own words
        message = _("Nội dung gửi lên không phải JSON hợp lệ.")
    return json_response({"error": message}, status=error.status_code)


def not_found(what: str) -> HttpError:
    return HttpError(404, _("Không có %(what)s này.") % {"what": what})


def paged(request: HttpRequest, items, *, page: int, page_size: int, convert) -> dict:
    """One page of `items` as the API's list shape, with links to the pages beside it.
    `items` is in a stable order and has `count()` and slicing: a queryset, or a sequence
    that builds only the window asked for."""
    page_size = min(page_size, MAX_PAGE_SIZE)
    count = items.count()
    start = (page - 1) * page_size
    rows = list(items[start : start + page_size]) if start < count else []

    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{urlencode(query, doseq=True)}")

    return {
        "count": count,
        "next": link(page + 1) if start + page_size < count else None,
        "previous": link(page - 1) if page > 1 and count else None,
        "results": [convert(row) for row in rows],
    }


def _routers() -> None:
    from procedures.api import router as procedures
    from wards.api import router as wards

    api.add_router("/", wards)
    api.add_router("/", procedures)


_routers()
