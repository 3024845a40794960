"""Typed readers for environment variables that fail loudly on bad values.

Settings are configured only through the environment (see `.env.example`). A typo such as
``DEBUG=ture`` must stop the start with a message naming the variable, not silently fall
back to a default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

_TRUE = {"1", "true", "yes", "on", "ja"}
_FALSE = {"0", "false", "no", "off", "nein", ""}


class EnvError(ValueError):
    """A variable is set to a value its reader cannot understand."""


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (os.environ if environ is None else environ).get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise EnvError(f"{name}={value!r} is not a boolean; use true or false.")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise EnvError(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise EnvError(f"{name}={number} is below the minimum of {minimum}.")
    return number


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    """A comma-separated list; empty items are dropped."""
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_path(name: str, default: Path, *, environ: Mapping[str, str] | None = None) -> Path:
    value = _raw(name, environ)
    path = Path(value).expanduser() if value else default
    if path.exists() and not path.is_dir():
        raise EnvError(f"{name}={str(path)!r} exists but is not a directory.")
    return path.resolve()


def env_choice(
    name: str,
    default: str,
    choices: tuple[str, ...],
    *,
    environ: Mapping[str, str] | None = None,
) -> str:
    value = env_str(name, default, environ=environ)
    if value not in choices:
        raise EnvError(f"{name}={value!r} must be one of: {', '.join(choices)}.")
    return value


def read_or_create_secret(path: Path, *, length: int = 50) -> str:
    """Return the secret stored in ``path``, creating it (mode 0600) on first use."""
    import secrets

    if path.exists():
        secret = path.read_text(encoding="utf-8").strip()
        if len(secret) >= 32:
            return secret
        raise EnvError(f"The secret key in {path} is shorter than 32 characters.")
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(length)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    return secret


def url_origins(template: str) -> list[str]:
    """The origin of a tile URL template for the Content-Security-Policy.

    ``https://{s}.tile.example.org/{z}/{x}/{y}.png`` → ``["https://*.tile.example.org"]``;
    an empty template (maps without tiles) → ``[]``.
    """
    from urllib.parse import urlsplit

    if not template:
        return []
    parts = urlsplit(template.replace("{s}", "subdomain-placeholder"))
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise EnvError(f"QK_TILE_URL={template!r} is not an http(s) address template.")
    host = parts.netloc.replace("subdomain-placeholder", "*")
    return [f"{parts.scheme}://{host}"]
