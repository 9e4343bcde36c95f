"""Requests fieldapp makes to addresses someone else gave it (webhooks to CAD, Web Push endpoints).

``https`` on a public address only (no SSRF into the network fieldapp runs in). A test setting
(``insecure``: ``WEBHOOK_ALLOW_INSECURE_URLS``, ``WEB_PUSH_ALLOW_INSECURE_ENDPOINTS``) also allows
``http`` and loopback; private, link-local and other reserved ranges stay refused even then.

The address is checked when it is saved, and again when sending: the host is resolved, every
address it resolves to must pass, and the connection goes to the address that was checked
(``post``), so a DNS answer that changes between the check and the request (DNS rebinding) changes
nothing. Redirects are never followed.
"""

import http.client
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit


def address_refusal(ip: str, *, insecure: bool) -> str | None:
    """Why fieldapp must not connect to ``ip``, or None."""
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback:
        return None if insecure else "a loopback address"
    if (address.is_private or address.is_link_local or address.is_multicast or address.is_reserved
            or address.is_unspecified or not address.is_global):
        return "a private or reserved address"
    return None


def check_url(url: str, *, insecure: bool, what: str, max_length: int = 500) -> str | None:
    """What is wrong with ``url`` (without resolving names), or None. ``what`` names the URLs in
    the message ("Webhook URLs")."""
    if len(url) > max_length:
        return f"At most {max_length} characters."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "Not a valid URL."
    allowed = ("https", "http") if insecure else ("https",)
    if parts.scheme not in allowed:
        return f"{what} must use https."
    if not parts.hostname or parts.username or parts.password:
        return "Give a host name, without user or password."
    if port == 0:
        return "Not a valid port."
    host = parts.hostname
    if host == "localhost" or host.endswith(".localhost"):
        return None if insecure else f"{what} must be on a public address, not a loopback address."
    try:
        refusal = address_refusal(host, insecure=insecure)
    except ValueError:  # a name: resolved when sending
        return None
    return f"{what} must be on a public address, not {refusal}." if refusal else None


def resolve_checked(url: str, *, insecure: bool, what: str, max_length: int = 500) -> tuple[str, int, str]:
    """(host, port, address to connect to) after checking every address the host resolves to.
    Raises ValueError saying why the URL may not be used."""
    problem = check_url(url, insecure=insecure, what=what, max_length=max_length)
    if problem:
        raise ValueError(problem)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise ValueError(f"cannot resolve {parts.hostname}: {error.strerror}") from None
    except UnicodeError:
        raise ValueError(f"{parts.hostname} is not a valid host name") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))  # in the resolver's order of preference
    for ip in addresses:
        refusal = address_refusal(ip, insecure=insecure)
        if refusal:
            raise ValueError(f"{parts.hostname} resolves to {refusal} ({ip}); refused")
    return parts.hostname, port, addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass
class Result:
    ok: bool
    status_code: int | None = None
    error: str | None = None


def post(url: str, body: bytes, headers: dict, *, timeout: float, insecure: bool, what: str,
         max_length: int = 500) -> Result:
    """POST ``body`` to ``url`` after checking it, connected to the checked address. ``ok`` for 2xx;
    a refused URL is ``ok=False`` with no status code and an error starting "refused:"."""
    try:
        host, port, address = resolve_checked(url, insecure=insecure, what=what, max_length=max_length)
    except ValueError as error:
        return Result(False, error=f"refused: {error}")
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address, timeout=timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read(300).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as error:
        return Result(False, error=f"{type(error).__name__}: {error}"[:500])
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return Result(True, response.status)
    return Result(False, response.status, f"HTTP {response.status}: {answer}"[:500])
