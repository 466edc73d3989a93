"""The date agent: a normalised date where the catalogue cannot read a record's date text, or reads
it otherwise than a careful cataloguer would.

It reads `date_text` with the rules of `vitrine.suggestions.datetext` (EDTF levels 0 and 1,
earliest and latest years, production events kept apart, a score per pattern family) and proposes
a `date` suggestion only where that adds something:

- the catalogue has no years for the record, or years other than the reading's, or
- the text names events beyond the making ("1950, cast 1984", "published 1810").

Where the catalogue's years already agree it proposes nothing (the catalogue's strict centuries,
1701–1800 for the 18th century, count as agreeing with the reading's 1700–1799). Nothing is
proposed for a text it cannot read whole, nor for an open-ended date ("before 1877"): a date
value needs both years. An event with an open end ("printed after 1971") is left out of `events`.

Accepting the suggestion moves the record's years (what year filters use) to its earliest/latest.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from vitrine.errors import SuggestionError
from vitrine.suggestions.agents import Agent, AgentInfo, Item, Proposal
from vitrine.suggestions.datetext import Reading, read_date

#: bump whenever a rule in `datetext` changes what is read: it is part of the agent's version
RULES_VERSION = "1"


class DateAgent(Agent):
    """Proposes normalised dates (EDTF, earliest/latest, events) for records' date texts."""

    name = "dates"
    target = "record"
    kinds = ("date",)

    def __init__(self, circa_slack: int = 5, min_score: float = 0.0) -> None:
        if isinstance(circa_slack, bool) or not isinstance(circa_slack, int) or not 0 <= circa_slack <= 50:
            raise SuggestionError(f"circa_slack is a whole number of years from 0 to 50, not {circa_slack!r}")
        if isinstance(min_score, bool) or not isinstance(min_score, (int, float)) or not 0 <= min_score <= 1:
            raise SuggestionError(f"min_score is a number from 0 to 1, not {min_score!r}")
        self.circa_slack = circa_slack
        self.min_score = float(min_score)

    def info(self) -> AgentInfo:
        return AgentInfo(name=self.name, software="vitrine.suggestions.dates", model="rules",
                         model_version=RULES_VERSION,
                         parameters={"circa_slack": self.circa_slack, "min_score": self.min_score})

    def read(self, text: str | None) -> Reading | None:
        return read_date(text, self.circa_slack)

    def suggest(self, item: Item) -> Iterator[Proposal]:
        record = item.record
        reading = self.read(record.date_text)
        if reading is None or not should_propose(reading, record.year_min, record.year_max):
            return
        if reading.score < self.min_score:
            return
        yield Proposal("date", date_value(reading, record.date_text or reading.text), score=reading.score)


def should_propose(reading: Reading, year_min: int | None, year_max: int | None) -> bool:
    """Whether the reading adds to what the catalogue holds: other years, or events to keep apart."""
    main = reading.main
    if main.earliest is None or main.latest is None:
        return False  # an open date cannot be a date value
    if reading.has_events:
        return True
    return not agrees(reading, year_min, year_max)


def agrees(reading: Reading, year_min: int | None, year_max: int | None) -> bool:
    """The catalogue's years are the reading's (or its strict centuries, one year later)."""
    main = reading.main
    if (year_min, year_max) == (main.earliest, main.latest):
        return True
    return (main.shifted and main.earliest is not None and main.latest is not None
            and (year_min, year_max) == (main.earliest + 1, main.latest + 1))


def date_value(reading: Reading, text: str) -> dict[str, Any]:
    """The `date` suggestion value of a reading: text, EDTF, years, and its events when it has any."""
    main = reading.main
    value: dict[str, Any] = {"text": text.strip(), "edtf": main.edtf, "earliest": main.earliest,
                             "latest": main.latest, "field": "date_text"}
    if reading.has_events:
        value["events"] = [{"role": e.role, "text": e.text, "edtf": e.span.edtf, "earliest": e.span.earliest,
                            "latest": e.span.latest} for e in reading.events if e.span.closed]
    return value
