#!/usr/bin/env python3
"""The authors' training step in PyTorch, timed: the loop of ../shared/reference/torch_ref.py
(their training/train_model.py) exactly as it trains - the same model (embedding, 2d -> 100 -> 100
-> p, SiLU), the full batch of train pairs, the test pairs' forward under no_grad, AdamW (lr 0.01,
weight decay on every parameter, foreach=False), CrossEntropyLoss, and the per-step logging
(.item() of both losses, both accuracies) - in float32 on one thread by default.

  python3 bench/torch_step.py [--p 59] [--dim 128] [--wd 0.5] [--seed 0] [--dtype f32|f64]
                              [--threads 1] [--warmup 20] [--steps 50] [--runs 5] [--json]

Prints the torch version, its BLAS (what the build says and the library this process loaded),
the thread count, then ms/step: the minimum over `runs` runs of `steps` steps after `warmup`
steps, by this thread's CPU time (CLOCK_THREAD_CPUTIME_ID) and by the wall clock, and the
process's CPU time per step (main thread + any BLAS or OpenMP threads: with one thread it equals
the thread's). With --json the last line is one JSON object with those figures. A bench script,
not part of the suite (the project itself never needs Python); `deno task bench:step --torch`
runs it side by side with the asm core.
"""
import argparse, ctypes, json, os, sys, time

ap = argparse.ArgumentParser()
ap.add_argument("--p", type=int, default=59)
ap.add_argument("--dim", type=int, default=128)
ap.add_argument("--wd", type=float, default=0.5)
ap.add_argument("--seed", type=int, default=0)
ap.add_argument("--dtype", choices=["f32", "f64"], default="f32")
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--warmup", type=int, default=20)
ap.add_argument("--steps", type=int, default=50)
ap.add_argument("--runs", type=int, default=5)
ap.add_argument("--json", action="store_true")
a = ap.parse_args()
for name in ["p", "dim", "threads", "steps", "runs"]:
    if getattr(a, name) < 1:
        print(f"--{name} {getattr(a, name)}: must be a positive integer", file=sys.stderr)
        sys.exit(2)
if a.p < 2 or a.warmup < 0 or not (a.wd >= 0):
    print(f"--p {a.p}, --warmup {a.warmup}, --wd {a.wd}: p >= 2, warmup >= 0, wd >= 0",
          file=sys.stderr)
    sys.exit(2)

# One thread everywhere before torch starts its pools (OpenMP, OpenBLAS, MKL read these).
for var in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"]:
    os.environ[var] = str(a.threads)
import numpy as np, torch, torch.nn as nn  # noqa: E402

torch.set_num_threads(a.threads)
dt = torch.float64 if a.dtype == "f64" else torch.float32
torch.set_default_dtype(dt)
p, d = a.p, a.dim


def blas():
    """The BLAS the build names, and the one loaded into this process (with OpenBLAS's core)."""
    info = torch.__config__.show()
    build = next((f.split("=")[1] for f in info.replace(",", " ").split() if
                  f.startswith("BLAS_INFO=")), "?")
    loaded = sorted({line.split()[-1] for line in open("/proc/self/maps") if
                     ("blas" in line.lower() or "mkl" in line.lower()) and "/" in line})
    core = ""
    for path in loaded:
        try:
            lib = ctypes.CDLL(path)
            if hasattr(lib, "openblas_get_corename"):
                lib.openblas_get_corename.restype = ctypes.c_char_p
                lib.openblas_set_num_threads(a.threads)
                core = lib.openblas_get_corename().decode()
                break
        except OSError:
            pass
    return build, loaded, core


# --- the authors' model, split and loop (torch_ref.py, default mode) --------------------------
class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        shp = [2 * d, 100, 100, p]
        self.linears = nn.ModuleList([nn.Linear(shp[i], shp[i + 1]) for i in range(3)])
        self.embedding = nn.Parameter(torch.normal(0, 1, size=(p, d)))

    def forward(self, x):
        for lin in self.linears[:-1]:
            x = nn.functional.silu(lin(x))
        return self.linears[-1](x)


np.random.seed(a.seed)
torch.manual_seed(a.seed)
model = MLP()
np.random.seed(a.seed)
train_id = np.random.choice(p * p, int(p * p * 0.8), replace=False)
test_id = np.array(sorted(set(range(p * p)) - set(train_id.tolist())))
aa, bb = np.arange(p * p) % p, np.arange(p * p) // p
labels = torch.tensor((aa + bb) % p, dtype=torch.long)


def inputs(ids):
    return torch.cat([model.embedding[aa[ids]], model.embedding[bb[ids]]], dim=1)


opt = torch.optim.AdamW(model.parameters(), lr=0.01, weight_decay=a.wd, foreach=False)
ce = nn.CrossEntropyLoss()
log = {k: [] for k in ["train_loss", "test_loss", "train_acc", "test_acc"]}


def step():
    opt.zero_grad()
    out = model(inputs(train_id))
    loss = ce(out, labels[train_id])
    with torch.no_grad():
        out_t = model(inputs(test_id))
        loss_t = ce(out_t, labels[test_id])
    loss.backward()
    opt.step()
    log["train_loss"].append(loss.item())
    log["test_loss"].append(loss_t.item())
    log["train_acc"].append((out.argmax(1) == labels[train_id]).double().mean().item())
    log["test_acc"].append((out_t.argmax(1) == labels[test_id]).double().mean().item())


# --- timing ------------------------------------------------------------------------------------
build, loaded, core = blas()
for _ in range(a.warmup):
    step()
best = {"cpu": float("inf"), "wall": float("inf"), "process": float("inf")}
for _ in range(a.runs):
    c0, w0, p0 = time.thread_time(), time.perf_counter(), time.process_time()
    for _ in range(a.steps):
        step()
    c1, w1, p1 = time.thread_time(), time.perf_counter(), time.process_time()
    best["cpu"] = min(best["cpu"], 1000 * (c1 - c0) / a.steps)
    best["wall"] = min(best["wall"], 1000 * (w1 - w0) / a.steps)
    best["process"] = min(best["process"], 1000 * (p1 - p0) / a.steps)

print(f"torch {torch.__version__}, BLAS: build {build}, loaded {', '.join(loaded) or 'none'}"
      f"{f' (OpenBLAS core {core})' if core else ''}; threads {torch.get_num_threads()}")
print(f"{a.dtype} p={p} d={d} wd={a.wd} seed={a.seed}: {best['cpu']:.3f} ms/step by thread CPU "
      f"time ({best['wall']:.3f} wall, {best['process']:.3f} process CPU), min over {a.runs} runs "
      f"of {a.steps} steps after {a.warmup}; last train loss {log['train_loss'][-1]:.4e}")
if a.json:
    print(json.dumps({"torch": torch.__version__, "blas": build, "blasLoaded": loaded,
                      "openblasCore": core, "threads": torch.get_num_threads(), "dtype": a.dtype,
                      "msPerStep": best["cpu"], "msPerStepWall": best["wall"],
                      "msPerStepProcess": best["process"]}))
