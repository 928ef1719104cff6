"""/healthz and /readyz: for load balancers, without login, cookies or personal data."""

from sqlalchemy import text

from app import create_app, database
from app.extensions import db
from tests.conftest import config


def test_healthz_answers_without_login_or_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers


def test_healthz_answers_while_the_database_is_down(tmp_path):
    app = create_app(config(f"sqlite:///{tmp_path / 'no' / 'such' / 'folder.sqlite3'}"))
    assert app.test_client().get("/healthz").status_code == 200


def test_readyz_is_ready_at_the_newest_revision(app, client):
    response = client.get("/readyz")
    assert response.status_code == 200
    with app.app_context():
        newest = database.newest_revision()
    assert response.get_json() == {"status": "ok", "database": "ok", "revision": newest}


def test_readyz_says_when_the_database_is_not_upgraded(blank):
    app = create_app(config(blank))
    with app.app_context():
        database.upgrade()
        database.downgrade("base")
        db.engine.dispose()
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and body["database"] == "not upgraded"
    assert body["revision"] is None and body["newest"]


def test_readyz_says_when_the_database_does_not_answer(tmp_path):
    app = create_app(config(f"sqlite:///{tmp_path / 'no' / 'such' / 'folder.sqlite3'}"))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}


def test_readyz_says_when_a_newer_release_upgraded_the_database(blank):
    app = create_app(config(blank))
    with app.app_context():
        database.upgrade()
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
        db.engine.dispose()
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "upgraded by a newer release"
