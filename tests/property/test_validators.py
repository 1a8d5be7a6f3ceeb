"""Properties of the identifier checks (venues.validators), the password rule
(venues.passwords) and the classification's parsing of facts: whatever is typed, the answer
is a tidied value or a message (ValidationError / FactError), never a crash; every valid
value passes; a single mistyped character of a checksummed number is caught; and tidying
is idempotent and yields plain ASCII."""

import contextlib
import re
import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from venues.passwords import AccountPasswordValidator, mark_staff
from venues.rules.classification import (
    MAX_FACT,
    SUBTYPE_LABELS,
    FactError,
    KindLimits,
    classify,
    parse_facts,
)
from venues.validators import (
    CREDIT_CODE_CHARS,
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)

from .strategies import credit_codes, full_width, id_numbers, mobiles, one_changed, spaced, text

NORMALIZERS = [normalize_mobile, normalize_id_number, normalize_credit_code]
VALIDATORS = [validate_mobile, validate_id_number, validate_credit_code]
# What each tidied value must look like: ASCII only, whatever was typed.
TIDIED = {
    normalize_mobile: re.compile(r"1[3-9][0-9]{9}", re.ASCII),
    normalize_id_number: re.compile(r"[0-9]{17}[0-9X]", re.ASCII),
    normalize_credit_code: re.compile(rf"[{CREDIT_CODE_CHARS}]{{18}}", re.ASCII),
}

near_misses = st.one_of(
    text,
    mobiles.map(full_width), id_numbers().map(full_width), credit_codes.map(full_width),
    spaced(mobiles), spaced(id_numbers()), spaced(credit_codes),
    one_changed(mobiles, string.digits + "０１٣"), one_changed(id_numbers(), string.digits + "Xx９"),
    one_changed(credit_codes, CREDIT_CODE_CHARS + "IOSVZ"),
    st.builds("{}{}".format, st.sampled_from(["+86", "0086", "+86 ", "86", "(+86)", "+"]), mobiles),
    st.builds("{}{}".format, mobiles, st.sampled_from(["\n", "\x00", "1", "x"])),
)


def tidied_or_refused(normalize, value):
    try:
        return normalize(value)
    except ValidationError as error:
        assert error.messages  # a message for the person, in their language
        return None


@pytest.mark.parametrize("normalize", NORMALIZERS, ids=lambda f: f.__name__)
@given(value=near_misses)
# Digits of other scripts were accepted and kept (not ASCII), so "13９…" was stored as typed.
@example(value="13９００００１１１１")
@example(value="110105١٩٤٩1231002X")
def test_tidying_answers_ascii_or_a_message_and_is_idempotent(normalize, value):
    tidied = tidied_or_refused(normalize, value)
    if tidied is not None:
        assert TIDIED[normalize].fullmatch(tidied)
        assert normalize(tidied) == tidied


@pytest.mark.parametrize("validate", VALIDATORS, ids=lambda f: f.__name__)
@given(value=near_misses)
def test_validators_pass_or_raise_validation_error(validate, value):
    with contextlib.suppress(ValidationError):
        assert validate(value) is None


@given(number=mobiles, prefix=st.sampled_from(["", "+86", "0086", "+86 ", "0086-"]),
       shown=st.sampled_from([str, full_width]))
def test_every_mainland_mobile_is_accepted_however_it_is_typed(number, prefix, shown):
    typed = shown(prefix + " ".join([number[:3], number[3:7], number[7:]]))
    assert normalize_mobile(typed) == number


@given(number=id_numbers(), shown=st.sampled_from([str, str.lower, full_width]))
def test_every_valid_id_number_is_accepted(number, shown):
    assert normalize_id_number(shown(number)) == number
    assert normalize_id_number(" ".join([number[:6], number[6:14], number[14:]])) == number


@given(code=credit_codes, shown=st.sampled_from([str, str.lower, full_width]))
def test_every_valid_credit_code_is_accepted(code, shown):
    assert normalize_credit_code(shown(code)) == code


@given(number=one_changed(id_numbers(), string.digits + "X"))
def test_one_mistyped_character_of_an_id_number_is_caught(number):
    """ISO 7064 MOD 11-2 catches every single substitution."""
    with pytest.raises(ValidationError):
        normalize_id_number(number)


@given(code=one_changed(credit_codes, CREDIT_CODE_CHARS + "IOSVZ"))
def test_one_mistyped_character_of_a_credit_code_is_caught(code):
    """Weights 3^i mod 31 (31 prime) catch every single substitution."""
    with pytest.raises(ValidationError):
        normalize_credit_code(code)


# Passwords ------------------------------------------------------------------------------

VALIDATOR = AccountPasswordValidator()


def staff_candidate(django_user_model):
    return mark_staff(django_user_model(username="candidate", full_name="候选人"))


@pytest.mark.django_db
@given(password=text)
def test_the_password_rule_accepts_or_explains(django_user_model, password):
    for user in (None, staff_candidate(django_user_model)):
        try:
            VALIDATOR.validate(password, user)
        except ValidationError as error:
            assert error.messages


@given(password=st.text(min_size=8))
def test_owners_need_only_eight_characters(password):
    assert VALIDATOR.validate(password, None) is None


@st.composite
def staff_passwords(draw):
    """Ten or more characters with at least three of the four kinds."""
    kinds = [string.ascii_lowercase, string.ascii_uppercase, string.digits, "!#-_.@%+"]
    chosen = draw(st.sets(st.sampled_from(range(4)), min_size=3))
    required = [draw(st.sampled_from(kinds[k])) for k in sorted(chosen)]
    rest = draw(st.text(alphabet="".join(kinds[k] for k in chosen), min_size=10 - len(required)))
    return "".join(draw(st.permutations(required + list(rest))))


@pytest.mark.django_db
@given(password=staff_passwords())
def test_staff_passwords_following_the_rule_are_accepted(django_user_model, password):
    assert VALIDATOR.validate(password, staff_candidate(django_user_model)) is None


@pytest.mark.django_db
@given(password=st.text(alphabet=string.ascii_lowercase + string.digits, min_size=10))
def test_staff_passwords_of_two_kinds_are_refused(django_user_model, password):
    with pytest.raises(ValidationError) as refused:
        VALIDATOR.validate(password, staff_candidate(django_user_model))
    assert _("Use at least three of these in the password: lower-case letters, upper-case "
             "letters, digits and symbols.") in refused.value.messages


# Facts for the classification --------------------------------------------------------------

FACT_NAMES = ["floor_area", "seats", "beds", "staff", "dorm", "people", "floors", "subtype"]
fact_text = st.one_of(
    text, st.sampled_from(["0", "1", "-1", "1,2", "1，-1", "300", "300.5", "1e7", "1e8", "NaN", "Infinity",
                           "-0", "1e-5", "clinic", "school", "９", str(MAX_FACT + 1), "9" * 5000]),
    st.integers().map(str), st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


@given(params=st.dictionaries(st.sampled_from(FACT_NAMES), fact_text))
@example(params={"seats": "9" * 5000})  # longer than int() accepts: a message, not a crash
def test_facts_are_parsed_or_explained(params):
    try:
        facts = parse_facts(params)
    except FactError as error:
        assert str(error)
        return
    for name, value in facts.items():
        if name == "floors":
            assert value and 0 not in value
        elif name != "subtype":
            assert 0 <= value <= MAX_FACT


LIMITS = [
    KindLimits("shopping", "商店", "floor_area", max_floor_area=300),
    KindLimits("catering", "餐饮", "seats", max_seats=100),
    KindLimits("lodging", "旅馆", "beds", max_beds=50),
    KindLimits("entertainment", "娱乐", "entertainment", max_floor=2, max_floor_area=200),
    KindLimits("medical", "医疗", "medical", max_beds=20),
    KindLimits("education", "教育", "education", max_beds=20, max_people=100, max_nursery_people=50),
    KindLimits("production", "生产加工", "production", max_staff=30, max_dorm=10),
]


def optional(strategy):
    return st.one_of(st.none(), strategy)


# Facts as parse_facts() returns them: numbers within 0..MAX_FACT, floors without 0.
parsed_facts = st.fixed_dictionaries({
    "floor_area": optional(st.decimals(0, MAX_FACT, places=2)),
    "seats": optional(st.integers(0, MAX_FACT)), "beds": optional(st.integers(0, MAX_FACT)),
    "staff": optional(st.integers(0, MAX_FACT)), "dorm": optional(st.integers(0, MAX_FACT)),
    "people": optional(st.integers(0, MAX_FACT)),
    "floors": optional(st.lists(st.integers(-5, 50).filter(bool), max_size=4)),
    "subtype": optional(st.one_of(st.sampled_from(sorted(SUBTYPE_LABELS)), st.text(max_size=5))),
})


@pytest.mark.parametrize("kind", LIMITS, ids=lambda k: k.rule)
@given(facts=parsed_facts)
def test_every_rule_classifies_or_asks_for_a_fact(kind, facts):
    try:
        result = classify(kind, facts)
    except FactError as error:
        assert str(error)
    else:
        assert isinstance(result.qualifies, bool) and result.reasons
