"""The catalogue goes out and comes back unchanged; a bad file changes nothing."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from procedures.catalogue_io import catalogue_export, catalogue_import
from procedures.models import Procedure
from tests.factories import UserFactory


def snapshot() -> list[dict]:
    return json.loads(catalogue_export(file_format="json"))


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "json", "xlsx"])
def test_the_exported_seed_catalogue_reimports_to_the_same_catalogue(file_format):
    before = snapshot()
    data = catalogue_export(file_format=file_format)
    Procedure.objects.all().delete()
    report = catalogue_import(data=data, file_format=file_format, dry_run=False)
    assert report.errors == []
    assert (report.rows, report.new, report.imported) == (len(before), len(before), True)
    assert snapshot() == before


def rows_with(change: dict, *, index: int = 0) -> str:
    rows = snapshot()
    rows[index] |= change
    return json.dumps(rows, ensure_ascii=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        ({"code": "1001193"}, "code", "Mã thủ tục có dạng 1.001193"),
        ({"field": "thue"}, "field", "không phải là lựa chọn hợp lệ"),
        ({"name": ""}, "name", "không được để trắng"),
        ({"processing_days": "ba ngày"}, "processing_days", "“ba ngày” không phải là một số"),
        ({"documents": "[not json"}, "documents", "không phải danh sách JSON hợp lệ"),
        (
            {"costs": json.dumps([{"kind": "le_phi", "amount_vnd": 8000}])},
            "costs",
            "mục 1",
        ),
        ({"steps": json.dumps([{"colour": "red"}])}, "steps", "khoá không có trong mẫu: colour"),
    ],
)
def test_a_bad_row_is_reported_with_its_column_in_vietnamese_and_nothing_is_imported(
    change, column, message
):
    before = snapshot()
    data = rows_with(change | {"processing_note": "thay đổi phải bị bỏ"}, index=3)
    report = catalogue_import(data=data, file_format="json", dry_run=False)
    assert report.imported is False
    assert any(
        (error.row, error.column) == (4, column) and message in error.message
        for error in report.errors
    ), report.errors
    assert snapshot() == before


@pytest.mark.django_db
def test_every_error_of_a_row_is_reported_at_once_and_none_is_a_raw_exception():
    data = rows_with(
        {
            "code": "sai",
            "processing_days": "abc",
            "field": "thue",
            "documents": "[",
            "legal_basis": json.dumps([{"number": "1", "issued_on": "hôm qua"}]),
        },
        index=1,
    )
    report = catalogue_import(data=data, file_format="json", dry_run=True)
    columns = {error.column for error in report.errors if error.row == 2}
    assert columns == {"code", "processing_days", "field", "documents", "legal_basis"}
    assert not any("class" in error.message or "<" in error.message for error in report.errors)


@pytest.mark.django_db
def test_a_duplicate_code_is_a_row_error():
    rows = snapshot()
    coded = [row for row in rows if row["code"]]
    coded[1]["code"] = coded[0]["code"]
    data = json.dumps(rows, ensure_ascii=False)
    report = catalogue_import(data=data, file_format="json", dry_run=False)
    assert not report.imported
    assert any("(cột code) này đã có" in error.message for error in report.errors)


@pytest.mark.django_db
def test_a_dry_run_reports_and_changes_nothing():
    before = snapshot()
    data = rows_with({"processing_note": "Đã sửa"})
    report = catalogue_import(data=data, file_format="json", dry_run=True)
    assert (report.errors, report.imported, report.updated) == ([], False, len(before))
    assert snapshot() == before


@pytest.mark.django_db
def test_an_unreadable_file_is_a_clear_error():
    report = catalogue_import(data="{not a table", file_format="json", dry_run=False)
    (error,) = report.errors
    assert error.row is None and "Không đọc được tệp này" in error.message


@pytest.mark.django_db
def test_import_and_export_commands(tmp_path, capsys):
    path = tmp_path / "catalogue.csv"
    call_command("export_catalogue", "--format", "csv", "--output", str(path))
    call_command("import_catalogue", str(path), "--dry-run")
    assert "Dry run" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Unknown file type"):
        call_command("import_catalogue", str(tmp_path / "catalogue.txt"))


@pytest.mark.django_db
def test_editors_see_the_admin_import_page_with_its_formats(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:procedures_procedure_import")).content.decode()
    assert "xlsx" in page.lower() and "csv" in page.lower()
