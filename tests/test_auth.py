"""The administrator gate: safe comparison and rate limiting (no Streamlit)."""
from __future__ import annotations

from data_layer.auth import RateLimiter, check_login, password_matches

SECRET = "clave-de-prueba-2025"


def test_password_matches_only_the_exact_secret():
    assert password_matches(SECRET, SECRET)
    assert not password_matches(SECRET + " ", SECRET)
    assert not password_matches("", SECRET)
    assert not password_matches(SECRET, None)
    assert not password_matches(SECRET, "")


def test_no_secret_means_administration_is_off():
    ok, message = check_login("cualquiera", None, RateLimiter(), "s1")
    assert not ok and "desactivada" in message and "TABLERO_ADMIN_PASSWORD" in message


def test_five_failures_lock_the_session_for_the_window():
    limiter = RateLimiter(attempts=5, window=300)
    for second in range(5):
        assert check_login("mala", SECRET, limiter, "s1", now=float(second)) == (False, "Contraseña incorrecta.")
    ok, message = check_login(SECRET, SECRET, limiter, "s1", now=10.0)
    assert not ok and message.startswith("Demasiados intentos fallidos. Espere 5 minuto(s)")
    # Another session is not locked by this one...
    assert check_login(SECRET, SECRET, limiter, "s2", now=10.0) == (True, None)
    # ...and the first is free again once the window has passed.
    assert check_login(SECRET, SECRET, limiter, "s1", now=306.0) == (True, None)


def test_global_limit_stops_attempts_spread_over_many_sessions():
    limiter = RateLimiter(attempts=5, window=300, global_attempts=30)
    for n in range(30):
        check_login("mala", SECRET, limiter, f"sesion-{n}", now=float(n))
    ok, message = check_login(SECRET, SECRET, limiter, "nueva", now=31.0)
    assert not ok and message.startswith("Demasiados intentos fallidos")
