"""The columns of the frames the store hands the analyses: what each layer may rely on of the other."""

from __future__ import annotations

#: one row per stored 3W activity, the input of duplicate detection
RECORD_COLUMNS = ["activity_id", "batch_id", "period", "source_row", "organisation_id", "implementing_partner_id",
                  "funder", "sector_code", "activity", "pcode", "start_date", "end_date"]
