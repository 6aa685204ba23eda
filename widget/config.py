"""Configuration in layers: defaults here, then the instance folder, then WIDGET_* variables."""

import os
import secrets
from pathlib import Path


class Defaults:
    """Safe defaults; every anti-abuse knob is a setting so operators can tune it."""

    # No pool_pre_ping (a round trip before every request): a connection the database
    # dropped fails its first statement, and that statement is retried once on a fresh
    # connection (see dbretry.py).
    SQLALCHEMY_ENGINE_OPTIONS = {}
    # PostgreSQL: a statement running longer than this many seconds (a lock held, a slow
    # disk) is cancelled, and the reader gets a 503 (commenters keep their text) instead
    # of a worker waiting for good. 0 turns it off.
    DATABASE_STATEMENT_TIMEOUT = 10
    # PostgreSQL's synchronous_commit for our connections; None keeps the server's own
    # (on: a commit waits until its WAL is on disk). "off" answers a post without that
    # wait, several times faster on a busy disk; a crash of the server (not of the app)
    # may then lose the last fraction of a second of comments, as SQLite in WAL with
    # synchronous=NORMAL may, but never leaves the database inconsistent.
    DATABASE_SYNCHRONOUS_COMMIT = None
    PUBLIC_URL = None
    # The thread form is bound to its thread and time by a signed token, not by the
    # session cookie, so that posting works inside a cross-site iframe with no cookies.
    COMMENT_FORM_MAX_AGE = 7 * 24 * 3600
    COMMENT_MAX_LENGTH = 10_000
    AUTHOR_MAX_LENGTH = 100
    URL_MAX_LENGTH = 2048
    MAX_CONTENT_LENGTH = 256 * 1024
    # A superadmin's import upload on a site's dashboard page; only that request may be
    # larger than MAX_CONTENT_LENGTH (bigger files: the import command).
    IMPORT_MAX_BYTES = 200_000_000  # 200 MB
    COUNTS_MAX_URLS = 100
    # Deeper replies attach to the deepest allowed ancestor (and link the comment answered).
    MAX_DEPTH = 10
    SESSION_COOKIE_HTTPONLY = True
    # None: chosen from PUBLIC_URL (see _session_cookie_for_embedding); set one to override.
    SESSION_COOKIE_SAMESITE = None
    SESSION_COOKIE_SECURE = None
    SESSION_COOKIE_PARTITIONED = None
    # Admin sign-in: a session lasts this long; failed sign-ins (per email and per IP)
    # are free up to FREE, then each waits twice as long as the last, and from MAX on
    # they are refused until WINDOW seconds have passed since the last failure.
    ADMIN_SESSION_LIFETIME = 12 * 3600
    ADMIN_LOGIN_FREE_ATTEMPTS = 3
    ADMIN_LOGIN_MAX_ATTEMPTS = 10
    ADMIN_LOGIN_WINDOW = 15 * 60
    DEMO = False
    # Own comments: how long, in seconds, the author may edit or delete from their browser.
    EDIT_WINDOW = 900
    # Likes: one per visitor (client token, else IP hash); at most this many on one comment
    # from one IP hash, so that clearing the browser's storage cannot pile up likes.
    LIKES_PER_IP = 20
    # Mail (reply notifications, moderation): off while MAIL_SERVER is unset.
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_USE_TLS = False
    MAIL_FROM = None
    MAIL_TIMEOUT = 10
    MAIL_WORKER = True  # send from a background thread in each app process
    MAIL_POLL_INTERVAL = 60  # seconds between the worker's looks at the outbox for retries
    MAIL_RETRY_DELAY = 60  # first retry after this many seconds, doubling each time
    MAIL_MAX_ATTEMPTS = 8
    MAIL_LINK_MAX_AGE = 7 * 24 * 3600  # confirmation and moderation links
    # Sign in with email (accounts/email_codes.py): a code lives this many seconds; at
    # most this many codes per address and per client network in an hour; this many
    # wrong codes lock the address's codes until they expire.
    SIGN_IN_CODE_LIFETIME = 15 * 60
    SIGN_IN_CODES_PER_ADDRESS = 5
    SIGN_IN_CODES_PER_NETWORK = 20
    SIGN_IN_CODE_ATTEMPTS = 5
    MODERATOR_EMAILS = ()  # a comma-separated string or a JSON list in the environment
    # Webhooks (webhooks/): each POST waits at most WEBHOOK_TIMEOUT seconds; a failed one
    # is retried after WEBHOOK_RETRY_DELAY seconds, doubling, up to WEBHOOK_MAX_ATTEMPTS.
    WEBHOOK_TIMEOUT = 5
    WEBHOOK_WORKER = True  # send from a background thread in each app process
    WEBHOOK_POLL_INTERVAL = 30  # seconds between the worker's looks for retries
    WEBHOOK_RETRY_DELAY = 30
    WEBHOOK_MAX_ATTEMPTS = 8
    # Deliveries delivered or given up this many days ago are forgotten, with their attempts.
    WEBHOOK_DELIVERIES_KEPT_DAYS = 30
    # Loopback, private and link-local targets (localhost, 10.x, 169.254.x…) are refused,
    # so that a site's moderator cannot make the service probe its own network.
    WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    CUSTOM_CSS_MAX_LENGTH = 50_000

    # Behind a reverse proxy: how many hops of X-Forwarded-* to trust (0: none, use the
    # peer's address). Never more than there are proxies, or clients can pick their IP.
    PROXY_HOPS = 0
    # A shared HTTP cache in front (Varnish, a CDN; docs/deployment.md). Thread pages with
    # nothing of one reader's own get `public, s-maxage=SHARED_CACHE_SECONDS`; None: 0 (off)
    # unless CACHE_PURGE_URLS is set, then SHARED_CACHE_DEFAULT_SECONDS (a purge makes a
    # change show at once; the lifetime only bounds how old "3 minutes ago" may get).
    SHARED_CACHE_SECONDS = None
    SHARED_CACHE_DEFAULT_SECONDS = 300
    # Caches to purge after every change, comma-separated: `PURGE URL` with the header
    # `xkey-purge: TAG …` (and `Surrogate-Key`), from a background thread, retried after
    # RETRY_DELAY seconds, doubling, up to MAX_ATTEMPTS; at most TAGS_PER_REQUEST tags a
    # request, and a site's tag instead of its threads' when more than SITE_AFTER changed.
    CACHE_PURGE_URLS = ""
    CACHE_PURGE_TIMEOUT = 5
    CACHE_PURGE_RETRY_DELAY = 1.0
    CACHE_PURGE_MAX_ATTEMPTS = 8
    CACHE_PURGE_POLL_INTERVAL = 1
    # Every purge is sent again this many seconds later (0: not): a reader's request that
    # was rendering the old page at the commit may reach the cache after the first purge.
    CACHE_PURGE_REPEAT_AFTER = 5
    CACHE_PURGE_TAGS_PER_REQUEST = 100
    CACHE_PURGE_SITE_AFTER = 500
    REDIS_URL = None  # rate limits and the page cache, shared by every instance
    # After a Redis failure the page cache skips Redis for this many seconds, doubling
    # with each failed retry up to the maximum (the rate limiter backs off on its own).
    REDIS_BREAKER_SECONDS = 1.0
    REDIS_BREAKER_MAX_SECONDS = 30.0

    # Big threads come in pages: at most this many top-level comments, each with all its
    # replies, and no more comments than THREAD_PAGE_COMMENTS (unless one conversation
    # alone has more: it is never split).
    THREAD_PAGE_SIZE = 100
    THREAD_PAGE_COMMENTS = 300
    # Rendered thread pages: in each process, or in Redis when REDIS_URL is set
    # (PAGE_CACHE_TYPE="NullCache" turns the cache off).
    PAGE_CACHE_TYPE = None
    PAGE_CACHE_SECONDS = 600
    PAGE_CACHE_ENTRIES = 500

    # Rate limits (Flask-Limiter strings), keyed on a hash of the client's network
    # (/24 IPv4, /48 IPv6). Counts live in Redis when REDIS_URL is set, else in memory.
    RATELIMIT_ENABLED = True
    RATELIMIT_POST = "10 per minute; 100 per hour"
    RATELIMIT_POST_THREAD = "5 per minute"
    RATELIMIT_COUNTS = "120 per minute"
    RATELIMIT_ACTIONS = "60 per minute; 600 per hour"  # likes and previews
    RATELIMIT_LOGIN = "5 per minute; 30 per hour"
    RATELIMIT_EMAIL_SIGN_IN = "10 per minute; 60 per hour"  # codes asked for and entered
    RATELIMIT_STORAGE_URI = None  # derived from REDIS_URL unless set
    # A Redis that hangs costs a limit check at most this long; then counts are kept in
    # memory and Redis is pinged (with the same time-out) after a back-off.
    RATELIMIT_REDIS_TIMEOUT = 0.05
    RATELIMIT_KEY_PREFIX = "widget"
    RATELIMIT_HEADERS_ENABLED = True
    # A Redis outage must not stop comments: count in memory until it is back.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

    # Spam traps: a form posted sooner than this after it was rendered is held as spam.
    COMMENT_MIN_SECONDS = 3
    MAX_LINKS = 3  # per comment, unless the site sets its own
    BLOCKED_WORDS = []  # for every site, besides each site's own list
    SPAM_CHECK = None  # "akismet", or "package.module:Class" for another check
    AKISMET_KEY = None
    AKISMET_URL = "https://rest.akismet.com"
    AKISMET_TIMEOUT = 3.0

    # Sign in with GitHub, Google, GitLab or any OpenID Connect provider: a JSON object,
    # name -> settings (accounts/providers.py; README "Sign in with GitHub, Google…").
    LOGIN_PROVIDERS = {}
    LOGIN_PROVIDER_TIMEOUT = 10  # seconds for each request to a provider

    # IPs are kept as hashes salted with a random salt replaced every this many days;
    # older salts are deleted, so older hashes can no longer be linked to an address.
    IP_SALT_DAYS = 7


def load_config(app, test_config=None):
    """Fill app.config from the layers; the secret key is never a fixed default."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("WIDGET")
    if test_config is not None:
        app.config.from_mapping(test_config)
    # Dashboard forms stay valid as long as the admin session unless set on their own.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", app.config["ADMIN_SESSION_LIFETIME"])
    if "DATABASE_URL" in app.config:
        app.config.setdefault("SQLALCHEMY_DATABASE_URI", app.config["DATABASE_URL"])
    default_database = "sqlite:///" + os.path.join(app.instance_path, "widget.sqlite")
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", default_database)
    if app.config["SQLALCHEMY_DATABASE_URI"] == default_database:
        _make_instance_folder(Path(app.instance_path))  # SQLite makes the file, not its folder
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    _session_cookie_for_embedding(app.config)
    _postgresql_options(app.config)


def _postgresql_options(config):
    """PostgreSQL settings for every connection, through libpq's options (no round trip):
    statement_timeout, and synchronous_commit when set."""
    if not str(config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        return
    seconds = float(config.get("DATABASE_STATEMENT_TIMEOUT") or 0)
    wanted = {"statement_timeout": int(seconds * 1000) if seconds > 0 else None,
              "synchronous_commit": _synchronous_commit(config.get("DATABASE_SYNCHRONOUS_COMMIT"))}
    if not any(value is not None for value in wanted.values()):
        return
    from sqlalchemy.engine import make_url

    engine_options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(engine_options.get("connect_args") or {})
    # connect_args replace the URL's own ?options=… (e.g. a search_path): keep both.
    options = connect_args.get("options") or make_url(
        str(config["SQLALCHEMY_DATABASE_URI"])).query.get("options", "")
    for name, value in wanted.items():
        if value is not None and name not in options:
            options = f"{options} -c{name}={value}".strip()
    connect_args["options"] = options
    engine_options["connect_args"] = connect_args
    config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options


SYNCHRONOUS_COMMIT_VALUES = ("on", "off", "local", "remote_write", "remote_apply")


def _synchronous_commit(value):
    """The setting as PostgreSQL spells it (true/false from the environment: on/off), or
    None for the server's own; anything else stops the start with a clear message rather
    than every connection failing later."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "on" if value else "off"
    if str(value).lower() not in SYNCHRONOUS_COMMIT_VALUES:
        raise ValueError(f"WIDGET_DATABASE_SYNCHRONOUS_COMMIT must be one of "
                         f"{', '.join(SYNCHRONOUS_COMMIT_VALUES)}, not {value!r}")
    return str(value).lower()


def _session_cookie_for_embedding(config):
    """Over HTTPS the session cookie must reach the thread page inside a cross-site iframe:
    `SameSite=None; Secure; Partitioned` (CHIPS, kept even where third-party cookies are
    blocked, keyed by the embedding site). Over plain HTTP (development) browsers refuse
    SameSite=None without Secure, so it stays Lax. A setting given explicitly wins."""
    over_https = str(config.get("PUBLIC_URL") or "").startswith("https://")
    chosen = {
        "SESSION_COOKIE_SAMESITE": "None" if over_https else "Lax",
        "SESSION_COOKIE_SECURE": over_https,
        "SESSION_COOKIE_PARTITIONED": over_https,
    }
    for name, value in chosen.items():
        if config.get(name) is None:
            config[name] = value


class InstanceFolderError(RuntimeError):
    """The instance folder cannot be made or written (e.g. an installed package's
    <prefix>/var/widget-instance under a system prefix): the message says what to set."""

    def __init__(self, instance_path, error):
        super().__init__(
            f"Cannot write to the instance folder {instance_path} "
            f"({error.strerror or error}): it keeps the generated secret key and the default "
            "SQLite database. Set WIDGET_INSTANCE_PATH to a folder this user may write, or "
            "set both WIDGET_SECRET_KEY and WIDGET_DATABASE_URL.")


def _make_instance_folder(instance_path):
    try:
        instance_path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InstanceFolderError(instance_path, error) from error


def _instance_secret(instance_path):
    """Generate a secret once and keep it in the instance folder, readable only by us."""
    secret_file = instance_path / "secret_key"
    if not secret_file.exists():
        _make_instance_folder(instance_path)
        try:
            fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise  # another process is making it at this moment: not the folder's fault
        except OSError as error:
            raise InstanceFolderError(instance_path, error) from error
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return secret_file.read_text().strip()
