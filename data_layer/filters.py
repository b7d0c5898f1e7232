"""The filters of the dashboard as one value.

``Filters`` is built once from the sidebar (or the URL) and gives:
- ``to_where()``: a parameterised SQL condition over the columns of the
  activity-state relation (``data_layer.status``), never values in the SQL text;
- ``describe()``: the Spanish sentence shown above results and written into
  every download;
- ``to_query_params()`` / ``from_query_params()``: the URL form, so a link
  reproduces the view.

The list filters are declared as data (:data:`LIST_FILTERS`); an empty tuple
means "no filter".
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from data_layer import es_co, semaforo, status
from data_layer.model import PHASE_LABELS, PHASES
from data_layer.semaforo import Umbrales


@dataclass(frozen=True)
class ListFilter:
    """One multi-valued filter: its SQL, its words, how its values read."""

    name: str  # attribute of Filters, SQL parameter and URL key
    sql: str  # condition over the activity-state columns, binding $<name>
    singular: str  # "fase"
    plural: str  # "fases"
    value_label: Callable[[object], str] = str
    parse: Callable[[str], object] = str  # from the URL text
    allowed: tuple | None = None  # accepted values (None: anything)
    plan_level: bool = False  # applies to whole plans (corte options, data quality)


LIST_FILTERS: tuple[ListFilter, ...] = (
    ListFilter("entidad", "list_contains($entidad, entidad)", "entidad", "entidades",
               plan_level=True),
    ListFilter("vigencia", "list_contains($vigencia, vigencia)", "vigencia", "vigencias",
               parse=int, plan_level=True),
    ListFilter("fase", "list_contains($fase, fase)", "fase", "fases",
               value_label=lambda code: PHASE_LABELS.get(code, code), allowed=PHASES),
    ListFilter("dependencia", "list_has_any($dependencia, dependencias_lista)",
               "dependencia", "dependencias"),
    ListFilter("estado", "list_contains($estado, estado)", "estado", "estados",
               value_label=lambda code: status.ESTADO_LABELS[code].lower(),
               allowed=status.ESTADOS),
    ListFilter("semaforo", "list_contains($semaforo, semaforo)", "semáforo", "semáforo",
               value_label=lambda code: semaforo.NAMES[code].lower(),
               allowed=semaforo.COLORS),
    ListFilter("grupo_valor", "list_contains($grupo_valor, grupo_valor)",
               "grupo de valor", "grupos de valor"),
)
TEXT_SQL = "contains(texto_busqueda, strip_accents(lower($texto)))"


@dataclass(frozen=True)
class Filters:
    """What the user asked to see. Hashable: it is also the cache key."""

    entidad: tuple[str, ...] = ()
    vigencia: tuple[int, ...] = ()
    corte: date | None = None  # None: the latest cutoff of the filtered plans
    fase: tuple[str, ...] = ()
    dependencia: tuple[str, ...] = ()
    estado: tuple[str, ...] = ()
    semaforo: tuple[str, ...] = ()
    grupo_valor: tuple[str, ...] = ()
    texto: str = ""
    umbrales: Umbrales = field(default_factory=Umbrales)

    def replace(self, **changes: object) -> Filters:
        return dataclasses.replace(self, **changes)

    def to_where(self, plan_level: bool = False) -> tuple[str, dict[str, object]]:
        """``(condition, params)`` over the activity-state columns.

        ``plan_level=True`` keeps only the filters that select whole plans
        (entidad, vigencia), for the corte options and the import report.
        """
        clauses: list[str] = []
        params: dict[str, object] = {}
        for spec in LIST_FILTERS:
            values = getattr(self, spec.name)
            if values and (spec.plan_level or not plan_level):
                clauses.append(spec.sql)
                params[spec.name] = list(values)
        if self.texto.strip() and not plan_level:
            clauses.append(TEXT_SQL)
            params["texto"] = self.texto.strip()
        return (" AND ".join(clauses) or "TRUE"), params

    def describe(self, count: int | None = None) -> str:
        """The Spanish sentence above the results, e.g. "Mostrando 9 actividades de
        Sanatorio de Contratación ESE, vigencia 2022, corte 31/03/2022, fase Transversal."
        """
        head = ("Mostrando actividades" if count is None
                else f"Mostrando {es_co.plural(count, 'actividad', 'actividades')}")
        entities = (f"de {es_co.join(self.entidad)}" if self.entidad
                    else "de todas las entidades")
        parts = [f"{head} {entities}", *self._describe_lists(LIST_FILTERS[1:2]),
                 self._describe_corte(), *self._describe_lists(LIST_FILTERS[2:])]
        if self.texto.strip():
            parts.append(f"que contienen «{self.texto.strip()}»")
        if self.umbrales != Umbrales():
            parts.append(
                f"semáforo con rojo por debajo de {es_co.percent(self.umbrales.rojo, 0)} "
                f"y verde desde {es_co.percent(self.umbrales.verde, 0)}"
            )
        return ", ".join(parts) + "."

    def _describe_lists(self, specs: Sequence[ListFilter]) -> list[str]:
        parts = []
        for spec in specs:
            values = getattr(self, spec.name)
            if values:
                word = spec.singular if len(values) == 1 else spec.plural
                last = "y" if spec.name == "vigencia" else "o"
                labels = [spec.value_label(value) for value in values]
                parts.append(f"{word} {es_co.join(labels, last)}")
        return parts

    def _describe_corte(self) -> str:
        if self.corte is None:
            return "último corte disponible"
        return f"corte {es_co.date_text(self.corte)}"

    def to_query_params(self) -> dict[str, str | list[str]]:
        """The URL form: only what differs from the defaults."""
        params: dict[str, str | list[str]] = {}
        for spec in LIST_FILTERS:
            values = getattr(self, spec.name)
            if values:
                params[spec.name] = [str(value) for value in values]
        if self.corte is not None:
            params["corte"] = self.corte.isoformat()
        if self.texto.strip():
            params["texto"] = self.texto.strip()
        defaults = Umbrales()
        if self.umbrales.rojo != defaults.rojo:
            params["umbral_rojo"] = _number_text(self.umbrales.rojo)
        if self.umbrales.verde != defaults.verde:
            params["umbral_verde"] = _number_text(self.umbrales.verde)
        return params

    @classmethod
    def from_query_params(cls, params: Mapping[str, str | Sequence[str]]) -> Filters:
        """Read the URL form back. Values that do not parse are dropped, never raised:
        a hand-edited or old link still opens."""
        changes: dict[str, object] = {}
        for spec in LIST_FILTERS:
            values = []
            for text in _as_list(params.get(spec.name)):
                try:
                    value = spec.parse(text)
                except ValueError:
                    continue
                if (spec.allowed is None or value in spec.allowed) and value not in values:
                    values.append(value)
            changes[spec.name] = tuple(values)
        corte = _last(params.get("corte"))
        try:
            changes["corte"] = date.fromisoformat(corte) if corte else None
        except ValueError:
            changes["corte"] = None
        changes["texto"] = (_last(params.get("texto")) or "").strip()
        changes["umbrales"] = _umbrales(params)
        return cls(**changes)


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]


def _last(value: str | Sequence[str] | None) -> str | None:
    values = _as_list(value)
    return values[-1] if values else None


def _umbrales(params: Mapping[str, str | Sequence[str]]) -> Umbrales:
    defaults = Umbrales()
    try:
        rojo = float(_last(params.get("umbral_rojo")) or defaults.rojo)
        verde = float(_last(params.get("umbral_verde")) or defaults.verde)
        return Umbrales(rojo=rojo, verde=verde)
    except ValueError:
        return defaults


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
