"""Athena conformance statements for arrays, maps and lambdas.

Each case is (statement, rows as GetQueryResults renders them, column types or None), with the
results Trino's function reference gives (and, where it is silent on an order or a bound, what
Trino's implementation does), never what DuckDB answers; ERRORS are statements Athena rejects,
with the error name it fails them with.
"""

from __future__ import annotations

Case = tuple[str, list[list[str | None]], list[str] | None]

_SORT_NULLS_FIRST_DESC = (
    "SELECT array_sort(ARRAY[3, 2, null, 5, null, 1, 2],"
    " (x, y) -> CASE WHEN x IS NULL THEN -1 WHEN y IS NULL THEN 1"
    " WHEN x < y THEN 1 WHEN x = y THEN 0 ELSE -1 END)"
)
_SORT_NULLS_LAST_DESC = (
    "SELECT array_sort(ARRAY[3, 2, null, 5, null, 1, 2],"
    " (x, y) -> CASE WHEN x IS NULL THEN 1 WHEN y IS NULL THEN -1"
    " WHEN x < y THEN 1 WHEN x = y THEN 0 ELSE -1 END)"
)

CASES: dict[str, list[Case]] = {
    "arrays": [
        # Athena names an anonymous row's fields field0, field1...; a cast names them by position
        ("SELECT ROW(1, 'a'), (2, 'b')", [["{field0=1, field1=a}", "{field0=2, field1=b}"]], ["row", "row"]),
        ("SELECT CAST(ARRAY[ROW(1, 'a')] AS ARRAY(ROW(x integer, y varchar)))", [["[{x=1, y=a}]"]], None),
        # the examples of Trino's reference page, as it states their results
        ("SELECT ARRAY[1, 2, 4]", [["[1, 2, 4]"]], None),
        ("SELECT ARRAY['foo', 'bar', 'bazz']", [["[foo, bar, bazz]"]], None),
        ("SELECT ARRAY[1, 1.2, 4]", [["[1.0, 1.2, 4.0]"]], None),
        ("SELECT ARRAY[1] || ARRAY[2]", [["[1, 2]"]], None),
        ("SELECT ARRAY[1] || 2", [["[1, 2]"]], None),
        ("SELECT 2 || ARRAY[1]", [["[2, 1]"]], None),
        ("SELECT array_histogram(ARRAY[NULL, NULL])", [["{}"]], None),
        (
            "SELECT array_sort(ARRAY['bc', 'ab', 'dc'], (x, y) -> IF(x < y, 1, IF(x = y, 0, -1)))",
            [["[dc, bc, ab]"]],
            None,
        ),
        (
            "SELECT array_sort(ARRAY[ARRAY[2, 3, 1], ARRAY[4, 2, 1, 4], ARRAY[1, 2]], (x, y) -> "
            "IF(cardinality(x) < cardinality(y), -1, IF(cardinality(x) = cardinality(y), 0, 1)))",
            [["[[1, 2], [2, 3, 1], [4, 2, 1, 4]]"]],
            None,
        ),
        ("SELECT combinations(ARRAY[1, 2, 3], 2)", [["[[1, 2], [1, 3], [2, 3]]"]], None),
        ("SELECT filter(ARRAY[], x -> true)", [["[]"]], None),
        ("SELECT filter(ARRAY[5, NULL, 7, NULL], x -> x IS NOT NULL)", [["[5, 7]"]], None),
        (
            "SELECT ngrams(ARRAY['foo', 'bar', 'baz', 'foo'], 3)",
            [["[[foo, bar, baz], [bar, baz, foo]]"]],
            None,
        ),
        ("SELECT ngrams(ARRAY['foo', 'bar', 'baz', 'foo'], 4)", [["[[foo, bar, baz, foo]]"]], None),
        ("SELECT ngrams(ARRAY['foo', 'bar', 'baz', 'foo'], 5)", [["[[foo, bar, baz, foo]]"]], None),
        ("SELECT ngrams(ARRAY[1, 2, 3, 4], 2)", [["[[1, 2], [2, 3], [3, 4]]"]], None),
        ("SELECT reduce(ARRAY[], 0, (s, x) -> s + x, s -> s)", [["0"]], None),
        ("SELECT reduce(ARRAY[5, 20, 50], 0, (s, x) -> s + x, s -> s)", [["75"]], None),
        (
            "SELECT reduce(ARRAY[5, 20, NULL, 50], 0, (s, x) -> IF(x IS NULL, s, s + x), s -> s)",
            [["75"]],
            None,
        ),
        ("SELECT trim_array(ARRAY[1, 2, 3, 4], 1)", [["[1, 2, 3]"]], None),
        ("SELECT trim_array(ARRAY[1, 2, 3, 4], 2)", [["[1, 2]"]], None),
        ("SELECT transform(ARRAY[], x -> x + 1)", [["[]"]], None),
        ("SELECT transform(ARRAY[5, 6], x -> x + 1)", [["[6, 7]"]], None),
        ("SELECT euclidean_distance(ARRAY[1.0, 2.0], ARRAY[3.0, 4.0])", [["2.8284271247461903"]], None),
        ("SELECT dot_product(ARRAY[1.0, 2.0], ARRAY[3.0, 4.0])", [["11.0"]], None),
        (
            "SELECT zip(ARRAY[1, 2], ARRAY['1b', null, '3b'])",
            [["[{field0=1, field1=1b}, {field0=2, field1=null}, {field0=null, field1=3b}]"]],
            None,
        ),
        (
            "SELECT zip_with(ARRAY[1, 3, 5], ARRAY['a', 'b', 'c'], (x, y) -> (y, x))",
            [["[{field0=a, field1=1}, {field0=b, field1=3}, {field0=c, field1=5}]"]],
            None,
        ),
        ("SELECT ARRAY[1, 2, 3]", [["[1, 2, 3]"]], ["array"]),
        ("SELECT ARRAY[1, 2, NULL, -4, NULL]", [["[1, 2, null, -4, null]"]], ["array"]),
        ("SELECT cardinality(ARRAY[1, 2, 3])", [["3"]], ["bigint"]),
        ("SELECT cardinality(ARRAY[]), cardinality(ARRAY[NULL, NULL])", [["0", "2"]], None),
        ("SELECT element_at(ARRAY['a', 'b'], 2), ARRAY['a', 'b'][1]", [["b", "a"]], None),
        ("SELECT ARRAY[1, 1.2, 4][2]", [["1.2"]], None),
        ("SELECT ARRAY[ARRAY[1, 2], ARRAY[3]][2][1]", [["3"]], None),
        ("SELECT a[i] FROM (VALUES (ARRAY[10, 20], 1)) t(a, i)", [["10"]], None),
        ("SELECT a[2], a[i + 1] FROM (VALUES (ARRAY[10, 20], 1)) t(a, i)", [["20", "20"]], None),
        (
            "SELECT element_at(ARRAY[1, 2, 3], -1), element_at(ARRAY[1, 2], 5), element_at(ARRAY[1, 2], -5)",
            [["3", None, None]],
            None,
        ),
        ("SELECT array_first(ARRAY[3, 4]), array_last(ARRAY[3, 4])", [["3", "4"]], None),
        ("SELECT contains(ARRAY[1, 2], 2)", [["true"]], None),
        (
            "SELECT contains(ARRAY[1, NULL], 2), contains(ARRAY[1, NULL], 1), contains(ARRAY[1, 2], 3)",
            [[None, "true", "false"]],
            None,
        ),
        (
            "SELECT contains_sequence(ARRAY[1, 2, 3, 4], ARRAY[2, 3]),"
            " contains_sequence(ARRAY[1, 2, 3], ARRAY[3, 2])",
            [["true", "false"]],
            None,
        ),
        ("SELECT ARRAY[1] || ARRAY[2], ARRAY[1] || 2, 2 || ARRAY[1]", [["[1, 2]", "[1, 2]", "[2, 1]"]], None),
        ("SELECT concat(ARRAY[1], ARRAY[2, 3], ARRAY[4])", [["[1, 2, 3, 4]"]], None),
        ("SELECT array_distinct(ARRAY[3, 1, NULL, 3, NULL, 1])", [["[3, 1, null]"]], ["array"]),
        ("SELECT array_distinct(ARRAY['b', 'a', 'b', 'c'])", [["[b, a, c]"]], None),
        ("SELECT array_union(ARRAY[3, 1, 3], ARRAY[2, 1, 5])", [["[3, 1, 2, 5]"]], None),
        ("SELECT array_except(ARRAY[4, 1, 4, 2, 3], ARRAY[3])", [["[4, 1, 2]"]], None),
        ("SELECT array_intersect(ARRAY[5, 1, 5, 3], ARRAY[3, 5])", [["[5, 3]"]], None),
        ("SELECT array_max(ARRAY[1, 5, 3]), array_min(ARRAY[4, 2, 9])", [["5", "2"]], None),
        ("SELECT array_max(ARRAY[1, NULL, 3]), array_min(ARRAY[1, NULL, 3])", [[None, None]], None),
        ("SELECT array_sort(ARRAY[3, NULL, 1, 2])", [["[1, 2, 3, null]"]], None),
        (
            "SELECT array_sort(ARRAY[3, 2, 5, 1, 2], (x, y) -> IF(x < y, 1, IF(x = y, 0, -1)))",
            [["[5, 3, 2, 2, 1]"]],
            None,
        ),
        (_SORT_NULLS_FIRST_DESC, [["[null, null, 5, 3, 2, 2, 1]"]], None),
        (_SORT_NULLS_LAST_DESC, [["[5, 3, 2, 2, 1, null, null]"]], None),
        (
            "SELECT array_sort(ARRAY['a', 'abcd', 'abc'],"
            " (x, y) -> IF(length(x) < length(y), -1, IF(length(x) = length(y), 0, 1)))",
            [["[a, abc, abcd]"]],
            None,
        ),
        ("SELECT array_remove(ARRAY[1, NULL, 2, 1], 1)", [["[null, 2]"]], None),
        ("SELECT array_position(ARRAY[5, 6, 7], 6)", [["2"]], None),
        (
            "SELECT array_position(ARRAY[5, 6, 7], 8), array_position(ARRAY[NULL, 7, 7], 7)",
            [["0", "2"]],
            ["bigint", "bigint"],
        ),
        (
            "SELECT arrays_overlap(ARRAY[1, 2], ARRAY[2, 3]), arrays_overlap(ARRAY[1, NULL], ARRAY[3]),"
            " arrays_overlap(ARRAY[1, NULL], ARRAY[1]), arrays_overlap(ARRAY[1], ARRAY[2])",
            [["true", None, "true", "false"]],
            None,
        ),
        ("SELECT array_join(ARRAY['a', 'b', 'c'], '-')", [["a-b-c"]], None),
        (
            "SELECT array_join(ARRAY['a', NULL, 'c'], ','), array_join(ARRAY['a', NULL, 'c'], ',', 'x')",
            [["a,c", "a,x,c"]],
            None,
        ),
        ("SELECT array_histogram(ARRAY[42, 7, 42, NULL])", [["{42=2, 7=1}"]], ["map"]),
        (
            "SELECT combinations(ARRAY['foo', 'bar', 'baz'], 2)",
            [["[[foo, bar], [foo, baz], [bar, baz]]"]],
            None,
        ),
        ("SELECT combinations(ARRAY[1, 2, 2], 2)", [["[[1, 2], [1, 2], [2, 2]]"]], None),
        (
            "SELECT combinations(ARRAY[1, 2, 3, 4], 3)",
            [["[[1, 2, 3], [1, 2, 4], [1, 3, 4], [2, 3, 4]]"]],
            None,
        ),
        ("SELECT flatten(ARRAY[ARRAY[1, 2], ARRAY[3]])", [["[1, 2, 3]"]], None),
        (
            "SELECT ngrams(ARRAY['foo', 'bar', 'baz', 'foo'], 2)",
            [["[[foo, bar], [bar, baz], [baz, foo]]"]],
            None,
        ),
        (
            "SELECT ngrams(ARRAY['foo', 'bar', 'baz', 'foo'], 3),"
            " ngrams(ARRAY['foo', 'bar', 'baz', 'foo'], 5)",
            [["[[foo, bar, baz], [bar, baz, foo]]", "[[foo, bar, baz, foo]]"]],
            None,
        ),
        ("SELECT repeat('x', 3), repeat(1, 0)", [["[x, x, x]", "[]"]], ["array", "array"]),
        ("SELECT reverse(ARRAY[1, 2, 3])", [["[3, 2, 1]"]], ["array"]),
        ("SELECT sequence(1, 5)", [["[1, 2, 3, 4, 5]"]], ["array"]),
        ("SELECT sequence(5, 1)", [["[5, 4, 3, 2, 1]"]], None),
        ("SELECT sequence(1, 10, 3), sequence(10, 1, -3)", [["[1, 4, 7, 10]", "[10, 7, 4, 1]"]], None),
        ("SELECT sequence(x, y) FROM (VALUES (3, 1)) t(x, y)", [["[3, 2, 1]"]], None),
        (
            "SELECT cardinality(shuffle(ARRAY[1, 2, 3])), array_sort(shuffle(ARRAY[3, 1, 2]))",
            [["3", "[1, 2, 3]"]],
            None,
        ),
        ("SELECT slice(ARRAY[1, 2, 3, 4], 2, 2)", [["[2, 3]"]], None),
        (
            "SELECT slice(ARRAY[1, 2, 3, 4], -2, 2), slice(ARRAY[1, 2, 3, 4], 3, 10),"
            " slice(ARRAY[1, 2, 3, 4], 5, 1), slice(ARRAY[1, 2, 3, 4], -5, 2)",
            [["[3, 4]", "[3, 4]", "[]", "[]"]],
            None,
        ),
        (
            "SELECT trim_array(ARRAY[1, 2, 3, 4], 1), trim_array(ARRAY[1, 2, 3, 4], 2)",
            [["[1, 2, 3]", "[1, 2]"]],
            None,
        ),
        ("SELECT cardinality(zip(ARRAY[1, 2], ARRAY['1b', null, '3b']))", [["3"]], None),
        ("SELECT CAST(ROW(1, 'x') AS ROW(n integer, s varchar))", [["{n=1, s=x}"]], ["row"]),
    ],
    "maps and lambdas": [
        # the examples of Trino's reference page, as it states their results
        (
            "SELECT numbers, transform(numbers, n -> n * n) as squared_numbers FROM (VALUES (ARRAY[1, "
            "2]), (ARRAY[3, 4]), (ARRAY[5, 6, 7])) AS t(numbers)",
            [["[1, 2]", "[1, 4]"], ["[3, 4]", "[9, 16]"], ["[5, 6, 7]", "[25, 36, 49]"]],
            None,
        ),
        (
            "SELECT transform(prices, n -> TRY_CAST(n AS VARCHAR) || '$') as price_tags FROM (VALUES "
            "(ARRAY[100, 200]), (ARRAY[30, 4])) AS t(prices)",
            [["[100$, 200$]"], ["[30$, 4$]"]],
            None,
        ),
        (
            "SELECT xvalues, a, b, transform(xvalues, x -> a * x + b) as linear_function_values FROM "
            "(VALUES (ARRAY[1, 2], 10, 5), (ARRAY[3, 4], 4, 2)) AS t(xvalues, a, b)",
            [["[1, 2]", "10", "5", "[15, 25]"], ["[3, 4]", "4", "2", "[14, 18]"]],
            None,
        ),
        (
            "SELECT numbers FROM (VALUES (ARRAY[1,NULL,3]), (ARRAY[10,20,30]), (ARRAY[100,200,300])) "
            "AS t(numbers) WHERE any_match(numbers, n ->  COALESCE(n, 0) > 100)",
            [["[100, 200, 300]"]],
            None,
        ),
        (
            "SELECT reduce_agg(value, 0, (a, b) -> a + b, (a, b) -> a + b) sum_values FROM (VALUES "
            "(1), (2), (3), (4), (5)) AS t(value)",
            [["15"]],
            None,
        ),
        (
            "SELECT MAP(ARRAY['key1', 'key2', 'key3' ], ARRAY[2373, 3463, 45837])",
            [["{key1=2373, key2=3463, key3=45837}"]],
            None,
        ),
        (
            "SELECT MAP(ARRAY['key1', 'key2', 'key3' ], ARRAY['v1', 'v2', 'v3'])",
            [["{key1=v1, key2=v2, key3=v3}"]],
            None,
        ),
        (
            "SELECT MAP(ARRAY['key1', 'key2', 'key3' ], ARRAY[23, 34.63, 45.837])",
            [["{key1=23.000, key2=34.630, key3=45.837}"]],
            None,
        ),
        (
            "SELECT MAP(ARRAY['key1', 'key2', 'key3' ], ARRAY['v1', NULL, 'v3'])",
            [["{key1=v1, key2=null, key3=v3}"]],
            None,
        ),
        ("SELECT MAP(ARRAY['key1', 'key2', 'key3' ], ARRAY['v1', 'v2', 'v3'])['key2']", [["v2"]], None),
        ("SELECT map(ARRAY[1,3], ARRAY[2,4])", [["{1=2, 3=4}"]], None),
        (
            "SELECT map_entries(MAP(ARRAY[1, 2], ARRAY['x', 'y']))",
            [["[{field0=1, field1=x}, {field0=2, field1=y}]"]],
            None,
        ),
        (
            "SELECT map_zip_with(MAP(ARRAY['k1', 'k2'], ARRAY[1, 2]), MAP(ARRAY['k2', 'k3'], ARRAY[4, "
            "9]), (k, v1, v2) -> (v1, v2))",
            [["{k1={field0=1, field1=null}, k2={field0=2, field1=4}, k3={field0=null, field1=9}}"]],
            None,
        ),
        ("SELECT transform_keys(MAP(ARRAY[], ARRAY[]), (k, v) -> k + 1)", [["{}"]], None),
        (
            "SELECT transform_keys(MAP(ARRAY [1, 2, 3], ARRAY ['a', 'b', 'c']), (k, v) -> k + 1)",
            [["{2=a, 3=b, 4=c}"]],
            None,
        ),
        (
            "SELECT transform_keys(MAP(ARRAY ['a', 'b', 'c'], ARRAY [1, 2, 3]), (k, v) -> v * v)",
            [["{1=1, 4=2, 9=3}"]],
            None,
        ),
        (
            "SELECT transform_keys(MAP(ARRAY ['a', 'b'], ARRAY [1, 2]), (k, v) -> k || CAST(v as VARCHAR))",
            [["{a1=1, b2=2}"]],
            None,
        ),
        (
            "SELECT transform_keys(MAP(ARRAY [1, 2], ARRAY [1.0, 1.4]), (k, v) -> MAP(ARRAY[1, 2], "
            "ARRAY['one', 'two'])[k])",
            [["{one=1.0, two=1.4}"]],
            None,
        ),
        ("SELECT transform_values(MAP(ARRAY[], ARRAY[]), (k, v) -> v + 1)", [["{}"]], None),
        (
            "SELECT transform_values(MAP(ARRAY [1, 2, 3], ARRAY [10, 20, 30]), (k, v) -> v + k)",
            [["{1=11, 2=22, 3=33}"]],
            None,
        ),
        (
            "SELECT transform_values(MAP(ARRAY [1, 2, 3], ARRAY ['a', 'b', 'c']), (k, v) -> k * k)",
            [["{1=1, 2=4, 3=9}"]],
            None,
        ),
        (
            "SELECT transform_values(MAP(ARRAY ['a', 'b'], ARRAY [1, 2]), (k, v) -> k || CAST(v as VARCHAR))",
            [["{a=a1, b=b2}"]],
            None,
        ),
        (
            "SELECT transform_values(MAP(ARRAY [1, 2], ARRAY [1.0, 1.4]), (k, v) -> MAP(ARRAY[1, 2], "
            "ARRAY['one', 'two'])[k] || '_' || CAST(v AS VARCHAR))",
            [["{1=one_1.0, 2=two_1.4}"]],
            None,
        ),
        ("SELECT transform(ARRAY[1, 2], x -> x * 10)", [["[10, 20]"]], None),
        ("SELECT transform(ARRAY[5, NULL, 6], x -> coalesce(x, 0) + 1)", [["[6, 1, 7]"]], None),
        ("SELECT transform(ARRAY['x', 'abc', 'z'], x -> x || '0')", [["[x0, abc0, z0]"]], None),
        (
            "SELECT transform(ARRAY[ARRAY[1, NULL, 2], ARRAY[3, NULL]], a -> filter(a, x -> x IS NOT NULL))",
            [["[[1, 2], [3]]"]],
            None,
        ),
        (
            "SELECT transform(xvalues, x -> a * x + b)"
            " FROM (VALUES (ARRAY[1, 2], 10, 5), (ARRAY[3, 4], 4, 2)) AS t(xvalues, a, b)",
            [["[15, 25]"], ["[14, 18]"]],
            None,
        ),
        ("SELECT filter(ARRAY[1, 2, 3, 4], x -> x % 2 = 0)", [["[2, 4]"]], None),
        ("SELECT filter(ARRAY[5, -6, NULL, 7], x -> x > 0)", [["[5, 7]"]], None),
        ("SELECT reduce(ARRAY[1, 2, 3], 0, (s, x) -> s + x, s -> s)", [["6"]], None),
        ("SELECT reduce(ARRAY[5, 20, NULL, 50], 0, (s, x) -> s + x, s -> s)", [[None]], None),
        ("SELECT reduce(ARRAY[5, 20, NULL, 50], 0, (s, x) -> s + coalesce(x, 0), s -> s)", [["75"]], None),
        ("SELECT reduce(ARRAY[2147483647, 1], BIGINT '0', (s, x) -> s + x, s -> s)", [["2147483648"]], None),
        ("SELECT reduce(ARRAY[1, 2, 3], 0, (s, x) -> s + x, s -> s * 10)", [["60"]], None),
        (
            "SELECT reduce(ARRAY[5, 6, 10, 20], CAST(ROW(0.0, 0) AS ROW(sum DOUBLE, count INTEGER)),"
            " (s, x) -> CAST(ROW(x + s.sum, s.count + 1) AS ROW(sum DOUBLE, count INTEGER)),"
            " s -> IF(s.count = 0, NULL, s.sum / s.count))",
            [["10.25"]],
            None,
        ),
        ("SELECT zip_with(ARRAY[1, 2], ARRAY[3, 4], (x, y) -> x + y)", [["[4, 6]"]], None),
        (
            "SELECT zip_with(ARRAY['a', 'b', 'c'], ARRAY['d', 'e', 'f'], (x, y) -> concat(x, y))",
            [["[ad, be, cf]"]],
            None,
        ),
        (
            "SELECT zip_with(ARRAY['a'], ARRAY['d', null, 'f'], (x, y) -> coalesce(x, y))",
            [["[a, null, f]"]],
            None,
        ),
        (
            "SELECT all_match(ARRAY[1, 2], x -> x > 0), all_match(ARRAY[1, NULL], x -> x > 0),"
            " all_match(ARRAY[-1, NULL], x -> x > 0)",
            [["true", None, "false"]],
            None,
        ),
        (
            "SELECT any_match(ARRAY[1, NULL], x -> x > 0), any_match(ARRAY[-1, NULL], x -> x > 0),"
            " any_match(ARRAY[-1], x -> x > 0)",
            [["true", None, "false"]],
            None,
        ),
        (
            "SELECT none_match(ARRAY[1, NULL], x -> x > 0), none_match(ARRAY[-1, NULL], x -> x > 0),"
            " none_match(ARRAY[-1], x -> x > 0)",
            [["false", None, "true"]],
            None,
        ),
        (
            "SELECT numbers FROM (VALUES (ARRAY[1, NULL, 3]), (ARRAY[10, 20, 30]), (ARRAY[100, 200, 300]))"
            " AS t(numbers) WHERE any_match(numbers, n -> COALESCE(n, 0) > 100)",
            [["[100, 200, 300]"]],
            None,
        ),
        ("SELECT map()", [["{}"]], ["map"]),
        ("SELECT map(ARRAY['a', 'b'], ARRAY[1, 2])", [["{a=1, b=2}"]], ["map"]),
        ("SELECT map(ARRAY[1, 3], ARRAY[2, 4])", [["{1=2, 3=4}"]], ["map"]),
        (
            "SELECT MAP(ARRAY['key1', 'key2', 'key3'], ARRAY['v1', NULL, 'v3'])",
            [["{key1=v1, key2=null, key3=v3}"]],
            None,
        ),
        ("SELECT MAP(ARRAY['key1', 'key2', 'key3'], ARRAY['v1', 'v2', 'v3'])['key2']", [["v2"]], None),
        ("SELECT element_at(map(ARRAY['a'], ARRAY[1]), 'a')", [["1"]], None),
        ("SELECT element_at(map(ARRAY['a'], ARRAY[1]), 'b')", [[None]], None),
        ("SELECT cardinality(MAP(ARRAY['a', 'b'], ARRAY[1, 2]))", [["2"]], ["bigint"]),
        ("SELECT map_from_entries(ARRAY[(1, 'x'), (2, 'y')])", [["{1=x, 2=y}"]], ["map"]),
        (
            "SELECT multimap_from_entries(ARRAY[(1, 'x'), (2, 'y'), (1, 'z')])",
            [["{1=[x, z], 2=[y]}"]],
            ["map"],
        ),
        (
            "SELECT map_keys(MAP(ARRAY['b', 'a'], ARRAY[1, 2])),"
            " map_values(MAP(ARRAY['b', 'a'], ARRAY[1, 2]))",
            [["[b, a]", "[1, 2]"]],
            None,
        ),
        (
            "SELECT map_concat(MAP(ARRAY['a', 'b'], ARRAY[1, 2]), MAP(ARRAY['b', 'c'], ARRAY[3, 4]))",
            [["{b=3, c=4, a=1}"]],
            None,
        ),
        ("SELECT map_filter(MAP(ARRAY[], ARRAY[]), (k, v) -> true)", [["{}"]], None),
        (
            "SELECT map_filter(MAP(ARRAY[10, 20, 30], ARRAY['a', NULL, 'c']), (k, v) -> v IS NOT NULL)",
            [["{10=a, 30=c}"]],
            None,
        ),
        (
            "SELECT map_filter(MAP(ARRAY['k1', 'k2', 'k3'], ARRAY[20, 3, 15]), (k, v) -> v > 10)",
            [["{k1=20, k3=15}"]],
            None,
        ),
        (
            "SELECT transform_keys(MAP(ARRAY[1, 2, 3], ARRAY['a', 'b', 'c']), (k, v) -> k + 1)",
            [["{2=a, 3=b, 4=c}"]],
            None,
        ),
        (
            "SELECT transform_keys(MAP(ARRAY['a', 'b', 'c'], ARRAY[1, 2, 3]), (k, v) -> v * v)",
            [["{1=1, 4=2, 9=3}"]],
            None,
        ),
        (
            "SELECT transform_keys(MAP(ARRAY['a', 'b'], ARRAY[1, 2]), (k, v) -> k || CAST(v as VARCHAR))",
            [["{a1=1, b2=2}"]],
            None,
        ),
        (
            "SELECT transform_values(MAP(ARRAY[1, 2, 3], ARRAY[10, 20, 30]), (k, v) -> v + k)",
            [["{1=11, 2=22, 3=33}"]],
            None,
        ),
        (
            "SELECT transform_values(MAP(ARRAY['a', 'b'], ARRAY[1, 2]), (k, v) -> k || CAST(v as VARCHAR))",
            [["{a=a1, b=b2}"]],
            None,
        ),
        (
            "SELECT transform_values(MAP(ARRAY[1, 2], ARRAY[1.0, 1.4]),"
            " (k, v) -> MAP(ARRAY[1, 2], ARRAY['one', 'two'])[k] || '_' || CAST(v AS VARCHAR))",
            [["{1=one_1.0, 2=two_1.4}"]],
            None,
        ),
        (
            "SELECT map_zip_with(MAP(ARRAY[1, 2, 3], ARRAY['a', 'b', 'c']),"
            " MAP(ARRAY[1, 2, 3], ARRAY['d', 'e', 'f']), (k, v1, v2) -> concat(v1, v2))",
            [["{1=ad, 2=be, 3=cf}"]],
            None,
        ),
        (
            "SELECT map_zip_with(MAP(ARRAY['a', 'b', 'c'], ARRAY[1, 8, 27]),"
            " MAP(ARRAY['a', 'b', 'c'], ARRAY[1, 2, 3]), (k, v1, v2) -> k || CAST(v1 / v2 AS VARCHAR))",
            [["{a=a1, b=b4, c=c9}"]],
            None,
        ),
        (
            "SELECT map_zip_with(MAP(ARRAY['k1', 'k2'], ARRAY[1, 2]), MAP(ARRAY['k2', 'k3'], ARRAY[4, 9]),"
            " (k, v1, v2) -> coalesce(v1, 0) + coalesce(v2, 0))",
            [["{k1=1, k2=6, k3=9}"]],
            None,
        ),
        ("SELECT map_agg(k, v) FROM (VALUES ('a', 1)) t(k, v)", [["{a=1}"]], None),
        (
            "SELECT cardinality(map_agg(k, v)) FROM (VALUES ('a', 1), ('a', 2), (NULL, 3)) t(k, v)",
            [["1"]],
            None,
        ),
        (
            "SELECT multimap_agg(k, v) FROM (VALUES ('a', 1), ('b', 2), ('a', 3)) t(k, v)",
            [["{a=[1, 3], b=[2]}"]],
            ["map"],
        ),
        (
            "SELECT element_at(histogram(x), 'a'), cardinality(histogram(x))"
            " FROM (VALUES 'a', 'b', 'a') t(x)",
            [["2", "2"]],
            None,
        ),
        (
            "SELECT reduce_agg(value, 0, (a, b) -> a + b, (a, b) -> a + b)"
            " FROM (VALUES (1), (2), (3), (4), (5)) AS t(value)",
            [["15"]],
            None,
        ),
        # map_union: a key in several maps takes its value from an arbitrary one, so only keys
        # found once are read back, and the key set is sorted
        ("SELECT map_union(m) FROM (VALUES MAP(ARRAY['a'], ARRAY[1])) t(m)", [["{a=1}"]], ["map"]),
        (
            "SELECT array_sort(map_keys(map_union(m))), element_at(map_union(m), 'b'),"
            " element_at(map_union(m), 'c')"
            " FROM (VALUES MAP(ARRAY['a', 'b'], ARRAY[1, 2]), NULL, MAP(ARRAY['c', 'a'], ARRAY[3, 1])) t(m)",
            [["[a, b, c]", "2", "3"]],
            None,
        ),
        ("SELECT map_union(m) FROM (VALUES CAST(NULL AS map(varchar, integer))) t(m)", [[None]], None),
        (
            "SELECT k, cardinality(map_union(m)) FROM (VALUES (1, MAP(ARRAY['x'], ARRAY[1])),"
            " (1, MAP(ARRAY['y'], ARRAY[2])), (2, MAP(ARRAY['x'], ARRAY[5]))) t(k, m) GROUP BY k ORDER BY k",
            [["1", "2"], ["2", "1"]],
            None,
        ),
    ],
}

ERRORS: dict[str, list[tuple[str, str]]] = {
    "arrays": [
        ("SELECT ARRAY[1, 2][3]", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT ARRAY[1, 2][0]", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT ARRAY[1, 2][-1]", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT a[i] FROM (VALUES (ARRAY[10, 20], 3)) t(a, i)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT element_at(ARRAY[1, 2], 0)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT sequence(1, 5, -1)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT sequence(1, 5, 0)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT sequence(1, 100000)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT slice(ARRAY[1, 2], 0, 1)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT slice(ARRAY[1, 2], 1, -1)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT trim_array(ARRAY[1, 2], 3)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT repeat(1, -1)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT combinations(ARRAY[1, 2], 6)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT ngrams(ARRAY[1, 2], 0)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT array_position(ARRAY[1, 2, 1], 1, 2)", "FUNCTION_NOT_FOUND"),
        ("SELECT list_distinct(ARRAY[1, 1])", "FUNCTION_NOT_FOUND"),
        ("SELECT list_sort(ARRAY[2, 1])", "FUNCTION_NOT_FOUND"),
        ("SELECT array_length(ARRAY[1])", "FUNCTION_NOT_FOUND"),
        ("SELECT list_value(1, 2)", "FUNCTION_NOT_FOUND"),
        ("SELECT list_reverse(ARRAY[1, 2])", "FUNCTION_NOT_FOUND"),
        ("SELECT array_to_string(ARRAY['a'], ',')", "FUNCTION_NOT_FOUND"),
    ],
    "maps and lambdas": [
        ("SELECT MAP(ARRAY['a'], ARRAY[1])['b']", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT map(ARRAY[1, 2, 3, 2], ARRAY[4, 5, 6, 7])", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT map(ARRAY[1], ARRAY[2, 4])", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT map(ARRAY[1, NULL], ARRAY[2, 4])", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT map_from_entries(ARRAY[(1, 'x'), (1, 'y')])", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT list_transform(ARRAY[1], x -> x)", "FUNCTION_NOT_FOUND"),
        ("SELECT list_filter(ARRAY[1], x -> true)", "FUNCTION_NOT_FOUND"),
        ("SELECT array_filter(ARRAY[1], x -> true)", "FUNCTION_NOT_FOUND"),
        ("SELECT map_extract(map(ARRAY['a'], ARRAY[1]), 'a')", "FUNCTION_NOT_FOUND"),
    ],
}
