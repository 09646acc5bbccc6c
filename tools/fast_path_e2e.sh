#!/usr/bin/env bash
# End to end, the whole msse_train process: one epoch on 48 training faces at 256 px, with the defaults (the fast path
# resolved for this machine) and with the plain float32 eager path, one after the other in one run; prints both wall
# times and their ratio.  Usage: tools/fast_path_e2e.sh [TRAIN_ROOT] [OUT_DIR]   (defaults: ../shared/data/celebahq/train,
# a temporary folder).  Extra msse_train options can follow in MSSE_E2E_ARGS (e.g. "--threads 2").
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="${1:-$root/../shared/data/celebahq/train}"
out="${2:-$(mktemp -d)}"
mkdir -p "$out"   # an OUT_DIR that does not exist yet is made
[[ -d "$data" ]] || { echo "fast_path_e2e: no folder of training images at $data" >&2; exit 2; }
common=(--config default --train_root "$data" --train_subset 48 --val_subset 8 --image_size 256 --epochs 1 --quiet ${MSSE_E2E_ARGS:-})
portable_lines() {   # the output is kept as a result file: no path of this machine in it (msse_inpaint.core.portable)
  "$root/.venv/bin/python" -c 'import sys; from msse_inpaint.core import portable; sys.stdout.writelines(portable(line) for line in sys.stdin)'
}
run() {   # run LABEL EXTRA...: one whole process, timed
  local label="$1"; shift
  local t0; t0=$(date +%s.%N)
  "$root/.venv/bin/msse_train" "${common[@]}" --save_dir "$out/$label" "$@" | portable_lines | sed "s/^/[$label] /"
  python3 -c "import sys; print(f'{sys.argv[1]}: {float(sys.argv[3]) - float(sys.argv[2]):.1f} s')" "$label" "$t0" "$(date +%s.%N)" | tee -a "$out/times.txt"
}
: > "$out/times.txt"
run plain --no_mixed_precision --no_channels_last --no_compile --no_fused_attention --no_reuse_memory
run defaults
python3 - "$out/times.txt" <<'PY'
import sys
t = dict(line.split(': ') for line in open(sys.argv[1]).read().splitlines())
plain, fast = (float(t[k].split()[0]) for k in ('plain', 'defaults'))
print(f'whole process, one epoch of 48 faces at 256 px: plain float32 eager {plain:.1f} s, defaults {fast:.1f} s: {plain / fast:.2f}x')
PY
