"""Memory of refusing a zip bomb uploaded as evidence, measured in a fresh process (issue 10 item 4).

    .venv/bin/python bench/zip_bomb.py [MEGABYTES]

Builds an ODS whose ``mimetype`` part expands to MEGABYTES (default 400) and, in a child process each,
(a) checks it with ``check_evidence_file`` (declared sizes, no expansion) and (b) expands the part the way
the old check did (``ZipFile.read``), reporting the peak resident memory (``ru_maxrss``) each added to the
process after Django was loaded.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import zipfile

MB = 1024 * 1024
CHILD = """
import io, os, resource, sys, zipfile
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forbetter.settings")
import django
django.setup()
from forbetter.performance.uploads import EvidenceFileError, check_evidence_file
content = open(sys.argv[2], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if sys.argv[1] == "check":
    try:
        check_evidence_file("bomb.ods", len(content), io.BytesIO(content))
        outcome = "accepted"
    except EvidenceFileError as error:
        outcome = str(error)
else:
    outcome = f"expanded {len(zipfile.ZipFile(io.BytesIO(content)).read('mimetype')) // 2**20} MB"
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{(after - before) / 1024:.1f}\\t{after / 1024:.1f}\\t{outcome}")
"""


def bomb(megabytes: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("mimetype", "w") as handle:
            handle.write(b"application/vnd.oasis.opendocument.spreadsheet")
            for _ in range(megabytes):
                handle.write(b" " * MB)
        archive.writestr("content.xml", b"<x/>")
    return buffer.getvalue()


def main() -> None:
    megabytes = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    content = bomb(megabytes)
    with tempfile.NamedTemporaryFile(suffix=".ods", delete=False) as handle:
        handle.write(content)
    try:
        print(f"bomb: {len(content):,} bytes stored, {megabytes} MB declared and real")
        for mode in ("check", "expand"):
            line = subprocess.run(
                [sys.executable, "-c", CHILD, mode, handle.name], capture_output=True, text=True, check=True
            ).stdout.strip()
            added, peak, outcome = line.split("\t")
            print(f"{mode:>6}: peak RSS +{added} MB (process peak {peak} MB): {outcome}")
    finally:
        os.unlink(handle.name)


if __name__ == "__main__":
    main()
