"""A small ORM: Python classes mapped to tables, on SQLite (aiosqlite) or MySQL (aiomysql).

>>> class Note(Model):
...     id = StringField(primary_key=True, ddl="varchar(20)")
...     pinned = BooleanField()  # left out, it is saved as False
>>> async def lesson():
...     await create_pool("sqlite:///:memory:")
...     await create_tables(Note)
...     note = Note(id="n1")
...     await note.save()  # fills the defaults in on the object itself
...     print(note, await Note.find("n1") == note, await Note.findNumber("count(*)"))
...     await close_pool()
>>> asyncio.run(lesson())
{'id': 'n1', 'pinned': False} True 1

This is day 3's lesson ORM plus the production layer that keeps a blog up on the internet,
each piece with the failure it prevents: a deadline on every query to a server, so a server
that dies or goes silent costs a quick 503, not a hung page; a count of the MySQL connections
lent, so queries waiting for one fail at once when the server goes away; abandon_pool(), so a
process whose shutdown was cut short can still exit; connection() blocks, so a page waits for
a connection once; findAll(columns=...), so a list of articles need not read their text;
clauses checked once and cached; SUM/AVG read as int or float; a busy or overloaded database
named unavailable; SQLite in WAL mode, so other processes' readers do not block the writer.
"""

import asyncio
import contextlib
import functools
import logging
import re
import sqlite3
from collections import namedtuple
from contextvars import ContextVar
from urllib.parse import unquote, urlsplit

import aiomysql
import aiosqlite
import pymysql
from pymysql.constants import CLIENT, FIELD_TYPE

log = logging.getLogger(__name__)


class DatabaseError(Exception):
    """The database refused or failed to do something; the driver's own error is chained."""


# Its kinds, each named for what the caller can do, and made as type() makes any class:
IntegrityError = type("IntegrityError", (DatabaseError,), {})  # a duplicate or missing value
RowNotFoundError = type("RowNotFoundError", (DatabaseError,), {})  # update()/remove(): no row
DatabaseUnavailableError = type("DatabaseUnavailableError", (DatabaseError,), {})  # retry later

# Server errors that mean "the server, not the query, is the problem": too many connections,
# shutting down, connection killed; and an SQLite file another process held past the timeout.
UNAVAILABLE_CODES = {1040, 1053, 1927}
SQLITE_BUSY = ("SQLITE_BUSY", "SQLITE_LOCKED")


DRIVER_ERRORS = (sqlite3.Error, pymysql.MySQLError, OSError)


def _ours(exc: BaseException, where: str) -> DatabaseError:
    """The error of ours that a driver's error (one of DRIVER_ERRORS) stands for."""
    code = exc.args[0] if len(exc.args) == 2 else 0  # MySQL's carry (code, message)
    kind = DatabaseError
    if isinstance(exc, sqlite3.IntegrityError | pymysql.IntegrityError):
        kind = IntegrityError
    elif isinstance(exc, OSError | pymysql.InterfaceError) or 2000 <= code < 3000:  # no server
        kind = DatabaseUnavailableError
    elif code in UNAVAILABLE_CODES or getattr(exc, "sqlite_errorname", "") in SQLITE_BUSY:
        kind = DatabaseUnavailableError
    message = exc.args[-1] if exc.args else repr(exc)
    if code == 1045:  # access denied
        message += "; check the user and password in the database URL"
    return kind(f"{where}: {message}")


# --- backends: all that differs between SQLite and MySQL -----------------------------------
class Backend:  # a kind of database: its SQL dialect (class-level), and its connections
    name = quote_char = table_options = ""
    types: dict[str, str] = {}  # column types this database spells differently
    inline_keys = False  # True: the indexes are declared inside CREATE TABLE
    pooled = False  # True: connections are lent from a pool, and connection() can keep one
    remote = False  # True: a server across a network, which can leave a query hanging
    timeout = 5.0  # seconds; create_pool(timeout=) sets it

    quote = classmethod(lambda cls, name: f"{cls.quote_char}{name}{cls.quote_char}")
    translate = staticmethod(str)  # the ORM's SQL, with ? placeholders, as the driver wants it

    @classmethod
    def create_table(cls, model) -> list[str]:
        """CREATE TABLE and its indexes, each named after the table (SQLite's names are global)."""
        q, table, fields = cls.quote, cls.quote(model.__table__), model.__mappings__.values()
        lines = [f"{q(f.name)} {cls.types.get(f.ddl, f.ddl)} NOT NULL" for f in fields]
        lines.append(f"PRIMARY KEY ({q(model.__mappings__[model.__primary_key__].name)})")
        keys = [("UNIQUE " if f.unique else "", f.name) for f in fields if f.unique or f.index]
        name = {column: q(f"{model.__table__}_{column}") for _, column in keys}
        if cls.inline_keys:
            lines += [f"{kind}KEY {name[column]} ({q(column)})" for kind, column in keys]
        body = ",\n  ".join(lines)
        return [f"CREATE TABLE IF NOT EXISTS {table} (\n  {body}\n){cls.table_options}"] + [
            f"CREATE {kind}INDEX IF NOT EXISTS {name[column]} ON {table} ({q(column)})"
            for kind, column in ([] if cls.inline_keys else keys)
        ]


class SQLiteBackend(Backend):
    """One connection, lent to one statement at a time, or to a transaction for its block."""

    name, quote_char = "sqlite", '"'

    def __init__(self, url: str):
        # sqlite:///blog.db is relative to the working directory, sqlite:////srv/blog.db absolute.
        self.location = url.removeprefix("sqlite:///")
        self.where = f"SQLite database {self.location}"
        if not self.location or self.location == url:
            raise ValueError("an SQLite URL looks like sqlite:///blog.db or sqlite:///:memory:")

    async def open(self) -> None:
        self._lock = asyncio.Lock()
        # timeout= is SQLite's own wait for a lock another process holds on the file: a local
        # file answers or fails, so its queries need no deadline of ours.
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

    def abandon(self) -> None:
        # aiosqlite's thread waits for its next statement forever, and Python waits for that
        # thread at exit: stop() sends it the last one (close the connection, then end).
        self._conn.stop()

    async def close(self) -> None:
        await self._conn.close()

    async def borrow(self):  # for a transaction: no other task's statement slips into it
        await self._lock.acquire()
        return self._conn

    async def give_back(self, conn) -> None:
        self._lock.release()

    async def alone(self, sql: str, args: tuple, fetch: bool):  # a lone statement
        # aiosqlite runs the statements handed to it one by one, in order, so a lone statement
        # waits only while a transaction holds the connection, and is handed over before any
        # other task runs. Taking turns with the lock would leave SQLite's thread idle between
        # one task's statement and the next, which the benchmarks' pages pay for.
        if self._lock.locked():
            async with self._lock:
                pass
        return await self.query(self._conn, sql, args, fetch)

    async def query(self, conn, sql: str, args: tuple, fetch: bool):  # (names, rows) or a count
        if not fetch:
            return (await conn.execute(sql, args)).rowcount
        rows = await conn.execute_fetchall(sql, args)  # one trip to SQLite's thread
        return (rows[0].keys() if rows else []), rows


class MySQLBackend(Backend):
    """A pool of up to ten aiomysql connections (MySQL or MariaDB), in autocommit mode."""

    name, quote_char, inline_keys = "mysql", "`", True
    pooled = remote = True
    types = {"text": "mediumtext"}  # MySQL's TEXT stops at 64 KB, MEDIUMTEXT at 16 MB
    # utf8mb4_bin compares text as SQLite does: 'ádmin' is not 'admin', nor '🙂' '😀'.
    table_options = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
    # A quoted string or name (left as it is), a ? placeholder (made %s), or a lone % (doubled,
    # since aiomysql fills each %s in with Python's % operator).
    token = re.compile(r"""'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|`[^`]*`|[?%]""")

    @classmethod
    def translate(cls, sql: str) -> str:
        return _mysql_spelling(sql)

    # minsize=1: a wrong URL fails at once; FOUND_ROWS: an UPDATE counts the rows it matched.
    options = dict(minsize=1, charset="utf8mb4", autocommit=True, client_flag=CLIENT.FOUND_ROWS)
    options["init_command"] = "SET sql_notes = 0"  # "table already exists" is no Python warning

    def __init__(self, url: str):
        u = urlsplit(url)
        self.login = dict(host=u.hostname or "127.0.0.1", port=u.port or 3306, db=u.path[1:])
        self.login.update(user=unquote(u.username or "root"), password=unquote(u.password or ""))
        self.where = f"MySQL at {self.login['host']}:{self.login['port']}"
        if not self.login["db"]:
            raise ValueError("a MySQL URL names its database: mysql://user:password@host:3306/blog")

    async def open(self) -> None:
        # The connections lent at this moment, counted by us as well as by aiomysql's pool: the
        # pool wakes a task waiting for a connection only when a working one comes back, so
        # when the server goes away, that task would wait out its whole deadline. A semaphore
        # wakes it as soon as any connection comes back, and it fails (or connects) at once.
        self._lent = asyncio.Semaphore(10)
        # SUM() and AVG() answer DECIMAL; read it as the int or float SQLite would give.
        decoders = dict(pymysql.converters.decoders)
        for decimal in (FIELD_TYPE.DECIMAL, FIELD_TYPE.NEWDECIMAL):
            decoders[decimal] = lambda text: float(text) if "." in text else int(text)
        self._pool = await aiomysql.create_pool(
            **self.login, **self.options, maxsize=10, conv=decoders, connect_timeout=self.timeout
        )

    def abandon(self) -> None:
        pass  # its sockets close as the process ends

    async def close(self) -> None:
        self._pool.close()
        await self._pool.wait_closed()
        await asyncio.sleep(0)  # a socket finishes closing on the event loop's next turn

    async def borrow(self):  # one of the pool's connections, for this task alone
        await self._lent.acquire()
        try:
            return await self._pool.acquire()
        except BaseException:
            self._lent.release()
            raise

    async def give_back(self, conn) -> None:
        try:
            await self._pool.release(conn)  # a connection left inside a transaction is closed
        finally:
            self._lent.release()

    async def alone(self, sql: str, args: tuple, fetch: bool):  # borrows a connection for itself
        conn = await self.borrow()
        try:
            return await self.query(conn, sql, args, fetch)
        finally:
            await self.give_back(conn)

    async def query(self, conn, sql: str, args: tuple, fetch: bool):
        async with conn.cursor() as cursor:
            count = await cursor.execute(sql, args)
            names = [column[0] for column in cursor.description or ()]
            return (names, await cursor.fetchall()) if fetch else count


BACKENDS = {"sqlite": SQLiteBackend, "mysql": MySQLBackend}

# --- the pool and the query functions ------------------------------------------------------
_backend: Backend | None = None
# The connection kept for the block this task is in (connection() or transaction()), if any.
_kept_conn: ContextVar = ContextVar("connection", default=None)
_in_transaction: ContextVar = ContextVar("transaction", default=False)
# Each is called as listener(sql, args) before every statement: `sql` as written, with its ?
# placeholders, `args` a tuple of its values. Day 5's trace of each request listens here.
statement_listeners: list = []


# The timeout is the pool's setting for every later query, not a limit on this one call.
async def create_pool(url: str, *, timeout: float = 5.0) -> None:  # noqa: ASYNC109
    """Connect: sqlite:///rel.db, sqlite:////abs.db, sqlite:///:memory:, mysql://u:p@host/db;
    every query to a server then waits at most `timeout` seconds."""
    global _backend
    if _backend is not None:
        raise RuntimeError("a database pool is already open: call close_pool() first")
    scheme = urlsplit(url).scheme
    if scheme not in BACKENDS:
        raise ValueError(f"unsupported database URL scheme {scheme!r}: use sqlite or mysql")
    backend = BACKENDS[scheme](url)
    backend.timeout = timeout
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


async def _run(sql: str, args, fetch: bool):
    """Every statement passes here: logged, told to the listeners, translated, then run."""
    backend, args = _current(), tuple(args or ())
    log.debug("%s  %s", sql, args)
    for listener in statement_listeners:
        listener(sql, args)
    return await _guarded(backend, _on_a_connection(backend, backend.translate(sql), args, fetch))


async def _guarded(backend: Backend, work):
    """Await `work` (a remote server's within the deadline), the driver's errors made ours."""
    try:
        if not backend.remote:
            return await work
        # A server can die, or the network drop, in the middle of a query: without a deadline,
        # the query would wait for an answer forever. With it, the page answers 503 quickly.
        try:
            async with asyncio.timeout(backend.timeout):
                return await work
        except TimeoutError as exc:
            message = f"the {backend.name} database did not answer within {backend.timeout} s"
            raise DatabaseUnavailableError(message) from exc
    except DRIVER_ERRORS as exc:
        raise _ours(exc, backend.where) from exc


async def _on_a_connection(backend: Backend, sql: str, args: tuple, fetch: bool):
    """The query on the connection this task keeps, or on one borrowed for it alone."""
    kept = _kept_conn.get()
    if kept is not None:  # inside connection() or transaction()
        return await backend.query(kept, sql, args, fetch)
    return await backend.alone(sql, args, fetch)


async def select(sql: str, args=(), size: int | None = None) -> list[dict]:
    """Run a query with ? placeholders; return its rows (at most `size`) as dicts."""
    names, rows = await _run(sql, args, fetch=True)
    return [dict(zip(names, row, strict=False)) for row in rows[:size]]


async def execute(sql: str, args=()) -> int:
    """Run an INSERT, UPDATE, DELETE or DDL statement; return the number of rows it matched."""
    return await _run(sql, args, fetch=False)


class _KeepingAConnection:
    """``async with``: borrow a connection for the whole block, unless the task keeps one.

    A class, not an ``@asynccontextmanager``: every page of MySQL's passes here, and a class's
    two methods cost a fraction of an async generator driven by contextlib.
    """

    def __init__(self, *, transaction: bool):
        self.transaction, self.conn, self.token = transaction, None, None

    async def __aenter__(self) -> None:
        self.backend = backend = _current()
        if _kept_conn.get() is None and (self.transaction or backend.pooled):
            self.conn = await _guarded(backend, backend.borrow())
            self.token = _kept_conn.set(self.conn)

    async def __aexit__(self, *exc_info) -> None:
        if self.token is not None:
            _kept_conn.reset(self.token)
            await self.backend.give_back(self.conn)


def connection():
    """Run the block's queries on one connection, borrowed once for all of them.

    A page that runs several queries then waits for a free connection once, not once per
    query. On SQLite, whose single connection every task shares, the block changes nothing.
    Inside, run queries one after another (not with asyncio.gather): they share a connection.
    """
    if _kept_conn.get() is not None or not _current().pooled:
        return contextlib.nullcontext()  # nothing to borrow: every page of SQLite's goes here
    return _KeepingAConnection(transaction=False)


@contextlib.asynccontextmanager
async def transaction():
    """Commit the block's queries all together, or roll them all back; one inside joins it,
    and one inside connection() runs on that block's connection."""
    if _in_transaction.get():
        yield
        return
    async with _KeepingAConnection(transaction=True):
        token = _in_transaction.set(True)
        try:
            await execute("BEGIN")
            yield
            await execute("COMMIT")
        except BaseException:
            with contextlib.suppress(DatabaseError):  # a broken connection rolled back
                await execute("ROLLBACK")
            raise
        finally:
            _in_transaction.reset(token)


async def create_tables(*models) -> None:  # unless they exist, in the backend's dialect
    for statement in [sql for model in models for sql in _current().create_table(model)]:
        await execute(statement)


class Field:
    """A column; `default` (a value, or a callable called at each save) else the type's own."""

    ddl, default, convert = "varchar(100)", None, None  # convert: from the driver to Python

    def __init__(
        self, name=None, *, primary_key=False, default=None, ddl=None, unique=False, index=False
    ):
        self.name, self.primary_key, self.unique, self.index = name, primary_key, unique, index
        self.ddl, self.default = ddl or self.ddl, self.default if default is None else default

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}: {self.ddl}>"


# The kinds of column, made as type() makes any class: (name, bases, class attributes).
StringField = type("StringField", (Field,), {})  # varchar(100) unless ddl= says otherwise
BooleanField = type("BooleanField", (Field,), dict(ddl="boolean", default=False, convert=bool))
IntegerField = type("IntegerField", (Field,), dict(ddl="bigint", default=0))
FloatField = type("FloatField", (Field,), dict(ddl="double", default=0.0))
TextField = type("TextField", (Field,), dict(ddl="text"))


# --- the metaclass: from a class body to a table mapping and its SQL ------------------------
Statements = namedtuple("Statements", "select find insert update delete")


def _statements(backend, table: str, mappings: dict, primary_key: str) -> Statements:
    q, table = backend.quote, backend.quote(table)
    names = {key: q(field.name) for key, field in mappings.items()}
    select = ", ".join(c if c == q(k) else f"{c} AS {q(k)}" for k, c in names.items())
    where_pk = f"WHERE {names[primary_key]} = ?"
    others = ", ".join(f"{c} = ?" for k, c in names.items() if k != primary_key)
    return Statements(
        select=f"SELECT {select} FROM {table}",
        find=f"SELECT {select} FROM {table} {where_pk}",
        insert=f"INSERT INTO {table} ({', '.join(names.values())})"
        f" VALUES ({', '.join('?' * len(names))})",
        update=f"UPDATE {table} SET {others} {where_pk}",
        delete=f"DELETE FROM {table} {where_pk}",
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
            field.name = field.name or key
            del attrs[key]  # so that `note.title` falls through to the dict's value
        table = attrs.setdefault("__table__", name.lower())
        attrs["__mappings__"], attrs["__primary_key__"] = mappings, keys[0]
        attrs["__converters__"] = {k: f.convert for k, f in mappings.items() if f.convert}
        attrs["__sql__"] = {
            b.name: _statements(b, table, mappings, keys[0]) for b in BACKENDS.values()
        }
        return super().__new__(mcs, name, bases, attrs)


class Model(dict, metaclass=ModelMetaclass):
    """A row as a dict whose keys also read as attributes: `user.name is user["name"]`."""

    _ORDER_BY = re.compile(
        r"\s*(\w+)(?:\s+(asc|desc))?\s*", re.I
    )  # orderBy's shape; next, selectField's
    _SELECT_FIELD = re.compile(r"\s*(?:(count|max|min|sum|avg)\((\*|\w+)\)|(\w+))\s*", re.I)

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} object has no value {key!r}") from None

    __setattr__ = dict.__setitem__  # `note.title = "x"` sets the dict's value

    @classmethod
    def _key(cls, name: str) -> str:
        """The attribute of one of this model's attribute or column names; else ValueError."""
        for key, field in cls.__mappings__.items():
            if name in (key, field.name):
                return key
        raise ValueError(f"{cls.__name__} has no column {name!r}")

    @classmethod
    def _column(cls, name: str) -> str:  # the quoted column of an attribute, else ValueError
        return _current().quote(cls.__mappings__[cls._key(name)].name)

    @classmethod
    async def _select(cls, sql: str, args) -> list:  # objects of this class, values converted
        names, rows = await _run(sql, args, fetch=True)
        objects = [cls(zip(names, row, strict=False)) for row in rows]
        for key, convert in cls.__converters__.items():
            if key in names:  # findAll(columns=...) may have left it out
                for obj in objects:
                    obj[key] = convert(obj[key])
        return objects

    @classmethod
    async def find(cls, pk):
        """The object whose primary key is `pk`, or None."""
        return next(iter(await cls._select(cls.__sql__[_current().name].find, [pk])), None)

    @classmethod
    async def findAll(
        cls, where=None, args=None, orderBy=None, limit=None, *, columns=None
    ) -> list:
        """The objects matching `where` (SQL with ? placeholders filled from `args`).

        `columns` names the only columns to read, and the objects then hold those alone: a
        list of articles need not read every article's text.
        """
        backend = _current().name
        if columns is None:
            select = cls.__sql__[backend].select
        elif isinstance(columns, list | tuple) and all(isinstance(c, str) for c in columns):
            select = _select_columns(cls, tuple(columns), backend)
        else:
            raise ValueError(f"columns takes a list of column names, not {columns!r}")
        sql, args = [select], list(args or ())
        if where:
            sql.append(f"WHERE {where}")
        if orderBy:
            sql.append(f"ORDER BY {_order_by(cls, str(orderBy), backend)}")
        if limit is not None:
            pair = tuple(limit) if isinstance(limit, tuple | list) else (0, limit)
            if len(pair) != 2 or not all(type(n) is int and n >= 0 for n in pair):
                raise ValueError(f"limit takes a count or an (offset, count) pair, not {limit!r}")
            sql.append("LIMIT ? OFFSET ?")
            args += [pair[1], pair[0]]
        return await cls._select(" ".join(sql), args)

    @classmethod
    async def findNumber(cls, selectField, where=None, args=None):
        """One value about the table: findNumber('count(*)'), or 'max(created_at)', 'sum(n)'..."""
        value = _select_field(cls, str(selectField), _current().name)
        sql = f"SELECT {value} AS _num_ FROM {_current().quote(cls.__table__)}"
        rows = await select(sql + (f" WHERE {where}" if where else ""), args, 1)
        return rows[0]["_num_"] if rows else None

    async def save(self) -> None:
        """INSERT this object, its defaults filled in first: `self.id` is set afterwards."""
        for key, field in self.__mappings__.items():
            if self.get(key) is None and field.default is not None:
                self[key] = field.default() if callable(field.default) else field.default
        await execute(self.__sql__[_current().name].insert, list(map(self.get, self.__mappings__)))

    async def update(self) -> None:
        """UPDATE this object's row with its values; RowNotFoundError if the row is gone."""
        pk = self.__primary_key__
        args = [self.get(key) for key in self.__mappings__ if key != pk] + [self.get(pk)]
        if await execute(self.__sql__[_current().name].update, args) == 0:
            raise RowNotFoundError(f"{self.__table__} has no row {self.get(pk)!r} to update")

    async def remove(self) -> None:
        """DELETE this object's row; RowNotFoundError if it is already gone."""
        pk = self.__primary_key__
        if await execute(self.__sql__[_current().name].delete, [self.get(pk)]) == 0:
            raise RowNotFoundError(f"{self.__table__} has no row {self.get(pk)!r} to remove")


# The clauses below are checked and written once for each model, orderBy, selectField or list
# of columns (and backend), and each statement spelled for MySQL once, then looked up: code asks
# for the same few again and again.


@functools.lru_cache(maxsize=1024)
def _mysql_spelling(sql: str) -> str:
    return MySQLBackend.token.sub(lambda m: "%s" if m[0] == "?" else m[0].replace("%", "%%"), sql)


@functools.lru_cache(maxsize=1024)
def _order_by(model: type[Model], order_by: str, backend: str) -> str:
    terms = [model._ORDER_BY.fullmatch(term) for term in order_by.split(",")]
    if not all(terms):
        raise ValueError(f"orderBy takes 'column [asc|desc], ...', not {order_by!r}")
    return ", ".join(f"{model._column(t[1])} {(t[2] or 'asc').upper()}" for t in terms)


@functools.lru_cache(maxsize=1024)
def _select_field(model: type[Model], select_field: str, backend: str) -> str:
    match = model._SELECT_FIELD.fullmatch(select_field)
    if not match or (match[2] == "*" and match[1].lower() != "count"):
        raise ValueError(f"selectField: a column, or count/max/...(column), not {select_field!r}")
    function, argument, column = match.groups()
    if column:
        return model._column(column)
    return f"{function.lower()}({'*' if argument == '*' else model._column(argument)})"


@functools.lru_cache(maxsize=1024)
def _select_columns(model: type[Model], columns: tuple, backend: str) -> str:
    if not columns:
        raise ValueError("columns takes at least one column name")
    mappings = {key: model.__mappings__[key] for key in map(model._key, columns)}
    q = _current().quote
    select = ", ".join(
        q(f.name) + ("" if f.name == k else f" AS {q(k)}") for k, f in mappings.items()
    )
    return f"SELECT {select} FROM {q(model.__table__)}"
