"""Athena conformance statements for strings and regular expressions, JSON and URLs.

Each case is (statement, rows as GetQueryResults renders them, column types or None), with the
results Trino's function reference gives, never what DuckDB answers; ERRORS are statements
Athena rejects, with the error name it fails them with. Where the reference gives no example,
the expected value follows the Java semantics it names (java.util.regex replacement syntax,
java.net.URI, URLDecoder, Guava's form escaper, Commons Codec's Soundex).
"""

from __future__ import annotations

Case = tuple[str, list[list[str | None]], list[str] | None]

_APPLES = "'I have 23 apples, 5 pears and 13 oranges'"
_URL = "'http://user@www.example.com:8080/a/b%20c?x=1&y=a+b%21&x=2#frag'"

CASES: dict[str, list[Case]] = {
    "strings and regexes": [
        ("SELECT substr('hello', 2, 3)", [["ell"]], ["varchar"]),
        ("SELECT substr('hello', -3)", [["llo"]], None),
        ("SELECT substr('hello', 0), substr('hello', -10), substr('hello', 10)", [["", "", ""]], None),
        (
            "SELECT substr('hello', -3, 2), substr('hello', 2, 0), substring('hello' FROM 2 FOR 3)",
            [["ll", "", "ell"]],
            None,
        ),
        ("SELECT substr('日本語', 2), length('日本語'), reverse('日本語')", [["本語", "3", "語本日"]], None),
        ("SELECT strpos('hello', 'l')", [["3"]], None),
        (
            "SELECT strpos('abcabc', 'b', 2), strpos('abcabc', 'b', -1), strpos('abcabc', 'b', 3)",
            [["5", "5", "0"]],
            None,
        ),
        ("SELECT strpos('aaa', 'aa', 2), strpos('abc', '', 2)", [["2", "1"]], None),
        ("SELECT position('b' IN 'abc'), position('x' IN 'abc')", [["2", "0"]], ["bigint", "bigint"]),
        ("SELECT length('hello')", [["5"]], ["bigint"]),
        ("SELECT upper('ab'), lower('AB')", [["AB", "ab"]], None),
        ("SELECT concat('a', 'b', 'c'), 'a' || 'b'", [["abc", "ab"]], None),
        (
            "SELECT concat_ws(',', 'a', NULL, 'b'), concat_ws(',', ARRAY['a', NULL, 'b'])",
            [["a,b", "a,b"]],
            None,
        ),
        ("SELECT replace('banana', 'a', 'o'), replace('banana', 'a')", [["bonono", "bnn"]], None),
        ("SELECT trim('  x  '), ltrim('  x'), rtrim('x  ')", [["x", "x", "x"]], None),
        (
            "SELECT trim('!' FROM '!foo!'), trim(LEADING FROM '  abcd'), trim(BOTH '$' FROM '$var$'),"
            " trim(TRAILING 'ER' FROM upper('worker'))",
            [["foo", "abcd", "var", "WORK"]],
            None,
        ),
        ("SELECT lpad('7', 3, '0'), rpad('7', 3, '0')", [["007", "700"]], None),
        (
            "SELECT lpad('hello', 3, 'x'), rpad('hello', 3, 'x'), lpad('ab', 5, 'xy')",
            [["hel", "hel", "xyxab"]],
            None,
        ),
        ("SELECT split_part('a,b,c', ',', 2)", [["b"]], None),
        ("SELECT split_part('a,b,c', ',', 4), split_part('a,b,', ',', 3)", [[None, ""]], None),
        ("SELECT split('a,b,c', ',')", [["[a, b, c]"]], ["array"]),
        (
            "SELECT split('a.b.c', '.', 2), split('a.b.c', '.', 1), split('a.b.c', '.', 5)",
            [["[a, b.c]", "[a.b.c]", "[a, b, c]"]],
            None,
        ),
        (
            "SELECT split_to_map('a=1,b=2', ',', '=')['b'], cardinality(split_to_map('a=1,b=2,', ',', '='))",
            [["2", "2"]],
            None,
        ),
        ("SELECT split_to_map('k=v', ',', '=')", [["{k=v}"]], ["map"]),
        ("SELECT split_to_multimap('a=1,b=2,a=3', ',', '=')['a']", [["[1, 3]"]], None),
        ("SELECT reverse('abc')", [["cba"]], None),
        (
            "SELECT translate('abcd', 'a', 'z'), translate('abcda', 'a', 'z'), translate('Palhoça', "
            "'ç', 'c')",
            [["zbcd", "zbcdz", "Palhoca"]],
            None,
        ),
        (
            "SELECT translate('abcd', 'a', ''), translate('abcd', 'a', 'zy'), translate('abcd', "
            "'ac', 'z'), translate('abcd', 'aac', 'zq')",
            [["bcd", "zbcd", "zbd", "zbd"]],
            None,
        ),
        (
            "SELECT normalize(U&'e\\0301') = U&'\\00e9', length(normalize(U&'\\00e9', NFD)), "
            "length(normalize(U&'\\FB01', NFKC))",
            [["true", "2", "2"]],
            None,
        ),
        ("SELECT to_utf8('a'), from_utf8(to_utf8('é'))", [["61", "é"]], ["varbinary", "varchar"]),
        (
            "SELECT from_utf8(from_hex('61ff62')), from_utf8(from_hex('61ff62'), '?'), "
            "from_utf8(from_hex('61ff62'), '')",
            [["a\ufffdb", "a?b", "ab"]],
            None,
        ),
        ("SELECT codepoint('A'), chr(66), chr(128512), codepoint('😀')", [["65", "B", "😀", "128512"]], None),
        ("SELECT to_hex(md5(to_utf8('a')))", [["0CC175B9C0F1B6A831C399E269772661"]], None),
        ("SELECT levenshtein_distance('kitten', 'sitting')", [["3"]], None),
        (
            "SELECT hamming_distance('abc', 'abd'), hamming_distance('日本', '日x')",
            [["1", "1"]],
            ["bigint", "bigint"],
        ),
        (
            "SELECT starts_with('lakehouse', 'lake'), ends_with('lakehouse', 'house')",
            [["true", "true"]],
            None,
        ),
        (
            "SELECT 'abc' LIKE 'a%', 'abc' LIKE '_b_', 'a_c' LIKE 'a\\_c' ESCAPE '\\'",
            [["true", "true", "true"]],
            None,
        ),
        (
            "SELECT luhn_check('79927398713'), luhn_check('79927398714')",
            [["true", "false"]],
            ["boolean", "boolean"],
        ),
        (
            "SELECT soundex('CHYNA') = soundex('CHINA'), soundex('Robert'), soundex('Ashcraft')",
            [["true", "R163", "A261"]],
            None,
        ),
        ("SELECT format('%s%%', 123), format('%03d', 8)", [["123%", "008"]], ["varchar", "varchar"]),
        (
            "SELECT format('%-7s,%7s', 'hello', 'world'), format('%2$s %3$s %1$s', 'a', 'b', 'c')",
            [["hello  ,  world", "b c a"]],
            None,
        ),
        ("SELECT CAST(42 AS varchar)", [["42"]], ["varchar"]),
        # regular expressions
        ("SELECT regexp_extract('order-123-x', '[0-9]+')", [["123"]], None),
        ("SELECT regexp_extract('a1b22', '([a-z])([0-9]+)', 2)", [["1"]], None),
        (
            "SELECT regexp_extract('1a 2b 14m', '\\d+'), regexp_extract('1a 2b 14m', '(\\d+)([a-z]+)', 2)",
            [["1", "a"]],
            None,
        ),
        ("SELECT regexp_extract('abc', 'x'), regexp_extract('abc', '(x)', 1)", [[None, None]], None),
        (
            "SELECT regexp_extract_all('1a 2b 14m', '\\d+'), regexp_extract_all('1a 2b 14m', "
            "'(\\d+)([a-z]+)', 2)",
            [["[1, 2, 14]", "[a, b, m]"]],
            None,
        ),
        ("SELECT regexp_like('abc', '^a')", [["true"]], ["boolean"]),
        (
            "SELECT regexp_like('1a 2b 14m', '\\d+b'), regexp_like('abc', 'b'), regexp_like('abc', '^b$')",
            [["true", "true", "false"]],
            None,
        ),
        (
            "SELECT regexp_count('1a 2b 14m', '\\s*[a-z]+\\s*'), regexp_count('abc', '')",
            [["3", "4"]],
            ["bigint", "bigint"],
        ),
        (
            f"SELECT regexp_position({_APPLES}, '\\b\\d+\\b'), regexp_position({_APPLES}, '\\b\\d+\\b', 5)",
            [["8", "8"]],
            ["integer", "integer"],
        ),
        (
            f"SELECT regexp_position({_APPLES}, '\\b\\d+\\b', 12), regexp_position({_APPLES}, "
            "'\\b\\d+\\b', 12, 1)",
            [["19", "19"]],
            None,
        ),
        (
            f"SELECT regexp_position({_APPLES}, '\\b\\d+\\b', 12, 2), regexp_position({_APPLES}, "
            "'\\b\\d+\\b', 12, 3)",
            [["31", "-1"]],
            None,
        ),
        ("SELECT regexp_split('1a 2b 14m', '\\s*[a-z]+\\s*')", [["[1, 2, 14, ]"]], ["array"]),
        ("SELECT regexp_replace('a1b2', '[0-9]', '#')", [["a#b#"]], None),
        ("SELECT regexp_replace('1a 2b 14m', '\\d+[ab] ')", [["14m"]], None),
        ("SELECT regexp_replace('1a 2b 14m', '(\\d+)([ab]) ', '3c$2 ')", [["3ca 3cb 14m"]], ["varchar"]),
        (
            "SELECT regexp_replace('abc', '(b)', '[$0|$1]'), regexp_replace('abc', 'b', '\\$1'), "
            "regexp_replace('abc', 'b', '\\\\')",
            [["a[b|b]c", "a$1c", "a\\c"]],
            None,
        ),
        (
            "SELECT regexp_replace('new york', '(?<first>\\w)\\w*', '${first}.'), "
            "regexp_replace('abc', 'x', '$9')",
            [["n. y.", "abc"]],
            None,
        ),
        (
            "SELECT regexp_replace('ab', '(a)(b)', '$12'), regexp_replace('ab', '(a)|(b)', '[$2]')",
            [["a2", "[][b]"]],
            None,
        ),
        (
            "SELECT regexp_replace(s, '(\\d+)', r) FROM (VALUES ('a1', '<$1>'), ('b22', '\\$1\\\\')) "
            "t(s, r) ORDER BY s",
            [["a<1>"], ["b$1\\"]],
            None,
        ),
        (
            "SELECT regexp_replace(upper(json_extract_scalar('{\"a\": \"x1\"}', '$.a')), '(\\d)', '<$1>')",
            [["X<1>"]],
            None,
        ),
        ("select luhn_check('79927398713')", [["true"]], ["boolean"]),
        ("select luhn_check('79927398714')", [["false"]], ["boolean"]),
        ("SELECT overlay('abc' PLACING 'XYZ' FROM 3)", [["abXYZ"]], None),
        ("SELECT overlay('Txxxxas' PLACING 'hom' FROM 2 FOR 4)", [["Thomas"]], None),
        (
            "SELECT name FROM (VALUES 'CHINA', 'FRANCE', 'CANADA') AS nation(name) WHERE SOUNDEX(name)"
            " = SOUNDEX('CHYNA')",
            [["CHINA"]],
            None,
        ),
        ("SELECT translate('abcd', '', '')", [["abcd"]], ["varchar"]),
        ("SELECT translate('abcd', 'a', 'z')", [["zbcd"]], None),
        ("SELECT translate('abcda', 'a', 'z')", [["zbcdz"]], None),
        ("SELECT translate('Palhoça', 'ç','c')", [["Palhoca"]], None),
        ("SELECT translate('abcd', 'b', U&'\\+01F600')", [["a😀cd"]], None),
        ("SELECT translate('abcd', 'a', '')", [["bcd"]], None),
        ("SELECT translate('abcd', 'a', 'zy')", [["zbcd"]], None),
        ("SELECT translate('abcd', 'ac', 'z')", [["zbd"]], None),
        ("SELECT translate('abcd', 'aac', 'zq')", [["zbd"]], None),
        ("SELECT trim('!' FROM '!foo!')", [["foo"]], None),
        ("SELECT trim(LEADING FROM '  abcd')", [["abcd"]], None),
        ("SELECT trim(BOTH '$' FROM '$var$')", [["var"]], None),
        ("SELECT trim(TRAILING 'ER' FROM upper('worker'))", [["WORK"]], None),
        ("SELECT regexp_count('1a 2b 14m', '\\s*[a-z]+\\s*')", [["3"]], ["bigint"]),
        ("SELECT regexp_extract_all('1a 2b 14m', '\\d+')", [["[1, 2, 14]"]], ["array"]),
        ("SELECT regexp_extract_all('1a 2b 14m', '(\\d+)([a-z]+)', 2)", [["[a, b, m]"]], ["array"]),
        ("SELECT regexp_extract('1a 2b 14m', '\\d+')", [["1"]], ["varchar"]),
        ("SELECT regexp_extract('1a 2b 14m', '(\\d+)([a-z]+)', 2)", [["a"]], ["varchar"]),
        ("SELECT regexp_like('1a 2b 14m', '\\d+b')", [["true"]], ["boolean"]),
        (
            "SELECT regexp_position('I have 23 apples, 5 pears and 13 oranges', '\\b\\d+\\b')",
            [["8"]],
            ["integer"],
        ),
        (
            "SELECT regexp_position('I have 23 apples, 5 pears and 13 oranges', '\\b\\d+\\b', 5)",
            [["8"]],
            ["integer"],
        ),
        (
            "SELECT regexp_position('I have 23 apples, 5 pears and 13 oranges', '\\b\\d+\\b', 12)",
            [["19"]],
            ["integer"],
        ),
        (
            "SELECT regexp_position('I have 23 apples, 5 pears and 13 oranges', '\\b\\d+\\b', 12, 1)",
            [["19"]],
            ["integer"],
        ),
        (
            "SELECT regexp_position('I have 23 apples, 5 pears and 13 oranges', '\\b\\d+\\b', 12, 2)",
            [["31"]],
            ["integer"],
        ),
        (
            "SELECT regexp_position('I have 23 apples, 5 pears and 13 oranges', '\\b\\d+\\b', 12, 3)",
            [["-1"]],
            ["integer"],
        ),
        (
            "SELECT * FROM (VALUES 'America', 'Asia', 'Africa', 'Europe', 'Australia', 'Antarctica') AS"
            " t (continent) WHERE continent LIKE 'E%'",
            [["Europe"]],
            None,
        ),
        (
            "SELECT * FROM (VALUES 'America', 'Asia', 'Africa', 'Europe', 'Australia', 'Antarctica') AS"
            " t (continent) WHERE continent NOT LIKE 'E%'",
            [["America"], ["Asia"], ["Africa"], ["Australia"], ["Antarctica"]],
            None,
        ),
        (
            "SELECT * FROM (VALUES 'America', 'Asia', 'Africa', 'Europe', 'Australia', 'Antarctica') AS"
            " t (continent) WHERE continent LIKE 'A__A'",
            [],
            None,
        ),
        ("SELECT 'South_America' LIKE 'South\\_America' ESCAPE '\\'", [["true"]], ["boolean"]),
        ("SELECT format('%.5f', pi())", [["3.14159"]], ["varchar"]),
        ("SELECT format('%,.2f', 1234567.89)", [["1,234,567.89"]], ["varchar"]),
        (
            "SELECT format('%1$tA, %1$tB %1$te, %1$tY', date '2006-07-04')",
            [["Tuesday, July 4, 2006"]],
            ["varchar"],
        ),
        (
            "SELECT format('%.2f|%8.3f|%-8.1f|', 0.125E0, -2.5E0, DECIMAL '1.25')",
            [["0.13|  -2.500|1.3     |"]],
            None,
        ),
    ],
    "JSON": [
        ("SELECT json_extract_scalar('{\"a\": {\"b\": 7}}', '$.a.b')", [["7"]], None),
        ("SELECT json_extract('{\"a\": [1, 2]}', '$.a')", [["[1,2]"]], ["json"]),
        (
            "SELECT json_extract('{\"a\": {\"b\": \"x\"}}', '$.a.b'), json_extract('{\"a\": 1}', '$.b')",
            [['"x"', None]],
            None,
        ),
        (
            "SELECT json_extract('{\"a b\": 1}', '$[\"a b\"]'), "
            "json_extract('{\"s\": {\"book\": 2}}', '$.s[book]')",
            [["1", "2"]],
            None,
        ),
        (
            "SELECT json_extract('not json', '$.a'), json_extract_scalar('not json', '$.a')",
            [[None, None]],
            None,
        ),
        (
            "SELECT json_extract_scalar('[1, 2, 3]', '$[2]'), json_extract_scalar('{\"a\": [1]}', '$.a')",
            [["3", None]],
            ["varchar", "varchar"],
        ),
        (
            'SELECT json_extract_scalar(\'{"a": true, "b": "x", "c": null}\', \'$.b\'),'
            " json_extract_scalar('{\"c\": null}', '$.c')",
            [["x", None]],
            None,
        ),
        (
            "SELECT json_array_length('[1, 2, 3]'), json_array_length('{\"a\": 1}')",
            [["3", None]],
            ["bigint", "bigint"],
        ),
        (
            'SELECT json_array_get(\'["a", [3, 9], "c"]\', 0), json_array_get(\'["a", [3, 9], "c"]\', 1)',
            [["a", "[3,9]"]],
            None,
        ),
        (
            'SELECT json_array_get(\'["c", [3, 9], "a"]\', -1), json_array_get(\'["c", [3, 9], "a"]\', -2)',
            [["a", "[3,9]"]],
            None,
        ),
        (
            "SELECT json_array_get('[]', 0),"
            ' json_array_get(\'["a", "b", "c"]\', 10), json_array_get(\'["c", "b", "a"]\', -10)',
            [[None, None, None]],
            None,
        ),
        (
            "SELECT json_array_contains('[1, 2, 3]', 2), json_array_contains('[\"1\"]', 1)",
            [["true", "false"]],
            ["boolean", "boolean"],
        ),
        (
            "SELECT json_array_contains('[\"a\", \"b\"]', 'b'), json_array_contains('[true]', true), "
            "json_array_contains('[1.5]', 1.5)",
            [["true", "true", "true"]],
            None,
        ),
        (
            'SELECT json_size(\'{"x": {"a": 1, "b": 2}}\', \'$.x\'), '
            "json_size('{\"x\": [1, 2, 3]}', '$.x')",
            [["2", "3"]],
            ["bigint", "bigint"],
        ),
        ('SELECT json_size(\'{"x": {"a": 1, "b": 2}}\', \'$.x.a\')', [["0"]], None),
        (
            "SELECT json_format(JSON '[1, 2, 3]'), json_format(JSON '\"a\"')",
            [["[1,2,3]", '"a"']],
            ["varchar", "varchar"],
        ),
        (
            "SELECT json_format(JSON '{\"a\": 1, \"b\": 2}'), json_format(JSON '42'), "
            "json_format(JSON 'true'), json_format(JSON 'null')",
            [['{"a":1,"b":2}', "42", "true", "null"]],
            None,
        ),
        ("SELECT json_parse('[1, 2, 3]'), json_parse('\"abc\"')", [["[1,2,3]", '"abc"']], ["json", "json"]),
        (
            'SELECT json_parse(\'["a", 1, true, null]\'), json_parse(\'{"b": 1, "a": 2}\')',
            [['["a",1,true,null]', '{"a":2,"b":1}']],
            None,
        ),
        (
            "SELECT is_json_scalar('1'), is_json_scalar('[1, 2, 3]')",
            [["true", "false"]],
            ["boolean", "boolean"],
        ),
        (
            "SELECT CAST(JSON '\"abc\"' AS VARCHAR), CAST(JSON '42' AS VARCHAR), CAST(JSON 'true' AS "
            "VARCHAR), CAST(JSON 'null' AS VARCHAR)",
            [["abc", "42", "true", None]],
            None,
        ),
        (
            "SELECT CAST(1 AS JSON), CAST('abc' AS JSON), CAST(true AS JSON)",
            [["1", '"abc"', "true"]],
            ["json", "json", "json"],
        ),
        (
            "SELECT CAST('[1, 2, 3]' AS JSON), CAST(ARRAY[1, 23, 456] AS JSON), CAST(ARRAY[1, NULL, "
            "456] AS JSON)",
            [['"[1, 2, 3]"', "[1,23,456]", "[1,null,456]"]],
            None,
        ),
        (
            "SELECT CAST(MAP(ARRAY['k1', 'k2', 'k3'], ARRAY[1, 23, 456]) AS JSON)",
            [['{"k1":1,"k2":23,"k3":456}']],
            ["json"],
        ),
        (
            "SELECT CAST(JSON '[1,23,456]' AS ARRAY(INTEGER)), CAST(JSON '[1,null,456]' AS ARRAY(INTEGER))",
            [["[1, 23, 456]", "[1, null, 456]"]],
            None,
        ),
        (
            'SELECT CAST(JSON \'{"k1":1,"k2":23,"k3":456}\' AS MAP(VARCHAR, INTEGER))',
            [["{k1=1, k2=23, k3=456}"]],
            ["map"],
        ),
        ("SELECT CAST(NULL AS JSON)", [[None]], ["json"]),
        ("SELECT CAST(1 AS JSON)", [["1"]], ["json"]),
        ("SELECT CAST(9223372036854775807 AS JSON)", [["9223372036854775807"]], ["json"]),
        ("SELECT CAST('abc' AS JSON)", [['"abc"']], ["json"]),
        ("SELECT CAST(true AS JSON)", [["true"]], ["json"]),
        ("SELECT CAST(1.234 AS JSON)", [["1.234"]], ["json"]),
        ("SELECT CAST(ARRAY[1, 23, 456] AS JSON)", [["[1,23,456]"]], ["json"]),
        ("SELECT CAST(ARRAY[1, NULL, 456] AS JSON)", [["[1,null,456]"]], ["json"]),
        ("SELECT CAST(ARRAY[ARRAY[1, 23], ARRAY[456]] AS JSON)", [["[[1,23],[456]]"]], ["json"]),
        (
            "SELECT CAST(CAST(ROW(123, 'abc', true) AS ROW(v1 BIGINT, v2 VARCHAR, v3 BOOLEAN)) AS JSON)",
            [['{"v1":123,"v2":"abc","v3":true}']],
            ["json"],
        ),
        ("SELECT CAST(JSON '\"2001-01-31\"' AS DATE)", [["2001-01-31"]], ["date"]),
        ("SELECT CAST(JSON '\"01:23:45.678\"' AS TIME(3))", [["01:23:45.678"]], ["time"]),
        ("SELECT CAST(JSON 'null' AS DATE)", [[None]], ["date"]),
        ("SELECT CAST(JSON 'null' AS VARCHAR)", [[None]], ["varchar"]),
        ("SELECT CAST(JSON '1' AS INTEGER)", [["1"]], ["integer"]),
        ("SELECT CAST(JSON '9223372036854775807' AS BIGINT)", [["9223372036854775807"]], ["bigint"]),
        ("SELECT CAST(JSON '\"abc\"' AS VARCHAR)", [["abc"]], ["varchar"]),
        ("SELECT CAST(JSON 'true' AS BOOLEAN)", [["true"]], ["boolean"]),
        ("SELECT CAST(JSON '1.234' AS DOUBLE)", [["1.234"]], ["double"]),
        ("SELECT CAST(JSON '[1,23,456]' AS ARRAY(INTEGER))", [["[1, 23, 456]"]], ["array"]),
        ("SELECT CAST(JSON '[1,null,456]' AS ARRAY(INTEGER))", [["[1, null, 456]"]], ["array"]),
        ("SELECT CAST(JSON '[[1,23],[456]]' AS ARRAY(ARRAY(INTEGER)))", [["[[1, 23], [456]]"]], ["array"]),
        (
            'SELECT CAST(JSON \'{"v1":123,"v2":"abc","v3":true}\' AS ROW(v1 BIGINT, v2 VARCHAR, v3 BOOLEAN))',
            [["{v1=123, v2=abc, v3=true}"]],
            ["row"],
        ),
        (
            "SELECT CAST(JSON '[123,\"abc\",true]' AS ROW(v1 BIGINT, v2 VARCHAR, v3 BOOLEAN))",
            [["{v1=123, v2=abc, v3=true}"]],
            ["row"],
        ),
        ("SELECT CAST(JSON '[[1, 23], 456]' AS ARRAY(JSON))", [["[[1,23], 456]"]], ["array"]),
        (
            'SELECT CAST(JSON \'{"k1": [1, 23], "k2": 456}\' AS MAP(VARCHAR, JSON))',
            [["{k1=[1,23], k2=456}"]],
            ["map"],
        ),
        ("SELECT CAST(JSON '[null]' AS ARRAY(JSON))", [["[null]"]], ["array"]),
        ("SELECT is_json_scalar('1')", [["true"]], ["boolean"]),
        ("SELECT is_json_scalar('[1, 2, 3]')", [["false"]], ["boolean"]),
        ("SELECT json_array_contains('[1, 2, 3]', 2)", [["true"]], ["boolean"]),
        ('SELECT json_array_get(\'["a", [3, 9], "c"]\', 0)', [["a"]], ["json"]),
        ('SELECT json_array_get(\'["a", [3, 9], "c"]\', 1)', [["[3,9]"]], ["json"]),
        ('SELECT json_array_get(\'["c", [3, 9], "a"]\', -1)', [["a"]], ["json"]),
        ('SELECT json_array_get(\'["c", [3, 9], "a"]\', -2)', [["[3,9]"]], ["json"]),
        ("SELECT json_array_get('[]', 0)", [[None]], ["json"]),
        ('SELECT json_array_get(\'["a", "b", "c"]\', 10)', [[None]], ["json"]),
        ('SELECT json_array_get(\'["c", "b", "a"]\', -10)', [[None]], ["json"]),
        ("SELECT json_array_length('[1, 2, 3]')", [["3"]], ["bigint"]),
        ("SELECT json_format(JSON '[1, 2, 3]')", [["[1,2,3]"]], ["varchar"]),
        ("SELECT json_format(JSON '\"a\"')", [['"a"']], ["varchar"]),
        ('SELECT json_format(JSON \'{"a": 1, "b": 2}\')', [['{"a":1,"b":2}']], ["varchar"]),
        ("SELECT json_format(JSON '\"abc\"')", [['"abc"']], ["varchar"]),
        ("SELECT json_format(JSON '42')", [["42"]], ["varchar"]),
        ("SELECT json_format(JSON 'true')", [["true"]], ["varchar"]),
        ("SELECT json_format(JSON 'null')", [["null"]], ["varchar"]),
        ("SELECT CAST(JSON '42' AS VARCHAR)", [["42"]], ["varchar"]),
        ("SELECT CAST(JSON 'true' AS VARCHAR)", [["true"]], ["varchar"]),
        ("SELECT json_parse('[1, 2, 3]')", [["[1,2,3]"]], ["json"]),
        ("SELECT json_parse('\"abc\"')", [['"abc"']], ["json"]),
        ("SELECT json_parse('42')", [["42"]], ["json"]),
        ("SELECT json_parse('true')", [["true"]], ["json"]),
        ("SELECT json_parse('null')", [["null"]], ["json"]),
        ("SELECT CAST('not_json' AS JSON)", [['"not_json"']], ["json"]),
        ('SELECT CAST(\'["a": 1, "b": 2]\' AS JSON)', [['"[\\"a\\": 1, \\"b\\": 2]"']], ["json"]),
        ("SELECT CAST('[1, 2, 3]' AS JSON)", [['"[1, 2, 3]"']], ["json"]),
        ("SELECT CAST('\"abc\"' AS JSON)", [['"\\"abc\\""']], ["json"]),
        ("SELECT CAST('42' AS JSON)", [['"42"']], ["json"]),
        ("SELECT CAST('true' AS JSON)", [['"true"']], ["json"]),
        ("SELECT CAST('null' AS JSON)", [['"null"']], ["json"]),
        ('SELECT json_size(\'{"x": {"a": 1, "b": 2}}\', \'$.x\')', [["2"]], ["bigint"]),
        ("SELECT json_size('{\"x\": [1, 2, 3]}', '$.x')", [["3"]], ["bigint"]),
    ],
    "URL": [
        ("SELECT url_extract_protocol('http://localhost:8080/req_path')", [["http"]], ["varchar"]),
        (
            "SELECT url_extract_protocol('https://127.0.0.1:8080/req_path'), "
            "url_extract_protocol('ftp://path/file')",
            [["https", "ftp"]],
            None,
        ),
        (
            f"SELECT url_extract_host({_URL}), url_extract_port({_URL})",
            [["www.example.com", "8080"]],
            ["varchar", "bigint"],
        ),
        (
            f"SELECT url_extract_path({_URL}), url_extract_query({_URL}), url_extract_fragment({_URL})",
            [["/a/b c", "x=1&y=a+b!&x=2", "frag"]],
            None,
        ),
        (
            f"SELECT url_extract_parameter({_URL}, 'x'), url_extract_parameter({_URL}, 'y'), "
            f"url_extract_parameter({_URL}, 'z')",
            [["1", "a b!", None]],
            None,
        ),
        (
            "SELECT url_extract_parameter('http://a.com/p?e=&f', 'e'), "
            "url_extract_parameter('http://a.com/p?e=&f', 'f'), url_extract_parameter('http://a.com/p', 'e')",
            [["", "", None]],
            None,
        ),
        (
            "SELECT url_extract_port('http://example.com/path'), "
            "url_extract_query('http://example.com/path'), url_extract_fragment('http://example.com/path')",
            [[None, "", ""]],
            None,
        ),
        (
            "SELECT url_extract_host('http://127.0.0.1:8080/x'), "
            "url_extract_port('https://127.0.0.1:8080/x'), url_extract_host('http://[::1]:9000/')",
            [["127.0.0.1", "8080", "[::1]"]],
            None,
        ),
        (
            "SELECT url_extract_host('http://a b.com/'), url_extract_path('http://a b.com/'), "
            "url_extract_port('http://a b.com/')",
            [[None, None, None]],
            None,
        ),
        (
            "SELECT url_extract_host('mailto:someone@example.com'), "
            "url_extract_path('mailto:someone@example.com'), "
            "url_extract_protocol('mailto:someone@example.com')",
            [["", "", "mailto"]],
            None,
        ),
        (
            "SELECT url_extract_host('http://my_host.com/p'), url_extract_path('http://my_host.com/p')",
            [["", "/p"]],
            None,
        ),
        (
            "SELECT url_extract_parameter('http://a.com/?x=%zz', 'x'), url_extract_host('http://a.com/%zz')",
            [[None, None]],
            None,
        ),
        (
            "SELECT url_extract_host('/just/a/path?q=1'), url_extract_path('/just/a/path?q=1'), "
            "url_extract_query('/just/a/path?q=1')",
            [["", "/just/a/path", "q=1"]],
            None,
        ),
        (
            "SELECT url_encode('a b&c=d/é'), url_encode('*.-_~')",
            [["a+b%26c%3Dd%2F%C3%A9", "*.-_%7E"]],
            ["varchar", "varchar"],
        ),
        (
            "SELECT url_decode('a+b%26c%3Dd%2F%C3%A9'), url_decode(url_encode('x y/z'))",
            [["a b&c=d/é", "x y/z"]],
            None,
        ),
        ("SELECT url_extract_protocol('https://127.0.0.1:8080/req_path')", [["https"]], ["varchar"]),
        ("SELECT url_extract_protocol('ftp://path/file')", [["ftp"]], ["varchar"]),
    ],
}

ERRORS: dict[str, list[tuple[str, str]]] = {
    "strings and regexes": [
        # Java's lookaround, backreferences and possessive quantifiers: RE2 has none of them
        ("SELECT regexp_like('abc', 'a(?=b)')", "NOT_SUPPORTED"),
        ("SELECT regexp_replace('aa', '(a)\\1', 'x')", "NOT_SUPPORTED"),
        ("SELECT regexp_like('aaa', 'a*+')", "NOT_SUPPORTED"),
        ("SELECT regexp_like('a', '(a')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT list_distinct(split('a,a', ','))", "FUNCTION_NOT_FOUND"),
        ("SELECT strftime(current_date, '%Y')", "FUNCTION_NOT_FOUND"),
        ("SELECT regexp_matches('abc', 'b')", "FUNCTION_NOT_FOUND"),
        ("SELECT string_split('a,b', ',')", "FUNCTION_NOT_FOUND"),
        ("SELECT str_split('a,b', ',')", "FUNCTION_NOT_FOUND"),
        ("SELECT split_part('a,b', ',', 0)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT split('a,b', ',', 0)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT split('abc', '')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT strpos('abc', 'b', 0)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT lpad('a', 3, '')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT lpad('a', -1, 'x')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT split_to_map('a=1,a=2', ',', '=')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT split_to_map('a=1,b', ',', '=')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT codepoint('ab')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT hamming_distance('abc', 'ab')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT regexp_extract('abc', 'b', 1)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT regexp_extract_all('abc', '(b)', 2)", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT regexp_replace('abc', 'b', '$1')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT regexp_replace('abc', 'b', 'x$')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT regexp_replace('abc', '(?<n>b)', '${m}')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT regexp_position('abc', 'b', 0)", "INVALID_FUNCTION_ARGUMENT"),
        (
            "SELECT regexp_replace('new york', '(\\w)(\\w*)', x -> upper(x[1]) || lower(x[2]))",
            "NOT_SUPPORTED",
        ),
        ("SELECT word_stem('running')", "NOT_SUPPORTED"),
        ("SELECT word_stem('running', 'en')", "NOT_SUPPORTED"),
        ("SELECT title_case('hello world')", "FUNCTION_NOT_FOUND"),
    ],
    "JSON": [
        ("SELECT json_parse('not_json')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT is_json_scalar('not json')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT CAST(JSON '[1, 2, 3]' AS VARCHAR)", "INVALID_CAST_ARGUMENT"),
        ('SELECT CAST(JSON \'{"a": 1, "b": 2}\' AS VARCHAR)', "INVALID_CAST_ARGUMENT"),
        ("SELECT json_query('{\"a\": [1]}', 'lax $.a')", "NOT_SUPPORTED"),
        ("SELECT json_value('{\"a\": 1}', 'lax $.a')", "NOT_SUPPORTED"),
        ("SELECT json_exists('{\"a\": 1}', 'lax $.a')", "NOT_SUPPORTED"),
        ("SELECT json_object('key1' : 1, 'key2' : true)", "NOT_SUPPORTED"),
        ("SELECT json_array(true, 12e-1, 'text')", "NOT_SUPPORTED"),
        ("SELECT json_valid('{}')", "FUNCTION_NOT_FOUND"),
        ("SELECT json_extract_string('{\"a\": 1}', '$.a')", "FUNCTION_NOT_FOUND"),
        (
            "SELECT id, json_exists(description, 'lax $.children[*]?(@ > 10)') AS children_above_ten"
            ' FROM (VALUES (101, \'{"comment" : "nice", "children" : [10, 13, 16]}\'), (102,'
            ' \'{"comment" : "problematic", "children" : [8, 11]}\'), (103, \'{"comment" : "knows'
            ' best", "children" : [2]}\')) AS customers(id, description)',
            "NOT_SUPPORTED",
        ),
        (
            "SELECT id, json_exists(description, 'strict $.children[2]?(@ > 10)' UNKNOWN ON ERROR) AS c"
            ' FROM (VALUES (101, \'{"comment" : "nice", "children" : [10, 13, 16]}\'), (102,'
            ' \'{"comment" : "problematic", "children" : [8, 11]}\'), (103, \'{"comment" : "knows'
            ' best", "children" : [2]}\')) AS customers(id, description)',
            "NOT_SUPPORTED",
        ),
        (
            "SELECT id, json_query(description, 'lax $.children') AS children FROM (VALUES (101,"
            ' \'{"comment" : "nice", "children" : [10, 13, 16]}\'), (102, \'{"comment" : "problematic",'
            ' "children" : [8, 11]}\'), (103, \'{"comment" : "knows best", "children" : [2]}\')) AS'
            " customers(id, description)",
            "NOT_SUPPORTED",
        ),
        (
            "SELECT id, json_query(description, 'lax $.children[*]' WITHOUT ARRAY WRAPPER NULL ON"
            ' ERROR) AS children FROM (VALUES (101, \'{"comment" : "nice", "children" : [10, 13,'
            ' 16]}\'), (102, \'{"comment" : "problematic", "children" : [8, 11]}\'), (103, \'{"comment"'
            ' : "knows best", "children" : [2]}\')) AS customers(id, description)',
            "NOT_SUPPORTED",
        ),
        (
            "SELECT id, json_query(description, 'lax $.children[last]' WITH ARRAY WRAPPER) AS"
            ' last_child FROM (VALUES (101, \'{"comment" : "nice", "children" : [10, 13, 16]}\'), (102,'
            ' \'{"comment" : "problematic", "children" : [8, 11]}\'), (103, \'{"comment" : "knows'
            ' best", "children" : [2]}\')) AS customers(id, description)',
            "NOT_SUPPORTED",
        ),
        (
            "SELECT id, json_query(description, 'strict $.children[*]?(@ > 12)' WITH ARRAY WRAPPER"
            ' EMPTY ARRAY ON EMPTY) AS children FROM (VALUES (101, \'{"comment" : "nice", "children" :'
            ' [10, 13, 16]}\'), (102, \'{"comment" : "problematic", "children" : [8, 11]}\'), (103,'
            ' \'{"comment" : "knows best", "children" : [2]}\')) AS customers(id, description)',
            "NOT_SUPPORTED",
        ),
        (
            "SELECT id, json_query(description, 'strict $.comment' KEEP QUOTES) AS q,"
            " json_query(description, 'strict $.comment' OMIT QUOTES) AS u FROM (VALUES (101,"
            ' \'{"comment" : "nice", "children" : [10, 13, 16]}\'), (102, \'{"comment" : "problematic",'
            ' "children" : [8, 11]}\'), (103, \'{"comment" : "knows best", "children" : [2]}\')) AS'
            " customers(id, description)",
            "NOT_SUPPORTED",
        ),
        (
            "SELECT id, json_value(description, 'lax $.comment' RETURNING char(12)) AS comment FROM"
            ' (VALUES (101, \'{"comment" : "nice", "children" : [10, 13, 16]}\'), (102, \'{"comment" :'
            ' "problematic", "children" : [8, 11]}\'), (103, \'{"comment" : "knows best", "children" :'
            " [2]}')) AS customers(id, description)",
            "NOT_SUPPORTED",
        ),
        (
            "SELECT id, json_value(description, 'lax $.children[0]' RETURNING tinyint) AS child FROM"
            ' (VALUES (101, \'{"comment" : "nice", "children" : [10, 13, 16]}\'), (102, \'{"comment" :'
            ' "problematic", "children" : [8, 11]}\'), (103, \'{"comment" : "knows best", "children" :'
            " [2]}')) AS customers(id, description)",
            "NOT_SUPPORTED",
        ),
        (
            "SELECT id, json_value(description, 'strict $.children[2]' DEFAULT 'err' ON ERROR) AS child"
            ' FROM (VALUES (101, \'{"comment" : "nice", "children" : [10, 13, 16]}\'), (102,'
            ' \'{"comment" : "problematic", "children" : [8, 11]}\'), (103, \'{"comment" : "knows'
            ' best", "children" : [2]}\')) AS customers(id, description)',
            "NOT_SUPPORTED",
        ),
        (
            "SELECT id, json_value(description, 'lax $.children[2]' DEFAULT 'missing' ON EMPTY) AS"
            ' child FROM (VALUES (101, \'{"comment" : "nice", "children" : [10, 13, 16]}\'), (102,'
            ' \'{"comment" : "problematic", "children" : [8, 11]}\'), (103, \'{"comment" : "knows'
            ' best", "children" : [2]}\')) AS customers(id, description)',
            "NOT_SUPPORTED",
        ),
        (
            'SELECT * FROM json_table(\'[{"id":1,"name":"Africa","wikiDataId":"Q15"}]\', \'strict $\''
            " COLUMNS (NESTED PATH 'strict $[*]' COLUMNS (id integer PATH 'strict $.id', name varchar"
            " PATH 'strict $.name')))",
            "NOT_SUPPORTED",
        ),
        (
            "SELECT * FROM JSON_TABLE('[]', 'lax $' AS \"root_path\" COLUMNS(a varchar(1) PATH 'lax"
            ' "A"\', NESTED PATH \'lax $[*]\' AS "nested_path" COLUMNS (b varchar(1) PATH \'lax "B"\'))'
            ' PLAN ("root_path" OUTER "nested_path"))',
            "NOT_SUPPORTED",
        ),
        (
            "SELECT json_array('[  \"text\"  ] ' FORMAT JSON, X'5B0035005D00' FORMAT JSON ENCODING UTF16)",
            "NOT_SUPPORTED",
        ),
        ("SELECT json_array(json_query('{\"key\" : [  \"value\"  ]}', 'lax $.key'))", "NOT_SUPPORTED"),
        (
            "SELECT json_array(DATE '2001-01-31', UUID '12151fd2-7586-11e9-8f9e-2a86e4085a59')",
            "NOT_SUPPORTED",
        ),
        ("SELECT json_array()", "NOT_SUPPORTED"),
        ("SELECT json_array(true, null, 1)", "NOT_SUPPORTED"),
        ("SELECT json_array(true, null, 1 ABSENT ON NULL)", "NOT_SUPPORTED"),
        ("SELECT json_array(true, null, 1 NULL ON NULL)", "NOT_SUPPORTED"),
        ("SELECT json_array(true, 1 RETURNING VARCHAR(100))", "NOT_SUPPORTED"),
        ("SELECT json_array(true, 1 RETURNING VARBINARY)", "NOT_SUPPORTED"),
        ("SELECT json_array(true, 1 RETURNING VARBINARY FORMAT JSON ENCODING UTF16)", "NOT_SUPPORTED"),
        ("SELECT json_object(KEY 'key1' VALUE 1, KEY 'key2' VALUE true)", "NOT_SUPPORTED"),
        ("SELECT json_object('key1' VALUE 1, 'key2' VALUE true)", "NOT_SUPPORTED"),
        ("SELECT json_object('x' : true, 'y' : 12e-1, 'z' : 'text')", "NOT_SUPPORTED"),
        ("SELECT json_object()", "NOT_SUPPORTED"),
        ("SELECT json_object('x' : null, 'y' : 1 ABSENT ON NULL)", "NOT_SUPPORTED"),
        ("SELECT json_object('x' : null, 'x' : 1 WITH UNIQUE KEYS)", "NOT_SUPPORTED"),
        ("SELECT json_object('x' : 1 RETURNING VARCHAR(100))", "NOT_SUPPORTED"),
        ('SELECT j.* AS (payload) FROM (VALUES (CAST(\'{"a":1,"b":2}\' AS JSON))) AS t(j)', "SYNTAX_ERROR"),
        ("SELECT CAST(JSON '42' AS DATE)", "INVALID_CAST_ARGUMENT"),
        ('SELECT json_parse(\'["a": 1, "b": 2]\')', "INVALID_FUNCTION_ARGUMENT"),
    ],
    "URL": [
        ("SELECT url_decode('%zz')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT url_extract_domain('http://a.com/')", "FUNCTION_NOT_FOUND"),
    ],
}
