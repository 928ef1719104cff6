"""Configuration from the environment; dev defaults only where KAIKU_DEV=1."""

import os

DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"
DEV_SIGNING_KEY = "dev-only-signing-key-not-for-production"
DEV_CONTROLLER = "Kaiku (development registry)"
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
        "CARD_HELP": env.get("CARD_HELP", "kaikukortti.fi"),  # printed on every card
        # Named in the privacy notice: who is responsible for the registry, and how to reach
        # them (production refuses to start without a controller).
        "CONTROLLER": env.get("CONTROLLER", DEV_CONTROLLER),
        "CONTROLLER_CONTACT": env.get("CONTROLLER_CONTACT", ""),
        "BACKUP_RETENTION_DAYS": int(env.get("BACKUP_RETENTION_DAYS", "35") or 35),  # notice
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL"),
        "DEV": env.get("KAIKU_DEV") == "1",
        "BABEL_DEFAULT_LOCALE": "fi",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Helsinki",
        "BABEL_TRANSLATION_DIRECTORIES": "../translations",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # a desk page stays open all day
        # A holder's data is removed this long after the card expired (renewal comes first).
        "REGISTRATION_RETENTION_DAYS": int(env.get("REGISTRATION_RETENTION_DAYS", "365") or 365),
        "AUDIT_RETENTION_DAYS": int(env.get("AUDIT_RETENTION_DAYS", "1825") or 1825),  # 5 years
        "STAFF_IDLE_MINUTES": int(env.get("STAFF_IDLE_MINUTES", "600") or 600),  # a working day
        # A desk's offline copy of the registry older than this gives no offline "valid".
        "OFFLINE_MAX_AGE_HOURS": int(env.get("OFFLINE_MAX_AGE_HOURS", "24") or 24),
        "MAX_CONTENT_LENGTH": 1024 * 1024,  # forms and API requests are a few kB: larger, 413
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
    }


MIN_SECRET_LENGTH = 43  # 32 random bytes in base64 (in hex: 64 characters)
_NEW_SECRET = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"


def check_production(config) -> None:
    """Refuse to run outside development or tests on settings that would be unsafe:
    secrets short enough to be guessed (a signing key could then be found from any card's
    QR, and cards forged), shared between uses, or published; plain HTTP; the debugger."""
    if config.get("DEV") or config.get("TESTING"):
        return
    secrets = [("SECRET_KEY", config["SECRET_KEY"])]
    secrets += [("SIGNING_KEYS", key) for key in config["SIGNING_KEYS"]]
    for name, value in secrets:
        if value in (DEV_SECRET_KEY, DEV_SIGNING_KEY):
            raise InsecureConfig(
                f"{name} must be set in the environment: the dev default is only for "
                "KAIKU_DEV=1, as `make run` sets."
            )
        if len(value) < MIN_SECRET_LENGTH or len(set(value)) < 10:
            raise InsecureConfig(
                f"{name} must be at least 32 random bytes ({MIN_SECRET_LENGTH} characters or "
                f"more, no pattern). Make one with: {_NEW_SECRET}"
            )
    values = [value for _, value in secrets]
    if len(set(values)) < len(values):
        raise InsecureConfig("SECRET_KEY and each key in SIGNING_KEYS must all be different.")
    if not config["BASE_URL"].startswith("https://"):
        raise InsecureConfig("BASE_URL must start with https:// (cards and logins go over it).")
    if config.get("DEBUG"):
        raise InsecureConfig("FLASK_DEBUG must be off: the debugger runs any code it is sent.")
    if config["CONTROLLER"] in ("", DEV_CONTROLLER):
        raise InsecureConfig(
            "CONTROLLER must name who is responsible for the registry: the privacy notice "
            "names it (and CONTROLLER_CONTACT, how to reach them)."
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
