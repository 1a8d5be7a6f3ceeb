"""Is a venue one of the nine small places, and why? A pure function over plain values: the
kind's limits (edited by the town, venues.models.VenueKind) and the venue's facts.

Every limit is inclusive, because the plan's 以下 includes the number itself: a shop of
exactly 300 m² is a small shop, one of 300.5 m² is not."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from venues.models.kinds import KindRule

# Medical venues of these types count whatever their size.
MEDICAL_ALWAYS = {"health_centre", "village_clinic"}
MEDICAL_BY_BEDS = {"clinic", "pet_clinic", "sanatorium", "nursing_home", "welfare_home"}
EDUCATION_BOARDING = {"boarding_school", "boarding_kindergarten"}
EDUCATION_SCHOOL = "school"
EDUCATION_NURSERY = "kindergarten"
SUBTYPES = {
    KindRule.MEDICAL: MEDICAL_ALWAYS | MEDICAL_BY_BEDS,
    KindRule.EDUCATION: EDUCATION_BOARDING | {EDUCATION_SCHOOL, EDUCATION_NURSERY},
}
NUMBER_FACTS = ("floor_area", "seats", "beds", "staff", "dorm", "people")
# No small venue comes near this; larger input is a typing slip or an attack.
MAX_FACT = 10**7

# The limits each rule reads; a kind must set them all.
REQUIRED_LIMITS = {
    KindRule.FLOOR_AREA: ["max_floor_area"],
    KindRule.SEATS: ["max_seats"],
    KindRule.BEDS: ["max_beds"],
    KindRule.ENTERTAINMENT: ["max_floor", "max_floor_area"],
    KindRule.MEDICAL: ["max_beds"],
    KindRule.EDUCATION: ["max_beds", "max_people", "max_nursery_people"],
    KindRule.PRODUCTION: ["max_staff", "max_dorm"],
}


@dataclass(frozen=True)
class KindLimits:
    slug: str
    name: str
    rule: str
    max_floor_area: Decimal | None = None
    max_seats: int | None = None
    max_beds: int | None = None
    max_floor: int | None = None
    max_people: int | None = None
    max_nursery_people: int | None = None
    max_staff: int | None = None
    max_dorm: int | None = None


@dataclass(frozen=True)
class Classification:
    qualifies: bool
    kind: str
    reasons: list

    def as_json(self):
        return {"qualifies": self.qualifies, "kind": self.kind, "reasons": self.reasons}


class FactError(ValueError):
    """A fact is missing or unusable; the message is for the person who typed it."""


def number(value):
    """280.00 → '280', 280.5 → '280.5'."""
    return format(Decimal(value).normalize(), "f")


def classify(kind, facts):
    """Classify a venue of ``kind`` (KindLimits) from ``facts``: numbers already parsed
    (floor_area a Decimal, the others ints), floors a list of ints, subtype a string."""
    check = _CHECKS[kind.rule]
    qualifies, reasons = check(kind, facts)
    return Classification(qualifies=qualifies, kind=kind.slug, reasons=reasons)


def _require(facts, name):
    value = facts.get(name)
    if value is None or value == []:
        raise FactError(_("Please give %(fact)s.") % {"fact": FACT_LABELS[name]()})
    return value


def _at_most(kind, fact, value, limit, unit):
    """One inclusive comparison and its reason."""
    params = {"fact": FACT_LABELS[fact](), "value": number(value), "limit": number(limit),
              "unit": unit, "kind": kind.name}
    if value <= limit:
        return True, _("%(fact)s %(value)s%(unit)s, not more than %(limit)s%(unit)s: "
                       "counts as %(kind)s") % params
    return False, _("%(fact)s %(value)s%(unit)s, more than %(limit)s%(unit)s: "
                    "larger than a small %(kind)s") % params


def _by(fact, limit_name, unit):
    def check(kind, facts):
        qualifies, reason = _at_most(kind, fact, _require(facts, fact), getattr(kind, limit_name), unit())
        return qualifies, [reason]
    return check


def _entertainment(kind, facts):
    floors = _require(facts, "floors")
    area_ok, area_reason = _at_most(kind, "floor_area", _require(facts, "floor_area"),
                                    kind.max_floor_area, "㎡")
    outside = [f for f in floors if not 1 <= f <= kind.max_floor]
    params = {"floors": "、".join(_floor_name(f) for f in floors), "max": kind.max_floor,
              "kind": kind.name}
    if outside:
        floor_reason = _("On %(floors)s: not all within floors 1 to %(max)s above ground, "
                         "so not a small %(kind)s") % params
    else:
        floor_reason = _("On %(floors)s: within floors 1 to %(max)s above ground") % params
    return area_ok and not outside, [floor_reason, area_reason]


def _floor_name(floor):
    if floor >= 1:
        return _("floor %(n)d") % {"n": floor}
    return _("basement %(n)d") % {"n": -floor}


def _subtype(kind, facts):
    subtype = _require(facts, "subtype")
    if subtype not in SUBTYPES[kind.rule]:
        raise FactError(_("Unknown type of venue: %(value)s.") % {"value": subtype})
    return subtype


def _medical(kind, facts):
    subtype = _subtype(kind, facts)
    label = SUBTYPE_LABELS[subtype]()
    if subtype in MEDICAL_ALWAYS:
        return True, [_("%(type)s: always counts as %(kind)s") % {"type": label, "kind": kind.name}]
    qualifies, reason = _at_most(kind, "beds", _require(facts, "beds"), kind.max_beds,
                                  pgettext("unit", "beds"))
    return qualifies, [f"{label}：{reason}"]


def _education(kind, facts):
    subtype = _subtype(kind, facts)
    label = SUBTYPE_LABELS[subtype]()
    if subtype in EDUCATION_BOARDING:
        fact, limit, unit = "beds", kind.max_beds, pgettext("unit", "beds")
    elif subtype == EDUCATION_SCHOOL:
        fact, limit, unit = "people", kind.max_people, pgettext("unit", "people")
    else:
        fact, limit, unit = "people", kind.max_nursery_people, pgettext("unit", "people")
    qualifies, reason = _at_most(kind, fact, _require(facts, fact), limit, unit)
    return qualifies, [f"{label}：{reason}"]


def _production(kind, facts):
    # Either test is enough: few staff, or a dormitory that exists and is small. The staff
    # count is needed only when the dormitory does not already decide it.
    people = pgettext("unit", "people")
    dorm = facts.get("dorm") or 0
    if dorm > 0:
        dorm_ok, dorm_reason = _at_most(kind, "dorm", dorm, kind.max_dorm, people)
    else:
        dorm_ok, dorm_reason = False, _("No staff dormitory")
    if dorm_ok and facts.get("staff") is None:
        return True, [dorm_reason]
    staff_ok, staff_reason = _at_most(kind, "staff", _require(facts, "staff"), kind.max_staff, people)
    return staff_ok or dorm_ok, [staff_reason, dorm_reason]


_CHECKS = {
    KindRule.FLOOR_AREA: _by("floor_area", "max_floor_area", lambda: "㎡"),
    KindRule.SEATS: _by("seats", "max_seats", lambda: pgettext("unit", "people")),
    KindRule.BEDS: _by("beds", "max_beds", lambda: pgettext("unit", "beds")),
    KindRule.ENTERTAINMENT: _entertainment,
    KindRule.MEDICAL: _medical,
    KindRule.EDUCATION: _education,
    KindRule.PRODUCTION: _production,
}

# Labels are looked up when used, so they follow the active language.
FACT_LABELS = {
    "floor_area": lambda: _("floor area"),
    "seats": lambda: _("rated seats"),
    "beds": lambda: _("beds"),
    "staff": lambda: _("total staff"),
    "dorm": lambda: _("people in the staff dormitory"),
    "people": lambda: _("number of pupils and staff"),
    "floors": lambda: _("the floors the venue occupies"),
    "subtype": lambda: _("the type of venue"),
}
SUBTYPE_LABELS = {
    "health_centre": lambda: _("township, street or community health centre"),
    "village_clinic": lambda: _("village clinic"),
    "clinic": lambda: _("clinic or small hospital"),
    "pet_clinic": lambda: _("pet clinic or hospital"),
    "sanatorium": lambda: _("sanatorium"),
    "nursing_home": lambda: _("nursing home"),
    "welfare_home": lambda: _("welfare home"),
    "boarding_school": lambda: _("boarding school"),
    "boarding_kindergarten": lambda: _("boarding kindergarten or nursery"),
    "school": lambda: _("non-boarding school"),
    "kindergarten": lambda: _("non-boarding kindergarten or nursery"),
}



def subtype_choices():
    """(value, label) for every type of medical and education venue, for forms."""
    return [(value, label()) for value, label in SUBTYPE_LABELS.items()]


def parse_facts(params):
    """Facts from text (a query string or a form): numbers must be numbers and not negative,
    floors a comma-separated list of whole numbers, negative for basements (-1 is B1)."""
    facts = {}
    for name in NUMBER_FACTS:
        raw = (params.get(name) or "").strip()
        if not raw:
            continue
        try:
            value = Decimal(raw) if name == "floor_area" else int(raw)
        except (ArithmeticError, ValueError):
            raise FactError(_("%(fact)s must be a number.") % {"fact": FACT_LABELS[name]()}) from None
        if isinstance(value, Decimal) and not value.is_finite():
            raise FactError(_("%(fact)s must be a number.") % {"fact": FACT_LABELS[name]()})
        if value < 0:
            raise FactError(_("%(fact)s cannot be negative.") % {"fact": FACT_LABELS[name]()})
        if value > MAX_FACT:
            raise FactError(_("%(fact)s is too large.") % {"fact": FACT_LABELS[name]()})
        if isinstance(value, Decimal) and value.normalize().as_tuple().exponent < -2:  # as kept
            raise FactError(_("%(fact)s may have at most two decimal places.")
                            % {"fact": FACT_LABELS[name]()})
        facts[name] = value
    raw_floors = (params.get("floors") or "").strip()
    if raw_floors:
        try:
            floors = [int(part) for part in raw_floors.replace("，", ",").split(",")]
        except ValueError:
            floors = [0]
        if 0 in floors:
            raise FactError(_("Floors must be whole numbers separated by commas, for example "
                              "1,2; basements are negative, for example -1."))
        facts["floors"] = floors
    subtype = (params.get("subtype") or "").strip()
    if subtype:
        facts["subtype"] = subtype
    return facts
