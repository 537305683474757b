"""Rule ``event``: the claim is an event, not a figure ("a deal in November 2019").

An event date -> ``context`` when the trends chart marks the event (its row names where it is reported,
which becomes the claim's source line), else ``cannot be checked``.  No chart of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar, Literal, Sequence

from pydantic import AfterValidator, Field

from dashboard import events
from dashboard.claims.rules import base
from dashboard.claims.verdicts import CANNOT_CHECK, CONTEXT, Row, Verdict, lead, sentence
from dashboard.i18n import _
from dashboard.snapshots import Snapshot

if TYPE_CHECKING:
    from dashboard.claims.ledger import Claim


def _event_date(value: str) -> str:
    events.Event(value, "", "", "")  # the events table's own check of a date: ValueError names it
    return value


def rule_event(date: str, *, marked: Sequence[events.Event] = events.EVENTS, lang: str = "en") -> Verdict:
    """An event, not a number: ``context`` if the trends chart marks it, else ``cannot be checked``."""
    year = int(date[:4])
    hit = next((e for e in marked if e.date == date), None)
    if hit is None:
        return Verdict(CANNOT_CHECK, sentence(lead(CANNOT_CHECK, lang), [
            _("an event ({date}), not a figure; the statistics can neither confirm nor refute it", lang,
              date=date)]), (Row(date, year, None, "no data", "event", None),))
    return Verdict(CONTEXT, sentence(lead(CONTEXT, lang), [
        _("an event, not a figure: \"{label}\" ({date}) is marked on the trends chart; the statistics can neither "
          "confirm nor refute it", lang, label=_(hit.label, lang), date=date)]),
        (Row(date, year, None, "event", "event", None, series=_(hit.label, lang), note=hit.source),))


class Rule(base.RuleBase):
    """The claim is the event of ``date`` (YYYY-MM, or YYYY where only the year is known)."""

    name: Literal["event"]
    date: Annotated[str, AfterValidator(_event_date), Field(description="YYYY-MM, or YYYY", examples=["2019-11"])]

    needs_dataset: ClassVar[bool] = False
    charted: ClassVar[bool] = False

    def evaluate(self, claim: Claim, snap: Snapshot, lang: str) -> Verdict:
        return rule_event(self.date, lang=lang)
