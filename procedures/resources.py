"""The catalogue as rows, for import and export (CSV, XLSX, JSON) with django-import-export.

One row per procedure. The ordered lists (steps, required documents, fees and charges,
legal basis) are each one column holding a JSON list of objects, in order:

- `steps`:       [{"text": "..."}]
- `documents`:   [{"name": "...", "originals": 1, "copies": 0, "form_name": "", "note": ""}]
- `costs`:       [{"kind": "le_phi" | "phi", "is_free": false, "amount_vnd": 3000 | null,
                   "province": "Hà Nội" | "", "note": "", "exemptions": ""}]
- `legal_basis`: [{"kind": "Luật", "number": "60/2014/QH13", "title": "Luật Hộ tịch",
                   "article": "Điều 16", "issued_on": "2014-11-20" | null,
                   "in_force": true | false | null, "replaced_by": ""}]

`channels` is a JSON list of "in_person", "post", "online"; `fact_sources` a JSON object of
fact → list of sources. A row is matched to an existing procedure by `slug`. Every row is
validated like an admin form (code like 1.001193, a known field, no duplicate code, a name),
and every error of a row is reported with its column; any error and nothing is imported.
"""

import datetime
import decimal
import json
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext
from import_export import fields, resources, widgets

from procedures.models import Cost, LegalBasis, Procedure, ProcedureStep, RequiredDocument

NESTED: dict[str, tuple[type, list[str]]] = {
    "steps": (ProcedureStep, ["text"]),
    "documents": (RequiredDocument, ["name", "originals", "copies", "form_name", "note"]),
    "costs": (Cost, ["kind", "is_free", "amount_vnd", "province", "note", "exemptions"]),
    "legal_basis": (
        LegalBasis,
        ["kind", "number", "title", "article", "issued_on", "in_force", "replaced_by"],
    ),
}
ORDERED = {"steps", "documents", "legal_basis"}
TEXT_FIELDS = [
    f.name
    for f in Procedure._meta.get_fields()
    if isinstance(f, (models.CharField, models.TextField)) and not f.null
]


def column_label(name: str) -> str:
    """A column as the file names it (the admin shows the same name in the export); an
    error about the row as a whole has none."""
    return "" if name == NON_FIELD_ERRORS else name


class NumberWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except (decimal.InvalidOperation, TypeError):
            message = gettext("“%(value)s” không phải là một số.") % {"value": value}
            raise ValueError(message) from None


class ProcedureResource(resources.ModelResource):
    processing_days = fields.Field(
        attribute="processing_days", column_name="processing_days", widget=NumberWidget()
    )
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
            "name_en",
            "moved_from_district",
            "moved_by",
            "target_group",
            "channels",
            "processing_days",
            "same_day_cutoff",
            "processing_note",
            "result_document",
            "online_level",
            "national_portal_url",
            "any_service_point_in_city",
            "status",
            "conflict_note",
            "source",
            "fact_sources",
            "editor_note",
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
        row["_nested_errors"] = {}
        for column in NESTED:
            try:
                row[f"_{column}"] = _parse(column, row.get(column))
                _validate(column, row[f"_{column}"])
            except ValueError as error:
                row[f"_{column}"] = []
                row["_nested_errors"][column] = [str(error)]

    def import_instance(self, instance, row, **kwargs) -> None:
        """Every error of the row at once: the scalar columns' and the lists'."""
        errors = dict(row.get("_nested_errors") or {})
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors |= error.message_dict
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance: Procedure, row, **kwargs) -> None:
        stored = Procedure.objects.filter(pk=instance.pk).first() if instance.pk else None
        row["_changes"] = _changes(stored, instance, row) if stored else []
        row["_published_now"] = bool(stored) and stored.status != instance.status
        # From now on the seed leaves this procedure to the editors.
        instance.seed_digest = "edited"

    def after_save_instance(self, instance: Procedure, row, **kwargs) -> None:
        # A dry run rolls back its transaction, and the events it wrote with it.
        from portal.outbox import EventKind
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
        if name in NESTED or name in {"slug", "status", "editor_note", "fact_sources"}:
            continue
        old, new = getattr(stored, name), getattr(incoming, name)
        if old != new:
            field = Procedure._meta.get_field(name)
            changes.append((str(field.verbose_name), _text(old), _text(new)))
    for column, (model, _keys) in NESTED.items():
        incoming = json.dumps(row[f"_{column}"], ensure_ascii=False, default=_isoformat)
        if _dump(stored, column) != incoming:
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
            raise ValueError(
                gettext("mục %(number)d: %(details)s") % {"number": number, "details": details}
            ) from None


def _dump(procedure: Procedure, column: str) -> str:
    _model, keys = NESTED[column]
    items = [{key: getattr(item, key) for key in keys} for item in getattr(procedure, column).all()]
    return json.dumps(items, ensure_ascii=False, default=_isoformat)


def _isoformat(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _parse(column: str, text: Any) -> list[dict[str, Any]]:
    if text in (None, ""):
        return []
    try:
        items = json.loads(text) if isinstance(text, str) else text
    except json.JSONDecodeError:
        raise ValueError(gettext("không phải danh sách JSON hợp lệ.")) from None
    _model, keys = NESTED[column]
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError(gettext("phải là một danh sách JSON các đối tượng {…}."))
    unknown = {key for item in items for key in item} - set(keys)
    if unknown:
        raise ValueError(
            gettext("khoá không có trong mẫu: %(unknown)s; các khoá dùng được: %(keys)s.")
            % {"unknown": ", ".join(sorted(unknown)), "keys": ", ".join(keys)}
        )
    defaults = (
        {key: "" for key in keys}
        | {key: None for key in ("originals", "copies", "amount_vnd", "issued_on", "in_force")}
        | {"is_free": False}
    )
    return [{key: item.get(key, defaults[key]) for key in keys} for item in items]
