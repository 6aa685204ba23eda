"""A shared HTTP cache in front (Varnish, a CDN): which pages it may keep, their tags, and
the purges sent when they change (docs/deployment.md explains the design)."""

from .headers import mark_private, mark_shared, shared_cache_seconds
from .purges import init_app, purge_sites, purge_threads
from .tags import site_tag, thread_tag

__all__ = ["init_app", "mark_private", "mark_shared", "purge_sites", "purge_threads",
           "shared_cache_seconds", "site_tag", "thread_tag"]
