"""What a reverse proxy, a crawler and an attacker see (issue 14's quick items)."""

import pytest

PUBLIC = [
    "/",
    "/gioi-thieu/",
    "/tra-cuu/?q=quan+hoa",
    "/gan-toi/",
    "/thu-tuc/?q=khai+sinh",
    "/thu-tuc/dang-ky-khai-sinh/",
    "/don-vi/ha-noi/phuong-cau-giay/",
    "/api/v1/convert?q=quan+hoa",
    "/api/v1/procedures?q=khai+sinh",
    "/bao-sai/?don_vi=00166",
    "/healthz",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC)
def test_head_answers_wherever_get_does(client, path):
    get, head = client.get(path), client.head(path)
    assert get.status_code == 200 and head.status_code == 200, path
    assert head.content == b""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/can-bo/", "/can-bo/bao-sai/", "/tai-khoan/login/", "/quan-tri/", "/quan-tri/do-cap-nhat/"],
)
def test_staff_account_and_admin_pages_are_never_stored(client, cau_giay_admin, path):
    client.force_login(cau_giay_admin)
    response = client.get(path)
    assert "no-store" in response["Cache-Control"], path


@pytest.mark.django_db
def test_every_answer_carries_a_permissions_policy(client):
    for path in ("/", "/thu-tuc/dang-ky-khai-sinh/", "/api/v1/convert?q=x", "/khong-co/"):
        policy = client.get(path)["Permissions-Policy"]
        assert "geolocation=(self)" in policy and "camera=()" in policy
