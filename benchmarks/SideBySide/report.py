"""Turns run.sh's JSON lines into the side-by-side table: per row, the median time of each side, and the ratio
Distiller.Typed / PyTorch computed round by round (both sides of a round ran back to back), as median and min-max.
    python3 report.py RESULTS.jsonl
"""
import json, math, statistics, sys
from collections import defaultdict


def median_of(result):
    seconds = result.get("seconds") or []
    values = [s for s in seconds if isinstance(s, (int, float)) and math.isfinite(s)]
    return statistics.median(values) if values else None


def main(path):
    rounds = defaultdict(list)  # label -> [result or None] in run order
    with open(path) as f:
        for line in f:
            entry = json.loads(line)
            rounds[entry["label"]].append(None if entry.get("failed") else entry["result"])

    def times(label):
        return [median_of(r) if r else None for r in rounds.get(label, [])]

    def ratio_row(name, ours, theirs, unit=1.0, fmt="{:.3f} s"):
        a, b = times(ours), times(theirs)
        def show(values):
            done = [v for v in values if v]
            if not values:
                return "not run"
            text = fmt.format(statistics.median(done) * unit) if done else "—"
            failed = len(values) - len(done)
            return text + (f" ({failed} of {len(values)} runs failed)" if failed else "")
        pairs = [(x, y) for x, y in zip(a, b) if x and y]
        if not pairs:
            return f"| {name} | {show(b)} | {show(a)} | — |"
        ratios = [x / y for x, y in pairs]
        return (f"| {name} | {show(b)} | {show(a)} | "
                f"**{statistics.median(ratios):.2f}** ({min(ratios):.2f}–{max(ratios):.2f}, n={len(ratios)}) |")

    def first(label, key):
        for r in rounds.get(label, []):
            if r and key in r:
                return r[key]
        return "?"

    print()
    print(f"PyTorch {first('pytorch/train-plain', 'version')}: ATen {first('pytorch/train-plain', 'isa')}, oneDNN "
          f"{first('pytorch/train-plain', 'onednn')}; Distiller.Typed (TorchSharp {first('net/train-plain', 'version')}): "
          f"ATen {first('net/train-plain', 'isa')}, oneDNN {first('net/train-plain', 'onednn')}, CPU-kernel guard "
          f"{first('net/train-plain', 'guard')} ({first('net/train-plain', 'cpu')}); threads {first('net/train-plain', 'threads')}")
    print()
    print("| row | PyTorch | Distiller.Typed | ratio (median, min–max) |")
    print("|---|---|---|---|")
    print(ratio_row("training step, no schedule", "net/train-plain", "pytorch/train-plain"))
    print(ratio_row("training step, AGP", "net/train-agp", "pytorch/train-agp"))
    print(ratio_row("training step, AGP + L1", "net/train-agp-l1", "pytorch/train-agp-l1"))
    print(ratio_row("AGP masks at an epoch boundary", "net/agp-masks", "pytorch/agp-masks", 1000, "{:.2f} ms"))
    print(ratio_row("evaluation, 10,000 images, batch 256", "net/eval", "pytorch/eval"))
    print(ratio_row("sample epoch, full Fashion-MNIST (process wall time)", "net/epoch", "pytorch/epoch", 1, "{:.0f} s"))
    print()
    print("Like for like (same kernel family on both sides):")
    print()
    print("| row | PyTorch, oneDNN capped at SSE4.1 | Distiller.Typed, guard (oneDNN at SSE4.1) | ratio |")
    print("|---|---|---|---|")
    print(ratio_row("training step, no schedule", "net/train-plain", "pytorch-sse41/train-plain"))
    print(ratio_row("evaluation, 10,000 images", "net/eval", "pytorch-sse41/eval"))
    print()
    print("| row | PyTorch (oneDNN on) | Distiller.Typed, guard off (libtorch's own kernels) | ratio |")
    print("|---|---|---|---|")
    print(ratio_row("training step, no schedule", "net-native/train-plain", "pytorch/train-plain"))
    print(ratio_row("evaluation, 10,000 images", "net-native/eval", "pytorch/eval"))
    print()
    peaks = []
    for side, label in (("PyTorch", "pytorch/train-agp-l1"), ("Distiller.Typed", "net/train-agp-l1"),
                        ("PyTorch", "pytorch/epoch"), ("Distiller.Typed", "net/epoch")):
        values = [r["peak_rss_mb"] for r in rounds.get(label, []) if r and "peak_rss_mb" in r]
        if values:
            peaks.append(f"{side} {label.split('/')[1]} {max(values):.0f} MB")
    if peaks:
        print("Peak resident memory (VmHWM): " + ", ".join(peaks))
        print()

    conv_runs = {label: [r["shapes"] for r in rounds.get(label, []) if r and "shapes" in r]
                 for label in ("pytorch/convs", "net/convs", "net-native/convs")}
    if any(conv_runs.values()):
        names = next(iter(v for v in conv_runs.values() if v))[0].keys()
        def cell(label, name):
            values = [statistics.median(s[name]) for s in conv_runs[label] if name in s]
            return f"{1000 * statistics.median(values):.1f} ms" if values else "—"
        print("Where the time goes: one 3x3 convolution per ResNet-20 stage, batch 128 (median over rounds):")
        print()
        print("| convolution | PyTorch | Distiller.Typed (guard) | Distiller.Typed (libtorch's own kernels) |")
        print("|---|---|---|---|")
        for name in names:
            print(f"| {name} | {cell('pytorch/convs', name)} | {cell('net/convs', name)} | {cell('net-native/convs', name)} |")
        print()

    overhead = [r for r in rounds.get("net/overhead", []) if r]
    if overhead:
        agp = [statistics.median(r["agp"]) / statistics.median(r["plain"]) - 1 for r in overhead]
        l1 = [statistics.median(r["agp_l1"]) / statistics.median(r["plain"]) - 1 for r in overhead]
        steps = sum(len(r["plain"]) for r in overhead)
        print(f"Scheduler overhead against the plain TorchSharp step, interleaved in one process ({steps} steps of each kind over "
              f"{len(overhead)} processes): AGP {100 * statistics.median(agp):+.1f} % ({100 * min(agp):+.1f} to {100 * max(agp):+.1f}), "
              f"AGP + L1 {100 * statistics.median(l1):+.1f} % ({100 * min(l1):+.1f} to {100 * max(l1):+.1f})")


if __name__ == "__main__":
    main(sys.argv[1])
