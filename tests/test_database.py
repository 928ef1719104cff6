"""Backups of a SQLite registry, taken while desks keep recording uses."""

import shutil
import sqlite3
import threading

import pytest
from sqlalchemy import select

from app import create_app
from app.core import checkin
from app.extensions import db
from app.models import Use
from tests import factories
from tests.conftest import config


@pytest.fixture
def on_sqlite(postgres_url):
    if postgres_url:
        pytest.skip("SQLite's online backup; PostgreSQL registries use pg_dump")


def open_backup(path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def test_a_backup_taken_while_desks_record_holds_every_use_committed_before_it(
    app, world, runner, tmp_path, on_sqlite
):
    urls = [factories.url_of(factories.active_card(world.area, world.issuer)) for _ in range(30)]
    db.session.commit()
    committed, started = [], threading.Event()

    def desk(venue_slug):
        with app.app_context():
            for number, url in enumerate(urls):
                venue = db.session.merge(
                    world.venue if venue_slug == "theatre" else world.other_venue
                )
                use, _ = checkin.record_use(url, venue, nonce=f"{venue_slug}-{number}")
                committed.append(use.id)
                if len(committed) >= 10:
                    started.set()

    desks = [threading.Thread(target=desk, args=(slug,)) for slug in ("theatre", "museum")]
    for thread in desks:
        thread.start()
    assert started.wait(timeout=30)
    before = set(committed)
    path = tmp_path / "backup.sqlite3"

    result = runner.invoke(args=["backup", str(path)])

    for thread in desks:
        thread.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert len(committed) == 60  # the desks went on recording while it ran
    assert (path.stat().st_mode & 0o777) == 0o600
    assert open_backup(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)

    restored = tmp_path / "restored.sqlite3"  # the README's restore: the copy becomes the registry
    shutil.copyfile(path, restored)
    registry = create_app(config(f"sqlite:///{restored}"))
    assert registry.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    with registry.app_context():
        kept = set(db.session.scalars(select(Use.id)))
        monthly = factories.monthly_totals()
        assert monthly == factories.monthly_by_hand()  # nothing half-written
    assert before <= kept <= set(committed)
    assert f"{len(kept)} uses" in result.output


def test_a_backup_never_overwrites_a_file(runner, tmp_path, on_sqlite):
    path = tmp_path / "backup.sqlite3"
    path.write_bytes(b"yesterday's backup")
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 1 and "exists already" in result.output
    assert path.read_bytes() == b"yesterday's backup"
    assert not (tmp_path / "backup.sqlite3.partial").exists()


def test_a_postgresql_registry_is_pointed_to_pg_dump(runner, tmp_path, postgres_url):
    if not postgres_url:
        pytest.skip("PostgreSQL only")
    result = runner.invoke(args=["backup", str(tmp_path / "backup")])
    assert result.exit_code == 1 and "pg_dump" in result.output
    assert not any(tmp_path.iterdir())
