"""Client-side checks: mistakes in specs, options, modes and labels become
:class:`~dropoutservice.errors.ClientValidationError` naming the option and listing the valid
snake_case choices, instead of protobuf's parse errors (which list camelCase JSON names) or a
silent conversion (a class label 1.7 truncated to 1).
"""

from __future__ import annotations

import numbers
from typing import Any, Iterable, List, Mapping

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor

from .errors import ClientValidationError


def field_names(descriptor: Descriptor) -> List[str]:
    """The snake_case field names of a message, as the Python client accepts them."""
    return sorted(f.name for f in descriptor.fields)


def enum_choices(enum: EnumDescriptor) -> List[str]:
    """An enum's values without their common prefix, lower case (``adam`` for ``OPTIMIZER_ADAM``); no UNSPECIFIED."""
    prefix = enum_prefix(enum)
    return [v.name[len(prefix):].lower() for v in enum.values if not v.name.endswith("_UNSPECIFIED")]


def enum_prefix(enum: EnumDescriptor) -> str:
    names = [v.name for v in enum.values]
    prefix = names[0]
    for n in names[1:]:
        while not n.startswith(prefix):
            prefix = prefix[:-1]
    return prefix[: prefix.rfind("_") + 1]


def check_dict(d: Mapping[str, Any], descriptor: Descriptor, path: str) -> None:
    """Checks that every key of ``d`` is a field of ``descriptor`` (recursively) and that enum
    strings name a value; raises ClientValidationError for the first problem."""
    if not isinstance(d, Mapping):
        raise ClientValidationError(path, f"must be a dict of {descriptor.name} fields, got {type(d).__name__}")
    by_name = {f.name: f for f in descriptor.fields}
    by_name.update({f.json_name: f for f in descriptor.fields})
    for key, value in d.items():
        field = by_name.get(key)
        where = f"{path}.{key}" if path else str(key)
        if field is None:
            raise ClientValidationError(where, f"unknown field {key!r} of {descriptor.name}; valid: {', '.join(field_names(descriptor))}")
        if value is None:
            continue
        if field.label == FieldDescriptor.LABEL_REPEATED and not field.message_type or \
                (field.message_type and field.message_type.GetOptions().map_entry):
            values = value if isinstance(value, (list, tuple)) else [value]
            for i, v in enumerate(values):
                _check_value(field, v, f"{where}[{i}]")
        elif field.label == FieldDescriptor.LABEL_REPEATED:
            if not isinstance(value, (list, tuple)):
                raise ClientValidationError(where, "must be a list")
            for i, v in enumerate(value):
                _check_value(field, v, f"{where}[{i}]")
        else:
            _check_value(field, value, where)


def _check_value(field: FieldDescriptor, value: Any, where: str) -> None:
    if field.message_type is not None and not field.message_type.GetOptions().map_entry:
        if isinstance(value, Mapping) and not field.message_type.full_name.startswith("google.protobuf."):
            check_dict(value, field.message_type, where)
    elif field.enum_type is not None and isinstance(value, str):
        if value not in field.enum_type.values_by_name:
            raise ClientValidationError(where, f"unknown value {_short(value, field.enum_type)!r}; valid: {', '.join(enum_choices(field.enum_type))}")


def _short(value: str, enum: EnumDescriptor) -> str:
    prefix = enum_prefix(enum)
    return value[len(prefix):].lower() if value.startswith(prefix) else value


def parse(d: Mapping[str, Any], message, path: str):
    """check_dict, then json_format.ParseDict; remaining type errors become ClientValidationError."""
    check_dict(d, message.DESCRIPTOR, path)
    try:
        return json_format.ParseDict(d, message)
    except json_format.ParseError as e:
        raise ClientValidationError(path, str(e)) from None


def enum_value(value: Any, enum: EnumDescriptor, field: str) -> int:
    """An enum number from a number or a name with or without its prefix, in any case."""
    if isinstance(value, bool):
        raise ClientValidationError(field, f"must be one of {', '.join(enum_choices(enum))}, got {value!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, str):
        prefix = enum_prefix(enum)
        name = value.upper()
        name = name if name.startswith(prefix) else prefix + name
        if name in enum.values_by_name and not name.endswith("_UNSPECIFIED"):
            return enum.values_by_name[name].number
    raise ClientValidationError(field, f"unknown value {value!r}; valid: {', '.join(enum_choices(enum))}")


def class_ids(values: Iterable[Any], field: str) -> List[int]:
    """Class labels as ints; a non-integral label (1.7) is an error, never truncated."""
    out: List[int] = []
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise ClientValidationError(f"{field}[{i}]", f"a class id must be an integer, got {v!r}")
        if isinstance(v, numbers.Integral):
            out.append(int(v))
            continue
        f = float(v)
        if not f.is_integer():
            raise ClientValidationError(f"{field}[{i}]", f"a class id must be an integer, got {v!r} (labels are not rounded)")
        out.append(int(f))
    return out
