"""The identity part's problem codes and field messages (Bahasa Indonesia, English).

:func:`install` adds them to :data:`shared.web.i18n.MESSAGES` (and a title for 423); it is
called once, explicitly, when :mod:`gateway.identity.part` is imported. A code that already
exists with another text is an error, so two parts can never silently fight over one code.
Messages never contain the submitted value (it may be personal data).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.web import i18n

PROBLEMS: dict[str, tuple[str, str]] = {
    "account-exists": (
        "Data pendaftaran sudah dipakai oleh akun lain. Jika itu akun Anda, silakan masuk "
        "atau pulihkan kata sandi.",
        "These registration details are already used by another account. If it is yours, "
        "log in or recover your password."),
    "login-failed": (
        "NIK/e-mail/nomor WhatsApp atau kata sandi salah.",
        "Wrong NIK/e-mail/WhatsApp number or password."),
    "login-slowed": (
        "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {retry_after} detik.",
        "Too many failed login attempts. Try again in {retry_after} seconds."),
    "account-locked": (
        "Akun dikunci sementara karena terlalu banyak percobaan masuk yang gagal. Coba lagi "
        "dalam {retry_after} detik.",
        "The account is temporarily locked after too many failed logins. Try again in "
        "{retry_after} seconds."),
    "account-disabled": (
        "Akun ini dinonaktifkan. Hubungi admin instansi Anda.",
        "This account is disabled. Contact your agency's administrator."),
    "refresh-invalid": (
        "Sesi tidak valid atau sudah berakhir. Silakan masuk kembali.",
        "The session is invalid or has ended. Please log in again."),
    "account-not-found": ("Akun tidak ditemukan.", "The account was not found."),
    "citizen-not-found": (
        "Tidak ada akun warga aktif dengan data tersebut. Minta warga mendaftar terlebih "
        "dahulu, atau periksa kembali NIK, nomor WhatsApp, atau e-mailnya.",
        "No active citizen account has these details. Ask the citizen to register first, or "
        "check the NIK, WhatsApp number or e-mail again."),
    "lookup-not-permitted": (
        "Pencarian akun warga hanya untuk petugas loket ({roles}).",
        "Looking up citizen accounts is for counter officers only ({roles})."),
    "admin-account-forbidden": (
        "Akun admin instansi hanya dapat dinonaktifkan, diaktifkan kembali, atau diubah "
        "perannya oleh admin platform.",
        "An agency administrator's account is disabled, re-enabled or given roles by the "
        "platform administrator only."),
    "admin-role-forbidden": (
        "Peran admin instansi tidak dapat diberikan di sini. Admin instansi hanya dibuat oleh "
        "admin platform (POST /api/v1/admin/agency-admins).",
        "The agency administrator role cannot be given here. Agency administrators are "
        "created by the platform administrator only (POST /api/v1/admin/agency-admins)."),
}

FIELDS: dict[str, tuple[str, str]] = {
    # The NIK's own problems (nik-format, nik-region, ...) are in shared.web.i18n: the SOP
    # forms of the services use the same rules (shared.identity_numbers).
    "field.required": ("Wajib diisi.", "This field is required."),
    "field.not-allowed": ("Kolom ini tidak boleh diisi.", "This field may not be set."),
    "field.name-format": (
        "Nama harus berisi huruf (boleh spasi, titik, koma, apostrof, tanda hubung).",
        "The name must contain letters (spaces, dots, commas, apostrophes, hyphens allowed)."),
    "field.name-too-long": ("Nama paling panjang 100 karakter.",
                            "The name may be at most 100 characters."),
    "field.email-format": ("Alamat e-mail tidak valid.", "The e-mail address is not valid."),
    "field.phone-format": (
        "Nomor WhatsApp harus nomor seluler Indonesia (08…, 628… atau +628…).",
        "The WhatsApp number must be an Indonesian mobile number (08…, 628… or +628…)."),
    "field.password-too-short": ("Kata sandi minimal {min} karakter.",
                                 "The password must be at least {min} characters."),
    "field.password-too-long": ("Kata sandi maksimal {max} karakter.",
                                "The password may be at most {max} characters."),
    "field.password-letters-digits": (
        "Kata sandi harus mengandung huruf dan angka.",
        "The password must contain both letters and digits."),
    "field.password-personal": (
        "Kata sandi tidak boleh memuat NIK, alamat e-mail, atau nomor telepon Anda.",
        "The password may not contain your NIK, e-mail address or phone number."),
    "field.password-common": (
        "Kata sandi terlalu umum dan mudah ditebak; pilih yang lain.",
        "The password is too common and easy to guess; choose another."),
    "field.agency-unknown": ("Instansi tidak dikenal.", "Unknown agency."),
    "field.role-not-allowed": (
        "Peran '{role}' bukan peran instansi ini.",
        "Role '{role}' is not a role of this agency."),
    "field.roles-empty": ("Pilih minimal satu peran.", "Choose at least one role."),
    "field.lookup-one-key": (
        "Isi tepat satu dari NIK, nomor WhatsApp, atau e-mail.",
        "Give exactly one of NIK, WhatsApp number or e-mail."),
    "field.login-format": (
        "Masukkan NIK, alamat e-mail, atau nomor WhatsApp.",
        "Enter a NIK, an e-mail address or a WhatsApp number."),
}

TITLES: dict[int, tuple[str, str]] = {423: ("Akun terkunci", "Locked")}


def install() -> None:
    """Add the identity codes to the shared catalogue (idempotent)."""
    _merge(i18n.MESSAGES, {**PROBLEMS, **FIELDS})
    _merge(i18n.TITLES, TITLES)


def _merge(table: dict[Any, tuple[str, str]], extra: Mapping[Any, tuple[str, str]]) -> None:
    for code, texts in extra.items():
        current = table.get(code)
        if current is not None and current != texts:
            raise RuntimeError(f"message code {code!r} is already defined differently")
        table[code] = texts
