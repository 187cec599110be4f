"""PyTorch's `torch.bmm` for the `batched` benchmark (`bench/src/bin/batched.rs`).

Started by the benchmark, one process per thread count, as `python torch_bmm.py THREADS
QUIET_MS`; it answers commands on stdin, one line each, so that the benchmark can time its own
contestants and this one in alternation:

    SETUP b m k n layout   ->  OK <sum of the product>     (layout: nn, nt or tn)
    TIME calls             ->  T <seconds for the calls>
    QUIT

The operands are filled as the benchmark fills its own (small integers, so the product is
exact and the sums can be compared); `nt` passes the right operand as `.transpose(1, 2)` of a
`b x n x k` tensor and `tn` the left one as `.transpose(1, 2)` of a `b x k x m` tensor, views,
as an attention's forward and backward do. The destination is allocated once (`out=`).

After each timed block the script sleeps QUIET_MS before it answers: the OpenMP threads behind
`torch.bmm` spin for about 10 ms after a parallel region, and would otherwise take a core from
the benchmark's next measurement.
"""

import sys
import time

import torch


def fill(shape, mul, modulus):
    count = 1
    for s in shape:
        count *= s
    x = torch.arange(count, dtype=torch.int64)
    return ((x * mul) % modulus - modulus // 2).to(torch.float32).reshape(shape)


def main():
    threads = int(sys.argv[1])
    quiet = float(sys.argv[2]) / 1e3
    torch.set_num_threads(threads)
    print(f"READY {torch.__version__} {torch.get_num_threads()}", flush=True)
    call = None
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "SETUP":
            b, m, k, n = (int(w) for w in words[1:5])
            layout = words[5]
            if layout == "tn":
                lhs = fill((b, k, m), 7, 13).transpose(1, 2)
            else:
                lhs = fill((b, m, k), 7, 13)
            if layout == "nt":
                rhs = fill((b, n, k), 5, 11).transpose(1, 2)
            else:
                rhs = fill((b, k, n), 5, 11)
            out = torch.empty((b, m, n), dtype=torch.float32)

            def call(lhs=lhs, rhs=rhs, out=out):
                torch.bmm(lhs, rhs, out=out)

            for _ in range(3):
                call()
            total = out.double().sum().item()
            print(f"OK {total:.1f}", flush=True)
        elif words[0] == "TIME":
            calls = int(words[1])
            call()  # untimed, as the benchmark's blocks: wakes the threads after the quiet
            start = time.perf_counter()
            for _ in range(calls):
                call()
            seconds = time.perf_counter() - start
            time.sleep(quiet)
            print(f"T {seconds:.9e}", flush=True)
        elif words[0] == "QUIT":
            break
        else:
            print(f"ERR unknown command {words[0]}", flush=True)


if __name__ == "__main__":
    main()
