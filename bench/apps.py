from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The national-scale benchmarks (``bench``, ``bench_acts``; ``make bench``)."""

    name = "bench"
    verbose_name = "Benchmarks"  # no models: never shown to users
