"""Athena conformance statements for decimals and casts, math, conditionals, aggregates and windows.

Each case is (statement, rows as GetQueryResults renders them, column types or None), with the
results Trino's function reference gives, never what DuckDB answers; ERRORS are statements
Athena rejects, with the error name it fails them with. ``typeof`` shows a decimal's precision
and scale, which the reported column type name alone does not.
"""

from __future__ import annotations

Case = tuple[str, list[list[str | None]], list[str] | None]

CASES: dict[str, list[Case]] = {
    "decimals and casts": [
        # the examples of Trino's reference page, as it states their results
        ("SELECT typeof(DECIMAL '0')", [["decimal(1,0)"]], None),
        ("SELECT typeof(DECIMAL '12345')", [["decimal(5,0)"]], None),
        # the page's table says decimal(20,10), but Trino's Decimals.parse strips leading zeros
        ("SELECT typeof(DECIMAL '0000012345.1234500000')", [["decimal(15,10)"]], None),
        ("SELECT DECIMAL '0000012345.1234500000'", [["12345.1234500000"]], None),
        ("SELECT format('%s%%', 123)", [["123%"]], None),
        ("SELECT format('%03d', 8)", [["008"]], None),
        ("SELECT format('%-7s,%7s', 'hello', 'world')", [["hello  ,  world"]], None),
        ("SELECT format('%2$s %3$s %1$s', 'a', 'b', 'c')", [["b c a"]], None),
        ("SELECT format_number(123456)", [["123K"]], None),
        ("SELECT format_number(1000000)", [["1M"]], None),
        # DecimalFormat rounds half up to three significant digits, after the unit is chosen
        (
            "SELECT format_number(-123456), format_number(1234.5e0), format_number(999999), "
            "format_number(nan())",
            [["-123.46K", "1.23K", "1000K", "0"]],
            None,
        ),
        # a bare DECIMAL is decimal(38,0), rounded half up; digits may be grouped with underscores
        (
            "SELECT CAST('1.5' AS DECIMAL), CAST(2.5 AS DECIMAL), typeof(CAST(2.5 AS DECIMAL))",
            [["2", "3", "decimal(38,0)"]],
            None,
        ),
        ("SELECT 10_000_000, 1_000.5, typeof(1_000.5)", [["10000000", "1000.5", "decimal(5,1)"]], None),
        ("SELECT typeof(123)", [["integer"]], None),
        ("SELECT typeof('cat')", [["varchar(3)"]], None),
        ("SELECT typeof(cos(2) + 1.5)", [["double"]], None),
        ("SELECT 7 / 2", [["3"]], ["integer"]),
        ("SELECT -7 / 2", [["-3"]], ["integer"]),
        ("SELECT 7.0 / 2", [["3.5"]], None),
        ("SELECT CAST(7 AS double) / 2", [["3.5"]], ["double"]),
        ("SELECT 3000000000", [["3000000000"]], ["bigint"]),
        ("SELECT 1.5", [["1.5"]], ["decimal"]),
        ("SELECT CAST(1.5 AS DECIMAL(10,2)) * CAST(2 AS DECIMAL(10,2))", [["3.0000"]], ["decimal"]),
        ("SELECT CAST(10 AS DECIMAL(10,2)) / CAST(4 AS DECIMAL(10,2))", [["2.50"]], ["decimal"]),
        ("SELECT CAST(1 AS DECIMAL(10,2)) / 3", [["0.33"]], ["decimal"]),
        ("SELECT CAST(297.90 AS DECIMAL(38,2)) / 4", [["74.48"]], ["decimal"]),
        ("SELECT CAST(-297.90 AS DECIMAL(10,2)) / 4", [["-74.48"]], ["decimal"]),
        ("SELECT CAST(2 AS DECIMAL(10,2)) / CAST(3 AS DECIMAL(10,2))", [["0.67"]], ["decimal"]),
        ("SELECT CAST(2.5 AS DECIMAL(3,1)) + CAST(1.25 AS DECIMAL(4,2))", [["3.75"]], ["decimal"]),
        ("SELECT CAST(3.5 AS integer), CAST(-3.5 AS integer)", [["4", "-4"]], ["integer", "integer"]),
        ("SELECT CAST(12345678901 AS bigint) * 2", [["24691357802"]], ["bigint"]),
        ("SELECT sum(x) FROM (VALUES 1, 2) t(x)", [["3"]], ["bigint"]),
        # decimal literals: leading zeros do not count toward the precision
        (
            "SELECT typeof(0.1), typeof(1.50), typeof(00.5)",
            [["decimal(1,1)", "decimal(3,2)", "decimal(1,1)"]],
            None,
        ),
        ("SELECT 0.1 + 0.2, typeof(0.1 + 0.2)", [["0.3", "decimal(2,1)"]], ["decimal", "varchar"]),
        # products add precisions and scales; an integer is decimal(10,0), a bigint decimal(19,0)
        ("SELECT typeof(CAST(1.5 AS DECIMAL(10,2)) * CAST(2 AS DECIMAL(10,2)))", [["decimal(20,4)"]], None),
        (
            "SELECT CAST(1.10 AS DECIMAL(10,2)) * 3, typeof(CAST(1.10 AS DECIMAL(10,2)) * 3)",
            [["3.30", "decimal(20,2)"]],
            None,
        ),
        ("SELECT CAST(99999999.99 AS DECIMAL(10,2)) * 1000000000", [["99999999990000000.00"]], ["decimal"]),
        ("SELECT typeof(CAST(1 AS DECIMAL(10,2)) + 1)", [["decimal(13,2)"]], None),
        ("SELECT typeof(CAST(1 AS DECIMAL(10,2)) - CAST(1 AS bigint))", [["decimal(22,2)"]], None),
        ("SELECT CAST(0.1 AS DECIMAL(1,1)) * CAST(0.1 AS DECIMAL(1,1))", [["0.01"]], ["decimal"]),
        ("SELECT CAST(10 AS DECIMAL(10,2)) % CAST(3 AS DECIMAL(5,1))", [["1.00"]], ["decimal"]),
        ("SELECT typeof(CAST(10 AS DECIMAL(10,2)) % CAST(3 AS DECIMAL(5,1)))", [["decimal(6,2)"]], None),
        ("SELECT typeof(CAST(1 AS DECIMAL(10,2)) / CAST(3 AS DECIMAL(5,4)))", [["decimal(16,4)"]], None),
        ("SELECT CAST(1.5 AS DECIMAL(10,2)) + 1e0", [["2.5"]], ["double"]),
        ("SELECT -CAST(1.5 AS DECIMAL(10,2))", [["-1.50"]], ["decimal"]),
        # sums of money keep the scale, decimal(38, s)
        ("SELECT sum(x), typeof(sum(x)) FROM (VALUES 0.10, 0.20) t(x)", [["0.30", "decimal(38,2)"]], None),
        # avg of a decimal keeps its type, exact and rounded half up
        (
            "SELECT avg(x), typeof(avg(x)) FROM (VALUES CAST(0.10 AS DECIMAL(10,2)), CAST(0.25 AS"
            " DECIMAL(10,2))) t(x)",
            [["0.18", "decimal(10,2)"]],
            ["decimal", "varchar"],
        ),
        ("SELECT avg(x) FROM (VALUES 1.00, 2.00, 2.00) t(x)", [["1.67"]], ["decimal"]),
        # double to varchar is always scientific, as the SQL standard has it
        (
            "SELECT CAST(1.0E0 AS varchar), CAST(123.456E0 AS varchar), CAST(0.1E0 AS varchar)",
            [["1.0E0", "1.23456E2", "1.0E-1"]],
            None,
        ),
        (
            "SELECT CAST(0E0 AS varchar), CAST(1e21 AS varchar), CAST(12345678.9E0 AS varchar)",
            [["0E0", "1.0E21", "1.23456789E7"]],
            None,
        ),
        (
            "SELECT CAST(nan() AS varchar), CAST(infinity() AS varchar), CAST(-infinity() AS varchar)",
            [["NaN", "Infinity", "-Infinity"]],
            None,
        ),
        ("SELECT CAST(CAST(3.14 AS real) AS varchar)", [["3.14E0"]], ["varchar"]),
        # double to integer rounds half away from zero
        (
            "SELECT CAST(2.5E0 AS integer), CAST(-2.5E0 AS integer), CAST(0.5E0 AS bigint), CAST(1.5E0 AS"
            " smallint)",
            [["3", "-3", "1", "2"]],
            ["integer", "integer", "bigint", "smallint"],
        ),
        ("SELECT CAST(2.5 AS integer), CAST(-2.5 AS bigint)", [["3", "-3"]], ["integer", "bigint"]),
        # double to decimal rounds the double's shortest text half up
        (
            "SELECT CAST(1.005E0 AS DECIMAL(10,2)), CAST(2.675E0 AS DECIMAL(10,2))",
            [["1.01", "2.68"]],
            ["decimal", "decimal"],
        ),
        ("SELECT CAST(1.005 AS DECIMAL(10,2)), CAST('1.235' AS DECIMAL(10,2))", [["1.01", "1.24"]], None),
        (
            "SELECT CAST('12' AS integer) + 1, CAST('-7' AS bigint), CAST('+5' AS integer)",
            [["13", "-7", "5"]],
            None,
        ),
        (
            "SELECT try_cast('1e3' AS integer), try_cast('1.5' AS bigint), try_cast(' 12' AS integer)",
            [[None, None, None]],
            None,
        ),
        (
            "SELECT CAST('true' AS boolean), CAST('FALSE' AS boolean), CAST('t' AS boolean), CAST('0' AS"
            " boolean)",
            [["true", "false", "true", "false"]],
            None,
        ),
        ("SELECT try_cast('yes' AS boolean)", [[None]], ["boolean"]),
        (
            "SELECT CAST(true AS integer), CAST(0 AS boolean), CAST(5 AS boolean)",
            [["1", "false", "true"]],
            None,
        ),
        (
            "SELECT CAST(1.50 AS varchar), CAST(12 AS varchar), CAST(true AS varchar)",
            [["1.50", "12", "true"]],
            None,
        ),
        ("SELECT CAST('NaN' AS double), CAST('-Infinity' AS double)", [["NaN", "-Infinity"]], None),
        ("SELECT CAST(CAST(1.5 AS DECIMAL(10,2)) AS double)", [["1.5"]], ["double"]),
        ("SELECT CAST(2147483647 AS bigint) + 1", [["2147483648"]], ["bigint"]),
        (
            "SELECT typeof(1), typeof(3000000000), typeof(1e0), typeof(true), typeof(CAST(1 AS real)),"
            " typeof('cat')",
            [["integer", "bigint", "double", "boolean", "real", "varchar(3)"]],
            None,
        ),
    ],
    "math": [
        # a shift keeps its value's type and width
        (
            "SELECT bitwise_left_shift(1, 31), bitwise_right_shift(-1, 28),"
            " bitwise_right_shift_arithmetic(-16, 2), typeof(bitwise_left_shift(BIGINT '1', 2))",
            [["-2147483648", "15", "-4", "bigint"]],
            None,
        ),
        # the examples of Trino's reference page, as it states their results
        ("SELECT cosine_distance(ARRAY[1.0, 2.0], ARRAY[3.0, 4.0])", [["0.01613008990009257"]], None),
        ("SELECT cosine_distance(MAP(ARRAY['a'], ARRAY[1.0]), MAP(ARRAY['a'], ARRAY[2.0]))", [["0.0"]], None),
        ("SELECT cosine_similarity(ARRAY[1.0, 2.0], ARRAY[3.0, 4.0])", [["0.9838699100999074"]], None),
        (
            "SELECT bit_count(9, 64), bit_count(9, 8), bit_count(-7, 64), bit_count(-7, 8)",
            [["2", "2", "62", "6"]],
            None,
        ),
        ("SELECT bitwise_and(19,25)", [["17"]], None),
        ("SELECT bitwise_not(-12), bitwise_not(19), bitwise_not(25)", [["11", "-20", "-26"]], None),
        ("SELECT bitwise_or(19,25)", [["27"]], None),
        ("SELECT bitwise_xor(19,25)", [["10"]], None),
        ("SELECT bitwise_left_shift(1, 2)", [["4"]], None),
        ("SELECT bitwise_left_shift(5, 2)", [["20"]], None),
        ("SELECT bitwise_left_shift(20, 0), bitwise_left_shift(42, 0)", [["20", "42"]], None),
        ("SELECT bitwise_left_shift(0, 1), bitwise_left_shift(0, 2)", [["0", "0"]], None),
        ("SELECT bitwise_right_shift(8, 3)", [["1"]], None),
        ("SELECT bitwise_right_shift(9, 1)", [["4"]], None),
        ("SELECT bitwise_right_shift(20, 0), bitwise_right_shift(42, 0)", [["20", "42"]], None),
        ("SELECT bitwise_right_shift( 12, 64), bitwise_right_shift(-45, 64)", [["0", "0"]], None),
        ("SELECT bitwise_right_shift(0, 1), bitwise_right_shift(0, 2)", [["0", "0"]], None),
        (
            "SELECT bitwise_right_shift_arithmetic( 12, 64), bitwise_right_shift_arithmetic(-45, 64)",
            [["0", "-1"]],
            None,
        ),
        (
            "SELECT typeof(bitwise_left_shift(1, 2)), typeof(bitwise_right_shift(8, 3)), "
            "typeof(bitwise_and(19, 25))",
            [["integer", "integer", "bigint"]],
            None,
        ),
        ("SELECT 7 % 3, -7 % 3", [["1", "-1"]], None),
        ("SELECT round(2.5), round(-2.5)", [["3", "-3"]], None),
        ("SELECT round(CAST(1.2345 AS double), 2)", [["1.23"]], ["double"]),
        ("SELECT truncate(CAST(3.7 AS double))", [["3.0"]], ["double"]),
        ("SELECT abs(-5), sign(-2), ceil(1.2), floor(1.8)", [["5", "-1", "2", "1"]], None),
        ("SELECT power(2, 10)", [["1024.0"]], ["double"]),
        ("SELECT sqrt(16)", [["4.0"]], ["double"]),
        ("SELECT mod(10, 3)", [["1"]], None),
        ("SELECT 1e10", [["1.0E10"]], ["double"]),
        ("SELECT CAST(0.1 AS double) + CAST(0.2 AS double)", [["0.30000000000000004"]], ["double"]),
        ("SELECT greatest(1, 5, 3), least(4, 2, 8)", [["5", "2"]], None),
        # round of a decimal keeps the scale (precision + 1); without digits it is decimal(p-s+1, 0)
        ("SELECT round(2.567, 1), typeof(round(2.567, 1))", [["2.600", "decimal(5,3)"]], None),
        (
            "SELECT typeof(round(2.5)), typeof(round(CAST(1 AS DECIMAL(10,2))))",
            [["decimal(2,0)", "decimal(9,0)"]],
            None,
        ),
        (
            "SELECT round(2.5E0), round(-2.5E0), round(0.5E0)",
            [["3.0", "-3.0", "1.0"]],
            ["double", "double", "double"],
        ),
        ("SELECT round(1234, -2), typeof(round(1234, -2))", [["1200", "integer"]], None),
        (
            "SELECT truncate(-3.7E0), truncate(3.789), typeof(truncate(3.789))",
            [["-3.0", "3", "decimal(1,0)"]],
            None,
        ),
        (
            "SELECT ceiling(2.1), floor(-2.1), typeof(ceiling(CAST(1.25 AS DECIMAL(10,2))))",
            [["3", "-3", "decimal(9,0)"]],
            None,
        ),
        ("SELECT ceil(2.1E0), floor(-2.1E0)", [["3.0", "-3.0"]], ["double", "double"]),
        (
            "SELECT sign(-2.5E0), sign(CAST(-2 AS bigint)), typeof(sign(2)), sign(-2.5), typeof(sign(-2.5))",
            [["-1.0", "-1", "integer", "-1", "decimal(1,0)"]],
            None,
        ),
        (
            "SELECT abs(-2.5), abs(-5E0), typeof(abs(CAST(-2 AS DECIMAL(10,2))))",
            [["2.5", "5.0", "decimal(10,2)"]],
            None,
        ),
        ("SELECT mod(-7, 3), mod(7, -3), mod(7.5E0, 2E0)", [["-1", "1", "1.5"]], None),
        (
            "SELECT ln(1), log10(1000), log2(8), log(2, 8), exp(0)",
            [["0.0", "3.0", "3.0", "3.0", "1.0"]],
            None,
        ),
        ("SELECT pow(2, -1), cbrt(27), degrees(0), radians(0)", [["0.5", "3.0", "0.0", "0.0"]], None),
        ("SELECT pi(), e()", [["3.141592653589793", "2.718281828459045"]], ["double", "double"]),
        ("SELECT 1E0 / 0, -1E0 / 0, 0E0 / 0", [["Infinity", "-Infinity", "NaN"]], None),
        ("SELECT sqrt(-1), ln(0)", [["NaN", "-Infinity"]], None),
        (
            "SELECT is_nan(nan()), is_infinite(infinity()), is_finite(1E0), is_finite(infinity())",
            [["true", "true", "true", "false"]],
            None,
        ),
        ("SELECT nan(), infinity()", [["NaN", "Infinity"]], ["double", "double"]),
        (
            "SELECT width_bucket(5.3E0, 0.2E0, 10.6E0, 5), width_bucket(-1, 0, 10, 5), width_bucket(11, 0,"
            " 10, 5)",
            [["3", "0", "6"]],
            ["bigint", "bigint", "bigint"],
        ),
        ("SELECT width_bucket(2, 10, 0, 5)", [["4"]], ["bigint"]),
        (
            "SELECT from_base('ff', 16), from_base('-101', 2), to_base(255, 2), to_base(-255, 16)",
            [["255", "-5", "11111111", "-ff"]],
            None,
        ),
        (
            "SELECT bitwise_and(12, 10), bitwise_or(12, 10), bitwise_xor(12, 10), bitwise_not(5)",
            [["8", "14", "6", "-6"]],
            ["bigint", "bigint", "bigint", "bigint"],
        ),
        ("SELECT bit_count(9, 64), bit_count(-7, 64), bit_count(-7, 8)", [["2", "62", "6"]], None),
        (
            "SELECT bitwise_left_shift(1, 4), bitwise_right_shift(-8, 1),"
            " bitwise_right_shift_arithmetic(-8, 1), bitwise_right_shift(BIGINT '-8', 1)",
            [["16", "2147483644", "-4", "9223372036854775804"]],
            None,
        ),
        ("SELECT typeof(rand()), random() < 1", [["double", "true"]], None),
    ],
    "conditionals": [
        # the examples of Trino's reference page, as it states their results
        ("SELECT CAST(null AS boolean) AND true", [[None]], None),
        ("SELECT CAST(null AS boolean) AND false", [["false"]], None),
        ("SELECT CAST(null AS boolean) AND CAST(null AS boolean)", [[None]], None),
        ("SELECT CAST(null AS boolean) OR CAST(null AS boolean)", [[None]], None),
        ("SELECT CAST(null AS boolean) OR false", [[None]], None),
        ("SELECT CAST(null AS boolean) OR true", [["true"]], None),
        ("SELECT NOT CAST(null AS boolean)", [[None]], None),
        (
            "SELECT a, b, a AND b, a OR b FROM (VALUES (TRUE, TRUE), (TRUE, FALSE), (TRUE, NULL), "
            "(FALSE, TRUE), (FALSE, FALSE), (FALSE, NULL), (NULL, TRUE), (NULL, FALSE), (NULL, NULL)) "
            "t(a, b)",
            [
                ["true", "true", "true", "true"],
                ["true", "false", "false", "true"],
                ["true", None, None, "true"],
                ["false", "true", "false", "true"],
                ["false", "false", "false", "false"],
                ["false", None, "false", None],
                [None, "true", None, "true"],
                [None, "false", "false", None],
                [None, None, None, None],
            ],
            None,
        ),
        (
            "SELECT a, NOT a FROM (VALUES TRUE, FALSE, NULL) t(a)",
            [["true", "false"], ["false", "true"], [None, None]],
            None,
        ),
        ("SELECT if(1 > 2, 'a', 'b')", [["b"]], None),
        ("SELECT coalesce(NULL, 2, 3), nullif(1, 1)", [["2", None]], None),
        ("SELECT CASE WHEN 1 = 1 THEN 'yes' ELSE 'no' END", [["yes"]], None),
        ("SELECT try_cast('x' AS integer), try_cast('12' AS integer)", [[None, "12"]], None),
        ("SELECT NULL IS NULL, 1 IN (1, 2), 3 BETWEEN 1 AND 5", [["true", "true", "true"]], None),
        ("SELECT if(1 > 2, 'a')", [[None]], None),
        ("SELECT if(NULL, 'a', 'b'), nullif(1, 2)", [["b", "1"]], None),
        ("SELECT if(true, 1, 2.5), typeof(if(true, 1, 2.5))", [["1.0", "decimal(11,1)"]], None),
        ("SELECT coalesce(NULL, 1.5, 2)", [["1.5"]], ["decimal"]),
        (
            "SELECT CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END, CASE WHEN false THEN 1 END",
            [["two", None]],
            None,
        ),
        ("SELECT try(1 / 0), try(CAST('x' AS integer)), coalesce(try(10 / 0), 0)", [[None, None, "0"]], None),
        ("SELECT greatest(1, NULL, 3), least(2, NULL)", [[None, None]], None),
        ("SELECT greatest(1.5, 2), typeof(greatest(1.5, 2))", [["2.0", "decimal(11,1)"]], None),
        (
            "SELECT 1 IS DISTINCT FROM NULL, NULL IS NOT DISTINCT FROM NULL, NULL = NULL",
            [["true", "true", None]],
            None,
        ),
    ],
    "aggregates": [
        # the examples of Trino's reference page, as it states their results
        (
            "SELECT species, count(*) AS count FROM (SELECT species, petal_length_cm FROM (VALUES "
            "('setosa', 1.4E0, 50), ('versicolor', 4.5E0, 34), ('versicolor', 3.9E0, 16), "
            "('virginica', 5.5E0, 50)) v(species, petal_length_cm, n) CROSS JOIN UNNEST(sequence(1, "
            "n)) u(i)) iris GROUP BY species ORDER BY species",
            [["setosa", "50"], ["versicolor", "50"], ["virginica", "50"]],
            None,
        ),
        (
            "SELECT species, count(*) AS count FROM (SELECT species, petal_length_cm FROM (VALUES "
            "('setosa', 1.4E0, 50), ('versicolor', 4.5E0, 34), ('versicolor', 3.9E0, 16), "
            "('virginica', 5.5E0, 50)) v(species, petal_length_cm, n) CROSS JOIN UNNEST(sequence(1, "
            "n)) u(i)) iris WHERE petal_length_cm > 4 GROUP BY species ORDER BY species",
            [["versicolor", "34"], ["virginica", "50"]],
            None,
        ),
        (
            "SELECT species, count(*) FILTER (where petal_length_cm > 4) AS count FROM (SELECT "
            "species, petal_length_cm FROM (VALUES ('setosa', 1.4E0, 50), ('versicolor', 4.5E0, 34), "
            "('versicolor', 3.9E0, 16), ('virginica', 5.5E0, 50)) v(species, petal_length_cm, n) CROSS "
            "JOIN UNNEST(sequence(1, n)) u(i)) iris GROUP BY species ORDER BY species",
            [["setosa", "0"], ["versicolor", "34"], ["virginica", "50"]],
            None,
        ),
        (
            "SELECT listagg(value, ',') WITHIN GROUP (ORDER BY value) csv_value FROM (VALUES 'a', 'c', "
            "'b') t(value)",
            [["a,b,c"]],
            None,
        ),
        (
            "SELECT listagg(value, ',' ON OVERFLOW ERROR) WITHIN GROUP (ORDER BY value) csv_value FROM "
            "(VALUES 'a', 'b', 'c') t(value)",
            [["a,b,c"]],
            None,
        ),
        (
            "SELECT listagg(value, ',' ON OVERFLOW TRUNCATE '.....' WITH COUNT) WITHIN GROUP (ORDER BY "
            "value) FROM (VALUES 'a', 'b', 'c') t(value)",
            [["a,b,c"]],
            None,
        ),
        (
            "SELECT id, listagg(value, ',') WITHIN GROUP (ORDER BY o) csv_value FROM (VALUES (100, 1, "
            "'a'), (200, 3, 'c'), (200, 2, 'b')) t(id, o, value) GROUP BY id ORDER BY id",
            [["100", "a"], ["200", "b,c"]],
            None,
        ),
        (
            "SELECT country, listagg(city, ',') WITHIN GROUP (ORDER BY population DESC) FILTER (WHERE "
            "population >= 10_000_000) megacities FROM (VALUES ('India', 'Bangalore', 13_700_000), "
            "('India', 'Chennai', 12_200_000), ('India', 'Ranchi', 1_547_000), ('Austria', 'Vienna', "
            "1_897_000), ('Poland', 'Warsaw', 1_765_000)) t(country, city, population) GROUP BY "
            "country ORDER BY country",
            [["Austria", None], ["India", "Bangalore,Chennai"], ["Poland", None]],
            None,
        ),
        (
            "SELECT cardinality(map_union(petal_data)) FROM (VALUES MAP(ARRAY[4.0E0, 5.0E0, 6.0E0], "
            "ARRAY[BIGINT '6', 33, 11]), MAP(ARRAY[4.0E0, 5.0E0, 3.0E0], ARRAY[BIGINT '37', 2, 11]), "
            "MAP(ARRAY[1.0E0], ARRAY[BIGINT '50'])) t(petal_data)",
            [["5"]],
            None,
        ),
        (
            "SELECT id, reduce_agg(value, 0, (a, b) -> a + b, (a, b) -> a + b) FROM (VALUES (1, 3), "
            "(1, 4), (1, 5), (2, 6), (2, 7)) AS t(id, value) GROUP BY id ORDER BY id",
            [["1", "12"], ["2", "13"]],
            None,
        ),
        (
            "SELECT id, reduce_agg(value, 1, (a, b) -> a * b, (a, b) -> a * b) FROM (VALUES (1, 3), "
            "(1, 4), (1, 5), (2, 6), (2, 7)) AS t(id, value) GROUP BY id ORDER BY id",
            [["1", "60"], ["2", "42"]],
            None,
        ),
        (
            "SELECT avg(DISTINCT x) FROM (VALUES CAST(0.10 AS decimal(10,2)), CAST(0.10 AS decimal(10,2)),"
            " CAST(0.25 AS decimal(10,2))) t(x)",
            [["0.18"]],
            ["decimal"],
        ),
        (
            "SELECT count(*), count(x), sum(x), avg(x) FROM (VALUES 1, 2, NULL) t(x)",
            [["3", "2", "3", "1.5"]],
            None,
        ),
        ("SELECT min(x), max(x) FROM (VALUES 'b', 'a', 'c') t(x)", [["a", "c"]], None),
        (
            "SELECT count_if(x > 1), bool_and(x > 0), bool_or(x > 2) FROM (VALUES 1, 2, 3) t(x)",
            [["2", "true", "true"]],
            None,
        ),
        ("SELECT approx_distinct(x) FROM (VALUES 1, 2, 2, 3) t(x)", [["3"]], ["bigint"]),
        ("SELECT max_by(k, v), min_by(k, v) FROM (VALUES ('a', 1), ('b', 2)) t(k, v)", [["b", "a"]], None),
        ("SELECT array_agg(x ORDER BY x DESC) FROM (VALUES 1, 3, 2) t(x)", [["[3, 2, 1]"]], None),
        ("SELECT stddev_samp(x), var_samp(x) FROM (VALUES 1, 2, 3) t(x)", [["1.0", "1.0"]], None),
        (
            "SELECT sum(x), typeof(sum(x)), typeof(count(x)) FROM (VALUES 1, 2) t(x)",
            [["3", "bigint", "bigint"]],
            None,
        ),
        ("SELECT avg(x) FROM (VALUES 1, 2, 4) t(x)", [["2.3333333333333335"]], ["double"]),
        ("SELECT sum(x), count(x), count(*) FROM (VALUES 1) t(x) WHERE x > 5", [[None, "0", "0"]], None),
        (
            "SELECT typeof(sum(CAST(x AS tinyint))), typeof(avg(CAST(x AS DECIMAL(10,2)))) FROM (VALUES 1)"
            " t(x)",
            [["bigint", "decimal(10,2)"]],
            None,
        ),
        (
            "SELECT sum(CAST(x AS real)), avg(CAST(x AS real)) FROM (VALUES 1, 2) t(x)",
            [["3.0", "1.5"]],
            ["real", "real"],
        ),
        (
            "SELECT sum(x) FILTER (WHERE x > 1), count(DISTINCT x) FROM (VALUES 1, 2, 2, 3) t(x)",
            [["7", "3"]],
            None,
        ),
        (
            "SELECT stddev(x), variance(x), var_pop(x), stddev_pop(x) FROM (VALUES 1, 2, 3, 4) t(x)",
            [["1.2909944487358056", "1.6666666666666667", "1.25", "1.118033988749895"]],
            None,
        ),
        (
            "SELECT corr(y, x), covar_samp(y, x), covar_pop(y, x) FROM (VALUES (1, 2), (2, 4), (3, 6))"
            " t(x, y)",
            [["1.0", "2.0", "1.3333333333333333"]],
            None,
        ),
        (
            "SELECT regr_slope(y, x), regr_intercept(y, x) FROM (VALUES (1, 3), (2, 5), (3, 7)) t(x, y)",
            [["2.0", "1.0"]],
            None,
        ),
        (
            "SELECT round(kurtosis(x), 6), round(skewness(x), 6) FROM (VALUES 1, 2, 3, 10) t(x)",
            [["3.228", "1.018234"]],
            None,
        ),
        ("SELECT skewness(x) FROM (VALUES 1, 2, 3) t(x)", [["0.0"]], ["double"]),
        ("SELECT approx_percentile(x, 0.5) FROM (VALUES 1, 2, 3, 4, 5) t(x)", [["3"]], ["integer"]),
        ("SELECT arbitrary(x), any_value(x) FROM (VALUES 'a') t(x)", [["a", "a"]], ["varchar", "varchar"]),
        (
            "SELECT listagg(x, ',') WITHIN GROUP (ORDER BY x) FROM (VALUES 'a', 'c', 'b') t(x)",
            [["a,b,c"]],
            ["varchar"],
        ),
        ("SELECT geometric_mean(x) FROM (VALUES 2, 8) t(x)", [["4.0"]], ["double"]),
        (
            "SELECT bitwise_and_agg(x), bitwise_or_agg(x) FROM (VALUES 12, 10) t(x)",
            [["8", "14"]],
            ["bigint", "bigint"],
        ),
        ("SELECT max(x, 2), min(x, 2) FROM (VALUES 1, 3, 2) t(x)", [["[3, 2]", "[1, 2]"]], None),
        ("SELECT every(x > 0), bool_and(x > 1) FROM (VALUES 1, 2) t(x)", [["true", "false"]], None),
        (
            "SELECT k, avg(v) FROM (VALUES ('a', 1.5), ('a', 2.0), ('b', 3.25)) t(k, v) GROUP BY k ORDER"
            " BY k",
            [["a", "1.75"], ["b", "3.25"]],
            None,
        ),
    ],
    "windows": [
        # the examples of Trino's reference page, as it states their results
        (
            "SELECT x, ntile(4) OVER (ORDER BY x) FROM (VALUES 1, 2, 3, 4, 5, 6) t(x)",
            [["1", "1"], ["2", "1"], ["3", "2"], ["4", "2"], ["5", "3"], ["6", "4"]],
            None,
        ),
        ("SELECT typeof(cume_dist() OVER (ORDER BY x)) FROM (VALUES 1) t(x)", [["double"]], None),
        (
            "SELECT x, row_number() OVER (ORDER BY x DESC), sum(x) OVER (ORDER BY x)"
            " FROM (VALUES 1, 2, 3) t(x) ORDER BY x",
            [["1", "3", "1"], ["2", "2", "3"], ["3", "1", "6"]],
            None,
        ),
        (
            "SELECT x, lag(x) OVER (ORDER BY x), lead(x, 1, 0) OVER (ORDER BY x)"
            " FROM (VALUES 1, 2) t(x) ORDER BY x",
            [["1", None, "2"], ["2", "1", "0"]],
            None,
        ),
        (
            "SELECT g, rank() OVER (PARTITION BY g ORDER BY v)"
            " FROM (VALUES ('a', 1), ('a', 1), ('a', 2)) t(g, v) ORDER BY 2",
            [["a", "1"], ["a", "1"], ["a", "3"]],
            None,
        ),
        (
            "SELECT v, rank() OVER w, dense_rank() OVER w, percent_rank() OVER w, cume_dist() OVER w"
            " FROM (VALUES 1, 1, 2) t(v) WINDOW w AS (ORDER BY v) ORDER BY v",
            [
                ["1", "1", "1", "0.0", "0.6666666666666666"],
                ["1", "1", "1", "0.0", "0.6666666666666666"],
                ["2", "3", "2", "1.0", "1.0"],
            ],
            ["integer", "bigint", "bigint", "double", "double"],
        ),
        (
            "SELECT x, ntile(4) OVER (ORDER BY x) FROM (VALUES 1, 2, 3, 4, 5, 6) t(x) ORDER BY x",
            [["1", "1"], ["2", "1"], ["3", "2"], ["4", "2"], ["5", "3"], ["6", "4"]],
            ["integer", "bigint"],
        ),
        (
            "SELECT x, nth_value(x, 2) OVER (ORDER BY x) FROM (VALUES 10, 20, 30) t(x) ORDER BY x",
            [["10", None], ["20", "20"], ["30", "20"]],
            None,
        ),
        (
            "SELECT x, first_value(x) OVER (ORDER BY x), last_value(x) OVER (ORDER BY x)"
            " FROM (VALUES 1, 2, 2, 3) t(x) ORDER BY x",
            [["1", "1", "1"], ["2", "1", "2"], ["2", "1", "2"], ["3", "1", "3"]],
            None,
        ),
        (
            "SELECT x, last_value(x) OVER (ORDER BY x"
            " ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM (VALUES 1, 2) t(x) ORDER BY x",
            [["1", "2"], ["2", "2"]],
            None,
        ),
        (
            "SELECT x, lag(x, 2, -1) OVER (ORDER BY x), lead(x, 2) OVER (ORDER BY x) FROM (VALUES 1, 2, 3)"
            " t(x) ORDER BY x",
            [["1", "-1", "3"], ["2", "-1", None], ["3", "1", None]],
            None,
        ),
        (
            "SELECT x, sum(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW),"
            " sum(x) OVER (ORDER BY x RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
            " FROM (VALUES 1, 2, 2, 3) t(x) ORDER BY x, 2",
            [["1", "1", "1"], ["2", "3", "5"], ["2", "4", "5"], ["3", "5", "8"]],
            None,
        ),
        (
            "SELECT g, v, sum(v) OVER (PARTITION BY g), count(*) OVER (PARTITION BY g)"
            " FROM (VALUES ('a', 1), ('a', 2), ('b', 5)) t(g, v) ORDER BY g, v",
            [["a", "1", "3", "2"], ["a", "2", "3", "2"], ["b", "5", "5", "1"]],
            ["varchar", "integer", "bigint", "bigint"],
        ),
        (
            "SELECT v, avg(v) OVER (), typeof(avg(v) OVER ()) FROM (VALUES 1.00, 2.00, 2.00) t(v) ORDER BY v",
            [
                ["1.00", "1.67", "decimal(3,2)"],
                ["2.00", "1.67", "decimal(3,2)"],
                ["2.00", "1.67", "decimal(3,2)"],
            ],
            None,
        ),
        (
            "SELECT v, sum(v) OVER (ORDER BY v) FROM (VALUES 0.10, 0.20) t(v) ORDER BY v",
            [["0.10", "0.10"], ["0.20", "0.30"]],
            ["decimal", "decimal"],
        ),
        (
            "SELECT x, avg(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM (VALUES 1,"
            " 2, 4) t(x) ORDER BY x",
            [["1", "1.5"], ["2", "2.3333333333333335"], ["4", "3.0"]],
            ["integer", "double"],
        ),
        (
            "SELECT x, row_number() OVER (PARTITION BY x % 2 ORDER BY x DESC) FROM (VALUES 1, 2, 3, 4)"
            " t(x) ORDER BY x",
            [["1", "2"], ["2", "2"], ["3", "1"], ["4", "1"]],
            None,
        ),
    ],
}

ERRORS: dict[str, list[tuple[str, str]]] = {
    "decimals and casts": [
        ("SELECT CAST(3e10 AS integer)", "NUMERIC_VALUE_OUT_OF_RANGE"),
        ("SELECT CAST(1e19 AS bigint)", "INVALID_CAST_ARGUMENT"),
        ("SELECT CAST(nan() AS integer)", "INVALID_CAST_ARGUMENT"),
        ("SELECT CAST(300 AS tinyint)", "NUMERIC_VALUE_OUT_OF_RANGE"),
        ("SELECT CAST(3000000000 AS integer)", "NUMERIC_VALUE_OUT_OF_RANGE"),
        ("SELECT CAST('1.5' AS integer)", "INVALID_CAST_ARGUMENT"),
        ("SELECT CAST(' 12' AS integer)", "INVALID_CAST_ARGUMENT"),
        ("SELECT CAST('yes' AS boolean)", "INVALID_CAST_ARGUMENT"),
        ("SELECT CAST(1e10 AS DECIMAL(4,2))", "INVALID_CAST_ARGUMENT"),
        ("SELECT 2147483647 + 1", "NUMERIC_VALUE_OUT_OF_RANGE"),
    ],
    "math": [
        ("SELECT 5 % 0", "DIVISION_BY_ZERO"),
        ("SELECT CAST(1 AS DECIMAL(3,0)) / 0", "DIVISION_BY_ZERO"),
        ("SELECT from_base('xyz', 10)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT to_base(5, 1)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT width_bucket(1, 0, 0, 5)", "INVALID_FUNCTION_ARGUMENT"),
    ],
    "conditionals": [],
    "aggregates": [
        ("SELECT checksum(x) FROM (VALUES 1) t(x)", "NOT_SUPPORTED"),
        ("SELECT median(x) FROM (VALUES 1) t(x)", "FUNCTION_NOT_FOUND"),
        ("SELECT fsum(x) FROM (VALUES 1) t(x)", "FUNCTION_NOT_FOUND"),
        ("SELECT favg(x) FROM (VALUES 1) t(x)", "FUNCTION_NOT_FOUND"),
        ("SELECT list(x) FROM (VALUES 1) t(x)", "FUNCTION_NOT_FOUND"),
        ("SELECT string_agg(x, ',') FROM (VALUES 'a') t(x)", "FUNCTION_NOT_FOUND"),
        ("SELECT product(x) FROM (VALUES 1) t(x)", "FUNCTION_NOT_FOUND"),
        ("SELECT mode(x) FROM (VALUES 1) t(x)", "FUNCTION_NOT_FOUND"),
        ("SELECT arg_max(x, x) FROM (VALUES 1) t(x)", "FUNCTION_NOT_FOUND"),
    ],
    "windows": [
        ("SELECT first(x) OVER () FROM (VALUES 1) t(x)", "FUNCTION_NOT_FOUND"),
    ],
}
