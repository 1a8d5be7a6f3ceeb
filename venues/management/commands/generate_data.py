"""Generate realistic data at a chosen size for benchmarks (venues.scale_data, docs/performance.md),
for example ``manage.py generate_data --venues 10000 --seed 1``. It refuses a database that
holds venues unless told what to do with them: --append keeps other venues and adds generated
ones beside them; --flush-generated replaces earlier generated data."""

import argparse
import datetime
import logging

from django.core.management.base import BaseCommand, CommandError

from venues import scale_data


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"a date as YYYY-MM-DD, not {value!r}") from error


class Command(BaseCommand):
    help = "Generate invented venues, owners, self-checks, hazards and notices at a chosen size."

    def add_arguments(self, parser):
        parser.add_argument("--venues", type=int, required=True, help="How many venues (0 with "
                            "--flush-generated only removes generated data).")
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same data.")
        parser.add_argument("--towns", type=int, default=None,
                            help=f"How many towns (default: one per {scale_data.VENUES_PER_TOWN:,} venues).")
        parser.add_argument("--today", type=_date, default=None,
                            help="The day the data leads up to, YYYY-MM-DD (default: today).")
        parser.add_argument("--password", default=None,
                            help="Password of every generated account (default: none can sign in).")
        parser.add_argument("--append", action="store_true",
                            help="Add generated data beside venues that were not generated.")
        parser.add_argument("--flush-generated", action="store_true",
                            help="Remove earlier generated data first.")

    def handle(self, *args, **options):
        if options["venues"] < 0 or (options["towns"] is not None and options["towns"] < 1):
            raise CommandError("--venues must be 0 or more and --towns 1 or more.")
        if options["towns"] is not None and options["towns"] > scale_data.MAX_TOWNS:
            raise CommandError(f"--towns can be at most {scale_data.MAX_TOWNS}.")
        wagtail_log = logging.getLogger("wagtail")
        level = wagtail_log.level
        wagtail_log.setLevel(logging.WARNING)  # not a line for every notice made or removed
        try:
            summary = scale_data.generate(
                options["venues"], seed=options["seed"], towns=options["towns"], today=options["today"],
                password=options["password"], append=options["append"],
                flush_first=options["flush_generated"], log=self.stdout.write,
            )
        except scale_data.RegisterNotEmpty as error:
            raise CommandError(str(error)) from error
        finally:
            wagtail_log.setLevel(level)
        self.stdout.write("Summary:")
        for line in summary.lines():
            self.stdout.write(line)
