"""Strings of packages that ship no Simplified Chinese (wagtail-modeladmin), marked here so
that `make messages` keeps their translations in our catalogue."""

from django.utils.translation import gettext_noop

STRINGS = [
    gettext_noop("By %(filter_title)s"),
]
