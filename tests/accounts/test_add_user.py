import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User


@pytest.mark.django_db
class AddUserCommandTests:
    def test_creates_a_department_user_bound_to_its_region(self):
        call_command("add_user", "officer", "--role", "department", "--region", "71", "--password-stdin",
                     stdin=io.StringIO("s3cret-pass\n"), stdout=io.StringIO())
        user = User.objects.get(username="officer")
        assert (user.role, user.region_id, user.school_id) == ("department", "71", None)
        assert user.check_password("s3cret-pass")

    def test_creates_a_school_user_bound_to_its_school(self, school_a):
        call_command("add_user", "acc", "--role", "school", "--school", school_a.bin, stdout=io.StringIO())
        assert User.objects.get(username="acc").school == school_a

    def test_updates_an_existing_user_without_touching_the_password(self, school_a):
        call_command("add_user", "same", "--role", "operator", "--password-stdin", stdin=io.StringIO("first-pass-1\n"),
                     stdout=io.StringIO())
        call_command("add_user", "same", "--role", "monitor", stdout=io.StringIO())
        user = User.objects.get(username="same")
        assert user.role == "monitor"
        assert user.check_password("first-pass-1")

    def test_prints_a_generated_password_for_a_new_user_without_stdin(self):
        out = io.StringIO()
        call_command("add_user", "gen", "--role", "operator", stdout=out)
        password = out.getvalue().split("password: ")[1].strip()
        assert User.objects.get(username="gen").check_password(password)

    @pytest.mark.parametrize(
        "args, message",
        [
            (["--role", "department"], "region"),
            (["--role", "department", "--region", "99"], "99"),
            (["--role", "school"], "school"),
            (["--role", "school", "--school", "180340001013"], "180340001013"),
            (["--role", "operator", "--region", "71"], "region"),
        ],
    )
    def test_bad_input_fails_with_a_message_and_changes_nothing(self, args, message):
        from django.utils import translation

        with translation.override("en"), pytest.raises(CommandError, match=message):
            call_command("add_user", "broken", *args, stdout=io.StringIO())
        assert not User.objects.filter(username="broken").exists()

    def test_admin_role_gets_django_admin_rights(self):
        call_command("add_user", "root", "--role", "admin", stdout=io.StringIO())
        user = User.objects.get(username="root")
        assert user.is_staff and user.is_superuser

    def test_add_user_runs_as_a_real_command_and_exits_non_zero_on_bad_input(self):
        import subprocess
        import sys

        from django.conf import settings

        result = subprocess.run(
            [sys.executable, "manage.py", "add_user", "x", "--role", "wizard"],
            cwd=settings.BASE_DIR, capture_output=True, text=True,
        )
        assert result.returncode != 0
        assert "wizard" in result.stderr


@pytest.mark.django_db
class PasswordStrengthTests:
    """Defect 4 of issue 11: ``add_user --password-stdin`` accepted ``123``."""

    @pytest.mark.parametrize("password", ["123", "12345678901", "password", "qwertyuiop", "officer1"])
    def test_a_weak_password_is_refused_with_the_validators_reasons_and_nothing_is_saved(self, password):
        from django.utils import translation

        with translation.override("en"), pytest.raises(CommandError) as error:
            call_command("add_user", "officer1", "--role", "operator", "--password-stdin", stdin=io.StringIO(f"{password}\n"),
                         stdout=io.StringIO())
        assert "password" in str(error.value).lower()
        assert not User.objects.filter(username="officer1").exists()

    def test_a_weak_password_does_not_replace_a_good_one(self):
        call_command("add_user", "keeper", "--role", "operator", "--password-stdin", stdin=io.StringIO("Good-pass-2025\n"),
                     stdout=io.StringIO())
        with pytest.raises(CommandError):
            call_command("add_user", "keeper", "--role", "operator", "--password-stdin", stdin=io.StringIO("123\n"),
                         stdout=io.StringIO())
        assert User.objects.get(username="keeper").check_password("Good-pass-2025")


@pytest.mark.django_db
class SigningIdentityOptionsTests:
    """add_user --iin records a person's IIN; --org-bin the BIN of a department user's department (CONTRACT)."""

    def test_records_the_users_iin(self, school_a):
        from tests.factories import next_iin

        iin = next_iin()
        call_command("add_user", "signer", "--role", "school", "--school", school_a.bin, "--iin", iin, stdout=io.StringIO())
        assert User.objects.get(username="signer").iin == iin

    def test_an_update_without_iin_keeps_it(self, school_a):
        from tests.factories import next_iin

        iin = next_iin()
        call_command("add_user", "keep", "--role", "school", "--school", school_a.bin, "--iin", iin, stdout=io.StringIO())
        call_command("add_user", "keep", "--role", "school", "--school", school_a.bin, stdout=io.StringIO())
        assert User.objects.get(username="keep").iin == iin

    def test_the_org_bin_is_shared_by_every_user_of_the_regions_department(self):
        from accounts.models import Department
        from tests.factories import next_bin

        bin_ = next_bin(year=98, month=3)
        call_command("add_user", "officer1", "--role", "department", "--region", "71", "--org-bin", bin_, stdout=io.StringIO())
        call_command("add_user", "officer2", "--role", "department", "--region", "71", stdout=io.StringIO())
        assert Department.objects.get(region_id="71").bin == bin_
        from signatures.identity import expected_identity

        assert expected_identity(User.objects.get(username="officer2")).bin == bin_

    @pytest.mark.parametrize(
        "args, message",
        [
            (["--role", "operator", "--iin", "123456789012"], "check digit"),
            (["--role", "operator", "--iin", "12345"], "12 digits"),
            (["--role", "operator", "--org-bin", "150640000010"], "department"),
            (["--role", "department", "--region", "71", "--org-bin", "999999999999"], "999999999999"),
        ],
    )
    def test_bad_identity_input_fails_with_a_message_and_changes_nothing(self, args, message):
        from django.utils import translation

        from accounts.models import Department

        with translation.override("en"), pytest.raises(CommandError, match=message):
            call_command("add_user", "broken", *args, stdout=io.StringIO())
        assert not User.objects.filter(username="broken").exists()
        assert not Department.objects.exists()
