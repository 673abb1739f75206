"""Bulk row writing: COPY on PostgreSQL, executemany elsewhere (SQLite in the tests).

The generator writes millions of rows; building a model instance for each would
cost more than the protocol engine. Rows are plain dicts keyed by column
(``attname``); a column not given takes the field's default, as ``Model()`` would.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import connection, models

Convert = Callable[[Any], Any]


class Table:
    """One model's table: its columns in order, their defaults, how values reach the driver."""

    def __init__(self, model: type[models.Model], *, with_id: bool) -> None:
        self.model = model
        fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.columns = [f.column for f in fields]
        self.attnames = [f.attname for f in fields]
        self.defaults = {f.attname: (None if f.primary_key else f.get_default()) for f in fields}
        self.converters = [self._converter(f) for f in fields]

    @staticmethod
    def _converter(field: models.Field[Any, Any]) -> Convert | None:
        if isinstance(field, models.JSONField):
            return json.dumps
        if connection.vendor == "postgresql":
            return None  # psycopg adapts dates, aware datetimes and booleans itself
        if isinstance(field, models.DateTimeField):
            return connection.ops.adapt_datetimefield_value
        if isinstance(field, models.DateField):
            return connection.ops.adapt_datefield_value
        return None

    def tuples(self, rows: Iterable[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
        out = []
        pairs = list(zip(self.attnames, self.converters, strict=True))
        defaults = self.defaults
        for row in rows:
            values = []
            for name, convert in pairs:
                value = row[name] if name in row else defaults[name]
                if convert is not None and value is not None:
                    value = convert(value)
                values.append(value)
            out.append(tuple(values))
        return out

    def write(self, rows: Iterable[Mapping[str, Any]]) -> int:
        values = self.tuples(rows)
        if not values:
            return 0
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(str(c)) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for value in values:
                        copy.write_row(value)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
        return len(values)
