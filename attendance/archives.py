"""Office files are ZIP archives: what they hold is measured before anything parses them.

An XLSX or DOCX of a few hundred KiB can inflate to gigabytes of XML (a "zip bomb"), which
would hold a worker until it is killed. ``check_archive`` reads only the archive's central
directory (declared sizes: Python's zipfile never inflates an entry past its declared size, so
they bind every reader built on it, openpyxl included) and refuses, with DomainError
``archive_too_large``, an archive with too many entries, too much in total once inflated, or an
entry inflating far more than office XML does (about 5-20 times)."""

import io
import zipfile

from attendance.errors import DomainError

MAX_ENTRIES = 1000
MAX_TOTAL = 40 * 1024 * 1024  # bytes once inflated: a 50,000-row roster is about 16 MiB
MAX_RATIO = 100  # inflated / compressed, for entries over RATIO_FROM
RATIO_FROM = 1024 * 1024


def check_archive(data: bytes) -> zipfile.ZipFile:
    """The open archive, once its entries are within bounds; DomainError ``unreadable_file``
    when it is not a ZIP at all."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise DomainError("unreadable_file") from error
    entries = archive.infolist()
    total = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_ENTRIES or total > MAX_TOTAL or any(
            entry.file_size > RATIO_FROM
            and entry.file_size > MAX_RATIO * max(entry.compress_size, 1) for entry in entries):
        archive.close()
        raise DomainError("archive_too_large")
    return archive
