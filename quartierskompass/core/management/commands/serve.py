"""quartierskompass serve: run the web application with gunicorn."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# gunicorn's access log: address, time, method, path (%(U)s: without the query string),
# protocol, status, size – no query, no referer, no user agent.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s'


class Command(BaseCommand):
    help = "Start the web server (gunicorn). Static files are served by the application."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=os.environ.get("QK_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("QK_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--reload", action="store_true", help="Restart on code changes.")

    def handle(
        self, *args, host: str, port: int, workers: int, threads: int, reload: bool, **options
    ) -> None:
        from gunicorn.app.base import BaseApplication

        from quartierskompass.wsgi import application

        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)

        class Server(BaseApplication):
            def load_config(self) -> None:
                self.cfg.set("bind", f"{host}:{port}")
                self.cfg.set("workers", workers)
                self.cfg.set("threads", threads)
                self.cfg.set("worker_class", "gthread")
                self.cfg.set("reload", reload)
                self.cfg.set("accesslog", "-")
                # The path without its query string and no referer: Hilfelotse searches
                # (needs, age, place) travel in the query and must not end up in a log.
                self.cfg.set("access_log_format", ACCESS_LOG_FORMAT)
                self.cfg.set("timeout", 60)

            def load(self):
                return application

        self.stdout.write(f"Quartierskompass läuft auf http://{host}:{port} (Strg+C beendet)")
        Server().run()
