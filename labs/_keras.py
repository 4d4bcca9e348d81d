"""Importing Keras quietly and deterministically: the one place models, pretrained, environment and checks use."""

import contextlib
import functools
import os
import sys


@contextlib.contextmanager
def silenced_stderr():
    """Send file descriptor 2 to /dev/null: TensorFlow's C++ start-up chatter goes there."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


@functools.cache
def import_keras():
    """Import Keras (and TensorFlow) without the CUDA-not-found messages of a CPU machine; return keras.

    Also makes TensorFlow's operations deterministic, so a seeded training repeats exactly. The set-up runs
    once: a function may call this on every use (switching determinism on again costs TensorFlow time).
    """
    with silenced_stderr():
        import keras
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")
        tf.config.experimental.enable_op_determinism()
        # Looking for GPUs here (not at the first operation later) keeps the
        # "no CUDA driver" message of a CPU laptop out of notebook outputs.
        tf.config.list_physical_devices()
    return keras
