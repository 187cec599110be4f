"""PyTorch's side of `cargo run --release -p shapegrad-bench --bin attention`.

The same causal transformer language model as the Rust binary's, written as PyTorch's
documentation writes one: an `nn.Module` of `nn.Linear`, `nn.LayerNorm`,
`F.scaled_dot_product_attention(is_causal=True)`, `F.gelu` and `F.cross_entropy`, trained with
`torch.optim.SGD` (momentum 0.9) or `torch.optim.AdamW` (its default implementation, `foreach` on
CPU), `zero_grad(set_to_none=True)`, eager, on the CPU, f32.

The binary starts this script once and talks to it one line at a time on stdin/stdout:

    ready <torch version>          printed at start (or `error <reason>` if torch cannot load)
    setup <prefix> <SGD|AdamW> <threads> <warmup>
                                   builds the model from the binary's files <prefix>.meta,
                                   <prefix>.params and <prefix>.tokens, sets the thread count,
                                   runs two steps, then <warmup> more; answers
                                   `losses <step 1> <step 2>`
    run <warmup> <steps>           <warmup> untimed steps, then <steps> timed ones; answers
                                   `ms <t1> ... <tn>` (milliseconds of each step)
    quit

The files (little-endian): <prefix>.meta holds the dims `B S Model Heads HeadDim Hidden Vocab
Blocks` on its first line, then `rows cols` of every parameter in shapegrad's visit order and
layout (a Linear's weight is In x Out, the transpose of nn.Linear.weight; norms' gain and bias
are 1 x Model); <prefix>.params their f32 elements, row-major, one after another; <prefix>.tokens
the B*S input tokens then the B*S labels, u32. The model below registers its parameters in that
same order, so they are read in `model.parameters()` order.
"""

import sys
import time


def main():
    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except Exception as e:  # noqa: BLE001 - any failure means: no PyTorch here
        print(f"error import torch failed: {e!r}", flush=True)
        return

    class Block(nn.Module):
        """Pre-norm: h = x + attention(norm1(x)); y = h + down(gelu(up(norm2(h))))."""

        def __init__(self, model, heads, hidden):
            super().__init__()
            self.heads = heads
            self.norm1 = nn.LayerNorm(model)
            self.query = nn.Linear(model, model)
            self.key = nn.Linear(model, model)
            self.value = nn.Linear(model, model)
            self.output = nn.Linear(model, model)
            self.norm2 = nn.LayerNorm(model)
            self.up = nn.Linear(model, hidden)
            self.down = nn.Linear(hidden, model)

        def forward(self, x):
            b, s, m = x.shape
            a = self.norm1(x)

            def split(t):
                return t.view(b, s, self.heads, m // self.heads).transpose(1, 2)

            q, k, v = split(self.query(a)), split(self.key(a)), split(self.value(a))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            h = x + self.output(y.transpose(1, 2).reshape(b, s, m))
            return h + self.down(F.gelu(self.up(self.norm2(h))))

    class Lm(nn.Module):
        def __init__(self, vocab, model, heads, hidden, blocks):
            super().__init__()
            self.embed = nn.Linear(vocab, model)
            self.blocks = nn.ModuleList(Block(model, heads, hidden) for _ in range(blocks))
            self.norm = nn.LayerNorm(model)
            self.head = nn.Linear(model, vocab)

        def forward(self, one_hot):
            h = self.embed(one_hot)
            for block in self.blocks:
                h = block(h)
            return self.head(self.norm(h))

    def load(prefix):
        with open(prefix + ".meta") as f:
            lines = f.read().split("\n")
        b, s, model, heads, head_dim, hidden, vocab, blocks = map(int, lines[0].split())
        assert model == heads * head_dim
        shapes = [tuple(map(int, line.split())) for line in lines[1:] if line.strip()]
        lm = Lm(vocab, model, heads, hidden, blocks)
        params = list(lm.parameters())
        assert len(params) == len(shapes), (len(params), len(shapes))
        with open(prefix + ".params", "rb") as f:
            flat = torch.frombuffer(bytearray(f.read()), dtype=torch.float32)
        offset = 0
        with torch.no_grad():
            for p, (rows, cols) in zip(params, shapes):
                n = rows * cols
                values = flat[offset : offset + n].view(rows, cols)
                offset += n
                if p.dim() == 2:  # nn.Linear.weight, Out x In: shapegrad's transposed
                    assert p.shape == (cols, rows), (p.shape, rows, cols)
                    p.copy_(values.t())
                else:  # a bias, gain or norm bias: shapegrad's 1 x n row
                    assert rows == 1 and p.shape == (cols,), (p.shape, rows, cols)
                    p.copy_(values[0])
        assert offset == flat.numel()
        with open(prefix + ".tokens", "rb") as f:
            ints = torch.frombuffer(bytearray(f.read()), dtype=torch.int32).long()
        assert ints.numel() == 2 * b * s
        x = F.one_hot(ints[: b * s].view(b, s), vocab).float()
        labels = ints[b * s :].clone()
        return lm, x, labels, vocab

    state = {}

    def step():
        lm, x, labels, vocab, opt = state["run"]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(lm(x).view(-1, vocab), labels)
        loss.backward()
        opt.step()
        return loss

    print(f"ready {torch.__version__}", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        if words[0] == "setup":
            prefix, opt_name, threads, warmup = words[1], words[2], int(words[3]), int(words[4])
            torch.set_num_threads(threads)
            torch.manual_seed(0)
            lm, x, labels, vocab = load(prefix)
            if opt_name == "SGD":
                opt = torch.optim.SGD(lm.parameters(), lr=0.01, momentum=0.9)
            elif opt_name == "AdamW":
                opt = torch.optim.AdamW(lm.parameters(), lr=1e-3, weight_decay=1e-2)
            else:
                print(f"error unknown optimizer {opt_name}", flush=True)
                continue
            state["run"] = (lm, x, labels, vocab, opt)
            l1 = step().item()
            l2 = step().item()
            for _ in range(warmup):
                step()
            print(f"losses {l1!r} {l2!r}", flush=True)
        elif words[0] == "run":
            warmup, steps = int(words[1]), int(words[2])
            for _ in range(warmup):
                step()
            times = []
            for _ in range(steps):
                t = time.perf_counter()
                step()
                times.append((time.perf_counter() - t) * 1e3)
            print("ms " + " ".join(f"{t:.6f}" for t in times), flush=True)
        else:
            print(f"error unknown request {line.strip()}", flush=True)


if __name__ == "__main__":
    main()
