#!/usr/bin/env python3
"""Make the optimiser and width fixtures of tests/fixtures/ (opt_*) with PyTorch itself.

Run by hand (the project never needs Python; the fixtures are committed):

    /usr/bin/python3 tools/make_optimizer_fixtures.py [--out tests/fixtures] [--only NAME]

It is the authors' training loop (shared/reference/torch_ref.py, from their
training/train_model.py) in float64 with four things made parameters: the hidden width of both
hidden layers (nn.Linear(2d, h), nn.Linear(h, h), nn.Linear(h, p)), the training fraction
(np.random.choice(p*p, int(p*p*frac), replace=False)), the optimiser (torch.optim.AdamW, Adam or
SGD with momentum, dampening 0, no Nesterov; foreach=False) and the learning rate. The seeds draw
exactly as in the authors' code, so init_params and train_ids also pin `--seed` for non-default
widths and fractions.

Each case's folder holds what torch_ref.py writes: init_params (fused float64: embedding, L0.W,
L0.b, L1.W, L1.b, L2.W, L2.b, PyTorch's (out, in) layout), train_ids (int64, drawing order),
train_loss, test_loss, train_acc, test_acc (one per step, before the step's update), signals
((steps+1) x p, row 0 at init), final_params; and case.json, the configuration in the CLI's names.
Made with PyTorch 1.13 and NumPy 1.24 (Debian 12's python3-torch, python3-numpy).
"""
import argparse
import json
import os

import numpy as np
import torch
import torch.nn as nn

# name -> configuration (the CLI's option names; defaults: wd 0.5, lr 0.01, mode default, 0.8)
CASES = {
    # torch.optim.Adam: weight decay as an L2 term on the gradient (wd 0.5 as an L2 term holds
    # every weight at 0; 0.01 lets this run grok with two circles)
    "opt_p13_d16_seed7_adam_wd0.01": dict(p=13, dim=16, steps=300, seed=7, optimizer="adam",
                                          wd=0.01),
    # torch.optim.SGD, momentum 0.9, L2 term; a larger lr, as SGD needs
    "opt_p13_d16_seed7_sgd_lr0.5": dict(p=13, dim=16, steps=300, seed=7, optimizer="sgd", lr=0.5,
                                  momentum=0.9, wd=0.001),
    # the paper's AdamW with a non-default width and training fraction, from the seed's draws
    "opt_p23_d32_h64_tf0.6_seed3": dict(p=23, dim=32, steps=300, seed=3, hidden=64,
                                        train_fraction=0.6),
    # init and split only: odd width, small fraction, p*d not a multiple of 16, the fix-* modes
    "opt_p17_d9_h37_tf0.3_fixmlp_init3_seed8_init": dict(p=17, dim=9, steps=0, seed=8, hidden=37,
                                                         train_fraction=0.3, mode="fix-mlp",
                                                         init_seed=3),
    "opt_p11_d5_h7_tf0.5_fixemb_init2_seed6_init": dict(p=11, dim=5, steps=0, seed=6, hidden=7,
                                                        train_fraction=0.5,
                                                        mode="fix-embedding", init_seed=2),
}

DEFAULTS = dict(hidden=100, train_fraction=0.8, optimizer="adamw", lr=0.01, wd=0.5,
                momentum=None, mode="default", init_seed=0)


def run(c):
    c = {**DEFAULTS, **c}
    p, d, h, frac = c["p"], c["dim"], c["hidden"], c["train_fraction"]
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)

    class MLP(nn.Module):
        def __init__(self, embedding=None):
            super().__init__()
            shp = [2 * d, h, h, p]
            self.linears = nn.ModuleList([nn.Linear(shp[i], shp[i + 1]) for i in range(3)])
            self.embedding = nn.Parameter(torch.from_numpy(embedding) if embedding is not None
                                          else torch.normal(0, 1, size=(p, d)))

        def forward(self, x):
            for lin in self.linears[:-1]:
                x = nn.functional.silu(lin(x))
            return self.linears[-1](x)

    def get_model(seed, embedding=None):
        np.random.seed(seed)
        torch.manual_seed(seed)
        return MLP(embedding)

    def get_split(seed):
        np.random.seed(seed)
        return np.random.choice(p * p, int(p * p * frac), replace=False)

    def fused(model):
        return torch.cat([q.detach().flatten() for q in model.parameters()]).numpy().copy()

    def load_fused(model, flat):
        flat = torch.from_numpy(flat)
        i = 0
        for q in model.parameters():
            q.data = flat[i:i + q.numel()].view(q.shape).clone()
            i += q.numel()

    base = get_model(c["init_seed"])
    if c["mode"] == "default":
        model, train_id = get_model(c["seed"]), get_split(c["seed"])
    elif c["mode"] == "fix-embedding":
        emb = base.embedding.detach().numpy()
        model, train_id = get_model(c["seed"], emb), get_split(c["seed"])
    else:  # fix-mlp
        mlp_init, train_id = fused(base)[p * d:], get_split(c["init_seed"])
        np.random.seed(c["seed"])
        torch.manual_seed(c["seed"])
        emb = torch.normal(0, 1, size=(p, d)).numpy()
        model = MLP(emb)
        load_fused(model, np.concatenate([emb.ravel(), mlp_init]))
    test_id = np.array(sorted(set(range(p * p)) - set(train_id.tolist())))
    aa, bb = np.arange(p * p) % p, np.arange(p * p) // p
    labels = torch.tensor((aa + bb) % p, dtype=torch.long)
    init_params = fused(model)

    def inputs(ids):
        return torch.cat([model.embedding[aa[ids]], model.embedding[bb[ids]]], dim=1)

    def signals():
        return np.linalg.norm(np.fft.fft(model.embedding.detach().numpy(), axis=0), axis=1)

    params, lr, wd = model.parameters(), c["lr"], c["wd"]
    if c["optimizer"] == "adamw":
        opt = torch.optim.AdamW(params, lr=lr, weight_decay=wd, foreach=False)
    elif c["optimizer"] == "adam":
        opt = torch.optim.Adam(params, lr=lr, weight_decay=wd, foreach=False)
    else:
        opt = torch.optim.SGD(params, lr=lr, momentum=c["momentum"], dampening=0,
                              nesterov=False, weight_decay=wd, foreach=False)
    ce = nn.CrossEntropyLoss()
    log = {k: [] for k in ["train_loss", "test_loss", "train_acc", "test_acc"]}
    sig = [signals()]
    for _ in range(c["steps"]):
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
        sig.append(signals())
    return dict(init_params=init_params, train_ids=train_id.astype(np.int64),
                signals=np.array(sig), final_params=fused(model),
                **{k: np.array(v, dtype=np.float64) for k, v in log.items()})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests",
                                                  "fixtures"))
    ap.add_argument("--only", default=None)
    a = ap.parse_args()
    for name, case in CASES.items():
        if a.only and name != a.only:
            continue
        arrays = run(case)
        folder = os.path.join(a.out, name)
        os.makedirs(folder, exist_ok=True)
        for k, v in arrays.items():
            np.save(os.path.join(folder, k + ".npy"), v)
        with open(os.path.join(folder, "case.json"), "w") as f:
            json.dump(case, f, indent=1)
            f.write("\n")
        tl = arrays["train_loss"]
        last = f": train loss {tl[0]:.4f} -> {tl[-1]:.4e}, test acc {arrays['test_acc'][-1]:.3f}" \
            if len(tl) else ""
        print(f"{name}{last}")


if __name__ == "__main__":
    main()
