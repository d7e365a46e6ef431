"""Command line: ``python -m dashboard <command>`` (also installed as ``mali3w``)."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

from dashboard.config import get_settings


def _engine():
    from dashboard.store.database import make_engine
    return make_engine(get_settings().database_url)


def cmd_setup(args: argparse.Namespace) -> int:
    from dashboard.setup import MirrorIncomplete, setup
    if args.country and args.country.upper() != "MLI":
        return _setup_country(args.country)
    try:
        result = setup(_engine(), get_settings(), with_sample=not args.no_sample)
    except MirrorIncomplete as error:
        print(f"setup failed: {error}", file=sys.stderr)
        return 2
    print("setup: geometry built, database ready" + (f"; sample imported ({result.rows_accepted} rows accepted, "
                                                     f"{result.rows_rejected} rejected)" if result else ""))
    return 0


def _setup_country(iso3: str) -> int:
    """``setup --country NER``: that country's boundaries into the database of DATABASE_URL, beside the countries it
    already holds."""
    from dashboard.country_setup import setup_country
    from dashboard.domain.country import ProfileError
    from dashboard.setup import MirrorIncomplete
    try:
        done = setup_country(_engine(), get_settings(), iso3)
    except (ProfileError, MirrorIncomplete) as error:
        print(f"setup failed: {error}", file=sys.stderr)
        return 2
    from dashboard.geo.profiles import load_profile
    units = ", ".join(f"{level.name_en} {done[f'level_{level.level}']}" for level in load_profile(iso3).levels[1:])
    print(f"setup {iso3.upper()}: database ready; units loaded: {units}; {done['sector_spellings']} sector "
          "spellings of the profile taught")
    return 0


def _boundary_version(country: str | None) -> dict[str, str]:
    """The importer's boundary version for ``--country``; without it, none: the importer finds the file's
    country among the installation's from its codes or names."""
    from dashboard.geo.profiles import load_profile
    return {"boundary_version": load_profile(country).boundary_version} if country else {}


def _print_preview(preview: dict) -> int:
    """What a checked file would do, and its problems by kind, each with its first row as an example; nothing
    was written."""
    from dashboard.i18n import issue_text, kind_text
    print(f"checked, nothing written: period {preview['period']}, sheet {preview['sheet'] or '-'}: read "
          f"{preview['rows_read']}, would accept {preview['rows_accepted']} (of which {preview['rows_repaired']} "
          f"with repaired values; {preview['reviews']} suggestions to review), reject {preview['rows_rejected']}; "
          f"{preview['warnings']} warnings")
    for group in preview["groups"]:
        where = f"row {group['first_row']}" if group["first_row"] is not None else "whole file"
        kind = kind_text(group.get("kind") or "", "en") or group["method"] or "-"
        example = issue_text(group["message"], "problem", group["problem"], "en")
        print(f"  {group['severity']:8} {group['count']:>6}  {group['column'] or '-'}: {kind} (e.g. {where}: {example})")
    print("import it without --check to keep it")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import a 3W, membership or partnership table and print what became of its rows."""
    from dashboard.domain.country import ProfileError
    from dashboard.ingest.errors import ImportRefused
    from dashboard.ingest.importer import import_3w
    from dashboard.ingest.membership import import_memberships
    from dashboard.ingest.access import import_access
    from dashboard.ingest.needs import import_needs
    from dashboard.ingest.partnerships import import_partnerships
    options = {"sheet": args.sheet, "source": args.source, "imported_by": args.by or _operator().username,
               "check_only": args.check}
    if not Path(args.file).is_file():
        print(f"import refused, nothing was written: there is no file at {args.file} (check the path and the "
              "name)", file=sys.stderr)
        return 2
    try:
        if args.command == "import":
            result = import_3w(_engine(), Path(args.file), period=args.period, code_set=args.p_codes,
                               **_boundary_version(args.country), **options)
        elif args.command == "import-needs":
            result = import_needs(_engine(), Path(args.file), year=args.year, **options)
        else:
            run = {"import-memberships": import_memberships, "import-partnerships": import_partnerships,
                   "import-access": import_access}
            result = run[args.command](_engine(), Path(args.file), **options)
    except (ImportRefused, ProfileError) as error:
        print(f"import refused, nothing was written: {error}", file=sys.stderr)
        return 2
    if result.already_imported:
        print(f"already imported as batch {result.batch_id} (same file content); nothing changed")
    if result.preview is not None:
        return _print_preview(result.preview)
    print(f"batch {result.batch_id}, period {result.period}: read {result.rows_read}, "
          f"accepted {result.rows_accepted}, rejected {result.rows_rejected}")
    if not result.already_imported:
        print(f"warnings {result.warnings}, new organisations {result.organisations_created}")
    if args.command == "import-needs" and not result.already_imported:
        print(f"needs of {result.period[:4]}: {result.records_created} figures stored"
              + (f", replacing {result.records_updated} figures of that year from earlier files"
                 if result.records_updated else "") + "; gaps are now ranked by people in need")
    if result.replaced_batch_id:
        changes = result.changes
        print(f"replaces import {result.replaced_batch_id} of the same period and source: rows "
              f"{changes['rows_before']} -> {changes['rows_after']}")
        for change in changes["organisations"][:10]:
            print(f"  {change['organisation']}: {change['before']} -> {change['after']}")
    print(f"report: python -m dashboard import-report {result.batch_id}"
          + (" (rejected rows: --rejected)" if result.rows_rejected else ""))
    if args.command == "import" and not result.already_imported:
        country = f" --country {result.country}" if result.country not in (None, "MLI") else ""
        print(f"round {result.period}{country}: a draft until an IMO publishes it (python -m dashboard publish "
              f"{result.period}{country}); the public and the default views show the latest published round")
    return 0


def cmd_fetch_hdx(args: argparse.Namespace) -> int:
    """List a dataset's 3W releases on HDX (or a mirror folder), download the newest not yet imported (or the
    one chosen), check it, then import it (unless --check)."""
    from dashboard.ingest.errors import ImportRefused
    from dashboard.ingest.hdx import HdxError, HdxSource, not_imported
    from dashboard.ingest.importer import import_3w
    from dashboard.store.queries import batch_frame
    engine = _engine()
    source = HdxSource.from_environment(args.base_url, args.mirror)
    try:
        resources = source.resources(args.dataset)
    except HdxError as error:
        print(f"fetch-hdx: {error}", file=sys.stderr)
        return 2
    imported = set(batch_frame(engine)["period"].astype(str))
    pending = not_imported(resources, imported)
    if args.list:
        print(f"{args.dataset} on {source.where()}: {len(resources)} resources, {len(pending)} not imported")
        for resource in resources:
            state = ("imported" if resource.period in imported else "not imported") if resource.readable \
                else f"not a 3W file ({resource.format})"
            print(f"  {resource.period or '?':8} {state:14} {resource.name}  [{resource.file_name}]")
        return 0
    if args.resource:
        wanted = args.resource.casefold()
        chosen = [resource for resource in resources
                  if wanted in {resource.id.casefold(), resource.name.casefold(), resource.file_name.casefold()}]
        if len(chosen) != 1:
            print(f"fetch-hdx: no resource of {args.dataset} is called {args.resource!r}; --list lists them",
                  file=sys.stderr)
            return 2
        resource = chosen[0]
    elif pending:
        resource = pending[0]
    else:
        print(f"every 3W release of {args.dataset} on {source.where()} is imported (newest: "
              f"{resources[0].period if resources else '-'}); --resource NAME imports one again")
        return 0
    if not resource.readable:
        print(f"fetch-hdx: {resource.name} is a {resource.format} resource, not a 3W file the importer reads",
              file=sys.stderr)
        return 2
    # uploads are kept in the database now; a downloaded file is kept where asked, else in a temporary folder
    folder = Path(args.folder) if args.folder else Path(tempfile.mkdtemp(prefix="mali3w-hdx-"))
    try:
        path = source.download(resource, folder)
    except HdxError as error:
        print(f"fetch-hdx: {error}", file=sys.stderr)
        return 2
    print(f"downloaded {resource.name} ({resource.period or 'period unknown'}) to {path}")
    options = {"period": args.period or resource.period, "source": args.source or f"HDX {args.dataset}",
               "imported_by": args.by or _operator().username}
    try:
        checked = import_3w(engine, path, check_only=True, **options)
        if checked.preview is not None:
            _print_preview(checked.preview)
        if args.check or checked.already_imported:
            if checked.already_imported:
                print(f"already imported as batch {checked.batch_id} (same file content); nothing changed")
            return 0
        result = import_3w(engine, path, **options)
    except ImportRefused as error:
        print(f"import refused, nothing was written: {error}", file=sys.stderr)
        return 2
    print(f"batch {result.batch_id}, period {result.period}: read {result.rows_read}, accepted {result.rows_accepted}, "
          f"rejected {result.rows_rejected}; a draft until an IMO publishes it (python -m dashboard publish "
          f"{result.period})")
    return 0


def cmd_import_report(args: argparse.Namespace) -> int:
    """Write an import's validation report (Excel) or its rejected rows as uploaded (CSV)."""
    from dashboard.reports.imports import import_batches, rejected_rows_csv, validation_report_xlsx
    engine = _engine()
    if args.batch not in set(import_batches(engine)["batch_id"]):
        print(f"there is no import {args.batch}; python -m dashboard imports lists them", file=sys.stderr)
        return 2
    content = (rejected_rows_csv(engine, args.batch) if args.rejected
               else validation_report_xlsx(engine, args.batch, args.lang))
    output = Path(args.output or f"mali3w-import-{args.batch}-{'rejected.csv' if args.rejected else 'report.xlsx'}")
    output.write_bytes(content)
    print(f"written: {output}")
    return 0


def cmd_imports(_args: argparse.Namespace) -> int:
    from dashboard.reports.imports import import_batches
    print(import_batches(_engine()).to_string(index=False))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Write a consistent backup of the whole database (the dashboard may keep running)."""
    from dashboard.store.backup import BackupError, backup, default_backup_name
    engine = _engine()
    try:
        path = backup(engine, Path(args.output or default_backup_name(engine)))
    except BackupError as error:
        print(f"backup failed: {error}", file=sys.stderr)
        return 2
    print(f"backup written: {path} ({path.stat().st_size:,} bytes)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the whole database with a backup; asks for --yes since the current data is lost."""
    from dashboard.store.backup import BackupError, restore
    from dashboard.store.database import schema_is_current
    if not args.yes:
        print(f"restore replaces ALL the current data of the database with the backup {args.file}; the current "
              "data will be lost. Nothing was changed: run again with --yes to confirm.", file=sys.stderr)
        return 2
    engine = _engine()
    try:
        restore(engine, Path(args.file), by=_operator())
    except BackupError as error:
        print(f"restore failed, the database is unchanged: {error}", file=sys.stderr)
        return 2
    print(f"restored the database from {args.file}")
    if not schema_is_current(engine):
        print("the backup was made with an older version of the database schema: run `python -m dashboard setup` "
              "to bring it up to date before serving the dashboard")
    return 0


def cmd_data_check(_args: argparse.Namespace) -> int:
    """Check the mirror against the manifest, country by country. Mali's (the default installation's) files must
    all be there; another country's missing files are information (only its `setup --country` reads them); a
    file present with another checksum than the manifest's is a problem whoever's it is."""
    from dashboard.geo.profiles import DEFAULT_COUNTRY, load_profile
    from dashboard.manifest import mirror_by_country
    mirror = get_settings().data_mirror
    print(f"data mirror {mirror}:")
    failed = False
    for check in mirror_by_country(mirror):
        profile = load_profile(check.country or DEFAULT_COUNTRY)
        name = f"{profile.name_en} ({profile.iso3})" + (", the default, and the shared datasets"
                                                        if check.country is None else "")
        present = check.files - len(check.missing)
        if check.country is None:
            state = ("all its files match the manifest" if not check.missing and not check.wrong
                     else f"{len(check.missing) + len(check.wrong)} problems: `python -m dashboard setup` "
                          "will refuse to run until they are fixed")
            failed = failed or bool(check.missing or check.wrong)
        elif not check.missing:
            state = ("all its files match the manifest" if not check.wrong
                     else f"{len(check.wrong)} files differ from the manifest")
        else:
            absent = "not in this mirror" if not present else f"{len(check.missing)} of {check.files} files not in this mirror"
            state = f"{absent} (needed only for `python -m dashboard setup --country {profile.iso3}`)"
            if check.wrong:
                state += f"; {len(check.wrong)} files present differ from the manifest"
        failed = failed or bool(check.wrong)
        print(f"- {name}: {state}")
        for line in check.wrong + (check.missing if check.country is None else ()):
            print(f"    problem: {line}")
        if check.country is not None:
            for line in check.missing:
                print(f"    information: {line}")
    print("the mirror has problems: see the lines above" if failed
          else "the mirror is usable: Mali's files are complete and every file present matches the manifest")
    return 1 if failed else 0


def cmd_build_geo(args: argparse.Namespace) -> int:
    from dashboard.country_setup import build_country_geometry
    from dashboard.domain.country import ProfileError
    from dashboard.geo.profiles import load_profile
    from dashboard.geo.web_geometry import NoCommuneGeometry
    settings = get_settings()
    try:
        built = build_country_geometry(settings, load_profile(args.country))
    except (ProfileError, NoCommuneGeometry) as error:
        print(f"build-geo: {error}", file=sys.stderr)
        return 2
    for level, path in built.items():
        print(f"level {level}: {path} ({path.stat().st_size:,} bytes)")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Print (or write) one report with the same numbers as the dashboard's page and downloads."""
    from dashboard.domain.filters import FILTERS
    from dashboard.reports import REPORTS, params_from_query, report_blank, report_file, report_notes
    from dashboard.domain.roles import PUBLIC
    from dashboard.domain.text import fold
    from dashboard.reports.snapshot import dashboard_data
    data = dashboard_data(_engine(), get_settings())
    if args.country and args.country.upper() not in data.countries:
        print(f"unknown country {args.country!r}: this installation holds {', '.join(data.countries)}", file=sys.stderr)
        return 2
    snapshot = data.snapshot(PUBLIC if args.public else _operator(), args.country)
    known = {fold(acronym): str(org_id) for org_id, acronym in
             zip(snapshot.organisations["organisation_id"], snapshot.organisations["acronym"]) if fold(acronym)}
    organisations = []
    for acronym in filter(None, (args.org or "").split(",")):
        if fold(acronym) not in known:
            print(f"unknown organisation {acronym!r}: give its acronym as in the dashboard", file=sys.stderr)
            return 2
        organisations.append(known[fold(acronym)])
    query = {**{declared.url: getattr(args, declared.url) for declared in FILTERS}, "org": ",".join(organisations),
             "lang": args.lang, **{option: getattr(args, option) for option in args.report_options}}
    params = params_from_query({key: str(value) for key, value in query.items() if value})
    if params.area and snapshot.index.locate(params.area) is None:  # e.g. another country's: say so, show nothing
        print(f"unknown area {params.area!r} in {snapshot.profile.name_en}: give the P-code of one of its regions or "
              f"{snapshot.profile.level(2).name_en}s", file=sys.stderr)
        return 2
    blank = report_blank(args.report, snapshot, params)
    if blank is not None:
        print(blank, file=sys.stderr)
        return 1
    content = report_file(args.report, snapshot, params, args.format, data.store, labels=False)
    if REPORTS[args.report].hxl is not None:  # the file has no room for them: say them beside it
        for note in report_notes(args.report, snapshot, params):
            print(note, file=sys.stderr)
    if args.output:
        Path(args.output).write_bytes(content)
    elif args.format == "xlsx":
        print("--format xlsx needs --output FILE", file=sys.stderr)
        return 2
    else:
        sys.stdout.write(content.decode("utf-8-sig"))
    return 0


#: what each declared filter takes on the command line
FILTER_HELP = {"country": "the country (ISO3, e.g. NER) of an installation holding several; default: Mali",
               "level": "1 region, 2 cercle, 3 commune (default 3)",
               "period": "reporting period YYYY-MM (default: the latest published round)",
               "area": "a region or cercle P-code, e.g. ML05",
               "sectors": "sector codes, comma-separated (e.g. health,protection)",
               "org_types": "organisation type codes, comma-separated (e.g. ngo_national)",
               "organisations": "organisation acronyms, comma-separated"}


def _add_report_commands(commands) -> None:
    from dashboard.domain.filters import FILTERS, LEVELS
    from dashboard.reports import REPORTS
    for name, report in REPORTS.items():
        aliases = [name.replace("_", "-")] if "_" in name else []
        command = commands.add_parser(name, aliases=aliases, help=f"the {name} report (CSV, JSON or Excel)")
        for declared in FILTERS:  # the filters every view shares, under their address keys
            command.add_argument(f"--{declared.url}", help=FILTER_HELP[declared.name],
                                 choices=[str(level) for level in LEVELS] if declared.name == "level" else None)
        command.add_argument("--lang", choices=["fr", "en"], default="fr")
        command.add_argument("--format", choices=["csv", "json", "xlsx"], default="csv")
        command.add_argument("--output", help="write to this file instead of the screen")
        command.add_argument("--public", action="store_true",
                             help="as the public sees it (data-responsibility policy applied)")
        for option in report.options:
            command.add_argument(f"--{option.name.replace('_', '-')}", dest=option.name, default=option.default,
                                 help=option.help)
        command.set_defaults(run=cmd_report, report=name, report_options=[o.name for o in report.options])


def _operator():
    import getpass

    from dashboard.domain.roles import operator
    return operator(getpass.getuser())


def _new_password(args: argparse.Namespace) -> str:
    """The new password: from standard input with --password-stdin (scripts), else asked twice."""
    import getpass
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password (12 characters or more): ")
    if getpass.getpass("again: ") != first:
        raise SystemExit("the two passwords differ; nothing was changed")
    return first


def cmd_create_account(args: argparse.Namespace) -> int:
    """Create an account (the first IMO account is created this way, on the server)."""
    from dashboard.security.accounts import AccountError, create_account
    sectors = tuple(filter(None, (args.sectors or "").split(",")))
    try:
        account = create_account(_engine(), args.username, _new_password(args), args.role,
                                 organisation=args.organisation, sectors=sectors, created_by=_operator())
    except AccountError as error:
        print(f"no account created: {error}", file=sys.stderr)
        return 2
    print(f"account {account.username!r} created, role {account.role}")
    return 0


def cmd_set_password(args: argparse.Namespace) -> int:
    from dashboard.security.accounts import AccountError, set_password
    try:
        set_password(_engine(), args.username, _new_password(args), by=_operator())
    except AccountError as error:
        print(f"password not changed: {error}", file=sys.stderr)
        return 2
    print(f"password of {args.username!r} changed; its open sessions end at their next request")
    return 0


def cmd_close_account(args: argparse.Namespace) -> int:
    from dashboard.security.accounts import AccountError, set_active
    try:
        set_active(_engine(), args.username, args.reopen, by=_operator())
    except AccountError as error:
        print(f"nothing changed: {error}", file=sys.stderr)
        return 2
    print(f"account {args.username!r} {'reopened' if args.reopen else 'closed'}")
    return 0


def cmd_accounts(_args: argparse.Namespace) -> int:
    from dashboard.security.accounts import account_frame
    print(account_frame(_engine()).to_string(index=False))
    return 0


def cmd_create_api_token(args: argparse.Namespace) -> int:
    """Create a token of the read API; its secret is printed once (only a hash of it is kept)."""
    from dashboard.security.tokens import TokenError, create_token
    sectors = tuple(filter(None, (args.sectors or "").split(",")))
    try:
        secret = create_token(_engine(), args.name, args.role, organisation=args.organisation, sectors=sectors,
                              by=_operator())
    except TokenError as error:
        print(f"no token created: {error}", file=sys.stderr)
        return 2
    print(f"token {args.name!r} created, role {args.role}. Give it to its holder now: it is not shown again.")
    print(secret)
    return 0


def cmd_revoke_api_token(args: argparse.Namespace) -> int:
    from dashboard.security.tokens import TokenError, revoke_token
    try:
        revoke_token(_engine(), args.name, by=_operator())
    except TokenError as error:
        print(f"nothing changed: {error}", file=sys.stderr)
        return 2
    print(f"token {args.name!r} revoked: the API refuses it from now on")
    return 0


def cmd_api_tokens(_args: argparse.Namespace) -> int:
    from dashboard.security.tokens import token_frame
    print(token_frame(_engine()).to_string(index=False))
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from dashboard.store.audit import audit_frame
    frame = audit_frame(_engine(), action=args.action, limit=args.limit)
    sys.stdout.write(frame.to_csv(index=False))
    return 0


def cmd_organisations(args: argparse.Namespace) -> int:
    """The registered organisations with their ids, or (``--proposals``) the pairs that may be one."""
    from dashboard.ingest.organisation_matching import merge_proposals
    from dashboard.store.organisation_decisions import organisation_frame
    if not args.proposals:
        print(organisation_frame(_engine()).to_string(index=False))
        return 0
    proposals = merge_proposals(_engine())
    for pair in proposals.itertuples():
        print(f"{pair.score:3d}  #{pair.first_id} {pair.first_acronym or ''} ({pair.first_name or ''}, "
              f"{pair.first_rows} rows)  ~  #{pair.second_id} {pair.second_acronym or ''} ({pair.second_name or ''}, "
              f"{pair.second_rows} rows)  [{', '.join(pair.reasons)}]")
    print(f"{len(proposals)} proposal(s); decide with merge-organisations KEPT OTHER or distinct-organisations A B")
    return 0


def cmd_organisation_decision(args: argparse.Namespace) -> int:
    """Merge one organisation into another, or mark two distinct (ids from ``organisations``)."""
    from dashboard.store.organisation_decisions import mark_distinct, merge_organisations
    try:
        if args.command == "merge-organisations":
            details = merge_organisations(_engine(), args.first, args.second, _operator())
            moved = details["moved"]
            print(f"organisation #{args.second} merged into #{args.first}: {moved['activities']} 3W rows, "
                  f"{moved['memberships']} memberships, {moved['partnerships']} partnership roles, "
                  f"{moved['aliases']} spellings moved" + (f"; {len(details['memberships_dropped'])} membership(s) "
                                                             "already held dropped" if details["memberships_dropped"] else ""))
        else:
            mark_distinct(_engine(), args.first, args.second, _operator())
            print(f"organisations #{args.first} and #{args.second} marked distinct: they will not be proposed again")
    except (LookupError, ValueError) as error:
        print(f"nothing changed: {error}", file=sys.stderr)
        return 2
    return 0


def cmd_sector_spellings(_args: argparse.Namespace) -> int:
    """The sector spellings that kept 3W rows out, and those already taught."""
    from dashboard.ingest.sector_spellings import taught_spellings, unknown_sector_spellings
    unknown = unknown_sector_spellings(_engine())
    for row in unknown.itertuples():
        meant = row.suggested_code if isinstance(row.suggested_code, str) else "?"
        print(f"{row.spelling!r}: {row.rows} rejected row(s) in {row.imports} import(s); closest sector: {meant}")
    print(f"{len(unknown)} unknown spelling(s); teach one with: teach-sector SPELLING SECTOR_CODE")
    for row in taught_spellings(_engine()).itertuples():
        print(f"taught: {row.spelling!r} -> {row.sector_code} ({row.added_by}, {row.added_at:%Y-%m-%d})")
    return 0


def cmd_teach_sector(args: argparse.Namespace) -> int:
    from dashboard.ingest.sector_spellings import teach_sector_spelling
    try:
        accepted = teach_sector_spelling(_engine(), args.spelling, args.sector, _operator())
    except ValueError as error:
        print(f"nothing changed: {error}", file=sys.stderr)
        return 2
    print(f"{args.spelling!r} now means {args.sector}: {accepted} rejected row(s) accepted")
    return 0


def cmd_round(args: argparse.Namespace) -> int:
    """Publish a reporting round for everyone, or withdraw it (both in the audit trail)."""
    from dashboard.domain.country import ProfileError
    from dashboard.geo.profiles import load_profile
    from dashboard.store.rounds import RoundRefused, publish_round, withdraw_round
    act = publish_round if args.command == "publish" else withdraw_round
    try:
        country = load_profile(args.country).iso3 if args.country else None
        state = act(_engine(), args.period, _operator(), country=country)
    except ProfileError as error:
        print(f"nothing changed: {error}", file=sys.stderr)
        return 2
    except (LookupError, RoundRefused) as error:
        print(f"nothing changed: {error}", file=sys.stderr)
        return 2
    files = ", ".join(f"{item['file']} ({item['source'] or '-'}, {item['rows']} rows)" for item in state["imports"])
    country = state["country"]
    print(f"round {args.period}{' ' + country if country != 'MLI' else ''} {'published' if args.command == 'publish' else 'withdrawn'}: {files or 'no file'}")
    return 0


def cmd_rounds(_args: argparse.Namespace) -> int:
    from dashboard.store.rounds import round_frame
    print(round_frame(_engine()).to_string(index=False))
    return 0


def cmd_worker(_args: argparse.Namespace) -> int:
    """Take import jobs from the queue until stopped (SIGTERM or Ctrl-C: the job under way is finished first)."""
    import signal
    import threading

    from dashboard.app_factory import installation_problem
    from dashboard.ingest.jobs import serve_worker
    engine = _engine()
    problem = installation_problem(engine)  # the same sentence as serve's: what to run
    if problem is not None:
        print(f"worker: {problem}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    logging.getLogger("dashboard").setLevel(logging.INFO)
    serve_worker(engine, stop)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from dashboard.app_factory import NotSetUp, create_app
    try:
        app = create_app()
    except NotSetUp as error:
        print(f"serve: {error}", file=sys.stderr)
        return 2
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    setup = commands.add_parser("setup", help="verify the data mirror, build geometry, migrate, load the sample")
    setup.add_argument("--no-sample", action="store_true", help="do not import the December 2023 sample")
    setup.add_argument("--country", help="prepare another country from its profile (data/countries/<ISO3>.toml), "
                                         "e.g. NER or BFA, into the database of DATABASE_URL, beside the countries "
                                         "it already holds (default: Mali)")
    setup.set_defaults(run=cmd_setup)
    for name, what in (("import", "a 3W workbook or CSV"), ("import-memberships", "a cluster membership table"),
                       ("import-partnerships", "a partnership table (e.g. operational partnership agreements)"),
                       ("import-needs", "a needs overview (HNO): people in need, targeted, population by unit and "
                                        "sector"),
                       ("import-access", "an access table: accessible, constrained or no-go units, as of a date")):
        importer = commands.add_parser(name, help=f"import {what}")
        importer.add_argument("file")
        if name == "import":
            importer.add_argument("--period", help="reporting period YYYY-MM (read from the file name when it says)")
            importer.add_argument("--p-codes", choices=["auto", "2015", "2021"], default="auto",
                                  help="the boundary set the file's P-codes are written in: found from the names "
                                       "beside them (auto), or 2015 (translated to 2021) or 2021 throughout")
            importer.add_argument("--country", help="the file's country (ISO3, e.g. NER); default: found from the "
                                                    "file's P-codes or place names among the installation's countries")
        if name == "import-needs":
            importer.add_argument("--year", type=int, help="the plan year of the figures, e.g. 2024 (read from a "
                                                           "year column or the file name when they say)")
        importer.add_argument("--sheet", help="sheet to read (found automatically otherwise)")
        importer.add_argument("--source", help="who published the file, e.g. 'OCHA Mali' (a new file with the same "
                                               "source and period replaces the earlier one)")
        importer.add_argument("--by", help="who imports it (default: the command line and your system user name)")
        importer.add_argument("--check", action="store_true",
                              help="read and check the file, print what the import would do, keep nothing")
        importer.set_defaults(run=cmd_import)
    commands.add_parser("imports", help="list the imports with their counts").set_defaults(run=cmd_imports)
    fetch = commands.add_parser("fetch-hdx", help="fetch the newest 3W not yet imported from HDX (or a mirror folder), "
                                                  "check it, import it")
    fetch.add_argument("--dataset", default="mali-operational-presence", help="the HDX dataset (its name)")
    fetch.add_argument("--base-url", help="HDX's address, or a local copy's (default MALI3W_HDX_URL, else "
                                          "https://data.humdata.org)")
    fetch.add_argument("--mirror", help="a folder holding <dataset>.json and the files (default MALI3W_HDX_MIRROR)")
    fetch.add_argument("--list", action="store_true", help="list the resources, their periods and what is imported")
    fetch.add_argument("--resource", help="a resource to fetch (its name, file name or id) instead of the newest")
    fetch.add_argument("--period", help="the period YYYY-MM (default: read from the resource's name)")
    fetch.add_argument("--source", help="who published it (default: 'HDX <dataset>')")
    fetch.add_argument("--folder", help="where to keep the downloaded file (default: a new temporary folder)")
    fetch.add_argument("--by", help="who imports it (default: the command line and your system user name)")
    fetch.add_argument("--check", action="store_true", help="download and check, print what the import would do, keep "
                                                            "nothing")
    fetch.set_defaults(run=cmd_fetch_hdx)
    report = commands.add_parser("import-report", help="an import's validation report (Excel) or rejected rows")
    report.add_argument("batch", type=int, help="the import's number (see python -m dashboard imports)")
    report.add_argument("--rejected", action="store_true", help="the rejected rows as uploaded (CSV), to correct")
    report.add_argument("--output", help="file to write (default: mali3w-import-N-report.xlsx)")
    report.add_argument("--lang", choices=["fr", "en"], default="fr")
    report.set_defaults(run=cmd_import_report)
    backup = commands.add_parser("backup", help="write a backup of the whole database (SQLite file or pg_dump)")
    backup.add_argument("output", nargs="?",
                        help="file to write (default: mali3w-backup-<UTC time>.sqlite or .pgdump, here)")
    backup.set_defaults(run=cmd_backup)
    restore = commands.add_parser("restore", help="replace the whole database with a backup")
    restore.add_argument("file", help="a backup written by python -m dashboard backup")
    restore.add_argument("--yes", action="store_true", help="confirm that the current data is to be replaced")
    restore.set_defaults(run=cmd_restore)
    create = commands.add_parser("create-account", help="create an account (partner, coordinator or imo)")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=["partner", "coordinator", "imo"])
    create.add_argument("--organisation", help="a partner's organisation (acronym or full name as listed)")
    create.add_argument("--sectors", help="a coordinator's clusters, sector codes comma-separated (e.g. wash,health)")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    create.set_defaults(run=cmd_create_account)
    password = commands.add_parser("set-password", help="change an account's password (ends its sessions)")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    password.set_defaults(run=cmd_set_password)
    close = commands.add_parser("close-account", help="close an account (its sessions end at once)")
    close.add_argument("username")
    close.add_argument("--reopen", action="store_true", help="reopen a closed account instead")
    close.set_defaults(run=cmd_close_account)
    commands.add_parser("worker", help="take the dashboard's uploads from the queue and import them (a process "
                                       "of its own; set MALI3W_JOB_RUNNER=worker for the web servers)"
                        ).set_defaults(run=cmd_worker)
    commands.add_parser("accounts", help="list the accounts").set_defaults(run=cmd_accounts)
    token = commands.add_parser("create-api-token", help="create a token of the read API (/api/v1), scoped like a role")
    token.add_argument("name", help="who or what holds it, e.g. 'wash-cluster-scripts'")
    token.add_argument("--role", required=True, choices=["partner", "coordinator", "imo"])
    token.add_argument("--organisation", help="a partner's organisation (acronym or full name as listed)")
    token.add_argument("--sectors", help="a coordinator's clusters, sector codes comma-separated (e.g. wash,health)")
    token.set_defaults(run=cmd_create_api_token)
    revoke = commands.add_parser("revoke-api-token", help="revoke a token of the read API at once")
    revoke.add_argument("name")
    revoke.set_defaults(run=cmd_revoke_api_token)
    commands.add_parser("api-tokens", help="list the read API's tokens (never their secrets)").set_defaults(
        run=cmd_api_tokens)
    audit = commands.add_parser("audit", help="the audit trail, newest first (CSV)")
    audit.add_argument("--action", help="only this action, e.g. login.failed, import.3w, duplicates.decide")
    audit.add_argument("--limit", type=int, default=200)
    audit.set_defaults(run=cmd_audit)
    organisations = commands.add_parser("organisations", help="the registered organisations, or --proposals to merge")
    organisations.add_argument("--proposals", action="store_true", help="pairs that may be one organisation")
    organisations.set_defaults(run=cmd_organisations)
    for name, first, second, what in (
            ("merge-organisations", "KEPT", "OTHER", "fold OTHER into KEPT: its rows, memberships and spellings"),
            ("distinct-organisations", "A", "B", "two organisations that are not one: never proposed again")):
        decision = commands.add_parser(name, help=what)
        decision.add_argument("first", type=int, metavar=first, help="organisation id (see `organisations`)")
        decision.add_argument("second", type=int, metavar=second, help="organisation id")
        decision.set_defaults(run=cmd_organisation_decision)
    commands.add_parser("sector-spellings", help="sector spellings that kept rows out, and those taught").set_defaults(
        run=cmd_sector_spellings)
    teach = commands.add_parser("teach-sector", help="say what a sector spelling means; its rejected rows are accepted")
    teach.add_argument("spelling", help="the spelling as written in the files, e.g. 'Eau hygiène'")
    teach.add_argument("sector", help="the sector code, e.g. wash (see dashboard/domain/vocabulary.py)")
    teach.set_defaults(run=cmd_teach_sector)
    for name, what in (("publish", "publish a reporting round: everyone sees it, it becomes the default period"),
                       ("withdraw", "withdraw a published round: the public sees the previous one again")):
        command = commands.add_parser(name, help=what)
        command.add_argument("period", help="the round's period, YYYY-MM")
        command.add_argument("--country", help="the round's country (ISO3, e.g. NER; default Mali): each country's "
                                               "rounds are published apart")
        command.set_defaults(run=cmd_round)
    commands.add_parser("rounds", help="the reporting rounds: state, publication, sources").set_defaults(run=cmd_rounds)
    commands.add_parser("data-check", help="verify the data mirror against data/manifest.toml").set_defaults(
        run=cmd_data_check)
    build_geo = commands.add_parser("build-geo", help="rebuild the simplified web geometry into geo/")
    build_geo.add_argument("--country", default="MLI", help="the country (ISO3) whose map to build, into geo/<ISO3>/ "
                                                            "for another than Mali (default: MLI)")
    build_geo.set_defaults(run=cmd_build_geo)
    commands.add_parser("bench", help="the benchmark with its budgets (see python -m dashboard bench --help)")
    commands.add_parser("soak", help="20 users on two app servers while an import runs (see python -m dashboard "
                                     "soak --help)")
    _add_report_commands(commands)
    serve = commands.add_parser("serve", help="run the dashboard (development server)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    serve.add_argument("--debug", action="store_true")
    serve.set_defaults(run=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:
        from dashboard.bench.run import main as bench
        return bench(argv[1:])
    if argv[:1] == ["soak"]:
        from dashboard.bench.soak import main as soak
        return soak(argv[1:])
    args = build_parser().parse_args(argv)
    return args.run(args)
