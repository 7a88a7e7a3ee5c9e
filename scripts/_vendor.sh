# Sourced by scripts/run and scripts/test: browser assets that come from npm, copied into the gitignored
# crm/console/static/vendor/ (served at /static/vendor/) when missing. Never committed.
VENDOR_PACKAGES=("swagger-ui-dist@5.35.0")

ensure_vendor() {
  local root vendor spec name work
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  vendor="$root/crm/console/static/vendor"
  for spec in "${VENDOR_PACKAGES[@]}"; do
    name=${spec%@*}
    [ -f "$vendor/$name/.version" ] && [ "$(cat "$vendor/$name/.version")" = "$spec" ] && continue
    echo "==> installing $spec from npm into crm/console/static/vendor/"
    work=$(mktemp -d)
    npm install --silent --no-audit --no-fund --prefix "$work" "$spec" >/dev/null
    rm -rf "${vendor:?}/$name"
    mkdir -p "$vendor"
    cp -r "$work/node_modules/$name" "$vendor/$name"
    echo "$spec" >"$vendor/$name/.version"
    rm -rf "$work"
  done
}
