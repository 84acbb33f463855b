"""Scale-invariant error in log space (Eigen et al. 2014, eq. 4), masked and batched."""
from __future__ import annotations

import torch

#: The paper's choice: between the L2 error in log space (0) and full scale invariance (1).
LAMBDA = 0.5


def log_difference(pred_log: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """d = log y - log y* on valid pixels and 0 elsewhere; all (N, 1, h, w) or (N, h, w).
    `target` is depth in metres; invalid pixels may hold anything (0, NaN): they are never logged."""
    valid = mask.bool()
    safe = torch.where(valid, target, torch.ones_like(target))
    return torch.where(valid, pred_log - safe.log(), torch.zeros_like(pred_log))


def scale_invariant_loss(pred_log: torch.Tensor, target: torch.Tensor, mask: torch.Tensor,
                         lam: float = LAMBDA) -> torch.Tensor:
    """Batched as eigen2014.md states:
    (sum_b n_b * sum d^2 - lam * sum_b (sum d)^2) / max(sum_b n_b^2, 1),
    which is each image's (1/n) sum d^2 - (lam/n^2) (sum d)^2 weighted by n_b^2."""
    n = pred_log.shape[0]
    d = log_difference(pred_log, target, mask).reshape(n, -1)  # (N, h*w)
    nb = mask.reshape(n, -1).to(d.dtype).sum(1)                 # (N,) valid pixels per image
    sum_d = d.sum(1)                                            # (N,)
    sum_d2 = d.square().sum(1)                                  # (N,)
    num = (nb * sum_d2).sum() - lam * sum_d.square().sum()
    return num / nb.square().sum().clamp(min=1.0)
