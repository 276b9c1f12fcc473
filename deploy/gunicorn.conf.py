"""gunicorn settings every target shares: drain before a graceful stop, then finish in-flight work.

gunicorn's own SIGTERM closes the listening socket at once, then lets the workers finish
their current request: connections still waiting in the socket's backlog are reset
without an answer. Behind a load balancer that is a failed request per queued
connection. So SIGTERM here first *drains*: the instance creates its drain file (both
apps' `GET /api/health` answers 503 while it exists), keeps serving for `DRAIN_SECONDS`
while the balancer's health checks take it out of rotation, and only then stops the way
gunicorn does, giving requests in flight `graceful_timeout` seconds. A second SIGTERM
stops at once (gracefully); SIGINT and SIGQUIT keep their quick-shutdown meaning.

Used as `gunicorn --config deploy/gunicorn.conf.py ...` by sidebyside.servers, the
scale-out tests and compose.yaml.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from pathlib import Path
from typing import Any

# Seconds a request in flight gets to finish once the listeners are closed.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))

# gunicorn's control socket (for `gunicornc`) has one default path per user, so several
# instances on one host would take each other's; these servers are managed by signals.
control_socket_disable = True

# Seconds between SIGTERM and closing the listeners: at least the load balancer's
# health-check interval times the failures it needs (0: no drain, gunicorn's default).
DRAIN_SECONDS = float(os.environ.get("DRAIN_SECONDS", "0"))

# The apps read DRAIN_FILE from the environment their workers inherit from this master
# (this file runs in the master before it forks). A pre-stop hook may create it as well.
if not os.environ.get("DRAIN_FILE"):
    os.environ["DRAIN_FILE"] = str(Path(tempfile.gettempdir()) / f"gunicorn-drain-{os.getpid()}")
DRAIN_FILE = Path(os.environ["DRAIN_FILE"])


def when_ready(server: Any) -> None:
    """Serve as ready (no stale drain file) and make SIGTERM drain first."""
    DRAIN_FILE.unlink(missing_ok=True)
    stop = server.handle_term  # raises StopIteration: the arbiter's graceful stop
    draining = threading.Event()

    def handle_term() -> None:
        if draining.is_set() or DRAIN_SECONDS <= 0:
            DRAIN_FILE.touch()
            stop()
        draining.set()
        DRAIN_FILE.touch()
        server.log.info("Draining for %gs before stopping (%s)", DRAIN_SECONDS, DRAIN_FILE)
        # The arbiter's loop keeps reaping and replacing workers meanwhile; the timer
        # only queues the second SIGTERM that stops it.
        timer = threading.Timer(DRAIN_SECONDS, os.kill, (os.getpid(), signal.SIGTERM))
        timer.daemon = True
        timer.start()

    # The arbiter looks its handlers up by name on each signal (`handle_term`).
    server.handle_term = handle_term


def on_exit(server: Any) -> None:
    DRAIN_FILE.unlink(missing_ok=True)
