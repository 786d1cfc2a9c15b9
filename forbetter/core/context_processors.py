"""Values every page needs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

SERVICE_NAME = "ForBetter"


def service(request: HttpRequest) -> dict[str, Any]:
    return {"service_name": SERVICE_NAME}
