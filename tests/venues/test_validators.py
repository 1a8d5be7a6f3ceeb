import datetime

from django.core.exceptions import ValidationError

import pytest

from venues.validators import normalize_credit_code, normalize_id_number, normalize_mobile


@pytest.mark.parametrize("code", [
    "91330100716105852F",  # published codes of well-known companies
    "91440300708461136T",
    "914403001922038216",
    "N2500156MC1234567W",  # first character a letter, as for other registration authorities
    "Y1500156MA5U12347H",
    "A1500156MA6C00011Q",
    "92500156MA60ABCD15",  # individual business
])
def test_valid_credit_codes(code):
    assert normalize_credit_code(code) == code


def test_credit_code_is_tidied():
    assert normalize_credit_code(" 9133 0100 7161 0585 2f ") == "91330100716105852F"


@pytest.mark.parametrize("code, error", [
    ("91330100716105852G", "check"),
    ("91330100716105853F", "check"),
    ("9133010071610585", "length"),
    ("91330100716105852FF", "length"),
    ("91330100716I05852F", "characters"),  # I is never used
    ("9133010071610585ZF", "characters"),
    ("", "length"),
])
def test_invalid_credit_codes(code, error):
    with pytest.raises(ValidationError) as raised:
        normalize_credit_code(code)
    assert raised.value.code == error


@pytest.mark.parametrize("number", [
    "11010519491231002X",  # the standard's own example, with X as check
    "500156198001010019",
    "500156200002291238",  # born on 29 February of a leap year
])
def test_valid_id_numbers(number):
    assert normalize_id_number(number) == number


def test_lower_case_x_is_accepted():
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize("number, error", [
    ("110105194912310021", "check"),
    ("500156198001010018", "check"),
    ("500156190002291234", "birth_date"),  # 1900 was not a leap year
    ("500156198013010015", "birth_date"),  # month 13
    ("500156189912310012", "birth_date"),  # before 1900
    ("50015619800101001", "format"),
    ("5001561980010100A9", "format"),
])
def test_invalid_id_numbers(number, error):
    with pytest.raises(ValidationError) as raised:
        normalize_id_number(number)
    assert raised.value.code == error


def test_birth_date_in_the_future_is_rejected():
    with pytest.raises(ValidationError) as raised:
        normalize_id_number("500156202601010012", today=datetime.date(2025, 12, 31))
    assert raised.value.code == "birth_date"


@pytest.mark.parametrize("raw", [
    "13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "0086-13800138000",
    "+8613800138000",
])
def test_mobiles_are_normalised(raw):
    assert normalize_mobile(raw) == "13800138000"


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "138001380001", "023-12345678", "", "abc"])
def test_invalid_mobiles(raw):
    with pytest.raises(ValidationError):
        normalize_mobile(raw)


def test_messages_are_chinese():
    with pytest.raises(ValidationError) as raised:
        normalize_mobile("123")
    assert "手机号" in raised.value.messages[0]
