"""What differs between the two Keras backends the engine runs on (TensorFlow, the default, and JAX).

Keras 3 shares models, layers, `keras.ops` and optimisers between backends; it does not share how a
gradient is taken, how a chunk of training steps is compiled, or how a stateless random draw is keyed.
Those three live here and nowhere else. The backend is Keras' own (`KERAS_BACKEND`, which the workflow
sets for each job from the config's `backend`), read once at import.

- TensorFlow keeps the engine's stateful form: variables updated in place inside one `tf.function`,
  gradients from `tf.GradientTape` — exactly the computation the committed figures came from.
- JAX runs the same step code purely: inside `jax.jit` every variable is read and written through a
  `keras.StatelessScope`, a `lax.fori_loop` carries their values, and nothing is mutated until the
  chunk ends; gradients come from `jax.value_and_grad` over the values in that scope.
Random draws are keyed by (key, counter) on both, so a run is a pure function of its seed; the two
backends' streams differ (TF's Philox vs JAX's threefry), so their numbers do too — not their laws.
TensorFlow is imported only on the TensorFlow backend: the JAX route runs where TF is not installed.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import keras
import numpy as np

NAME = keras.backend.backend()
BACKENDS = ("tensorflow", "jax")
if NAME not in BACKENDS:
    raise ImportError(f"KERAS_BACKEND must be one of {BACKENDS}, got {NAME!r}")

if NAME == "tensorflow":
    import tensorflow as tf
else:
    import jax
    from keras.src.backend.common.stateless_scope import get_stateless_scope


def enable_determinism(seed: int, threads: int) -> None:
    """Seed Python, NumPy and the backend through Keras and fix the threads a result may depend on.

    TensorFlow fixes its thread pools when it starts: a second run in one process (tests) goes on only
    if the pools it has are the ones asked for, and is refused by name otherwise. XLA's CPU client reads
    its flags when it starts, so on JAX this must run before the first computation."""
    if NAME == "jax":
        if threads == 1:
            flags = os.environ.get("XLA_FLAGS", "")
            if "xla_cpu_multi_thread_eigen" not in flags:
                os.environ["XLA_FLAGS"] = f"{flags} --xla_cpu_multi_thread_eigen=false".strip()
        keras.utils.set_random_seed(seed)
        return
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:
        have = tf.config.threading.get_intra_op_parallelism_threads()
        if have != threads:
            raise ValueError(f"TensorFlow already runs {have} threads in this process; asked for {threads}") from None


def enable_float64() -> None:
    """Let float64 models compute in float64 (E1's PRG generators: their ramps are δ wide). TensorFlow
    always can; JAX computes in 32 bits unless told before its first computation, and is told only in
    the jobs that need it, so every other job's numbers stay those of 32-bit JAX."""
    if NAME == "jax":
        jax.config.update("jax_enable_x64", True)


# --- state -------------------------------------------------------------------------------------------
def state_variable(value, dtype: str, name: str):
    """A non-trainable variable of the engine's own state (a step counter, the last losses). JAX runs
    32-bit unless a job enables float64 (E1): an int64 counter is int32 there either way, enough for 2³¹
    draws, so a checkpoint's counter has one dtype per backend."""
    if NAME == "tensorflow":
        return tf.Variable(value, dtype=dtype, trainable=False, name=name)
    return keras.Variable(value, dtype="int32" if dtype == "int64" else dtype, trainable=False, name=name)


# --- stateless random draws, keyed by (key, counter) ---------------------------------------------------
def seed(key: int, counter):
    """The seed of one draw: a run's `key` (31 bits, seeding.derive_seed) and a counter value."""
    if NAME == "tensorflow":
        return tf.stack([tf.constant(key, tf.int64), tf.cast(counter, tf.int64)])
    return jax.random.fold_in(jax.random.key(key), counter)


def normal(shape, draw_seed, dtype: str = "float32"):
    if NAME == "tensorflow":
        return tf.random.stateless_normal(shape, draw_seed, dtype=dtype)
    return jax.random.normal(draw_seed, shape, dtype=dtype)  # dtype named: with 64 bits on, JAX's default is 64


def uniform(shape, draw_seed, minval: float = 0.0, maxval: float = 1.0):
    """U[minval, maxval) float32s."""
    if NAME == "tensorflow":
        return tf.random.stateless_uniform(shape, draw_seed, minval=minval, maxval=maxval)
    return jax.random.uniform(draw_seed, shape, dtype="float32", minval=minval, maxval=maxval)


def split(draw_seed, count: int) -> list:
    """`count` independent seeds from one: draws that need several streams from one counter value."""
    if NAME == "tensorflow":
        return tf.unstack(tf.random.experimental.stateless_split(draw_seed, count))
    return list(jax.random.split(draw_seed, count))


def indices(shape, draw_seed, count: int):
    """Uniform integers in [0, count): rows of a dataset drawn with replacement."""
    if NAME == "tensorflow":
        return tf.random.stateless_uniform(shape, draw_seed, maxval=tf.constant(count, tf.int64), dtype=tf.int64)
    return jax.random.randint(draw_seed, shape, 0, count, dtype="int32")


class CounterStream:
    """The one stateless random stream every trained GAN draws from: each draw takes the next counter value.

    The counter is a variable a checkpoint saves, and all the random state there is: a resumed run draws
    exactly what the uninterrupted one would have."""

    def __init__(self, key: int):
        self.key = key
        self.counter = state_variable(0, "int64", "rng_counter")

    def next_seed(self):
        # On TF, assign_add's own result: a separate read is not ordered after the increment in a graph.
        return seed(self.key, self.counter.assign_add(1))


# --- gradients -----------------------------------------------------------------------------------------
def gradients(loss_fn: Callable, variables: list):
    """(gradients of the sum of `loss_fn()`'s per-seed losses w.r.t. `variables`, those losses).

    Seeds share no parameter, so the sum's gradient is per seed. On JAX this runs inside the scope of
    `compile_steps`; variables other than `variables` that `loss_fn` writes (a random counter) keep their
    new values."""
    if NAME == "tensorflow":
        with tf.GradientTape() as tape:
            losses = loss_fn()
            total = tf.reduce_sum(losses)
        return tape.gradient(total, variables), losses
    outer = get_stateless_scope()
    ids = [id(v) for v in variables]

    def total(values):
        with keras.StatelessScope() as inner:
            inner.state_mapping = {**outer.state_mapping, **dict(zip(ids, values, strict=True))}
            losses = loss_fn()
        written = {k: v for k, v in inner.state_mapping.items() if k not in ids and v is not outer.state_mapping.get(k)}
        return keras.ops.sum(losses), (losses, written)

    values = [outer.state_mapping[i] for i in ids]
    (_, (losses, written)), grads = jax.value_and_grad(total, has_aux=True)(values)
    outer.state_mapping.update(written)
    return grads, losses


def input_gradient(fn: Callable, inputs):
    """∂(sum of fn(inputs))/∂inputs — the gradient a critic's penalty reads (differentiable again)."""
    if NAME == "tensorflow":
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            outputs = fn(inputs)
        return tape.gradient(outputs, inputs)
    return jax.grad(lambda x: keras.ops.sum(fn(x)))(inputs)


# --- compiled chunks of steps --------------------------------------------------------------------------
def compile_steps(step: Callable[[], None], state: list, jit_compile: bool = False) -> Callable[[int], None]:
    """A function advancing `steps` calls of `step()`: Python wakes up only between chunks.

    `state`: every variable `step` reads or writes that changes during training. On TensorFlow a
    `tf.function` loop updates them in place (`jit_compile`: XLA); on JAX one `jax.jit` of a
    `lax.fori_loop` carries their values and writes them back once, at the chunk's end (a variable the
    step writes that is not in `state` is an error, named, rather than an update silently lost)."""
    if NAME == "tensorflow":

        def chunk(steps):
            for _ in tf.range(steps):
                step()

        compiled = tf.function(chunk, jit_compile=jit_compile)
        return lambda steps: compiled(tf.constant(steps, tf.int64))

    known = {id(v) for v in state}

    def body(_, values):
        with keras.StatelessScope(list(zip(state, values, strict=True))) as scope:
            step()
        stray = [k for k in scope.state_mapping if k not in known]
        if stray:
            raise ValueError(f"compile_steps: the step writes {len(stray)} variable(s) not in its state")
        return [scope.get_current_value(v) for v in state]

    looped = jax.jit(lambda values, steps: jax.lax.fori_loop(0, steps, body, values))

    def run(steps: int) -> None:
        for variable, value in zip(state, looped([v.value for v in state], steps), strict=True):
            variable.assign(value)

    def step_flops() -> float:
        """XLA's count of the floating-point operations in one step (benchmarks read it)."""
        cost = jax.jit(body).lower(0, [v.value for v in state]).compile().cost_analysis()
        return float((cost[0] if isinstance(cost, list) else cost)["flops"])

    run.step_flops = step_flops
    return run


def compile_function(fn: Callable, signature: list[tuple], variables: list = ()) -> Callable:
    """`fn` compiled for repeated calls that only read models (evaluation, a fixed generator's samples).

    `signature`: one (shape, dtype) per argument (None: any length), which arguments are converted to, so
    a new Python value never recompiles on TensorFlow. On JAX the values of `variables` (the models `fn`
    reads) enter the compiled function as arguments, through a `keras.StatelessScope`, rather than being
    baked into it as constants."""
    if NAME == "tensorflow":
        compiled = tf.function(fn, input_signature=[tf.TensorSpec(shape, dtype) for shape, dtype in signature])
        dtypes = [dtype for _, dtype in signature]
        return lambda *args: compiled(*[tf.convert_to_tensor(a, d) for a, d in zip(args, dtypes, strict=True)])
    variables = list(variables)

    def pure(values, *args):
        with keras.StatelessScope(list(zip(variables, values, strict=True))):
            return fn(*args)

    jitted = jax.jit(pure)
    dtypes = [_jax_dtype(dtype) for _, dtype in signature]

    def call(*args):
        converted = [jax.numpy.asarray(a, d) for a, d in zip(args, dtypes, strict=True)]
        return jitted([v.value for v in variables], *converted)

    return call


def _jax_dtype(dtype: str) -> str:
    """64-bit integers are 32-bit unless JAX runs 64-bit (enable_float64)."""
    if dtype == "int64" and not jax.config.jax_enable_x64:
        return "int32"
    return dtype


def to_numpy(x) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(x))
