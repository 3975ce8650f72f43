"""What ward staff do, and the mistakes the forms catch."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from wards.models import HoursException, Notice, ServicePoint, WeeklyHours

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def point(cau_giay):
    return ServicePoint.objects.get(unit=cau_giay)


@pytest.fixture
def editor_client(client, cau_giay_editor):
    client.force_login(cau_giay_editor)
    return client


def details(point, **changes):
    data = {
        "version": point.version,
        "name": point.name,
        "address": point.address,
        "phone": point.phone,
        "email": point.email,
        "latitude": point.latitude,
        "longitude": point.longitude,
        "coordinates_approximate": "on",
        "accessibility_notes": "",
        "note": "",
        "is_active": "on",
    }
    return {**data, **changes}


def week(version, *days, action="save"):
    """The week form's data: (weekday, morning from, to, afternoon from, to) per open day."""
    data = {"version": version, "action": action}
    for weekday, *times in days:
        data[f"d{weekday}_open"] = "on"
        names = ("am_from", "am_to", "pm_from", "pm_to")
        data |= {f"d{weekday}_{name}": value for name, value in zip(names, times, strict=False)}
    return data


@pytest.mark.django_db
def test_staff_edit_the_phone_and_it_is_recorded_in_history(editor_client, point, cau_giay_editor):
    url = reverse("staff:point_edit", args=[point.pk])
    response = editor_client.post(url, details(point, phone="02438331234"))
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.phone == "024 3833 1234"
    assert point.version == 2
    latest = point.history.first()
    assert latest.history_user == cau_giay_editor
    assert latest.diff_against(latest.prev_record).changes[0].new == "024 3833 1234"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "12345"}, "Số điện thoại không đúng"),
        ({"latitude": "48.85", "longitude": "2.35"}, "nằm ngoài Việt Nam"),
        ({"latitude": "21.03", "longitude": ""}, "cả vĩ độ và kinh độ"),
        ({"name": ""}, "This field is required"),
        ({"email": "not-an-email"}, "email"),
    ],
)
def test_bad_details_come_back_with_the_error_and_what_was_typed(
    editor_client, point, changes, message
):
    url = reverse("staff:point_edit", args=[point.pk])
    response = editor_client.post(url, details(point, **changes))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error"' in page
    for value in changes.values():
        if value:
            assert f'value="{value}"' in page
    point.refresh_from_db()
    assert point.version == 1


@pytest.mark.django_db
def test_a_second_editor_with_a_stale_page_is_refused_and_told_what_changed(editor_client, point):
    url = reverse("staff:point_edit", args=[point.pk])
    stale = details(point, address="Số 1, đường B")
    editor_client.post(url, details(point, phone="0912345678"))  # the first editor saves
    response = editor_client.post(url, stale)
    page = response.content.decode()
    assert "Người khác đã lưu điểm phục vụ này" in page
    assert "0912 345 678" in page  # what the first editor saved
    assert 'value="Số 1, đường B"' in page  # what the second typed, kept
    point.refresh_from_db()
    assert point.phone == "0912 345 678"
    assert point.address != "Số 1, đường B"
    # Saving again, now knowingly, goes through.
    assert editor_client.post(url, details(point, address="Số 1, đường B")).status_code == 302


@pytest.mark.django_db
def test_a_week_with_a_lunch_break_and_saturday_morning_is_saved_all_at_once(editor_client, point):
    url = reverse("staff:point_hours", args=[point.pk])
    data = week(point.version, (0, "07:30", "11:30", "13:30", "17:00"), (5, "7h30", "11.30"))
    assert editor_client.post(url, data).status_code == 302
    assert list(
        point.weekly_hours.values_list("weekday", "opens", "closes").order_by("weekday", "opens")
    ) == [
        (0, *map(_time, ("07:30", "11:30"))),
        (0, *map(_time, ("13:30", "17:00"))),
        (5, *map(_time, ("07:30", "11:30"))),
    ]


def _time(text):
    from datetime import time

    hour, minute = text.split(":")
    return time(int(hour), int(minute))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "message"),
    [
        ((0, "11:30", "07:30"), "Giờ kết thúc phải sau giờ bắt đầu"),
        ((0, "07:30", "11:30", "11:00", "17:00"), "Buổi chiều phải bắt đầu sau buổi sáng"),
        ((0, "07:30", ""), "Nhập cả giờ bắt đầu và giờ kết thúc"),
        ((0, "25:00", "11:30"), 'value="25:00"'),
        ((0,), "Ngày mở cửa cần ít nhất một khoảng giờ"),
    ],
)
def test_bad_hours_are_refused_whole_with_the_error_beside_the_field(
    editor_client, point, day, message
):
    WeeklyHours.objects.create(service_point=point, weekday=1, opens="08:00", closes="09:00")
    url = reverse("staff:point_hours", args=[point.pk])
    response = editor_client.post(url, week(point.version, (2, "08:00", "10:00"), day))
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page and "Chưa lưu" in page
    assert list(point.weekly_hours.values_list("weekday", flat=True)) == [1]


@pytest.mark.django_db
def test_the_working_week_shortcut_copies_monday_and_saves_nothing(editor_client, point):
    url = reverse("staff:point_hours", args=[point.pk])
    data = week(point.version, (0, "07:30", "11:30", "13:30", "17:00"), action="mon_fri")
    fragment = editor_client.post(url, data, **HTMX).content.decode()
    assert fragment.lstrip().startswith('<form id="hours"')
    assert fragment.count('value="07:30"') == 5 and fragment.count('value="17:00"') == 5
    saturday = editor_client.post(
        url, week(point.version, (0, "07:30", "11:30"), action="sat_morning"), **HTMX
    ).content.decode()
    assert 'name="d5_open" id="id_d5_open" checked' in saturday
    assert 'name="d5_am_from" value="07:30"' in saturday
    assert not point.weekly_hours.exists()


@pytest.mark.django_db
def test_hours_can_be_copied_from_the_units_other_point(editor_client, point):
    other = ServicePoint.objects.create(unit=point.unit, name="Điểm tiếp nhận số 2", address="x")
    WeeklyHours.objects.create(service_point=other, weekday=3, opens="08:00", closes="11:00")
    url = reverse("staff:point_hours", args=[point.pk])
    page = editor_client.post(
        url, {"version": point.version, "action": f"copy_point-{other.pk}"}
    ).content.decode()
    assert "Chép giờ của Điểm tiếp nhận số 2" in page
    assert 'name="d3_am_from" value="08:00"' in page


@pytest.mark.django_db
def test_saving_over_htmx_confirms_in_place_once(editor_client, point):
    url = reverse("staff:point_hours", args=[point.pk])
    data = week(point.version, (0, "07:30", "11:30"))
    fragment = editor_client.post(url, data, **HTMX).content.decode()
    assert 'role="status"' in fragment and "Đã lưu giờ làm việc lúc" in fragment
    assert "Đã lưu giờ làm việc" not in editor_client.get(url).content.decode()  # not twice


@pytest.mark.django_db
def test_saving_the_same_week_again_writes_no_history_and_no_event(editor_client, point):
    from portal.notifications.models import Event

    url = reverse("staff:point_hours", args=[point.pk])
    editor_client.post(url, week(point.version, (0, "07:30", "11:30", "13:30", "17:00")))
    point.refresh_from_db()
    history, events = WeeklyHours.history.count(), Event.objects.count()
    version = point.version
    again = editor_client.post(
        url, week(point.version, (0, "07:30", "11:30", "13:30", "17:00")), **HTMX
    ).content.decode()
    assert "không thay đổi" in again
    point.refresh_from_db()
    assert (WeeklyHours.history.count(), Event.objects.count()) == (history, events)
    assert point.version == version


@pytest.mark.django_db
def test_every_input_of_the_week_has_a_label_and_times_read_24_hour(editor_client, point):
    WeeklyHours.objects.create(service_point=point, weekday=0, opens="13:30", closes="17:00")
    page = editor_client.get(reverse("staff:point_hours", args=[point.pk])).content.decode()
    import re

    ids = re.findall(r'<input[^>]+id="(id_d\d_[a-z_]+)"', page)
    assert len(ids) == 7 * 5
    assert all(f'for="{input_id}"' in page for input_id in ids)
    assert 'value="13:30"' in page and 'type="time"' not in page
    assert "Thứ Bảy" in page and "Thứ Ba" in page


@pytest.mark.django_db
def test_hours_page_full_and_fragment(editor_client, point):
    url = reverse("staff:point_hours", args=[point.pk])
    assert "<html" in editor_client.get(url).content.decode()
    assert "<html" not in editor_client.get(url, **HTMX).content.decode()


@pytest.mark.django_db
def test_a_closure_is_added_and_an_end_before_start_is_refused(editor_client, point):
    url = reverse("staff:point_exceptions", args=[point.pk])
    start = timezone.localdate() + timedelta(days=30)
    bad = {"start_date": start, "end_date": start - timedelta(days=4), "kind": "dong_cua"}
    page = editor_client.post(url, bad).content.decode()
    assert "Ngày kết thúc phải từ ngày bắt đầu trở đi" in page
    assert f'value="{start:%Y-%m-%d}"' in page
    assert not HoursException.objects.exists()
    good = {
        "start_date": start,
        "end_date": start + timedelta(days=1),
        "kind": "dong_cua",
        "reason": "Chuyển trụ sở",
    }
    assert editor_client.post(url, good).status_code == 302
    assert point.exceptions.get().reason == "Chuyển trụ sở"


@pytest.mark.django_db
def test_special_hours_need_both_times(editor_client, point):
    url = reverse("staff:point_exceptions", args=[point.pk])
    day = timezone.localdate() + timedelta(days=30)
    data = {"start_date": day, "end_date": day, "kind": "gio_dac_biet"}
    assert "cần cả giờ mở và giờ đóng cửa" in editor_client.post(url, data).content.decode()


@pytest.mark.django_db
def test_verify_marks_the_point_checked_today(editor_client, point, cau_giay_editor):
    editor_client.post(reverse("staff:point_verify", args=[point.pk]))
    point.refresh_from_db()
    assert point.verified_by == cau_giay_editor
    assert point.verified_at.date() == timezone.now().date()


@pytest.mark.django_db
def test_notice_body_is_sanitised(editor_client, cau_giay):
    url = reverse("staff:unit_notices", args=[cau_giay.code])
    body = (
        "<p>Mở cửa <strong>thứ Bảy</strong></p><script>alert(1)</script>"
        '<a href="javascript:x()">x</a>'
    )
    editor_client.post(url, {"kind": "thong_bao", "title": "Lịch mới", "body": body})
    notice = Notice.objects.get(unit=cau_giay)
    assert "<script>" not in notice.body and "javascript:" not in notice.body
    assert "<strong>thứ Bảy</strong>" in notice.body


@pytest.mark.django_db
def test_a_closure_notice_needs_a_future_end_date(editor_client, cau_giay):
    url = reverse("staff:unit_notices", args=[cau_giay.code])
    page = editor_client.post(
        url, {"kind": "tam_dong_cua", "title": "Tạm đóng", "body": "x"}
    ).content.decode()
    assert "cần ngày kết thúc" in page
    past = (date.today() - timedelta(days=3)).isoformat()
    data = {"kind": "tam_dong_cua", "title": "Tạm đóng", "body": "x", "ends_on": past}
    assert "Ngày kết thúc đã qua" in editor_client.post(url, data).content.decode()
    assert not Notice.objects.exists()


@pytest.mark.django_db
def test_withdrawing_a_notice_keeps_it_but_marks_it(editor_client, cau_giay):
    notice = Notice.objects.create(unit=cau_giay, kind="thong_bao", title="T", body="b")
    editor_client.post(reverse("staff:notice_withdraw", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.withdrawn_at is not None


@pytest.mark.django_db
def test_unit_admin_sees_who_changed_what(client, cau_giay_admin, point):
    client.force_login(cau_giay_admin)
    client.post(reverse("staff:point_edit", args=[point.pk]), details(point, phone="0912345678"))
    page = client.get(reverse("staff:point_history", args=[point.pk])).content.decode()
    assert cau_giay_admin.username in page
    assert "điện thoại: — → 0912 345 678" in page


@pytest.mark.django_db
def test_password_reset_sends_a_vietnamese_email(client, cau_giay_editor, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.post(reverse("password_reset"), {"email": cau_giay_editor.email})
    (message,) = mail.outbox
    assert "Đặt lại mật khẩu" in message.subject
    assert "/tai-khoan/reset/" in message.body


@pytest.mark.django_db
def test_login_page_is_vietnamese_and_a_wrong_password_says_so(client, cau_giay_editor):
    page = client.post(reverse("login"), {"username": cau_giay_editor.username, "password": "sai"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in page.content.decode()
    ok = client.post(
        reverse("login"), {"username": cau_giay_editor.username, "password": "mat-khau-dai-123"}
    )
    assert ok["Location"] == reverse("staff:dashboard")


@pytest.mark.django_db
def test_a_closure_notice_shows_as_a_banner_until_its_end_date(editor_client, client, cau_giay):
    url = reverse("staff:unit_notices", args=[cau_giay.code])
    ends = (timezone.localdate() + timedelta(days=2)).isoformat()
    editor_client.post(
        url,
        {
            "kind": "tam_dong_cua",
            "title": "Tạm đóng cửa sửa chữa",
            "body": "<p>Xin lỗi</p>",
            "ends_on": ends,
        },
    )
    page = client.get(cau_giay.get_absolute_url()).content.decode()
    assert 'class="banner" role="alert"><strong>Tạm đóng cửa sửa chữa</strong>' in page
    notice = Notice.objects.get(unit=cau_giay)
    Notice.objects.filter(pk=notice.pk).update(ends_on=timezone.localdate() - timedelta(days=1))
    assert "Tạm đóng cửa sửa chữa" not in client.get(cau_giay.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_withdrawn_notice_leaves_the_unit_page(editor_client, client, cau_giay):
    notice = Notice.objects.create(unit=cau_giay, kind="thong_bao", title="Lịch tiếp dân", body="b")
    assert "Lịch tiếp dân" in client.get(cau_giay.get_absolute_url()).content.decode()
    editor_client.post(reverse("staff:notice_withdraw", args=[notice.pk]))
    assert "Lịch tiếp dân" not in client.get(cau_giay.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_verify_over_htmx_returns_the_updated_dashboard_row(editor_client, point):
    response = editor_client.post(reverse("staff:point_verify", args=[point.pk]), **HTMX)
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert fragment.lstrip().startswith(f'<li id="point-{point.pk}">')
    assert "xác nhận " + timezone.localdate().strftime("%d/%m/%Y") in fragment


@pytest.mark.django_db
def test_unit_admins_see_who_published_and_withdrew_notices(client, cau_giay_admin, cau_giay):
    client.force_login(cau_giay_admin)
    url = reverse("staff:unit_notices", args=[cau_giay.code])
    client.post(url, {"kind": "thong_bao", "title": "Lịch tiếp dân", "body": "x"})
    notice = Notice.objects.get(unit=cau_giay)
    client.post(reverse("staff:notice_withdraw", args=[notice.pk]))
    page = client.get(url).content.decode()
    assert f"{cau_giay_admin.username} · thu hồi: Lịch tiếp dân" in page
    assert f"{cau_giay_admin.username} · tạo mới: Lịch tiếp dân" in page


@pytest.mark.django_db
def test_editors_do_not_see_the_notice_history(editor_client, cau_giay):
    page = editor_client.get(reverse("staff:unit_notices", args=[cau_giay.code])).content.decode()
    assert "Lịch sử thay đổi" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["", "not-an-email", "x" * 300 + "@example.vn"])
def test_password_reset_with_bad_input_is_not_a_500(client, email):
    assert client.post(reverse("password_reset"), {"email": email}).status_code in (200, 302)


@pytest.mark.django_db
def test_a_broken_password_reset_link_says_so(client):
    url = reverse("password_reset_confirm", args=["xx", "bad-token"])
    page = client.get(url).content.decode()
    assert "Đường dẫn không còn dùng được" in page


@pytest.mark.django_db
def test_staff_add_their_police_office_and_police_procedures_point_there(
    editor_client, client, cau_giay
):
    url = reverse("staff:police_office_add", args=[cau_giay.code])
    response = editor_client.post(url)
    police = ServicePoint.objects.get(unit=cau_giay, kind="cong_an")
    assert response["Location"] == reverse("staff:point_edit", args=[police.pk])
    assert editor_client.post(url)["Location"] == response["Location"]  # not twice
    editor_client.post(
        reverse("staff:point_edit", args=[police.pk]),
        details(
            police,
            address="Số 1 phố Thử, phường Cầu Giấy",
            phone="024 3833 1234",
            latitude="",
            longitude="",
        ),
    )
    page = client.get(
        reverse("procedures:detail", args=["dang-ky-tam-tru"]), {"don_vi": "00166"}
    ).content.decode()
    assert "Nơi tiếp dân Công an Phường Cầu Giấy" in page
    assert "Số 1 phố Thử, phường Cầu Giấy" in page and 'href="tel:02438331234"' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "x" * 20_001}, "dài quá 20000 ký tự"),
        ({"body": "<script>alert(1)</script><img src=x>"}, "Nội dung trống"),
        ({"kind": "tam_dong_cua", "ends_on": "9999-12-31"}, "một năm trước đến hai năm tới"),
    ],
)
def test_notices_have_upper_bounds_and_refuse_what_sanitising_empties(
    editor_client, cau_giay, data, message
):
    url = reverse("staff:unit_notices", args=[cau_giay.code])
    form = {"kind": "thong_bao", "title": "Thông báo", "body": "<p>Nội dung</p>", **data}
    page = editor_client.post(url, form).content.decode()
    assert message in page
    assert not Notice.objects.filter(unit=cau_giay).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("0001-01-01", "0001-01-02", "một năm trước đến hai năm tới"),
        ("2026-12-10", "9999-12-31", "một năm trước đến hai năm tới"),
    ],
)
def test_closure_dates_are_bounded(editor_client, point, start, end, message):
    url = reverse("staff:point_exceptions", args=[point.pk])
    data = {"start_date": start, "end_date": end, "kind": "dong_cua", "reason": "Nghỉ"}
    assert message in editor_client.post(url, data).content.decode()
    assert not HoursException.objects.filter(service_point=point).exists()


@pytest.mark.django_db
def test_long_point_notes_are_refused(editor_client, point):
    url = reverse("staff:point_edit", args=[point.pk])
    page = editor_client.post(url, details(point, note="x" * 2001)).content.decode()
    assert "2000" in page
    point.refresh_from_db()
    assert point.note == ""
