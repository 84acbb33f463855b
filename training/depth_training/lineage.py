"""What the weights have seen: the `training_history` metadata key, a JSON list with one object
per training run, oldest first. A run started from an existing weights file (train.py
--init_weights) appends its entry to that file's history, so the shipped weights can say how
many frames, steps and images went into them in all."""
from __future__ import annotations

import time
from pathlib import Path

STAGES = ("coarse", "fine")


def inherited_history(init_path: str | Path, meta: dict[str, str]) -> list[dict]:
    """The history a run started from `init_path` carries on. A file written before histories
    were recorded gets one entry that says so and keeps its own account (`trained_on`)."""
    from .export import history_of
    history = history_of(meta, init_path)
    if history is not None:
        return history
    return [{"recorded": False, "weights": Path(init_path).name, "name": meta.get("name", ""),
             "trained_on": meta.get("trained_on", "")}]


def run_entry(cfg: dict, state: dict, data: dict) -> dict:
    """This run's entry, from its settings, its progress `state` (train.py) and `data`
    ({"frames": distinct training frames, "items_per_epoch": ..., "world_size": ...})."""
    stages = {s: dict(state.get("stages", {}).get(s, {})) for s in STAGES if s in state.get("stages", {})}
    return {
        "recorded": True,
        "train_data": cfg["train_data"],
        "frames": data["frames"],
        "items_per_epoch": data["items_per_epoch"],
        "init": cfg.get("init_weights") or cfg["init"],
        "variant": cfg["variant"] or "from init_weights",
        "seed": cfg["seed"],
        "world_size": data.get("world_size", 1),
        "batch_size_per_process": cfg["batch_size"],
        "stages": stages,
        "steps": sum(s["steps"] for s in stages.values()),
        "images_seen": sum(s["images"] for s in stages.values()),
        "wall_s": round(sum(s["seconds"] for s in stages.values()), 1),
        "finished_stage": state["stage"],
        "recorded_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def totals(history: list[dict]) -> dict:
    """Sums over the recorded runs (frames are counted once per run that used them), and how
    many runs came without a record."""
    rec = [h for h in history if h.get("recorded")]
    return {"runs": len(history), "unrecorded_runs": len(history) - len(rec),
            "frames": sum(h["frames"] for h in rec), "steps": sum(h["steps"] for h in rec),
            "images_seen": sum(h["images_seen"] for h in rec),
            "wall_s": round(sum(h["wall_s"] for h in rec), 1)}
