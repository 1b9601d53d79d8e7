"""The NCALayer signing widget in Chromium, against a fake NCALayer that signs with the test PKI."""

from __future__ import annotations

import socket

import pytest

from signatures.testing.fake_ncalayer import FakeNCALayer
from tests.browser.conftest import login
from tests.factories import next_bin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("cms_mode")]


@pytest.fixture
def ncalayer(settings):
    fake = FakeNCALayer().start()
    settings.SIGNATURE_NCALAYER_URL = fake.url
    yield fake
    fake.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sign_on_check_page(page, live_server, user):
    login(page, live_server, user.username, lang="en")
    page.goto(f"{live_server.url}/en/signatures/check/")
    page.click("[data-testid=signing-start]")
    page.wait_for_function("() => ['success', 'danger', 'warning', 'secondary'].includes("
                           "document.querySelector('[data-signing]').dataset.state) || "
                           "document.querySelector('[data-signing]').dataset.state === 'ncalayer-missing'")
    return page.locator("[data-signing]")


class SigningWidgetBrowserTests:
    def test_the_page_signs_through_ncalayer_and_shows_the_certificates_owner(self, page, live_server, screenshot, pki,
                                                                              ncalayer, school_signer):
        ncalayer.signer = pki.issue_signer(iin=school_signer.iin, bin=school_signer.school.bin)
        widget = sign_on_check_page(page, live_server, school_signer)
        screenshot("accepted")
        assert widget.get_attribute("data-state") == "success", page.locator("[data-testid=signing-status]").inner_text()
        owner = page.locator("[data-testid=signing-owner]")
        assert owner.is_visible()
        assert "ЖАНЫБЕКОВА АСЕЛЬ" in owner.inner_text()
        assert school_signer.iin in owner.inner_text() and school_signer.school.bin in owner.inner_text()
        request = next(r for r in ncalayer.requests if r.get("module") == "kz.gov.pki.knca.basics")
        assert request["args"]["format"] == "cms" and request["args"]["signingParams"]["encapsulate"] is True
        assert request["args"]["locale"] == "en"

    def test_a_certificate_of_another_organisation_is_shown_with_the_refusal(self, page, live_server, pki, ncalayer,
                                                                             school_signer):
        ncalayer.signer = pki.issue_signer(iin=school_signer.iin, bin=next_bin())
        widget = sign_on_check_page(page, live_server, school_signer)
        assert widget.get_attribute("data-state") == "danger"
        assert widget.get_attribute("data-refusal") == "wrong_bin"
        assert school_signer.school.bin in page.locator("[data-testid=signing-status]").inner_text()
        assert "ЖАНЫБЕКОВА АСЕЛЬ" in page.locator("[data-testid=signing-owner]").inner_text()

    def test_when_ncalayer_is_not_running_the_page_says_how_to_start_it(self, page, live_server, settings, school_signer):
        settings.SIGNATURE_NCALAYER_URL = f"ws://127.0.0.1:{free_port()}"
        widget = sign_on_check_page(page, live_server, school_signer)
        assert widget.get_attribute("data-state") == "ncalayer-missing"
        status = page.locator("[data-testid=signing-status]").inner_text()
        assert "NCALayer is not running" in status and "pki.gov.kz" in status


class SignedActSubmissionBrowserTests:
    def test_the_school_signs_and_submits_its_act_through_ncalayer(self, page, live_server, screenshot, pki, ncalayer,
                                                                   school_signer):
        from django.urls import reverse
        from django.utils import translation

        from acts.choices import ActStatus
        from acts.models import Act
        from acts.services import act_build
        from signatures.models import Signature
        from tests.acts.conftest import OCTOBER, TODAY
        from tests.acts.factories import make_contract, make_enrolment, make_iban

        school = school_signer.school
        school.iban = make_iban()
        school.save(update_fields=["iban"])
        for grade in (1, 2):
            make_enrolment(school=school, grade=grade)
        act = act_build(contract=make_contract(school=school), month=OCTOBER, actor=school_signer, today=TODAY)
        ncalayer.signer = pki.issue_signer(iin=school_signer.iin, bin=school.bin)

        login(page, live_server, school_signer.username, lang="en")
        with translation.override("en"):
            page.goto(live_server.url + reverse("acts:detail", args=[act.pk]))
        widget = page.locator("[data-testid=act-submit-signing] [data-signing]")
        assert page.locator("[data-testid=act-submit]").count() == 0, "cms mode: no confirmation button"
        widget.locator("[data-testid=signing-start]").click()
        page.wait_for_function("() => document.querySelector('[data-testid=act-submit-signing] [data-signing]').dataset.state "
                               "=== 'success' || document.querySelector('[data-testid=act-submit-signing] "
                               "[data-signing]').dataset.state === 'danger'")
        assert widget.get_attribute("data-state") == "success", widget.locator("[data-testid=signing-status]").inner_text()
        assert "ЖАНЫБЕКОВА АСЕЛЬ" in widget.locator("[data-testid=signing-owner]").inner_text()
        screenshot("act-submit-signed")
        with page.expect_navigation():
            widget.locator("[data-testid=signing-confirm]").click()
        act.refresh_from_db()
        assert act.status == ActStatus.SUBMITTED
        signature = Signature.objects.get(object_id=str(act.pk), action="submit")
        assert (signature.cert_bin, signature.to_status) == (school.bin, "submitted")
        assert Act.objects.get(pk=act.pk).submissions.count() == 1
