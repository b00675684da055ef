"""Reading printed QR codes back, as a phone would: the page's pixels go to jsQR (the decoder the
scanner page ships, static/vendor/jsqr) under Node. Every code on the picture is read: each one
found is painted white and the picture searched again."""

import json
import subprocess
from pathlib import Path

from PIL import Image

JSQR = Path(__file__).resolve().parents[1] / "static" / "vendor" / "jsqr" / "jsQR.js"
MOST = 10  # codes on one picture, at most

_SCRIPT = """
const jsQR = require(process.argv[1]);
const width = Number(process.argv[2]), height = Number(process.argv[3]);
const most = Number(process.argv[4]);
const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  const data = new Uint8ClampedArray(Buffer.concat(chunks));
  const found = [];
  while (found.length < most) {
    const code = jsQR(data, width, height, {inversionAttempts: "dontInvert"});
    if (!code) break;
    found.push(code.data);
    const l = code.location;
    const corners = [l.topLeftCorner, l.topRightCorner, l.bottomLeftCorner, l.bottomRightCorner];
    const xs = corners.map((p) => p.x), ys = corners.map((p) => p.y);
    const pad = (Math.max(...xs) - Math.min(...xs)) / 8;
    const x0 = Math.max(0, Math.floor(Math.min(...xs) - pad));
    const x1 = Math.min(width, Math.ceil(Math.max(...xs) + pad));
    const y0 = Math.max(0, Math.floor(Math.min(...ys) - pad));
    const y1 = Math.min(height, Math.ceil(Math.max(...ys) + pad));
    for (let y = y0; y < y1; y++) data.fill(255, (y * width + x0) * 4, (y * width + x1) * 4);
  }
  process.stdout.write(JSON.stringify(found));
});
"""


def read_codes(image: Image.Image) -> list[str]:
    """The text of every QR code on ``image``, in the order jsQR finds them."""
    rgba = image.convert("RGBA")
    out = subprocess.run(["node", "-e", _SCRIPT, str(JSQR), str(rgba.width), str(rgba.height),
                          str(MOST)], input=rgba.tobytes(), capture_output=True, check=True,
                         timeout=60)
    return json.loads(out.stdout)
