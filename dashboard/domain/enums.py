"""The named states and kinds the store records, once for every layer (each compares equal to the text stored,
so rows written before these names existed read the same)."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """Of a problem found in an imported row or file."""

    ERROR = "error"      # the row cannot be counted: rejected
    REVIEW = "review"    # a suggestion that waits for a person (a close place name)
    WARNING = "warning"  # kept as it is, reported
    REPAIR = "repair"    # a value corrected by a rule, on record


class ImportKind(StrEnum):
    """What an imported table holds (``import_batch.kind``)."""

    THREE_W = "3w"
    MEMBERSHIP = "membership"
    PARTNERSHIP = "partnership"
    NEEDS = "needs"  # a needs overview (HNO): people in need by unit and sector
    ACCESS = "access"  # an access table: accessible, constrained or no-go units


class JobState(StrEnum):
    """Of an upload made in the dashboard (``import_job.state``)."""

    QUEUED = "queued"
    RUNNING = "running"
    CHECKED = "checked"      # read and checked, nothing kept: waits for its submitter to confirm
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class JobMode(StrEnum):
    CHECK = "check"
    IMPORT = "import"


class DuplicateChoice(StrEnum):
    KEEP_BOTH = "keep_both"
    MERGE = "merge"


class SuggestionChoice(StrEnum):
    """On a place suggestion (a close unit name)."""

    ACCEPTED = "accepted"
    DECLINED = "declined"


class OrganisationChoice(StrEnum):
    MERGE = "merge"
    DISTINCT = "distinct"


class RoundState(StrEnum):
    """Of a reporting round (``reporting_round.state``)."""

    DRAFT = "draft"          # imported, not yet published: logged-in users only
    PUBLISHED = "published"  # what everyone sees (its imports published with it)
    WITHDRAWN = "withdrawn"  # published once, then taken back by an IMO
