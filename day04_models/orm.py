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
"""

import asyncio
import contextlib
import logging
import re
import sqlite3
from collections import namedtuple
from contextvars import ContextVar
from urllib.parse import unquote, urlsplit

import aiomysql
import aiosqlite
import pymysql
from pymysql.constants import CLIENT

log = logging.getLogger(__name__)


class DatabaseError(Exception):
    """The database refused or failed to do something; the driver's own error is chained."""


# Its kinds, each named for what the caller can do, and made as type() makes any class:
IntegrityError = type("IntegrityError", (DatabaseError,), {})  # a duplicate or missing value
RowNotFoundError = type("RowNotFoundError", (DatabaseError,), {})  # update()/remove(): no row
DatabaseUnavailableError = type("DatabaseUnavailableError", (DatabaseError,), {})  # retry later


@contextlib.contextmanager
def _our_errors(where: str):  # turns the drivers' errors, raised in the block, into ours
    try:
        yield
    except (sqlite3.Error, pymysql.MySQLError) as exc:
        code = exc.args[0] if len(exc.args) == 2 else 0  # MySQL's carry (code, message)
        kind = DatabaseError
        if isinstance(exc, sqlite3.IntegrityError | pymysql.IntegrityError):
            kind = IntegrityError
        elif isinstance(exc, pymysql.InterfaceError) or 2000 <= code < 3000:  # no server
            kind = DatabaseUnavailableError
        raise kind(f"{where}: {exc.args[-1] if exc.args else repr(exc)}") from exc


# --- backends: all that differs between SQLite and MySQL -----------------------------------
class Backend:  # a kind of database: its SQL dialect (class-level), and its connections
    name = quote_char = table_options = ""
    types: dict[str, str] = {}  # column types this database spells differently
    inline_keys = False  # True: the indexes are declared inside CREATE TABLE

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

    async def open(self) -> None:
        self._lock = asyncio.Lock()
        self._conn = await aiosqlite.connect(self.location, isolation_level=None)
        self._conn.row_factory = sqlite3.Row

    async def close(self) -> None:
        await self._conn.close()

    @contextlib.asynccontextmanager
    async def connection(self):
        async with self._lock:
            yield self._conn

    async def query(self, conn, sql: str, args: tuple, fetch: bool):  # (names, rows) or a count
        if not fetch:
            return (await conn.execute(sql, args)).rowcount
        rows = await conn.execute_fetchall(sql, args)  # one trip to SQLite's thread
        return (rows[0].keys() if rows else []), rows


class MySQLBackend(Backend):
    """A pool of up to ten aiomysql connections (MySQL or MariaDB), in autocommit mode."""

    name, quote_char, inline_keys = "mysql", "`", True
    types = {"text": "mediumtext"}  # MySQL's TEXT stops at 64 KB, MEDIUMTEXT at 16 MB
    # utf8mb4_bin compares text as SQLite does: 'ádmin' is not 'admin', nor '🙂' '😀'.
    table_options = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
    # A quoted string or name (left as it is), a ? placeholder (made %s), or a lone % (doubled,
    # since aiomysql fills each %s in with Python's % operator).
    token = re.compile(r"""'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|`[^`]*`|[?%]""")

    @classmethod
    def translate(cls, sql: str) -> str:
        return cls.token.sub(lambda m: "%s" if m[0] == "?" else m[0].replace("%", "%%"), sql)

    # minsize=1: a wrong URL fails at once; FOUND_ROWS: an UPDATE counts the rows it matched.
    options = dict(minsize=1, charset="utf8mb4", autocommit=True, client_flag=CLIENT.FOUND_ROWS)
    options["init_command"] = "SET sql_notes = 0"  # "table already exists" is no Python warning

    def __init__(self, url: str):
        u = urlsplit(url)
        self.login = dict(host=u.hostname or "127.0.0.1", port=u.port or 3306, db=u.path[1:])
        self.login.update(user=unquote(u.username or "root"), password=unquote(u.password or ""))
        self.where = f"MySQL at {self.login['host']}:{self.login['port']}"

    async def open(self) -> None:
        self._pool = await aiomysql.create_pool(**self.login, **self.options)

    async def close(self) -> None:
        self._pool.close()
        await self._pool.wait_closed()
        await asyncio.sleep(0)  # a socket finishes closing on the event loop's next turn

    def connection(self):
        return self._pool.acquire()  # `async with` it: the connection goes back at the end

    async def query(self, conn, sql: str, args: tuple, fetch: bool):
        async with conn.cursor() as cursor:
            count = await cursor.execute(sql, args)
            names = [column[0] for column in cursor.description or ()]
            return (names, await cursor.fetchall()) if fetch else count


BACKENDS = {"sqlite": SQLiteBackend, "mysql": MySQLBackend}

# --- the pool and the query functions ------------------------------------------------------
_backend: Backend | None = None
_kept_conn: ContextVar = ContextVar("connection", default=None)  # of a transaction's block
# Each is called as listener(sql, args) before every statement: `sql` as written, with its ?
# placeholders, `args` a tuple of its values. Day 5's trace of each request listens here.
statement_listeners: list = []


async def create_pool(url: str) -> None:
    """Connect: sqlite:///rel.db, sqlite:////abs.db, sqlite:///:memory:, mysql://u:p@host/db."""
    global _backend
    if _backend is not None:
        raise RuntimeError("a database pool is already open: call close_pool() first")
    scheme = urlsplit(url).scheme
    if scheme not in BACKENDS:
        raise ValueError(f"unsupported database URL scheme {scheme!r}: use sqlite or mysql")
    backend = BACKENDS[scheme](url)
    with _our_errors(backend.where):
        await backend.open()
    _backend = backend


async def close_pool() -> None:
    """Close every connection; create_pool() may be called again afterwards."""
    global _backend
    backend, _backend = _backend, None
    if backend is not None:
        await backend.close()


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
    with _our_errors(backend.where):
        if _kept_conn.get() is not None:  # inside a transaction
            return await backend.query(_kept_conn.get(), backend.translate(sql), args, fetch)
        async with backend.connection() as conn:
            return await backend.query(conn, backend.translate(sql), args, fetch)


async def select(sql: str, args=(), size: int | None = None) -> list[dict]:
    """Run a query with ? placeholders; return its rows (at most `size`) as dicts."""
    names, rows = await _run(sql, args, fetch=True)
    return [dict(zip(names, row, strict=False)) for row in rows[:size]]


async def execute(sql: str, args=()) -> int:
    """Run an INSERT, UPDATE, DELETE or DDL statement; return the number of rows it matched."""
    return await _run(sql, args, fetch=False)


@contextlib.asynccontextmanager
async def transaction():
    """Commit the block's queries all together, or roll them all back; one inside joins it."""
    if _kept_conn.get() is not None:
        yield
        return
    with _our_errors(_current().where):
        async with _current().connection() as conn:
            token = _kept_conn.set(conn)
            try:
                await execute("BEGIN")
                yield
                await execute("COMMIT")
            except BaseException:
                with contextlib.suppress(DatabaseError):  # a broken connection rolled back
                    await execute("ROLLBACK")
                raise
            finally:
                _kept_conn.reset(token)


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
    def _column(cls, name: str) -> str:  # the quoted column of an attribute, else ValueError
        if name not in cls.__mappings__:
            raise ValueError(f"{cls.__name__} has no column {name!r}")
        return _current().quote(cls.__mappings__[name].name)

    @classmethod
    async def _select(cls, sql: str, args) -> list:  # objects of this class, values converted
        names, rows = await _run(sql, args, fetch=True)
        objects = [cls(zip(names, row, strict=False)) for row in rows]
        for obj in objects:
            for key, convert in cls.__converters__.items():
                obj[key] = convert(obj[key])
        return objects

    @classmethod
    async def find(cls, pk):
        """The object whose primary key is `pk`, or None."""
        return next(iter(await cls._select(cls.__sql__[_current().name].find, [pk])), None)

    @classmethod
    async def findAll(cls, where=None, args=None, orderBy=None, limit=None) -> list:
        """The objects matching `where` (SQL with ? placeholders filled from `args`)."""
        sql, args = [cls.__sql__[_current().name].select], list(args or ())
        if where:
            sql.append(f"WHERE {where}")
        if orderBy:
            terms = [cls._ORDER_BY.fullmatch(term) for term in str(orderBy).split(",")]
            if not all(terms):
                raise ValueError(f"orderBy takes 'column [asc|desc], ...', not {orderBy!r}")
            order = (f"{cls._column(t[1])} {(t[2] or 'asc').upper()}" for t in terms)
            sql.append("ORDER BY " + ", ".join(order))
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
        match = cls._SELECT_FIELD.fullmatch(str(selectField))
        if not match or (match[2] == "*" and match[1].lower() != "count"):
            raise ValueError(
                f"selectField: a column, or count/max/...(column), not {selectField!r}"
            )
        function, argument, column = match.groups()
        if not column:
            argument = "*" if argument == "*" else cls._column(argument)
        value = cls._column(column) if column else f"{function.lower()}({argument})"
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
