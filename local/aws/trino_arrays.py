"""Arrays, maps and lambdas: where DuckDB's list and map functions differ from Trino's.

DuckDB answers most of Trino's array functions with a function of the same meaning, but not
with the same orders, bounds and NULL rules, and a wrong answer there is silent:

- the subscript operator fails past the end, at 0 and below (DuckDB returns NULL or counts
  from the end), and a map subscript fails on a missing key; ``element_at`` fails at 0;
- ``array_distinct``/``array_union``/``array_except``/``array_intersect`` keep first
  occurrences in order and one NULL (DuckDB's list_distinct sorts by hash and drops NULLs);
- ``contains``, ``arrays_overlap``, ``array_max``/``array_min``, ``all_match``/``any_match``/
  ``none_match`` answer NULL when a NULL element leaves the answer unknown;
- ``sequence`` counts down when start > stop, ``slice`` takes a length and counts a negative
  start from the end, ``map_concat`` lists the last map's entries first;
- functions DuckDB lacks (``zip_with``, ``map_zip_with``, ``transform_keys``, ``combinations``,
  ``ngrams``, comparator ``array_sort``...) are built from list_transform and list_filter.

Where the arguments can be evaluated as often as needed, the rewrite is a DuckDB macro
(installed once per database, vectorized); lambdas cannot be passed to a macro, so the
higher-order functions are rewritten in the tree, with the lambda body's parameters replaced
by the element expressions. A rewritten call's arguments are rewritten first, because the
tree walk does not descend into a node a rewrite replaced.
"""

from __future__ import annotations

import itertools

import duckdb
from sqlglot import exp
from sqlglot.optimizer.annotate_types import annotate_types

from .errors import AthenaError
from .trino_rewrites import BAD_ARGUMENT, INTEGER_TYPES, Family, call, duck, error_sql, is_type, renamed

_T = exp.DataType.Type
_ARRAY, _MAP = _T.ARRAY, _T.MAP
_MAX_SEQUENCE = 10000
_MAX_COMBINATION = 5


def _combinations_of(k: int) -> str:
    """The k-element combinations of ``a`` in Trino's order: the last index varies slowest."""
    names = [f"c{i}" for i in range(k)]
    body = "[" + ", ".join(f"a[{name}]" for name in names) + "]"
    # innermost lambda binds c0 (fastest), outermost binds c{k-1}, each below the one outside
    for depth, name in enumerate(names):
        bound = "len(a) + 1" if depth == k - 1 else names[depth + 1]
        body = f"list_transform(range(1, {bound}), lambda {name}: {body})"
        if depth > 0:
            body = f"flatten({body})"
    return body


_COMBINATIONS = " ".join(f"WHEN k = {k} THEN {_combinations_of(k)}" for k in range(1, _MAX_COMBINATION + 1))

# name -> (parameters, body); DuckDB inlines a macro, so each stays a vectorized expression.
MACROS: dict[str, tuple[str, str]] = {
    "trino_subscript": (
        "a, i",
        "CASE WHEN i = 0 THEN "
        + error_sql(BAD_ARGUMENT, "SQL array indices start at 1")
        + " WHEN i < 0 THEN "
        + error_sql(BAD_ARGUMENT, "Array subscript is negative: ", "i")
        + " WHEN i > len(a) THEN "
        + error_sql(
            BAD_ARGUMENT,
            "Array subscript must be less than or equal to array length: ",
            "i",
            "' > '",
            "len(a)",
        )
        + " ELSE a[i] END",
    ),
    "trino_element_at": (
        "a, i",
        f"CASE WHEN i = 0 THEN {error_sql(BAD_ARGUMENT, 'SQL array indices start at 1')} ELSE a[i] END",
    ),
    "trino_map_subscript": (
        "m, k",
        "CASE WHEN m IS NULL OR k IS NULL THEN NULL WHEN NOT map_contains(m, k) THEN "
        + error_sql(BAD_ARGUMENT, "Key not present in map: ", "CAST(k AS VARCHAR)")
        + " ELSE map_extract_value(m, k) END",
    ),
    "trino_map": (
        "k, v",
        "CASE WHEN k IS NULL OR v IS NULL THEN NULL WHEN len(k) <> len(v) THEN "
        + error_sql(BAD_ARGUMENT, "Key and value arrays must be the same length")
        + " WHEN list_position(k, NULL) IS NOT NULL THEN "
        + error_sql(BAD_ARGUMENT, "map key cannot be null")
        + " WHEN len(list_distinct(k)) < len(k) THEN "
        + error_sql(
            BAD_ARGUMENT,
            "Duplicate map keys (",
            "CAST(list_filter(k, lambda x, i: list_position(k, x) < i)[1] AS VARCHAR)",
            "') are not allowed'",
        )
        + " ELSE map(k, v) END",
    ),
    "trino_array_distinct": ("a", "list_filter(a, lambda x, i: list_position(a, x) = i)"),
    "trino_array_union": (
        "a, b",
        "CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE trino_array_distinct(list_concat(a, b)) END",
    ),
    "trino_array_except": (
        "a, b",
        "CASE WHEN b IS NULL THEN NULL"
        " ELSE trino_array_distinct(list_filter(a, lambda x: list_position(b, x) IS NULL)) END",
    ),
    # the longer array's order (the left one when they are as long), as Trino iterates it
    "trino_array_intersect": (
        "a, b",
        "CASE WHEN a IS NULL OR b IS NULL THEN NULL WHEN len(a) >= len(b)"
        " THEN trino_array_distinct(list_filter(a, lambda x: list_position(b, x) IS NOT NULL))"
        " ELSE trino_array_distinct(list_filter(b, lambda x: list_position(a, x) IS NOT NULL)) END",
    ),
    "trino_array_max": ("a", "CASE WHEN list_position(a, NULL) IS NOT NULL THEN NULL ELSE list_max(a) END"),
    "trino_array_min": ("a", "CASE WHEN list_position(a, NULL) IS NOT NULL THEN NULL ELSE list_min(a) END"),
    "trino_array_position": (
        "a, x",
        "CASE WHEN a IS NULL OR x IS NULL THEN NULL"
        " ELSE CAST(coalesce(list_position(a, x), 0) AS BIGINT) END",
    ),
    "trino_array_remove": (
        "a, x",
        "CASE WHEN x IS NULL THEN NULL ELSE list_filter(a, lambda e: e IS NULL OR e <> x) END",
    ),
    "trino_contains": (
        "a, x",
        "CASE WHEN a IS NULL OR x IS NULL THEN NULL WHEN list_contains(a, x) THEN true"
        " WHEN list_position(a, NULL) IS NOT NULL THEN NULL ELSE false END",
    ),
    "trino_arrays_overlap": (
        "a, b",
        "CASE WHEN a IS NULL OR b IS NULL THEN NULL WHEN len(a) = 0 OR len(b) = 0 THEN false"
        " WHEN len(list_filter(a, lambda x: x IS NOT NULL AND list_contains(b, x))) > 0 THEN true"
        " WHEN list_position(a, NULL) IS NOT NULL OR list_position(b, NULL) IS NOT NULL THEN NULL"
        " ELSE false END",
    ),
    "trino_contains_sequence": (
        "a, s",
        "CASE WHEN a IS NULL OR s IS NULL THEN NULL WHEN len(s) = 0 THEN true ELSE"
        " len(list_filter(range(1, len(a) - len(s) + 2),"
        " lambda i: list_slice(a, i, i + len(s) - 1) IS NOT DISTINCT FROM s)) > 0 END",
    ),
    "trino_all_match": (
        "r",
        "CASE WHEN r IS NULL THEN NULL WHEN list_contains(r, false) THEN false"
        " WHEN list_position(r, NULL) IS NOT NULL THEN NULL ELSE true END",
    ),
    "trino_any_match": (
        "r",
        "CASE WHEN r IS NULL THEN NULL WHEN list_contains(r, true) THEN true"
        " WHEN list_position(r, NULL) IS NOT NULL THEN NULL ELSE false END",
    ),
    "trino_none_match": (
        "r",
        "CASE WHEN r IS NULL THEN NULL WHEN list_contains(r, true) THEN false"
        " WHEN list_position(r, NULL) IS NOT NULL THEN NULL ELSE true END",
    ),
    "trino_sequence": (
        "start, stop, step",
        "CASE WHEN step = 0 THEN "
        + error_sql(BAD_ARGUMENT, "step must not be zero")
        + " WHEN (step > 0 AND stop < start) OR (step < 0 AND stop > start) THEN "
        + error_sql(
            BAD_ARGUMENT,
            "sequence stop value should be greater than or equal to start value if step is greater"
            " than zero otherwise stop should be less than or equal to start",
        )
        + f" WHEN (CAST(stop AS HUGEINT) - start) // step + 1 > {_MAX_SEQUENCE} THEN "
        + error_sql(
            BAD_ARGUMENT, f"result of sequence function must not have more than {_MAX_SEQUENCE} entries"
        )
        + " ELSE generate_series(CAST(start AS BIGINT), CAST(stop AS BIGINT), CAST(step AS BIGINT)) END",
    ),
    "trino_slice": (
        "a, s, n",
        "CASE WHEN n < 0 THEN "
        + error_sql(BAD_ARGUMENT, "length must be greater than or equal to 0")
        + " WHEN s = 0 THEN "
        + error_sql(BAD_ARGUMENT, "SQL array indices start at 1")
        + " WHEN len(a) = 0 THEN a"
        " ELSE trino_slice_from(a, CASE WHEN s < 0 THEN len(a) + s + 1 ELSE s END, n) END",
    ),
    "trino_slice_from": (
        "a, f, n",
        "CASE WHEN f < 1 OR f >= least(f + n, len(a) + 1) THEN list_slice(a, 1, 0)"
        " ELSE list_slice(a, f, least(f + n, len(a) + 1) - 1) END",
    ),
    "trino_trim_array": (
        "a, n",
        "CASE WHEN n < 0 THEN "
        + error_sql(BAD_ARGUMENT, "size must not be negative: ", "n")
        + " WHEN n > len(a) THEN "
        + error_sql(BAD_ARGUMENT, "size must not exceed array cardinality ", "len(a)", "': '", "n")
        + " ELSE list_slice(a, 1, len(a) - n) END",
    ),
    "trino_repeat": (
        "x, n",
        f"CASE WHEN n > {_MAX_SEQUENCE} THEN "
        + error_sql(
            BAD_ARGUMENT, f"count argument of repeat function must be less than or equal to {_MAX_SEQUENCE}"
        )
        + " WHEN n < 0 THEN "
        + error_sql(BAD_ARGUMENT, "count argument of repeat function must be greater than or equal to 0")
        + " ELSE repeat([x], n) END",
    ),
    "trino_ngrams": (
        "a, n",
        "CASE WHEN n <= 0 THEN "
        + error_sql(BAD_ARGUMENT, "N must be positive")
        + " WHEN n >= len(a) THEN [a]"
        " ELSE list_transform(range(1, len(a) - n + 2), lambda i: list_slice(a, i, i + n - 1)) END",
    ),
    "trino_combinations": (
        "a, k",
        "CASE WHEN k < 0 THEN "
        + error_sql(BAD_ARGUMENT, "combination size must not be negative: ", "k")
        + f" WHEN k > {_MAX_COMBINATION} THEN "
        + error_sql(BAD_ARGUMENT, f"combination size must not exceed {_MAX_COMBINATION}: ", "k")
        + " WHEN a IS NULL OR k IS NULL THEN NULL WHEN k > len(a) THEN list_slice([a], 1, 0)"
        " WHEN k = 0 THEN [list_slice(a, 1, 0)] " + _COMBINATIONS + " END",
    ),
    "trino_shuffle": (
        "a",
        "list_transform(list_sort(list_transform(a, lambda x: {'r': random(), 'v': x})), lambda s: s.v)",
    ),
    "trino_array_histogram": (
        "a",
        "map(trino_array_distinct(list_filter(a, lambda x: x IS NOT NULL)),"
        " list_transform(trino_array_distinct(list_filter(a, lambda x: x IS NOT NULL)),"
        " lambda u: CAST(len(list_filter(a, lambda w: w = u)) AS BIGINT)))",
    ),
    # keys in first-occurrence order, each with its values in order (multimap_agg/_from_entries)
    "trino_multimap": (
        "ks, vs",
        "map(trino_array_distinct(ks),"
        " list_transform(trino_array_distinct(ks), lambda u: list_filter(vs, lambda w, i: ks[i] = u)))",
    ),
    # entries with the first occurrence of each key kept, as a map (map_concat, last map first)
    "trino_first_entries": (
        "es",
        "map_from_entries(list_filter(es,"
        " lambda e, i: list_position(list_transform(es, lambda f: f.key), e.key) = i))",
    ),
}


def _install_macros(con: duckdb.DuckDBPyConnection) -> None:
    for name, (params, body) in MACROS.items():
        con.execute(f"CREATE OR REPLACE MACRO {name}({params}) AS {body}")


# -- building blocks -----------------------------------------------------------------------
_VARIABLES = itertools.count()


def _variable() -> exp.Identifier:
    """A lambda parameter name no user expression can capture."""
    return exp.to_identifier(f"__trino_v{next(_VARIABLES)}")


def _apply(function: exp.Expression, args: list[exp.Expression]) -> exp.Expression:
    """The body of a Trino lambda with its parameters replaced by ``args``."""
    if not isinstance(function, exp.Lambda) or len(function.expressions) != len(args):
        raise AthenaError("SYNTAX_ERROR", "Expected a lambda expression with matching parameters")
    bound = {param.name: arg for param, arg in zip(function.expressions, args, strict=True)}
    body = function.this.copy()

    def substitute(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Identifier) and not isinstance(node.parent, (exp.Column, exp.Lambda)):
            value = bound.get(node.name)
            return value.copy() if value is not None else node
        if isinstance(node, exp.Column) and not node.table and node.name in bound:
            return bound[node.name].copy()
        return node

    return body.transform(substitute, copy=False)


def _null_if_any_null(args: list[exp.Expression], value: exp.Expression) -> exp.Expression:
    condition = exp.or_(*[exp.Is(this=arg.copy(), expression=exp.Null()) for arg in args])
    return exp.Case(ifs=[exp.If(this=condition, true=exp.Null())], default=value)


def _macro(name: str):
    """A rewrite calling macro ``name`` with the node's operands (in ``this``, ``expression`` order)."""

    def rewrite(node: exp.Expression) -> exp.Expression:
        args = [node.this] + ([node.expression] if node.args.get("expression") is not None else [])
        return call(name, *args)

    return rewrite


# -- subscripts ----------------------------------------------------------------------------
def _parser_shifted(node: exp.Bracket) -> bool:
    """Whether sqlglot's parser turned this subscript's index 0-based (it subtracts 1).

    It does when, typed without a schema, the subscripted value is an array or of unknown
    type and the index an integer; the check is redone here the same way, since after
    qualification the types are the schema's (a column typed INT at run time was not at
    parse time, and its index was kept as written).
    """
    this, index = node.this, node.expressions[0]
    if isinstance(index, exp.Literal):
        if index.is_string or not index.is_int:
            return False
    elif isinstance(index, exp.Column) or _schemaless_type(index) not in INTEGER_TYPES:
        return False
    if isinstance(this, exp.Column):
        return True
    return _schemaless_type(this) in (_T.UNKNOWN, _ARRAY)


def _schemaless_type(node: exp.Expression) -> exp.DataType.Type:
    typed = annotate_types(node.copy(), dialect="athena")
    return typed.type.this if typed.type is not None else _T.UNKNOWN


def _one_based(index: exp.Expression, shifted: bool) -> exp.Expression:
    if not shifted:
        return index
    if isinstance(index, exp.Literal):
        return exp.Literal.number(int(index.this) + 1)
    if isinstance(index, exp.Neg) and isinstance(index.this, exp.Literal) and index.this.is_int:
        return exp.Literal.number(1 - int(index.this.this))
    return exp.Add(this=exp.Paren(this=index), expression=exp.Literal.number(1))


def _subscript(node: exp.Bracket) -> exp.Expression:
    """``a[i]`` fails outside 1..cardinality, ``m[k]`` on a missing key; ``element_at`` at 0."""
    if len(node.expressions) != 1 or node.args.get("json_access"):
        return node
    container_type = node.this.type
    if node.args.get("offset") == 1:  # element_at(container, index): index as written
        if not is_type(container_type, _ARRAY):
            return node  # a map: NULL for a missing key, as DuckDB answers
        return call("trino_element_at", node.this, node.expressions[0])
    shifted = _parser_shifted(node)  # decided on the node as parsed, before its operands change
    if is_type(container_type, _MAP, _ARRAY):
        index = _one_based(node.expressions[0], shifted)
        name = "trino_map_subscript" if is_type(container_type, _MAP) else "trino_subscript"
        return call(name, node.this, index)
    # typed only at run time: DuckDB's subscript, with the index as written (no offset applied)
    node.set("expressions", [_one_based(node.expressions[0], shifted)])
    node.set("offset", 1)
    return node


# -- arrays --------------------------------------------------------------------------------
def _sql(node: exp.Expression) -> str:
    return node.sql(dialect="duckdb")


def _array_sort(node: exp.ArraySort) -> exp.Expression:
    """NULLs last; with a comparator, each element ranked by how many it sorts after (stable)."""
    array, comparator = node.this, node.args.get("expression")
    if comparator is None:
        return call("list_sort", array, exp.Literal.string("ASC"), exp.Literal.string("NULLS LAST"))
    i, j, s = _variable(), _variable(), _variable()
    a = _sql(array)
    after = _apply(comparator, [duck(f"list_extract({a}, {i})"), duck(f"list_extract({a}, {j})")])
    positions = f"range(1, len({a}) + 1)"
    rank = f"len(list_filter({positions}, lambda {j}: ({_sql(after)}) > 0))"
    keyed = f"list_transform({positions}, lambda {i}: {{'r': {rank}, 'i': {i}}})"
    return duck(f"list_transform(list_sort({keyed}), lambda {s}: list_extract({a}, {s}.i))")


def _reduce(node: exp.Reduce) -> exp.Expression:
    """Trino's reduce applies its output function to the final state (sqlglot drops it)."""
    finish = node.args.get("finish")
    if finish is None:
        return node
    node.set("finish", None)
    if isinstance(finish, exp.Lambda) and len(finish.expressions) == 1:
        param = finish.expressions[0]
        if isinstance(finish.this, (exp.Identifier, exp.Column)) and finish.this.name == param.name:
            return node  # the identity: nothing to apply
    state = _variable()
    # evaluates the reduction once: [state] -> [output(state)] -> its element
    output = _sql(_apply(finish, [duck(str(state))]))
    return duck(f"list_extract(list_transform([{_sql(node)}], lambda {state}: {output}), 1)")


def _matcher(name: str):
    def rewrite(node: exp.Anonymous) -> exp.Expression | None:
        if len(node.expressions) != 2:
            return None
        array, function = node.expressions
        return call(name, call("list_transform", array, function))

    return rewrite


def _field_names(values: list[exp.Expression]) -> exp.Expression:
    return exp.Struct(
        expressions=[
            exp.PropertyEQ(this=exp.to_identifier(f"field{n}"), expression=value)
            for n, value in enumerate(values)
        ]
    )


def _anonymous_row(node: exp.Struct) -> exp.Expression:
    """Athena prints a row without field names as ``{field0=.., field1=..}``, so its fields are
    named so (DuckDB would name them ``_0``...); under a cast to a row type the row stays
    DuckDB's unnamed struct, which a cast matches by position as Trino's does."""
    if any(isinstance(e, (exp.PropertyEQ, exp.Alias, exp.Slice)) for e in node.expressions):
        return node
    if isinstance(node.parent, (exp.Cast, exp.TryCast)):
        return node
    if node.find_ancestor(exp.Cast, exp.TryCast) is not None:
        return exp.Anonymous(this="row", expressions=list(node.expressions))
    return _field_names(list(node.expressions))


def _tuple_row(node: exp.Tuple) -> exp.Expression:
    """``(a, b)`` as a value (a lambda's answer, an array element, a selected column) is an
    anonymous row; elsewhere (VALUES, IN) it is syntax and stays as written."""
    parent = node.parent
    is_value = (
        (isinstance(parent, exp.Lambda) and node.arg_key == "this")
        or isinstance(parent, exp.Array)
        or (isinstance(parent, exp.Select) and node.arg_key == "expressions")
        or (isinstance(parent, exp.Alias) and isinstance(parent.parent, exp.Select))
    )
    if not is_value or node.find_ancestor(exp.Cast, exp.TryCast) is not None:
        return node
    return _field_names(list(node.expressions))


def _map_entries(node: exp.Anonymous) -> exp.Expression | None:
    """Trino's entries are anonymous rows (DuckDB names the fields key and value)."""
    if len(node.expressions) != 1:
        return None
    e = _variable()
    return duck(
        f"list_transform(map_entries({_sql(node.expressions[0])}),"
        f" lambda {e}: {{'field0': {e}.key, 'field1': {e}.value}})"
    )


def _zip(node: exp.Anonymous) -> exp.Expression | None:
    """Rows of the i-th elements, NULL-padded to the longest array (fields named like ROW's)."""
    arrays = node.expressions
    if len(arrays) < 2:
        return None
    i = _variable()
    texts = [_sql(a) for a in arrays]
    longest = ", ".join(f"len({t})" for t in texts)
    fields = ", ".join(f"'field{n}': list_extract({t}, {i})" for n, t in enumerate(texts))
    return _null_if_any_null(
        arrays, duck(f"list_transform(range(1, greatest({longest}) + 1), lambda {i}: {{{fields}}})")
    )


def _zip_with(node: exp.Anonymous) -> exp.Expression | None:
    if len(node.expressions) != 3:
        return None
    left, right, function = node.expressions
    i = _variable()
    a, b = _sql(left), _sql(right)
    body = _apply(function, [duck(f"list_extract({a}, {i})"), duck(f"list_extract({b}, {i})")])
    zipped = f"list_transform(range(1, greatest(len({a}), len({b})) + 1), lambda {i}: {_sql(body)})"
    return _null_if_any_null([left, right], duck(zipped))


def _sequence(node: exp.GenerateSeries) -> exp.Expression:
    """Integers count down when start > stop; a step of the wrong sign fails (dates: trino_dates)."""
    start, stop, step = node.args.get("start"), node.args.get("end"), node.args.get("step")
    operands = [start, stop] + ([step] if step is not None else [])
    if node.args.get("is_end_exclusive") or not all(is_type(o.type, *INTEGER_TYPES) for o in operands):
        return node
    if step is None:
        step = duck(f"CASE WHEN {_sql(start)} <= {_sql(stop)} THEN 1 ELSE -1 END")
    return call("trino_sequence", start, stop, step)


def _slice(node: exp.ArraySlice) -> exp.Expression:
    """Trino's slice(array, start, length); sqlglot keeps the length in ``end``."""
    if node.args.get("end") is None or node.args.get("step") is not None:
        return node
    return call("trino_slice", node.this, node.args["start"], node.args["end"])


def _repeat(node: exp.Repeat) -> exp.Expression:
    """Trino's repeat(element, count) makes an array (DuckDB's repeats a string)."""
    return call("trino_repeat", node.this, node.args["times"])


def _reverse(node: exp.Reverse) -> exp.Expression:
    if not is_type(node.this.type, _ARRAY):
        return node
    return call("list_reverse", node.this)


def _cardinality(node: exp.ArraySize) -> exp.Expression:
    """A map's cardinality, or that of a value typed only at run time (DuckDB's array_length takes lists)."""
    if is_type(node.this.type, _ARRAY):
        return node
    return exp.Cast(this=call("cardinality", node.this), to=exp.DataType.build("BIGINT"))


def _array_position(node: exp.ArrayPosition) -> exp.Expression:
    """Trino's array_position takes no third (instance) argument; sqlglot would drop it."""
    if node.args.get("zero_based") is not None:
        raise AthenaError(
            "FUNCTION_NOT_FOUND",
            "Unexpected parameters for function array_position: it takes (array, element)",
        )
    return call("trino_array_position", node.this, node.expression)


def _array_intersect(node: exp.ArrayIntersect) -> exp.Expression:
    if len(node.expressions) != 2:
        return node
    return call("trino_array_intersect", *node.expressions)


def _concat_element(node: exp.DPipe) -> exp.Expression:
    """``array || element`` and ``element || array`` append and prepend (DuckDB refuses them)."""
    left, right = node.this, node.expression
    left_array, right_array = is_type(left.type, _ARRAY), is_type(right.type, _ARRAY)
    if left_array == right_array:
        return node
    if left_array:
        return call("list_append", node.this, node.expression)
    return call("list_prepend", node.this, node.expression)


def _array_first(node: exp.ArrayFirst | exp.ArrayLast) -> exp.Expression:
    if node.args.get("expression") is not None:
        return node
    return call("list_extract", node.this, exp.Literal.number(1 if isinstance(node, exp.ArrayFirst) else -1))


def _map(node: exp.Map) -> exp.Expression:
    """map(keys, values) fails on duplicate or NULL keys and unequal lengths, as Trino's does."""
    keys, values = node.args.get("keys"), node.args.get("values")
    if keys is None or values is None:
        return node
    return call("trino_map", node.args["keys"], node.args["values"])


def _map_entries_rewrite(template: str, arity: int):
    """A map function over ``map_entries(m)`` with the lambda applied to each entry's key and value."""

    def rewrite(node: exp.Anonymous) -> exp.Expression | None:
        if len(node.expressions) != arity:
            return None
        mapping, function = node.expressions
        e = _variable()
        body = _apply(function, [duck(f"{e}.key"), duck(f"{e}.value")])
        return duck(template.format(m=_sql(mapping), e=e, body=_sql(body)))

    return rewrite


def _map_zip_with(node: exp.Anonymous) -> exp.Expression | None:
    """Keys of the first map, then the second's new ones; NULL for a key the other lacks."""
    if len(node.expressions) != 3:
        return None
    left, right, function = node.expressions
    k = _variable()
    m1, m2 = _sql(left), _sql(right)
    body = _apply(
        function, [duck(str(k)), duck(f"map_extract_value({m1}, {k})"), duck(f"map_extract_value({m2}, {k})")]
    )
    keys = f"trino_array_distinct(list_concat(map_keys({m1}), map_keys({m2})))"
    entries = f"list_transform({keys}, lambda {k}: {{'key': {k}, 'value': {_sql(body)}}})"
    return _null_if_any_null([left, right], duck(f"map_from_entries({entries})"))


def _map_concat(node: exp.Anonymous) -> exp.Expression | None:
    """The union of the maps, the last map's value winning and its entries listed first."""
    maps = node.expressions
    if len(maps) < 2:
        return None
    entries = " || ".join(f"map_entries({_sql(m)})" for m in reversed(maps))
    return _null_if_any_null(maps, duck(f"trino_first_entries({entries})"))


def _multimap_from_entries(node: exp.Anonymous) -> exp.Expression | None:
    if len(node.expressions) != 1:
        return None
    e = _variable()
    entries = _sql(node.expressions[0])
    return duck(
        f"trino_multimap(list_transform({entries}, lambda {e}: struct_extract_at({e}, 1)),"
        f" list_transform({entries}, lambda {e}: struct_extract_at({e}, 2)))"
    )


def _multimap_agg(node: exp.Anonymous) -> exp.Expression | None:
    if len(node.expressions) != 2:
        return None
    key, value = node.expressions
    return call("trino_multimap", call("list", key), call("list", value))


def _histogram(node: exp.Anonymous) -> exp.Expression | None:
    if len(node.expressions) != 1:
        return None
    return call("trino_array_histogram", call("list", node.expressions[0]))


def _map_agg(node: exp.Anonymous) -> exp.Expression | None:
    """NULL keys skipped and a repeated key keeping its first value, as Trino's map_agg does."""
    if len(node.expressions) != 2:
        return None
    key, value = (_sql(arg) for arg in node.expressions)
    e = _variable()
    entries = f"list_filter(list({{'key': {key}, 'value': {value}}}), lambda {e}: {e}.key IS NOT NULL)"
    return duck(f"trino_first_entries({entries})")


def _map_union(node: exp.Anonymous) -> exp.Expression | None:
    """The maps' entries, a key seen again keeping its first value; NULL maps skipped, and NULL
    when no map was (Trino's state stays empty), an empty map when only empty maps were."""
    if len(node.expressions) != 1:
        return None
    m = _sql(node.expressions[0])
    return duck(
        f"CASE WHEN count({m}) = 0 THEN NULL ELSE trino_first_entries(flatten(list(map_entries({m})))) END"
    )


def _reduce_agg(node: exp.Anonymous) -> exp.Expression | None:
    """reduce_agg(value, initial, input, combine): the input function folded over the group."""
    if len(node.expressions) != 4:
        return None
    value, initial, function, _combine = node.expressions
    return call("list_reduce", call("list", value), function, initial)


FAMILY = Family(
    name="arrays, maps and lambdas",
    nodes={
        exp.Bracket: _subscript,
        exp.ArraySlice: _slice,
        exp.ArrayDistinct: _macro("trino_array_distinct"),
        exp.ArrayExcept: _macro("trino_array_except"),
        exp.ArrayIntersect: _array_intersect,
        exp.ArrayMax: _macro("trino_array_max"),
        exp.ArrayMin: _macro("trino_array_min"),
        exp.ArrayPosition: _array_position,
        exp.ArrayRemove: _macro("trino_array_remove"),
        exp.ArrayContains: _macro("trino_contains"),
        exp.Shuffle: _macro("trino_shuffle"),
        exp.ArraySort: _array_sort,
        exp.ArrayFirst: _array_first,
        exp.ArrayLast: _array_first,
        exp.Reduce: _reduce,
        exp.GenerateSeries: _sequence,
        exp.Repeat: _repeat,
        exp.Reverse: _reverse,
        exp.ArraySize: _cardinality,
        exp.DPipe: _concat_element,
        exp.Map: _map,
        exp.Struct: _anonymous_row,
        exp.Tuple: _tuple_row,
    },
    calls={
        "array_union": renamed("trino_array_union", 2),
        "arrays_overlap": renamed("trino_arrays_overlap", 2),
        "contains_sequence": renamed("trino_contains_sequence", 2),
        "array_histogram": renamed("trino_array_histogram", 1),
        "trim_array": renamed("trino_trim_array", 2),
        "ngrams": renamed("trino_ngrams", 2),
        "combinations": renamed("trino_combinations", 2),
        "all_match": _matcher("trino_all_match"),
        "any_match": _matcher("trino_any_match"),
        "none_match": _matcher("trino_none_match"),
        "zip": _zip,
        "map_entries": _map_entries,
        "zip_with": _zip_with,
        "map_filter": _map_entries_rewrite(
            "map_from_entries(list_filter(map_entries({m}), lambda {e}: {body}))", 2
        ),
        "transform_values": _map_entries_rewrite(
            "map_from_entries(list_transform(map_entries({m}),"
            " lambda {e}: {{'key': {e}.key, 'value': {body}}}))",
            2,
        ),
        "transform_keys": _map_entries_rewrite(
            "map_from_entries(list_transform(map_entries({m}),"
            " lambda {e}: {{'key': {body}, 'value': {e}.value}}))",
            2,
        ),
        "map_zip_with": _map_zip_with,
        "map_concat": _map_concat,
        "multimap_from_entries": _multimap_from_entries,
        "multimap_agg": _multimap_agg,
        "histogram": _histogram,
        "map_agg": _map_agg,
        "map_union": _map_union,
        "reduce_agg": _reduce_agg,
    },
    install=(_install_macros,),
)
