"""A small rate limit for public pages and endpoints (no login, so no account to throttle).

Counts requests per client address and path group in Django's cache, in fixed windows; over the
limit the answer is 429 with a German text and a Retry-After header. The address is hashed
before it touches the cache, so nothing about a visitor is stored in the clear.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


def client_key(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    if settings.QK_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        address = forwarded.split(",")[-1].strip() or address
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]


def rate_limited(group: str, *, per_minute: int | None = None) -> Callable:
    """Allow ``per_minute`` requests per client for the views of ``group``."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            limit = per_minute or settings.QK_PUBLIC_RATE_LIMIT
            window = int(time.time() // 60)
            key = f"rl:{group}:{client_key(request)}:{window}"
            count = cache.get_or_set(key, 0, timeout=120)
            if count >= limit:
                response = HttpResponse(
                    _("Too many requests. Please wait a minute and try again."),
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = str(60 - int(time.time()) % 60)
                return response
            try:
                cache.incr(key)
            except ValueError:  # the entry expired between get and incr
                cache.set(key, 1, timeout=120)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
