"""The ``media`` demo package: answers that are not JSON (a PNG image, markdown)."""

import struct
import zlib

from shipexplorer.emulator.packages.base import Binary, Package, method

MARKDOWN = """# A markdown answer

Served by the **media** demo package as `text/markdown`.

- one
- two
- three

```json
{"hello": "world"}
```
"""


def png(width: int = 16, height: int = 16) -> bytes:
    """A valid RGB PNG (a small gradient), built with zlib and struct only."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type: none
        for x in range(width):
            rows += bytes((x * 255 // max(1, width - 1), y * 255 // max(1, height - 1), 160))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows)))
        + chunk(b"IEND", b"")
    )


class MediaPackage(Package):
    """Answers an image and a markdown document, to try non-JSON results."""

    handle = "media"
    description = "Answers a PNG image and a markdown document."
    readme = "# media\n\n`image` answers `image/png`; `markdown` answers `text/markdown`.\n"

    @method("image", verbs=("GET", "POST"), returns="<class 'bytes'>")
    def image(self, size: int = 16) -> Binary:
        """Return a small PNG gradient, `size` pixels square (1 to 256)."""
        size = max(1, min(256, size))
        return Binary(png(size, size), "image/png")

    @method("markdown", verbs=("GET", "POST"), returns="<class 'str'>")
    def markdown(self) -> Binary:
        """Return a short markdown document (text/markdown)."""
        return Binary(MARKDOWN.encode("utf-8"), "text/markdown")
