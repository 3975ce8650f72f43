"""The seed catalogue: procedures written in the project's own words from public sources.

Each record of `procedures/seed/*.json` holds one procedure with its facts and, per fact,
the pages that state it (`*_source` keys; `sources` lists every page the record rests on).
An unknown fact is empty; the loader never fills one in.

Loading adds missing procedures and brings a procedure up to a changed seed record only while
nobody has edited it: an edit in the admin or a catalogue import marks it as the editors',
and from then on the seed leaves it alone.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from portal.text import nfc
from procedures.models import (
    CODE_FORMAT,
    Channel,
    Cost,
    CostKind,
    Field,
    LegalBasis,
    Level,
    MovedStatus,
    OnlineLevel,
    Procedure,
    ProcedureStep,
    RequiredDocument,
    Status,
    settler_from_agency,
)

SEED_DIR = Path(__file__).resolve().parent / "seed"
SEED_FILES = sorted(SEED_DIR.glob("*.json"))
EDITED = "edited"  # seed_digest of a procedure editors have changed
SHORT_TEXT = 300
LONG_TEXT = 2000
EDITOR_TEXT = 6000  # the editors' note gathers every pass's remarks
FACT_KEYS = ("code", "moved", "documents", "processing", "costs", "legal", "online", "steps")
MOVED = {"yes": MovedStatus.YES, "no": MovedStatus.NO, "both": MovedStatus.BOTH, "unknown": ""}
LEGACY_MOVED = {True: MovedStatus.YES, False: MovedStatus.NO, None: ""}


class SeedError(Exception):
    """A seed record breaks a catalogue rule; nothing was loaded."""


@dataclass
class SeedSummary:
    created: int = 0
    updated: int = 0
    already_present: int = 0
    left_to_editors: int = 0


def seed_records() -> list[dict[str, Any]]:
    return [
        record for path in SEED_FILES for record in json.loads(path.read_text(encoding="utf-8"))
    ]


def procedure_seed_load(*, records: list[dict[str, Any]]) -> SeedSummary:
    """Add the seed procedures the catalogue lacks and update those whose seed record
    changed and that no editor has touched; all or nothing."""
    problems = [problem for record in records for problem in seed_problems(record)]
    slugs = [record.get("slug") for record in records]
    problems += [f"{slug}: slug appears twice" for slug in {s for s in slugs if slugs.count(s) > 1}]
    if problems:
        raise SeedError("\n".join(problems))
    summary = SeedSummary()
    stored = {p.slug: p for p in Procedure.objects.only("pk", "slug", "seed_digest")}
    with transaction.atomic():
        for record in records:
            digest = _digest(record)
            procedure = stored.get(record["slug"])
            if procedure is None:
                _write(Procedure(status=Status.PUBLISHED), record, digest)
                summary.created += 1
            elif procedure.seed_digest == digest:
                summary.already_present += 1
            elif procedure.seed_digest == EDITED or _edited_by_people(procedure):
                summary.left_to_editors += 1
            else:
                _write(Procedure.objects.get(pk=procedure.pk), record, digest)
                summary.updated += 1
    return summary


def seed_problems(record: dict[str, Any]) -> list[str]:
    where = record.get("slug") or record.get("name") or "?"
    problems = []
    if not record.get("name") or not record.get("slug"):
        problems.append(f"{where}: name and slug are required")
    if record.get("code") and not CODE_FORMAT.fullmatch(record["code"]):
        problems.append(f"{where}: code {record['code']!r} is not like 1.001193")
    if record.get("field") not in Field.values:
        problems.append(f"{where}: unknown field {record.get('field')!r}")
    if not _all_sources(record):
        problems.append(f"{where}: no source")
    if _moved(record) is None:
        problems.append(f"{where}: moved_from_district must be yes, no, both or unknown")
    if record.get("online_level") not in (None, "", *OnlineLevel.values):
        problems.append(f"{where}: unknown online level {record.get('online_level')!r}")
    for cost in record.get("costs", []):
        if cost.get("amount_vnd") is not None and not cost.get("province"):
            problems.append(f"{where}: an amount without the province it applies in")
        if cost.get("free") and cost.get("amount_vnd") is not None:
            problems.append(f"{where}: a cost both free and with an amount")
    for rule in record.get("legal_basis", []):
        if not (rule.get("number") or rule.get("title")):
            problems.append(f"{where}: a legal basis without number or title")
        if len(rule.get("number") or "") > 100:
            problems.append(f"{where}: legal basis number {rule['number']!r} is too long")
        if rule.get("date") and not _date(rule["date"]):
            problems.append(f"{where}: legal basis date {rule['date']!r} is not YYYY-MM-DD")
    short = [
        record.get("name", ""),
        record.get("agency", ""),
        record.get("result_document", ""),
        *(doc.get(key) or "" for doc in record.get("documents", []) for key in ("name", "note")),
        *((cost.get("note") or "") for cost in record.get("costs", [])),
    ]
    long = [record.get(key) or "" for key in ("processing_note", "conflict_note")]
    too_long = [t for t in short if len(t) > SHORT_TEXT] + [t for t in long if len(t) > LONG_TEXT]
    too_long += [t for t in [record.get("editor_note") or ""] if len(t) > EDITOR_TEXT]
    if too_long:
        problems.append(f"{where}: {len(too_long)} texts too long")
    return problems


def _all_sources(record: dict[str, Any]) -> list[str]:
    listed = list(record.get("sources") or [])
    for key in FACT_KEYS:
        listed += [url for url in record.get(f"{key}_source") or [] if url not in listed]
    return listed


def _moved(record: dict[str, Any]) -> str | None:
    value = record.get("moved_from_district")
    if isinstance(value, bool) or value is None:
        return LEGACY_MOVED[value]
    return MOVED.get(value)


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _digest(record: dict[str, Any]) -> str:
    canonical = json.dumps(record, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _edited_by_people(procedure: Procedure) -> bool:
    """Whether anyone signed in changed the procedure or its lists (the history says who)."""
    if procedure.history.exclude(history_user=None).exists():
        return True
    return any(
        model.history.filter(procedure_id=procedure.pk).exclude(history_user=None).exists()
        for model in (ProcedureStep, RequiredDocument, Cost, LegalBasis)
    )


def _write(procedure: Procedure, record: dict[str, Any], digest: str) -> Procedure:
    levels = set(record.get("levels") or ["xa"])
    editor_note = "\n".join(
        note for note in (record.get("editor_note"), record.get("source_note")) if note
    )
    facts = {key: record[f"{key}_source"] for key in FACT_KEYS if record.get(f"{key}_source")}
    days = record.get("processing_days")
    same_day = bool(record.get("same_day_until_15h"))
    values = {
        "code": record.get("code") or "",
        "code_verified": bool(record.get("code_verified")),
        "name": nfc(record["name"]),
        "name_en": record.get("name_en") or "",
        "slug": record["slug"],
        "field": record["field"],
        "level": Level.BOTH if levels == {"xa", "tinh"} else Level(levels.pop()),
        "agency": record.get("agency") or "",
        "settled_by": record.get("settled_by") or settler_from_agency(record.get("agency") or ""),
        "moved_from_district": _moved(record),
        "moved_by": record.get("moved_by") or "",
        "channels": [c for c in record.get("channels") or [] if c in Channel.values],
        "processing_days": None if same_day and not days else days,
        "same_day_cutoff": same_day,
        "processing_note": record.get("processing_note") or "",
        "result_document": record.get("result_document") or "",
        "online_level": record.get("online_level") or "",
        "national_portal_url": record.get("national_portal_url") or "",
        "conflict_note": record.get("conflict_note") or "",
        "source": "\n".join(_all_sources(record)),
        "fact_sources": facts,
        "editor_note": editor_note,
        "seed_digest": digest,
    }
    for name, value in values.items():
        setattr(procedure, name, value)
    procedure.save()
    _replace_lists(procedure, record)
    return procedure


def _replace_lists(procedure: Procedure, record: dict[str, Any]) -> None:
    for model in (ProcedureStep, RequiredDocument, Cost, LegalBasis):
        model.objects.filter(procedure=procedure).delete()
    ProcedureStep.objects.bulk_create(
        ProcedureStep(procedure=procedure, order=order, text=text)
        for order, text in enumerate(record.get("steps") or [], start=1)
    )
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            procedure=procedure,
            order=order,
            name=doc["name"],
            originals=doc.get("originals"),
            copies=doc.get("copies"),
            form_name=doc.get("form_name") or "",
            note=doc.get("note") or "",
        )
        for order, doc in enumerate(record.get("documents") or [], start=1)
    )
    Cost.objects.bulk_create(
        Cost(
            procedure=procedure,
            kind=cost.get("kind") or CostKind.CHARGE,
            is_free=bool(cost.get("free")),
            amount_vnd=cost.get("amount_vnd"),
            province=cost.get("province") or "",
            note=cost.get("note") or "",
            exemptions=cost.get("exemptions") or "",
        )
        for cost in record.get("costs") or []
    )
    LegalBasis.objects.bulk_create(
        LegalBasis(
            procedure=procedure,
            order=order,
            kind=rule.get("kind") or "",
            number=rule.get("number") or "",
            title=rule.get("title") or "",
            article=rule.get("article") or "",
            issued_on=_date(rule.get("date") or ""),
            in_force=rule.get("in_force"),
            replaced_by=rule.get("replaced_by") or "",
        )
        for order, rule in enumerate(record.get("legal_basis") or [], start=1)
    )
