"""Machine suggestions kept apart from the catalogue until a person decides.

| module | what |
|---|---|
| `values` | the kinds of suggestion, their typed values and image regions |
| `agents` | the `Agent` interface, `AgentInfo` (provenance), the registry of agents by name |
| `run` | an agent over a collection as a resumable, cancellable job |
| `review` | accept, edit, reject, undo; decision windows; batches for cataloguers |
| `jobs` | an agent job started elsewhere (the web app): queued, run by a worker process, cancelled, read |
| `dates` | the date agent: normalised dates (EDTF, earliest/latest, production events) |
| `fake` | a fake agent for tests |

Storage is `catalog.suggestions` (suggestions, agents, accepted values) and `catalog.jobs`.
"""
