import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from home.demo import (
    build_demo_site,
    build_demo_venues,
    demo_backup_codes,
    demo_exists,
    ensure_demo_accounts,
    ensure_privacy_page,
)
from home.demo_cases import build_demo_cases
from home.demo_history import build_demo_history
from home.demo_integrity import build_demo_integrity
from home.demo_notices import build_demo_reports, deliver_current_notices, ensure_safety_notices
from home.demo_patrols import build_demo_patrols
from home.demo_public_reports import build_demo_public_reports
from home.demo_selfchecks import build_demo_selfchecks, ensure_selfcheck_page
from home.demo_tasks import build_demo_tasks
from venues.models import Venue


class Command(BaseCommand):
    help = "Load the demo site and demo accounts into an empty database; print the accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="Allow running with DEBUG off (never on a production database).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data is for development; use --force to load it anyway.")
        if demo_exists():
            self.stdout.write("Demo content is already present; keeping the data as it is.")
            ensure_privacy_page()
            ensure_selfcheck_page()
        else:
            # One log line per page created would bury the accounts printed below.
            logging.getLogger("wagtail").setLevel(logging.WARNING)
            build_demo_site()
            self.stdout.write(self.style.SUCCESS("Demo site built."))
        accounts = ensure_demo_accounts()
        if not Venue.objects.exists():
            build_demo_venues()
        if build_demo_selfchecks():
            self.stdout.write(self.style.SUCCESS("Demo self-checks and hazards built."))
        if ensure_safety_notices():
            self.stdout.write(self.style.SUCCESS("Demo safety notices built."))
        deliver_current_notices()  # the owners of the demo venues are told of the notices to confirm
        if build_demo_reports():
            self.stdout.write(self.style.SUCCESS("Demo owners' reports built."))
        if build_demo_public_reports():
            self.stdout.write(self.style.SUCCESS("Demo public hazard reports built."))
        if build_demo_patrols():
            self.stdout.write(self.style.SUCCESS("Demo patrols built."))
        if build_demo_tasks():
            self.stdout.write(self.style.SUCCESS("Demo tasks built."))
        if build_demo_history():
            self.stdout.write(self.style.SUCCESS("Demo history of past months and scorecards built."))
        if build_demo_integrity():
            self.stdout.write(self.style.SUCCESS("Demo integrity replies and re-checks built."))
        if build_demo_cases():
            self.stdout.write(self.style.SUCCESS("Demo refusals and serious cases built."))
        self.stdout.write("")
        base = settings.PUBLIC_BASE_URL
        self.stdout.write(f"Site: {base}/   Admin: {base}/admin/")
        self.stdout.write("Demo accounts (development only):")
        backup_codes = demo_backup_codes()
        for username, password, role in accounts:
            self.stdout.write(f"  {username:<10} {password:<20} {role}")
            if username in backup_codes:
                self.stdout.write(f"  {'':<10} backup codes: {' '.join(backup_codes[username])}")
        self.stdout.write("Staff sign in at /admin/login/, then enter one of their backup codes (each "
                          "works once); an authenticator app can be added on the account page.")
        self.stdout.write("Census sheet to try the import with (sign in as town): "
                          "home/demo_assets/census-demo.xlsx")
        self.stdout.write("")
