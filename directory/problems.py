"""Why a package is refused: French sentences naming the file, row and column, and how to fix them."""

from __future__ import annotations

MAX_ERRORS = 200


class PackageError(Exception):
    """A refused package: ``messages`` lists every problem, in French (rows numbered as in a spreadsheet)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


class Problems:
    """The problems found so far; past ``MAX_ERRORS``, one last message says that the check stopped."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.stopped = False
        """True once ``MAX_ERRORS`` problems were recorded and the check stopped."""

    def add(self, message: str) -> None:
        """Record one problem (ignored once the check has stopped)."""
        if len(self.messages) < MAX_ERRORS:
            self.messages.append(message)
        elif not self.stopped:
            self.messages.append(f"Plus de {MAX_ERRORS} problèmes : la vérification s'arrête ici. "
                                 "Corrigez-les et recommencez.")
            self.stopped = True

    def raise_any(self) -> None:
        """Raise ``PackageError`` with every problem, if there is one."""
        if self.messages:
            raise PackageError(self.messages)
