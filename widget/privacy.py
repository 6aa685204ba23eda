"""Personal data kept as little as possible: IPs only as salted hashes."""

import hashlib
import hmac

from flask import current_app


def hash_ip(ip):
    """A salted hash of the client's IP: lets admins ban and spot floods, reveals nothing."""
    if not ip:
        return None
    salt = current_app.secret_key.encode()
    return hmac.new(salt, b"ip:" + ip.encode(), hashlib.sha256).hexdigest()
