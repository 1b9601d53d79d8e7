"""The throughput scenario of ``manage.py bench_load`` (issue 18, item 3): every simulated user asks
one endpoint (``BENCH_URL``) as fast as it is answered, with the API token of the demo user
``BENCH_USER``. Run twice by ``bench/load.py``: on the floor (``/api/v1/regions/``: 20 rows, no
scoping) and on a scoped 50-row list; the ratio of the two throughputs is the figure.

The figures are those of the steady state: locust's statistics start again when the last client holds its
token. Before, clients are still being started (five a second) and are signing in, each sign-in hashing a
password (PBKDF2, deliberately slow): the requests of those seconds wait behind the sign-ins, which are not
the endpoint's cost. What the warm-up counted (requests, failures, seconds) is written to ``BENCH_WARM_UP``
first; ``bench/load.py`` gives locust that much longer and counts the failures of both."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from locust import HttpUser, constant, task

PASSWORD = "demo-2025"  # noqa: S105 - demo/users.py, in the benchmark's own database


class OneEndpointUser(HttpUser):
    wait_time = constant(0)
    signed_in = 0  # clients past their sign-in (locust's users share one gevent thread)

    def on_start(self):
        answer = self.client.post("/api/v1/auth/token/", name="API token",
                                  data={"username": os.environ["BENCH_USER"], "password": PASSWORD, "device": "bench"})
        self.headers = {"Authorization": f"Token {answer.json()['token']}"} if answer.ok else {}
        OneEndpointUser.signed_in += 1
        runner = self.environment.runner
        if OneEndpointUser.signed_in == runner.target_user_count:  # the last one: the steady state begins
            stats = runner.stats
            Path(os.environ["BENCH_WARM_UP"]).write_text(json.dumps({
                "requests": stats.total.num_requests, "failures": stats.total.num_failures,
                "seconds": round(time.time() - stats.start_time, 1)}))
            stats.reset_all()

    @task
    def ask(self):
        self.client.get(os.environ["BENCH_URL"], name="endpoint", headers=self.headers)
