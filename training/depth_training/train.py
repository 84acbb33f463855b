"""Two-stage training of the Eigen et al. (2014) network: coarse first, then fine on top of the
frozen coarse network. Settings below; override any of them as --name=value, e.g.

    python -m depth_training.train --variant=half --train_data=synthetic:training/data/synthetic/train
"""
from __future__ import annotations

import argparse
import csv
import math
import time
from pathlib import Path

import torch
from torch.utils.data import DataLoader
from tqdm import tqdm

from .datasets import DepthDataset, open_source
from .loss import scale_invariant_loss
from .model import VARIANTS, DepthNet

# ----------------------------------------------------------------------------- settings
variant = "small"           # named architecture (model.VARIANTS); "paper" is the full size
train_data = "synthetic:training/data/synthetic/train"  # datasets.open_source spec
val_data = "synthetic:training/data/synthetic/val"      # held out, only for the val curve
out_dir = "training/runs/default"  # checkpoints, losses.csv, loss.png
device = "cpu"              # cpu | cuda
threads = 2                 # torch CPU threads
workers = 1                 # data loader processes (augmentation runs there)
seed = 1                    # init, shuffling and augmentation
batch_size = 16
init = "scratch"            # paper: N(0, 0.01) weights (fine.conv1 N(0, 0.001)), zero biases;
                            # scratch: the same, but He-normal coarse convs (the paper had AlexNet's)
output_bias_from_data = True  # start coarse.fc7 / fine.conv3 biases at the mean training log depth
fine_passthrough = True     # start stage two with the fine output equal to the coarse output
coarse_lr = 3e-4            # Adam; see models/MODEL_CARD.md for the reasoning
fine_lr = 3e-4
final_lr_fraction = 0.05    # cosine decay of each stage's rate to this fraction of it
coarse_weight_decay = 5e-4  # eigen2014.md: 0.0005 for the coarse network
fine_weight_decay = 1e-4    # eigen2014.md: 0.0001 for the fine network
coarse_epochs = 1000        # stop a stage at whichever comes first: epochs or minutes
fine_epochs = 1000
coarse_minutes = 45.0
fine_minutes = 40.0
eval_minutes = 5.0          # validation, checkpoint, CSV row and plot this often
val_batches = 8             # validation batches per evaluation
resume = True               # continue from out_dir/ckpt.pt when it exists
# -----------------------------------------------------------------------------
SETTINGS = {k: v for k, v in dict(globals()).items()
            if not k.startswith("_") and isinstance(v, (int, float, str, bool))}


def stage_parameters(model: DepthNet, stage: str):
    return model.coarse.parameters() if stage == "coarse" else model.fine.parameters()


def make_optimizer(model: DepthNet, stage: str, cfg: dict) -> torch.optim.Optimizer:
    """Adam over the stage's own parameters only, with the paper's L2 weight decay."""
    return torch.optim.Adam(stage_parameters(model, stage), lr=cfg[f"{stage}_lr"],
                            weight_decay=cfg[f"{stage}_weight_decay"])


def set_stage(model: DepthNet, stage: str) -> None:
    """Stage one trains the coarse network; stage two freezes it (no grad, eval mode: no
    dropout) and trains the fine network on top of its output."""
    model.coarse.requires_grad_(stage == "coarse")
    model.fine.requires_grad_(stage == "fine")
    model.train()
    if stage == "fine":
        model.coarse.eval()


def predict(model: DepthNet, x: torch.Tensor, stage: str) -> torch.Tensor:
    """(N, 3, H, W) -> log depth (N, 1, oh, ow) of the stage being trained."""
    if stage == "coarse":
        return model.forward_coarse(x)
    with torch.no_grad():
        coarse = model.coarse(x)
    return model.fine(x, coarse)


def lr_factor(progress: float, final: float) -> float:
    """Cosine decay from 1 to `final` as the stage's progress (0..1) advances."""
    p = min(max(progress, 0.0), 1.0)
    return final + (1 - final) * 0.5 * (1 + math.cos(math.pi * p))


def mean_log_depth(dataset, count: int = 200) -> float:
    """Mean log depth over the valid targets of the first `count` (centre-cropped) samples."""
    total, n = 0.0, 0
    for i in range(min(count, len(dataset))):
        _, d, m = dataset[i]
        total += d[m].log().sum().item()
        n += int(m.sum())
    return total / max(n, 1)


def init_fine_passthrough(model: DepthNet, shift: float = 3.0) -> None:
    """Route the coarse channel through one fine.conv2 filter (centre tap 1, bias +shift so the
    ReLU passes log depths above -shift) and back out of fine.conv3 (centre tap 1, bias -shift):
    stage two starts from the coarse prediction and learns the local correction on top."""
    with torch.no_grad():
        c2, c3 = model.fine.conv2, model.fine.conv3
        k2, k3 = c2.kernel_size[0] // 2, c3.kernel_size[0] // 2
        c2.weight[0].zero_()
        c2.weight[0, -1, k2, k2] = 1.0   # the last input channel is the coarse output
        c2.bias[0] = shift
        c3.weight[0, 0].zero_()
        c3.weight[0, 0, k3, k3] = 1.0
        c3.bias.fill_(-shift)


def train_step(model: DepthNet, opt: torch.optim.Optimizer, batch, stage: str) -> float:
    x, depth, mask = batch
    loss = scale_invariant_loss(predict(model, x, stage), depth, mask)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss.item()


@torch.no_grad()
def validate(model: DepthNet, loader, stage: str, dev, max_batches: int) -> float:
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    for i, (x, d, m) in enumerate(loader):
        if i >= max_batches:
            break
        total += scale_invariant_loss(predict(model, x.to(dev), stage), d.to(dev), m.to(dev)).item()
        count += 1
    model.train(was_training)
    if stage == "fine":
        model.coarse.eval()
    return total / max(count, 1)


def plot_losses(csv_path: Path, png_path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rows = list(csv.DictReader(open(csv_path)))
    fig, ax = plt.subplots(figsize=(7, 4))
    for stage, colour in (("coarse", "tab:blue"), ("fine", "tab:orange")):
        r = [row for row in rows if row["stage"] == stage]
        if r:
            x = [float(row["images_seen"]) for row in r]
            ax.plot(x, [float(row["train_loss"]) for row in r], "o-", color=colour, label=f"{stage} train")
            ax.plot(x, [float(row["val_loss"]) for row in r], "s--", color=colour, label=f"{stage} val")
    ax.set_xlabel("training images seen (both stages)")
    ax.set_ylabel("scale-invariant loss (lambda 0.5)")
    ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)
    plt.close(fig)


def run(cfg: dict) -> DepthNet:
    torch.manual_seed(cfg["seed"])
    torch.set_num_threads(cfg["threads"])
    dev = torch.device(cfg["device"])
    out = Path(cfg["out_dir"])
    out.mkdir(parents=True, exist_ok=True)
    ckpt_path, csv_path = out / "ckpt.pt", out / "losses.csv"
    model = DepthNet(VARIANTS[cfg["variant"]])
    train_set = DepthDataset(open_source(cfg["train_data"]), train=True, seed=cfg["seed"])
    if cfg["init"] not in ("paper", "scratch"):
        raise ValueError("init must be 'paper' or 'scratch'")
    g = torch.Generator().manual_seed(cfg["seed"])
    model.init_paper(g) if cfg["init"] == "paper" else model.init_scratch(g)
    if cfg["output_bias_from_data"]:
        # Adam moves a bias by about lr per step: from 0 the output would need thousands of
        # steps just to reach the mean log depth (about 1.1 for rooms).
        mu = mean_log_depth(DepthDataset(train_set.source, train=False))
        with torch.no_grad():
            model.coarse.fc7.bias.fill_(mu)
            model.fine.conv3.bias.fill_(mu)
    model.to(dev)
    val_set = DepthDataset(open_source(cfg["val_data"]), train=False)
    val_loader = DataLoader(val_set, batch_size=cfg["batch_size"], shuffle=False)
    state = {"stage": "coarse", "epoch": 0, "step": 0, "images_seen": 0, "stage_images": 0, "elapsed": 0.0}
    opt_state = None
    if cfg["resume"] and ckpt_path.exists():
        ck = torch.load(ckpt_path, map_location=dev, weights_only=False)
        model.load_state_dict(ck["model"])
        state, opt_state = ck["state"], ck["optimizer"]
        print(f"resumed from {ckpt_path}: {state}")
    elif csv_path.exists():
        csv_path.unlink()
    stages = ["coarse", "fine"]
    for stage in stages[stages.index(state["stage"]):]:
        if state["stage"] != stage:  # a fresh stage
            state.update(stage=stage, epoch=0, step=0, stage_images=0, elapsed=0.0)
            opt_state = None
            if stage == "fine" and cfg["fine_passthrough"]:
                init_fine_passthrough(model)
        set_stage(model, stage)
        opt = make_optimizer(model, stage, cfg)
        if opt_state is not None:
            opt.load_state_dict(opt_state)
        budget = cfg[f"{stage}_minutes"] * 60
        running, last_eval, t0 = None, time.time(), time.time() - state["elapsed"]

        def checkpoint():
            state["elapsed"] = time.time() - t0
            val = validate(model, val_loader, stage, dev, cfg["val_batches"])
            new = not csv_path.exists()
            with open(csv_path, "a", newline="") as f:
                w = csv.writer(f)
                if new:
                    w.writerow(["stage", "epoch", "step", "images_seen", "elapsed_s", "lr", "train_loss", "val_loss"])
                w.writerow([stage, state["epoch"], state["step"], state["images_seen"],
                            f"{state['elapsed']:.1f}", f"{opt.param_groups[0]['lr']:.3g}", f"{running:.5f}", f"{val:.5f}"])
            plot_losses(csv_path, out / "loss.png")
            torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "state": dict(state),
                        "config": cfg}, ckpt_path.with_suffix(".tmp"))
            ckpt_path.with_suffix(".tmp").replace(ckpt_path)  # never a half-written checkpoint
            return val

        done = False
        while state["epoch"] < cfg[f"{stage}_epochs"] and not done:
            train_set.epoch = state["epoch"]
            g = torch.Generator().manual_seed(cfg["seed"] * 1000 + state["epoch"])
            loader = DataLoader(train_set, batch_size=cfg["batch_size"], shuffle=True, generator=g,
                                num_workers=cfg["workers"], drop_last=True,
                                persistent_workers=False)
            bar = tqdm(loader, desc=f"{stage} epoch {state['epoch']}", dynamic_ncols=True, mininterval=5)
            for batch in bar:
                if time.time() - t0 > budget:
                    done = True
                    break
                batch = [t.to(dev) for t in batch]
                # Progress of the stage: time or epochs, whichever budget binds first.
                progress = max((time.time() - t0) / budget,
                               (state["epoch"] + bar.n / max(len(loader), 1)) / cfg[f"{stage}_epochs"])
                for group in opt.param_groups:
                    group["lr"] = cfg[f"{stage}_lr"] * lr_factor(progress, cfg["final_lr_fraction"])
                loss = train_step(model, opt, batch, stage)
                running = loss if running is None else 0.98 * running + 0.02 * loss
                state["step"] += 1
                state["images_seen"] += len(batch[0])
                state["stage_images"] += len(batch[0])
                bar.set_postfix(loss=f"{running:.4f}")
                if time.time() - last_eval > cfg["eval_minutes"] * 60:
                    val = checkpoint()
                    bar.write(f"{stage} step {state['step']} train {running:.4f} val {val:.4f} "
                              f"({state['stage_images'] / max(time.time() - t0, 1e-9):.1f} img/s this stage)")
                    last_eval = time.time()
            if not done:
                state["epoch"] += 1
        if running is not None:
            checkpoint()  # also when resumed into a finished stage: the state records it
        opt_state = None
    return model


def parse_args(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for k, v in SETTINGS.items():
        kind = (lambda s: s.lower() in ("1", "true", "yes")) if isinstance(v, bool) else type(v)
        p.add_argument(f"--{k}", type=kind, default=v)
    cfg = vars(p.parse_args(argv))
    if cfg["device"] not in ("cpu", "cuda"):
        p.error("--device must be cpu or cuda")
    if cfg["variant"] not in VARIANTS:
        p.error(f"--variant must be one of {sorted(VARIANTS)}")
    return cfg


if __name__ == "__main__":
    run(parse_args())
