"""Normalisation that holds for all eleven pack languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.normalize import MAX_CHARS, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("¿Puedo ir a la ESCUELA?", "puedo ir a la escuela"),
        ("inmigración", "inmigracion"),
        ("Où est l'hôpital", "ou est l hopital"),
        ("Kijan pou m jwenn èd", "kijan pou m jwenn ed"),
        ("Czy mogę iść do szpitala, żeby się leczyć", "czy moge isc do szpitala zeby sie leczyc"),
        ("Łódź", "lodz"),
        # Russian ё is typed as е by most people; й is another letter.
        ("Всё, он пришёл? Мой район", "все он пришел мой район"),
        ("heeeeelp pleeease", "heelp pleease"),
        ("ICE来了怎么办", "ice 来了怎么办"),
        ("ＩＤＮＹＣ", "idnyc"),
        ("🚨🚨 ICE!!! 😱", "ice"),
        ("", ""),
        ("\u200b\u200b", ""),
        ("ـ", ""),
    ],
)
def test_latin_folding_and_cleanup(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_bengali_marks_are_kept() -> None:
    # Vowel signs carry the word in Bengali: dropping them would merge words.
    text = "স্কুলে কি আইস আসতে পারে"
    assert normalize(text) == text


def test_korean_spacing_does_not_matter() -> None:
    assert normalize("학교 에 이민 단속") == normalize("학교에 이민단속")


def test_hangul_is_not_decomposed() -> None:
    assert normalize("병원") == "병원"


def test_arabic_and_urdu_letter_variants_meet() -> None:
    assert normalize("مُسْتَشْفَى") == normalize("مستشفی")
    assert normalize("إذا") == normalize("اذا")
    assert normalize("كيف") == normalize("کیف")
    assert normalize("مدرسة") == normalize("مدرسہ")


def test_arabic_indic_digits_become_ascii() -> None:
    assert normalize("٣١١") == "311"
    assert normalize("৯১১") == "911"


def test_huge_input_is_bounded() -> None:
    assert len(normalize("a b " * 100_000)) <= MAX_CHARS


# -- the pack's normal forms kept between starts (bot/normalized.py) ---------


def test_a_restart_recalls_the_packs_normal_forms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import normalize as module
    from bot import normalized

    texts = sorted({"Ｃａｎ ICE come to my kid's school??", "Mwen bezwen èd", "ICE来了", "zzz"})
    expected = [module.normalize(t) for t in texts]
    assert not normalized.recall(texts, tmp_path)  # nothing kept yet
    normalized.keep(texts, tmp_path)

    def normalised_again(text: str) -> str:
        raise AssertionError(f"normalised again: {text!r}")

    module.pack_normalize.cache_clear()
    monkeypatch.setattr(module, "normalize", normalised_again)
    assert normalized.recall(texts, tmp_path)
    assert [module.pack_normalize(t) for t in texts] == expected
    # Other strings, or a damaged file, are normalised afresh.
    assert not normalized.recall([*texts, "one more"], tmp_path)
    for path in tmp_path.glob("normalized-*.json"):
        path.write_text('["only one"]', "utf-8")
    assert not normalized.recall(texts, tmp_path)
    module.pack_normalize.cache_clear()


def test_the_pack_cache_forgets_its_oldest_strings_when_full() -> None:
    from bot.normalize import _PackNormalize

    cache = _PackNormalize(maxsize=3)
    for text in ("a b", "c d", "e f", "g h"):
        assert cache(text.upper()) == text
    assert cache.cache_info().currsize == 3
    cache.remember([("X", "x")])
    assert cache.cache_info().currsize == 3
    assert "A B" not in cache._found and cache._found["X"] == "x"
