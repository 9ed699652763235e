"""Fixed-window counts per client, kept in the shared cache.

The counts live in Django's default cache, which is shared by every process: Redis when
`CACHE_URL` names one, otherwise a table in the database (never a process's own memory, which
would give each worker its own budget).

Behind a TLS proxy every request arrives from the proxy's address. `CLIENT_IP_HEADER` names the
header the proxy adds (for example `X-Forwarded-For`) and `TRUSTED_PROXY_COUNT` how many proxies
of ours stand in front of Sightline; the client is the address the outermost of them saw. Without
a configured header the connection's own address is the client.
"""

from __future__ import annotations

import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _meta_key(header: str) -> str:
    return "HTTP_" + header.strip().upper().replace("-", "_")


def client_key(request: HttpRequest) -> str:
    """The client's address: from the trusted proxy's header when one is configured."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if not header:
        return remote
    chain = [part.strip() for part in request.META.get(_meta_key(header), "").split(",")]
    chain = [part for part in chain if part]
    trusted = max(1, int(getattr(settings, "TRUSTED_PROXY_COUNT", 1)))
    if len(chain) < trusted:
        return remote  # not through our proxies: the header can't be trusted
    candidate = chain[-trusted]  # entries before it were written by the client and can be forged
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def count_hit(*, scope: str, key: str, window_seconds: int) -> int:
    """Count one hit for `key` in `scope` and return the hits in its window.

    A window starts at its first hit and lasts `window_seconds`; each hit keeps that end (the
    cache's own increment would restart the timeout on some backends).
    """
    cache_key = f"ratelimit:{scope}:{key}"
    now = time.time()
    count, started = cache.get(cache_key, (0, now))
    if now - started >= window_seconds:
        count, started = 0, now
    count += 1
    remaining = max(1, math.ceil(started + window_seconds - now))
    cache.set(cache_key, (count, started), timeout=remaining)
    return count


def hits(*, scope: str, key: str) -> int:
    """The hits counted for `key` in `scope` in the current window (none counted: 0)."""
    count, started = cache.get(f"ratelimit:{scope}:{key}", (0, 0.0))
    return int(count)


def hits_forget(*, scope: str, key: str) -> None:
    cache.delete(f"ratelimit:{scope}:{key}")


def rate_limit_exceeded(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count this hit; True when the client has gone past `limit` hits in the window."""
    return count_hit(scope=scope, key=key, window_seconds=window_seconds) > limit
