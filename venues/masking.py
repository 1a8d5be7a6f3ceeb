"""Masking of personal numbers wherever they are listed, exported or sent: the one place that
decides how much of a number stays readable. Showing a number in full is a separate,
deliberate (and audited) action elsewhere."""

MASK = "*"


def mask_mobile(value):
    """13800000001 → 138****0001: the network prefix and the last four digits stay, enough
    to tell two numbers apart on a list. Anything shorter than a mobile is masked entirely."""
    value = (value or "").strip()
    if len(value) < 8:
        return MASK * len(value)
    return value[:3] + MASK * (len(value) - 7) + value[-4:]


def mask_id_number(value):
    """500101199001011234 → 500101********1234: the region code (first six) and the last
    four stay; the date of birth is hidden. Anything shorter than that is masked entirely."""
    value = (value or "").strip()
    if len(value) < 11:
        return MASK * len(value)
    return value[:6] + MASK * (len(value) - 10) + value[-4:]
