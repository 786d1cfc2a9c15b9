"""What each role may do. One place decides; views, exports and the API ask it.

Which partnerships a user may *see* is decided in :mod:`forbetter.partnerships.selectors`
(``partnerships_visible_to``); this module decides what a user may *change*.
"""

from __future__ import annotations

from typing import Any

from forbetter.accounts.models import Role

EDITING_ROLES = frozenset({Role.COUNCIL_EDITOR, Role.ADMINISTRATOR})


def can_edit(user: Any) -> bool:
    """Council editors and administrators change partnership records; everyone else reads."""
    return bool(user.is_authenticated and user.is_active and user.role in EDITING_ROLES)


def can_create_partnership(user: Any) -> bool:
    return can_edit(user)


def is_partner(user: Any) -> bool:
    return bool(user.is_authenticated and user.role == Role.PARTNER_USER)


def can_see_confidential(user: Any) -> bool:
    """Council-confidential material (public sector comparator, affordability, bid evaluation, exit costs)
    is for council staff, auditors and administrators, never the partner's staff."""
    return bool(user.is_authenticated and user.is_active and user.role != Role.PARTNER_USER)


def can_submit_partner_returns(user: Any) -> bool:
    """Partner users submit KPI returns and their evidence; the council validates them."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.PARTNER_USER)


def can_administer(user: Any) -> bool:
    """Administrators manage organisations, users and roles."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.ADMINISTRATOR)
