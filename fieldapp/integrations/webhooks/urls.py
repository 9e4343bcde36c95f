"""Where fieldapp may send a webhook: ``https`` on a public address only (no SSRF into the network
fieldapp runs in). ``WEBHOOK_ALLOW_INSECURE_URLS=1`` (tests only) also allows ``http`` and loopback;
private, link-local and other reserved ranges stay refused even then.

The address is checked when an admin saves the URL, and again when sending: the host is resolved,
every address it resolves to must pass, and the connection goes to the address that was checked
(``sender``), so a DNS answer that changes between the check and the request changes nothing.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app


def _insecure_allowed() -> bool:
    return bool(current_app.config.get("WEBHOOK_ALLOW_INSECURE_URLS"))


def address_refusal(ip: str) -> str | None:
    """Why fieldapp must not connect to ``ip``, or None."""
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback:
        return None if _insecure_allowed() else "a loopback address"
    if (address.is_private or address.is_link_local or address.is_multicast or address.is_reserved
            or address.is_unspecified or not address.is_global):
        return "a private or reserved address"
    return None


def check_webhook_url(url: str) -> str | None:
    """What is wrong with ``url`` as a webhook address (without resolving names), or None."""
    if len(url) > 500:
        return "At most 500 characters."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "Not a valid URL."
    allowed = ("https", "http") if _insecure_allowed() else ("https",)
    if parts.scheme not in allowed:
        return "Webhook URLs must use https."
    if not parts.hostname or parts.username or parts.password:
        return "Give a host name, without user or password."
    if port == 0:
        return "Not a valid port."
    host = parts.hostname
    if host == "localhost" or host.endswith(".localhost"):
        return None if _insecure_allowed() else "Webhook URLs must be on a public address, not a loopback address."
    try:
        refusal = address_refusal(host)
    except ValueError:  # a name: resolved when sending
        return None
    return f"Webhook URLs must be on a public address, not {refusal}." if refusal else None


def resolve_checked(url: str) -> tuple[str, int, str]:
    """(host, port, address to connect to) after checking every address the host resolves to.
    Raises ValueError saying why the URL may not be used."""
    problem = check_webhook_url(url)
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
        refusal = address_refusal(ip)
        if refusal:
            raise ValueError(f"{parts.hostname} resolves to {refusal} ({ip}); refused")
    return parts.hostname, port, addresses[0]
