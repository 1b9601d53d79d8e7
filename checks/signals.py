"""Signals of the checks app, so that other apps react to runs without the engine knowing them."""

from django.dispatch import Signal

# Sent after a check run has succeeded and its findings are committed; ``run`` is the CheckRun.
# Receivers: payments (recoveries for paid lines that now carry an open error finding).
check_run_succeeded = Signal()
