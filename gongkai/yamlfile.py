"""YAML files that people write by hand (targets, rules, indicators), read safely, with line numbers.

Every problem becomes one line naming the file, the line and the field
(``targets.yaml:7: sites[1].home: not a URL``).  Tags beyond plain YAML, aliases (alias bombs
would expand during validation) and duplicate keys (PyYAML silently keeps the last) are refused.
So are the inputs on which PyYAML itself raises something other than a YAMLError, which would
otherwise reach the user as a traceback: keys that are lists or mappings (``? [1, 2]``), nesting
deeper than MAX_DEPTH (PyYAML's composer recurses: 10,000 ``[`` is a RecursionError) and scalar
values a constructor chokes on (``!!int abc``).  A plain scalar that looks like a date but is
not one (``2024-13-45``) stays a string, so the model names the field that wanted a date.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

MAX_BYTES = 2_000_000
MAX_DEPTH = 64      # nesting levels; a targets, rules or indicators file needs fewer than ten


class YamlFileError(Exception):
    """A hand-written YAML file that cannot be used; the message is the one line shown."""


if yaml.__with_libyaml__:
    from yaml.cyaml import CParser

    class _SafeLoader(yaml.composer.Composer, CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """PyYAML's SafeLoader with libyaml's scanner and parser (C: the rulebook in a fraction of
        the time) under PyYAML's own composer, which :class:`_NoAliasLoader` needs to see every node."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            yaml.composer.Composer.__init__(self)
else:   # a PyYAML built without libyaml: the same loader, all in Python
    _SafeLoader = yaml.SafeLoader  # type: ignore[misc,assignment]


class _NoAliasLoader(_SafeLoader):
    """SafeLoader that refuses aliases and deep nesting, and never raises a non-YAML error."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            raise yaml.MarkedYAMLError(problem="YAML aliases are not allowed here",
                                       problem_mark=self.peek_event().start_mark)
        if self._depth >= MAX_DEPTH:
            raise yaml.MarkedYAMLError(problem=f"nested deeper than {MAX_DEPTH} levels",
                                       problem_mark=self.peek_event().start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """A value no constructor can build (``!!int abc``) is a YAML error at its line, not a crash."""
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
            shown = repr(node.value[:80]) if isinstance(node, yaml.ScalarNode) else "value"
            raise yaml.MarkedYAMLError(problem=f"invalid {shown} for {node.tag} ({str(exc)[:100]})",
                                       problem_mark=node.start_mark) from None

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:  # type: ignore[override]
        """``2024-13-45`` stays a string: the model then names the field that wanted a date."""
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, AttributeError, OverflowError):
            return self.construct_scalar(node)


_NoAliasLoader.add_constructor("tag:yaml.org,2002:timestamp", _NoAliasLoader.construct_yaml_timestamp)


def _check_duplicates(name: str, node: yaml.Node, path: str = "") -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise YamlFileError(f"{name}:{key.start_mark.line + 1}: {path or 'top level'}: "
                                    "a key must be a plain value, not a list or mapping")
            if key.value in seen:
                raise YamlFileError(f"{name}:{key.start_mark.line + 1}: {path or 'top level'}: duplicate key {key.value!r}")
            seen.add(key.value)
            _check_duplicates(name, value, f"{path}.{key.value}" if path else str(key.value))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _check_duplicates(name, item, f"{path}[{i}]")


def _yaml_problem(name: str, exc: yaml.YAMLError) -> YamlFileError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = f"{mark.line + 1}:" if mark else ""
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or "invalid YAML"
    if "maximum nesting depth" in problem:   # libyaml's own limit (1,000) met before ours: say it as ours
        problem = f"nested deeper than {MAX_DEPTH} levels"
    return YamlFileError(f"{name}:{line} {problem}")


def load(path: str | Path, what: str) -> tuple[Any, yaml.Node]:
    """(data, node tree for line numbers) of a YAML file; ``what`` names the file kind in errors."""
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlFileError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise YamlFileError(f"{name}: file too large ({len(raw)} bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlFileError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    loader = _NoAliasLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise YamlFileError(f"{name}: empty {what}")
        _check_duplicates(name, root)
        data = loader.construct_document(root)   # from the one parse: the tree is what the lines come from
    except yaml.YAMLError as exc:
        raise _yaml_problem(name, exc) from None
    finally:
        loader.dispose()
    return data, root


def loc_text(loc: tuple[Any, ...]) -> str:
    """('sites', 1, 'home') → 'sites[1].home'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "top level"


def line_of(root: yaml.Node, loc: tuple[Any, ...]) -> int:
    """Line of the deepest node of ``loc`` that exists in the file (the parent for a missing key)."""
    node = root
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if k.value == part), None)
            if found is None:
                break
            line, node = found[0].start_mark.line + 1, found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def problem(name: str, root: yaml.Node, loc: tuple[Any, ...], message: str) -> str:
    """The one-line error for a field: ``file:line: field: message``."""
    return f"{name}:{line_of(root, loc)}: {loc_text(loc)}: {message}"


def validation_problem(name: str, root: yaml.Node, exc: ValidationError, prefix: tuple[Any, ...] = ()) -> str:
    """The one-line error for the first pydantic validation error of a file."""
    err = exc.errors()[0]
    kind, msg = err.get("type", ""), err.get("msg", "")
    if kind == "extra_forbidden":
        msg = "unknown key"
    elif kind == "missing":
        msg = "required field is missing"
    return problem(name, root, (*prefix, *err.get("loc", ())), msg.removeprefix("Value error, "))


def load_model(path: str | Path, what: str, model: Any, expected: str) -> Any:
    """A YAML file validated into the pydantic ``model``: the one loader of targets, indicators …

    ``expected`` says what the top level must be ("a mapping with audit, crawl and sites").  Any
    problem is one ``YamlFileError`` line naming the file, line and field.
    """
    name = str(path)
    data, root = load(path, what)
    if not isinstance(data, dict):
        raise YamlFileError(f"{name}:1: top level: expected {expected}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise YamlFileError(validation_problem(name, root, exc)) from None
