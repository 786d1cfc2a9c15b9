"""The old home of the KPI and payment builders, kept for the permission-matrix modules that still import
from it; everything else imports from tests/factories.py. Delete once those modules import from there."""

from tests.factories import PDF, make_kpi, make_kpi_return, make_payment_mechanism

make_return = make_kpi_return
make_mechanism = make_payment_mechanism

__all__ = ["PDF", "make_kpi", "make_mechanism", "make_return"]
