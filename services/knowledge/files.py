"""The files attached to knowledge items: checked on their bytes, kept by content hash.

A file is taken when its bytes are one of the allowed kinds (PDF, images, office documents)
and are what its name says: the kind is found from the bytes by puremagic (signatures, not
the name), so a program renamed `.pdf` is refused. It is kept once under the files directory
as `<sha256[:2]>/<sha256>`, written to a temporary name and renamed, so a reader never sees
half a file. The event records the hash, name, type and size; `verify` reads every recorded
file again and names those whose bytes no longer hash to what was recorded, or are gone."""
from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import tempfile
import unicodedata
import zipfile
from pathlib import Path, PurePosixPath

import puremagic

from services.chassis.errors import rejected
from services.contracts.knowledge.vocabulary import ATTACHMENT_TYPES

_BY_EXTENSION = {ext: kind for kind, (extensions, _, _) in ATTACHMENT_TYPES.items() for ext in extensions}
# what puremagic names some kinds by (it knows an OpenDocument by its zip's `mimetype`)
_ALSO = {".jpeg": ".jpg", ".jpe": ".jpg"}


class Files:
    def __init__(self, root: Path, max_bytes: int):
        self.root, self.max_bytes = Path(root), max_bytes

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise rejected("sha256", "attachment_unknown")
        return self.root / sha256[:2] / sha256

    def checked(self, name: str, content: str) -> tuple[dict, bytes]:
        """The attachment's record and bytes, from its name and base64 content, once its size
        and kind check out; else CommandRejected naming `file`."""
        try:
            data = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise rejected("file", "file_not_base64") from None
        if not data:
            raise rejected("file", "file_empty")
        if len(data) > self.max_bytes:
            raise rejected("file", "attachment_too_large", max_mb=round(self.max_bytes / 1024 / 1024, 1))
        name = _safe_name(name)
        return {"sha256": hashlib.sha256(data).hexdigest(), "name": name, "type": kind_of(name, data),
                "size": len(data)}, data

    def keep(self, sha256: str, data: bytes) -> None:
        path = self.path(sha256)
        if path.exists():
            return  # the same bytes, kept already (another item's, or a retried command's)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, draft = tempfile.mkstemp(prefix=f".{sha256}.", dir=path.parent)  # replicas share the directory
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        os.replace(draft, path)

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def verify(self, recorded: list[dict]) -> dict:
        """Which recorded files are changed (their bytes no longer hash as recorded) or missing."""
        changed, missing = [], []
        for attachment in recorded:
            path = self.path(attachment["sha256"])
            if not path.exists():
                missing.append(attachment)
            elif _sha256(path) != attachment["sha256"]:
                changed.append(attachment)
        return {"checked": len(recorded), "changed": changed, "missing": missing}


def kind_of(name: str, data: bytes) -> str:
    """The content type of an allowed file whose bytes are what its name says, else refused."""
    extension = PurePosixPath(name).suffix.lower()
    kind = _BY_EXTENSION.get(extension)
    if kind is None:
        raise rejected("file", "file_type_refused")
    try:
        found = {_ALSO.get(m.extension.lower(), m.extension.lower()) for m in puremagic.magic_string(data)}
    except puremagic.PureError:
        found = set()
    if _ALSO.get(extension, extension) not in found or not _packaged_as(kind, data):
        raise rejected("file", "file_not_what_named", name=name)
    return kind


MIMETYPE_MAX = 200  # bytes: an OpenDocument's `mimetype` entry names its type, no more

_OFFICE_XML = {"application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word/",
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xl/",
               "application/vnd.openxmlformats-officedocument.presentationml.presentation": "ppt/"}


def _packaged_as(kind: str, data: bytes) -> bool:
    """An office document in a zip is one when the zip holds what that format must: any zip
    starts like one, so the signature alone would take any archive named `.docx`."""
    if kind in _OFFICE_XML:
        names = _zip_names(data)
        return "[Content_Types].xml" in names and any(n.startswith(_OFFICE_XML[kind]) for n in names)
    if kind.startswith("application/vnd.oasis.opendocument."):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if archive.getinfo("mimetype").file_size > MIMETYPE_MAX:  # a bomb, not a name
                    return False
                with archive.open("mimetype") as entry:
                    return entry.read(MIMETYPE_MAX).decode("ascii", "replace").strip() == kind
        except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
            return False
    return True


def _zip_names(data: bytes) -> set[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return set()


def _safe_name(name: str) -> str:
    """The file's own name, without any folder, control character or quote."""
    base = PurePosixPath(str(name).replace("\\", "/")).name
    base = "".join(c for c in unicodedata.normalize("NFC", base) if c.isprintable() and c not in '"<>')
    return base.strip() or "file"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
