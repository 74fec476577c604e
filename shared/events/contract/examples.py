"""One example message per case event type and of a notice, for the AsyncAPI document (the
suite checks each against its schema). A KIA case of Disdukcapil; the ids are made up."""

from __future__ import annotations

from typing import Any

from shared.events.contract.data import Schema

_OFFICER_STEP = {"id": "verifikasi_berkas", "role": "operator", "agency": "disdukcapil",
                 "kind": "officer", "due_at": "2026-12-03T02:30:00Z", "nomor": 3,
                 "activity": "Operator Halo Lamsel memverifikasi berkas pemohon"}
_BASE: Schema = {
    "spec_version": "1", "event_id": "0b6f7c1e-4a1d-4c55-9d0e-5f2a9b7c3d11",
    "type": "case.step_completed", "source": "dukcapil",
    "case_id": "5d1f3a4e-8c2b-4f7a-9e61-0a3b2c4d5e6f", "tracking_no": "DK-2B4C-6D8F",
    "sop_key": "dukcapil-kia-0-5-tahun", "sop_version": 1, "seq": 2,
    "step": "verifikasi_permohonan", "action": "teruskan", "actor_role": "operator",
    "actor_agency": "disdukcapil", "time": "2026-12-03T02:20:00Z", "status": "open",
    "current": _OFFICER_STEP, "applicant": "acc-7f3e2d1c",
    "data": {"agency": "disdukcapil", "title": "Kartu Identitas Anak (usia 0-5 tahun)",
             "due_at": "2026-12-03T02:30:00Z", "next_step": "verifikasi_berkas"}}
_CLOSED = {"status": "completed", "current": None}
_SYSTEM = {"actor_role": "system", "action": None}
_SUPERVISOR = {"agency": "disdukcapil", "role": "kabid"}

_CHANGES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "case.submitted": ({"seq": 1, "step": "pendaftaran", "action": "ajukan",
                        "actor_role": "pemohon", "actor_agency": None,
                        "current": {**_OFFICER_STEP, "id": "verifikasi_permohonan",
                                    "nomor": 2}},
                       {"next_step": "verifikasi_permohonan"}),
    "case.step_completed": ({}, {}),
    "case.returned": ({"status": "returned", "step": "verifikasi_berkas",
                       "action": "tidak_lengkap",
                       "current": {**_OFFICER_STEP, "role": "pemohon", "agency": None,
                                   "kind": "applicant", "due_at": "2026-12-08T02:20:00Z"}},
                      {"requested": {"documents": ["berkas_persyaratan"], "fields": []},
                       "deadline": "2026-12-08T02:20:00Z",
                       "reason": "KK [disamarkan] buram, unggah ulang"}),
    "case.resubmitted": ({"actor_role": "pemohon", "actor_agency": None,
                          "step": "verifikasi_berkas", "action": "lengkapi"}, {}),
    "case.rejected": ({"status": "rejected", "current": None, "step": "verifikasi_siak",
                       "action": "tolak", "actor_role": "kabid"},
                      {"reason": "Data tidak sesuai SIAK", "next_step": None,
                       "due_at": None}),
    "case.completed": ({**_CLOSED, "step": "penyerahan", "action": "serahkan"},
                       {"next_step": None, "due_at": None}),
    "case.archived": ({**_CLOSED, "status": "archived", "step": "klasifikasi",
                       "action": "tidak_termasuk"}, {"next_step": None, "due_at": None}),
    "case.expired": ({**_CLOSED, **_SYSTEM, "status": "expired", "action": "kedaluwarsa",
                      "actor_agency": None}, {"next_step": None, "due_at": None}),
    "case.withdrawn": ({**_CLOSED, "status": "withdrawn", "action": "batalkan",
                        "actor_role": "pemohon", "actor_agency": None},
                       {"next_step": None, "due_at": None}),
    "case.due_soon": ({**_SYSTEM, "step": "verifikasi_berkas"}, {}),
    "case.overdue": ({**_SYSTEM, "step": "verifikasi_berkas"},
                     {"escalate_to": {**_SUPERVISOR, "level": 1}}),
    "case.escalated": ({**_SYSTEM, "step": "verifikasi_berkas"},
                       {"escalate_to": {"agency": "disdukcapil", "role": "kepala_dinas",
                                        "level": 2}}),
    "case.output_issued": ({**_SYSTEM, "step": "penyerahan", "current": None},
                           {"output": {"id": "out-1", "kind": "tanda_terima_dokumen",
                                       "title": "Kartu Identitas Anak (KIA)",
                                       "number": "470/0001/DISDUKCAPIL/XII/2026",
                                       "verify_code": "K7M2P9QX"}}),
    "case.output_revoked": ({"step": "penyerahan", "action": None,
                             "actor_role": "kepala_dinas", "current": None},
                            {"output": {"id": "out-1",
                                        "number": "470/0001/DISDUKCAPIL/XII/2026"},
                             "reason": "Salah cetak"}),
}

NOTICE_EXAMPLE: Schema = {
    "spec_version": "1", "notice_id": "permit-503-12-2026-30d", "source": "perizinan",
    "recipient": "acc-7f3e2d1c", "template": "permit.expiring",
    "params": {"number": "503/12/SIP/DINKES/2026", "days": "30",
               "valid_until": "2027-01-02T00:00:00+07:00"},
    "link": "/izin/saya", "tracking_no": None, "created_at": "2026-12-03T01:00:00Z"}


def example(event_type: str) -> Schema:
    """The example envelope of ``event_type``."""
    envelope, data = _CHANGES[event_type]
    return {**_BASE, "type": event_type, **envelope, "data": {**_BASE["data"], **data}}
