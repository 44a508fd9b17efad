"""Losses the players share: the WGAN-GP critic loss and its gradient penalty (Gulrajani et al. 2017).

Below both models/ and train/: a critic model (E1, E2) and the training engine (E4) compute the same
loss, and neither has to import the other for it.
"""

from __future__ import annotations

from keras import ops

from gantheory import backend

__all__ = ["gradient_penalty", "wgan_gp_critic_losses"]

GP_EPSILON = 1e-12  # inside the norm's square root: sqrt(0) has an infinite gradient


def gradient_penalty(critic, real, fake, eps):
    """Per seed (K,): E[(‖∇D(x̂)‖ − 1)²] at x̂ = εx + (1−ε)x̃; inputs (K, B, d), eps (K, B, 1) ~ U[0, 1]."""
    mixed = eps * real + (1.0 - eps) * fake
    grad = backend.input_gradient(critic, mixed)
    norm = ops.sqrt(ops.sum(ops.square(grad), axis=-1) + GP_EPSILON)
    return ops.mean(ops.square(norm - 1.0), axis=1)


def wgan_gp_critic_losses(critic, real, fake, eps, gp_weight: float):
    """Per seed (K,): E[D(fake)] − E[D(real)] + λ·gradient penalty (the critic minimises it)."""
    wasserstein = ops.mean(critic(fake), axis=(1, 2)) - ops.mean(critic(real), axis=(1, 2))
    return wasserstein + gp_weight * gradient_penalty(critic, real, fake, eps)
