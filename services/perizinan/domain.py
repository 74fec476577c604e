"""Pure rules of the permit registry: the practice limit, validity, expiry and reminders.

No I/O here. The figures come from :mod:`services.perizinan.rules` (law, with sources); the
reminder thresholds are the regency's own choice (:mod:`services.perizinan.settings`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.perizinan.rules import PracticeRule
from shared.outputs.validity import valid_until as output_valid_until

JAKARTA = ZoneInfo("Asia/Jakarta")
STATUSES = ("active", "expired", "revoked")
PERMIT_KINDS = ("surat_izin", "surat_rekomendasi", "surat_keterangan")
"""Output kinds that are the permit itself (a berita acara or receipt is not)."""
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class LimitCheck:
    allowed: bool
    held: int
    """Places the holder already holds an active permit for, other than the one applied for."""
    limit: int | None


def place_key(name: str | None) -> str:
    """A place of practice as compared: case and spacing do not make another place."""
    return _SPACES.sub(" ", (name or "").strip()).casefold()[:200]


def check_limit(rule: PracticeRule, places_held: set[str], applying_for: str) -> LimitCheck:
    """Whether a permit for ``applying_for`` fits the profession's limit, given the places
    the holder has active permits for. A new permit at a place already held replaces that
    one (a renewal or change), so it does not count against the limit."""
    others = {p for p in places_held if p != place_key(applying_for)}
    if rule.max_places is None:
        return LimitCheck(True, len(others), None)
    return LimitCheck(len(others) < rule.max_places, len(others), rule.max_places)


def over_limit(rule: PracticeRule, ordinal: object) -> bool:
    """Whether the form's "SIP ke-" names a place beyond the profession's limit (a bidan's
    third SIP); a value that is not a number is left to the form's own check."""
    try:
        number = int(str(ordinal))
    except ValueError:
        return False
    return rule.max_places is not None and number > rule.max_places


def _add_years(at: datetime, years: int) -> datetime:
    return output_valid_until(at, f"{years} tahun") or at


def permit_valid_until(issued_at: datetime, rule: PracticeRule | None,
                       output_until: datetime | None, form_end: object = None
                       ) -> datetime | None:
    """The end of a permit: the profession's rule (5 years for a SIP, or the last day given
    by the form at the end of that day, WIB), else the output's own validity (hosted
    permits: the SOP's ``validity``), else none."""
    if rule is not None and rule.validity_field is not None:
        end = _as_date(form_end)
        if end is not None:
            return datetime.combine(end + timedelta(days=1), time(0), JAKARTA)
    if rule is not None and rule.validity_years is not None:
        return _add_years(issued_at, rule.validity_years)
    return output_until


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def status_at(status: str, valid_until: datetime | None, now: datetime) -> str:
    """The status a permit shows at ``now``: revoked stays revoked; an active one whose
    validity has passed is expired."""
    if status == "active" and valid_until is not None and valid_until <= now:
        return "expired"
    return status


def reminders_due(valid_until: datetime | None, now: datetime, thresholds: tuple[int, ...],
                  sent: set[int]) -> list[int]:
    """The thresholds (days before the end) that have been reached and not sent yet, for a
    permit still valid at ``now``. Only the nearest one is returned: a permit found 20 days
    before its end gets the 30-day reminder, not the 90-day one too."""
    if valid_until is None or valid_until <= now:
        return []
    reached = [d for d in sorted(thresholds) if now >= valid_until - timedelta(days=d)]
    if not reached or reached[0] in sent:
        return []
    return [reached[0]]


def nik_hash(key: bytes, nik: str) -> str:
    """A keyed hash of a NIK, to count one person's permits without storing the NIK in a
    searchable form (the key is derived from the service's PII key)."""
    return hmac.new(key, nik.strip().encode(), hashlib.sha256).hexdigest()


def hash_key(pii_key: bytes) -> bytes:
    return hmac.new(pii_key, b"halo-perizinan-nik-v1", hashlib.sha256).digest()


def days_left(valid_until: datetime, now: datetime) -> int:
    return max(0, (valid_until - now).days)
