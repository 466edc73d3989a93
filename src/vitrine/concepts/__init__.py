"""Concepts taught from examples (active learning): an editor names a concept, marks works as
examples or counter-examples, and a classifier over the collection's own vectors asks about the
works it is least sure of; saved, it is a versioned agent ("concept") that proposes the concept.

`vitrine.concepts.learn` is the learner (pure numpy/scikit-learn), `vitrine.concepts.teach` the
use cases shared by the CLI and the web, `vitrine.concepts.agent` the agent.
"""
