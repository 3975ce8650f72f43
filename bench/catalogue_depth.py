"""How complete the published catalogue is, fact by fact, measured on its own export.

    .venv/bin/python bench/catalogue_depth.py

Loads the real data into the bench database (see common.py), exports the catalogue as
JSON with `export_catalogue`, and prints, for the published procedures, the share that
states each fact the national procedure database lists, the share citing an official or
legal-text source, and the records still missing one.
"""

import json
import re

from common import setup_django

GENERATED = "bench generator"

OFFICIAL = re.compile(
    r"https?://([a-z0-9-]+\.)*(gov\.vn|chinhphu\.vn|vbpl\.vn|thuvienphapluat\.vn|"
    r"luatvietnam\.vn|lawnet\.vn|quochoi\.vn)(/|$)"
)


def facts(row: dict) -> dict[str, bool]:
    listed = {name: json.loads(row[name] or "[]") for name in ("documents", "costs", "steps")}
    legal = json.loads(row["legal_basis"] or "[]")
    return {
        "required documents": bool(listed["documents"]),
        "processing time (working days)": row["processing_days"] not in (None, "")
        or row["same_day_cutoff"] in (True, 1, "1"),
        "costs (free or an amount)": any(
            cost["is_free"] or cost["amount_vnd"] is not None for cost in listed["costs"]
        ),
        "costs (any statement)": bool(listed["costs"]),
        "legal basis": bool(legal),
        "legal basis with article": any(rule["article"] for rule in legal),
        "online level": bool(row["online_level"]),
        "steps": bool(listed["steps"]),
        "procedure code": bool(row["code"]),
        "code checked on a gov.vn page": row["code_verified"] in (True, 1, "1"),
        "link to the national portal": bool(row["national_portal_url"]),
        "moved_from_district settled": row["moved_from_district"] in ("yes", "no", "both"),
        "an official or legal-text source": any(
            OFFICIAL.match(line.strip()) for line in row["source"].splitlines()
        ),
    }


def main() -> None:
    setup_django()
    from procedures.catalogue_io import catalogue_export

    # procedures.py adds generated variants to the same bench database: leave them out.
    exported = json.loads(catalogue_export(file_format="json"))
    rows = [r for r in exported if r["status"] == "published" and r["source"] != GENERATED]
    table = [facts(row) for row in rows]
    print(f"published procedures: {len(rows)}")
    for name in table[0]:
        count = sum(entry[name] for entry in table)
        print(f"  {name:36} {count:4}/{len(rows)}  {100 * count / len(rows):5.1f}%")
    missing = [
        row["slug"]
        for row, entry in zip(rows, table, strict=True)
        if not entry["an official or legal-text source"]
    ]
    print(f"without an official or legal-text source ({len(missing)}):")
    for slug in missing:
        print(f"  {slug}")


if __name__ == "__main__":
    main()
