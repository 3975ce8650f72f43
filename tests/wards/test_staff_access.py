"""Staff see and change only their own units: every staff URL, tried by another unit's
staff (404, nothing revealed, nothing changed) and by an anonymous visitor (login)."""

from datetime import date

import pytest
from django.urls import reverse

from wards.models import HoursException, Notice, ServicePoint


@pytest.fixture
def cau_giay_point(cau_giay):
    return ServicePoint.objects.get(unit=cau_giay)


@pytest.fixture
def cau_giay_exception(cau_giay_point):
    return HoursException.objects.create(
        service_point=cau_giay_point,
        start_date=date(2099, 1, 1),
        end_date=date(2099, 1, 2),
        kind="dong_cua",
    )


@pytest.fixture
def cau_giay_notice(cau_giay):
    return Notice.objects.create(unit=cau_giay, kind="thong_bao", title="Thông báo", body="x")


def staff_urls(point, exception, notice, unit):
    return [
        ("get", reverse("staff:point_edit", args=[point.pk])),
        ("post", reverse("staff:point_edit", args=[point.pk])),
        ("get", reverse("staff:point_hours", args=[point.pk])),
        ("post", reverse("staff:point_hours", args=[point.pk])),
        ("get", reverse("staff:point_exceptions", args=[point.pk])),
        ("post", reverse("staff:point_exceptions", args=[point.pk])),
        ("post", reverse("staff:point_verify", args=[point.pk])),
        ("get", reverse("staff:point_history", args=[point.pk])),
        ("post", reverse("staff:exception_delete", args=[exception.pk])),
        ("get", reverse("staff:unit_notices", args=[unit.code])),
        ("post", reverse("staff:unit_notices", args=[unit.code])),
        ("post", reverse("staff:notice_withdraw", args=[notice.pk])),
        ("post", reverse("staff:police_office_add", args=[unit.code])),
    ]


@pytest.mark.django_db
def test_staff_of_another_unit_get_404_on_every_staff_url(
    client, ba_dinh_editor, cau_giay_point, cau_giay_exception, cau_giay_notice, cau_giay
):
    client.force_login(ba_dinh_editor)
    before = cau_giay_point.version
    for method, url in staff_urls(cau_giay_point, cau_giay_exception, cau_giay_notice, cau_giay):
        response = getattr(client, method)(url, {"name": "Bị sửa", "action": "save"})
        assert response.status_code == 404, (method, url)
    cau_giay_point.refresh_from_db()
    assert cau_giay_point.version == before
    assert cau_giay_point.verified_at is None
    assert HoursException.objects.filter(pk=cau_giay_exception.pk).exists()
    assert Notice.objects.get(pk=cau_giay_notice.pk).withdrawn_at is None
    assert not cau_giay.service_points.filter(kind="cong_an").exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login_on_every_staff_url(
    client, cau_giay_point, cau_giay_exception, cau_giay_notice, cau_giay
):
    urls = staff_urls(cau_giay_point, cau_giay_exception, cau_giay_notice, cau_giay)
    for method, url in [("get", reverse("staff:dashboard")), *urls]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_own_unit_staff_reach_every_staff_page(
    client, cau_giay_admin, cau_giay_point, cau_giay_notice, cau_giay
):
    client.force_login(cau_giay_admin)
    for url in [
        reverse("staff:dashboard"),
        reverse("staff:point_edit", args=[cau_giay_point.pk]),
        reverse("staff:point_hours", args=[cau_giay_point.pk]),
        reverse("staff:point_exceptions", args=[cau_giay_point.pk]),
        reverse("staff:point_history", args=[cau_giay_point.pk]),
        reverse("staff:unit_notices", args=[cau_giay.code]),
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_history_is_for_unit_admins_not_editors(client, cau_giay_editor, cau_giay_point):
    client.force_login(cau_giay_editor)
    assert client.get(reverse("staff:point_history", args=[cau_giay_point.pk])).status_code == 404


@pytest.mark.django_db
def test_dashboard_lists_only_own_units_points_with_what_needs_attention(
    client, cau_giay_editor, cau_giay_point, django_assert_max_num_queries
):
    client.force_login(cau_giay_editor)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("staff:dashboard")).content.decode()
    assert cau_giay_point.name in page
    assert "Điểm phục vụ hành chính công Phường Ba Đình" not in page
    assert "Chưa xác nhận thông tin" in page
    assert "Chưa có giờ làm việc" in page
    assert "Chưa có số điện thoại" in page


@pytest.mark.django_db
def test_staff_without_units_are_told_so(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert "chưa được giao đơn vị nào" in client.get(reverse("staff:dashboard")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("pk", [0, 999999999])
def test_unknown_ids_are_404(client, cau_giay_editor, pk):
    client.force_login(cau_giay_editor)
    assert client.get(reverse("staff:point_edit", args=[pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/can-bo/diem/99999999999999999999999/",
        "/can-bo/diem/99999999999999999999999/gio/",
        "/can-bo/ngay-nghi/99999999999999999999999/xoa/",
        "/can-bo/don-vi/" + "9" * 300 + "/thong-bao/",
    ],
)
def test_absurd_ids_are_404_not_500(client, cau_giay_editor, url):
    client.force_login(cau_giay_editor)
    method = client.post if "xoa" in url else client.get
    assert method(url).status_code == 404
