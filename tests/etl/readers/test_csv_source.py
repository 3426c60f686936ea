"""classify_bytes names a file's encoding from all of its bytes: plain ASCII is UTF-8 without being
decoded (issue 20: most DfE downloads), with or without a byte-order mark, and anything else is
decoded to tell UTF-8, Windows-1252 and a mix of the two apart."""

import pytest

from etl.readers.csv_source import MIXED, UnreadableFile, classify_bytes

BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (b"URN,SCHNAME\n100001,St Mary's\n", "utf-8"),
        (BOM + b"URN,SCHNAME\n100001,St Mary's\n", "utf-8-sig"),
        (BOM + "URN,SCHNAME\n100001,Ysgol Gymraeg Bro Ŵyn\n".encode(), "utf-8-sig"),
        ("URN,SCHNAME\n100001,St Mary’s\n".encode(), "utf-8"),
        ("URN,SCHNAME\n100001,St Mary’s\n".encode("cp1252"), "cp1252"),
        ("URN,SCHNAME\n1,Bro Ŵyn\n".encode() + "2,St Mary’s\n".encode("cp1252"), MIXED),
        (BOM, "utf-8-sig"),
        (b"", "utf-8"),
    ],
)
def test_the_encoding_of_a_files_bytes(raw, encoding):
    assert classify_bytes(raw) == encoding


def test_bytes_that_are_not_text_are_refused():
    with pytest.raises(UnreadableFile, match="Excel workbook or a zip file"):
        classify_bytes(b"PK\x03\x04\x00\x00rest of a workbook")
