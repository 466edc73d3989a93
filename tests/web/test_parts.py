"""The web layer's small parts: rate limiter, photo cache, match words, filters, gallery store, composite."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from vitrine.catalog import Catalog
from vitrine.records import Record
from vitrine.visitor.gallery import Gallery
from vitrine.visitor.screening import Screening
from vitrine.web import composite
from vitrine.web.filtering import active_filters, to_filters, value_label
from vitrine.web.photos import SearchSeal
from vitrine.web.security import RateLimiter, WebError, clean_jpeg, decode_upload, sniff
from vitrine.web.strength import match_words
from web.conftest import artwork, jpeg_bytes


def test_token_bucket_refills() -> None:
    limiter = RateLimiter(per_minute=2)
    assert limiter.allow("a", now=0) and limiter.allow("a", now=0) and not limiter.allow("a", now=0)
    assert limiter.allow("b", now=0)
    assert limiter.allow("a", now=31)


def test_a_searched_image_is_sealed_whole_and_refused_when_changed_or_old(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import numpy as np

    import vitrine.web.photos as photos

    seal = SearchSeal("a secret key of some length")
    vector = np.linspace(-1, 1, 512).astype(np.float32)
    thumb = jpeg_bytes(artwork(3, (96, 72)))
    token = seal.seal(vector, "fake/1/512", thumb)
    assert len(token) < 8000 and "=" not in token  # fits every link of a results page
    opened = seal.open(token)
    assert opened.embedder == "fake/1/512" and opened.thumbnail == thumb
    assert np.allclose(opened.vector, vector, atol=1e-3)
    for bad in (token[:-8], token[:40] + ("A" if token[40] != "A" else "B") + token[41:], "x" * 50):
        with pytest.raises(WebError) as refused:
            seal.open(bad)
        assert refused.value.status in (410, 422)
    with pytest.raises(WebError) as other:
        SearchSeal("another secret entirely").open(token)
    assert other.value.status == 410
    later = photos.time.time() + 13 * 3600
    monkeypatch.setattr(photos.time, "time", lambda: later)
    with pytest.raises(WebError) as old:
        seal.open(token)
    assert old.value.status == 410


def test_match_words_follow_the_cutoff() -> None:
    assert match_words(0.98, 0.6) == "a striking match"
    assert match_words(0.62, 0.6) == "a clear resemblance"
    assert match_words(0.5, 0.6) == "a loose echo"
    assert match_words(0.99, 0.6, no_good_match=True) == "a loose echo"


def test_filters_from_parameters() -> None:
    params = {"century": "19", "f.school": "Dutch", "creator": " Anna ", "junk": "x"}
    active = active_filters(params, ["school"])
    assert active == {"creator": "Anna", "century": "19", "school": "Dutch"}
    filters = to_filters(active)
    assert (filters.year_from, filters.year_to, filters.fields) == (1801, 1900, {"school": "Dutch"})
    assert value_label("century", "19") == "19th century" and value_label("century", "21") == "21st century"
    with pytest.raises(WebError):
        to_filters({"year_from": "soon"})


def test_sniffing_ignores_names_and_cleaning_drops_metadata() -> None:
    assert sniff(b"\x89PNG\r\n\x1a\nrest") == "image/png" and sniff(b"<svg></svg>") is None
    exif = Image.Exif()
    exif[0x010F] = "Maker"
    image = Image.new("RGB", (30, 20), "red")
    image.info["exif"] = exif.tobytes()
    cleaned = decode_upload(clean_jpeg(image), max_pixels=10_000)
    assert cleaned.size == (30, 20) and "exif" not in cleaned.info
    with pytest.raises(WebError) as info:
        decode_upload(clean_jpeg(Image.new("RGB", (200, 200))), max_pixels=1000)
    assert info.value.status == 413


def test_gallery_store_removal_needs_the_token(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    gallery = Gallery(tmp_path / "gallery", catalog)
    entry, token = gallery.add(b"jpeg", "w01", 3, "Title", screening=Screening(False), auto_approve=True)
    assert gallery.entries()[0].id == entry.id and gallery.count() == 1
    catalog.close()
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("catalog.sqlite*"))
    assert token.encode() not in stored and entry.id.encode() in stored  # only its SHA-256 is kept
    catalog = gallery.catalog = Catalog(tmp_path / "catalog.sqlite")
    assert not gallery.remove(entry.id, "nope") and not gallery.remove("../x", token)
    assert gallery.photo_path("../../etc/passwd") is None
    assert gallery.remove(entry.id, token) and gallery.count() == 0
    assert not list((tmp_path / "gallery").iterdir())


def test_composite_places_both_pictures_and_survives_long_labels() -> None:
    record = Record(identifier="x", title="word " * 200, creators=["A" * 300], credit_line="c " * 300)
    photo, art = Image.new("RGB", (50, 400), "blue"), Image.new("RGB", (3000, 100), "red")
    image, layout = composite.compose(photo, art, composite.Caption.of(record, "Museum"))
    left, top, w, h = layout.artwork
    assert image.getpixel((left + w // 2, top + h // 2)) == (255, 0, 0)
    left, top, w, h = layout.photo
    assert image.getpixel((left + w // 2, top + h // 2)) == (0, 0, 255)
    assert image.height < 1400
