#!/usr/bin/env bash
# How the shipped reference model (msse_inpaint/weights/msse_reference.pth) was made and measured, step by step.
# Needs ../shared/data (CelebA-HQ faces, BSD100, the NVIDIA masks) and the project's environment (`make env`).
#   tools/reference_model.sh train     # stage 1: ~60 min on the 2-core CPU machine (10 epochs at 96 px); use --device cuda on a GPU
#   tools/reference_model.sh finetune  # stage 2: from stage 1's best weights, 128 px windows of the faces at 256 px (the scale
#                                      # msse_eval scores at), 5 epochs (~60 min on the same machine)
#   tools/reference_model.sh refine    # stage 3: from stage 2's best weights, 8 more epochs at a lower peak lr on holes of
#                                      # 10-60% (~90 min on the same machine)
#   tools/reference_model.sh ship      # half-precision export of the last stage's last epoch into the package
#   tools/reference_model.sh ship STAGE  # the same for a kept stage of the next reference model (experiments/reference/STAGE),
#                                      # whose log, question pairs, knock-outs and faults `card` then puts in the shipped card
#   tools/reference_model.sh eval      # msse_eval at 256 px: NVIDIA masks by bin (faces, BSD100; for a shipped kept stage its
#                                      # `evalbins` folder, the same pairs), the earlier masks (faces)
#   tools/reference_model.sh card      # MODEL_CARD.md and thesis/tables/reference_model.tex from the logs and the evaluation
#
# The next reference model (issue 23), trained in stages of at most ~150 minutes on the 2-core CPU, each continued by the
# next session from the committed half-precision weights of the one before (runs/ is not kept between sessions):
#   tools/reference_model.sh next1     # stage 1: the screen's closest recipe, s_input (chapter 24): S supervised by the ground
#                                      # truth's edge strength and an input channel of the refinement; 96 px windows of faces
#                                      # loaded at 256 px, 10 epochs at lr 1e-3 (~45 min with 2 threads on an AMD Zen 4)
#   tools/reference_model.sh keep next1   # its last weights (half precision), log.csv and config.json into
#                                      # experiments/reference/next1/, to commit
#   tools/reference_model.sh next2     # stage 2: from next1's committed weights, 128 px windows of the faces at 256 px,
#                                      # 30 epochs at lr 5e-4 (~90 min with 2 threads on an AMD Zen 4 with the matmul attention
#                                      # kernel: ~3 min an epoch); then `keep next2`
#   tools/reference_model.sh next3     # stage 3: from next2's committed weights, the same windows, training masks 'varied'
#                                      # (rectangles, smooth strokes and LaMa's thin / medium / thick strokes: next2 lost most
#                                      # to biharmonic at 20-30 % holes, where the NVIDIA masks are many thin strokes), 30
#                                      # epochs at lr 5e-4 (~85 min with 2 threads on an AMD Zen 4; on an AVX2-only CPU,
#                                      # float32, about twice that: set EPOCHS=15); then `keep next3` and `evalstage next3`
#   tools/reference_model.sh next4     # stage 4: from next3's committed weights, whole faces at 256 px (the scale msse_eval
#                                      # scores at; the stages before saw 96-128 px windows of it), masks 'varied' with holes
#                                      # from 1 % (next3 is furthest below biharmonic at 1-10 % and 10-20 %, where the stages
#                                      # before never saw a hole under 5 %: eval_all_bins, MODEL_CARD.md), 5 epochs at
#                                      # a lower peak lr 2e-4 (17-25 min an epoch with 2 threads on an AMD Zen 4 in bf16: 85-125 min;
#                                      # on an AVX2-only CPU set EPOCHS=2); then `keep next4` and `assess next4`
#   tools/reference_model.sh next5     # stage 5: from next4's committed weights grown into a network with a classical base (the
#                                      # refinement reads the biharmonic fill of the hole and gates per pixel between it and its
#                                      # own output, starting at the even blend); next4's data recipe, 4 epochs at lr 2e-4 (about
#                                      # 55-60 min with 2 threads on an AMD Zen 4 in bf16; on an AVX2-only CPU set EPOCHS=2); then
#                                      # `keep next5`, `assess next5`, `evalbins next5`, `blend next5`, `card next5`
#   tools/reference_model.sh next6     # stage 6: from next5's committed weights (classical base), 128 px windows of the faces at
#                                      # 256 px, masks 'varied' with holes from 1 %, 24 epochs at lr 5e-4 (about 4 min an epoch
#                                      # with 2 threads on an AMD Zen 4 in bf16; on an AVX2-only CPU set EPOCHS=12); then
#                                      # `keep next6`, `assess next6`, `evalbins next6`, `card next6`
#   tools/reference_model.sh next7     # stage 7: from next6's committed weights, the same windows and masks with the hole PSNR
#                                      # term (chapter 20, --lambda_psnr 0.01), 30 epochs at lr 3e-4 (about 3.5 min an epoch with
#                                      # 2 threads on an AMD Zen 4 in bf16: ~105 min; on an AVX2-only CPU set EPOCHS=15); then
#                                      # `keep next7`, `assess next7`, `evalbins next7`, `card next7`
#   tools/reference_model.sh next8     # stage 8: next7's recipe from next7's committed weights (next7 ran 8 of its 30 epochs), a
#                                      # second cosine cycle of 20 epochs at lr 3e-4 (~3.5 min an epoch with 2 threads on an AMD
#                                      # Zen 4 in bf16: ~70 min; on an AVX2-only CPU set EPOCHS=10); then `keep next8`,
#                                      # `assess next8`, `evalbins next8`, `card next8`
#   tools/reference_model.sh evalstage STAGE   # msse_eval of a kept stage at 256 px on the knock-out screen's 297 fixed
#                                      # CelebA-HQ validation pairs (20-50 % holes) beside biharmonic and Telea, into
#                                      # experiments/reference/STAGE/eval/, with the paired margins against each method by bin
#                                      # (tools/paired_margins.py: eval/paired.md) (~3 min with 2 threads); STAGE=shipped
#                                      # scores the shipped model on the same pairs (experiments/reference/shipped/eval/)
#   tools/reference_model.sh knockout STAGE  # its knock-out table (chapter 23) on 48 of those pairs (16 faces x 3 bins), into
#                                      # experiments/reference/STAGE/knockout/ (~2 min with 2 threads)
#   tools/reference_model.sh assess STAGE  # evalstage, knockout and faults of a kept stage, one after the other
#   tools/reference_model.sh faults STAGE  # the fault meters of chapter 25 (colour casts, blockiness, halos, seams) of the first
#                                      # shipped model (experiments/reference/first_shipped: the weights the package shipped until
#                                      # issue 23's model replaced them, with their evaluation and knock-outs on the same pairs)
#                                      # and a kept stage on the same 297 pairs, the paired comparison and the before/after gallery,
#                                      # into experiments/reference/STAGE/faults/ (~5 min with 2 threads)
#   tools/reference_model.sh evalbins STAGE  # msse_eval of a kept stage on every hole bin (1-60 %, the 1194 pairs of
#                                      # results/baselines, joined with its classical baselines) into experiments/reference/STAGE/eval_all_bins
#   tools/reference_model.sh blend STAGE  # tools/classical_blend.py: the stage, biharmonic and their pixel-wise blends on 50 face pairs
#                                      # per bin of eval_all_bins (300 pairs), each minus biharmonic, into experiments/reference/STAGE/
#                                      # classical_blend (~27 min at low priority beside a training run; ~8 min alone)
#   tools/reference_model.sh card STAGE  # the candidate's model card from what the commands above wrote, into
#                                      # experiments/reference/STAGE/MODEL_CARD.md (`card` alone: the shipped model's)
#   tools/reference_model.sh gpu       # the GPU stage: one H100-class GPU, from the last committed stage's weights, whole faces
#                                      # at 256 px, bf16, batch 32, 40 epochs, cut off at 8 minutes; checkpoint and log in
#                                      # runs/gpu_stage (GPU_OUT); then `keep gpu_stage`
#   tools/reference_model.sh gpu_dry   # the same command on the CPU at toy size (64 px, 16 faces, 1 epoch): checks that it runs
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
STAGE1=${STAGE1:-runs/reference}
STAGE2=${STAGE2:-runs/reference_256}
RUN=${RUN:-runs/reference_256_s3}
SHIPPED=msse_inpaint/weights/msse_reference.pth
next_stage() {   # next_stage INIT_WEIGHTS|"" WINDOW TRAIN_MASKS EPOCHS LR SEED RUN [HOLES [MORE OPTIONS...]]: one stage of the next reference model
  # (s_input recipe, windows of faces loaded at 256 px, holes HOLES (default 5-60 %), validation on 32 val faces with their fixed mixed masks)
  $BIN/msse_train --config default --structure_input --lambda_structure 0.2 ${1:+--init_weights "$1"} "${@:9}" \
    --train_root ../shared/data/celebahq/train --val_root ../shared/data/celebahq/val --val_subset 32 \
    --image_size "$2" --load_size 256 --mask_kind "$3" --val_mask_kind mixed --hole_range "${8:-0.05,0.6}" \
    --epochs "$4" --batch_size 8 --lr "$5" --save_dir "$7" --seed "$6" --checkpoint_every 1 --threads 2 --quiet
}
weights_of() {   # weights_of STAGE: a kept stage's weights, or the shipped model's for STAGE=shipped (scored on the same pairs)
  if [[ "$1" == shipped ]]; then echo "$SHIPPED"; else echo "experiments/reference/$1/weights.pth"; fi
}
shipped_stage() {   # the kept stage (experiments/reference/next*) whose weights are the shipped ones, or nothing
  $BIN/python -c "
from pathlib import Path; from msse_inpaint.checkpoint import folder_with_weights
print(getattr(folder_with_weights(sorted(Path('experiments/reference').glob('next*')), '$SHIPPED'), 'name', ''))"
}
# The whole command is one function, read in full before it runs: editing this file while a stage runs cannot make the
# running shell read on at a stale offset (it once executed lines of `keep` that way).
main() {
case "${1:-}" in
  train)
    # The default preset (C=40, MSSE on, every loss at the seed's weights); on a CPU at 96 px, the largest size an
    # hour-long run allows. lr 1e-3 instead of the preset's 2e-4: 10 epochs, not 60.
    $BIN/msse_train --config default --train_root ../shared/data/celebahq/train --val_root ../shared/data/celebahq/val \
      --val_subset 16 --image_size 96 --epochs 10 --batch_size 8 --lr 1e-3 --hole_range 0.05,0.6 \
      --save_dir "$STAGE1" --seed 0 --checkpoint_every 4 --quiet ;;
  finetune)
    # The network runs at the image's own size (256 px in msse_eval); stage 1 saw faces at 96 px. Windows of 128 px cut
    # from faces loaded at 256 px teach it that scale at a quarter of the cost of whole 256 px images.
    $BIN/msse_train --config default --init_weights "$STAGE1/checkpoints/best_model.pth" \
      --train_root ../shared/data/celebahq/train --val_root ../shared/data/celebahq/val --val_subset 32 \
      --image_size 128 --load_size 256 --epochs 5 --batch_size 8 --lr 5e-4 --hole_range 0.05,0.6 \
      --save_dir "$STAGE2" --seed 1 --checkpoint_every 1 --quiet ;;
  refine)
    # Stage 2 was still improving (hole SSIM every epoch) when its schedule ran out: a second, gentler cosine cycle.
    $BIN/msse_train --config default --init_weights "$STAGE2/checkpoints/best_model.pth" \
      --train_root ../shared/data/celebahq/train --val_root ../shared/data/celebahq/val --val_subset 32 \
      --image_size 128 --load_size 256 --epochs 8 --batch_size 8 --lr 2.5e-4 --hole_range 0.1,0.6 \
      --save_dir "$RUN" --seed 2 --checkpoint_every 1 --quiet ;;
  ship)
    # The last epoch (stage 3's epoch 8; the best by validation hole PSNR, epoch 7, was 0.005 dB higher on 32 faces, and the
    # last one was the one checked against Telea on all 297 face pairs). CHECKPOINT=<file> exports another; `ship STAGE`
    # ships a kept stage of the next reference model (experiments/reference/STAGE/weights.pth), which `card` then finds.
    src="${CHECKPOINT:-$RUN/checkpoints/last.pth}"
    if [[ -n "${2:-}" ]]; then src="$(weights_of "$2")"; [[ -f "$src" ]] || { echo "ship: no $src (run keep $2 first)" >&2; exit 2; }; fi
    $BIN/python -c "from msse_inpaint.inference import export_checkpoint; print(export_checkpoint('$src', '$SHIPPED'))"
    ls -l "$SHIPPED" ;;
  eval)
    # The same 1194 (image, mask) pairs as results/baselines: the baselines are joined from there, not re-scored. When the
    # shipped weights are a kept stage's and `evalbins STAGE` scored them on those pairs already, that evaluation is the
    # shipped model's (its run.json names the stage's weights, which `card` checks against the shipped file): taken as it is.
    stage="$(shipped_stage)"
    if [[ -n "$stage" && -f "experiments/reference/$stage/eval_all_bins/per_image.csv" ]]; then
      mkdir -p results/reference && cp "experiments/reference/$stage/eval_all_bins"/* results/reference/   # its outputs replace msse_eval's
      echo "eval: results/reference is experiments/reference/$stage/eval_all_bins (the shipped weights are $stage's; the same 1194 pairs)"
    else
      $BIN/msse_eval --pairs results/baselines/pairs.csv --checkpoint "$SHIPPED" --baselines none --include results/baselines \
        --size 256 --threads 2 --out results/reference --overwrite
    fi
    # The earlier implementation's own mask distribution (its rectangles and disk-like strokes, fixed seed), faces.
    $BIN/msse_eval --images shared:celebahq/val --masks generator:legacy_mixed --per_bin 3 --seed 0 --checkpoint "$SHIPPED" \
      --size 256 --threads 2 --out results/reference_legacy_masks --overwrite ;;
  card)
    if [[ -n "${2:-}" ]]; then   # card STAGE: the candidate's card from its kept folder (eval, eval_all_bins, knockout, faults)
      d="experiments/reference/$2"
      $BIN/python tools/model_card.py --run "$d" --checkpoint "$d/weights.pth" --eval "$d/eval_all_bins" --question "$d/eval" \
        --knockout "$d/knockout" --faults "$d/faults" --out "$d/MODEL_CARD.md"
    elif stage="$(shipped_stage)" && [[ -n "$stage" ]]; then   # the shipped weights are a kept stage's: its log, its knock-outs and faults
      d="experiments/reference/$stage"
      $BIN/python tools/model_card.py --run "$d" --checkpoint "$SHIPPED" --question "$d/eval" --knockout "$d/knockout" \
        --faults "$d/faults" --out msse_inpaint/weights/MODEL_CARD.md
    else
      $BIN/python tools/model_card.py --run "$RUN" --checkpoint "$SHIPPED" --out msse_inpaint/weights/MODEL_CARD.md
    fi ;;
  next1)
    # The recipe of the knock-out screen's s_input cell (architecture fields: fixed from the first stage on), at the
    # screen's settings for everything else, trained longer; every hole size from 5 % so that small holes, where the
    # classical fills are strongest, are learned too.
    next_stage "" 96 mixed 10 1e-3 0 runs/next1 ;;
  next2)
    # The same recipe (the architecture fields come with the weights' config and must match), at the larger window.
    next_stage experiments/reference/next1/weights.pth 128 mixed 30 5e-4 1 runs/next2 ;;
  next3)
    next_stage experiments/reference/next2/weights.pth 128 varied "${EPOCHS:-30}" 5e-4 2 runs/next3 ;;
  next4)
    next_stage experiments/reference/next3/weights.pth 256 varied "${EPOCHS:-5}" 2e-4 3 runs/next4 0.01,0.6 ;;
  next5)
    # The classical base (chapter 14): the refinement reads the biharmonic fill of the hole (chapter 13a) and gates per pixel
    # between it and its own output. next4's weights grow into the new network (chapter 15's rule: the fill's stem channels and
    # the gate channel start at zero, so the stage starts as the even blend that tools/classical_blend.py scored +0.47 dB
    # above biharmonic); otherwise next4's recipe: whole faces at 256 px, 'varied' masks with holes from 1 %.
    next_stage experiments/reference/next4/weights.pth 256 varied "${EPOCHS:-4}" 2e-4 4 runs/next5 0.01,0.6 --classical_base biharmonic ;;
  next6)
    # next5's network (it carries the classical base, so the weights load strictly) with more steps: its 4 epochs of whole
    # 256 px faces moved the blend only +0.03 dB over the untrained grown network. Windows of 128 px cut from the faces at
    # 256 px give about four times the steps an hour (next2 and next3 gained most that way), at next2's peak lr 5e-4.
    next_stage experiments/reference/next5/weights.pth 128 varied "${EPOCHS:-24}" 5e-4 5 runs/next6 0.01,0.6 --classical_base biharmonic ;;
  next7)
    # next6 gained +0.08 dB over next5 on the question's pairs (below the stop rule's 0.1): the same windows, now with the hole
    # PSNR term of chapter 20 (`--lambda_psnr 0.01`: per pixel its gradient is (20/ln 10)|e|/MSE, about 87 times L1's at 20 dB),
    # which optimises the evaluation's own average (each image's hole PSNR) instead of the error pooled over the batch's pixels.
    next_stage experiments/reference/next6/weights.pth 128 varied "${EPOCHS:-30}" 3e-4 6 runs/next7 0.01,0.6 --classical_base biharmonic \
      --lambda_psnr 0.01 ;;
  next8)
    # next7 ran 8 of its 30 epochs (one session's remainder) and gained +0.10 dB over next6, +0.48 above biharmonic: the same
    # recipe from next7's weights, a second cosine cycle of 20 epochs at the same peak lr.
    next_stage experiments/reference/next7/weights.pth 128 varied "${EPOCHS:-20}" 3e-4 7 runs/next8 0.01,0.6 --classical_base biharmonic \
      --lambda_psnr 0.01 ;;
  evalstage)
    stage="${2:?usage: $0 evalstage STAGE (a folder under experiments/reference/, or shipped)}"
    [[ -f "$(weights_of "$stage")" ]] || { echo "evalstage: no $(weights_of "$stage") (run keep $stage first)" >&2; exit 2; }
    $BIN/msse_eval --pairs experiments/runs/screen/baseline/seed_0/pairs.csv --checkpoint "$(weights_of "$stage")" \
      --baselines biharmonic,telea --size 256 --threads 2 --out "experiments/reference/$stage/eval" --overwrite
    $BIN/python tools/paired_margins.py "experiments/reference/$stage/eval" --out "experiments/reference/$stage/eval/paired.md"
    # the stage's gain over the stage it started from, paired on the same pairs (when that one was scored too)
    prev="$($BIN/python -c "import json, sys; from pathlib import Path; c = json.load(open(sys.argv[1])); print(Path(c.get('init_weights') or '.').parent.name)" \
      "experiments/reference/$stage/config.json" 2>/dev/null || true)"
    if [[ -n "$prev" && -f "experiments/reference/$prev/eval/per_image.csv" ]]; then
      $BIN/python tools/paired_margins.py "experiments/reference/$stage/eval" --versus "experiments/reference/$prev/eval" \
        --out "experiments/reference/$stage/eval/versus_$prev.md"
    fi
    head -8 "experiments/reference/$stage/eval/paired.md" ;;
  evalbins)
    stage="${2:?usage: $0 evalbins STAGE (a folder under experiments/reference/, or shipped)}"
    [[ -f "$(weights_of "$stage")" ]] || { echo "evalbins: no $(weights_of "$stage") (run keep $stage first)" >&2; exit 2; }
    $BIN/msse_eval --pairs results/baselines/pairs.csv --checkpoint "$(weights_of "$stage")" --baselines none --include results/baselines \
      --size 256 --threads 2 --lpips off --out "experiments/reference/$stage/eval_all_bins" --overwrite ;;
  knockout)
    stage="${2:?usage: $0 knockout STAGE (a folder under experiments/reference/, or shipped)}"
    [[ -f "$(weights_of "$stage")" ]] || { echo "knockout: no $(weights_of "$stage") (run keep $stage first)" >&2; exit 2; }
    $BIN/msse_knockout --checkpoint "$(weights_of "$stage")" --max_images 16 --threads 2 \
      --out "experiments/reference/$stage/knockout" --overwrite
    cat "experiments/reference/$stage/knockout/knockout.md" ;;
  assess)
    stage="${2:?usage: $0 assess STAGE (a folder under experiments/reference/)}"
    "$0" evalstage "$stage" && "$0" knockout "$stage" && "$0" faults "$stage" ;;
  faults)
    stage="${2:?usage: $0 faults STAGE (a folder under experiments/reference/)}"
    [[ -f "experiments/reference/$stage/weights.pth" ]] || { echo "faults: no experiments/reference/$stage/weights.pth (run keep $stage first)" >&2; exit 2; }
    # against the model issue 23 replaces (the first shipped one, kept in experiments/reference/first_shipped), whatever ships now
    $BIN/msse_faults --after "experiments/reference/$stage/weights.pth" --before experiments/reference/first_shipped/weights.pth --pairs experiments/runs/screen/baseline/seed_0/pairs.csv \
      --threads 2 --out "experiments/reference/$stage/faults" --overwrite >/dev/null
    cat "experiments/reference/$stage/faults/faults.md" ;;
  blend)
    stage="${2:?usage: $0 blend STAGE (a folder under experiments/reference/ with eval_all_bins, or shipped)}"
    [[ -f "experiments/reference/$stage/eval_all_bins/pairs.csv" ]] || { echo "blend: no experiments/reference/$stage/eval_all_bins/pairs.csv (run evalbins $stage first)" >&2; exit 2; }
    $BIN/python tools/classical_blend.py --checkpoint "$(weights_of "$stage")" --pairs "experiments/reference/$stage/eval_all_bins/pairs.csv" \
      --dataset celebahq --per_bin 50 --out "experiments/reference/$stage/classical_blend" --overwrite ;;
  gpu|gpu_dry)
    # Sizing (not yet measured on a GPU: no device was lent so far): a 256 px training step costs ~120 GFLOP per image
    # (msse_bench --compare), so an H100 at a modest 10 % of its bf16 peak trains ~800 images/s and an epoch of the 1000
    # faces takes seconds; data loading (num_workers 8) and validation bound it instead. 40 epochs at ~8 s each fit the
    # 8 minutes with room for torch.compile's first graph; `timeout` stops the run at 8 minutes whatever happens, and
    # log.csv's `seconds` column says how long each epoch took, so the next run can be sized from it.
    if [[ "$1" == gpu_dry ]]; then   # the same command at toy size on the CPU (float32 where bf16 is not native)
      : "${GPU_DEVICE:=cpu}" "${GPU_EPOCHS:=1}" "${GPU_BATCH:=4}" "${GPU_SIZE:=64}" "${GPU_SUBSET:=16}" "${GPU_WORKERS:=0}" "${GPU_PRECISION:=auto}" "${GPU_OUT:=runs/gpu_stage_dry}"
    fi
    init="${GPU_INIT:-$(ls -d experiments/reference/next*/weights.pth | sort -V | tail -1)}"
    out="${GPU_OUT:-runs/gpu_stage}"
    echo "gpu stage: from $init -> $out"
    timeout --signal=INT 480 $BIN/msse_train --config default --structure_input --lambda_structure 0.2 --classical_base biharmonic --init_weights "$init" \
      --train_root ../shared/data/celebahq/train --val_root ../shared/data/celebahq/val --val_subset 32 \
      ${GPU_SUBSET:+--train_subset $GPU_SUBSET} --image_size "${GPU_SIZE:-256}" --mask_kind varied --val_mask_kind mixed \
      --hole_range 0.05,0.6 --epochs "${GPU_EPOCHS:-40}" --batch_size "${GPU_BATCH:-32}" --lr 3e-4 --num_workers "${GPU_WORKERS:-8}" \
      --lambda_psnr 0.01 --device "${GPU_DEVICE:-cuda}" --precision "${GPU_PRECISION:-bf16}" --save_dir "$out" --seed 3 --checkpoint_every 1 --overwrite --quiet
    ls -l "$out" "$out/checkpoints" ;;
  keep)
    # What the next session needs of a stage: its last weights in half precision, its log and its configuration.
    stage="${2:?usage: $0 keep STAGE (a run folder under runs/)}"
    [[ -f "runs/$stage/checkpoints/last.pth" ]] || { echo "keep: no runs/$stage/checkpoints/last.pth" >&2; exit 2; }
    mkdir -p "experiments/reference/$stage"
    $BIN/python -c "from msse_inpaint.checkpoint import export_checkpoint; export_checkpoint('runs/$stage/checkpoints/last.pth', 'experiments/reference/$stage/weights.pth')"
    $BIN/python -c "import json, sys; from msse_inpaint.core import portable; print(json.dumps(portable(json.load(open(sys.argv[1]))), indent=2))" \
      "runs/$stage/config.json" > "experiments/reference/$stage/config.json"
    cp "runs/$stage/log.csv" "experiments/reference/$stage/log.csv"
    ls -l "experiments/reference/$stage" ;;
  *) echo "usage: $0 train|finetune|refine|ship|eval|next1|next2|next3|next4|next5|next6|next7|next8|keep STAGE|evalstage STAGE|evalbins STAGE|blend STAGE|card [STAGE]|knockout STAGE|faults STAGE|assess STAGE|gpu|gpu_dry" >&2; exit 2 ;;
esac
}
main "$@"; exit $?
