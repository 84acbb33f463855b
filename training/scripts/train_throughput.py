"""Training throughput of named variants: images/s of forward + backward + Adam step, batch 16,
random 304x228 inputs, for the coarse stage and the fine stage (coarse under no_grad).

    PYTHONPATH=training .venv/bin/python training/scripts/train_throughput.py small half paper
"""
import sys
import time

import torch

from depth_training.model import VARIANTS, DepthNet

torch.set_num_threads(2)
for name in sys.argv[1:]:
    m = DepthNet(VARIANTS[name]).train()
    opt = torch.optim.Adam(m.parameters(), 1e-4)
    x = torch.randn(16, 3, 228, 304)
    for stage in ("coarse", "fine"):
        times = []
        for _ in range(3):
            t = time.time()
            if stage == "coarse":
                y = m.forward_coarse(x)
            else:
                with torch.no_grad():
                    c = m.coarse(x)
                y = m.fine(x, c)
            y.square().mean().backward()
            opt.step()
            opt.zero_grad()
            times.append(time.time() - t)
        print(f"{name} {stage}: {16 / min(times[1:]):.1f} images/s", flush=True)
