import pytest

from demo import procurement as demo
from demo.schools import seed_schools
from demo.users import DEMO_PASSWORD, seed_users
from procurement.choices import FlagCode, FlagStatus, UnitStatus
from procurement.models import DeliveryUnit, PenaltyClaim, ProcurementContract, ProcurementFlag
from procurement.selectors import line_lateness


@pytest.mark.django_db
class ProcurementDemoTests:
    def test_the_demo_tells_its_story_and_is_idempotent(self):
        schools = seed_schools()
        ctx = {"schools": schools, "logins": seed_users(school_bin=schools[0].bin), "password": DEMO_PASSWORD}
        demo.seed(ctx)

        astana = ProcurementContract.objects.get(number="71-ПЗ-001")
        laptops = astana.lines.get(school=schools[0], item_code=demo.LAPTOP[0])
        rejected = DeliveryUnit.objects.get(line=laptops, status=UnitStatus.REJECTED)
        assert rejected.replaced_by.status == UnitStatus.ACCEPTED  # re-delivered and accepted
        state = line_lateness(laptops)
        assert (state.late_units, state.unit_days) == (3, 39)
        assert PenaltyClaim.objects.get().amount == state.amount
        codes = set(ProcurementFlag.objects.filter(status=FlagStatus.OPEN).values_list("code", flat=True))
        assert codes == set(FlagCode.values) - {FlagCode.BULK_ACCEPTANCE}
        counts = (ProcurementContract.objects.count(), DeliveryUnit.objects.count(), ProcurementFlag.objects.count())
        demo.seed(ctx)
        assert (ProcurementContract.objects.count(), DeliveryUnit.objects.count(), ProcurementFlag.objects.count()) == counts
