"""Messages for problem+json errors, in Bahasa Indonesia (default) and English.

Keys are the stable machine codes; ``{name}`` placeholders take the error's safe params
(never personal data).
"""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    "case-closed": ("Permohonan sudah ditutup ({status}); tidak ada tindakan yang bisa dilakukan.",
                    "The case is closed ({status}); no action can be taken."),
    "action-not-available": ("Tindakan '{action}' tidak tersedia pada langkah '{step}'.",
                             "Action '{action}' is not available at step '{step}'."),
    "wrong-step": ("Permohonan sudah berada di langkah '{current}', bukan '{expected}'. "
                   "Muat ulang lalu coba lagi.",
                   "The case is now at step '{current}', not '{expected}'. Reload and retry."),
    "role-not-permitted": ("Peran Anda tidak berwenang pada langkah ini (dibutuhkan {role}).",
                           "Your roles may not act on this step (requires {role})."),
    "not-case-owner": ("Hanya pemohon pemilik permohonan yang dapat melakukan tindakan ini.",
                       "Only the applicant who owns the case may do this."),
    "resubmission-late": ("Batas waktu melengkapi berkas ({deadline}) sudah lewat.",
                          "The deadline to complete the file ({deadline}) has passed."),
    "requested-unknown": ("Dokumen atau isian yang diminta tidak ada pada SOP ini: {items}.",
                          "The requested documents or fields are not part of this SOP: "
                          "{items}."),
    "requested-not-accepted": ("Tindakan '{action}' tidak mengembalikan berkas, jadi tidak "
                               "menerima daftar dokumen atau isian yang diminta.",
                               "Action '{action}' does not return the file, so it takes no "
                               "list of requested documents or fields."),
    "resubmission-incomplete": ("Berkas yang dilengkapi belum memuat yang diminta petugas: "
                                "{missing}.",
                                "The resubmission does not bring what the officer asked "
                                "for: {missing}."),
    "assist-not-permitted": ("Hanya petugas {agency} ({roles}) yang dapat mengajukan "
                             "permohonan atas nama warga.",
                             "Only officers of {agency} ({roles}) may submit on behalf of a "
                             "citizen."),
    "unmask-not-permitted": ("Data pribadi permohonan ini hanya dapat dibuka oleh petugas yang "
                             "menangani langkah SOP-nya di {agency}.",
                             "The personal data of this case can only be revealed by officers "
                             "who handle a step of its SOP at {agency}."),
    "document-not-permitted": ("Admin instansi mengelola akun dan tidak dapat membuka "
                               "dokumen permohonan.",
                               "Agency administrators manage accounts and cannot open case "
                               "documents."),
    "break-glass-not-permitted": ("Pembukaan darurat data pribadi (break-glass) hanya untuk "
                                  "admin platform atau kepala dinas {agency}.",
                                  "Break-glass access to personal data is for the platform "
                                  "administrator or the head of {agency} only."),
    "on-behalf-of-unknown": ("Akun warga untuk pengajuan atas nama (on_behalf_of) tidak "
                             "ditemukan atau tidak aktif. Cari akun warga lewat pencarian "
                             "loket (POST /api/v1/citizens/lookup).",
                             "The citizen account named in on_behalf_of does not exist or is "
                             "not active. Find the citizen's account with the counter lookup "
                             "(POST /api/v1/citizens/lookup)."),
    "comment-required": ("Tindakan '{action}' wajib disertai alasan (comment).",
                         "Action '{action}' requires a reason (comment)."),
    "form-not-accepted": ("Tindakan '{action}' tidak menerima isian formulir; isian hanya "
                          "dapat diubah saat melengkapi berkas yang dikembalikan.",
                          "Action '{action}' takes no form data; the form can only be changed "
                          "when completing a returned file."),
    "invalid-submission": ("Isian atau dokumen permohonan belum memenuhi persyaratan.",
                           "The form or documents do not meet the requirements."),
    "action-inputs-invalid": ("Isian atau dokumen yang wajib dibawa petugas untuk tindakan ini "
                              "belum lengkap atau tidak sesuai; lihat daftar masalah.",
                              "The fields or documents this action needs from the officer are "
                              "missing or invalid; see the list of problems."),
    "validation-error": ("Permintaan tidak valid; periksa kolom yang disebutkan.",
                         "The request is invalid; check the fields listed."),
    "sop-not-found": ("SOP '{key}' tidak ditemukan pada layanan ini.",
                      "SOP '{key}' was not found in this service."),
    "case-not-found": ("Permohonan tidak ditemukan.", "The case was not found."),
    "not-found": ("Sumber daya tidak ditemukan.", "The resource was not found."),
    "service-not-found": ("Layanan '{service}' tidak dikenal.", "Unknown service '{service}'."),
    "sop-key-prefix": ("Kunci SOP baru '{key}' harus diawali '{prefix}' (nama layanan), agar "
                       "tidak sama dengan SOP layanan lain.",
                       "A new SOP key '{key}' must start with '{prefix}' (the service's name), "
                       "so it cannot clash with another service's SOP."),
    "sop-agency-not-hosted": ("Layanan {service} tidak menampung SOP {agency}; terbitkan SOP "
                              "di layanan instansi tersebut.",
                              "The {service} service does not host SOPs of {agency}; publish "
                              "it in that agency's service."),
    "sop-version-pending": ("SOP '{key}' masih punya versi yang menunggu persetujuan instansi "
                            "lain; versi baru dapat diterbitkan setelah versi itu disetujui, "
                            "ditolak atau ditarik kembali.",
                            "SOP '{key}' has a version awaiting another agency's acceptance; "
                            "a new version can be published once it is accepted, declined or "
                            "withdrawn."),
    "sop-withdraw-not-permitted": ("Versi SOP '{key}' ini hanya dapat ditarik kembali oleh admin "
                                   "instansi yang menerbitkannya.",
                                   "This version of SOP '{key}' can only be withdrawn by the "
                                   "admin of the agency that published it."),
    "sop-decline-not-permitted": ("Versi SOP '{key}' ini hanya dapat ditolak oleh admin instansi "
                                  "yang diberi langkahnya dan belum menyetujui.",
                                  "This version of SOP '{key}' can only be declined by the admin "
                                  "of an agency given its steps that has not accepted yet."),
    "sop-version-not-pending": ("Versi SOP '{key}' ini tidak sedang menunggu persetujuan.",
                                "This version of SOP '{key}' is not awaiting acceptance."),
    "sop-accept-not-permitted": ("Versi SOP '{key}' ini hanya dapat disetujui oleh admin "
                                 "instansi yang diberi langkahnya dan belum menyetujui.",
                                 "This version of SOP '{key}' can only be accepted by the "
                                 "admin of an agency given its steps that has not accepted "
                                 "yet."),
    "sop-invalid": ("Definisi SOP tidak valid; lihat daftar masalah.",
                    "The SOP definition is invalid; see the list of problems."),
    "unauthenticated": ("Token akses tidak ada, tidak valid, atau kedaluwarsa.",
                        "The access token is missing, invalid or expired."),
    "forbidden": ("Anda tidak berwenang untuk tindakan ini.",
                  "You are not allowed to do this."),
    "file-too-large": ("Dokumen '{key}' melebihi batas {limit} byte.",
                       "Document '{key}' exceeds the limit of {limit} bytes."),
    "unsupported-body": ("Isi permintaan '{type}' tidak diterima: kirim application/json, atau "
                         "multipart/form-data dengan bagian 'data' (JSON) dan berkasnya.",
                         "Request body '{type}' is not accepted: send application/json, or "
                         "multipart/form-data with a 'data' part (JSON) and the files."),
    "sop-body-unsupported": ("Isi permintaan '{type}' tidak diterima: kirim definisi SOP "
                             "sebagai application/json atau application/yaml.",
                             "Request body '{type}' is not accepted: send the SOP definition "
                             "as application/json or application/yaml."),
    "sop-too-large": ("Definisi SOP melebihi batas {limit} byte.",
                      "The SOP definition exceeds the limit of {limit} bytes."),
    "document-refused": ("Dokumen yang dikirim tidak dapat diterima; lihat daftar masalah. "
                         "Tidak ada yang disimpan.",
                         "The documents sent cannot be accepted; see the list of problems. "
                         "Nothing was stored."),
    "document-not-found": ("Dokumen tidak ditemukan pada permohonan ini.",
                           "The document was not found in this case."),
    "document-unreadable": ("Dokumen tidak dapat dibaca dari penyimpanan (gagal uji keutuhan). "
                            "Kode rujukan: {request_id}.",
                            "The document cannot be read from storage (integrity check "
                            "failed). Reference: {request_id}."),
    "unsupported-media": ("Jenis berkas '{type}' tidak diterima.",
                          "File type '{type}' is not accepted."),
    "service-unavailable": ("Layanan '{service}' sedang tidak tersedia. Coba lagi nanti.",
                            "Service '{service}' is unavailable. Try again later."),
    "upstream-timeout": ("Layanan '{service}' tidak menjawab tepat waktu.",
                         "Service '{service}' did not answer in time."),
    "rate-limited": ("Terlalu banyak percobaan. Coba lagi dalam {retry_after} detik.",
                     "Too many attempts. Retry in {retry_after} seconds."),
    "conflict": ("Permintaan bertentangan dengan data yang ada.",
                 "The request conflicts with existing data."),
    "output-not-found": ("Dokumen keluaran tidak ditemukan pada permohonan ini.",
                         "The output document was not found on this case."),
    "output-not-ready": ("Dokumen keluaran belum selesai ditandatangani ({state}). Coba lagi "
                         "beberapa saat lagi.",
                         "The output document is not signed yet ({state}). Try again shortly."),
    "output-not-revocable": ("Dokumen berstatus '{state}' tidak dapat dicabut; hanya dokumen "
                             "yang telah terbit.",
                             "A document in status '{state}' cannot be revoked; only an "
                             "issued one can."),
    "output-unknown": ("Kode verifikasi tidak dikenal: dokumen ini tidak diterbitkan melalui "
                       "Halo Lamsel, atau kodenya salah ketik. Jangan mempercayai dokumen ini "
                       "sebelum dipastikan ke instansi penerbit.",
                       "Unknown verification code: this document was not issued through Halo "
                       "Lamsel, or the code was mistyped. Do not rely on it before checking "
                       "with the issuing agency."),
    "internal-error": ("Terjadi kesalahan pada sistem. Kode rujukan: {request_id}.",
                       "An internal error occurred. Reference: {request_id}."),
}

# Field problems, shown per entry of a problem's ``errors`` list; never with the value.
FIELD_MESSAGES: dict[str, tuple[str, str]] = {
    "field.required": ("Wajib diisi.", "This field is required."),
    "field.missing": ("Wajib diisi.", "This field is required."),
    "field.invalid": ("Isian tidak valid.", "The value is not valid."),
    "field.unknown-field": ("Kolom ini tidak dikenal pada formulir layanan.",
                            "This field is not part of the service's form."),
    "field.extra_forbidden": ("Kolom ini tidak dikenal.", "This field is not recognised."),
    "field.unknown-document": ("Dokumen ini tidak diminta oleh layanan.",
                               "The service does not ask for this document."),
    "field.document-empty": ("Berkas kosong.", "The file is empty."),
    "field.document-type-mismatch": ("Isi berkas tidak sesuai dengan jenis yang dinyatakan "
                                     "({declared}).",
                                     "The file's content does not match its declared type "
                                     "({declared})."),
    "field.document-type-not-allowed": ("Jenis berkas ini tidak diterima untuk dokumen ini; "
                                        "yang diterima: {allowed}.",
                                        "This file type is not accepted for this document; "
                                        "accepted: {allowed}."),
    "field.control-characters": ("Tidak boleh memuat karakter kendali.",
                                 "Must not contain control characters."),
    "field.not-text": ("Harus berupa teks yang tidak kosong.", "Must be non-empty text."),
    "field.string_type": ("Harus berupa teks.", "Must be text."),
    "field.not-integer": ("Harus berupa bilangan bulat.", "Must be a whole number."),
    "field.int_type": ("Harus berupa bilangan bulat.", "Must be a whole number."),
    "field.int_parsing": ("Harus berupa bilangan bulat.", "Must be a whole number."),
    "field.not-number": ("Harus berupa angka.", "Must be a number."),
    "field.not-boolean": ("Harus bernilai ya/tidak (true/false).", "Must be true or false."),
    "field.bool_type": ("Harus bernilai ya/tidak (true/false).", "Must be true or false."),
    "field.not-date": ("Harus berupa tanggal (TTTT-BB-HH).", "Must be a date (YYYY-MM-DD)."),
    "field.not-a-choice": ("Pilih salah satu pilihan yang tersedia.",
                           "Choose one of the options offered."),
    "field.literal_error": ("Pilih salah satu pilihan yang tersedia.",
                            "Choose one of the options offered."),
    "field.not-nik": ("NIK harus terdiri dari 16 angka.", "The NIK must be 16 digits."),
    "field.nik-format": ("NIK harus terdiri dari 16 angka.", "The NIK must be 16 digits."),
    "field.nik-region": (
        "Kode wilayah pada NIK (6 angka pertama) tidak valid.",
        "The region code in the NIK (first 6 digits) is not valid."),
    "field.nik-birth-date": (
        "Tanggal lahir pada NIK (angka ke-7 s.d. 12) bukan tanggal yang valid.",
        "The birth date in the NIK (digits 7 to 12) is not a valid date."),
    "field.nik-future": (
        "Tanggal lahir pada NIK berada di masa depan.",
        "The birth date in the NIK is in the future."),
    "field.nik-serial": (
        "Nomor urut pada NIK (4 angka terakhir) tidak boleh 0000.",
        "The serial number in the NIK (last 4 digits) may not be 0000."),
    "field.not-kk": ("Nomor KK harus terdiri dari 16 angka.",
                     "The KK (family card) number must be 16 digits."),
    "field.kk-format": ("Nomor KK harus terdiri dari 16 angka.",
                        "The KK (family card) number must be 16 digits."),
    "field.kk-region": ("Kode wilayah pada nomor KK (6 angka pertama) tidak valid.",
                        "The region code in the KK number (first 6 digits) is not valid."),
    "field.kk-date": ("Tanggal pencatatan pada nomor KK (angka ke-7 s.d. 12) bukan tanggal "
                      "yang valid.",
                      "The recording date in the KK number (digits 7 to 12) is not a valid "
                      "date."),
    "field.kk-future": ("Tanggal pencatatan pada nomor KK berada di masa depan.",
                        "The recording date in the KK number is in the future."),
    "field.kk-serial": ("Nomor seri keluarga pada nomor KK (4 angka terakhir) tidak boleh "
                        "0000.",
                        "The family serial number in the KK number (last 4 digits) may not "
                        "be 0000."),
    "field.too-long": ("Terlalu panjang (maksimal {max_length} karakter).",
                       "Too long (at most {max_length} characters)."),
    "field.not-phone": ("Nomor WhatsApp harus berformat +628… (10–14 angka).",
                        "The WhatsApp number must look like +628… (10–14 digits)."),
    "field.not-email": ("Alamat e-mail tidak valid.", "The e-mail address is not valid."),
    "field.string_too_long": ("Terlalu panjang (maksimal {max_length} karakter).",
                              "Too long (at most {max_length} characters)."),
    "field.string_too_short": ("Terlalu pendek (minimal {min_length} karakter).",
                               "Too short (at least {min_length} characters)."),
    "field.string_pattern_mismatch": ("Bentuk isian tidak sesuai.",
                                      "The value does not have the expected form."),
    "field.greater_than_equal": ("Minimal {ge}.", "Must be at least {ge}."),
    "field.less_than_equal": ("Maksimal {le}.", "Must be at most {le}."),
    "field.list_type": ("Harus berupa daftar.", "Must be a list."),
    "field.dict_type": ("Harus berupa objek.", "Must be an object."),
    "field.model_type": ("Harus berupa objek.", "Must be an object."),
    "field.invalid-json": ("Isi bukan JSON yang valid.", "The content is not valid JSON."),
    "field.invalid-yaml": ("Isi bukan YAML yang valid (baris {line}, kolom {column}).",
                           "The content is not valid YAML (line {line}, column {column})."),
    "field.yaml-alias": ("Alias YAML (*nama) tidak diterima (baris {line}); tulis isinya "
                         "langsung.",
                         "YAML aliases (*name) are not accepted (line {line}); write the "
                         "content out."),
    "field.yaml-not-mapping": ("Berkas YAML harus berisi satu definisi SOP (kunci: nilai di "
                               "tingkat teratas).",
                               "The YAML file must hold one SOP definition (key: value pairs "
                               "at the top level)."),
    "field.not-utf8": ("Isi harus teks UTF-8.", "The content must be UTF-8 text."),
    "field.json_invalid": ("Isi bukan JSON yang valid.", "The content is not valid JSON."),
}
MESSAGES.update(FIELD_MESSAGES)

TITLES: dict[int, tuple[str, str]] = {
    400: ("Permintaan tidak valid", "Bad request"),
    401: ("Belum terautentikasi", "Unauthenticated"),
    403: ("Tidak berwenang", "Forbidden"),
    404: ("Tidak ditemukan", "Not found"),
    409: ("Konflik keadaan", "Conflict"),
    413: ("Berkas terlalu besar", "Payload too large"),
    415: ("Jenis berkas tidak didukung", "Unsupported media type"),
    422: ("Data tidak dapat diproses", "Unprocessable content"),
    429: ("Terlalu banyak permintaan", "Too many requests"),
    500: ("Kesalahan sistem", "Internal error"),
    502: ("Layanan hulu bermasalah", "Bad gateway"),
    503: ("Layanan tidak tersedia", "Service unavailable"),
    504: ("Waktu habis", "Gateway timeout"),
}


def register_messages(messages: dict[str, tuple[str, str]]) -> None:
    """Add a department's own codes (Indonesian, English); a code is never redefined."""
    for code, texts in messages.items():
        if MESSAGES.get(code, texts) != texts:
            raise ValueError(f"kode pesan {code!r} sudah dipakai dengan teks lain")
        MESSAGES[code] = texts


def language(accept_language: str | None) -> str:
    """``en`` when the caller prefers English, otherwise ``id``."""
    if not accept_language:
        return "id"
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("id"):
            return "id"
        if tag.startswith("en"):
            return "en"
    return "id"


def message(code: str, lang: str, params: dict[str, Any]) -> str:
    texts = MESSAGES.get(code, MESSAGES["internal-error"] if code == "internal-error"
                         else (code, code))
    template = texts[1] if lang == "en" else texts[0]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def title(status: int, lang: str) -> str:
    pair = TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400])
    return pair[1] if lang == "en" else pair[0]


def field_message(problem: str, lang: str, params: dict[str, Any] | None = None) -> str:
    """The message of one field problem (a generic one for a code without its own)."""
    code = f"field.{problem}"
    return message(code if code in MESSAGES else "field.invalid", lang, params or {})
