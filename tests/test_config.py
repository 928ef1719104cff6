"""Configuration comes from the environment; production refuses the dev secrets."""

import importlib

import pytest

from app import create_app
from app.config import InsecureConfig
from app.core.tokens import make_token


@pytest.fixture
def env(monkeypatch, tmp_path):
    for name in ("SECRET_KEY", "SIGNING_KEYS", "KAIKU_DEV", "BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    return monkeypatch


def test_production_refuses_to_start_with_the_dev_secrets(env):
    with pytest.raises(InsecureConfig):
        create_app()
    env.setenv("SECRET_KEY", "a-real-secret")
    with pytest.raises(InsecureConfig):
        create_app()  # the signing key is still the dev one


def test_production_starts_with_real_secrets_from_the_environment(env, tmp_path):
    env.setenv("SECRET_KEY", "a-real-secret")
    env.setenv("SIGNING_KEYS", " newest-key , older-key ")
    env.setenv("BASE_URL", "https://kaiku.example.fi")
    app = create_app()
    assert app.config["SIGNING_KEYS"] == ["newest-key", "older-key"]
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite3")
    with app.app_context():
        assert make_token("K7Q4MZR23", 1) == make_token("K7Q4MZR23", 1, ["newest-key"])


def test_production_warns_when_login_limits_are_counted_per_process(env, caplog):
    env.setenv("SECRET_KEY", "a-real-secret")
    env.setenv("SIGNING_KEYS", "a-real-signing-key")
    env.delenv("RATELIMIT_STORAGE_URI", raising=False)
    create_app()
    assert "RATELIMIT_STORAGE_URI is memory://" in caplog.text
    caplog.clear()
    env.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
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
