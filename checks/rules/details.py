"""The schema of a finding's ``details``: a frozen dataclass per code, checked on both sides.

A rule declares what its SQL writes into ``details`` as a frozen dataclass (named, typed keys:
``str``, ``int``, ``bool``, ``datetime.date``, ``list[...]``, a nested dataclass, ``X | None``).

* The engine checks every row a rule produces against it, set-based (``details_match_sql``:
  exactly the declared keys, each of a JSON type its Python type allows); a rule whose SQL writes
  anything else fails the run, naming the rule and the first row.
* The explanation reads the details only through ``parse_details``, which builds the dataclass
  strictly (missing, extra or mistyped keys raise ``DetailsMismatch``), so an explanation cannot
  read a key the schema does not declare: the attribute does not exist.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import types
import typing
from functools import cache

DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class DetailsMismatch(ValueError):
    """Details that do not match the schema of their rule."""


def _args(annotation) -> tuple:
    return typing.get_args(annotation)


def _is_optional(annotation) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in _args(annotation)


def _inner(annotation):
    """``X`` for ``X | None``."""
    if _is_optional(annotation):
        rest = [arg for arg in _args(annotation) if arg is not type(None)]
        if len(rest) != 1:
            raise TypeError(f"unsupported details type {annotation}")
        return rest[0]
    return annotation


@cache
def schema_fields(schema: type) -> dict[str, object]:
    """The declared keys of ``schema`` with their (resolved) types."""
    if not (dataclasses.is_dataclass(schema) and schema.__dataclass_params__.frozen):
        raise TypeError(f"{schema.__name__} must be a frozen dataclass")
    hints = typing.get_type_hints(schema)
    return {field.name: hints[field.name] for field in dataclasses.fields(schema)}


def _json_types(annotation) -> set[str]:
    """The ``jsonb_typeof`` values a value of this Python type may have."""
    allowed = {"null"} if _is_optional(annotation) else set()
    inner = _inner(annotation)
    origin = typing.get_origin(inner)
    if inner is bool:
        allowed.add("boolean")
    elif inner is int:
        allowed.add("number")
    elif inner in (str, dt.date):
        allowed.add("string")
    elif origin is list:
        allowed.add("array")
    elif dataclasses.is_dataclass(inner):
        allowed.add("object")
    else:
        raise TypeError(f"unsupported details type {annotation}")
    return allowed


def details_match_sql(schema: type, column: str = "details") -> str:
    """SQL: the jsonb ``column`` has exactly the keys of ``schema``, each of an allowed JSON type."""
    fields = schema_fields(schema)
    keys = ", ".join(f"'{name}'" for name in sorted(fields))
    conditions = [
        f"jsonb_typeof({column}) = 'object'",
        f"ARRAY(SELECT k FROM jsonb_object_keys({column}) k ORDER BY k COLLATE \"C\")::text[] = ARRAY[{keys}]::text[]",
    ]
    for name, annotation in fields.items():
        types_sql = ", ".join(f"'{kind}'" for kind in sorted(_json_types(annotation)))
        conditions.append(f"jsonb_typeof({column} -> '{name}') IN ({types_sql})")
    return "(" + " AND ".join(conditions) + ")"


def _value(annotation, value, where: str):
    if value is None:
        if _is_optional(annotation):
            return None
        raise DetailsMismatch(f"{where}: null where {annotation} is required")
    inner = _inner(annotation)
    origin = typing.get_origin(inner)
    if inner is bool:
        if isinstance(value, bool):
            return value
    elif inner is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
    elif inner is str:
        if isinstance(value, str):
            return value
    elif inner is dt.date:
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and DATE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
    elif origin is list:
        if isinstance(value, list):
            (item,) = _args(inner)
            return tuple(_value(item, element, f"{where}[{index}]") for index, element in enumerate(value))
    elif dataclasses.is_dataclass(inner):
        if isinstance(value, dict):
            return parse_details(inner, value, where=where)
    raise DetailsMismatch(f"{where}: {value!r} is not a {annotation}")


def parse_details(schema: type, data, *, where: str = "details"):
    """``data`` (the stored jsonb) as an instance of ``schema``; ``DetailsMismatch`` if it does not fit exactly."""
    if not isinstance(data, dict):
        raise DetailsMismatch(f"{where}: not an object")
    fields = schema_fields(schema)
    missing, extra = sorted(set(fields) - set(data)), sorted(set(data) - set(fields))
    if missing or extra:
        raise DetailsMismatch(f"{where}: missing keys {missing}, undeclared keys {extra}")
    return schema(**{name: _value(annotation, data[name], f"{where}.{name}") for name, annotation in fields.items()})
