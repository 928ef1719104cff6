"""What may be written to a log: card links, password links and the wellbeing questions'
one-time links are bearer credentials, so a log names their route, never their token."""

import re

_SECRET_PATHS = re.compile(r"^(/k|/reset|/questions)/(?!sw\.js$)[^/?#\s]+")


def loggable_path(path: str) -> str:
    """``/k/K7Q4MZR23-1.sig/status`` -> ``/k/<token>/status``."""
    return _SECRET_PATHS.sub(r"\1/<token>", path or "")
