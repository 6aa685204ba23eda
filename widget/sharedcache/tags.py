"""Cache tags: one per thread, one per site, the same in responses and in purges.

A thread's tag is made from its site key and normalized article URL, not from its id: the
page of an article without comments has no thread yet, and its first comment must purge
it; every spelling of the URL that normalizes alike shares the tag.
"""

import hashlib


def thread_tag(site_key, normalized_url):
    digest = hashlib.sha256(f"{site_key} {normalized_url}".encode()).hexdigest()[:20]
    return f"t-{digest}"


def site_tag(site_key):
    return f"s-{site_key}"


def tag_headers(tags):
    """Varnish's xkey vmod reads `xkey`; Fastly reads `Surrogate-Key`."""
    value = " ".join(tags)
    return {"xkey": value, "Surrogate-Key": value}
