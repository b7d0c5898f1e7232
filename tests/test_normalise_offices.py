"""Tests for data_layer.normalise.offices."""
from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from data_layer.normalise.offices import canonical_office, normalise_offices, split_offices
from data_layer.vocab import load_table

# The six RESPONSABLES cells of seed 004, as written (accents, "Alcaldé"...).
SEED_004_CELLS = [
    "Secretaría de Desarrollo Social y Programas Especiales, Despacho Alcalde, Secretaría de Desarrollo administrativo, Departamento de Planeacion, Secretaría de Infraestructura, Secretaría de Educacion, Cultura y Turismo, Secretaria de Vivienda, Secretaría de Salud publica y Seguridad Social, Secretaria de Transito, Secretaria de Gobierno y Convivencia Ciudadana, Secretaria de medio ambiente y desarrollo economico, Departamento Administrativo Juridico, Secretaría de Hacienda",
    "Secretaría de Desarrollo Social y Programas Especiales, Despacho Alcalde, Secretaría de Desarrollo administrativo, Departamento de Planeacion, Secretaría de Infraestructura, Secretaría de Educacion, Cultura y Turismo, Secretaria de Vivienda, Secretaria de Salud publica y Seguridad Social, Secretaria de Transito, Secretaria de Gobierno y Convivencia Ciudadana, Secretaria de medio ambiente y desarrollo economico, Departamento Administrativo Juridico, Secretaría de Hacienda",
    "Secretaría de Desarrollo Social y Programas Especiales, Despacho Alcalde, Secretaria de Desarrollo administrativo, Departamento de Planeacion, Secretaría de Infraestructura, Secretaría de Educacion, Cultura y Turismo, Secretaria de Vivienda, Secretaría de Salud publica y Seguridad Social, Secretaria de Transito, Secretaria de Gobierno y Convivencia Ciudadana, Secretaria de medio ambiente y desarrollo economico, Departamento Administrativo Juridico, Secretaria de Hacienda",
    "Secretaría de Desarrollo Social y Programas Especiales, Despacho Alcalde, Secretaria de Desarrollo administrativo, Departamento de Planeacion, Secretaría de Infraestructura, Secretaría de Educacion, Cultura y Turismo, Secretaria de Vivienda, Secretaria de Salud publica y Seguridad Social, Secretaria de Transito, Secretaria de Gobierno y Convivencia Ciudadana, Secretaria de medio ambiente y desarrollo economico, Departamento Administrativo Juridico, Secretaria de Hacienda",
    "Secretaría de Desarrollo Social y Programas Especiales, Despacho Alcaldé, Secretaría de Desarrollo administrativo, Departamento de Planeación, Secretaría de Infraestructura, Secretaría de Educación, Cultura y Turismo, Secretaría de Vivienda, Secretaría de Salud pública y Seguridad Social, Secretaría de Tránsito, Secretaría de Gobierno y Convivencia Ciudadana, Secretaría de medio ambiente y desarrollo económico, Departamento Administrativo Jurídico, Secretaría de Hacienda",
    "Secretaría de Desarrollo Social y Programas Especiales, Despacho Alcaldé, Secretaría de Desarrollo administrativo, Departamento de Planeación, Secretaría de Infraestructura, Secretaría de Educación, Cultura y Turismo, Secretaría de Vivienda, Secretaría de Salud pública y Seguridad Social, Secretaría de Tránsito, Secretaría de Gobierno y Convivencia Ciudadana, Secretaría de medio ambiente y desarrollo económico, Departamento Administrativo Jurídico, Secretaría de Hacienda",
]

SEED_004_OFFICES = [
    "Secretaría de Desarrollo Social y Programas Especiales",
    "Despacho del Alcalde",
    "Secretaría de Desarrollo Administrativo",
    "Departamento de Planeación",
    "Secretaría de Infraestructura",
    "Secretaría de Educación, Cultura y Turismo",
    "Secretaría de Vivienda",
    "Secretaría de Salud Pública y Seguridad Social",
    "Secretaría de Tránsito",
    "Secretaría de Gobierno y Convivencia Ciudadana",
    "Secretaría de Medio Ambiente y Desarrollo Económico",
    "Departamento Administrativo Jurídico",
    "Secretaría de Hacienda",
]


@pytest.mark.parametrize("cell", SEED_004_CELLS)
def test_seed_004_cells_give_the_13_offices(cell: str) -> None:
    assert len(split_offices(cell)) == 13
    assert [canonical for canonical, _ in normalise_offices(cell)] == SEED_004_OFFICES


def test_seed_004_keeps_the_raw_names() -> None:
    pairs = normalise_offices(SEED_004_CELLS[4])
    assert ("Despacho del Alcalde", "Despacho Alcaldé") in pairs
    assert all(raw in SEED_004_CELLS[4] for _, raw in pairs)


SEED_002_CELLS = [
    "Sec. de Planeación, Medio Ambiente y Desarrollo Economico",
    "Sec. de Sevicios Administrativos",
    "Administración Municipal",
    # title block: "DEPENDENCIAS PARTICIPANTES EN LA FORMULACIÓN DEL PLAN"
    "Secretaría de Planeación, Medio Ambiente y Desarrollo Economico, "
    "Secretaría de Servicios Administrativos",
]


def test_seed_002_gives_three_offices_over_the_plan() -> None:
    found = {canonical for cell in SEED_002_CELLS for canonical, _ in normalise_offices(cell)}
    assert found == {
        "Secretaría de Planeación, Medio Ambiente y Desarrollo Económico",
        "Secretaría de Servicios Administrativos",
        "Administración Municipal",
    }


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # seed 000
        ("Planeación - SIAU", ["Planeación", "SIAU"]),
        ("Programa Hansen - Planeación", ["Programa Hansen", "Planeación"]),
        # seed 002: commas and "y" inside one office name
        ("Sec. de Planeación, Medio Ambiente y Desarrollo Economico",
         ["Sec. de Planeación, Medio Ambiente y Desarrollo Economico"]),
        # separators that always split
        ("Secretaría de Salud\nSecretaría de Gobierno", ["Secretaría de Salud", "Secretaría de Gobierno"]),
        ("Tesorería; Almacén | Contabilidad", ["Tesorería", "Almacén", "Contabilidad"]),
        ("Planeación / SIAU", ["Planeación", "SIAU"]),
        ("Planeación – SIAU", ["Planeación", "SIAU"]),
        # "y" splits only before an office-type word
        ("Secretaría de Salud y Secretaría de Gobierno", ["Secretaría de Salud", "Secretaría de Gobierno"]),
        ("Oficina de Prensa e Inspección de Policía", ["Oficina de Prensa", "Inspección de Policía"]),
        ("Secretaría de Hacienda y Planeación", ["Secretaría de Hacienda y Planeación"]),
        ("Secretaría de Desarrollo Social y Programas Especiales",
         ["Secretaría de Desarrollo Social y Programas Especiales"]),  # "Programas" is not "Programa"
        ("Secretaría de Salud, y Secretaría de Gobierno", ["Secretaría de Salud", "Secretaría de Gobierno"]),
        ("Sec. de Salud, Sec. de Gobierno", ["Sec. de Salud", "Sec. de Gobierno"]),
        ("Sec. de Hacienda y Dpto. de Planeación", ["Sec. de Hacienda", "Dpto. de Planeación"]),
        ("Control Interno, Talento Humano", ["Control Interno", "Talento Humano"]),
        # bullets, numbering, empties, repeats
        ("1. Secretaría de Salud\n2. Secretaría de Gobierno", ["Secretaría de Salud", "Secretaría de Gobierno"]),
        ("- Planeación\n• SIAU\n\n-", ["Planeación", "SIAU"]),
        ("1.1) Secretaría de Salud.", ["Secretaría de Salud"]),
        ("a) Tesorería\nb) Almacén", ["Tesorería", "Almacén"]),
        ("SIAU - SIAU", ["SIAU"]),
        ("Secretaría de Salud, ", ["Secretaría de Salud"]),
        ("Sec.", ["Sec."]),
        ("", []),
        (None, []),
        ("  \n ", []),
    ],
)
def test_split_offices(cell: object, expected: list[str]) -> None:
    assert split_offices(cell) == expected


@pytest.mark.parametrize(
    ("spellings", "canonical"),
    [
        (["Sec. de Planeación", "Secretaría de Planeación", "Secretaria de planeacion",
          "SECRETARIA DE PLANEACION", "Sria. de Planeación", "Sec.de Planeación",
          "sec de planeación", "  Secretaría   de  Planeación. "],
         "Secretaría de Planeación"),
        (["Sec. de Sevicios Administrativos", "Secretaría de Servicios Administrativos"],
         "Secretaría de Servicios Administrativos"),
        (["Despacho Alcalde", "Despacho Alcaldé", "Despacho del Alcalde", "DESPACHO DEL ALCALDE",
          "Despacho de la Alcaldía"],
         "Despacho del Alcalde"),
        (["Dpto. de Planeacion", "Depto. de Planeación", "Departamento de Planeación"],
         "Departamento de Planeación"),
        (["Of. de Control Interno", "Control Interno", "Oficina Control Interno"],
         "Oficina de Control Interno"),
        (["SIAU", "siau", "Siau"], "SIAU"),
        (["Programa Hansen", "PROGRAMA HANSEN", "programa hansen"], "Programa Hansen"),
        (["Dir. de Tecnologías de la Información y las Comunicaciones - TIC"],
         "Dirección de Tecnologías de la Información y las Comunicaciones - TIC"),
        (["Secretaría de Educacion, Cultura y Turismo", "Secretaría de Educación ,Cultura y Turismo"],
         "Secretaría de Educación, Cultura y Turismo"),
        (["Departamento Administrativo Juridico"], "Departamento Administrativo Jurídico"),
        (["Secretaría de Salud (SIAU)"], "Secretaría de Salud (SIAU)"),
        (["", "   ", "-"], ""),
    ],
)
def test_canonical_office(spellings: list[str], canonical: str) -> None:
    for spelling in spellings:
        assert canonical_office(spelling) == canonical, spelling


def test_normalise_offices_dedupes_by_canonical() -> None:
    cell = "Sec. de Planeación\nSecretaría de Planeación\nSecretaria de planeacion, SIAU"
    assert normalise_offices(cell) == [
        ("Secretaría de Planeación", "Sec. de Planeación"),
        ("SIAU", "SIAU"),
    ]


def test_alias_canonicals_are_fixed_points() -> None:
    for row in load_table("offices"):
        assert canonical_office(row["canonical"]) == row["canonical"], row
        assert canonical_office(row["alias"]) == row["canonical"], row


# Names made of words from office_words.csv: their canonical form must not
# depend on case or accents.
_WORDS = [row["written"] for row in load_table("office_words") if row["written"].isalpha()]
_STRIP_ACCENTS = str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6))
def test_canonical_ignores_case_and_accents(words: list[str]) -> None:
    name = " ".join(["Secretaría", "de", *words])
    canonical = canonical_office(name)
    assert canonical_office(name.upper()) == canonical
    assert canonical_office(name.lower()) == canonical
    assert canonical_office(name.translate(_STRIP_ACCENTS)) == canonical


office_text = st.text(
    alphabet=st.sampled_from(list("abcdeimnoprstuyáéíóñABCDEMPSY .,-;/\n()1")), max_size=60
)


@settings(max_examples=200, deadline=None)
@given(office_text)
@example("Sec. , , Sec.")  # an abbreviation after a lone comma is not "Srí a"
@example("y ABE")  # a small word does not make a name in capitals lower case
def test_canonical_is_idempotent(name: str) -> None:
    canonical = canonical_office(name)
    assert canonical_office(canonical) == canonical


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.text(), office_text))
def test_split_and_normalise_never_raise(cell: object) -> None:
    pieces = split_offices(cell)
    assert all(piece and piece == piece.strip() for piece in pieces)
    assert len(pieces) == len(set(pieces))
    pairs = normalise_offices(cell)
    canonicals = [canonical for canonical, _ in pairs]
    assert len(canonicals) == len(set(canonicals)) and all(canonicals)


# ------------------------------------------------ issue 11: untuned spellings


@pytest.mark.parametrize(
    ("spellings", "canonical"),
    [
        (["Sec. Salud", "Sec Salud", "Secretaria Salud", "Sec. de Salud", "Secretaría de Salud"],
         "Secretaría de Salud"),
        (["Srí a de Gobierno", "Sría Gobierno", "Sria. Gobierno", "Secret. Gobierno",
          "Secre. de Gobierno", "Secretaría Gobierno"],
         "Secretaría de Gobierno"),
        (["Ofic. Prensa", "Of. Prensa", "Ofna. de Prensa", "Oficina Prensa"], "Oficina de Prensa"),
        (["Dir. Tránsito", "Dir. de Transito", "Dirección Tránsito"], "Dirección de Tránsito"),
        (["Depto. Planeación", "Dpto. Planeacion", "Dpto Planeación"], "Departamento de Planeación"),
        (["Subsec. de Salud Pública", "Subsec. Salud Publica"], "Subsecretaría de Salud Pública"),
        (["Secretaría Gral.", "Sec. Gral.", "Secret. General"], "Secretaría General"),
        (["Desp. del Alcalde", "Desp. Alcalde"], "Despacho del Alcalde"),
    ],
)
def test_abbreviations_merge_with_the_spelled_out_name(spellings: list[str], canonical: str) -> None:
    for spelling in spellings:
        assert canonical_office(spelling) == canonical, spelling


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # the new abbreviations start an office, so a comma or "y" before them splits
        ("Sec. Salud, Srí a de Gobierno",
         [("Secretaría de Salud", "Sec. Salud"), ("Secretaría de Gobierno", "Srí a de Gobierno")]),
        ("Secretaría de Educación, Cultura y Turismo y Ofic. Asesora Jurídica",
         [("Secretaría de Educación, Cultura y Turismo", "Secretaría de Educación, Cultura y Turismo"),
          ("Oficina Asesora Jurídica", "Ofic. Asesora Jurídica")]),
        # commas and "y" inside one office name still do not split
        ("Srí a de Educación, Cultura y Turismo; Oficina Asesora de Planeación",
         [("Secretaría de Educación, Cultura y Turismo", "Srí a de Educación, Cultura y Turismo"),
          ("Oficina Asesora de Planeación", "Oficina Asesora de Planeación")]),
        ("Ofic. Asesora Jurídica, Dirección de Tránsito y Transporte",
         [("Oficina Asesora Jurídica", "Ofic. Asesora Jurídica"),
          ("Dirección de Tránsito y Transporte", "Dirección de Tránsito y Transporte")]),
        ("Secretaría de Salud y Subsec. de Salud Pública",
         [("Secretaría de Salud", "Secretaría de Salud"),
          ("Subsecretaría de Salud Pública", "Subsec. de Salud Pública")]),
        ("Secret. General y Dir. Técnica",
         [("Secretaría General", "Secret. General"), ("Dirección Técnica", "Dir. Técnica")]),
        ("Sec. de Educación, Cultura y Turismo - SIAU - IMCTT",
         [("Secretaría de Educación, Cultura y Turismo", "Sec. de Educación, Cultura y Turismo"),
          ("SIAU", "SIAU"), ("IMCTT", "IMCTT")]),
    ],
)
def test_split_and_name_with_the_new_abbreviations(cell: str, expected: list[tuple[str, str]]) -> None:
    assert normalise_offices(cell) == expected


# Acronyms: (as written, canonical). The cases that already held stay here as
# guards: the rule must not turn words into acronyms.
ACRONYM_CASES = {
    # alone, or in a name in capitals and lower case: every acronym-like token
    "IMCTT": "IMCTT",
    "OCI": "OCI",
    "IDRD": "IDRD",
    "SED": "SED",
    "Secretaría de Salud - IMCTT": "Secretaría de Salud - IMCTT",
    "Oficina de Control Interno - OCI": "Oficina de Control Interno - OCI",
    "Oficina TIC - OAP": "Oficina TIC - OAP",
    "Instituto de Recreación y Deporte IDRD": "Instituto de Recreación y Deporte IDRD",
    # a name all in capitals: only what cannot be a Spanish word stays
    "SECRETARÍA DE SALUD - IMCTT": "Secretaría de Salud - IMCTT",
    "INSTITUTO DE RECREACIÓN Y DEPORTE IDRD": "Instituto de Recreación y Deporte IDRD",
    "SECRETARÍA DE SALUD": "Secretaría de Salud",
    "OFICINA DE PRENSA": "Oficina de Prensa",
    "OFICINA DE PAGOS": "Oficina de Pagos",  # not in office_words, but reads as Spanish
    "SECRETARÍA PARA LA MUJER": "Secretaría para la Mujer",
    "ESE HOSPITAL SAN RAFAEL": "ESE Hospital San Rafael",
    "UMATA": "UMATA",
    # words of office_words.csv win over capitals
    "Secretaría de SALUD": "Secretaría de Salud",
    "SISBEN": "Sisbén",
    "Oficina del Sisben": "Oficina del Sisbén",
    # a word in lower case is not an acronym; a small word or a letter in
    # lower case does not make a name in capitals a name in lower case
    "Oficina de pagos": "Oficina de Pagos",
    "y ABE": "Y Abe",
    "SECRETARÍA de SALUD IMCTT": "Secretaría de Salud IMCTT",
}


def test_acronyms_stay_in_capitals() -> None:
    assert {spelling: canonical_office(spelling) for spelling in ACRONYM_CASES} == ACRONYM_CASES


# A missing «de»: (as written, canonical), with the cases where none is added.
DE_CASES = {
    # an office start followed by a noun takes "de"
    "Secretaría Protección Social": "Secretaría de Protección Social",
    "Secretaría Salud": "Secretaría de Salud",
    "SECRETARIA SALUD": "Secretaría de Salud",
    "Subsecretaría Salud Pública": "Subsecretaría de Salud Pública",
    "Oficina Control Interno": "Oficina de Control Interno",
    "Dirección Tránsito y Transporte": "Dirección de Tránsito y Transporte",
    "Subdirección Fomento Deportivo": "Subdirección de Fomento Deportivo",
    "Comisaría Familia": "Comisaría de Familia",
    "Inspección Policía": "Inspección de Policía",
    "Secretaría Educación, Cultura y Turismo": "Secretaría de Educación, Cultura y Turismo",
    # but not before an adjective of office_de.csv, a small word or an acronym
    "Secretaría General": "Secretaría General",
    "Oficina Asesora Jurídica": "Oficina Asesora Jurídica",
    "Oficina Asesora de Planeación": "Oficina Asesora de Planeación",
    "Dirección Técnica": "Dirección Técnica",
    "Dirección Comercial": "Dirección Comercial",
    "Subgerencia Científica": "Subgerencia Científica",
    "Departamento Administrativo Jurídico": "Departamento Administrativo Jurídico",
    "Secretaría Distrital de Salud": "Secretaría Distrital de Salud",
    "Secretaría para la Mujer": "Secretaría para la Mujer",
    "Secretaría del Interior": "Secretaría del Interior",
    "Oficina SIAU": "Oficina SIAU",
    "Secretaría (SIAU)": "Secretaría (SIAU)",
    "Programa Hansen": "Programa Hansen",  # "Programa" does not take "de"
    "Despacho Alcalde": "Despacho del Alcalde",  # offices.csv, not office_de.csv
}


def test_de_is_restored_only_before_a_noun() -> None:
    assert {spelling: canonical_office(spelling) for spelling in DE_CASES} == DE_CASES


def test_de_rule_reads_its_vocabulary() -> None:
    rows = load_table("office_de")
    starts = [row["word"] for row in rows if row["role"] == "antes"]
    adjectives = [row["word"] for row in rows if row["role"] == "sin_de"]
    assert "secretaria" in starts and "general" in adjectives
    for start in starts:
        written = canonical_office(start)
        assert canonical_office(f"{start} salud") == f"{written} de Salud", start
        for adjective in adjectives:
            assert " de " not in canonical_office(f"{start} {adjective}"), (start, adjective)
