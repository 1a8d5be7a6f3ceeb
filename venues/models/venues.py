import contextlib
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from venues import name_search
from venues.crypto import EncryptedCharField, keyed_hash
from venues.models.checklists import IntegrityLevel, RiskLevel
from venues.validators import (
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)

# No 0/O, 1/I/L: people copy the code from a card by eye.
PUBLIC_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PUBLIC_CODE_LENGTH = 8


def new_public_code():
    return "".join(secrets.choice(PUBLIC_CODE_ALPHABET) for _ in range(PUBLIC_CODE_LENGTH))


class VenueStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("venue status", "draft")
    SUBMITTED = "submitted", pgettext_lazy("venue status", "submitted")
    RETURNED = "returned", pgettext_lazy("venue status", "returned for changes")
    RESUBMITTED = "resubmitted", pgettext_lazy("venue status", "resubmitted")
    APPROVED = "approved", pgettext_lazy("venue status", "approved")
    REJECTED = "rejected", pgettext_lazy("venue status", "rejected")
    CLOSED = "closed", pgettext_lazy("venue status", "closed")


class LicenceSituation(models.TextChoices):
    LICENSED = "licensed", _("licensed")
    UNLICENSED = "unlicensed", _("unlicensed, with fixed premises")
    TEMPORARY = "temporary", _("in a temporary building")


class Venue(models.Model):
    """A small venue, licensed or not, recorded once. Its status changes only through
    venues.workflows.registration."""

    # Register records are not content: Wagtail's reference index (which tracks where
    # pages, images and snippets are used) need not follow them, and writes stay fast.
    wagtail_reference_index_ignore = True

    name = models.CharField(_("venue name"), max_length=100)
    # The name's search tokens (venues.name_search), kept by save().
    name_tokens = models.TextField(editable=False, blank=True, default="", db_default="")
    kind = models.ForeignKey(
        "venues.VenueKind", on_delete=models.PROTECT, related_name="venues",
        verbose_name=_("main kind"),
    )
    other_kinds = models.ManyToManyField(
        "venues.VenueKind", blank=True, related_name="+", verbose_name=_("further kinds"),
        help_text=_("For example a farm guesthouse that also serves meals."),
    )
    area = models.ForeignKey(
        "venues.Area", on_delete=models.PROTECT, related_name="venues",
        verbose_name=_("village or grid"),
    )
    address = models.CharField(_("address"), max_length=200)

    # The facts the kind's rule reads (venues.rules.classification).
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    floors = models.CharField(
        _("floors"), max_length=40, blank=True,
        help_text=_("Comma-separated, negative for basements, for example 1,2 or -1."),
    )
    seats = models.PositiveIntegerField(_("rated seats"), null=True, blank=True)
    beds = models.PositiveIntegerField(_("beds"), null=True, blank=True)
    staff_count = models.PositiveIntegerField(_("total staff"), null=True, blank=True)
    dorm_people = models.PositiveIntegerField(
        _("people in the staff dormitory"), null=True, blank=True
    )
    people = models.PositiveIntegerField(_("number of pupils and staff"), null=True, blank=True)
    subtype = models.CharField(_("type of venue"), max_length=30, blank=True)
    # Derived from the facts by classify(); kept for filtering lists.
    outside_nine = models.BooleanField(
        _("outside the nine small places"), null=True, blank=True,
        help_text=_("Empty until the facts the kind's rule needs are known."),
    )
    classification_reasons = models.JSONField(_("classification"), default=list, blank=True)

    licence = models.CharField(
        _("licence situation"), max_length=20, choices=LicenceSituation.choices
    )
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True,
        validators=[validate_credit_code],
    )
    no_code_reason = models.CharField(
        _("why there is no credit code"), max_length=200, blank=True
    )

    operator_name = models.CharField(_("operator"), max_length=50)
    operator_mobile = models.CharField(
        _("operator's mobile"), max_length=11, validators=[validate_mobile]
    )
    # Encrypted at rest (venues.crypto); found by operator_id_hash, never by the number.
    operator_id_number = EncryptedCharField(
        _("operator's ID card number"), max_length=200, blank=True,
        validators=[validate_id_number],
        help_text=_("Only for unlicensed venues and those in temporary buildings."),
    )
    operator_id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_mobile = models.CharField(
        _("contact's mobile"), max_length=11, blank=True, validators=[validate_mobile]
    )

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="venues", verbose_name=_("owner account"),
    )
    # The operator named on the venue may hold an account of their own, with the same rights
    # on this venue as its owner.
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="operated_venues",
        verbose_name=_("operator accounts"),
    )
    # Online registration: the furthest step of the form the owner has completed, and when
    # they made the declaration and read the privacy notice (on submitting).
    draft_step = models.PositiveSmallIntegerField(_("registration step reached"), default=0)
    declared_at = models.DateTimeField(_("declaration made"), null=True, blank=True)
    public_code = models.CharField(
        _("public code"), max_length=PUBLIC_CODE_LENGTH, unique=True, default=new_public_code,
        editable=False,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=VenueStatus.choices, default=VenueStatus.DRAFT,
        editable=False, db_index=True,
    )
    # Made when a form is first shown and sent with it, so a double click or a resent form
    # finds the venue it already created instead of creating a second one.
    submission_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Kept up to date by venues.schedule and venues.risk whenever what they read changes
    # (and daily, for rules over dates): the lists filter and sort on them.
    uses_gas = models.BooleanField(
        _("uses gas"), null=True, blank=True,
        help_text=_("From the last self-check's gas items, or as staff record it."),
    )
    selfcheck_due_on = models.DateField(
        _("next self-check due"), null=True, blank=True, editable=False, db_index=True,
    )
    # The interval (months) the due date was last computed with (venues.schedule), so a level that
    # shortens it is known as such and never brings the next self-check due at once.
    selfcheck_interval_months = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    risk_level = models.CharField(_("risk level"), max_length=10, blank=True, editable=False,
                                  choices=RiskLevel.choices, db_index=True)
    risk_reasons = models.JSONField(_("risk reasons"), default=list, blank=True, editable=False)
    # Kept by venues.integrity (the rules the town office edits, and serious cases decided).
    integrity_level = models.CharField(_("integrity level"), max_length=1, blank=True, editable=False,
                                       choices=IntegrityLevel.choices, db_index=True)
    integrity_reasons = models.JSONField(_("integrity reasons"), default=list, blank=True, editable=False)
    # Set when the retention rules removed the people's data (venues.retention); the venue
    # itself stays, anonymous, for the statistics.
    personal_data_removed_at = models.DateTimeField(
        _("personal data removed"), null=True, blank=True, editable=False,
    )

    class Meta:
        ordering = ["-updated_at", "-pk"]
        # The back office's list: its default order and its filters (the area is a foreign
        # key, indexed already). The name search has its own index (venues.name_search).
        indexes = [
            models.Index(fields=["-updated_at", "-id"], name="venue_list_order"),
            models.Index(fields=["status", "area"], name="venue_status_area"),
            models.Index(fields=["selfcheck_due_on"], name="venue_selfcheck_due"),
            models.Index(fields=["risk_level"], name="venue_risk_level"),
            # Possible duplicates (the venue page, census entry, the import): same credit code,
            # or the same name at the same address.
            models.Index(fields=["credit_code"], name="venue_credit_code"),
            models.Index(fields=["name", "address"], name="venue_name_address"),
        ]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        permissions = [
            ("review_venue", _("Can review venue registrations")),
            ("move_venue", _("Can move venues between villages and grids")),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The stored classification always follows the facts and the kind's current rule.
        self.classify()
        self.operator_id_hash = keyed_hash(self.operator_id_number)
        self.name_tokens = name_search.tokens_for(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "outside_nine", "classification_reasons"}
            if "operator_id_number" in update_fields:
                kwargs["update_fields"].add("operator_id_hash")
            if "name" in update_fields:
                kwargs["update_fields"].add("name_tokens")
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        # Tidy what people type (spaces, +86, lower-case letters) before the checks, so the
        # same code is stored the same way and duplicates are found.
        for field, normalize in [
            ("credit_code", normalize_credit_code), ("operator_id_number", normalize_id_number),
            ("operator_mobile", normalize_mobile), ("contact_mobile", normalize_mobile),
        ]:
            value = getattr(self, field)
            if value:
                # A value that cannot be tidied is left for the field's own validator.
                with contextlib.suppress(ValidationError):
                    setattr(self, field, normalize(value))
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        errors = {}
        if self.licence == LicenceSituation.LICENSED:
            if not self.credit_code:
                errors["credit_code"] = _("A licensed venue needs its unified social credit code.")
            if self.operator_id_number:
                errors["operator_id_number"] = _(
                    "The ID card number is only collected when there is no licence."
                )
        elif self.licence and not self.credit_code and not self.no_code_reason:
            errors["no_code_reason"] = _("Please say why the venue has no credit code.")
        if errors:
            raise ValidationError(errors)

    def display(self, name):
        """A field as a person reads it: choices by their label, the area by its full name,
        the area in ㎡, dates in local time; "" when empty."""
        from django.utils import timezone
        from django.utils.formats import date_format

        from venues.rules.classification import SUBTYPE_LABELS, number

        value = getattr(self, name)
        if value is None or value == "":
            return ""
        if name == "subtype":
            return SUBTYPE_LABELS[value]() if value in SUBTYPE_LABELS else value
        if name == "area":
            return value.full_name
        if name == "other_kinds":
            return "、".join(kind.name for kind in value.all())
        if name == "floor_area":
            return f"{number(value)} ㎡"
        if self._meta.get_field(name).choices:
            return str(getattr(self, f"get_{name}_display")())
        if isinstance(value, bool):
            return pgettext("yes or no", "yes") if value else pgettext("yes or no", "no")
        if hasattr(value, "tzinfo"):
            return date_format(timezone.localtime(value), "Y-m-d H:i")
        return str(value)

    def holders(self):
        """The active accounts that hold the venue: its owner and its operators with an account."""
        return [holder for holder in [*([self.owner] if self.owner_id else []), *self.operators.all()]
                if holder.is_active]

    @property
    def all_kinds(self):
        return [self.kind, *self.other_kinds.all()]

    def facts(self):
        """The facts as the classification rules read them."""
        from venues.rules.classification import FactError, parse_facts

        try:
            floors = parse_facts({"floors": self.floors}).get("floors") if self.floors else None
        except FactError:
            floors = None
        area = None if self.floor_area is None else Decimal(str(self.floor_area))
        return {
            "floor_area": area, "floors": floors, "seats": self.seats,
            "beds": self.beds, "staff": self.staff_count, "dorm": self.dorm_people,
            "people": self.people, "subtype": self.subtype or None,
        }

    def classify(self):
        """Refresh the classification from the main kind's rule and the facts."""
        from venues.rules.classification import FactError, classify

        try:
            result = classify(self.kind.as_rule(), self.facts())
        except FactError as missing:
            self.outside_nine, self.classification_reasons = None, [str(missing)]
        else:
            self.outside_nine, self.classification_reasons = not result.qualifies, result.reasons


class VenueStatusChange(models.Model):
    """One row per status change: who, when, from, to, why."""

    wagtail_reference_index_ignore = True

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(
        pgettext_lazy("status change", "from"), max_length=20, choices=VenueStatus.choices
    )
    to_status = models.CharField(
        pgettext_lazy("status change", "to"), max_length=20, choices=VenueStatus.choices
    )
    reason = models.TextField(_("reason"), blank=True)
    # A return may point at fields: {field name: what to change}, shown beside those fields.
    field_notes = models.JSONField(_("notes on fields"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.venue}: {self.from_status} → {self.to_status}"


def private_storage():
    return storages["private"]


def photo_path(photo, filename):
    return f"venues/{photo.venue_id}/{filename}"


class PhotoKind(models.TextChoices):
    STOREFRONT = "storefront", _("storefront")
    LICENCE = "licence", _("business licence")
    OTHER = "other", pgettext_lazy("photo", "other")


class VenuePhoto(models.Model):
    """A photo of a venue, re-encoded by venues.photos and kept in private storage."""

    wagtail_reference_index_ignore = True

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("what it shows"), max_length=20, choices=PhotoKind.choices)
    file = models.FileField(storage=private_storage, upload_to=photo_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "uploaded_at", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return f"{self.venue}: {self.get_kind_display()}"
