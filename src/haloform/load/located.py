"""pydantic's validation errors, as located messages an admin can act on.

pydantic reports ``('steps', 0, 'action_id', 'WorkflowRef', 'workflw')`` and "Extra
inputs are not permitted"; an admin editing YAML needs ``steps[0].action_id.workflw``
at ``incident.yaml:14:41`` and "unknown field 'workflw'; did you mean 'workflow'?".
This module is generic over the model class: the kinds declare their models, this
turns any model's errors into ``Diagnostic`` values pointing into the file.

A union (``int | WorkflowRef``) fails once per branch; reporting each branch would
bury the one that matters. When the value clearly aimed at one branch (the errors of
that branch are about its inside, not its type), only that branch's errors are kept;
otherwise the branches merge into one "expected an integer or a mapping" message.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml.scalarbool import ScalarBoolean

from haloform.common.paths import PathItem, field_path
from haloform.diagnostics import Diagnostic
from haloform.load.yamlio import location

M = TypeVar("M", bound=BaseModel)
ServerOwned = Collection[str] | Callable[[str], bool]
"""Field names Halo sets itself (``id``, ``*_name`` companions), or a test for them."""

_EXPECTED: dict[str, str] = {
    **dict.fromkeys(("int_type", "int_parsing", "int_from_float"), "an integer"),
    **dict.fromkeys(("float_type", "float_parsing"), "a number"),
    **dict.fromkeys(("bool_type", "bool_parsing"), "true or false"),
    **dict.fromkeys(("string_type", "string_sub_type"), "a string"),
    **dict.fromkeys(("model_type", "model_attributes_type", "dict_type"), "a mapping"),
    **dict.fromkeys(("list_type", "tuple_type", "set_type", "frozen_set_type"), "a list"),
    **dict.fromkeys(("uuid_type", "uuid_parsing"), "a UUID"),
    **dict.fromkeys(("date_type", "date_parsing", "date_from_datetime_parsing"), "a date"),
    **dict.fromkeys(("datetime_type", "datetime_parsing"), "a date and time"),
    "none_required": "no value",
}
_CHOICES = frozenset({"literal_error", "enum"})
_MISMATCH = frozenset(_EXPECTED) | _CHOICES
"""Errors saying a value is of the wrong sort altogether, not wrong inside."""
_ABOUT_THE_KEY = frozenset({"extra_forbidden", "server_owned"})
"""Errors about a name rather than its value, placed at the key. ``server_owned`` is
the error the kinds' models raise themselves for names Halo sets."""


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate a typo most likely meant (ignoring case), if any is close."""
    by_folded = {candidate.casefold(): candidate for candidate in candidates}
    close = difflib.get_close_matches(word.casefold(), list(by_folded), n=1, cutoff=0.6)
    return by_folded[close[0]] if close else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'name'?"`` for the closest candidate, or ``""``."""
    match = closest(word, candidates)
    return f"; did you mean {match!r}?" if match else ""


def validate_document(
    model_cls: type[M],
    body: Mapping[Any, Any],
    *,
    file: str,
    server_owned: ServerOwned = frozenset(),
) -> tuple[M | None, list[Diagnostic]]:
    """Validate a loaded document's body with ``model_cls``; every problem, located.

    ``kind`` is dropped first unless the model declares it: the loader has already
    used it to pick the model. The body may be a ruamel mapping (positions are then
    exact) or any mapping (diagnostics then name the file only).
    """
    keep_kind = "kind" in _field_names(model_cls)
    data = {key: to_plain(value) for key, value in body.items() if keep_kind or key != "kind"}
    try:
        return model_cls.model_validate(data), []
    except ValidationError as error:
        context = _Context(model_cls, body, data, file, _as_predicate(server_owned))
        return None, context.diagnose(error.errors(include_url=False))


def to_plain(data: Any) -> Any:
    """Builtin dicts, lists, str, int, float and bool in place of ruamel's subclasses.

    Models then hold ordinary values (a quoted string is a ``str``, not a
    ``DoubleQuotedScalarString``) whatever the file's quoting was.
    """
    if isinstance(data, dict):
        return {to_plain(key): to_plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [to_plain(item) for item in data]
    if isinstance(data, (bool, ScalarBoolean)):
        return bool(data)
    for plain in (str, int, float):
        if isinstance(data, plain) and type(data) is not plain:
            return plain(data)
    return data


def _as_predicate(server_owned: ServerOwned) -> Callable[[str], bool]:
    if callable(server_owned):
        return server_owned
    names = frozenset(server_owned)
    return names.__contains__


@dataclass(frozen=True)
class _Issue:
    """One pydantic error, its ``loc`` split into real steps and union branch labels."""

    loc: tuple[PathItem, ...]
    labels: tuple[bool, ...]
    error: ErrorDetails

    @property
    def path(self) -> tuple[PathItem, ...]:
        return tuple(item for item, label in zip(self.loc, self.labels, strict=True) if not label)

    def first_label(self) -> int | None:
        return self.labels.index(True) if True in self.labels else None

    def without(self, index: int) -> _Issue:
        return replace(
            self,
            loc=self.loc[:index] + self.loc[index + 1 :],
            labels=self.labels[:index] + self.labels[index + 1 :],
        )


def _labels(loc: tuple[PathItem, ...], data: Any, *, missing: bool) -> tuple[bool, ...]:
    """Which items of ``loc`` are not in the data: union branches, validator names.

    The last item of a ``missing`` error is absent because it is the missing field.
    """
    flags: list[bool] = []
    cursor, present = data, True
    for index, item in enumerate(loc):
        if present and isinstance(cursor, Mapping) and item in cursor:
            cursor = cursor[item]
        elif present and isinstance(cursor, list) and isinstance(item, int):
            present = 0 <= item < len(cursor)
            cursor = cursor[item] if present else None
        elif not (missing and index == len(loc) - 1):
            flags.append(True)
            continue
        flags.append(False)
    return tuple(flags)


@dataclass(frozen=True)
class _Context:
    """What describing an error needs: the model, the body with positions, the file."""

    model_cls: type[BaseModel]
    body: Mapping[Any, Any]
    data: Mapping[Any, Any]
    file: str
    server_owned: Callable[[str], bool]

    def diagnose(self, errors: Iterable[ErrorDetails]) -> list[Diagnostic]:
        issues = _collapse([self._issue(error) for error in errors])
        unknown = [issue for issue in issues if issue.error["type"] == "extra_forbidden"]
        meant = {(*i.path[:-1], match) for i in unknown if (match := self._suggestion(i))}
        described = (
            self._describe(issue)
            for issue in issues
            if not (issue.error["type"] == "missing" and issue.path in meant)
        )
        return list(dict.fromkeys(described))

    def _issue(self, error: ErrorDetails) -> _Issue:
        loc = tuple(error["loc"])
        return _Issue(loc, _labels(loc, self.data, missing=error["type"] == "missing"), error)

    def _describe(self, issue: _Issue) -> Diagnostic:
        path, kind = issue.path, issue.error["type"]
        where = location(self.file, self.body, path, key=kind in _ABOUT_THE_KEY)
        if kind == "missing":
            message = f"{path[-1]!r} is required"
        elif kind == "extra_forbidden":
            message = self._unknown_field(issue)
        elif kind == "union_mismatch":
            message = issue.error["msg"]
        else:
            message = _value_message(issue.error)
        return Diagnostic(message, where, field_path(path) or None)

    def _unknown_field(self, issue: _Issue) -> str:
        name = issue.path[-1]
        if isinstance(name, str) and self.server_owned(name):
            return f"{name!r} is set by Halo and cannot appear in a file (remove it)"
        match = self._suggestion(issue)
        return f"unknown field {name!r}" + (f"; did you mean {match!r}?" if match else "")

    def _suggestion(self, issue: _Issue) -> str | None:
        """The field an unknown one most likely misspells; its "is required" goes unsaid."""
        name = issue.path[-1]
        if not isinstance(name, str) or self.server_owned(name):
            return None
        parent = tuple(issue.error["loc"])[:-1]
        return closest(name, _field_names(_model_at(self.model_cls, parent)))


def _collapse(issues: list[_Issue]) -> list[_Issue]:
    """Union errors reduced to the branch that was meant, or to one merged issue."""
    kept = [issue for issue in issues if issue.first_label() is None]
    unions: dict[tuple[PathItem, ...], list[_Issue]] = {}
    for issue in issues:
        at = issue.first_label()
        if at is not None:
            unions.setdefault(issue.loc[:at], []).append(issue)
    for prefix, group in unions.items():
        kept.extend(_resolve_union(len(prefix), group))
    return kept


def _resolve_union(at: int, group: list[_Issue]) -> list[_Issue]:
    branches: dict[PathItem, list[_Issue]] = {}
    for issue in group:
        branches.setdefault(issue.loc[at], []).append(issue)
    meant = [issues for issues in branches.values() if any(_went_inside(i, at) for i in issues)]
    if meant:
        return _collapse([issue.without(at) for issue in min(meant, key=len)])
    return [_merged(at, group)]


def _went_inside(issue: _Issue, at: int) -> bool:
    return not all(issue.labels[at:]) or issue.error["type"] not in _MISMATCH


def _merged(at: int, group: list[_Issue]) -> _Issue:
    """One "expected A or B" issue standing for every branch's type mismatch."""
    first = group[0].without(at)
    loc = first.loc[:at]
    expected = dict.fromkeys(e for e in (_expected(i.error) for i in group) if e is not None)
    value = group[0].error["input"]
    shown = describe_value(value)
    msg = f"expected {' or '.join(expected)}, got {shown}" if expected else group[0].error["msg"]
    error = ErrorDetails(type="union_mismatch", loc=loc, msg=msg, input=value)
    return _Issue(loc, first.labels[:at], error)


def _expected(error: ErrorDetails) -> str | None:
    if error["type"] in _CHOICES:
        return str(error.get("ctx", {}).get("expected", "")) or None
    return _EXPECTED.get(error["type"])


def _value_message(error: ErrorDetails) -> str:
    """A wrong value: what was expected and what was found."""
    expected = _expected(error)
    value = error["input"]
    if expected is None:
        message = error["msg"]
        for prefix in ("Value error, ", "Assertion failed, "):
            message = message.removeprefix(prefix)
        return message.replace("Input should be", "must be", 1)
    hint = ""
    if error["type"] == "string_type" and not isinstance(value, (Mapping, list, type(None))):
        hint = " (quote it to keep it as text)"
    return f"expected {expected}, got {describe_value(value)}{hint}"


def describe_value(value: Any) -> str:
    """A value as a message shows it: short, in YAML's words (``true``, "a mapping")."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    return str(value)


def _model_at(model_cls: type[BaseModel], loc: Sequence[PathItem]) -> type[BaseModel] | None:
    """The model class whose fields sit at ``loc`` (through lists, optionals, unions)."""
    annotation: Any = model_cls
    for item in loc:
        annotation = _child(_unwrap(annotation), item)
        if annotation is None:
            return None
    found = _unwrap(annotation)
    return found if _is_model(found) else None


def _child(annotation: Any, item: PathItem) -> Any:
    if _is_model(annotation):
        field = _field(annotation, item)
        return None if field is None else field.annotation
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, types.UnionType):
        members = [_unwrap(arg) for arg in args if arg is not type(None)]
        named = [m for m in members if getattr(m, "__name__", None) == item]
        if named:
            return named[0]
        fields = (_field(m, item) for m in members if _is_model(m))
        return next((f.annotation for f in fields if f is not None), None)
    if isinstance(item, int) and origin in (list, set, frozenset, Sequence) and args:
        return args[0]
    if isinstance(item, int) and origin is tuple and args:
        return args[0] if args[-1] is Ellipsis else dict(enumerate(args)).get(item)
    if isinstance(item, str) and origin in (dict, Mapping) and len(args) == 2:
        return args[1]
    return None


def _unwrap(annotation: Any) -> Any:
    """``Annotated[X, ...]`` and ``X | None`` as ``X``: neither adds a loc step."""
    while True:
        origin, args = get_origin(annotation), get_args(annotation)
        if origin is Annotated:
            annotation = args[0]
        elif origin in (Union, types.UnionType) and type(None) in args and len(args) == 2:
            annotation = next(arg for arg in args if arg is not type(None))
        else:
            return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _field(model_cls: type[BaseModel], item: PathItem) -> Any:
    for name, info in model_cls.model_fields.items():
        if item in (name, info.alias, info.validation_alias):
            return info
    return None


def _field_names(model_cls: type[BaseModel] | None) -> list[str]:
    """The names a file may use: each field's alias where it has one, else its name."""
    if model_cls is None:
        return []
    return [info.alias or name for name, info in model_cls.model_fields.items()]
