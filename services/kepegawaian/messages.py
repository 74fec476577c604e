"""The kepegawaian service's own problem codes, as errors and as field problems (Indonesian,
English). Registered once when the module is imported. The figures of a refusal (the
balance, the days asked, the rule) come in as parameters; no personal data does."""

from __future__ import annotations

from shared.web.i18n import register_messages

LEAVE_MESSAGES: dict[str, tuple[str, str]] = {
    "not-nip": ("NIP harus 18 angka: tanggal lahir (8), TMT CPNS tahun dan bulan (6), jenis "
                "kelamin (1) dan nomor urut (3).",
                "A NIP has 18 digits: birth date (8), TMT CPNS year and month (6), sex (1) and "
                "serial (3)."),
    "cuti-tahun-di-luar-jangkauan": ("Tanggal cuti harus antara tahun {dari} dan {sampai}.",
                                     "Leave dates must fall between {dari} and {sampai}."),
    "cuti-tanggal-terbalik": ("Tanggal selesai cuti tidak boleh sebelum tanggal mulai.",
                              "The leave cannot end before it starts."),
    "cuti-terlalu-panjang": ("Rentang cuti paling lama {hari} hari kalender.",
                             "A leave spans at most {hari} calendar days."),
    "cuti-tanpa-hari-kerja": ("Rentang tanggal ini tidak memuat hari kerja (akhir pekan, libur "
                              "nasional atau cuti bersama): tidak ada cuti yang perlu diambil.",
                              "These dates hold no working day (weekend, national holiday or "
                              "cuti bersama): no leave is needed."),
    "cuti-lintas-tahun": ("Cuti tahunan dicatat per tahun: ajukan bagian setiap tahun "
                          "tersendiri.",
                          "Annual leave is kept per year: apply for each year's part apart."),
    "cuti-jenis-tidak-berhak": ("{pegawai} tidak berhak atas cuti jenis ini ({aturan}).",
                                "A {pegawai} has no right to this kind of leave ({aturan})."),
    "cuti-masa-kerja-kurang": ("Cuti ini mensyaratkan masa kerja paling singkat {minimal} tahun "
                               "terus-menerus; masa kerja pada tanggal mulai {masa_kerja} tahun "
                               "({aturan}).",
                               "This leave needs at least {minimal} years of continuous "
                               "service; on the start date the service is {masa_kerja} years "
                               "({aturan})."),
    "cuti-melebihi-batas": ("Cuti ini paling lama {batas} {satuan} ({aturan}).",
                            "This leave lasts at most {batas} {satuan} ({aturan})."),
    "cuti-melahirkan-batas": ("Cuti melahirkan diberikan untuk kelahiran anak pertama sampai "
                              "ketiga selama menjadi ASN ({batas} kali) ({aturan}).",
                              "Maternity leave is for the first to the third child while an "
                              "ASN ({batas} times) ({aturan})."),
    "cuti-melebihi-saldo": ("Sisa cuti tahunan {tahun} tinggal {sisa} hari kerja, diminta "
                            "{diminta} hari kerja ({aturan}).",
                            "{sisa} working days of annual leave are left for {tahun}, "
                            "{diminta} asked ({aturan})."),
    "cuti-tahunan-setelah-cuti-besar": ("Tahun {tahun} sudah memakai cuti besar, jadi tidak "
                                        "ada hak cuti tahunan tahun itu ({aturan}).",
                                        "A cuti besar is used in {tahun}, so there is no annual "
                                        "leave that year ({aturan})."),
    "cuti-bertumpuk": ("Tanggal ini sudah tercakup usulan cuti lain yang sedang diproses atau "
                       "sudah diberikan.",
                       "These dates are already covered by another leave in progress or "
                       "granted."),
    "cuti-penandatangan-tidak-dikenal": ("Jenis jabatan ini tidak ada dalam rincian "
                                         "pendelegasian penandatangan Surat Cuti.",
                                         "This position is not in the signing delegation of "
                                         "the Surat Cuti."),
    "nip-akun-lain": ("NIP ini tertaut ke akun lain. Hubungi BKD untuk menautkan akun Anda.",
                      "This NIP is linked to another account. Ask the BKD to link yours."),
    "akun-nip-lain": ("Akun ini sudah tertaut ke NIP lain.",
                      "This account is already linked to another NIP."),
    "cuti-penandatangan-salah": ("Surat Cuti ini ditandatangani {penandatangan} menurut jenis "
                                 "cuti dan jabatan ({aturan}); pilih aksi {aksi}.",
                                 "This Surat Cuti is signed by {penandatangan} for its leave "
                                 "type and position ({aturan}); choose the action {aksi}."),
    "pegawai-not-found": ("Pegawai dengan NIP ini tidak terdaftar di BKD.",
                          "No employee with this NIP is registered with the BKD."),
    "pegawai-bukan-akun": ("Akun Anda belum tertaut ke NIP mana pun; tautan dibuat pada usulan "
                           "cuti pertama atau oleh BKD.",
                           "Your account is linked to no NIP yet; the link is made by your "
                           "first leave request or by the BKD."),
    "cuti-not-found": ("Tidak ada usulan cuti untuk kasus ini.",
                       "No leave request for this case."),
    "penyesuaian-negatif": ("Penyesuaian ini membuat hak atau cuti yang diambil menjadi "
                            "negatif.",
                            "This adjustment makes the entitlement or the days taken "
                            "negative."),
    "siasn-unavailable": ("SIASN tidak dapat dihubungi; coba lagi nanti.",
                          "SIASN cannot be reached; try again later."),
    "siasn-not-configured": ("Sambungan ke SIASN belum dikonfigurasi pada layanan ini "
                             "(HALO_KEPEGAWAIAN_SIASN_URL); data pegawai diisi dari formulir "
                             "atau oleh BKD.",
                             "The link to SIASN is not configured on this service "
                             "(HALO_KEPEGAWAIAN_SIASN_URL); employee data comes from the form "
                             "or the BKD."),
    "siasn-not-found": ("SIASN tidak mengenal NIP ini.", "SIASN does not know this NIP."),
}

register_messages({**LEAVE_MESSAGES, **{f"field.{k}": v for k, v in LEAVE_MESSAGES.items()}})
