import pytest
from django.db import IntegrityError, transaction

from accounts.models import User


@pytest.mark.django_db
class UserRoleBindingTests:
    def test_database_refuses_a_department_user_without_region(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(username="d", role="department")

    def test_database_refuses_a_school_user_without_school(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(username="s", role="school")

    def test_database_refuses_an_operator_bound_to_a_region(self, region_astana):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(username="o", role="operator", region=region_astana)

    def test_createsuperuser_makes_an_admin(self):
        user = User.objects.create_superuser("boss", "boss@example.kz", "pw-123456")
        assert user.role == "admin"
