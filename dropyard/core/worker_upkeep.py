"""The thread every ``dropyard worker`` runs beside its task loop, whatever the backend.

On each beat (DROPYARD_WORKER_HEARTBEAT_SECONDS) it runs its steps in order: prove this worker
alive, give the tasks of dead workers back to the queue, enqueue the periodic jobs that are due.
It is a thread so that it keeps beating while the main thread runs a long task: a worker is
presumed dead only when its whole process has stopped (or lost the database or Redis).
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    """One thing to do on every beat; ``run`` returns a line to print, or ''."""

    name: str
    run: Callable[[], str]


class Upkeep(threading.Thread):
    """Runs ``steps`` every ``interval`` seconds (the first time at once) until ``stop()``."""

    def __init__(self, *, steps: list[Step], interval: float, say: Callable[[str], None]):
        super().__init__(name="dropyard-worker-upkeep", daemon=True)
        self.steps = steps
        self.interval = interval
        self.say = say
        self._stopped = threading.Event()

    def run(self) -> None:
        try:
            while True:
                self.beat()
                if self._stopped.wait(self.interval):
                    return
        finally:
            connection.close()  # this thread's own database connection

    def beat(self) -> None:
        close_old_connections()
        for step in self.steps:
            try:
                line = step.run()
            # The thread must outlive any one failure (database or Redis briefly away, a bad
            # periodic-job path); the next beat tries again and the log says what went wrong.
            except Exception:
                logger.exception("Worker upkeep step %r failed", step.name)
                continue
            if line:
                self.say(line)

    def stop(self, *, timeout: float = 10) -> None:
        self._stopped.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout)
