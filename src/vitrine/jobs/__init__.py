"""Long work: how it reports progress, and (issue 11) where its job records will live.

Every long use-case (indexing, importing, region features, maps, duplicates, exports) takes an
optional `ProgressCallback` and calls it with a `Progress`: the stage it is in and how far it
got, in absolute counts, so a caller can draw a bar, log, or store the last report as the state
of a job without adding anything up.
"""

from __future__ import annotations

from vitrine.jobs.progress import Progress, ProgressCallback, Reporter

__all__ = ["Progress", "ProgressCallback", "Reporter"]
