"""What to check when a call fails: one sentence per kind of network or protocol error.

Pure Python (no Qt); :func:`what_to_check` serves the response area's error text.
"""

from __future__ import annotations

from shipexplorer.api import (
    ApiError,
    ConnectionDropped,
    ConnectionRefused,
    ConnectTimeout,
    DeadlineExceeded,
    DnsError,
    NetworkError,
    PoolTimeout,
    ProtocolError,
    ReadTimeout,
    TlsError,
    WriteTimeout,
)

_CHECKS: tuple[tuple[type, str], ...] = (
    (
        ConnectionRefused,
        "Nothing answered at that address. Check the profile's API and app bases and that the "
        "server runs.",
    ),
    (
        DnsError,
        "The host name does not resolve. Check the profile's bases for typos, and your network "
        "or VPN.",
    ),
    (TlsError, "Check the server's certificate, the system clock, and the profile's CA file."),
    (
        ConnectTimeout,
        "The server did not accept the connection in time. Check the address, your network and "
        "the profile's connect timeout.",
    ),
    (
        ReadTimeout,
        "The server accepted the request but did not answer within the profile's read timeout. "
        "Try again, or raise the read timeout in the profile.",
    ),
    (WriteTimeout, "Sending took too long. Check your network and the profile's write timeout."),
    (PoolTimeout, "Too many requests at once: wait for some to finish, or cancel them."),
    (
        DeadlineExceeded,
        "The whole call took longer than its deadline. Raise the profile's deadline for slow "
        "methods.",
    ),
    (
        ConnectionDropped,
        "The server closed the connection before the answer was complete. Try again; if it "
        "keeps happening, check the server's logs or a proxy in between.",
    ),
    (NetworkError, "Check your network and the profile's bases."),
    (
        ProtocolError,
        "The server's answer breaks the Steamship protocol; the body as received is below.",
    ),
)


def what_to_check(error: ApiError) -> str | None:
    """For network and protocol errors: what to check."""
    for cls, text in _CHECKS:
        if isinstance(error, cls):
            return text
    return None
