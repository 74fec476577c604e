"""Demo accounts for the all-in-one mode: one of every kind, with documented passwords.

:func:`seed_demo_accounts` is idempotent (accounts whose e-mail exists are left alone) and
returns the credentials to print at start-up. Never run it in production.

=================  ==========================================  ======================
kind               login (e-mail)                              password
=================  ==========================================  ======================
platform admin     ``admin@demo.halo.lamsel``                  ``Demo-Admin-2026``
agency admin       ``admin.<agency>@demo.halo.lamsel``         ``Demo-Admin-2026``
officer            ``<role>.<agency>@demo.halo.lamsel``        ``Demo-Petugas-2026``
system account     ``integrasi.<agency>@demo.halo.lamsel``     ``Demo-Integrasi-2026``
citizen            ``warga1..3@demo.halo.lamsel`` (or NIK)     ``Demo-Warga-2026``
=================  ==========================================  ======================

The three citizens' NIKs (Kabupaten Lampung Selatan, 1801) are in :data:`DEMO_CITIZENS`.
One Argon2id hash is computed per password and shared by the accounts of that kind: these
passwords are public anyway, and seeding ~200 accounts stays fast.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from gateway.identity import store
from gateway.identity.context import context_of
from gateway.identity.tables import AccountRow
from gateway.runtime import GatewayRuntime
from shared.registry import Registry, load_registry
from shared.settings import is_production

DOMAIN = "demo.halo.lamsel"
PASSWORDS = {"admin": "Demo-Admin-2026", "officer": "Demo-Petugas-2026",
             "system": "Demo-Integrasi-2026", "citizen": "Demo-Warga-2026"}
DEMO_CITIZENS = (
    # NIK, name, e-mail local part, WhatsApp
    ("1801010101900001", "Budi Santoso", "warga1", "+6281200000001"),
    ("1801025505920002", "Siti Rahmawati", "warga2", "+6281200000002"),  # woman: 15-05-1992
    ("1801031208850003", "Agus Pratama", "warga3", "+6281200000003"),
)
ACTOR = "demo-seed"


@dataclass(frozen=True)
class DemoAccount:
    label: str
    kind: str
    email: str
    name: str
    roles: tuple[str, ...]
    agency: str | None = None
    phone: str | None = None
    nik: str | None = None


def demo_accounts(registry: Registry) -> list[DemoAccount]:
    accounts = [DemoAccount("platform-admin", "admin", f"admin@{DOMAIN}",
                            "Admin Platform Halo Lamsel", ("admin",))]
    for agency in sorted(registry.agencies):
        info = registry.agencies[agency]
        accounts.append(DemoAccount("agency-admin", "admin", f"admin.{agency}@{DOMAIN}",
                                    f"Admin {info.short}", (f"{agency}:admin",), agency))
        for role in registry.agency_roles(agency):
            if role == "admin":
                continue
            kind = "system" if role == "integrasi" else "officer"
            role_info = registry.role_info(agency, role)
            label = role_info.label if role_info else "Integrasi Sistem"
            accounts.append(DemoAccount(kind, kind, f"{role}.{agency}@{DOMAIN}",
                                        f"{label} {info.short}"[:100], (f"{agency}:{role}",),
                                        agency))
    for nik, name, local, phone in DEMO_CITIZENS:
        accounts.append(DemoAccount("citizen", "citizen", f"{local}@{DOMAIN}", name,
                                    ("citizen",), phone=phone, nik=nik))
    return accounts


async def seed_demo_accounts(runtime: GatewayRuntime) -> list[dict[str, Any]]:
    """Create the missing demo accounts; return ``{kind, login, password, roles}`` of all.

    Refused in production: the demo passwords are public."""
    if is_production():
        raise RuntimeError("akun demo tidak boleh dibuat di produksi (HALO_ENV=production)")
    ctx = context_of(runtime)
    wanted = demo_accounts(load_registry())
    async with runtime.sessions() as session:
        existing = await store.existing_emails(session, [a.email for a in wanted])
        missing = []
        for account in wanted:
            if account.email in existing:
                continue
            if account.nik and await store.any_taken(session, email=account.email,
                                                     phone=account.phone,
                                                     nik_hash=ctx.nik_hash(account.nik)):
                continue
            missing.append(account)
        hashes = {kind: await ctx.passwords.hash(PASSWORDS[kind])
                  for kind in sorted({a.kind for a in missing})}
        now = ctx.clock()
        for account in missing:
            row = AccountRow(
                id=str(uuid.uuid4()), kind=account.kind, name=account.name,
                email=account.email, phone=account.phone,
                nik_hash=ctx.nik_hash(account.nik) if account.nik else None,
                nik_cipher=ctx.cipher.encrypt(account.nik) if account.nik else None,
                password_hash=hashes[account.kind], roles=sorted(account.roles),
                agency=account.agency, status="active", failed_logins=0, created_by=ACTOR,
                created_at=now, updated_at=now)
            session.add(row)
            store.audit(session, now, ACTOR, "account.created", row.id, kind=account.kind,
                        agency=account.agency, roles=row.roles, demo=True)
        await session.commit()
    return [{"kind": a.label, "login": a.email, "password": PASSWORDS[a.kind],
             "roles": list(a.roles)} for a in wanted]
