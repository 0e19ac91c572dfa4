#!/usr/bin/env bash
# Side-by-side benchmark: the same ResNet-20 workloads (1x28x28 input, batch 128, SGD 0.1/0.9/1e-4) on plain PyTorch
# (Debian's python3-torch; pytorch_side.py) and on Distiller.Typed (DotnetSide/), interleaved in one run: every round
# runs each row on each side, in an order that alternates between rounds, so slow phases of a noisy host hit both.
#   benchmarks/SideBySide/run.sh [ROUNDS] [THREADS]        (defaults 5 and 2)
# Environment: STEPS (measured repetitions per training row, default 15), EPOCH_ROUNDS (rounds that also run the
# full-epoch rows, default 2), DATA (Fashion-MNIST folder).
# Prints the CPU, the kernels each side used, and a Markdown table of median ratios (Distiller.Typed / PyTorch) with
# their spread (min-max over rounds); the raw JSON lines go to benchmarks/SideBySide/results/.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
threads=${2:-2}
steps=${STEPS:-15}
epoch_rounds=${EPOCH_ROUNDS:-2}
data=${DATA:-/usr/share/datasets/fashion-mnist}
export OMP_NUM_THREADS=$threads

if ! /usr/bin/python3 -c "import torch, yaml, numpy" 2>/dev/null; then
  echo "Installing python3-torch (Debian's PyTorch), python3-yaml, python3-numpy"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q python3-torch python3-yaml python3-numpy >/dev/null
  else sudo apt-get install -y -q python3-torch python3-yaml python3-numpy >/dev/null; fi
fi
[ -f "$data/train-images-idx3-ubyte.gz" ] || { echo "error: no Fashion-MNIST in $data (apt-get install dataset-fashion-mnist, or set DATA)" >&2; exit 1; }
dotnet build -c Release benchmarks/SideBySide/DotnetSide -v q -nologo | tail -n 1
dotnet build -c Release samples/ResNetPrune -v q -nologo | tail -n 1

out=benchmarks/SideBySide/results
mkdir -p "$out"
raw="$out/$(date +%Y%m%d-%H%M%S).jsonl"
py=(/usr/bin/python3 benchmarks/SideBySide/pytorch_side.py)
net=(dotnet benchmarks/SideBySide/DotnetSide/bin/Release/net10.0/Distiller.Typed.SideBySide.dll)
sample=(dotnet samples/ResNetPrune/bin/Release/net10.0/ResNetPrune.dll)
epoch_dir=$(mktemp -d)
trap 'rm -rf "$epoch_dir"' EXIT

echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) cores; OMP_NUM_THREADS=$threads; rounds: $rounds"
echo "raw results: $raw"

# Each call appends one JSON line; a side that fails (non-finite loss, crash) is recorded as such, never as a time.
measure() { # measure LABEL COMMAND...
  local label=$1; shift
  local line
  if line=$("$@" 2>/dev/null | tail -n 1) && [ -n "$line" ]; then
    echo "{\"label\": \"$label\", \"result\": $line}" >> "$raw"
  else
    echo "{\"label\": \"$label\", \"failed\": true}" >> "$raw"
  fi
}
epoch_seconds() { # epoch_seconds COMMAND...: wall time of a whole process (start-up and data loading included)
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null 2>&1 || return 1
  end=$(date +%s%N)
  echo "{\"seconds\": [$(( (end - start) / 1000000 ))e-3]}"
}

rows=(train-plain train-agp train-agp-l1 agp-masks eval convs)
for ((r = 0; r < rounds; r++)); do
  echo "round $((r + 1))/$rounds"
  for row in "${rows[@]}"; do
    pair=("pytorch:${py[*]} $row --threads $threads --steps $steps" "net:${net[*]} $row --threads $threads --steps $steps")
    [ $((r % 2)) = 1 ] && pair=("${pair[1]}" "${pair[0]}")
    for entry in "${pair[@]}"; do
      side=${entry%%:*}; cmd=${entry#*:}
      measure "$side/$row" $cmd
    done
  done
  # Like for like: PyTorch with its oneDNN capped at SSE4.1 as the guard caps ours, and Distiller.Typed with libtorch's
  # own kernel choice (wrong numbers on AMD family 26: a training row that meets a non-finite loss is recorded as failed).
  DNNL_MAX_CPU_ISA=SSE41 measure "pytorch-sse41/train-plain" "${py[@]}" train-plain --threads "$threads" --steps "$steps"
  DNNL_MAX_CPU_ISA=SSE41 measure "pytorch-sse41/eval" "${py[@]}" eval --threads "$threads" --steps "$steps"
  DISTILLER_TYPED_CPU_KERNELS=native measure "net-native/train-plain" "${net[@]}" train-plain --threads "$threads" --steps "$steps"
  DISTILLER_TYPED_CPU_KERNELS=native measure "net-native/eval" "${net[@]}" eval --threads "$threads" --steps "$steps"
  DISTILLER_TYPED_CPU_KERNELS=native measure "net-native/convs" "${net[@]}" convs --threads "$threads" --steps "$steps"
  measure "net/overhead" "${net[@]}" overhead --threads "$threads" --steps $((steps * 2)) --warmup 3
  if [ "$r" -lt "$epoch_rounds" ]; then
    first=pytorch; [ $((r % 2)) = 1 ] && first=net
    for side in $first $([ $first = pytorch ] && echo net || echo pytorch); do
      if [ $side = pytorch ]; then
        if line=$(epoch_seconds "${py[@]}" epoch --threads "$threads" --data "$data"); then echo "{\"label\": \"pytorch/epoch\", \"result\": $line}" >> "$raw"
        else echo '{"label": "pytorch/epoch", "failed": true}' >> "$raw"; fi
      else
        rm -rf "$epoch_dir/run"
        if line=$(epoch_seconds "${sample[@]}" --arch resnet20 --epochs 1 -b 128 --lr 0.1 --seed 0 --vs 0 --device cpu --data "$data" --out-dir "$epoch_dir/run"); then
          echo "{\"label\": \"net/epoch\", \"result\": $line}" >> "$raw"
        else echo '{"label": "net/epoch", "failed": true}' >> "$raw"; fi
      fi
    done
  fi
done

/usr/bin/python3 benchmarks/SideBySide/report.py "$raw"
