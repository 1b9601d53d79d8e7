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


class UserNameTests:
    """Issue 12 item 5: people are named by full name and position, never by login."""

    def test_a_person_is_named_by_full_name_and_position_or_role_never_login(self):
        from django.utils import translation

        with translation.override("ru"):
            named = User(username="a.serikova", first_name="Айгүл", last_name="Серікова", position="директор", role="school")
            assert str(named) == "Айгүл Серікова, директор" == named.record_name
            no_position = User(username="e.zh", first_name="Ерлан", last_name="Жақсылықов", role="department")
            assert str(no_position) == "Ерлан Жақсылықов, Сотрудник управления образования"
            assert no_position.record_name == "Ерлан Жақсылықов"
            nameless = User(username="officer7", role="department")
            assert str(nameless) == "Сотрудник управления образования"
            assert nameless.record_name == "Басқарма қызметкері"  # stored in Kazakh, whatever the reader's language

    @pytest.mark.django_db
    def test_add_user_records_the_name_and_position(self):
        import io

        from django.core.management import call_command

        call_command("add_user", "dir", "--role", "operator", "--first-name", "Мадина", "--last-name", "Ержанова",
                     "--position", "қаржы операторы", stdout=io.StringIO())
        assert User.objects.get(username="dir").record_name == "Мадина Ержанова, қаржы операторы"
