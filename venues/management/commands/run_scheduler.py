"""A small scheduler for development and single-machine installs (``make run`` starts it):
runs ``daily_jobs`` now and then every ``--every`` seconds (an hour by default). The jobs
are idempotent, so a restart or an extra run does no harm. Production uses cron or a
systemd timer instead (docs/deploy.md)."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections


class Command(BaseCommand):
    help = "Run daily_jobs now and then periodically."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=3600, help="seconds between runs")

    def handle(self, *args, every, **options):
        while True:
            close_old_connections()  # a connection that broke or aged since the last run is replaced
            try:
                call_command("daily_jobs", stdout=self.stdout)
            except Exception as error:  # keep the scheduler alive; the next run tries again
                self.stderr.write(f"daily_jobs failed: {error!r}")
            time.sleep(every)
