"""The survey part's problem codes and report notices, in Bahasa Indonesia and English."""

from __future__ import annotations

from shared.web.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "survey-case-open": (
        "Survei kepuasan dapat diisi setelah permohonan selesai diproses (status saat ini: "
        "{case_status}).",
        "The satisfaction survey can be answered once the case is closed (current status: "
        "{case_status})."),
    "survey-not-eligible": (
        "Permohonan yang ditutup dengan status '{case_status}' tidak termasuk survei kepuasan.",
        "A case closed as '{case_status}' is not part of the satisfaction survey."),
    "survey-already-answered": (
        "Survei kepuasan untuk permohonan ini sudah diisi; setiap permohonan dinilai satu kali.",
        "The satisfaction survey of this case has been answered; each case is rated once."),
    "survey-agency-not-found": ("Instansi '{agency}' tidak dikenal.", "Unknown agency '{agency}'."),
    "survey-period-invalid": (
        "Periode tidak valid: tanggal awal ({start}) sesudah tanggal akhir ({end}).",
        "Invalid period: the start date ({start}) is after the end date ({end})."),
    "survey.sample-below-minimum": (
        "Jumlah responden ({respondents}) kurang dari sampel minimal {minimum} untuk populasi "
        "{population} permohonan (tabel Krejcie dan Morgan, Permen PANRB 14/2017): hasil ini "
        "belum dapat dianggap mewakili pengguna layanan.",
        "The respondents ({respondents}) are fewer than the minimum sample of {minimum} for a "
        "population of {population} cases (Krejcie and Morgan table, Permen PANRB 14/2017): "
        "the result cannot yet be taken as representative of the service's users."),
    "survey.too-few-to-publish": (
        "Nilai belum ditampilkan: baru {respondents} responden, paling sedikit {threshold} "
        "diperlukan agar penilaian perorangan tidak dapat dikenali.",
        "No score shown yet: {respondents} respondents so far, at least {threshold} are needed "
        "so that no individual's rating can be recognised."),
}

register_messages(MESSAGES)
