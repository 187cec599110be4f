"""Writes the golden files of shapegrad's `safetensors` feature (tests/interop_safetensors.rs):

- tests/data/torch_small.safetensors: tensors made by PyTorch from a fixed seed and saved with
  safetensors' PyTorch API, the way a model's weights are saved;
- tests/data/torch_small.json: what the Rust test expects to read from it, so that it needs no
  PyTorch: each tensor's dtype, shape and elements, as numbers (`tolist()`, which prints every
  digit; only where all are finite, since JSON has no NaN or infinity) and as bit patterns
  (unsigned integers, exact for every value), plus the elements converted by PyTorch to float32
  and float64, which the test holds `Tensors::matrix_converted` to; and, under `forward`, an
  input `x` (2×4) and PyTorch's output `fc(x)`, as bit patterns, which the test computes again
  from the weights it read.

Run from the repository root, with PyTorch and safetensors installed (`pip install torch
safetensors`; written with torch 2.15.0 and safetensors 0.8.0):

    python scripts/safetensors_golden.py

The output is the same on every run: the seeds fix the values, and safetensors writes its header
in a fixed order (the metadata has one key for that reason).
"""

import json
import pathlib

import torch
from safetensors.torch import save_file

OUT = pathlib.Path("tests/data")

# The integer view of each float dtype, for its bit patterns, and the mask making them unsigned.
BITS = {
    torch.float16: (torch.int16, 0xFFFF),
    torch.bfloat16: (torch.int16, 0xFFFF),
    torch.float32: (torch.int32, 0xFFFF_FFFF),
    torch.float64: (torch.int64, 0xFFFF_FFFF_FFFF_FFFF),
}
# safetensors' names for the dtypes used here.
NAMES = {
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.float32: "F32",
    torch.float64: "F64",
    torch.int64: "I64",
}


def bits(t):
    """The elements' bit patterns, row-major, as unsigned integers."""
    view, mask = BITS[t.dtype]
    return [b & mask for b in t.contiguous().view(view).flatten().tolist()]


def model():
    """The layer whose weights are saved: float32, weight out×in = 3×4, bias 1-D of 3."""
    torch.manual_seed(22)
    return torch.nn.Linear(4, 3)


def tensors(fc):
    """The tensors saved, by name. Small: the file stays under a kilobyte."""
    torch.manual_seed(23)
    special = [-0.0, float("inf"), float("-inf"), float("nan"), 1e-45, 3.4028234663852886e38]
    return {
        "fc.weight": fc.weight.detach().clone(),
        "fc.bias": fc.bias.detach().clone(),
        "double": torch.randn(2, 5, dtype=torch.float64),
        # -0.0, ±infinity, NaN, the smallest subnormal and the largest finite float32.
        "special": torch.tensor([special], dtype=torch.float32),
        "scalar": torch.tensor(2.5, dtype=torch.float32),  # 0-D
        "half": torch.randn(2, 3).to(torch.float16),
        "bfloat": torch.randn(2, 3).to(torch.bfloat16),
        "ids": torch.tensor([[3, -1], [7, 2**40]], dtype=torch.int64),
        "cube": torch.arange(4, dtype=torch.float32).reshape(2, 1, 2),  # 3-D
    }


def expected(t):
    """What the Rust test expects of one tensor."""
    e = {"dtype": NAMES[t.dtype], "shape": list(t.shape)}
    if t.dtype in BITS:
        e["bits"] = bits(t)
        e["f32_bits"] = bits(t.to(torch.float32))
        e["f64_bits"] = bits(t.to(torch.float64))
        if bool(torch.isfinite(t).all()):
            e["values"] = t.to(torch.float64).flatten().tolist()
    else:
        e["values"] = t.flatten().tolist()
    return e


def main():
    fc = model()
    ts = tensors(fc)
    torch.manual_seed(24)
    x = torch.randn(2, 4)
    with torch.no_grad():
        y = fc(x)
    # One key: safetensors writes the metadata in hash order, so with two the bytes would vary.
    metadata = {"format": "pt"}
    OUT.mkdir(parents=True, exist_ok=True)
    save_file(ts, OUT / "torch_small.safetensors", metadata=metadata)
    # One tensor a line; allow_nan=False, since the file must be JSON that serde_json reads.
    lines = [
        f"  {json.dumps(name)}: {json.dumps(expected(t), allow_nan=False)}"
        for name, t in sorted(ts.items())
    ]
    meta = json.dumps(metadata, allow_nan=False)
    forward = json.dumps({"x_bits": bits(x), "y_bits": bits(y)})
    text = (
        f'{{\n "metadata": {meta},\n "forward": {forward},\n "tensors": {{\n'
        + ",\n".join(lines)
        + "\n }\n}\n"
    )
    json.loads(text)  # well-formed
    (OUT / "torch_small.json").write_text(text)
    print(f"wrote {OUT / 'torch_small.safetensors'} and {OUT / 'torch_small.json'}")


if __name__ == "__main__":
    main()
