"""The six principles of the Partnership Assessment Tool and ForBetter's statements under them, as versioned
reference data loaded from ``data/principles-v1.json``.

The loader is idempotent: principles and statements are matched on their key and updated in place, so
reloading never duplicates one or orphans an answer. It runs in a data migration (with the migration's app
registry) and from tests that build the database from the models.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

DATA_FILE = "principles-v1.json"


@cache
def survey_data() -> dict[str, Any]:
    text = resources.files("forbetter.survey.data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def scale_labels() -> list[str]:
    """The agreement scale's words, from 1 (strongly disagree) to 5 (strongly agree)."""
    return list(survey_data()["scale"]["labels"])


def load_survey_principles(apps: Any = None) -> int:
    """Upsert every principle and statement and record the data version; returns the number of statements."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    data = survey_data()
    version = data["version"]
    apps.get_model("survey", "SurveyDataVersion").objects.update_or_create(
        version=version, defaults={"source": data["source"]}
    )
    principle_model = apps.get_model("survey", "Principle")
    statement_model = apps.get_model("survey", "Statement")
    count = 0
    for number, item in enumerate(data["principles"], start=1):
        principle, _ = principle_model.objects.update_or_create(
            key=item["key"],
            defaults={
                "number": number,
                "name": item["name"],
                "description": item["description"],
                "data_version": version,
            },
        )
        for statement_number, statement in enumerate(item["statements"], start=1):
            statement_model.objects.update_or_create(
                key=statement["key"],
                defaults={
                    "principle": principle,
                    "number": statement_number,
                    "text": statement["text"],
                    "data_version": version,
                },
            )
            count += 1
    return count
