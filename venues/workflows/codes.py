"""Verification codes sent by text message, for signing up, resetting a password and
changing a mobile number. A code is 6 digits, stored only hashed, valid for 10 minutes,
allows 5 tries and works once; asking for a new one makes the earlier one useless. Sending
is limited per number and per address so nobody can run up the town's SMS bill."""

import datetime
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from venues import sms
from venues.models import VerificationCode

VALID_FOR = datetime.timedelta(minutes=10)
MAX_TRIES = 5
# Between two codes to the same number; and at most so many per hour per number / address.
RESEND_AFTER = datetime.timedelta(seconds=60)
PER_NUMBER_PER_HOUR = 5
PER_ADDRESS_PER_HOUR = 20


class CodeError(Exception):
    """Why a code was not sent or not accepted, in words for the person."""


def _wait_message(seconds):
    seconds = max(1, int(seconds))
    if seconds < 120:
        return ngettext("Please wait %(n)d second before asking for another code.",
                        "Please wait %(n)d seconds before asking for another code.",
                        seconds) % {"n": seconds}
    minutes = (seconds + 59) // 60
    return ngettext("Too many codes were asked for. Please try again in %(n)d minute.",
                    "Too many codes were asked for. Please try again in %(n)d minutes.",
                    minutes) % {"n": minutes}


def send_code(mobile, purpose, address=None):
    """Send a new code to ``mobile``; raises CodeError when sending is limited."""
    now = timezone.now()
    hour_ago = now - datetime.timedelta(hours=1)
    with transaction.atomic():
        recent = VerificationCode.objects.filter(mobile=mobile, sent_at__gt=hour_ago).order_by("-sent_at")
        last = recent.first()
        if last is not None and now - last.sent_at < RESEND_AFTER:
            raise CodeError(_wait_message((last.sent_at + RESEND_AFTER - now).total_seconds()))
        if recent.count() >= PER_NUMBER_PER_HOUR:
            oldest = recent.last()
            raise CodeError(_wait_message(
                (oldest.sent_at + datetime.timedelta(hours=1) - now).total_seconds()))
        if address:
            from_address = VerificationCode.objects.filter(sent_from=address, sent_at__gt=hour_ago)
            if from_address.count() >= PER_ADDRESS_PER_HOUR:
                oldest = from_address.order_by("sent_at").first()
                raise CodeError(_wait_message(
                    (oldest.sent_at + datetime.timedelta(hours=1) - now).total_seconds()))
        # Only the newest code of a number and purpose counts.
        VerificationCode.objects.filter(mobile=mobile, purpose=purpose, used_at__isnull=True).update(
            tries=MAX_TRIES)
        code = f"{secrets.randbelow(10**6):06d}"
        VerificationCode.objects.create(mobile=mobile, purpose=purpose, code_hash=make_password(code),
                                        sent_from=address)
    # Sent at once, not queued: the code itself is never written to the task table.
    sms.send_sms(mobile, "verification_code", {"code": code})


def check_code(mobile, purpose, code):
    """Accept ``code`` for ``mobile`` once; raises CodeError (counting the try) otherwise."""
    with transaction.atomic():
        found = (
            VerificationCode.objects.select_for_update()
            .filter(mobile=mobile, purpose=purpose, used_at__isnull=True,
                    sent_at__gt=timezone.now() - VALID_FOR)
            .order_by("-sent_at").first()
        )
        if found is None:
            problem = _("The code has expired or was not sent to this number. Please ask for a new one.")
        elif found.tries >= MAX_TRIES:
            problem = _("Too many wrong tries. Please ask for a new code.")
        else:
            found.tries += 1
            if check_password((code or "").strip(), found.code_hash):
                found.used_at, problem = timezone.now(), None
            elif found.tries >= MAX_TRIES:
                problem = _("Too many wrong tries. Please ask for a new code.")
            else:
                left = MAX_TRIES - found.tries
                problem = ngettext("The code is not right; %(n)d try left.",
                                   "The code is not right; %(n)d tries left.", left) % {"n": left}
            found.save(update_fields=["tries", "used_at"])
    # Raised after the commit, so a wrong try is counted.
    if problem:
        raise CodeError(problem)
