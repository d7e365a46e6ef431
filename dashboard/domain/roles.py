"""Roles, what each may do, and the viewer a request or a command runs as.

Permissions are checked on the server, in every route and callback that reads or writes protected data
(:func:`dashboard.security.web.require`); the pages only hide what the server would refuse anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    PUBLIC = "public"            # no account: coverage, with the data-responsibility policy applied
    PARTNER = "partner"          # partner focal point, bound to one organisation
    COORDINATOR = "coordinator"  # cluster coordinator, bound to one or more sectors
    IMO = "imo"                  # information management officer / administrator


class Permission(StrEnum):
    VIEW_DETAIL = "view_detail"                # communes for sensitive sectors, every organisation's name
    REVIEW_DUPLICATES = "review_duplicates"    # mark duplicate groups (partner: own rows; coordinator: clusters)
    REVIEW_SUGGESTIONS = "review_suggestions"  # accept/decline pending place suggestions (same scope)
    VIEW_IMPORTS = "view_imports"              # import list and validation reports (partner: own uploads)
    IMPORT_OWN_ROWS = "import_own_rows"        # a 3W file holding only the partner's organisation's rows
    IMPORT_3W = "import_3w"                    # whole 3W files, membership and partnership tables
    IMPORT_OWN_MEMBERS = "import_own_members"  # a membership table of the coordinator's own clusters
    MANAGE_REGISTRY = "manage_registry"        # merge organisations, teach sector spellings
    VIEW_AUDIT = "view_audit"
    MANAGE_ACCOUNTS = "manage_accounts"
    VIEW_REPORTING = "view_reporting"          # who reported in each round, and who did not
    PUBLISH_ROUNDS = "publish_rounds"          # publish a reporting round for everyone, or withdraw it


#: the tables an upload may hold: a 3W, cluster memberships, partnership agreements, needs (HNO), access
UPLOAD_KINDS = ("3w", "memberships", "partnerships", "needs", "access")

GRANTS: dict[Role, frozenset[Permission]] = {
    Role.PUBLIC: frozenset(),
    Role.PARTNER: frozenset({Permission.VIEW_DETAIL, Permission.REVIEW_DUPLICATES, Permission.REVIEW_SUGGESTIONS,
                             Permission.VIEW_IMPORTS, Permission.IMPORT_OWN_ROWS}),
    Role.COORDINATOR: frozenset({Permission.VIEW_DETAIL, Permission.REVIEW_DUPLICATES,
                                 Permission.REVIEW_SUGGESTIONS, Permission.VIEW_IMPORTS, Permission.VIEW_REPORTING,
                                 Permission.IMPORT_OWN_MEMBERS}),
    Role.IMO: frozenset(Permission),
}


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a role and what it is bound to."""

    role: Role = Role.PUBLIC
    username: str | None = None
    user_id: int | None = None
    #: a partner's organisation
    organisation_id: int | None = None
    #: a coordinator's clusters (sector codes)
    sectors: frozenset[str] = frozenset()

    def can(self, permission: Permission) -> bool:
        return permission in GRANTS[self.role]

    @property
    def upload_kinds(self) -> tuple[str, ...]:
        """The tables this viewer may upload: an IMO every kind; a partner focal point their organisation's
        3W rows; a coordinator the membership of their own clusters."""
        if self.can(Permission.IMPORT_3W):
            return UPLOAD_KINDS
        return ((("3w",) if self.can(Permission.IMPORT_OWN_ROWS) else ())
                + (("memberships",) if self.can(Permission.IMPORT_OWN_MEMBERS) else ()))

    @property
    def public(self) -> bool:
        """Whether the data-responsibility policy's public rules apply to what this viewer sees."""
        return not self.can(Permission.VIEW_DETAIL)

    def covers(self, organisation_id: int | None = None, sector_code: str | None = None) -> bool:
        """Whether a record of this organisation and sector is within the viewer's scope for editing."""
        if self.role is Role.IMO:
            return True
        if self.role is Role.PARTNER:
            return organisation_id is not None and organisation_id == self.organisation_id
        if self.role is Role.COORDINATOR:
            return sector_code is not None and sector_code in self.sectors
        return False


PUBLIC = Viewer()


def operator(name: str) -> Viewer:
    """The administrator at the server's command line: an IMO by definition (they hold the database)."""
    return Viewer(Role.IMO, f"command line ({name})")


#: the server itself (start-up loading, background jobs run on someone's behalf record that someone)
SYSTEM = Viewer(Role.IMO, "system")
