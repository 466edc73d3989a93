"""Every error vitrine raises on purpose.

VitrineError
├── NotFound                   something named does not exist (the web layer answers 404)
├── Conflict                   something of that name exists already (409)
│   └── AlreadyInGallery       this photo is in the visitor gallery with this work already
├── NotSignedIn                the request needs a signed-in account (the web layer answers 401)
├── Forbidden                  the account may not do this (403)
├── AccountError               an account change is refused (bad name, weak password, last admin...)
│   └── AccountExists (Conflict)
├── SettingsError              settings are invalid or unsafe
│   └── UnsafeSettings         the web app refuses settings unsafe for production
├── CollectionError            a collection folder is missing, exists already, or is malformed
│   ├── CollectionBusy (Conflict)  another process is writing to the collection
│   └── MapNotBuilt (NotFound) the similarity map has not been built
│       └── MapStale           ...or was built from another embedder's vectors
├── CatalogError               the catalogue refused an operation (unknown record, bad filter...)
│   ├── RecordNotFound (NotFound)
│   ├── ImageNotFound (NotFound)
│   ├── SchemaError            the catalogue file was written by a newer vitrine, or cannot migrate
│   └── SetError               a saved set is malformed
│       ├── SetNotFound (NotFound)
│       └── SetExists (Conflict)
├── ImageError                 an image could not be decoded safely; names the file and the reason
├── ImportError_               an import source is unreadable or a mapping is wrong
│   ├── FetchError             a remote resource could not be downloaded; names the URL and the reason
│   └── RowError               one row of a table cannot become a record (also a ValueError)
├── EmbedderError              unknown embedder, missing weights, missing optional dependency
│   └── EmbedderMismatch       a query embedder differs from the one that built the vectors
├── IndexError_                the vector index is unusable (wrong dimension, corrupt file, server down)
│   └── NoLocalIndex           the local-feature index (region search) has not been built
├── PluginError                no plugin of that kind is registered under that name
├── SuggestionError            a suggestion, decision, truth file or agent setting is malformed
│   ├── SuggestionNotFound (NotFound)
│   ├── DecisionConflict (Conflict)  someone else decided the suggestion first
│   ├── StaleSuggestion (Conflict)   its record or image changed or went since it was made
│   ├── AgentError             an agent cannot load (missing or corrupt model file...)
│   ├── ConceptError           a concept cannot be made, labelled, trained or saved
│   │   ├── ConceptNotFound (NotFound)
│   │   └── ConceptExists (Conflict)
│   ├── OcrError               OCR cannot read a page as asked (bad options, Tesseract failed)
│   │   └── OcrUnavailable (AgentError)  Tesseract or its language data are not installed
│   └── PagesError             page labels, a page model or its training are malformed or missing
├── EntityError                a HIPE, annotation or authority file is malformed (names the line)
├── JobError                   a job cannot start, be cancelled or resume
│   └── JobNotFound (NotFound)
└── SearchError                a query is malformed (empty text, bad page...)
    ├── FeedbackError          relevance feedback cannot run (no marked work has a vector...)
    ├── RegionSearchError      a region query is malformed (box outside the image...)
    ├── RecognitionError       a photo cannot be recognised (no index...)
    ├── DuplicatesError        near-duplicates cannot be found or read
    ├── FaceSearchError        faces cannot be compared (no face index, no face in the image...)
    ├── MapQueryError          a map request is malformed (unknown field, bad ids...)
    └── LayoutError            a map layout cannot run on these vectors
└── LivingError                a living portrait cannot be made or shown (not allowed, bad option...)
    ├── NoFaceFound            no face (no landmarks) in the portrait
    └── LivingUnavailable      a tool it needs is missing (dlib, espeak-ng, PyAV)

Library code raises these; the CLI turns them into exit codes and the web layer into HTTP statuses
(NotFound 404, Conflict 409, the rest by family). `code` is a short machine-readable name that
the JSON API reports beside the message. Names that would shadow builtins carry a trailing
underscore.
"""

from __future__ import annotations


class VitrineError(Exception):
    """Base class of every error vitrine raises on purpose."""

    code = "error"


class NotFound(VitrineError):
    """Something named (a record, an image, a set, a map) does not exist."""

    code = "not_found"


class Conflict(VitrineError):
    """Something of that name exists already, or the request conflicts with the current state."""

    code = "conflict"


class AlreadyInGallery(Conflict):
    """The same photo is in the visitor gallery with the same work already."""

    code = "already_in_gallery"


class NotSignedIn(VitrineError):
    """The request needs a signed-in account, or a valid API token."""

    code = "not_signed_in"


class Forbidden(VitrineError):
    """The account (or token) may not do this."""

    code = "forbidden"


class AccountError(VitrineError):
    """An account change is refused: bad name, weak password, unknown role, the last admin..."""

    code = "account_refused"


class AccountExists(AccountError, Conflict):
    """An account of that name exists already."""

    code = "account_exists"


class SettingsError(VitrineError):
    """Settings are invalid or unsafe."""


class UnsafeSettings(SettingsError):
    """The web app refuses to start with settings unsafe for production."""


class CollectionError(VitrineError):
    """A collection folder is missing, already exists, or is malformed."""


class CollectionBusy(CollectionError, Conflict):
    """Another process is writing to the collection (import, indexing, map build...)."""

    code = "collection_busy"


class MapNotBuilt(CollectionError, NotFound):
    """The collection has no similarity map yet."""

    code = "no_map"


class MapStale(MapNotBuilt):
    """The map was built from another embedder's vectors: it must be rebuilt, not updated."""


class CatalogError(VitrineError):
    """The catalogue refused an operation."""


class RecordNotFound(CatalogError, NotFound):
    """No record has the given identifier."""


class ImageNotFound(CatalogError, NotFound):
    """No image has the given id."""


class SchemaError(CatalogError):
    """The catalogue was written by a newer vitrine, or a migration failed."""


class SetError(CatalogError):
    """A saved set is malformed."""


class SetNotFound(SetError, NotFound):
    """No saved set has that name."""


class SetExists(SetError, Conflict):
    """A saved set of that name exists already."""

    code = "set_exists"


class ImageError(VitrineError):
    """An image could not be decoded safely."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ImportError_(VitrineError):
    """An import source is unreadable, or a column mapping does not fit it."""


class FetchError(ImportError_):
    """A remote resource could not be downloaded (refused scheme, HTTP error, too large, timeout)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class RowError(ImportError_, ValueError):
    """One row of a table cannot become a record (no identifier...)."""


class EmbedderError(VitrineError):
    """An embedder is unknown, or cannot load its weights or dependencies."""


class EmbedderMismatch(EmbedderError):
    """The query embedder is not the one that built the collection's vectors."""


class EngineError(VitrineError):
    """An indexing engine is unknown, or cannot run here (Ray not installed, cluster unreachable)."""


class IndexError_(VitrineError):
    """The vector index is unusable."""


class NoLocalIndex(IndexError_):
    """The collection has no local-feature index yet."""


class PluginError(VitrineError):
    """No plugin of that kind is registered under that name, or it cannot be loaded."""


class SuggestionError(VitrineError):
    """A suggestion, a decision, a truth file or an agent's settings are malformed."""

    code = "bad_suggestion"


class ReconcileQueryError(SuggestionError):
    """A reconciliation query batch (W3C API) is malformed: the message names the query and field."""

    code = "invalid_reconcile_query"


class SuggestionNotFound(SuggestionError, NotFound):
    """No suggestion (or agent version) has the given id."""

    code = "not_found"


class DecisionConflict(SuggestionError, Conflict):
    """The suggestion was decided by someone else since the caller saw it."""

    code = "decided_already"


class StaleSuggestion(SuggestionError, Conflict):
    """The suggestion's record or image changed or was deleted since it was made."""

    code = "stale"


class AgentError(SuggestionError):
    """An agent cannot run: a missing or corrupt model file, a missing optional dependency."""

    code = "agent_unavailable"


class ConceptError(SuggestionError):
    """A concept taught from examples cannot be made, labelled, trained or saved as asked."""

    code = "concept_refused"


class ConceptNotFound(ConceptError, NotFound):
    """No concept has that name."""

    code = "not_found"


class ConceptExists(ConceptError, Conflict):
    """A concept of that name exists already."""

    code = "concept_exists"


class OcrError(SuggestionError):
    """OCR cannot read a page as asked: bad options, Tesseract failed or ran too long."""

    code = "ocr_failed"


class OcrUnavailable(OcrError, AgentError):
    """Tesseract, pytesseract or a language's data are not installed; says which package to install."""

    code = "agent_unavailable"


class EntityError(VitrineError):
    """Named entities cannot be read or recognised as asked: a malformed HIPE, annotation or authority
    file (the message names the file and line), a missing pipeline or optional dependency."""

    code = "bad_entities"


class PagesError(SuggestionError):
    """Page labels are malformed (the file and line are named), or a page model cannot be trained or read."""

    code = "pages_refused"


class JobError(VitrineError):
    """A job cannot start, be cancelled, or resume."""

    code = "job_refused"


class JobNotFound(JobError, NotFound):
    """No job has the given id."""


class SearchError(VitrineError):
    """A query is malformed."""


class FeedbackError(SearchError):
    """Relevance feedback cannot run with these marks."""


class RegionSearchError(SearchError):
    """A region query is malformed (box outside the image, unknown image...)."""


class RecognitionError(SearchError):
    """A photo cannot be recognised."""


class DuplicatesError(SearchError):
    """Near-duplicates cannot be found, or the saved report cannot be read."""


class FaceSearchError(SearchError):
    """Faces cannot be compared: the collection has no face index, or the image no face in it."""


class MapQueryError(SearchError):
    """A request to the similarity map is malformed."""


class LayoutError(SearchError):
    """A map layout cannot run on these vectors."""


class AskError(SearchError):
    """A question cannot be asked: empty, too long, or asked too often."""


class ModelError(AskError):
    """The configured language model could not be reached or answered nonsense (the offline answer is
    given instead)."""


class BotError(VitrineError):
    """The social bot cannot run: no instance or token configured, or the instance refused it.
    `transient` is true when the same call may succeed later (rate limited, server error, timeout)."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class LivingError(VitrineError):
    """A living portrait cannot be made or shown as asked (not allowed, a bad option)."""

    code = "living_refused"


class NoFaceFound(LivingError):
    """The portrait has no face whose landmarks could be found: nothing to animate."""

    code = "no_face"


class LivingUnavailable(LivingError):
    """A tool living portraits need is not installed (dlib and its models, espeak-ng, PyAV)."""

    code = "living_unavailable"
