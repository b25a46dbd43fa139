"""Printable flyers and posters, checked as a printer and a phone camera see
them: one page, rasterised, QR decoded back to the right link, and every
letter of the text drawn from a font embedded in the PDF that has it."""

from __future__ import annotations

import ctypes
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
import zxingcpp
from fontTools.ttLib import TTFont

from bot.html import visible_text
from bot.i18n import Catalogs
from bot.outreach import flyers
from bot.outreach.flyers import FlyerOptions, FlyerOverflow, build_flyers
from bot.pack.model import Pack
from tests.outreach.conftest import BASE_URL, USERNAME

# One topic per language, the long ones among them, in the scripts that are
# hardest to get right; plus Spanish (Latin) and a poster.
CASES = {
    "ar": "ice-at-schools",
    "bn": "ice-at-schools",
    "zh": "public-charge",
    "es": "immigration-case-help",
    "ur": "legal-help",
    "ko": "rights-at-home",
}
# The embedded fonts must include one made for the language's script.
SCRIPT_FONTS = {
    "ar": "Arabic",
    "ur": "Urdu",
    "bn": "Bengali",
    "zh": "CJK-SC",
    "ko": "CJK-KR",
    "es": "Noto-Sans",
}


@pytest.fixture(scope="session")
def kit(shipped: tuple[Pack, Catalogs], tmp_path_factory: pytest.TempPathFactory) -> Path:
    pack, catalogs = shipped
    out = tmp_path_factory.mktemp("flyers")
    for lang, topic in CASES.items():
        build_flyers(
            pack,
            catalogs,
            out,
            FlyerOptions(USERNAME, BASE_URL),
            languages=[lang],
            topics=[topic],
            posters=lang == "es",
            jobs=2,
        )
    return out


def rasterise(path: Path) -> tuple[int, set[str]]:
    """Page count, and the QR codes a camera reads off the first page."""
    document = pdfium.PdfDocument(str(path))
    image = document[0].render(scale=200 / 72).to_pil()  # 200 dpi, a phone photo's detail
    codes = {r.text for r in zxingcpp.read_barcodes(image)}
    return len(document), codes


def test_each_flyer_is_one_page_whose_qr_codes_open_the_answer(kit: Path) -> None:
    for lang, topic in CASES.items():
        pages, codes = rasterise(kit / lang / f"{topic}-{lang}.pdf")
        assert pages == 1, lang
        assert f"https://t.me/{USERNAME}?start={topic}_{lang}" in codes, (lang, codes)
        assert f"{BASE_URL}{lang}/{topic}.html" in codes, (lang, codes)


def test_the_poster_has_every_topic_and_a_start_code(
    kit: Path, shipped: tuple[Pack, Catalogs]
) -> None:
    pack, _ = shipped
    pages, codes = rasterise(kit / "es" / "poster-es.pdf")
    assert pages == 1
    expected = {f"https://t.me/{USERNAME}?start={t}_es" for t in pack.topics}
    expected.add(f"https://t.me/{USERNAME}?start=es")
    assert codes == expected, expected ^ codes


# -- fonts ---------------------------------------------------------------------
def embedded_fonts(path: Path) -> dict[str, bool]:
    """Name -> embedded? for every font a text object on the first page uses."""
    document = pdfium.PdfDocument(str(path))
    page = document[0]
    fonts: dict[str, bool] = {}
    for obj in page.get_objects():
        if obj.type != pdfium_raw.FPDF_PAGEOBJ_TEXT:
            continue
        font = pdfium_raw.FPDFTextObj_GetFont(obj.raw)
        name = ctypes.create_string_buffer(256)
        pdfium_raw.FPDFFont_GetBaseFontName(font, name, 256)
        fonts[name.value.decode()] = bool(pdfium_raw.FPDFFont_GetIsEmbedded(font))
    return fonts


_STYLES = ("Bold", "Italic", "Oblique")


@cache
def system_cmap(pdf_font_name: str) -> frozenset[int]:
    """The characters of the installed font a PDF font name was made from
    (WeasyPrint names it SUBSET+Family-Words-Style, from Pango's description)."""
    words = pdf_font_name.split("+", 1)[-1].split("-")
    styles = [w for w in words if w in _STYLES]
    family = " ".join(w for w in words if w not in _STYLES)
    pattern = family + "".join(f":{s.lower()}" for s in styles)
    found = subprocess.run(
        ["fc-match", "-f", "%{file}|%{family}", pattern], capture_output=True, text=True, check=True
    ).stdout
    file, families = found.split("|", 1)
    assert family in families.split(","), f"{pdf_font_name}: fontconfig gave {found}"
    number = 0
    if file.endswith(".ttc"):  # a collection: the member whose family is this one
        from fontTools.ttLib import TTCollection

        members = TTCollection(file).fonts
        number = next(i for i, f in enumerate(members) if f["name"].getBestFamilyName() == family)
    return frozenset(TTFont(file, fontNumber=number, lazy=True).getBestCmap())


def missing_glyphs(path: Path, text: str) -> set[str]:
    """Letters, marks and digits of `text` that no font embedded in the PDF has."""
    fonts = embedded_fonts(path)
    assert fonts and all(fonts.values()), f"not embedded: {fonts}"
    covered = frozenset().union(*(system_cmap(name) for name in fonts))
    wanted = {ch for ch in text if unicodedata.category(ch)[0] in "LMN"}
    return {ch for ch in wanted if ord(ch) not in covered}


def test_every_letter_is_drawn_from_an_embedded_font_for_its_script(
    kit: Path, shipped: tuple[Pack, Catalogs]
) -> None:
    pack, catalogs = shipped
    writer = flyers._Writer(pack, catalogs, FlyerOptions(USERNAME, BASE_URL))
    for lang, topic in CASES.items():
        path = kit / lang / f"{topic}-{lang}.pdf"
        text = visible_text(writer.flyer_html(pack.topics[topic], lang, 10))
        assert not missing_glyphs(path, text), lang
        names = embedded_fonts(path)
        assert any(SCRIPT_FONTS[lang] in name for name in names), (lang, names)


def test_the_font_check_finds_a_letter_no_font_has(tmp_path: Path) -> None:
    """The check above can fail: no installed font has the Tangsa script (Unicode 14)."""
    from weasyprint import HTML

    path = tmp_path / "tofu.pdf"
    HTML(string='<p style="font-family: Noto Sans">ok \U00016a70 ok</p>').write_pdf(path)
    assert missing_glyphs(path, "ok \U00016a70 ok") == {"\U00016a70"}


# -- output --------------------------------------------------------------------
def test_the_same_content_gives_the_same_bytes(
    kit: Path, shipped: tuple[Pack, Catalogs], tmp_path: Path
) -> None:
    pack, catalogs = shipped
    build_flyers(
        pack,
        catalogs,
        tmp_path,
        FlyerOptions(USERNAME, BASE_URL),
        languages=["ar"],
        topics=[CASES["ar"]],
        posters=False,
        jobs=1,
    )
    name = f"ar/{CASES['ar']}-ar.pdf"
    assert (tmp_path / name).read_bytes() == (kit / name).read_bytes()


def test_a_flyer_that_does_not_fit_names_its_topic_and_language(
    shipped: tuple[Pack, Catalogs], tmp_path: Path
) -> None:
    pack, catalogs = shipped
    small = FlyerOptions(USERNAME, page_size="100mm 120mm")
    with pytest.raises(FlyerOverflow) as caught:
        build_flyers(
            pack,
            catalogs,
            tmp_path,
            small,
            languages=["bn"],
            topics=["ice-at-schools"],
            posters=False,
            jobs=1,
        )
    assert caught.value.misfits == (("ice-at-schools", "bn"),)
    assert "'ice-at-schools'" in str(caught.value) and "'bn'" in str(caught.value)
    assert not (tmp_path / "bn" / "ice-at-schools-bn.pdf").exists()  # nothing cut and printed


def test_the_flyers_command_reports_a_misfit_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import main

    monkeypatch.setitem(flyers.PAPERS, "a4", "100mm 120mm")  # paper too small for any answer
    args = ["flyers", "--out", str(tmp_path), "--lang", "zh", "--topic", "public-charge"]
    code = main([*args, "--paper", "a4", "--no-posters", "--bot-username", USERNAME])
    err = capsys.readouterr().err
    assert code == 1
    assert "'public-charge'" in err and "'zh'" in err
