"""Register files an operator uploaded, kept on the server between the preview and the confirmation.

The file is stored under ``REGISTER_UPLOAD_DIR`` with a random name; the session of the operator who
uploaded it holds the name, the register and the SHA-256. Confirming re-reads the very same bytes
(checked against the SHA-256) and validates them again before anything is saved.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

SESSION_KEY = "register_uploads"
TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
MAX_AGE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class StoredUpload:
    token: str
    kind: str
    name: str
    sha256: str

    @property
    def path(self) -> Path:
        return Path(settings.REGISTER_UPLOAD_DIR) / f"{self.token}.upload"

    def read(self) -> bytes | None:
        """The stored bytes, or None if the file is gone or is not what was previewed."""
        try:
            content = self.path.read_bytes()
        except FileNotFoundError:
            return None
        return content if hashlib.sha256(content).hexdigest() == self.sha256 else None


def _purge_old(directory: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in directory.glob("*.upload"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass


def store_upload(request, *, kind: str, upload) -> StoredUpload:
    directory = Path(settings.REGISTER_UPLOAD_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    _purge_old(directory)
    content = b"".join(upload.chunks())
    stored = StoredUpload(token=secrets.token_hex(16), kind=kind, name=Path(upload.name).name[:200],
                          sha256=hashlib.sha256(content).hexdigest())
    stored.path.write_bytes(content)
    uploads = request.session.get(SESSION_KEY, {})
    uploads[stored.token] = {"kind": kind, "name": stored.name, "sha256": stored.sha256}
    request.session[SESSION_KEY] = uploads
    return stored


def get_upload(request, token: str) -> StoredUpload | None:
    """The upload ``token`` of this session, or None."""
    if not TOKEN_RE.match(token or ""):
        return None
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if not entry:
        return None
    return StoredUpload(token=token, kind=entry["kind"], name=entry["name"], sha256=entry["sha256"])


def discard_upload(request, stored: StoredUpload) -> None:
    stored.path.unlink(missing_ok=True)
    uploads = request.session.get(SESSION_KEY, {})
    uploads.pop(stored.token, None)
    request.session[SESSION_KEY] = uploads
