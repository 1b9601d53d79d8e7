import pytest


@pytest.fixture(autouse=True)
def _cms_mode(cms_mode):
    """Every signature test runs in cms mode against the test PKI (tests/signatures/fixtures.py)."""
    return cms_mode
