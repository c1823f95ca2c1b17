"""Which proxy a URL goes through, from ``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY``/``NO_PROXY``.

Read here rather than by httpx (``trust_env``), which does not honour ``NO_PROXY`` address ranges:
a request meant for ``10.1.2.3`` with ``NO_PROXY=10.0.0.0/8`` would go to the proxy, key
included. The rules follow curl and Python's ``urllib``:

- the lower-case spelling of a variable wins over the upper-case one; an empty value is unset;
  under CGI (``REQUEST_METHOD`` set) upper-case ``HTTP_PROXY`` is ignored ("httpoxy");
- ``https://`` URLs use ``HTTPS_PROXY``, ``http://`` ones ``HTTP_PROXY``, both fall back to
  ``ALL_PROXY``; a proxy given without a scheme is ``http://``;
- ``NO_PROXY`` is a list separated by commas or blanks: ``*`` (everything), a host name (that host
  and every name under it; a leading ``.`` or ``*.`` is ignored), an IP address, or an address
  range in CIDR form (``10.0.0.0/8``, ``fd00::/8``), which applies to hosts given as addresses
  (names are not resolved to decide); an entry may end in ``:port`` to apply to that port only;
- loopback hosts (``localhost``, ``127.0.0.0/8``, ``::1``) never go through a proxy.

Pure Python: no httpx, no Qt.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .settings import is_loopback_host

#: The variables read, in the order :func:`describe` lists them.
PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY")
#: Proxy schemes the transport can use (a plain-TCP proxy speaking HTTP: CONNECT for https).
SUPPORTED_SCHEMES = ("http",)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SPLIT = re.compile(r"[\s,]+")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def variable(environ: Mapping[str, str], name: str) -> tuple[str, str] | None:
    """``(spelling, value)`` of a proxy variable as set (lower case first), or None when unset."""
    lower, upper = name.lower(), name.upper()
    cgi = upper == "HTTP_PROXY" and "REQUEST_METHOD" in environ
    candidates = [lower] if cgi else [lower, upper]
    for spelling in candidates:
        value = environ.get(spelling, "").strip()
        if value:
            return spelling, value
    return None


def _ip(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _split_port(entry: str) -> tuple[str, int | None]:
    """``host:port`` / ``[v6]:port`` / ``v6`` / ``host`` -> (host, port or None)."""
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
        return host, int(port) if port.isdigit() else None
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        if port.isdigit():
            return host, int(port)
        return host, None
    return entry, None


def _normal_host(host: str) -> str:
    return host.strip().strip("[]").lower().rstrip(".")


@dataclass(frozen=True)
class NoProxy:
    """A parsed ``NO_PROXY`` value."""

    everything: bool = False
    names: tuple[tuple[str, int | None], ...] = ()
    addresses: tuple[tuple[IPAddress, int | None], ...] = ()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, value: str | None) -> NoProxy:
        everything = False
        names: list[tuple[str, int | None]] = []
        addresses: list[tuple[IPAddress, int | None]] = []
        networks: list[IPNetwork] = []
        for entry in _SPLIT.split(value or ""):
            if not entry:
                continue
            if entry == "*":
                everything = True
            elif "/" in entry:
                try:
                    networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
                except ValueError:
                    continue  # not a range: nothing to match
            elif (address := _ip(entry)) is not None:
                addresses.append((address, None))
            else:
                host, port = _split_port(entry)
                if (address := _ip(host)) is not None:
                    addresses.append((address, port))
                    continue
                host = _normal_host(host)
                host = host[2:] if host.startswith("*.") else host.lstrip(".")
                if host:
                    names.append((host, port))
        return cls(everything, tuple(names), tuple(addresses), tuple(networks))

    def matches(self, host: str, port: int | None = None) -> bool:
        """True when a request to ``host`` (and ``port``) must not use a proxy."""
        if self.everything:
            return True
        address = _ip(host)
        if address is not None:
            if any(net.version == address.version and address in net for net in self.networks):
                return True
            return any(a == address and p in (None, port) for a, p in self.addresses)
        host = _normal_host(host)
        return any(
            (host == name or host.endswith("." + name)) and p in (None, port)
            for name, p in self.names
        )


def bypasses(host: str, no_proxy: str | None, port: int | None = None) -> bool:
    """True when ``NO_PROXY=no_proxy`` sends a request to ``host`` (``port``) direct."""
    return NoProxy.parse(no_proxy).matches(host, port)


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return ""


def normalise_proxy(value: str) -> str:
    """A proxy variable's value as a URL: ``proxy:3128`` becomes ``http://proxy:3128``."""
    value = value.strip()
    return value if "://" in value else "http://" + value


def mask_proxy(value: str) -> str:
    """A proxy URL fit to print: scheme, host and port only; ``user:pass@`` becomes ``***@``."""
    try:
        parts = urlsplit(normalise_proxy(value))
        host, port = parts.hostname, parts.port
    except ValueError:
        return "(not a valid URL)"
    if not host:
        return "(not a valid URL)"
    shown = f"[{host}]" if ":" in host else host
    userinfo = "***@" if "@" in parts.netloc else ""
    return f"{parts.scheme}://{userinfo}{shown}{f':{port}' if port else ''}"


@dataclass(frozen=True)
class Route:
    """Where a URL goes: through ``proxy`` (a URL, credentials included), named by ``source``."""

    proxy: str
    source: str  # the variable, as spelled in the environment

    @property
    def scheme(self) -> str:
        return _scheme(self.proxy)

    @property
    def supported(self) -> bool:
        return self.scheme in SUPPORTED_SCHEMES

    @property
    def shown(self) -> str:
        """The proxy without credentials, for messages."""
        return mask_proxy(self.proxy)


@dataclass(frozen=True)
class ProxyEnvironment:
    """A snapshot of the proxy variables, and the decision per URL."""

    https: tuple[str, str] | None = None  # (spelling, value)
    http: tuple[str, str] | None = None
    all: tuple[str, str] | None = None
    no_proxy_value: tuple[str, str] | None = None
    no_proxy: NoProxy = field(default_factory=NoProxy)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> ProxyEnvironment:
        env = os.environ if environ is None else environ
        no_proxy = variable(env, "NO_PROXY")
        return cls(
            https=variable(env, "HTTPS_PROXY"),
            http=variable(env, "HTTP_PROXY"),
            all=variable(env, "ALL_PROXY"),
            no_proxy_value=no_proxy,
            no_proxy=NoProxy.parse(no_proxy[1] if no_proxy else None),
        )

    @property
    def any_proxy(self) -> bool:
        return bool(self.https or self.http or self.all)

    def route(self, url: str, *, exempt_loopback: bool = True) -> Route | None:
        """The proxy for ``url``, or None to go direct. ``exempt_loopback=False`` is for tests
        only: it lets a loopback URL through a proxy, to prove tunnelling on this machine."""
        try:
            parts = urlsplit(url)
            host, port = parts.hostname or "", parts.port
        except ValueError:
            return None
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not host:
            return None
        if exempt_loopback and is_loopback_host(host):
            return None
        chosen = (self.https if scheme == "https" else self.http) or self.all
        if chosen is None:
            return None
        if self.no_proxy.matches(host, port or _DEFAULT_PORTS[scheme]):
            return None
        spelling, value = chosen
        return Route(normalise_proxy(value), spelling)

    def describe(self) -> list[str]:
        """One ``NAME=value`` per variable set, proxies masked (never a password)."""
        lines = []
        for seen in (self.https, self.http, self.all):
            if seen is not None:
                spelling, value = seen
                note = ""
                if _scheme(normalise_proxy(value)) not in SUPPORTED_SCHEMES:
                    note = " (not supported: only http:// proxies are)"
                lines.append(f"{spelling}={mask_proxy(value)}{note}")
        if self.no_proxy_value is not None:
            spelling, value = self.no_proxy_value
            lines.append(f"{spelling}={','.join(e for e in _SPLIT.split(value) if e)}")
        return lines


def proxy_for(
    url: str, environ: Mapping[str, str] | None = None, *, exempt_loopback: bool = True
) -> str | None:
    """The proxy URL a request to ``url`` goes through under ``environ`` (``os.environ`` when
    None), or None when it goes direct."""
    route = ProxyEnvironment.from_environ(environ).route(url, exempt_loopback=exempt_loopback)
    return route.proxy if route else None
