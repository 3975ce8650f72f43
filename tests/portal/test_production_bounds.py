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


@pytest.fixture
def database_down(django_db_blocker):
    """The real database made unreachable for the next requests, then given back."""
    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory test database cannot be taken away (CI runs PostgreSQL)")
    with django_db_blocker.unblock():
        saved = dict(connection.settings_dict)
        connection.close()
        if connection.vendor == "sqlite":
            connection.settings_dict["NAME"] = "/nonexistent-folder/portal.sqlite3"
        else:
            connection.settings_dict["PORT"] = "1"
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


@pytest.mark.parametrize(
    "path", ["/", "/don-vi/ha-noi/phuong-cau-giay/", "/thu-tuc/dang-ky-khai-sinh/"]
)
def test_with_the_database_down_pages_answer_503_with_retry_after(client, database_down, path):
    response = client.get(path)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Cổng tạm thời chưa phục vụ được" in response.content.decode()


@pytest.fixture
def warm_conversion(client, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        assert client.get("/api/v1/convert?q=quan+hoa").status_code == 200


def test_with_the_database_down_the_conversion_api_keeps_answering_from_memory(
    client, warm_conversion, database_down
):
    response = client.get("/api/v1/convert?q=phuc+xa+ba+dinh")
    assert response.status_code == 200 and response.json()["results"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/don-vi/ha-noi/phuong-cau-giay/", "/quan-tri/login/"])
def test_every_page_forbids_inline_and_foreign_script(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
