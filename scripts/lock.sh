#!/usr/bin/env bash
# Refresh the lock files (`make lock`): install ForBetter with its development extra into a clean, throwaway
# virtual environment, resolved afresh from PyPI within pyproject.toml's ranges, and write down the exact
# version of everything that got installed.
#   requirements.lock       the project's dependencies, the `dev` extra, and the build tools (setuptools,
#                           wheel) that `make install` builds the editable install with; `make install` uses it.
#   requirements-load.lock  what the `load` extra (the load test) adds on top, resolved within the first lock.
# tests/test_lock.py fails if pyproject.toml names a dependency the locks do not pin.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
work=$(mktemp -d /tmp/forbetter-lock.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$PYTHON" -m venv "$work/venv"
pip="$work/venv/bin/python -m pip"
$pip install --quiet --upgrade pip
build_requires=$("$work/venv/bin/python" -c '
import tomllib
print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))')
# shellcheck disable=SC2086
$pip install --quiet $build_requires
$pip install --quiet --no-build-isolation -e '.[dev]'

header() {
  echo "# $1"
  echo "# Made by \`make lock\` (scripts/lock.sh) with $("$work/venv/bin/python" -V) on $(uname -sm); do not edit by hand."
}
freeze() { $pip freeze --all --exclude-editable | grep -v -i '^pip==' | LC_ALL=C sort -f; }

{
  header "Every package ForBetter and its dev extra install, pinned: \`make install\` installs exactly these."
  freeze
} >"$work/requirements.lock"
freeze >"$work/base.txt"

$pip install --quiet --no-build-isolation -c "$work/base.txt" -e '.[load]'
{
  header "What the load extra (the load test, README \"Load test\") adds to requirements.lock, pinned."
  echo "-c requirements.lock"
  freeze | grep -v -x -F -f "$work/base.txt"
} >"$work/requirements-load.lock"

mv "$work/requirements.lock" requirements.lock
mv "$work/requirements-load.lock" requirements-load.lock
echo "wrote requirements.lock ($(grep -c '==' requirements.lock) packages) and requirements-load.lock ($(grep -c '==' requirements-load.lock) more)"
