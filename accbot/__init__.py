"""accbot: a Slack chat-ops bot for Sequentum's Agent Control Center (ACC)."""

__version__ = "0.1.0"
