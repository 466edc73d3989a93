"""Other portraits of a sitter: the nearest faces to each face of a record's images."""

from __future__ import annotations

from pydantic import BaseModel, Field


class FaceMatchPublic(BaseModel):
    identifier: str
    title: str | None = None
    url: str
    image_id: int
    box: list[int] = Field(description="the face in its image's pixels: x, y, width, height")
    crop_url: str
    distance: float = Field(description="Euclidean distance of the two dlib face descriptors")
    same_sitter: bool = Field(
        description="below dlib's threshold for one person (0.6; measured on photographs)")


class SitterFacePublic(BaseModel):
    box: list[int]
    score: float = Field(description="the detector's score")
    crop_url: str
    matches: list[FaceMatchPublic]


class SitterImagePublic(BaseModel):
    image_id: int
    faces: list[SitterFacePublic]


class RecordSittersPublic(BaseModel):
    identifier: str
    threshold: float
    images: list[SitterImagePublic]
