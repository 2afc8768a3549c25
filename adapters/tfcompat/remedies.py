"""The named remedies of the compat layer, and how a user switches some off.

Every automatic change the layer makes to legacy code or to the API that code
sees has a name here. A name can be switched off for diagnosis with
``ARH_TFCOMPAT_DISABLE=old_div,flags_argparse`` or ``activate(..., disable=...)``;
the audit (``audit.py``) counts each by the same name.

``kind`` says how a wrong guess would show: ``syntax`` (Python 2 syntax that
would not compile), ``runtime`` (an error at run time), ``silent`` (a wrong
value, no error), ``ambiguous`` (the layer guesses from the arguments).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Dict, FrozenSet, Iterable, NamedTuple

ENV_DISABLE = "ARH_TFCOMPAT_DISABLE"


class Remedy(NamedTuple):
    name: str
    kind: str
    what: str


def _table(*rows: Remedy) -> "OrderedDict[str, Remedy]":
    return OrderedDict((r.name, r) for r in rows)


REMEDIES: Dict[str, Remedy] = _table(
    # Python 2 syntax, fixed on tokens before parsing.
    Remedy("print_statement", "syntax", "`print x, y` / `print >>f, x` become print() calls"),
    Remedy("except_comma", "syntax", "`except E, e:` becomes `except E as e:`"),
    Remedy("raise_comma", "syntax", "`raise E, msg[, tb]` becomes `raise E(msg)[.with_traceback(tb)]`"),
    Remedy("exec_statement", "syntax", "`exec code in ns` becomes exec(code, ns)"),
    Remedy("octal_literal", "syntax", "`0777` becomes `0o777`"),
    Remedy("long_literal", "syntax", "`10L` becomes `10`"),
    Remedy("backticks", "syntax", "`x` (backticks) becomes repr(x)"),
    Remedy("ne_operator", "syntax", "`<>` becomes `!=`"),
    Remedy("ur_prefix", "syntax", "ur'...' strings become r'...'"),
    Remedy("tab_indent", "syntax", "indentation mixing tabs and spaces is expanded (tab = 8 columns)"),
    # Python 2 semantics, fixed on the syntax tree or by legacy-only builtins.
    Remedy("old_div", "silent", "`a / b` floors when both are integers (Python 2 classic division)"),
    Remedy("py2_dict_methods", "runtime", "d.iteritems()/iterkeys()/itervalues()/has_key()/view*() on Python 3 dicts"),
    Remedy("dict_views_as_lists", "runtime", "d.keys()/values()/items() return lists, as in Python 2"),
    Remedy("ndarray_tostring", "runtime", "ndarray.tostring() (removed in numpy 2) calls tobytes()"),
    Remedy("numpy_size1_assign", "runtime", "x[i] = a with a size-1 array a stores its element (numpy < 1.25 did; numpy 2 raises)"),
    Remedy("py2_builtins", "runtime", "xrange, unicode, basestring, long, raw_input, unichr, reduce, file, cmp, ..."),
    Remedy("list_builtins", "runtime", "map/zip/filter return lists, as in Python 2"),
    Remedy("py2_round", "silent", "round() rounds halves away from zero and returns a float, as in Python 2"),
    Remedy("py2_stdlib_names", "runtime", "cPickle, Queue, ConfigParser, StringIO, itertools.izip, ... resolve"),
    Remedy("implicit_relative_import", "runtime", "`import sibling` inside a legacy package finds the sibling"),
    # TensorFlow 0.12 / 1.x API.
    Remedy("tf_facade", "runtime", "legacy `import tensorflow` gets a facade over tf.compat.v1"),
    Remedy("v1_behavior", "runtime", "graph mode, v1 shapes and variables (tf.compat.v1.disable_v2_behavior)"),
    Remedy("tf_renamed_apis", "runtime", "tf.sub/mul/neg/pack/unpack/select/*_summary/initialize_all_variables/SummaryWriter, ..."),
    Remedy("concat_old_order", "ambiguous", "tf.concat(dim, values) (TF <= 0.12 argument order)"),
    Remedy("split_old_order", "ambiguous", "tf.split(split_dim, num_split, value) (TF <= 0.12 argument order)"),
    Remedy("reverse_dims_mask", "ambiguous", "tf.reverse(x, [False, True]) boolean mask (TF <= 0.12; TF 2 silently reads it as axes [0, 1])"),
    Remedy("xent_positional", "silent", "tf.nn.*cross_entropy_with_logits(logits, labels) positional (TF <= 0.12; TF 2 reads (labels, logits))"),
    Remedy("contrib_layers", "silent", "tensorflow.contrib.layers rebuilt with TF 0.12 names and defaults"),
    Remedy("optimizer_slot_reuse", "runtime", "optimizer slots created under a reuse_variables() scope"),
    Remedy("flags_argparse", "silent", "tf.app.flags with TF 0.12 argparse semantics (`--flag False` is False)"),
    Remedy("wavfile_float_rate", "runtime", "scipy.io.wavfile.write(path, 16e3, x) accepts an integral float rate"),
)


class UnknownRemedyError(ValueError):
    """A remedy name that does not exist; the message lists the names that do."""


def check_names(names: Iterable[str], source: str) -> FrozenSet[str]:
    """Validate remedy names (from ``source``, for the message); return them as a set."""
    import difflib

    out = set()
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        if name not in REMEDIES:
            close = difflib.get_close_matches(name, list(REMEDIES), n=2, cutoff=0.5)
            hint = "Did you mean {}? ".format(" or ".join(repr(c) for c in close)) if close else ""
            raise UnknownRemedyError(
                "Unknown tfcompat remedy {!r} in {}. {}Available: {}.".format(
                    name, source, hint, ", ".join(REMEDIES)
                )
            )
        out.add(name)
    return frozenset(out)


def disabled_set(disable: Iterable[str] = (), environ: "Dict[str, str] | None" = None) -> FrozenSet[str]:
    """Remedies switched off: the ``disable`` argument plus ``$ARH_TFCOMPAT_DISABLE``."""
    env = os.environ if environ is None else environ
    from_env = check_names(env.get(ENV_DISABLE, "").split(","), "$" + ENV_DISABLE)
    return from_env | check_names(disable, "the disable argument")
