from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo (``seed_demo``) and its builders: realistic data made through the real services."""

    name = "demo"
    verbose_name = "Demo"  # no models: never shown to users
