"""OCR of page images with Tesseract: words with boxes and confidences (`engine`), the page text's
search with the hit words' boxes (`search`), and ALTO, hOCR and IIIF exports (`exports`); the `ocr`
agent is `vitrine.suggestions.ocr` (docs/ocr.md)."""

from vitrine.ocr.engine import OcrOptions, OcrPage, Word, read_page, tesseract_version

__all__ = ["OcrOptions", "OcrPage", "Word", "read_page", "tesseract_version"]
