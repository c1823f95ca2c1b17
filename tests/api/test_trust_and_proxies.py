"""The OS trust store, CA files, and proxies (issue 14), all on this machine.

A test CA (made with ``cryptography``) signs a certificate for 127.0.0.1 / localhost; a local
HTTPS server shows it. It is trusted through the profile's CA file, or ``SSL_CERT_FILE`` when the
profile uses the system settings, and refused otherwise. A tiny CONNECT proxy on 127.0.0.1 shows
that requests tunnel through a proxy, with its credentials, and that cancel reaches every phase
there too: loopback targets never go through a proxy, so those tests turn that rule off with the
transport's test-only ``proxy_loopback``. The proxy decision itself is a pure function
(:func:`shipexplorer.api.proxies.proxy_for`), tested on its own.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import ipaddress
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shipexplorer.api import (
    Cancelled,
    CancelToken,
    ConnectFailed,
    ConnectionSettings,
    InsecureTransportError,
    NetworkError,
    SteamshipClient,
    TlsError,
)
from shipexplorer.api import transport as transport_module
from shipexplorer.api.proxies import (
    NoProxy,
    ProxyEnvironment,
    bypasses,
    mask_proxy,
    proxy_for,
)
from shipexplorer.api.transport import (
    CallScope,
    CancellableTransport,
    TlsTrust,
    TrustStore,
    call_scope,
    describe_proxies,
    describe_trust,
    os_trust_store,
)

from .conftest import FIGURES, Canceller, read_request

BOUND = 1.0  # generous bound on cancel latency (the target is 100 ms; the figure is reported)
KEY = "ss-TRUST-KEY-4242"
ANSWER = (
    b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{"data": "ok"}'
)


# -- the proxy decision -------------------------------------------------------------------------


def test_lower_case_wins_an_empty_value_is_unset_and_cgi_ignores_http_proxy():
    env = {"https_proxy": "http://low:1", "HTTPS_PROXY": "http://up:2", "HTTP_PROXY": "http://h:3"}
    assert proxy_for("https://api.example.com/", env) == "http://low:1"
    env["https_proxy"] = ""
    assert proxy_for("https://api.example.com/", env) == "http://up:2"
    assert proxy_for("http://api.example.com/", env) == "http://h:3"
    env["REQUEST_METHOD"] = "GET"  # httpoxy: a CGI request's Proxy: header becomes HTTP_PROXY
    assert proxy_for("http://api.example.com/", env) is None
    env["http_proxy"] = "http://lower:4"
    assert proxy_for("http://api.example.com/", env) == "http://lower:4"


def test_the_scheme_picks_the_variable_all_proxy_is_the_fallback_and_http_the_default_scheme():
    env = {"HTTP_PROXY": "plain:3128", "ALL_PROXY": "http://all:8080"}
    assert proxy_for("https://api.example.com/", env) == "http://all:8080"
    assert proxy_for("http://api.example.com/", env) == "http://plain:3128"
    assert proxy_for("https://api.example.com/", {}) is None
    assert proxy_for("ftp://api.example.com/", env) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://localhost:8000/",
        "https://LOCALHOST./",
        "https://app.localhost/",
        "https://127.0.0.1/",
        "https://127.8.9.10:99/",
        "https://[::1]:8443/",
    ],
)
def test_loopback_never_goes_through_a_proxy_unless_a_test_says_so(url):
    env = {"ALL_PROXY": "http://proxy.example:3128"}
    assert proxy_for(url, env) is None
    assert proxy_for(url, env, exempt_loopback=False) == "http://proxy.example:3128"


@pytest.mark.parametrize(
    ("no_proxy", "url", "direct"),
    [
        ("*", "https://anything.example/", True),
        ("example.com", "https://example.com/", True),
        ("example.com", "https://api.example.com/", True),
        ("example.com", "https://badexample.com/", False),
        (".example.com", "https://example.com/", True),
        (".example.com", "https://a.b.example.com/", True),
        ("*.example.com", "https://a.example.com/", True),
        ("EXAMPLE.com.", "https://Api.Example.COM./", True),
        ("a.test, b.test", "https://b.test/", True),
        ("a.test b.test", "https://b.test/", True),
        ("10.0.0.0/8", "https://10.20.30.40/", True),
        ("10.0.0.0/8", "https://11.0.0.1/", False),
        ("10.0.0.0/8", "https://ten.example/", False),  # names are not resolved to decide
        ("192.168.1.7", "https://192.168.1.7:8443/", True),
        ("192.168.1.7", "https://192.168.1.8/", False),
        ("fd00::/8", "https://[fd12::1]/", True),
        ("[fd12::1]", "https://[fd12::1]/", True),
        ("fd12::1", "https://[fd12:0::1]/", True),
        ("10.0.0.0/8", "https://[fd12::1]/", False),
        ("example.com:8443", "https://example.com:8443/", True),
        ("example.com:8443", "https://example.com/", False),
        ("example.com:443", "https://example.com/", True),  # the scheme's default port
        ("10.0.0.1:443", "https://10.0.0.1/", True),
        ("not/a/range, ,", "https://example.com/", False),
        ("", "https://example.com/", False),
    ],
)
def test_no_proxy(no_proxy, url, direct):
    env = {"HTTPS_PROXY": "http://proxy.example:3128", "NO_PROXY": no_proxy}
    assert (proxy_for(url, env) is None) is direct


# Labels start with a letter, so that a generated name is never an IP address.
_label = st.from_regex(r"[a-z]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_domain = st.lists(_label, min_size=1, max_size=4).map(".".join)


@given(st.ip_addresses(v=4), st.integers(0, 32), st.ip_addresses(v=4))
def test_an_ipv4_range_matches_exactly_the_addresses_in_it(base, prefix, address):
    network = ipaddress.ip_network(f"{base}/{prefix}", strict=False)
    assert bypasses(str(address), str(network)) is (address in network)


@given(st.ip_addresses(v=6), st.integers(0, 128), st.ip_addresses(v=6))
def test_an_ipv6_range_matches_exactly_the_addresses_in_it(base, prefix, address):
    network = ipaddress.ip_network(f"{base}/{prefix}", strict=False)
    assert bypasses(f"[{address}]", str(network)) is (address in network)


@given(_domain, st.lists(_label, max_size=3).map(".".join), _label)
def test_a_name_matches_itself_and_the_names_under_it_only(domain, sub, stray):
    host = f"{sub}.{domain}" if sub else domain
    for entry in (domain, "." + domain, "*." + domain, domain.upper() + "."):
        assert bypasses(host, entry)
    assert not bypasses(stray + "x" + domain, domain)  # a longer name is another name
    assert bypasses(host, "*") and bypasses("10.1.2.3", "*")


@given(
    st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=12),
    st.text(st.characters(codec="ascii", categories=["L", "N", "P"]), min_size=4, max_size=20),
)
def test_a_masked_proxy_never_shows_its_credentials(user, password):
    from urllib.parse import quote

    shown = mask_proxy(f"http://{quote(user)}:{quote(password, safe='')}@proxy.example:3128")
    assert shown == "http://***@proxy.example:3128"


def test_the_description_masks_credentials_and_flags_unsupported_proxies():
    env = {
        "HTTPS_PROXY": "http://alice:hunter2@proxy.corp.example:3128/path?q=1",
        "all_proxy": "socks5://10.0.0.9:1080",
        "NO_PROXY": "10.0.0.0/8,  .corp.example",
    }
    lines = ProxyEnvironment.from_environ(env).describe()
    assert lines == [
        "HTTPS_PROXY=http://***@proxy.corp.example:3128",
        "all_proxy=socks5://10.0.0.9:1080 (not supported: only http:// proxies are)",
        "NO_PROXY=10.0.0.0/8,.corp.example",
    ]
    text = "\n".join(text for _, text in describe_proxies(env))
    assert "hunter2" not in text and "alice" not in text
    assert describe_proxies({}) == [("Proxies", "no proxy set: requests go direct")]
    assert mask_proxy("http://[::1") == "(not a valid URL)"


def test_no_proxy_parsing_keeps_what_it_understands():
    parsed = NoProxy.parse("*.a.test, .b.test:81 ,10.0.0.0/8 ,[::1]:9, 1.2.3.4, junk/99")
    assert parsed.names == (("a.test", None), ("b.test", 81))
    assert [str(n) for n in parsed.networks] == ["10.0.0.0/8"]
    assert [(str(a), p) for a, p in parsed.addresses] == [("::1", 9), ("1.2.3.4", None)]


# -- a test CA, a local HTTPS server and a local CONNECT proxy ---------------------------------


@pytest.fixture(scope="session")
def test_ca(tmp_path_factory) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A CA and a server certificate it signs for localhost / 127.0.0.1 (PEM files)."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder = tmp_path_factory.mktemp("test-ca")
    now = datetime.datetime.now(datetime.timezone.utc)

    def name(text: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(name("shipexplorer test CA"))
        .issuer_name(name("shipexplorer test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name("localhost"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    files = {"ca": folder / "ca.pem", "cert": folder / "server.pem", "key": folder / "key.pem"}
    files["ca"].write_bytes(ca_cert.public_bytes(pem))
    files["cert"].write_bytes(cert.public_bytes(pem))
    files["key"].write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return {k: str(v) for k, v in files.items()}


def _server_tls(test_ca) -> ssl.SSLContext:  # type: ignore[no-untyped-def]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(test_ca["cert"], test_ca["key"])
    return context


def _answering(conn: socket.socket) -> None:
    while read_request(conn):
        conn.sendall(ANSWER)


@pytest.fixture
def https_server(raw_server, test_ca):  # type: ignore[no-untyped-def]
    return raw_server(_answering, tls=_server_tls(test_ca))


class ConnectProxy:
    """A loopback HTTP proxy that only tunnels (CONNECT), only to 127.0.0.1.

    Records each request head and every byte it carried from the client after a CONNECT.
    ``stall`` (a number of CONNECTs) leaves that many CONNECTs unanswered; ``answer`` is sent
    instead of tunnelling.
    """

    def __init__(self, stall: int = 0, answer: bytes | None = None) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.heads: list[bytes] = []
        self.carried = bytearray()
        self.stall = stall
        self.answer = answer
        self.connected = threading.Event()
        self._socks: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def targets(self) -> list[str]:
        return [head.split(b" ")[1].decode() for head in self.heads]

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self._socks.append(conn)
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            head = read_request(conn)
            self.heads.append(head)
            self.connected.set()
            method, target = head.split(b" ")[:2]
            host, _, port = target.rpartition(b":")
            if method != b"CONNECT" or host != b"127.0.0.1":
                conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                return
            if self.answer is not None:
                conn.sendall(self.answer)
                return
            if self.stall > 0:
                self.stall -= 1
                conn.recv(1)  # never answers
                return
            upstream = socket.create_connection(("127.0.0.1", int(port)))
            self._socks.append(upstream)
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            threading.Thread(target=self._pipe, args=(upstream, conn, False), daemon=True).start()
            self._pipe(conn, upstream, True)

    def _pipe(self, source: socket.socket, sink: socket.socket, record: bool) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if record:
                    self.carried += data
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self.listener.close()
        for sock in self._socks:
            with contextlib.suppress(OSError):
                sock.close()


@pytest.fixture
def connect_proxy():  # type: ignore[no-untyped-def]
    made: list[ConnectProxy] = []

    def make(stall: int = 0, answer: bytes | None = None) -> ConnectProxy:
        proxy = ConnectProxy(stall, answer)
        made.append(proxy)
        return proxy

    yield make
    for proxy in made:
        proxy.close()


def _settings(port: int, **changes) -> ConnectionSettings:  # type: ignore[no-untyped-def]
    return ConnectionSettings(api_base=f"https://127.0.0.1:{port}/api/v1/", api_key=KEY, **changes)


def _client(port: int, environ: dict[str, str], *, ca: str | None, **kw) -> SteamshipClient:  # type: ignore[no-untyped-def]
    transport = CancellableTransport(ca_file=ca, environ=environ, proxy_loopback=True, **kw)
    return SteamshipClient(_settings(port, ca_file=ca), transport=transport)


# -- trust ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("system", [True, False])
def test_the_profile_ca_file_is_trusted_and_nothing_else_is(https_server, test_ca, system):
    with SteamshipClient(
        _settings(https_server.port, ca_file=test_ca["ca"], use_system_proxy=system)
    ) as client:
        assert client.call("workspace/get").value == "ok"
    with (
        SteamshipClient(_settings(https_server.port, use_system_proxy=system)) as client,
        pytest.raises(TlsError),
    ):
        client.call("workspace/get")


def test_ssl_cert_file_is_trusted_only_with_the_system_settings(https_server, test_ca, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", test_ca["ca"])
    with SteamshipClient(_settings(https_server.port)) as client:  # system settings: the default
        assert client.settings.use_system_proxy
        assert client.call("workspace/get").value == "ok"
    with (
        SteamshipClient(_settings(https_server.port, use_system_proxy=False)) as client,
        pytest.raises(TlsError),
    ):
        client.call("workspace/get")
    monkeypatch.delenv("SSL_CERT_FILE")
    with SteamshipClient(_settings(https_server.port)) as client, pytest.raises(TlsError):
        client.call("workspace/get")


def test_a_broken_ssl_cert_file_is_ignored_not_fatal(https_server, test_ca, tmp_path):
    broken = tmp_path / "broken.pem"
    broken.write_text("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    env = {"SSL_CERT_FILE": str(broken)}
    trust = TlsTrust(test_ca["ca"], environ=env)
    assert trust.extra == [] and trust.ignored[0][0] == "SSL_CERT_FILE"
    assert describe_trust(env)[1][0] == "SSL_CERT_FILE"
    assert "ignored" in describe_trust(env)[1][1]
    assert "not found; ignored" in describe_trust({"SSL_CERT_FILE": str(tmp_path / "no")})[1][1]


def test_the_system_roots_load_at_the_first_handshake_not_before(https_server, test_ca):
    """An http:// profile (the local emulator) never loads the system's roots (about 1.2 MB):
    the pools hold a stand-in without any, and a handshake gets the verifying context."""
    trust = TlsTrust(None, system_settings=False)
    assert trust.context.cert_store_stats()["x509_ca"] == 0
    assert trust.context._shipexplorer_fresh().cert_store_stats()["x509_ca"] > 0
    with _client(https_server.port, {}, ca=test_ca["ca"]) as client:
        assert client.call("workspace/get").value == "ok"  # verified against the test CA
    with _client(https_server.port, {}, ca=None) as client, pytest.raises(TlsError):
        client.call("workspace/get")  # and still refused without it


def test_the_os_store_is_used_and_certifi_is_the_fallback(https_server, test_ca, monkeypatch):
    store = os_trust_store()
    assert store.os_store, store.description  # this machine has CA certificates
    assert "OS trust store" in describe_trust({})[0][1]
    certifi = TrustStore("certifi", "certifi's roots (test)")
    with _client(https_server.port, {}, ca=test_ca["ca"], trust_store=certifi) as client:
        assert client.call("workspace/get").value == "ok"
    with (
        _client(https_server.port, {}, ca=None, trust_store=certifi) as client,
        pytest.raises(TlsError),
    ):
        client.call("workspace/get")
    # Where the OS verifies (macOS, Windows) and truststore is missing: certifi, and say so.
    monkeypatch.setattr(transport_module, "_NATIVE_STORE", True)
    monkeypatch.setitem(sys.modules, "truststore", None)
    fallback = os_trust_store()
    assert fallback.kind == "certifi" and "truststore package is not installed" in str(fallback)


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="OpenSSL's store: Linux, BSD")
def test_the_linux_store_ignores_ssl_cert_file_unless_the_profile_says_so(test_ca, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", test_ca["ca"])
    store = os_trust_store()
    assert store.kind == "openssl" and store.cafile != test_ca["ca"]
    assert TlsTrust(None, system_settings=False).extra == []
    assert TlsTrust(None, system_settings=True).extra == [("SSL_CERT_FILE", test_ca["ca"])]


def test_truststore_gives_each_handshake_a_context_of_its_own(raw_server, test_ca):
    """truststore locks its context through a handshake: a stalled one must not hold up another,
    and stays cancellable."""
    pytest.importorskip("truststore")
    accepted = threading.Event()

    def stalls(conn: socket.socket) -> None:
        accepted.set()
        conn.recv(1)  # never answers the ClientHello

    stalled = raw_server(stalls)
    good = raw_server(_answering, tls=_server_tls(test_ca))
    native = TrustStore("native", "truststore (test)")
    transport = CancellableTransport(ca_file=test_ca["ca"], environ={}, trust_store=native)
    token = CancelToken()
    outcome: list[BaseException] = []

    def first() -> None:
        with call_scope(CallScope(token=token)):
            try:
                httpx.Client(transport=transport, timeout=30).get(
                    f"https://127.0.0.1:{stalled.port}/"
                )
            except httpx.HTTPError as exc:
                outcome.append(exc)

    thread = threading.Thread(target=first, daemon=True)
    thread.start()
    try:
        assert accepted.wait(5)
        time.sleep(0.1)  # well into the stalled handshake
        started = time.perf_counter()
        answer = httpx.Client(transport=transport, timeout=5).get(f"https://127.0.0.1:{good.port}/")
        assert answer.json() == {"data": "ok"}
        assert time.perf_counter() - started < 3
    finally:
        canceller = Canceller(token, lambda: True)
        thread.join(5)
        latency = canceller.latency()
        transport.close()
    assert not thread.is_alive() and outcome and latency < BOUND
    FIGURES["cancel latency, TLS handshake (truststore context)"] = latency


# -- proxies, end to end -----------------------------------------------------------------------


def test_https_tunnels_through_the_proxy_with_its_credentials(https_server, test_ca, connect_proxy):
    proxy = connect_proxy()
    env = {"HTTPS_PROXY": f"http://alice:p%40ss@127.0.0.1:{proxy.port}"}
    with _client(https_server.port, env, ca=test_ca["ca"]) as client:
        assert client.call("workspace/get").value == "ok"
        assert client.call("workspace/get").value == "ok"  # the tunnel is kept alive
    assert proxy.targets == [f"127.0.0.1:{https_server.port}"]
    basic = base64.b64encode(b"alice:p@ss").decode()
    assert f"Proxy-Authorization: Basic {basic}".encode() in proxy.heads[0]
    assert proxy.carried and KEY.encode() not in proxy.carried  # only TLS went through


def test_no_proxy_the_setting_off_and_loopback_go_direct(
    https_server, test_ca, connect_proxy, monkeypatch
):
    proxy = connect_proxy()
    env = {"HTTPS_PROXY": proxy.url, "NO_PROXY": "10.0.0.0/8,127.0.0.0/8"}
    with _client(https_server.port, env, ca=test_ca["ca"]) as client:
        assert client.call("workspace/get").value == "ok"
    off = CancellableTransport(
        ca_file=test_ca["ca"],
        system_settings=False,
        environ={"HTTPS_PROXY": proxy.url},
        proxy_loopback=True,
    )
    assert off.route(f"https://127.0.0.1:{https_server.port}/") is None
    with SteamshipClient(_settings(https_server.port), transport=off) as client:
        assert client.call("workspace/get").value == "ok"
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("ALL_PROXY", proxy.url)
    with SteamshipClient(_settings(https_server.port, ca_file=test_ca["ca"])) as client:
        assert client.call("workspace/get").value == "ok"  # a loopback host: never proxied
    assert proxy.heads == []


def test_plain_http_with_a_key_is_refused_off_loopback_through_a_proxy_too(
    connect_proxy, monkeypatch
):
    proxy = connect_proxy()
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, proxy.url)
    settings = ConnectionSettings(api_base="http://api.example.test/api/v1/", api_key=KEY)
    with SteamshipClient(settings) as client, pytest.raises(InsecureTransportError):
        client.call("workspace/get")
    assert proxy.heads == []
    # The transport refuses too, should a plain-http request with a key reach a remote proxy.
    transport = CancellableTransport(
        environ={"HTTP_PROXY": "http://proxy.example.test:3128"}, proxy_loopback=True
    )
    with httpx.Client(transport=transport) as http, pytest.raises(httpx.ConnectError) as info:
        http.get("http://127.0.0.1:9/", headers={"Authorization": f"Bearer {KEY}"})
    assert "plain http:// through the proxy http://proxy.example.test:3128" in str(info.value)
    # Without a key, plain http goes through the proxy as an absolute-form request.
    transport = CancellableTransport(environ={"HTTP_PROXY": proxy.url}, proxy_loopback=True)
    with httpx.Client(transport=transport) as http:
        assert http.get("http://127.0.0.1:9/x").status_code == 403  # the proxy's answer
    assert proxy.heads[0].startswith(b"GET http://127.0.0.1:9/x HTTP/1.1")


def test_an_unsupported_proxy_is_explained(https_server, test_ca):
    env = {"ALL_PROXY": "socks5://user:secret@127.0.0.1:9"}
    with (
        _client(https_server.port, env, ca=test_ca["ca"]) as client,
        pytest.raises(ConnectFailed) as info,
    ):
        client.call("workspace/get")
    message = str(info.value)
    assert "only http:// proxies are supported" in message and "secret" not in message


def test_a_proxy_that_cannot_be_reached_or_refuses_is_named(https_server, test_ca, connect_proxy):
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    env = {"https_proxy": f"http://carol:pw-9@127.0.0.1:{port}"}
    with (
        _client(https_server.port, env, ca=test_ca["ca"]) as client,
        pytest.raises(ConnectFailed) as info,
    ):
        client.call("workspace/get")
    assert f"could not reach the proxy http://***@127.0.0.1:{port} (from https_proxy)" in str(
        info.value
    )
    assert "pw-9" not in str(info.value)
    denied = b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"
    proxy = connect_proxy(answer=denied)
    with (
        _client(https_server.port, {"HTTPS_PROXY": proxy.url}, ca=test_ca["ca"]) as client,
        pytest.raises(NetworkError) as failed,
    ):
        client.call("workspace/get")
    assert f"the proxy {proxy.url} (from HTTPS_PROXY) answered 407" in str(failed.value)


@pytest.mark.parametrize("phase", ["CONNECT", "TLS handshake", "headers"])
def test_cancel_through_the_proxy(raw_server, test_ca, connect_proxy, phase):
    reached = threading.Event()
    first = {"pending": True}

    def handler(conn: socket.socket) -> None:
        if phase == "TLS handshake" and first.pop("pending", False):
            reached.set()
            conn.recv(1)  # never answers the ClientHello
            return
        tls = _server_tls(test_ca).wrap_socket(conn, server_side=True)
        while read_request(tls):
            if phase == "headers" and first.pop("pending", False):
                reached.set()
                tls.recv(1)  # never answers
                return
            tls.sendall(ANSWER)

    server = raw_server(handler)
    proxy = connect_proxy(stall=1 if phase == "CONNECT" else 0)
    when = proxy.connected.is_set if phase == "CONNECT" else reached.is_set
    with _client(server.port, {"HTTPS_PROXY": proxy.url}, ca=test_ca["ca"]) as client:
        token = CancelToken()
        canceller = Canceller(token, when)
        with pytest.raises(Cancelled):
            client.call("workspace/get", cancel=token)
        latency = canceller.latency()
        FIGURES[f"cancel latency through a proxy, {phase}"] = latency
        assert latency < BOUND
        assert client.call("workspace/get").value == "ok"  # still usable, through the proxy
    assert len(proxy.heads) == 2


# -- --diagnose -------------------------------------------------------------------------------


def test_diagnose_names_the_trust_store_and_the_proxies_never_a_password(tmp_path, test_ca):
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(
        SHIPEXPLORER_HOME=str(tmp_path),
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        HTTPS_PROXY="http://bob:s3cr3t-pw@proxy.corp.example:3128",
        no_proxy="10.0.0.0/8,.corp.example",
        SSL_CERT_FILE=test_ca["ca"],
    )
    out = subprocess.run(
        [sys.executable, "-m", "shipexplorer", "--diagnose"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "TLS roots     the OS trust store" in text
    assert f"SSL_CERT_FILE {test_ca['ca']} (added for profiles with" in text
    assert "Proxies       HTTPS_PROXY=http://***@proxy.corp.example:3128" in text
    assert "no_proxy=10.0.0.0/8,.corp.example" in text
    assert "s3cr3t" not in text and "bob" not in text
    assert Path(test_ca["ca"]).exists()
