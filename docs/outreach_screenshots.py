"""Remake the README's outreach screenshots from the shipped pack.

    .venv/bin/python docs/outreach_screenshots.py

Writes docs/outreach-flyer-ar.png, docs/outreach-flyer-bn.png (flyers
rasterised at 60 dpi) and docs/outreach-site-zh.png (a topic page in
Debian's Chromium at phone width).
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import ui  # noqa: E402
from bot.i18n import load_catalogs  # noqa: E402
from bot.outreach.flyers import FlyerOptions, build_flyers  # noqa: E402
from bot.outreach.site import SiteOptions, build_site  # noqa: E402
from bot.pack.loader import load_pack  # noqa: E402

DOCS = ROOT / "docs"
USERNAME = "NYCHelpBot"
BASE_URL = "https://help.example.org/"


def main() -> int:
    import pypdfium2 as pdfium
    from PIL import Image
    from playwright.sync_api import sync_playwright

    pack = load_pack(ROOT / "content").pack
    assert pack is not None
    catalogs, _ = load_catalogs(ROOT / "locales", pack.languages, ui.ALL)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for lang in ("ar", "bn"):
            build_flyers(
                pack,
                catalogs,
                out,
                FlyerOptions(USERNAME, BASE_URL),
                languages=[lang],
                topics=["ice-at-schools"],
                posters=False,
                jobs=1,
            )
            page = pdfium.PdfDocument(str(out / lang / f"ice-at-schools-{lang}.pdf"))[0]
            image = page.render(scale=80 / 72).to_pil().convert("L")
            image.save(DOCS / f"outreach-flyer-{lang}.png", optimize=True)
        build_site(pack, catalogs, out / "site", SiteOptions(USERNAME, BASE_URL))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
            )
            tab = browser.new_page(viewport={"width": 390, "height": 844})
            tab.goto((out / "site" / "zh" / "ice-at-schools.html").as_uri())
            png = tab.screenshot(full_page=True)
            browser.close()
        # 64 colours are plenty for text on white, at a fraction of the size.
        shot = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=64)
        shot.save(DOCS / "outreach-site-zh.png", optimize=True)
    for name in ("outreach-flyer-ar", "outreach-flyer-bn", "outreach-site-zh"):
        path = DOCS / f"{name}.png"
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
