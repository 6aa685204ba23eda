"""gunicorn's settings for this app: `widget serve` passes them (`--config
python:widget.gunicorn_config`), and the checkout's gunicorn.conf.py imports them, which
gunicorn reads from the directory it is started in. Command-line options override them.

Threaded workers keep connections alive between requests (sync workers close each one),
which the reverse proxy or a burst of readers reuse: measured with `make bench`, 304s
rose from about 1,340/s to 1,870/s and cached thread pages from 880/s to 1,250/s on 2
cores. Workers: WEB_CONCURRENCY, or `-w N` (about 2 per core).
"""

wsgi_app = "widget.wsgi:app"
worker_class = "gthread"
threads = 2
keepalive = 5
