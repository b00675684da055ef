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


def _planes(image: Image.Image) -> bytes:
    image = image.convert("RGB")
    if image.size != (WIDTH, HEIGHT):
        frame = Image.new("RGB", (WIDTH, HEIGHT), "white")
        image.thumbnail((WIDTH, HEIGHT))
        frame.paste(image, ((WIDTH - image.width) // 2, (HEIGHT - image.height) // 2))
        image = frame
    y, cb, cr = image.convert("YCbCr").split()
    quarter = (WIDTH // 2, HEIGHT // 2)
    return y.tobytes() + cb.resize(quarter).tobytes() + cr.resize(quarter).tobytes()


def write_y4m(image: Image.Image, path: Path, *, frames: int = 10, fps: int = 10) -> Path:
    """Write ``image`` as a YUV4MPEG2 (4:2:0) file of ``frames`` identical frames."""
    return write_scenes([(image, frames)], path, fps=fps)


def write_scenes(scenes: list[tuple[Image.Image, int]], path: Path, *, fps: int = 10) -> Path:
    """A YUV4MPEG2 file of ``scenes``: each image shown for its number of frames, in order."""
    path = Path(path)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{fps}:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for image, frames in scenes:
            planes = _planes(image)
            for _ in range(frames):
                out.write(b"FRAME\n" + planes)
    return path


def qr_camera_file(data: str, path: Path) -> Path:
    """Shortcut: a fake-camera file that shows the QR code of ``data``."""
    return write_y4m(qr_frame(data), path)


def card_shown_again_file(data: str, path: Path, *, shown: float = 1.5,
                          away: float = 4.0) -> Path:
    """A card held up for ``shown`` seconds, then taken away for ``away`` (longer than the
    scanner's 3-second pause for the same code), in a loop: the scanner reads it once a round."""
    blank = Image.new("RGB", (WIDTH, HEIGHT), "white")
    return write_scenes([(qr_frame(data), round(shown * 10)), (blank, round(away * 10))], path)
