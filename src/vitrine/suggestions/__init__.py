"""Machine suggestions kept apart from the catalogue until a person decides.

| module | what |
|---|---|
| `values` | the kinds of suggestion, their typed values and image regions |
| `agents` | the `Agent` interface, `AgentInfo` (provenance), the registry of agents by name |
| `run` | an agent over a collection as a resumable, cancellable job |
| `review` | accept, edit, reject, undo; decision windows; batches for cataloguers |
| `jobs` | an agent job started elsewhere (the web app): queued, run by a worker process, cancelled, read |
| `dates` | the date agent: normalised dates (EDTF, earliest/latest, production events) |
| `datetext` | the date agent's reading rules: a date text as EDTF, years and events, scored by pattern |
| `evaluate` | an agent's suggestions against a truth file: precision, recall, F1 at each score |
| `prcurve` | the precision-recall curve of an evaluation as a PNG |
| `consistency` | the records agent: same-work pairs, self-contradictions (rules: `vitrine.recordcheck`) |
| `fake` | a fake agent for tests |

Storage is `catalog.suggestions` (suggestions, agents, accepted values) and `catalog.jobs`.
"""
