"""``forbetter survey RESPONSES.json``: the partnership survey's results (docs/cli.md, ``survey``).

In::

    {"principles": [{"id": str, "name": str (optional)}],
     "statements": [{"id": str, "principle": principle id}],
     "scale": {"min": 1, "max": 5} (optional),
     "gap_threshold": 1.0 (optional; default a quarter of the scale's width),
     "rounds": [round name, ...] (optional; the rounds' order, else their order of first appearance),
     "responses": [{"respondent": str, "side": "council" | "partner", "round": str,
                    "answers": {"statement id": whole number on the scale}}]}

Out: ``rounds [{round, respondents {council, partner}, principles [{principle, name, council {mean,
respondents, reason}, partner {...}, gap, gap_reason, flagged}]}], flags [{round, principle, gap,
explanation}], trend [{principle, round, previous_round, gap, previous_gap, change, direction,
explanation}]`` and the scale, threshold and minimum respondents used.

This module checks the JSON's shape; the numbers are checked and worked out by :mod:`forbetter.calc.survey`.
"""

from __future__ import annotations

from typing import Any

from forbetter.calc import survey
from forbetter.calc.errors import InputError
from forbetter.contracts.json_shapes import checked_list, checked_object

_KEYS = ("principles", "statements", "scale", "gap_threshold", "rounds", "responses")
_REQUIRED = ("principles", "statements", "responses")
_PRINCIPLE_KEYS = ("id", "name")
_STATEMENT_KEYS = ("id", "principle", "text")
_RESPONSE_KEYS = ("respondent", "side", "round", "answers")


def run(payload: Any) -> dict[str, Any]:
    document = checked_object(payload, field="file", keys=_KEYS, required=_REQUIRED)
    principles = []
    for i, item in enumerate(checked_list(document["principles"], field="principles", what="principles")):
        principle = checked_object(item, field=f"principles[{i}]", keys=_PRINCIPLE_KEYS, required=("id",))
        principles.append(survey.Principle(id=principle["id"], name=principle.get("name", "")))
    statements = []
    for i, item in enumerate(checked_list(document["statements"], field="statements", what="statements")):
        statement = checked_object(
            item, field=f"statements[{i}]", keys=_STATEMENT_KEYS, required=("id", "principle")
        )
        statements.append(survey.Statement(id=statement["id"], principle=statement["principle"]))
    responses = []
    for i, item in enumerate(checked_list(document["responses"], field="responses", what="responses")):
        response = checked_object(item, field=f"responses[{i}]", keys=_RESPONSE_KEYS, required=_RESPONSE_KEYS)
        if not isinstance(response["answers"], dict):
            raise InputError(
                f"responses[{i}].answers",
                'must be an object of statement id to answer, e.g. {"trust-1": 4}; '
                f"got {type(response['answers']).__name__}",
            )
        responses.append(
            survey.Response(
                respondent=response["respondent"],
                side=response["side"],
                round=response["round"],
                answers=response["answers"],
            )
        )
    scale: tuple[object, object] = survey.DEFAULT_SCALE
    if "scale" in document:
        given = checked_object(document["scale"], field="scale", keys=("min", "max"), required=("min", "max"))
        scale = (given["min"], given["max"])
    rounds = None
    if "rounds" in document:
        rounds = checked_list(document["rounds"], field="rounds", what="round names")
    result = survey.analyse(
        principles=principles,
        statements=statements,
        responses=responses,
        scale=scale,
        gap_threshold=document.get("gap_threshold"),
        rounds=rounds,
    )
    return output(result)


def _side(side: survey.SideResult) -> dict[str, Any]:
    return {"mean": side.mean, "respondents": side.respondents, "reason": side.reason}


def output(result: survey.SurveyResult) -> dict[str, Any]:
    return {
        "scale": {"min": result.scale_min, "max": result.scale_max},
        "gap_threshold": result.gap_threshold,
        "min_respondents": result.min_respondents,
        "rounds": [
            {
                "round": item.round,
                "respondents": dict(item.respondents),
                "principles": [
                    {
                        "principle": p.principle,
                        "name": p.name,
                        "council": _side(p.council),
                        "partner": _side(p.partner),
                        "gap": p.gap,
                        "gap_reason": p.gap_reason,
                        "flagged": p.flagged,
                    }
                    for p in item.principles
                ],
            }
            for item in result.rounds
        ],
        "flags": [
            {"round": f.round, "principle": f.principle, "gap": f.gap, "explanation": f.explanation}
            for f in result.flags
        ],
        "trend": [
            {
                "principle": t.principle,
                "round": t.round,
                "previous_round": t.previous_round,
                "gap": t.gap,
                "previous_gap": t.previous_gap,
                "change": t.change,
                "direction": t.direction,
                "explanation": t.explanation,
            }
            for t in result.trend
        ],
    }
