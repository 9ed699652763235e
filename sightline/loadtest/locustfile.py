"""A locust scenario of Sightline's users at work (run by `python -m sightline.loadtest`).

Front-door practitioners read the queue, open contacts and the decide page, claim contacts,
search for people and open a child's page; partners open a child's page; an agency system
posts feed events through the API; /healthz is sampled beside them as the baseline. What the
scenario needs (sign-ins, person and contact ids, the API token) comes in LOAD_* variables.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import uuid

from locust import HttpUser, between, task

PASSWORD = os.environ["LOAD_PASSWORD"]
PEOPLE = json.loads(os.environ["LOAD_PEOPLE"])  # person ids the front door may see
CONTACTS = json.loads(os.environ["LOAD_CONTACTS"])  # open contact ids
NAMES = json.loads(os.environ["LOAD_NAMES"])  # family names to search for
TOKEN = os.environ["LOAD_TOKEN"]
FRONT_DOOR = itertools.cycle(json.loads(os.environ["LOAD_USERS"]))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Signed(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    username = ""

    def on_start(self) -> None:
        page = self.client.get("/accounts/sign-in/", name="sign in")
        token = CSRF.search(page.text)
        answer = self.client.post(
            "/accounts/sign-in/",
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "username": self.username or next(FRONT_DOOR),
                "password": PASSWORD,
            },
            headers={"Referer": f"{self.host}/accounts/sign-in/"},
            name="sign in",
        )
        if "Sign out" not in answer.text:
            raise RuntimeError(f"sign-in failed: {answer.status_code}")

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")


class FrontDoor(Signed):
    weight = 5

    @task(4)
    def queue(self) -> None:
        self.client.get("/front-door/", name="front door queue")

    @task(3)
    def contact(self) -> None:
        contact = random.choice(CONTACTS)
        self.client.get(f"/front-door/contacts/{contact}/", name="contact")

    @task(2)
    def decide_page(self) -> None:
        contact = random.choice(CONTACTS)
        with self.client.get(
            f"/front-door/contacts/{contact}/decide/", name="decide page", catch_response=True
        ) as answer:
            if answer.status_code in (200, 302):  # 302: claimed by someone else, or decided
                answer.success()

    @task(1)
    def claim(self) -> None:
        contact = random.choice(CONTACTS)
        with self.client.post(
            f"/front-door/contacts/{contact}/claim/",
            data={"csrfmiddlewaretoken": self.csrf()},
            headers={"Referer": f"{self.host}/front-door/contacts/{contact}/"},
            name="claim a contact",
            catch_response=True,
            allow_redirects=False,
        ) as answer:
            # 400: the page saying someone else holds it or it is decided (a right answer
            # when fifty people work one queue).
            if answer.status_code in (200, 302, 400):
                answer.success()

    @task(3)
    def search(self) -> None:
        self.client.get(
            "/people/search/", params={"q": random.choice(NAMES)}, name="search for a person"
        )

    @task(4)
    def child(self) -> None:
        self.client.get(f"/people/{random.choice(PEOPLE)}/", name="child's page")

    @task(1)
    def healthz(self) -> None:
        self.client.get("/healthz", name="/healthz")


class AgencySystem(HttpUser):
    weight = 1
    wait_time = between(0.2, 1)

    @task(5)
    def feed(self) -> None:
        event = uuid.uuid4().hex[:12]
        line = {
            "feed": "1",
            "source": "police",
            "event_id": f"LOAD-{event}",
            "type": "domestic_abuse_incident",
            "occurred_at": "2026-11-02T21:15:00+00:00",
            "recorded_at": "2026-11-02T23:40:00+00:00",
            "summary": "Synthetic incident: raised voices reported by a neighbour.",
            "people": [
                {
                    "role": "child",
                    "record_id": f"LOAD-P-{event}",
                    "given_name": "Loadtest",
                    "family_name": f"Testfamily{event[:4]}",
                    "date_of_birth": "2016-05-04",
                },
                {
                    "role": "victim",
                    "record_id": f"LOAD-V-{event}",
                    "given_name": "Loadparent",
                    "family_name": f"Testfamily{event[:4]}",
                    "date_of_birth": "1990-08-17",
                },
            ],
            "details": {"child_present": False, "dash_yes_count": 3, "risk_level": "standard"},
        }
        self.client.post(
            "/api/v1/events",
            json=[line],
            headers={"Authorization": f"Bearer {TOKEN}"},
            name="feed event (API)",
        )

    @task(1)
    def healthz(self) -> None:
        self.client.get("/healthz", name="/healthz")
