"""The lock files pin every dependency pyproject.toml names, and everything those need in turn.

Adding a dependency to pyproject.toml without running `make lock` fails here, so a fresh machine never
installs a version nobody tested.
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def read_lock(name: str) -> dict[str, str]:
    """A lock file's pins by normalised package name; each line is a comment, `-c FILE` or `name==version`."""
    pins = {}
    for number, raw in enumerate((ROOT / name).read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith("-c "):
            continue
        package, equals, version = line.partition("==")
        exact = bool(equals and version) and not any(c in version for c in "<>=,; ")
        assert exact, f"{name} line {number} is not an exact pin: {raw!r}"
        pins[canonicalize_name(package)] = version
    return pins


MAIN_LOCK = read_lock("requirements.lock")
LOAD_LOCK = read_lock("requirements-load.lock")


def requirements(*groups: str) -> list[Requirement]:
    """pyproject.toml's requirements: "dependencies", "build" (build-system) or an optional extra's name."""
    found = []
    for group in groups:
        if group == "dependencies":
            lines = PYPROJECT["project"]["dependencies"]
        elif group == "build":
            lines = PYPROJECT["build-system"]["requires"]
        else:
            lines = PYPROJECT["project"]["optional-dependencies"][group]
        found += [Requirement(line) for line in lines]
    return found


@pytest.mark.parametrize(
    "requirement", requirements("dependencies", "dev", "build"), ids=lambda requirement: requirement.name
)
def test_the_lock_pins_each_dependency_within_its_range(requirement: Requirement) -> None:
    name = canonicalize_name(requirement.name)
    assert name in MAIN_LOCK, f"requirements.lock does not pin {requirement.name}: run `make lock`"
    pinned = MAIN_LOCK[name]
    assert requirement.specifier.contains(pinned, prereleases=True), (
        f"requirements.lock pins {requirement.name}=={pinned}, outside {requirement}: run `make lock`"
    )


@pytest.mark.parametrize("requirement", requirements("load"), ids=lambda requirement: requirement.name)
def test_the_load_lock_pins_the_load_extra(requirement: Requirement) -> None:
    name = canonicalize_name(requirement.name)
    pinned = LOAD_LOCK.get(name) or MAIN_LOCK.get(name)
    assert pinned, f"requirements-load.lock does not pin {requirement.name}: run `make lock`"
    assert requirement.specifier.contains(pinned, prereleases=True)


def test_the_load_lock_adds_to_the_main_lock_without_changing_it() -> None:
    assert not set(LOAD_LOCK) & set(MAIN_LOCK)


def test_the_lock_pins_everything_the_dependencies_need_in_turn() -> None:
    """Walks the installed packages' own requirements (markers evaluated, extras followed) from
    pyproject.toml's, and checks every package reached is pinned; `make install` installs from the lock,
    so the installed versions are the locked ones too."""
    unpinned: set[str] = set()
    wrong_version: list[str] = []
    seen: set[tuple[str, str]] = set()
    pending = [(requirement, "") for requirement in requirements("dependencies", "dev", "build")]
    while pending:
        requirement, extra = pending.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        if name not in MAIN_LOCK:
            unpinned.add(requirement.name)
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "nothing"
        if installed != MAIN_LOCK[name]:
            wrong_version.append(f"{name} {installed} installed, {MAIN_LOCK[name]} locked")
        for wanted_extra in {"", *requirement.extras}:
            if (name, wanted_extra) in seen:
                continue
            seen.add((name, wanted_extra))
            if installed == "nothing":
                continue
            pending += [(Requirement(line), wanted_extra) for line in metadata.requires(name) or []]
    assert not unpinned, f"requirements.lock misses {sorted(unpinned)}: run `make lock`"
    assert not wrong_version, f"run `make install`: {wrong_version}"
