"""Adapters: each model the harness can run, behind one interface (``core.adapter.Adapter``).

``ADAPTERS`` is the only list of adapter names: "name" -> "module:Class".
Modules are imported only when their adapter is used; none imports a
framework at module level.
"""

from __future__ import annotations

ADAPTERS: dict[str, str] = {
    "identity": "adapters.baselines.identity:Identity",
    "wiener": "adapters.baselines.wiener:Wiener",
    "bandext": "adapters.baselines.bandwidth:BandExtension",
    "segan-tf": "adapters.segan_tf.adapter:SeganTF",
    "segan-pt": "adapters.segan_pt.adapter:SeganPT",
    "kim-resnet": "adapters.kim_sr.adapter:KimResNet",
    "kim-drrn": "adapters.kim_sr.adapter:KimDRRN",
    "kim-proposed": "adapters.kim_sr.adapter:KimProposed",
}
