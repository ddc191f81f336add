"""Athena conformance statements for varbinary: encodings, integer and float encodings, hashes.

Each case is (statement, rows as GetQueryResults renders them, column types or None), with the
results Trino's binary function reference and its own function tests (TestVarbinaryFunctions)
give, never what DuckDB answers. Where neither does, the value follows the specification Trino
defers to: RFC 4648's base32 vectors, the URL-safe alphabet of RFC 4648, and java.util.Base64's
decoder taking input without its padding. Athena prints varbinary as space-separated hex bytes.
ERRORS are statements Athena rejects, with the error name it fails them with.
"""

from __future__ import annotations

Case = tuple[str, list[list[str | None]], list[str] | None]

_HASHME = "CAST('hashme' AS VARBINARY)"
_KEY = "CAST('key' AS VARBINARY)"

CASES: dict[str, list[Case]] = {
    "binary and hashes": [
        # the examples of Trino's reference page, as it states their results
        (
            "SELECT murmur3(from_base64('aaaaaa'))",
            [["ba 58 55 63 55 69 b4 2f 49 20 37 2c a0 e3 96 ef"]],
            None,
        ),
        (
            "SELECT to_utf8('ab'), to_hex(CAST('hello world' AS VARBINARY)), from_hex('617a6F'), X'58F7'",
            [["61 62", "68656C6C6F20776F726C64", "61 7a 6f", "58 f7"]],
            ["varbinary", "varchar", "varbinary", "varbinary"],
        ),
        (
            "SELECT length(CAST('abc' AS VARBINARY)), length(to_utf8('日本')), X'58' || X'F7',"
            " concat(X'CAFFEE', X'F7', X'DE58')",
            [["3", "6", "58 f7", "ca ff ee f7 de 58"]],
            ["bigint", "bigint", "varbinary", "varbinary"],
        ),
        (
            "SELECT to_base64(CAST('hello world' AS VARBINARY)), from_base64('aGVsbG8gd29ybGQ='),"
            " from_base64('YWI'), from_base64(CAST('YQ==' AS VARBINARY))",
            [["aGVsbG8gd29ybGQ=", "68 65 6c 6c 6f 20 77 6f 72 6c 64", "61 62", "61"]],
            ["varchar", "varbinary", "varbinary", "varbinary"],
        ),
        (
            "SELECT to_base64url(CAST('hello world' AS VARBINARY)), to_base64url(X'FBFF'),"
            " from_base64url('-_8=')",
            [["aGVsbG8gd29ybGQ=", "-_8=", "fb ff"]],
            ["varchar", "varchar", "varbinary"],
        ),
        (
            "SELECT to_base32(to_utf8('foobar')), from_base32('MZXW6YTBOI======'), from_base32('MZXW6')",
            [["MZXW6YTBOI======", "66 6f 6f 62 61 72", "66 6f 6f"]],
            ["varchar", "varbinary", "varbinary"],
        ),
        (
            f"SELECT to_hex(md5({_HASHME})), to_hex(sha1({_HASHME}))",
            [["533F6357E0210E67D91F651BC49E1278", "FB78992E561929A6967D5328F49413FA99048D06"]],
            None,
        ),
        (
            "SELECT sha1(CAST('' AS VARBINARY)), md5(CAST('' AS VARBINARY))",
            [
                [
                    "da 39 a3 ee 5e 6b 4b 0d 32 55 bf ef 95 60 18 90 af d8 07 09",
                    "d4 1d 8c d9 8f 00 b2 04 e9 80 09 98 ec f8 42 7e",
                ]
            ],
            ["varbinary", "varbinary"],
        ),
        (
            f"SELECT to_hex(sha256({_HASHME})), to_hex(sha512({_HASHME}))",
            [
                [
                    "02208B9403A87DF9F4ED6B2EE2657EFAA589026B4CCE9ACCC8E8A5BF3D693C86",
                    "8A4B59FB9188D09B989FF596AC9CEFBF2ED91DED8DCD9498E8BF2236814A92B2"
                    "3BE6867E7FC340880E514F8FDF97E1F147EA4B0FD6C2DA3557D0CF1C0B58A204",
                ]
            ],
            None,
        ),
        (
            "SELECT crc32(to_utf8('CRC me!')), crc32(to_utf8('1234567890')), crc32(to_utf8('ABCDEFGHIJK')),"
            " crc32(to_utf8('ABCDEFGHIJKLM'))",
            [["38028046", "639479525", "1129618807", "4223167559"]],
            ["bigint", "bigint", "bigint", "bigint"],
        ),
        (
            f"SELECT to_hex(xxhash64(CAST('' AS VARBINARY))), to_hex(xxhash64({_HASHME})),"
            f" to_hex(murmur3(CAST('' AS VARBINARY))), to_hex(murmur3({_HASHME}))",
            [["EF46DB3751D8E999", "F9D96E0E1165E892", "0" * 32, "93192FE805BE23041C8318F67EC4F2BC"]],
            None,
        ),
        (
            "SELECT murmur3(from_base64('aaaaaa')), xxhash64(to_utf8(''))",
            [["ba 58 55 63 55 69 b4 2f 49 20 37 2c a0 e3 96 ef", "ef 46 db 37 51 d8 e9 99"]],
            ["varbinary", "varbinary"],
        ),
        (
            "SELECT to_hex(spooky_hash_v2_32(CAST('' AS VARBINARY))),"
            " to_hex(spooky_hash_v2_32(to_utf8('hello'))), to_hex(spooky_hash_v2_64(CAST('' AS VARBINARY))),"
            " to_hex(spooky_hash_v2_64(to_utf8('hello')))",
            [["6BF50919", "D382E6CA", "232706FC6BF50919", "3768826AD382E6CA"]],
            None,
        ),
        (
            f"SELECT to_hex(hmac_md5({_HASHME}, {_KEY})), to_hex(hmac_sha1({_HASHME}, {_KEY})),"
            f" to_hex(hmac_md5(CAST('' AS VARBINARY), {_KEY}))",
            [
                [
                    "0A26EBEB0E7B65F528D96F7BC631BC8F",
                    "2E7C4C6AEFA7E69F106EEE3CE21944D0046D2F3D",
                    "63530468A04E386459855DA0063B6596",
                ]
            ],
            None,
        ),
        (
            f"SELECT to_hex(hmac_sha256({_HASHME}, {_KEY})), to_hex(hmac_sha512({_HASHME}, {_KEY}))",
            [
                [
                    "D3D72F9FACDE059DA3A4EB43A9ABDD4B35118E0FEF00E6D16FB04BB332AF0484",
                    "FEFA712B67DED871E1ED987F8B20D6A69EB9FCC87974218B9A1A6D5202B54C18"
                    "ECDA4839A979DED22F07E0881CF40B762691992D120408F49D6212E112509D72",
                ]
            ],
            None,
        ),
        (
            "SELECT to_big_endian_32(2147483647), to_big_endian_32(-2147483647), to_big_endian_64(1),"
            " to_big_endian_64(-9223372036854775807)",
            [["7f ff ff ff", "80 00 00 01", "00 00 00 00 00 00 00 01", "80 00 00 00 00 00 00 01"]],
            ["varbinary", "varbinary", "varbinary", "varbinary"],
        ),
        (
            "SELECT from_big_endian_32(from_hex('80000001')),"
            " from_big_endian_64(from_hex('7FFFFFFFFFFFFFFF')),"
            " from_big_endian_64(from_hex('8000000000000001'))",
            [["-2147483647", "9223372036854775807", "-9223372036854775807"]],
            ["integer", "bigint", "bigint"],
        ),
        (
            "SELECT from_big_endian_32(to_big_endian_32(x)) FROM (VALUES 1, -5) t(x) ORDER BY 1",
            [["-5"], ["1"]],
            ["integer"],
        ),
        (
            "SELECT to_ieee754_32(CAST(3.14 AS REAL)), to_ieee754_32(CAST(nan() AS REAL)),"
            " to_ieee754_32(CAST(-infinity() AS REAL)), to_ieee754_32(CAST(1.4E-45 AS REAL))",
            [["40 48 f5 c3", "7f c0 00 00", "ff 80 00 00", "00 00 00 01"]],
            ["varbinary", "varbinary", "varbinary", "varbinary"],
        ),
        (
            "SELECT to_ieee754_64(3.1415926), to_ieee754_64(nan()), to_ieee754_64(-1.7976931348623157E308),"
            " to_ieee754_64(4.9E-324)",
            [
                [
                    "40 09 21 fb 4d 12 d8 4a",
                    "7f f8 00 00 00 00 00 00",
                    "ff ef ff ff ff ff ff ff",
                    "00 00 00 00 00 00 00 01",
                ]
            ],
            ["varbinary", "varbinary", "varbinary", "varbinary"],
        ),
        (
            "SELECT from_ieee754_32(from_hex('4048F5C3')), from_ieee754_32(to_ieee754_32(CAST(1.0 AS REAL))),"
            " from_ieee754_64(from_hex('3FF0000000000000')), from_ieee754_64(to_ieee754_64(3.1415926))",
            [["3.14", "1.0", "1.0", "3.1415926"]],
            ["real", "real", "double", "double"],
        ),
        (
            "SELECT substr(VARBINARY 'Quadratically', 5), substr(VARBINARY 'Quadratically', 5, 6),"
            " substring(X'4FE15FF5' FROM 2 FOR 2), substr(X'4FE15FF5', 3)",
            [["72 61 74 69 63 61 6c 6c 79", "72 61 74 69 63 61", "e1 5f", "5f f5"]],
            ["varbinary", "varbinary", "varbinary", "varbinary"],
        ),
        (
            "SELECT reverse(CAST('hello' AS VARBINARY)), reverse(X'4FE15FF5')",
            [["6f 6c 6c 65 68", "f5 5f e1 4f"]],
            ["varbinary", "varbinary"],
        ),
        ("SELECT xxhash64(NULL), crc32(NULL), from_hex(NULL)", [[None, None, None]], None),
        (
            "SELECT lpad(x'1234', 7, x'4524'), rpad(x'1234', 7, x'4524'),"
            " lpad(x'1234', 3, x'4524'), rpad(x'1234', 1, x'4524')",
            [["45 24 45 24 45 12 34", "12 34 45 24 45 24 45", "45 12 34", "12"]],
            None,
        ),
        (
            "SELECT substr(VARBINARY 'Quadratically', -5, 4), substr(VARBINARY 'Quadratically', -5),"
            " substring(X'4FE15FF5' FROM -2)",
            [["63 61 6c 6c", "63 61 6c 6c 79", "5f f5"]],
            None,
        ),
    ],
}

ERRORS: dict[str, list[tuple[str, str]]] = {
    "binary and hashes": [
        ("SELECT from_hex('fff')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT from_hex('fG')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT from_base64('Y')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT from_base64('a-b=')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT from_base64url('a+b=')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT from_base32('M')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT from_big_endian_64(from_hex('1111'))", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT from_big_endian_32(from_hex(''))", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT from_ieee754_32(from_hex('0000'))", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT from_ieee754_64(from_hex('00000000'))", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT md5('abc')", "FUNCTION_NOT_FOUND"),
        ("SELECT xxhash64('abc')", "FUNCTION_NOT_FOUND"),
        ("SELECT to_big_endian_32(3000000000)", "FUNCTION_NOT_FOUND"),
        ("SELECT lpad(x'2312', -1, x'4524')", "INVALID_FUNCTION_ARGUMENT"),
        ("SELECT rpad(x'1234', 1, x'')", "INVALID_FUNCTION_ARGUMENT"),
    ],
}
