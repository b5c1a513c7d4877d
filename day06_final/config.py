"""Configuration: defaults, then an override file, then the environment, then command-line flags.

Each source can override the ones before it, and every value is checked on the way in, so a
bad port or a short secret stops the blog with a message naming the setting and its source.
Notice the secret: it is never a constant in the code. When none is configured, a random one
is made once and kept in the git-ignored instance folder, readable by its owner only.
"""

import os
import re
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

from aiohttp import web

INSTANCE = Path(__file__).resolve().parent / "instance"
MIN_SECRET_LENGTH = 32

# The environment variables the blog reads, and the setting each one sets. BLOG_CONFIG is not a
# setting: it names the override file.
ENVIRONMENT = {
    "DATABASE_URL": "db_url",
    "BLOG_SECRET": "secret",
    "BLOG_HOST": "host",
    "BLOG_PORT": "port",
    "BLOG_SESSION_MAX_AGE": "session_max_age",
    "BLOG_SECURE_COOKIE": "secure_cookie",
    "BLOG_TRUST_PROXY": "trust_proxy",
    "BLOG_MAX_BODY_SIZE": "max_body_size",
    "BLOG_PAGE_SIZE": "page_size",
    "BLOG_SIGNIN_FAILURE_DELAY": "signin_failure_delay",
    "BLOG_DB_TIMEOUT": "db_timeout",
    "BLOG_SITE_URL": "site_url",
    "BLOG_SITE_TITLE": "site_title",
    "BLOG_COMMENTS_PER_MINUTE": "comments_per_minute",
}


class ConfigError(ValueError):
    """A setting that cannot be used; the message names it and where its value came from."""


@dataclass(frozen=True)
class Config:
    """The blog's settings. ``load_config`` builds one; tests may build their own."""

    db_url: str  # sqlite:///path.db or mysql://user:password@host:port/dbname
    secret: str = field(repr=False)  # signs the session cookies; kept out of logs
    host: str = "127.0.0.1"
    port: int = 9000
    session_max_age: int = 7 * 24 * 3600  # seconds a sign-in lasts
    secure_cookie: str = "auto"  # "auto": Secure when the request came over HTTPS; "always"
    trust_proxy: bool = False  # believe X-Forwarded-Proto/-For: only behind your own proxy
    max_body_size: int = 1024 * 1024  # bytes; a larger request body is answered with 413
    page_size: int = 10  # items per page in lists
    signin_failure_delay: float = 1.0  # seconds a failed sign-in waits, to slow down guessing
    db_timeout: float = 5.0  # seconds the database may take to answer; then the page is a 503
    comments_per_minute: int = 5  # comments one account may post in a minute; more is a 429
    # The blog's public address, such as https://blog.example.com, for links that leave the
    # page (the feed's). Empty: each request's own scheme and Host header, fine on your machine;
    # on the internet set it, or anyone's Host header could put their site in a cached feed.
    site_url: str = ""
    site_title: str = "Awesome Python Blog"  # every page's header and title, and the feed's
    instance_path: Path = INSTANCE  # the default database and the generated secret live here

    def __post_init__(self):
        for name in CHECKS:
            problem = _problem(name, getattr(self, name))
            if problem:
                raise ConfigError(problem)


# Where the application keeps its Config, for every handler and middleware to read.
CONFIG = web.AppKey("config", Config)

# What some settings must be: a test, and the words for the error message.
CHECKS = {
    "db_url": (
        lambda v: v.startswith(("sqlite:///", "mysql://")),
        "a database URL starting with sqlite:/// or mysql://",
    ),
    "secret": (lambda v: len(v) >= MIN_SECRET_LENGTH, f"at least {MIN_SECRET_LENGTH} characters"),
    "host": (lambda v: v.strip() != "", "a host name or address"),
    "port": (lambda v: 0 <= v <= 65535, "a port number from 0 to 65535"),
    "session_max_age": (lambda v: v > 0, "a positive number of seconds"),
    "secure_cookie": (lambda v: v in ("auto", "always"), '"auto" or "always"'),
    "max_body_size": (lambda v: v > 0, "a positive number of bytes"),
    "page_size": (lambda v: v > 0, "a positive whole number"),
    "signin_failure_delay": (lambda v: 0 <= v <= 60, "a number of seconds from 0 to 60"),
    "db_timeout": (lambda v: 0 < v <= 300, "a number of seconds above 0, at most 300"),
    "comments_per_minute": (lambda v: v > 0, "a positive whole number"),
    "site_title": (lambda v: v.strip() != "", "the blog's name, not blank"),
    "site_url": (
        lambda v: v == "" or re.fullmatch(r"https?://[^/\s?#]+/?", v) is not None,
        "empty or a scheme and host, such as https://blog.example.com",
    ),
}
# Every setting a source may give, with its type; instance_path is chosen by the caller only.
TYPES = {f.name: f.type for f in fields(Config) if f.name != "instance_path"}
DEFAULTS = {f.name: f.default for f in fields(Config) if f.name in TYPES and f.default != MISSING}
TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _problem(name: str, value: Any) -> str | None:
    """What is wrong with ``value`` for the setting ``name``, or None if it is fine."""
    if name not in CHECKS or CHECKS[name][0](value):
        return None
    shown = "" if name == "secret" else f", not {value!r}"
    return f"{name} must be {CHECKS[name][1]}{shown}"


def _convert(name: str, value: Any) -> Any:
    """``value`` as the setting's type: text (from the environment) is parsed, others checked."""
    kind = TYPES[name]
    if isinstance(value, str) and kind is not str:
        text = value.strip().lower()
        if kind is bool and text in TRUE_WORDS + FALSE_WORDS:
            return text in TRUE_WORDS
        if kind is not bool:
            try:
                return kind(text)
            except ValueError:
                pass
    elif kind is float and type(value) is int:
        return float(value)
    elif type(value) is kind:
        return value
    words = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}
    raise ValueError(f"{name} must be {words[kind]}, not {value!r}")


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except OSError as exc:
        raise ConfigError(f"cannot read the config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None


def _sources(flags, config_file, environ, instance_path):
    """Every value given, lowest precedence first, as (where it came from, setting, value)."""
    named = config_file or environ.get("BLOG_CONFIG")
    path = Path(named) if named else instance_path / "config.toml"
    if named or path.is_file():
        for name, value in _read_file(path).items():
            yield f"{path} ({name})", name, value
    for variable, name in ENVIRONMENT.items():
        # An empty variable counts as unset, as a blank line in an env file would leave it.
        if environ.get(variable, "").strip():
            yield f"environment variable {variable}", name, environ[variable].strip()
    for name, value in (flags or {}).items():
        if value is not None:
            yield f"command line ({name})", name, value


def load_config(
    flags: Mapping[str, Any] | None = None,
    *,
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    instance_path: str | Path = INSTANCE,
) -> Config:
    """The configuration from every source: defaults < file < environment < ``flags``.

    ``flags`` maps setting names to the values given on the command line (None: not given).
    The file is ``config_file``, else ``$BLOG_CONFIG``, else ``instance/config.toml`` if there.
    """
    environ = os.environ if environ is None else environ
    instance_path = Path(instance_path).resolve()
    values = dict(DEFAULTS)
    for source, name, value in _sources(flags, config_file, environ, instance_path):
        if name not in TYPES:
            raise ConfigError(f"{source}: there is no setting called {name!r}")
        try:
            value = _convert(name, value)
        except ValueError as exc:
            raise ConfigError(f"{source}: {exc}") from None
        problem = _problem(name, value)
        if problem:
            raise ConfigError(f"{source}: {problem}")
        values[name] = value
    if "db_url" not in values:
        instance_path.mkdir(parents=True, exist_ok=True)
        values["db_url"] = f"sqlite:///{instance_path / 'blog.db'}"
    if "secret" not in values:
        values["secret"] = load_secret(instance_path)
    return Config(**values, instance_path=instance_path)


def load_secret(instance_path: Path) -> str:
    """The secret kept in ``instance_path/secret_key``, made (once, mode 0600) if missing."""
    path = Path(instance_path) / "secret_key"
    try:
        if not path.exists():
            _create_secret(path)
        secret = path.read_text(encoding="ascii").strip()
    except OSError as exc:
        raise ConfigError(f"cannot keep a secret in {path} ({exc}): set BLOG_SECRET") from None
    if len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(f"{path} holds a secret shorter than {MIN_SECRET_LENGTH} characters")
    return secret


def _create_secret(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write a private draft, then link it into place: a link fails if the name exists, so when
    # several workers start at once exactly one secret wins, and no one reads a half-written file.
    draft = path.with_name(f"{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(secrets.token_urlsafe(32) + "\n")
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
