"""The procurement area's evaluation part: bundles and lots; evaluations with criteria fixed before bids
open, evaluators' scores, moderation, the evaluation report (ranking, weight sensitivity, abnormally low
prices)."""
