"""A small ORM: Python classes mapped to tables, on SQLite (aiosqlite) or MySQL (aiomysql).

Read it top to bottom: the errors, the two backends (everything that differs between SQLite
and MySQL lives in those two classes), the pool and query functions, then the fields, the
metaclass that turns a class body into a table mapping with its SQL, and Model itself.
Notice that every query, whoever writes it, goes through `select` or `execute`.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import re
import sqlite3
from collections.abc import Awaitable, Callable
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

import aiomysql
import aiosqlite
import pymysql
from pymysql.constants import CLIENT, FIELD_TYPE

log = logging.getLogger(__name__)


# --- errors --------------------------------------------------------------------------------


class DatabaseError(Exception):
    """The database refused or failed to do something; the driver's own error is chained."""


class IntegrityError(DatabaseError):
    """A constraint said no: a duplicate primary key or unique value, or a missing value."""


class RowNotFoundError(DatabaseError):
    """update() or remove() found no row with the object's primary key."""


class DatabaseUnavailableError(DatabaseError):
    """The server cannot be reached, dropped the connection, or did not answer in time."""


# --- backends: what differs between SQLite and MySQL ---------------------------------------


class Backend:
    """The SQL dialect and the connections of one kind of database.

    The dialect half (quoting, placeholders, column types, CREATE TABLE) is class-level: the
    metaclass and the schema generator need it before any connection exists.
    """

    name = ""
    quote_char = '"'
    types: dict[str, str] = {}  # column types this database spells differently
    driver_errors: tuple[type[Exception], ...] = ()
    pooled = False  # True: connections are lent from a pool, and connection() can keep one
    remote = False  # True: a server across a network, which can leave a query hanging

    @classmethod
    def quote(cls, identifier: str) -> str:
        return f"{cls.quote_char}{identifier}{cls.quote_char}"

    @staticmethod
    def translate(sql: str) -> str:
        """The ORM's SQL (with ? placeholders) as this driver wants it."""
        return sql

    @classmethod
    def column(cls, field: Field) -> str:
        return f"{cls.quote(field.name)} {cls.types.get(field.ddl, field.ddl)} NOT NULL"

    @classmethod
    def indexes(cls, model: type[Model]) -> list[tuple[str, str, Field]]:
        """(name, kind, field) of each index; names carry the table's, as SQLite's are global."""
        return [
            (f"{model.__table__}_{field.name}", "UNIQUE " if field.unique else "", field)
            for field in model.__mappings__.values()
            if field.unique or field.index
        ]

    def __init__(self, url: str, timeout: float):
        self.timeout = timeout

    def abandon(self) -> None:
        """Let the connections go at once, with no event loop to close them (abandon_pool)."""


class SQLiteBackend(Backend):
    """One connection for the whole process, shared by every task; a transaction has it alone.

    SQLite allows one writer at a time: with a single connection in autocommit mode, "database
    is locked" never happens inside the app. aiosqlite runs the connection's statements one by
    one in its thread, in the order they were handed over, so tasks need not take turns: each
    hands its statement over and waits for its own answer. Only a transaction takes the lock,
    and while it holds it, other tasks' statements wait, so none slips into its transaction.
    """

    name = "sqlite"
    quote_char = '"'
    driver_errors = (sqlite3.Error,)

    @classmethod
    def create_table(cls, model: type[Model]) -> list[str]:
        q, table = cls.quote, cls.quote(model.__table__)
        lines = [cls.column(field) for field in model.__mappings__.values()]
        lines.append(f"PRIMARY KEY ({q(model.__mappings__[model.__primary_key__].name)})")
        statements = [f"CREATE TABLE IF NOT EXISTS {table} (\n  " + ",\n  ".join(lines) + "\n)"]
        for name, kind, field in cls.indexes(model):
            statements.append(
                f"CREATE {kind}INDEX IF NOT EXISTS {q(name)} ON {table} ({q(field.name)})"
            )
        return statements

    def __init__(self, url: str, timeout: float):
        super().__init__(url, timeout)
        # sqlite:///blog.db is relative to the working directory, sqlite:////srv/blog.db absolute.
        self.location = url.removeprefix("sqlite:///")
        if not self.location or self.location == url:
            raise ValueError("an SQLite URL looks like sqlite:///blog.db or sqlite:///:memory:")

    # Not remote: a local file answers or fails, and sqlite3's timeout= bounds the wait for a
    # lock another process holds, so its queries need no deadline of ours.

    async def open(self) -> None:
        self._lock = asyncio.Lock()
        # timeout= is SQLite's own wait for a lock another process holds on the file.
        self._conn = await aiosqlite.connect(
            self.location, isolation_level=None, timeout=self.timeout
        )
        self._conn.row_factory = sqlite3.Row
        if self.location != ":memory:":
            try:
                # Write-ahead logging: readers in other processes do not block the writer.
                await self._conn.execute("PRAGMA journal_mode=WAL")
            except BaseException:
                await self._conn.close()
                raise

    async def close(self) -> None:
        await self._conn.close()

    def abandon(self) -> None:
        # aiosqlite's thread waits for its next statement forever, and Python waits for that
        # thread at exit: stop() sends it the last one (close the connection, then end).
        self._conn.stop()

    async def acquire(self, *, transaction: bool = False) -> aiosqlite.Connection:
        if transaction:
            await self._lock.acquire()
        elif self._lock.locked():
            # Wait while a transaction holds the connection, but do not hold it: the statement
            # is handed over before any other task runs, and its answer awaited without the lock.
            async with self._lock:
                pass
        return self._conn

    def release(self, conn: aiosqlite.Connection, *, transaction: bool = False) -> None:
        if transaction:
            self._lock.release()

    async def fetch(self, conn, sql: str, args: tuple, size: int | None) -> tuple[list, list]:
        # execute_fetchall runs the query and reads the rows in one trip to SQLite's thread.
        rows = await conn.execute_fetchall(sql, args)
        return (rows[0].keys() if rows else []), rows[:size]

    async def run(self, conn, sql: str, args: tuple) -> int:
        cursor = await conn.execute(sql, args)
        return cursor.rowcount

    def error(self, exc: Exception) -> DatabaseError:
        if isinstance(exc, sqlite3.IntegrityError):
            return IntegrityError(str(exc))
        # Another process held the file longer than the timeout: busy, like a server is.
        if getattr(exc, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            return DatabaseUnavailableError(f"{exc} (SQLite database {self.location})")
        return DatabaseError(f"{exc} (SQLite database {self.location})")


# A quoted string or identifier (kept as it is), a ? placeholder, or a lone %.
_MYSQL_TOKEN = re.compile(r"""'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|`[^`]*`|[?%]""")


def _mysql_token(match: re.Match) -> str:
    token = match.group()
    if token == "?":
        return "%s"
    # pymysql fills %s in with Python's % operator, so every literal % must be doubled.
    return token.replace("%", "%%")


class MySQLBackend(Backend):
    """A pool of aiomysql connections (MySQL or MariaDB), in autocommit mode.

    A connection that was cut off or cancelled half-way through a query is closed by aiomysql,
    and the pool drops closed ones and those the server hung up on: when the server comes back,
    the next query simply opens a new connection.
    """

    name = "mysql"
    quote_char = "`"
    pooled = True
    remote = True
    max_connections = 10
    # MySQL's TEXT stops at 64 KB; MEDIUMTEXT holds 16 MB, enough for any article.
    types = {"text": "mediumtext"}
    driver_errors = (pymysql.MySQLError,)
    # Server errors that mean "the server, not the query, is the problem".
    unavailable_codes = {1040, 1053, 1927}  # too many connections, shutting down, killed

    @classmethod
    def create_table(cls, model: type[Model]) -> list[str]:
        q = cls.quote
        lines = [cls.column(field) for field in model.__mappings__.values()]
        lines.append(f"PRIMARY KEY ({q(model.__mappings__[model.__primary_key__].name)})")
        lines += [
            f"{kind}KEY {q(name)} ({q(field.name)})" for name, kind, field in cls.indexes(model)
        ]
        return [
            f"CREATE TABLE IF NOT EXISTS {q(model.__table__)} (\n  "
            + ",\n  ".join(lines)
            # unicode_520_ci tells emoji apart; older collations treat them all as equal.
            + "\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci"
        ]

    @staticmethod
    @functools.lru_cache(maxsize=1024)
    def translate(sql: str) -> str:
        # Cached: a model's statements are a handful of fixed strings.
        return _MYSQL_TOKEN.sub(_mysql_token, sql)

    def __init__(self, url: str, timeout: float):
        super().__init__(url, timeout)
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 3306
        self.user, self.db = unquote(parts.username or "root"), parts.path.lstrip("/")
        self._password = unquote(parts.password or "")
        if not self.db:
            raise ValueError("a MySQL URL names its database: mysql://user:password@host:3306/blog")

    async def open(self) -> None:
        # The connections lent at this moment, counted by us as well as by aiomysql's pool: the
        # pool wakes a task waiting for a connection only when a working one comes back, so
        # when the server goes away, that task would wait out its whole deadline. A semaphore
        # wakes it as soon as any connection comes back, and it fails (or connects) at once.
        self._lent = asyncio.Semaphore(self.max_connections)
        # SUM() and AVG() answer DECIMAL; read it as the int or float SQLite would give.
        decoders = dict(pymysql.converters.decoders)
        for decimal in (FIELD_TYPE.DECIMAL, FIELD_TYPE.NEWDECIMAL):
            decoders[decimal] = lambda text: float(text) if "." in text else int(text)
        self._pool = await aiomysql.create_pool(
            minsize=1,  # connect now, so a wrong URL fails at start-up, not on the first page
            maxsize=self.max_connections,
            host=self.host,
            port=self.port,
            user=self.user,
            password=self._password,
            db=self.db,
            charset="utf8mb4",  # all of Unicode, emoji included
            autocommit=True,
            # An UPDATE reports the rows it matched, not only those it changed.
            client_flag=CLIENT.FOUND_ROWS,
            connect_timeout=self.timeout,
            # Notes such as "table already exists" (after CREATE TABLE IF NOT EXISTS) would
            # otherwise come back as Python warnings, and cost a SHOW WARNINGS each.
            init_command="SET SESSION sql_notes = 0",
            conv=decoders,
        )

    async def close(self) -> None:
        self._pool.close()
        await self._pool.wait_closed()
        # Closing a socket finishes on the next turn of the event loop: give it that turn.
        await asyncio.sleep(0)

    async def acquire(self, *, transaction: bool = False) -> aiomysql.Connection:
        await self._lent.acquire()
        try:
            return await self._pool.acquire()
        except BaseException:
            self._lent.release()
            raise

    def release(self, conn: aiomysql.Connection, *, transaction: bool = False) -> None:
        self._pool.release(conn)
        self._lent.release()

    async def fetch(self, conn, sql: str, args: tuple, size: int | None) -> tuple[list, list]:
        async with conn.cursor() as cursor:
            await cursor.execute(sql, args)
            rows = await (cursor.fetchall() if size is None else cursor.fetchmany(size))
            return [column[0] for column in cursor.description or ()], rows

    async def run(self, conn, sql: str, args: tuple) -> int:
        async with conn.cursor() as cursor:
            await cursor.execute(sql, args)
            return cursor.rowcount

    def error(self, exc: Exception) -> DatabaseError:
        # pymysql's errors carry (code, message); a few carry only a message.
        code = exc.args[0] if len(exc.args) == 2 else 0
        message = exc.args[-1] if exc.args else type(exc).__name__
        where = f"MySQL at {self.host}:{self.port}"
        if isinstance(exc, pymysql.IntegrityError):
            return IntegrityError(message)
        if code == 1045:
            return DatabaseError(
                f"{where}: access denied for user {self.user!r}; check the user and password in"
                f" the database URL ({message})"
            )
        # 2000-2999 are the client's own errors: cannot connect, server gone, connection lost.
        if isinstance(exc, pymysql.InterfaceError) or 2000 <= code < 3000:
            return DatabaseUnavailableError(f"{where}: {message}")
        if code in self.unavailable_codes:
            return DatabaseUnavailableError(f"{where}: {message}")
        return DatabaseError(f"{where}: error {code}: {message}")


BACKENDS: dict[str, type[Backend]] = {"sqlite": SQLiteBackend, "mysql": MySQLBackend}


# --- the pool and the query functions ------------------------------------------------------

_backend: Backend | None = None
# The connection kept for the block this task is in (connection() or transaction()), if any:
# every query of the block, however deep in the code, runs on it.
_kept_conn: contextvars.ContextVar = contextvars.ContextVar("connection", default=None)
_in_transaction: contextvars.ContextVar[bool] = contextvars.ContextVar("transaction", default=False)
# Functions called as listener(sql, args) before each statement runs: code that wants to know
# every statement (day 5's trace of each request) hears it here, for the price of a call. The
# log is for people: a log record costs far more, and is made only when a log will show it.
statement_listeners: list[Callable[[str, tuple], None]] = []


# The timeout is the pool's setting for every later query, not a limit on this one call.
async def create_pool(url: str, *, timeout: float = 5.0) -> None:  # noqa: ASYNC109
    """Connect to the database at `url`; every query then waits at most `timeout` seconds.

    URLs: sqlite:///relative.db, sqlite:////absolute.db, sqlite:///:memory:,
    mysql://user:password@host:3306/dbname.
    """
    global _backend
    if _backend is not None:
        raise RuntimeError("a database pool is already open: call close_pool() first")
    scheme = urlsplit(url).scheme
    if scheme not in BACKENDS:
        raise ValueError(
            f"unsupported database URL scheme {scheme!r}: use one of {', '.join(BACKENDS)}"
            " (for example sqlite:///blog.db)"
        )
    backend = BACKENDS[scheme](url, timeout)
    await _guarded(backend, backend.open())
    _backend = backend


async def close_pool() -> None:
    """Close every connection; create_pool() may be called again afterwards."""
    global _backend
    backend, _backend = _backend, None
    if backend is not None:
        await backend.close()


def abandon_pool() -> None:
    """Let go of the pool without an event loop: the last word of a process on its way out.

    A server's shutdown can be cut short (a second Ctrl+C while it cleans up) before
    close_pool() ran. An SQLite connection left open keeps a thread that Python waits for at
    exit, forever: call this after the event loop has stopped, and the process can end. After
    close_pool(), it does nothing.
    """
    global _backend
    backend, _backend = _backend, None
    if backend is not None:
        backend.abandon()


def _current() -> Backend:
    if _backend is None:
        raise RuntimeError("no database pool: await create_pool(url) first")
    return _backend


async def _guarded(backend: Backend, work: Awaitable):
    """Await `work` (a remote server's within a deadline), turning the driver's errors into ours."""
    try:
        if not backend.remote:
            return await work
        # A server can die, or the network drop, in the middle of a query: without a deadline,
        # the query would wait for an answer forever. With it, the page answers 503 quickly.
        async with asyncio.timeout(backend.timeout):
            return await work
    except backend.driver_errors as exc:
        raise backend.error(exc) from exc
    except TimeoutError as exc:
        message = f"the {backend.name} database did not answer within {backend.timeout} s"
        raise DatabaseUnavailableError(message) from exc
    except OSError as exc:
        raise DatabaseUnavailableError(f"lost the {backend.name} database: {exc}") from exc


async def _on_a_connection(backend: Backend, query, *args):
    """Run query(conn, *args) on the connection this task keeps, or on one borrowed for it."""
    conn = _kept_conn.get()
    if conn is not None:
        return await query(conn, *args)
    conn = await backend.acquire()
    try:
        return await query(conn, *args)
    finally:
        backend.release(conn)


async def _run(sql: str, args, query: str, *more):
    """Every statement passes here: translated, logged, told to the listeners, then run."""
    backend = _current()
    sql, args = backend.translate(sql), tuple(args or ())
    log.info("%s  %s", sql, args)
    for listener in statement_listeners:
        listener(sql, args)
    work = _on_a_connection(backend, getattr(backend, query), sql, args, *more)
    return await _guarded(backend, work)


async def select(sql: str, args=(), size: int | None = None) -> list[dict]:
    """Run a query with ? placeholders; return its rows (at most `size`) as dicts."""
    names, rows = await _run(sql, args, "fetch", size)
    # The names are read once per query: dict(zip()) is the cheapest way to a dict per row.
    return [dict(zip(names, row, strict=False)) for row in rows]


async def execute(sql: str, args=()) -> int:
    """Run an INSERT, UPDATE, DELETE or DDL statement; return the number of rows it matched."""
    return await _run(sql, args, "run")


@contextlib.asynccontextmanager
async def _keeping_a_connection(*, transaction: bool):
    """Borrow a connection for the whole block, unless the task keeps one already."""
    backend = _current()
    if _kept_conn.get() is not None or not (transaction or backend.pooled):
        yield
        return
    conn = await _guarded(backend, backend.acquire(transaction=transaction))
    token = _kept_conn.set(conn)
    try:
        yield
    finally:
        _kept_conn.reset(token)
        backend.release(conn, transaction=transaction)


def connection():
    """Run the block's queries on one connection, borrowed once for all of them.

    A page that runs several queries then waits for a free connection once, not once per
    query. On SQLite, whose single connection every task shares, the block changes nothing.
    Inside, run queries one after another (not with asyncio.gather): they share a connection.
    """
    return _keeping_a_connection(transaction=False)


@contextlib.asynccontextmanager
async def transaction():
    """Run the block's queries on one connection; commit them all, or roll them all back.

    Inside, run queries one after another (not with asyncio.gather): they share a connection.
    A transaction inside another one simply joins it; inside connection(), it uses that one.
    """
    if _in_transaction.get():
        yield
        return
    async with _keeping_a_connection(transaction=True):
        token = _in_transaction.set(True)
        try:
            await execute("BEGIN")
            yield
            await execute("COMMIT")
        except BaseException:
            # If the connection itself is broken, the server has already dropped the transaction.
            with contextlib.suppress(DatabaseError):
                await execute("ROLLBACK")
            raise
        finally:
            _in_transaction.reset(token)


async def create_tables(*models: type[Model]) -> None:
    """Create each model's table and indexes, unless they exist, in the current backend's SQL."""
    backend = _current()
    for model in models:
        for statement in backend.create_table(model):
            await execute(statement)


# --- fields ---------------------------------------------------------------------------------


class Field:
    """One column: its name, SQL type and constraints, and the default save() fills in.

    `default` may be a value or a callable (called at each save, like time.time).
    """

    convert = None  # turns what the drivers return into the Python type, where they differ

    def __init__(
        self,
        name=None,
        ddl="varchar(100)",
        primary_key=False,
        default=None,
        unique=False,
        index=False,
    ):
        self.name, self.ddl, self.primary_key = name, ddl, primary_key
        self.default, self.unique, self.index = default, unique, index

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}: {self.ddl}>"


class StringField(Field):
    def __init__(self, name=None, primary_key=False, default=None, ddl="varchar(100)", **options):
        super().__init__(name, ddl, primary_key, default, **options)


class BooleanField(Field):
    convert = bool  # both databases store a boolean as the integer 0 or 1

    def __init__(self, name=None, default=False, **options):
        super().__init__(name, "boolean", default=default, **options)


class IntegerField(Field):
    def __init__(self, name=None, primary_key=False, default=0, **options):
        super().__init__(name, "bigint", primary_key, default, **options)


class FloatField(Field):
    def __init__(self, name=None, primary_key=False, default=0.0, **options):
        super().__init__(name, "double", primary_key, default, **options)


class TextField(Field):
    def __init__(self, name=None, default=None, **options):
        super().__init__(name, "text", default=default, **options)


# --- the metaclass: from a class body to a table mapping and its SQL ------------------------


class Statements(NamedTuple):
    """The SQL a model needs, written once per backend when the class is created."""

    select: str
    find: str
    insert: str
    update: str
    delete: str


def _select_list(backend: type[Backend], table: str, mappings: dict) -> str:
    """SELECT of these fields ({attribute: Field}), each read back under its attribute's name."""
    q = backend.quote
    columns = ", ".join(
        q(f.name) if f.name == key else f"{q(f.name)} AS {q(key)}" for key, f in mappings.items()
    )
    return f"SELECT {columns} FROM {q(table)}"


def _statements(backend: type[Backend], table: str, mappings: dict, primary_key: str):
    q = backend.quote
    where_pk = f"WHERE {q(mappings[primary_key].name)} = ?"
    others = [f for key, f in mappings.items() if key != primary_key]
    select = _select_list(backend, table, mappings)
    return Statements(
        select=select,
        find=f"{select} {where_pk}",
        insert=f"INSERT INTO {q(table)} ({', '.join(q(f.name) for f in mappings.values())})"
        f" VALUES ({', '.join('?' * len(mappings))})",
        update=f"UPDATE {q(table)} SET {', '.join(f'{q(f.name)} = ?' for f in others)} {where_pk}",
        delete=f"DELETE FROM {q(table)} {where_pk}",
    )


class ModelMetaclass(type):
    """Runs once per model class: collects its Fields, checks them, and writes its SQL."""

    def __new__(mcs, name, bases, attrs):
        mappings = {key: value for key, value in attrs.items() if isinstance(value, Field)}
        if not mappings:  # Model itself, or a class that maps no table
            return super().__new__(mcs, name, bases, attrs)
        keys = [key for key, field in mappings.items() if field.primary_key]
        if len(keys) != 1:
            raise TypeError(f"{name} needs exactly one primary_key field, it has {len(keys)}")
        for key, field in mappings.items():
            if any(hasattr(base, key) for base in bases):
                raise TypeError(f"{name}.{key}: a field cannot take the name of a Model method")
            field.name = field.name or key
            # Without the Field on the class, `user.email` falls through to the dict's value.
            del attrs[key]
        table = attrs.setdefault("__table__", name.lower())
        attrs["__mappings__"] = mappings
        attrs["__primary_key__"] = keys[0]
        attrs["__fields__"] = [key for key in mappings if key != keys[0]]
        attrs["__converters__"] = {k: f.convert for k, f in mappings.items() if f.convert}
        attrs["__sql__"] = {
            backend.name: _statements(backend, table, mappings, keys[0])
            for backend in BACKENDS.values()
        }
        return super().__new__(mcs, name, bases, attrs)


# findAll(orderBy=...) and findNumber(selectField) accept only these shapes, naming columns.
_ORDER_BY = re.compile(r"\s*(\w+)(?:\s+(asc|desc))?\s*", re.IGNORECASE)
_SELECT_FIELD = re.compile(r"\s*(?:(count|max|min|sum|avg)\s*\(\s*(\*|\w+)\s*\)|(\w+))\s*", re.I)


class Model(dict, metaclass=ModelMetaclass):
    """A row as a dict whose keys also read as attributes: `user.name is user["name"]`."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} object has no value {key!r}") from None

    def __setattr__(self, key, value):
        self[key] = value

    @classmethod
    async def _select(cls, sql: str, args, size: int | None = None) -> list[Model]:
        """Like select(), but each row is built as an object of this class, values converted."""
        names, rows = await _run(sql, args, "fetch", size)
        objects = [cls(zip(names, row, strict=False)) for row in rows]
        for key, convert in cls.__converters__.items():
            if key in names:  # findAll(columns=...) may have left it out
                for obj in objects:
                    if obj[key] is not None:
                        obj[key] = convert(obj[key])
        return objects

    @classmethod
    def _key(cls, name: str) -> str:
        """The attribute for one of this model's column or attribute names; else a ValueError."""
        for key, field in cls.__mappings__.items():
            if name in (key, field.name):
                return key
        raise ValueError(f"{cls.__name__} has no column {name!r}")

    @classmethod
    def _column(cls, name: str, backend: type[Backend]) -> str:
        """The quoted column for one of this model's column names; anything else is refused."""
        return backend.quote(cls.__mappings__[cls._key(name)].name)

    # The clauses below are checked and written once for each model, orderBy, selectField or
    # list of columns, and looked up afterwards: code asks for the same few again and again.

    @classmethod
    @functools.lru_cache(maxsize=256)
    def _select_columns(cls, columns: tuple[str, ...], backend: type[Backend]) -> str:
        if not columns:
            raise ValueError("columns takes at least one column name")
        mappings = {key: cls.__mappings__[key] for key in map(cls._key, columns)}
        return _select_list(backend, cls.__table__, mappings)

    @classmethod
    @functools.lru_cache(maxsize=256)
    def _order_by(cls, order_by: str, backend: type[Backend]) -> str:
        terms = []
        for term in order_by.split(","):
            match = _ORDER_BY.fullmatch(term)
            if not match:
                raise ValueError(f"orderBy takes 'column [asc|desc], ...', not {order_by!r}")
            column, direction = match.groups()
            terms.append(f"{cls._column(column, backend)} {(direction or 'asc').upper()}")
        return ", ".join(terms)

    @classmethod
    @functools.lru_cache(maxsize=256)
    def _select_field(cls, select_field: str, backend: type[Backend]) -> str:
        match = _SELECT_FIELD.fullmatch(select_field)
        if not match:
            raise ValueError(
                f"selectField takes a column or count/max/min/sum/avg of one, not {select_field!r}"
            )
        function, argument, column = match.groups()
        if column:
            return cls._column(column, backend)
        if argument == "*":
            if function.lower() != "count":
                raise ValueError(f"only count(*) takes *, not {select_field!r}")
            return "count(*)"
        return f"{function.lower()}({cls._column(argument, backend)})"

    @classmethod
    async def find(cls, pk) -> Model | None:
        """The object whose primary key is `pk`, or None."""
        found = await cls._select(cls.__sql__[_current().name].find, (pk,), 1)
        return found[0] if found else None

    @classmethod
    async def findAll(
        cls, where=None, args=None, orderBy=None, limit=None, *, columns=None
    ) -> list[Model]:
        """Objects matching `where` (SQL with ? placeholders filled from `args`).

        `orderBy` is 'column [asc|desc], ...'; `limit` is a count or an (offset, count) pair.
        `columns` names the only columns to read, and the objects then hold those alone: a
        list of articles need not read every article's text.
        """
        backend = type(_current())
        if columns is None:
            select = cls.__sql__[backend.name].select
        elif isinstance(columns, list | tuple) and all(isinstance(c, str) for c in columns):
            select = cls._select_columns(tuple(columns), backend)
        else:
            raise ValueError(f"columns takes a list of column names, not {columns!r}")
        sql, args = [select], list(args or ())
        if where:
            sql.append(f"WHERE {where}")
        if orderBy:
            sql.append(f"ORDER BY {cls._order_by(orderBy, backend)}")
        if limit is not None:
            offset, count = _limit(limit)
            sql.append("LIMIT ? OFFSET ?")
            args += [count, offset]
        return await cls._select(" ".join(sql), args)

    @classmethod
    async def findNumber(cls, selectField, where=None, args=None):
        """One number about the table, such as findNumber('count(*)') or 'max(created_at)'."""
        backend = type(_current())
        sql = f"SELECT {cls._select_field(selectField, backend)} AS _num_ FROM"
        sql += f" {backend.quote(cls.__table__)}" + (f" WHERE {where}" if where else "")
        rows = await select(sql, args or (), 1)
        return rows[0]["_num_"] if rows else None

    async def save(self) -> None:
        """INSERT this object, filling its defaults in first: `self.id` is set afterwards."""
        for key, field in self.__mappings__.items():
            if self.get(key) is None and field.default is not None:
                default = field.default
                self[key] = default() if callable(default) else default
        await execute(self._sql().insert, [self.get(key) for key in self.__mappings__])

    async def update(self) -> None:
        """UPDATE this object's row with its values; RowNotFoundError if the row is gone."""
        args = [self.get(key) for key in self.__fields__] + [self.get(self.__primary_key__)]
        if await execute(self._sql().update, args) == 0:
            raise RowNotFoundError(self._missing("update"))

    async def remove(self) -> None:
        """DELETE this object's row; RowNotFoundError if it is already gone."""
        if await execute(self._sql().delete, [self.get(self.__primary_key__)]) == 0:
            raise RowNotFoundError(self._missing("remove"))

    def _sql(self) -> Statements:
        return self.__sql__[_current().name]

    def _missing(self, action: str) -> str:
        key = self.__primary_key__
        return f"cannot {action}: {self.__table__} has no row with {key} = {self.get(key)!r}"


def _limit(limit) -> tuple[int, int]:
    """(offset, count) from a count or an (offset, count) pair of non-negative ints."""
    pair = (0, limit) if isinstance(limit, int) else limit
    if not (
        isinstance(pair, tuple | list)
        and len(pair) == 2
        and all(type(n) is int and n >= 0 for n in pair)
    ):
        raise ValueError(f"limit takes a count or an (offset, count) pair of ints, not {limit!r}")
    return pair[0], pair[1]
