"""The one exception the calculation engine raises for bad input."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input to a calculation, naming the field at fault.

    ``field`` is a dotted path into the input (``options[1].lines[0].values``) so that the command line can
    print it on one line and a web form can attach the message to the right field.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")
