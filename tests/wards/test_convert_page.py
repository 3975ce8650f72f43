import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.django_db
def test_lookup_page_without_a_query_shows_the_form(client):
    page = client.get(reverse("convert")).content.decode()
    assert "<h1>Tra cứu phường/xã mới</h1>" in page
    assert '<label for="id_q">' in page
    assert 'id="results"' in page


@pytest.mark.django_db
def test_lookup_page_works_as_a_plain_form(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = client.get(reverse("convert"), {"q": "quan hoa cau giay"})
    page = response.content.decode()
    assert "<html" in page
    assert "Phường Quan Hoa" in page
    assert 'href="/don-vi/ha-noi/phuong-nghia-do/"' in page
    assert "mặc định" in page
    assert "tuỳ theo đường phố, thôn" in page
    assert 'value="quan hoa cau giay"' in page


@pytest.mark.django_db
def test_lookup_page_answers_htmx_with_the_results_fragment(client):
    response = client.get(reverse("convert"), {"q": "Phúc Xá, Ba Đình"}, **HTMX)
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<div id="results"')
    assert "Nay thuộc" in fragment and "Phường Hồng Hà" in fragment
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_lookup_page_says_when_nothing_is_found_and_what_to_try(client):
    page = client.get(reverse("convert"), {"q": "zzzz qqqq"}).content.decode()
    assert "Không tìm thấy" in page
    assert "mã 5 số" in page


@pytest.mark.django_db
def test_lookup_page_too_long_shows_the_error_beside_the_field_and_keeps_the_text(client):
    typed = "Quan Hoa " * 30
    response = client.get(reverse("convert"), {"q": typed})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="q-error"' in page
    assert 'aria-invalid="true"' in page
    assert "Quan Hoa Quan Hoa" in page


@pytest.mark.django_db
def test_lookup_page_too_long_over_htmx_shows_the_error_in_the_fragment(client):
    fragment = client.get(reverse("convert"), {"q": "x" * 300}, **HTMX).content.decode()
    assert 'role="alert"' in fragment


@pytest.mark.django_db
def test_convert_address_command_prints_the_answer(capsys):
    call_command("convert_address", "P. Quan Hoa, Q. Cầu Giấy", "--limit", "1")
    out = capsys.readouterr().out
    assert "Phường Quan Hoa, Quận Cầu Giấy, Thành phố Hà Nội" in out
    assert "→ Phường Nghĩa Đô, Thành phố Hà Nội (mặc định)" in out


@pytest.mark.django_db
def test_convert_address_command_prints_the_api_json(capsys):
    call_command("convert_address", "00001", "--json")
    assert '"name": "Phường Hồng Hà"' in capsys.readouterr().out


@pytest.mark.django_db
def test_convert_address_command_refuses_bad_input():
    with pytest.raises(CommandError, match="200"):
        call_command("convert_address", "x" * 201)
