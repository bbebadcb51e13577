"""What commands do: call ACC/SAS and the store, check roles, write the audit log.

Every front end (Slack, CLI, the watcher's buttons) calls ``execute`` in
``accbot.actions.dispatch``; the modules below register one handler per command.
"""

ACTION_MODULES = (
    "accbot.actions.agents",
    "accbot.actions.runs",
    "accbot.actions.jobs",
    "accbot.actions.schedules",
    "accbot.actions.approvals",
    "accbot.actions.inputs",
    "accbot.actions.servers",
    "accbot.actions.audit_log",
    "accbot.actions.watches",
    "accbot.actions.server_watches",
)


def register_all() -> None:
    import importlib
    import importlib.util

    for module in ACTION_MODULES:
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)
