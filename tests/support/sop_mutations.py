"""A valid sample SOP definition (plain data) and the mutations that break it, for the tests
of the SOP validator and loader (tests/shared/sop).

Definitions are checked against the real agency registry (``disdukcapil`` has the roles
operator, staf, kabid and kepala_dinas; not ``sekretaris``). The message constants are the
validator's own texts for unreadable times and for steps with no way out or no way in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.registry import load_registry

REGISTRY = load_registry()
KEY = "uji-validasi"
UNREADABLE = ("tidak dapat dibaca sebagai durasi; gunakan bentuk seperti '10 menit', '2 jam', "
              "'1 hari kerja', '3 hari', '2 minggu', '1 bulan', '1 x 24 jam' atau rentang "
              "'14 s/d 30 hari'.")
NOT_POSITIVE = ("tidak dapat dibaca sebagai durasi (jumlah harus lebih dari nol); gunakan bentuk "
                "seperti '10 menit', '2 jam', '1 hari kerja', '3 hari', '2 minggu', '1 bulan', "
                "'1 x 24 jam' atau rentang '14 s/d 30 hari'.")
NO_WAY_OUT = "dari langkah ini tidak ada jalan menuju hasil akhir"
UNREACHABLE = "langkah tidak dapat dicapai dari awal"


def valid() -> dict[str, Any]:
    """pengajuan (pemohon) -> verifikasi (operator; or returned) -> persetujuan (kabid) -> end."""
    return {
        "key": KEY, "title": "SOP UJI VALIDASI", "agency": "disdukcapil", "service": "dukcapil",
        "steps": [
            {"id": "pengajuan", "actor": "pemohon", "kind": "applicant", "activity": "Ajukan",
             "actions": [{"name": "ajukan", "to": "verifikasi"}]},
            {"id": "verifikasi", "actor": "operator", "activity": "Verifikasi",
             "time": "10 menit", "actions": [
                 {"name": "lengkap", "to": "persetujuan"},
                 {"name": "kembalikan", "kind": "return", "deadline": "3 hari kerja"},
             ]},
            {"id": "persetujuan", "actor": "kabid", "activity": "Setujui",
             "time": "1 hari kerja", "actions": [
                 {"name": "setujui", "to": "@completed"},
                 {"name": "tolak", "to": "@rejected"},
             ]},
        ],
    }


Mutation = Callable[[dict[str, Any]], None]


def step(data: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(s for s in data["steps"] if s["id"] == step_id)


def action(data: dict[str, Any], step_id: str, name: str) -> dict[str, Any]:
    return next(a for a in step(data, step_id)["actions"] if a["name"] == name)


def officer_step(step_id: str, to: str = "@archived", **extra: Any) -> dict[str, Any]:
    return {"id": step_id, "actor": "operator", "activity": step_id, "time": "5 menit",
            "actions": [{"name": f"{step_id}_selesai", "to": to}], **extra}


# -- the flow: step ids, action targets, reachability, automatic steps, action names ----------
def duplicate_step(d: dict[str, Any]) -> None:
    d["steps"].append(officer_step("verifikasi"))


def to_missing_step(d: dict[str, Any]) -> None:
    action(d, "verifikasi", "lengkap")["to"] = "tidak_ada"


def unknown_terminal(d: dict[str, Any]) -> None:
    action(d, "persetujuan", "setujui")["to"] = "@selesai"


def unreachable(d: dict[str, Any]) -> None:
    d["steps"].append(officer_step("arsip"))


def no_actions(d: dict[str, Any]) -> None:
    step(d, "persetujuan")["actions"] = []


def trap_loop(d: dict[str, Any]) -> None:
    # verifikasi can still reject, but persetujuan <-> koreksi never leads anywhere.
    step(d, "verifikasi")["actions"].append({"name": "tolak", "to": "@rejected"})
    step(d, "persetujuan")["actions"] = [{"name": "koreksi", "to": "koreksi"}]
    d["steps"].append(officer_step("koreksi", to="persetujuan"))


def whole_flow_loop(d: dict[str, Any]) -> None:
    step(d, "persetujuan")["actions"] = [{"name": "ulang", "to": "verifikasi"}]


def automatic_two_actions(d: dict[str, Any]) -> None:
    action(d, "verifikasi", "lengkap")["to"] = "notifikasi"
    d["steps"].insert(2, {"id": "notifikasi", "actor": "operator", "kind": "automatic",
                          "activity": "Notifikasi", "actions": [
                              {"name": "kirim", "to": "persetujuan"},
                              {"name": "lewati", "to": "@completed"}]})


def automatic_return(d: dict[str, Any]) -> None:
    action(d, "verifikasi", "lengkap")["to"] = "notifikasi"
    d["steps"].insert(2, {"id": "notifikasi", "actor": "operator", "kind": "automatic",
                          "activity": "Notifikasi", "actions": [
                              {"name": "kirim", "kind": "return", "resume_at": "persetujuan"}]})


def reserved_names(d: dict[str, Any]) -> None:
    step(d, "verifikasi")["actions"] += [{"name": "lengkapi", "to": "persetujuan"},
                                         {"name": "batalkan", "to": "@rejected"}]


def resume_at_missing(d: dict[str, Any]) -> None:
    action(d, "verifikasi", "kembalikan")["resume_at"] = "hilang"


def forward_without_target(d: dict[str, Any]) -> None:
    del action(d, "persetujuan", "tolak")["to"]


def duplicate_action(d: dict[str, Any]) -> None:
    step(d, "persetujuan")["actions"].append({"name": "tolak", "to": "@archived"})


def applicant_return(d: dict[str, Any]) -> None:
    step(d, "pengajuan")["actions"].append({"name": "kembalikan", "kind": "return"})


# -- fields: agencies, roles, applicant vs. officer steps, times and deadlines ----------------
def unknown_agency(d: dict[str, Any]) -> None:
    d["agency"] = "dinas-fiktif"


def unknown_step_agency(d: dict[str, Any]) -> None:
    step(d, "persetujuan")["agency"] = "dinas-fiktif"


def role_of_another_agency(d: dict[str, Any]) -> None:
    step(d, "persetujuan")["actor"] = "sekretaris"  # a platform role disdukcapil does not use


def unknown_role(d: dict[str, Any]) -> None:
    step(d, "persetujuan")["actor"] = "lurah"


def local_role_of_another_agency(d: dict[str, Any]) -> None:
    step(d, "persetujuan")["actor"] = "petugas_pemadam"  # damkar's own role


def applicant_not_pemohon(d: dict[str, Any]) -> None:
    step(d, "pengajuan")["actor"] = "operator"


def officer_as_pemohon(d: dict[str, Any]) -> None:
    step(d, "verifikasi")["actor"] = "pemohon"


def officer_without_time(d: dict[str, Any]) -> None:
    del step(d, "verifikasi")["time"]


def external_without_time(d: dict[str, Any]) -> None:
    step(d, "persetujuan").update(kind="external", institution="SIAK")
    del step(d, "persetujuan")["time"]


def time_of(text: str) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        step(d, "verifikasi")["time"] = text
    return mutate


def deadline_of(text: str) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        action(d, "verifikasi", "kembalikan")["deadline"] = text
    return mutate


def unknown_escalation(d: dict[str, Any]) -> None:
    step(d, "verifikasi")["escalate_to"] = "lurah"


def missing_activity(d: dict[str, Any]) -> None:
    del step(d, "verifikasi")["activity"]
