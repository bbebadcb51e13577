"""SAS Viya Information Catalog agents ("bots"): client, typed history and filters."""

from accbot.sas.client import SasClient
from accbot.sas.filters import HISTORY_FILTER_FIELDS, and_, eq
from accbot.sas.models import Bot, BotHistoryItem, HistoryPage, Link, SasRunState, classify

__all__ = [
    "HISTORY_FILTER_FIELDS",
    "Bot",
    "BotHistoryItem",
    "HistoryPage",
    "Link",
    "SasClient",
    "SasRunState",
    "and_",
    "classify",
    "eq",
]
