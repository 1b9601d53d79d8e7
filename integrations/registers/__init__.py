"""Clients of the outside registers: the licence register and the register of unreliable suppliers.

One interface for both: a transport yields the register's rows as raw strings with a line number
(``rows(columns=…, optional=…, params=…)``) and describes where they came from (``info``, a
:class:`SourceInfo` with the SHA-256 of what was read). Two transports:

* :class:`FileTransport` — a CSV or XLSX file (the commands and the operator's upload), read
  with ``core.tabular``;
* :class:`HttpTransport` — the register's web service through the one HTTP transport
  (:mod:`integrations.http`): URL and token from the settings, a deadline for each whole
  request, retries with back-off.

Each register's module names its columns and builds its web-service transport from the
settings: :mod:`integrations.registers.licences`, :mod:`integrations.registers.rnu`. Turning the
rows into licences and register entries is ``schools``' business (``schools.records``).
"""

from integrations.registers.base import (
    NOT_AN_OBJECT,
    FileTransport,
    HttpTransport,
    RegisterUnavailable,
    SourceInfo,
    SourceKind,
)

__all__ = ["NOT_AN_OBJECT", "FileTransport", "HttpTransport", "RegisterUnavailable", "SourceInfo", "SourceKind"]
