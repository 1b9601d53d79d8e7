"""The throughput scenario of ``manage.py bench_load`` (issue 18, item 3): every simulated user asks
one endpoint (``BENCH_URL``) as fast as it is answered, with the API token of the demo user
``BENCH_USER``. Run twice by ``bench/load.py``: on the floor (``/api/v1/regions/``: 20 rows, no
scoping) and on a scoped 50-row list; the ratio of the two throughputs is the figure."""

from __future__ import annotations

import os

from locust import HttpUser, constant, task

PASSWORD = "demo-2025"  # noqa: S105 - demo/users.py, in the benchmark's own database


class OneEndpointUser(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        answer = self.client.post("/api/v1/auth/token/", name="API token",
                                  data={"username": os.environ["BENCH_USER"], "password": PASSWORD, "device": "bench"})
        self.headers = {"Authorization": f"Token {answer.json()['token']}"} if answer.ok else {}

    @task
    def ask(self):
        self.client.get(os.environ["BENCH_URL"], name="endpoint", headers=self.headers)
