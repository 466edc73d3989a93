"""`vitrine concept new|label|ask|train|save|list`: teach the machine a concept from examples.

An editor names a concept, marks works as examples (--positive) or counter-examples (--negative),
asks which works to label next (those the classifier is least sure of), reads the estimate of
precision and recall from labels kept aside, and saves the classifier as a version of the
"concept" agent, run with `vitrine suggest run NAME concept --option concept=CONCEPT`.
Labels and saved versions are audited with the shell user as their author.
"""

from __future__ import annotations

import click

from vitrine.cli._common import App, collection_argument, echo_json, pass_app, shorten
from vitrine.cli.users import actor, when
from vitrine.concepts import teach
from vitrine.concepts.learn import STRATEGIES, Estimate
from vitrine.errors import ConceptError, SetNotFound


@click.group("concept")
def concepts() -> None:
    """Concepts taught from examples: label works, train, ask about the doubtful, save as an agent."""


@concepts.command("new")
@collection_argument()
@click.argument("concept", metavar="CONCEPT")
@click.option("--description", default="", help="What the concept covers, for other editors.")
@pass_app
def new(app: App, /, name: str, concept: str, description: str) -> None:
    """Name a new CONCEPT in collection NAME ("still life", "ship", "map")."""
    with app.open(name) as coll:
        made = teach.create_concept(coll.catalog, concept, description, actor=actor())
    click.echo(f"concept {made.name!r} made; label examples with 'vitrine concept label {name} "
               f"{shorten(made.name, 40)!r} ID... --positive'")


@concepts.command("label")
@collection_argument()
@click.argument("concept", metavar="CONCEPT")
@click.argument("identifiers", nargs=-1, metavar="ID...")
@click.option("--positive/--negative", required=True, help="Examples of the concept, or counter-examples.")
@click.option("--set", "set_name", metavar="SETNAME", help="Label the works of this saved set too.")
@pass_app
def label(app: App, /, name: str, concept: str, identifiers: tuple[str, ...], positive: bool,
          set_name: str | None) -> None:
    """Mark records ID... (or a saved set's works) as examples or counter-examples of CONCEPT."""
    with app.open(name) as coll:
        wanted = [i for part in identifiers for i in part.split(",")]
        if set_name is not None:
            saved = coll.catalog.sets.get(set_name)
            if saved is None:
                raise SetNotFound(f"no saved set named {set_name!r}")
            wanted.extend(saved.identifiers)
        if not wanted:
            raise ConceptError("name the records to label (ID...) or a saved set (--set)")
        after = teach.label(coll.catalog, concept, wanted, positive=positive, actor=actor())
    click.echo(f"{len(set(wanted))} labelled {'positive' if positive else 'negative'}; {after.name!r} has "
               f"{after.positives} positive and {after.labels - after.positives} negative labels")


@concepts.command("ask")
@collection_argument()
@click.argument("concept", metavar="CONCEPT")
@click.option("--n", "count", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="How many works to ask about.")
@click.option("--strategy", type=click.Choice(STRATEGIES), default="uncertainty", show_default=True,
              help="The works the classifier is least sure of, or a random choice.")
@click.option("--seed", type=int, help="Seed of the random choice.")
@click.option("--json", "as_json", is_flag=True, help="Print the works as JSON.")
@pass_app
def ask(app: App, /, name: str, concept: str, count: int, strategy: str, seed: int | None,
        as_json: bool) -> None:
    """The next works to label for CONCEPT: those the classifier trained on the labels so far is
    least sure of."""
    with app.open(name) as coll:
        asked = teach.ask(coll, concept, count, strategy="random" if strategy == "random" else "uncertainty",
                          seed=seed)
    if as_json:
        echo_json({"strategy": asked.strategy, "note": asked.note,
                   "predicted_positive": asked.predicted_positive, "seconds": round(asked.seconds, 3),
                   "works": [{"identifier": w.identifier, "title": w.title, "probability": w.probability}
                             for w in asked.works]})
        return
    if asked.note:
        click.echo(asked.note)
    for work in asked.works:
        p = "" if work.probability is None else f"{work.probability:.2f}"
        click.echo(f"{work.identifier:<24}  {p:>4}  {shorten(work.title, 60)}")
    if asked.predicted_positive is not None:
        click.echo(f"the classifier now calls {asked.predicted_positive} works positive"
                   f" ({asked.seconds:.2f} s)")


@concepts.command("train")
@collection_argument()
@click.argument("concept", metavar="CONCEPT")
@click.option("--json", "as_json", is_flag=True, help="Print the estimate as JSON.")
@pass_app
def train(app: App, /, name: str, concept: str, as_json: bool) -> None:
    """Train CONCEPT on its labels and print precision and recall on labels kept aside."""
    with app.open(name) as coll:
        trained = teach.train(coll, concept)
    if as_json:
        echo_json({"labels": trained.labels, "positives": trained.positives, "skipped": list(trained.skipped),
                   "estimate": trained.estimate.to_dict() if trained.estimate else None})
        return
    click.echo(f"{trained.concept.name!r}: trained on {trained.labels} labels ({trained.positives} positive)")
    if trained.skipped:
        click.echo(f"left out, no indexed image yet: {', '.join(trained.skipped[:10])}")
    click.echo(_estimate(trained.estimate))


def _estimate(estimate: Estimate | None) -> str:
    if estimate is None:
        return "no estimate yet: it needs at least 2 positive and 2 negative labels"
    return (f"on labels kept aside ({estimate.method}): precision {estimate.precision:.2f}, recall "
            f"{estimate.recall:.2f} at probability 0.5; average precision {estimate.average_precision:.2f}")


@concepts.command("save")
@collection_argument()
@click.argument("concept", metavar="CONCEPT")
@pass_app
def save(app: App, /, name: str, concept: str) -> None:
    """Train CONCEPT on all its labels and save it as the next version of the "concept" agent."""
    with app.open(name) as coll:
        saved, new_version = teach.save(coll, concept, actor=actor())
        named = coll.catalog.concepts.get(concept).name
    state = "saved as version" if new_version else "unchanged since version"
    click.echo(f"{named!r} {state} {saved.version} (state {saved.sha256[:12]}, {saved.labels} labels)")
    click.echo(f"run it: vitrine suggest run {name} concept --option concept={named!r}")


@concepts.command("list")
@collection_argument()
@click.option("--json", "as_json", is_flag=True, help="Print the concepts and their versions as JSON.")
@pass_app
def list_(app: App, /, name: str, as_json: bool) -> None:
    """The concepts of collection NAME, their labels and saved versions."""
    with app.open(name) as coll:
        found = [(c, coll.catalog.concepts.models(c.id)) for c in coll.catalog.concepts.all()]
    if as_json:
        echo_json([{**c.to_dict(), "models": [m.to_dict() for m in models]} for c, models in found])
        return
    if not found:
        click.echo("No concepts. Name one with 'vitrine concept new NAME CONCEPT'.")
        return
    click.echo(f"{'concept':<30}  {'positive':>8}  {'negative':>8}  {'version':>7}  {'saved':<16}  estimate")
    for concept, models in found:
        last = models[-1] if models else None
        ap = last.estimate.get("average_precision") if last else None
        click.echo(f"{shorten(concept.name, 30):<30}  {concept.positives:>8}  "
                   f"{concept.labels - concept.positives:>8}  {last.version if last else '-':>7}  "
                   f"{when(last.saved_at) if last else '':<16}  {'' if ap is None else f'AP {ap:.2f}'}")
