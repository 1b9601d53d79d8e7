import os
import re
import subprocess
import sys

from django.conf import settings

BASE = settings.BASE_DIR


def run_manage(*args, env_extra: dict, drop=()):
    drop = {*drop, "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_extra)
    env["DJANGO_SETTINGS_MODULE"] = "eqazyna.settings"
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE, env=env, capture_output=True, text=True)


class ProductionSettingsTests:
    def test_production_refuses_to_start_without_secret_key(self):
        result = run_manage("check", env_extra={"EQAZYNA_ENV": "production", "ALLOWED_HOSTS": "e-qazyna.kz"},
                            drop=("SECRET_KEY",))
        assert result.returncode != 0
        assert "SECRET_KEY must be set" in result.stderr

    def test_production_refuses_to_start_without_allowed_hosts(self):
        result = run_manage("check", env_extra={"EQAZYNA_ENV": "production", "SECRET_KEY": "x" * 60},
                            drop=("ALLOWED_HOSTS",))
        assert result.returncode != 0
        assert "ALLOWED_HOSTS must be set" in result.stderr

    def test_production_passes_check_deploy_with_zero_warnings(self):
        result = run_manage(
            "check", "--deploy", "--fail-level", "WARNING",
            env_extra={
                "EQAZYNA_ENV": "production",
                "SECRET_KEY": "k3y-" + "a1B2c3D4e5F6g7H8i9J0" * 3,
                "ALLOWED_HOSTS": "e-qazyna.kz",
                "SIGNATURE_MODE": "cms",
            },
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "System check identified no issues (0 silenced)." in result.stdout

    PRODUCTION = {"EQAZYNA_ENV": "production", "SECRET_KEY": "k3y-" + "a1B2c3D4e5F6g7H8i9J0" * 3, "ALLOWED_HOSTS": "e-qazyna.kz"}

    def test_production_refuses_to_start_in_confirm_mode(self):
        result = run_manage("check", env_extra={**self.PRODUCTION, "SIGNATURE_MODE": "confirm"},
                            drop=("SIGNATURE_ALLOW_CONFIRM_IN_PRODUCTION",))
        assert result.returncode != 0
        assert "SIGNATURE_MODE=confirm is not a legal signature" in result.stderr

    def test_production_refuses_confirm_mode_by_default(self):
        result = run_manage("check", env_extra=self.PRODUCTION, drop=("SIGNATURE_MODE", "SIGNATURE_ALLOW_CONFIRM_IN_PRODUCTION"))
        assert result.returncode != 0 and "SIGNATURE_MODE=confirm" in result.stderr

    def test_production_runs_confirm_mode_only_when_explicitly_allowed(self):
        result = run_manage("check", env_extra={**self.PRODUCTION, "SIGNATURE_MODE": "confirm",
                                                "SIGNATURE_ALLOW_CONFIRM_IN_PRODUCTION": "true"})
        assert result.returncode == 0, result.stderr

    def test_development_runs_in_confirm_mode(self):
        result = run_manage("check", env_extra={"SIGNATURE_MODE": "confirm"}, drop=("EQAZYNA_ENV",))
        assert result.returncode == 0, result.stderr

    def test_unknown_signature_settings_are_refused(self):
        for name, value in (("SIGNATURE_MODE", "trust-me"), ("SIGNATURE_REVOCATION", "sometimes")):
            result = run_manage("check", env_extra={name: value}, drop=("EQAZYNA_ENV",))
            assert result.returncode != 0 and name in result.stderr

    def test_time_zone_is_almaty_and_kazakh_is_the_default_language(self):
        assert settings.TIME_ZONE == "Asia/Almaty"
        assert settings.LANGUAGE_CODE == "kk"
        assert [code for code, _ in settings.LANGUAGES] == ["kk", "ru", "en"]

    def test_env_example_lists_every_variable_the_settings_read(self):
        source = (BASE / "eqazyna" / "settings.py").read_text() + (BASE / "eqazyna" / "settings_test.py").read_text()
        names = set(re.findall(r'env(?:_bool|_list)?\("([A-Z_]+)"', source))
        names |= {"DATABASE_URL", "REDIS_URL", "EQAZYNA_DATA_DIR"}
        example = (BASE / ".env.example").read_text()
        missing = sorted(name for name in names if not re.search(rf"^#?\s*{name}=", example, re.M))
        assert missing == []


class CeleryConfigurationTests:
    def test_tasks_are_acknowledged_late_and_requeued_when_a_worker_dies(self):
        from eqazyna.celery import app

        assert app.conf.task_acks_late is True
        assert app.conf.task_reject_on_worker_lost is True
        assert app.conf.worker_prefetch_multiplier == 1
        assert app.conf.timezone == "Asia/Almaty"
        assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"


class ComposeFileTests:
    def test_compose_has_the_services_images_commands_and_env_it_needs(self):
        import yaml

        compose = yaml.safe_load((BASE / "docker-compose.yml").read_text())
        services = compose["services"]
        assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
        assert services["postgres"]["image"] == "postgres:16"
        assert services["redis"]["image"] == "redis:7"
        assert "noeviction" in services["redis"]["command"]
        assert services["web"]["command"][0] == "gunicorn"
        assert services["worker"]["command"][:4] == ["celery", "-A", "eqazyna", "worker"]
        assert services["beat"]["command"][:4] == ["celery", "-A", "eqazyna", "beat"]
        assert services["beat"]["deploy"]["replicas"] == 1
        for name in ("postgres", "redis", "web", "worker", "beat"):
            assert "healthcheck" in services[name], name
        for name in ("web", "worker", "beat", "migrate"):
            service = services[name]
            assert service["env_file"] == ".env"
            assert service["environment"]["EQAZYNA_ENV"] == "production"
            assert service["environment"]["DATABASE_URL"].startswith("postgres://")
            assert service["environment"]["REDIS_URL"].startswith("redis://redis:6379")
        assert (BASE / "Dockerfile").exists()
