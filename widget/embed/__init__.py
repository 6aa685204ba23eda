"""The public side: the thread page shown in the iframe and the reply endpoint."""

from .views import bp

__all__ = ["bp"]
