"""The trusted certification authorities: every certificate file in ``SIGNATURE_TRUST_DIR``.

The directory holds the national CA's files as published: PEM or DER (``.pem``, ``.crt``,
``.cer``, ``.der``; a PEM file may hold several certificates). Self-signed certificates are
trust roots; the others are intermediates, used to build chains (they are trusted only through a
root). Files are re-read when the directory changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import pem, x509
from django.conf import settings

SUFFIXES = {".pem", ".crt", ".cer", ".der"}


@dataclass(frozen=True)
class TrustStore:
    roots: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...]
    files: tuple[str, ...]

    def fingerprint(self) -> str:
        """sha256 over the sorted certificate fingerprints: names the trust store a verification used."""
        digests = sorted(hashlib.sha256(cert.dump()).hexdigest() for cert in (*self.roots, *self.intermediates))
        return hashlib.sha256("".join(digests).encode()).hexdigest()


def _certificates(path: Path) -> list[x509.Certificate]:
    data = path.read_bytes()
    if pem.detect(data):
        return [x509.Certificate.load(der) for kind, _headers, der in pem.unarmor(data, multiple=True)
                if kind == "CERTIFICATE"]
    return [x509.Certificate.load(data)]


def _is_root(cert: x509.Certificate) -> bool:
    return cert.self_issued and cert.self_signed in ("maybe", "yes")


_cache: dict[tuple, TrustStore] = {}


def load_trust_store(directory: str | Path | None = None) -> TrustStore:
    directory = Path(directory or settings.SIGNATURE_TRUST_DIR)
    paths = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES) if directory.is_dir() else []
    key = (str(directory), tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in paths))
    if key not in _cache:
        roots, intermediates = [], []
        for path in paths:
            try:
                certificates = _certificates(path)
            except (ValueError, OSError) as error:
                raise ValueError(f"{path}: not a PEM or DER certificate ({error})") from error
            for cert in certificates:
                cert.dump()  # parse now: a broken file fails here, not in the middle of a verification
                (roots if _is_root(cert) else intermediates).append(cert)
        _cache.clear()
        _cache[key] = TrustStore(tuple(roots), tuple(intermediates), tuple(p.name for p in paths))
    return _cache[key]
