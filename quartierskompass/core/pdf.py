"""PDF from a Django template with WeasyPrint, offline.

Templates link our static files as usual (``{% static %}``). The URL fetcher serves exactly
those from disk and refuses everything else – no network, no local files outside the static
folders – so text typed by users can never make the server fetch anything.
"""

from __future__ import annotations

import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string

# A made-up origin: relative links in the template resolve against it, and only its static
# path is served. ``.invalid`` can never resolve to a real host (RFC 2606).
BASE_URL = "https://quartierskompass.invalid/"


class RefusedURL(ValueError):
    """A PDF asked for something other than one of our static files."""


def static_file(url: str) -> Path:
    """The file behind one of our static URLs, or ``RefusedURL``."""
    parts = urlsplit(url)
    origin = urlsplit(BASE_URL)
    prefix = urlsplit(settings.STATIC_URL).path or "/static/"
    if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
        raise RefusedURL(f"Only our own static files go into a PDF, not {url!r}.")
    if not parts.path.startswith(prefix):
        raise RefusedURL(f"Not a static file: {url!r}.")
    name = posixpath.normpath(unquote(parts.path[len(prefix) :]))
    if name.startswith(("..", "/")) or "\x00" in name:
        raise RefusedURL(f"Not a static file: {url!r}.")
    found = finders.find(name)
    if found:
        return Path(found)
    collected = Path(settings.STATIC_ROOT) / name
    if settings.STATIC_ROOT and collected.is_file():
        return collected
    raise RefusedURL(f"No such static file: {name!r}.")


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)  # inline data, no request leaves the host
            path = static_file(url)
            mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})

    return StaticOnlyFetcher(allowed_protocols={"https", "data"}, allow_redirects=False)


def render_pdf(template: str, context: dict, *, request: HttpRequest | None = None) -> bytes:
    """Render ``template`` with ``context`` and return the PDF's bytes."""
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf()
