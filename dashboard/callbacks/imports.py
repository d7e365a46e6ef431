"""Callbacks of the imports page: start an upload's import, follow its progress, decide on suggestions.
Each checks the viewer's permission itself: the page only hides what these would refuse."""

from __future__ import annotations

import base64
import binascii
import flask
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from dashboard.domain.enums import ImportKind
from dashboard.i18n import format_period, translate
from dashboard.ingest import jobs
from dashboard.ingest.jobs import UploadRefused, failure_message, job_state, submit
from dashboard.ingest.review import ReviewRefused, decide_suggestion
from dashboard.layouts.imports_page import preview_section, suggestions_table
from dashboard.layouts.reporting_page import reporting_href
from dashboard.reports.imports import import_batch
from dashboard.domain.roles import Permission
from dashboard.security.web import client_address, require, require_upload
from dashboard.reports.snapshot import DashboardData


def _draft_round(batch, viewer, lang: str, default_country: str) -> list:
    """After a 3W import that the public does not see yet: its round is a draft until an IMO publishes it
    (with a link to the round's page for those who may open it)."""
    if batch.kind != ImportKind.THREE_W or batch.published_at is not None:
        return []
    said = [html.Br(), html.Span(translate("upload.draft_round", lang, period=format_period(batch.period, lang)),
                                 className="note", id="upload-draft-round")]
    if viewer.can(Permission.VIEW_REPORTING):
        said += [" ", dcc.Link(translate("upload.to_reporting", lang),
                               href=reporting_href(batch.period, lang,  # the round is the import's country's
                                                   None if batch.country == default_country else batch.country))]
    return said


def register(app: Dash, data: DashboardData) -> None:
    @app.callback(Output("upload-status", "children"), Output("upload-job", "data"),
                  Output("upload-poll", "disabled"), Output("upload-decision", "hidden"),
                  Input("upload-file", "contents"), State("upload-file", "filename"), State("upload-kind", "value"),
                  State("upload-period", "value"), State("upload-source", "value"),
                  State("upload-code-set", "value"), State("upload-country", "value"), State("lang", "data"),
                  prevent_initial_call=True)
    def start_check(contents, file_name, kind, period, source, code_set, country, lang):
        """An upload is checked first: nothing is kept until its submitter confirms."""
        viewer = require_upload()
        if not contents or not file_name:
            return no_update, no_update, no_update, no_update
        try:
            content = base64.b64decode(contents.split(",", 1)[1], validate=True)
            job = submit(data.engine, file_name, content, viewer, kind=kind or "3w",
                         period=(period or "").strip() or None, source=(source or "").strip() or None,
                         code_set=code_set or "auto", mode="check",
                         country=country if isinstance(country, str) and country else None)
        except (IndexError, binascii.Error):
            return translate("upload.refused", lang, reason="unreadable upload"), None, True, True
        except UploadRefused as error:
            return translate("upload.refused", lang, reason=str(error)), None, True, True
        return translate("upload.queued", lang, file=file_name), job, False, True

    @app.callback(Output("upload-status", "children", allow_duplicate=True),
                  Output("upload-poll", "disabled", allow_duplicate=True),
                  Output("upload-decision", "hidden", allow_duplicate=True),
                  Input("upload-poll", "n_intervals"), State("upload-job", "data"), State("lang", "data"),
                  prevent_initial_call=True)
    def follow_job(_ticks, job_id, lang):
        viewer = require_upload()
        job = job_state(data.engine, int(job_id), viewer) if job_id is not None else None
        if job is None:
            return no_update, True, True
        name = job["file_name"]
        if job["state"] in ("queued", "running"):
            key = ("upload.checking" if job["mode"] == "check" else "upload.running") if job["state"] == "running" \
                else "upload.queued"
            return translate(key, lang, file=name, percent=round(100 * job["progress"])), False, True
        if job["state"] == "failed":
            message = failure_message(job, lang)
            return translate("upload.failed", lang, file=name, message=message[:1].upper() + message[1:]), True, True
        if job["state"] == "checked":
            return [html.P(translate("upload.checked", lang, file=name)), preview_section(job["preview"], lang)], \
                True, False
        if job["state"] == "cancelled":
            return translate("upload.cancelled", lang, file=name), True, True
        batch = import_batch(data.engine, job["batch_id"])
        key = "upload.already" if job["message"] and job["message"].startswith("already") else "upload.done"
        return [translate(key, lang, file=name, read=batch.rows_read, accepted=batch.rows_accepted,
                          rejected=batch.rows_rejected), " ",
                dcc.Link(translate("imports.report_page", lang), href=f"/imports/rapport?import={batch.id}&lang={lang}",
                         id="upload-report-page"), " · ",
                html.A(translate("upload.report", lang), href=f"/imports/{batch.id}/report.xlsx?lang={lang}",
                       id="upload-report-xlsx"), *_draft_round(batch, viewer, lang, data.profile.iso3)], True, True

    @app.callback(Output("upload-status", "children", allow_duplicate=True),
                  Output("upload-poll", "disabled", allow_duplicate=True),
                  Output("upload-decision", "hidden", allow_duplicate=True),
                  Input("upload-confirm", "n_clicks"), Input("upload-cancel", "n_clicks"),
                  State("upload-job", "data"), State("lang", "data"), prevent_initial_call=True)
    def decide_upload(_confirm, _cancel, job_id, lang):
        """Import the checked file, or drop it; the server checks that the job is the viewer's own."""
        viewer = require_upload()
        if job_id is None or ctx.triggered_id not in ("upload-confirm", "upload-cancel"):
            return no_update, no_update, no_update
        try:
            if ctx.triggered_id == "upload-confirm":
                jobs.confirm(data.engine, int(job_id), viewer)
                return translate("upload.confirmed", lang), False, True
            jobs.cancel(data.engine, int(job_id), viewer)
        except UploadRefused as error:
            return translate("upload.refused", lang, reason=str(error)), True, True
        return translate("upload.cancelled", lang, file=job_state(data.engine, int(job_id), viewer)["file_name"]), \
            True, True

    @app.callback(Output("suggestion-feedback", "children"), Output("suggestions-list", "children"),
                  Input({"type": "suggestion", "issue": ALL, "decision": ALL}, "n_clicks"), State("lang", "data"),
                  prevent_initial_call=True)
    def decide(clicks, lang):
        viewer = require(Permission.REVIEW_SUGGESTIONS)
        if not ctx.triggered_id or not any(clicks):
            return no_update, no_update
        try:
            decide_suggestion(data.engine, int(ctx.triggered_id["issue"]), ctx.triggered_id["decision"], viewer,
                              ip=client_address())
            message = translate("review.recorded", lang)
        except ReviewRefused as error:
            flask.abort(403, str(error))
        except LookupError:
            message = translate("review.gone", lang)
        return message, suggestions_table(viewer, data.engine, lang).children
