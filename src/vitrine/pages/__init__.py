"""Illustrations and text blocks on printed pages (docs/pages.md).

`blocks` finds them without weights (region search's picture finder, classed by shape, and text
blocks); `model` trains a classifier of candidate blocks from boxes people drew or accepted;
`agent` proposes them as `class` suggestions with regions (the "illustrations" agent); `train`
learns a collection's model from its editors' decisions; `parts` makes accepted illustrations
records of their own, linked to their page; `truth` reads hand-drawn boxes and scores against them.
"""

from vitrine.pages.blocks import CLASSES, PICTURE_CLASSES, Block, find_blocks

__all__ = ["CLASSES", "PICTURE_CLASSES", "Block", "find_blocks"]
