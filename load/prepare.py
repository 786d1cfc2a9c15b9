"""Write the load test's plan: who signs in, which pages they read, which risks they edit, and which KPI
return slots (KPI and period) are free to submit, all taken from the seeded demo database.

Run with the same environment as the server (``DATABASE_URL``); prints the plan as JSON on stdout.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from importlib import import_module
from typing import Any

import django
from django.conf import settings

SESSIONS = 100  # more than the users the test simulates


def signed_in_sessions(user: Any, count: int) -> list[str]:
    """Session keys of ``user`` signed in, as Django's ``login()`` stores them.

    Simulated users start from these rather than each posting the sign-in form: Argon2 is slow on purpose,
    and fifty sign-ins at once would measure the password hash rather than the pages.
    """
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    engine = import_module(settings.SESSION_ENGINE)
    keys = []
    for _ in range(count):
        session = engine.SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def plan() -> dict[str, object]:
    from django.urls import reverse
    from django.utils import timezone

    from forbetter.accounts.models import Role, User
    from forbetter.demo.people import DEMO_PASSWORD
    from forbetter.partnerships.selectors import partnerships_visible_to
    from forbetter.performance.models import Kpi, KpiReturn, KpiState, ReturnStatus
    from forbetter.performance.periods import is_period_start, period_end
    from forbetter.risks.models import Risk

    editor = User.objects.get(email="editor@ashcombe.example")
    partner = User.objects.get(email="partner@meridian.example")
    assert editor.role == Role.COUNCIL_EDITOR
    assert partner.role == Role.PARTNER_USER
    council_reads: list[str] = [reverse("partnerships:portfolio")]
    risk_edits: list[str] = []
    for partnership in partnerships_visible_to(editor):
        pk = partnership.pk
        council_reads += [
            reverse("partnerships:overview", args=[pk]),
            reverse("partnerships:tasks", args=[pk]),
            reverse("risks:register", args=[pk]),
            reverse("risks:heat-map", args=[pk]),
            reverse("performance:dashboard", args=[pk]),
            reverse("performance:returns", args=[pk]),
            reverse("payments:statements", args=[pk]),
        ]
        for risk in Risk.objects.filter(partnership=partnership, status="open").order_by("number")[:15]:
            council_reads.append(reverse("risks:risk", args=[pk, risk.pk]))
            risk_edits.append(reverse("risks:edit", args=[pk, risk.pk]))
        for kpi in Kpi.objects.filter(partnership=partnership).order_by("reference")[:6]:
            council_reads.append(reverse("performance:kpi", args=[pk, kpi.pk]))

    today = timezone.localdate()
    partner_reads: list[str] = [reverse("partnerships:portfolio")]
    slots: list[dict[str, object]] = []
    for partnership in partnerships_visible_to(partner):
        pk = partnership.pk
        partner_reads += [
            reverse("partnerships:overview", args=[pk]),
            reverse("performance:dashboard", args=[pk]),
            reverse("performance:returns", args=[pk]),
            reverse("risks:register", args=[pk]),
        ]
        for kpi in Kpi.objects.filter(partnership=partnership, state=KpiState.ACTIVE):
            taken = set(
                KpiReturn.objects.filter(kpi=kpi)
                .exclude(status__in=[ReturnStatus.SUBMITTED, ReturnStatus.DISPUTED])
                .values_list("period", flat=True)
            )
            period = kpi.first_period
            while period_end(period, kpi.frequency) < today:
                if is_period_start(period, kpi.frequency) and period not in taken:
                    slots.append(
                        {
                            "url": reverse("performance:return-submit", args=[pk]),
                            "kpi": kpi.pk,
                            "period": f"{period:%Y-%m}",
                            "unit": kpi.unit,
                        }
                    )
                period = (period.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return {
        "password": DEMO_PASSWORD,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "editor_sessions": signed_in_sessions(editor, SESSIONS),
        "partner_sessions": signed_in_sessions(partner, SESSIONS),
        "editor": editor.email,
        "partner": partner.email,
        "sign_in": reverse("accounts:sign-in"),
        "council_reads": council_reads,
        "partner_reads": partner_reads,
        "risk_edits": risk_edits,
        "return_slots": slots,
    }


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forbetter.settings")
    django.setup()
    json.dump(plan(), sys.stdout, indent=1)
