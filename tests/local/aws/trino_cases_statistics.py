"""Athena conformance statements for statistics, durations and sizes.

Each case is (statement, rows as GetQueryResults renders them, column types or None). The
expected values are Trino's: its function reference where it gives one, otherwise the values
Trino's own tests assert (``TestMathFunctions``, ``TestHumanReadableSeconds``,
``TestDataSizeFunctions``), never what the endpoint answers. ERRORS are statements Athena
rejects, with the error name it fails them with.
"""

from __future__ import annotations

Case = tuple[str, list[list[str | None]], list[str] | None]

_FAMILY = "statistics, durations and sizes"

CASES: dict[str, list[Case]] = {
    _FAMILY: [
        # the examples of Trino's reference page, as it states their results
        ("SELECT parse_data_size('1B')", [["1"]], None),
        ("SELECT parse_data_size('1kB')", [["1024"]], None),
        ("SELECT parse_data_size('1MB')", [["1048576"]], None),
        ("SELECT parse_data_size('2.3MB')", [["2411724"]], None),
        ("SELECT normal_cdf(0, 1, 1.96)", [["0.9750021048517796"]], ["double"]),
        (
            "SELECT normal_cdf(10, 9, 10), normal_cdf(-1.5, 2.1, -7.8)",
            [["0.5", "0.0013498980316301035"]],
            None,
        ),
        (
            "SELECT normal_cdf(0, 1, infinity()), normal_cdf(0, 1, -infinity()),"
            " normal_cdf(infinity(), 1, 0), normal_cdf(-infinity(), 1, 0), normal_cdf(0, infinity(), 0)",
            [["1.0", "0.0", "0.0", "1.0", "0.5"]],
            None,
        ),
        ("SELECT normal_cdf(nan(), 1, 0), normal_cdf(0, 1, nan())", [["NaN", "NaN"]], None),
        ("SELECT normal_cdf(0, 1, NULL)", [[None]], ["double"]),
        (
            "SELECT inverse_normal_cdf(0, 1, 0.3), inverse_normal_cdf(10, 9, 0.9),"
            " inverse_normal_cdf(0.5, 0.25, 0.65)",
            [["-0.5244005127080409", "21.533964089901406", "0.596330116601892"]],
            ["double", "double", "double"],
        ),
        (
            "SELECT beta_cdf(3, 3.6, 0.0), beta_cdf(3, 3.6, 1.0),"
            " beta_cdf(3, 3.6, 0.3), beta_cdf(3, 3.6, 0.9)",
            [["0.0", "1.0", "0.21764809997679938", "0.9972502881611551"]],
            ["double", "double", "double", "double"],
        ),
        (
            "SELECT inverse_beta_cdf(3, 3.6, 0.0), inverse_beta_cdf(3, 3.6, 1.0),"
            " inverse_beta_cdf(3, 3.6, 0.3), inverse_beta_cdf(3, 3.6, 0.95)",
            [["0.0", "1.0", "0.3469675485440618", "0.7600272463100223"]],
            ["double", "double", "double", "double"],
        ),
        (
            "SELECT wilson_interval_lower(1250, 1310, 1.96e0), wilson_interval_upper(1250, 1310, 1.96e0)",
            [["0.9414883725395894", "0.9642524717143908"]],
            ["double", "double"],
        ),
        (
            "SELECT cosine_similarity(MAP(ARRAY['a'], ARRAY[1.0]), MAP(ARRAY['a'], ARRAY[2.0]))",
            [["1.0"]],
            ["double"],
        ),
        (
            "SELECT cosine_similarity(map(ARRAY['a', 'b'], ARRAY[1.0E0, 2.0E0]),"
            " map(ARRAY['c', 'b'], ARRAY[1.0E0, 3.0E0]))",
            [["0.8485281374238569"]],  # 2 * 3 / (sqrt(5) * sqrt(10)) in doubles
            None,
        ),
        (
            "SELECT cosine_similarity(map(ARRAY['a', 'b', 'c'], ARRAY[1.0E0, 2.0E0, -1.0E0]),"
            " map(ARRAY['c', 'b'], ARRAY[1.0E0, 3.0E0]))",
            [["0.6454972243679029"]],  # (2 * 3 + (-1) * 1) / (sqrt(6) * sqrt(10)) in doubles
            None,
        ),
        (
            "SELECT cosine_similarity(map(ARRAY['a', 'b', 'c'], ARRAY[1.0E0, 2.0E0, -1.0E0]),"
            " map(ARRAY['d', 'e'], ARRAY[1.0E0, 3.0E0]))",
            [["0.0"]],
            None,
        ),
        (
            "SELECT cosine_similarity(NULL, map(ARRAY['c', 'b'], ARRAY[1.0E0, 3.0E0])),"
            " cosine_similarity(map(ARRAY['a', 'b'], ARRAY[1.0E0, NULL]),"
            " map(ARRAY['c', 'b'], ARRAY[1.0E0, 3.0E0]))",
            [[None, None]],
            None,
        ),
        (
            "SELECT human_readable_seconds(96), human_readable_seconds(3762)",
            [["1 minute, 36 seconds", "1 hour, 2 minutes, 42 seconds"]],
            ["varchar", "varchar"],
        ),
        (
            "SELECT human_readable_seconds(56363463)",
            [["93 weeks, 1 day, 8 hours, 31 minutes, 3 seconds"]],
            None,
        ),
        (
            "SELECT human_readable_seconds(0), human_readable_seconds(1), human_readable_seconds(60),"
            " human_readable_seconds(-60), human_readable_seconds(61), human_readable_seconds(-61)",
            [["0 seconds", "1 second", "1 minute", "1 minute", "1 minute, 1 second", "1 minute, 1 second"]],
            None,
        ),
        (
            "SELECT human_readable_seconds(535333.9513888889), human_readable_seconds(535333.2513888889)",
            [["6 days, 4 hours, 42 minutes, 14 seconds", "6 days, 4 hours, 42 minutes, 13 seconds"]],
            None,
        ),
        (
            "SELECT human_readable_seconds(3660), human_readable_seconds(3601)",
            [["1 hour, 1 minute", "1 hour, 1 second"]],
            None,
        ),
        ("SELECT parse_duration('3.81 d')", [["3 19:26:24.000"]], ["interval day to second"]),
        (
            "SELECT parse_duration('42.8ms'), parse_duration('5m')",
            [["0 00:00:00.043", "0 00:05:00.000"]],
            None,
        ),
        ("SELECT parse_duration(NULL)", [[None]], None),
        (
            "SELECT parse_data_size('1B'), parse_data_size('1kB'),"
            " parse_data_size('1MB'), parse_data_size('2.3MB')",
            [["1", "1024", "1048576", "2411724"]],
            ["decimal", "decimal", "decimal", "decimal"],
        ),
        ("SELECT typeof(parse_data_size('1B'))", [["decimal(38,0)"]], None),
        (
            "SELECT parse_data_size('0B'), parse_data_size('1.2B'), parse_data_size('1.9B'),"
            " parse_data_size('2.2kB'), parse_data_size('2.23kB'), parse_data_size('2.234kB')",
            [["0", "1", "1", "2252", "2283", "2287"]],
            None,
        ),
        (
            "SELECT parse_data_size('3MB'), parse_data_size('4GB'), parse_data_size('4TB'),"
            " parse_data_size('5PB'), parse_data_size('6EB')",
            [["3145728", "4294967296", "4398046511104", "5629499534213120", "6917529027641081856"]],
            None,
        ),
        (
            "SELECT parse_data_size('7ZB'), parse_data_size('8YB'),"
            " parse_data_size('69175290276410818560EB')",
            [
                [
                    "8264141345021879123968",
                    "9671406556917033397649408",
                    "79753679747094952374228423616820674560",
                ]
            ],
            None,
        ),
    ],
}

ERRORS: dict[str, list[tuple[str, str]]] = {
    _FAMILY: [
        ("SELECT normal_cdf(0, 0, 0.1985)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT normal_cdf(0, nan(), 0.1985)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT inverse_normal_cdf(4, 48, 0)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT inverse_normal_cdf(4, 48, 1)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT inverse_normal_cdf(4, 0, 0.4)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT beta_cdf(0, 3, 0.5)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT beta_cdf(3, 5, 1.1)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT inverse_beta_cdf(3, 0, 0.5)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT inverse_beta_cdf(3, 5, -0.1)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT wilson_interval_lower(-1, 100, 2.575)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT wilson_interval_lower(0, 0, 2.575)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT wilson_interval_upper(10, 5, 2.575)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT wilson_interval_upper(0, 100, -1)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT human_readable_seconds(nan())", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT human_readable_seconds(infinity())", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT parse_duration('')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT parse_duration('1f')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT parse_duration('abc')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT parse_data_size('')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT parse_data_size('0')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT parse_data_size('10KB')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT parse_data_size('-1B')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT parse_data_size('A12345B')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT parse_data_size('99999999999999YB')", "NUMERIC_VALUE_OUT_OF_RANGE"),
        ("SELECT numeric_histogram(2, x) FROM (VALUES 1.0E0, 2.0E0) t(x)", "NOT_SUPPORTED"),
    ],
}
