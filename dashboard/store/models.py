"""The canonical model (see DESIGN.md): boundaries, organisations, sectors, imports and what they hold.

Every P-code is stored with the boundary version it belongs to; activities also keep the region, cercle
and commune codes of their place so that filtering by area needs no join.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class AdminUnit(Base):
    """A region (1), cercle (2) or commune (3) of one boundary version; level 0 is the country."""

    __tablename__ = "admin_unit"
    boundary_version: Mapped[str] = mapped_column(String(40), primary_key=True)
    pcode: Mapped[str] = mapped_column(String(16), primary_key=True)
    #: the unit's country (ISO3, that of its boundary set's profile): views and analyses never mix countries
    country: Mapped[str] = mapped_column(String(3), index=True, default="MLI", server_default="MLI")
    level: Mapped[int] = mapped_column(Integer)
    name_fr: Mapped[str] = mapped_column(String(200))
    parent_pcode: Mapped[str | None] = mapped_column(String(16))


class UnitCrosswalk(Base):
    """Where a unit of an older boundary set lies in the current one (see :mod:`dashboard.geo.crosswalk`)."""

    __tablename__ = "unit_crosswalk"
    from_version: Mapped[str] = mapped_column(String(40), primary_key=True)
    from_pcode: Mapped[str] = mapped_column(String(16), primary_key=True)
    to_version: Mapped[str] = mapped_column(String(40))
    to_pcode: Mapped[str] = mapped_column(String(16))
    to_level: Mapped[int] = mapped_column(Integer)
    #: share of the older unit's area inside the current one (0-1)
    share: Mapped[float] = mapped_column(Float)


class Sector(Base):
    __tablename__ = "sector"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("sector.code"))


class SectorAlias(Base):
    """A sector spelling an IMO taught the importer (on top of those :mod:`dashboard.domain.vocabulary` ships)."""

    __tablename__ = "sector_alias"
    #: the spelling as :func:`dashboard.domain.text.header_key` folds it
    spelling_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    spelling: Mapped[str] = mapped_column(String(200))
    sector_code: Mapped[str] = mapped_column(ForeignKey("sector.code"))
    added_by: Mapped[str | None] = mapped_column(String(120))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Organisation(Base):
    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    acronym: Mapped[str | None] = mapped_column(String(120))
    name: Mapped[str | None] = mapped_column(String(400))
    #: a code of :data:`dashboard.domain.vocabulary.ORG_TYPES`
    org_type: Mapped[str] = mapped_column(String(40), default="other")
    #: "national", "international" or None when unknown
    scope: Mapped[str | None] = mapped_column(String(20))
    aliases: Mapped[list[OrgAlias]] = relationship(back_populates="organisation")


class OrgAlias(Base):
    """A spelling that designates an organisation: ``acronym:<folded>`` or ``name:<folded>``."""

    __tablename__ = "org_alias"
    alias: Mapped[str] = mapped_column(String(500), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    organisation: Mapped[Organisation] = relationship(back_populates="aliases")


class OrgReference(Base):
    """A spelling an outside reference (HDX HAPI's organisation list and name mapping) gives for an
    organisation, loaded from the data mirror by ``setup`` (see :mod:`dashboard.ingest.organisation_reference`)."""

    __tablename__ = "org_reference"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: "hapi_mapping" or "hapi_organisations"
    source: Mapped[str] = mapped_column(String(40))
    spelling: Mapped[str] = mapped_column(String(500))
    acronym: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(500))
    #: a code of :data:`dashboard.domain.vocabulary.ORG_TYPES`, or None when the reference gives none
    org_type: Mapped[str | None] = mapped_column(String(40))
    #: the version of the dataset (``data/manifest.toml``) the line comes from
    version: Mapped[str] = mapped_column(String(200))


class ReportingRound(Base):
    """A reporting period's round: the union of its 3W imports (one per source), published by an IMO for
    everyone, or a draft that only logged-in users see."""

    __tablename__ = "reporting_round"
    __table_args__ = (UniqueConstraint("country", "period", name="uq_reporting_round_country_period"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: a round is one country's period: the same month in Mali and in Niger are published apart
    country: Mapped[str] = mapped_column(String(3), default="MLI", server_default="MLI")
    period: Mapped[str] = mapped_column(String(7))
    #: a :class:`dashboard.domain.enums.RoundState`
    state: Mapped[str] = mapped_column(String(20))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str | None] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changed_by: Mapped[str | None] = mapped_column(String(200))


class ImportBatch(Base):
    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="3w")
    file_name: Mapped[str] = mapped_column(String(400))
    sheet: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: reporting period as ``YYYY-MM``
    period: Mapped[str] = mapped_column(String(7), index=True)
    source: Mapped[str | None] = mapped_column(String(200))
    boundary_version: Mapped[str] = mapped_column(String(40))
    #: the file's country (ISO3, that of its boundary set): an import replaces, and a round holds, imports of
    #: its own country only
    country: Mapped[str] = mapped_column(String(3), default="MLI", server_default="MLI")
    #: the boundary set the file's P-codes were written in when it is an older one (its rows were translated)
    codes_version: Mapped[str | None] = mapped_column(String(40))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    imported_by: Mapped[str | None] = mapped_column(String(200))
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_accepted: Mapped[int] = mapped_column(Integer)
    rows_rejected: Mapped[int] = mapped_column(Integer)
    #: field → column header it was read from, and how it was recognised
    column_mapping: Mapped[dict] = mapped_column(JSON)
    #: the earlier import of the same period and source this one replaced (that batch is gone, or superseded
    #: until this one is published), if any
    replaced_batch_id: Mapped[int | None] = mapped_column(Integer)
    #: when the import's round was published with it (None: a draft, seen by logged-in users only)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: the newer import of the same period and source that replaces this published one at the next publication
    superseded_by: Mapped[int | None] = mapped_column(Integer)
    #: what the replacement changed: rows before and after, per organisation
    changes: Mapped[dict | None] = mapped_column(JSON)


class Activity(Base):
    """One accepted 3W row: an organisation in a sector at a place (the finest level known)."""

    __tablename__ = "activity"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"))
    source_row: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    reported_org_type: Mapped[str | None] = mapped_column(String(40))
    implementing_partner_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    funder: Mapped[str | None] = mapped_column(String(400))
    sector_code: Mapped[str] = mapped_column(ForeignKey("sector.code"))
    activity: Mapped[str | None] = mapped_column(Text)
    #: 1 region, 2 cercle, 3 commune: the finest level the row names
    location_level: Mapped[int] = mapped_column(Integer)
    pcode: Mapped[str] = mapped_column(String(16))
    adm1_pcode: Mapped[str] = mapped_column(String(16))
    adm2_pcode: Mapped[str | None] = mapped_column(String(16))
    adm3_pcode: Mapped[str | None] = mapped_column(String(16))
    location: Mapped[str | None] = mapped_column(String(400))
    status: Mapped[str | None] = mapped_column(String(100))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    targeted: Mapped[float | None] = mapped_column(Float)
    reached: Mapped[float | None] = mapped_column(Float)
    physical_presence: Mapped[bool | None] = mapped_column(Boolean)
    #: people targeted and reached by sex and age (``targeted_f_child``, ``reached_m``...), where the file says
    people: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    #: values of the columns the product does not know, by header
    extra: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))

    __table_args__ = (
        Index("ix_activity_batch_sector", "batch_id", "sector_code"),
        Index("ix_activity_organisation", "organisation_id"),
        Index("ix_activity_adm2", "adm2_pcode"),
    )


class RejectedRow(Base):
    """A row that was not accepted, kept exactly as uploaded, with the reasons."""

    __tablename__ = "rejected_row"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), index=True)
    source_row: Mapped[int] = mapped_column(Integer)
    #: header → value, as read
    raw_values: Mapped[dict] = mapped_column(JSON)
    reasons: Mapped[list] = mapped_column(JSON)


class ImportIssue(Base):
    """A problem or a repair found in one cell of an import (rejections, warnings, repairs)."""

    __tablename__ = "import_issue"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), index=True)
    severity: Mapped[str] = mapped_column(String(20))  # "error" (row rejected), "warning", "repair"
    source_row: Mapped[int | None] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(String(200))
    value: Mapped[str | None] = mapped_column(Text)
    problem: Mapped[str] = mapped_column(Text)
    suggestion: Mapped[str | None] = mapped_column(Text)
    #: for repairs and suggestions: how the new value was found, and how sure it is (0-1)
    method: Mapped[str | None] = mapped_column(String(60))
    confidence: Mapped[float | None] = mapped_column(Float)
    #: the catalogue keys and values the problem and suggestion were written from (reports render them in
    #: their reader's language; see :func:`dashboard.i18n.render_message`); None for older issues
    message: Mapped[dict | None] = mapped_column(JSON)
    #: for "review" issues: None while pending, then "accepted" or "declined" (indexed: the dataset version
    #: counts accepted ones on every request)
    decision: Mapped[str | None] = mapped_column(String(20), index=True)
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ClusterMembership(Base):
    __tablename__ = "cluster_membership"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    sector_code: Mapped[str] = mapped_column(ForeignKey("sector.code"))
    role: Mapped[str] = mapped_column(String(20))  # lead, co-lead, member, observer
    admin_pcode: Mapped[str | None] = mapped_column(String(16))  # None: national
    since: Mapped[date | None] = mapped_column(Date)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"))
    __table_args__ = (UniqueConstraint("organisation_id", "sector_code", "admin_pcode"),)


class Partnership(Base):
    """Funding or responsibility passed from a funder or international organisation to a partner."""

    __tablename__ = "partnership"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    funder_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    #: the organisation that manages the agreement for the funder (e.g. an executing agency), if any
    intermediary_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    programme: Mapped[str | None] = mapped_column(String(200))
    modality: Mapped[str | None] = mapped_column(String(100))
    reference: Mapped[str | None] = mapped_column(String(100))
    sector_code: Mapped[str | None] = mapped_column(ForeignKey("sector.code"))
    pcode: Mapped[str | None] = mapped_column(String(16))
    #: amount in the agreement's own currency, and its equivalent in euros for comparisons
    amount: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(3))
    amount_eur: Mapped[float | None] = mapped_column(Float)
    duration_months: Mapped[float | None] = mapped_column(Float)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(40))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"))


class DuplicateDecision(Base):
    """An IMO's decision on a group of possibly duplicated 3W records ("keep_both" or "merge")."""

    __tablename__ = "duplicate_decision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: stable key of the group: organisation, sector, activity and place it was found for
    group_key: Mapped[str] = mapped_column(String(64), unique=True)
    decision: Mapped[str] = mapped_column(String(20))
    #: activity ids the decision was taken on (a new import may add records to the group)
    activity_ids: Mapped[list] = mapped_column(JSON)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)


class AccessConstraint(Base):
    """Humanitarian access to a unit as an IMO's access table gives it, as of a date."""

    __tablename__ = "access_constraint"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pcode: Mapped[str] = mapped_column(String(16), index=True)
    level: Mapped[str] = mapped_column(String(20))  # accessible, constrained, no-go
    as_of: Mapped[date] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(200))
    #: the import it comes from (None for rows stored before imports carried it)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), index=True)
    #: the level of the unit (1 region, 2 cercle, 3 commune)
    unit_level: Mapped[int | None] = mapped_column(Integer)


class Need(Base):
    """One figure row of a needs overview (HNO): people in need, targeted and population of a unit (the
    country, a region or a cercle, at the level the file gives it) in a sector, for a plan year.

    The intersectoral figure (HNO sector ``ALL``) has no sector and ``intersectoral`` set. Rows broken down by
    sex, age, disability or population group are kept as given (``is_total`` false); the views read the totals.
    """

    __tablename__ = "need"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), index=True)
    source_row: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer, index=True)
    pcode: Mapped[str] = mapped_column(String(16), index=True)
    #: 0 the country, 1 a region, 2 a cercle, 3 a commune
    level: Mapped[int] = mapped_column(Integer)
    sector_code: Mapped[str | None] = mapped_column(ForeignKey("sector.code"))
    intersectoral: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the sector as the file wrote it (``PRO_CPM``)
    sector_as_written: Mapped[str | None] = mapped_column(String(100))
    gender: Mapped[str | None] = mapped_column(String(20))
    age_range: Mapped[str | None] = mapped_column(String(20))
    age_min: Mapped[str | None] = mapped_column(String(10))
    age_max: Mapped[str | None] = mapped_column(String(10))
    disabled: Mapped[str | None] = mapped_column(String(20))
    population_group: Mapped[str | None] = mapped_column(String(40))
    #: whether the row is the total (no breakdown, or every breakdown cell "all")
    is_total: Mapped[bool] = mapped_column(Boolean, default=True)
    population: Mapped[float | None] = mapped_column(Float)
    people_in_need: Mapped[float | None] = mapped_column(Float)
    targeted: Mapped[float | None] = mapped_column(Float)
    affected: Mapped[float | None] = mapped_column(Float)
    reached: Mapped[float | None] = mapped_column(Float)


class UserAccount(Base):
    """Someone who logs in. The public view needs no account.

    ``role`` is one of :class:`dashboard.access.Role` (partner, coordinator, imo); a partner focal point is
    bound to one organisation, a cluster coordinator to one or more sectors (clusters).
    """

    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    #: argon2id hash (the encoded string carries its own salt and parameters)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    sectors: Mapped[list | None] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UserSession(Base):
    """One login's session. The cookie carries a random token; only its SHA-256 is kept here, so a copy of
    the database opens no session. Logging out, a password change or closing the account set ``ended_at``."""

    __tablename__ = "user_session"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", name="fk_user_session_user_account"),
                                         index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginThrottle(Base):
    """Login attempts for one user name (``user:<name>``) or from one address (``ip:<address>``) since
    ``window_start``. An attempt is counted before its password is checked, in the one statement that
    checks the limit, so simultaneous attempts cannot all pass a check made before any was counted."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer)


class AuditEvent(Base):
    """One thing someone did: import, edit, merge, review decision, login. Appended, never changed."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    #: the account's user name, or "command line (<system user>)" for the administrator's commands
    actor: Mapped[str | None] = mapped_column(String(120))
    role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str | None] = mapped_column(String(400))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(64))


class OrganisationDecision(Base):
    """An IMO's decision on two organisations proposed as one: "merge" (``other`` folded into ``kept``, its
    rows and spellings now ``kept``'s) or "distinct" (never proposed again)."""

    __tablename__ = "organisation_decision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kept_id: Mapped[int] = mapped_column(Integer, index=True)
    #: not a foreign key: a merged organisation no longer exists
    other_id: Mapped[int] = mapped_column(Integer, index=True)
    decision: Mapped[str] = mapped_column(String(20))
    #: the merged organisation as it was (acronym, name, aliases) and how many rows moved
    details: Mapped[dict | None] = mapped_column(JSON)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ImportJob(Base):
    """A file uploaded in the dashboard, imported in the background; its state is what the page shows."""

    __tablename__ = "import_job"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # 3w, memberships, partnerships
    file_name: Mapped[str] = mapped_column(String(400))
    #: unused since uploads wait in the database (:class:`ImportUpload`); where older versions kept the file
    stored_path: Mapped[str | None] = mapped_column(String(1000))
    period: Mapped[str | None] = mapped_column(String(7))
    source: Mapped[str | None] = mapped_column(String(200))
    submitted_by: Mapped[str] = mapped_column(String(80))
    #: the submitter's role when it uploaded (the runner imports with it)
    submitted_role: Mapped[str | None] = mapped_column(String(20))
    #: a partner's upload may only hold its own organisation's rows
    organisation_id: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), index=True)  # queued, running, checked, done, failed, cancelled
    #: the runner (``host:pid:tag``) that took the job from the queue
    runner: Mapped[str | None] = mapped_column(String(200))
    #: the last sign of life: queued, taken, progress, or its runner's periodic beat while it runs
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: "check" (run and roll back, then wait for the person to confirm) or "import"
    mode: Mapped[str] = mapped_column(String(10), default="import")
    #: the boundary set the file's P-codes are read in: auto, 2015 or 2021
    code_set: Mapped[str] = mapped_column(String(10), default="auto")
    #: the file's country (ISO3) as its submitter chose it; None: found from the file
    country: Mapped[str | None] = mapped_column(String(3))
    #: what the import would do, once checked (see :mod:`dashboard.ingest.preview`); for a failed job, why, as
    #: catalogue keys when it was written from them: ``{"failure": {"problem": key, "params": {...}}}``
    preview: Mapped[dict | None] = mapped_column(JSON)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ImportUpload(Base):
    """An uploaded file waiting for its check or its import, kept in the database so that any server's
    runner can read it and a check made on one server can be confirmed on another. Deleted once imported,
    cancelled or failed."""

    __tablename__ = "import_upload"
    job_id: Mapped[int] = mapped_column(ForeignKey("import_job.id", name="fk_import_upload_job", ondelete="CASCADE"),
                                        primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class JobRunner(Base):
    """A process that takes import jobs from the queue (``python -m dashboard worker``, or a web process's
    own thread for ``make run``); it writes ``seen_at`` every few seconds while it lives."""

    __tablename__ = "job_runner"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    """A key to the read API (``/api/v1``) for a partner, a coordinator or an IMO's scripts, scoped like that
    role (a partner's organisation, a coordinator's clusters). Only a hash of the secret is kept: the secret is
    shown once, when the token is created."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    #: SHA-256 of the secret (a random 256-bit secret needs no slow hash)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    sectors: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
