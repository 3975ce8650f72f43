"""schema.org JSON-LD for the unit and procedure pages, so search engines, maps and chatbots
read the same facts residents do. Only what is known is said: a point without confirmed
hours has no openingHoursSpecification, an unknown phone no telephone.

- a unit page: the unit as an `AdministrativeArea`, its People's Committee as the
  `GovernmentOrganization` serving it, and each service point as a `GovernmentOffice`;
- a procedure page: a `GovernmentService` with its provider, fees as offers and, as a
  `HowTo`, its steps and the documents to bring.
"""

import json

from django.conf import settings
from django.utils.html import _json_script_escapes
from django.utils.safestring import SafeString, mark_safe

from wards.opening import DateRangeRule
from wards.service_point_display import ServicePointView

CONTEXT = "https://schema.org"
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def as_script(data: dict) -> SafeString:
    """`<script type="application/ld+json">`, escaped so no text can close the element.
    A data block is never run, so the Content-Security-Policy does not stop it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.translate(_json_script_escapes)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _geo(latitude, longitude) -> dict | None:
    if latitude is None or longitude is None:
        return None
    return {"@type": "GeoCoordinates", "latitude": latitude, "longitude": longitude}


def _without_unknowns(node: dict) -> dict:
    return {key: value for key, value in node.items() if value not in (None, "", [])}


def unit_graph(unit, service_points: list[ServicePointView]) -> dict:
    url = _absolute(unit.get_absolute_url())
    area = _without_unknowns(
        {
            "@type": "AdministrativeArea",
            "@id": f"{url}#don-vi",
            "name": unit.full_name,
            "identifier": unit.code,
            "url": url,
            "geo": _geo(unit.latitude, unit.longitude),
            "containedInPlace": {"@type": "AdministrativeArea", "name": unit.province.full_name},
        }
    )
    committee = {
        "@type": "GovernmentOrganization",
        "@id": f"{url}#uy-ban",
        "name": f"Ủy ban nhân dân {unit.full_name}",
        "areaServed": {"@id": area["@id"]},
    }
    offices = [office_node(view, url) for view in service_points]
    if offices:
        committee["department"] = [{"@id": office["@id"]} for office in offices]
    return {"@context": CONTEXT, "@graph": [area, committee, *offices]}


def office_node(view: ServicePointView, page_url: str) -> dict:
    point = view.point
    unit = point.unit
    address = None
    if point.address:
        address = {
            "@type": "PostalAddress",
            "streetAddress": point.address,
            "addressLocality": unit.full_name,
            "addressRegion": unit.province.full_name,
            "addressCountry": "VN",
        }
    weekly = [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": f"{CONTEXT}/{DAYS[hours.weekday]}",
            "opens": hours.opens.strftime("%H:%M"),
            "closes": hours.closes.strftime("%H:%M"),
        }
        for hours in point.weekly_hours.all()
    ]
    special = [spec for rule in [*view.closures, *view.special_hours] for spec in _special(rule)]
    return _without_unknowns(
        {
            "@type": "GovernmentOffice",
            "@id": f"{page_url}#diem-{point.pk}",
            "name": point.name,
            "address": address,
            "telephone": point.phone,
            "email": point.email,
            "geo": _geo(point.latitude, point.longitude),
            "openingHoursSpecification": weekly,
            "specialOpeningHoursSpecification": special,
        }
    )


def _special(rule: DateRangeRule) -> list[dict]:
    """A closure is, in schema.org's words, opening and closing at midnight."""
    dates = {"validFrom": rule.start.isoformat(), "validThrough": rule.end.isoformat()}
    if not rule.intervals:
        return [
            {"@type": "OpeningHoursSpecification", "opens": "00:00", "closes": "00:00", **dates}
        ]
    return [
        {
            "@type": "OpeningHoursSpecification",
            "opens": interval.opens.strftime("%H:%M"),
            "closes": interval.closes.strftime("%H:%M"),
            **dates,
        }
        for interval in rule.intervals
    ]


def procedure_graph(procedure) -> dict:
    url = _absolute(procedure.get_absolute_url())
    provider = None
    if procedure.agency or procedure.settled_by:
        provider = {
            "@type": "GovernmentOrganization",
            "name": procedure.agency or procedure.get_settled_by_display(),
        }
    offers = []
    for cost in procedure.costs.all():
        if cost.is_free:
            offers.append({"@type": "Offer", "name": cost.get_kind_display(), "price": 0})
        elif cost.amount_vnd is not None:
            offers.append(
                _without_unknowns(
                    {
                        "@type": "Offer",
                        "name": cost.get_kind_display(),
                        "price": cost.amount_vnd,
                        "priceCurrency": "VND",
                        "areaServed": cost.province,
                    }
                )
            )
    for offer in offers:
        offer.setdefault("priceCurrency", "VND")
    service = _without_unknowns(
        {
            "@type": "GovernmentService",
            "@id": f"{url}#thu-tuc",
            "name": procedure.name,
            "alternateName": procedure.name_en,
            "identifier": procedure.code,
            "url": url,
            "serviceType": procedure.get_field_display(),
            "provider": provider,
            "areaServed": {"@type": "AdministrativeArea", "name": "Thành phố Hà Nội"},
            "offers": offers,
        }
    )
    how_to = _without_unknowns(
        {
            "@type": "HowTo",
            "name": procedure.name,
            "about": {"@id": service["@id"]},
            "step": [
                {"@type": "HowToStep", "position": step.order, "text": step.text}
                for step in procedure.steps.all()
            ],
            "supply": [
                {"@type": "HowToSupply", "name": document.name}
                for document in procedure.documents.all()
            ],
        }
    )
    graph = [service]
    if how_to.get("step") or how_to.get("supply"):
        graph.append(how_to)
    return {"@context": CONTEXT, "@graph": graph}
