"""The hashes and decoders the binary family reimplements, checked against published vectors.

xxHash64, MurmurHash3 and SpookyHash V2 are written from their specifications; the vectors are
Trino's own (TestVarbinaryFunctions and the function reference), the xxHash and MurmurHash3
reference outputs, and SpookyHash V2 outputs across its short and long paths. The decoders
follow java.util.Base64 and Guava's BaseEncoding, whose corners the conformance statements
cannot reach cheaply.
"""

from __future__ import annotations

import pytest

from local.aws import trino_binary as tb

_FOX = b"The quick brown fox jumps over the lazy dog"


@pytest.mark.parametrize(
    ("data", "digest"),
    [
        (b"", 0xEF46DB3751D8E999),
        (b"a", 0xD24EC4F1A98C6E5B),
        (b"abc", 0x44BC2CF5AD770999),
        (b"hashme", 0xF9D96E0E1165E892),
        (b"Nobody inspects the spammish repetition", 0xFBCEA83C8A378BF1),  # past one 32-byte stripe
    ],
)
def test_xxhash64_matches_reference_vectors(data: bytes, digest: int) -> None:
    assert tb.xxhash64(data) == digest


@pytest.mark.parametrize(
    ("data", "digest"),
    [
        (b"", "00000000000000000000000000000000"),
        (b"hashme", "93192fe805be23041c8318f67ec4f2bc"),
        (bytes.fromhex("69a69a69"), "ba58556355 69b42f4920372ca0e396ef".replace(" ", "")),
        # reference outputs print h1 and h2 as numbers; Trino stores each little-endian
        (_FOX, bytes.fromhex("e34bbc7bbc071b6c")[::-1].hex() + bytes.fromhex("7a433ca9c49a9347")[::-1].hex()),
        (
            b"hello",
            bytes.fromhex("cbd8a7b341bd9b02")[::-1].hex() + bytes.fromhex("5b1e906a48ae1d19")[::-1].hex(),
        ),
    ],
)
def test_murmur3_matches_reference_vectors(data: bytes, digest: str) -> None:
    assert tb.murmur3_128(data).hex() == digest


@pytest.mark.parametrize(
    ("data", "digest"),
    [
        (b"", "232706FC6BF509198B72EE65B4E851C7"),
        (b"a", "1A108191A0BBC9BD754258F061412A92"),
        (b"hello", "3768826AD382E6CA5C941ED1C71AE043"),
        (b"1234567891123456", "CF70CA9B6019ECE857D5EDD9787BE86C"),
        (b"12345678911234567", "DC93885C980E2E4E6FF3BD49596D734B"),
        (b"12345678911234567892123456789312", "140BBE628104B717DE3431E0FB001E09"),
        (b"1234567891123456789212345678931234567894123456789", "7BF23BC093BFBEC1E22F14A751AF3757"),
        (
            b"12345678911234567892123456789312345678941234567895123456789612345",
            "518208C91AB28F50B00550D66079E2C0",
        ),
        (b" ".join([_FOX] * 5), "F1B71C6AC5AF39E7B69363A60DD29C49"),  # 219 bytes: the long path
    ],
)
def test_spooky_hash_v2_matches_reference_vectors(data: bytes, digest: str) -> None:
    h1, h2 = tb.spooky_hash_v2(data)
    assert f"{h1:016X}{h2:016X}" == digest


@pytest.mark.parametrize(
    ("text", "decoded"),
    [
        (b"", b""),
        (b"YWI=", b"ab"),
        (b"YWI", b"ab"),
        (b"YQ==", b"a"),
        (b"YQ", b"a"),
        (b"aGVsbG8gd29ybGQ=", b"hello world"),
    ],
)
def test_base64_decoding_is_javas(text: bytes, decoded: bytes) -> None:
    assert tb.java_base64_decode(text) == decoded


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"Y", "should at least have 2 bytes"),
        (b"YQ=", "wrong 4-byte ending unit"),
        (b"=YQ", "wrong 4-byte ending unit"),
        (b"YWJjZ", "Last unit does not have enough valid bits"),
        (b"YQ==YQ", "incorrect ending byte"),
        (b"Y-==", "Illegal base64 character 2d"),
        ("Yé==".encode(), "Illegal base64 character -3d"),
    ],
)
def test_bad_base64_fails_as_java_does(text: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tb.java_base64_decode(text)


def test_base64url_decoding_takes_the_url_alphabet_only() -> None:
    assert tb.java_base64_decode(b"-_8=", tb._BASE64_URL) == b"\xfb\xff"
    with pytest.raises(ValueError, match="Illegal base64 character 2b"):
        tb.java_base64_decode(b"+/8=", tb._BASE64_URL)


@pytest.mark.parametrize(
    ("text", "decoded"),
    [
        ("", b""),
        ("MY======", b"f"),
        ("MZXQ====", b"fo"),
        ("MZXW6===", b"foo"),
        ("MZXW6YQ=", b"foob"),
        ("MZXW6YTB", b"fooba"),
        ("MZXW6YTBOI======", b"foobar"),
        ("MZXW6YTBOI", b"foobar"),
        ("MZXW6YTBOI=", b"foobar"),
    ],
)
def test_base32_decoding_is_guavas(text: str, decoded: bytes) -> None:
    assert tb.guava_base32_decode(text) == decoded


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("M", "Invalid input length 1"),
        ("MZX", "Invalid input length 3"),
        ("mzxw6===", "Unrecognized character: m"),
    ],
)
def test_bad_base32_fails_as_guava_does(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tb.guava_base32_decode(text)


@pytest.mark.parametrize(
    ("start", "length", "result"),
    [
        (5, 2**31 - 1, b"ratically"),
        (50, 2**31 - 1, b""),
        (-5, 2**31 - 1, b"cally"),
        (-50, 2**31 - 1, b""),
        (0, 4, b""),
        (5, 6, b"ratica"),
        (-5, 4, b"call"),
        (-5, 40, b"cally"),
        (5, 0, b""),
    ],
)
def test_varbinary_substr_follows_trino(start: int, length: int, result: bytes) -> None:
    assert tb.substr_bytes(b"Quadratically", start, length) == result


@pytest.mark.parametrize(
    ("size", "fill", "left", "right"),
    [
        (7, "45", "45454545451234", "12344545454545"),
        (7, "4524", "45244524451234", "12344524452445"),
        (3, "4524", "451234", "123445"),
        (1, "4524", "12", "12"),
        (0, "4524", "", ""),
    ],
)
def test_varbinary_pad_follows_trino(size: int, fill: str, left: str, right: str) -> None:
    data, pad = bytes.fromhex("1234"), bytes.fromhex(fill)
    assert tb.pad_bytes(data, size, pad, True).hex().upper() == left
    assert tb.pad_bytes(data, size, pad, False).hex().upper() == right


@pytest.mark.parametrize(("size", "fill"), [(-1, b"\x45"), (1, b"")])
def test_bad_varbinary_pad_fails(size: int, fill: bytes) -> None:
    with pytest.raises(ValueError, match="INVALID_FUNCTION_ARGUMENT"):
        tb.pad_bytes(b"\x12\x34", size, fill, True)
