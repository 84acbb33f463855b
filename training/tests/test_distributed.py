import csv
import os
import subprocess
import sys
from pathlib import Path

import torch

from depth_training import distributed, train
from test_train import tiny_run_args


def torchrun(args: list[str], log: Path, timeout: float = 300) -> int:
    """Exit status of `torchrun --standalone --nproc_per_node=2 -m depth_training.train ARGS`,
    output in `log` (not a pipe: workers left behind must not keep a test waiting on it)."""
    env = {**os.environ, "PYTHONPATH": str(Path(train.__file__).parents[1]), "OMP_NUM_THREADS": "1"}
    with open(log, "w") as out:
        p = subprocess.Popen([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
                              "-m", "depth_training.train", *args], env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            return p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.terminate()  # torchrun passes SIGTERM on to its workers; SIGKILL would orphan them
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            raise


def test_two_processes_under_torchrun_train_and_end_with_identical_weights(tmp_path):
    args = tiny_run_args(tmp_path, "ddp", "--variant=tiny", "--rank_hashes=true", "--coarse_epochs=2")
    status = torchrun(args, tmp_path / "torchrun.log")
    assert status == 0, (tmp_path / "torchrun.log").read_text()[-4000:]
    out = tmp_path / "ddp"
    h0, h1 = (out / "state-rank0.sha256").read_text(), (out / "state-rank1.sha256").read_text()
    assert h0 == h1
    # The same settings without any epoch: the weights the processes started from.
    start = train.run(train.parse_args(tiny_run_args(tmp_path, "start", "--variant=tiny", "--coarse_epochs=0",
                                                     "--fine_epochs=0")))
    assert distributed.state_hash(start) + "\n" != h0
    # 4 frames, 2 per process per epoch, batch 2: one step per epoch, 4 images seen per step.
    ck = torch.load(out / "ckpt.pt", weights_only=False)
    coarse, fine = ck["state"]["stages"]["coarse"], ck["state"]["stages"]["fine"]
    assert (coarse["steps"], coarse["images"], fine["steps"], fine["images"]) == (2, 8, 1, 4)
    assert ck["data"]["world_size"] == 2
    # Rank 0 alone writes: one CSV row per stage end, not one per process.
    assert [r["stage"] for r in csv.DictReader(open(out / "losses.csv"))] == ["coarse", "fine"]
