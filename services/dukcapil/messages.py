"""The dukcapil service's own problem codes (Indonesian, English), as errors and as field
problems. Registered once when the module is imported. No message quotes a value of the
form: a field problem names fields, an age or a limit only."""

from __future__ import annotations

from shared.web.i18n import register_messages

FIELD_MESSAGES: dict[str, tuple[str, str]] = {
    "nik-birth-date-mismatch": (
        "Tanggal lahir pada NIK tidak sama dengan isian {date_field}.",
        "The birth date in the NIK differs from the field {date_field}."),
    "nik-sex-mismatch": (
        "Jenis kelamin pada NIK (tanggal lahir perempuan ditambah 40) tidak sesuai dengan "
        "isian {sex_field}.",
        "The sex the NIK encodes (women add 40 to the day) differs from the field "
        "{sex_field}."),
    "nik-not-female": (
        "NIK ibu harus NIK perempuan (tanggal lahir ditambah 40).",
        "The mother's NIK must be a woman's (40 added to the day of birth)."),
    "nik-born-after-date": (
        "Tanggal lahir pada NIK ini jatuh sesudah tanggal pada isian {date_field}.",
        "The birth date in this NIK falls after the date in the field {date_field}."),
    "date-in-future": (
        "Tanggal ini belum terjadi (sesudah hari pengajuan).",
        "This date has not come yet (it is after the day of submission)."),
    "age-below": (
        "Menurut NIK, penduduk ini belum berusia {years} tahun.",
        "According to the NIK this person is not yet {years} years old."),
    "siak-mismatch": (
        "Isian ini tidak sesuai dengan data SIAK.",
        "This field does not match SIAK's record."),
    "age-not-below": (
        "Menurut NIK, penduduk ini sudah berusia {years} tahun atau lebih.",
        "According to the NIK this person is {years} years old or more."),
}

ERROR_MESSAGES: dict[str, tuple[str, str]] = {
    "age-band-other-sop": (
        "Anak berusia {age} {unit}: ajukan lewat {name} ({sop_key}).",
        "The child is {age} {unit_en} old: apply through {name_en} ({sop_key})."),
    "kia-too-old": (
        "Anak sudah berusia {age} tahun: KIA hanya untuk anak di bawah 17 tahun; ajukan "
        "KTP-el.",
        "The child is {age} years old: a KIA is only for children under 17; apply for a "
        "KTP-el."),
    "siak-mismatch": (
        "Data pemohon tidak sesuai dengan database kependudukan (SIAK): {checks}. Tolak "
        "permohonan dengan alasan, atau kembalikan kepada pemohon.",
        "The applicant's data does not match the population database (SIAK): {checks}. "
        "Reject the application with a reason, or return it to the applicant."),
    "siak-unavailable": (
        "SIAK tidak dapat dihubungi saat ini; coba lagi beberapa saat lagi.",
        "SIAK cannot be reached right now; try again shortly."),
    "age-unknown-service": (
        "Layanan tidak dikenal; pilih kia atau akta_kelahiran.",
        "Unknown service; choose kia or akta_kelahiran."),
    "age-birth-in-future": (
        "Tanggal lahir jatuh sesudah tanggal acuan.",
        "The birth date falls after the reference day."),
}

register_messages({**ERROR_MESSAGES, **{f"field.{k}": v for k, v in ERROR_MESSAGES.items()},
                   **{f"field.{k}": v for k, v in FIELD_MESSAGES.items()}})
