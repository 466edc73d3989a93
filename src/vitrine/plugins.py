"""Backends chosen by name: one registry per family, built-ins registered beside entry-point plugins.

| family | registry | entry-point group |
|---|---|---|
| embedders | `vitrine.embedders` | `vitrine.embedders` |
| vector indexes | `vitrine.index` | `vitrine.indexes` |
| import sources | `vitrine.importers` | `vitrine.importers` |
| map layouts | `vitrine.maps.layout` | `vitrine.layouts` |
| gallery screeners | `vitrine.visitor.screening` | `vitrine.screeners` |
| suggestion agents | `vitrine.suggestions.agents` | `vitrine.suggesters` |
| face detectors | `vitrine.faces.detectors` | `vitrine.face_detectors` |

A built-in is registered as a ``"module:attribute"`` string, exactly what a third-party package
writes in its entry point, so built-ins and plugins are found the same way and nothing is imported
until chosen (datasette's ``DEFAULT_PLUGINS``, without pluggy). A package adds a backend with::

    [project.entry-points."vitrine.embedders"]
    mine = "my_package.embedder:MyEmbedder"

or, at run time, ``registry.register("mine", MyEmbedder)``.
"""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from vitrine.errors import PluginError, VitrineError

T = TypeVar("T")

Factory = Callable[..., T]
UnknownMessage = Callable[[str, list[str]], str]
"""The message for an unknown name, given the name and the registered ones (in registration order)."""


class Registry(Generic[T]):
    """Factories of one kind of backend, by name; `create(name, **options)` builds one."""

    def __init__(
        self, kind: str, group: str, builtins: Mapping[str, str | Factory[T]], *,
        error: type[VitrineError] = PluginError, unknown: UnknownMessage | None = None,
    ) -> None:
        self.kind = kind
        self.group = group
        self._entries: dict[str, str | Factory[T]] = dict(builtins)
        self._error = error
        self._unknown = unknown or self._default_unknown
        self._plugins_loaded = False

    def register(self, name: str, factory: str | Factory[T]) -> None:
        """Make `factory` ("module:attribute" or a callable) available as `name`."""
        self._entries[name] = factory

    def unregister(self, name: str) -> None:
        """Forget `name` (tests that register a temporary plugin undo it with this)."""
        self._entries.pop(name, None)

    def available(self) -> list[str]:
        """Every registered name, plugins included, sorted."""
        self._load_plugins()
        return sorted(self._entries)

    def load(self, name: str, /) -> Factory[T]:
        """The factory registered as `name`, imported on first use."""
        self._load_plugins()
        try:
            factory = self._entries[name]
        except KeyError:
            raise self._error(self._unknown(name, list(self._entries))) from None
        if isinstance(factory, str):
            factory = self._import(name, factory)
            self._entries[name] = factory  # import once
        return factory

    def create(self, name: str, /, *args: Any, **options: Any) -> T:
        """Build the backend registered as `name`; `args` and `options` go to its factory."""
        factory = self.load(name)
        try:
            return factory(*args, **options)
        except TypeError as exc:  # an option the backend does not take: say which, not a traceback
            raise self._error(
                f"{self.kind} {name!r} does not accept the options {sorted(options)}: {exc}") from None

    def _import(self, name: str, target: str) -> Factory[T]:
        module, _, attribute = target.partition(":")
        try:
            found: Any = importlib.import_module(module.strip())
            for part in attribute.split("[")[0].strip().split("."):  # entry points may name extras
                found = getattr(found, part)
        except (ImportError, AttributeError) as exc:
            raise self._error(f"the {self.kind} {name!r} ({target}) cannot be loaded: {exc}") from exc
        if not callable(found):
            raise self._error(f"the {self.kind} {name!r} ({target}) is not a class or function")
        return found  # type: ignore[no-any-return]

    def _load_plugins(self) -> None:
        # Read once: scanning installed distributions costs milliseconds, and every lookup asks.
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        for entry in importlib.metadata.entry_points(group=self.group):
            self._entries.setdefault(entry.name, entry.value)  # a built-in keeps its name

    def _default_unknown(self, name: str, names: list[str]) -> str:
        return f"unknown {self.kind} {name!r}; available: {', '.join(sorted(names))}"
