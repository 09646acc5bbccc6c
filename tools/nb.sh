#!/usr/bin/env bash
# Authoring helper: convert percent-format sources (jupytext) into nbs/ notebooks, export and clean.
# Usage: tools/nb.sh /path/to/NN_name.py [...]   (writes nbs/<relative name>.ipynb)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
for src in "$@"; do
  name="$(basename "${src%.py}")"
  dest="$root/nbs/$name.ipynb"
  [[ "$src" == */experiments/* ]] && dest="$root/nbs/experiments/$name.ipynb"
  "$root/.venv/bin/jupytext" -q --to ipynb --update --output "$dest" "$src" 2>/dev/null || "$root/.venv/bin/jupytext" -q --to ipynb --output "$dest" "$src"
done
cd "$root" && .venv/bin/nbdev_export && .venv/bin/nbdev_clean
