vcl 4.1;
# Varnish 7 in front of the comment service (docs/deployment.md, "A shared cache in front").
#
# Needs the xkey vmod (Debian: apt-get install varnish varnish-modules). Set the backend to
# your gunicorn, start the service with WIDGET_CACHE_PURGE_URLS=http://VARNISH_HOST:PORT/
# and WIDGET_PROXY_HOPS=1 (Varnish adds X-Forwarded-For), and run e.g.
#   varnishd -a :80 -f /etc/varnish/widget.vcl -s malloc,256m
#
# What it does:
# - keeps what the service marks `public` (thread pages of readers with nothing of their
#   own, loader scripts, static files, the counts API) for its s-maxage or max-age;
# - passes every request with the service's session cookie (`session`, the dashboard's
#   `widget_admin`) or Authorization, and drops every other cookie;
# - never keeps a response that is `private`/`no-store` or sets a cookie;
# - answers `PURGE` with an `xkey-purge: TAG TAG…` header, from the purgers ACL only, by
#   dropping every object tagged with one of the tags (the service's `xkey` header);
# - answers If-None-Match itself from the ETag of what it keeps (304), and revalidates
#   an expired object with the service by its ETag (keep);
# - serves what it has for up to an hour while the service is down (grace).

import std;
import xkey;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .first_byte_timeout = 30s;
}

# Who may purge: the service's own hosts.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is not allowed from here"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the tags to purge in an xkey-purge header"));
        }
        set req.http.X-Purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)(session|widget_admin)=") {
        return (pass);  # someone's own page: the service marks it private anyway
    }
    unset req.http.Cookie;
    # One copy per language asked for first, not one per browser's exact header.
    if (req.http.Accept-Language ~ "^\s*[A-Za-z]{1,8}") {
        set req.http.Accept-Language = std.tolower(
            regsub(req.http.Accept-Language, "^\s*([A-Za-z]{1,8}).*$", "\1"));
    }
    # Varnish keeps pages gzipped and would unzip one for every client that does not take
    # gzip (curl, bots): such clients get a plain copy of their own instead.
    if (req.http.Accept-Encoding !~ "gzip") {
        set req.http.X-Plain = "1";
    }
    return (hash);
}

sub vcl_hash {
    if (req.http.X-Plain) {
        hash_data("plain");
    }
}

sub vcl_backend_fetch {
    if (bereq.http.X-Plain) {
        unset bereq.http.Accept-Encoding;
    }
    unset bereq.http.X-Plain;
}

sub vcl_backend_response {
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);  # the service is in trouble: keep serving the copy in grace
    }
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)"
        || !beresp.http.Cache-Control) {
        # Not for sharing; remember that for a while so requests go straight through.
        set beresp.uncacheable = true;
        set beresp.ttl = 30s;
        return (deliver);
    }
    set beresp.grace = 1h;
    set beresp.keep = 1h;
    return (deliver);
}

sub vcl_synth {
    if (req.method == "PURGE") {
        set resp.http.X-Purged = req.http.X-Purged;
    }
}

sub vcl_deliver {
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
