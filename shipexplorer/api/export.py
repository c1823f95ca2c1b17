"""Export a call as a ``curl`` command, as Python with the official ``steamship`` client, or as an
HTTPie command.

The key is always written as ``$STEAMSHIP_API_KEY`` (an environment variable), never literally,
whatever the settings carry; so is :data:`KEY_REFERENCE` (``{{STEAMSHIP_API_KEY}}``), which a body
says instead of the key (curl and HTTPie read the variable in the shell, between the quotes of
the body; Python reads ``os.environ["STEAMSHIP_API_KEY"]``). A call that started a task is
exported with what follows it: curl polls ``task/status`` in a shell loop until the task ends;
Python calls ``task.wait()``.
:class:`CallExport` describes a call the way the editor, saved requests and history hold it (handles
and the body's text), so no client is needed to export one.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from .exchange import Exchange
from .redact import redact
from .request import NO_BODY, ApiRequest
from .settings import ConnectionSettings, is_local

KEY_VAR = "STEAMSHIP_API_KEY"
#: what a body says instead of the key: the request runner fills it in at send time
KEY_REFERENCE = "{{" + KEY_VAR + "}}"
#: the reference as a body or a URL may spell it (a GET's query encodes it)
_REFERENCE = re.compile(
    "|".join(re.escape(s) for s in (KEY_REFERENCE, quote(KEY_REFERENCE, safe=""))), re.I
)
_KEY_IN_SHELL = f'"${KEY_VAR}"'
_KEY_IN_PYTHON = f'os.environ["{KEY_VAR}"]'
_SKIP = {"content-length", "host", "user-agent", "accept", "accept-encoding", "connection"}


def _request_parts(
    source: ApiRequest | Exchange, settings: ConnectionSettings | None, client: Any = None
) -> tuple[str, str, list[tuple[str, str]], bytes | None]:
    if isinstance(source, Exchange):
        return source.method, source.url, list(source.request_headers), source.request_body
    if client is not None:
        headers = client.headers_for(source, api_key="***")
    else:
        headers = [("Authorization", "Bearer ***")]
        if settings is not None and settings.workspace_id:
            headers.append(("X-Workspace-Id", settings.workspace_id))
        elif settings is not None and settings.workspace_handle:
            headers.append(("X-Workspace-Handle", settings.workspace_handle))
        if source.json_body is not NO_BODY:
            headers.append(("Content-Type", "application/json"))
    return source.method, source.url, headers, source.body_bytes()


def _shell_quote(text: str) -> str:
    """``shlex.quote(text)``, with each :data:`KEY_REFERENCE` in it read from
    ``$STEAMSHIP_API_KEY`` (the quotes close around ``"$STEAMSHIP_API_KEY"`` and reopen)."""
    pieces = _REFERENCE.split(text)
    if len(pieces) == 1:
        return shlex.quote(text)
    return _KEY_IN_SHELL.join(shlex.quote(piece) if piece else "" for piece in pieces)


def _secrets(settings: ConnectionSettings | None) -> tuple[str, ...]:
    return (settings.api_key,) if settings is not None and settings.api_key else ()


def to_curl(
    source: ApiRequest | Exchange,
    settings: ConnectionSettings | None = None,
    *,
    client: Any = None,
    task: bool = False,
) -> str:
    """A shell command that repeats the call; the key comes from ``$STEAMSHIP_API_KEY``.

    With ``task`` (the call starts a task), a script: the call, the task id read from its answer,
    then a ``task/status`` loop (see :func:`curl_task_poll`) printing the final status.
    """
    method, url, headers, body = _request_parts(source, settings, client)
    secrets = _secrets(settings)
    parts = ["curl", "-sS", "-X", method, _shell_quote(redact(url, secrets))]
    for name, value in headers:
        if name.lower() in _SKIP:
            continue
        if name.lower() == "authorization":
            parts += ["-H", f'"Authorization: Bearer ${KEY_VAR}"']
            continue
        parts += ["-H", shlex.quote(f"{name}: {redact(value, secrets)}")]
    if body is not None:
        text = redact(body.decode("utf-8", errors="replace"), secrets)
        parts += ["--data-raw", _shell_quote(text)]
    command = " \\\n  ".join(_pairs(parts))
    if not task:
        return command
    if settings is None:
        raise ValueError("exporting a task's polling loop needs the connection settings")
    loop = "".join(f"  {line}\n" for line in _poll_loop(settings, '"$task_id"'))
    return (
        f"answer=$({command})\n"
        f"task_id=$({_json_field('taskId', '$answer')})\n"
        'if [ -z "$task_id" ]; then\n'
        "  printf '%s\\n' \"$answer\"\n"
        "else\n"
        f"{loop}"
        "fi\n"
    )


def _json_field(name: str, source: str) -> str:
    """Shell that prints the first ``"name": "value"`` string of ``source`` (no jq needed)."""
    return (
        f'printf \'%s\' "{source}" | grep -Eo \'"{name}" *: *"[^"]*"\' | head -n 1'
        ' | sed -E \'s/.*: *"([^"]*)"$/\\1/\''
    )


def _poll_loop(settings: ConnectionSettings, task_id: str) -> list[str]:
    """A loop polling ``task/status`` every second (as the official client does) until the task
    succeeds or fails, then printing the last answer. ``task_id`` is shell text (quoted)."""
    secrets = _secrets(settings)
    url = shlex.quote(redact(settings.api_base + "task/status", secrets))
    headers = [f'-H "Authorization: Bearer ${KEY_VAR}"']
    if settings.workspace_id:
        headers.append("-H " + shlex.quote(f"X-Workspace-Id: {settings.workspace_id}"))
    elif settings.workspace_handle:
        headers.append("-H " + shlex.quote(f"X-Workspace-Handle: {settings.workspace_handle}"))
    headers.append("-H 'Content-Type: application/json'")
    data = f"--data-raw '{{\"taskId\": \"'{task_id}'\"}}'"
    state = _json_field("(state|taskState)", "$status")
    lines = [
        "while :; do",
        f"  status=$(curl -sS -X POST {url} {' '.join(headers)} {data}) || break",
        f"  state=$({state})",
        '  case "$state" in',
        "    succeeded|failed) printf '%s\\n' \"$status\"; break ;;",
        "  esac",
        "  sleep 1",
        "done",
    ]
    return lines


def curl_task_poll(settings: ConnectionSettings, task_id: str) -> str:
    """A shell script that polls the task ``task_id`` until it ends and prints its final status
    (``$STEAMSHIP_API_KEY`` holds the key)."""
    lines = [f"task_id={shlex.quote(redact(task_id, _secrets(settings)))}"]
    return "\n".join(lines + _poll_loop(settings, '"$task_id"')) + "\n"


def _pairs(parts: list[str]) -> list[str]:
    """Group flags with their values so the command reads one option per line."""
    lines: list[str] = [" ".join(parts[:5])]
    i = 5
    while i < len(parts):
        lines.append(f"{parts[i]} {parts[i + 1]}")
        i += 2
    return lines


def _py(value: Any) -> str:
    """``value`` as Python source; a :data:`KEY_REFERENCE` in a text reads the environment."""
    if not _holds_reference(value):
        return repr(value)
    if isinstance(value, str):
        pieces = value.split(KEY_REFERENCE)
        parts = [repr(pieces[0])] if pieces[0] else []
        for piece in pieces[1:]:
            parts.append(_KEY_IN_PYTHON)
            if piece:
                parts.append(repr(piece))
        return " + ".join(parts)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_py(k)}: {_py(v)}" for k, v in value.items()) + "}"
    items = ", ".join(_py(v) for v in value)
    return f"({items},)" if isinstance(value, tuple) else f"[{items}]"


def _holds_reference(value: Any) -> bool:
    if isinstance(value, str):
        return KEY_REFERENCE in value
    if isinstance(value, dict):
        return any(_holds_reference(k) or _holds_reference(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds_reference(v) for v in value)
    return False


def to_python(
    source: ApiRequest | Exchange, settings: ConnectionSettings, *, task: bool = False
) -> str:
    """Python that makes the same call with the official client (steamship 2.17); with ``task``
    (the call starts a task) it waits for the task (``task.wait()``) and prints its output."""
    request = source.request if isinstance(source, Exchange) else source
    if request is None:
        raise ValueError("this exchange does not carry its request")
    secrets = (settings.api_key,) if settings.api_key else ()
    kwargs = [
        f'api_key=os.environ["{KEY_VAR}"]',
        f"api_base={_py(settings.api_base)}",
        f"app_base={_py(settings.app_base)}",
    ]
    ref = request.instance
    workspace = (
        ref.workspace_handle if ref and ref.workspace_handle else None
    ) or settings.workspace_handle
    if workspace:
        kwargs.append(f"workspace={_py(workspace)}")
    lines = ["import os", "", f"from steamship import Steamship{', Task' if task else ''}"]
    if ref is not None and ref.package_handle is None:
        lines.append("from steamship.data.package.package_instance import PackageInstance")
    lines += ["", "client = Steamship(", *[f"    {kw}," for kw in kwargs], ")"]
    if request.package_call and ref is not None:
        if ref.package_handle:
            use = [_py(ref.package_handle), _py(ref.instance_handle)]
            if ref.config:
                use.append(f"config={_py(ref.config)}")
            lines.append(f"instance = client.use({', '.join(use)})")
        else:
            lines.append(f"instance = PackageInstance.get(client, {_py(ref.instance_handle)})")
        call = [_py(request.method_path)]
        if request.method != "POST":
            call.append(f"verb={_py(request.method)}")
        args = request.args if isinstance(request.args, dict) else {}
        if args:
            call.append(f"**{_py(args)}")
        lines.append(f"result = instance.invoke({', '.join(call)})")
    else:
        body = None if request.json_body is NO_BODY else request.json_body
        verb = "get" if request.method == "GET" else "post"
        payload = request.args if request.method == "GET" else body
        call = [_py(request.operation)]
        if payload:
            call.append(_py(payload))
        if request.background:
            call.append("as_background_task=True")
        lines.append(f"result = client.{verb}({', '.join(call)})")
    if task:
        lines.append("task = result if isinstance(result, Task) else Task(client=client, **result)")
        lines.append("print(task.wait())")
    else:
        lines.append("print(result)")
    return redact("\n".join(lines) + "\n", secrets)


def to_httpie(
    source: ApiRequest | Exchange, settings: ConnectionSettings | None = None, *, client: Any = None
) -> str:
    """An HTTPie (``http``) command that repeats the call; the key comes from
    ``$STEAMSHIP_API_KEY``. The body is sent as it is with ``--raw`` (HTTPie 3.2 and later)."""
    method, url, headers, body = _request_parts(source, settings, client)
    secrets = _secrets(settings)
    parts = ["http", "--ignore-stdin"]
    if body is not None:
        parts += ["--raw", _shell_quote(redact(body.decode("utf-8", errors="replace"), secrets))]
    parts += [method, _shell_quote(redact(url, secrets))]
    for name, value in headers:
        if name.lower() in _SKIP:
            continue
        if name.lower() == "authorization":
            parts.append(f'"Authorization:Bearer ${KEY_VAR}"')
        else:
            parts.append(shlex.quote(f"{name}:{redact(value, secrets)}"))
    return " ".join(parts)


def _query(args: Any) -> str:
    """A query string as the official client (``requests``) writes GET arguments: None skipped,
    lists repeated, ``str()`` of the rest."""
    pairs: list[tuple[str, str]] = []
    for key, values in args.items() if isinstance(args, dict) else []:
        if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple)):
            values = [values]
        pairs += [(str(key), v if isinstance(v, str) else str(v)) for v in values if v is not None]
    return urlencode(pairs)


@dataclass(frozen=True)
class CallExport:
    """A package-method call as the editor, a saved request or a history entry holds it.

    ``body`` is the editor's JSON text (blank means ``{}``); ``task`` says the call starts a task
    (the export then follows it to its end). ``user_handle`` is needed only for a non-local app
    base (it becomes a sub-domain); ``package`` lets Python use ``client.use(package, instance)``.
    """

    instance: str
    method: str
    body: str = ""
    verb: str = "POST"
    workspace: str | None = None
    package: str | None = None
    user_handle: str | None = None
    task: bool = False

    def args(self) -> Any:
        """The body's JSON value; raises ``ValueError`` ("line L, column C: …") when invalid."""
        if not self.body.strip():
            return {}
        try:
            return json.loads(self.body)
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        except RecursionError:
            raise ValueError("the body is nested too deeply") from None

    def settings_for(self, settings: ConnectionSettings) -> ConnectionSettings:
        """``settings`` scoped to this call's workspace (when it names one of its own)."""
        if self.workspace and self.workspace != settings.workspace_handle:
            return settings.replace(workspace_handle=self.workspace, workspace_id=None)
        return settings

    def request(self, settings: ConnectionSettings) -> ApiRequest:
        """The request the official client sends for this call (no key in it)."""
        from .request import InstanceRef

        settings = self.settings_for(settings)
        verb = self.verb.upper()
        args = self.args()
        if verb == "GET" and not isinstance(args, dict):
            raise ValueError("a GET request needs a JSON object (sent as the query)")
        base = settings.app_base
        if not is_local(base):
            if not self.user_handle:
                raise ValueError("a non-local app base needs the instance owner's user handle")
            scheme, _, rest = base.partition("//")
            base = f"{scheme}//{self.user_handle}.{rest}"
        path = self.method.lstrip("/")
        workspace = settings.workspace_handle or "_"
        url = f"{base.rstrip('/')}/{workspace}/{self.instance}/{path}"
        if verb == "GET" and _query(args):
            url += "?" + _query(args)
        ref = InstanceRef(
            instance_handle=self.instance,
            workspace_handle=settings.workspace_handle,
            user_handle=self.user_handle,
            package_handle=self.package,
        )
        return ApiRequest(
            verb,
            url,
            json_body=NO_BODY if verb == "GET" else args,
            package_call=True,
            package_owner=self.user_handle,
            instance=ref,
            method_path=path,
            args=args,
        )


EXPORT_KINDS = ("curl", "python", "httpie")


def export_call(kind: str, call: CallExport, settings: ConnectionSettings) -> str:
    """``call`` as ``kind`` ("curl", "python" or "httpie"); ``ValueError`` for a bad body."""
    request = call.request(settings)
    scoped = call.settings_for(settings)
    if kind == "curl":
        return to_curl(request, scoped, task=call.task)
    if kind == "python":
        return to_python(request, scoped, task=call.task)
    if kind == "httpie":
        return to_httpie(request, scoped)
    raise ValueError(f"unknown export kind {kind!r}; one of {', '.join(EXPORT_KINDS)}")
