"""The `digits` example (`examples/digits.rs`) in PyTorch, for issue #25 item 4: shapegrad should
train it at least 3x faster than PyTorch on one core.

The same model and training as the example: a 64 -> 128 (ReLU) -> 10 MLP (`nn.Linear` layers,
PyTorch's default initialisation, which `Linear::new` copies), softmax cross-entropy
(`F.cross_entropy`), `torch.optim.Adam(lr=3e-3)` with its defaults (betas (0.9, 0.999), eps
1e-8), 30 epochs, batches of 32 (the last one of each epoch shorter: 1,437 = 44 x 32 + 29), one
thread (`torch.set_num_threads(1)`, `torch.set_num_interop_threads(1)`). The pixels are scaled to
[0, 1] as the example scales them, and the split is a seeded 80/20 one (1,437 training images,
360 test images), reshuffled each epoch. Like the example, each epoch gathers each batch from
the training set, takes a step, reads the batch's loss back as a number, and then evaluates the
whole training and test sets (without a graph) for its line.

Not the same: the random numbers. The split, the per-epoch shuffles and the initial weights come
from `torch.Generator`s seeded from the example's seed (2024), not from shapegrad's
`Batches::shuffled` and Xoshiro256++, so the images in each split, the order of the batches and
the losses differ from the example's; only the sizes, the schedule and the work per epoch are the
same.

Usage:

    python bench/digits_torch.py                  # train once, print the lines and the times
    python bench/digits_torch.py --compare [N]    # N (default 5) alternating runs of both
        [--binary target/release/examples/digits] # default: `cargo run --release --example
                                                  # digits` once (build, warm-up), then the binary

Times printed (the example prints milliseconds per epoch to 0.01 ms and "x.xx s in all", so each
number here is paired with the one of the example's that covers the same work):

    train    the training steps only: gathering the batches, forward, backward, Adam, reading the
             loss; excludes the per-epoch evaluation. The example prints no such number.
    epochs   the sum of the per-epoch times, each from the start of the epoch to the end of its
             evaluation of the training and test accuracy (the example's `time` column; this
             script sums the example's values).
    in all   from the start of loading the data (after the imports) to the end of the last
             epoch: loading, splitting, building the model, the epochs (the example's "s in all",
             printed to 10 ms). In PyTorch this includes about a second for the first
             `torch.optim.Adam(...)`, which imports much of torch.optim's machinery; the script
             prints loading and setup (split, model, Adam) separately.
    wall     the whole process, from the interpreter's start (imports included) to the end; in
             `--compare` mode, the wall time of each process as this script sees it, for both.
"""

import time

WALL_START = time.perf_counter()

import argparse  # noqa: E402
import csv  # noqa: E402
import gzip  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data", "digits.csv.gz")
SEED = 2024
EPOCHS = 30
BATCH = 32
LEARNING_RATE = 3e-3
PIXELS, HIDDEN, CLASSES = 64, 128, 10


def load(torch):
    """The images scaled to [0, 1], one per row, and their labels, with gzip and csv."""
    pixels, labels = [], []
    with gzip.open(DATA, "rt", newline="") as f:
        for n, row in enumerate(csv.reader(f)):
            if len(row) != PIXELS + 1:
                raise ValueError(f"{DATA}, line {n + 1}: {len(row)} fields, expected {PIXELS + 1}")
            pixels.append([float(v) / 16.0 for v in row[:PIXELS]])
            labels.append(int(row[PIXELS]))
    return torch.tensor(pixels, dtype=torch.float32), torch.tensor(labels, dtype=torch.int64)


def train(emit_json):
    import torch
    import torch.nn.functional as F
    from torch import nn

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)

    start = time.perf_counter()
    x, labels = load(torch)
    load_s = time.perf_counter() - start
    n = len(labels)
    split = torch.Generator().manual_seed(SEED)
    order = torch.randperm(n, generator=split)
    n_train = n * 4 // 5
    train_idx, test_idx = order[:n_train], order[n_train:]
    x_train, y_train = x[train_idx].contiguous(), labels[train_idx].contiguous()
    x_test, y_test = x[test_idx].contiguous(), labels[test_idx].contiguous()
    print(
        f"digits (PyTorch {torch.__version__}): {n} images of {PIXELS} pixels, {n_train} for "
        f"training and {n - n_train} for testing; {PIXELS}-{HIDDEN}-{CLASSES} MLP, Adam, batches "
        f"of {BATCH}, {torch.get_num_threads()} thread(s)"
    )

    torch.manual_seed(SEED)
    model = nn.Sequential(nn.Linear(PIXELS, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, CLASSES))
    adam = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    shuffle = torch.Generator()
    setup_s = time.perf_counter() - start - load_s  # split, model, Adam (its first construction
    # imports much of torch.optim's machinery: about a second here)

    def accuracy(xs, ys):
        with torch.no_grad():
            return (model(xs).argmax(dim=1) == ys).double().mean().item()

    print("epoch   loss     train acc   test acc   time")
    train_s = epochs_s = 0.0
    test_accuracy = 0.0
    for epoch in range(EPOCHS):
        epoch_start = time.perf_counter()
        shuffle.manual_seed(SEED * 1000 + epoch + 1)
        perm = torch.randperm(n_train, generator=shuffle)
        loss_sum, rows = 0.0, 0
        for b in range(0, n_train, BATCH):
            idx = perm[b : b + BATCH]
            xb, yb = x_train[idx], y_train[idx]
            loss = F.cross_entropy(model(xb), yb)
            adam.zero_grad()
            loss.backward()
            adam.step()
            loss_sum += loss.item() * len(idx)
            rows += len(idx)
        train_end = time.perf_counter()
        train_accuracy = accuracy(x_train, y_train)
        test_accuracy = accuracy(x_test, y_test)
        epoch_end = time.perf_counter()
        train_s += train_end - epoch_start
        epochs_s += epoch_end - epoch_start
        print(
            f"{epoch + 1:>5}   {loss_sum / rows:.4f}   {100 * train_accuracy:>8.2f} %  "
            f"{100 * test_accuracy:>7.2f} %   {1e3 * (epoch_end - epoch_start):.1f} ms"
            f" (train {1e3 * (train_end - epoch_start):.1f} ms)"
        )
    in_all_s = time.perf_counter() - start
    wall_s = time.perf_counter() - WALL_START
    print(f"final test accuracy {100 * test_accuracy:.2f} %")
    print(
        f"times: train {train_s:.4f} s, epochs {epochs_s:.4f} s, in all {in_all_s:.4f} s "
        f"(of which loading {load_s:.4f} s, split + model + Adam {setup_s:.4f} s), "
        f"wall {wall_s:.4f} s"
    )
    if emit_json:
        print("JSON " + json.dumps({
            "train": train_s, "epochs": epochs_s, "in_all": in_all_s, "wall": wall_s,
            "test_accuracy": test_accuracy, "load": load_s, "setup": setup_s,
        }))


EPOCH_LINE = re.compile(r"^\s*\d+\s+[\d.]+\s+[\d.]+ %\s+[\d.]+ %\s+([\d.]+) ms\s*$")
CHECK_LINE = re.compile(r"digits check: (\w+) \(test accuracy ([\d.]+) %.*; ([\d.]+) s in all\)")


def run_shapegrad(binary):
    start = time.perf_counter()
    out = subprocess.run([binary], capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    epoch_ms = [float(m.group(1)) for m in map(EPOCH_LINE.match, out.stdout.splitlines()) if m]
    check = CHECK_LINE.search(out.stdout)
    if len(epoch_ms) != EPOCHS or not check:
        raise RuntimeError(f"unexpected output from {binary}:\n{out.stdout}\n{out.stderr}")
    return {
        "epochs": sum(epoch_ms) / 1e3, "in_all": float(check.group(3)), "wall": wall,
        "test_accuracy": float(check.group(2)) / 100, "check": check.group(1),
    }


def run_torch():
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--json"], capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    lines = [line for line in out.stdout.splitlines() if line.startswith("JSON ")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"PyTorch run failed:\n{out.stdout}\n{out.stderr}")
    result = json.loads(lines[-1][5:])
    result["wall"] = wall
    return result


def compare(repeats, binary):
    if binary is None:
        print("cargo run --release --example digits (build, and a warm-up run not counted)")
        warm = subprocess.run(
            ["cargo", "run", "--release", "--example", "digits"], cwd=ROOT, capture_output=True,
            text=True,
        )
        if warm.returncode != 0:
            raise RuntimeError(f"cargo run failed:\n{warm.stdout}\n{warm.stderr}")
        binary = os.path.join(ROOT, "target", "release", "examples", "digits")
    run_torch()  # warm-up of the interpreter and the file cache, not counted
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    sg, pt = [], []
    for i in range(repeats):
        sg.append(run_shapegrad(binary))
        pt.append(run_torch())
        print(
            f"run {i + 1}: shapegrad epochs {sg[-1]['epochs']:.3f} s, in all "
            f"{sg[-1]['in_all']:.2f} s, wall {sg[-1]['wall']:.3f} s, test {100 * sg[-1]['test_accuracy']:.2f} %"
            f" | PyTorch train {pt[-1]['train']:.3f} s, epochs {pt[-1]['epochs']:.3f} s, in all "
            f"{pt[-1]['in_all']:.3f} s, wall {pt[-1]['wall']:.3f} s, test "
            f"{100 * pt[-1]['test_accuracy']:.2f} %",
            flush=True,
        )
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    def accuracies(runs):
        return ", ".join("%.2f" % (100 * r["test_accuracy"]) for r in runs)

    med = lambda runs, key: statistics.median(r[key] for r in runs)  # noqa: E731
    print(f"\nmedians of {repeats} alternating runs (PyTorch / shapegrad):")
    for key, what in [
        ("epochs", "sum of per-epoch times (training + per-epoch evaluation)"),
        ("in_all", "load + split + init + epochs"),
        ("wall", "whole process, as seen from here"),
    ]:
        s, p = med(sg, key), med(pt, key)
        ratios = statistics.median(q[key] / r[key] for q, r in zip(pt, sg))
        print(
            f"  {key:<7} shapegrad {1e3 * s:8.1f} ms   PyTorch {1e3 * p:8.1f} ms   ratio of "
            f"medians {p / s:5.2f}x   median of paired ratios {ratios:5.2f}x   ({what})"
        )
    print(
        f"  PyTorch alone: training steps only (no evaluation) {1e3 * med(pt, 'train'):.1f} ms; "
        f"loading {1e3 * med(pt, 'load'):.1f} ms; split + model + Adam {1e3 * med(pt, 'setup'):.1f} ms"
    )
    print(
        f"  final test accuracy: shapegrad median {100 * med(sg, 'test_accuracy'):.2f} % "
        f"({accuracies(sg)}), PyTorch median {100 * med(pt, 'test_accuracy'):.2f} % "
        f"({accuracies(pt)})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compare", nargs="?", type=int, const=5, metavar="N",
                        help="N alternating runs of shapegrad's example and this (default 5)")
    parser.add_argument("--binary", help="the built example (target/release/examples/digits)")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compare:
        compare(args.compare, args.binary)
    else:
        train(args.json)


if __name__ == "__main__":
    main()
