"""A worker killed in the middle of recording uses (SIGKILL: no cleanup at all) loses no
use a desk was told of and leaves nothing half written: each use is in the database
with its monthly totals and its holder's first use, or not at all.

Runs gunicorn as production does, on a fresh database (SQLite; PostgreSQL when
TEST_DATABASE_URL is set). Desks retry a request whose answer they never got with the
same nonce, as static/js/desk.js does: the retry returns the use if the first one landed.
"""

import http.client
import json
import os
import signal
import threading
import time

import pytest
from sqlalchemy import create_engine, select

from app.models import Card, MonthlyUses, Use
from tests.serving.server import Settings, fresh_database, seed, serve

pytestmark = pytest.mark.server

CLIENTS = 6
CARDS_EACH = 50
KILLS = 3  # one worker after another, a quarter, a half and three quarters of the way
RETRIES = 40
DEADLINE = 60  # seconds: a hung server fails the test instead of hanging it


class Desk(threading.Thread):
    """Records a use of each of its cards, one after another, over one keep-alive
    connection; an error on the connection leaves the outcome unknown, so it retries
    with the same nonce."""

    def __init__(self, number: int, port: int, key: str, codes: list[str], progress):
        super().__init__(daemon=True)
        self.number, self.port, self.codes, self.progress = number, port, codes, progress
        self.headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        self.outcomes = {}  # nonce -> (status, body, replayed, lost: an answer never came)
        self.error = None

    def run(self):
        try:
            connection = self._connect()
            for index, code in enumerate(self.codes):
                nonce = f"crash-{self.number}-{index:04}"
                body = json.dumps({"code": code, "nonce": nonce})
                lost = False
                for _ in range(RETRIES):
                    try:
                        connection.request("POST", "/api/v1/uses", body, self.headers)
                        response = connection.getresponse()
                        answer = response.read()
                    except (OSError, http.client.HTTPException):
                        lost = True  # recorded or not: only a retry can tell
                        connection.close()
                        connection = self._connect()
                        time.sleep(0.02)
                        continue
                    replayed = response.getheader("Idempotent-Replayed") == "true"
                    self.outcomes[nonce] = (response.status, json.loads(answer), replayed, lost)
                    break
                else:
                    self.outcomes[nonce] = (None, None, False, lost)
                self.progress()
            connection.close()
        except Exception as error:  # reported by the test, not lost in a thread
            self.error = error

    def _connect(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)


def record_while_killing(server, key: str, codes: list[str]) -> tuple[list[Desk], list[int]]:
    """Desks record a use of every card while workers are killed; (desks, killed pids)."""
    done, lock = [0], threading.Lock()

    def progress():
        with lock:
            done[0] += 1

    desks = [
        Desk(n, server.port, key, codes[n * CARDS_EACH : (n + 1) * CARDS_EACH], progress)
        for n in range(CLIENTS)
    ]
    for desk in desks:
        desk.start()
    killed, deadline = [], time.monotonic() + DEADLINE
    for kill in range(1, KILLS + 1):
        while done[0] < kill * len(codes) // (KILLS + 1) and time.monotonic() < deadline:
            time.sleep(0.005)
        victim = server.workers()[0]
        os.kill(victim, signal.SIGKILL)
        killed.append(victim)
        server.wait_for_workers(2, without=killed)  # the master starts a new one
    for desk in desks:
        desk.join(timeout=max(0, deadline - time.monotonic()))
    assert not any(desk.is_alive() for desk in desks), "the desks did not finish in time"
    return desks, killed


def database_state(url: str) -> dict:
    engine = create_engine(url)
    with engine.connect() as connection:
        state = {
            "uses": {
                row.nonce: (row.id, row.card_id, row.recorded_at)
                for row in connection.execute(select(Use))
            },
            "monthly": sorted(tuple(row) for row in connection.execute(select(MonthlyUses))),
            "first_used": dict(connection.execute(select(Card.id, Card.first_used_at)).all()),
        }
    engine.dispose()
    return state


def test_a_worker_killed_mid_use_loses_nothing_and_leaves_nothing_half_written(tmp_path):
    with fresh_database(tmp_path, os.environ.get("TEST_DATABASE_URL")) as url:
        settings = Settings.new(url)
        settings.flask("init-db")
        registry = seed(settings, ["theatre"], CLIENTS * CARDS_EACH)
        with serve(settings, tmp_path, workers=2, threads=4) as server:
            desks, killed = record_while_killing(server, registry.keys["theatre"], registry.codes)
            assert server.process.poll() is None, server.tail()
        stored = database_state(url)
        settings.flask("recount-statistics")
        recounted = database_state(url)

    assert [desk.error for desk in desks] == [None] * CLIENTS
    outcomes = {nonce: outcome for desk in desks for nonce, outcome in desk.outcomes.items()}
    assert len(outcomes) == CLIENTS * CARDS_EACH
    statuses = {status for status, *_ in outcomes.values()}
    assert statuses == {201}, f"every card is used once, whatever was killed: {statuses}"
    lost = {nonce for nonce, (*_, lost) in outcomes.items() if lost}
    replayed = {nonce for nonce, (_, _, replayed, _) in outcomes.items() if replayed}
    assert replayed <= lost, "a use is replayed only when the answer to it was lost"
    assert lost, f"the kills of workers {killed} cut no request short: nothing was tested"

    # Every use a desk was told of is stored, and nothing else: a request cut short either
    # stored its use (the retry was told of it, as a replay) or left no trace.
    told = {nonce: body["id"] for nonce, (_, body, _, _) in outcomes.items()}
    assert {nonce: use[0] for nonce, use in stored["uses"].items()} == told

    # Nothing half written: every use counted in its month, and each holder's first use
    # kept, exactly as counting every use again gives them.
    assert stored["monthly"] == recounted["monthly"]
    assert sum(row[4] for row in stored["monthly"]) == len(told)
    assert stored["first_used"] == recounted["first_used"]
    first_use = {card_id: recorded_at for _, card_id, recorded_at in stored["uses"].values()}
    assert {card: at for card, at in stored["first_used"].items() if at} == first_use
