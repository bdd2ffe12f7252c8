"""Identifiers and clocks: UUIDv7 row ids made on the laptop, UTC timestamps for display and audit."""

from datetime import UTC, date, datetime, timedelta, timezone

import uuid_utils


def new_id() -> str:
    """A new UUIDv7 (RFC 9562: time-ordered, random-tailed) as its canonical 36-character string."""
    return str(uuid_utils.uuid7())


#: Vietnam's time (no daylight saving): the dates people see and print are Vietnamese dates
VN_TZ = timezone(timedelta(hours=7), "ICT")  # the one definition: everything else imports it


def vietnam_today() -> date:
    """Today's date in Vietnam, whatever time zone the laptop is set to (a Windows laptop left on UTC would
    otherwise date a certificate printed at 6 in the morning with yesterday's date)."""
    return datetime.now(UTC).astimezone(VN_TZ).date()


def utc_now() -> str:
    """Now, UTC, as ISO-8601 with milliseconds and a ``Z``: sorts as text on every database."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_utc(ts: str) -> datetime:
    """The inverse of :func:`utc_now` (also accepts any ISO-8601 string with an offset)."""
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))
