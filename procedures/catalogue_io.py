"""Import and export of the whole catalogue (CSV, XLSX, JSON), for the admin and commands.

The whole file is checked first in a rolled-back transaction; only a file without a single
error is imported, all rows in one transaction. Every error names its row and column and
says what is wrong in Vietnamese, so an editor can fix the file without reading code.
"""

from dataclasses import dataclass, field

import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from procedures.models import Procedure
from procedures.resources import ProcedureResource, column_label

FORMATS = ("csv", "xlsx", "json")
MAX_ROWS = 5000


@dataclass(frozen=True)
class RowError:
    row: int | None  # the row number as the editor sees it (1 = first data row); None: the file
    column: str
    message: str

    def __str__(self) -> str:
        where = _("dòng %(row)s") % {"row": self.row} if self.row else _("tệp")
        column = f"{self.column}: " if self.column else ""
        return f"{where}: {column}{self.message}"


@dataclass
class ImportReport:
    rows: int = 0
    new: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: bool = False

    @property
    def error_lines(self) -> list[str]:
        return [str(error) for error in self.errors]


def catalogue_import(*, data: str | bytes, file_format: str, dry_run: bool) -> ImportReport:
    """Check the whole file, then import it only when `dry_run` is false and no row has
    an error."""
    if file_format not in FORMATS:
        return ImportReport(errors=[RowError(None, "", _("Chỉ nhận tệp CSV, XLSX hoặc JSON."))])
    try:
        dataset = tablib.Dataset().load(data, format=file_format)
    except Exception:  # tablib raises many kinds on a malformed file
        message = _("Không đọc được tệp này như một bảng %(format)s.") % {
            "format": file_format.upper()
        }
        return ImportReport(errors=[RowError(None, "", message)])
    if len(dataset) > MAX_ROWS:
        message = _("Tệp có %(rows)d dòng; mỗi lần nhập tối đa %(max)d dòng.") % {
            "rows": len(dataset),
            "max": MAX_ROWS,
        }
        return ImportReport(rows=len(dataset), errors=[RowError(None, "", message)])
    preview = ProcedureResource().import_data(dataset, dry_run=True, raise_errors=False)
    report = ImportReport(
        rows=len(dataset), new=preview.totals["new"], updated=preview.totals["update"]
    )
    report.errors = _errors(preview)
    if report.errors or dry_run:
        return report
    ProcedureResource().import_data(dataset, dry_run=False, raise_errors=True)
    report.imported = True
    return report


def _errors(preview) -> list[RowError]:
    errors = [
        RowError(None, "", _("Tệp không nhập được: %(error)s") % {"error": error.error})
        for error in preview.base_errors
    ]
    for number, row_errors in preview.row_errors():
        for error in row_errors:
            errors += _from_exception(number, error.error)
    for row in preview.invalid_rows:
        for name, messages in row.error_dict.items():
            errors += [RowError(row.number, column_label(name), str(m)) for m in messages]
    return sorted(errors, key=lambda error: (error.row or 0, error.column))


def _from_exception(row: int, error: Exception) -> list[RowError]:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return [
            RowError(row, column_label(name), message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    message = _("Dòng này không đọc được (%(kind)s); hãy kiểm tra các ô của dòng.") % {
        "kind": type(error).__name__
    }
    return [RowError(row, "", message)]


def catalogue_export(*, file_format: str) -> str | bytes:
    procedures = Procedure.objects.prefetch_related("steps", "documents", "costs", "legal_basis")
    dataset = ProcedureResource().export(queryset=procedures.order_by("slug"))
    return dataset.export(file_format)
