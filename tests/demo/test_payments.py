import io

import pytest
from django.core.management import call_command

from acts.choices import ActStatus
from acts.models import Act, ActSubmission
from payments.choices import PaymentStatus, RecoveryStatus
from payments.models import FinalReport, Payment, Recovery


@pytest.mark.django_db
class DemoTests:
    def test_the_demo_has_acts_and_payments_in_every_state_and_is_idempotent(self):
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        assert set(Act.objects.values_list("status", flat=True)) == set(ActStatus.values)
        assert set(Payment.objects.values_list("status", flat=True)) == set(PaymentStatus.values)
        assert set(Recovery.objects.values_list("status", flat=True)) == set(RecoveryStatus.values)
        assert ActSubmission.objects.filter(version=2).exists()
        assert FinalReport.objects.exists()
        assert "school_zerde" in out.getvalue()
        counts = (Act.objects.count(), Payment.objects.count(), Recovery.objects.count())
        call_command("seed_demo", stdout=io.StringIO())
        assert (Act.objects.count(), Payment.objects.count(), Recovery.objects.count()) == counts
        # Every payment adds up: amount = accepted − offset; no act has two live payments.
        for payment in Payment.objects.all():
            assert payment.amount == payment.accepted_amount - payment.offset_amount
