#!/usr/bin/env python3
"""Golden files from PyTorch for tests/torch_attention.rs (issue 23 item 3).

Run once, from the repository root, and commit what it writes under tests/data/torch_attention/:

    python3 -m venv .venv
    .venv/bin/pip install torch==2.15.0 numpy
    .venv/bin/python scripts/attention_golden.py

(torch 2.15.0 wrote the committed files; only its CPU code runs, so the CPU-only wheel does as
well. numpy is only there because torch warns without it.)

The tests read the committed files; neither CI nor `cargo test` needs PyTorch or Python.

What it records
---------------
Sizes: Batch = 2, Seq = 5, Heads = 2, HeadDim = 4, Model = Heads * HeadDim = 8, Hidden = 16.

1. `sdpa`: `F.scaled_dot_product_attention(q, k, v, is_causal=c)` for c in {False, True}, on
   q, k, v of shape (Batch, Heads, Seq, HeadDim); loss = sum(out * r) for a fixed random r of
   out's shape. Recorded: out, the loss, dq, dk, dv.

2. `block`: a pre-norm transformer block written out below (`Block`) exactly as shapegrad's
   `nn::TransformerBlock`:

       h = x + output(sdpa(heads(query(a)), heads(key(a)), heads(value(a))))   a = norm1(x)
       y = h + down(gelu(up(norm2(h))))

   with nn.LayerNorm(Model) (eps 1e-5), nn.Linear(Model, Model) for query, key, value and
   output, heads by `.view(B, S, H, Dh).transpose(1, 2)` and merged back by
   `.transpose(1, 2).reshape(B, S, Model)`, nn.Linear(Model, Hidden), the exact (erf) GELU and
   nn.Linear(Hidden, Model); causal and not. x is (Batch, Seq, Model), loss = sum(y * r).
   Recorded: y, the loss, dx and the gradient of every parameter.

3. `stack`: two such blocks, causal, the first with the weights of 2, the second with its own:
   y = block2(block1(x)), loss = sum(y * r). Recorded as 2, the gradients of both blocks.

Every input (q, k, v, x, r and all weights) is drawn once, in float32, and stored once, in
`inputs.f32.bin`; the float64 runs take the same values widened, which is exact. So the float64
run is the exact result, to float32's eyes, of the float32 inputs, and the float32 runs (ours and
PyTorch's) can each be measured against it. The weights are PyTorch's default initialisation
(`torch.manual_seed(SEED_BLOCKS[i])`, then the modules constructed in the order of `Block`),
except the LayerNorm gains and biases, which are made 1 + 0.1 * N(0, 1) and 0.1 * N(0, 1) so that
their gradients, and a gain other than one, are tested.

Each dtype's outputs are in `outputs.<f32|f64>.bin`. A `.bin` file is raw little-endian floats
of its dtype, the tensors one after another, each row-major in PyTorch's layout (a Linear
weight is Out x In); `manifest.json` names every tensor with its shape and its offset (in
elements) in its file.

Everything runs on one CPU thread, deterministically. On CPU, torch 2.15 computes
`scaled_dot_product_attention` and its backward with its flash-attention kernel in both dtypes
(`aten::_scaled_dot_product_flash_attention_for_cpu`); the manifest records the kernel seen.
"""

import copy
import json
import os
import platform
import re
import struct
import sys

import torch
import torch.nn.functional as F
from torch import nn

OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "torch_attention"
)

BATCH, SEQ, HEADS, HEAD_DIM, HIDDEN = 2, 5, 2, 4, 16
MODEL = HEADS * HEAD_DIM

SEED_SDPA = 23
SEED_BLOCKS = [1, 2]
SEED_X = 3

SUFFIX = {torch.float32: "f32", torch.float64: "f64"}
PACK = {torch.float32: "f", torch.float64: "d"}


class Block(nn.Module):
    """shapegrad's nn::TransformerBlock, in PyTorch: pre-norm attention, then a GELU MLP, each
    around a residual connection. Parameter names follow shapegrad's fields (`norm1.weight` is
    shapegrad's `norm1.gain`)."""

    def __init__(self, causal):
        super().__init__()
        self.causal = causal
        self.norm1 = nn.LayerNorm(MODEL)
        self.query = nn.Linear(MODEL, MODEL)
        self.key = nn.Linear(MODEL, MODEL)
        self.value = nn.Linear(MODEL, MODEL)
        self.output = nn.Linear(MODEL, MODEL)
        self.norm2 = nn.LayerNorm(MODEL)
        self.up = nn.Linear(MODEL, HIDDEN)
        self.down = nn.Linear(HIDDEN, MODEL)

    def forward(self, x):
        b, s, _ = x.shape

        def heads(t):
            return t.view(b, s, HEADS, HEAD_DIM).transpose(1, 2)

        a = self.norm1(x)
        o = F.scaled_dot_product_attention(
            heads(self.query(a)), heads(self.key(a)), heads(self.value(a)), is_causal=self.causal
        )
        h = x + self.output(o.transpose(1, 2).reshape(b, s, MODEL))
        return h + self.down(F.gelu(self.up(self.norm2(h))))


# The parameters of a block in the order they are stored (and named in the manifest).
PARAMS = [
    "norm1.weight",
    "norm1.bias",
    "query.weight",
    "query.bias",
    "key.weight",
    "key.bias",
    "value.weight",
    "value.bias",
    "output.weight",
    "output.bias",
    "norm2.weight",
    "norm2.bias",
    "up.weight",
    "up.bias",
    "down.weight",
    "down.bias",
]


def initial_block(seed):
    """A float32 block: PyTorch's default initialisation from `seed`, then non-trivial norms."""
    torch.manual_seed(seed)
    block = Block(causal=False)
    with torch.no_grad():
        for norm in (block.norm1, block.norm2):
            norm.weight.copy_(1 + 0.1 * torch.randn(MODEL))
            norm.bias.copy_(0.1 * torch.randn(MODEL))
    return block


def as_block(block, dtype, causal):
    b = copy.deepcopy(block).to(dtype)
    b.causal = causal
    return b


class Writer:
    """Tensors appended to one .bin file, each named with its shape and offset."""

    def __init__(self, file, dtype):
        self.file, self.dtype = file, dtype
        self.values, self.index = [], []

    def add(self, name, t):
        t = t.detach()
        assert t.dtype == self.dtype, (name, t.dtype)
        self.index.append({"name": name, "shape": list(t.shape), "offset": len(self.values)})
        self.values.extend(t.reshape(-1).tolist())

    def write(self):
        with open(os.path.join(OUT, self.file), "wb") as f:
            f.write(struct.pack("<%d%s" % (len(self.values), PACK[self.dtype]), *self.values))
        return {"dtype": SUFFIX[self.dtype], "elements": len(self.values), "tensors": self.index}


def sdpa_kernel():
    """The aten kernel PyTorch dispatches scaled_dot_product_attention to here, for the record."""
    q = torch.randn(BATCH, HEADS, SEQ, HEAD_DIM, requires_grad=True)
    with torch.profiler.profile() as prof:
        F.scaled_dot_product_attention(q, q, q).sum().backward()
    keys = {e.key for e in prof.key_averages()}
    return sorted(k for k in keys if "scaled_dot_product" in k and "_for_cpu" in k)


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(OUT, exist_ok=True)

    # ---- Inputs, float32, stored once.
    inputs = Writer("inputs.f32.bin", torch.float32)
    g = torch.Generator().manual_seed(SEED_SDPA)
    shape = (BATCH, HEADS, SEQ, HEAD_DIM)
    sdpa_in = {n: torch.randn(shape, generator=g) for n in ("q", "k", "v", "r")}
    for n, t in sdpa_in.items():
        inputs.add("sdpa." + n, t)

    blocks = [initial_block(s) for s in SEED_BLOCKS]
    for i, block in enumerate(blocks):
        params = dict(block.named_parameters())
        assert list(params) == PARAMS, list(params)
        for n in PARAMS:
            inputs.add("block%d.%s" % (i + 1, n), params[n])

    g = torch.Generator().manual_seed(SEED_X)
    x = torch.randn(BATCH, SEQ, MODEL, generator=g)
    r = torch.randn(BATCH, SEQ, MODEL, generator=g)
    inputs.add("x", x)
    inputs.add("r", r)

    files = {"inputs.f32.bin": inputs.write()}
    summary = []

    for dtype in (torch.float32, torch.float64):
        out = Writer("outputs.%s.bin" % SUFFIX[dtype], dtype)

        # ---- 1. scaled_dot_product_attention alone.
        for causal in (False, True):
            case = "sdpa.%s." % ("causal" if causal else "noncausal")
            q, k, v = (sdpa_in[n].to(dtype, copy=True).requires_grad_() for n in ("q", "k", "v"))
            o = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
            loss = (o * sdpa_in["r"].to(dtype)).sum()
            loss.backward()
            out.add(case + "out", o)
            out.add(case + "loss", loss.reshape(1))
            for n, t in (("dq", q), ("dk", k), ("dv", v)):
                out.add(case + n, t.grad)
            summary.append("%s %s loss %.6f" % (case[:-1], SUFFIX[dtype], loss.item()))

        # ---- 2. one block, and 3. two blocks, causal.
        runs = [
            ("block.noncausal.", [False]),
            ("block.causal.", [True]),
            ("stack.causal.", [True, True]),
        ]
        for case, causals in runs:
            model = [as_block(blocks[i], dtype, c) for i, c in enumerate(causals)]
            xv = x.to(dtype, copy=True).requires_grad_()
            y = xv
            for b in model:
                y = b(y)
            loss = (y * r.to(dtype)).sum()
            loss.backward()
            out.add(case + "y", y)
            out.add(case + "loss", loss.reshape(1))
            out.add(case + "dx", xv.grad)
            for i, b in enumerate(model):
                params = dict(b.named_parameters())
                for n in PARAMS:
                    prefix = "grad." if len(model) == 1 else "grad.block%d." % (i + 1)
                    out.add(case + prefix + n, params[n].grad)
            summary.append("%s %s loss %.6f" % (case[:-1], SUFFIX[dtype], loss.item()))

        files[out.file] = out.write()

    manifest = {
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "written_by": "scripts/attention_golden.py",
        "dims": {
            "batch": BATCH,
            "seq": SEQ,
            "heads": HEADS,
            "head_dim": HEAD_DIM,
            "model": MODEL,
            "hidden": HIDDEN,
        },
        "layer_norm_eps": 1e-5,
        "seeds": {"sdpa": SEED_SDPA, "blocks": SEED_BLOCKS, "x": SEED_X},
        "sdpa_cpu_kernel": sdpa_kernel(),
        "files": files,
    }
    text = json.dumps(manifest, indent=1)
    # One line per tensor, not one per number of its shape.
    text = re.sub(
        r'\{\s*"name": ("[^"]*"),\s*"shape": \[([^\]]*)\],\s*"offset": (\d+)\s*\}',
        lambda m: '{"name": %s, "shape": [%s], "offset": %s}'
        % (m.group(1), ", ".join(d.strip() for d in m.group(2).split(",")), m.group(3)),
        text,
    )
    assert json.loads(text) == manifest
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        f.write(text + "\n")
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
