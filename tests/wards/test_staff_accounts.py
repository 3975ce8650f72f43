import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import UserFactory
from wards.models import StaffMembership, StaffRole

LINK = re.compile(r"https?://\S+/tai-khoan/reset/\S+/")


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "http://127.0.0.1:8131"
    return mail.outbox


@pytest.mark.django_db
def test_create_staff_emails_a_set_password_link_that_lets_the_officer_in(
    client, cau_giay, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_staff", unit="00166", email="Can.Bo@CauGiay.vn", stdout=None)
    user = get_user_model().objects.get(email="can.bo@caugiay.vn")
    assert not user.has_usable_password()  # nobody typed a password for them
    membership = StaffMembership.objects.get(user=user)
    assert (membership.unit, membership.role) == (cau_giay, StaffRole.EDITOR)
    (message,) = outbox
    assert message.to == ["can.bo@caugiay.vn"] and "Cầu Giấy" in message.subject
    link = LINK.search(message.body).group(0)
    assert link.startswith("http://127.0.0.1:8131/tai-khoan/reset/")

    form_page = client.get(link.removeprefix("http://127.0.0.1:8131"), follow=True)
    chosen = "mot-mat-khau-rat-dai-9"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": chosen, "new_password2": chosen}
    )
    assert done.status_code == 302
    login = client.post(reverse("login"), {"username": "can.bo@caugiay.vn", "password": chosen})
    assert login.status_code == 302
    assert client.get(reverse("staff:dashboard")).status_code == 200


@pytest.mark.django_db
def test_create_staff_again_changes_the_role_and_keeps_one_account(
    cau_giay, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_staff", unit="00166", email="a@caugiay.vn", stdout=None)
        call_command(
            "create_staff", unit="00166", email="a@caugiay.vn", role="unit-admin", stdout=None
        )
    assert get_user_model().objects.filter(email="a@caugiay.vn").count() == 1
    assert StaffMembership.objects.get(user__email="a@caugiay.vn").role == StaffRole.UNIT_ADMIN
    assert len(outbox) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("unit", "email", "message"),
    [("99999", "a@b.vn", "No unit with code"), ("00166", "not-an-address", "địa chỉ email")],
)
def test_create_staff_refuses_bad_input_and_creates_nothing(unit, email, message, outbox):
    with pytest.raises(CommandError, match=message):
        call_command("create_staff", unit=unit, email=email, stdout=None)
    assert not get_user_model().objects.filter(email=email).exists()
    assert outbox == []


@pytest.mark.django_db
def test_password_reset_links_point_at_site_url_whatever_the_host_header(
    client, cau_giay_editor, outbox
):
    client.post(
        reverse("password_reset"), {"email": cau_giay_editor.email}, HTTP_HOST="localhost:9999"
    )
    (message,) = outbox
    assert LINK.search(message.body).group(0).startswith("http://127.0.0.1:8131/tai-khoan/reset/")


@pytest.mark.django_db
def test_an_admin_invites_the_staff_of_many_units_at_once(
    client, cau_giay, ba_dinh, outbox, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    lines = "00166, mot@caugiay.vn, editor\n00004,hai@badinh.vn,unit-admin\n\n00004, ba@badinh.vn"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:wards_staffmembership_invite"), {"lines": lines})
    assert response.status_code == 302
    roles = dict(StaffMembership.objects.values_list("user__email", "role"))
    assert roles == {
        "mot@caugiay.vn": StaffRole.EDITOR,
        "hai@badinh.vn": StaffRole.UNIT_ADMIN,
        "ba@badinh.vn": StaffRole.EDITOR,
    }
    assert sorted(m.to[0] for m in outbox) == ["ba@badinh.vn", "hai@badinh.vn", "mot@caugiay.vn"]
    assert all(LINK.search(m.body) for m in outbox)


@pytest.mark.django_db
def test_one_bad_line_invites_nobody_and_names_the_line(client, cau_giay, outbox):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    lines = "00166, mot@caugiay.vn\n99999, hai@x.vn, editor\n00166, khong-phai-thu, boss"
    page = client.post(reverse("admin:wards_staffmembership_invite"), {"lines": lines})
    html = page.content.decode()
    assert page.status_code == 200 and "Chưa mời ai" in html
    assert "<td>2</td><td>không có đơn vị mã “99999”</td>" in html
    assert "thư điện tử “khong-phai-thu” không đúng; vai trò “boss” không có" in html
    assert not StaffMembership.objects.exists() and outbox == []


@pytest.mark.django_db
def test_only_site_admins_may_invite(client, cau_giay_admin):
    client.force_login(cau_giay_admin)
    assert client.get(reverse("admin:wards_staffmembership_invite")).status_code in (302, 403)


@pytest.mark.django_db
def test_a_new_officer_sees_what_the_unit_still_lacks_with_a_link_to_each(
    client, cau_giay_editor, cau_giay
):
    from wards.models import ServicePoint, WeeklyHours

    point = ServicePoint.objects.get(unit=cau_giay)
    client.force_login(cau_giay_editor)
    page = client.get(reverse("staff:dashboard")).content.decode()
    hours = reverse("staff:point_hours", args=[point.pk])
    assert f'<a href="{hours}">Chưa có giờ làm việc</a>' in page
    assert '#id_phone">Chưa có số điện thoại' in page
    assert '#id_accessibility_notes">Chưa có thông tin hỗ trợ tiếp cận' in page
    assert "Chưa xác nhận thông tin" in page
    WeeklyHours.objects.create(service_point=point, weekday=0, opens="07:30", closes="17:00")
    page = client.get(reverse("staff:dashboard")).content.decode()
    assert "Chưa có giờ nghỉ trưa" in page


@pytest.mark.django_db
@pytest.mark.parametrize("login_url", ["login", "admin:login"])
def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_one(
    client, cau_giay_editor, login_url
):
    url = reverse(login_url)
    wrong = {"username": cau_giay_editor.username, "password": "sai-mat-khau"}
    for _ in range(5):
        assert client.post(url, wrong).status_code in (200, 429)
    right = {"username": cau_giay_editor.username, "password": "mat-khau-dai-123"}
    locked = client.post(url, right)
    assert locked.status_code == 429
    assert "Tạm khoá đăng nhập" in locked.content.decode()


@pytest.mark.django_db
def test_one_client_guessing_many_accounts_is_locked_too(client, cau_giay_editor):
    for number in range(5):
        client.post(reverse("login"), {"username": f"khong-co-{number}", "password": "x"})
    right = {"username": cau_giay_editor.username, "password": "mat-khau-dai-123"}
    assert client.post(reverse("login"), right).status_code == 429


@pytest.mark.django_db
def test_a_success_before_the_limit_clears_the_failures(client, cau_giay_editor):
    wrong = {"username": cau_giay_editor.username, "password": "sai"}
    right = {"username": cau_giay_editor.username, "password": "mat-khau-dai-123"}
    for _ in range(4):
        client.post(reverse("login"), wrong)
    assert client.post(reverse("login"), right).status_code == 302


@pytest.mark.django_db
def test_password_reset_requests_are_limited_per_address(client, cau_giay_editor, outbox):
    for _ in range(3):
        assert (
            client.post(reverse("password_reset"), {"email": cau_giay_editor.email}).status_code
            == 302
        )
    limited = client.post(reverse("password_reset"), {"email": cau_giay_editor.email})
    assert limited.status_code == 429 and "thử lại sau một giờ" in limited.content.decode()
    assert len(outbox) == 3
