"""Write the trimmed copies of public datasets that govgraph bundles in data/derived/.

The product must not read ../shared at run time, so the directory loaders run on these
copies. Only datasets whose licence allows redistribution are copied (OGL v3, CC-BY-4.0);
WhatDoTheyKnow (CC-BY-SA) and the Popolo data are never bundled. Each copy keeps the
original column or field names (a subset), so one loader reads the original and the copy.

Usage: python scripts/derive_bundled.py [SHARED_DATA_DIR] [--out data/derived]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "data" / "derived"

CI_FILE = "children_care_services_2026-05-31.csv"
CI_COLUMNS = [
    "CSNumber",
    "CareService",
    "Subtype",
    "ServiceType",
    "ServiceName",
    "Service_town",
    "SP_number",
    "ServiceProvider",
    "Provided_by_Local_Authority",
    "ServiceStatus",
    "DateReg",
    "Integration_Authority_Name",
    "Council_Area_Name",
    "Health_Board_Name",
]

COUNCIL_COLUMNS = [
    "local-authority-code",
    "official-name",
    "nice-name",
    "gss-code",
    "start-date",
    "end-date",
    "nation",
    "local-authority-type-name",
    "alt-names",
    "former-gss-codes",
]

PB_FILE = "public_bodies_directory_2023_24_data.csv"
PB_COLUMNS = [
    "overall_financial_year",
    "overall_alb_name",
    "overall_copbt_uid",
    "overall_alb_short_name",
    "overall_parent_department",
    "overall_classification",
    "overall_body_numbers",
    "overall_regulator_powers",
    "overall_regional_scope",
    "overall_date_ALB_independent",
    "accountability_chair_name",
]
PB_UK_WIDE = {"UK", "UK and Overseas"}
PB_SEED_NAMED = {"Ofsted"}
"""UK bodies outside the Scottish scope filter that the seed documents name (seed 003
names Ofsted in action 'Care Inspectorate and Ofsted information sharing')."""

GOVUK_FILE = "govuk_extant_orgs.json"
GOVUK_DETAILS = ["slug", "abbreviation", "govuk_status", "closed_at"]


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, columns: Sequence[str], rows: Iterable[dict[str, str]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
            count += 1
    return count


def derive_geography(src: Path, out: Path) -> dict[str, int]:
    counts = {}
    for name in ("ca_hscp_hb_lookup.csv", "hb_lookup.csv"):
        columns, rows = read_rows(src / "scot-health-geography" / name)
        counts[name] = write_rows(out / "scot-health-geography" / name, columns, rows)
    return counts


def derive_councils(src: Path, out: Path) -> int:
    _, rows = read_rows(src / "uk-local-authorities" / "uk_local_authorities_current.csv")
    scottish = [
        r
        for r in rows
        if r["nation"] == "Scotland"
        and r["current-authority"] == "True"
        and r["gss-code"].startswith("S12")
    ]
    scottish.sort(key=lambda r: r["gss-code"])
    return write_rows(
        out / "uk-local-authorities" / "scottish_councils.csv", COUNCIL_COLUMNS, scottish
    )


def derive_care_inspectorate(src: Path, out: Path) -> int:
    _, rows = read_rows(src / "care-inspectorate-datastore" / CI_FILE)
    return write_rows(out / "care-inspectorate-datastore" / CI_FILE, CI_COLUMNS, rows)


def keep_public_body(row: dict[str, str]) -> bool:
    """Bodies whose remit reaches Scotland (regional scope names Scotland or is UK-wide),
    plus bodies the seed documents name."""
    scope = row["overall_regional_scope"]
    names = {row["overall_alb_name"], row["overall_alb_short_name"]}
    return "Scotland" in scope or scope in PB_UK_WIDE or bool(names & PB_SEED_NAMED)


def derive_public_bodies(src: Path, out: Path) -> int:
    _, rows = read_rows(src / "uk-public-bodies-directory-2023-24" / PB_FILE)
    kept = [r for r in rows if keep_public_body(r)]
    return write_rows(
        out / "uk-public-bodies-directory-2023-24" / "public_bodies_2023_24_scotland_uk.csv",
        PB_COLUMNS,
        kept,
    )


def trim_govuk(org: dict) -> dict:
    details = org.get("details") or {}
    return {
        "id": org["id"],
        "title": org["title"],
        "format": org["format"],
        "updated_at": org.get("updated_at"),
        "web_url": org.get("web_url"),
        "details": {k: details.get(k) for k in GOVUK_DETAILS},
        "parent_organisations": [{"id": p["id"]} for p in org.get("parent_organisations", [])],
    }


def derive_govuk(src: Path, out: Path) -> int:
    orgs = json.loads((src / "govuk-organisations" / GOVUK_FILE).read_text(encoding="utf-8"))
    trimmed = [trim_govuk(o) for o in orgs]
    path = out / "govuk-organisations" / "govuk_organisations.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(trimmed, ensure_ascii=False, indent=0, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")
    return len(trimmed)


ATTRIBUTION = """# Attribution for the bundled derived data

govgraph bundles trimmed copies of these public datasets, written by
`scripts/derive_bundled.py` from the workspace's `shared/data` folder. Values are unchanged;
only rows and columns were reduced as stated. Licences allow redistribution with attribution.
Datasets under share-alike or no stated licence (WhatDoTheyKnow, Scottish Parliament Popolo)
are not bundled.

## scot-health-geography/ — Public Health Scotland

- Contains public sector information licensed under the Open Government Licence v3.0 —
  Public Health Scotland ("Geography Codes and Labels",
  https://www.opendata.nhs.scot/dataset/geography-codes-and-labels).
- Origin: mirror https://github.com/Benny24aa/NHS-Open-Data-Dashboard---R-Shiny, commit
  e2d303364afd0b7d85614d0c3ab9b4ab900067f6 (2024-10-26); codes valid from 2019-04-01.
- Files: `ca_hscp_hb_lookup.csv` ({ca} rows), `hb_lookup.csv` ({hb} rows); copied unmodified.

## uk-local-authorities/scottish_councils.csv — mySociety

- "UK local authority names and codes" by mySociety, licensed CC-BY-4.0
  (https://github.com/mysociety/uk_local_authority_names_and_codes, package v1.6.1, July 2025,
  commit 67ef8b118938678401a452f4f19f669a7221cc73).
- Rows: the {councils} current Scottish unitary authorities (S12 codes); columns:
  {council_columns}. Used for the councils' official names and alternative names.

## care-inspectorate-datastore/{ci_file} — Care Inspectorate

- Contains public sector information licensed under the Open Government Licence v3.0 —
  Care Inspectorate (Datastore, https://www.careinspectorate.scot/resources-data/data-and-statistics/datastore),
  as at 2026-05-31, via the mirror https://github.com/samhendersonpalmer/OpenCareDashboard
  (commit e9f859e496f1af7912790f8c46fd5fd52bc6ac77).
- Rows: {ci} registered children's services (care homes for children and young people,
  fostering, adoption, school care accommodation, child care agencies, secure accommodation).
  Columns kept: {ci_columns}.

## uk-public-bodies-directory-2023-24/public_bodies_2023_24_scotland_uk.csv — Cabinet Office

- Contains public sector information licensed under the Open Government Licence v3.0 —
  Cabinet Office: Public Bodies Team, "Public Bodies 2023/24" (workbook dated 2025-05-29),
  via https://github.com/co-public-bodies/ALB_Landscape_Analysis_2023_24 (commit
  784b4ee3976774890bd38b6fc9492afdbad517fe).
- Rows: {pb} of 253 — bodies whose regional scope names Scotland or is UK-wide ("UK",
  "UK and Overseas"), plus bodies the seed documents name ({seed_named}).
  Columns kept: {pb_columns}.

## govuk-organisations/govuk_organisations.json — GOV.UK

- Crown copyright, Open Government Licence v3.0 — GOV.UK Organisations API
  (https://www.gov.uk/api/organisations), fetched 2026-02-02, via
  https://github.com/tobylivesey/uk-gov-mapper (commit 8f02da9b81066dd0da401210b061ad3cc723e028).
- Records: all {govuk} extant organisations (the file is small), each trimmed to id, title,
  format, updated_at, web_url, details ({govuk_details}) and parent_organisations ids.
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", nargs="?", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    src: Path = args.shared
    if not (src / "scot-health-geography").is_dir():
        print(f"not a shared data folder: {src}", file=sys.stderr)
        return 2
    out: Path = args.out
    geo = derive_geography(src, out)
    counts = {
        "ca": geo["ca_hscp_hb_lookup.csv"],
        "hb": geo["hb_lookup.csv"],
        "councils": derive_councils(src, out),
        "ci": derive_care_inspectorate(src, out),
        "pb": derive_public_bodies(src, out),
        "govuk": derive_govuk(src, out),
    }
    text = ATTRIBUTION.format(
        **counts,
        ci_file=CI_FILE,
        council_columns=", ".join(COUNCIL_COLUMNS),
        ci_columns=", ".join(CI_COLUMNS),
        pb_columns=", ".join(PB_COLUMNS),
        seed_named=", ".join(sorted(PB_SEED_NAMED)),
        govuk_details=", ".join(GOVUK_DETAILS),
    )
    (out / "ATTRIBUTION.md").write_text(text, encoding="utf-8")
    for name, count in counts.items():
        print(f"{name}: {count} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
