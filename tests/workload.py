"""A recorded load of mixed commands through one or more gateways: organizations and people
registered by several clients at once, each command sent with an idempotency key and sent again
with the same key until the system answers it. Every acknowledged command is logged with its
key and the record's id, so a test can check afterwards that each is in its source log exactly
once, whatever was killed or restarted meanwhile."""
from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

from tests.people import unique_people
from tests.system.api import org

ATTEMPTS = 60  # sends of one command before its client gives it up (about a minute)
IN_FLIGHT_LOST = ("RemoteDisconnected", "Connection reset", "ConnectionResetError", "BadStatusLine")


@dataclass
class Acknowledged:
    kind: str  # "org" or "person"
    key: str
    id: str
    gateway: str
    at: float  # when it was acknowledged (epoch seconds)


@dataclass
class Workload:
    """`clients` threads, each sending a person for every `person_every`-th command and an
    organization otherwise, to the gateways in turn. Each request opens a connection of its own:
    a pooled connection that a stopping gateway closed while idle would look like lost work."""
    urls: list[str]
    token: str
    clients: int = 4
    person_every: int = 4
    people: list[dict] = field(default_factory=lambda: unique_people(400, seed=1616))
    acknowledged: list[Acknowledged] = field(default_factory=list)
    given_up: list[str] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)  # kinds of failed sends, retried

    def __post_init__(self):
        self._stop = threading.Event()
        self._numbers = itertools.count()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def start(self) -> "Workload":
        self._threads = [threading.Thread(target=self._client, args=(c,), daemon=True) for c in range(self.clients)]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout: float = 90) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)

    def count(self, kind: str) -> int:
        return sum(1 for a in self.acknowledged if a.kind == kind)

    @property
    def in_flight_lost(self) -> int:
        """Requests a gateway cut off after taking them (not refused at the door)."""
        return sum(n for kind, n in self.errors.items() if any(mark in kind for mark in IN_FLIGHT_LOST))

    def send_one(self, key: str) -> None:
        """One organization, sent until acknowledged (a probe of whether the system works)."""
        self._send("org", "orgs", org(f"กลุ่มทดลอง {key}"), key, self.urls[0])

    def _client(self, client: int) -> None:
        for turn in itertools.count():
            if self._stop.is_set():
                return
            number = next(self._numbers)
            person = number % self.person_every == 0 and number // self.person_every < len(self.people)
            kind, path, body = ("person", "people", self.people[number // self.person_every]) if person else \
                ("org", "orgs", org(f"กลุ่มภาระงาน {number}"))
            self._send(kind, path, body, f"workload-{number}", self.urls[turn % len(self.urls)])

    def _send(self, kind: str, path: str, body: dict, key: str, url: str) -> None:
        headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": key}
        for attempt in range(ATTEMPTS):
            gateway = self.urls[(self.urls.index(url) + attempt) % len(self.urls)]
            try:
                response = requests.post(f"{gateway}/api/v1/{path}", json=body, headers=headers, timeout=30)
                if response.status_code in (200, 201):
                    with self._lock:
                        self.acknowledged.append(Acknowledged(kind, key, response.json()["id"], gateway, time.time()))
                    return
                self._failed(f"HTTP {response.status_code}")
            except requests.RequestException as error:
                self._failed(f"{type(error).__name__}: {error}")
            time.sleep(0.5)
        with self._lock:
            self.given_up.append(key)

    def _failed(self, kind: str) -> None:
        with self._lock:
            self.errors[kind[:160]] += 1
