"""Personal data masked in everything the audit writes: 身份证号 and mobile numbers.

A report that flags a leaked 身份证号 must not republish it, and neither may any other finding
that quotes the same page (a typo's sentence, a spam snippet, a footer) nor the snapshot of the
page.  This is the one home of the masking: :func:`checks.base.result` redacts every result's
reason and evidence, the snapshot writer redacts the page text, and ``checks/privacy.py`` finds
the numbers with the same patterns (it adds the checks that prove a number is a real one).

Masking is deliberately broader than finding: any 18-character ID-shaped number (17 digits and a
digit or X) and any mobile-shaped number is masked, valid or not — hiding a project code in a
quote costs nothing, showing a real 身份证号 is the harm the audit reports.
"""

from __future__ import annotations

import re

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{4})(\d{2})(\d{2})\d{3}[0-9Xx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![0-9A-Za-z])")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# eight digits, one separator allowed in the middle: every match of either pattern holds such a run
# (a mobile number's last two groups, an ID number's 17 digits), and most texts with digits do not
_DIGIT_RUN = re.compile(r"\d{4}[- ]?\d{4}")
SHORTEST = 11                # characters of the shortest match of either (a mobile number's 11 digits)


def mask_id(number: str) -> str:
    """A 身份证号 with its first 4 and last 4 characters kept (3301**********1236)."""
    digits = re.sub(r"[^0-9Xx]", "", number)
    return digits[:4] + "*" * max(len(digits) - 8, 0) + digits[-4:]


def mask_mobile(number: str) -> str:
    """A mobile number as 3 + 4 (138****5678): the middle four and any country code dropped."""
    digits = re.sub(r"\D", "", number)[-11:]
    return digits[:3] + "****" + digits[-4:]


def redact(text: str) -> str:
    """``text`` with every ID-shaped and mobile-shaped number masked."""
    if not text or len(text) < SHORTEST or not _DIGIT_RUN.search(text):   # dates, titles, short words: most evidence
        return text
    text = ID_NUMBER.sub(lambda m: mask_id(m.group(0)), text)
    return MOBILE.sub(lambda m: mask_mobile(m.group(0)), text)


def redact_string(text: str) -> str:
    """A string of data redacted, unless it is a URL (a link must still lead somewhere)."""
    return text if _URL.match(text) else redact(text)
