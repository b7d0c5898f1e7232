"""The administrator gate: one shared secret, compared safely, attempts limited.

Viewing is open; loading, mapping, replacing and deleting plans need the
administrator password. It comes from Streamlit secrets (``admin_password``
in ``.streamlit/secrets.toml``) or from the environment variable
``TABLERO_ADMIN_PASSWORD``; with neither, administration is simply off.
A password shorter than :data:`MIN_LENGTH` keeps administration off too
(:func:`secret_problem` says so in Spanish). Nothing here knows Streamlit: the
UI passes the secret in.

:data:`LIMITER` is the server's one rate limiter: a plain module object, so no
cache clearing (``st.cache_resource.clear()``, the «clear_cache» message a
browser can send) and no new session can reset it; only a new process does.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field

ENV_VAR = "TABLERO_ADMIN_PASSWORD"
MIN_LENGTH = 12


def secret_from_env() -> str | None:
    value = os.environ.get(ENV_VAR, "")
    return value or None


def secret_problem(secret: str | None) -> str | None:
    """Why administration is off with this secret (Spanish), or None when it is usable."""
    where = f"`.streamlit/secrets.toml` (admin_password) o en la variable {ENV_VAR}"
    if not secret:
        return f"La administración está desactivada: defina la contraseña en {where}."
    if len(secret) < MIN_LENGTH:
        return (f"La administración está desactivada: la contraseña configurada es demasiado corta "
                f"(debe tener al menos {MIN_LENGTH} caracteres). Defina una más larga en {where} "
                "y reinicie el tablero.")
    return None


def password_matches(candidate: str, secret: str | None) -> bool:
    """Constant-time comparison (of digests, so lengths leak nothing either)."""
    if not secret or not candidate:
        return False
    given = hashlib.sha256(candidate.encode("utf-8")).digest()
    expected = hashlib.sha256(secret.encode("utf-8")).digest()
    return hmac.compare_digest(given, expected)


@dataclass
class RateLimiter:
    """At most ``attempts`` failed logins per ``window`` seconds, per key and
    in total (so a viewer cannot get around it by opening new sessions)."""

    attempts: int = 5
    window: float = 300.0
    global_attempts: int = 30
    _failures: dict[str, deque] = field(default_factory=dict)
    _all: deque = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _prune(self, queue: deque, now: float) -> None:
        while queue and now - queue[0] > self.window:
            queue.popleft()

    def wait_seconds(self, key: str, now: float | None = None) -> float:
        """0 when a new attempt is allowed, else how long to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            waits = [0.0]
            for queue, limit in ((self._failures.get(key, deque()), self.attempts),
                                 (self._all, self.global_attempts)):
                self._prune(queue, now)
                if len(queue) >= limit:
                    waits.append(self.window - (now - queue[0]))
            return max(waits)

    def record_failure(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._failures.setdefault(key, deque()).append(now)
            self._all.append(now)

    def reset(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def clear(self) -> None:
        """Forget every failure (a restart does the same; tests use it)."""
        with self._lock:
            self._failures.clear()
            self._all.clear()


LIMITER = RateLimiter()


def check_login(candidate: str, secret: str | None, limiter: RateLimiter, key: str,
                now: float | None = None) -> tuple[bool, str | None]:
    """(ok, Spanish message). The message says why a login was refused."""
    problem = secret_problem(secret)
    if problem:
        return False, problem
    wait = limiter.wait_seconds(key, now)
    if wait > 0:
        minutes = max(1, round(wait / 60))
        return False, (f"Demasiados intentos fallidos. Espere {minutes} minuto(s) antes de "
                       "volver a intentarlo.")
    if password_matches(candidate, secret):
        limiter.reset(key)
        return True, None
    limiter.record_failure(key, now)
    return False, "Contraseña incorrecta."
