"""Read queries the dashboard and the analyses share."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, func, or_, select

from dashboard.store.models import (
    Activity,
    AdminUnit,
    ImportBatch,
    ImportIssue,
    Organisation,
    OrganisationDecision,
    ReportingRound,
)
from dashboard.domain.enums import ImportKind, RoundState

#: Columns of the activity frame the analyses work on: one row per distinct presence key, ``rows`` counts
#: the 3W rows behind it.
PRESENCE_KEY = ["batch_id", "period", "organisation_id", "org_type", "sector_code", "location_level",
                "adm1_pcode", "adm2_pcode", "adm3_pcode", "physical_presence"]
ACTIVITY_COLUMNS = [*PRESENCE_KEY, "rows"]


@dataclass(frozen=True)
class DatasetVersion:
    """Identifies the stored content: changes whenever a batch of any kind (3W, memberships, partnerships)
    is added, replaced or removed, and whenever stored rows are edited (an accepted place suggestion, an
    organisation merge). Checking costs one small query on every request instead of counting rows."""

    batch_count: int
    last_batch_id: int
    rows_accepted: int
    #: accepted place suggestions and organisation decisions, which change rows without a new batch
    edits: int = 0
    #: published imports, superseded ones and published rounds: a publication changes what the public sees
    publication: str = ""

    @property
    def key(self) -> str:
        return f"{self.batch_count}-{self.last_batch_id}-{self.rows_accepted}-{self.edits}-{self.publication}"


def dataset_version(engine: Engine) -> DatasetVersion:
    edits = (select(func.count(ImportIssue.id)).where(ImportIssue.decision == "accepted").scalar_subquery()
             + select(func.count(OrganisationDecision.id)).scalar_subquery())
    published_rounds = (select(func.count(ReportingRound.id)).where(ReportingRound.state == RoundState.PUBLISHED)
                        .scalar_subquery())
    with engine.connect() as connection:
        batches, last, rows, changed, published, superseded, rounds, last_change = connection.execute(
            select(func.count(ImportBatch.id), func.coalesce(func.max(ImportBatch.id), 0),
                   func.coalesce(func.sum(ImportBatch.rows_accepted), 0), edits, func.count(ImportBatch.published_at),
                   func.count(ImportBatch.superseded_by), published_rounds,
                   select(func.max(ReportingRound.changed_at)).scalar_subquery())).one()
    return DatasetVersion(batches, last, rows, changed, f"{published}.{superseded}.{rounds}.{last_change}")


def activity_frame(engine: Engine) -> pd.DataFrame:
    """The accepted 3W rows as distinct presence keys (organisation, sector, place, period, and what the row
    says of physical presence) with the number
    of rows behind each: the input of the presence, gap, overlap and change analyses.

    Those analyses count distinct organisations, so rows that repeat a key (villages of one commune, the
    same work reported twice) change nothing in them; the database does the grouping, which keeps the
    frame, the memory and every filter change small as the 3W grows.
    """
    keys = (Activity.batch_id, ImportBatch.period, Activity.organisation_id, Organisation.org_type,
            Activity.sector_code, Activity.location_level, Activity.adm1_pcode, Activity.adm2_pcode,
            Activity.adm3_pcode, Activity.physical_presence)
    query = (select(*keys, func.count().label("rows"))
             .join(ImportBatch, ImportBatch.id == Activity.batch_id)
             .join(Organisation, Organisation.id == Activity.organisation_id)
             .where(ImportBatch.kind == ImportKind.THREE_W)
             .group_by(*keys))
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(query).all(), columns=ACTIVITY_COLUMNS)
    for column in ("period", "org_type", "sector_code", "adm1_pcode", "adm2_pcode", "adm3_pcode"):
        frame[column] = frame[column].astype("category")
    return frame


#: the people frame: the presence key, the activity's status as the file wrote it, people and rows behind
PEOPLE_COLUMNS = ["batch_id", "period", "organisation_id", "org_type", "sector_code", "location_level", "adm1_pcode",
                  "adm2_pcode", "adm3_pcode", "status", "targeted", "reached", "rows"]


def people_frame(engine: Engine) -> pd.DataFrame:
    """People targeted and reached, and the rows, per presence key and stated status: the 3W rows that give a
    number of people or a status only (a file without them gives an empty frame)."""
    keys = (Activity.batch_id, ImportBatch.period, Activity.organisation_id, Organisation.org_type,
            Activity.sector_code, Activity.location_level, Activity.adm1_pcode, Activity.adm2_pcode,
            Activity.adm3_pcode, Activity.status)
    query = (select(*keys, func.sum(Activity.targeted), func.sum(Activity.reached), func.count())
             .join(ImportBatch, ImportBatch.id == Activity.batch_id)
             .join(Organisation, Organisation.id == Activity.organisation_id)
             .where(ImportBatch.kind == ImportKind.THREE_W,
                    or_(Activity.targeted.is_not(None), Activity.reached.is_not(None), Activity.status.is_not(None)))
             .group_by(*keys))
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(query).all(), columns=PEOPLE_COLUMNS)
    return frame.astype({"targeted": float, "reached": float, "rows": int})


def organisation_frame(engine: Engine) -> pd.DataFrame:
    query = select(Organisation.id.label("organisation_id"), Organisation.acronym, Organisation.name,
                   Organisation.org_type, Organisation.scope)
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query).all(),
                            columns=["organisation_id", "acronym", "name", "org_type", "scope"])


def admin_unit_frame(engine: Engine, version: str) -> pd.DataFrame:
    query = (select(AdminUnit.pcode, AdminUnit.level, AdminUnit.name_fr, AdminUnit.parent_pcode)
             .where(AdminUnit.boundary_version == version).order_by(AdminUnit.level, AdminUnit.pcode))
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query).all(), columns=["pcode", "level", "name_fr", "parent_pcode"])


#: columns of :func:`batch_frame`
BATCH_COLUMNS = ["batch_id", "period", "file_name", "source", "imported_at", "rows_read", "rows_accepted",
                 "published_at", "superseded_by", "country"]


def batch_frame(engine: Engine) -> pd.DataFrame:
    """The 3W imports, oldest first: what a view's "as of" and "source" name for the period it shows, and
    whether each is published (or kept for the public until a newer file of its source is)."""
    query = (select(ImportBatch.id, ImportBatch.period, ImportBatch.file_name, ImportBatch.source,
                    ImportBatch.imported_at, ImportBatch.rows_read, ImportBatch.rows_accepted,
                    ImportBatch.published_at, ImportBatch.superseded_by, ImportBatch.country)
             .where(ImportBatch.kind == ImportKind.THREE_W).order_by(ImportBatch.period, ImportBatch.id))
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query).all(), columns=BATCH_COLUMNS)


def import_countries(engine: Engine) -> dict[int, str]:
    """The country (ISO3) of every import, of every kind (a membership or partnership table's rows are its
    import's country's)."""
    with engine.connect() as connection:
        return dict(connection.execute(select(ImportBatch.id, ImportBatch.country)).all())


#: columns of :func:`accepted_row_frame`
ACCEPTED_ROW_COLUMNS = ["activity_id", "batch_id", "source_row", "organisation_id", "acronym", "name", "org_type",
                        "partner", "funder", "sector_code", "activity", "location_level", "adm1_pcode",
                        "adm2_pcode", "adm3_pcode", "location", "status", "start_date", "end_date", "targeted",
                        "reached", "physical_presence", "people", "extra"]


def accepted_row_frame(engine: Engine, batch_ids: list[int]) -> pd.DataFrame:
    """Every accepted 3W row of the given imports, whole (in import and file order): the organisation as
    registered (acronym, name, type), the implementing partner's acronym, and what the row said."""
    partner = Organisation.__table__.alias("partner")
    query = (select(Activity.id, Activity.batch_id, Activity.source_row, Activity.organisation_id,
                    Organisation.acronym, Organisation.name, Organisation.org_type,
                    func.coalesce(partner.c.acronym, partner.c.name), Activity.funder, Activity.sector_code,
                    Activity.activity, Activity.location_level, Activity.adm1_pcode, Activity.adm2_pcode,
                    Activity.adm3_pcode, Activity.location, Activity.status, Activity.start_date,
                    Activity.end_date, Activity.targeted, Activity.reached, Activity.physical_presence,
                    Activity.people, Activity.extra)
             .join(Organisation, Organisation.id == Activity.organisation_id)
             .outerjoin(partner, partner.c.id == Activity.implementing_partner_id)
             .where(Activity.batch_id.in_(batch_ids))
             .order_by(Activity.batch_id, Activity.source_row, Activity.id))
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query).all(), columns=ACCEPTED_ROW_COLUMNS)
