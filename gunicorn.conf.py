"""gunicorn settings for `make serve` (read from this folder by default).

Every number comes from the environment, with defaults sized for a 2-core server:
PORT (8000), BIND (0.0.0.0:$PORT), WEB_CONCURRENCY (workers, 2), THREADS (per
worker, 4; 1 means sync workers), TIMEOUT (seconds a request may take, 30),
GRACEFUL_TIMEOUT (30), KEEPALIVE (5), MAX_REQUESTS (0 = workers live on).
The access log goes to standard output, with card and password links redacted.
"""

import os

from gunicorn.glogging import Logger

from app.logs import loggable_path


def _number(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("BIND") or f"0.0.0.0:{_number('PORT', 8000)}"
workers = _number("WEB_CONCURRENCY", 2)
threads = _number("THREADS", 4)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _number("TIMEOUT", 30)
graceful_timeout = _number("GRACEFUL_TIMEOUT", 30)
keepalive = _number("KEEPALIVE", 5)
max_requests = _number("MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
# No referer, no query string: the route, the status, the size and the time taken.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'

control_socket_disable = True  # one per user by default: several servers would collide


class RedactingLogger(Logger):
    """Logs /k/<token> instead of the card link a request came to."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = loggable_path(atoms["U"])
        atoms["r"] = f"{atoms['m']} {atoms['U']} {atoms['H']}"
        return atoms


logger_class = RedactingLogger
