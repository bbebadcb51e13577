"""``parse(text) -> Command``: the ``/acc`` grammar of DESIGN.md, with every value checked.

No I/O and no ACC calls: a CommandError here means the text itself is wrong, and its
message says what (and, once the command is known, its usage line shows how).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from accbot.acc.models import JobStatus, RunMethod
from accbot.backend.paths import is_valid_segment
from accbot.commands.durations import duration_text, parse_duration
from accbot.commands.errors import CommandError
from accbot.commands.help import COMMANDS, EXAMPLE_RUN_ID, help_text, usage
from accbot.commands.lexer import Lexer, Token, WordLexer
from accbot.commands.model import (
    BULK_SCHEDULE_ACTIONS,
    DEFAULT_AUDIT_COUNT,
    DEFAULT_JOB_COUNT,
    DEFAULT_RUN_COUNT,
    DEFAULT_WAIT_SECONDS,
    MAX_COUNT,
    MAX_ESCALATE,
    MAX_MUTE,
    MAX_PAUSE,
    MAX_WAIT_SECONDS,
    MIN_ESCALATE,
    MIN_PAUSE,
    SCHEDULE_ACTIONS,
    SERVER_PREFIX,
    AddCsvInput,
    AddInputs,
    AddSchedule,
    AgentRef,
    Approve,
    BulkScheduleAction,
    ClearInputs,
    Command,
    DisableInputs,
    Disapprove,
    Escalation,
    GetData,
    Help,
    JobData,
    JobLogs,
    ListJobRuns,
    ListJobs,
    ListPauses,
    ListRuns,
    ListSchedules,
    ListWatches,
    Mute,
    OpenStartForm,
    RequestApproval,
    RestartRun,
    RetryRun,
    ScheduleAction,
    ServerHealth,
    SetJobStatus,
    ShowAgent,
    ShowAudit,
    ShowJob,
    ShowLog,
    ShowRun,
    ShowStatus,
    StartAgent,
    StartJob,
    Unwatch,
    UnwatchServer,
    Watch,
    WatchServer,
)

GUID = re.compile(
    r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$"
)
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")
PERSON_ID = re.compile(r"^@?([UWS][A-Z0-9]{6,})$")  # a user (U…, W…) or a user group (S…)
DURATION = re.compile(
    r"^(?:(\d{1,5})w)?(?:(\d{1,5})d)?(?:(\d{1,5})h)?(?:(\d{1,5})m)?$", re.IGNORECASE
)
SMALL_INT = re.compile(r"^\d{1,7}$")
CRON_FIELD = re.compile(r"^[0-9A-Za-z*?/,\-#]+$")
CRON_WORDS = frozenset(
    "L W LW JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC SUN MON TUE WED THU FRI SAT".split()
)
CRON_MIN_FIELDS, CRON_MAX_FIELDS = 4, 7
SAS_PREFIX = "sas:"
SAS_COMMANDS = "agent, runs, watch, unwatch and mute"
RUN_METHODS = tuple(m.value for m in RunMethod)
JOB_STATUSES = tuple(s.slug for s in JobStatus)


class Opt(Enum):
    FLAG = "flag"  # --test
    VALUE = "value"  # --session ID or --session=ID
    OPTIONAL_INT = "optional int"  # --wait or --wait=SECONDS (or --wait SECONDS)
    VALUE_AND_TARGET = "value and target"  # --escalate 30m @oncall: a value, then a word


@dataclass
class Args:
    """A command's tokens after its command words, sorted into their kinds."""

    name: str
    positionals: list[Token]
    params: dict[str, str]
    options: dict[str, str | None]
    leading: int = 0  # how many positionals came before the first option or k=v pair
    targets: dict[str, Token] = field(default_factory=dict)  # the word after a VALUE_AND_TARGET

    def fail(self, message: str) -> CommandError:
        return _error(self.name, message)

    def positional(self, index: int) -> Token | None:
        return self.positionals[index] if index < len(self.positionals) else None

    def no_more_than(self, count: int) -> None:
        if len(self.positionals) > count:
            extra = self.positionals[count]
            raise self.fail(f"unexpected '{extra.value}' (quote values that contain spaces)")


def parse(text: str) -> Command:
    """Parse the text typed after ``/acc`` into a Command, or raise CommandError."""
    return _parse(Lexer(text))


def parse_words(words: list[str]) -> Command:
    """Parse words already split (a terminal's argv) into a Command: each word is one
    token as typed, so ``k=two words`` needs no quoting beyond the shell's."""
    return _parse(WordLexer(words))


def _parse(lexer: Lexer) -> Command:
    first = lexer.next()
    if first is None:
        return Help(None)
    word = first.value.lower()
    handler = _HANDLERS.get(word) if first.key is None and first.mention is None else None
    if handler is None:
        shown = first.text if first.key is not None or first.mention else first.value
        hint = difflib.get_close_matches(word, list(_HANDLERS), n=1)
        suffix = f" — did you mean '{hint[0]}'?" if hint else " — try 'help'"
        raise CommandError(f"unknown command '{shown}'{suffix}")
    return handler(lexer)


# --- shared pieces ---------------------------------------------------------------------


def _error(name: str, message: str) -> CommandError:
    return CommandError(message, command=name, usage=usage(name))


def _args(
    name: str,
    lexer: Lexer,
    options: Mapping[str, Opt] | None = None,
    *,
    pairs: bool = False,
) -> Args:
    options = options or {}
    try:
        tokens = list(lexer)
    except CommandError as exc:
        raise _error(name, exc.message) from None
    args = Args(name, [], {}, {})
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token.option is not None:
            i = _take_option(args, options, token, tokens, i)
        elif token.key is not None:
            _take_pair(args, token, pairs)
        else:
            args.positionals.append(token)
            if len(args.params) + len(args.options) == 0:
                args.leading = len(args.positionals)
    return args


def _take_option(
    args: Args, options: Mapping[str, Opt], token: Token, tokens: list[Token], i: int
) -> int:
    assert token.option is not None
    option, value = token.option
    kind = options.get(option)
    if kind is None:
        hint = difflib.get_close_matches(option, list(options), n=1)
        suffix = f" — did you mean {hint[0]}?" if hint else ""
        raise args.fail(f"unknown option {option}{suffix}")
    if option in args.options:
        raise args.fail(f"{option} given twice")
    following = tokens[i] if i < len(tokens) else None
    if kind is Opt.FLAG and value is not None:
        raise args.fail(f"{option} takes no value")
    if kind in (Opt.VALUE, Opt.VALUE_AND_TARGET) and value is None:
        if following is None or following.option is not None:
            raise args.fail(f"{option} needs a value")
        value = following.text if following.key is not None else following.value
        i += 1
    if kind is Opt.VALUE_AND_TARGET:
        target = tokens[i] if i < len(tokens) else None
        if target is None or target.option is not None or target.key is not None:
            raise args.fail(f"{option} needs a value and then whom it names")
        args.targets[option] = target
        i += 1
    if kind is Opt.OPTIONAL_INT and value is None and following is not None:
        if following.key is None and not following.quoted and SMALL_INT.match(following.value):
            value = following.value
            i += 1
    if kind is not Opt.FLAG and value is not None and not value.strip():
        raise args.fail(f"{option} needs a value")
    args.options[option] = value
    return i


def _take_pair(args: Args, token: Token, allowed: bool) -> None:
    assert token.key is not None
    key = token.key
    if not allowed:
        raise args.fail(f"unexpected '{token.text}' — {args.name} takes no k=v parameters")
    problem = _pair_problem(key, token.text, args.params)
    if problem:
        raise args.fail(problem)
    args.params[key] = token.value


def _pair_problem(key: str, text: str, seen: Mapping[str, str]) -> str | None:
    """What is wrong with a k=v pair's name, the same rule on the command line and in a form."""
    if not key:
        return f"'{text}' is not a k=v pair (the name before '=' is missing)"
    if any(char.isspace() for char in key):
        return f"'{key}' is not a valid parameter name (no spaces allowed)"
    if key in seen:
        return f"parameter '{key}' given twice"
    return None


def parse_param_lines(text: str) -> dict[str, str]:
    """Input parameters typed in a form, one ``k=v`` a line: the names follow the command
    line's rules; the value is the rest of the line (quotes around it are dropped), so
    ``city=New York`` needs no quoting. Blank lines are skipped. Raises CommandError
    naming the line."""
    params: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        key, equals, value = line.partition("=")
        if not equals:
            raise CommandError(f"line {number}: '{line}' is not a k=v pair")
        key = key.strip()
        problem = _pair_problem(key, line, params)
        if problem:
            raise CommandError(f"line {number}: {problem}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        params[key] = value
    return params


CSV_NAME_MAX = 200


def csv_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name CSV input data (ACC wants a plain ``.csv`` file name)."""
    if not name:
        return "the file name is empty"
    if not name.lower().endswith(".csv") or len(name) <= len(".csv"):
        return f"'{name}' does not end with .csv"
    if any(char in name for char in "/\\:"):
        return f"'{name}' is not a plain file name (no folders)"
    if len(name) > CSV_NAME_MAX:
        return f"the file name is longer than {CSV_NAME_MAX} characters"
    return None


def _no_pairs_left(args: Args, start: int) -> None:
    """Where only k=v pairs may follow, a bare word is a malformed pair."""
    if len(args.positionals) > start:
        word = args.positionals[start].value
        # A stray word after a pair or option is most often a value's second word.
        hint = " (quote values that contain spaces)" if start >= args.leading else ""
        raise args.fail(f"'{word}' is not a k=v pair{hint}")


def _agent_path(args: Args, index: int = 0) -> str:
    ref = _agent_ref(args, index)
    if ref.is_sas:
        raise args.fail(f"SAS agents ({SAS_PREFIX}<agentId>) work only with {SAS_COMMANDS}")
    return ref.ref


def _agent_ref(args: Args, index: int = 0) -> AgentRef:
    token = args.positional(index)
    if token is None:
        raise args.fail("missing <agentPath>")
    if token.mention is not None:
        raise args.fail(f"'{token.value}' is a mention, not an agent path")
    text = token.value.strip()
    if not text:
        raise args.fail("the agent path is empty")
    if text.lower().startswith(SAS_PREFIX):
        agent_id = text[len(SAS_PREFIX) :].strip()
        if not agent_id:
            raise args.fail(f"missing the agent ID after '{SAS_PREFIX}'")
        if not is_valid_segment(agent_id):
            # '..' or 'a/b' would change the SAS URL called (/catalog/bots/.. is /catalog)
            raise args.fail(
                f"'{agent_id}' is not a SAS agent ID (an ID cannot be '.' or '..', "
                "nor contain / \\ ? # %)"
            )
        return AgentRef("sas", agent_id)
    return AgentRef("acc", text)


def _guid(args: Args, index: int, what: str, placeholder: str) -> str:
    token = args.positional(index)
    if token is None:
        raise args.fail(f"missing {placeholder}")
    match = GUID.match(token.value.strip())
    if not match:
        raise args.fail(f"'{token.value}' is not a {what} (expected a GUID like {EXAMPLE_RUN_ID})")
    return match.group(1).lower()


def _count(args: Args, index: int, default: int) -> int:
    token = args.positional(index)
    if token is None:
        return default
    return _bounded_int(args, token.value, "count", 1, MAX_COUNT)


def _bounded_int(args: Args, text: str, what: str, low: int, high: int) -> int:
    if not SMALL_INT.match(text.strip()):
        raise args.fail(f"'{text}' is not a {what} (expected a whole number from {low} to {high})")
    number = int(text)
    if not low <= number <= high:
        raise args.fail(f"{what} must be from {low} to {high}, not {number}")
    return number


def _choice(args: Args, text: str, choices: tuple[str, ...], what: str) -> str:
    """Match ``text`` case-insensitively against ``choices``; return the canonical one."""
    by_lower = {choice.lower(): choice for choice in choices}
    folded = text.strip().lower()
    if folded in by_lower:
        return by_lower[folded]
    hint = difflib.get_close_matches(folded, list(by_lower), n=1)
    suffix = f" — did you mean '{by_lower[hint[0]]}'?" if hint else ""
    raise args.fail(f"'{text}' is not {what} (expected one of {', '.join(choices)}){suffix}")


def _free_text(name: str, lexer: Lexer) -> tuple[Args, str | None]:
    """``<agentPath> [free text]``: the text after the path is taken as typed, so a
    message may contain apostrophes (“it's fine”) without quoting."""
    try:
        path_token = lexer.next()
    except CommandError as exc:
        raise _error(name, exc.message) from None
    args = Args(name, [path_token] if path_token is not None else [], {}, {})
    if path_token is not None and path_token.option is not None:
        raise args.fail(f"unknown option {path_token.option[0]}")
    if path_token is not None and path_token.key is not None:
        raise args.fail(f"'{path_token.text}' is not an agent path")
    rest = lexer.rest()
    return args, rest or None


# --- reading ---------------------------------------------------------------------------


def _help(lexer: Lexer) -> Help:
    topic = " ".join(lexer.rest().split()) or None
    if topic is not None:
        help_text(topic)  # raises CommandError for a topic that has no help
    return Help(topic)


def _agent(lexer: Lexer) -> ShowAgent:
    args = _args("agent", lexer)
    args.no_more_than(1)
    return ShowAgent(_agent_ref(args))


def _runs(lexer: Lexer) -> ListRuns:
    args = _args("runs", lexer, {"--status": Opt.VALUE})
    args.no_more_than(2)
    agent = _agent_ref(args)
    count = _count(args, 1, DEFAULT_RUN_COUNT)
    status = args.options.get("--status")
    if status is not None and status.strip().lower() != "failed":
        raise args.fail(f"--status accepts only 'failed', not '{status}'")
    return ListRuns(agent, count, failed_only=status is not None)


def _run_id_command(name: str, build: Callable[[str], Command]) -> Callable[[Lexer], Command]:
    def handler(lexer: Lexer) -> Command:
        args = _args(name, lexer)
        args.no_more_than(1)
        return build(_guid(args, 0, "run ID", "<runId>"))

    return handler


def _server(lexer: Lexer) -> ServerHealth:
    args = _args("server", lexer)
    args.no_more_than(1)
    token = args.positional(0)
    if token is None or not token.value.strip():
        raise args.fail("missing <name>")
    return ServerHealth(token.value.strip())


def _status(lexer: Lexer) -> ShowStatus:
    _args("status", lexer).no_more_than(0)
    return ShowStatus()


def _audit(lexer: Lexer) -> ShowAudit:
    args = _args("audit", lexer)
    args.no_more_than(1)
    return ShowAudit(_count(args, 0, DEFAULT_AUDIT_COUNT))


# --- running ---------------------------------------------------------------------------

_START_OPTIONS = {
    "--session": Opt.VALUE,
    "--log-level": Opt.VALUE,
    "--test": Opt.FLAG,
    "--files": Opt.VALUE,
    "--multi": Opt.FLAG,
    "--wait": Opt.OPTIONAL_INT,
    "--form": Opt.FLAG,
}


def _start(lexer: Lexer) -> StartAgent | OpenStartForm:
    args = _args("start", lexer, _START_OPTIONS, pairs=True)
    if not args.positionals and not args.params and not args.options:
        return OpenStartForm()  # the form asks for the path too
    path = _agent_path(args)
    _no_pairs_left(args, 1)
    opts = args.options
    log_level = opts.get("--log-level")
    level = None if log_level is None else _bounded_int(args, log_level, "log level", 0, 3)
    if "--form" in opts:
        for option in ("--wait", "--session"):
            if option in opts:
                raise args.fail(f"{option} cannot be used with --form (the form starts the run)")
        return OpenStartForm(
            agent_path=path,
            params=args.params,
            log_level=level,
            test="--test" in opts,
            files=_files(args, opts.get("--files")),
            multi="--multi" in opts,
        )
    return StartAgent(
        agent_path=path,
        params=args.params,
        session_id=opts["--session"].strip() if opts.get("--session") else None,
        log_level=level,
        test="--test" in opts,
        files=_files(args, opts.get("--files")),
        multi="--multi" in opts,
        wait_seconds=_wait(args, opts),
    )


def _files(args: Args, value: str | None) -> list[str]:
    if value is None:
        return []
    names = [name.strip() for name in value.split(",")]
    if not all(names):
        raise args.fail(f"--files '{value}' has an empty file name (separate names with commas)")
    return names


def _wait(args: Args, opts: dict[str, str | None]) -> int | None:
    if "--wait" not in opts:
        return None
    seconds = opts["--wait"]
    if seconds is None:
        return DEFAULT_WAIT_SECONDS
    return _bounded_int(args, seconds, "--wait time in seconds", 1, MAX_WAIT_SECONDS)


def _retry(lexer: Lexer) -> RetryRun:
    args = _args("retry", lexer)
    args.no_more_than(2)
    run_id = _guid(args, 0, "run ID", "<runId>")
    method = args.positional(1)
    if method is None:
        return RetryRun(run_id)
    return RetryRun(run_id, _choice(args, method.value, RUN_METHODS, "a retry method"))


# --- jobs ------------------------------------------------------------------------------


def _job(lexer: Lexer) -> Command:
    first = _next_word("job", lexer)
    sub = (
        first.value.lower() if first is not None and first.key is None and not first.quoted else ""
    )
    if sub in _JOB_HANDLERS:
        name = f"job {sub}"
        return _JOB_HANDLERS[sub](_args(name, lexer, pairs=sub == "start"))
    args = _args("job", lexer)
    if first is not None:
        args.positionals.insert(0, first)
        args.leading += 1
    if first is not None and not GUID.match(first.value.strip()):
        hint = difflib.get_close_matches(sub, list(_JOB_HANDLERS), n=1)
        if hint:
            raise args.fail(f"'{first.value}' is not a job run ID — did you mean 'job {hint[0]}'?")
    args.no_more_than(1)
    return ShowJob(_guid(args, 0, "job run ID", "<jobRunId>"))


def _next_word(name: str, lexer: Lexer) -> Token | None:
    try:
        return lexer.next()
    except CommandError as exc:
        raise _error(name, exc.message) from None


def _job_start(args: Args) -> StartJob:
    path = _agent_path(args)
    _no_pairs_left(args, 1)
    return StartJob(path, args.params)


def _job_runs(args: Args) -> ListJobRuns:
    args.no_more_than(2)
    path = _agent_path(args)
    return ListJobRuns(path, _guid(args, 1, "job run ID", "<jobRunId>"))


def _job_logs(args: Args) -> JobLogs:
    args.no_more_than(1)
    return JobLogs(_guid(args, 0, "job run ID", "<jobRunId>"))


def _job_data(args: Args) -> JobData:
    args.no_more_than(1)
    return JobData(_guid(args, 0, "job run ID", "<jobRunId>"))


def _job_status(args: Args) -> SetJobStatus:
    args.no_more_than(2)
    path = _agent_path(args)
    token = args.positional(1)
    if token is None:
        raise args.fail("missing the status (" + "|".join(JOB_STATUSES) + ")")
    slug = token.value.replace("_", "-")
    return SetJobStatus(path, _choice(args, slug, JOB_STATUSES, "a job status"))


_JOB_HANDLERS: dict[str, Callable[[Args], Command]] = {
    "start": _job_start,
    "runs": _job_runs,
    "logs": _job_logs,
    "data": _job_data,
    "status": _job_status,
}


def _jobs(lexer: Lexer) -> ListJobs:
    args = _args("jobs", lexer)
    args.no_more_than(2)
    return ListJobs(_agent_path(args), _count(args, 1, DEFAULT_JOB_COUNT))


# --- schedules -------------------------------------------------------------------------


def _schedules(lexer: Lexer) -> Command:
    first = _next_word("schedules", lexer)
    action = (
        first.value.lower() if first is not None and first.key is None and not first.quoted else ""
    )
    if action in BULK_SCHEDULE_ACTIONS:
        bulk = _args(f"schedules {action}", lexer)
        pause = _pause_for(bulk, action)
        return BulkScheduleAction(_agent_path(bulk), action, pause)  # type: ignore[arg-type]
    args = _args("schedules", lexer)
    if first is not None:
        args.positionals.insert(0, first)
    args.no_more_than(1)
    return ListSchedules(_agent_path(args))


def _schedule(lexer: Lexer) -> Command:
    sub_token = _next_word("schedule", lexer)
    choices = ("add", *SCHEDULE_ACTIONS)
    if sub_token is None:
        raise _error("schedule", f"missing the schedule action ({'|'.join(choices)})")
    sub = sub_token.value.lower()
    if sub_token.key is not None or sub not in choices:
        hint = difflib.get_close_matches(sub, choices, n=1)
        suffix = f" — did you mean 'schedule {hint[0]}'?" if hint else ""
        raise _error(
            "schedule",
            f"unknown schedule action '{sub_token.text}' (expected {', '.join(choices)}){suffix}",
        )
    if sub == "add":
        return _schedule_add(lexer)
    args = _args(f"schedule {sub}", lexer)
    pause = _pause_for(args, sub)
    schedule_id = _guid(args, 0, "schedule ID", "<scheduleId>")
    return ScheduleAction(schedule_id, sub, pause)  # type: ignore[arg-type]


def _pause_for(args: Args, action: str) -> timedelta | None:
    """``off ... for <duration>``: the words after the schedule or agent."""
    word = args.positional(1)
    if word is None:
        return None
    if word.value.lower() != "for" or word.quoted:
        args.no_more_than(1)
    if action != "off":
        raise args.fail(f"only 'off' takes 'for <duration>', not '{action}'")
    token = args.positional(2)
    if token is None:
        raise args.fail("missing the duration after 'for' (e.g. 90s, 30m, 2h, 1d, 1h30m)")
    args.no_more_than(3)
    return pause_duration(token.value, args.fail)


def pause_duration(text: str, fail: Callable[[str], CommandError] = CommandError) -> timedelta:
    """``90s``, ``30m``, ``2h``, ``1d`` or combinations (``1h30m``), from MIN_PAUSE to
    MAX_PAUSE."""
    try:
        span = parse_duration(text)
    except ValueError as exc:
        raise fail(str(exc)) from None
    if span < MIN_PAUSE:
        raise fail(f"a pause lasts at least {duration_text(MIN_PAUSE)}, not '{text}'")
    if span > MAX_PAUSE:
        raise fail(f"a pause lasts at most {duration_text(MAX_PAUSE)}, not '{text}'")
    return span


def _schedule_add(lexer: Lexer) -> AddSchedule:
    args = _args("schedule add", lexer, {"--tz": Opt.VALUE, "--start": Opt.VALUE}, pairs=True)
    path = _agent_path(args)
    if len(args.positionals) < 2:
        raise args.fail('missing "<cron>" (for example "0 0 6 * * ?")')
    # Unquoted, the cron's fields arrive as separate words before any option: join them.
    cron_end = 2 if args.positionals[1].quoted else max(args.leading, 2)
    _no_pairs_left(args, cron_end)
    cron = " ".join(token.value.strip() for token in args.positionals[1:cron_end])
    _check_cron(args, cron)
    tz = args.options.get("--tz")
    start = args.options.get("--start")
    return AddSchedule(
        agent_path=path,
        cron=cron,
        tz=tz.strip() if tz else None,
        start=None if start is None else _iso_start(args, start),
        params=args.params,
    )


def _check_cron(args: Args, cron: str) -> None:
    fields = cron.split()
    if not CRON_MIN_FIELDS <= len(fields) <= CRON_MAX_FIELDS:
        raise args.fail(
            f"'{cron}' is not a cron expression: it has {len(fields)} fields, expected "
            f"{CRON_MIN_FIELDS} to {CRON_MAX_FIELDS} (second minute hour day month weekday)"
        )
    for cron_field in fields:
        words = re.findall(r"[A-Za-z]+", cron_field)
        bad_word = next((w for w in words if w.upper() not in CRON_WORDS), None)
        if not CRON_FIELD.match(cron_field) or bad_word is not None:
            raise args.fail(
                f"'{cron}' is not a cron expression: '{cron_field}' is not a cron field"
            )


def _iso_start(args: Args, text: str) -> str:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise args.fail(
            f"--start '{text}' is not an ISO 8601 time (e.g. 2025-01-31T06:00:00)"
        ) from None
    if moment.tzinfo is not None:
        raise args.fail(
            f"--start '{text}' has a UTC offset; give the local time and the zone with --tz"
        )
    return moment.isoformat(timespec="seconds")


# --- approvals and inputs ----------------------------------------------------------------


def _approval(name: str, build: Callable[[str, str | None], Command]) -> Callable[[Lexer], Command]:
    def handler(lexer: Lexer) -> Command:
        args, text = _free_text(name, lexer)
        return build(_agent_path(args), text)

    return handler


_INPUT_BUILDERS: dict[str, Callable[[str], Command]] = {
    "add": AddInputs,
    "clear": ClearInputs,
    "disable": DisableInputs,
}
_INPUT_ACTIONS = ("add", "csv", "clear", "disable")


def _inputs(lexer: Lexer) -> Command:
    first = _next_word("inputs", lexer)
    action = first.value.lower() if first is not None and first.key is None else ""
    if action not in _INPUT_ACTIONS:
        hint = difflib.get_close_matches(action, list(_INPUT_ACTIONS), n=1)
        suffix = f" — did you mean 'inputs {hint[0]}'?" if hint else ""
        shown = first.text if first is not None else ""
        problem = f"unknown inputs action '{shown}'" if shown else "missing the inputs action"
        raise _error("inputs", f"{problem} (expected add, csv, clear or disable){suffix}")
    args = _args(f"inputs {action}", lexer)
    if action == "csv":
        args.no_more_than(2)
        path = _agent_path(args)
        token = args.positional(1)
        filename = token.value.strip() if token is not None else None
        if filename is not None:
            problem = csv_name_problem(filename)
            if problem:
                raise args.fail(problem)
        return AddCsvInput(path, filename)
    args.no_more_than(1)
    return _INPUT_BUILDERS[action](_agent_path(args))


# --- watching --------------------------------------------------------------------------


def _channel(args: Args, index: int) -> str | None:
    token = args.positional(index)
    if token is None:
        return None
    mention = token.mention
    if mention is not None and mention.kind == "#":
        if not re.match(r"^[A-Z0-9]+$", mention.id):
            raise args.fail(f"'{token.text}' is not a channel mention Slack sends")
        return mention.id
    if mention is not None:
        raise args.fail(f"'{token.value}' is a user or group mention, not a channel")
    if CHANNEL_ID.match(token.value):
        return token.value
    if token.value.startswith("#"):
        raise args.fail(
            f"can't tell which channel '{token.value}' is: pick it from Slack's autocomplete "
            "(type # and choose the channel) or give its ID (C…)"
        )
    raise args.fail(f"'{token.value}' is not a channel (type # and pick one from the list)")


_WATCH_OPTIONS = {
    "--all": Opt.FLAG,
    "--empty": Opt.FLAG,
    "--drop": Opt.VALUE,
    "--escalate": Opt.VALUE_AND_TARGET,
}
DROP_PATTERN = re.compile(r"^(\d{1,3})\s*%?$")


def _watch(lexer: Lexer) -> Watch | WatchServer:
    args = _args("watch", lexer, _WATCH_OPTIONS)
    args.no_more_than(2)
    server = _server_name(args)
    if server is not None:
        if args.options:
            given = ", ".join(args.options)
            raise args.fail(
                f"a server watch takes no options ({given}): it alerts when the server is "
                "unreachable or over ACC's own thresholds, and when it is back"
            )
        return WatchServer(server, _channel(args, 1))
    agent = _agent_ref(args)
    opts = args.options
    quality = [option for option in ("--empty", "--drop") if option in opts]
    if agent.is_sas and quality:
        raise args.fail(
            f"{' and '.join(quality)} watch ACC's data counts; SAS agent runs have none"
        )
    return Watch(
        agent,
        _channel(args, 1),
        all_states="--all" in opts,
        empty="--empty" in opts,
        drop_percent=_drop(args, opts.get("--drop")),
        escalate=_escalation(args, opts.get("--escalate")),
    )


def _unwatch(lexer: Lexer) -> Unwatch | UnwatchServer:
    args = _args("unwatch", lexer)
    args.no_more_than(2)
    server = _server_name(args)
    if server is not None:
        return UnwatchServer(server, _channel(args, 1))
    return Unwatch(_agent_ref(args), _channel(args, 1))


def _server_name(args: Args) -> str | None:
    """The name in ``server:<name>``, or None when the first word names an agent."""
    token = args.positional(0)
    if token is None or token.mention is not None:
        return None
    text = token.value.strip()
    if not text.lower().startswith(SERVER_PREFIX):
        return None
    name = text[len(SERVER_PREFIX) :].strip()
    if not name:
        raise args.fail(f"missing the server name after '{SERVER_PREFIX}' (see ACCBOT_SERVERS)")
    return name


def _drop(args: Args, value: str | None) -> int | None:
    if value is None:
        return None
    match = DROP_PATTERN.match(value.strip())
    if match is None or not 1 <= int(match.group(1)) <= 99:
        raise args.fail(
            f"--drop '{value}' is not a percentage from 1 to 99 (--drop 50 alerts a data "
            "count more than half below the usual)"
        )
    return int(match.group(1))


def _escalation(args: Args, value: str | None) -> Escalation | None:
    if value is None:
        return None
    try:
        after = parse_duration(value)
    except ValueError as exc:
        raise args.fail(f"--escalate: {exc}") from None
    if not MIN_ESCALATE <= after <= MAX_ESCALATE:
        raise args.fail(
            f"--escalate waits from {duration_text(MIN_ESCALATE)} to "
            f"{duration_text(MAX_ESCALATE)}, not '{value}'"
        )
    return Escalation(after, _person(args, args.targets["--escalate"]))


def _person(args: Args, token: Token) -> str:
    """A user or user group to mention, as the ID Slack sent (or typed as an ID)."""
    mention = token.mention
    if mention is not None and mention.kind == "#":
        raise args.fail(f"'{token.value}' is a channel; --escalate names a user or a group")
    if mention is not None and PERSON_ID.match(mention.id):
        return mention.id
    if mention is None:
        match = PERSON_ID.match(token.value.strip())
        if match:
            return match.group(1)
    raise args.fail(
        f"can't tell who '{token.value}' is: --escalate names a user or a user group picked "
        "from Slack's autocomplete (type @ and choose), or their ID (U… or S…)"
    )


def _paused(lexer: Lexer) -> ListPauses:
    args = _args("paused", lexer)
    args.no_more_than(0)
    return ListPauses()


def _watching(lexer: Lexer) -> ListWatches:
    args = _args("watching", lexer)
    args.no_more_than(0)
    return ListWatches()


def _mute(lexer: Lexer) -> Mute:
    args = _args("mute", lexer)
    args.no_more_than(2)
    agent = _agent_ref(args)
    token = args.positional(1)
    if token is None:
        raise args.fail("missing <duration> (e.g. 30m, 2h, 1d, 1h30m)")
    return Mute(agent, _duration(args, token.value))


def _duration(args: Args, text: str) -> timedelta:
    match = DURATION.match(text.strip())
    if not text.strip() or match is None:
        raise args.fail(f"'{text}' is not a duration (e.g. 30m, 2h, 1d, 1h30m)")
    weeks, days, hours, minutes = (int(part or 0) for part in match.groups())
    total_minutes = ((weeks * 7 + days) * 24 + hours) * 60 + minutes
    limit_minutes = int(MAX_MUTE.total_seconds() // 60)
    if total_minutes < 1:
        raise args.fail("a mute must last at least 1m")
    if total_minutes > limit_minutes:
        raise args.fail(f"a mute lasts at most {MAX_MUTE.days}d, not '{text}'")
    return timedelta(minutes=total_minutes)


_HANDLERS: dict[str, Callable[[Lexer], Command]] = {
    "help": _help,
    "agent": _agent,
    "start": _start,
    "runs": _runs,
    "run": _run_id_command("run", ShowRun),
    "restart": _run_id_command("restart", RestartRun),
    "retry": _retry,
    "log": _run_id_command("log", ShowLog),
    "data": _run_id_command("data", GetData),
    "job": _job,
    "jobs": _jobs,
    "schedules": _schedules,
    "schedule": _schedule,
    "approve": _approval("approve", Approve),
    "disapprove": _approval("disapprove", Disapprove),
    "request-approval": _approval("request-approval", RequestApproval),
    "inputs": _inputs,
    "server": _server,
    "watch": _watch,
    "unwatch": _unwatch,
    "watching": _watching,
    "paused": _paused,
    "mute": _mute,
    "status": _status,
    "audit": _audit,
}

assert {name.split()[0] for name in COMMANDS} <= set(_HANDLERS)
