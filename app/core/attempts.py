"""Login attempts, counted before the password is checked, so that guesses sent all at
once are refused as surely as guesses sent one by one.

Attempts are limited per account from one address and per address over all accounts,
never per account alone: a stranger's guesses use up the stranger's own attempts, and
the ticket desk, from its own address, can still log in. The counts live in
RATELIMIT_STORAGE_URI: Redis when several server processes must count together.
"""

import time

from flask import current_app
from limits import parse
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

PER_ACCOUNT_AND_ADDRESS = parse("5 per 15 minutes")
PER_ADDRESS = parse("30 per 15 minutes")
_LIMITS = (PER_ACCOUNT_AND_ADDRESS, PER_ADDRESS)


class Attempts:
    """The extension: one counter store per app."""

    def init_app(self, app) -> None:
        app.config.setdefault("RATELIMIT_KEY_PREFIX", "kaiku")
        store = storage_from_string(app.config["RATELIMIT_STORAGE_URI"], wrap_exceptions=True)
        app.extensions["kaiku_attempts"] = MovingWindowRateLimiter(store)

    def take(self, account: str, address: str) -> int:
        """Count one attempt; 0 when it may go ahead, else the seconds until one may."""
        limiter = current_app.extensions["kaiku_attempts"]
        keys = self._keys(account, address)
        try:
            if all(limiter.hit(limit, *key) for limit, key in zip(_LIMITS, keys)):
                return 0
            resets = [
                limiter.get_window_stats(limit, *key).reset_time
                for limit, key in zip(_LIMITS, keys)
                if not limiter.test(limit, *key)
            ]
        except StorageError:
            current_app.logger.exception("Login attempts can't be counted: letting this one in")
            return 0
        return max(1, int(max(resets, default=time.time() + 60) - time.time()))

    def forget(self, account: str, address: str) -> None:
        """A good login clears that account's count from that address."""
        limiter = current_app.extensions["kaiku_attempts"]
        try:
            limiter.clear(PER_ACCOUNT_AND_ADDRESS, *self._keys(account, address)[0])
        except StorageError:
            current_app.logger.exception("Login attempts can't be cleared")

    @staticmethod
    def _keys(account: str, address: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
        return (prefix, "login", account, address), (prefix, "login", address)
