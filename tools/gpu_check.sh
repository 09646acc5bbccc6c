#!/usr/bin/env bash
# The workbook's GPU checks in one prepared call (issue: the fast path on CUDA), for a machine with one NVIDIA GPU and a
# python3 that already holds a CUDA build of torch (as the lent device machines do), and no network.
#
#   tools/gpu_check.sh --prepare            # here, with network: wheels of the pure-Python packages into .gpu_wheels/
#   tools/gpu_check.sh OUT_DIR              # there: install them, run the `cuda`-flagged notebook cells and
#                                           #   msse_bench --devices cuda; everything goes into OUT_DIR (about 5 minutes)
#   tools/gpu_check.sh --dry-run OUT_DIR    # the same steps on the CPU at toy sizes (tested in tests/test_gpu_check.py)
#
# OUT_DIR gets: env.txt (versions, GPU), nbdev_test_<notebook>.log, bench_compare/ (report.txt, comparison.csv, profiles),
# bench.csv and bench.log, and status.txt (one line per step: ok / failed).  Each step has its own time limit.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
wheels="$root/.gpu_wheels"
# Packages the workbook needs beyond what the device image holds (torch, numpy, pandas, matplotlib, scikit-image, ...).
gpu_pkgs=(fastai==2.8.7 fastcore==1.14.5 fastprogress fastdownload plum-dispatch==2.9.0 beartype
          nbdev==2.4.14 execnb==0.1.18 "ghapi<1.1" astunparse watchdog asttokens
          ipython jedi parso prompt-toolkit traitlets decorator matplotlib-inline pexpect ptyprocess stack-data executing
          pure-eval wcwidth)   # installed with --no-deps: this list is the whole closure the checks need

if [[ "${1:-}" == "--prepare" ]]; then
  mkdir -p "$wheels"
  # Pure-Python wheels for the device machine's Python 3.12 (its torch, numpy and friends are already there).
  python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --platform manylinux2014_x86_64 \
    --implementation cp -d "$wheels" "${gpu_pkgs[@]}" || exit 1
  du -sh "$wheels"; echo "carry .gpu_wheels (it is ignored by git) with the device call"; exit 0
fi

dry=0
if [[ "${1:-}" == "--dry-run" ]]; then dry=1; shift; fi
out="${1:?usage: tools/gpu_check.sh [--prepare | [--dry-run] OUT_DIR]}"
mkdir -p "$out"; out="$(cd "$out" && pwd)"
: > "$out/status.txt"
step() {   # step NAME SECONDS COMMAND...: run with a time limit, log, record ok/failed, never stop the script
  local name="$1" limit="$2"; shift 2
  local t0=$SECONDS
  if timeout "$limit" "$@" > "$out/$name.log" 2>&1; then echo "$name: ok ($((SECONDS - t0)) s)" >> "$out/status.txt"
  else echo "$name: FAILED, status $? ($((SECONDS - t0)) s; see $name.log)" >> "$out/status.txt"; fi
}

if (( dry )); then
  py="${PYTHON:-$root/.venv/bin/python}"; bin="$(dirname "$py")"; dev=cpu
  compare_args=(--presets debug --sizes 32 --iters 1 --warmup 0 --batch_size 2); table_args=("${compare_args[@]}")
else
  py="${PYTHON:-python3}"; bin="$(dirname "$(command -v "$py")")"; dev=cuda
  compare_args=(--presets default --sizes 256,128 --iters 5 --warmup 2 --batch_size 8)   # warm-up includes compilation
  table_args=(--presets default,fast --sizes 256 --iters 5 --warmup 2 --batch_size 8)
  if ! "$py" -c 'import fastai, nbdev' 2>/dev/null; then
    [[ -d "$wheels" ]] || { echo "gpu_check: fastai/nbdev missing and no $wheels: run tools/gpu_check.sh --prepare first" >&2; exit 2; }
    step install 240 "$py" -m pip install -q --no-index --find-links "$wheels" --no-deps "${gpu_pkgs[@]}"
  fi
  step install_package 120 "$py" -m pip install -q --no-deps --no-build-isolation -e "$root"
fi
export PYTHONUNBUFFERED=1 MPLBACKEND=Agg
{ echo "date: $(date -u)"; "$py" -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(),
  torch.cuda.get_device_name(0) if torch.cuda.is_available() else '')"; command -v nvidia-smi >/dev/null && nvidia-smi -L; } > "$out/env.txt" 2>&1

cd "$root"
if (( dry )); then
  echo "nbdev_test: skipped in the dry run (the notebooks' own CPU tests cover these cells' code)" > "$out/nbdev_test.log"
else
  # Only the notebooks with cuda-flagged cells; their CPU cells run too.
  for nb in $(grep -l '#| cuda' nbs/*.ipynb); do
    step "nbdev_test_$(basename "$nb" .ipynb)" 90 "$bin/nbdev_test" --flags cuda --n_workers 1 --path "$nb"
  done
fi
step bench_compare 300 "$bin/msse_bench" --compare --devices "$dev" "${compare_args[@]}" --out "$out/bench_compare"
step bench 120 "$bin/msse_bench" --devices "$dev" "${table_args[@]}" --csv "$out/bench.csv"
cat "$out/status.txt"
! grep -q FAILED "$out/status.txt"
