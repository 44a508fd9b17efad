"""The feature space of the Fréchet distance: a small classifier trained on the real images.

Heusel et al. use Inception features; with no network at run time (and 8×8 digits) we train an MLP
classifier per dataset, deterministically, and read its penultimate ReLU layer. The trained weights are
saved as plain arrays, and features are computed by a NumPy forward pass (no TensorFlow needed).
"""

from __future__ import annotations

import numpy as np


def train_classifier(
    images: np.ndarray, labels: np.ndarray, settings: dict, seed: int, label: str = "E4 classifier"
) -> dict:
    """Fit input → hidden → features → softmax; return weights and held-out accuracy (one progress line
    per epoch: training loss and accuracy)."""
    import keras

    from gantheory.backend import enable_determinism
    from gantheory.models.optimizers import AdamSettings
    from gantheory.progress import Progress
    from gantheory.seeding import derive_seed

    enable_determinism(derive_seed(seed, "e4", "classifier"), settings.get("threads", 1))
    x = images.reshape(len(images), -1).astype(np.float32)
    y = labels.astype(np.int64)
    order = np.random.default_rng(derive_seed(seed, "e4", "classifier-split")).permutation(len(x))
    n_test = max(1, int(round(settings["test_fraction"] * len(x))))
    test, train = order[:n_test], order[n_test:]
    model = keras.Sequential(
        [
            keras.Input((x.shape[1],)),
            keras.layers.Dense(settings["hidden"], activation="relu"),
            keras.layers.Dense(settings["features"], activation="relu"),
            keras.layers.Dense(int(y.max()) + 1),
        ]
    )
    model.compile(
        optimizer=AdamSettings(settings["learning_rate"]).build(),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    progress = Progress(settings["epochs"], label)

    class EpochLine(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            progress.update(1)
            progress.log(epoch + 1, {f"train {k}": float(v) for k, v in logs.items() if k in ("loss", "accuracy")})

    model.fit(
        x[train],
        y[train],
        epochs=settings["epochs"],
        batch_size=settings["batch_size"],
        verbose=0,
        shuffle=True,
        callbacks=[EpochLine()],
    )
    progress.close()
    accuracy = float(model.evaluate(x[test], y[test], verbose=0)[1])
    progress.log(settings["epochs"], {"held-out accuracy": accuracy})
    weights = {f"w{i}": w for i, w in enumerate(model.get_weights())}
    return {"weights": weights, "test_accuracy": accuracy, "n_train": len(train), "n_test": len(test)}


def classifier_features(weights: dict, images: np.ndarray) -> np.ndarray:
    """Penultimate-layer activations (float64) of the saved classifier for a batch of images."""
    x = np.asarray(images, np.float64).reshape(len(images), -1)
    hidden = np.maximum(x @ weights["w0"] + weights["w1"], 0.0)
    return np.maximum(hidden @ weights["w2"] + weights["w3"], 0.0)
