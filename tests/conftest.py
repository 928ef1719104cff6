"""flaskr-style fixtures: ``app``, ``client``, ``runner``, plus small factories.

Each test gets an empty database of the newest revision: a fresh SQLite file, or,
when TEST_DATABASE_URL is set, emptied tables in a PostgreSQL database created for
this run alone and dropped at the end.
"""

import os
import shutil
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app, database
from app.extensions import db
from tests import factories
from tests.openapi_check import CheckedClient

SIGNING_KEY = "test-signing-key"


@pytest.fixture(scope="session")
def postgres_url():
    """A throw-away PostgreSQL database for this run, or None for SQLite."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield None
        return
    name = f"kaiku_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def config(database_url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SIGNING_KEYS": [SIGNING_KEY],
        "BASE_URL": "https://kaiku.test",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
    }


@pytest.fixture(scope="session")
def migrated(tmp_path_factory, postgres_url):
    """The schema, built once a run by the migrations as a registry would be: a SQLite
    file that each test copies, or the PostgreSQL tables that each test empties after."""
    url = postgres_url or f"sqlite:///{tmp_path_factory.mktemp('schema') / 'kaiku.sqlite3'}"
    app = create_app(config(url))
    with app.app_context():
        database.upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def app(tmp_path, migrated, postgres_url):
    url = migrated
    if not postgres_url:
        copy = tmp_path / "kaiku.sqlite3"
        shutil.copyfile(make_url(migrated).database, copy)
        url = f"sqlite:///{copy}"
    app = create_app(config(url))
    app.test_client_class = CheckedClient  # every API answer held to the document
    yield app
    with app.app_context():
        db.session.remove()
        if postgres_url:
            tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def blank(tmp_path, postgres_url):
    """The URL of an empty database of this test's own."""
    if not postgres_url:
        yield f"sqlite:///{tmp_path / 'registry.sqlite3'}"
        return
    url = make_url(postgres_url)
    name = f"{url.database}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An app context for calling the domain layer directly."""
    with app.test_request_context():
        yield


@pytest.fixture
def world(ctx):
    """A small registry: an area, an issuer, two venues, an active card."""
    return factories.world()


@pytest.fixture
def history(world, monkeypatch):
    """Four holders' uses around New Year 2025 in two areas: see factories.history."""
    return factories.history(world, monkeypatch)
