"""Configuration comes from the environment; production refuses the dev secrets."""

import importlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from app.config import InsecureConfig
from app.core.tokens import make_token

ROOT = Path(__file__).resolve().parent.parent
NEWEST, OLDER = secrets.token_urlsafe(32), secrets.token_hex(32)


@pytest.fixture
def env(monkeypatch, tmp_path):
    for name in (
        "SECRET_KEY",
        "SIGNING_KEYS",
        "KAIKU_DEV",
        "BASE_URL",
        "FLASK_DEBUG",
        "CONTROLLER",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    return monkeypatch


@pytest.fixture
def production(env):
    """Settings production accepts; each test below spoils one."""
    env.setenv("SECRET_KEY", secrets.token_urlsafe(32))
    env.setenv("SIGNING_KEYS", f" {NEWEST} , {OLDER} ")
    env.setenv("BASE_URL", "https://kaiku.example.fi")
    env.setenv("CONTROLLER", "Kaikukortti network of Pirkanmaa")
    return env


def test_production_refuses_to_start_with_the_dev_secrets(env):
    with pytest.raises(InsecureConfig, match="SECRET_KEY"):
        create_app()
    env.setenv("SECRET_KEY", secrets.token_urlsafe(32))
    with pytest.raises(InsecureConfig, match="SIGNING_KEYS"):
        create_app()  # the signing key is still the dev one


@pytest.mark.parametrize(
    "name, value, named",
    [
        ("SECRET_KEY", "", "SECRET_KEY"),
        ("SECRET_KEY", "x", "SECRET_KEY"),
        ("SECRET_KEY", "ab" * 40, "SECRET_KEY"),  # long, but a pattern
        ("SIGNING_KEYS", "k", "SIGNING_KEYS"),
        ("SIGNING_KEYS", f"{NEWEST},short", "SIGNING_KEYS"),
        ("SIGNING_KEYS", f"{NEWEST},{NEWEST}", "all be different"),
        ("SECRET_KEY", NEWEST, "all be different"),
        ("BASE_URL", "http://kaiku.example.fi", "BASE_URL"),
        ("FLASK_DEBUG", "1", "FLASK_DEBUG"),
        ("CONTROLLER", "", "CONTROLLER"),
    ],
)
def test_production_refuses_a_weak_setting_and_names_it(production, name, value, named):
    production.setenv(name, value)
    with pytest.raises(InsecureConfig, match=named):
        create_app()


def test_a_refusal_is_one_line_without_a_traceback(production, tmp_path):
    environ = {**os.environ, "SECRET_KEY": "short"}
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "init-db"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "Kaiku will not start: SECRET_KEY must be at least 32 random bytes" in done.stderr
    assert "Traceback" not in done.stderr


def test_production_starts_with_real_secrets_from_the_environment(production):
    app = create_app()
    assert app.config["SIGNING_KEYS"] == [NEWEST, OLDER]
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite3")
    with app.app_context():
        assert make_token("K7Q4MZR23", 1) == make_token("K7Q4MZR23", 1, [NEWEST])


def test_production_warns_when_login_limits_are_counted_per_process(production, caplog):
    production.delenv("RATELIMIT_STORAGE_URI", raising=False)
    create_app()
    assert "RATELIMIT_STORAGE_URI is memory://" in caplog.text
    caplog.clear()
    production.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    app = create_app()
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379"
    assert "memory://" not in caplog.text


def test_dev_mode_uses_the_defaults_and_the_instance_database(env):
    env.delenv("DATABASE_URL")
    env.setenv("KAIKU_DEV", "1")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/kaiku.sqlite3")
    assert app.config["BASE_URL"] == "http://127.0.0.1:5000"


def test_wsgi_exposes_the_app(env):
    env.setenv("KAIKU_DEV", "1")
    wsgi = importlib.import_module("wsgi")
    assert wsgi.app.name == "app"
