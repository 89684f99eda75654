"""The bench's results as a plain text table, and as JSON for keeping."""

from __future__ import annotations

from typing import Any

from .results import BenchReport, BotRun, ChatRun, OpenMeetings, percentile

Number = float | int | None
MB = 1024 * 1024

# (key, label, compare with the echo bot?) in the order the table shows them.
ROWS: tuple[tuple[str, str, bool], ...] = (
    ("latency_p50_ms", "answer latency p50 (ms)", True),
    ("latency_p95_ms", "answer latency p95 (ms)", True),
    ("latency_p99_ms", "answer latency p99 (ms)", True),
    # All chats start (and end) at once: their first and last answers wait the longest.
    ("first_answer_p50_ms", "first answer of each chat p50 (ms)", True),
    ("last_answer_p50_ms", "last answer of each chat p50 (ms)", True),
    ("answers_per_second", "answers per second", True),
    ("cpu_ms_per_update", "CPU per update (ms)", True),
    ("peak_rss_mb", "peak RSS (MB)", True),
    ("idle_rss_mb", "idle RSS (MB)", True),
    ("startup_ms", "start to first poll (ms)", True),
    ("too_many_requests", "429 responses", False),
    ("late_button_answers", "late button answers (>1 s or never)", False),
    ("button_answer_p99_ms", "button answer p99 (ms)", False),
    ("errors_logged", "errors in the bot's log", False),
    ("answers", "answers", False),
    ("updates", "updates", False),
    ("traffic_seconds", "traffic (s)", False),
    ("standin_cpu_percent", "stand-in + people CPU (% of a core)", False),
)


def summary(run: BotRun) -> dict[str, Number]:
    latencies = run.latencies
    busy = run.traffic_seconds
    return {
        "chats": len(run.chats),
        "finished": run.finished,
        "answers": run.answers,
        "latency_p50_ms": _ms(percentile(latencies, 0.50)),
        "latency_p95_ms": _ms(percentile(latencies, 0.95)),
        "latency_p99_ms": _ms(percentile(latencies, 0.99)),
        "first_answer_p50_ms": _ms(
            percentile([c.latencies[0] for c in run.chats if c.latencies], 0.5)
        ),
        "last_answer_p50_ms": _ms(
            percentile([c.latencies[-1] for c in run.chats if c.latencies], 0.5)
        ),
        "answers_per_second": round(run.answers_per_second, 1),
        "updates": run.updates,
        "cpu_ms_per_update": _round(run.cpu_ms_per_update, 2),
        "peak_rss_mb": round(run.peak_rss_bytes / MB, 1),
        "idle_rss_mb": round(run.idle_rss_bytes / MB, 1),
        "startup_ms": round(run.startup_seconds * 1000),
        "too_many_requests": run.too_many_requests,
        "errors_logged": run.errors_logged,
        "button_presses": run.presses,
        "late_button_answers": run.late_buttons,
        "button_answer_p50_ms": _ms(percentile(run.button_delays, 0.50)),
        "button_answer_p99_ms": _ms(percentile(run.button_delays, 0.99)),
        "traffic_seconds": round(busy, 1),
        "standin_cpu_percent": (
            round(100 * run.standin_cpu_seconds / busy) if run.chats and busy else None
        ),
    }


def ratios(bot: dict[str, Number], echo: dict[str, Number]) -> dict[str, float | None]:
    """bot / echo for each compared number; None where the echo bot has nothing to divide by."""
    found: dict[str, float | None] = {}
    for key, _, compared in ROWS:
        mine, theirs = bot.get(key), echo.get(key)
        if compared:
            found[key] = round(mine / theirs, 2) if mine is not None and theirs else None
    return found


def to_json(report: BenchReport) -> dict[str, Any]:
    found: dict[str, Any] = {
        "meetings": report.meetings,
        "limits": "on" if report.limits else "off",
        "database": report.database,
        "machine": report.machine,
    }
    for name, run in (("bot", report.bot), ("echo", report.echo)):
        if run is not None:
            found[name] = summary(run) | {"per_chat": [_chat(chat) for chat in run.chats]}
    if report.bot is not None and report.echo is not None:
        found["bot_to_echo"] = ratios(summary(report.bot), summary(report.echo))
    if report.open_meetings is not None:
        found["open_meetings"] = _open(report.open_meetings)
    return found


def to_text(report: BenchReport) -> str:
    limits = "on (Telegram's flood limits)" if report.limits else "off"
    lines = [
        f"rondetafel bench · {report.meetings} meetings at once · limits {limits}"
        f" · {report.database}",
        "machine: " + ", ".join(f"{k} {v}" for k, v in report.machine.items() if "load" not in k),
        "load average (1, 5, 15 min): "
        + ", ".join(f"{k} {v}" for k, v in report.machine.items() if "load" in k),
        "",
    ]
    if report.bot is not None and report.echo is not None:
        lines += _main_table(summary(report.bot), summary(report.echo))
    if report.limits and report.bot is not None:
        lines += ["", *_per_meeting(report.bot.chats)]
    if report.open_meetings is not None:
        lines += ["", *_open_lines(report.open_meetings)]
    return "\n".join(lines)


def _main_table(bot: dict[str, Number], echo: dict[str, Number]) -> list[str]:
    found = ratios(bot, echo)
    lines = [f"{'':38}{'bot':>12}{'echo':>12}{'bot/echo':>10}"]
    finished = [_fraction(side["finished"], side["chats"]) for side in (bot, echo)]
    lines.append(f"{'meetings (echo: chats) finished':38}{finished[0]:>12}{finished[1]:>12}")
    for key, label, compared in ROWS:
        value = _show(bot.get(key))
        if key == "late_button_answers":
            value = _fraction(bot[key], bot["button_presses"])
        ratio = _show(found.get(key)) if compared else ""
        lines.append(f"{label:38}{value:>12}{_show(echo.get(key)):>12}{ratio:>10}")
    return lines


def _per_meeting(chats: list[ChatRun]) -> list[str]:
    lines = [
        "per meeting: each group at its own pace",
        f"{'meeting':>8}{'finished':>10}{'seconds':>10}{'bot msgs':>10}{'per min':>9}"
        f"{'answers':>9}{'p50 (s)':>9}",
    ]
    for chat in chats:
        p50 = percentile(chat.latencies, 0.5)
        lines.append(
            f"{chat.number:>8}{'yes' if chat.finished else 'NO':>10}{chat.seconds:>10.1f}"
            f"{chat.bot_messages:>10}{chat.messages_per_minute:>9.1f}{chat.answers:>9}"
            f"{_show(None if p50 is None else round(p50, 2)):>9}"
        )
    return lines


def _open_lines(opened: OpenMeetings) -> list[str]:
    return [
        f"{opened.requested} meetings open at once (started, waiting for an answer):"
        f" {opened.opened} opened in {opened.seconds:.1f} s, {opened.wave} at a time",
        f"bot RSS: idle {opened.idle_rss_bytes / MB:.1f} MB,"
        f" with them open {opened.rss_bytes / MB:.1f} MB"
        f" (peak {opened.peak_rss_bytes / MB:.1f} MB)",
    ]


def _chat(chat: ChatRun) -> dict[str, Any]:
    return {
        "number": chat.number,
        "finished": chat.finished,
        "seconds": round(chat.seconds, 2),
        "answers": chat.answers,
        "bot_messages": chat.bot_messages,
        "messages_per_minute": round(chat.messages_per_minute, 1),
        "latency_p50_ms": _ms(percentile(chat.latencies, 0.5)),
    }


def _open(opened: OpenMeetings) -> dict[str, Any]:
    return {
        "requested": opened.requested,
        "wave": opened.wave,
        "opened": opened.opened,
        "seconds": round(opened.seconds, 1),
        "idle_rss_mb": round(opened.idle_rss_bytes / MB, 1),
        "rss_mb": round(opened.rss_bytes / MB, 1),
        "peak_rss_mb": round(opened.peak_rss_bytes / MB, 1),
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _show(value: Number) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return str(value)
    # Three significant digits or so: more would suggest a precision the run has not.
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def _fraction(part: Number, whole: Number) -> str:
    return f"{part}/{whole}"
