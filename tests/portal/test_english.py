"""The resident side in English under /en/; Vietnamese URLs stay Vietnamese for everyone."""

import ast
import gettext
import re
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import formats, translation

from procedures.models import Cost, Procedure
from procedures.search import procedure_search, search_index_reset
from wards.resolver_index import address_index_reset
from wards.selectors import former_unit_resolve

ROOT = Path(__file__).resolve().parents[2]
PROCEDURE = "dang-ky-ket-hon-co-yeu-to-nuoc-ngoai"
HTMX = {"HTTP_HX_REQUEST": "true"}


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def unit_path(cau_giay) -> str:
    return cau_giay.get_absolute_url()


# Each resident page, and a sentence only its English version says.
ENGLISH_PAGES = [
    ("/", "Which ward or commune is your old address in now?"),
    ("/tra-cuu/?q=quan+hoa+cau+giay", "best match first"),
    ("/gan-toi/", "Use my location"),
    ("/thu-tuc/", "Find an administrative procedure"),
    ("/thu-tuc/?q=ket+hon", "Found"),
    (f"/thu-tuc/{PROCEDURE}/", "Where to file"),
    ("/don-vi/", "The 34 provinces and cities from 1 July 2025"),
    ("/don-vi/ha-noi/", "List of units"),
    ("UNIT", "Where to go for procedures"),
    ("/bao-sai/?don_vi=00166", "What is wrong, and what is right?"),
    ("/gioi-thieu/", "About the portal and its data"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "english"), ENGLISH_PAGES)
def test_every_resident_page_answers_in_english_under_en(client, unit_path, path, english):
    path = unit_path if path == "UNIT" else path
    response = client.get("/en" + path)
    html = page(response)
    assert '<html lang="en">' in html
    assert english in html
    assert "Find your new ward or commune" in html  # the navigation
    assert 'href="/en/tra-cuu/"' in html  # links stay in English
    assert response["Content-Language"] == "en"


@pytest.mark.django_db
def test_the_vietnamese_url_is_vietnamese_whatever_the_browser_asks(client, unit_path):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for path in ("/", unit_path, f"/thu-tuc/{PROCEDURE}/"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
        html = page(response)
        assert '<html lang="vi">' in html
        assert "Tra cứu phường/xã mới" in html and "Find your new ward" not in html
        assert response["Content-Language"] == "vi"
        # Nothing but the URL chooses, so caches need not keep a copy per browser language.
        assert "Accept-Language" not in response.get("Vary", "")


@pytest.mark.django_db
def test_an_english_request_leaves_the_thread_in_vietnamese(client):
    page(client.get("/en/"))
    assert translation.get_language() == "vi"


@pytest.mark.django_db
def test_the_switcher_links_the_same_page_and_query_in_the_other_language(client):
    vietnamese = page(client.get("/thu-tuc/?q=ket+hon&linh_vuc=ho_tich"))
    assert (
        '<a class="language-switcher" href="/en/thu-tuc/?q=ket+hon&amp;linh_vuc=ho_tich" '
        'hreflang="en" lang="en" hx-boost="false">English</a>'
    ) in vietnamese
    english = page(client.get("/en/thu-tuc/?q=ket+hon&linh_vuc=ho_tich"))
    assert (
        '<a class="language-switcher" href="/thu-tuc/?q=ket+hon&amp;linh_vuc=ho_tich" '
        'hreflang="vi" lang="vi" hx-boost="false">Tiếng Việt</a>'
    ) in english


@pytest.mark.django_db
def test_every_resident_page_names_its_two_versions_for_search_engines(client, unit_path):
    for path in ("/", unit_path, f"/thu-tuc/{PROCEDURE}/", "/tra-cuu/?q=quan+hoa"):
        for prefix in ("", "/en"):
            html = page(client.get(prefix + path))
            site = settings.SITE_URL
            escaped = path.replace("&", "&amp;")
            assert f'<link rel="alternate" hreflang="vi" href="{site}{escaped}">' in html
            assert f'<link rel="alternate" hreflang="en" href="{site}/en{escaped}">' in html
            assert f'<link rel="alternate" hreflang="x-default" href="{site}{escaped}">' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/en/can-bo/",
        "/en/can-bo/bao-sai/",
        "/en/quan-tri/",
        "/en/tai-khoan/login/",
        "/en/api/v1/convert?q=quan+hoa",
        "/en/api/v1/procedures?q=ket+hon",
        "/en/healthz",
    ],
)
def test_staff_admin_accounts_and_the_api_have_no_english_version(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_pages_without_an_english_version_offer_no_switcher(client):
    html = page(client.get("/tai-khoan/login/", HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="vi">' in html
    assert "hreflang" not in html and "language-switcher" not in html


@pytest.mark.django_db
def test_the_english_procedure_name_shows_on_english_pages_only(client):
    name_en = "Marriage registration with a foreign element"
    Procedure.objects.filter(slug=PROCEDURE).update(name_en=name_en)
    search_index_reset()
    english = page(client.get(f"/en/thu-tuc/{PROCEDURE}/"))
    assert '<h1 lang="vi">Đăng ký kết hôn có yếu tố nước ngoài</h1>' in english
    assert f'<p class="name-en">{name_en}</p>' in english
    assert 'class="name-en"' not in page(client.get(f"/thu-tuc/{PROCEDURE}/"))
    results = page(client.get("/en/thu-tuc/", {"q": "ket hon nuoc ngoai"}, **HTMX))
    assert f'href="/en/thu-tuc/{PROCEDURE}/"' in results and name_en in results
    assert "Civil status" in results  # the field, translated from the index's Vietnamese
    vietnamese = page(client.get("/thu-tuc/", {"q": "ket hon nuoc ngoai"}, **HTMX))
    assert 'class="name-en"' not in vietnamese


@pytest.mark.django_db
def test_a_procedure_without_an_english_name_shows_the_vietnamese_one_only(client):
    html = page(client.get(f"/en/thu-tuc/{PROCEDURE}/"))
    assert "Đăng ký kết hôn có yếu tố nước ngoài" in html and 'class="name-en"' not in html


@pytest.mark.django_db
def test_english_pages_show_dates_as_dd_mm_yyyy(client, unit_path):
    html = page(client.get("/en" + unit_path))
    assert re.search(r"Resolution No\. 1656/NQ-UBTVQH15 of 16/06/2025", html)
    with translation.override("en"):
        assert formats.date_format(date(2025, 7, 1)) == "01/07/2025"
        assert formats.date_format(date(2025, 7, 1), "SHORT_DATE_FORMAT") == "01/07/2025"
        assert formats.time_format(time(14, 30)) == "14:30"


def test_english_amounts_and_processing_times_read_as_english():
    with translation.override("en"):
        assert Cost(amount_vnd=1_250_000).amount_text == "VND 1,250,000"
        assert "5 working days" in Procedure(processing_days=Decimal(5)).processing_text()
    assert Cost(amount_vnd=1_250_000).amount_text == "1.250.000 đồng"


@pytest.mark.django_db
def test_english_pages_are_not_served_from_the_vietnamese_cached_copy(client):
    path = f"/thu-tuc/{PROCEDURE}/"
    assert client.get(path)["X-Page-Cache"] == "miss"
    assert client.get(path)["X-Page-Cache"] == "hit"
    first = client.get("/en" + path)
    assert first["X-Page-Cache"] == "miss" and "Where to file" in page(first)
    again = client.get("/en" + path)
    assert again["X-Page-Cache"] == "hit" and "Where to file" in page(again)
    assert "Nộp ở đâu" in page(client.get(path))


@pytest.mark.django_db
def test_indexes_built_during_an_english_request_keep_vietnamese_links(client):
    """The in-memory indexes are shared by both languages' pages and the API."""
    address_index_reset()
    search_index_reset()
    english = page(client.get("/en/tra-cuu/", {"q": "quan hoa cau giay"}))
    page(client.get("/en/thu-tuc/", {"q": "ket hon"}))
    [match] = former_unit_resolve(query="quan hoa cau giay", limit=1)
    url = match.entry.successors[0].url
    assert url.startswith("/don-vi/ha-noi/")
    assert f'href="/en{url}"' in english and f'href="{url}"' not in english
    assert f'href="{url}"' in page(client.get("/tra-cuu/", {"q": "quan hoa cau giay"}))
    hit = procedure_search(query="ket hon", limit=1)[0]
    assert hit.url.startswith("/thu-tuc/") and hit.field_label == "Hộ tịch"


@pytest.mark.django_db
def test_a_subscription_from_an_english_page_is_confirmed_in_vietnamese(
    client, cau_giay, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/thong-bao/dang-ky/", {"email": "visitor@example.com", "don_vi": cau_giay.code}
        )
    assert "Please check your inbox." in page(response)
    [message] = mailoutbox
    assert "Xác nhận" in message.subject
    assert f"{settings.SITE_URL}/thong-bao/xac-nhan/" in message.body
    assert "/en/" not in message.body


@pytest.mark.django_db
def test_a_report_from_an_english_page_reaches_staff_in_vietnamese(
    client, cau_giay, cau_giay_editor, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/bao-sai/",
            {"don_vi": cau_giay.code, "what_is_wrong": "The phone number on this page is wrong."},
        )
    assert "Thank you" in page(response)
    [message] = mail.outbox
    assert "Người dân báo thông tin sai" in message.subject
    assert "/en/" not in message.body


# The catalogues: what runs is the .mo, what people edit is the .po.
CATALOGUES = sorted(
    path
    for folder in settings.LOCALE_PATHS
    for path in Path(folder).glob("*/LC_MESSAGES/django.po")
)


def test_the_project_has_an_english_catalogue():
    assert ROOT / "locale/en/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_each_compiled_catalogue_matches_its_po_file(po_path):
    """Fails when a .po was edited without compiling it (compilemessages, README "English")."""
    with po_path.with_suffix(".mo").open("rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)._catalog
    compiled.pop("", None)  # the header
    assert compiled == _translated_messages(po_path)


def _translated_messages(po_path: Path) -> dict:
    """msgid (or (msgid, n) for plural forms) → msgstr, as msgfmt compiles them: translated,
    not fuzzy, not obsolete, the header left out."""
    messages = {}
    for block in po_path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields: dict[str, str] = {}
        key = None
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith('"'):
                fields[key] += ast.literal_eval(line)
                continue
            key, _, value = line.partition(" ")
            fields[key] = ast.literal_eval(value)
        msgid = fields.get("msgid")
        if not msgid or "fuzzy" in flags:
            continue
        if "msgctxt" in fields:
            msgid = f"{fields['msgctxt']}\x04{msgid}"
        if "msgid_plural" in fields:
            forms = {k: v for k, v in fields.items() if k.startswith("msgstr[")}
            if all(forms.values()):
                for name, text in forms.items():
                    messages[(msgid, int(name[7:-1]))] = text
        elif fields.get("msgstr"):
            messages[msgid] = fields["msgstr"]
    return messages
