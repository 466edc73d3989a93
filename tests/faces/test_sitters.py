"""Other portraits of the same sitter: dlib descriptors kept with the collection, the nearest faces."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from vitrine.cli import cli
from vitrine.collection import Collection
from vitrine.errors import FaceSearchError, ImageNotFound
from vitrine.faces.sitters import DESCRIPTORS, SAME_SITTER, FaceIndex, index_faces, similar_faces

pytestmark = pytest.mark.usefixtures("dlib_models")


def _image_id(collection: Collection, identifier: str) -> int:
    return collection.catalog.images_of(identifier)[0].id


def test_descriptors_find_the_same_sitter_and_keep_others_apart(face_collection: Collection) -> None:
    report = index_faces(face_collection, detector="hog")
    assert report.images == 5 and report.described == 5 and report.faces == 4  # "none" has no face
    stored = FaceIndex.load(face_collection.root / DESCRIPTORS)
    assert stored is not None and len(stored.seen) == 5 and stored.matrix().shape == (4, 128)
    (query,) = similar_faces(face_collection, _image_id(face_collection, "a"), k=3)
    names = [m.identifier for m in query.matches]
    assert names[:2] in (["a-large", "a-mirror"], ["a-mirror", "a-large"]) and names[2] == "b"
    assert all(m.same_sitter for m in query.matches[:2]) and not query.matches[2].same_sitter
    assert query.matches[0].distance < query.matches[1].distance < SAME_SITTER < query.matches[2].distance


def test_indexing_again_describes_only_new_images_and_another_detector_starts_afresh(
        face_collection: Collection) -> None:
    index_faces(face_collection, detector="hog")
    again = index_faces(face_collection, detector="hog")
    assert again.described == 0 and again.faces == 4
    other = index_faces(face_collection, detector="fake")
    assert other.described == 5 and other.faces == 5  # the fake detector sees a face in every image


def test_similar_says_what_is_missing(face_collection: Collection) -> None:
    with pytest.raises(FaceSearchError, match="run 'vitrine faces index faces'"):
        similar_faces(face_collection, _image_id(face_collection, "a"))
    index_faces(face_collection, detector="hog")
    with pytest.raises(FaceSearchError, match=r"no face was found in image \d+ \(none\)"):
        similar_faces(face_collection, _image_id(face_collection, "none"))
    with pytest.raises(ImageNotFound):
        similar_faces(face_collection, 999)
    with pytest.raises(FaceSearchError, match="at least 1"):
        similar_faces(face_collection, _image_id(face_collection, "a"), k=0)


def test_a_damaged_index_file_is_refused_with_what_to_do(face_collection: Collection) -> None:
    path = face_collection.root / DESCRIPTORS
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not numpy")
    with pytest.raises(FaceSearchError, match=r"unreadable .* delete it and index again"):
        similar_faces(face_collection, _image_id(face_collection, "a"))


def test_the_cli_indexes_and_shows_other_portraits(face_collection: Collection) -> None:
    where = str(face_collection.root)
    image = _image_id(face_collection, "a")
    runner = CliRunner()
    result = runner.invoke(cli, ["faces", "similar", where, str(image)])
    assert result.exit_code != 0 and "vitrine faces index" in result.output
    result = runner.invoke(cli, ["faces", "index", where, "--detector", "hog"])
    assert result.exit_code == 0, result.output
    assert "4 faces in the index; 5 images described now with hog" in result.output
    result = runner.invoke(cli, ["faces", "similar", where, str(image), "-k", "2", "--json"])
    assert result.exit_code == 0, result.output
    (query,) = json.loads(result.output)
    assert {m["identifier"] for m in query["matches"]} == {"a-mirror", "a-large"}
    assert all(m["same_sitter"] for m in query["matches"])
    assert np.all(np.array(query["box"]) >= 0)
