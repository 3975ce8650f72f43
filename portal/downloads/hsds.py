"""The published catalogue as Open Referral HSDS 3.0 objects.

One `service` per published procedure (schema/service.json of HSDS 3.0) with its required
documents, cost options and attributes (field, national code once checked, online level);
its `service_at_locations` say where a resident files, as the procedure page's "Nộp ở
đâu" does: every Hà Nội commune's public administrative service point for a procedure the
commune settles, the city centre's branches for one the city settles, the commune police's
reception offices for a police procedure (none has a known address yet, so none is
listed), and the National Public Service Portal page as a virtual location. Locations and
their organizations are listed once beside the services. A field the portal does not know
is left out, never filled in. Identifiers are UUIDs derived from the portal's own keys, so
they stay the same from one build to the next.
"""

import uuid
from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from portal.downloads.datasets import absolute, local_date, published_procedures
from portal.text import join_sentences
from procedures.models import Channel, Procedure, Settler
from procedures.views import FILING_KINDS
from wards.models import ServicePoint, ServicePointKind, Unit, Weekday, WeeklyHours

VERSION = "3.0"
SCHEMA = "https://github.com/openreferral/specification/tree/v3.0/schema"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:cong-phuong-xa-ha-noi:hsds")
UTC_OFFSET_HOURS = 7  # Asia/Ho_Chi_Minh, no daylight saving
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
VIRTUAL_NAMES = {"dichvucong.gov.vn": "Cổng Dịch vụ công quốc gia"}

Obj = dict[str, Any]


def uid(kind: str, key: object) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def known(obj: Obj) -> Obj:
    """The object without its unknown fields."""
    return {key: value for key, value in obj.items() if value not in (None, "", [])}


def hsds_document() -> dict[str, list[Obj]]:
    points = _filing_points()
    organizations: dict[str, Obj] = {}
    locations = []
    by_kind: dict[str, list[str]] = defaultdict(list)
    for point in points:
        organization = _organization(point)
        if organization:
            organizations.setdefault(organization["id"], organization)
        location = _location(point, organization["id"] if organization else None)
        locations.append(location)
        by_kind[point.kind].append(location["id"])
    virtual: dict[str, Obj] = {}
    services = []
    for procedure in published_procedures():
        kind = FILING_KINDS.get(procedure.settled_by, ServicePointKind.PUBLIC_ADMINISTRATIVE)
        location_ids = list(by_kind[kind])
        if url := procedure.national_portal_url:
            location_ids.append(virtual.setdefault(url, _virtual_location(url))["id"])
        services.append(_service(procedure, location_ids))
    return {
        "services": services,
        "locations": locations + sorted(virtual.values(), key=lambda loc: loc["url"]),
        "organizations": list(organizations.values()),
    }


def _filing_points():
    return (
        ServicePoint.objects.filter(
            is_active=True,
            unit__province__code=settings.DEFAULT_PROVINCE_CODE,
            kind__in=set(FILING_KINDS.values()),
        )
        .select_related("unit__province")
        .prefetch_related(
            Prefetch("weekly_hours", queryset=WeeklyHours.objects.order_by("weekday", "opens"))
        )
        .order_by("unit__code", "kind", "name", "pk")
    )


# Services ---------------------------------------------------------------------------------


def _service(procedure: Procedure, location_ids: list[str]) -> Obj:
    service_id = uid("service", procedure.slug)
    return known(
        {
            "id": service_id,
            "name": procedure.name,
            "alternate_name": procedure.name_en,
            "description": _description(procedure),
            "url": absolute(procedure.get_absolute_url()),
            "status": "active",  # only published procedures are exported
            "application_process": _application_process(procedure),
            "fees_description": _fees_description(procedure),
            "eligibility_description": procedure.target_group,
            "assured_date": local_date(procedure.verified_at),
            "last_modified": timezone.localtime(procedure.updated_at).isoformat(
                timespec="milliseconds"
            ),
            "cost_options": [
                _cost_option(procedure, number, cost)
                for number, cost in enumerate(procedure.costs.all(), start=1)
            ],
            "required_documents": [
                _required_document(procedure, document) for document in procedure.documents.all()
            ],
            "attributes": _attributes(procedure, service_id),
            "service_at_locations": [
                {"id": uid("service_at_location", f"{procedure.slug}:{lid}"), "location_id": lid}
                for lid in location_ids
            ],
        }
    )


def _description(procedure: Procedure) -> str:
    code = ""
    if procedure.code:
        checked = "" if procedure.code_verified else " (chưa đối chiếu Cơ sở dữ liệu quốc gia)"
        code = f"Mã thủ tục {procedure.code}{checked}"
    return join_sentences(
        [
            f"Thủ tục hành chính lĩnh vực {procedure.get_field_display()}, "
            f"{procedure.get_level_display().lower()}",
            code,
            f"Cơ quan thực hiện: {procedure.agency}" if procedure.agency else "",
            f"Kết quả: {procedure.result_document}" if procedure.result_document else "",
            f"Thời hạn giải quyết: {text}" if (text := procedure.processing_text()) else "",
            procedure.get_moved_from_district_display() if procedure.moved_from_district else "",
            f"Các nguồn ghi khác nhau: {conflict}" if (conflict := procedure.conflict_note) else "",
        ]
    )


WHERE = {
    Settler.COMMUNE_POLICE: "Nộp tại nơi tiếp dân của Công an phường, xã.",
    Settler.CITY: "Nộp tại các chi nhánh của Trung tâm Phục vụ hành chính công thành phố.",
}


def _application_process(procedure: Procedure) -> str:
    lines = [f"{step.order}. {step.text}" for step in procedure.steps.all()]
    if lines:
        lines.insert(0, "Trình tự thực hiện:")
    channels = [str(Channel(c).label) for c in procedure.channels if c in Channel.values]
    if channels:
        lines.append(f"Cách thức thực hiện: {', '.join(channels)}.")
    lines.append(
        WHERE.get(procedure.settled_by, "Nộp tại điểm phục vụ hành chính công của phường, xã.")
    )
    lines.append(f"Nơi nộp theo từng phường, xã: {absolute(procedure.get_absolute_url())}")
    if procedure.national_portal_url:
        lines.append(f"Nộp trực tuyến: {procedure.national_portal_url}")
    return "\n".join(lines)


def _cost_text(cost) -> str:
    if cost.is_free:
        amount = "không thu"
    elif cost.amount_vnd is not None:
        amount = f"{cost.amount_text} ({cost.province})"
    else:
        amount = "mức của Hà Nội chưa xác minh"
    return join_sentences(
        [
            f"{cost.get_kind_display()}: {amount}",
            cost.note,
            f"Miễn, giảm: {cost.exemptions}" if cost.exemptions else "",
        ]
    )


def _fees_description(procedure: Procedure) -> str | None:
    costs = list(procedure.costs.all())
    return " ".join(_cost_text(cost) for cost in costs) if costs else None


def _cost_option(procedure: Procedure, number: int, cost) -> Obj:
    amount = 0 if cost.is_free else cost.amount_vnd
    return known(
        {
            "id": uid("cost_option", f"{procedure.slug}:{number}"),
            "option": cost.get_kind_display(),
            "currency": "VND" if amount is not None else None,
            "amount": amount,
            "amount_description": _cost_text(cost),
        }
    )


def _required_document(procedure: Procedure, document) -> Obj:
    key = f"{procedure.slug}:{document.order}"
    return {"id": uid("required_document", key), "document": _document_text(document)}


def _document_text(document) -> str:
    counts = [
        f"{n} {label}"
        for n, label in ((document.originals, "bản chính"), (document.copies, "bản sao"))
        if n
    ]
    text = document.name + (f" ({', '.join(counts)})" if counts else "")
    if document.form_name:
        text += f"; mẫu: {document.form_name}"
    if document.note:
        text += f"; {document.note}"
    return text


TAXONOMY = "Cổng phường xã Hà Nội"


def _attributes(procedure: Procedure, service_id: str) -> list[Obj]:
    terms = [
        (
            "field",
            None,
            {
                "code": procedure.field,
                "name": procedure.get_field_display(),
                "description": "Lĩnh vực thủ tục hành chính",
            },
        )
    ]
    if procedure.code and procedure.code_verified:
        terms.append(
            (
                "code",
                procedure.code,
                {
                    "code": "ma_thu_tuc",
                    "name": "Mã thủ tục hành chính",
                    "description": "Mã trên Cơ sở dữ liệu quốc gia về thủ tục hành chính",
                },
            )
        )
    if procedure.online_level:
        terms.append(
            (
                "online_level",
                None,
                {
                    "code": procedure.online_level,
                    "name": procedure.get_online_level_display(),
                    "description": "Mức dịch vụ công trực tuyến",
                },
            )
        )
    attributes = []
    for name, value, term in terms:
        term_id = uid("taxonomy_term", f"{name}:{term['code']}")
        attributes.append(
            known(
                {
                    "id": uid("attribute", f"{procedure.slug}:{name}"),
                    "link_id": service_id,
                    "link_entity": "service",
                    "value": value,
                    "taxonomy_term_id": term_id,
                    "taxonomy_term": {
                        "id": term_id,
                        **term,
                        "taxonomy": TAXONOMY,
                        "language": "vi",
                    },
                }
            )
        )
    return attributes


# Locations and organizations --------------------------------------------------------------


def _organization(point: ServicePoint) -> Obj | None:
    unit, province = point.unit, point.unit.province
    local = f"{unit.get_type_display().lower()} {unit.name}"
    if point.kind == ServicePointKind.PUBLIC_ADMINISTRATIVE:
        key, name = f"ubnd:{unit.code}", f"Ủy ban nhân dân {local}"
    elif point.kind == ServicePointKind.POLICE_RECEPTION:
        key, name = f"cong-an:{unit.code}", f"Công an {local}"
    elif point.kind == ServicePointKind.CITY_CENTRE_BRANCH:
        city = f"{province.get_type_display().lower()} {province.name}"
        key, name = f"trung-tam:{province.code}", f"Trung tâm Phục vụ hành chính công {city}"
        description = f"{name}: các chi nhánh nhận hồ sơ thủ tục của các sở, ngành thành phố"
        return {"id": uid("organization", key), "name": name, "description": description}
    else:
        return None
    description = f"{name}, {province.full_name} (mã đơn vị hành chính {unit.code})"
    return {"id": uid("organization", key), "name": name, "description": description}


def _location(point: ServicePoint, organization_id: str | None) -> Obj:
    key = f"point:{point.pk}"
    province = point.unit.province
    # A city branch's unit is its former ward's default successor, not checked against its
    # street (wards/services/city_points.py): only the commune points name their unit.
    unit = None if point.kind == ServicePointKind.CITY_CENTRE_BRANCH else point.unit
    place = ", ".join(name for name in (unit and unit.full_name, province.full_name) if name)
    has_coordinates = point.latitude is not None and point.longitude is not None
    return known(
        {
            "id": uid("location", key),
            "location_type": "physical",
            "organization_id": organization_id,
            "name": point.name,
            "description": f"{point.get_kind_display()}, {place}",
            "latitude": point.latitude if has_coordinates else None,
            "longitude": point.longitude if has_coordinates else None,
            "addresses": [_address(point, unit, key)] if point.address else None,
            "phones": [{"id": uid("phone", key), "number": point.phone}] if point.phone else None,
            "accessibility": [
                {"id": uid("accessibility", key), "description": point.accessibility_notes}
            ]
            if point.accessibility_notes
            else None,
            "schedules": [_schedule(key, interval) for interval in point.weekly_hours.all()],
        }
    )


def _address(point: ServicePoint, unit: Unit | None, key: str) -> Obj:
    province = point.unit.province
    address = {
        "id": uid("address", key),
        "address_1": point.address,
        "address_2": unit.full_name if unit else None,
        "city": province.full_name,
        "state_province": province.full_name,
        "postal_code": "",  # required by the schema and not known: present, empty
        "country": "VN",
        "address_type": "physical",
    }
    return {name: value for name, value in address.items() if value is not None}


def _schedule(key: str, interval: WeeklyHours) -> Obj:
    opens, closes = f"{interval.opens:%H:%M}", f"{interval.closes:%H:%M}"
    return {
        "id": uid("schedule", f"{key}:{interval.weekday}:{opens}"),
        "freq": "WEEKLY",
        "wkst": "MO",
        "byday": ICAL_DAYS[interval.weekday],
        "opens_at": opens,
        "closes_at": closes,
        "timezone": UTC_OFFSET_HOURS,
        "description": f"{Weekday(interval.weekday).label} {opens}–{closes}",
    }


def _virtual_location(url: str) -> Obj:
    host = urlsplit(url).hostname or ""
    return {
        "id": uid("location", url),
        "location_type": "virtual",
        "url": url,
        "name": VIRTUAL_NAMES.get(host.removeprefix("www."), host),
    }
