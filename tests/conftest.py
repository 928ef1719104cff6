"""flaskr-style fixtures: ``app``, ``client``, ``runner``, plus small factories.

Each test gets an empty database: a fresh SQLite file, or, when
TEST_DATABASE_URL is set, fresh tables in a PostgreSQL database created for
this run alone and dropped at the end.
"""

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from tests import factories

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


@pytest.fixture
def app(tmp_path, postgres_url):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SIGNING_KEYS": [SIGNING_KEY],
            "BASE_URL": "https://kaiku.test",
            "SQLALCHEMY_DATABASE_URI": postgres_url or f"sqlite:///{tmp_path / 'kaiku.sqlite3'}",
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if postgres_url:
            db.drop_all()
        db.engine.dispose()


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
