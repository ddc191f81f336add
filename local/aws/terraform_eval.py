"""A small Terraform evaluator: enough of the language to render terraform/'s IAM policies.

The local endpoint enforces the policies terraform/ would create on AWS. Copying them by hand
would drift from the HCL, and Terraform is not installed on a fresh machine, so this module
evaluates the HCL itself (the lark tree python-hcl2 parses to) with the lake's real names.

It is honest rather than complete: whatever it does not model raises ``TerraformEvalError``
naming the file, line and address, never a guess or a placeholder. In particular:

- Evaluation is lazy and memoized: asking for one policy evaluates only what that policy needs
  (a subnet id AWS would assign is never asked for, so it never fails), and a reference cycle
  is reported instead of recursing forever.
- A conditional evaluates only the branch its condition chooses; Terraform also type-checks
  the other one.
- Resource attributes come from a table of per-type rules that form them from the resource's
  own arguments as AWS does (an S3 bucket's ARN from its name). What AWS assigns (a subnet id,
  a secret's random ARN suffix) is not modelled. A KMS key's id is the one stand-in: a UUID5 of
  the resource's address, since AWS picks key ids at random.
- ``aws_iam_policy_document`` renders as the AWS provider does: statements in order, Action,
  NotAction, Resource and NotResource de-duplicated and reverse-sorted, principal identifiers
  de-duplicated and reverse-sorted per block and merged per type, condition values in order,
  a one-element list collapsed to a string, and the provider's JSON layout and HTML escaping.
  Where the provider orders several principals or conditions blocks by a hash of its own, the
  order here is the configuration's: equal as a policy, possibly not byte for byte.
- Variable ``validation`` blocks are not checked; ``try``/``can`` catch only errors Terraform
  would also raise (``ExpressionError``), never an ``UnsupportedError``.
- Maps iterate in key order and sets in value order, as in Terraform; numbers are ints when
  whole; paths behave as if Terraform ran in the root module's directory.
"""

from __future__ import annotations

import json
import math
import operator
import os
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import hcl2
from lark import Token, Tree

InstanceKey = int | str | None


class TerraformEvalError(Exception):
    """The configuration cannot be evaluated here; says where (file, line, address) and why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.file: str | None = None
        self.line: int | None = None
        self.address: str | None = None

    def locate(self, file: str, line: int | None, address: str) -> None:
        """Record where the error arose; the innermost location (set first) wins."""
        if self.address is None:
            self.file, self.line, self.address = file, line, address
            self.args = (str(self),)

    def __str__(self) -> str:
        if self.address is None:
            return self.message
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        return f"{where}: {self.address}: {self.message}"


class UnsupportedError(TerraformEvalError):
    """Something this evaluator does not model, though Terraform might accept it."""


class ExpressionError(TerraformEvalError):
    """Something Terraform itself would reject; the only kind try() and can() catch."""


# --- configuration: files -> blocks and attributes ----------------------------------------


@dataclass(frozen=True)
class _Attr:
    name: str
    expr: Tree
    file: Path
    line: int | None


@dataclass(frozen=True)
class _Block:
    type: str
    labels: tuple[str, ...]
    attrs: Mapping[str, _Attr]
    blocks: tuple[_Block, ...]
    file: Path
    line: int | None


def _kids(tree: Tree) -> list[Tree]:
    """The sub-trees that carry meaning: punctuation tokens, newlines and comments dropped."""
    return [c for c in tree.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _has_token(tree: Tree, token_type: str) -> bool:
    return any(isinstance(c, Token) and c.type == token_type for c in tree.children)


def _line(tree: Tree) -> int | None:
    token = next(tree.scan_values(lambda v: isinstance(v, Token)), None)
    return getattr(token, "line", None)


def _token_text(tree: Tree) -> str:
    """The single token of an identifier, keyword or literal_value node."""
    return str(tree.children[0])


def _label(tree: Tree) -> str:
    if tree.data == "string":
        parts = [p.children[0] for p in _kids(tree)]
        if not all(isinstance(p, Token) and p.type == "STRING_CHARS" for p in parts):
            raise UnsupportedError("a block label with an interpolation")
        return "".join(_unescape(str(p)) for p in parts)
    return _token_text(tree)


def _parse_body(body: Tree, file: Path) -> tuple[dict[str, _Attr], tuple[_Block, ...]]:
    attrs: dict[str, _Attr] = {}
    blocks: list[_Block] = []
    for node in _kids(body):
        if node.data == "attribute":
            name_tree, expr = _kids(node)
            name = _token_text(name_tree)
            if name in attrs:
                raise ExpressionError(f"{file}: attribute {name!r} is set twice")
            attrs[name] = _Attr(name, expr, file, _line(node))
        else:
            parts = _kids(node)
            inner_attrs, inner_blocks = _parse_body(parts[-1], file)
            labels = tuple(_label(t) for t in parts[1:-1])
            blocks.append(_Block(_token_text(parts[0]), labels, inner_attrs, inner_blocks, file, _line(node)))
    return attrs, tuple(blocks)


@dataclass
class _Module:
    """One module directory's declarations, by kind and name."""

    directory: Path
    variables: dict[str, _Block]
    locals: dict[str, _Attr]
    outputs: dict[str, _Block]
    calls: dict[str, _Block]
    resources: dict[tuple[str, str, str], _Block]  # (mode, type, name)
    providers: list[_Block]


_IGNORED_TOP_LEVEL = {"terraform", "moved", "removed", "import", "check"}


def _load_module(directory: Path) -> _Module:
    if not directory.is_dir():
        raise ExpressionError(f"module directory {directory} does not exist")
    unsupported = [p.name for p in directory.glob("*.tf.json")]
    unsupported += [
        p.name for p in directory.glob("*.tf") if p.stem == "override" or p.stem.endswith("_override")
    ]
    if unsupported:
        raise UnsupportedError(
            f"{directory}: JSON or override files are not supported: {sorted(unsupported)}"
        )
    module = _Module(directory, {}, {}, {}, {}, {}, [])
    for file in sorted(directory.glob("*.tf")):
        _, blocks = _parse_body(hcl2.parses_to_tree(file.read_text(encoding="utf-8")).children[0], file)
        for block in blocks:
            _declare(module, block)
    return module


_PARSED: dict[tuple[Path, tuple[tuple[str, int, int], ...]], _Module] = {}


def _parsed_module(directory: Path) -> _Module:
    """The module's declarations, parsed again only when one of its files changed (parsing is
    most of a render's time, and the endpoint renders more than once)."""
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(directory.glob("*.tf*")))
    key = (directory, stamp)
    if key not in _PARSED:
        _PARSED[key] = _load_module(directory)
    return _PARSED[key]


def _declare(module: _Module, block: _Block) -> None:
    kind, labels = block.type, block.labels
    if kind == "locals":
        for name, attr in block.attrs.items():
            _add(module.locals, name, attr, f"local.{name}")
    elif kind in ("variable", "output", "module"):
        table = {"variable": module.variables, "output": module.outputs, "module": module.calls}[kind]
        _add(table, labels[0], block, f"{kind} {labels[0]}")
    elif kind in ("resource", "data"):
        mode = "managed" if kind == "resource" else "data"
        _add(module.resources, (mode, labels[0], labels[1]), block, f"{kind} {'.'.join(labels)}")
    elif kind == "provider":
        module.providers.append(block)
    elif kind not in _IGNORED_TOP_LEVEL:
        raise UnsupportedError(f"{block.file}:{block.line}: top-level block {kind!r}")


def _add(table: dict[Any, Any], key: Any, value: Any, what: str) -> None:
    if key in table:
        raise ExpressionError(f"{what} is declared twice")
    table[key] = value


# --- values ---------------------------------------------------------------------------------


class _Lazy:
    """A resource, data source or module instance: its attributes are evaluated on access."""

    def get(self, name: str) -> Any:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


def _num(value: float) -> int | float:
    """Whole numbers as int, so they print and compare as Terraform's do."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


def _num_str(value: float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return format(Decimal(repr(value)), "f")
    return str(int(value))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _to_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_number(value):
        return _num_str(value)
    if value is None:
        raise ExpressionError("a null value where a string is required")
    raise ExpressionError(f"a {_type_name(value)} where a string is required")


def _to_number(value: Any) -> int | float:
    if _is_number(value):
        return value
    if isinstance(value, str):
        try:
            return _num(float(value)) if re.search(r"[.eE]", value) else int(value)
        except ValueError:
            pass
    raise ExpressionError(f"{_describe(value)} is not a number")


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ExpressionError(f"{_describe(value)} is not a bool")


def _type_name(value: Any) -> str:
    kinds = ((bool, "bool"), (str, "string"), (int | float, "number"), (list, "list"))
    kinds += ((frozenset, "set"), (dict, "object"), (_Lazy, "resource object"))
    return next((name for kind, name in kinds if isinstance(value, kind)), type(value).__name__)


def _describe(value: Any) -> str:
    return "null" if value is None else f"a {_type_name(value)}"


def _sort_key(value: Any) -> tuple[int, Any]:
    if _is_number(value):
        return (0, value)
    if isinstance(value, str):
        return (1, value)
    raise UnsupportedError(f"ordering {_describe(value)} in a set")


def _items(value: Any) -> list[tuple[Any, Any]]:
    """(key, value) pairs in Terraform's iteration order: lists by index, maps by key, sets by value."""
    if isinstance(value, list | tuple):
        return list(enumerate(value))
    if isinstance(value, frozenset):
        return [(v, v) for v in sorted(value, key=_sort_key)]
    if isinstance(value, dict):
        return [(k, value[k]) for k in sorted(value)]
    raise ExpressionError(f"cannot iterate over {_describe(value)}")


def _elements(value: Any) -> list[Any]:
    if isinstance(value, list | tuple | frozenset):
        return [v for _, v in _items(value)]
    raise ExpressionError(f"{_describe(value)} where a list or set is required")


def _plain(value: Any, where: str) -> Any:
    """The value with no lazy object left in it: the form functions and callers may inspect."""
    if isinstance(value, _Lazy):
        raise UnsupportedError(f"{where}: a whole {value.describe()} object, not one of its attributes")
    if isinstance(value, list | tuple):
        return [_plain(v, where) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v, where) for k, v in value.items()}
    return value


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, _Lazy) or isinstance(b, _Lazy):
        raise UnsupportedError("comparing whole resource objects")
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if _is_number(a) and _is_number(b):
        return a == b
    return type(a) is type(b) and a == b


_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _go_json(value: Any, *, indent: int | None = None, sort_keys: bool = False) -> str:
    """JSON as Go's encoding/json writes it (HTML characters escaped), as Terraform and the provider do."""
    separators = (",", ": ") if indent else (",", ":")
    text = json.dumps(
        _jsonable(value), indent=indent, separators=separators, ensure_ascii=False, sort_keys=sort_keys
    )
    return re.sub("[<>&\u2028\u2029]", lambda m: _GO_ESCAPES[m.group()], text)


def _jsonable(value: Any) -> Any:
    if isinstance(value, frozenset):
        return [_jsonable(v) for v in sorted(value, key=_sort_key)]
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, _Lazy):
        raise UnsupportedError(f"encoding a whole {value.describe()} object")
    return value


# --- evaluation context ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Ctx:
    """Where an expression is evaluated: a module instance plus the names bound around it
    (count, each, for-expression and dynamic-block iterators)."""

    module: _ModuleInstance
    names: Mapping[str, Any]

    def bind(self, names: Mapping[str, Any]) -> _Ctx:
        return _Ctx(self.module, {**self.names, **names})


def _located(attr: _Attr, address: str, evaluate: Callable[[], Any]) -> Any:
    try:
        return evaluate()
    except TerraformEvalError as err:
        err.locate(attr.file.as_posix(), attr.line, address)
        raise


def _eval_attr(attr: _Attr, ctx: _Ctx, address: str) -> Any:
    return _located(attr, f"{address}.{attr.name}" if address else attr.name, lambda: _eval(attr.expr, ctx))


# --- expressions ----------------------------------------------------------------------------


def _eval(tree: Tree, ctx: _Ctx) -> Any:
    handler = _HANDLERS.get(str(tree.data))
    if handler is None:
        raise UnsupportedError(f"expression of kind {tree.data!r}")
    return handler(tree, ctx)


def _expr_term(tree: Tree, ctx: _Ctx) -> Any:
    (inner,) = _kids(tree)
    if inner.data == "identifier":
        return _reference(_token_text(inner), [], ctx)
    return _eval(inner, ctx)


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU":
            return chr(int(code[1:], 16))
        if code in _ESCAPES:
            return _ESCAPES[code]
        raise ExpressionError(f"invalid escape sequence \\{code}")

    return re.sub(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", replace, text)


def _string(tree: Tree, ctx: _Ctx) -> Any:
    pieces: list[Any] = []
    for part in _kids(tree):
        (child,) = part.children
        if isinstance(child, Token):
            text = str(child)
            pieces.append(_unescape(text) if child.type == "STRING_CHARS" else text[1:])
        elif child.data == "interpolation":
            pieces.append(child)
        else:
            raise UnsupportedError(f"template directive ({child.data}) in a string")
    if len(pieces) == 1 and isinstance(pieces[0], Tree):
        return _eval(_kids(pieces[0])[0], ctx)  # "${x}" is x itself, of x's type
    out = []
    for piece in pieces:
        if isinstance(piece, Tree):
            value = _eval(_kids(piece)[0], ctx)
            if value is None:
                raise ExpressionError("a null value in a string template")
            out.append(_to_string(value))
        else:
            out.append(piece)
    return "".join(out)


def _heredoc(tree: Tree, _ctx: _Ctx) -> str:
    lines = str(tree.children[0]).replace("\r\n", "\n").split("\n")
    content = lines[1:-2]  # the opening marker, then the closing marker line and the final ""
    if tree.data == "heredoc_template_trim":
        indents = [len(line) - len(line.lstrip(" ")) for line in content if line.strip()]
        cut = min(indents, default=0)
        content = [line[cut:] for line in content]
    text = "\n".join(content) + ("\n" if content else "")
    if re.search(r"(?<!\$)\$\{|(?<!%)%\{", text):
        raise UnsupportedError("a heredoc with interpolations or directives")
    return text.replace("$${", "${").replace("%%{", "%{")


def _literal(tree: Tree, _ctx: _Ctx) -> Any:
    return {"true": True, "false": False, "null": None}[_token_text(tree)]


def _tuple(tree: Tree, ctx: _Ctx) -> list[Any]:
    return [_eval(item, ctx) for item in _kids(tree)]


def _object(tree: Tree, ctx: _Ctx) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for element in _kids(tree):
        key_tree, value_tree = _kids(element)
        key = _object_key(key_tree, ctx)
        if key in result:
            raise ExpressionError(f"object key {key!r} appears twice")
        result[key] = _eval(value_tree, ctx)
    return result


def _object_key(tree: Tree, ctx: _Ctx) -> str:
    (inner,) = _kids(tree)
    if inner.data == "keyword":
        return _token_text(inner)
    bare = _kids(inner) if inner.data == "expr_term" and len(inner.children) == 1 else []
    if bare and bare[0].data in ("identifier", "literal_value"):
        return _token_text(bare[0])  # `name = ...`: a bare word is the key itself
    key = _eval(inner, ctx)
    if key is None:
        raise ExpressionError("an object key is null")
    return _to_string(key)


def _number(tree: Tree, _ctx: _Ctx) -> int | float:
    text = _token_text(tree)
    return int(text) if tree.data == "int_lit" else _num(float(text))


def _conditional(tree: Tree, ctx: _Ctx) -> Any:
    condition, when_true, when_false = _kids(tree)
    chosen = _eval(condition, ctx)
    if chosen is None:
        raise ExpressionError("the condition of a conditional is null")
    return _eval(when_true if _to_bool(chosen) else when_false, ctx)


def _unary(tree: Tree, ctx: _Ctx) -> Any:
    token = tree.children[0]
    value = _eval(_kids(tree)[0], ctx)
    if token.type == "NOT":
        return not _strict_bool(value)
    return _num(-_to_number(value))


def _strict_bool(value: Any) -> bool:
    if value is None:
        raise ExpressionError("null where a bool is required")
    return _to_bool(value)


def _divide(a: float, b: float) -> float:
    if b == 0:
        raise ExpressionError("division by zero")
    return a / b


def _modulo(a: float, b: float) -> float:
    if b == 0:
        raise ExpressionError("modulo by zero")
    return math.fmod(a, b)


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "PLUS": operator.add,
    "MINUS": operator.sub,
    "ASTERISK": operator.mul,
    "SLASH": _divide,
    "PERCENT": _modulo,
}
_ORDERING: dict[str, Callable[[Any, Any], bool]] = {
    "LT": operator.lt,
    "GT": operator.gt,
    "LEQ": operator.le,
    "GEQ": operator.ge,
}


def _binary(tree: Tree, ctx: _Ctx) -> Any:
    left_tree, term = _kids(tree)
    operator_tree, right_tree = _kids(term)
    op = operator_tree.children[0].type
    left, right = _eval(left_tree, ctx), _eval(right_tree, ctx)
    if op in _ARITHMETIC:
        return _num(_ARITHMETIC[op](_to_number(left), _to_number(right)))
    if op in _ORDERING:
        return _ORDERING[op](_to_number(left), _to_number(right))
    if op in ("DOUBLE_EQ", "NEQ"):
        return _equal(left, right) == (op == "DOUBLE_EQ")
    if op == "DOUBLE_AMP":
        return _strict_bool(left) and _strict_bool(right)
    if op == "DOUBLE_PIPE":
        return _strict_bool(left) or _strict_bool(right)
    raise UnsupportedError(f"operator {op}")


def _for_intro(tree: Tree, ctx: _Ctx) -> tuple[list[str], Any]:
    parts = _kids(_kids(tree)[0])
    return [_token_text(p) for p in parts[:-1]], _eval(parts[-1], ctx)


def _for_iterations(tree: Tree, ctx: _Ctx) -> list[_Ctx]:
    """The contexts of a for expression's iterations that pass its `if`."""
    names, collection = _for_intro(tree, ctx)
    condition = next((k for k in _kids(tree) if k.data == "for_cond"), None)
    contexts = []
    for key, value in _items(collection):
        bound = ctx.bind(
            dict(zip(names, (key, value), strict=True)) if len(names) == 2 else {names[0]: value}
        )
        if condition is None or _strict_bool(_eval(_kids(condition)[0], bound)):
            contexts.append(bound)
    return contexts


def _for_tuple(tree: Tree, ctx: _Ctx) -> list[Any]:
    value_tree = _kids(tree)[1]
    return [_eval(value_tree, bound) for bound in _for_iterations(tree, ctx)]


def _for_object(tree: Tree, ctx: _Ctx) -> dict[str, Any]:
    key_tree, value_tree = _kids(tree)[1:3]
    grouping = _has_token(tree, "ELLIPSIS")
    result: dict[str, Any] = {}
    for bound in _for_iterations(tree, ctx):
        key, value = _eval(key_tree, bound), _eval(value_tree, bound)
        if key is None:
            raise ExpressionError("a for expression produced a null key")
        key = _to_string(key)
        if grouping:
            result.setdefault(key, []).append(value)
        elif key in result:
            raise ExpressionError(f"a for expression produced the key {key!r} twice (use ... to group)")
        else:
            result[key] = value
    return dict(sorted(result.items()))


# --- references and traversals --------------------------------------------------------------

_TRAVERSALS = {"get_attr_expr_term", "index_expr_term", "attr_splat_expr_term", "full_splat_expr_term"}


def _flatten(tree: Tree) -> tuple[Tree, list[Tree]]:
    """A traversal's base and its steps (get_attr, index, splat), outermost last."""
    steps: list[Tree] = []
    node = tree
    while True:
        if node.data in _TRAVERSALS:
            node, step = _kids(node)
            steps.append(step)
        elif node.data == "expr_term" and len(node.children) == 1:
            node = _kids(node)[0]
        else:
            break
    steps.reverse()
    return node, steps


def _traversal(tree: Tree, ctx: _Ctx) -> Any:
    base, steps = _flatten(tree)
    if base.data == "identifier":
        return _reference(_token_text(base), steps, ctx)
    return _apply(_eval(base, ctx), steps, ctx)


def _attr_name(step: Tree | None, what: str) -> str:
    if step is None or step.data != "get_attr":
        raise ExpressionError(f"{what} must be followed by .<name>")
    return _token_text(_kids(step)[0])


def _reference(root: str, steps: list[Tree], ctx: _Ctx) -> Any:
    if root in ctx.names:
        return _apply(ctx.names[root], steps, ctx)
    module = ctx.module
    first = steps[0] if steps else None
    if root in ("var", "local", "module", "path"):
        name = _attr_name(first, root)
        resolve = {
            "var": module.variable,
            "local": module.local,
            "module": module.module_value,
            "path": module.path,
        }
        value = resolve[root](name)
        return _apply(value, steps[1:], ctx)
    if root == "data":
        type_ = _attr_name(first, "data")
        name = _attr_name(steps[1] if len(steps) > 1 else None, f"data.{type_}")
        return _apply(module.resource("data", type_, name), steps[2:], ctx)
    if root in ("count", "each"):
        raise ExpressionError(f"{root}.* is only available in a block that sets {root}")
    if root in ("self", "terraform"):
        raise UnsupportedError(f"{root}.* references")
    name = _attr_name(first, f"a reference to {root}")
    return _apply(module.resource("managed", root, name), steps[1:], ctx)


def _apply(value: Any, steps: list[Tree], ctx: _Ctx) -> Any:
    for step in steps:
        if step.data == "get_attr":
            value = _get_attr(value, _token_text(_kids(step)[0]))
        elif step.data in ("full_splat", "attr_splat"):
            value = _splat(value, _kids(step), ctx)
        else:
            value = _index(value, _index_key(step, ctx))
    return value


def _index_key(step: Tree, ctx: _Ctx) -> Any:
    if step.data == "short_index":
        return int(str(step.children[-1]))
    return _eval(_kids(step)[0], ctx)


def _get_attr(value: Any, name: str) -> Any:
    if isinstance(value, _Lazy):
        return value.get(name)
    if isinstance(value, dict):
        if name not in value:
            raise ExpressionError(f"the object has no attribute {name!r} (it has {sorted(value)})")
        return value[name]
    raise ExpressionError(f"cannot read attribute {name!r} of {_describe(value)}")


def _index(value: Any, key: Any) -> Any:
    if isinstance(value, list | tuple):
        number = _to_number(key)
        if not float(number).is_integer() or not 0 <= number < len(value):
            raise ExpressionError(f"index {key!r} is out of range for a list of {len(value)}")
        return value[int(number)]
    if isinstance(value, dict):
        name = _to_string(key)
        if name not in value:
            raise ExpressionError(f"the map has no element {name!r} (it has {sorted(value)})")
        return value[name]
    raise ExpressionError(f"cannot index {_describe(value)} with {key!r}")


def _splat(value: Any, steps: list[Tree], ctx: _Ctx) -> list[Any]:
    if value is None:
        return []
    items = _elements(value) if isinstance(value, list | tuple | frozenset) else [value]
    return [_apply(item, steps, ctx) for item in items]


# --- functions ------------------------------------------------------------------------------


def _call(tree: Tree, ctx: _Ctx) -> Any:
    parts = _kids(tree)
    name = _token_text(parts[0])
    if _has_token(tree, "COLONS"):
        raise UnsupportedError(f"provider function {name}::...")
    arguments = parts[-1] if len(parts) > 1 and parts[-1].data == "arguments" else None
    trees = _kids(arguments) if arguments is not None else []
    if name in _SPECIAL_FORMS:
        return _SPECIAL_FORMS[name](trees, ctx)
    function = _FUNCTIONS.get(name)
    if function is None:
        raise UnsupportedError(f"function {name}()")
    args = [_eval(t, ctx) for t in trees]
    if arguments is not None and _has_token(arguments, "ELLIPSIS"):
        args = args[:-1] + _elements(args[-1]) if args else args
    if name not in _LAZY_ARGUMENTS:
        args = [_plain(a, f"{name}()") for a in args]
    if name in _FILE_FUNCTIONS:
        args = [ctx.module.evaluator.root_dir, *args]
    try:
        return function(*args)
    except (TypeError, ValueError, KeyError, IndexError) as err:
        raise ExpressionError(f"{name}(): {err}") from err


def _try(trees: list[Tree], ctx: _Ctx) -> Any:
    errors = []
    for tree in trees:
        try:
            return _eval(tree, ctx)
        except ExpressionError as err:
            errors.append(err.message)
    raise ExpressionError(f"try(): no argument could be evaluated: {errors}")


def _can(trees: list[Tree], ctx: _Ctx) -> bool:
    (tree,) = trees
    try:
        _eval(tree, ctx)
    except ExpressionError:
        return False
    return True


_SPECIAL_FORMS: dict[str, Callable[[list[Tree], _Ctx], Any]] = {"try": _try, "can": _can}


def _compact(values: Any) -> list[str]:
    return [_to_string(v) for v in _elements(values) if v is not None and v != ""]


def _concat(*lists: Any) -> list[Any]:
    return [item for values in lists for item in _elements(values)]


def _distinct(values: Any) -> list[Any]:
    result: list[Any] = []
    for value in _elements(values):
        if not any(_equal(value, seen) for seen in result):
            result.append(value)
    return result


def _flatten_list(values: Any) -> list[Any]:
    result: list[Any] = []
    for value in _elements(values):
        result += _flatten_list(value) if isinstance(value, list | tuple | frozenset) else [value]
    return result


def _keys(mapping: Any) -> list[str]:
    if not isinstance(mapping, dict):
        raise ExpressionError(f"keys() of {_describe(mapping)}")
    return sorted(mapping)


def _values(mapping: Any) -> list[Any]:
    if not isinstance(mapping, dict):
        raise ExpressionError(f"values() of {_describe(mapping)}")
    return [mapping[k] for k in sorted(mapping)]


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if not isinstance(mapping, dict):
        raise ExpressionError(f"lookup() in {_describe(mapping)}")
    name = _to_string(key)
    if name in mapping:
        return mapping[name]
    if default:
        return default[0]
    raise ExpressionError(f"lookup(): no key {name!r} and no default")


def _merge(*mappings: Any) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for mapping in mappings:
        if mapping is None:
            continue
        if not isinstance(mapping, dict):
            raise ExpressionError(f"merge() of {_describe(mapping)}")
        result.update(mapping)
    return dict(sorted(result.items()))


def _length(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | tuple | frozenset | dict):
        return len(value)
    raise ExpressionError(f"length() of {_describe(value)}")


def _one(values: Any) -> Any:
    items = _elements(values)
    if len(items) > 1:
        raise ExpressionError(f"one() of {len(items)} elements")
    return items[0] if items else None


def _element(values: Any, index: Any) -> Any:
    items = _elements(values)
    if not items:
        raise ExpressionError("element() of an empty list")
    return items[int(_to_number(index)) % len(items)]


def _toset(values: Any) -> frozenset[Any]:
    items = _elements(values)
    if any(isinstance(v, list | tuple | dict | frozenset | _Lazy) for v in items):
        raise UnsupportedError("toset() of collections")
    if len({type(v) for v in items if v is not None}) > 1:
        raise UnsupportedError("toset() of mixed types (Terraform would convert them to a common type)")
    return frozenset(items)


def _tomap(mapping: Any) -> dict[str, Any]:
    if not isinstance(mapping, dict):
        raise ExpressionError(f"tomap() of {_describe(mapping)}")
    return dict(mapping)


def _join(separator: Any, *lists: Any) -> str:
    return _to_string(separator).join(_to_string(v) for values in lists for v in _elements(values))


def _split(separator: Any, text: Any) -> list[str]:
    return _to_string(text).split(_to_string(separator))


def _format(spec: Any, *args: Any) -> str:
    """format() for %s, %d and %%: the verbs this configuration could need; others are refused."""
    values = iter(args)

    def verb(match: re.Match[str]) -> str:
        kind = match.group(1)
        if kind == "%":
            return "%"
        value = next(values, None)
        if kind == "s":
            return _to_string(value)
        if kind == "d" and _is_number(value) and float(value).is_integer():
            return str(int(value))
        raise UnsupportedError(f"format() verb %{kind} for {_describe(value)}")

    return re.sub(r"%([^a-zA-Z%]*[a-zA-Z%])", verb, _to_string(spec))


def _replace(text: Any, search: Any, replacement: Any) -> str:
    search = _to_string(search)
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        raise UnsupportedError("replace() with a regular expression")
    return _to_string(text).replace(search, _to_string(replacement))


def _substr(text: Any, offset: Any, length: Any) -> str:
    value, start, count = _to_string(text), int(_to_number(offset)), int(_to_number(length))
    start = max(len(value) + start, 0) if start < 0 else start
    return value[start:] if count < 0 else value[start : start + count]


def _trimprefix(text: Any, prefix: Any) -> str:
    return _to_string(text).removeprefix(_to_string(prefix))


def _trimsuffix(text: Any, suffix: Any) -> str:
    return _to_string(text).removesuffix(_to_string(suffix))


def _coalesce(*values: Any) -> Any:
    found = next((v for v in values if v is not None and v != ""), None)
    if found is None:
        raise ExpressionError("coalesce(): every argument is null or empty")
    return found


def _jsondecode(text: Any) -> Any:
    return json.loads(_to_string(text), parse_float=lambda s: _num(float(s)))


def _tonumber(value: Any) -> Any:
    return None if value is None else _to_number(value)


def _tostring(value: Any) -> Any:
    return None if value is None else _to_string(value)


def _file(root: Path, path: Any) -> str:
    target = root / _to_string(path)
    if not target.is_file():
        raise ExpressionError(f"file(): no file {path!r}")
    return target.read_text(encoding="utf-8")


def _fileexists(root: Path, path: Any) -> bool:
    return (root / _to_string(path)).is_file()


def _fileset(root: Path, directory: Any, pattern: Any) -> frozenset[str]:
    glob = _to_string(pattern)
    if "**" in glob or "{" in glob:
        raise UnsupportedError(f"fileset() pattern {glob!r}")
    base = root / _to_string(directory)
    return frozenset(p.relative_to(base).as_posix() for p in base.glob(glob) if p.is_file())


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abs": lambda n: _num(abs(_to_number(n))),
    "alltrue": lambda values: all(_strict_bool(v) for v in _elements(values)),
    "anytrue": lambda values: any(_strict_bool(v) for v in _elements(values)),
    "ceil": lambda n: math.ceil(_to_number(n)),
    "chomp": lambda s: re.sub(r"(\r\n|\n|\r)+$", "", _to_string(s)),
    "coalesce": _coalesce,
    "compact": _compact,
    "concat": _concat,
    "contains": lambda values, v: any(_equal(x, v) for x in _elements(values)),
    "distinct": _distinct,
    "element": _element,
    "endswith": lambda s, suffix: _to_string(s).endswith(_to_string(suffix)),
    "file": _file,
    "fileexists": _fileexists,
    "fileset": _fileset,
    "flatten": _flatten_list,
    "floor": lambda n: math.floor(_to_number(n)),
    "format": _format,
    "join": _join,
    "jsondecode": _jsondecode,
    "jsonencode": lambda value: _go_json(value, sort_keys=True),
    "keys": _keys,
    "length": _length,
    "lookup": _lookup,
    "lower": lambda s: _to_string(s).lower(),
    "max": lambda *ns: _num(max(_to_number(n) for n in ns)),
    "merge": _merge,
    "min": lambda *ns: _num(min(_to_number(n) for n in ns)),
    "one": _one,
    "replace": _replace,
    "reverse": lambda values: list(reversed(_elements(values))),
    "sort": lambda values: sorted(_to_string(v) for v in _elements(values)),
    "split": _split,
    "startswith": lambda s, prefix: _to_string(s).startswith(_to_string(prefix)),
    "substr": _substr,
    "tolist": _elements,
    "tomap": _tomap,
    "tonumber": _tonumber,
    "toset": _toset,
    "tostring": _tostring,
    "trimprefix": _trimprefix,
    "trimspace": lambda s: _to_string(s).strip(),
    "trimsuffix": _trimsuffix,
    "upper": lambda s: _to_string(s).upper(),
    "values": _values,
}
_FILE_FUNCTIONS = {"file", "fileexists", "fileset"}
# Functions that only count, pick or regroup elements, so resource objects may pass through.
_LAZY_ARGUMENTS = {"concat", "element", "flatten", "keys", "length", "lookup", "one", "tolist", "values"}


_HANDLERS: dict[str, Callable[[Tree, _Ctx], Any]] = {
    "expr_term": _expr_term,
    "string": _string,
    "heredoc_template": _heredoc,
    "heredoc_template_trim": _heredoc,
    "int_lit": _number,
    "float_lit": _number,
    "literal_value": _literal,
    "tuple": _tuple,
    "object": _object,
    "conditional": _conditional,
    "binary_op": _binary,
    "unary_op": _unary,
    "function_call": _call,
    "for_tuple_expr": _for_tuple,
    "for_object_expr": _for_object,
    "identifier": lambda tree, ctx: _reference(_token_text(tree), [], ctx),
    **dict.fromkeys(_TRAVERSALS, _traversal),
}


# --- type constraints -----------------------------------------------------------------------


def _convert(value: Any, type_tree: Tree | None, ctx: _Ctx) -> Any:
    """The value converted to a variable's type constraint, as Terraform converts module inputs."""
    if value is None or type_tree is None:
        return value
    base = _kids(type_tree)[0] if type_tree.data == "expr_term" else type_tree
    if base.data == "identifier":
        return _convert_primitive(value, _token_text(base))
    if base.data != "function_call":
        raise UnsupportedError(f"type constraint {base.data}")
    parts = _kids(base)
    kind, args = _token_text(parts[0]), _kids(parts[1]) if len(parts) > 1 else []
    converter = _COLLECTION_TYPES.get(kind)
    if converter is None:
        raise UnsupportedError(f"type constraint {kind}(...)")
    return converter(value, args, ctx)


def _convert_primitive(value: Any, kind: str) -> Any:
    if kind == "any":
        return value
    if isinstance(value, _Lazy):
        raise UnsupportedError(f"converting a whole {value.describe()} object to {kind}")
    converters: dict[str, Callable[[Any], Any]] = {
        "string": _to_string,
        "number": _to_number,
        "bool": _to_bool,
    }
    if kind not in converters:
        raise UnsupportedError(f"type {kind}")
    return converters[kind](value)


def _convert_list(value: Any, args: list[Tree], ctx: _Ctx) -> list[Any]:
    return [_convert(v, args[0], ctx) for v in _elements(value)]


def _convert_set(value: Any, args: list[Tree], ctx: _Ctx) -> frozenset[Any]:
    return _toset(_convert_list(value, args, ctx))


def _convert_map(value: Any, args: list[Tree], ctx: _Ctx) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ExpressionError(f"{_describe(value)} where a map is required")
    return {k: _convert(v, args[0], ctx) for k, v in sorted(value.items())}


def _convert_object(value: Any, args: list[Tree], ctx: _Ctx) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ExpressionError(f"{_describe(value)} where an object is required")
    (spec,) = _kids(args[0]) if args[0].data == "expr_term" else [args[0]]
    result: dict[str, Any] = {}
    for element in _kids(spec):
        key_tree, type_tree = _kids(element)
        name = _object_key(key_tree, ctx)
        attr_type, optional, default = _optional(type_tree, ctx)
        if name in value:
            result[name] = _convert(value[name], attr_type, ctx)
        elif optional:
            result[name] = _convert(default, attr_type, ctx)
        else:
            raise ExpressionError(f"attribute {name!r} is required")
    return dict(sorted(result.items()))


def _optional(type_tree: Tree, ctx: _Ctx) -> tuple[Tree, bool, Any]:
    base = _kids(type_tree)[0] if type_tree.data == "expr_term" else type_tree
    if base.data == "function_call" and _token_text(_kids(base)[0]) == "optional":
        args = _kids(_kids(base)[1])
        return args[0], True, _eval(args[1], ctx) if len(args) > 1 else None
    return type_tree, False, None


def _convert_tuple(value: Any, args: list[Tree], ctx: _Ctx) -> list[Any]:
    (spec,) = _kids(args[0]) if args[0].data == "expr_term" else [args[0]]
    types, items = _kids(spec), _elements(value)
    if len(types) != len(items):
        raise ExpressionError(f"a tuple of {len(types)} elements, given {len(items)}")
    return [_convert(v, t, ctx) for v, t in zip(items, types, strict=True)]


_COLLECTION_TYPES: dict[str, Callable[[Any, list[Tree], _Ctx], Any]] = {
    "list": _convert_list,
    "set": _convert_set,
    "map": _convert_map,
    "object": _convert_object,
    "tuple": _convert_tuple,
}


# --- nested blocks (policy documents) -------------------------------------------------------


@dataclass(frozen=True)
class _Evaluated:
    """A nested block with its attributes evaluated and its own blocks (dynamic ones expanded)."""

    type: str
    attrs: dict[str, Any]
    blocks: dict[str, list[_Evaluated]]

    def only(self, attrs: Iterable[str], blocks: Iterable[str] = ()) -> None:
        unknown = (set(self.attrs) - set(attrs)) | (set(self.blocks) - set(blocks))
        if unknown:
            raise UnsupportedError(f"{self.type}: {sorted(unknown)}")


# Meta-arguments of a resource or data block: Terraform's, not the provider's schema.
_BLOCK_META = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle"})


def _evaluate_block(
    block: _Block,
    ctx: _Ctx,
    address: str,
    *,
    block_type: str | None = None,
    skip: frozenset[str] = frozenset(),
) -> _Evaluated:
    attrs = {name: _eval_attr(attr, ctx, address) for name, attr in block.attrs.items() if name not in skip}
    nested: dict[str, list[_Evaluated]] = {}
    for child in block.blocks:
        if child.type in skip:
            continue
        if child.type == "dynamic":
            nested.setdefault(child.labels[0], []).extend(_dynamic(child, ctx, address))
        else:
            nested.setdefault(child.type, []).append(_evaluate_block(child, ctx, address))
    return _Evaluated(block_type or block.type, attrs, nested)


def _dynamic(block: _Block, ctx: _Ctx, address: str) -> list[_Evaluated]:
    label = block.labels[0]
    unknown = set(block.attrs) - {"for_each", "iterator"}
    contents = [b for b in block.blocks if b.type == "content"]
    if unknown or len(contents) != 1 or len(block.blocks) != 1:
        raise UnsupportedError(f"dynamic {label!r} block other than for_each, iterator and one content")
    iterator = label
    if "iterator" in block.attrs:
        iterator = _token_text(_flatten(block.attrs["iterator"].expr)[0])
    collection = _eval_attr(block.attrs["for_each"], ctx, address)
    return [
        _evaluate_block(
            contents[0], ctx.bind({iterator: {"key": key, "value": value}}), address, block_type=label
        )
        for key, value in _items(collection)
    ]


_UNSUPPORTED_DOCUMENT_ARGUMENTS = (
    "source_policy_documents",
    "override_policy_documents",
    "source_json",
    "override_json",
)
_STATEMENT_LISTS = (("actions", "Action"), ("not_actions", "NotAction"))
_STATEMENT_LISTS += (("resources", "Resource"), ("not_resources", "NotResource"))


def _strings(value: Any, what: str) -> list[str]:
    if value is None:
        return []
    items = _elements(value)
    if any(v is None for v in items):
        raise ExpressionError(f"{what} contains null")
    return [_to_string(v) for v in items]


def _collapse(values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else values


def _render_policy_document(document: _Evaluated) -> dict[str, Any]:
    document.only({"version", "policy_id", *_UNSUPPORTED_DOCUMENT_ARGUMENTS}, {"statement"})
    used = [name for name in _UNSUPPORTED_DOCUMENT_ARGUMENTS if document.attrs.get(name)]
    if used:
        raise UnsupportedError(f"aws_iam_policy_document arguments {used}")
    rendered: dict[str, Any] = {"Version": document.attrs.get("version") or "2012-10-17"}
    if document.attrs.get("policy_id"):
        rendered["Id"] = document.attrs["policy_id"]
    statements = [_render_statement(s) for s in document.blocks.get("statement", [])]
    if statements:
        rendered["Statement"] = statements
    return rendered


def _render_statement(statement: _Evaluated) -> dict[str, Any]:
    names = {"sid", "effect", *(name for name, _ in _STATEMENT_LISTS)}
    statement.only(names, {"principals", "not_principals", "condition"})
    rendered: dict[str, Any] = {}
    if statement.attrs.get("sid"):
        rendered["Sid"] = _to_string(statement.attrs["sid"])
    effect = statement.attrs.get("effect") or "Allow"
    if effect not in ("Allow", "Deny"):
        raise ExpressionError(f"statement effect {effect!r}: Allow or Deny")
    rendered["Effect"] = effect
    for name, key in _STATEMENT_LISTS:
        values = sorted(set(_strings(statement.attrs.get(name), name)), reverse=True)
        if values:
            rendered[key] = _collapse(values)
    for name, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        if statement.blocks.get(name):
            rendered[key] = _render_principals(statement.blocks[name])
    if statement.blocks.get("condition"):
        rendered["Condition"] = _render_conditions(statement.blocks["condition"])
    return rendered


def _required(block: _Evaluated, *names: str) -> list[Any]:
    block.only(names)
    missing = [name for name in names if block.attrs.get(name) is None]
    if missing:
        raise ExpressionError(f"{block.type} block without {missing}")
    return [block.attrs[name] for name in names]


def _render_principals(blocks: list[_Evaluated]) -> Any:
    merged: dict[str, list[str]] = {}
    for block in blocks:
        type_, identifiers = _required(block, "type", "identifiers")
        merged.setdefault(_to_string(type_), []).extend(
            sorted(set(_strings(identifiers, "identifiers")), reverse=True)
        )
    if len(blocks) == 1 and merged.get("*") == ["*"]:
        return "*"
    return {type_: _collapse(ids) for type_, ids in sorted(merged.items())}


def _render_conditions(blocks: list[_Evaluated]) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, list[str]]] = {}
    for block in blocks:
        test, variable, values = _required(block, "test", "variable", "values")
        by_variable = merged.setdefault(_to_string(test), {})
        by_variable.setdefault(_to_string(variable), []).extend(_strings(values, "values"))
    return {test: {v: _collapse(vs) for v, vs in sorted(by.items())} for test, by in sorted(merged.items())}


# --- resource and data source attributes ----------------------------------------------------


_MISSING = object()


@dataclass(frozen=True)
class _Facts:
    """What a resource rule may use: the instance's own arguments and the evaluator's inputs."""

    module: _ModuleInstance
    mode: str
    type: str
    name: str
    key: InstanceKey

    @property
    def address(self) -> str:
        return self.module.resource_address(self.mode, self.type, self.name, self.key)

    @property
    def block(self) -> _Block:
        return self.module.config.resources[(self.mode, self.type, self.name)]

    def arg(self, name: str, default: Any = _MISSING) -> Any:
        if name not in self.block.attrs:
            if default is _MISSING:
                raise UnsupportedError(f"{self.type} without a {name!r} argument (AWS would choose it)")
            return default
        return self.module.argument(self.mode, self.type, self.name, self.key, name)

    @property
    def partition(self) -> str:
        return self.module.evaluator.partition

    @property
    def account_id(self) -> str:
        return self.module.evaluator.account_id

    @property
    def region(self) -> str:
        if "provider" in self.block.attrs:
            raise UnsupportedError("resources with a provider meta-argument")
        return self.arg("region", None) or self.module.evaluator.provider_region()

    def arn(self, service: str, resource: str, *, regional: bool = True, account: bool = True) -> str:
        region = self.region if regional else ""
        return f"arn:{self.partition}:{service}:{region}:{self.account_id if account else ''}:{resource}"

    def document(self) -> _Evaluated:
        ctx = self.module.instance_ctx(self.mode, self.type, self.name, self.key)
        return _evaluate_block(self.block, ctx, self.address, skip=_BLOCK_META)


def _kms_key_id(f: _Facts) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f.address))


def _iam_path(f: _Facts) -> str:
    return _to_string(f.arg("path", "/"))


def _oidc_provider_arn(f: _Facts) -> str:
    return f.arn("iam", f"oidc-provider/{_to_string(f.arg('url')).removeprefix('https://')}", regional=False)


def _named(arn: Callable[[_Facts], str]) -> dict[str, Callable[[_Facts], Any]]:
    """Rules for a resource whose id and name are its `name` argument."""
    return {"name": lambda f: f.arg("name"), "id": lambda f: f.arg("name"), "arn": arn}


_RESOURCE_RULES: dict[str, dict[str, Callable[[_Facts], Any]]] = {
    "aws_s3_bucket": {
        "bucket": lambda f: f.arg("bucket"),
        "id": lambda f: f.arg("bucket"),
        "arn": lambda f: f.arn("s3", f.arg("bucket"), regional=False, account=False),
    },
    "aws_kms_key": {
        "key_id": _kms_key_id,
        "id": _kms_key_id,
        "arn": lambda f: f.arn("kms", f"key/{_kms_key_id(f)}"),
    },
    "aws_kms_alias": _named(lambda f: f.arn("kms", f.arg("name"))),
    "aws_athena_workgroup": _named(lambda f: f.arn("athena", f"workgroup/{f.arg('name')}")),
    "aws_glue_crawler": _named(lambda f: f.arn("glue", f"crawler/{f.arg('name')}")),
    "aws_glue_catalog_database": {
        "name": lambda f: f.arg("name"),
        "id": lambda f: f"{f.arg('catalog_id', f.account_id)}:{f.arg('name')}",
        "arn": lambda f: f.arn("glue", f"database/{f.arg('name')}"),
    },
    "aws_glue_security_configuration": {"name": lambda f: f.arg("name"), "id": lambda f: f.arg("name")},
    "aws_iam_role": _named(lambda f: f.arn("iam", f"role{_iam_path(f)}{f.arg('name')}", regional=False)),
    "aws_iam_policy": {
        "name": lambda f: f.arg("name"),
        "arn": lambda f: f.arn("iam", f"policy{_iam_path(f)}{f.arg('name')}", regional=False),
        "id": lambda f: f.arn("iam", f"policy{_iam_path(f)}{f.arg('name')}", regional=False),
    },
    "aws_iam_role_policy": {
        "name": lambda f: f.arg("name"),
        "role": lambda f: f.arg("role"),
        "id": lambda f: f"{f.arg('role')}:{f.arg('name')}",
    },
    "aws_iam_openid_connect_provider": {
        "arn": _oidc_provider_arn,
        "id": _oidc_provider_arn,
        "url": lambda f: f.arg("url"),
    },
    "aws_mwaa_environment": _named(lambda f: f.arn("airflow", f"environment/{f.arg('name')}")),
    "aws_cloudwatch_log_group": _named(lambda f: f.arn("logs", f"log-group:{f.arg('name')}")),
    "aws_secretsmanager_secret": {"name": lambda f: f.arg("name")},
    # an SNS topic's id is its ARN
    "aws_sns_topic": {
        "name": lambda f: f.arg("name"),
        "arn": lambda f: f.arn("sns", f.arg("name")),
        "id": lambda f: f.arn("sns", f.arg("name")),
    },
}


def _no_arguments(f: _Facts, value: Callable[[_Facts], Any]) -> Any:
    if f.block.attrs or f.block.blocks:
        raise UnsupportedError(f"data source {f.type} with arguments")
    return value(f)


_DNS_SUFFIXES = {"aws": "amazonaws.com", "aws-cn": "amazonaws.com.cn", "aws-us-gov": "amazonaws.com"}


def _policy_json(f: _Facts, *, indent: int | None) -> str:
    return _go_json(_render_policy_document(f.document()), indent=indent)


_DATA_RULES: dict[str, dict[str, Callable[[_Facts], Any]]] = {
    "aws_caller_identity": {
        "account_id": lambda f: _no_arguments(f, lambda g: g.account_id),
        "id": lambda f: _no_arguments(f, lambda g: g.account_id),
    },
    "aws_partition": {
        "partition": lambda f: _no_arguments(f, lambda g: g.partition),
        "id": lambda f: _no_arguments(f, lambda g: g.partition),
        "dns_suffix": lambda f: _no_arguments(f, lambda g: _DNS_SUFFIXES[g.partition]),
    },
    "aws_region": {
        name: lambda f: _no_arguments(f, lambda g: g.module.evaluator.provider_region())
        for name in ("name", "region", "id")
    },
    "aws_iam_policy_document": {
        "json": lambda f: _policy_json(f, indent=2),
        "minified_json": lambda f: _policy_json(f, indent=None),
    },
}


@dataclass(frozen=True)
class _ResourceRef(_Lazy):
    facts: _Facts

    def get(self, name: str) -> Any:
        return self.facts.module.attribute(self.facts, name)

    def describe(self) -> str:
        return self.facts.address


@dataclass(frozen=True)
class _ModuleRef(_Lazy):
    instance: _ModuleInstance

    def get(self, name: str) -> Any:
        return self.instance.output(name)

    def describe(self) -> str:
        return self.instance.address


# --- module instances -----------------------------------------------------------------------

_META_ARGUMENTS = {"source", "count", "for_each", "depends_on", "providers", "version"}


def _key_suffix(key: InstanceKey) -> str:
    return "" if key is None else f"[{json.dumps(key)}]"


class _ModuleInstance:
    """One instance of a module: its variables, locals, outputs, child calls and resources."""

    def __init__(
        self, evaluator: Evaluator, config: _Module, address: str, call: _Block | None, call_ctx: _Ctx | None
    ) -> None:
        self.evaluator, self.config, self.address = evaluator, config, address
        self.call, self.call_ctx = call, call_ctx
        self.ctx = _Ctx(self, {})
        if call is not None:
            undeclared = set(call.attrs) - _META_ARGUMENTS - set(config.variables)
            if undeclared:
                raise ExpressionError(
                    f"{address}: arguments {sorted(undeclared)} are not variables of the module"
                )
            if "providers" in call.attrs or config.providers:
                raise UnsupportedError(
                    f"{address}: provider configurations passed to or declared in a module"
                )

    def _prefix(self, name: str) -> str:
        return f"{self.address}.{name}" if self.address else name

    def _memo(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        return self.evaluator.memo((self.address, *key), compute)

    def variable(self, name: str) -> Any:
        return self._memo(("var", name), lambda: self._variable(name))

    def _variable(self, name: str) -> Any:
        block = self.config.variables.get(name)
        if block is None:
            raise ExpressionError(f"reference to undeclared variable var.{name}")
        where = self._prefix(f"var.{name}")
        if self.call is None and name in self.evaluator.overrides:
            value = self.evaluator.overrides[name]
        elif self.call is not None and name in self.call.attrs:
            assert self.call_ctx is not None
            value = _eval_attr(self.call.attrs[name], self.call_ctx, self.address)
        elif "default" in block.attrs:
            value = _eval_attr(block.attrs["default"], self.ctx, where)
        else:
            raise TerraformEvalError(f"variable {name!r} has no default and no value was given ({where})")
        type_attr = block.attrs.get("type")
        if type_attr is None:
            return value
        return _located(type_attr, where, lambda: _convert(value, type_attr.expr, self.ctx))

    def local(self, name: str) -> Any:
        attr = self.config.locals.get(name)
        if attr is None:
            raise ExpressionError(f"reference to undeclared local value local.{name}")
        return self._memo(("local", name), lambda: _eval_attr(attr, self.ctx, self._prefix("local")))

    def output(self, name: str) -> Any:
        block = self.config.outputs.get(name)
        if block is None:
            raise ExpressionError(f"{self.address} has no output {name!r}")
        where = self._prefix(f"output.{name}")
        return self._memo(("output", name), lambda: _eval_attr(block.attrs["value"], self.ctx, where))

    def path(self, name: str) -> str:
        root = self.evaluator.root_dir
        paths = {
            "module": Path(os.path.relpath(self.config.directory, root)).as_posix() if self.call else ".",
            "root": ".",
            "cwd": root.as_posix(),
        }
        if name not in paths:
            raise ExpressionError(f"path.{name} does not exist")
        return paths[name]

    def _expand(self, block: _Block, where: str) -> dict[InstanceKey, Any]:
        """The instance keys of a counted, for_each or single block, each with its each.value."""
        if "count" in block.attrs and "for_each" in block.attrs:
            raise ExpressionError(f"{where}: count and for_each together")
        if "count" in block.attrs:
            count = _to_number(_eval_attr(block.attrs["count"], self.ctx, where))
            return dict.fromkeys(range(int(count)))
        if "for_each" in block.attrs:
            collection = _eval_attr(block.attrs["for_each"], self.ctx, where)
            if isinstance(collection, list | tuple):
                raise ExpressionError(f"{where}: for_each takes a map or a set, not a list")
            return {_to_string(key): value for key, value in _items(collection)}
        return {None: None}

    @staticmethod
    def _bindings(block: _Block, key: InstanceKey, each_value: Any) -> dict[str, Any]:
        if "count" in block.attrs:
            return {"count": {"index": key}}
        if "for_each" in block.attrs:
            return {"each": {"key": key, "value": each_value}}
        return {}

    def _shaped(self, block: _Block, instances: dict[InstanceKey, Any]) -> Any:
        """A reference's value: one object, a list of them (count) or a map of them (for_each)."""
        if "count" in block.attrs:
            return list(instances.values())
        if "for_each" in block.attrs:
            return instances
        return instances[None]

    def children(self, name: str) -> dict[InstanceKey, _ModuleInstance]:
        call = self.config.calls.get(name)
        if call is None:
            raise ExpressionError(f"reference to undeclared module module.{name}")
        return self._memo(("module", name), lambda: self._instantiate(name, call))

    def _instantiate(self, name: str, call: _Block) -> dict[InstanceKey, _ModuleInstance]:
        where = self._prefix(f"module.{name}")
        source = _eval_attr(call.attrs["source"], self.ctx, where) if "source" in call.attrs else None
        if not isinstance(source, str) or not source.startswith(("./", "../")):
            raise UnsupportedError(f"{where}: module source {source!r} (only local ./ or ../ paths)")
        config = self.evaluator.module_config((self.config.directory / source).resolve())
        instances = {}
        for key, each_value in self._expand(call, where).items():
            address = f"{where}{_key_suffix(key)}"
            call_ctx = self.ctx.bind(self._bindings(call, key, each_value))
            instances[key] = self.evaluator.register(
                _ModuleInstance(self.evaluator, config, address, call, call_ctx)
            )
        return instances

    def module_value(self, name: str) -> Any:
        block = self.config.calls.get(name)
        if block is None:
            raise ExpressionError(f"reference to undeclared module module.{name}")
        instances = {key: _ModuleRef(child) for key, child in self.children(name).items()}
        return self._shaped(block, instances)

    def _block(self, mode: str, type_: str, name: str) -> _Block:
        block = self.config.resources.get((mode, type_, name))
        if block is None:
            prefix = "data." if mode == "data" else ""
            raise ExpressionError(f"reference to undeclared {prefix}{type_}.{name}")
        return block

    def resource_address(self, mode: str, type_: str, name: str, key: InstanceKey) -> str:
        prefix = "data." if mode == "data" else ""
        return self._prefix(f"{prefix}{type_}.{name}{_key_suffix(key)}")

    def instances(self, mode: str, type_: str, name: str) -> dict[InstanceKey, Any]:
        block = self._block(mode, type_, name)
        where = self.resource_address(mode, type_, name, None)
        return self._memo(("instances", mode, type_, name), lambda: self._expand(block, where))

    def resource(self, mode: str, type_: str, name: str) -> Any:
        block = self._block(mode, type_, name)
        refs = {
            key: _ResourceRef(_Facts(self, mode, type_, name, key))
            for key in self.instances(mode, type_, name)
        }
        return self._shaped(block, refs)

    def instance_ctx(self, mode: str, type_: str, name: str, key: InstanceKey) -> _Ctx:
        each_value = self.instances(mode, type_, name)[key]
        return self.ctx.bind(self._bindings(self._block(mode, type_, name), key, each_value))

    def argument(self, mode: str, type_: str, name: str, key: InstanceKey, arg: str) -> Any:
        block = self._block(mode, type_, name)
        address = self.resource_address(mode, type_, name, key)
        ctx = self.instance_ctx(mode, type_, name, key)
        return self._memo(
            ("arg", mode, type_, name, key, arg), lambda: _eval_attr(block.attrs[arg], ctx, address)
        )

    def attribute(self, facts: _Facts, attr: str) -> Any:
        rules = (_DATA_RULES if facts.mode == "data" else _RESOURCE_RULES).get(facts.type)
        kind = "data source" if facts.mode == "data" else "resource type"
        if rules is None:
            raise UnsupportedError(f"{kind} {facts.type} is not modelled ({facts.address})")
        rule = rules.get(attr)
        if rule is None:
            raise UnsupportedError(
                f"attribute {attr!r} of {facts.type} is not modelled ({facts.address}): "
                f"AWS assigns it or this evaluator does not know how AWS forms it"
            )
        key = ("attr", facts.mode, facts.type, facts.name, facts.key, attr)
        return self._memo(key, lambda: self._attribute(facts, rule))

    @staticmethod
    def _attribute(facts: _Facts, rule: Callable[[_Facts], Any]) -> Any:
        try:
            return rule(facts)
        except TerraformEvalError as err:
            err.locate(facts.block.file.as_posix(), facts.block.line, facts.address)
            raise


# --- public interface -----------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceInstance:
    """One instance of a resource or data block, as Terraform addresses it."""

    module: str  # "" for the root module, else e.g. "module.github_deploy[0]"
    mode: str  # "managed" or "data"
    type: str
    name: str
    key: InstanceKey = None

    @property
    def address(self) -> str:
        prefix = "data." if self.mode == "data" else ""
        local = f"{prefix}{self.type}.{self.name}{_key_suffix(self.key)}"
        return f"{self.module}.{local}" if self.module else local


class Evaluator:
    """Evaluates one root module (a directory of *.tf) with given variables, account and partition.

    The region is not an input: it is whatever the root's ``provider "aws"`` block says.
    """

    def __init__(
        self,
        root_dir: Path,
        variables: Mapping[str, Any] | None = None,
        *,
        account_id: str,
        partition: str = "aws",
    ) -> None:
        self.root_dir = Path(root_dir).resolve()
        self.overrides = dict(variables or {})
        self.account_id, self.partition = account_id, partition
        self._memo: dict[tuple[Any, ...], Any] = {}
        self._active: list[tuple[Any, ...]] = []
        self._modules: dict[str, _ModuleInstance] = {}
        self.root = self.register(_ModuleInstance(self, self.module_config(self.root_dir), "", None, None))
        undeclared = set(self.overrides) - set(self.root.config.variables)
        if undeclared:
            raise TerraformEvalError(f"variables {sorted(undeclared)} are not declared in {self.root_dir}")

    def module_config(self, directory: Path) -> _Module:
        return _parsed_module(directory)

    def register(self, instance: _ModuleInstance) -> _ModuleInstance:
        self._modules[instance.address] = instance
        return instance

    def memo(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """compute() once per key; a key needed while it is being computed is a reference cycle."""
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            cycle = [*self._active[self._active.index(key) :], key]
            raise TerraformEvalError("reference cycle: " + " -> ".join(".".join(map(str, k)) for k in cycle))
        self._active.append(key)
        try:
            value = compute()
        finally:
            self._active.pop()
        self._memo[key] = value
        return value

    def provider_region(self) -> str:
        return self.memo(("provider", "aws", "region"), self._provider_region)

    def _provider_region(self) -> str:
        blocks = [b for b in self.root.config.providers if b.labels == ("aws",) and "alias" not in b.attrs]
        if len(blocks) != 1 or "region" not in blocks[0].attrs:
            raise UnsupportedError(f'{self.root_dir}: expected one default provider "aws" with a region')
        return _to_string(_eval_attr(blocks[0].attrs["region"], self.root.ctx, "provider.aws"))

    def module(self, address: str = "") -> _ModuleInstance:
        """The module instance at an address such as "" (root), "module.mwaa" or "module.x[0]"."""
        instance = self.root
        for name, key in re.findall(r"module\.([A-Za-z_][\w-]*)(\[[^\]]*\])?", address):
            children = instance.children(name)
            wanted = json.loads(key[1:-1]) if key else None
            if wanted not in children:
                raise TerraformEvalError(f"{address}: no such module instance (instances: {list(children)})")
            instance = children[wanted]
        if instance.address != address:
            raise TerraformEvalError(f"{address!r} is not a module address")
        return instance

    def module_instances(self) -> list[_ModuleInstance]:
        """Every instantiated module, root first; a module whose count is 0 has none."""
        found, pending = [], [self.root]
        while pending:
            instance = pending.pop(0)
            found.append(instance)
            for name in instance.config.calls:
                pending.extend(instance.children(name).values())
        return found

    def instances(self, type_: str, mode: str = "managed") -> list[ResourceInstance]:
        """Every instance of every block of this type, in every instantiated module."""
        found = []
        for module in self.module_instances():
            for block_mode, block_type, name in module.config.resources:
                if (block_mode, block_type) == (mode, type_):
                    keys = module.instances(mode, type_, name)
                    found += [ResourceInstance(module.address, mode, type_, name, key) for key in keys]
        return found

    def _facts(self, instance: ResourceInstance) -> _Facts:
        return _Facts(self.module(instance.module), instance.mode, instance.type, instance.name, instance.key)

    def attribute(self, instance: ResourceInstance, name: str) -> Any:
        """An attribute as the provider would report it (per-type rules; unknown ones raise)."""
        facts = self._facts(instance)
        return _plain(facts.module.attribute(facts, name), instance.address)

    def argument(self, instance: ResourceInstance, name: str) -> Any:
        """A configured argument of the instance, evaluated; TerraformEvalError when it is not set."""
        facts = self._facts(instance)
        if name not in facts.block.attrs:
            raise TerraformEvalError(f"{instance.address} does not set {name!r}")
        return _plain(facts.arg(name), instance.address)

    def configured(self, instance: ResourceInstance) -> frozenset[str]:
        """The names of the arguments and nested blocks the instance's configuration sets."""
        block = self._facts(instance).block
        return frozenset(block.attrs) | frozenset(b.type for b in block.blocks)

    def module_arguments(
        self, address: str, names: Iterable[str] | None = None, *, exclude: Iterable[str] = ()
    ) -> dict[str, Any]:
        """The values a module call passes (converted to its variables' types), as the module sees
        them: all of the call's arguments unless names are given, less those excluded."""
        instance = self.module(address)
        if instance.call is None:
            raise TerraformEvalError("the root module is not called with arguments")
        wanted = set(instance.call.attrs) - _META_ARGUMENTS if names is None else set(names)
        return {
            name: _plain(instance.variable(name), f"{address}.{name}")
            for name in sorted(wanted - set(exclude))
        }

    def evaluate(self, expression: str, module: str = "") -> Any:
        """An HCL expression evaluated in a module instance, e.g. ``module.mwaa.environment_arn``."""
        tree = hcl2.parses_to_tree(f"value = {expression}\n")
        (attribute,) = _kids(tree.children[0])
        expr = _kids(attribute)[1]
        return _plain(_eval(expr, self.module(module).ctx), expression)
