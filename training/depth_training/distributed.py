"""The process group of a `torchrun` launch, or a group of one: train.py runs unchanged either
way. torchrun sets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT; gloo carries the
collectives on CPU, nccl on CUDA (one GPU per process, cuda:LOCAL_RANK)."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class Processes:
    """This process's place in the launch; rank 0 alone writes files and prints."""

    rank: int = 0
    world: int = 1
    device: torch.device = torch.device("cpu")

    @property
    def distributed(self) -> bool:
        return self.world > 1

    @property
    def main(self) -> bool:
        return self.rank == 0

    def shared(self, value: float) -> float:
        """Rank 0's `value` on every rank (clock-driven decisions, such as stopping a stage or
        the learning rate, must agree or the ranks' weights drift apart or a collective hangs)."""
        if not self.distributed:
            return value
        t = torch.tensor([value], dtype=torch.float64, device=self.device)
        dist.broadcast(t, src=0)
        return float(t.item())

    def shared_object(self, obj):
        """Rank 0's picklable `obj` on every rank (e.g. the checkpoint to resume from, which
        may exist only on rank 0's disk)."""
        if not self.distributed:
            return obj
        box = [obj if self.main else None]
        dist.broadcast_object_list(box, src=0, device=self.device if self.device.type == "cuda" else None)
        return box[0]

    def close(self, wait: bool = True) -> None:
        """Leave the group; `wait` for the others first (not after a failure, where they may
        never arrive)."""
        if self.distributed:
            if wait:
                dist.barrier()
            dist.destroy_process_group()


def under_torchrun() -> bool:
    return all(k in os.environ for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK"))


def start(device: str) -> Processes:
    """Join torchrun's process group when launched by it (`device` cpu: gloo; cuda: nccl on
    cuda:LOCAL_RANK), else a group of one on `device`."""
    if not under_torchrun() or int(os.environ["WORLD_SIZE"]) == 1:
        return Processes(device=torch.device(device))
    rank, world, local = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]), int(os.environ["LOCAL_RANK"])
    if device == "cuda":
        torch.cuda.set_device(local)
        dev = torch.device("cuda", local)
    else:
        dev = torch.device("cpu")
    dist.init_process_group("nccl" if device == "cuda" else "gloo", rank=rank, world_size=world)
    return Processes(rank, world, dev)


def state_hash(model: torch.nn.Module) -> str:
    """sha256 over the weights, in name order: equal on every rank after a DDP run."""
    h = hashlib.sha256()
    for k, v in sorted(model.state_dict().items()):
        h.update(k.encode())
        h.update(v.detach().to("cpu", torch.float32).contiguous().numpy().tobytes())
    return h.hexdigest()
