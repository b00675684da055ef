"""Core statements compiled once per dialect and run straight on the DBAPI cursor.

For the check-in hot path only: there SQLAlchemy's per-execution work (building the parameters,
the execution context, the result object) costs more than the query itself. The statement is
still written with SQLAlchemy Core and compiled by it, so the SQL, the quoting and the type
conversions of the parameters (the dialect type's ``bind_processor``, e.g. aware datetimes stored as
naive UTC) are SQLAlchemy's own. The cursor belongs to the caller's connection, so the statement
runs inside the caller's transaction. Results come back as plain tuples or dicts: select only
columns that need no conversion on the way out (numbers and text).
"""

from dataclasses import dataclass

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positions: tuple[str, ...] | None  # parameter order for positional styles (SQLite's ?)
    defaults: dict  # the statement's own literal values and the columns' scalar defaults
    processors: tuple  # (name, bind processor) for the parameters whose type converts


class Prepared:
    def __init__(self, statement: ClauseElement, column_keys: tuple[str, ...] | None = None):
        """``column_keys``: for an INSERT without ``values()``, the columns it sets."""
        self.statement = statement
        self.column_keys = list(column_keys) if column_keys is not None else None
        self._by_dialect: dict[str, _Compiled] = {}
        self._names: tuple[str, ...] | None = None  # the result's column names

    def _compiled(self, dialect) -> _Compiled:
        found = self._by_dialect.get(dialect.name)
        if found is None:
            # Only what SQLAlchemy documents of a compiled statement: its text, ``params``
            # (literal values and scalar defaults), ``positiontup``, ``binds`` with their
            # types' bind processors, and ``insert_prefetch`` (Python-side column defaults).
            compiled = self.statement.compile(dialect=dialect, column_keys=self.column_keys)
            defaults = {name: value for name, value in compiled.params.items()
                        if value is not None}
            for column in compiled.insert_prefetch:
                if not column.default.is_scalar:
                    raise ValueError(f"give {column.key} explicitly: its default is computed")
                defaults[column.key] = column.default.arg
            processors = tuple(
                (name, processor) for name, bind in compiled.binds.items()
                if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect))
                is not None)
            found = self._by_dialect[dialect.name] = _Compiled(
                sql=compiled.string,
                positions=tuple(compiled.positiontup) if compiled.positiontup else None,
                defaults=defaults,
                processors=processors)
        return found

    def execute(self, conn: Connection, params: dict):
        """Run with ``params`` (by bind name) on ``conn``'s DBAPI connection; the cursor."""
        compiled = self._compiled(conn.dialect)
        values = {**compiled.defaults, **params}
        for name, process in compiled.processors:
            if name in values:
                values[name] = process(values[name])
        cursor = conn.connection.cursor()
        try:
            if compiled.positions is None:
                cursor.execute(compiled.sql, values)
            else:
                cursor.execute(compiled.sql,
                               tuple(values.get(name) for name in compiled.positions))
        except conn.dialect.loaded_dbapi.Error as error:
            raise _as_sqlalchemy_raises(conn, error, compiled.sql, values, cursor) from error
        return cursor

    def first(self, conn: Connection, params: dict) -> dict | None:
        """The first row as a dict by column name, or None."""
        cursor = self.execute(conn, params)
        row = cursor.fetchone()
        if row is not None and self._names is None:  # the same for every dialect
            self._names = tuple(column[0] for column in cursor.description)
        cursor.close()
        return None if row is None else dict(zip(self._names, row))

    def scalar(self, conn: Connection, params: dict):
        cursor = self.execute(conn, params)
        row = cursor.fetchone()
        cursor.close()
        return None if row is None else row[0]


def _as_sqlalchemy_raises(conn: Connection, error: Exception, sql: str, params, cursor):
    """The driver's ``error`` as ``Connection.execute`` would raise it: SQLAlchemy's
    DBAPIError subclass (IntegrityError, OperationalError, ...), and when it means the
    connection is gone (the server restarted, the backend was terminated), that connection
    invalidated, so the pool replaces it and the error handler answers "retry" (503)."""
    lost = conn.dialect.is_disconnect(error, conn.connection.dbapi_connection, cursor)
    if lost:
        conn.invalidate(error)
    return DBAPIError.instance(sql, params, error, conn.dialect.loaded_dbapi.Error,
                               connection_invalidated=lost, dialect=conn.dialect)
