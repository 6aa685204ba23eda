"""The public side: the thread page shown in the iframe and the reply endpoint."""

from . import edit_views, like_views, posting, preview_views  # noqa: F401  (they add routes to bp)
from .views import bp

__all__ = ["bp"]
