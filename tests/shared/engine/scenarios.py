"""Cases brought to a known state for the engine tests (shared by the topic files).

Office hours (default): Mon–Thu 07:30–16:00, Fri 07:30–16:30, Asia/Jakarta. 2026 facts used:
Mon 17 Aug is Independence Day; Wed 18 Mar – Tue 24 Mar are all closed (Nyepi cuti bersama,
Nyepi, Idul Fitri cuti bersama, the weekend of Idul Fitri), so Tue 17 Mar -> Wed 25 Mar.
Every expected time in the tests is worked out by hand in the comment next to it.
"""

from __future__ import annotations

from shared.calendar import calendar_for
from tests.shared.engine.sops import (
    CORRECTION,
    FLOW,
    INTEGRATION,
    KABID,
    KADIS,
    KIA,
    OPERATOR,
    OWNER,
    Run,
    wib,
)

OFFICE = calendar_for("office")


# -- scenarios: a case brought to a known state ------------------------------------------------
def kia_open() -> Run:
    """KIA submitted Wed 12 Aug 10:00; at verifikasi_permohonan, due 10:10."""
    return Run(KIA, wib(8, 12, 10, 0))


def kia_at_berkas() -> Run:
    """KIA at verifikasi_berkas since Wed 12 Aug 10:05, due 10:15."""
    run = kia_open()
    run.act(OPERATOR, "teruskan", wib(8, 12, 10, 5))
    return run


def kia_returned() -> Run:
    """Returned Wed 12 Aug 10:09; deadline 3 hari kerja: Thu 13, Fri 14, Tue 18 -> 18 Aug 10:09."""
    run = kia_at_berkas()
    run.act(OPERATOR, "tidak_lengkap", wib(8, 12, 10, 9), comment="Akta kelahiran buram")
    return run


def kia_at_siak() -> Run:
    run = kia_at_berkas()
    run.act(OPERATOR, "lengkap", wib(8, 12, 10, 10))
    return run


def kia_at_penyerahan() -> Run:
    run = kia_at_siak()
    run.act(KABID, "sampaikan_ke_kadis", wib(8, 12, 10, 15))
    run.act(KADIS, "tte", wib(8, 12, 10, 30))
    return run


def kia_completed() -> Run:
    run = kia_at_penyerahan()
    run.act(OPERATOR, "serahkan", wib(8, 12, 11, 0))
    return run


def kia_withdrawn() -> Run:
    run = kia_open()
    run.act(OWNER, "batalkan", wib(8, 12, 10, 1))
    return run


def flow_at_verifikasi() -> Run:
    """FLOW submitted Wed 12 Aug 09:00; at verifikasi (1 jam), due 10:00."""
    return Run(FLOW, wib(8, 12, 9, 0))


def flow_at_pemeriksaan() -> Run:
    run = flow_at_verifikasi()
    run.act(OPERATOR, "lengkap", wib(8, 12, 9, 10))
    return run


def flow_at_siak() -> Run:
    """FLOW at the external siak step since Wed 12 Aug 09:20 (1 hari kerja: Thu 13 09:20)."""
    run = flow_at_pemeriksaan()
    run.act(KABID, "ya", wib(8, 12, 9, 20))
    return run


def flow_at_tte() -> Run:
    """FLOW at tte (30 menit) since Wed 12 Aug 10:00, due 10:30."""
    run = flow_at_siak()
    run.act(INTEGRATION, "tercatat", wib(8, 12, 10, 0))
    return run


def flow_rejected() -> Run:
    run = flow_at_verifikasi()
    run.act(OPERATOR, "tolak", wib(8, 12, 9, 30), comment="Bukan kewenangan Disdukcapil")
    return run


def correction_at_applicant() -> Run:
    """The operator sent the file back to the applicant's own step (Tidak)."""
    run = Run(CORRECTION, wib(8, 12, 9, 0))
    run.act(OPERATOR, "perlu_koreksi", wib(8, 12, 9, 30))
    return run


_SECRET_NIK = "9999888877776666"
