"""Inputs for the property tests: anything a person or a script could type or send, values
built to be valid (so a check is known to accept what it should), and near misses made
from valid ones (a digit changed, full-width characters, spaces)."""

import datetime
import operator
import uuid
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import QueryDict

from hypothesis import event
from hypothesis import strategies as st

from tests.factories import PASSWORD
from venues.validators import CREDIT_CODE_CHARS, credit_code_check_char, id_number_check_char

# Any text: every code point but lone surrogates (which no UTF-8 request can carry),
# so control characters and NUL too; text with a NUL inside; and a long run of something.
text = st.one_of(
    st.text(),
    st.builds("{}\x00{}".format, st.text(max_size=5), st.text(max_size=5)),
    st.builds(operator.mul, st.text(min_size=1, max_size=3), st.integers(100, 3000)),
)

# Valid identifiers, built the way their standards define them.
mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@st.composite
def id_numbers(draw):
    """GB 11643: a region, a real date of birth since 1900, a sequence, the check character."""
    region = draw(st.from_regex(r"[1-9][0-9]{5}", fullmatch=True))
    born = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date.today()))
    body = f"{region}{born.year:04d}{born.month:02d}{born.day:02d}" + draw(
        st.from_regex(r"[0-9]{3}", fullmatch=True))
    return body + id_number_check_char(body)


credit_codes = st.text(alphabet=CREDIT_CODE_CHARS, min_size=17, max_size=17).map(
    lambda body: body + credit_code_check_char(body))


@st.composite
def one_changed(draw, valid, alphabet):
    """A valid value with one character typed wrong."""
    value = draw(valid)
    index = draw(st.integers(0, len(value) - 1))
    other = draw(st.sampled_from(alphabet).filter(lambda c: c != value[index]))
    return value[:index] + other + value[index + 1:]


def full_width(value):
    """As a Chinese input method in full-width mode types it: １３９…, ＋８６."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in value)


@st.composite
def spaced(draw, valid, noise=(" ", "\u3000", "\t")):
    """A valid value with spaces (or the given noise) typed between its characters."""
    value = draw(valid)
    out = []
    for c in value:
        out.append(c)
        if draw(st.booleans()):
            out.append(draw(st.sampled_from(noise)))
    return "".join(out)


# What forms are sent besides arbitrary text: the valid things a person would type, so the
# checks past the first one are reached too.
COMMON_VALUES = [
    "", " ", "0", "1", "-1", "2", "40", "50", "99999999999999999999", "1.5", "1e999", "NaN", "on",
    "13900001111", "+86 139 0000 2222", "11010519491231002X", "91330100716105852F", PASSWORD,
    "Qinggang-2026!", "shopping", "catering", "licensed", "unlicensed", "temporary", "clinic",
    "1,2", "-1", str(uuid.UUID(int=1)),
]


def choice_values(field):
    """The values a form field offers (choices of selects, pks of model choices)."""
    if isinstance(field, forms.BooleanField):
        return ["on"]
    if not isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return []
    values = []
    for value, label in field.choices:
        if isinstance(label, list | tuple):  # an option group
            values.extend(str(inner) for inner, _label in label)
        else:
            values.append(str(value))
    return values


def plausible(form, extra=()):
    return sorted({*COMMON_VALUES, *extra, *(v for f in form.fields.values() for v in choice_values(f))})


@st.composite
def form_data(draw, names, values=(), max_size=None, max_values=3):
    """What a browser or a script might post: some of the form's fields and some others,
    each with no, one or several values, each value anything or a plausible one."""
    value = st.one_of(st.sampled_from(sorted({*COMMON_VALUES, *values})), text)
    key = st.one_of(st.sampled_from(sorted(names)), st.text(max_size=8))
    size = len(names) + 2 if max_size is None else max_size
    return draw(st.dictionaries(key, st.lists(value, max_size=max_values), max_size=size))


def as_lists(data):
    return {key: value if isinstance(value, list) else [value] for key, value in data.items()}


def submissions(names, values=(), valid=None):
    """Anything at all, or (given a ``valid`` submission) that submission with a few fields
    changed, removed or repeated, which reaches the checks across fields and the saving."""
    anything = form_data(names, values)
    if valid is None:
        return anything
    names = {*names, *valid}
    changed = form_data(names, values, max_size=3).map(lambda changes: {**as_lists(valid), **changes})
    return st.one_of(anything, changed, st.just(as_lists(valid)))


# Names of uploaded files that a multipart body can carry and Django keeps (it drops paths,
# and names such as "." or "..").
upload_names = st.one_of(
    st.sampled_from(["门头.jpg", "photo.png", "census.xlsx", "a"]),
    st.text(min_size=1, max_size=30).filter(
        lambda n: not set(n) & set('\x00/\\"\r\n') and n.strip(" .") and n not in (".", "..")),
)


def query_dict(data):
    query = QueryDict(mutable=True)
    for key, values in data.items():
        query.setlist(key, values)
    return query


def post(client, url, data):
    """Post ``data`` (name → list of values) form-encoded, as browsers send forms."""
    return client.post(url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded")


def check_form(form):
    """is_valid() answers without raising; an invalid form says why, on its own fields or
    on the whole form, and its messages can be shown."""
    valid = form.is_valid()
    assert set(form.errors) <= {*form.fields, NON_FIELD_ERRORS}
    assert valid or form.errors
    form.errors.get_json_data()
    event("valid" if valid else "invalid")  # --hypothesis-show-statistics shows the mix
    return valid


def counts(*models):
    return {model.__name__: model.objects.count() for model in models}


def row(instance):
    """A record as stored, to compare before and after a request."""
    return type(instance).objects.filter(pk=instance.pk).values().get()

