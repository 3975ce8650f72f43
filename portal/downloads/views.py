"""The open data page, and its files for when nginx does not serve them itself (on a
laptop, or a proxy without DOWNLOADS_ROOT): only names the manifest lists."""

import os
from datetime import datetime
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.formats import get_format
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from portal.downloads.datasets import DATASETS
from portal.downloads.selectors import CONTENT_TYPES, download_path, manifest_read

# The files change at most nightly; a copy is checked again after five minutes.
FILE_MAX_AGE = 300
FORMAT_LABELS = {
    "csv": _("CSV"),
    "json": _("JSON"),
    "meta": _("Mô tả các cột (JSON)"),
    "hsds": _("Open Referral HSDS 3.0 (JSON)"),
}


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    manifest = manifest_read()
    context = {
        "datasets": _datasets(manifest) if manifest else [],
        "licence": manifest.get("licence") if manifest else None,
    }
    return render(request, "downloads/index.html", context)


def _datasets(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    built = {entry.get("slug"): entry for entry in manifest.get("datasets", [])}
    files = manifest.get("files", [])
    datasets = []
    for dataset in DATASETS:
        entry = built.get(dataset.slug)
        if entry is None:
            continue
        datasets.append(
            {
                "slug": dataset.slug,
                "title": dataset.title,
                "description": dataset.description,
                "rows": _grouped(entry.get("rows")),
                "generated_at": _moment(entry.get("generated_at")),
                "sources": entry.get("sources", []),
                "files": [
                    file | {"label": FORMAT_LABELS.get(file.get("format"), file.get("format"))}
                    for file in files
                    if file.get("dataset") == dataset.slug
                ],
            }
        )
    return datasets


def _grouped(number: int | None) -> str:
    """3.321 on a Vietnamese page, as amounts are written."""
    return "" if number is None else f"{number:,}".replace(",", get_format("THOUSAND_SEPARATOR"))


def _moment(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


@require_safe
def download(request: HttpRequest, name: str) -> HttpResponse:
    path = download_path(name)
    if path is None:
        raise Http404
    try:
        file = path.open("rb")
    except (FileNotFoundError, IsADirectoryError):
        raise Http404 from None
    # The open file's own metadata: a build replacing it meanwhile changes neither.
    stat = os.fstat(file.fileno())
    response = FileResponse(
        file, as_attachment=True, filename=name, content_type=CONTENT_TYPES[path.suffix]
    )
    # nginx's ETag form (mtime-size in hex), so both servers answer a revalidation alike.
    response.headers["ETag"] = quote_etag(f"{int(stat.st_mtime):x}-{stat.st_size:x}")
    response.headers["Last-Modified"] = http_date(stat.st_mtime)
    patch_cache_control(response, public=True, max_age=FILE_MAX_AGE)
    conditional = get_conditional_response(
        request,
        etag=response.headers["ETag"],
        last_modified=int(stat.st_mtime),
        response=response,
    )
    if conditional is not response:
        response.close()
    return conditional
