"""The exact two-Gaussian GAN of Li, Madry, Peebles & Schmidt (ICML 2018, Sec. 3).

Target  p*  = ½N(μ*₁,1) + ½N(μ*₂,1);  generator  p_μ = ½N(μ₁,1) + ½N(μ₂,1);
discriminator E = [l₁,r₁] ∪ [l₂,r₂];  objective  F(μ,E) = P*(E) − P_μ(E).

Everything is closed form through the normal CDF and batched over a leading axis:
``mu``, ``mu_star`` have shape (B, 2) and a discriminator ``E`` has shape (B, 4) = (l₁,r₁,l₂,r₂).
The optimal discriminator {x : p*(x) > p_μ(x)} is found by exact root bracketing of an exponential
sum (at most three roots), so no root is ever missed by a grid.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)
# Stand-in for ±∞ in stored endpoints: Φ and φ are exactly 1/0 there in float64.
FAR = 1.0e4
# Roots farther than this from every mean change F and its gradients by < φ(12) ≈ 2e-32.
ROOT_MARGIN = 12.0
ROOT_TOLERANCE = 1e-13  # last Newton step; quadratic convergence puts the error far below
NEWTON_ITERATIONS = 100  # a cap: bisection alone needs < 60 from a window of width < 1e3


def normal_pdf(x):
    return INV_SQRT_2PI * np.exp(-0.5 * np.square(x))


def mixture_pdf(x, means):
    """Density of ½N(m₁,1)+½N(m₂,1) at x; x (B, P), means (B, 2) → (B, P)."""
    return 0.5 * normal_pdf(x[..., :, None] - means[..., None, :]).sum(-1)


def density_gap(x, mu, mu_star):
    """h(x) = p*(x) − p_μ(x), the derivative of F along a right endpoint."""
    return mixture_pdf(x, mu_star) - mixture_pdf(x, mu)


def union_components(E):
    """Rewrite two possibly overlapping intervals as two disjoint ones (the second may be empty).

    The discriminator is the *union* of its intervals, so overlap must not be counted twice.
    """
    E = np.asarray(E, dtype=np.float64)
    swap = E[:, 2] < E[:, 0]
    first = np.where(swap[:, None], E[:, 2:4], E[:, 0:2])
    second = np.where(swap[:, None], E[:, 0:2], E[:, 2:4])
    overlap = first[:, 1] >= second[:, 0]
    merged_right = np.maximum(first[:, 1], second[:, 1])
    a1, b1 = first[:, 0], np.where(overlap, merged_right, first[:, 1])
    a2 = np.where(overlap, merged_right, second[:, 0])
    b2 = np.where(overlap, merged_right, second[:, 1])
    return np.stack([a1, b1, a2, b2], axis=1)


def mixture_mass(E, means):
    """P_means(E) for a union of two intervals."""
    C = union_components(E)
    cdf = ndtr(C[:, :, None] - means[:, None, :]).mean(-1)  # (B, 4)
    return (cdf[:, 1] - cdf[:, 0]) + (cdf[:, 3] - cdf[:, 2])


def objective(mu, mu_star, E):
    """F(μ, E) = P*(E) − P_μ(E)."""
    return mixture_mass(E, mu_star) - mixture_mass(E, mu)


def generator_gradient(mu, E):
    """∂F/∂μ for the union E (the generator *descends* F).  Shape (B, 2)."""
    C = union_components(E)
    pdf = normal_pdf(C[:, :, None] - mu[:, None, :])  # (B, 4 endpoints, 2 means)
    # P_μ([a,b]) = ½Σᵢ Φ(b−μᵢ) − Φ(a−μᵢ)  ⇒  ∂F/∂μᵢ = −½[φ(a−μᵢ) − φ(b−μᵢ)] summed over components.
    return -0.5 * ((pdf[:, 0] - pdf[:, 1]) + (pdf[:, 2] - pdf[:, 3]))


def discriminator_gradient(mu, mu_star, E):
    """∂F/∂(l₁,r₁,l₂,r₂) for the union E (the discriminator *ascends* F).

    A right endpoint moves F by +h(r), a left one by −h(l); an endpoint lying strictly inside the other
    interval is not on the union's boundary and has zero gradient.
    """
    E = np.asarray(E, dtype=np.float64)
    h = density_gap(E, mu, mu_star)
    sign = np.array([-1.0, 1.0, -1.0, 1.0])
    other = E[:, [2, 3, 2, 3, 0, 1, 0, 1]].reshape(-1, 4, 2)
    inside_other = (other[:, :, 0] < E) & (E < other[:, :, 1])
    return np.where(inside_other, 0.0, sign * h)


def project_discriminator(E):
    """Euclidean projection onto {l₁ ≤ r₁, l₂ ≤ r₂}: a crossed interval becomes a point."""
    E = np.array(E, dtype=np.float64, copy=True)
    for lo, hi in ((0, 1), (2, 3)):
        crossed = E[:, lo] > E[:, hi]
        mid = 0.5 * (E[:, lo] + E[:, hi])
        E[:, lo] = np.where(crossed, mid, E[:, lo])
        E[:, hi] = np.where(crossed, mid, E[:, hi])
    return E


def projected_gradient_norm(E, grad):
    """Norm of the ascent direction after projecting onto the tangent cone of {l ≤ r}.

    A zero-length interval whose endpoints want to cross keeps a large raw gradient but cannot move
    except as a whole: only the mean of its two endpoint gradients survives.
    """
    g = np.array(grad, dtype=np.float64, copy=True)
    for lo, hi in ((0, 1), (2, 3)):
        pinned = (E[:, hi] - E[:, lo] <= 1e-12) & (g[:, lo] > g[:, hi])
        mean = 0.5 * (g[:, lo] + g[:, hi])
        g[:, lo] = np.where(pinned, mean, g[:, lo])
        g[:, hi] = np.where(pinned, mean, g[:, hi])
    return np.linalg.norm(g, axis=1)


# ---------------------------------------------------------------------------------------------
# Optimal discriminator: the positive set of h, via roots of an exponential sum.
# h(x) ∝ e^{−x²/2} Σⱼ wⱼ e^{−mⱼ²/2} e^{mⱼ x} with w = (+,+,−,−) for (μ*₁, μ*₂, μ₁, μ₂).
# ---------------------------------------------------------------------------------------------


def _expsum(x, signs, logmag, rates):
    """Σⱼ sⱼ exp(βⱼ + λⱼx) and its derivative, both scaled by the same positive factor (stable)."""
    expo = logmag[:, None, :] + rates[:, None, :] * x[:, :, None]
    expo = np.where(signs[:, None, :] == 0, -np.inf, expo)
    top = expo.max(-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    terms = signs[:, None, :] * np.exp(expo - top)
    return terms.sum(-1), (terms * rates[:, None, :]).sum(-1)


def _log_ratio(x, signs, logmag, rates):
    """g = log Σ₊ − log Σ₋ over the positive and negative terms, g′, and g's rounding error.

    g has the same roots and signs as the exponential sum but is nearly linear (a difference of two
    log-sum-exps), so Newton on g converges in a few steps where Newton on the sum crawls.
    """
    expo = logmag + rates * x[:, None]
    parts = []
    for sign in (1.0, -1.0):
        e = np.where(signs == sign, expo, -np.inf)
        top = e.max(1, keepdims=True)
        w = np.exp(e - top)
        total = w.sum(1)
        parts.append((top[:, 0] + np.log(total), (w * rates).sum(1) / total))
    (log_pos, slope_pos), (log_neg, slope_neg) = parts
    rounding = 8 * np.finfo(float).eps * (1.0 + np.abs(log_pos) + np.abs(log_neg) + np.abs(expo).max(1))
    return log_pos - log_neg, slope_pos - slope_neg, rounding


def _expsum_roots(signs, logmag, rates, lo, hi, warm=None):
    """All roots in [lo, hi] of f(x) = Σⱼ sⱼ e^{βⱼ+λⱼx} (rates sorted ascending); NaN pads.

    f e^{−λ₁x} has derivative Σ_{j≥2} sⱼ(λⱼ−λ₁)e^{βⱼ+(λⱼ−λ₁)x}, an exponential sum with one term
    fewer whose roots split [lo, hi] into pieces where f e^{−λ₁x} is monotone: one root at most each.
    `warm` (a dict, updated in place) keeps each level's roots to start the next call's Newton from:
    in the dynamics the roots move little per step. Brackets still guarantee every root is found.
    """
    batch, k = signs.shape
    if k < 2:
        return np.empty((batch, 0))
    if k == 2:
        opposite = signs[:, 0] * signs[:, 1] < 0
        gap = rates[:, 1] - rates[:, 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            root = (logmag[:, 0] - logmag[:, 1]) / gap
        ok = opposite & (gap > 0) & (root >= lo) & (root <= hi)
        return np.where(ok, root, np.nan)[:, None]
    gap = rates[:, 1:] - rates[:, :1]
    d_signs = np.where(gap > 0, signs[:, 1:], 0.0)
    with np.errstate(divide="ignore"):
        d_logmag = logmag[:, 1:] + np.log(np.where(gap > 0, gap, 1.0))
    critical = _expsum_roots(d_signs, d_logmag, rates[:, 1:], lo, hi, warm)
    critical = np.sort(np.where(np.isnan(critical), hi[:, None], critical), axis=1)
    edges = np.concatenate([lo[:, None], critical, hi[:, None]], axis=1)
    a, b = edges[:, :-1], edges[:, 1:]
    fa, _ = _expsum(a, signs, logmag, rates)
    fb, _ = _expsum(b, signs, logmag, rates)
    has_root = (fa * fb < 0) & (b > a)
    start = 0.5 * (a + b)
    previous = None if warm is None else warm.get(k)
    if previous is not None and previous.shape[0] == batch:
        inside = (previous[:, None, :] > a[:, :, None]) & (previous[:, None, :] < b[:, :, None])
        first = np.argmax(inside, axis=2)
        guess = np.take_along_axis(previous, first, axis=1)
        start = np.where(inside.any(axis=2), guess, start)
    roots = np.full(a.shape, np.nan)
    rows, cols = np.nonzero(has_root)
    roots[rows, cols] = _bracketed_root(
        a[rows, cols],
        b[rows, cols],
        fa[rows, cols] < 0,
        signs[rows],
        logmag[rows],
        rates[rows],
        start[rows, cols],
    )
    if warm is not None:
        warm[k] = roots
    return roots


def _bracketed_root(a, b, a_is_negative, signs, logmag, rates, start):
    """Safeguarded Newton (rtsafe) on the log-ratio, one bracket per row, iterating only on rows
    that have not converged; bisect whenever Newton leaves the bracket or would not halve the step."""
    neg_end = np.where(a_is_negative, a, b)
    pos_end = np.where(a_is_negative, b, a)
    x = np.array(start, dtype=np.float64, copy=True)
    step_before = np.abs(b - a)
    active = np.arange(len(a))
    for _ in range(NEWTON_ITERATIONS):
        if active.size == 0:
            break
        xa = x[active]
        f, df, rounding = _log_ratio(xa, signs[active], logmag[active], rates[active])
        neg = np.where(f < 0, xa, neg_end[active])
        pos = np.where(f > 0, xa, pos_end[active])
        neg_end[active], pos_end[active] = neg, pos
        lo_b, hi_b = np.minimum(neg, pos), np.maximum(neg, pos)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton_step = f / df
        # Converged when Newton's step is negligible, or when g is down to its own rounding error:
        # near coinciding means the root is ill-conditioned, but F does not depend on it (h ≈ 0 there).
        converged = (np.abs(f) <= rounding) | (np.abs(newton_step) <= ROOT_TOLERANCE)
        newton = xa - newton_step
        fast = np.abs(2.0 * f) <= np.abs(step_before[active] * df)
        use_newton = np.isfinite(newton) & (newton > lo_b) & (newton < hi_b) & fast
        x_next = np.where(use_newton, newton, 0.5 * (lo_b + hi_b))
        x_next = np.where(converged, xa - np.where(np.isfinite(newton_step), newton_step, 0.0), x_next)
        step_before[active] = np.abs(x_next - xa)
        x[active] = x_next
        done = converged | (hi_b - lo_b <= ROOT_TOLERANCE)
        active = active[~done]
    return x


def _exponential_sum(mu, mu_star):
    """(signs, log-magnitudes, rates) of h's exponential sum, sorted by rate, plus the root window."""
    means = np.concatenate([mu_star, mu], axis=1)
    weights = np.array([1.0, 1.0, -1.0, -1.0])
    order = np.argsort(means, axis=1, kind="stable")
    rates = np.take_along_axis(means, order, axis=1)
    signs = np.broadcast_to(weights, means.shape)
    signs = np.take_along_axis(signs, order, axis=1)
    logmag = -0.5 * np.square(rates)
    return signs, logmag, rates, rates[:, 0] - ROOT_MARGIN, rates[:, -1] + ROOT_MARGIN


def _sign_far_left(mu, mu_star):
    """Sign of h left of every root (its densities underflow there, so use the scaled sum)."""
    signs, logmag, rates, lo, _ = _exponential_sum(mu, mu_star)
    f, _ = _expsum(lo[:, None], signs, logmag, rates)
    return np.sign(f[:, 0])


def density_gap_roots(mu, mu_star, warm=None):
    """Sorted roots of p* − p_μ (at most three), NaN-padded, shape (B, 3); see _expsum_roots."""
    signs, logmag, rates, lo, hi = _exponential_sum(mu, mu_star)
    return np.sort(_expsum_roots(signs, logmag, rates, lo, hi, warm), axis=1)


def optimal_discriminator(mu, mu_star, warm=None):
    """E*(μ) = {x : p*(x) > p_μ(x)} as (l₁,r₁,l₂,r₂); unbounded ends are ±FAR, empty parts sit at FAR.

    With roots t₁<t₂<t₃ and t₀=−∞, t₄=+∞ the sign of h alternates between roots, so the positive set
    is (t₀,t₁)∪(t₂,t₃) if h > 0 far left, else (t₁,t₂)∪(t₃,t₄).
    """
    mu, mu_star = np.asarray(mu, np.float64), np.asarray(mu_star, np.float64)
    roots = density_gap_roots(mu, mu_star, warm)
    roots = np.where(np.isnan(roots), FAR, roots)
    t = np.concatenate([np.full((len(mu), 1), -FAR), roots, np.full((len(mu), 1), FAR)], axis=1)
    positive_left = _sign_far_left(mu, mu_star) > 0
    return np.where(positive_left[:, None], t[:, 0:4], t[:, 1:5])


def total_variation(mu, mu_star):
    """TV(p*, p_μ) = max_E F(μ, E) = F(μ, E*(μ))."""
    return objective(mu, mu_star, optimal_discriminator(mu, mu_star))
