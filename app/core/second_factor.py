"""A second factor for the staff who see the most: after the password, a code from an
authenticator app (TOTP, RFC 6238: six digits, a new one every 30 seconds), or once
instead one of ten recovery codes, for a lost phone. Who must and who may use it is
core/access.py's call: admins must outside development, issuers may, desks never.

A code is accepted once: the last step used is kept, so a code seen over a shoulder
can't log in again. Codes are counted with the login attempts (core/attempts.py)."""

import hashlib
import secrets
from datetime import timezone

import pyotp
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from ..extensions import attempts, db
from ..models import RecoveryCode, User
from . import access, audit, sessions
from .accounts import audit_scope_of, count_attempt
from .clock import utcnow
from .exceptions import Conflict, Forbidden, InvalidInput

APP_NAME = "Kaiku"  # what the authenticator app shows beside the user's e-mail
RECOVERY_CODES = 10
_RECOVERY_LETTERS = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/i/l to mix up
_RECOVERY_LENGTH = 10  # 31^10: about 49 bits each


def new_secret() -> str:
    """A fresh shared secret (160 bits, base32), for the app to store."""
    return pyotp.random_base32()


def setup_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from a QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=APP_NAME)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def enable(user: User, secret, code, actor: User, keep_session: str | None = None) -> list[str]:
    """Turn the factor on once the user has typed a code their app made from ``secret``
    (so the app surely has it); sessions opened without it end (but ``keep_session``).
    Returns the recovery codes, to be shown once."""
    _check_allowed(user)
    if not isinstance(secret, str) or not secret:
        raise InvalidInput(_l("The setup has expired. Start again."), "code")
    step = _matching_step(secret, code, after=None)
    if step is None:
        raise InvalidInput(_l("The code is wrong. Type the code your app shows now."), "code")
    user.totp_secret, user.totp_last_step = secret, step
    recovery = _replace_recovery_codes(user)
    sessions.end_all(user, keep_session)
    audit.log(
        actor,
        "user.second_factor",
        f"user {user.email}",
        after={"on": True},
        **audit_scope_of(user),
    )
    db.session.commit()
    return recovery


def reset(user: User, actor: User | None = None) -> tuple[str, list[str]]:
    """For operators (``users totp``): a new secret, on at once, and new recovery codes.
    The user's sessions end; the app must be set up again from the printed URI."""
    _check_allowed(user)
    user.totp_secret, user.totp_last_step = new_secret(), None
    recovery = _replace_recovery_codes(user)
    sessions.end_all(user)
    audit.log(
        actor,
        "user.second_factor",
        f"user {user.email}",
        after={"on": True, "reset": True},
        **audit_scope_of(user),
    )
    db.session.commit()
    return user.totp_secret, recovery


def disable(user: User, code, actor: User) -> None:
    """Turn the factor off (only where it is not required), with a current code."""
    if access.second_factor_required(user):
        raise Conflict(_l("Administrators must keep two-step verification on."), "code")
    _use_code(user, code)
    user.totp_secret, user.totp_last_step = None, None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.log(
        actor,
        "user.second_factor",
        f"user {user.email}",
        after={"on": False},
        **audit_scope_of(user),
    )
    db.session.commit()


def new_recovery_codes(user: User, code, actor: User) -> list[str]:
    """Ten new recovery codes (the old ones stop working), with a current code."""
    _use_code(user, code)
    recovery = _replace_recovery_codes(user)
    audit.log(actor, "user.recovery_codes", f"user {user.email}", **audit_scope_of(user))
    db.session.commit()
    return recovery


def finish_login(user: User, code, address: str | None) -> None:
    """Check the code that completes a login; counted like a password attempt."""
    count_attempt(user.email, address)
    _use_code(user, code)
    db.session.commit()
    attempts.forget(user.email, address or "")


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user.id)
    )


def _use_code(user: User, code) -> None:
    """Accept an app code (once) or a recovery code (then deleted); else InvalidInput."""
    typed = "".join(code.split()).replace("-", "").lower() if isinstance(code, str) else ""
    if not user.totp_secret:
        raise Conflict(_l("Two-step verification is not on."), "code")
    if typed.isdigit():
        step = _matching_step(user.totp_secret, typed, after=user.totp_last_step)
        if step is not None:
            user.totp_last_step = step
            return
    elif typed:
        used = db.session.execute(
            delete(RecoveryCode).where(
                RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(typed)
            )
        )
        if used.rowcount == 1:
            audit.log(
                user,
                "user.recovery_code_used",
                f"user {user.email}",
                after={"left": recovery_codes_left(user)},
                **audit_scope_of(user),
            )
            return
    raise InvalidInput(
        _l("The code is wrong or already used. Type the code your app shows now."), "code"
    )


def _matching_step(secret: str, code, after: int | None) -> int | None:
    """The 30-second step (now, or one either side for a slow clock) whose code this is,
    if later than ``after``."""
    if not isinstance(code, str) or len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(utcnow().replace(tzinfo=timezone.utc))
    for step in (now, now - 1, now + 1):
        if (after is None or step > after) and secrets.compare_digest(
            totp.generate_otp(step), code
        ):
            return step
    return None


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        "".join(secrets.choice(_RECOVERY_LETTERS) for _ in range(_RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODES)
    ]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def _check_allowed(user: User) -> None:
    if not access.may_use_second_factor(user):
        raise Forbidden(_l("Ticket desk accounts sign in with a password only."), "user")


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
