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
}

register_messages({**NOP_MESSAGES, **{f"field.{k}": v for k, v in NOP_MESSAGES.items()}})
