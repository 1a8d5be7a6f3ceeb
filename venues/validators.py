"""Identifiers that Chinese registers use, checked the way their standards define them.
Pure functions; each raises ValidationError with a message a shopkeeper can act on."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: 统一社会信用代码. 31 characters (no I, O, S, V, Z); the 18th is a check
# character with weights 3^(i-1) mod 31.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_CREDIT_CODE = re.compile(rf"^[{CREDIT_CODE_CHARS}]{{18}}$")

# GB 11643-1999: 居民身份证号码. ISO 7064 MOD 11-2, with X standing for 10.
ID_NUMBER_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_NUMBER_CHECK = "10X98765432"
_ID_NUMBER = re.compile(r"^[0-9]{17}[0-9X]$")

_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_MOBILE_NOISE = re.compile(r"[\s\-()（）]")

# Chinese input methods in full-width mode type １３９ and ＡＢＣ: read them as 139 and ABC.
# Only ASCII digits count as digits (\d would also take other scripts' digits, stored as typed).
_HALF_WIDTH = {0xFF01 + i: 0x21 + i for i in range(94)}


def _typed(value):
    return (value or "").translate(_HALF_WIDTH)


def credit_code_check_char(first17):
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def normalize_credit_code(value):
    """The code in capitals without spaces, or ValidationError."""
    code = re.sub(r"\s", "", _typed(value)).upper()
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="length", params={"count": len(code)},
        )
    if not _CREDIT_CODE.match(code):
        raise ValidationError(
            _("A unified social credit code uses only digits and capital letters other than "
              "I, O, S, V and Z."),
            code="characters",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("This unified social credit code is not valid: please check each character "
              "against the business licence."),
            code="check",
        )
    return code


def id_number_check_char(first17):
    return ID_NUMBER_CHECK[sum(int(c) * w for c, w in zip(first17, ID_NUMBER_WEIGHTS, strict=True)) % 11]


def normalize_id_number(value, today=None):
    """The 18-character number with a capital X, or ValidationError."""
    number = re.sub(r"\s", "", _typed(value)).upper()
    if not _ID_NUMBER.match(number):
        raise ValidationError(
            _("An ID card number has 17 digits followed by a digit or X."), code="format"
        )
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        born = None
    today = today or datetime.date.today()
    if born is None or born.year < 1900 or born > today:
        raise ValidationError(
            _("The date of birth in this ID card number is not a real date."), code="birth_date"
        )
    if id_number_check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("This ID card number is not valid: please check each digit against the card."),
            code="check",
        )
    return number


def normalize_mobile(value):
    """A mainland mobile as 11 digits: spaces, dashes and +86 or 0086 in front are allowed."""
    number = _MOBILE_NOISE.sub("", _typed(value))
    for prefix in ("+86", "0086"):
        if number.startswith(prefix):
            number = number[len(prefix):]
            break
    if not _MOBILE.match(number):
        raise ValidationError(
            _("Please enter an 11-digit mainland mobile number starting with 13 to 19."),
            code="mobile",
        )
    return number


def validate_credit_code(value):
    normalize_credit_code(value)


def validate_id_number(value):
    normalize_id_number(value)


def validate_mobile(value):
    normalize_mobile(value)
