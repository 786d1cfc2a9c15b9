"""The ForBetter calculation engine: numbers in, numbers out.

Nothing under this package imports Django (a test enforces it), so the same figures come out of the web
pages, the PDF, the API and the ``forbetter`` command line.
"""
