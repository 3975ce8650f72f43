"""Where each dataset comes from and under which licence, for the files' headers.

Imported sources are the DataSource rows `setup_data` keeps (release, licence, credit); the
project's own sources (its corrections, what ward staff enter, its catalogue) are described
here. The compilation is published under the project's own licence, pyproject.toml's.
"""

from typing import Any

from django.utils import timezone

from portal.downloads.datasets import CATALOGUE, CORRECTIONS, STAFF
from wards.corrections import SUCCESSION_CORRECTIONS
from wards.models import DataSource
from wards.sources import vietnamadminunits
from wards.sources.ward_offices import SOURCE as WARD_OFFICES

PROJECT_LICENCE = "MIT"  # pyproject.toml's `license`; a test keeps the two equal
PROJECT = "Cổng phường xã Hà Nội"

# Notices the sources' own licence files carry (wards/data/ward-offices-LICENSE.txt and
# the vietnamadminunits wheel's LICENSE): kept with every copy of their data.
COPYRIGHT = {
    vietnamadminunits.SOURCE: "Copyright (c) 2025 Tran Ngoc Minh Hieu",
    WARD_OFFICES: "Copyright (c) 2025 Tran Ngoc Minh Hieu",
}


def licence() -> dict[str, str]:
    return {
        "licence": PROJECT_LICENCE,
        "note": (
            f"Tệp do {PROJECT} tổng hợp và phát hành theo giấy phép {PROJECT_LICENCE} của dự "
            "án. Phần dữ liệu lấy từ nguồn khác giữ giấy phép của nguồn đó (mục sources, "
            "trường licence); khi dùng lại, hãy giữ ghi công (credit, copyright) của từng nguồn."
        ),
    }


def _project_sources() -> dict[str, dict[str, Any]]:
    return {
        CORRECTIONS: {
            "name": CORRECTIONS,
            "licence": PROJECT_LICENCE,
            "credit": PROJECT,
            "description": (
                "Hiệu chỉnh đã rà soát của dự án đối với quan hệ kế thừa (cột source của "
                "dòng là wards.corrections), mỗi mục kèm văn bản nguồn."
            ),
            "entries": [
                {"source_version": c.slug, "source": c.source} for c in SUCCESSION_CORRECTIONS
            ],
        },
        STAFF: {
            "name": STAFF,
            "licence": PROJECT_LICENCE,
            "credit": f"Cán bộ các phường, xã trên {PROJECT}",
            "description": (
                "Điện thoại, thư điện tử, giờ làm việc, hỗ trợ tiếp cận, địa chỉ đã sửa và "
                "ngày xác nhận do cán bộ phường, xã nhập trên cổng; mọi thay đổi được lưu lịch "
                "sử. Khi chưa ai nhập, ô để trống (chưa xác minh)."
            ),
        },
        CATALOGUE: {
            "name": CATALOGUE,
            "licence": PROJECT_LICENCE,
            "credit": PROJECT,
            "description": (
                "Danh mục viết bằng lời của dự án (procedures/seed/) và do biên tập viên cập "
                "nhật. Mỗi thủ tục ghi các trang, văn bản nêu thông tin của nó trong cột "
                "source và fact_sources; thông tin không nguồn nào nêu thì để trống."
            ),
        },
    }


def source_entries(names: tuple[str, ...]) -> list[dict[str, Any]]:
    """The named sources in order; an imported source this database lacks (no city points
    loaded yet) is left out rather than described from memory."""
    own = _project_sources()
    imported = {source.name: source for source in DataSource.objects.filter(name__in=names)}
    entries = []
    for name in names:
        if name in own:
            entries.append(own[name])
        elif source := imported.get(name):
            entries.append(_imported(source))
    return entries


def _imported(source: DataSource) -> dict[str, Any]:
    entry = {
        "name": source.name,
        "version": source.version,
        "licence": source.licence,
        "copyright": COPYRIGHT.get(source.name),
        "credit": source.credit or None,
        "url": source.url or None,
        "description": source.description or None,
        "imported_at": timezone.localtime(source.imported_at).isoformat(timespec="seconds"),
    }
    return {key: value for key, value in entry.items() if value is not None}
