"""State changes of the contingent app (STYLE: writes live in services).

* ``enrolments`` — add, edit, mark as left (the school's own pages and API);
* ``imports`` — ``import_contingent`` and the upload with preview;
* ``nobd`` — ``nobd_import`` and the retention of snapshots.

The check-run pipeline (fetch → import → checks → notify) belongs to ``checks.pipeline``.
"""
