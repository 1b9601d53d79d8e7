"""The outside registers the portal reads: the licence register and the register of unreliable suppliers.

One client per register (``licences.LicenceRegister``, ``rnu.UnreliableSupplierRegister``) with one
interface — ``read()`` the whole register, ``for_bin(bin)`` the entries of one legal entity — over a
transport: ``FileTransport`` (a CSV or XLSX file; what the commands and the operator's upload use)
or ``HttpTransport`` (the register's web service: URL and token from the settings, timeouts,
retries with exponential back-off).
"""

from schools.registers.base import FileTransport, HttpTransport, RegisterRead, RegisterUnavailable, SourceInfo

__all__ = ["FileTransport", "HttpTransport", "RegisterRead", "RegisterUnavailable", "SourceInfo"]
