"""The PyTorch side of the side-by-side benchmark: the same ResNet-20 workloads in plain PyTorch (no Distiller code).

One row per process; prints one JSON line. Run by run.sh, interleaved with the Distiller.Typed side:
    python3 pytorch_side.py ROW [--steps N] [--warmup N] [--onednn on|off]
Rows: train-plain, train-agp, train-agp-l1, agp-masks, eval, convs, epoch.
The schedules are read from the same YAML files the .NET side loads; AGP and L1 are written out here (Zhu & Gupta's
formula, Distiller's mask application points) so that the PyTorch side is only PyTorch.
"""
import argparse, gzip, json, os, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + (x if self.downsample is None else self.downsample(x)))


class ResNet20(nn.Module):
    """samples/ResNetPrune's ResNet20: Distiller's resnet20_cifar with one input channel and adaptive pooling."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU()
        planes = [16, 32, 64]
        inplanes = 16
        for i, p in enumerate(planes):
            blocks = [BasicBlock(inplanes if b == 0 else p, p, (1 if i == 0 else 2) if b == 0 else 1) for b in range(3)]
            setattr(self, f"layer{i + 1}", nn.Sequential(*blocks))
            inplanes = p
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, 10)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                m.weight.data.normal_(0, (2.0 / n) ** 0.5)
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.data.fill_(1)
                m.bias.data.zero_()

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(self.avgpool(x).flatten(1))


def load_yaml(name):
    with open(os.path.join(HERE, name) if os.path.exists(os.path.join(HERE, name)) else os.path.join(ROOT, "schedules", name)) as f:
        return yaml.safe_load(f)


class Agp:
    """AutomatedGradualPruner + PruningPolicy: masks at the epoch's start, applied before the forward pass and after the step."""

    def __init__(self, model, schedule):
        pruner = next(iter(schedule["pruners"].values()))
        policy = next(p for p in schedule["policies"] if "pruner" in p)
        self.initial, self.final = pruner["initial_sparsity"], pruner["final_sparsity"]
        self.start, self.end, self.freq = policy["starting_epoch"], policy["ending_epoch"], policy["frequency"]
        params = dict(model.named_parameters())
        self.weights = [params[n] for n in pruner["weights"]]
        self.masks = [None] * len(self.weights)

    def on_epoch_begin(self, epoch):
        span = ((self.end - self.start - 1) // self.freq) * self.freq
        target = self.final + (self.initial - self.final) * (1.0 - (epoch - self.start) / span) ** 3
        with torch.no_grad():
            for i, w in enumerate(self.weights):
                k = int(target * w.numel())
                magnitudes = w.abs().view(-1)
                threshold = magnitudes.kthvalue(k).values if k > 0 else magnitudes.new_tensor(-1.0)
                self.masks[i] = magnitudes.gt(threshold).to(w.dtype).view_as(w)

    def apply(self):
        with torch.no_grad():
            for w, m in zip(self.weights, self.masks):
                w.mul_(m)


class L1:
    def __init__(self, model, schedule):
        regularizer = next(iter(schedule["regularizers"].values()))
        params = dict(model.named_parameters())
        self.terms = [(params[n], s) for n, s in regularizer["reg_regims"].items()]

    def loss(self, loss):
        return loss + sum(s * w.abs().sum() for w, s in self.terms)


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def step_times(model, optimizer, x, y, steps, warmup, agp=None, l1=None):
    model.train()
    times = []
    for i in range(warmup + steps):
        start = time.perf_counter()
        if agp:
            agp.apply()
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        if l1:
            loss = l1.loss(loss)
        loss.backward()
        optimizer.step()
        if agp:
            agp.apply()
        value = loss.item()
        if i >= warmup:
            times.append(time.perf_counter() - start)
        if value != value:
            sys.exit("non-finite loss")
    return times


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def epoch(folder, batch):
    """One epoch over the full training set (data loading, normalisation and shuffling included), then the test set
    twice, as the sample's --vs 0 epoch does (Distiller's validate with the test set as validation, then test)."""
    def load(prefix):
        images = torch.from_numpy(read_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz")).copy()).float().div_(255)
        labels = torch.from_numpy(read_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte.gz")).astype(np.int64))
        return images.sub_(0.2860).div_(0.3530).unsqueeze(1), labels
    model = ResNet20()
    optimizer = torch.optim.SGD(model.parameters(), 0.1, momentum=0.9, weight_decay=1e-4)
    train_x, train_y = load("train")
    test_x, test_y = load("t10k")
    model.train()
    order = torch.randperm(len(train_y))
    for i in range(0, len(order), batch):
        idx = order[i:i + batch]
        optimizer.zero_grad()
        loss = F.cross_entropy(model(train_x[idx]), train_y[idx])
        loss.backward()
        optimizer.step()
        if loss.item() != loss.item():
            sys.exit("non-finite loss")
    model.eval()
    for _ in range(2):
        correct = 0
        with torch.no_grad():
            for i in range(0, len(test_y), batch):
                correct += (model(test_x[i:i + batch]).argmax(1) == test_y[i:i + batch]).sum().item()
    return 100.0 * correct / len(test_y)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("row")
    parser.add_argument("--steps", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--onednn", choices=["on", "off"], default="on")
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.backends.mkldnn.enabled = args.onednn == "on"
    torch.manual_seed(0)
    isa = next((l.split(":")[1].strip() for l in torch.__config__.show().splitlines() if "CPU capability usage" in l), "?")
    result = {"side": "pytorch", "row": args.row, "version": torch.__version__, "isa": isa,
              "onednn": args.onednn, "threads": torch.get_num_threads()}
    x, y = torch.randn(128, 1, 28, 28), torch.randint(0, 10, (128,))
    model = ResNet20()
    optimizer = torch.optim.SGD(model.parameters(), 0.1, momentum=0.9, weight_decay=1e-4)
    if args.row == "train-plain":
        result["seconds"] = step_times(model, optimizer, x, y, args.steps, args.warmup)
    elif args.row in ("train-agp", "train-agp-l1"):
        schedule = load_yaml("resnet20.schedule_agp.yaml" if args.row == "train-agp" else "resnet20.agp_l1.yaml")
        agp = Agp(model, schedule)
        agp.on_epoch_begin(2)
        l1 = L1(model, schedule) if args.row == "train-agp-l1" else None
        result["seconds"] = step_times(model, optimizer, x, y, args.steps, args.warmup, agp, l1)
    elif args.row == "agp-masks":
        agp = Agp(model, load_yaml("resnet20.schedule_agp.yaml"))
        times = []
        for i in range(args.warmup + args.steps):
            start = time.perf_counter()
            agp.on_epoch_begin(2)
            if i >= args.warmup:
                times.append(time.perf_counter() - start)
        result["seconds"] = times
    elif args.row == "eval":
        images = torch.randn(10000, 1, 28, 28)
        model.eval()
        times = []
        with torch.no_grad():
            for i in range(1 + max(1, args.steps // 5)):
                start = time.perf_counter()
                correct = 0
                for b in range(0, 10000, 256):
                    correct += model(images[b:b + 256]).argmax(1).eq(0).sum().item()
                if i >= 1:
                    times.append(time.perf_counter() - start)
        result["seconds"] = times
    elif args.row == "convs":
        # Where a step's time goes: one 3x3 convolution of each ResNet-20 stage, forward + backward and forward alone.
        shapes = {}
        for c, h in ((16, 28), (32, 14), (64, 7)):
            x = torch.randn(128, c, h, h, requires_grad=True)
            w = torch.randn(c, c, 3, 3, requires_grad=True)
            def both():
                F.conv2d(x, w, padding=1).sum().backward()
            def forward():
                with torch.no_grad():
                    F.conv2d(x, w, padding=1)
            for name, f in ((f"{c}x{h} fwd+bwd", both), (f"{c}x{h} fwd", forward)):
                times = []
                for i in range(args.warmup + args.steps):
                    start = time.perf_counter()
                    f()
                    if i >= args.warmup:
                        times.append(time.perf_counter() - start)
                shapes[name] = times
        result["shapes"] = shapes
        result["seconds"] = shapes["16x28 fwd+bwd"]
    elif args.row == "epoch":
        start = time.perf_counter()
        result["top1"] = epoch(args.data, 128)
        result["seconds"] = [time.perf_counter() - start]
    else:
        sys.exit(f"unknown row '{args.row}': one of train-plain, train-agp, train-agp-l1, agp-masks, eval, convs, epoch")
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
