"""Function-level authorisation straight against a service app (issue 3): an officer of one
agency cannot act on another agency's step (``damkar-bantuan-kebakaran``: Damkar steps, then
BPKAD steps, then the applicant's; an agency sees the case only once it has reached it); a
citizen cannot act on an officer step; no officer acts on an applicant step. Every refusal
writes nothing; fixtures in ``conftest.py``.
"""

from __future__ import annotations

from tests.services.security_harness import (
    ADMIN,
    BANTUAN,
    DK_KABID,
    DK_OPERATOR,
    OTHER_CITIZEN,
    OWNER,
    Service,
    officer,
    open_bantuan,
    open_kia,
)
from tests.support.sops import route_to

# --- function level: two agencies in one flow -----------------------------------------------

async def test_officer_of_the_second_agency_sees_the_case_only_once_it_arrives(
        damkar: Service) -> None:
    assert BANTUAN.agency == "damkar"
    assert {s.agency for s in BANTUAN.steps if s.agency} == {"bpkad"}
    case = await open_bantuan(damkar)
    assert case["current_step"]["id"] == "verifikasi_dokumen"
    assert case["current_step"]["agency"] == "damkar"
    bpkad_kabid = officer("bpkad", "kabid")

    # BPKAD's steps lie ahead: until the case reaches BPKAD, its officers cannot tell it
    # exists (need to know; the gateway's tracking view answers the same) ...
    for path in (f"/cases/{case['id']}", f"/cases/{case['id']}/history"):
        assert (await damkar.client.get(path, headers=bpkad_kabid)).status_code == 404
    # ... nor act on Damkar's step, not even with an action name its own step has later
    # (``terverifikasi`` is also the action of ``verifikasi_bpkad``), nor naming the step.
    assert "terverifikasi" in {a.name for a in BANTUAN.step("verifikasi_bpkad").actions}
    await damkar.refused(case["id"], bpkad_kabid, "terverifikasi", 404, "case-not-found")
    await damkar.refused(case["id"], bpkad_kabid, "terverifikasi", 404, "case-not-found",
                         step="verifikasi_dokumen")
    inbox = await damkar.client.get("/cases", headers=bpkad_kabid, params={"scope": "inbox"})
    assert inbox.json()["total"] == 0
    # An agency with no step in the flow cannot see it either.
    assert (await damkar.client.get(f"/cases/{case['id']}", headers=DK_OPERATOR)
            ).status_code == 404
    await damkar.refused(case["id"], DK_OPERATOR, "terverifikasi", 404, "case-not-found")

    # Once BPKAD holds the case, and after it has acted, BPKAD reads it; a later Damkar step
    # is still not BPKAD's to act on.
    for step_id, action in route_to(BANTUAN, "ttd_sekda")[1:]:
        step = BANTUAN.step(step_id)
        if step.agency == "bpkad" and step_id == "tinjau_bpkad":
            shown = await damkar.client.get(f"/cases/{case['id']}", headers=bpkad_kabid)
            assert shown.status_code == 200
            assert [a["name"] for a in shown.json()["actions"]] == ["ditinjau"]
        await damkar.act(case["id"], officer(step.agency or "damkar", step.actor), action)
    shown = await damkar.client.get(f"/cases/{case['id']}", headers=bpkad_kabid)
    assert shown.status_code == 200 and shown.json()["actions"] == []
    assert shown.json()["current_step"]["agency"] == "damkar"
    action = BANTUAN.step("ttd_sekda").actions[0].name
    refused = await damkar.refused(case["id"], bpkad_kabid, action, 403, "role-not-permitted")
    assert "damkar:operator" in refused["detail"]
    await damkar.refused(case["id"], officer("bpkad", "operator"), action, 403,
                         "role-not-permitted")  # Damkar's role name, BPKAD's agency


async def test_officer_of_the_first_agency_cannot_act_on_the_second_agencys_step(
        damkar: Service) -> None:
    case = await open_bantuan(damkar)
    for step_id, action in route_to(BANTUAN, "tinjau_bpkad")[1:]:
        step = BANTUAN.step(step_id)
        await damkar.act(case["id"], officer(step.agency or "damkar", step.actor), action)
    at = (await damkar.client.get(f"/cases/{case['id']}", headers=OWNER)).json()
    assert at["current_step"]["id"] == "tinjau_bpkad"
    assert at["current_step"]["agency"] == "bpkad"
    damkar_operator = officer("damkar", "operator")
    assert (await damkar.client.get(f"/cases/{case['id']}", headers=damkar_operator)
            ).json()["actions"] == []
    for who in (damkar_operator, officer("damkar", "kepala_dinas"), officer("damkar", "kabid"),
                officer("bpkad", "staf"), OWNER, ADMIN):
        await damkar.refused(case["id"], who, "ditinjau", 403, "role-not-permitted")
    inbox = await damkar.client.get("/cases", headers=officer("bpkad", "kabid"),
                                    params={"scope": "inbox"})
    assert [c["id"] for c in inbox.json()["items"]] == [case["id"]]
    moved = await damkar.act(case["id"], officer("bpkad", "kabid"), "ditinjau")
    assert moved["current_step"]["id"] == "ajukan_pencairan"


def wrong_principals(step_agency: str, actor: str, kind: str, touched: set[str]
                     ) -> list[tuple[str, dict[str, str], int, str]]:
    """Everyone who must not act at an officer or external step of ``BANTUAN``; an agency the
    case has not ``touched`` yet does not see it at all."""
    other = "bpkad" if step_agency == "damkar" else "damkar"
    unseen = (404, "case-not-found")
    seen = (403, "role-not-permitted") if other in touched else unseen
    other_role = "kabid" if other == "bpkad" else "operator"
    same_agency_roles = {"damkar": ("operator", "kepala_dinas", "kabid"),
                         "bpkad": ("kabid", "staf")}[step_agency]
    out = [("owner", OWNER, 403, "role-not-permitted"),
           ("other citizen", OTHER_CITIZEN, 404, "case-not-found"),
           ("admin", ADMIN, 403, "role-not-permitted"),
           ("same role, other agency", officer(other, actor), *seen),
           ("other agency", officer(other, other_role), *seen),
           ("agency outside the flow", officer("disdukcapil", actor), 404, "case-not-found")]
    out += [(f"{step_agency}:{r}", officer(step_agency, r), 403, "role-not-permitted")
            for r in same_agency_roles if r != actor]
    if kind == "external":
        out.append(("other agency's integration", officer(other, "integrasi"), *seen))
    return out


async def test_each_step_of_a_two_agency_flow_accepts_only_its_own_actor(
        damkar: Service) -> None:
    case = await open_bantuan(damkar)
    path = route_to(BANTUAN, "tanda_terima")
    assert path[0] == ("kirim_dokumen", "kirim")  # done by opening the case
    acted: set[str] = set()
    for step_id, action in path[1:]:
        step = BANTUAN.step(step_id)
        agency = step.agency or BANTUAN.agency
        assert (await damkar.snapshot(case["id"]))[1] == step_id
        touched = {BANTUAN.agency, agency} | acted
        for label, who, status, code in wrong_principals(agency, step.actor, step.kind,
                                                         touched):
            response = await damkar.client.post(f"/cases/{case['id']}/actions", headers=who,
                                                json={"action": action})
            assert (response.status_code, response.json()["code"]) == (status, code), (
                step_id, label, response.text)
        await damkar.act(case["id"], officer(agency, step.actor), action)
        acted.add(agency)

    # The applicant's step at the end of the flow: no officer signs for the applicant.
    assert (await damkar.snapshot(case["id"]))[:2] == ("open", "tanda_terima")
    for who in (officer("damkar", "operator"), officer("bpkad", "staf"),
                officer("bpkad", "kabid"), officer("damkar", "kepala_dinas"), ADMIN):
        await damkar.refused(case["id"], who, "tandatangani_tanda_terima", 403,
                             "not-case-owner")
        await damkar.refused(case["id"], who, "batalkan", 403, "not-case-owner")
    await damkar.refused(case["id"], OTHER_CITIZEN, "tandatangani_tanda_terima", 404,
                         "case-not-found")
    done = await damkar.act(case["id"], OWNER, "tandatangani_tanda_terima")
    assert done["status"] == "completed"


# --- function level: citizen on an officer step, officer on an applicant step ---------------

async def test_citizen_cannot_act_on_any_officer_action(dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    step = (await dukcapil.client.get(f"/cases/{case['id']}", headers=DK_OPERATOR)).json()
    names = [a["name"] for a in step["actions"]]
    assert names and "batalkan" not in names
    for action in names:
        await dukcapil.refused(case["id"], OWNER, action, 403, "role-not-permitted",
                               comment="saya setujui sendiri")


async def test_no_officer_acts_on_the_applicants_step_of_a_returned_case(
        dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    await dukcapil.act(case["id"], DK_OPERATOR, "teruskan")
    returned = await dukcapil.act(case["id"], DK_OPERATOR, "tidak_lengkap",
                                  comment="KK tidak terbaca")
    assert returned["status"] == "returned"
    assert returned["current_step"]["role"] == "pemohon"
    for who in (DK_OPERATOR, DK_KABID, officer("disdukcapil", "kadis"), ADMIN):
        assert (await dukcapil.client.get(f"/cases/{case['id']}", headers=who)
                ).json()["actions"] == []
        for action in ("lengkapi", "batalkan"):
            await dukcapil.refused(case["id"], who, action, 403, "not-case-owner")
        await dukcapil.refused(case["id"], who, "teruskan", 409, "action-not-available")
    resumed = await dukcapil.act(case["id"], OWNER, "lengkapi",
                                 comment="Berkas sudah dilengkapi")
    assert resumed["status"] == "open"


async def test_no_officer_withdraws_a_citizens_open_case(dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    for who in (DK_OPERATOR, DK_KABID, ADMIN):
        await dukcapil.refused(case["id"], who, "batalkan", 403, "not-case-owner")
    assert (await dukcapil.act(case["id"], OWNER, "batalkan"))["status"] == "withdrawn"
