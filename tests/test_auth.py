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


def test_secret_shorter_than_12_characters_turns_administration_off():
    from data_layer.auth import MIN_LENGTH, secret_problem

    assert MIN_LENGTH == 12
    assert secret_problem("x" * 12) is None
    message = secret_problem("x" * 11)
    assert message.startswith("La administración está desactivada: la contraseña configurada es "
                              "demasiado corta (debe tener al menos 12 caracteres).")
    # The right password is refused too while the configured one is too short.
    assert check_login("x" * 11, "x" * 11, RateLimiter(), "s1") == (False, message)
    assert check_login("x" * 12, "x" * 12, RateLimiter(), "s1") == (True, None)


def test_the_server_limiter_survives_clearing_streamlit_caches():
    import streamlit as st

    from data_layer import auth

    auth.LIMITER.clear()
    try:
        for n in range(30):
            check_login("mala", SECRET, auth.LIMITER, f"sesion-{n}")
        st.cache_resource.clear()
        st.cache_data.clear()
        ok, message = check_login(SECRET, SECRET, auth.LIMITER, "nueva")
        assert not ok and message == "Demasiados intentos fallidos. Espere 5 minuto(s) antes de volver a intentarlo."
    finally:
        auth.LIMITER.clear()
