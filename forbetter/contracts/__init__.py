"""JSON contracts of the ``forbetter`` command (DESIGN section 6).

Each module turns a decoded JSON document into engine calls and back into a JSON-ready dict. They check the
shape of the input and raise :class:`forbetter.calc.errors.InputError` naming the field on anything wrong.
"""
