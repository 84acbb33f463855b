"""Two-stage training of the Eigen et al. (2014) network: coarse first, then fine on top of the
frozen coarse network. Settings below; override any of them as --name=value, e.g.

    python -m depth_training.train --variant=half --train_data=synthetic:training/data/synthetic/train
    python -m depth_training.train --init_weights=models/eigen2014-synthetic.safetensors \
        --train_data='folder:training/data/photoreal/train+synthetic:training/data/synthetic/train:2600'
    torchrun --standalone --nproc_per_node=2 -m depth_training.train ...   # DistributedDataParallel

A run ends by writing out_dir/weights.safetensors (F32, with its `camera` and `training_history`).
"""
from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from pathlib import Path

import torch
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler
from tqdm import tqdm

from .data import augment as aug
from . import distributed, lineage
from .camera import KINECT, Camera
from .data.datasets import DepthDataset, distinct_frames, open_source
from .export import load_model, save_model
from .loss import scale_invariant_loss
from .loss_plot import plot_losses
from .model import VARIANTS, DepthNet, Normalization

# ----------------------------------------------------------------------------- settings
variant = "small"           # named architecture (model.VARIANTS); "paper" is the full size
init_weights = ""           # weights file to start from instead of random init: its architecture,
                            # camera and training history carry on (variant / camera_focal_px
                            # default to the file's; given, they must agree with it)
camera_focal_px = KINECT.focal_at(aug.FULL_W)  # canonical camera: focal length (px) at width 320
train_data = "synthetic:training/data/synthetic/train"  # datasets.open_source spec; A+B mixes
val_data = "synthetic:training/data/synthetic/val"      # held out, only for the val curve
out_dir = "training/runs/default"  # checkpoints, losses.csv, loss.png
device = "cpu"              # cpu | cuda
threads = 1                 # torch CPU threads; 1 beat 2 (medians x2.1-3.3) on the 2-core machine shared with
                            # rendering (README, "Speed"); an idle machine may prefer 2
workers = 1                 # data loader processes (augmentation runs there); 2: no clear gain
channels_last = False       # NHWC convolutions: no clear gain on this CPU (README, "Speed")
bf16 = False                # bfloat16 autocast around the network, loss in float32: for GPUs or
                            # CPUs with AVX512_BF16/AMX; x0.2-0.75 on this CPU (README, "Speed")
seed = 1                    # init, shuffling and augmentation (dropout: seed + rank)
batch_size = 16             # per process (under torchrun the global batch is this x processes)
init = "scratch"            # paper: N(0, 0.01) weights (fine.conv1 N(0, 0.001)), zero biases;
                            # scratch: the same, but He-normal coarse convs (the paper had AlexNet's)
output_bias_from_data = True  # start coarse.fc7 / fine.conv3 biases at the mean training log depth
fine_passthrough = True     # start stage two with the fine output equal to the coarse output
                            # (init, output_bias_from_data, fine_passthrough: not with init_weights,
                            # whose trained weights they would overwrite)
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
rank_hashes = False         # each process writes out_dir/state-rank{R}.sha256 of its weights at the end
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


def predict(model: DepthNet, x: torch.Tensor, stage: str, trained: torch.nn.Module | None = None) -> torch.Tensor:
    """(N, 3, H, W) -> log depth (N, 1, oh, ow) of the stage being trained; `trained` is that
    stage's sub-network as called (its DistributedDataParallel wrapper under torchrun)."""
    net = trained if trained is not None else (model.coarse if stage == "coarse" else model.fine)
    if stage == "coarse":
        return net(x)
    with torch.no_grad():
        coarse = model.coarse(x)
    return net(x, coarse)


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


def train_step(model: DepthNet, opt: torch.optim.Optimizer, batch, stage: str,
               trained: torch.nn.Module | None = None, bf16: bool = False) -> float:
    """One Adam step on batch (x (N, 3, H, W), depth (N, 1, oh, ow), mask (N, 1, oh, ow));
    `bf16`: the network under bfloat16 autocast, the loss always in float32 (its sums of
    squared log differences would lose the small differences it is made of)."""
    x, depth, mask = batch
    with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=bf16):
        pred = predict(model, x, stage, trained)                        # (N, 1, oh, ow)
    loss = scale_invariant_loss(pred.float(), depth, mask)
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


def initial_model(cfg: dict, source) -> tuple[DepthNet, list]:
    """The model a fresh run starts from and the history it carries on: the `init_weights`
    file as it is (no re-initialisation, no output bias from data), or a new network."""
    path = cfg["init_weights"]
    if path:
        model, norm, meta = load_model(path)
        named = next((k for k, v in VARIANTS.items() if v == model.arch), None)
        if cfg["variant"] and VARIANTS[cfg["variant"]] != model.arch:
            raise ValueError(f"--variant={cfg['variant']} disagrees with --init_weights={path}, whose architecture is "
                             f"{named or model.arch.to_json()}; leave --variant out to take the file's")
        file_px = model.camera.focal_at(aug.FULL_W)
        if cfg["camera_focal_px"] and not math.isclose(cfg["camera_focal_px"], file_px, rel_tol=1e-6):
            raise ValueError(f"--camera_focal_px={cfg['camera_focal_px']} disagrees with --init_weights={path}, "
                             f"whose predictions assume {file_px:g} px at width {aug.FULL_W}; leave it out")
        if norm != Normalization():
            raise ValueError(f"{path}: input normalisation {norm} is not the one training feeds ({Normalization()})")
        return model, lineage.inherited_history(path, meta)
    if cfg["init"] not in ("paper", "scratch"):
        raise ValueError("init must be 'paper' or 'scratch'")
    model = DepthNet(VARIANTS[cfg["variant"]], Camera(cfg["camera_focal_px"], aug.FULL_W))
    g = torch.Generator().manual_seed(cfg["seed"])
    model.init_paper(g) if cfg["init"] == "paper" else model.init_scratch(g)
    if cfg["output_bias_from_data"]:
        # Adam moves a bias by about lr per step: from 0 the output would need thousands of
        # steps just to reach the mean log depth (about 1.1 for rooms).
        mu = mean_log_depth(DepthDataset(source, train=False, camera=model.camera))
        with torch.no_grad():
            model.coarse.fc7.bias.fill_(mu)
            model.fine.conv3.bias.fill_(mu)
    return model, []


def run(cfg: dict) -> DepthNet:
    """Train both stages (or resume), write out_dir/weights.safetensors; under torchrun every
    process calls this and rank 0 alone writes files and prints."""
    procs = distributed.start(cfg["device"])
    try:
        model = train_processes(cfg, procs)
    except BaseException:
        procs.close(wait=False)
        raise
    procs.close()
    return model


def train_processes(cfg: dict, procs: distributed.Processes) -> DepthNet:
    torch.manual_seed(cfg["seed"] + procs.rank)  # dropout differs per rank; rank 0 = a single process
    torch.set_num_threads(cfg["threads"])
    dev = procs.device
    out = Path(cfg["out_dir"])
    if procs.main:
        out.mkdir(parents=True, exist_ok=True)
    ckpt_path, csv_path = out / "ckpt.pt", out / "losses.csv"
    source = open_source(cfg["train_data"])
    model, history = initial_model(cfg, source)
    if not cfg["variant"]:  # from init_weights: record its name when it has one
        cfg = {**cfg, "variant": next((k for k, v in VARIANTS.items() if v == model.arch), "")}
    # Augmentation is seeded by (seed, epoch, index): ranks draw disjoint indices, hence
    # different augmentations, and a frame's augmentation does not depend on the launch.
    train_set = DepthDataset(source, train=True, seed=cfg["seed"], camera=model.camera)
    data = {"frames": distinct_frames(source), "items_per_epoch": len(train_set), "world_size": procs.world}
    model.to(dev)
    if cfg["channels_last"]:
        model.to(memory_format=torch.channels_last)
    val_set = DepthDataset(open_source(cfg["val_data"]), train=False, camera=model.camera)
    val_loader = DataLoader(val_set, batch_size=cfg["batch_size"], shuffle=False)
    state = {"stage": "coarse", "epoch": 0, "step": 0, "images_seen": 0, "stage_images": 0, "elapsed": 0.0,
             "stages": {}}
    opt_state = None
    ck = None
    if cfg["resume"]:  # rank 0's checkpoint: the others' disks may not hold one
        ck = procs.shared_object(torch.load(ckpt_path, map_location="cpu", weights_only=False)
                                 if procs.main and ckpt_path.exists() else None)
    if ck is not None:
        model.load_state_dict(ck["model"])
        state, opt_state = ck["state"], ck["optimizer"]
        state.setdefault("stages", {})
        history = ck.get("history", history)
        if procs.main:
            print(f"resumed from {ckpt_path}: {state}")
    elif procs.main and csv_path.exists():
        csv_path.unlink()
    stages = ["coarse", "fine"]
    for stage in stages[stages.index(state["stage"]):]:
        if state["stage"] != stage:  # a fresh stage
            state.update(stage=stage, epoch=0, step=0, stage_images=0, elapsed=0.0)
            opt_state = None
            if stage == "fine" and cfg["fine_passthrough"] and not cfg["init_weights"]:
                init_fine_passthrough(model)
        set_stage(model, stage)
        net = model.coarse if stage == "coarse" else model.fine
        # DDP around the trained sub-network only: the frozen one has no gradients to reduce.
        # Its construction also copies rank 0's weights to every rank.
        trained = (DistributedDataParallel(net, device_ids=[dev.index] if dev.type == "cuda" else None)
                   if procs.distributed else net)
        opt = make_optimizer(model, stage, cfg)
        if opt_state is not None:
            opt.load_state_dict(opt_state)
        budget = cfg[f"{stage}_minutes"] * 60
        running, last_eval, t0 = None, time.time(), time.time() - state["elapsed"]

        def checkpoint():
            state["elapsed"] = time.time() - t0
            state["stages"][stage] = {"steps": state["step"], "images": state["stage_images"],
                                      "epochs": state["epoch"], "seconds": round(state["elapsed"], 1)}
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
                        "config": cfg, "architecture": model.arch.to_json(), "camera": model.camera.to_json(),
                        "history": history, "data": data}, ckpt_path.with_suffix(".tmp"))
            ckpt_path.with_suffix(".tmp").replace(ckpt_path)  # never a half-written checkpoint
            return val

        done = False
        epochs = cfg[f"{stage}_epochs"]
        while state["epoch"] < epochs and not done:
            train_set.epoch = state["epoch"]
            if procs.distributed:
                sampler = DistributedSampler(train_set, num_replicas=procs.world, rank=procs.rank, shuffle=True,
                                             seed=cfg["seed"], drop_last=True)
                sampler.set_epoch(state["epoch"])
                order = {"sampler": sampler}
            else:
                order = {"shuffle": True, "generator": torch.Generator().manual_seed(cfg["seed"] * 1000 + state["epoch"])}
            loader = DataLoader(train_set, batch_size=cfg["batch_size"], num_workers=cfg["workers"],
                                drop_last=True, persistent_workers=False, **order)
            bar = tqdm(loader, desc=f"{stage} epoch {state['epoch']}", dynamic_ncols=True, mininterval=5,
                       disable=not procs.main)
            for i, batch in enumerate(bar):
                elapsed = procs.shared(time.time() - t0)  # rank 0's clock decides for all
                if elapsed > budget:
                    done = True
                    break
                batch = [t.to(dev) for t in batch]
                if cfg["channels_last"]:
                    batch[0] = batch[0].contiguous(memory_format=torch.channels_last)
                # Progress of the stage: time or epochs, whichever budget binds first.
                progress = max(elapsed / budget, (state["epoch"] + i / max(len(loader), 1)) / epochs)
                for group in opt.param_groups:
                    group["lr"] = cfg[f"{stage}_lr"] * lr_factor(progress, cfg["final_lr_fraction"])
                loss = train_step(model, opt, batch, stage, trained, bf16=cfg["bf16"])
                running = loss if running is None else 0.98 * running + 0.02 * loss
                state["step"] += 1
                state["images_seen"] += len(batch[0]) * procs.world
                state["stage_images"] += len(batch[0]) * procs.world
                bar.set_postfix(loss=f"{running:.4f}")
                if procs.main and time.time() - last_eval > cfg["eval_minutes"] * 60:
                    val = checkpoint()
                    bar.write(f"{stage} step {state['step']} train {running:.4f} val {val:.4f} "
                              f"({state['stage_images'] / max(time.time() - t0, 1e-9):.1f} img/s this stage)")
                    last_eval = time.time()
            if not done:
                state["epoch"] += 1
        if running is not None and procs.main:
            checkpoint()  # also when resumed into a finished stage: the state records it
        opt_state = None
    model.eval()
    if procs.main:
        full = history + [lineage.run_entry(cfg, state, data)]
        save_model(model, out / "weights.safetensors", name=f"eigen2014-{cfg['variant'] or 'custom'}",
                   description=f"Eigen et al. (2014) coarse+fine, trained by depth_training.train in {out}",
                   trained_on=cfg["train_data"], history=full)
        print(f"wrote {out / 'weights.safetensors'} (history: {lineage.totals(full)})")
    if cfg["rank_hashes"]:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"state-rank{procs.rank}.sha256").write_text(distributed.state_hash(model) + "\n")
    return model


def parse_args(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                allow_abbrev=False)
    for k, v in SETTINGS.items():
        kind = (lambda s: s.lower() in ("1", "true", "yes")) if isinstance(v, bool) else type(v)
        p.add_argument(f"--{k}", type=kind, default=v)
    argv = sys.argv[1:] if argv is None else list(argv)
    cfg = vars(p.parse_args(argv))
    given = {a[2:].split("=")[0] for a in argv if a.startswith("--")}
    if cfg["device"] not in ("cpu", "cuda"):
        p.error("--device must be cpu or cuda")
    if cfg["init_weights"]:
        # The file says what it is; only what the command line states must agree with it.
        cfg["variant"] = cfg["variant"] if "variant" in given else ""
        cfg["camera_focal_px"] = cfg["camera_focal_px"] if "camera_focal_px" in given else 0.0
        if not Path(cfg["init_weights"]).is_file():
            p.error(f"--init_weights: no file {cfg['init_weights']}")
    if (cfg["variant"] or not cfg["init_weights"]) and cfg["variant"] not in VARIANTS:
        p.error(f"--variant must be one of {sorted(VARIANTS)}")
    return cfg


if __name__ == "__main__":
    run(parse_args())
