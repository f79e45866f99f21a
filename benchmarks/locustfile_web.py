"""Locust users for ``bench_web_load.py``: the dashboard, the project list and the JSON API, as
the administrator (a session cookie and a bearer token from the environment; no login traffic)."""

from __future__ import annotations

import os

from locust import HttpUser, between, task

COOKIE = os.environ.get("BENCH_SESSION_COOKIE", "")
TOKEN = os.environ.get("BENCH_TOKEN", "")


class Visitor(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.client.cookies.set("beltroad_session", COOKIE)

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")

    @task(2)
    def project_list(self) -> None:
        self.client.get("/projects?sort=amount_usd_constant&desc=true", name="project list")

    @task(1)
    def project_list_filtered(self) -> None:
        self.client.get("/projects?year=2015", name="project list ?year=2015")

    @task(2)
    def api_projects(self) -> None:
        self.client.get(
            "/api/v1/projects?dataset=synthetic&limit=50",
            headers={"Authorization": f"Bearer {TOKEN}"},
            name="/api/v1/projects",
        )
