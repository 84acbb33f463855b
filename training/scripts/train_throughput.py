"""Training throughput on this machine: images/s of train.py's own step (forward, float32 loss,
backward, Adam) per stage, for several options measured in the same run and interleaved round
by round, so that other jobs on a shared machine slow every option alike; reported as medians
over the rounds and as ratios to the first option. Also checks that an option leaves the loss
and the gradients as they are (same weights, same batch).

    PYTHONPATH=training .venv/bin/python training/scripts/train_throughput.py --variant=small \
        --options=base,threads1,channels_last,bf16 --rounds=3 --steps=4
    # the whole coarse loop with its DataLoader (augmentation in worker processes), for each
    # option x worker count:
    PYTHONPATH=training .venv/bin/python training/scripts/train_throughput.py --variant=small \
        --loader=folder:training/data/photoreal/train --loader_options=base,threads1 --workers=1,2

Options: base (2 threads, float32, contiguous), threads1, channels_last, bf16 (torch.autocast
cpu bfloat16 around the network), and `+` combinations such as channels_last+bf16.
"""
import argparse
import statistics
import time

import torch
from torch.utils.data import DataLoader

from depth_training import train
from depth_training.data.datasets import DepthDataset, open_source
from depth_training.loss import scale_invariant_loss
from depth_training.model import VARIANTS, DepthNet

BATCH = 16
STAGES = ("coarse", "fine")


def parse_option(name: str) -> dict:
    opt = {"threads": 2, "channels_last": False, "bf16": False}
    for part in name.split("+"):
        if part == "threads1":
            opt["threads"] = 1
        elif part in ("channels_last", "bf16"):
            opt[part] = True
        elif part != "base":
            raise SystemExit(f"unknown option {part!r}")
    return opt


def random_batch(model: DepthNet, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    a = model.arch
    x = torch.randn(BATCH, 3, a.input_height, a.input_width, generator=g)          # (16, 3, 228, 304)
    depth = torch.rand(BATCH, 1, a.output_height, a.output_width, generator=g) * 4 + 1  # (16, 1, 55, 74)
    mask = torch.rand(BATCH, 1, a.output_height, a.output_width, generator=g) > 0.1
    return x, depth, mask


def prepared(model: DepthNet, batch, opt: dict):
    if opt["channels_last"]:
        model = model.to(memory_format=torch.channels_last)
        batch = (batch[0].contiguous(memory_format=torch.channels_last), *batch[1:])
    return model, batch


def loss_and_grads(variant: str, opt: dict, stage: str):
    """Loss and flattened gradient of one step from fixed weights on a fixed batch."""
    torch.manual_seed(0)
    model = DepthNet(VARIANTS[variant])
    model, batch = prepared(model, random_batch(model), opt)
    train.set_stage(model, stage)
    model.eval()  # no dropout: the same function for every option
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=opt["bf16"]):
        pred = train.predict(model, batch[0], stage)
    loss = scale_invariant_loss(pred.float(), *batch[1:])
    loss.backward()
    params = model.coarse.parameters() if stage == "coarse" else model.fine.parameters()
    return loss.item(), torch.cat([p.grad.flatten() for p in params])


def step_rate(state: dict, opt: dict, stage: str, steps: int) -> float:
    torch.set_num_threads(opt["threads"])
    model, batch, optimizers = state["model"], state["batch"], state["opt"]
    train.set_stage(model, stage)
    train.train_step(model, optimizers[stage], batch, stage, bf16=opt["bf16"])  # warm-up
    t = time.perf_counter()
    for _ in range(steps):
        train.train_step(model, optimizers[stage], batch, stage, bf16=opt["bf16"])
    return BATCH * steps / (time.perf_counter() - t)


def loader_rate(model, optimizer, dataset, workers: int, steps: int, opt: dict) -> float:
    loader = DataLoader(dataset, batch_size=BATCH, shuffle=True, num_workers=workers, drop_last=True,
                        generator=torch.Generator().manual_seed(workers))
    it = iter(loader)

    def step():
        x, d, m = next(it)
        if opt["channels_last"]:
            x = x.contiguous(memory_format=torch.channels_last)
        train.train_step(model, optimizer, (x, d, m), "coarse", bf16=opt["bf16"])
    step()  # workers started
    t = time.perf_counter()
    for _ in range(steps):
        step()
    rate = BATCH * steps / (time.perf_counter() - t)
    del it
    return rate


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--variant", default="small")
    p.add_argument("--options", default="base,threads1,channels_last,bf16")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--steps", type=int, default=4, help="timed steps per measurement (after one warm-up)")
    p.add_argument("--loader", help="data spec: time the loop with its DataLoader instead")
    p.add_argument("--workers", default="1,2")
    p.add_argument("--loader_options", default="base", help="options for the loader runs, each with every worker count")
    a = p.parse_args()
    t_start = time.time()

    if a.loader:
        dataset = DepthDataset(open_source(a.loader), train=True, seed=1)
        counts = [int(w) for w in a.workers.split(",")]
        configs = [(n, w) for n in a.loader_options.split(",") for w in counts]
        setups = {}
        for n in {n for n, _ in configs}:
            opt = parse_option(n)
            torch.manual_seed(0)
            model, _ = prepared(DepthNet(VARIANTS[a.variant]), random_batch(DepthNet("tiny")), opt)
            train.set_stage(model, "coarse")
            setups[n] = (opt, model, torch.optim.Adam(model.coarse.parameters(), 1e-4))
        rates = {c: [] for c in configs}
        for r in range(a.rounds):
            for n, w in configs:
                opt, model, optimizer = setups[n]
                torch.set_num_threads(opt["threads"])
                rates[n, w].append(loader_rate(model, optimizer, dataset, w, a.steps, opt))
            print(f"round {r}: " + ", ".join(f"{n} workers {w} {rates[n, w][-1]:.1f}" for n, w in configs), flush=True)
        base = configs[0]
        for c in configs:
            m = statistics.median(rates[c])
            ratios = [x / y for x, y in zip(rates[c], rates[base])]
            print(f"{a.variant} coarse + loader, {c[0]}, workers {c[1]}: median {m:.1f} images/s, "
                  f"x{m / statistics.median(rates[base]):.2f} of {base[0]} workers {base[1]} "
                  f"(per round {', '.join(f'{q:.2f}' for q in ratios)})")
        print(f"wall {time.time() - t_start:.0f} s")
        return

    names = a.options.split(",")
    opts = {n: parse_option(n) for n in names}
    for n, o in opts.items():
        for stage in STAGES:
            ref_loss, ref_grad = loss_and_grads(a.variant, parse_option("base"), stage)
            loss, grad = loss_and_grads(a.variant, o, stage)
            cos = torch.nn.functional.cosine_similarity(ref_grad.double(), grad.double(), dim=0).item()
            print(f"{n} {stage}: loss {loss:.6f} vs float32 {ref_loss:.6f} "
                  f"(rel {abs(loss - ref_loss) / ref_loss:.2e}), gradient cosine {cos:.5f}", flush=True)
    states = {}
    for n, o in opts.items():
        torch.manual_seed(0)
        model = DepthNet(VARIANTS[a.variant])
        model, batch = prepared(model, random_batch(model), o)
        states[n] = {"model": model, "batch": batch,
                     "opt": {s: train.make_optimizer(model, s, {"coarse_lr": 1e-4, "fine_lr": 1e-4,
                                                                "coarse_weight_decay": 0, "fine_weight_decay": 0})
                             for s in STAGES}}
    rates = {(n, s): [] for n in names for s in STAGES}
    for r in range(a.rounds):
        for n in names:
            for s in STAGES:
                rates[n, s].append(step_rate(states[n], opts[n], s, a.steps))
        print(f"round {r}: " + ", ".join(f"{n} {s} {rates[n, s][-1]:.1f}" for n in names for s in STAGES), flush=True)
    for s in STAGES:
        base = statistics.median(rates[names[0], s])
        for n in names:
            m = statistics.median(rates[n, s])
            ratios = [x / y for x, y in zip(rates[n, s], rates[names[0], s])]
            print(f"{a.variant} {s} {n}: median {m:.1f} images/s, x{m / base:.2f} of {names[0]} "
                  f"(per round {', '.join(f'{q:.2f}' for q in ratios)})")
    print(f"wall {time.time() - t_start:.0f} s")


if __name__ == "__main__":
    main()
