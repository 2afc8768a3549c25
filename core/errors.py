"""Exceptions the harness raises for problems a user can fix."""


class ArhError(Exception):
    """A problem with input, configuration or environment; the message says what to do."""


class UnknownNameError(ArhError, KeyError):
    """A name that is not registered; the message lists what exists."""

    def __str__(self) -> str:  # KeyError quotes its argument; we want the plain sentence
        return str(self.args[0]) if self.args else ""


class AudioError(ArhError):
    """An audio file or signal that cannot be used (empty, NaN, unreadable, ...)."""

    def __init__(self, path, problem: str, fix: str = ""):
        self.path = str(path)
        self.problem = problem
        self.fix = fix
        msg = f"{self.path}: {problem}"
        if fix:
            msg += f" ({fix})"
        super().__init__(msg)
