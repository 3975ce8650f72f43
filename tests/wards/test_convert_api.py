import pytest
from django.urls import reverse

URL = "/api/v1/convert"


@pytest.mark.django_db
def test_api_answers_with_the_documented_shape(client):
    response = client.get(URL, {"q": "Phường Phúc Xá, Quận Ba Đình, Hà Nội"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["query"] == "Phường Phúc Xá, Quận Ba Đình, Hà Nội"
    assert body["results"][0] == {
        "old": {
            "code": "00001",
            "name": "Phường Phúc Xá",
            "district": "Quận Ba Đình",
            "province": "Thành phố Hà Nội",
        },
        "divided": False,
        "new": [
            {
                "code": "00097",
                "name": "Phường Hồng Hà",
                "province": "Thành phố Hà Nội",
                "is_default": True,
                "url": "/don-vi/ha-noi/phuong-hong-ha/",
            }
        ],
    }
    assert reverse("api:convert") == URL


@pytest.mark.django_db
def test_api_names_are_utf8_with_diacritics_not_escaped(client):
    raw = client.get(URL, {"q": "quan hoa"}).content.decode()
    assert "Phường Quan Hoa" in raw


@pytest.mark.django_db
def test_api_marks_a_divided_unit_and_its_default(client):
    result = client.get(URL, {"q": "Quan Hoa, Cầu Giấy"}).json()["results"][0]
    assert result["divided"] is True
    assert [(n["name"], n["is_default"]) for n in result["new"]] == [
        ("Phường Nghĩa Đô", True),
        ("Phường Cầu Giấy", False),
    ]


@pytest.mark.django_db
def test_api_returns_at_most_10_by_default_and_up_to_50_on_request(client):
    assert len(client.get(URL, {"q": "Tân Lập"}).json()["results"]) == 10
    assert len(client.get(URL, {"q": "Tân Lập", "limit": 15}).json()["results"]) == 15
    assert len(client.get(URL, {"q": "Huyện Ba Vì", "limit": 50}).json()["results"]) <= 50


@pytest.mark.django_db
def test_api_nothing_found_is_an_empty_list(client):
    assert client.get(URL, {"q": "zzzz qqqq"}).json() == {"query": "zzzz qqqq", "results": []}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "   "},
        {"q": "x" * 201},
        {"q": "Quan Hoa", "limit": "abc"},
        {"q": "Quan Hoa", "limit": "0"},
        {"q": "Quan Hoa", "limit": "51"},
        {"q": "Quan Hoa", "limit": "1e9"},
        {"q": "\x00"},
    ],
)
def test_api_bad_input_is_400_with_a_vietnamese_error(client, params):
    response = client.get(URL, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error and error[0].isupper()


@pytest.mark.django_db
def test_api_missing_q_says_what_is_missing(client):
    assert "tham số q" in client.get(URL).json()["error"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q",
    [
        "x" * 200,
        "'; DROP TABLE wards_unit; --",
        "%",
        "🙂🙂",
        "P.",
        ", , ,",
        "- - -",
        "0" * 5,
        "(",
        "\\",
    ],
)
def test_api_odd_but_valid_input_never_fails(client, q):
    assert client.get(URL, {"q": q}).status_code == 200


@pytest.mark.django_db
def test_api_refuses_post_without_a_server_error(client):
    assert client.post(URL, {"q": "Quan Hoa"}).status_code == 405


@pytest.mark.django_db
def test_api_answers_from_memory_without_database_queries(client, django_assert_num_queries):
    client.get(URL, {"q": "Quan Hoa"})  # the first lookup may build the index
    with django_assert_num_queries(0):
        client.get(URL, {"q": "P. Phúc Xá, Q. Ba Đình"})


@pytest.mark.django_db
def test_a_kept_answer_is_made_again_when_the_index_is_rebuilt(client):
    from django.utils import timezone

    from wards.models import DataSource, Unit
    from wards.resolver_index import address_index_reset

    question = {"q": "Phường Phúc Xá, Quận Ba Đình, Hà Nội"}
    assert client.get(URL, question).json()["results"][0]["new"][0]["name"] == "Phường Hồng Hà"
    # What an import does: the data changes and its source is stamped anew.
    Unit.objects.filter(code="00097").update(name="Hồng Hà Mới")
    DataSource.objects.update(imported_at=timezone.now())
    address_index_reset()
    assert client.get(URL, question).json()["results"][0]["new"][0]["name"] == (
        "Phường Hồng Hà Mới"
    )
    address_index_reset()
