"""The one optimiser settings type: every Adam in the package is built from an `AdamSettings`."""

from __future__ import annotations

from dataclasses import dataclass

import keras


@dataclass(frozen=True)
class AdamSettings:
    """Adam's step size (a number or a Keras schedule) and averaging rates (Keras' defaults unless given);
    `ema_decay` also keeps an exponential moving average of the weights (Keras `use_ema`), read for evaluation."""

    learning_rate: object
    beta_1: float = 0.9
    beta_2: float = 0.999
    ema_decay: float | None = None

    def build(self) -> keras.optimizers.Adam:
        ema = {} if self.ema_decay is None else {"use_ema": True, "ema_momentum": self.ema_decay}
        return keras.optimizers.Adam(self.learning_rate, beta_1=self.beta_1, beta_2=self.beta_2, **ema)
