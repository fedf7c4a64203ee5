# Sourced by ./sandbox and ./runtests: create .venv and install a lock file
# into it, once per change of the lock file or pyproject.toml.
ensure_venv() {
  local lock=$1 python=${PYTHON:-python3}
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "esws needs Python 3.11 or newer ($python is $("$python" --version 2>&1))" >&2
    exit 1
  fi
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  local stamp
  stamp=".venv/.installed-$(basename "$lock")-$(cat "$lock" pyproject.toml | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -r "$lock"
    .venv/bin/python -m pip install -q --no-deps -e .
    touch "$stamp"
  fi
}
