"""What residents read on a procedure page: each fact once, in Vietnamese, with its law."""

import copy
from decimal import Decimal

import pytest
from django.urls import reverse

from portal.text import join_sentences
from procedures.models import Cost, LegalBasis, MovedStatus, Procedure
from procedures.seeding import EDITED, procedure_seed_load
from tests.factories import UserFactory

RECORD = {
    "name": "Thủ tục thử độ sâu",
    "slug": "thu-tuc-thu-do-sau",
    "field": "ho_tich",
    "agency": "UBND cấp xã",
    "moved_from_district": "both",
    "documents": [{"name": "Tờ khai", "originals": 1, "copies": None, "form_name": "Mẫu 01"}],
    "processing_days": 3,
    "processing_note": "03 ngày làm việc kể từ khi nhận đủ hồ sơ hợp lệ.",
    "costs": [{"kind": "le_phi", "free": True}],
    "legal_basis": [
        {
            "kind": "Nghị định",
            "number": "136/2013/NĐ-CP",
            "title": "Chính sách trợ giúp xã hội",
            "article": "Điều 7",
            "date": "2013-10-21",
            "in_force": False,
            "replaced_by": "20/2021/NĐ-CP",
        }
    ],
    "steps": ["Nộp hồ sơ.", "Nhận kết quả."],
    "sources": ["https://example.gov.vn/thu-tuc"],
    "documents_source": ["https://example.gov.vn/ho-so"],
    "editor_note": "Marked secondary, unverified: for editors only.",
}


@pytest.fixture
def deep(db) -> Procedure:
    procedure_seed_load(records=[copy.deepcopy(RECORD)])
    return Procedure.objects.get(slug=RECORD["slug"])


@pytest.mark.parametrize(
    ("days", "note", "same_day", "expected"),
    [
        (
            3,
            "03 ngày làm việc kể từ khi nhận đủ hồ sơ.",
            False,
            "3 ngày làm việc kể từ khi nhận đủ hồ sơ.",
        ),
        (5, "05 ngày làm việc.", False, "5 ngày làm việc."),
        (
            3,
            "Nếu cần xác minh thì thêm 5 ngày..",
            False,
            "3 ngày làm việc. Nếu cần xác minh thì thêm 5 ngày.",
        ),
        (None, "", True, "Trong ngày làm việc; hồ sơ nhận sau 15 giờ"),
        (0, "", False, "Giải quyết ngay khi nhận đủ hồ sơ hợp lệ."),
        (10, "Theo nghị định: 10 ngày làm việc kể từ khi nhận.", False, "Theo nghị định: 10 ngày"),
        (1, "Thêm 10 ngày làm việc nếu xác minh.", False, "1 ngày làm việc. Thêm 10 ngày"),
        (None, "", False, ""),
    ],
)
def test_the_processing_time_states_each_fact_once(days, note, same_day, expected):
    procedure = Procedure(
        processing_days=None if days is None else Decimal(days),
        processing_note=note,
        same_day_cutoff=same_day,
    )
    text = procedure.processing_text()
    assert text.startswith(expected)
    assert ".." not in text and text.count("ngày làm việc") <= 2


def test_sentences_join_with_one_full_stop_each():
    assert join_sentences(["một.", "", "hai..", " ba "]) == "Một. Hai. Ba."


def test_money_reads_as_residents_write_it():
    assert Cost(amount_vnd=3000).amount_text == "3.000 đồng"
    assert Cost(amount_vnd=1250000).amount_text == "1.250.000 đồng"


def test_page_shows_the_facts_once_in_vietnamese_and_never_the_editors_note(client, deep):
    page = client.get(deep.get_absolute_url()).content.decode()
    assert page.count("3 ngày làm việc") == 1 and "03 ngày" not in page and ".." not in page
    assert "Marked secondary" not in page and "for editors" not in page
    assert "Lệ phí: không thu." in page
    assert "1 bản chính" in page and "mẫu: Mẫu 01" in page
    assert "Trước 1/7/2025 cả cấp huyện và cấp xã cùng thực hiện" in page
    assert "Nghị định số 136/2013/NĐ-CP ngày 21/10/2013" in page
    assert "đã hết hiệu lực, thay bằng 20/2021/NĐ-CP" in page
    assert "<li>Nộp hồ sơ.</li>" in page


def test_a_procedure_subscribe_box_speaks_of_the_procedures_own_changes(client, deep):
    page = client.get(deep.get_absolute_url()).content.decode()
    assert "thủ tục này thay đổi" in page and "giờ làm việc, lịch nghỉ" not in page


def test_the_seed_keeps_each_facts_sources_and_the_editors_note(deep):
    assert deep.fact_sources == {"documents": ["https://example.gov.vn/ho-so"]}
    assert "https://example.gov.vn/ho-so" in deep.source.splitlines()
    assert deep.editor_note.startswith("Marked secondary")
    assert deep.moved_from_district == MovedStatus.BOTH and not deep.is_moved


def test_a_changed_seed_record_updates_a_procedure_nobody_edited(deep):
    changed = copy.deepcopy(RECORD) | {"processing_days": 5, "steps": ["Một bước."]}
    summary = procedure_seed_load(records=[changed])
    assert (summary.updated, summary.created) == (1, 0)
    deep.refresh_from_db()
    assert deep.processing_days == 5
    assert list(deep.steps.values_list("text", flat=True)) == ["Một bước."]
    assert procedure_seed_load(records=[changed]).already_present == 1


def test_the_seed_leaves_a_procedure_an_editor_changed_in_the_admin(client, deep):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    change = reverse("admin:procedures_procedure_change", args=[deep.pk])
    form = client.get(change).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, (list, dict))
    }
    data |= {"processing_note": "Biên tập viên đã sửa", "channels": "[]", "fact_sources": "{}"}
    for prefix in ("steps", "documents", "costs", "legal_basis"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    deep.refresh_from_db()
    assert deep.seed_digest == EDITED

    summary = procedure_seed_load(records=[copy.deepcopy(RECORD) | {"processing_days": 9}])
    assert summary.left_to_editors == 1
    deep.refresh_from_db()
    assert deep.processing_note == "Biên tập viên đã sửa"


def test_the_admin_flags_a_record_resting_on_a_replaced_document(client, deep):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:procedures_procedure_changelist")
    flagged = client.get(url, {"can_cu": "het_hieu_luc"}).content.decode()
    assert RECORD["name"] in flagged
    LegalBasis.objects.filter(procedure=deep).update(in_force=True)
    assert RECORD["name"] not in client.get(url, {"can_cu": "het_hieu_luc"}).content.decode()


@pytest.mark.parametrize("value", ["maybe", 1])
def test_a_seed_record_with_an_unknown_moved_answer_is_refused(db, value):
    from procedures.seeding import SeedError

    with pytest.raises(SeedError, match="moved_from_district"):
        procedure_seed_load(records=[copy.deepcopy(RECORD) | {"moved_from_district": value}])
