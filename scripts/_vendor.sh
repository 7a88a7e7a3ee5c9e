# Sourced by scripts/run and scripts/test: browser assets that come from npm, copied into the gitignored
# crm/console/static/vendor/ (served at /static/vendor/) when missing. Never committed.
# Without npm, or when the registry cannot be reached, Kefu still runs: /api/docs then lacks Swagger UI
# (or set KEFU_SWAGGER_UI_URL to a copy elsewhere), the call-quality report page shows its tables without
# charts (Chart.js), the console's pages do not refresh their panels in place (htmx), the softphone works only
# against the simulated telephony (Twilio's Voice SDK), and the tests of those files are skipped.
VENDOR_PACKAGES=("swagger-ui-dist@5.35.0" "chart.js@4.6.1" "htmx.org@2.0.11" "@twilio/voice-sdk@2.18.5")

ensure_vendor() {
  local root vendor spec name work
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  vendor="$root/crm/console/static/vendor"
  for spec in "${VENDOR_PACKAGES[@]}"; do
    name=${spec%@*}
    [ -f "$vendor/$name/.version" ] && [ "$(cat "$vendor/$name/.version")" = "$spec" ] && continue
    if ! command -v npm >/dev/null 2>&1; then
      echo "==> npm is missing: $spec not installed (see the top of scripts/_vendor.sh)" >&2
      continue
    fi
    echo "==> installing $spec from npm into crm/console/static/vendor/"
    work=$(mktemp -d)
    if npm install --silent --no-audit --no-fund --prefix "$work" "$spec" >/dev/null; then
      rm -rf "${vendor:?}/$name"
      mkdir -p "$(dirname "$vendor/$name")"
      cp -r "$work/node_modules/$name" "$vendor/$name"
      echo "$spec" >"$vendor/$name/.version"
    else
      echo "==> npm could not install $spec (see the top of scripts/_vendor.sh)" >&2
    fi
    rm -rf "$work"
  done
}
