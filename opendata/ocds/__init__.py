"""Open Contracting Data Standard 1.1: the portal's contracting processes as OCDS releases and records.

* ``schema`` — the OCDS 1.1.5 schema, kept in ``standard/`` (Apache-2.0, the standard's own files at
  its ``1__1__5`` tag), read without network;
* ``releases`` — building releases from the public tables, compiling records, the packages.
"""
