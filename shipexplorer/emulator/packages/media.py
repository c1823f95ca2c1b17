"""The ``media`` demo package: answers that are not JSON (a PNG image, markdown, WAV audio)."""

import io
import math
import struct
import wave
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


def wav(seconds: float = 0.5, frequency: float = 440.0, rate: int = 8000) -> bytes:
    """A valid mono 8-bit PCM WAV: a sine tone of ``frequency`` Hz that fades in and out."""
    count = max(1, int(seconds * rate))
    fade = max(1, count // 10)
    samples = bytearray()
    for i in range(count):
        envelope = min(1.0, i / fade, (count - 1 - i) / fade)
        samples.append(128 + int(100 * envelope * math.sin(2 * math.pi * frequency * i / rate)))
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(1)
        writer.setframerate(rate)
        writer.writeframes(bytes(samples))
    return out.getvalue()


class MediaPackage(Package):
    """Answers an image, a markdown document and a sound, to try non-JSON results."""

    handle = "media"
    description = "Answers a PNG image, a markdown document and a WAV sound."
    readme = (
        "# media\n\n`image` answers `image/png`; `markdown` answers `text/markdown`; `audio` "
        "answers `audio/wav`.\n"
    )

    @method("image", verbs=("GET", "POST"), returns="<class 'bytes'>")
    def image(self, size: int = 16) -> Binary:
        """Return a small PNG gradient, `size` pixels square (1 to 256)."""
        size = max(1, min(256, size))
        return Binary(png(size, size), "image/png")

    @method("markdown", verbs=("GET", "POST"), returns="<class 'str'>")
    def markdown(self) -> Binary:
        """Return a short markdown document (text/markdown)."""
        return Binary(MARKDOWN.encode("utf-8"), "text/markdown")

    @method("audio", verbs=("GET", "POST"), returns="<class 'bytes'>")
    def audio(self, seconds: float = 0.5, frequency: float = 440) -> Binary:
        """Return a WAV tone of `seconds` (0.05 to 5) at `frequency` Hz (50 to 4000)."""
        seconds = max(0.05, min(5.0, seconds))
        frequency = max(50.0, min(4000.0, frequency))
        return Binary(wav(seconds, frequency), "audio/wav")
