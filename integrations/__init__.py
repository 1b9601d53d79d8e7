"""Clients of the outside systems the portal reads: NOBD, the licence register, the register of unreliable suppliers.

One package per system, each with one interface and its transports (file, HTTP), all HTTP going
through the one transport of :mod:`integrations.http`:

* :mod:`integrations.nobd` — the National Education Database's snapshot, as a CSV file;
* :mod:`integrations.registers` — the licence register and the register of unreliable suppliers,
  as rows with line numbers.

This app imports only ``core``, Django and libraries. What the portal does with what it reads —
validating NOBD rows and loading snapshots (``contingent``), turning register rows into licences
and register entries (``schools``) — belongs to the apps above it.
"""
