"""The OCDS 1.1.5 schema files kept in the repository (``standard/schema``), read without network.

``standard_zip()`` packs them the way the standard's repository archive is laid out, which is what
the OCDS review library (libcoveocds, ``standard_zip`` setting) reads instead of downloading.
"""

from __future__ import annotations

import functools
import io
import json
import zipfile
from pathlib import Path

VERSION = "1.1"
TAG = "1__1__5"
SCHEMA_DIR = Path(__file__).resolve().parent / "standard" / "schema"


@functools.cache
def release_schema() -> dict:
    return json.loads((SCHEMA_DIR / "release-schema.json").read_text(encoding="utf-8"))


@functools.cache
def standard_zip() -> bytes:
    """The schema files as the archive of the standard's repository at ``TAG`` (``standard-<tag>/schema/…``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"standard-{TAG}/", "")
        for path in sorted(SCHEMA_DIR.rglob("*")):
            if path.is_file():
                archive.write(path, f"standard-{TAG}/schema/{path.relative_to(SCHEMA_DIR)}")
    return buffer.getvalue()
