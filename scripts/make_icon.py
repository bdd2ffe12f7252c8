"""Draw the application icon (resources/icons/dlso.png and dlso.ico) from code, so it can be re-made anywhere.

A rounded square in the province's green with a white check mark over a QR-like corner mark: "checked,
recorded". Pillow only (already a dependency through reportlab/qrcode). Run: python scripts/make_icon.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

GREEN = (11, 110, 79, 255)
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def draw(size: int = 1024) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    m = size // 16
    d.rounded_rectangle((m, m, size - m, size - m), radius=size // 5, fill=GREEN)
    # three QR finder squares, small, in the corners: "a code that can be verified"
    f = size // 6
    for x, y in ((2 * m, 2 * m), (size - 2 * m - f, 2 * m), (2 * m, size - 2 * m - f)):
        d.rectangle((x, y, x + f, y + f), outline=WHITE, width=max(1, size // 48))
        inner = f // 3
        d.rectangle((x + inner, y + inner, x + f - inner, y + f - inner), fill=WHITE)
    # the check mark
    w = size // 11
    d.line(
        ((size * 0.30, size * 0.55), (size * 0.45, size * 0.70), (size * 0.74, size * 0.38)),
        fill=WHITE,
        width=w,
        joint="curve",
    )
    return img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    big = draw()
    big.resize((256, 256), Image.Resampling.LANCZOS).save(OUT / "dlso.png")
    big.resize((256, 256), Image.Resampling.LANCZOS).save(OUT / "dlso.ico", sizes=[(s, s) for s in SIZES])


if __name__ == "__main__":
    main()
