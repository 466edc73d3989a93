"""The downloadable composite, now `vitrine.visitor.composite` (the bot makes it too); kept for imports."""

from vitrine.visitor.composite import FORMATS, PANEL_HEIGHT, Caption, Layout, compose, render

__all__ = ["FORMATS", "PANEL_HEIGHT", "Caption", "Layout", "compose", "render"]
