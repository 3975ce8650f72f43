"""The catalogue as rows, for import and export (CSV, XLSX, JSON) with django-import-export.

One row per procedure. The ordered lists (steps, required documents, fees and charges,
legal basis) are each one column holding a JSON list of objects, in order:

- `steps`:       [{"text": "..."}]
- `documents`:   [{"name": "...", "originals": 1, "copies": 0, "form_name": "", "note": ""}]
- `costs`:       [{"kind": "le_phi" | "phi", "amount_vnd": 3000 | null,
                   "province": "Hà Nội" | "", "note": "", "exemptions": ""}]
- `legal_basis`: [{"number": "...", "title": "..."}]

`channels` is a JSON list of "in_person", "post", "online". A row is matched to an existing
procedure by `slug`. Every row is validated like an admin form (code like 1.001193, a
known field, no duplicate code, a name); any error and nothing is imported.
"""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from import_export import fields, resources

from procedures.models import Cost, LegalBasis, Procedure, ProcedureStep, RequiredDocument

NESTED: dict[str, tuple[type, list[str]]] = {
    "steps": (ProcedureStep, ["text"]),
    "documents": (RequiredDocument, ["name", "originals", "copies", "form_name", "note"]),
    "costs": (Cost, ["kind", "amount_vnd", "province", "note", "exemptions"]),
    "legal_basis": (LegalBasis, ["number", "title"]),
}
ORDERED = {"steps", "documents", "legal_basis"}
TEXT_FIELDS = [
    f.name
    for f in Procedure._meta.get_fields()
    if isinstance(f, (models.CharField, models.TextField)) and not f.null
]


class ProcedureResource(resources.ModelResource):
    steps = fields.Field(column_name="steps", dehydrate_method="dehydrate_steps")
    documents = fields.Field(column_name="documents", dehydrate_method="dehydrate_documents")
    costs = fields.Field(column_name="costs", dehydrate_method="dehydrate_costs")
    legal_basis = fields.Field(column_name="legal_basis", dehydrate_method="dehydrate_legal_basis")

    class Meta:
        model = Procedure
        import_id_fields = ("slug",)
        fields = (
            "code",
            "code_verified",
            "name",
            "slug",
            "field",
            "level",
            "agency",
            "moved_from_district",
            "moved_by",
            "target_group",
            "channels",
            "processing_days",
            "processing_note",
            "result_document",
            "online_level",
            "national_portal_url",
            "any_service_point_in_city",
            "status",
            "conflict_note",
            "source",
            "source_note",
            "steps",
            "documents",
            "costs",
            "legal_basis",
        )
        export_order = fields
        clean_model_instances = True
        use_transactions = True

    def dehydrate_steps(self, procedure: Procedure) -> str:
        return _dump(procedure, "steps")

    def dehydrate_documents(self, procedure: Procedure) -> str:
        return _dump(procedure, "documents")

    def dehydrate_costs(self, procedure: Procedure) -> str:
        return _dump(procedure, "costs")

    def dehydrate_legal_basis(self, procedure: Procedure) -> str:
        return _dump(procedure, "legal_basis")

    def before_import_row(self, row, **kwargs) -> None:
        # Spreadsheets give None for an empty cell; the catalogue's texts are "" then.
        for name in TEXT_FIELDS:
            if name in row and row[name] is None:
                row[name] = ""
        for column in NESTED:
            row[f"_{column}"] = _parse(column, row.get(column))
            _validate(column, row[f"_{column}"])

    def before_save_instance(self, instance: Procedure, row, **kwargs) -> None:
        stored = Procedure.objects.filter(pk=instance.pk).first() if instance.pk else None
        row["_changes"] = _changes(stored, instance, row) if stored else []
        row["_published_now"] = bool(stored) and stored.status != instance.status

    def after_save_instance(self, instance: Procedure, row, **kwargs) -> None:
        # A dry run rolls back its transaction, and the events it wrote with it.
        from portal.notifications.models import EventKind
        from procedures.services import procedure_announce

        if row.get("_published_now") and instance.status == "published":
            procedure_announce(procedure=instance, kind=EventKind.PROCEDURE_PUBLISHED)
        elif row.get("_changes"):
            procedure_announce(procedure=instance, changes=row["_changes"])
        for column, (model, _keys) in NESTED.items():
            model.objects.filter(procedure=instance).delete()
            items = row[f"_{column}"]
            extra = (lambda n: {"order": n}) if column in ORDERED else (lambda n: {})
            model.objects.bulk_create(
                model(procedure=instance, **item, **extra(number))
                for number, item in enumerate(items, start=1)
            )


def _changes(stored: Procedure, incoming: Procedure, row) -> list[tuple[str, str, str]]:
    """What an imported row changes in a stored procedure, old → new, as residents read it."""
    changes = []
    for name in ProcedureResource._meta.fields:
        if name in NESTED or name in {"slug", "status"}:
            continue
        old, new = getattr(stored, name), getattr(incoming, name)
        if old != new:
            field = Procedure._meta.get_field(name)
            changes.append((str(field.verbose_name), _text(old), _text(new)))
    for column, (model, _keys) in NESTED.items():
        if _dump(stored, column) != json.dumps(row[f"_{column}"], ensure_ascii=False):
            changes.append((str(model._meta.verbose_name_plural), "", gettext("đã cập nhật")))
    return changes


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _validate(column: str, items: list[dict[str, Any]]) -> None:
    """Check each listed item as the admin would, before anything is saved."""
    model, _keys = NESTED[column]
    for number, item in enumerate(items, start=1):
        try:
            model(**item).full_clean(exclude=["procedure", "order"])
        except ValidationError as error:
            details = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
            )
            raise ValueError(f"{column} #{number}: {details}") from None


def _dump(procedure: Procedure, column: str) -> str:
    _model, keys = NESTED[column]
    items = [{key: getattr(item, key) for key in keys} for item in getattr(procedure, column).all()]
    return json.dumps(items, ensure_ascii=False)


def _parse(column: str, text: Any) -> list[dict[str, Any]]:
    if text in (None, ""):
        return []
    try:
        items = json.loads(text) if isinstance(text, str) else text
    except json.JSONDecodeError as error:
        raise ValueError(f"{column}: not a JSON list ({error.msg})") from None
    _model, keys = NESTED[column]
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError(f"{column}: must be a JSON list of objects")
    unknown = {key for item in items for key in item} - set(keys)
    if unknown:
        raise ValueError(f"{column}: unknown keys {sorted(unknown)}")
    defaults = {key: "" for key in keys} | {
        key: None for key in ("originals", "copies", "amount_vnd")
    }
    return [{key: item.get(key, defaults[key]) for key in keys} for item in items]
