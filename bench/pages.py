"""Page: server-side time of a full script run of each page, in Streamlit's AppTest.

AppTest runs dashboard.py in this process exactly as the server would (the
sidebar, the page, every widget and chart serialised), without a browser or
a network; the time is the wall time of ``at.run()``.

- ``arranque_s``: the very first run of the app on the database (nothing
  cached: it opens the file and builds the derived tables, then draws Resumen).
- ``first_load_s``: each page's first run with Streamlit's data cache cleared
  (``st.cache_data``): every query runs. The derived tables stay built (they
  belong to the shared connection, ``st.cache_resource``).
- ``rerun_entidad_s``: then one sidebar filter changes (``f_entidad`` → the
  first entity) and the page reruns: its queries run again for the new
  filters (the sidebar's too), nothing of it cached.
- ``rerun_fase_s``: back to every entity (cached), then ``f_fase`` → the first
  phase: a filter change that keeps the national scale (a thousand entities
  in every chart), nothing of it cached.
- ``rerun_s``: the slower of the two, what the target is checked against.
"""
from __future__ import annotations

from pathlib import Path

from bench.common import ROOT, environ, timed

PAGES = {
    "resumen": "pages/resumen.py",
    "avance": "pages/avance.py",
    "dependencias": "pages/dependencias.py",
    "fases": "pages/fases.py",
    "actividades": "pages/actividades.py",
    "calidad": "pages/calidad.py",
    "presentacion": "pages/presentacion.py",
}


def run(db_path: Path, timeout: float = 1800, log=print) -> dict:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    result: dict = {"first_load_s": {}, "rerun_s": {}, "rerun_entidad_s": {},
                    "rerun_fase_s": {}, "errors": {}}
    with environ(TABLERO_DB=str(db_path)):
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
        result["arranque_s"] = round(timed(at.run)[0], 2)
        entity = at.multiselect(key="f_entidad").options[0]
        for name, page in PAGES.items():
            st.cache_data.clear()
            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
            at.switch_page(page)
            first, _ = timed(at.run)
            problems = _problems(at, "primera carga")
            widget = at.multiselect(key="f_entidad")
            rerun, _ = timed(lambda widget=widget: widget.set_value([entity]).run())
            problems += _problems(at, "tras elegir una entidad")
            at.multiselect(key="f_entidad").set_value([]).run()
            widget = at.multiselect(key="f_fase")
            phase = widget.options[0]
            national, _ = timed(lambda widget=widget: widget.set_value([phase]).run())
            problems += _problems(at, "tras elegir una fase")
            result["first_load_s"][name] = round(first, 2)
            result["rerun_entidad_s"][name] = round(rerun, 2)
            result["rerun_fase_s"][name] = round(national, 2)
            result["rerun_s"][name] = round(max(rerun, national), 2)
            if problems:
                result["errors"][name] = problems
            log(f"  {name}: primera carga {first:.2f} s, tras elegir una entidad {rerun:.2f} s, "
                f"tras elegir una fase (todas las entidades) {national:.2f} s")
        st.cache_data.clear()
        st.cache_resource.clear()
    result["filter_change"] = {"entidad": f"f_entidad = [{entity}]",
                               "fase": "f_fase = [la primera fase], todas las entidades"}
    return result


def _problems(at, when: str) -> list[str]:
    """What the page showed instead of its content: exceptions and st.error boxes
    (the page guard turns an exception into an error box)."""
    return [f"{when}: {str(e.value)[:300]}" for e in [*at.exception, *at.error]]
