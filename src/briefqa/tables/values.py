"""Values: the typed reading of a table cell (or a question): numbers with their units, whether
a figure is approximate or a bound, dates and times of day.

"4,480" is 4480, "531,51" is 531.51 (a decimal comma), "500 000" is 500000; "~380 PF" is
3.8e17 flop/s, approximate; ">160 EF" is a lower bound; "512 GiB" is 512 * 2**30 bytes and "1 TB"
10**12; "3 days", "2 hours" and "30 minutes" are seconds; "€290M" is 2.9e8 euros; "1024 nodes" is
a count of nodes; "Mar 2025" and "2026-06-17" are dates (days since 0001-01-01); "8:00 AM" is a
time of day. Every quantity keeps where it stands in its text, so the figure can be quoted.

Figures in different dimensions are never compared: gigabytes with hours, GPUs with nodes,
euros with dollars.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

# Units as written after a number: (pattern, dimension, factor to the dimension's base unit).
_DECIMAL = {"": 1, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12, "p": 1e15, "e": 1e18}
_BINARY = {"k": 2 ** 10, "m": 2 ** 20, "g": 2 ** 30, "t": 2 ** 40, "p": 2 ** 50, "e": 2 ** 60}
_PREFIX_WORDS = {"kilo": "k", "mega": "m", "giga": "g", "tera": "t", "peta": "p", "exa": "e"}
_SECONDS = {"second": 1, "sec": 1, "s": 1, "minute": 60, "min": 60, "hour": 3600, "hr": 3600,
            "h": 3600, "day": 86400, "week": 7 * 86400, "month": 30 * 86400,
            "year": 365 * 86400}
_MONTHS = {m: n for n, names in enumerate(
    ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
     "aug august", "sep sept september", "oct october", "nov november", "dec december"),
    start=1) for m in names.split()}
_SCALE_WORDS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
                "mn": 1e6, "bn": 1e9}
_NUMBER_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}

# The dimensions, as the plan and the answer name them.
BYTES, BITS, BYTE_RATE, BIT_RATE, FLOPS, SECONDS = (
    "bytes", "bits", "bytes/s", "bits/s", "flop/s", "seconds")
EUR, USD, WATTS, PERCENT, NUMBER, DATE, CLOCK, HERTZ, RATIO = (
    "eur", "usd", "watts", "percent", "number", "date", "clock", "hertz", "ratio")
COUNT = "count:"  # "count:node", "count:gpu": a number of things named after it


@dataclass(frozen=True)
class Quantity:
    """One figure in a text: its value in its dimension's base unit, where it stands, and
    whether it is stated exactly ("" qualifier), approximately ("~") or as a bound (">", "<")."""

    value: float
    dimension: str
    start: int
    end: int
    qualifier: str = ""

    @property
    def approximate(self) -> bool:
        return bool(self.qualifier)


_NUM = (r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 4,480 and 10,752.5
        r"|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,.])"  # 500 000
        r"|\d+,\d{1,2}(?![\d])"  # 531,51: a decimal comma
        r"|\d+(?:\.\d+)?)")
_BEFORE = (r"(?P<before>~|≈|>=|<=|≥|≤|>|<|\+/-|about|around|approximately|approx\.?|roughly|"
           r"nearly|almost|some|over|above|more than|greater than|at least|less than|fewer than|"
           r"under|below|at most|up to)?\s{0,2}")
_CURRENCY = r"(?P<cur>[€$]|EUR\s|USD\s)?"
_SCALE = r"(?:\s?(?P<scale>thousand|million|billion|trillion|mn|bn|[kKMB](?![a-zA-Z])))?"
_AFTER = (r"(?P<unit>\s?(?:[kKMGTPE]i?B|B)(?:/s)?\+?(?![a-zA-Z])"  # bytes; +/s rates
          r"|\s?[kMGT]b(?:it)?/s(?![a-zA-Z])"  # bits per second
          r"|\s?[kMGT]b(?:it)?(?![a-zA-Z/])"  # bits
          r"|\s?(?:kilo|mega|giga|tera|peta|exa)?bytes\b"
          r"|\s?[kMGTPE]F(?:LOPS|lops|LOP/s)?(?![a-zA-Z])"  # petaflops as PF / PFlops
          r"|\s?(?:peak\s)?(?:kilo|mega|giga|tera|peta|exa)?flops\b"
          r"|\s?[kMG]W(?![a-zA-Z])|\s?(?:kilo|mega|giga)?watts?\b"
          r"|\s?(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|weeks?|months?|years?)\b"
          r"|\s?%|\s?(?:per ?cent|percent)\b"
          r"|\s?(?:euros?|EUR|dollars?|USD)\b"
          r"|\s?[kMG]Hz\b|\s?x\b)?")
_QUANTITY = re.compile(rf"{_BEFORE}{_CURRENCY}(?<![\w.,])(?P<num>{_NUM})(?![.,]?\d){_SCALE}{_AFTER}"
                       r"(?P<plus>\+)?", re.I)
_DATE_ISO = re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d\d)-(\d\d)(?!\d)")
_DATE_MONTH = re.compile(r"\b(?:(\d{1,2})\s)?(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|"
                         r"June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|"
                         r"Dec(?:ember)?)\.?\s((?:19|20)\d\d)\b")
_CLOCK = re.compile(r"\b(\d{1,2}):(\d\d)\s?([AaPp])\.?[Mm]\b\.?|\b([01]?\d|2[0-3]):(\d\d)\b(?!:)")
_MULTIPLIER = re.compile(r"\b\d+x(?=\s?\S)", re.I)  # "2x AMD", "8x GPUs": not a figure alone
_QUALIFIERS = {"~": "~", "≈": "~", "+/-": "~", "about": "~", "around": "~", "approximately": "~",
               "approx": "~", "approx.": "~", "roughly": "~", "nearly": "~", "almost": "~",
               "some": "~", ">": ">", ">=": ">", "≥": ">", "over": ">", "above": ">",
               "more than": ">", "greater than": ">", "at least": ">", "<": "<", "<=": "<",
               "≤": "<", "less than": "<", "fewer than": "<", "under": "<", "below": "<",
               "at most": "<", "up to": "<"}
# Words after a number that are not what it counts.
_NOT_COUNTED = frozenset("and or of to in on at for the a an by per with from than as is are "
                         "was were be running total each".split())


def number_value(text: str) -> float | None:
    """A number as written: "4,480", "531,51", "500 000", "1.5", "seven"."""
    text = text.strip().lower()
    if text in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[text])
    compact = re.sub(r"[ \u00a0\u202f]", "", text)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", compact):
        return float(compact.replace(",", ""))
    if re.fullmatch(r"\d+,\d{1,2}", compact):
        return float(compact.replace(",", "."))
    try:
        return float(compact)
    except ValueError:
        return None


def quantities(text: str) -> list[Quantity]:
    """Every figure in a text, in order: dates, times of day, and numbers with their units."""
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for match in _DATE_ISO.finditer(text):
        try:
            day = datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            continue
        found.append(Quantity(float(day.toordinal()), DATE, match.start(), match.end()))
        taken.append(match.span())
    for match in _DATE_MONTH.finditer(text):
        month = _MONTHS.get(match.group(2).lower().rstrip("."))
        if month is None:
            continue
        try:
            day = datetime.date(int(match.group(3)), month, int(match.group(1) or 1))
        except ValueError:
            continue
        found.append(Quantity(float(day.toordinal()), DATE, match.start(), match.end(),
                              "" if match.group(1) else "~"))
        taken.append(match.span())
    for match in _CLOCK.finditer(text):
        if _overlaps(match.span(), taken):
            continue
        if match.group(1):
            hour, minute = int(match.group(1)) % 12, int(match.group(2))
            hour += 12 if match.group(3).lower() == "p" else 0
        else:
            hour, minute = int(match.group(4)), int(match.group(5))
        if minute < 60:
            found.append(Quantity(hour * 3600.0 + minute * 60, CLOCK, match.start(),
                                  match.end()))
            taken.append(match.span())
    for match in _MULTIPLIER.finditer(text):
        taken.append(match.span())
    for match in _QUANTITY.finditer(text):
        span = match.span("num")
        if _overlaps(span, taken):
            continue
        quantity = _quantity(match, text)
        if quantity is not None:
            found.append(quantity)
    found.sort(key=lambda q: q.start)
    return found


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _quantity(match: re.Match, text: str) -> Quantity | None:
    number = number_value(match.group("num"))
    if number is None:
        return None
    qualifier = _QUALIFIERS.get((match.group("before") or "").lower(), "")
    if match.group("plus") or (match.group("unit") or "").endswith("+"):
        qualifier = qualifier or ">"
    scale_text = match.group("scale") or ""
    currency = (match.group("cur") or "").strip().lower()
    unit = (match.group("unit") or "").strip().rstrip("+")
    if scale_text == "B" and not unit and not currency:
        unit = "B"  # "50 B": bytes, not billions
    elif scale_text:
        number *= {"k": 1e3, "m": 1e6, "b": 1e9}.get(scale_text.lower(),
                                                    _SCALE_WORDS.get(scale_text.lower(), 1))
    dimension, factor = _unit(unit, currency)
    unit_end = match.end("scale") if unit == "B" and scale_text == "B" else match.end("unit")
    start = match.start("before") if match.group("before") else \
        (match.start("cur") if match.group("cur") else match.start("num"))
    end = match.end("scale") if scale_text else match.end("num")
    if dimension is None:  # no unit after it: a bare number, or a count of what follows
        if re.match(r"[^\W_]", text[end:end + 1]):
            return None  # "1HealthAI", "3D": part of a name or word, not a figure
        dimension = NUMBER
        counted = _counted(text, end, number)
        if counted is not None:
            dimension, end = COUNT + counted[0], counted[1]
    elif unit and not (currency and dimension in (EUR, USD) and unit.lower() not in
                       ("euro", "euros", "eur", "dollar", "dollars", "usd")):
        end = unit_end
    if match.group("plus"):
        end = match.end("plus")
    return Quantity(number * factor, dimension, start, end, qualifier)


_WORD_AFTER = re.compile(r"\s{0,2}([A-Za-z][\w-]{0,30})")


def _counted(text: str, end: int, number: float) -> tuple[str, int] | None:
    """What a bare number counts, from the words after it: "4992 nodes" (node), "4,480 NVIDIA
    Hopper GPUs" (gpu: names before the noun are passed over), "50,000 GPU hours"
    (gpu-hour), "1 GPU" (gpu); None when no noun follows ("2 (1 running)", "7763 (...")."""
    found: list[tuple[str, int]] = []
    position = end
    for _ in range(4):
        match = _WORD_AFTER.match(text, position)
        if not match:
            break
        found.append((match.group(1), match.end()))
        position = match.end()
    if not found or found[0][0].lower() in _NOT_COUNTED:
        return None
    for n, (word, word_end) in enumerate(found):
        if word.lower() in _NOT_COUNTED:
            break
        if len(word) > 3 and re.search(r"[^sS]s$", word) and word[-2].islower() or \
                re.fullmatch(r"[A-Z]{2,}s", word):
            noun = singular(word)
            if n and noun in _SECONDS:  # "GPU hours": a count of GPU-hours, not a duration
                noun = f"{singular(found[n - 1][0])}-{noun}"
            return noun, word_end
    first, first_end = found[0]
    if number == 1 and (first.islower() or re.fullmatch(r"[A-Z]{2,}", first)):
        return singular(first), first_end  # "1 GPU", "1 node"
    return None


def _unit(unit: str, currency: str) -> tuple[str | None, float]:
    """The dimension and the factor to its base unit of a unit as written after a number."""
    if currency in ("€", "eur"):
        return EUR, 1.0
    if currency in ("$", "usd"):
        return USD, 1.0
    if not unit:
        return None, 1.0
    low = unit.lower()
    m = re.fullmatch(r"([kmgtpe]?)(i?)b(/s)?", low)
    if m and unit[-1 if not m.group(3) else -3] == "B":
        factor = (_BINARY[m.group(1)] if m.group(2) else _DECIMAL[m.group(1)]) \
            if m.group(1) or not m.group(2) else 1
        return (BYTE_RATE if m.group(3) else BYTES), float(factor)
    m = re.fullmatch(r"([kmgt])b(?:it)?(/s)?", low)
    if m:
        return (BIT_RATE if m.group(2) else BITS), _DECIMAL[m.group(1)]
    m = re.fullmatch(r"(kilo|mega|giga|tera|peta|exa)?bytes", low)
    if m:
        return BYTES, _DECIMAL[_PREFIX_WORDS.get(m.group(1) or "", "")]
    m = re.fullmatch(r"([kmgtpe])f(?:lops|lop/s)?", low)
    if m:
        return FLOPS, _DECIMAL[m.group(1)]
    m = re.fullmatch(r"(?:peak\s)?(kilo|mega|giga|tera|peta|exa)?flops", low)
    if m:
        return FLOPS, _DECIMAL[_PREFIX_WORDS.get(m.group(1) or "", "")]
    m = re.fullmatch(r"([kmg])w|(kilo|mega|giga)?watts?", low)
    if m:
        prefix = m.group(1) or _PREFIX_WORDS.get(m.group(2) or "", "")
        return WATTS, _DECIMAL[prefix]
    word = re.sub(r"s$", "", low) if len(low) > 3 else low
    if word in _SECONDS or low in _SECONDS:
        return SECONDS, float(_SECONDS.get(word, _SECONDS.get(low, 1)))
    if low in ("%", "percent", "per cent", "percen"):
        return PERCENT, 1.0
    if word in ("euro", "eur"):
        return EUR, 1.0
    if word in ("dollar", "usd"):
        return USD, 1.0
    m = re.fullmatch(r"([kmg])hz", low)
    if m:
        return HERTZ, _DECIMAL[m.group(1)]
    if low == "x":
        return RATIO, 1.0
    return None, 1.0


def singular(word: str) -> str:
    """"nodes" -> "node", "GPUs" -> "gpu", "entries" -> "entry"; short words kept."""
    word = word.lower()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def plural(word: str) -> str:
    """"country" -> "countries", "type" -> "types", "box" -> "boxes": singular's reverse."""
    word = word.lower()
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + ("es" if re.search(r"(?:s|x|ch|sh)$", word) else "s")


def leading(text: str) -> dict[str, Quantity]:
    """The first figure of each dimension in a cell: what the cell says in that dimension
    ("210 (200 running)" is 210 in `number`; "more than 100 PB storage" is 1e17 bytes, a
    bound)."""
    first: dict[str, Quantity] = {}
    for quantity in quantities(text):
        first.setdefault(quantity.dimension, quantity)
    return first


def describe(dimension: str) -> str:
    """A dimension in words, for answers and notes."""
    if dimension.startswith(COUNT):
        return f"number of {dimension[len(COUNT):]}s"
    return {BYTES: "bytes", BITS: "bits", BYTE_RATE: "bytes per second",
            BIT_RATE: "bits per second", FLOPS: "floating-point performance",
            SECONDS: "duration", EUR: "euros", USD: "dollars", WATTS: "power",
            PERCENT: "percentage", NUMBER: "number", DATE: "date",
            CLOCK: "time of day", HERTZ: "frequency", RATIO: "multiple"}.get(dimension, dimension)


def plain(value: float, dimension: str, binary: bool = False) -> str:
    """A computed value written for a reader, in a unit that suits it ("2.5 hours", "75,000",
    "398.49", "80 PB"); bytes in binary units ("48 TiB") where `binary`."""
    if dimension == SECONDS:
        for name, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
            if abs(value) >= size:
                return f"{_trim(value / size)} {name}"
        return f"{_trim(value)} seconds"
    if dimension in (BYTES, BYTE_RATE):
        suffix = "/s" if dimension == BYTE_RATE else ""
        if binary:
            for name, power in (("EiB", 6), ("PiB", 5), ("TiB", 4), ("GiB", 3), ("MiB", 2),
                                ("KiB", 1)):
                if abs(value) >= 1024 ** power:
                    return f"{_trim(value / 1024 ** power)} {name}{suffix}"
        for name, size in (("EB", 1e18), ("PB", 1e15), ("TB", 1e12), ("GB", 1e9),
                           ("MB", 1e6), ("KB", 1e3)):
            if abs(value) >= size:
                return f"{_trim(value / size)} {name}{suffix}"
        return f"{_trim(value)} B{suffix}"
    if dimension == FLOPS:
        for name, size in (("EF", 1e18), ("PF", 1e15), ("TF", 1e12)):
            if abs(value) >= size:
                return f"{_trim(value / size)} {name}"
        return f"{_trim(value)} flop/s"
    if dimension == CLOCK:
        hours, minutes = divmod(int(round(value / 60)), 60)
        return f"{hours:02d}:{minutes:02d}"
    if dimension == DATE:
        return datetime.date.fromordinal(int(value)).isoformat()
    if dimension == EUR:
        return f"€{_trim(value)}"
    if dimension == USD:
        return f"${_trim(value)}"
    if dimension == PERCENT:
        return f"{_trim(value)}%"
    if dimension == RATIO:
        return f"{_trim(value)}x"
    if dimension.startswith(COUNT):
        return f"{_trim(value)} {dimension[len(COUNT):]}{'s' if value != 1 else ''}"
    return _trim(value)


def _trim(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")
