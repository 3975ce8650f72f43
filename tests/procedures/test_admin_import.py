"""Catalogue editors import a file in the admin: every error first, then a confirmation."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procedures.catalogue_io import catalogue_export
from procedures.models import Procedure
from procedures.services import CATALOGUE_EDITORS
from tests.factories import UserFactory

URL = reverse("admin:procedures_procedure_import")


@pytest.fixture
def editor(client, db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=CATALOGUE_EDITORS))
    client.force_login(user)
    return user


def upload(client, rows: list[dict], name: str = "danh-muc.json"):
    content = json.dumps(rows, ensure_ascii=False).encode()
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def test_a_bad_row_is_shown_with_its_row_column_and_a_vietnamese_message(client, editor):
    rows = json.loads(catalogue_export(file_format="json"))
    rows[2] |= {"processing_days": "ba", "code": "12345", "processing_note": "bị bỏ"}
    page = upload(client, rows).content.decode()
    assert "Có 2 lỗi; chưa nhập gì" in page
    assert (
        "<td>3</td><td><code>processing_days</code></td><td>“ba” không phải là một số.</td>" in page
    )
    assert "<code>code</code>" in page and "Mã thủ tục có dạng 1.001193" in page
    assert "ConversionSyntax" not in page and "Traceback" not in page
    assert 'name="confirm"' not in page
    assert not Procedure.objects.filter(processing_note="bị bỏ").exists()


def test_a_good_file_is_previewed_then_imported_on_confirmation(client, editor):
    rows = json.loads(catalogue_export(file_format="json"))
    rows[0]["processing_note"] = "Đã sửa qua tệp"
    preview = upload(client, rows)
    page = preview.content.decode()
    assert f"{len(rows)} dòng" in page and 'name="confirm"' in page
    assert not Procedure.objects.filter(processing_note="Đã sửa qua tệp").exists()

    confirm = preview.context["confirm"]
    data = {**{name: confirm[name].value() for name in confirm.fields}, "confirm": "1"}
    done = client.post(URL, data)
    assert done.status_code == 302
    assert Procedure.objects.filter(processing_note="Đã sửa qua tệp").count() == 1
    message = client.get(done["Location"]).content.decode()
    assert f"Đã nhập {len(rows)} dòng" in message


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("danh-muc.txt", b"abc", "Chỉ nhận tệp .csv, .xlsx hoặc .json."),
        ("danh-muc.csv", b"\xff\xfe\x00", "Tệp không phải văn bản UTF-8."),
        ("danh-muc.json", b"{not json", "Không đọc được tệp này"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(client, editor, name, content, message):
    response = client.post(URL, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200 and message in response.content.decode()


def test_a_tampered_confirmation_is_refused_and_imports_nothing(client, editor):
    before = Procedure.objects.count()
    response = client.post(URL, {"name": "x.json", "content": "%%%", "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == URL
    assert Procedure.objects.count() == before


def test_staff_without_catalogue_rights_cannot_import(client, db):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(URL).status_code == 403


def test_the_admin_carries_the_portals_name_in_vietnamese(client, editor):
    page = client.get(reverse("admin:procedures_procedure_changelist")).content.decode()
    assert "Cổng phường xã Hà Nội" in page and "Django administration" not in page
    assert ">Nhập</a>" in page


def test_the_export_and_history_pages_read_vietnamese(client, editor):
    procedure = Procedure.objects.get(slug="dang-ky-khai-sinh")
    export = client.get(reverse("admin:procedures_procedure_export")).content.decode()
    assert "Chọn tất cả" in export and "Select all" not in export
    history = client.get(reverse("admin:procedures_procedure_history", args=[procedure.pk]))
    assert "Lịch sử" in history.content.decode()


@pytest.mark.parametrize(
    "query", ["?foo=bar", "?field__exact=thue", "?status=zzz&can_cu=x", "?o=99"]
)
def test_an_export_address_with_an_unknown_filter_is_never_a_500(client, editor, query):
    response = client.get(reverse("admin:procedures_procedure_export") + query, follow=True)
    assert response.status_code == 200
