"""``dropyard serve``: collect static files, then serve the web UI and the API with gunicorn.

gunicorn runs in this process (its ``BaseApplication`` API), so there is one command and no
gunicorn configuration file. Static files are served by WhiteNoise from ``STATIC_ROOT``.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.servers.basehttp import get_internal_wsgi_application
from django.db import connections
from gunicorn.app.base import BaseApplication


class DropyardServer(BaseApplication):
    """gunicorn application that serves Dropyard's WSGI app with the given gunicorn settings."""

    def __init__(self, options: dict) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return get_internal_wsgi_application()  # settings.WSGI_APPLICATION, as runserver does


class Command(BaseCommand):
    help = "Serve the web UI and the developer API with gunicorn (a production server)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on.")
        parser.add_argument(
            "--bind",
            action="append",
            default=[],
            help="gunicorn bind address (HOST:PORT or unix:PATH); repeatable; overrides "
            "--host/--port. Use a unix socket behind a reverse proxy on the same machine.",
        )
        parser.add_argument("--workers", type=int, default=2, help="Worker processes (default: 2).")
        parser.add_argument(
            "--threads", type=int, default=4, help="Threads per worker process (default: 4)."
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=60,
            help="Seconds a request may take before its worker is restarted (default: 60).",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_false",
            dest="collectstatic",
            help="Skip collectstatic (when STATIC_ROOT is prepared by the deployment).",
        )
        parser.add_argument(
            "--no-access-log",
            action="store_false",
            dest="access_log",
            help="Do not write the access log to standard output.",
        )

    def handle(self, *args, **options) -> None:
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1")
        self.check_migrations()
        if options["collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        # gunicorn forks workers from this process: no database connection may cross the fork.
        connections.close_all()
        bind = options["bind"] or [f"{options['host']}:{options['port']}"]
        self.stdout.write(f"Dropyard is serving on {', '.join(_urls(bind))} (Ctrl-C stops it)")
        self.stdout.flush()
        DropyardServer(gunicorn_options(options, bind)).run()


def gunicorn_options(options: dict, bind: list[str]) -> dict:
    """gunicorn settings for ``dropyard serve``: threaded workers, logs on stdout/stderr."""
    return {
        "bind": bind,
        "workers": options["workers"],
        "worker_class": "gthread",
        "threads": options["threads"],
        "timeout": options["timeout"],
        "graceful_timeout": 30,
        "keepalive": 5,
        # Recycle workers now and then so a slow leak never takes the server down.
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "accesslog": "-" if options["access_log"] else None,
        "errorlog": "-",
        "proc_name": "dropyard",
        # gunicorn's control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl),
        # which two servers on one machine would fight over; Dropyard does not use it.
        "control_socket_disable": True,
    }


def _urls(bind: list[str]) -> list[str]:
    return [address if address.startswith("unix:") else f"http://{address}" for address in bind]
