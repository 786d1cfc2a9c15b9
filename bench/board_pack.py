"""Benchmark: the demo's highways board pack (DESIGN section 7: about 2 seconds for a pack of about ten
pages), timed in one run as its two halves: writing the HTML (every area's selectors and templates) and
laying it out as a PDF with WeasyPrint. The ratio says how much of the time the PDF layout takes.

Run: ``python bench/board_pack.py``. It seeds the demo into a temporary SQLite file unless
``BENCH_DATABASE_URL`` names a database that already holds it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HIGHWAYS = "Ashcombe Highways and Property Partnership"


def main() -> None:
    sys.path.insert(0, str(ROOT))
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forbetter.settings")
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    import django

    django.setup()
    from django.core.management import call_command

    from bench._timing import best_of, report
    from forbetter.accounts.models import User
    from forbetter.partnerships.models import Partnership
    from forbetter.reports import services
    from forbetter.reports.models import PackRun
    from forbetter.reports.pdf import html_to_pdf

    call_command("migrate", verbosity=0, interactive=False)
    if not Partnership.objects.filter(name=HIGHWAYS).exists():
        call_command("seed_demo", verbosity=0)
    partnership = Partnership.objects.get(name=HIGHWAYS)
    user = User.objects.get(email="editor@ashcombe.example")
    run = PackRun(partnership=partnership, requested_by=user)  # unsaved: its progress updates touch no row
    html = services.board_pack_html(run)
    pages = html_to_pdf(html).pages  # warms the fonts
    html_s = best_of(lambda: services.board_pack_html(run), 3)
    pdf_s = best_of(lambda: html_to_pdf(html), 3)
    report("board_pack_html_vs_pdf", html_s, pdf_s, {"pages": pages, "total_s": round(html_s + pdf_s, 3)})


if __name__ == "__main__":
    main()
