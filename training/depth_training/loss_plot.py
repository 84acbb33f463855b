"""The loss curves of a training run (out_dir/losses.csv -> out_dir/loss.png)."""
from __future__ import annotations

import csv
from pathlib import Path


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
