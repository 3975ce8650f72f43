"""Two-step sign-in (TOTP): turning it on and off, the code after the password, throttled
guesses, and the admins and catalogue editors who may do nothing without it."""

import re
import time
from base64 import b32encode
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from procedures.services import CATALOGUE_EDITORS
from tests.factories import TOTPDeviceFactory, UserFactory
from tests.portal.test_settings import run_django

PASSWORD = "mat-khau-dai-123"  # UserFactory's
WRONG_CODE_ERROR = "Mã không đúng hoặc đã hết hạn"


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """What the user's authenticator app shows now (or `steps_ahead` periods later: a code is
    accepted once, so a second sign-in within 30 seconds uses the next one)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    accepted = {code_for(device, steps_ahead=steps) for steps in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


def sign_in_with_password(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def officer_with_app(cau_giay_editor):
    """A ward officer who turned two-factor sign-in on (nobody made them)."""
    return TOTPDeviceFactory(user=cau_giay_editor)


@pytest.fixture
def site_admin(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def two_factor_required(settings):
    settings.OTP_REQUIRED_FOR_ADMINS = True


def _catalogue_editor():
    # In the editors' group and nothing else: the group alone makes two-factor compulsory.
    user = UserFactory()
    user.groups.add(Group.objects.get(name=CATALOGUE_EDITORS))
    return user


ACCOUNTS_THAT_MUST = {
    "site admin": lambda: UserFactory(is_staff=True, is_superuser=True),
    "admin user": lambda: UserFactory(is_staff=True),
    "catalogue editor": _catalogue_editor,
}


# Turning it on ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_setup_shows_the_secret_as_a_qr_code_and_as_text_to_type(client, cau_giay_editor):
    client.force_login(cau_giay_editor)
    page = client.get(reverse("two_factor:manage"))
    assert page.status_code == 200
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=cau_giay_editor)
    assert not device.confirmed
    secret = b32encode(device.bin_key).decode()
    assert " ".join(re.findall(".{1,4}", secret)) in html
    assert "<svg" in html and "<script" not in html.split("</head>")[1]
    assert "no-store" in page["Cache-Control"]


@pytest.mark.django_db
def test_setup_keeps_the_same_secret_until_it_is_confirmed(client, cau_giay_editor):
    client.force_login(cau_giay_editor)
    client.get(reverse("two_factor:manage"))
    client.get(reverse("two_factor:manage"))
    assert TOTPDevice.objects.filter(user=cau_giay_editor).count() == 1


@pytest.mark.django_db
def test_an_unconfirmed_device_asks_no_code_at_sign_in(client, cau_giay_editor):
    TOTPDeviceFactory(user=cau_giay_editor, confirmed=False)
    response = sign_in_with_password(client, cau_giay_editor)
    assert response.status_code == 302 and response["Location"] == reverse("staff:dashboard")
    assert signed_in_user_id(client) == str(cau_giay_editor.pk)


@pytest.mark.django_db
def test_setup_turns_on_only_after_a_correct_code(client, cau_giay_editor):
    client.force_login(cau_giay_editor)
    client.get(reverse("two_factor:manage"))
    device = TOTPDevice.objects.get(user=cau_giay_editor)

    refused = client.post(reverse("two_factor:manage"), {"code": wrong_code_for(device)})
    assert refused.status_code == 200 and WRONG_CODE_ERROR in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    device.throttle_reset()  # the wrong code made the next check wait a second
    accepted = client.post(reverse("two_factor:manage"), {"code": code_for(device)})
    assert accepted.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    # This session proved the code: it is verified without signing in again.
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert "Đang bật" in client.get(reverse("two_factor:manage")).content.decode()


@pytest.mark.django_db
def test_the_setup_page_is_for_signed_in_staff_only(client):
    response = client.get(reverse("two_factor:manage"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_the_staff_dashboard_and_the_admin_link_to_two_factor_setup(
    client, cau_giay_editor, site_admin
):
    client.force_login(cau_giay_editor)
    assert reverse("two_factor:manage") in client.get(reverse("staff:dashboard")).content.decode()
    client.force_login(site_admin)
    assert reverse("two_factor:manage") in client.get(reverse("admin:index")).content.decode()


# Signing in ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_with_two_factor_on_the_password_alone_signs_nobody_in(client, officer_with_app):
    response = sign_in_with_password(client, officer_with_app.user)
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor:login_code")
    assert signed_in_user_id(client) is None
    staff_page = client.get(reverse("staff:dashboard"))
    assert staff_page.status_code == 302 and staff_page["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_the_code_after_the_password_signs_in_verified_to_the_page_asked_for(
    client, officer_with_app
):
    asked_for = reverse("staff:unit_notices", args=["00166"])
    client.post(
        f"{reverse('login')}?next={asked_for}",
        {"username": officer_with_app.user.username, "password": PASSWORD, "next": asked_for},
    )
    page = client.get(reverse("two_factor:login_code"))
    assert page.status_code == 200 and "Nhập mã xác thực" in page.content.decode()

    response = client.post(reverse("two_factor:login_code"), {"code": code_for(officer_with_app)})
    assert response.status_code == 302 and response["Location"] == asked_for
    assert signed_in_user_id(client) == str(officer_with_app.user.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == officer_with_app.persistent_id
    assert client.get(reverse("staff:dashboard")).status_code == 200


@pytest.mark.django_db
def test_a_code_cannot_be_used_twice(client, officer_with_app):
    code = code_for(officer_with_app)
    sign_in_with_password(client, officer_with_app.user)
    assert client.post(reverse("two_factor:login_code"), {"code": code}).status_code == 302
    client.post(reverse("logout"))
    sign_in_with_password(client, officer_with_app.user)
    replayed = client.post(reverse("two_factor:login_code"), {"code": code})
    assert replayed.status_code == 200 and signed_in_user_id(client) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "Hãy nhập mã 6 chữ số"),
        ("12345", "Mã gồm đúng 6 chữ số"),
        ("1234567", "Mã gồm đúng 6 chữ số"),
        ("abcdef", "Mã gồm đúng 6 chữ số"),
        ("12345x", "Mã gồm đúng 6 chữ số"),
        ("１２３４５６", "Mã gồm đúng 6 chữ số"),  # full-width digits
        ("١٢٣٤٥٦", "Mã gồm đúng 6 chữ số"),  # Arabic-Indic digits, which int() would take
        ("1" * 100_000, "Mã gồm đúng 6 chữ số"),
        ("123\x00456", "Không được có ký tự rỗng"),
        ("'; DROP TABLE otp_totp_totpdevice; --", "Mã gồm đúng 6 chữ số"),
    ],
)
def test_garbage_codes_are_refused_in_vietnamese_next_to_the_field(
    client, officer_with_app, typed, error
):
    sign_in_with_password(client, officer_with_app.user)
    response = client.post(reverse("two_factor:login_code"), {"code": typed})
    assert response.status_code == 200
    html = response.content.decode()
    field_error = re.search(r'<p class="error" id="id_code-error">([^<]*)</p>', html)
    assert field_error and error in field_error.group(1)
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_a_code_typed_with_a_space_as_the_app_shows_it_is_accepted(client, officer_with_app):
    code = code_for(officer_with_app)
    sign_in_with_password(client, officer_with_app.user)
    response = client.post(reverse("two_factor:login_code"), {"code": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 302 and signed_in_user_id(client)


@pytest.mark.django_db
def test_a_typing_slip_is_not_counted_as_a_wrong_guess(client, officer_with_app):
    sign_in_with_password(client, officer_with_app.user)
    client.post(reverse("two_factor:login_code"), {"code": "12345"})
    officer_with_app.refresh_from_db()
    assert officer_with_app.throttling_failure_count == 0


@pytest.mark.django_db
def test_after_a_wrong_code_even_the_right_one_waits_and_the_wait_is_not_counted(
    client, officer_with_app, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    sign_in_with_password(client, officer_with_app.user)
    wrong = client.post(
        reverse("two_factor:login_code"), {"code": wrong_code_for(officer_with_app)}
    )
    assert WRONG_CODE_ERROR in wrong.content.decode()

    throttled = client.post(reverse("two_factor:login_code"), {"code": code_for(officer_with_app)})
    assert throttled.status_code == 200 and signed_in_user_id(client) is None
    assert "nhập sai 1 lần liên tiếp. Hãy đợi" in throttled.content.decode()
    officer_with_app.refresh_from_db()
    assert officer_with_app.throttling_failure_count == 1

    # Once the wait is over the right code signs in, and the count starts again.
    TOTPDevice.objects.filter(pk=officer_with_app.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=61)
    )
    response = client.post(reverse("two_factor:login_code"), {"code": code_for(officer_with_app)})
    assert response.status_code == 302 and signed_in_user_id(client)
    officer_with_app.refresh_from_db()
    assert officer_with_app.throttling_failure_count == 0


@pytest.mark.django_db
def test_the_wait_doubles_with_each_wrong_code_in_a_row(client, officer_with_app, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    sign_in_with_password(client, officer_with_app.user)
    for _ in range(3):
        TOTPDevice.objects.filter(pk=officer_with_app.pk).update(
            throttling_failure_timestamp=timezone.now() - timedelta(days=1)
        )
        client.post(reverse("two_factor:login_code"), {"code": wrong_code_for(officer_with_app)})
    page = client.post(reverse("two_factor:login_code"), {"code": code_for(officer_with_app)})
    # Three wrong codes in a row: 60 * 2**2 seconds before the next check.
    assert re.search(r"nhập sai 3 lần liên tiếp\. Hãy đợi (23\d|240) giây", page.content.decode())


@pytest.mark.django_db
def test_the_code_step_without_the_password_first_asks_for_the_password(client):
    response = client.get(reverse("two_factor:login_code"))
    assert response.status_code == 302 and response["Location"] == reverse("login")


@pytest.mark.django_db
def test_a_password_step_left_waiting_too_long_must_be_done_again(client, officer_with_app):
    sign_in_with_password(client, officer_with_app.user)
    session = client.session
    session["two_factor_pending"]["started"] -= 301
    session.save()
    response = client.post(reverse("two_factor:login_code"), {"code": code_for(officer_with_app)})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_the_admin_sign_in_goes_through_the_same_code_step(client, site_admin, settings):
    settings.OTP_REQUIRED_FOR_ADMINS = True
    device = TOTPDeviceFactory(user=site_admin)
    response = client.post(
        reverse("admin:login"), {"username": site_admin.username, "password": PASSWORD}
    )
    assert response["Location"] == reverse("two_factor:login_code")
    assert signed_in_user_id(client) is None

    response = client.post(reverse("two_factor:login_code"), {"code": code_for(device)})
    assert response["Location"] == reverse("admin:index")
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200 and "Cổng phường xã Hà Nội · Quản trị" in index.content.decode()
    assert client.get(reverse("freshness")).status_code == 200


@pytest.mark.django_db
def test_the_admin_sign_in_page_is_the_portals_form(client):
    page = client.get(reverse("admin:login"))
    assert page.status_code == 200
    assert f'action="{reverse("admin:login")}"' in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("login_url", ["login", "admin:login"])
def test_repeated_wrong_passwords_still_lock_an_account_with_two_factor(
    client, officer_with_app, login_url
):
    user = officer_with_app.user
    for _ in range(5):
        client.post(reverse(login_url), {"username": user.username, "password": "sai"})
    locked = client.post(reverse(login_url), {"username": user.username, "password": PASSWORD})
    assert locked.status_code == 429 and "Tạm khoá đăng nhập" in locked.content.decode()
    assert client.get(reverse("two_factor:login_code")).status_code == 302  # no code step


# Who must use it -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("account", ACCOUNTS_THAT_MUST)
@pytest.mark.parametrize("path", ["/quan-tri/", "/quan-tri/do-cap-nhat/", "/can-bo/"])
def test_admins_and_editors_must_set_up_two_factor_before_any_admin_or_staff_page(
    client, two_factor_required, account, path
):
    client.force_login(ACCOUNTS_THAT_MUST[account]())
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('two_factor:manage')}?next={path.replace('/', '%2F')}"
    setup = client.get(response["Location"])
    assert "phải bật xác thực hai bước" in setup.content.decode()


@pytest.mark.django_db
def test_an_admin_who_sets_up_two_factor_goes_on_to_the_page_asked_for(
    client, site_admin, two_factor_required
):
    client.force_login(site_admin)
    setup = client.get(reverse("admin:index"), follow=True)
    device = TOTPDevice.objects.get(user=site_admin)
    response = client.post(
        setup.redirect_chain[-1][0], {"code": code_for(device), "next": reverse("admin:index")}
    )
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("account", ACCOUNTS_THAT_MUST)
def test_with_the_setting_off_admins_and_editors_are_not_forced(client, settings, account):
    settings.OTP_REQUIRED_FOR_ADMINS = False
    client.force_login(ACCOUNTS_THAT_MUST[account]())
    assert client.get("/can-bo/").status_code == 200


@pytest.mark.django_db
def test_ordinary_ward_staff_are_not_forced(client, cau_giay_editor, two_factor_required):
    client.force_login(cau_giay_editor)
    assert client.get(reverse("staff:dashboard")).status_code == 200
    assert not TOTPDevice.objects.filter(user=cau_giay_editor).exists()


@pytest.mark.django_db
def test_a_session_signed_in_before_two_factor_was_turned_on_must_enter_a_code(
    client, cau_giay_editor
):
    client.force_login(cau_giay_editor)
    device = TOTPDeviceFactory(user=cau_giay_editor)  # turned on from another browser
    response = client.get(reverse("staff:dashboard"))
    assert response["Location"] == f"{reverse('two_factor:login_code')}?next=%2Fcan-bo%2F"
    done = client.post(response["Location"], {"code": code_for(device), "next": "/can-bo/"})
    assert done["Location"] == "/can-bo/"
    assert client.get(reverse("staff:dashboard")).status_code == 200


@pytest.mark.django_db
def test_an_htmx_request_is_sent_to_the_code_step_as_a_whole_page(client, officer_with_app):
    client.force_login(officer_with_app.user)
    response = client.get(reverse("staff:dashboard"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("two_factor:login_code"))


def _sample_path(route: str) -> str:
    """A concrete path for a URL pattern: each parameter given a plausible value."""
    route = re.sub(r"\(\?P<app_label>([^|)]+)[^)]*\)", r"\1", route)  # the first app
    route = route.replace("(?P<url>.*)", "khong-co/").replace("([^/]+)", "1")
    route = re.sub(r"<(?:\w+:)?\w+>", "1", route)
    return "/" + route.replace("^", "").replace("$", "")


def _guarded_paths() -> list[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    paths = {_sample_path(route) for route in walk(get_resolver().url_patterns)}
    guarded = ("/quan-tri/", "/can-bo/", "/tai-khoan/password_change/")
    return sorted(p for p in paths if p.startswith(guarded))


@pytest.mark.django_db
def test_every_admin_url_and_staff_page_is_closed_to_an_admin_who_has_not_entered_a_code(
    client, site_admin, two_factor_required
):
    TOTPDeviceFactory(user=site_admin)
    client.force_login(site_admin)
    paths = _guarded_paths()
    assert {
        "/quan-tri/",
        "/quan-tri/do-cap-nhat/",
        "/quan-tri/wards/staffmembership/moi/",
        "/quan-tri/procedures/procedure/1/change/",
        "/can-bo/diem/1/gio/",
        "/can-bo/bao-sai/",
        "/tai-khoan/password_change/",
    } <= set(paths)
    logout = reverse("admin:logout")
    for path in paths:
        if path == logout:
            continue
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302, path
            assert response["Location"].startswith(reverse("two_factor:login_code")), path


@pytest.mark.django_db
def test_an_unverified_editor_cannot_change_the_catalogue(client, two_factor_required):
    from procedures.models import Procedure

    editor = _catalogue_editor()
    editor.is_staff = True
    editor.save()
    procedure = Procedure.objects.first()
    client.force_login(editor)
    url = reverse("admin:procedures_procedure_change", args=[procedure.pk])
    response = client.post(url, {"name": "Đổi tên trái phép"})
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.name != "Đổi tên trái phép"


@pytest.mark.django_db
def test_an_admin_can_always_sign_out(client, site_admin, two_factor_required):
    client.force_login(site_admin)
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert signed_in_user_id(client) is None


def test_two_factor_is_required_of_admins_by_default_in_production_only():
    show = "from django.conf import settings; print(settings.OTP_REQUIRED_FOR_ADMINS)"
    production = {
        "PORTAL_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "congphuongxa.vn",
        "DATABASE_URL": "sqlite:///unused.sqlite3",
        "SITE_URL": "https://congphuongxa.vn",
    }
    assert run_django(show, **production).stdout.strip() == "True"
    assert run_django(show).stdout.strip() == "False"
    assert run_django(show, OTP_REQUIRED_FOR_ADMINS="on").stdout.strip() == "True"
    refused = run_django(show, OTP_REQUIRED_FOR_ADMINS="perhaps")
    assert refused.returncode != 0 and "OTP_REQUIRED_FOR_ADMINS must be a boolean" in refused.stderr


# Turning it off --------------------------------------------------------------------------


@pytest.fixture
def verified_officer(client, officer_with_app):
    client.force_login(officer_with_app.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = officer_with_app.persistent_id
    session.save()
    return officer_with_app


@pytest.mark.django_db
def test_turning_two_factor_off_needs_a_current_code(client, verified_officer):
    refused = client.post(reverse("two_factor:disable"), {"code": wrong_code_for(verified_officer)})
    assert refused.status_code == 200 and WRONG_CODE_ERROR in refused.content.decode()
    assert TOTPDevice.objects.filter(pk=verified_officer.pk).exists()

    verified_officer.throttle_reset()
    response = client.post(reverse("two_factor:disable"), {"code": code_for(verified_officer)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=verified_officer.user).exists()
    # The next sign-in asks for the password only.
    client.post(reverse("logout"))
    assert sign_in_with_password(client, verified_officer.user)["Location"] == "/can-bo/"


@pytest.mark.django_db
def test_turning_two_factor_off_cannot_be_done_with_a_get(client, verified_officer):
    assert client.get(reverse("two_factor:disable")).status_code == 405
    assert TOTPDevice.objects.filter(pk=verified_officer.pk).exists()


@pytest.mark.django_db
def test_a_site_admin_removes_a_lost_phone_without_ever_seeing_its_secret(
    client, site_admin, officer_with_app
):
    client.force_login(site_admin)
    listing = client.get(reverse("admin:two_factor_twofactordevice_changelist"))
    assert listing.status_code == 200 and officer_with_app.user.username in listing.content.decode()
    detail = client.get(
        reverse("admin:two_factor_twofactordevice_change", args=[officer_with_app.pk])
    )
    assert detail.status_code == 200 and officer_with_app.key not in detail.content.decode()
    url = reverse("admin:two_factor_twofactordevice_delete", args=[officer_with_app.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=officer_with_app.pk).exists()
