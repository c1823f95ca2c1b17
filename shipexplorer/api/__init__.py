"""Steamship over HTTP, without Qt: settings, requests, decoding, tasks, errors, exchanges, exports.

Typical use::

    client = SteamshipClient(ConnectionSettings(api_base=..., app_base=..., api_key=key))
    inst = client.instance_create("echo", "my-echo").value
    result = client.invoke(inst, "echo", {"hello": "world"}, cancel=CancelToken())
"""

from .client import USER_AGENT, Result, SteamshipClient
from .connection_check import ConnectionReport, check_connection
from .decode import Data, Decoded, decode, parse_retry_after
from .errors import (
    ApiError,
    Cancelled,
    ConnectFailed,
    ConnectionDropped,
    ConnectionRefused,
    ConnectTimeout,
    DeadlineExceeded,
    DnsError,
    HttpError,
    InsecureTransportError,
    NetworkError,
    PoolTimeout,
    ProtocolError,
    RateLimited,
    ReadTimeout,
    RedirectNotFollowed,
    RemoteError,
    RequestTimeout,
    TaskFailed,
    TlsError,
    WriteTimeout,
    describe,
)
from .exchange import Exchange
from .export import to_curl, to_python
from .methods import ArgSpec, MethodSpec, PackageSpec, parse_methods
from .models import ConfigField, Package, PackageInstance, Page, User, Workspace
from .redact import redact
from .request import NO_BODY, ApiRequest, InstanceRef
from .retry import RetryPolicy, is_idempotent
from .settings import ConnectionSettings, is_local, is_loopback_url
from .tasks import Task, find_task
from .transport import CancellableTransport, CancelToken

__all__ = [
    "NO_BODY",
    "USER_AGENT",
    "ApiError",
    "ApiRequest",
    "ArgSpec",
    "CancelToken",
    "CancellableTransport",
    "Cancelled",
    "ConfigField",
    "ConnectFailed",
    "ConnectTimeout",
    "ConnectionDropped",
    "ConnectionRefused",
    "ConnectionReport",
    "ConnectionSettings",
    "Data",
    "DeadlineExceeded",
    "Decoded",
    "DnsError",
    "Exchange",
    "HttpError",
    "InsecureTransportError",
    "InstanceRef",
    "MethodSpec",
    "NetworkError",
    "Package",
    "PackageInstance",
    "PackageSpec",
    "Page",
    "PoolTimeout",
    "ProtocolError",
    "RateLimited",
    "ReadTimeout",
    "RedirectNotFollowed",
    "RemoteError",
    "RequestTimeout",
    "Result",
    "RetryPolicy",
    "SteamshipClient",
    "Task",
    "TaskFailed",
    "TlsError",
    "User",
    "Workspace",
    "WriteTimeout",
    "check_connection",
    "decode",
    "describe",
    "find_task",
    "is_idempotent",
    "is_local",
    "is_loopback_url",
    "parse_methods",
    "parse_retry_after",
    "redact",
    "to_curl",
    "to_python",
]
