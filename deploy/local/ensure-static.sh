#!/usr/bin/env bash
# The vendored front-end files under gateway/web/static/vendor/ (never committed): the dashboards'
# Apache ECharts bundle and the Sarabun web font, from the npm registry at the exact versions of
# deploy/static/package-lock.json (`npm ci`), built by deploy/static/build.mjs. A stamp keyed by
# the hash of the lock file and the build's own files makes a second run a no-op.
# Called by `make setup` (so `make run` and `make test`); needs Node.js and npm.
set -euo pipefail
cd "$(dirname "$0")/../.."

source=deploy/static
cache=build/static-npm
vendor=gateway/web/static/vendor
hash=$(cat "$source/package.json" "$source/package-lock.json" "$source/build.mjs" "$source/echarts-entry.js" \
       | md5sum | cut -c1-12)
stamp="$vendor/.built-$hash"
[ -f "$stamp" ] && exit 0

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "ensure-static: $tool is needed (Node.js and npm) to vendor $vendor" >&2; exit 1; }
done
echo "vendoring ECharts and the Sarabun font into $vendor (npm ci)"
mkdir -p "$cache"
cp "$source/package.json" "$source/package-lock.json" "$source/build.mjs" "$source/echarts-entry.js" "$cache/"
# --ignore-scripts: nothing of the packages runs at install (esbuild finds its platform package itself)
(cd "$cache" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
node "$cache/build.mjs" "$PWD/$vendor"
touch "$stamp"
