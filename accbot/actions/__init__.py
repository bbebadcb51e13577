"""What commands do: call ACC/SAS and the store, and return typed results.

Every front end (Slack, the CLI, the watcher's buttons) calls ``execute`` in
``accbot.actions.dispatch``, which checks the role, runs the handler that
``accbot.actions.registry.HANDLERS`` names for the command, and writes the audit log.
"""
