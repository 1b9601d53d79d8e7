import re

import pytest
from django.test import Client

from opendata.api.views import OpenDataThrottle

BASE = "/api/open/v1/"
PATH_VALUES = {"bin": "000000000000", "number": "none", "reference": "EQP000000001", "name": "none.csv"}


@pytest.mark.django_db
class OpenApiTests:
    def test_every_table_answers_anyone_without_authentication(self, published, client):
        for name in ("schools", "contingent", "findings", "orders", "queue", "contracts", "monthly", "payments"):
            response = client.get(f"{BASE}{name}/")
            assert response.status_code == 200, name
            assert response.json()["count"] > 0, name
        assert client.get(BASE).json()["publication"]["id"] == published["publication"].pk

    def test_a_figure_over_fewer_than_five_pupils_reads_under_five(self, published, client, school_b):
        payments = client.get(f"{BASE}payments/", {"school": school_b.bin}).json()["results"]
        assert [payment["amount"] for payment in payments] == ["<5"]
        contingent = client.get(f"{BASE}contingent/", {"school": school_b.bin}).json()["results"]
        assert {row["pupils"] for row in contingent} == {"<5"}

    def test_a_school_is_found_by_name_or_bin_and_shows_licence_contingent_and_findings(self, published, client, school_a):
        assert [s["bin"] for s in client.get(f"{BASE}schools/", {"q": school_a.bin}).json()["results"]] == [school_a.bin]
        assert school_a.bin in [s["bin"] for s in client.get(f"{BASE}schools/", {"q": "Мектеп А"}).json()["results"]]
        detail = client.get(f"{BASE}schools/{school_a.bin}/").json()
        # 2 pupils in basic read <5; the 5 in primary are withheld with them (x): 7 less 5 would tell the 2.
        assert {row["level"]: row["pupils"] for row in detail["contingent"]} == {"": 7, "primary": "x", "basic": "<5"}
        assert {row["code"]: row["count"] for row in detail["findings"]} == {"P03": "<5", "S04": 1}

    def test_bad_filters_are_a_clear_400(self, published, client):
        assert client.get(f"{BASE}payments/", {"school": "12"}).status_code == 400
        assert client.get(f"{BASE}ocds/releases/", {"since": "2025-13-01"}).status_code == 400
        assert client.get(f"{BASE}schools/000000000000/").status_code == 404

    def test_an_unknown_query_parameter_is_a_translated_400_naming_it_on_every_open_endpoint(self, published, client):
        schema = client.get(f"{BASE}schema/", {"format": "json"}).json()
        wrong, refused = [], []
        for path, item in schema["paths"].items():
            url = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m.group(1), "1"), path)
            for method, operation in item.items():
                if method != "get":
                    continue
                response = client.get(url, {"zz_no_such_parameter": "1"})
                error = response.json().get("error", {})
                if (response.status_code, error.get("code"), list(error.get("fields", {}))) != (
                        400, "unknown_parameter", ["zz_no_such_parameter"]):
                    wrong.append((url, response.status_code))
                for parameter in operation.get("parameters", []):
                    if parameter["in"] == "query":
                        answer = client.get(url, {parameter["name"]: "1"})
                        if answer.status_code == 400 and answer.json()["error"]["code"] == "unknown_parameter":
                            refused.append((url, parameter["name"]))
        assert not wrong and not refused
        assert len(schema["paths"]) >= 15
        message = client.get(f"{BASE}contracts/", {"shcool": "x"}, HTTP_ACCEPT_LANGUAGE="ru").json()["error"]["message"]
        assert "shcool" in message and "Unknown" not in message

    def test_documented_parameters_still_work(self, published, client, school_a):
        assert client.get(f"{BASE}contracts/", {"school": school_a.bin, "page": "1", "page_size": "10",
                                                "format": "json"}).json()["count"] == 1
        assert client.get(f"{BASE}ocds/releases/", {"since": "2020-01-01", "region": school_a.region_id,
                                                    "page_size": "5"}).status_code == 200
        assert client.get(f"{BASE}schools/", {"q": "Мектеп", "region": school_a.region_id}).status_code == 200

    def test_an_order_reads_its_title_in_the_language_of_the_request_with_all_three_given(self, published, client):
        from opendata.services import publication_refresh
        from orders.models import StateOrder
        from tests.opendata.conftest import AS_OF

        order = published["contracts"][0].order
        StateOrder.objects.filter(pk=order.pk).update(title="Мемлекеттік тапсырыс", title_ru="Госзаказ", title_en="State order")
        publication_refresh(trigger="command", as_of=AS_OF)
        titles = {lang: client.get(f"{BASE}orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE=lang).json()["title"]
                  for lang in ("kk", "ru", "en")}
        assert titles == {"kk": "Мемлекеттік тапсырыс", "ru": "Госзаказ", "en": "State order"}
        body = client.get(f"{BASE}orders/{order.pk}/").json()
        assert (body["title_kk"], body["title_ru"], body["title_en"]) == ("Мемлекеттік тапсырыс", "Госзаказ", "State order")
        for lang, title in titles.items():
            assert title in client.get(f"/{lang}/open/orders/{order.pk}/").content.decode()

    def test_answers_carry_etag_last_modified_and_cache_control_and_a_repeat_gets_304(self, published, client):
        response = client.get(f"{BASE}contracts/")
        assert response["Cache-Control"] == "public, max-age=300"
        assert response["ETag"].startswith(f'"{published["publication"].pk}-') and response["Last-Modified"]
        assert client.get(f"{BASE}contracts/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
        assert client.get(f"{BASE}contracts/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
        assert client.get(f"{BASE}contracts/", {"page": 1}, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200

    def test_the_queue_orders_both_ways_each_order_with_its_own_etag_and_an_unknown_term_is_a_400(self, published, client):
        ascending = client.get(f"{BASE}queue/", {"ordering": "submitted_at"})
        descending = client.get(f"{BASE}queue/", {"ordering": "-submitted_at"})
        ids = [item["id"] for item in ascending.json()["results"]]
        assert len(ids) > 1 and [item["id"] for item in descending.json()["results"]] == ids[::-1]
        assert ascending["ETag"] != descending["ETag"]
        assert client.get(f"{BASE}queue/", {"ordering": "-submitted_at"},
                          HTTP_IF_NONE_MATCH=ascending["ETag"]).status_code == 200  # not the other order's answer
        assert client.get(f"{BASE}queue/", {"ordering": "school"}).status_code == 400

    def test_an_answer_is_served_from_the_cache_until_the_next_publication_and_each_language_has_its_own(
            self, published, client, django_assert_num_queries):
        from opendata.models import PublicContract
        from opendata.services import publication_refresh
        from tests.opendata.conftest import AS_OF

        first = client.get(f"{BASE}contracts/", HTTP_ACCEPT_LANGUAGE="ru")
        with django_assert_num_queries(1):  # the latest publication; the answer comes from the cache
            again = client.get(f"{BASE}contracts/", HTTP_ACCEPT_LANGUAGE="ru")
        assert again.content == first.content and again["ETag"] == first["ETag"]
        assert "Accept-Language" in first["Vary"]
        assert client.get(f"{BASE}contracts/", HTTP_ACCEPT_LANGUAGE="en")["ETag"] != first["ETag"]
        assert client.get(f"{BASE}contracts/", {"shcool": "1"}).status_code == 400  # parameters are checked first
        number = published["contracts"][0].number
        PublicContract.objects.filter(number=number).update(places=999)  # not published: the cache still answers
        assert b'"places":999' not in client.get(f"{BASE}contracts/", HTTP_ACCEPT_LANGUAGE="ru").content
        publication_refresh(trigger="command", as_of=AS_OF)
        fresh = client.get(f"{BASE}contracts/", HTTP_ACCEPT_LANGUAGE="ru")
        assert fresh["ETag"] != first["ETag"] and fresh.json()["count"] == first.json()["count"]

    def test_a_new_publication_changes_the_etag(self, published, client):
        from opendata.services import publication_refresh
        from tests.opendata.conftest import AS_OF

        first = client.get(f"{BASE}contracts/")["ETag"]
        publication_refresh(trigger="command", as_of=AS_OF)
        assert client.get(f"{BASE}contracts/", HTTP_IF_NONE_MATCH=first).status_code == 200

    def test_each_client_address_is_rate_limited_with_429_and_retry_after(self, published, monkeypatch):
        monkeypatch.setattr(OpenDataThrottle, "THROTTLE_RATES", {"open_data": "3/minute"})
        for address in ("203.0.113.7", "203.0.113.8"):  # the history lives in the shared cache: start afresh
            OpenDataThrottle.cache.delete(OpenDataThrottle.cache_format % {"scope": "open_data", "ident": address})
        first, second = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="203.0.113.8")
        assert [first.get(f"{BASE}orders/").status_code for _ in range(3)] == [200, 200, 200]
        limited = first.get(f"{BASE}orders/")
        assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
        assert limited.json()["error"]["code"] == "throttled"
        assert second.get(f"{BASE}orders/").status_code == 200  # another address has its own allowance
        forged = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
        assert forged.get(f"{BASE}orders/").status_code == 429  # no proxy is trusted by default

    def test_the_open_api_has_its_own_openapi_schema_and_the_portal_schema_leaves_it_out(self, db, client):
        open_schema = client.get(f"{BASE}schema/", HTTP_ACCEPT="application/json").json()
        assert open_schema["info"]["title"] == "E-Qazyna open data API"
        assert open_schema["paths"] and all(path.startswith("/api/open/v1/") for path in open_schema["paths"])
        assert "/api/open/v1/ocds/releases/" in open_schema["paths"]
        from drf_spectacular.validation import validate_schema

        validate_schema(open_schema)  # a valid OpenAPI 3 document (raises otherwise)
        figure = open_schema["components"]["schemas"]["Contingent"]["properties"]["pupils"]
        assert figure["oneOf"][1]["enum"] == ["<5", "x"]
        portal_schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
        assert not [path for path in portal_schema["paths"] if path.startswith("/api/open/")]

    def test_the_ocds_release_package_is_paginated_and_filtered_by_date_and_region(self, published, client, school_b):
        page = client.get(f"{BASE}ocds/releases/", {"page_size": 2}).json()
        assert page["version"] == "1.1" and len(page["releases"]) == 2 and "next" in page["links"]
        almaty = client.get(f"{BASE}ocds/releases/", {"region": school_b.region_id}).json()["releases"]
        assert almaty and all(release["buyer"]["id"].startswith("KZ-KATO-75") for release in almaty)
        assert client.get(f"{BASE}ocds/releases/", {"since": "2090-01-01"}).json()["releases"] == []
        records = client.get(f"{BASE}ocds/records/").json()["records"]
        assert records and all(link["url"].startswith("http://testserver/api/open/v1/ocds/releases/")
                               for record in records for link in record["releases"])

    def test_bulk_files_are_listed_and_downloaded(self, published, client):
        files = client.get(f"{BASE}files/").json()
        assert {(f["table"], f["fmt"]) for f in files} >= {("contracts", "csv"), ("contracts", "xlsx"), ("contracts", "json")}
        response = client.get(f"{BASE}files/contracts.json")
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
        assert client.get(f"{BASE}files/pupils.csv").status_code == 404
        assert client.get(f"{BASE}files/contracts.exe").status_code == 404
