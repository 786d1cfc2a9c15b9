"""Dates the partnership's own details already hold, offered to the key-dates timeline through the
``key_dates`` extension point (:mod:`forbetter.core.key_dates`): the contract's expiry (start plus the term)
and the end of the longest extension (start plus the term and every extension option). Nothing is typed
twice: change the partnership's details and these move with them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.urls import reverse

from forbetter.calc import key_dates as calc
from forbetter.core.key_dates import DatedRow
from forbetter.keydates.services import contract_start


def partnership_dates(partnerships: Sequence[Any]) -> Iterator[DatedRow]:
    """The contract's expiry and the end of its longest extension, for each partnership with a start and a
    term. Reads only the partnerships given (no query)."""
    for partnership in partnerships:
        start, source = contract_start(partnership)
        if start is None or not partnership.term_years:
            continue
        term = partnership.term_years
        expiry = calc.contract_end(start, term)
        url = reverse("partnerships:overview", args=[partnership.pk])
        yield DatedRow(
            partnership_id=partnership.pk,
            falls_on=expiry,
            kind=calc.CONTRACT_EXPIRY,
            title=f"Contract expiry: the end of the {term}-year term",
            source=f"From the partnership's details: {term} years from {start.day} {start:%B %Y} ({source})",
            remind_on=calc.default_reminder(calc.CONTRACT_EXPIRY, expiry),
            source_url=url,
        )
        if partnership.extension_years:
            extended = partnership.extension_years
            yield DatedRow(
                partnership_id=partnership.pk,
                falls_on=calc.contract_end(start, term + extended),
                kind=calc.CONTRACT_EXPIRY,
                title=f"Latest possible expiry, if every extension is taken ({extended} more "
                f"year{'s' if extended != 1 else ''})",
                source=f"From the partnership's details: the {term}-year term and up to {extended} years of "
                f"extensions ({partnership.extension_options or 'extension options'})",
                source_url=url,
            )
