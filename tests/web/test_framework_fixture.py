"""The framework fixture against the Audit Commission's matrix (the seed).

The seed is kept verbatim in forbetter/framework/source/; when the shared copy is present
(../shared/seeds/) it must be identical.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

import pytest

from forbetter.framework.loader import read_fixture
from forbetter.framework.models import Action, Reference, Stage, Theme
from forbetter.partnerships.models import Stage as LifecycleStage

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "forbetter" / "framework" / "source" / "for-better-for-worse-matrix.txt"
SHARED_SEED = ROOT.parent / "shared" / "seeds" / "000_bf3d1006f29452ba.txt"
THEME_ROWS = {
    "Key issues in considering value for money": "value_for_money",
    "Capacity": "capacity",
    "Performance management": "performance_management",
    "Risk management": "risk_management",
    "Partnership incentives": "partnership_incentives",
    "Governance": "governance",
    "Trust": "trust",
    "Flexibility": "flexibility",
}
STAGES = ["initiation", "procurement", "contract_management"]


def seed_sentences() -> dict[tuple[str, str], list[str]]:
    """Each cell's sentences: paragraphs split into sentences, reference markers removed."""
    cells: dict[tuple[str, str], list[str]] = {}
    for line in SEED.read_text(encoding="utf-8").splitlines():
        label, _, rest = line.partition("\t")
        if label not in THEME_ROWS:
            continue
        for stage, cell in zip(STAGES, rest.split("\t"), strict=True):
            text = re.sub(r"<b>\(See[^)]*\)</b>", "", cell)
            paragraphs = [html.unescape(p).strip() for p in re.findall(r"<p>(.*?)</p>", text)]
            sentences = [
                s.strip() for p in paragraphs for s in re.split(r"(?<=\.)\s+(?=[A-Z])", p) if s.strip()
            ]
            cells[(stage, THEME_ROWS[label])] = sentences
    return cells


def seed_references() -> dict[int, str]:
    refs = {}
    for line in SEED.read_text(encoding="utf-8").splitlines():
        match = re.match(r"- (\d+) (.+?), \*(.+)\*, (\d{4})$", line.strip())
        if match:
            refs[int(match.group(1))] = match.group(3)
    return refs


def test_repository_copy_of_the_seed_matches_the_shared_seed() -> None:
    if not SHARED_SEED.exists():
        pytest.skip(f"shared seed not present at {SHARED_SEED}; the repository copy is used")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_every_one_of_the_24_cells_has_the_seeds_actions_in_order() -> None:
    cells = seed_sentences()
    assert len(cells) == 24
    fixture = read_fixture()
    by_cell: dict[tuple[str, str], list[str]] = {}
    for action in fixture["actions"]:
        by_cell.setdefault((action["stage"], action["theme"]), []).append(action["source_text"])
    assert by_cell == cells


def test_fixture_counts_match_the_seed() -> None:
    fixture = read_fixture()
    per_stage = Counter(action["stage"] for action in fixture["actions"])
    expected = Counter(stage for (stage, _theme), sentences in seed_sentences().items() for _ in sentences)
    assert per_stage == expected
    assert sum(per_stage.values()) == 49
    assert len(fixture["themes"]) == 8
    assert len(fixture["stages"]) == 3


def test_fixture_references_match_the_seeds_19_titles() -> None:
    fixture = read_fixture()
    assert {ref["number"]: ref["title"] for ref in fixture["references"]} == seed_references()
    assert len(fixture["references"]) == 19


def test_fixture_cell_references_match_the_seed() -> None:
    cited: dict[tuple[str, str], list[int]] = {}
    for line in SEED.read_text(encoding="utf-8").splitlines():
        label, _, rest = line.partition("\t")
        if label in THEME_ROWS:
            for stage, cell in zip(STAGES, rest.split("\t"), strict=True):
                marker = re.search(r"\(See ([\d, ]+)\)", cell)
                cited[(stage, THEME_ROWS[label])] = (
                    [int(n) for n in marker.group(1).split(",")] if marker else []
                )
    for action in read_fixture()["actions"]:
        assert action["references"] == cited[(action["stage"], action["theme"])], action["code"]


def test_stage_durations_match_the_seed() -> None:
    durations = {stage["key"]: stage["duration"] for stage in read_fixture()["stages"]}
    header = next(
        line for line in SEED.read_text(encoding="utf-8").splitlines() if line.startswith("Stage Duration")
    )
    assert f"Initiation {durations['initiation']}" in header
    assert f"Procurement and contract award {durations['procurement']}" in header
    assert f"Contract management {durations['contract_management']}" in header


def test_lifecycle_stage_keys_match_the_fixture() -> None:
    assert [stage["key"] for stage in read_fixture()["stages"]] == [
        LifecycleStage.INITIATION,
        LifecycleStage.PROCUREMENT,
        LifecycleStage.CONTRACT_MANAGEMENT,
    ]


@pytest.mark.django_db
def test_migrations_load_the_whole_framework() -> None:
    assert Stage.objects.count() == 3
    assert Theme.objects.count() == 8
    assert Reference.objects.count() == 19
    assert Action.objects.count() == 49
    for stage in Stage.objects.all():
        for theme in Theme.objects.all():
            assert Action.objects.filter(stage=stage, theme=theme).exists(), (stage.key, theme.key)


@pytest.mark.django_db
def test_reloading_the_framework_changes_nothing() -> None:
    from forbetter.framework.loader import load_framework

    before = list(Action.objects.values_list("pk", "code", "title"))
    load_framework()
    assert list(Action.objects.values_list("pk", "code", "title")) == before
