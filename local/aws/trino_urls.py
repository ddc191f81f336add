"""URLs: Trino's URL functions, which follow Java's URI and form-encoding classes.

Trino parses a URL with ``java.net.URI`` (RFC 2396 with Java's own deviations): an invalid URI
gives NULL, a missing part the empty string, a registry-based authority (``my_host``) no host,
and the path, query and fragment come back percent-decoded. ``url_extract_parameter`` and
``url_decode`` decode as ``java.net.URLDecoder`` (``+`` is a space, a bad escape fails), and
``url_encode`` escapes as Guava's form-parameter escaper. DuckDB's core has no URL functions,
and Python's ``urllib`` accepts and splits URIs Java rejects, so the parsing is written out here
and installed as Python functions.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from typing import Any

from duckdb import sqltypes
from sqlglot import exp

from .trino_rewrites import (
    BAD_ARGUMENT,
    CallRewrite,
    Family,
    PythonFunction,
    call,
    function_installer,
    python_error,
    renamed,
)

# java.net.URI, after RFC 2396 with Java's deviations: an invalid URI is NULL, a missing part ''.
_ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ALNUM = _ALPHA + "0123456789"
_UNRESERVED = _ALNUM + "-_.!~*'()"
_URIC = _UNRESERVED + ";/?:@&=+$,[]"
_PATH = _UNRESERVED + ":@&=+$,;/"
_USERINFO = _UNRESERVED + ";:&=+$,"
_REG_NAME = _UNRESERVED + "$,;:@&=+"
_SERVER = _USERINFO + _ALNUM + "-.:@[]"
_HEX = "0123456789abcdefABCDEF"


class _BadUri(Exception):
    pass


def _scan(text: str, allowed: str, escapes: bool = True) -> int:
    """Length of the prefix made of ``allowed`` characters (and escapes, and non-ASCII)."""
    i = 0
    while i < len(text):
        char = text[i]
        if char in allowed:
            i += 1
        elif escapes and char == "%":
            if i + 2 < len(text) + 0 and text[i + 1] in _HEX and text[i + 2] in _HEX:
                i += 3
            else:
                raise _BadUri
        elif escapes and ord(char) > 128 and not char.isspace() and unicodedata.category(char) != "Cc":
            i += 1
        else:
            break
    return i


def _check(text: str, allowed: str, escapes: bool = True) -> str:
    if _scan(text, allowed, escapes) != len(text):
        raise _BadUri
    return text


def _server(authority: str) -> tuple[str | None, int]:
    """(host, port) of a server-based authority; _BadUri when it is not one."""
    rest = authority
    if "@" in rest:
        userinfo, rest = rest.split("@", 1)
        _check(userinfo, _USERINFO)
    if rest.startswith("["):
        end = rest.find("]")
        if end < 0 or not re.fullmatch(r"[0-9A-Fa-f:.]+(%[\w.]+)?", rest[1:end]):
            raise _BadUri
        host, rest = rest[: end + 1], rest[end + 1 :]
    else:
        ipv4 = re.match(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?=:|$)", rest)
        if ipv4 and all(int(g) <= 255 for g in ipv4.groups()):
            host = ipv4.group(0)
        else:
            labels = re.match(
                r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.?",
                rest,
            )
            if labels is None:
                raise _BadUri
            host = labels.group(0)
            last = host.rstrip(".").rsplit(".", 1)
            if len(last) == 2 and not last[1][0].isalpha():
                raise _BadUri
        rest = rest[len(host) :]
    port = -1
    if rest.startswith(":"):
        digits = rest[1:]
        if digits:
            if not digits.isascii() or not digits.isdigit() or int(digits) > 2**31 - 1:
                raise _BadUri
            port = int(digits)
        rest = ""
    if rest:
        raise _BadUri
    return host, port


def _authority(authority: str) -> tuple[str | None, int]:
    """(host, port) of a server-based authority; a registry-based one (``my_host``) has neither."""
    server = _scan(authority, _SERVER + ("%" if "]" in authority else ""), escapes=False) == len(authority)
    registry = _scan(authority, _REG_NAME) == len(authority)
    if server:
        try:
            return _server(authority)
        except (_BadUri, ValueError):
            if not registry:
                raise _BadUri from None
    elif not registry:
        raise _BadUri
    return None, -1


def _parse_uri(url: str) -> dict[str, Any] | None:
    parts: dict[str, Any] = {
        "scheme": None,
        "host": None,
        "port": -1,
        "path": None,
        "query": None,
        "fragment": None,
    }
    try:
        text, _, fragment = url.partition("#")
        if "#" not in url:
            fragment = None
        if fragment is not None:
            parts["fragment"] = _check(fragment, _URIC)
        scheme = re.match(r"([^/?#:]*):", text)
        if scheme:
            if not scheme.group(1) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme.group(1)):
                raise _BadUri
            parts["scheme"] = scheme.group(1)
            text = text[scheme.end() :]
            if not text.startswith("/"):
                if not text:
                    raise _BadUri
                _check(text, _URIC)  # opaque: no host, path or query
                return parts
        if text.startswith("//"):
            end = min([i for i in (text.find("/", 2), text.find("?", 2)) if i >= 0], default=len(text))
            authority = text[2:end]
            if not authority and end == len(text):
                raise _BadUri
            if authority:
                parts["host"], parts["port"] = _authority(authority)
            text = text[end:]
        path, query = text.split("?", 1) if "?" in text else (text, None)
        parts["path"] = _check(path, _PATH)
        if query is not None:
            parts["query"] = _check(query, _URIC)
    except _BadUri:
        return None
    return parts


def _decode(text: str | None) -> str:
    return urllib.parse.unquote(text, errors="replace") if text else ""


def url_extract(url: str, part: str) -> str | None:
    parts = _parse_uri(url)
    if parts is None:
        return None
    if part in ("path", "query", "fragment"):
        return _decode(parts[part])
    return parts[part] or ""


def url_extract_port(url: str) -> int | None:
    parts = _parse_uri(url)
    return None if parts is None or parts["port"] < 0 else parts["port"]


def _form_decode(text: str) -> str:
    """java.net.URLDecoder: '+' is a space, %XX bytes are UTF-8, a bad escape fails."""
    if re.search(r"%(?![0-9A-Fa-f]{2})", text):
        raise python_error(BAD_ARGUMENT, "URLDecoder: Illegal hex characters in escape (%) pattern")
    return urllib.parse.unquote_plus(text, errors="replace")


def url_extract_parameter(url: str, name: str) -> str | None:
    parts = _parse_uri(url)
    if parts is None or parts["query"] is None:
        return None
    for argument in parts["query"].split("&"):
        key, _, value = argument.partition("=")
        if key == name:
            return _form_decode(value) if "=" in argument else ""
    return None


def url_encode(text: str) -> str:
    """Guava's form-parameter escaper: alphanumerics and ``.-*_`` kept, space as ``+``."""
    out = []
    for char in text:
        if char.isascii() and (char.isalnum() or char in "-_.*"):
            out.append(char)
        elif char == " ":
            out.append("+")
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def url_decode(text: str) -> str:
    return _form_decode(text)


def _url_part(part: str) -> CallRewrite:
    def rewrite(node: exp.Anonymous) -> exp.Expression | None:
        if len(node.expressions) != 1:
            return None
        return call("trino_url_extract", node.expressions[0], exp.Literal.string(part))

    return rewrite


_VARCHAR = sqltypes.VARCHAR
_PYTHON_FUNCTIONS: tuple[PythonFunction, ...] = (
    ("trino_url_extract", url_extract, [_VARCHAR, _VARCHAR], _VARCHAR),
    ("trino_url_extract_port", url_extract_port, [_VARCHAR], sqltypes.BIGINT),
    ("trino_url_extract_parameter", url_extract_parameter, [_VARCHAR, _VARCHAR], _VARCHAR),
    ("trino_url_encode", url_encode, [_VARCHAR], _VARCHAR),
    ("trino_url_decode", url_decode, [_VARCHAR], _VARCHAR),
)

FAMILY = Family(
    name="URLs",
    calls={
        "url_extract_host": _url_part("host"),
        "url_extract_path": _url_part("path"),
        "url_extract_protocol": _url_part("scheme"),
        "url_extract_query": _url_part("query"),
        "url_extract_fragment": _url_part("fragment"),
        "url_extract_port": renamed("trino_url_extract_port", 1),
        "url_extract_parameter": renamed("trino_url_extract_parameter", 2),
        "url_encode": renamed("trino_url_encode", 1),
        "url_decode": renamed("trino_url_decode", 1),
    },
    install=(function_installer(_PYTHON_FUNCTIONS),),
)
