"""Security headers on every response; pages that may be framed set their own CSP."""

ADMIN_POLICY = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if "Content-Security-Policy" not in headers:
        headers["Content-Security-Policy"] = ADMIN_POLICY
        headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_app(app):
    app.after_request(add_security_headers)
