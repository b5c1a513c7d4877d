"""config.py: defaults < override file < environment < flags, checked values, a kept secret."""

import dataclasses
import stat
import threading

import pytest

SECRET = "s" * 40


@pytest.fixture
def config(workbook, day):
    """The day's config module."""
    return workbook.load(day, "config")


@pytest.fixture
def instance(tmp_path):
    """An empty instance folder of the test's own, so the real one is never touched."""
    return tmp_path / "instance"


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_serve_on_localhost_9000_with_sqlite_in_the_instance_folder(config, instance):
    settings = config.load_config(environ={}, instance_path=instance)
    assert (settings.host, settings.port) == ("127.0.0.1", 9000)
    assert settings.db_url == f"sqlite:///{instance.resolve() / 'blog.db'}"
    assert settings.instance_path == instance.resolve()
    assert settings.max_body_size == 1024 * 1024
    assert settings.secure_cookie == "auto" and settings.trust_proxy is False


# The README's table of settings, for the defaults it states.
README_DEFAULTS = {
    "session_max_age": 604800,
    "page_size": 10,
    "signin_failure_delay": 1.0,
    "db_timeout": 5.0,
    "comments_per_minute": 5,
    "site_title": "Awesome Python Blog",
    "site_url": "",
}


def test_every_other_default_is_the_one_the_readme_states(config, instance):
    settings = config.load_config(environ={}, instance_path=instance)
    assert {name: getattr(settings, name) for name in README_DEFAULTS} == README_DEFAULTS


# Each range's edges, as the README states them: the edge is taken, one step past it refused.
EDGES = [
    ("BLOG_PORT", ["0", "65535"], ["-1", "65536"]),
    ("BLOG_SESSION_MAX_AGE", ["1"], ["0"]),
    ("BLOG_MAX_BODY_SIZE", ["1"], ["0"]),
    ("BLOG_PAGE_SIZE", ["1"], ["0"]),
    ("BLOG_COMMENTS_PER_MINUTE", ["1"], ["0"]),
    ("BLOG_SIGNIN_FAILURE_DELAY", ["0", "60"], ["-0.5", "60.5"]),
    ("BLOG_DB_TIMEOUT", ["0.001", "300"], ["0", "300.5"]),
    ("BLOG_SECRET", ["s" * 32], ["s" * 31]),
]


@pytest.mark.parametrize("variable, taken, refused", EDGES, ids=[row[0] for row in EDGES])
def test_each_range_takes_its_edges_and_refuses_one_step_past(
    config, instance, variable, taken, refused
):
    for value in taken:
        config.load_config(environ={variable: value}, instance_path=instance)
    for value in refused:
        with pytest.raises(config.ConfigError, match=variable):
            config.load_config(environ={variable: value}, instance_path=instance)


@pytest.mark.parametrize(
    "in_file, in_environment, in_flags, expected",
    [
        (None, None, None, 9000),
        (9001, None, None, 9001),
        (9001, "9002", None, 9002),
        (9001, "9002", 9003, 9003),
        (None, "9002", 9003, 9003),
        (9001, None, 9003, 9003),
        (9001, "", None, 9001),  # an empty variable counts as unset
    ],
)
def test_each_source_overrides_the_ones_before_it(
    config, instance, in_file, in_environment, in_flags, expected
):
    if in_file is not None:
        write(instance / "config.toml", f"port = {in_file}\n")
    environ = {} if in_environment is None else {"BLOG_PORT": in_environment}
    settings = config.load_config({"port": in_flags}, environ=environ, instance_path=instance)
    assert settings.port == expected


def test_the_environment_sets_every_documented_setting(config, instance):
    environ = {
        "DATABASE_URL": "mysql://blog:pw@db.example:3306/blog",
        "BLOG_SECRET": SECRET,
        "BLOG_HOST": "0.0.0.0",
        "BLOG_PORT": "8080",
        "BLOG_SESSION_MAX_AGE": "3600",
        "BLOG_SECURE_COOKIE": "always",
        "BLOG_TRUST_PROXY": "yes",
        "BLOG_MAX_BODY_SIZE": "2048",
        "BLOG_PAGE_SIZE": "5",
        "BLOG_SIGNIN_FAILURE_DELAY": "0.25",
        "BLOG_DB_TIMEOUT": "2.5",
        "BLOG_SITE_URL": "https://blog.example.com",
    }
    settings = config.load_config(environ=environ, instance_path=instance)
    assert settings.db_url == "mysql://blog:pw@db.example:3306/blog"
    assert settings.secret == SECRET
    assert (settings.host, settings.port) == ("0.0.0.0", 8080)
    assert (settings.session_max_age, settings.secure_cookie) == (3600, "always")
    assert settings.trust_proxy is True
    assert (settings.max_body_size, settings.page_size) == (2048, 5)
    assert (settings.signin_failure_delay, settings.db_timeout) == (0.25, 2.5)
    assert settings.site_url == "https://blog.example.com"
    # Nothing was written: a configured database and secret need no instance folder.
    assert not instance.exists()


def test_an_override_file_can_be_named_by_argument_or_by_blog_config(config, instance, tmp_path):
    named = write(tmp_path / "site.toml", 'host = "0.0.0.0"\npage_size = 3\n')
    by_argument = config.load_config(config_file=named, environ={}, instance_path=instance)
    by_variable = config.load_config(environ={"BLOG_CONFIG": str(named)}, instance_path=instance)
    assert (by_argument.host, by_argument.page_size) == ("0.0.0.0", 3)
    assert (by_variable.host, by_variable.page_size) == ("0.0.0.0", 3)


def test_a_named_file_replaces_the_instance_config_file(config, instance, tmp_path):
    write(instance / "config.toml", "page_size = 7\nport = 9100\n")
    named = write(tmp_path / "site.toml", "page_size = 3\n")
    settings = config.load_config(config_file=named, environ={}, instance_path=instance)
    assert (settings.page_size, settings.port) == (3, 9000)


def test_without_a_configured_secret_one_is_generated_once_and_kept_private(config, instance):
    first = config.load_config(environ={}, instance_path=instance)
    second = config.load_config(environ={}, instance_path=instance)
    kept = instance / "secret_key"
    assert first.secret == second.secret == kept.read_text(encoding="ascii").strip()
    assert len(first.secret) >= 32
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert sorted(p.name for p in instance.iterdir()) == ["secret_key"]


def test_each_instance_folder_gets_its_own_random_secret(config, tmp_path):
    one = config.load_config(environ={}, instance_path=tmp_path / "one")
    two = config.load_config(environ={}, instance_path=tmp_path / "two")
    assert one.secret != two.secret


# Deployment: gunicorn starts its workers together, and each would otherwise keep a secret of
# its own, so that a cookie signed by one worker is refused by the next.
@pytest.mark.production
def test_workers_starting_together_all_get_the_same_secret(config, instance):
    secrets, barrier = [], threading.Barrier(8)

    def start_a_worker():
        barrier.wait()
        secrets.append(config.load_secret(instance))

    threads = [threading.Thread(target=start_a_worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(secrets) == 8 and len(set(secrets)) == 1
    assert sorted(p.name for p in instance.iterdir()) == ["secret_key"]


def test_a_configured_secret_is_used_and_nothing_is_written(config, instance):
    settings = config.load_config(
        {"secret": SECRET, "db_url": "sqlite:///x.db"}, environ={}, instance_path=instance
    )
    assert settings.secret == SECRET
    assert not instance.exists()


# Beyond the lesson: a setting printed into a log or a traceback must not carry the secret.
@pytest.mark.production
def test_the_secret_never_shows_in_the_config_repr(config, instance):
    settings = config.load_config(environ={"BLOG_SECRET": SECRET}, instance_path=instance)
    assert SECRET not in repr(settings)


def test_config_is_frozen(config, instance):
    settings = config.load_config(environ={"BLOG_SECRET": SECRET}, instance_path=instance)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.port = 1


@pytest.mark.parametrize(
    "variable, value, words",
    [
        ("BLOG_PORT", "nine thousand", ["BLOG_PORT", "whole number", "nine thousand"]),
        ("BLOG_PORT", "70000", ["BLOG_PORT", "0 to 65535"]),
        ("BLOG_PAGE_SIZE", "0", ["BLOG_PAGE_SIZE", "positive"]),
        ("BLOG_MAX_BODY_SIZE", "-1", ["BLOG_MAX_BODY_SIZE", "positive"]),
        ("BLOG_SESSION_MAX_AGE", "1.5", ["BLOG_SESSION_MAX_AGE", "whole number"]),
        ("BLOG_TRUST_PROXY", "maybe", ["BLOG_TRUST_PROXY", "true or false"]),
        ("BLOG_SECURE_COOKIE", "sometimes", ["BLOG_SECURE_COOKIE", "auto", "always"]),
        ("BLOG_SIGNIN_FAILURE_DELAY", "soon", ["BLOG_SIGNIN_FAILURE_DELAY", "number"]),
        ("BLOG_DB_TIMEOUT", "0", ["BLOG_DB_TIMEOUT", "above 0"]),
        ("BLOG_SITE_URL", "blog.example.com", ["BLOG_SITE_URL", "https://blog.example.com"]),
        ("BLOG_SITE_URL", "https://blog.example.com/x", ["BLOG_SITE_URL", "scheme and host"]),
        ("DATABASE_URL", "postgres://db/blog", ["DATABASE_URL", "sqlite:///", "mysql://"]),
        ("BLOG_SECRET", "too-short", ["BLOG_SECRET", "at least 32 characters"]),
    ],
)
def test_a_bad_environment_value_is_a_clear_error_naming_the_variable(
    config, instance, variable, value, words
):
    with pytest.raises(config.ConfigError) as caught:
        config.load_config(environ={variable: value}, instance_path=instance)
    for word in words:
        assert word in str(caught.value)


# Beyond the lesson too: an error message ends up in a log, so it names the setting, not its value.
@pytest.mark.production
def test_a_bad_secret_is_reported_without_showing_it(config, instance):
    with pytest.raises(config.ConfigError) as caught:
        config.load_config(environ={"BLOG_SECRET": "hunter2-secret"}, instance_path=instance)
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    "text, words",
    [
        ('port = "http"\n', ["config.toml", "port", "whole number"]),
        ("port = true\n", ["config.toml", "port", "whole number"]),
        ("host = 5\n", ["config.toml", "host", "text"]),
        ("colour = 'blue'\n", ["config.toml", "no setting called 'colour'"]),
        ("port = \n", ["config.toml", "not valid TOML"]),
    ],
)
def test_a_bad_override_file_is_a_clear_error_naming_the_file(config, instance, text, words):
    write(instance / "config.toml", text)
    with pytest.raises(config.ConfigError) as caught:
        config.load_config(environ={}, instance_path=instance)
    for word in words:
        assert word in str(caught.value)


def test_a_missing_named_config_file_is_an_error(config, instance, tmp_path):
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(config.ConfigError, match="nowhere.toml"):
        config.load_config(config_file=missing, environ={}, instance_path=instance)


def test_a_bad_flag_is_a_clear_error(config, instance):
    with pytest.raises(config.ConfigError, match="command line.*port"):
        config.load_config({"port": -5}, environ={}, instance_path=instance)


def test_typed_values_from_the_file_are_accepted_as_they_are(config, instance):
    write(instance / "config.toml", "signin_failure_delay = 2\ntrust_proxy = true\n")
    settings = config.load_config(environ={}, instance_path=instance)
    assert settings.signin_failure_delay == 2.0 and settings.trust_proxy is True


def test_the_default_instance_folder_is_inside_the_day_folder(config, workbook, day):
    assert config.INSTANCE == workbook.folder(day) / "instance"


def test_a_config_built_by_hand_is_checked_too(config):
    with pytest.raises(config.ConfigError, match="secret"):
        config.Config(db_url="sqlite:///x.db", secret="short")
    assert config.Config(db_url="sqlite:///x.db", secret=SECRET).port == 9000


# Deployment: under systemd the blog's folder is read-only (deploy/blog.service).
@pytest.mark.production
def test_an_instance_folder_that_cannot_hold_the_secret_asks_for_blog_secret(config, tmp_path):
    not_a_folder = write(tmp_path / "instance", "a file where the folder should be")
    with pytest.raises(config.ConfigError, match="BLOG_SECRET"):
        config.load_config({"db_url": "sqlite:///x.db"}, environ={}, instance_path=not_a_folder)
