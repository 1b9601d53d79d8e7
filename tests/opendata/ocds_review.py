"""The OCDS review library (libcoveocds) run on the kept OCDS 1.1.5 schema, with no network access.

libcoveocds reads the standard's schema from ``standard_zip`` (``opendata.ocds.schema.standard_zip``).
For record packages it also dereferences the versioned-release schema by its URL through jsonref;
``offline_schema_urls`` answers those URLs from the kept files and refuses any other request.
"""

from __future__ import annotations

import contextlib
import json
from unittest import mock
from urllib.parse import urlsplit

from libcoveocds.api import ocds_json_output
from libcoveocds.config import LibCoveOCDSConfig

from opendata.ocds.schema import SCHEMA_DIR, TAG


class _Answer:
    def __init__(self, path):
        self._path = path

    def raise_for_status(self):
        return None

    def json(self, **kwargs):
        return json.loads(self._path.read_text(encoding="utf-8"), **kwargs)


def _get(uri, *args, **kwargs):
    parts = urlsplit(uri)
    prefix = f"/schema/{TAG}/"
    if parts.netloc != "standard.open-contracting.org" or not parts.path.startswith(prefix):
        raise AssertionError(f"the OCDS review tried to reach {uri}")
    return _Answer(SCHEMA_DIR / parts.path[len(prefix):])


@contextlib.contextmanager
def offline_schema_urls():
    with mock.patch("jsonref.requests") as requests:
        requests.get.side_effect = _get
        yield


def review(package: dict, *, records: bool = False) -> dict:
    """libcoveocds' results for ``package`` (a release package, or a record package with ``records``)."""
    from opendata.ocds.schema import standard_zip

    config = LibCoveOCDSConfig({"context": "api", "standard_zip": standard_zip()})
    with offline_schema_urls():
        return ocds_json_output(json_data=json.loads(json.dumps(package)), lib_cove_ocds_config=config, record_pkg=records)
