import math

import torch

from depth_training.loss import scale_invariant_loss


def naive_image_loss(pred_log, target, mask, lam):
    """Per image, pixel by pixel, straight from the paper's formula."""
    ds = [pred_log[i].item() - math.log(target[i].item()) for i in range(pred_log.numel()) if mask[i]]
    n = len(ds)
    if n == 0:
        return 0.0, 0
    return sum(d * d for d in ds) / n - lam * sum(ds) ** 2 / n**2, n


def sample(seed, n=3, h=4, w=5):
    g = torch.Generator().manual_seed(seed)
    pred = torch.randn(n, 1, h, w, generator=g)
    target = torch.rand(n, 1, h, w, generator=g) * 9 + 0.5
    mask = torch.rand(n, 1, h, w, generator=g) > 0.3
    return pred, target, mask


def test_single_image_loss_equals_the_paper_formula():
    pred, target, mask = sample(1, n=1)
    want, _ = naive_image_loss(pred.flatten(), target.flatten(), mask.flatten(), 0.5)
    assert abs(scale_invariant_loss(pred, target, mask).item() - want) < 1e-5


def test_batched_loss_weights_each_image_by_its_valid_pixel_count_squared():
    pred, target, mask = sample(2)
    mask[1, 0, :2] = False  # images with different numbers of valid pixels
    per = [naive_image_loss(pred[i].flatten(), target[i].flatten(), mask[i].flatten(), 0.5) for i in range(3)]
    want = sum(l * n * n for l, n in per) / sum(n * n for _, n in per)
    assert abs(scale_invariant_loss(pred, target, mask).item() - want) < 1e-5


def test_lambda_one_is_invariant_to_scaling_the_prediction():
    pred, target, mask = sample(3)
    base = scale_invariant_loss(pred, target, mask, lam=1.0)
    scaled = scale_invariant_loss(pred + math.log(3.7), target, mask, lam=1.0)  # y -> 3.7 y
    assert abs(base.item() - scaled.item()) < 1e-5
    half = scale_invariant_loss(pred + math.log(3.7), target, mask, lam=0.5)
    assert abs(half.item() - scale_invariant_loss(pred, target, mask).item()) > 1e-3


def test_masked_pixels_change_nothing_even_when_they_hold_zero_or_nan():
    pred, target, mask = sample(4)
    pred.requires_grad_(True)
    base = scale_invariant_loss(pred, target, mask)
    (g1,) = torch.autograd.grad(base, pred)
    t2, p2 = target.clone(), pred.detach().clone()
    t2[~mask] = 0.0
    t2[0, 0, 0, 0] = float("nan") if not mask[0, 0, 0, 0] else t2[0, 0, 0, 0]
    p2[~mask] = 1e3
    p2.requires_grad_(True)
    other = scale_invariant_loss(p2, t2, mask)
    (g2,) = torch.autograd.grad(other, p2)
    assert torch.equal(base, other)
    assert torch.all(g2[~mask] == 0) and torch.allclose(g1, g2)


def test_an_all_masked_batch_gives_zero_not_nan():
    pred, target, mask = sample(5)
    assert scale_invariant_loss(pred, target, torch.zeros_like(mask)).item() == 0.0
