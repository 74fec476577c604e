"""Settings of the output documents, read from the environment (``HALO_*``).

* ``HALO_SIGNER``: ``local`` (the local test CA, in-process; the development default) or
  ``bsre``. Production refuses ``local``.
* ``HALO_BSRE_URL``, ``HALO_BSRE_USER``, ``HALO_BSRE_PASSWORD``: the esign-client service
  and this application's client credentials.
* ``HALO_BSRE_NIK_<AGENCY>_<ROLE>`` / ``HALO_BSRE_PASSPHRASE_<AGENCY>_<ROLE>`` (or without
  ``_<ROLE>`` for one account per agency, or ``HALO_BSRE_NIK`` / ``HALO_BSRE_PASSPHRASE`` for
  one account of the regency): the BSrE account signing for that office.
* ``HALO_PUBLIC_BASE_URL``: where ``/verify/<code>`` is served (the QR code's target).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shared.outputs.bsre import BsreSigner
from shared.outputs.ca import LocalCa
from shared.outputs.signing import LocalSigner, Signer, SignerIdentity, SigningFailed
from shared.settings import SettingsError, env, is_production, var_dir

DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class OutputSettings:
    signer: str = "local"
    public_base_url: str = DEFAULT_PUBLIC_BASE_URL
    ca_dir: Path | None = None
    """The local CA's folder (``var/signing``); ``None``: in memory."""
    bsre_url: str = ""
    bsre_user: str = ""
    bsre_password: str = ""
    poll_s: float = 1.0
    max_backoff_s: float = 3600.0

    @classmethod
    def from_env(cls) -> OutputSettings:
        signer = (env("HALO_SIGNER") or "local").lower()
        if signer not in ("local", "bsre"):
            raise SettingsError("HALO_SIGNER harus 'local' atau 'bsre'")
        if signer == "local" and is_production():
            raise SettingsError("HALO_SIGNER=local (CA uji) tidak boleh dipakai di produksi")
        settings = cls(signer=signer,
                       public_base_url=(env("HALO_PUBLIC_BASE_URL") or DEFAULT_PUBLIC_BASE_URL
                                        ).rstrip("/"),
                       ca_dir=var_dir() / "signing", bsre_url=env("HALO_BSRE_URL") or "",
                       bsre_user=env("HALO_BSRE_USER") or "",
                       bsre_password=env("HALO_BSRE_PASSWORD") or "")
        if signer == "bsre" and not (settings.bsre_url and settings.bsre_user
                                     and settings.bsre_password):
            raise SettingsError("HALO_SIGNER=bsre membutuhkan HALO_BSRE_URL, HALO_BSRE_USER "
                                "dan HALO_BSRE_PASSWORD")
        return settings

    def verify_url(self, code: str) -> str:
        return f"{self.public_base_url}/verify/{code}"


def env_credentials(identity: SignerIdentity) -> tuple[str, str]:
    """The BSrE account of ``identity``'s office, from the environment."""
    for suffix in (f"_{identity.agency}_{identity.role}", f"_{identity.agency}", ""):
        key = suffix.upper().replace("-", "_")
        nik, phrase = env(f"HALO_BSRE_NIK{key}"), env(f"HALO_BSRE_PASSPHRASE{key}")
        if nik and phrase:
            return nik, phrase
    raise SigningFailed(f"akun BSrE untuk {identity.agency}:{identity.role} belum diatur")


def build_signer(settings: OutputSettings) -> Signer:
    if settings.signer == "bsre":
        return BsreSigner(settings.bsre_url, settings.bsre_user, settings.bsre_password,
                          env_credentials)
    return LocalSigner(LocalCa(settings.ca_dir))
