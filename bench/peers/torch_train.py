"""PyTorch's contestant in `train-peers`: one training step in eager mode, as its tutorials write it.

The Rust binary starts this script once per thread count and drives it over stdin/stdout, so
that its rounds alternate with the Rust contestants' and it sits idle while they run:

    ready <torch version> <threads>          (printed at start)
    setup <W> <SGD|AdamW> <file> <batch> <widths, comma-separated> <batches>
    ok
    run <steps>
    ms <ms of each step ...>
    loss <loss of each step ...>

The file holds the initial weights and the batches the Rust contestants use (see
`write_torch_file` in src/data.rs).
"""

import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

SGD_LR, SGD_MOMENTUM = 0.01, 0.9
ADAMW_LR, ADAMW_WEIGHT_DECAY = 1e-3, 1e-2


def load(path, batch, widths, batches):
    """The model with the file's weights, and the batches as tensors."""
    raw = open(path, "rb").read()
    floats = 0
    layers = []
    for fan_in, fan_out in zip(widths, widths[1:]):
        floats += fan_out * fan_in + fan_out
        layers.append((fan_in, fan_out))
    floats += batches * batch * widths[0]
    f = torch.frombuffer(bytearray(raw[: 4 * floats]), dtype=torch.float32)
    labels = torch.frombuffer(bytearray(raw[4 * floats :]), dtype=torch.int64)
    assert labels.numel() == batches * batch, "file size"

    modules = []
    at = 0
    for k, (fan_in, fan_out) in enumerate(layers):
        lin = nn.Linear(fan_in, fan_out)
        with torch.no_grad():
            lin.weight.copy_(f[at : at + fan_out * fan_in].view(fan_out, fan_in))
            at += fan_out * fan_in
            lin.bias.copy_(f[at : at + fan_out])
            at += fan_out
        modules.append(lin)
        if k + 1 < len(layers):
            modules.append(nn.ReLU())
    model = nn.Sequential(*modules)

    xs, ys = [], []
    for b in range(batches):
        n = batch * widths[0]
        xs.append(f[at : at + n].view(batch, widths[0]).clone())
        at += n
        ys.append(labels[b * batch : (b + 1) * batch].clone())
    return model, list(zip(xs, ys))


def main():
    threads = int(sys.argv[1])
    torch.set_num_threads(threads)
    print("ready", torch.__version__, torch.get_num_threads(), flush=True)
    model = opt = data = None
    step = 0
    for line in sys.stdin:
        cmd = line.split()
        if not cmd:
            continue
        if cmd[0] == "setup":
            _, _, optimizer, path, batch, widths, batches = cmd
            widths = [int(w) for w in widths.split(",")]
            model, data = load(path, int(batch), widths, int(batches))
            if optimizer == "SGD":
                opt = torch.optim.SGD(model.parameters(), lr=SGD_LR, momentum=SGD_MOMENTUM)
            else:
                opt = torch.optim.AdamW(
                    model.parameters(), lr=ADAMW_LR, weight_decay=ADAMW_WEIGHT_DECAY
                )
            step = 0
            print("ok", flush=True)
        elif cmd[0] == "run":
            ms, losses = [], []
            for _ in range(int(cmd[1])):
                x, y = data[step % len(data)]
                step += 1
                t = time.perf_counter()
                opt.zero_grad(set_to_none=True)
                loss = F.cross_entropy(model(x), y)
                loss.backward()
                opt.step()
                value = loss.item()
                ms.append((time.perf_counter() - t) * 1e3)
                losses.append(value)
            print("ms", " ".join(f"{v:.6f}" for v in ms))
            print("loss", " ".join(repr(v) for v in losses), flush=True)
        elif cmd[0] == "quit":
            break


if __name__ == "__main__":
    main()
