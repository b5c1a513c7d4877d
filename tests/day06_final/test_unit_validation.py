"""validation.py on its own: what a valid name, email, password, article and comment is, and the
words of each refusal. No server and no database: ``clean`` is called directly.
"""

import pytest

from tests.day06_final.conftest import PASSWORD, day_module

PERSON = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
ARTICLE = {"name": "Title", "summary": "Summary", "content": "Content"}


validation = day_module("validation")


@pytest.fixture
def refusal(workbook, day, validation):
    """``refusal(form, values)``: the APIValueError ``clean`` raises for the rules ``form``."""
    apis = workbook.load(day, "apis")

    def refuse(form: str, values: dict):
        with pytest.raises(apis.APIValueError) as caught:
            validation.clean(getattr(validation, form), values)
        return caught.value

    return refuse


def test_clean_returns_the_cleaned_fields_and_ignores_the_others(validation):
    values = {**PERSON, "name": "  Ann  ", "admin": True, "id": "x"}
    assert validation.clean(validation.REGISTRATION, values) == PERSON


MISSING = object()  # the field left out of the values sent
VALID = {
    "REGISTRATION": PERSON,
    "SIGN_IN": {"email": "ann@example.com", "password": PASSWORD},
    "PASSWORD_CHANGE": {"current": PASSWORD, "password": PASSWORD},
    "BLOG": ARTICLE,
    "COMMENT": {"content": "A comment"},
}
NOT_TEXT = "contains a character that is not text (a control character)"
HIDES = "contains a character that hides or reorders text"
LONG_EMAIL = "a" * 243 + "@example.com"  # 255 characters
NOT_AN_EMAIL = "must be an email address, like ann@example.com"
# Each row: the form's rules, the field, the value sent, the refusal's words after "field: ".
REFUSALS = [
    ("REGISTRATION", "name", MISSING, "required"),
    ("REGISTRATION", "name", None, "required"),
    ("REGISTRATION", "name", 42, "expected text, not int"),
    ("REGISTRATION", "email", ["ann@example.com"], "expected text, not list"),
    ("SIGN_IN", "password", {"$ne": ""}, "expected text, not dict"),
    ("REGISTRATION", "name", "   ", "must not be empty"),
    ("REGISTRATION", "name", "x" * 51, "must be at most 50 characters, not 51"),
    ("REGISTRATION", "name", "tab\there", NOT_TEXT),
    ("REGISTRATION", "name", "Ann\u200bBell", f"{HIDES} (U+200B)"),
    ("REGISTRATION", "name", "evil\u202egnp.exe", f"{HIDES} (U+202E)"),
    ("REGISTRATION", "email", "ann@example", NOT_AN_EMAIL),
    ("REGISTRATION", "email", "ann smith@example.com", NOT_AN_EMAIL),
    ("REGISTRATION", "email", LONG_EMAIL, "must be at most 254 characters, not 255"),
    ("REGISTRATION", "password", "short", "must be at least 8 characters"),
    ("REGISTRATION", "password", " " * 8, "must not be empty"),
    ("REGISTRATION", "password", "x" * 129, "must be at most 128 characters, not 129"),
    ("SIGN_IN", "password", "", "must not be empty"),
    ("PASSWORD_CHANGE", "current", "", "must not be empty"),
    ("PASSWORD_CHANGE", "password", "short", "must be at least 8 characters"),
    ("BLOG", "name", "x" * 101, "must be at most 100 characters, not 101"),
    ("BLOG", "name", "line\nbreak", NOT_TEXT),
    ("BLOG", "summary", "x" * 201, "must be at most 200 characters, not 201"),
    ("BLOG", "content", " \n\n ", "must not be empty"),
    ("COMMENT", "content", "x" * 2001, "must be at most 2000 characters, not 2001"),
    ("COMMENT", "content", "escape\x1b[31m", NOT_TEXT),
]


@pytest.mark.parametrize(
    "form, field, value, words",
    [pytest.param(*row, id=f"{row[0]} {row[1]}: {row[3]}") for row in REFUSALS],
)
def test_a_bad_value_is_refused_with_a_400_naming_its_field_and_why(
    refusal, form, field, value, words
):
    values = {**VALID[form], field: value}
    if value is MISSING:
        del values[field]
    error = refusal(form, values)
    assert (error.status, error.error, error.data) == (400, "value:invalid", field)
    assert error.message == f"{field}: {words}"


def test_the_first_bad_field_in_the_form_s_order_is_the_one_named(refusal):
    assert refusal("REGISTRATION", {"name": "", "email": "", "password": ""}).data == "name"
    assert refusal("REGISTRATION", {**PERSON, "email": "", "password": ""}).data == "email"


@pytest.mark.parametrize(
    "name, kept",
    [
        ("  Ｊｏｓé  ", "José"),  # full-width letters, trimmed
        ("Jose\u0301", "José"),  # a combining accent, composed
        ("李雷", "李雷"),
        ("Family 👨\u200d👩\u200d👧", "Family 👨\u200d👩\u200d👧"),  # joiners between emoji
        ("🐍" * 49 + "名", "🐍" * 49 + "名"),  # 50 characters, whatever their bytes
    ],
)
def test_a_name_is_kept_in_its_normal_form(validation, name, kept):
    assert validation.clean(validation.REGISTRATION, {**PERSON, "name": name})["name"] == kept


@pytest.mark.parametrize(
    "email, canonical",
    [
        ("  ANN@Example.COM ", "ann@example.com"),
        ("ＡＮＮ@example.com", "ann@example.com"),  # full width is the same address
        ("Straße@example.com", "strasse@example.com"),  # case-folded, not just lower-cased
    ],
)
def test_an_email_has_one_canonical_form(validation, email, canonical):
    cleaned = validation.clean(validation.REGISTRATION, {**PERSON, "email": email})
    assert cleaned["email"] == canonical


def test_an_email_is_measured_in_its_canonical_form(validation, refusal):
    # "İ" lower-cases to two characters: 253 typed are 254 stored, which fits; 254 typed do not.
    fits = "İ" + "a" * 240 + "@example.com"
    cleaned = validation.clean(validation.REGISTRATION, {**PERSON, "email": fits})
    assert (len(fits), len(cleaned["email"])) == (253, 254)
    error = refusal("REGISTRATION", {**PERSON, "email": "a" + fits})
    assert error.message == "email: must be at most 254 characters, not 255"


def test_a_password_is_kept_exactly_as_typed(validation):
    typed = "  spaces count, and Case  "
    cleaned = validation.clean(validation.REGISTRATION, {**PERSON, "password": typed})
    assert cleaned["password"] == typed


def test_signing_in_accepts_a_password_shorter_than_registering_demands(validation):
    # A rule raised since someone registered must not lock them out.
    values = {"email": "ann@example.com", "password": "old"}
    assert validation.clean(validation.SIGN_IN, values)["password"] == "old"


def test_an_article_s_content_keeps_its_spaces_and_line_breaks_become_newlines(validation):
    values = {"name": " Title ", "summary": " one\r\ntwo ", "content": "    code\r\n\tmore\r"}
    cleaned = validation.clean(validation.BLOG, values)
    # Markdown: leading spaces make a code block, so the content is never trimmed.
    assert cleaned == {"name": "Title", "summary": "one\ntwo", "content": "    code\n\tmore\n"}


def test_an_empty_preview_is_allowed(validation):
    assert validation.clean(validation.PREVIEW, {"text": ""}) == {"text": ""}


@pytest.mark.parametrize(
    "disguise", ["Admin", "ＡＤＭＩＮ", "A.d.m.i.n", "\u0410dmin", "ádmin", "adrnin"]
)
def test_a_name_disguised_as_admin_has_admin_s_skeleton(validation, disguise):
    assert validation.skeleton(disguise) == validation.skeleton("admin")


def test_different_names_have_different_skeletons(validation):
    assert validation.skeleton("Ann Bell") != validation.skeleton("Ann Ball")
