"""Who is asking: the client's address behind trusted proxies, and its network as a key."""

import hashlib
import hmac
import ipaddress

from flask import current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

IPV4_PREFIX = 24
IPV6_PREFIX = 48  # one site (a home or an office) usually gets a /48 or a /56


def init_app(app):
    """Trust X-Forwarded-For/-Proto/-Host only for the configured number of proxies.

    With no proxy configured, a client-supplied X-Forwarded-For is ignored: trusting it
    would let anyone pick a fresh address for every request and escape every limit.
    """
    hops = int(app.config["PROXY_HOPS"])
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def client_network(ip):
    """The network an address belongs to: /24 for IPv4, /48 for IPv6.

    One person easily has many addresses of one network (IPv6 privacy addresses, a
    provider's pool), so limits and bans that key on single addresses are too easy to
    dodge. Returns the address itself (as text) when it is not an IP address.
    """
    try:
        address = ipaddress.ip_address((ip or "").split("%", 1)[0])
    except ValueError:
        return ip or "unknown"
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = IPV4_PREFIX if address.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def network_key():
    """Rate-limit key of the current request: a keyed hash of the client's network,
    so the counters (in Redis, say) hold no address."""
    network = client_network(request.remote_addr)
    secret = current_app.secret_key.encode()
    return hmac.new(secret, b"net:" + network.encode(), hashlib.sha256).hexdigest()[:32]
