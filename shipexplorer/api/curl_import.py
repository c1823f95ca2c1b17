"""Import a ``curl`` command line as a request: instance, workspace, method, verb and body.

The URL must be a package-method call, ``{app_base}{workspace}/{instance}/{method…}`` (with the
owner's handle as a sub-domain on a non-local app base). A GET's query string becomes the body's
JSON object; a JSON body is kept as the text it was (pretty-printed when it parses). The key in an
``Authorization`` header is never kept. Anything that is not such a command raises
:class:`CurlImportError` with one sentence for the user; nothing else is raised, whatever the text.
"""

from __future__ import annotations

import json
import shlex
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .settings import is_local

# curl options that take a value we do not need (skipped with it); everything else that starts
# with "-" and is not understood is a flag.
_VALUE_OPTIONS = {
    "-A", "--user-agent", "-b", "--cookie", "-c", "--cookie-jar", "-e", "--referer", "-o",
    "--output", "-u", "--user", "-m", "--max-time", "--connect-timeout", "-x", "--proxy",
    "--retry", "-w", "--write-out", "--cacert", "--cert", "--key", "-E", "-r", "--range",
    "--resolve", "-T", "--upload-file", "-F", "--form", "--limit-rate", "-K", "--config",
    "--data-urlencode", "--url-query", "--max-redirs", "--interface",
}  # fmt: skip
_DATA_OPTIONS = {"-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--json"}
_KNOWN_FLAGS = set("sSLikvfgGNq#I")


class CurlImportError(ValueError):
    """The text is not a curl command for a package-method call; the message says why."""


def _tokens(command: str) -> list[str]:
    text = command.replace("\\\r\n", " ").replace("\\\n", " ").strip()
    try:
        tokens = shlex.split(text)
    except ValueError as exc:
        raise CurlImportError(f"The command cannot be read as shell words: {exc}.") from None
    if not tokens or tokens[0].rsplit("/", 1)[-1] not in ("curl", "curl.exe"):
        raise CurlImportError("This is not a curl command (it should start with “curl”).")
    return tokens[1:]


def _parse_args(args: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {"verb": None, "headers": [], "data": [], "url": None, "get": False}
    i = 0
    while i < len(args):
        arg = args[i]

        def value(name: str) -> str:
            nonlocal i
            if i + 1 >= len(args):
                raise CurlImportError(f"The option {name} needs a value.")
            i += 1
            return args[i]

        if arg in ("-X", "--request"):
            found["verb"] = value(arg).upper()
        elif arg.startswith("-X") and len(arg) > 2:
            found["verb"] = arg[2:].upper()
        elif arg in ("-H", "--header"):
            found["headers"].append(value(arg))
        elif arg in _DATA_OPTIONS:
            found["data"].append(value(arg))
            if arg == "--json":
                found["headers"].append("Content-Type: application/json")
        elif arg.startswith("-d") and len(arg) > 2:
            found["data"].append(arg[2:])
        elif arg == "--url":
            found["url"] = value(arg)
        elif arg in ("-G", "--get"):
            found["get"] = True
        elif arg in _VALUE_OPTIONS:
            value(arg)
        elif arg.startswith("--") or (arg.startswith("-") and set(arg[1:]) <= _KNOWN_FLAGS):
            pass  # a flag (-sS, --compressed, --fail…)
        elif arg.startswith("-") and len(arg) > 1:
            raise CurlImportError(f"The curl option {arg} is not understood.")
        elif found["url"] is None:
            found["url"] = arg
        else:
            raise CurlImportError("The command has more than one URL; import one call at a time.")
        i += 1
    return found


def _route(url: str, app_base: str | None) -> tuple[str, str, str, str]:
    """``(workspace, instance, method, query)`` of an invoke URL."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError as exc:
        raise CurlImportError(f"The URL cannot be read: {exc}.") from None
    if parts.scheme not in ("http", "https") or not host:
        raise CurlImportError("The URL should start with http:// or https:// and name a host.")
    path = parts.path
    if app_base:
        base = urlsplit(app_base)
        prefix = base.path.rstrip("/")
        same_host = host == base.hostname or (
            not is_local(app_base) and host.endswith("." + (base.hostname or ""))
        )
        if not same_host or not (path + "/").startswith(prefix + "/"):
            raise CurlImportError(
                f"The URL is not a package-method call under the app base {app_base}."
            )
        path = path[len(prefix) :]
    segments = [unquote(s) for s in path.strip("/").split("/")]
    if len(segments) < 3 or not all(segments[:3]):
        if segments and segments[0] in ("api", "v1"):
            raise CurlImportError("The URL is an API operation, not a package-method call.")
        raise CurlImportError(
            "The URL should end in /{workspace}/{instance}/{method} (a package-method call)."
        )
    return segments[0], segments[1], "/".join(segments[2:]), parts.query


def _body(data: list[str], query: str, verb: str) -> str:
    if verb == "GET":
        pairs = parse_qsl(query, keep_blank_values=True)
        for chunk in data:
            pairs += parse_qsl(chunk, keep_blank_values=True)
        if not pairs:
            return ""
        args: dict[str, Any] = {}
        for key, val in pairs:
            if key in args:
                args[key] = (args[key] if isinstance(args[key], list) else [args[key]]) + [val]
            else:
                args[key] = val
        return json.dumps(args, indent=2, ensure_ascii=False)
    text = "&".join(data)
    if text.startswith("@"):
        raise CurlImportError("The body comes from a file (@…); paste the body itself instead.")
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        return text


def parse_curl(command: str, app_base: str | None = None) -> dict[str, Any]:
    """A request from a curl command line, as a dict of :class:`RequestSpec` fields (``name``,
    ``instance``, ``workspace``, ``method``, ``verb``, ``body``, ``notes``, ``presentation``).

    ``app_base`` (the profile's) is stripped from the URL; without it the path's first three
    segments are taken as workspace, instance and method. Raises only :class:`CurlImportError`.
    """
    try:
        return _parse(command, app_base)
    except CurlImportError:
        raise
    except Exception as exc:  # a safety net at the user's boundary (the tests run without it)
        raise CurlImportError(f"The command could not be imported: {exc}.") from None


def _parse(command: str, app_base: str | None) -> dict[str, Any]:
    found = _parse_args(_tokens(command))
    if not found["url"]:
        raise CurlImportError("The command has no URL.")
    verb = found["verb"] or ("GET" if found["get"] or not found["data"] else "POST")
    if found["get"]:
        verb = "GET"
    if verb not in ("GET", "POST"):
        raise CurlImportError(f"Package methods are called with GET or POST, not {verb}.")
    workspace, instance, method, query = _route(found["url"], app_base)
    if workspace == "_":  # no workspace in the URL: the header's, else the default
        workspace = ""
        for header in found["headers"]:
            name, _, val = header.partition(":")
            if name.strip().lower() == "x-workspace-handle":
                workspace = val.strip()
    return {
        "name": method,
        "instance": instance,
        "workspace": workspace or None,
        "method": method,
        "verb": verb,
        "body": _body(found["data"], query, verb),
        "notes": "Imported from a curl command.",
        "presentation": None,
    }
