"""Records of the incentives part that evidence framework tasks: a bidder's proposed payment mechanism,
simulated before signing, evidences P-INC-2 (kind ``payment_mechanism``). Labels carry no figures; the
procurement app's records are council-only evidence."""

from __future__ import annotations

from collections.abc import Iterator

from forbetter.partnerships.evidence import EvidenceCandidate
from forbetter.partnerships.models import Partnership
from forbetter.procurement.models import BidderMechanism


def bidder_mechanisms(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for found in BidderMechanism.objects.filter(partnership=partnership).select_related("bidder"):
        yield EvidenceCandidate(
            record=found,
            label=f"Payment mechanism proposed by {found.bidder.name}, simulated on three scenarios",
            kind="Bidder's payment mechanism",
            council_only=True,
        )
