"""Files that cannot be read at all: one Spanish message, nothing written."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from data_layer.errors import PlanFileError
from data_layer.ingest import read_plan
from data_layer.ingest.workbook import OLE_MAGIC

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "000_sanatorio_contratacion_2022.xlsx"


def zip_bomb() -> bytes:
    """A tiny .xlsx whose one part would expand to 60 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return buffer.getvalue()


def encrypted_office_file() -> bytes:
    """What Excel writes for a password-protected .xlsx: an OLE container
    holding an "EncryptedPackage" stream (only the parts we look at)."""
    return OLE_MAGIC + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512


CASES = {
    "vacio.xlsx": (b"", "El archivo «vacio.xlsx» está vacío: no tiene ninguna hoja ni celda."),
    "pagina.xlsx": (b"<html><body>Plan</body></html>",
                    "El archivo «pagina.xlsx» no es una hoja de cálculo aunque su nombre termine en "
                    ".xlsx (quizá se renombró un PDF, un Word o una página web). Ábralo en Excel y "
                    "guárdelo como «Libro de Excel (.xlsx)»."),
    "cortado.xlsx": (SAMPLE.read_bytes()[:2000],
                     "El archivo «cortado.xlsx» está dañado o incompleto (no se puede descomprimir). "
                     "Vuelva a descargarlo o a guardarlo desde Excel."),
    "protegido.xlsx": (encrypted_office_file(),
                       "El archivo «protegido.xlsx» está protegido con contraseña. Ábralo en Excel, "
                       "quite la contraseña (Archivo › Información › Proteger libro) y vuelva a cargarlo."),
    "binario.csv": (b"\x00\x01\x02plan\x00", "El archivo «binario.csv» no es una hoja de cálculo ni un "
                    "CSV de texto. Cargue el plan como .xlsx, .xls o .csv."),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_unreadable_file_gets_one_spanish_message(tmp_path, name):
    data, message = CASES[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(PlanFileError) as raised:
        read_plan(path)
    assert raised.value.message == message


def test_zip_bomb_is_refused_before_it_is_expanded(tmp_path):
    path = tmp_path / "bomba.xlsx"
    path.write_bytes(zip_bomb())
    assert path.stat().st_size < 200_000
    with pytest.raises(PlanFileError, match="se expandiría a 60 MB"):
        read_plan(path)
