"""What tests/serving and bench/load.py share: a fresh database made ready by `flask
init-db`, a registry seeded through the domain, and gunicorn serving it as production does
(`gunicorn --config gunicorn.conf.py wsgi:app`) on a free localhost port."""

import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent.parent
BASE_URL = "https://kaiku.test"
POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
_PASSED_ON = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV")


def postgres_answers(url: str = POSTGRES_ADMIN) -> bool:
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@contextmanager
def fresh_database(folder: Path, postgres_base: str | None = None, template: str | None = None):
    """Yields a database URL: a SQLite file in ``folder``, or, given ``postgres_base`` (any
    URL of the server), a PostgreSQL database created for this alone and dropped after.
    ``template``: a database URL of the same kind to start as a copy of."""
    if postgres_base is None:
        path = Path(folder) / f"kaiku-{uuid.uuid4().hex[:8]}.sqlite3"
        if template:
            source = sqlite3.connect(make_url(template).database)
            with sqlite3.connect(path) as copy:
                source.backup(copy)  # a consistent copy, the WAL's pages included
            source.close()
        yield f"sqlite:///{path}"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = f"kaiku_serving_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{make_url(template).database}"' if template else ""
    admin = create_engine(postgres_base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield make_url(postgres_base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass(frozen=True)
class Settings:
    """The production environment of one server: its secrets and its database."""

    database_url: str
    secret_key: str
    signing_key: str

    @classmethod
    def new(cls, database_url: str) -> "Settings":
        return cls(database_url, secrets.token_hex(32), secrets.token_hex(32))

    def environ(self, **extra) -> dict:
        env = {name: os.environ[name] for name in _PASSED_ON if name in os.environ}
        env.update(
            SECRET_KEY=self.secret_key,
            SIGNING_KEYS=self.signing_key,
            DATABASE_URL=self.database_url,
            BASE_URL=BASE_URL,
            CONTROLLER="Kaiku test registry",
            PYTHONUNBUFFERED="1",
        )
        env.update({name: str(value) for name, value in extra.items()})
        return env

    def flask(self, *args: str, timeout: float = 120) -> str:
        """Run `flask --app wsgi ...` with this environment; its output."""
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.environ(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def app(self):
        """The app in this process, on the same database and keys (to seed and to check)."""
        from app import create_app

        return create_app(
            {
                "TESTING": True,
                "SECRET_KEY": self.secret_key,
                "SIGNING_KEYS": [self.signing_key],
                "BASE_URL": BASE_URL,
                "SQLALCHEMY_DATABASE_URI": self.database_url,
            }
        )


@dataclass
class Registry:
    """What a seeded database holds for the clients: a bearer key per venue, card codes."""

    keys: dict[str, str]  # venue slug -> raw API key
    codes: list[str]  # QR URLs of active cards


def seed(settings: Settings, venues: list[str], cards: int) -> Registry:
    """An area, an issuing site, ``venues`` with an API key each and ``cards`` active
    cards, through the domain functions (as an issuer and an admin would)."""
    from app.core import accounts
    from app.core import cards as card_stock
    from app.core.tokens import card_url
    from app.extensions import db
    from app.models import Card

    app = settings.app()
    with app.test_request_context():
        area = accounts.create_area("PIR", "Pirkanmaa")
        issuer = accounts.create_site("issuer", "Issuer", area_code="PIR", kind="issuer")
        keys = {}
        for slug in venues:
            accounts.create_site(slug, slug, area_code="PIR", kind="venue", category="culture")
            keys[slug] = accounts.create_api_key(slug)[1]
        codes = []
        while len(codes) < cards:
            batch = card_stock.issue_cards(area, issuer, min(cards - len(codes), 5000))
            ids = [card.id for card in batch]
            del batch  # each commit expires what the session holds: one card at a time
            for card_id in ids:
                card = card_stock.register_card(
                    db.session.get(Card, card_id), birth_year=1980, postcode="33100", children=0
                )
                codes.append(card_url(card.number, card.generation))
        db.session.remove()
    with app.app_context():
        db.engine.dispose()
    return Registry(keys, codes)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn with gunicorn.conf.py, started by ``serve``."""

    def __init__(self, process: subprocess.Popen, port: int, log: Path):
        self.process, self.port, self.log = process, port, log
        self.base_url = f"http://127.0.0.1:{port}"

    def workers(self) -> list[int]:
        """The worker processes: the master's children."""
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid:
                found.append(int(entry))
        return sorted(found)

    def wait_for_workers(self, count: int, timeout: float = 20, without=()) -> list[int]:
        """Wait until ``count`` workers run (none of them in ``without``), each answering."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.workers()
            if len(pids) == count and not set(pids) & set(without):
                return pids
            self._check_alive()
            time.sleep(0.05)
        raise TimeoutError(f"gunicorn has not {count} workers: {self.workers()}\n{self.tail()}")

    def wait_until_healthy(self, timeout: float = 30) -> None:
        import http.client

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    connection.close()
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"gunicorn did not answer /healthz:\n{self.tail()}")

    def _check_alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # quick shutdown: the master stops its workers
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                for pid in [*self.workers(), self.process.pid]:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                self.process.wait(timeout=10)


@contextmanager
def serve(settings: Settings, folder: Path, workers: int = 2, threads: int = 1, **environ):
    """gunicorn on a free port; yields a Gunicorn once /healthz answers; stops it after.
    Its output (the access log too) goes to a file in ``folder``."""
    port = free_port()
    log = Path(folder) / f"gunicorn-{port}.log"
    env = settings.environ(
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=workers,
        THREADS=threads,
        TIMEOUT=30,
        GRACEFUL_TIMEOUT=5,
        **environ,
    )
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Gunicorn(process, port, log)
    try:
        server.wait_until_healthy()
        server.wait_for_workers(workers)
        yield server
    finally:
        server.stop()
