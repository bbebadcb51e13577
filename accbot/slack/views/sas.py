"""Block Kit for SAS catalog agents: run lists, watcher alerts, and SAS errors.

A SAS run shows its free-text status (only ``completed`` is documented, so the word is
shown as SAS sent it, with an icon for what accbot made of it), the five asset counts,
the run's ``parameters`` and ``jobParameters``, and links to the new and changed assets
(the history item's ``newAssets`` / ``changedAssets`` links, made absolute with
SAS_BASE_URL).
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from accbot.acc.errors import BackendResponseError, Forbidden, NotFound, Unauthorized
from accbot.actions.context import Actor
from accbot.actions.results import SasRunList
from accbot.sas.models import BotHistoryItem, SasRunState
from accbot.slack.views import format as fmt
from accbot.slack.views.reply import Reply
from accbot.slack.views.runs import mute_button

MAX_LIST_ROWS = 20
MAX_PARAMETER_CHARS = 160
MAX_SECTION_CHARS = 3000

STATE_ICONS = {
    SasRunState.SUCCEEDED: ":white_check_mark:",
    SasRunState.FAILED: ":x:",
    SasRunState.IN_PROGRESS: ":arrows_counterclockwise:",
    SasRunState.UNKNOWN: ":grey_question:",
}

# (history item attribute, label), in the order SAS's own UI lists them.
COUNTS = (
    ("n_enumerated", "enumerated"),
    ("n_added", "added"),
    ("n_updated", "updated"),
    ("n_removed", "removed"),
    ("n_excluded", "excluded"),
)

ASSET_LINKS = (("newAssets", "New assets"), ("changedAssets", "Changed assets"))


def agent_label(agent_id: str, agent_name: str | None = None) -> str:
    """``SASHELP discovery (sas:ba14…)``, or just ``sas:<id>`` when the name is the id."""
    ref = f"sas:{agent_id}"
    return f"{agent_name} ({ref})" if agent_name and agent_name != agent_id else ref


def status_text(item: BotHistoryItem) -> str:
    """The icon for the run's state and SAS's own word, e.g. ``:x: failed``."""
    state = item.state
    word = fmt.escape(item.status or "no status")
    if state is SasRunState.UNKNOWN:
        return f"{STATE_ICONS[state]} unknown status `{word}`"
    return f"{STATE_ICONS[state]} {word}"


def counts_text(item: BotHistoryItem) -> str:
    """``290 enumerated · 239 added · 0 updated · 0 removed · 49 excluded``."""
    return " · ".join(f"{fmt.count(getattr(item, attr))} {label}" for attr, label in COUNTS)


def parameters_text(item: BotHistoryItem) -> str | None:
    """The run's ``parameters`` and ``jobParameters`` as ``key=value`` code spans."""
    lines = []
    for title, values in (("Parameters", item.parameters), ("Job parameters", item.job_parameters)):
        if values:
            pairs = ", ".join(
                f"`{fmt.escape(k)}={fmt.escape(fmt.truncate(v, MAX_PARAMETER_CHARS))}`"
                for k, v in values.items()
            )
            lines.append(f"*{title}* {pairs}")
    return "\n".join(lines) or None


def absolute(href: str, sas_url: str) -> str:
    """A SAS link made absolute: hrefs are server paths (``/catalog/search?…``)."""
    if href.startswith(("http://", "https://")) or not sas_url:
        return href
    return sas_url.rstrip("/") + "/" + href.lstrip("/")


def asset_links(item: BotHistoryItem, sas_url: str) -> list[tuple[str, str]]:
    """(label, absolute URL) of the run's new and changed assets, where SAS gave them."""
    out = []
    for rel, label in ASSET_LINKS:
        link = item.link(rel)
        if link is not None:
            out.append((label, absolute(link.href, sas_url)))
    return out


def links_text(item: BotHistoryItem, sas_url: str) -> str | None:
    """Live links only into the configured SAS server (SAS_BASE_URL): a link SAS sent
    elsewhere, or one Slack could not parse, is shown as text, never as a link."""
    links = asset_links(item, sas_url)
    if not links:
        return None
    return " · ".join(_asset_link(label, url, sas_url) for label, url in links)


def _asset_link(label: str, url: str, sas_url: str) -> str:
    base = sas_url.rstrip("/") + "/"
    if sas_url and url.startswith(base) and all(_url_char(c) for c in url):
        return f"<{fmt.escape(url)}|{fmt.escape(label)}>"
    return f"{fmt.escape(label)}: `{fmt.escape(url)}`"


def _url_char(char: str) -> bool:
    """A character a Slack link may hold: not one that ends it, no space, nothing unprintable."""
    return char.isprintable() and not char.isspace() and char not in "|<>"


def run_summary(item: BotHistoryItem) -> str:
    """One line: status, run id, start and run time."""
    return (
        f"{status_text(item)} `{fmt.escape(item.run_key)}` · {fmt.when(item.creation_time)}"
        f" · {fmt.duration(item.duration)}"
    )


def run_text(item: BotHistoryItem, sas_url: str) -> str:
    """Everything about one run: summary, counts, parameters, asset links."""
    lines = [run_summary(item), counts_text(item)]
    params = parameters_text(item)
    if params:
        lines.append(params)
    links = links_text(item, sas_url)
    if links:
        lines.append(links)
    if item.created_by:
        lines.append(f"_started by {fmt.escape(item.created_by)}_")
    return fmt.truncate("\n".join(lines), MAX_SECTION_CHARS)


def render_sas_run_list(result: SasRunList, actor: Actor | None = None) -> Reply:
    label = agent_label(result.agent_id, result.agent_name)
    what = "failed runs" if result.failed_only else "runs"
    if not result.runs:
        text = f"No {what} found for `{fmt.escape(label)}`"
        if result.failed_only:
            text += f" among its latest {result.scanned} runs"
        text += "."
        return Reply(text=text, blocks=[SectionBlock(text=text)])
    title = f"Latest {what} of SAS agent {label}"
    blocks: list = [HeaderBlock(text=fmt.plain(title, 150))]
    blocks += [
        SectionBlock(text=run_text(item, result.sas_url)) for item in result.runs[:MAX_LIST_ROWS]
    ]
    notes = []
    if len(result.runs) > MAX_LIST_ROWS:
        notes.append(f"Showing {MAX_LIST_ROWS} of {len(result.runs)}.")
    if result.failed_only:
        notes.append(
            f"Searched the latest {result.scanned} runs; a status containing fail, error "
            "or cancel counts as failed."
        )
    if notes:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" ".join(notes))]))
    return Reply(text=fmt.escape(title), blocks=blocks)


# --------------------------------------------------------------------- alerts


def sas_alert_blocks(
    item: BotHistoryItem, *, agent_ref: str, agent_name: str, sas_url: str
) -> list[Block]:
    """A watcher alert about one SAS run: what ended how, its counts, parameters and the
    new/changed assets, with "Mute 1h" (SAS runs have no restart, retry or log)."""
    state = item.state
    if state is SasRunState.UNKNOWN:
        what = f"in unknown status {item.status}"
    else:
        what = item.status or "without a status"
    header = f"{STATE_ICONS[state]} SAS run {what}: {agent_name}"
    lead = f"Agent `{fmt.escape(agent_ref)}` · run `{fmt.escape(item.run_key)}`"
    if state is SasRunState.UNKNOWN:
        lead += (
            f"\nSAS reported the status `{fmt.escape(item.status)}`, which accbot does not "
            "know; it is not counted as a failure. This is said once per agent and status."
        )
    fields = [
        _field("Status", status_text(item)),
        _field("Started", fmt.when(item.creation_time)),
        _field("Ended", fmt.when(item.end_time)),
        _field("Run time", fmt.duration(item.duration)),
        _field("Started by", fmt.escape(item.created_by or "—")),
    ]
    blocks: list[Block] = [
        HeaderBlock(text=fmt.plain(header, 150)),
        SectionBlock(text=fmt.truncate(lead, MAX_SECTION_CHARS), fields=fields),
        SectionBlock(text=f"*Assets* {counts_text(item)}"),
    ]
    params = parameters_text(item)
    if params:
        blocks.append(SectionBlock(text=fmt.truncate(params, MAX_SECTION_CHARS)))
    hints = [links_text(item, sas_url), f"`/acc runs {fmt.escape(agent_ref)}` lists its runs"]
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(text=fmt.truncate(" · ".join(h for h in hints if h), 3000))
            ]
        )
    )
    blocks.append(
        ActionsBlock(block_id=f"alert:{item.run_key}"[:255], elements=[mute_button(agent_ref)])
    )
    return blocks


def _field(name: str, value: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=f"*{name}*\n{value}")


# --------------------------------------------------------------------- errors


def explain_sas_error(exc: BackendResponseError) -> str:
    """A SAS error answer for people: what happened, SAS's own message and remediation.

    The client already put SAS's ``message`` into ``exc.message`` and stripped any
    credential from the body's texts; ``details`` (request path, correlator) help a SAS
    administrator find the request in SAS's logs.
    """
    if isinstance(exc, Unauthorized):
        icon = ":lock:"
        advice = "An admin needs to renew SAS_TOKEN (or SAS_CLIENT_ID / SAS_CLIENT_SECRET)."
    elif isinstance(exc, Forbidden):
        icon, advice = ":no_entry:", "Ask a SAS administrator to grant accbot's SAS user access."
    elif isinstance(exc, NotFound):
        icon, advice = ":mag:", "Check the agent ID (SAS agent IDs are GUIDs)."
    else:
        icon, advice = ":warning:", None
    lines = [f"{icon} {fmt.escape(exc.message)}"]
    if exc.remediation:
        lines.append(f"SAS suggests: {fmt.escape(exc.remediation)}")
    if advice:
        lines.append(advice)
    extra = []
    if exc.error_code is not None:
        extra.append(f"SAS error {exc.error_code}")
    if exc.detail:
        extra.append(fmt.escape(exc.detail))
    if extra:
        lines.append("_" + " · ".join(extra) + "_")
    return "\n".join(lines)
