#!/usr/bin/env bash
# The reference protocol of docs/results.md, end to end: full Fashion-MNIST, ResNet-20, batch 128, SGD momentum 0.9,
# weight decay 1e-4, seed 0, no augmentation, all 60,000 training images trained on (--vs 0; the numbers reported are
# the test set's after the last epoch, never a best-of-epochs pick).
#   1. dense: 5 epochs, lr 0.1 for three, 0.01 for two           (schedules/resnet20.protocol_dense.yaml)
#   2. AGP 5 % -> 80 % over block, downsample convolutions and fc, epochs 0-4 at lr 0.01 from the dense weights with a
#      fresh optimizer                                           (schedules/resnet20.protocol_agp.yaml)
#   3. 8-bit symmetric post-training quantization of the dense model, statistics of the first 2,000 training images
#   4. DoReFa QAT, 4-bit weights / 8-bit activations, 2 epochs at lr 0.01 from the dense weights
#                                                                (schedules/resnet20.schedule_dorefa.yaml)
# Usage: samples/ResNetPrune/reference-protocol.sh [OUT_DIR] [DATA_DIR]
# Prints every command it runs, and at the end a Markdown table (also written to OUT_DIR/results.md). Run again with the
# same OUT_DIR, it skips the steps that completed (OUT_DIR/NAME.done) and runs the rest.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-logs/reference-protocol}
data=${2:-/usr/share/datasets/fashion-mnist}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
[ -f "$data/train-images-idx3-ubyte.gz" ] || { echo "error: no Fashion-MNIST in $data (apt-get install dataset-fashion-mnist, or pass DATA_DIR)" >&2; exit 1; }
mkdir -p "$out"

dotnet build -c Release samples/ResNetPrune -v q -nologo | tail -n 2
app=(dotnet samples/ResNetPrune/bin/Release/net10.0/ResNetPrune.dll)
common=(--arch resnet20 -b 128 --momentum 0.9 --wd 1e-4 --seed 0 --vs 0 --device cpu --data "$data")

run() { # run NAME ARGS...: the sample's output goes to OUT/NAME.log and to the terminal; a completed step is skipped
  local name=$1; shift
  if [ -f "$out/$name.done" ]; then echo "= $name: completed before (see $out/$name.log)"; return; fi
  rm -rf "$out/$name"
  echo "+ ResNetPrune $*" | tee "$out/$name.log"
  "${app[@]}" "$@" 2>&1 | tee -a "$out/$name.log"
  touch "$out/$name.done"
}
test_top1() { sed -n 's/^Test: loss [0-9.]*  top1 \([0-9.]*\).*/\1/p' "$out/$1.log" | tail -n 1; }
per_epoch() { awk -v e="$2" '/^Total time:/ { printf "%.0f", $3 / e }' "$out/$1.log"; }
sparsity() { sed -n 's/^Test: .* sparsity \([0-9.]*\)%.*/\1/p' "$out/$1.log" | tail -n 1; }

run dense "${common[@]}" --epochs 5 --lr 0.1 --compress schedules/resnet20.protocol_dense.yaml --out-dir "$out/dense"
dense_ckpt="$out/dense/checkpoint.ckpt"
run agp "${common[@]}" --epochs 5 --lr 0.01 --exp-load-weights-from "$dense_ckpt" \
  --compress schedules/resnet20.protocol_agp.yaml --out-dir "$out/agp"
# 2,000 / 60,000 = 0.033333..: the portion is rounded up to whole images, so 0.033333 is exactly the first 2,000.
run stats "${common[@]}" --resume-from "$dense_ckpt" --qe-calibration 0.033333 --qe-calibration-data train --out-dir "$out/stats"
grep -q "statistics of the first 2000 training images" "$out/stats.log"
run ptq "${common[@]}" --resume-from "$dense_ckpt" --evaluate --quantize-eval --qe-mode sym --qe-bits-wts 8 --qe-bits-acts 8 \
  --qe-stats-file "$out/stats/quantization_stats.yaml"
run dorefa "${common[@]}" --epochs 2 --lr 0.01 --exp-load-weights-from "$dense_ckpt" \
  --compress schedules/resnet20.schedule_dorefa.yaml --out-dir "$out/dorefa"

dense=$(test_top1 dense); agp=$(test_top1 agp); ptq=$(test_top1 ptq); dorefa=$(test_top1 dorefa)
for v in "$dense" "$agp" "$ptq" "$dorefa"; do
  case $v in ''|*[!0-9.]*) echo "error: a result is missing or not a number ('$v'); see the logs in $out" >&2; exit 1;; esac
done
{
  echo "| step | Distiller (PyTorch 1.x) | Distiller.Typed | wall time per epoch |"
  echo "|---|---|---|---|"
  echo "| dense, 5 epochs | 92.83 % | $dense % | $(per_epoch dense 5) s |"
  echo "| AGP 80 %, 5 epochs (total sparsity $(sparsity agp) %) | 92.58 % | $agp % | $(per_epoch agp 5) s |"
  echo "| 8-bit symmetric PTQ of the dense model | 92.80 % | $ptq % | — |"
  echo "| DoReFa w4/a8, 2 epochs | — | $dorefa % | $(per_epoch dorefa 2) s |"
  echo
  echo "$(lscpu | sed -n 's/^Model name: *//p' | head -n 1), OMP_NUM_THREADS=$OMP_NUM_THREADS; $(grep -m1 '^CPU kernels' "$out/dense.log" || true)"
} | tee "$out/results.md"
