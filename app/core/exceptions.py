"""Typed outcomes the surfaces translate: JSON status codes, flashed messages, CLI exits."""


class KaikuError(Exception):
    """A rule said no. ``message`` is for people (translated lazily); ``field``
    names the input at fault, when there is one."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class InvalidInput(KaikuError):
    """A value is missing, malformed or out of range."""


class InvalidInputs(InvalidInput):
    """Several values at once (see validation.check_all): ``errors`` maps each field to
    its message, so that a form can show every mistake in one go."""

    def __init__(self, errors: dict):
        field, message = next(iter(errors.items()))
        super().__init__(message, field)
        self.errors = errors


class NotFound(KaikuError):
    """No such thing, or not one this site may see."""


class Forbidden(KaikuError):
    """The thing exists but this site or role may not act on it."""


class Conflict(KaikuError):
    """The request is well formed but the registry's state refuses it."""


class CardNotUsable(Conflict):
    """Validation gave another status than ``valid``."""

    def __init__(self, verdict):
        super().__init__(verdict.message(), field="code")
        self.verdict = verdict


class TooManyAttempts(KaikuError):
    """Too many login attempts from one place: wait ``retry_after`` seconds."""

    def __init__(self, message, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
