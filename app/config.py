"""Configuration from the environment; dev defaults only where KAIKU_DEV=1."""

import os

DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"
DEV_SIGNING_KEY = "dev-only-signing-key-not-for-production"
LANGUAGES = ("fi", "sv", "en")


class InsecureConfig(RuntimeError):
    """Production was started without real secrets."""


def from_environment() -> dict:
    env = os.environ
    base_url = env.get("BASE_URL", "http://127.0.0.1:5000")
    signing_keys = [key.strip() for key in env.get("SIGNING_KEYS", "").split(",") if key.strip()]
    return {
        "SECRET_KEY": env.get("SECRET_KEY", DEV_SECRET_KEY),
        "SIGNING_KEYS": signing_keys or [DEV_SIGNING_KEY],
        "BASE_URL": base_url,
        "SESSION_COOKIE_SECURE": base_url.startswith("https://"),  # served over HTTPS
        "PROXIES": int(env.get("PROXIES", "0") or 0),  # reverse proxies in front, for client IPs
        "FEEDBACK_EMAIL": env.get("FEEDBACK_EMAIL", "palaute@kaikukortti.fi"),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL"),
        "DEV": env.get("KAIKU_DEV") == "1",
        "BABEL_DEFAULT_LOCALE": "fi",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Helsinki",
        "BABEL_TRANSLATION_DIRECTORIES": "../translations",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # a desk page stays open all day
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
    }


def check_secrets(config) -> None:
    """Refuse to run outside development or tests with the published dev secrets."""
    if config.get("DEV") or config.get("TESTING"):
        return
    if config["SECRET_KEY"] == DEV_SECRET_KEY or DEV_SIGNING_KEY in config["SIGNING_KEYS"]:
        raise InsecureConfig(
            "SECRET_KEY and SIGNING_KEYS must be set in the environment "
            "(dev defaults are only for KAIKU_DEV=1, as `make run` sets)."
        )


def production_warnings(config) -> list[str]:
    """Settings that work on one process but not on a production server of several."""
    if config.get("DEV") or config.get("TESTING"):
        return []
    warnings = []
    if config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        warnings.append(
            "RATELIMIT_STORAGE_URI is memory://: each server process counts failed logins "
            "on its own. Set it to redis://HOST:6379 to count them together."
        )
    return warnings
