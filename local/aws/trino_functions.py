"""Which function names an Athena statement may call: Trino's, as Athena engine 3 registers them.

DuckDB knows hundreds of functions Trino does not (``list_distinct``, ``strftime``, ``epoch``),
and sqlglot passes an unknown call through to it, so without this check the endpoint would
answer statements that Athena rejects with FUNCTION_NOT_FOUND. Every call is checked by the
name it was written with. A Trino function the endpoint cannot make answer as Trino does fails
with NOT_SUPPORTED naming it, before DuckDB could give a different answer.
"""

from __future__ import annotations

import functools
import re

from sqlglot import exp

from .errors import AthenaError

# Trino's function reference (functions/list), with the SQL/JSON functions and the syntax that
# sqlglot parses into function nodes (CASE, ROW, EXISTS, UNNEST, GROUPING...).
TRINO_FUNCTIONS = frozenset(
    [
        "abs",
        "acos",
        "all_match",
        "any_match",
        "any_value",
        "approx_distinct",
        "approx_most_frequent",
        "approx_percentile",
        "approx_set",
        "arbitrary",
        "array_agg",
        "array_distinct",
        "array_except",
        "array_first",
        "array_histogram",
        "array_intersect",
        "array_join",
        "array_last",
        "array_max",
        "array_min",
        "array_position",
        "array_remove",
        "array_sort",
        "array_union",
        "arrays_overlap",
        "asin",
        "at_timezone",
        "atan",
        "atan2",
        "avg",
        "bar",
        "beta_cdf",
        "bing_tile",
        "bing_tile_at",
        "bing_tile_coordinates",
        "bing_tile_polygon",
        "bing_tile_quadkey",
        "bing_tile_zoom_level",
        "bing_tiles_around",
        "bit_count",
        "bitwise_and",
        "bitwise_and_agg",
        "bitwise_left_shift",
        "bitwise_not",
        "bitwise_or",
        "bitwise_or_agg",
        "bitwise_right_shift",
        "bitwise_right_shift_arithmetic",
        "bitwise_xor",
        "bool_and",
        "bool_or",
        "cardinality",
        "cast",
        "cbrt",
        "ceil",
        "ceiling",
        "char2hexint",
        "checksum",
        "chr",
        "classify",
        "codepoint",
        "color",
        "combinations",
        "concat",
        "concat_ws",
        "contains",
        "contains_sequence",
        "convex_hull_agg",
        "corr",
        "cos",
        "cosh",
        "cosine_distance",
        "cosine_similarity",
        "count",
        "count_if",
        "covar_pop",
        "covar_samp",
        "crc32",
        "cume_dist",
        "current_date",
        "current_groups",
        "current_time",
        "current_timestamp",
        "current_timezone",
        "current_user",
        "date",
        "date_add",
        "date_diff",
        "date_format",
        "date_parse",
        "date_trunc",
        "day",
        "day_of_month",
        "day_of_week",
        "day_of_year",
        "degrees",
        "dense_rank",
        "dot_product",
        "dow",
        "doy",
        "e",
        "element_at",
        "empty_approx_set",
        "ends_with",
        "euclidean_distance",
        "every",
        "exp",
        "extract",
        "features",
        "filter",
        "first_value",
        "flatten",
        "floor",
        "format",
        "format_datetime",
        "format_number",
        "from_base",
        "from_base32",
        "from_base64",
        "from_base64url",
        "from_big_endian_32",
        "from_big_endian_64",
        "from_encoded_polyline",
        "from_geojson_geometry",
        "from_hex",
        "from_ieee754_32",
        "from_ieee754_64",
        "from_iso8601_date",
        "from_iso8601_timestamp",
        "from_iso8601_timestamp_nanos",
        "from_unixtime",
        "from_unixtime_nanos",
        "from_utf8",
        "geometric_mean",
        "geometry_collect_agg",
        "geometry_from_hadoop_shape",
        "geometry_invalid_reason",
        "geometry_nearest_points",
        "geometry_to_bing_tiles",
        "geometry_union",
        "geometry_union_agg",
        "great_circle_distance",
        "greatest",
        "hamming_distance",
        "hash_counts",
        "histogram",
        "hmac_md5",
        "hmac_sha1",
        "hmac_sha256",
        "hmac_sha512",
        "hour",
        "human_readable_seconds",
        "if",
        "index",
        "infinity",
        "intersection_cardinality",
        "inverse_beta_cdf",
        "inverse_normal_cdf",
        "is_finite",
        "is_infinite",
        "is_json_scalar",
        "is_nan",
        "jaccard_index",
        "json_array_contains",
        "json_array_get",
        "json_array_length",
        "json_extract",
        "json_extract_scalar",
        "json_format",
        "json_parse",
        "json_size",
        "kurtosis",
        "lag",
        "last_day_of_month",
        "last_value",
        "lead",
        "learn_classifier",
        "learn_libsvm_classifier",
        "learn_libsvm_regressor",
        "learn_regressor",
        "least",
        "length",
        "levenshtein_distance",
        "line_interpolate_point",
        "line_interpolate_points",
        "line_locate_point",
        "listagg",
        "ln",
        "localtime",
        "localtimestamp",
        "log",
        "log10",
        "log2",
        "lower",
        "lpad",
        "ltrim",
        "luhn_check",
        "make_set_digest",
        "map",
        "map_agg",
        "map_concat",
        "map_entries",
        "map_filter",
        "map_from_entries",
        "map_keys",
        "map_union",
        "map_values",
        "map_zip_with",
        "max",
        "max_by",
        "md5",
        "merge",
        "merge_set_digest",
        "millisecond",
        "min",
        "min_by",
        "minute",
        "mod",
        "month",
        "multimap_agg",
        "multimap_from_entries",
        "murmur3",
        "nan",
        "ngrams",
        "none_match",
        "normal_cdf",
        "normalize",
        "now",
        "nth_value",
        "ntile",
        "nullif",
        "numeric_histogram",
        "parse_data_size",
        "parse_datetime",
        "parse_duration",
        "percent_rank",
        "pi",
        "position",
        "pow",
        "power",
        "qdigest_agg",
        "quarter",
        "radians",
        "rand",
        "random",
        "rank",
        "reduce",
        "reduce_agg",
        "regexp_count",
        "regexp_extract",
        "regexp_extract_all",
        "regexp_like",
        "regexp_position",
        "regexp_replace",
        "regexp_split",
        "regr_intercept",
        "regr_slope",
        "regress",
        "render",
        "repeat",
        "replace",
        "reverse",
        "rgb",
        "round",
        "row_number",
        "rpad",
        "rtrim",
        "second",
        "sequence",
        "sha1",
        "sha256",
        "sha512",
        "shuffle",
        "sign",
        "simplify_geometry",
        "sin",
        "sinh",
        "skewness",
        "slice",
        "soundex",
        "spatial_partitioning",
        "spatial_partitions",
        "split",
        "split_part",
        "split_to_map",
        "split_to_multimap",
        "spooky_hash_v2_32",
        "spooky_hash_v2_64",
        "sqrt",
        "starts_with",
        "stddev",
        "stddev_pop",
        "stddev_samp",
        "strpos",
        "substr",
        "substring",
        "sum",
        "tan",
        "tanh",
        "tdigest_agg",
        "timezone_hour",
        "timezone_minute",
        "to_base",
        "to_base32",
        "to_base64",
        "to_base64url",
        "to_big_endian_32",
        "to_big_endian_64",
        "to_char",
        "to_date",
        "to_encoded_polyline",
        "to_geojson_geometry",
        "to_geometry",
        "to_hex",
        "to_ieee754_32",
        "to_ieee754_64",
        "to_iso8601",
        "to_milliseconds",
        "to_spherical_geography",
        "to_timestamp",
        "to_unixtime",
        "to_utf8",
        "transform",
        "transform_keys",
        "transform_values",
        "translate",
        "trim",
        "trim_array",
        "truncate",
        "try",
        "try_cast",
        "typeof",
        "upper",
        "url_decode",
        "url_encode",
        "url_extract_fragment",
        "url_extract_host",
        "url_extract_parameter",
        "url_extract_path",
        "url_extract_port",
        "url_extract_protocol",
        "url_extract_query",
        "uuid",
        "value_at_quantile",
        "values_at_quantiles",
        "var_pop",
        "var_samp",
        "variance",
        "version",
        "week",
        "week_of_year",
        "width_bucket",
        "wilson_interval_lower",
        "wilson_interval_upper",
        "with_timezone",
        "word_stem",
        "xxhash64",
        "year",
        "year_of_week",
        "yow",
        "zip",
        "zip_with",
    ]
)
_SYNTAX = frozenset(
    [
        "array",
        "case",
        "coalesce",
        "cube",
        "current_catalog",
        "current_schema",
        "exists",
        "grouping",
        "interval",
        "json_array",
        "json_exists",
        "json_object",
        "json_query",
        "json_value",
        "row",
        "rollup",
        "unnest",
    ]
)
# Trino functions no DuckDB function answers like, by kind: the known gaps. Each fails with
# NOT_SUPPORTED naming it (the README lists them); an ST_ function of any name is geospatial.
KNOWN_GAPS: dict[str, frozenset[str]] = {
    kind: frozenset(names.split())
    for kind, names in {
        "geospatial": "bing_tile bing_tile_at bing_tile_coordinates bing_tile_polygon bing_tile_quadkey "
        "bing_tile_zoom_level bing_tiles_around convex_hull_agg from_encoded_polyline from_geojson_geometry "
        "geometry_collect_agg geometry_from_hadoop_shape geometry_invalid_reason geometry_nearest_points "
        "geometry_to_bing_tiles geometry_union geometry_union_agg great_circle_distance "
        "line_interpolate_point line_interpolate_points line_locate_point simplify_geometry "
        "spatial_partitioning spatial_partitions to_encoded_polyline to_geojson_geometry to_geometry "
        "to_spherical_geography",
        "machine learning": "classify features learn_classifier learn_libsvm_classifier "
        "learn_libsvm_regressor learn_regressor regress",
        "sketches and digests": "approx_most_frequent approx_set empty_approx_set hash_counts "
        "intersection_cardinality jaccard_index make_set_digest merge merge_set_digest qdigest_agg "
        "tdigest_agg value_at_quantile values_at_quantiles",
        "colors and rendering": "bar color render rgb",
        "Teradata compatibility": "char2hexint index to_date",
        "other": "current_groups from_unixtime_nanos",
    }.items()
}
_GAPS = frozenset().union(*KNOWN_GAPS.values())
_GEOSPATIAL_PREFIX = "st_"

_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(")
# DuckDB aggregates sqlglot parses into Trino's own nodes without recording where they were
# written (string_agg is its listagg, arg_max its max_by), found in the text outside quotes.
_UNPOSITIONED = re.compile(r"\b(string_agg|arg_max|arg_min|argmax|argmin)\s*\(", re.IGNORECASE)
_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")


@functools.cache
def unsupported() -> dict[str, str]:
    """Trino functions the families fail with NOT_SUPPORTED, each with why."""
    from .translate import FAMILIES

    return {name: why for family in FAMILIES for name, why in family.unsupported.items()}


def is_gap(name: str) -> bool:
    """Whether a Trino function (lowercase) is one the endpoint fails with NOT_SUPPORTED."""
    return name in _GAPS or name in unsupported() or name.startswith(_GEOSPATIAL_PREFIX)


def check_calls(ast: exp.Expression, sql: str) -> None:
    """Refuse a call Athena would not run, naming the first such call in reading order.

    A call's name is read from the text it was written with (sqlglot normalizes known
    functions to its own classes, so ``list_distinct`` and ``array_distinct`` parse alike).
    """
    for node in ast.walk(bfs=False):
        if not isinstance(node, exp.Func):
            continue
        start = node.meta.get("start")
        if start is None:
            if _missing_operand(node):  # sqlglot keeps no position for ``floor()``
                raise AthenaError(
                    "FUNCTION_NOT_FOUND", f"Unexpected parameters for function {node.sql_name()}"
                )
            continue  # built by the parser around a call, not written
        written = _CALL.match(sql, start)
        if written is None:
            continue  # syntax without parentheses: DATE '...', CURRENT_DATE, ARRAY[...]
        name = written[1].lower()
        where = _line_col(sql, start)
        if is_gap(name):
            raise not_supported(name, where)
        if name not in TRINO_FUNCTIONS and name not in _SYNTAX:
            raise AthenaError(
                "FUNCTION_NOT_FOUND", f"line {where[0]}:{where[1]}: Function '{name}' not registered"
            )
        if _missing_operand(node):
            raise AthenaError(
                "FUNCTION_NOT_FOUND", f"line {where[0]}:{where[1]}: Unexpected parameters for function {name}"
            )
    if unpositioned := _UNPOSITIONED.search(_QUOTED.sub(lambda m: " " * len(m[0]), sql)):
        line, col = _line_col(sql, unpositioned.start())
        name = unpositioned[1].lower()
        raise AthenaError("FUNCTION_NOT_FOUND", f"line {line}:{col}: Function '{name}' not registered")


# The SQL/JSON functions, whose clauses (``WITH ARRAY WRAPPER``, ``RETURNING``, ``ON ERROR``,
# ``COLUMNS``...) sqlglot cannot parse: a statement calling one fails as the gap it is.
_SQL_JSON_CALL = re.compile(r"\b(json_(?:array|exists|object|query|table|value))\s*\(", re.IGNORECASE)


def check_sql_json(sql: str) -> None:
    """Refuse a statement that calls a SQL/JSON function, naming it, whether sqlglot parses its
    clauses or not (``json_table`` would otherwise be an unknown table function)."""
    if found := _SQL_JSON_CALL.search(_QUOTED.sub(lambda m: " " * len(m[0]), sql)):
        raise not_supported(found[1].lower(), _line_col(sql, found.start()))


def _missing_operand(node: exp.Func) -> bool:
    """A call without an argument its function requires (``floor()``), which sqlglot parses."""
    if isinstance(node, exp.Anonymous):
        return False  # pi(), now(), uuid() take none; DuckDB judges the rest
    if isinstance(node, exp.Date) and node.this is None:
        return True  # sqlglot's date() takes none, Trino's date(x) one
    return any(needed and node.args.get(key) in (None, []) for key, needed in node.arg_types.items())


def not_supported(name: str, where: tuple[int, int] | None = None) -> AthenaError:
    """Athena's NOT_SUPPORTED for a Trino function the endpoint cannot answer as Trino does."""
    position = f"line {where[0]}:{where[1]}: " if where else ""
    why = unsupported().get(name)
    detail = f" ({why})" if why else ""
    return AthenaError(
        "NOT_SUPPORTED", f"{position}Function '{name}' is not supported by the local Athena endpoint{detail}"
    )


def _line_col(sql: str, start: int) -> tuple[int, int]:
    return sql.count("\n", 0, start) + 1, start - (sql.rfind("\n", 0, start) + 1) + 1
