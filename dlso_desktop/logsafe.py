"""What a log line may say about an exception: never its message.

Messages are written for the person at the screen and may quote personal data — a validation message names
the person who already holds a citizen ID, a driver error may quote a value. The log file sits in the data
folder outside the encrypted database (issue 6), so it gets the exception's type, its stable ``code`` if it
has one, and where it was raised: enough to find the bug, nothing about the people.
"""

import traceback


def describe(exc: BaseException) -> str:
    """``Traceback … <frames> … Type [code]`` for every exception of the chain, without their messages."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "code", None)
        head = type(current).__qualname__ + (f" [{code}]" if isinstance(code, str) else "")
        frames = "".join(  # file, line and function only: a source line may hold a literal value too
            f'  File "{f.filename}", line {f.lineno}, in {f.name}\n'
            for f in traceback.extract_tb(current.__traceback__)
        )
        parts.append(f"Traceback (most recent call last):\n{frames}{head}" if frames else head)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return "\n\nwhile handling:\n".join(reversed(parts)) if len(parts) > 1 else parts[0]
