"""Entry point. ``python app.py`` runs the dashboard on http://127.0.0.1:8050; gunicorn serves ``app:server``.

Run ``python -m dashboard setup`` once before (the README's run command does both).
"""

from dashboard.app_factory import NotSetUp, create_app

try:
    app = create_app()
except NotSetUp as error:  # one sentence saying what to run, not a traceback
    raise SystemExit(str(error)) from None
server = app.server

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8050)
