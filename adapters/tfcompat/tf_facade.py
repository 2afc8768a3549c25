"""The ``tensorflow`` that legacy modules import: a facade over ``tf.compat.v1``.

Legacy ``import tensorflow as tf`` (and ``from tensorflow.contrib.layers
import ...``) get facade modules; every other module keeps the real
``tensorflow``, whose attributes are never changed. A facade module shows its
own overrides (legacy names and signatures, the rebuilt contrib.layers, 0.12
flags, slot-safe optimizers) and forwards everything else to the matching
``tf.compat.v1`` module, then to real submodules (``tf.python...``).

``v1_behavior`` is the one process-wide switch: graph mode cannot be scoped
to some modules, so the first legacy ``import tensorflow`` calls
``tf.compat.v1.disable_v2_behavior()`` (as TF's own migration guide does).

``$ARH_TFCOMPAT_GRAPH_SEED=N`` (opt-in, off by default) sets the graph-level
seed of the default graph when the facade is built, i.e. before legacy code
creates any op. Ops without their own seed then get a seed derived from N and
their creation order, so two processes that build the same graph in the same
order draw the same random numbers (e.g. SEGAN's unseeded ``tf.random_normal``
z). Graphs the legacy code makes itself (``tf.Graph()``) are not seeded.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any, Dict, FrozenSet, Optional, Sequence

from . import audit_log as audit

_V2_DISABLED = False
ENV_GRAPH_SEED = "ARH_TFCOMPAT_GRAPH_SEED"
CONTRIB_PROVIDED = "tensorflow.contrib.layers (batch_norm, fully_connected, flatten, conv2d, xavier_initializer, ...)"


class FacadeModule(types.ModuleType):
    """A module with its own attributes, falling back to ``fallback`` then to real submodules."""

    def __init__(self, name: str, fallback: Optional[types.ModuleType], real_name: str, doc: str = ""):
        super().__init__(name, doc)
        self.__dict__["_tfc_fallback"] = fallback
        self.__dict__["_tfc_real_name"] = real_name

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        fallback = self.__dict__["_tfc_fallback"]
        if fallback is not None:
            try:
                return getattr(fallback, attr)
            except AttributeError:
                pass
        real = sys.modules.get(self.__dict__["_tfc_real_name"] + "." + attr)
        if real is not None:
            return real
        raise AttributeError(
            "module {!r} has no attribute {!r} (legacy code sees tf.compat.v1 of TensorFlow {} through "
            "tfcompat; a TF 0.12 name missing here needs a remedy in adapters/tfcompat)".format(
                self.__name__, attr, _tf_version()
            )
        )

    def __dir__(self):
        names = set(self.__dict__)
        fallback = self.__dict__["_tfc_fallback"]
        if fallback is not None:
            names |= set(dir(fallback))
        return sorted(n for n in names if not n.startswith("_tfc_"))


def _real_contrib(name: str) -> Optional[types.ModuleType]:
    """``tensorflow.contrib.<name>`` where it still exists (TF 1.x), else None."""
    if not _tf_version().startswith("1."):
        return None
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


class ContribModule(FacadeModule):
    """``tensorflow.contrib``: the rebuilt ``layers``; other parts from TF 1.x's own contrib or a clear error."""

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        real = _real_contrib("tensorflow.contrib." + attr)
        if real is not None:
            return real
        raise AttributeError(
            "tensorflow.contrib.{} was removed in TensorFlow 2 and tfcompat does not rebuild it; "
            "it provides {}".format(attr, CONTRIB_PROVIDED)
        )


def graph_seed_from_env(environ: Optional[Dict[str, str]] = None) -> Optional[int]:
    """The integer in ``$ARH_TFCOMPAT_GRAPH_SEED``, or None when unset or empty."""
    import os

    raw = (os.environ if environ is None else environ).get(ENV_GRAPH_SEED, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValueError("${} must be an integer graph seed, got {!r}; unset it to leave the graph "
                         "unseeded".format(ENV_GRAPH_SEED, raw)) from None


def _tf_version() -> str:
    tf = sys.modules.get("tensorflow")
    return getattr(tf, "__version__", "?")


class Facade:
    """The facade modules of one activation, keyed by the names legacy code imports."""

    def __init__(self, disabled: FrozenSet[str], flags_module: Optional[types.ModuleType],
                 app_module: Optional[types.ModuleType]):
        global _V2_DISABLED
        import tensorflow as tf

        v1 = tf.compat.v1
        if "v1_behavior" not in disabled and not _V2_DISABLED:
            v1.disable_v2_behavior()
            _V2_DISABLED = True
            audit.applied("v1_behavior", place="process: tf.compat.v1.disable_v2_behavior()")
        seed = graph_seed_from_env()
        if seed is not None:
            v1.set_random_seed(seed)
            audit.set_graph_seed(seed)
        self.disabled = disabled
        top = FacadeModule("tensorflow", v1, "tensorflow", "TensorFlow as TF 0.12 code expects it (tfcompat).")
        top.__dict__["__version__"] = tf.__version__
        train = FacadeModule("tensorflow.train", v1.train, "tensorflow.train")
        nn = FacadeModule("tensorflow.nn", v1.nn, "tensorflow.nn")
        top.__dict__.update(train=train, nn=nn)
        self.modules: Dict[str, types.ModuleType] = {"tensorflow": top, "tensorflow.train": train, "tensorflow.nn": nn}

        from . import tf_legacy_ops as legacy

        if "tf_renamed_apis" not in disabled:
            top.__dict__.update(legacy.renamed(legacy.RENAMED))
            train.__dict__.update(legacy.renamed(legacy.TRAIN_RENAMED))
        if "concat_old_order" not in disabled:
            top.__dict__["concat"] = legacy.concat
        if "split_old_order" not in disabled:
            top.__dict__["split"] = legacy.split
        if "reverse_dims_mask" not in disabled:
            top.__dict__["reverse"] = legacy.reverse
        if "xent_positional" not in disabled:
            nn.__dict__.update(legacy.NN_XENT)
        if "optimizer_slot_reuse" not in disabled:
            from .optimizer_slots import optimizer_classes

            train.__dict__.update(optimizer_classes())
        if "flags_argparse" not in disabled and flags_module is not None and app_module is not None:
            top.__dict__.update(app=app_module, flags=flags_module)
            self.modules.update({"tensorflow.app": app_module, "tensorflow.app.flags": app_module.flags,
                                 "tensorflow.flags": flags_module})
        contrib = ContribModule("tensorflow.contrib", None, "tensorflow.contrib")
        if "contrib_layers" not in disabled:
            from . import contrib_layers

            contrib.__dict__["layers"] = contrib_layers
            self.modules["tensorflow.contrib.layers"] = contrib_layers
        top.__dict__["contrib"] = contrib
        self.modules["tensorflow.contrib"] = contrib
        self.top = top

    def module_for(self, name: str) -> Any:
        """The module legacy code gets for ``import <name>`` (facade, tf.compat.v1 part, or real)."""
        if name in self.modules:
            return self.modules[name]
        if name.startswith("tensorflow.contrib."):
            real = _real_contrib(name)
            if real is not None:
                return real
            raise ImportError(
                "No module named {!r}: tensorflow.contrib was removed in TensorFlow 2; tfcompat provides {}".format(
                    name, CONTRIB_PROVIDED
                )
            )
        obj: Any = self.top
        for part in name.split(".")[1:]:
            obj = getattr(obj, part, None)
            if not isinstance(obj, types.ModuleType):
                break
        else:
            return obj
        try:
            return importlib.import_module(name)
        except ImportError as exc:
            raise ImportError(
                "No module named {!r} in TensorFlow {} (legacy code sees tf.compat.v1 through tfcompat): {}".format(
                    name, _tf_version(), exc
                )
            ) from exc

    def import_(self, name: str, fromlist: Sequence[str]) -> Any:
        """What ``__import__(name, fromlist=...)`` returns for a legacy module."""
        module = self.module_for(name)
        if not fromlist:
            return self.top
        for attr in fromlist:
            if attr == "*" or hasattr(module, attr):
                continue
            sub = name + "." + attr
            try:
                submodule = self.module_for(sub)
            except ImportError:
                raise ImportError(
                    "cannot import name {!r} from {!r} (TensorFlow {} via tfcompat)".format(attr, name, _tf_version())
                ) from None
            if isinstance(module, FacadeModule):
                module.__dict__[attr] = submodule
        return module
