#!/usr/bin/env bash
# Rebuild the vendored GOV.UK Frontend assets in forbetter/static/govuk/.
#
# Re-runnable: installs pinned govuk-frontend + sass into a throw-away temp dir
# (never inside the repo), compiles forbetter/static/govuk/build.scss, copies
# the JS and assets, verifies the result, then replaces the generated files.
#
# Usage:  scripts/build-govuk-frontend.sh
# Override versions:  GOVUK_FRONTEND_VERSION=5.x.y SASS_VERSION=1.x.y scripts/build-govuk-frontend.sh
# Requires: node + npm with access to the npm registry.
set -euo pipefail

GOVUK_FRONTEND_VERSION="${GOVUK_FRONTEND_VERSION:-5.14.0}"
SASS_VERSION="${SASS_VERSION:-1.108.2}"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$REPO_ROOT/forbetter/static/govuk"
ENTRY="$OUT/build.scss"

[[ -f "$ENTRY" ]] || { echo "error: entry file $ENTRY not found" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/govuk-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm init -y >/dev/null
npm install --no-audit --no-fund --save-exact \
  "govuk-frontend@$GOVUK_FRONTEND_VERSION" "sass@$SASS_VERSION" >/dev/null

DIST="$WORK/node_modules/govuk-frontend/dist/govuk"
GF_VER="$(node -p "require('./node_modules/govuk-frontend/package.json').version")"
SASS_VER="$(node -p "require('./node_modules/sass/package.json').version")"

# The build command (run from the temp dir). --load-path=node_modules makes
# govuk-frontend a "dependency" so --quiet-deps silences its deprecation
# warnings; the entry's own @import is silenced explicitly (5.x needs @import).
BUILD_CMD="sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps --silence-deprecation=import build.scss govuk-frontend.min.css"

cp "$ENTRY" build.scss
# shellcheck disable=SC2086
./node_modules/.bin/$BUILD_CMD

STAGE="$WORK/stage"
mkdir -p "$STAGE"
cp govuk-frontend.min.css "$STAGE/"
cp "$DIST/govuk-frontend.min.js" "$STAGE/"
# Shipped because the JS ends with "//# sourceMappingURL=govuk-frontend.min.js.map";
# Django's ManifestStaticFilesStorage (collectstatic) fails if it is missing.
cp "$DIST/govuk-frontend.min.js.map" "$STAGE/"
# Assets minus fonts/ (GDS Transport is only licensed for use on GOV.UK).
mkdir -p "$STAGE/assets"
for item in "$DIST"/assets/*; do
  if [[ "$(basename "$item")" == "fonts" ]]; then continue; fi
  cp -R "$item" "$STAGE/assets/"
done

# ---- verification -------------------------------------------------------
CSS="$STAGE/govuk-frontend.min.css"
fail() { echo "verification failed: $*" >&2; exit 1; }
count() { grep -o -i -- "$1" "$CSS" | wc -l || true; }  # grep exits 1 on no match
n="$(count 'GDS Transport')"; [[ "$n" -eq 0 ]] || fail "'GDS Transport' appears $n times"
n="$(count '@font-face')";    [[ "$n" -eq 0 ]] || fail "@font-face appears $n times"
grep -q -i 'arial' "$CSS" || fail "arial not found in CSS"
bad="$(grep -o 'url([^)]*)' "$CSS" | grep -v '^url("/static/govuk/assets/' || true)"
[[ -z "$bad" ]] || fail "unexpected url() references: $bad"
for u in $( (grep -o 'url("/static/govuk/assets/[^"]*")' "$CSS" || true) | sed 's#url("/static/govuk/assets/##; s#")##' | sort -u); do
  [[ -f "$STAGE/assets/$u" ]] || fail "CSS references missing asset $u"
done
for cls in govuk-template govuk-header govuk-footer govuk-skip-link govuk-task-list \
           govuk-summary-list govuk-error-summary govuk-notification-banner; do
  grep -q "\.$cls" "$CSS" || fail "class .$cls missing from CSS"
done
[[ ! -e "$STAGE/assets/fonts" ]] || fail "fonts directory was copied"

cat > "$STAGE/VERSION.txt" <<TXT
GOV.UK Frontend static assets for ForBetter (generated - do not edit by hand)

govuk-frontend: $GF_VER  (npm: govuk-frontend@$GF_VER)
sass (dart-sass, npm): $SASS_VER

Rebuild:  scripts/build-govuk-frontend.sh
  (npm install --save-exact govuk-frontend@$GF_VER sass@$SASS_VER in a temp dir,
   copy forbetter/static/govuk/build.scss into it, then run there:)
  $BUILD_CMD

Contents:
  govuk-frontend.min.css      compiled from build.scss: font stack arial, sans-serif;
                              no GDS Transport @font-face; assets path /static/govuk/assets/
  govuk-frontend.min.js       verbatim copy of dist/govuk/govuk-frontend.min.js.
                              It is an ES module (ends in "export {...initAll...}"):
                              load with <script type="module"> and call initAll(), e.g.
                              import { initAll } from "/static/govuk/govuk-frontend.min.js"; initAll();
  govuk-frontend.min.js.map   verbatim source map for the JS (referenced by it)
  assets/                     dist/govuk/assets without fonts/ (GDS Transport is
                              restricted to GOV.UK services and is not used here)
  build.scss                  Sass entry file (input to the build)

Licence:
  GOV.UK Frontend code is released under the MIT License, (c) Crown copyright
  (Government Digital Service). Images/assets and documentation are (c) Crown
  copyright, available under the Open Government Licence v3.0 (OGL).
  https://github.com/alphagov/govuk-frontend/blob/main/LICENSE.txt
  https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/
TXT

# ---- install into the repo ----------------------------------------------
mkdir -p "$OUT"
rm -rf "$OUT/assets" "$OUT/govuk-frontend.min.css" "$OUT/govuk-frontend.min.js" \
       "$OUT/govuk-frontend.min.js.map" "$OUT/VERSION.txt"
cp -R "$STAGE/." "$OUT/"

echo "Built govuk-frontend $GF_VER with sass $SASS_VER into $OUT"
