"""Where attachments live and what may be uploaded.

Attachments (photos of premises, scanned forms, test reports) are evidence about businesses and
people: they are stored under ATTACHMENT_ROOT, outside the web root and outside MEDIA_ROOT (which
development serves under /media/), under a random name, and they have no URL: the only way out
is the download view, after `access_attachment_for_user`.

An upload is judged by its bytes, never by its name or the browser's content type: the leading
bytes must be those of a JPEG, PNG, WebP or PDF, an image must decode (Pillow) within the pixel
limit, a PDF must not carry scripts or embedded files, and the size limit holds.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks.inspections.choices import AttachmentKind

IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
PDF_TYPE = "application/pdf"
TYPES_BY_KIND: dict[str, frozenset[str]] = {
    AttachmentKind.PHOTO: frozenset(IMAGE_TYPES),
    AttachmentKind.SCAN: frozenset({*IMAGE_TYPES, PDF_TYPE}),
    AttachmentKind.TEST_REPORT: frozenset({*IMAGE_TYPES, PDF_TYPE}),
    AttachmentKind.OTHER: frozenset({*IMAGE_TYPES, PDF_TYPE}),
}
# PDF names that run code or carry other files when the document is opened.
PDF_ACTIVE_CONTENT = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")
PILLOW_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class AttachmentStorage(FileSystemStorage):
    """A file system storage rooted at ATTACHMENT_ROOT (read at each use, so tests can move it)
    that refuses to give anything a URL."""

    def __init__(self) -> None:
        super().__init__(file_permissions_mode=0o640, directory_permissions_mode=0o750)

    @property
    def base_location(self):
        return str(settings.ATTACHMENT_ROOT)

    @property
    def location(self):
        import os

        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("attachments have no URL; serve them through the download view")


_storage = AttachmentStorage()


def attachment_storage() -> AttachmentStorage:
    return _storage


def attachment_upload_to(instance, filename: str) -> str:
    """A random name under the month of upload; the extension follows the checked content."""
    extension = IMAGE_TYPES.get(instance.content_type, ".pdf")
    return timezone.now().strftime("attachments/%Y/%m/") + uuid.uuid4().hex + extension


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return PDF_TYPE
    return None


def _check_image(upload: IO[bytes], content_type: str) -> None:
    from PIL import Image

    limit = settings.ATTACHMENT_MAX_PIXELS
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            width, height = image.size
            if width * height > limit:
                raise ValidationError(
                    _("图片像素过多（%(w)d×%(h)d），请压缩后上传。") % {"w": width, "h": height}
                )
            if PILLOW_FORMATS.get(image.format or "") != content_type:
                raise ValidationError(_("文件内容与图片格式不符。"))
            image.verify()
    except ValidationError:
        raise
    except Exception:  # Pillow raises many kinds for a broken or hostile file
        raise ValidationError(_("图片文件已损坏或无法识别。")) from None


def _check_pdf(upload: IO[bytes]) -> None:
    upload.seek(0)
    tail = b""
    previous = b""
    for chunk in iter(lambda: upload.read(1 << 20), b""):
        if PDF_ACTIVE_CONTENT.search(previous[-64:] + chunk):
            raise ValidationError(_("PDF 文件含有脚本或嵌入文件，不能作为附件上传。"))
        previous = chunk
        tail = (tail + chunk)[-2048:]
    if b"%%EOF" not in tail:
        raise ValidationError(_("PDF 文件不完整。"))


def check_upload(upload: IO[bytes], *, kind: str, size: int | None = None) -> CheckedUpload:
    """Judge an upload by its content; raise a translated ValidationError, or return its type,
    size and SHA-256."""
    if kind not in TYPES_BY_KIND:
        raise ValidationError({"kind": _("附件类型无效。")})
    upload.seek(0)
    head = upload.read(16)
    if not head:
        raise ValidationError({"file": _("文件是空的。")})
    content_type = _sniff(head)
    if content_type is None:
        raise ValidationError(
            {"file": _("只能上传 JPEG、PNG、WebP 图片或 PDF 文件（按文件内容判断）。")}
        )
    if content_type not in TYPES_BY_KIND[kind]:
        raise ValidationError({"file": _("现场照片只能是 JPEG、PNG 或 WebP 图片。")})
    digest = hashlib.sha256()
    total = 0
    upload.seek(0)
    maximum = settings.ATTACHMENT_MAX_BYTES
    for chunk in iter(lambda: upload.read(1 << 20), b""):
        total += len(chunk)
        if total > maximum:
            raise ValidationError(
                {"file": _("文件超过 %(mb)d MB 的上限。") % {"mb": maximum // (1024 * 1024)}}
            )
        digest.update(chunk)
    try:
        if content_type == PDF_TYPE:
            _check_pdf(upload)
        else:
            _check_image(upload, content_type)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    upload.seek(0)
    return CheckedUpload(content_type=content_type, size=total, sha256=digest.hexdigest())
