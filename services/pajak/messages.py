"""The pajak service's own problem codes, as errors and as field problems (Indonesian,
English). Registered once when the module is imported."""

from __future__ import annotations

from shared.web.i18n import register_messages

NOP_MESSAGES: dict[str, tuple[str, str]] = {
    "not-nop": ("NOP harus 18 angka dengan susunan PP.KK.KKK.DDD.BBB-NNNN.J (lihat SPPT).",
                "A NOP has 18 digits laid out PP.KK.KKK.DDD.BBB-NNNN.J (see the SPPT)."),
    "nop-other-regency": ("NOP ini bukan objek pajak Kabupaten Lampung Selatan (harus berawalan "
                          "18.01); ajukan ke pemerintah daerah tempat objek berada.",
                          "This NOP is not a Lampung Selatan tax object (it must start with "
                          "18.01); apply to the region where the object lies."),
    "nop-sudah-terdaftar": ("NOP ini sudah terdaftar sebagai objek pajak lain; berikan NOP baru.",
                            "This NOP is already registered to another object; give a new NOP."),
    "kelas-bumi-unknown": ("Kelas NJOP bumi tidak dikenal; pilih salah satu kelas yang berlaku.",
                           "Unknown land NJOP class; choose one of the classes in force."),
    "kelas-bangunan-unknown": ("Kelas NJOP bangunan tidak dikenal atau tidak diisi padahal ada "
                               "bangunan.", "Unknown building NJOP class, or none although "
                               "there is a building."),
}

BILLING_MESSAGES: dict[str, tuple[str, str]] = {
    "tagihan-tidak-ditemukan": ("Tidak ada SPPT PBB-P2 untuk NOP dan tahun pajak ini.",
                                "There is no PBB-P2 SPPT for this NOP and tax year."),
    "tagihan-nihil": ("SPPT ini tidak terutang (PBB-P2 nihil); tidak ada yang perlu dibayar.",
                      "This SPPT owes nothing (nil PBB-P2); there is nothing to pay."),
    "sppt-sudah-lunas": ("PBB-P2 tahun {tahun} untuk NOP ini sudah lunas.",
                         "The {tahun} PBB-P2 of this NOP is already paid."),
    "kode-bayar-tidak-dikenal": ("Kode bayar tidak dikenal.", "Unknown payment code."),
    "kode-bayar-sudah-dibayar": ("Kode bayar ini sudah dibayar dengan referensi bank lain.",
                                 "This payment code was already paid under another bank "
                                 "reference."),
    "kode-bayar-diganti": ("Kode bayar ini sudah diganti kode yang lebih baru; bayar dengan kode "
                           "terbaru.", "This payment code was replaced by a newer one; pay with "
                           "the newest code."),
    "kode-bayar-kedaluwarsa": ("Kode bayar sudah kedaluwarsa pada waktu pembayaran; buat kode "
                               "bayar baru.", "The payment code had expired at the time of "
                               "payment; make a new payment code."),
    "jumlah-tidak-sesuai": ("Jumlah pembayaran tidak sesuai: kode bayar ini harus dibayar tepat "
                            "Rp{expected}.", "Wrong amount: this payment code must be paid "
                            "exactly Rp{expected}."),
    "referensi-bank-berbeda": ("Referensi bank ini sudah dipakai untuk pembayaran dengan isi lain "
                               "(kode, jumlah atau waktu).", "This bank reference was already "
                               "used for a payment with other content (code, amount or time)."),
    "waktu-bayar-masa-depan": ("Waktu pembayaran berada di masa depan.",
                               "The payment time lies in the future."),
    "waktu-bayar-sebelum-kode": ("Waktu pembayaran lebih awal dari pembuatan kode bayar.",
                                 "The payment time is before the payment code was made."),
    "bukan-akun-integrasi-bank": ("Hanya akun integrasi bank BPPRD yang dapat mengonfirmasi "
                                  "pembayaran.", "Only a BPPRD bank integration account may "
                                  "confirm payments."),
    "bukan-petugas-bpprd": ("Laporan ini hanya untuk petugas dan admin BPPRD.",
                            "This report is for BPPRD officers and admins only."),
    "kode-bayar-belum-lunas": ("Kode bayar kasus ini belum dibayar; langkah pembayaran selesai "
                               "saat bank mengonfirmasi pembayaran.", "This case's payment code "
                               "is not paid yet; the payment step completes when the bank "
                               "confirms the payment."),
    "tagihan-terlalu-sering": ("Terlalu banyak pemeriksaan tagihan dari alamat ini. Coba lagi "
                               "dalam {retry_after} detik.", "Too many bill checks from this "
                               "address. Try again in {retry_after} seconds."),
    "tagihan-nop-terlalu-sering": ("Terlalu banyak pemeriksaan tagihan untuk NOP ini. Coba lagi "
                                   "dalam {retry_after} detik.", "Too many bill checks for this "
                                   "NOP. Try again in {retry_after} seconds."),
}

register_messages({**NOP_MESSAGES, **BILLING_MESSAGES,
                   **{f"field.{k}": v for k, v in NOP_MESSAGES.items()}})
