import pytest
from django.utils import timezone

from opendata.models import OcdsRecord, OcdsRelease
from opendata.ocds.releases import package_metadata, record_of, releases_refresh
from opendata.services import publication_refresh
from orders.models import Contract
from tests.opendata.conftest import AS_OF
from tests.opendata.ocds_review import review


def _release_package():
    return {**package_metadata(uri="https://e-qazyna.example/api/open/v1/ocds/releases/", published=timezone.now()),
            "releases": [release.data for release in OcdsRelease.objects.order_by("date", "id")]}


def _record_package():
    def url(pk, release_id):
        return f"https://e-qazyna.example/api/open/v1/ocds/releases/{pk}/#{release_id}"

    return {**package_metadata(uri="https://e-qazyna.example/api/open/v1/ocds/records/", published=timezone.now()),
            "records": [record_of(record, url) for record in OcdsRecord.objects.order_by("ocid")]}


@pytest.mark.django_db
class OcdsTests:
    def test_the_release_package_passes_the_ocds_review_without_errors_or_extra_fields(self, published):
        result = review(_release_package())
        assert result["validation_errors"] == []
        # The only fields outside the schema's properties are the Kazakh names and titles (OCDS language variants).
        assert {field["field"] for field in result["additional_fields"]} == {"name_kk", "title_kk"}
        assert result["additional_closed_codelist_values"] == {}
        assert result["version_used"] == "1.1"

    def test_the_record_package_passes_the_ocds_review(self, published):
        result = review(_record_package(), records=True)
        assert result["validation_errors"] == []
        assert {field["field"] for field in result["additional_fields"]} == {"name_kk", "title_kk"}

    def test_the_review_would_catch_a_broken_release(self, published):
        package = _release_package()
        del package["releases"][0]["initiationType"]
        package["releases"][1]["tag"] = ["nonsense"]
        result = review(package)
        assert {error["field"] if "field" in error else error["path"] for error in result["validation_errors"]}

    def test_ocids_carry_the_prefix_of_the_setting(self, portal_data, settings):
        settings.OCDS_OCID_PREFIX = "ocds-kz0001"
        publication_refresh(trigger="command", as_of=AS_OF)
        assert OcdsRelease.objects.exists()
        assert all(ocid.startswith("ocds-kz0001-") for ocid in OcdsRelease.objects.values_list("ocid", flat=True))

    def test_the_process_maps_order_to_tender_approved_applications_to_awards_and_payments_to_transactions(self, published):
        contract_a, _contract_b, _contract_c = published["contracts"]
        payment_a, _payment_b, _payment_c = published["payments"]
        record = OcdsRecord.objects.get(ocid__endswith=f"-{contract_a.order_id}")
        compiled = record.data
        assert compiled["tender"]["value"] == {"amount": 900000000, "currency": "KZT"}
        assert [award["id"] for award in compiled["awards"]] == [str(contract_a.application_id)]
        contract = compiled["contracts"][0]
        assert (contract["id"], contract["awardID"], contract["status"]) == (str(contract_a.pk), str(contract_a.application_id),
                                                                           "active")
        transactions = contract["implementation"]["transactions"]
        assert transactions == [{"id": payment_a.reference, "date": transactions[0]["date"],
                                 "value": {"amount": float(payment_a.amount), "currency": "KZT"},
                                 "payer": transactions[0]["payer"], "payee": {"id": f"KZ-BIN-{contract_a.school.bin}",
                                                                              "name": contract_a.school.name_ru}}]
        small = OcdsRecord.objects.get(ocid__endswith=f"-{published['contracts'][1].order_id}").data
        assert "value" not in small["contracts"][0]["implementation"]["transactions"][0]  # fewer than 5 pupils

    def test_nothing_new_is_released_twice_and_a_change_is_released_as_an_update(self, published):
        before = OcdsRelease.objects.count()
        assert releases_refresh() == 0
        contract = published["contracts"][0]
        Contract.objects.filter(pk=contract.pk).update(status="terminated")
        publication_refresh(trigger="command", as_of=AS_OF)
        added = OcdsRelease.objects.exclude(pk__in=list(OcdsRelease.objects.order_by("id").values_list("id", flat=True)[:before]))
        assert [(r.subject, r.data["tag"]) for r in added] == [(f"contract-{contract.pk}", ["contractUpdate"])]
        record = OcdsRecord.objects.get(ocid=added[0].ocid)
        assert record.data["contracts"][0]["status"] == "terminated"
        assert review(_release_package())["validation_errors"] == []
