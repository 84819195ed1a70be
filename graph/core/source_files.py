"""Reading a source file a person supplied: size-limited, a regular file, strictly UTF-8.

Shared by the loaders and by the scenario reader, so both refuse a named pipe, a 1 GB file
or UTF-16 text the same way, naming the file and the line and column of a bad byte.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from govgraph.graph.core.config import MAX_SOURCE_BYTES_ENV, current
from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.text import short_repr

DEFAULT_MAX_SOURCE_BYTES = 64 * 1024 * 1024
"""64 MiB per file: thirty times the largest public dataset govgraph reads (2 MB), and
small enough that parsing it in memory stays well within a laptop's RAM."""

_UTF16_32_BOMS = {
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\xfe\xff": "UTF-16",
    b"\xff\xfe": "UTF-16",
}
_BINARY_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"PK\x03\x04": "a zip archive (an .xlsx or .ods spreadsheet is one: save it as CSV)",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old Office document (.xls/.doc: save it as CSV)",
}


def max_source_bytes() -> int:
    """The per-file size limit: ``$GOVGRAPH_MAX_SOURCE_BYTES`` or 64 MiB."""
    return byte_limit(MAX_SOURCE_BYTES_ENV, DEFAULT_MAX_SOURCE_BYTES)


def byte_limit(env: str, default: int) -> int:
    """A size limit in bytes: the environment variable ``env`` if set, else ``default``."""
    raw = current().variable(env)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SourceError(
            f"expected a whole number of bytes, got {short_repr(raw)}", field=env
        ) from None
    if value <= 0:
        raise SourceError(f"expected a positive number, got {value}", field=env)
    return value


def _too_big(limit: int) -> str:
    return (
        f"file is larger than the {limit:,}-byte limit for one source; raise "
        f"{MAX_SOURCE_BYTES_ENV} to load it"
    )


def check_regular(status: os.stat_result, path: Path) -> None:
    """Refuse a folder, named pipe, device or socket where a source file is expected:
    reading a named pipe or a device never ends."""
    if stat.S_ISDIR(status.st_mode):
        raise SourceError("expected a file, found a folder", file=str(path))
    if not stat.S_ISREG(status.st_mode):
        raise SourceError(
            f"expected a regular file, found {_file_type(status.st_mode)}", file=str(path)
        )


def _check_status(status: os.stat_result, path: Path, limit: int) -> None:
    check_regular(status, path)
    if status.st_size > limit:
        raise SourceError(_too_big(limit), file=str(path))


def check_source_file(path: Path) -> int:
    """The size of a source file that may be read: a regular file (not a folder, named pipe
    or device, which would block or never end) within the size limit; else a SourceError.
    For a loader that streams a file instead of calling :func:`read_source_bytes`."""
    limit = max_source_bytes()
    try:
        status = path.stat()
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}", file=str(path)) from None
    _check_status(status, path, limit)
    return status.st_size


def read_source_bytes(path: Path) -> bytes:
    """The bytes of a source file, refused before reading when it is over the size limit or
    not a regular file.

    The file is opened without blocking (a named pipe would otherwise wait for a writer
    forever) and checked on the open descriptor, so it cannot be swapped in between; the
    read is capped at the limit too, so a file that grows while being read cannot exhaust
    memory."""
    limit = max_source_bytes()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            _check_status(os.fstat(fd), path, limit)
        except BaseException:
            os.close(fd)
            raise
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}", file=str(path)) from None
    if len(data) > limit:
        raise SourceError(_too_big(limit), file=str(path))
    return data


def _file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "something that is not a file"


def _line_column(data: bytes, index: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, index) + 1
    return data.count(b"\n", 0, index) + 1, index - line_start + 1


def check_text_bytes(data: bytes, path: Path) -> None:
    """Refuse UTF-16/32 and binary files with a message that says what the file is."""
    for bom, name in _UTF16_32_BOMS.items():
        if data.startswith(bom):
            raise SourceError(
                f"the file is {name} text (byte-order mark {bom.hex(' ').upper()}): "
                "save it as UTF-8",
                file=str(path),
                line=1,
                column=1,
            )
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise SourceError(f"expected text, but the file is {what}", file=str(path), line=1)
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _line_column(data, nul)
        raise SourceError(
            "expected text, found a NUL byte: the file is binary or UTF-16/32 without a "
            "byte-order mark; save it as UTF-8",
            file=str(path),
            line=line,
            column=column,
        )


def decode_utf8(data: bytes, path: Path) -> str:
    """UTF-8 text (a leading byte-order mark is dropped, as Excel and Notepad write one);
    anything else is a SourceError naming the line and column of the first bad byte."""
    check_text_bytes(data, path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _line_column(data, exc.start)
        raise not_utf8(data[exc.start], path, line, column) from None


def not_utf8(byte: int, path: Path, line: int, column: int) -> SourceError:
    """The error for a byte that is not UTF-8, at its place."""
    return SourceError(
        f"not UTF-8 text: byte 0x{byte:02x} cannot start a character "
        "(Latin-1 or Windows-1252 perhaps): save the file as UTF-8",
        file=str(path),
        line=line,
        column=column,
    )


def read_source_text(path: Path) -> str:
    """A text source (YAML, JSON, RDF, plain text): size-checked, strictly UTF-8."""
    return decode_utf8(read_source_bytes(path), path)
