"""Replaying a flag: its rule recomputed now, from the stored snapshots, with what its run used.

A run records its snapshots, dates, ``as_of`` and thresholds (``RiskRun.params``). Replaying a flag
runs its rule's SQL again with exactly those parameters, keeps the row of the flag's subject, and
compares that evidence with the evidence the run stored. It changes nothing (a monitor may replay).

* R01 and R05 read only NOBD snapshots: while the snapshots are kept (``NOBD_SNAPSHOT_KEEP``) the
  replay gives the same evidence, byte for byte (the history stores every snapshot exactly).
* R04 reads the append-only school history and the approval times of payments up to ``as_of``.
* R02 and R03 read the portal's contingent, which its school may correct after the run; the replay
  then names what differs — itself worth a monitor's attention.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _

from contingent.choices import SnapshotStatus
from contingent.models import NobdSnapshot
from risk.engine import produce_sql
from risk.models import RiskFlag, RiskFlagEvidence, RiskRun
from risk.rules import rule_for


@dataclass(frozen=True)
class Replay:
    flag: RiskFlag
    run: RiskRun
    stored: dict
    recomputed: dict | None  # None: the rule no longer raises the flag with the run's inputs (or could not run)
    stored_sha256: str
    recomputed_sha256: str = ""
    problem: str = ""  # why it could not be replayed (a snapshot pruned since …)
    differences: list[str] = field(default_factory=list)  # the evidence keys whose values differ

    @property
    def identical(self) -> bool:
        return self.recomputed is not None and self.recomputed == self.stored and self.recomputed_sha256 == self.stored_sha256


def _stored(flag: RiskFlag, run: RiskRun) -> tuple[dict, str]:
    if run.pk == flag.last_run_id:
        return flag.evidence, flag.evidence_sha256
    version = RiskFlagEvidence.objects.filter(flag=flag, run_id__lte=run.pk).order_by("-run_id").first()
    return (version.evidence, version.evidence_sha256) if version else (flag.evidence, flag.evidence_sha256)


def flag_replay(*, flag: RiskFlag, run: RiskRun | None = None) -> Replay:
    """Recompute ``flag`` with the inputs of ``run`` (default: the run that last raised it) and compare."""
    run = run or flag.last_run
    stored, stored_sha = _stored(flag, run)
    rule = rule_for(flag.code)
    needed = [run.snapshot_id] + ([run.previous_snapshot_id] if rule and rule.needs_previous else [])
    ready = set(NobdSnapshot.objects.filter(pk__in=[i for i in needed if i], status=SnapshotStatus.READY)
                .values_list("pk", flat=True))
    if rule is None:
        return Replay(flag, run, stored, None, stored_sha, problem=_("The rule of code %(code)s is unknown.") % {
            "code": flag.code})
    missing = [snapshot_id for snapshot_id in needed if snapshot_id and snapshot_id not in ready]
    if missing:
        return Replay(flag, run, stored, None, stored_sha, problem=_(
            "NOBD snapshot #%(id)s has been pruned since (NOBD_SNAPSHOT_KEEP): the flag can no longer be recomputed.")
            % {"id": missing[0]})
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT evidence, sha FROM ({produce_sql(rule)}) AS replayed WHERE subject_key = %(replay_subject)s",
                       {**run.params(), "replay_subject": flag.subject_key})
        row = cursor.fetchone()
    if row is None:
        return Replay(flag, run, stored, None, stored_sha, differences=sorted(stored))
    recomputed = row[0] if isinstance(row[0], dict) else json.loads(row[0])
    differences = sorted(key for key in set(stored) | set(recomputed) if stored.get(key) != recomputed.get(key))
    problem = ""
    then = stored_rule_version(flag, run)
    if rule.version != then:
        problem = _("The rule is now at version %(now)s; the flag was raised by version %(then)s.") % {
            "now": rule.version, "then": then}
    return Replay(flag, run, stored, recomputed, stored_sha, row[1], problem=problem, differences=differences)


def stored_rule_version(flag: RiskFlag, run: RiskRun) -> str:
    if run.pk == flag.last_run_id:
        return flag.rule_version
    version = RiskFlagEvidence.objects.filter(flag=flag, run_id__lte=run.pk).order_by("-run_id").first()
    return version.rule_version if version else flag.rule_version
