"""Signals of the contingent app, so that apps above it take part without contingent importing them."""

from django.dispatch import Signal

# Sent by ``nobd_prune`` (inside its transaction, holding the run lock) before it drops the rows of
# old snapshots. Each receiver returns the ids of snapshots whose rows it still needs; they are kept.
# Receivers: checks (the snapshots of running runs and of the latest successful run).
nobd_snapshots_in_use = Signal()
