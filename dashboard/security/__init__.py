"""Who may see and change what: roles and permissions, accounts, the data-responsibility policy, the audit
trail, and their wiring into the web server (sessions, CSRF, login)."""
