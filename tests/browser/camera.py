"""A fake camera for Chromium: a .y4m video file showing a still image (e.g. a QR code).

Chromium plays the file in a loop when launched with ``--use-file-for-fake-video-capture``;
use ``chromium_with_camera`` from tests/browser/conftest.py to get such a browser.
"""

from pathlib import Path

import qrcode
from PIL import Image

WIDTH, HEIGHT = 640, 480


def qr_frame(data: str, *, size: int = 320) -> Image.Image:
    """The QR code of ``data`` centred on a white 640×480 frame (decoded by jsQR in < 1 s)."""
    code = qrcode.make(data, border=4).get_image().convert("RGB").resize((size, size),
                                                                        Image.NEAREST)
    frame = Image.new("RGB", (WIDTH, HEIGHT), "white")
    frame.paste(code, ((WIDTH - size) // 2, (HEIGHT - size) // 2))
    return frame


def write_y4m(image: Image.Image, path: Path, *, frames: int = 10, fps: int = 10) -> Path:
    """Write ``image`` as a YUV4MPEG2 (4:2:0) file of ``frames`` identical frames."""
    image = image.convert("RGB")
    if image.size != (WIDTH, HEIGHT):
        frame = Image.new("RGB", (WIDTH, HEIGHT), "white")
        image.thumbnail((WIDTH, HEIGHT))
        frame.paste(image, ((WIDTH - image.width) // 2, (HEIGHT - image.height) // 2))
        image = frame
    y, cb, cr = image.convert("YCbCr").split()
    quarter = (WIDTH // 2, HEIGHT // 2)
    planes = y.tobytes() + cb.resize(quarter).tobytes() + cr.resize(quarter).tobytes()
    path = Path(path)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{fps}:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for _ in range(frames):
            out.write(b"FRAME\n" + planes)
    return path


def qr_camera_file(data: str, path: Path) -> Path:
    """Shortcut: a fake-camera file that shows the QR code of ``data``."""
    return write_y4m(qr_frame(data), path)
