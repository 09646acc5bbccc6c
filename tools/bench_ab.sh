#!/usr/bin/env bash
# A change to the fast path, measured: the training step of two commits of this repository one after the other in one run
# (these machines are noisy: never compare timings from different runs), alternating A, B, A, B so that a drift of the
# machine shows as a difference between the two runs of the same commit.
#   tools/bench_ab.sh OLD_COMMIT [NEW_COMMIT] [SIZES]    (NEW_COMMIT: the working tree; SIZES: default 128,256)
# Each run is `msse_bench --compare --presets default --batch_size 8 --iters 2 --warmup 1 --threads 2` in a git worktree
# of that commit with this checkout's .venv, and the summary prints each run's step time of the plain float32 path and of
# the fast path per size, with the CPU class.  Nothing is written into the repository.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
old="${1:?usage: tools/bench_ab.sh OLD_COMMIT [NEW_COMMIT] [SIZES]}"
new="${2:-}"
sizes="${3:-128,256}"
git -C "$root" rev-parse --verify --quiet "$old^{commit}" >/dev/null || { echo "bench_ab: $old is not a commit of this repository" >&2; exit 2; }
[[ -z "$new" ]] || git -C "$root" rev-parse --verify --quiet "$new^{commit}" >/dev/null || { echo "bench_ab: $new is not a commit of this repository" >&2; exit 2; }
[[ "$sizes" =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "bench_ab: SIZES must be comma-separated integers such as 128,256; got '$sizes'" >&2; exit 2; }
work="$(mktemp -d)"
cleanup() { for d in "$work"/tree_*; do [[ -d "$d" ]] && git -C "$root" worktree remove --force "$d" >/dev/null 2>&1; done; rm -rf "$work"; }
trap cleanup EXIT
tree() {   # tree LABEL COMMIT|"": the folder in which that commit runs
  if [[ -z "$2" ]]; then echo "$root"; return; fi
  git -C "$root" worktree add --detach "$work/tree_$1" "$2" >/dev/null 2>&1
  ln -s "$root/.venv" "$work/tree_$1/.venv"
  echo "$work/tree_$1"
}
a="$(tree A "$old")"; b="$(tree B "$new")"
for run in A1 B1 A2 B2; do
  dir="$a"; [[ "$run" == B* ]] && dir="$b"
  echo "== $run: $(git -C "$dir" log -1 --format='%h %s' | cut -c1-100)"
  (cd "$dir" && PYTHONPATH="$dir" "$root/.venv/bin/msse_bench" --compare --presets default --sizes "$sizes" --batch_size 8 \
     --iters 2 --warmup 1 --threads 2) > "$work/$run.log" 2>&1 || { cat "$work/$run.log" >&2; exit 1; }
done
"$root/.venv/bin/python" - "$work" <<'PY'
import re, sys
from pathlib import Path
work = Path(sys.argv[1])
print(next(l for l in (work / 'A1.log').read_text().splitlines() if l.startswith('msse_bench:')))
print('run  size   plain fp32 step   fast path step   ratio')
for run in ('A1', 'B1', 'A2', 'B2'):
    rows = {}
    for line in (work / f'{run}.log').read_text().splitlines():
        m = re.match(r'\s*(plain fp32 eager|fast path)\s+(\d+)\s+\d+\s+.*?\s+([\d.]+)\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+$', line)
        if m: rows.setdefault(int(m[2]), {})[m[1]] = float(m[3])
    for size, t in sorted(rows.items()):
        print(f"{run}   {size:4d}   {t['plain fp32 eager']:12.2f} s   {t['fast path']:11.2f} s   {t['plain fp32 eager'] / t['fast path']:.2f}x")
PY
