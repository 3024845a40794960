"""The ``quartierskompass`` console command.

Every subcommand is a Django management command, so ``quartierskompass demo`` and
``python manage.py demo`` do the same. ``quartierskompass`` alone lists the commands of our
own with a one-line description.
"""

from __future__ import annotations

import os
import sys

OWN_COMMANDS = {
    "serve": "Start the web server (gunicorn).",
    "demo": "Create or refresh the demo Quartier with one login per role.",
    "check": "Check the installation (add --deploy for production settings).",
    "matrix": "Print the SONI matrix of a project or programme (--json for one object).",
    "import-activities": "Import activities from an XLSX or CSV file.",
    "export-activities": "Export a project's activities (or the template) as XLSX or CSV.",
    "import-areas": "Import areas (GeoJSON) with their hierarchy.",
    "import-indicators": "Import social indicators from a statistics table (CSV/XLSX).",
    "import-actors": "Import actors and ties (Kumu XLSX/CSV or GraphML).",
    "export-network": "Export a project's network as XLSX (Kumu), CSV or GraphML.",
    "import-hsds": "Import offers from HSDS 3.0 or 1.1 (Open Referral).",
    "export-hsds": "Export a project's published offers as HSDS 3.0.",
    "recommend": "Recommendations for a project from its matrix, network, needs, workshops.",
    "synth": "Generate synthetic church-wide data for benchmarks.",
    "migrate": "Create or update the database tables.",
    "createsuperuser": "Create an administrator account.",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quartierskompass.settings")
    if len(argv) < 2 or argv[1] in {"-h", "--help"}:
        print("Quartierskompass – usage: quartierskompass <command> [options]\n")
        for name, text in OWN_COMMANDS.items():
            print(f"  {name:<16} {text}")
        print("\nEvery Django management command works too; `quartierskompass help` lists them.")
        return
    from django.core.management import execute_from_command_line

    argv[0] = "quartierskompass"
    execute_from_command_line(argv)
