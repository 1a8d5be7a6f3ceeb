"""Text messages, through a pluggable backend as Django does for e-mail.

Chinese SMS providers send only templates approved in advance, each with an id and named
parameters, so a message here is always (template, parameters), never free text. Our
template names and texts live in TEMPLATES; settings.SMS_TEMPLATE_IDS maps each name to the
provider's id. A production backend subclasses BaseBackend and calls the provider's API."""

import json
import sys

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

# name → the approved text; {placeholders} are the parameters the provider fills in.
# Providers limit a parameter to about 20 characters, hence short_param().
TEMPLATES = {
    "venue_status": _("Your venue “{venue}” is now: {status}. Details are in your message box."),
    "selfcheck_due": _("The self-check of “{venue}” is due on {date}. Please do it on your phone."),
    "selfcheck_overdue": _("The self-check of “{venue}” was due on {date} and is overdue. Please do it "
                           "as soon as you can."),
    "selfcheck_returned": _("The self-check of “{venue}” was returned. Details are in your message box."),
    "hazard_overdue": _("A hazard at “{venue}” was to be fixed by {date}. Details are in your message box."),
    "hazard_rejected": _("The fix of a hazard at “{venue}” was not accepted. Details are in your "
                         "message box."),
    "notice_acknowledge": _("Please read “{title}” and confirm it in your message box."),
    "report_visit": _("Staff will visit “{venue}” on {date} as you asked. Details are in your message box."),
    "report_answered": _("Your report about “{venue}” has been answered. Details are in your message box."),
    "verification_code": _("Your verification code is {code}; it is valid for 10 minutes. "
                           "Never tell anyone this code."),
}
PARAM_MAX_LENGTH = 20

# Messages sent by LocmemBackend, like django.core.mail.outbox.
outbox = []


class SmsError(Exception):
    """The provider refused or could not be reached; the task records it and may retry."""


def short_param(value):
    value = str(value)
    return value if len(value) <= PARAM_MAX_LENGTH else value[: PARAM_MAX_LENGTH - 1] + "…"


def render(template, params):
    """The text a template with these parameters reads as (for consoles and tests)."""
    return f"【{settings.SMS_SIGN_NAME}】" + str(TEMPLATES[template]).format(**params)


def send_sms(mobile, template, params):
    """Send one templated text message to a mainland mobile number."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown SMS template {template!r}")
    params = {key: short_param(value) for key, value in params.items()}
    template_id = settings.SMS_TEMPLATE_IDS.get(template, template)
    import_string(settings.SMS_BACKEND)().send(mobile, template_id, params, render(template, params))


class BaseBackend:
    def send(self, mobile, template_id, params, text):
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Prints each message: a developer's machine and the demo."""

    def send(self, mobile, template_id, params, text):
        from .masking import mask_mobile

        sys.stdout.write(
            f"[SMS] to {mask_mobile(mobile)} template {template_id} "
            f"params {json.dumps(params, ensure_ascii=False)}\n      {text}\n"
        )
        sys.stdout.flush()


class LocmemBackend(BaseBackend):
    """Keeps each message in ``outbox``: the tests."""

    def send(self, mobile, template_id, params, text):
        outbox.append({"mobile": mobile, "template": template_id, "params": params, "text": text})
