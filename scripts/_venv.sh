# Sourced by scripts/run and scripts/test: make .venv and install what a requirements file lists.
# Re-installs only when the requirements file changed since the last install.
ensure_venv() {
  local requirements=$1
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  local python=${PYTHON:-python3}
  if [ ! -x "$root/.venv/bin/python" ]; then
    echo "==> creating .venv"
    "$python" -m venv "$root/.venv"
  fi
  local stamp="$root/.venv/.installed-$(basename "$requirements")"
  local digest
  digest=$(cat "$root/requirements.txt" "$root/$requirements" | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    echo "==> installing $requirements"
    "$root/.venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$root/$requirements"
    echo "$digest" >"$stamp"
  fi
}
