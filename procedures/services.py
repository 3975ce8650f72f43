"""Every write to the catalogue."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tablib
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import QuerySet

from portal.notifications.models import EventKind
from portal.notifications.services import event_record
from portal.text import nfc
from procedures.models import (
    CODE_FORMAT,
    Channel,
    Cost,
    CostKind,
    Field,
    Level,
    Procedure,
    RequiredDocument,
    Status,
)

CATALOGUE_EDITORS = "Catalogue editors"
EDITOR_MODELS = ["procedure", "procedurestep", "requireddocument", "cost", "legalbasis"]


def procedures_set_status(*, procedures: QuerySet[Procedure], status: str, user) -> int:
    """Publish or withdraw, one save per procedure so each change enters the history."""
    changed = 0
    with transaction.atomic():
        for procedure in procedures.select_for_update():
            if procedure.status != status:
                procedure.status = status
                procedure._history_user = user
                procedure.save()
                changed += 1
                if status == Status.PUBLISHED:
                    procedure_announce(procedure=procedure, kind=EventKind.PROCEDURE_PUBLISHED)
    return changed


def procedure_announce(
    *, procedure: Procedure, kind: str = EventKind.PROCEDURE_CHANGED, changes=()
):
    """Tell the procedure's followers, in the transaction of the change (published ones only)."""
    if procedure.status != Status.PUBLISHED:
        return None
    return event_record(
        kind=kind,
        procedure=procedure,
        title=f"{procedure.name}: {EventKind(kind).label.lower()}",
        changes=changes,
        path=procedure.get_absolute_url(),
    )


def catalogue_editors_group_ensure() -> Group:
    """The admin group whose members edit the catalogue (add, change, view; deleting a
    procedure is withdrawing it, so no delete on procedures)."""
    group, _ = Group.objects.get_or_create(name=CATALOGUE_EDITORS)
    codenames = [
        f"{action}_{model}"
        for model in EDITOR_MODELS
        for action in ("add", "change", "view", *(("delete",) if model != "procedure" else ()))
    ]
    permissions = Permission.objects.filter(
        content_type__app_label="procedures", codename__in=codenames
    )
    group.permissions.set(permissions)
    return group


SEED_DIR = Path(__file__).resolve().parent / "seed"
# The catalogue's seed files, each a JSON list of records with their sources.
SEED_FILES = [
    SEED_DIR / "procedures.json",
    SEED_DIR / "procedures_extra.json",
    SEED_DIR / "procedures_more.json",
]
SHORT_TEXT = 300


class SeedError(Exception):
    """A seed record breaks a catalogue rule; nothing was loaded."""


@dataclass
class SeedSummary:
    created: int = 0
    already_present: int = 0


def procedure_seed_load(*, records: list[dict[str, Any]]) -> SeedSummary:
    """Add the seed procedures the catalogue does not have yet (by slug), all or nothing.

    A procedure already present is left as editors left it. Each record keeps its sources.
    """
    problems = [problem for record in records for problem in _seed_problems(record)]
    if problems:
        raise SeedError("\n".join(problems))
    summary = SeedSummary()
    present = set(Procedure.objects.values_list("slug", flat=True))
    with transaction.atomic():
        for record in records:
            if record["slug"] in present:
                summary.already_present += 1
                continue
            _seed_create(record)
            summary.created += 1
    return summary


def _seed_problems(record: dict[str, Any]) -> list[str]:
    where = record.get("slug") or record.get("name") or "?"
    problems = []
    if not record.get("name") or not record.get("slug"):
        problems.append(f"{where}: name and slug are required")
    if record.get("code") and not CODE_FORMAT.fullmatch(record["code"]):
        problems.append(f"{where}: code {record['code']!r} is not like 1.001193")
    if record.get("field") not in Field.values:
        problems.append(f"{where}: unknown field {record.get('field')!r}")
    if not record.get("sources"):
        problems.append(f"{where}: no source")
    for cost in record.get("costs", []):
        if cost.get("amount_vnd") is not None and not cost.get("province"):
            problems.append(f"{where}: an amount without the province it applies in")
    too_long = [
        text
        for text in (
            record.get("source_note", ""),
            *(doc.get("name", "") for doc in record.get("documents", [])),
            *(doc.get("note", "") for doc in record.get("documents", [])),
            *((cost.get("note") or "") for cost in record.get("costs", [])),
        )
        if len(text) > SHORT_TEXT
    ]
    if too_long:
        problems.append(f"{where}: {len(too_long)} texts over {SHORT_TEXT} characters")
    return problems


def _seed_create(record: dict[str, Any]) -> Procedure:
    levels = set(record.get("levels") or ["xa"])
    procedure = Procedure(
        code=record.get("code") or "",
        code_verified=bool(record.get("code_verified")),
        name=nfc(record["name"]),
        slug=record["slug"],
        field=record["field"],
        level=Level.BOTH if levels == {"xa", "tinh"} else Level(levels.pop()),
        agency=record.get("agency", ""),
        moved_from_district=record.get("moved_from_district"),
        moved_by=record.get("moved_by", ""),
        channels=[c for c in record.get("channels", []) if c in Channel.values],
        processing_days=record.get("processing_days"),
        processing_note=record.get("processing_note", ""),
        online_level=record.get("online_level") or "",
        conflict_note=record.get("conflict_note", ""),
        source="\n".join(record["sources"]),
        source_note=record.get("source_note", ""),
        status=Status.PUBLISHED,
    )
    procedure.save()
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            procedure=procedure, order=order, name=doc["name"][:300], note=doc.get("note", "")[:300]
        )
        for order, doc in enumerate(record.get("documents", []), start=1)
    )
    Cost.objects.bulk_create(
        Cost(
            procedure=procedure,
            kind=cost.get("kind") or CostKind.CHARGE,
            amount_vnd=cost.get("amount_vnd"),
            province=cost.get("province") or "",
            note=cost.get("note") or "",
            exemptions=cost.get("exemptions") or "",
        )
        for cost in record.get("costs", [])
    )
    return procedure


def seed_records() -> list[dict[str, Any]]:
    return [
        record
        for path in SEED_FILES
        if path.is_file()
        for record in json.loads(path.read_text(encoding="utf-8"))
    ]


@dataclass
class ImportReport:
    rows: int = 0
    new: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)
    imported: bool = False


def catalogue_import(*, data: str | bytes, file_format: str, dry_run: bool) -> ImportReport:
    """Check the whole file first (a dry run in a rolled-back transaction); import only if
    no row has an error, then all rows in one transaction."""
    from procedures.resources import ProcedureResource

    try:
        dataset = tablib.Dataset().load(data, format=file_format)
    except Exception as error:  # tablib raises many kinds on a malformed file
        return ImportReport(errors=[f"file: cannot be read as {file_format} ({error})"])
    preview = ProcedureResource().import_data(dataset, dry_run=True, raise_errors=False)
    report = ImportReport(
        rows=len(dataset), new=preview.totals["new"], updated=preview.totals["update"]
    )
    for number, errors in preview.row_errors():
        report.errors += [f"row {number}: {error.error}" for error in errors]
    for row in preview.invalid_rows:
        for name, messages in row.error_dict.items():
            report.errors += [f"row {row.number}: {name}: {message}" for message in messages]
    report.errors += [f"file: {error.error}" for error in preview.base_errors]
    if report.errors or dry_run:
        return report
    ProcedureResource().import_data(dataset, dry_run=False, raise_errors=True)
    report.imported = True
    return report


def catalogue_export(*, file_format: str) -> str | bytes:
    from procedures.resources import ProcedureResource

    procedures = Procedure.objects.prefetch_related("steps", "documents", "costs", "legal_basis")
    dataset = ProcedureResource().export(queryset=procedures.order_by("slug"))
    return dataset.export(file_format)
