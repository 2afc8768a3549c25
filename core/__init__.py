"""arh core: datasets, degradations, metrics, runner and environments.

Nothing under ``core`` imports a machine-learning framework (torch, tensorflow,
keras); adapters are loaded lazily by name. A test asserts this.
"""

__version__ = "0.1.0"
