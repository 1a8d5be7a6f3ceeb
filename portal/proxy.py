"""The client's address behind the reverse proxy, in REMOTE_ADDR.

The sign-in lockout (django-axes), the limit on text-message codes per address
(venues.workflows.codes) and the audit log read REMOTE_ADDR. Behind nginx, gunicorn puts
the proxy's own address there: its `forwarded_allow_ips` only decides whom it believes
about HTTPS, it never reads X-Forwarded-For. Without this middleware every owner of the
town would share one address, and twenty codes an hour would stop all sign-ups.

Production puts it first (portal/settings/production.py). When the request comes from a
trusted proxy (FORWARDED_ALLOW_IPS, the same variable gunicorn reads), REMOTE_ADDR becomes
the nearest address in X-Forwarded-For that is not a trusted proxy, read from the right: the
entries further left were written by the client and prove nothing. A request that does not
come from a trusted proxy keeps its own address, whatever headers it sends."""

import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed


def trusted_networks(values):
    """FORWARDED_ALLOW_IPS as networks: addresses or CIDR ranges; "*" is refused, since it
    would let anyone who reaches gunicorn choose the address the lockout counts."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"FORWARDED_ALLOW_IPS: {value!r} is not an IP address or network; name the proxies"
            ) from None
    return networks


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks):
    return any(address in network for network in networks)


def client_address(remote_addr, forwarded_for, networks):
    """The client's address for a request from ``remote_addr`` carrying ``forwarded_for``."""
    # A connection over a Unix socket has no address: only the proxy can make it.
    peer = _address(remote_addr) if remote_addr else None
    if remote_addr and (peer is None or not _trusted(peer, networks)):
        return remote_addr
    current = remote_addr
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:
            break  # not an address: nothing to its left can be believed either
        current = str(address)
        if not _trusted(address, networks):
            break
    return current


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.networks = trusted_networks(getattr(settings, "FORWARDED_ALLOW_IPS", []))
        if not self.networks:
            raise MiddlewareNotUsed

    def __call__(self, request):
        forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR")
        if forwarded_for:
            request.META["REMOTE_ADDR"] = client_address(
                request.META.get("REMOTE_ADDR", ""), forwarded_for, self.networks
            )
        return self.get_response(request)
