"""The load scenario of ``manage.py bench_load`` (locust): every role reads its main pages and API lists.

Each simulated user signs in once as one of the demo users (a page session and an API token),
then sends one request a second (``constant_throughput``), picked from its role's mix of pages
and API calls. Nothing is written: the scenario measures what the portal's daily traffic costs.
Run by ``bench/load.py``; not part of the test suite.
"""

from __future__ import annotations

import random

from locust import HttpUser, constant_throughput, task

PASSWORD = "demo-2025"  # noqa: S105 - demo/users.py, in the benchmark's own database
PAGES = {
    "school": ["/kk/", "/kk/contingent/", "/kk/acts/", "/kk/checks/findings/", "/kk/payments/payments/"],
    "department": ["/kk/", "/kk/orders/", "/kk/orders/contracts/", "/kk/acts/", "/kk/acts/overdue/"],
    "operator": ["/kk/", "/kk/schools/", "/kk/checks/runs/", "/kk/payments/payments/", "/kk/acts/"],
    "monitor": ["/kk/", "/kk/contingent/", "/kk/checks/findings/", "/kk/schools/"],
    "anonymous": ["/kk/", "/kk/orders/queue/", "/kk/accounts/login/"],
}
API = {
    "school": ["/api/v1/me/", "/api/v1/enrolments/", "/api/v1/acts/", "/api/v1/findings/", "/api/v1/payments/"],
    "department": ["/api/v1/me/", "/api/v1/contracts/", "/api/v1/applications/", "/api/v1/acts/", "/api/v1/schools/"],
    "operator": ["/api/v1/me/", "/api/v1/schools/", "/api/v1/payments/", "/api/v1/check-runs/", "/api/v1/findings/"],
    "monitor": ["/api/v1/me/", "/api/v1/schools/", "/api/v1/enrolments/", "/api/v1/findings/"],
    "anonymous": ["/api/v1/state-orders/"],
}
ROLES = ["school", "department", "operator", "monitor", "anonymous"]
_next = iter(range(10**9))


class PortalUser(HttpUser):
    wait_time = constant_throughput(1)

    def on_start(self):
        self.role = ROLES[next(_next) % len(ROLES)]
        if self.role == "anonymous":
            return
        self.client.get("/kk/accounts/login/", name="sign-in page")
        self.client.post("/kk/accounts/login/", name="sign-in",
                         data={"username": self.role, "password": PASSWORD,
                               "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")})
        answer = self.client.post("/api/v1/auth/token/", name="API token",
                                  data={"username": self.role, "password": PASSWORD, "device": "bench_load"})
        self.token = answer.json()["token"] if answer.ok else ""

    @task(3)
    def page(self):
        path = random.choice(PAGES[self.role])
        self.client.get(path, name=f"{self.role} page {path}")

    @task(2)
    def api(self):
        path = random.choice(API[self.role])
        headers = {"Authorization": f"Token {self.token}"} if self.role != "anonymous" else {}
        self.client.get(path, name=f"{self.role} API {path}", headers=headers)
