"""Input checked at the edge: every field a person sends, before anything touches the database.

Each form is a dict of rules (``REGISTRATION``, ``BLOG``...), and ``clean(rules, values)``
returns the cleaned values or raises ``APIValueError`` naming the first bad field. The JSON API,
the HTML forms and the command line all call it, so they accept and refuse exactly the same.
Notice the limits: each one fits its column (``varchar(50)`` holds 50 characters), so MySQL
never has to cut or refuse a value, and SQLite, which would store anything, stores the same;
and that names and emails are normalised (NFKC) before they are measured or compared.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from .apis import APIValueError

# Control characters and lone surrogates (JSON may carry "\ud800") are never text a person
# typed; MySQL's utf8mb4 cannot even store a lone surrogate. Line breaks and tabs are allowed
# only where they belong, in multi-line fields.
NOT_IN_A_LINE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
NOT_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
# A plausible address: something, one @, a domain with a dot. Only a sent mail proves more.
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
# Characters that show nothing, or reorder or hide what follows: format (Cf: zero-width
# spaces, the byte-order mark, right-to-left overrides), line and paragraph separators, and
# the unassigned, private and surrogate code points; plus letters drawn blank (Hangul fillers).
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}
# Zero-width (non-)joiners are format characters with a job between two letters or emoji
# (👨‍👩‍👧, and in Indic scripts): allowed there only.
JOINERS = {"\u200c", "\u200d"}
MAX_MARKS = 3  # combining marks on one letter: Thai or Vietnamese need 2, a "Zalgo" flood 40
# Letters that look like Latin ones (a few Cyrillic and Greek, digits and bars): enough to
# catch an "Аdmin" with a Cyrillic A. Unicode's full list is confusables.txt.
LOOKS_LIKE = {
    "a": "аα", "b": "в", "c": "с", "d": "ԁ", "e": "е", "h": "нһ", "i": "іӏιı1|l", "j": "ј",
    "k": "кκ", "m": "м", "n": "п", "o": "оο0", "p": "рρ", "s": "ѕ", "t": "тτ", "v": "ν",
    "x": "х", "y": "у",
}  # fmt: skip
LOOK_ALIKES = str.maketrans({char: latin for latin, chars in LOOKS_LIKE.items() for char in chars})


def invisible(value: str) -> str | None:
    """The first character of ``value`` that hides or reorders text, as U+XXXX, or None."""
    marks = 0
    for position, char in enumerate(value):
        if char in JOINERS and between_visible(value, position):
            continue
        category = unicodedata.category(char)
        marks = marks + 1 if category.startswith("M") else 0
        if (
            category in INVISIBLE_CATEGORIES
            or char in BLANK_LETTERS
            or (category == "Zs" and char != " ")
            or (marks and position == 0)
            or marks > MAX_MARKS
        ):
            return f"U+{ord(char):04X}"
    return None


def between_visible(value: str, position: int) -> bool:
    neighbours = value[position - 1 : position] + value[position + 1 : position + 2]
    return position > 0 and len(neighbours) == 2 and not (set(neighbours) & (JOINERS | {" "}))


def skeleton(name: str) -> str:
    """What a name looks like, roughly: letters and digits only, case, accents and look-alikes
    folded. ``skeleton("Ａ.d.m.і.n") == skeleton("admin")``."""
    folded = unicodedata.normalize("NFKD", name).casefold()
    kept = "".join(c for c in folded if unicodedata.category(c)[0] in "LN")
    return kept.translate(LOOK_ALIKES).replace("rn", "m")


@dataclass(frozen=True)
class Text:
    """Text from ``min_length`` to ``max_length`` characters, trimmed unless ``strip`` is off."""

    max_length: int
    min_length: int = 1
    multiline: bool = False
    strip: bool = True

    def clean(self, value: str) -> str:
        if self.multiline:
            value = value.replace("\r\n", "\n").replace("\r", "\n")  # as browsers send it
        if (NOT_IN_TEXT if self.multiline else NOT_IN_A_LINE).search(value):
            raise ValueError("contains a character that is not text (a control character)")
        if self.strip:
            value = value.strip()
        if not value.strip() and self.min_length > 0:
            raise ValueError("must not be empty")
        if len(value) < self.min_length:
            raise ValueError(f"must be at least {self.min_length} characters")
        if len(value) > self.max_length:
            raise ValueError(f"must be at most {self.max_length} characters, not {len(value)}")
        return value


@dataclass(frozen=True)
class Name:
    """A person's name: NFKC-normalised, trimmed, nothing invisible, reordering or piled up."""

    max_length: int = 50

    def clean(self, value: str) -> str:
        value = Text(self.max_length).clean(unicodedata.normalize("NFKC", value))
        hidden = invisible(value)
        if hidden:
            raise ValueError(f"contains a character that hides or reorders text ({hidden})")
        return value


@dataclass(frozen=True)
class Email:
    """An email address in its one canonical form: NFKC, case-folded, trimmed, then measured.

    One address, one form, whatever the database compares: "ＡＮＮ@example.com" is
    ann@example.com; and the length is the stored one ("İ" lower-cases to two characters).
    """

    max_length: int = 254  # the longest address mail servers accept (RFC 5321)

    def clean(self, value: str) -> str:
        if NOT_IN_A_LINE.search(value):
            raise ValueError("contains a character that is not text (a control character)")
        value = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())
        value = Text(self.max_length).clean(value)
        hidden = invisible(value)
        if hidden:
            raise ValueError(f"contains a character that hides text ({hidden})")
        if not EMAIL.fullmatch(value):
            raise ValueError("must be an email address, like ann@example.com")
        return value


@dataclass(frozen=True)
class Password:
    """A password: kept exactly as typed (spaces count), from 8 to 128 characters."""

    min_length: int = 8
    max_length: int = 128

    def clean(self, value: str) -> str:
        return Text(self.max_length, self.min_length, strip=False).clean(value)


# The longest article: a thick book. At most 4 bytes a character, it always fits MySQL's
# MEDIUMTEXT (16 MiB); with the default 1 MiB body limit, the 413 comes first anyway.
CONTENT_LENGTH = 1_000_000

REGISTRATION = {"name": Name(), "email": Email(), "password": Password()}
# Signing in checks only what is needed to look: a rule changed since registering must not
# lock anyone out.
SIGN_IN = {"email": Email(), "password": Password(min_length=1)}
PASSWORD_CHANGE = {"current": Password(min_length=1), "password": Password()}
BLOG = {
    "name": Text(100),
    "summary": Text(200, multiline=True),
    "content": Text(CONTENT_LENGTH, multiline=True, strip=False),  # markdown: spaces matter
}
COMMENT = {"content": Text(2000, multiline=True)}
PREVIEW = {"text": Text(CONTENT_LENGTH, min_length=0, multiline=True, strip=False)}


def clean(rules: Mapping, values: Mapping) -> dict:
    """The cleaned value of each field of ``rules``; ``APIValueError`` for the first bad one.

    A field missing, null or of another type than text (a JSON number, an uploaded file) is
    refused like a field too long: with a 400 that names it. Values for other names are ignored.
    """
    cleaned = {}
    for field, rule in rules.items():
        value = values.get(field)
        if value is None:
            raise APIValueError(field, f"{field}: required")
        if not isinstance(value, str):
            raise APIValueError(field, f"{field}: expected text, not {type(value).__name__}")
        try:
            cleaned[field] = rule.clean(value)
        except ValueError as exc:
            raise APIValueError(field, f"{field}: {exc}") from None
    return cleaned
