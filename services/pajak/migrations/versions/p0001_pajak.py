"""pajak: subjects, objects, SPPT, payment codes, payments, unmatched bank confirmations,
the bills cek-tagihan cases showed.

Revision ID: p0001_pajak
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision = "p0001_pajak"
down_revision = None
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def _money(name: str) -> sa.Column:
    return sa.Column(name, sa.BigInteger, nullable=False)


def upgrade() -> None:
    op.create_table(
        "pajak_subjek",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("nik_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("nik_cipher", sa.Text, nullable=False),
        sa.Column("nik_masked", sa.String(16), nullable=False),
        sa.Column("nama_cipher", sa.Text, nullable=False),
        sa.Column("nama_masked", sa.String(120), nullable=False),
        _ts("created_at"))
    op.create_table(
        "pajak_objek",
        sa.Column("nop", sa.String(24), primary_key=True),
        sa.Column("subjek_id", sa.String(36), sa.ForeignKey("pajak_subjek.id"), nullable=False),
        sa.Column("letak_cipher", sa.Text, nullable=False),
        sa.Column("kecamatan", sa.String(3), nullable=False),
        sa.Column("desa", sa.String(3), nullable=False),
        sa.Column("luas_bumi", sa.Numeric(14, 2), nullable=False),
        sa.Column("kelas_bumi", sa.String(8), nullable=False),
        sa.Column("luas_bangunan", sa.Numeric(14, 2), nullable=False),
        sa.Column("kelas_bangunan", sa.String(8)),
        sa.Column("jenis", sa.String(20), nullable=False),
        sa.Column("case_id", sa.String(36)),
        _ts("registered_at"))
    op.create_index("ix_pajak_objek_subjek_id", "pajak_objek", ["subjek_id"])
    op.create_table(
        "pajak_sppt",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("nop", sa.String(24), sa.ForeignKey("pajak_objek.nop"), nullable=False),
        sa.Column("tahun", sa.Integer, nullable=False),
        _money("njop_bumi"), _money("njop_bangunan"), _money("njop"), _money("njoptkp"),
        _money("dasar"),
        sa.Column("tarif", sa.Numeric(8, 6), nullable=False),
        _money("pokok"),
        sa.Column("terbit", sa.Date, nullable=False),
        sa.Column("jatuh_tempo", sa.Date, nullable=False),
        sa.Column("lunas", sa.Boolean, nullable=False),
        _ts("lunas_at", nullable=True),
        sa.UniqueConstraint("nop", "tahun", name="uq_pajak_sppt_nop_tahun"))
    op.create_table(
        "pajak_kode_bayar",
        sa.Column("kode", sa.String(16), primary_key=True),
        sa.Column("sppt_id", sa.String(36), sa.ForeignKey("pajak_sppt.id"), nullable=False),
        _money("pokok"), _money("bunga"),
        sa.Column("bulan_bunga", sa.Integer, nullable=False),
        _money("jumlah"),
        sa.Column("status", sa.String(10), nullable=False),
        _ts("issued_at"), _ts("expires_at"),
        sa.Column("issued_by", sa.String(64), nullable=False),
        sa.Column("case_id", sa.String(36)))
    op.create_index("ix_pajak_kode_bayar_sppt_status", "pajak_kode_bayar",
                    ["sppt_id", "status"])
    op.create_index("ix_pajak_kode_bayar_issued_at", "pajak_kode_bayar", ["issued_at"])
    op.create_index("ix_pajak_kode_bayar_case_id", "pajak_kode_bayar", ["case_id"])
    op.create_table(
        "pajak_pembayaran",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kode", sa.String(16), sa.ForeignKey("pajak_kode_bayar.kode"),
                  nullable=False, unique=True),
        sa.Column("bank", sa.String(64), nullable=False),
        sa.Column("referensi", sa.String(64), nullable=False),
        _money("jumlah"),
        _ts("paid_at"), _ts("received_at"),
        sa.UniqueConstraint("bank", "referensi", name="uq_pajak_pembayaran_ref"))
    op.create_index("ix_pajak_pembayaran_paid_at", "pajak_pembayaran", ["paid_at"])
    op.create_table(
        "pajak_bank_unmatched",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("bank", sa.String(64), nullable=False),
        sa.Column("referensi", sa.String(64), nullable=False),
        sa.Column("kode", sa.String(40), nullable=False),
        _money("jumlah"),
        sa.Column("reason", sa.String(40), nullable=False),
        _ts("received_at"))
    op.create_index("ix_pajak_bank_unmatched_received_at", "pajak_bank_unmatched",
                    ["received_at"])
    op.create_table(
        "pajak_cek_tagihan",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("nop", sa.String(40), nullable=False),
        sa.Column("tahun", sa.Integer, nullable=False),
        sa.Column("ditemukan", sa.Boolean, nullable=False),
        _money("pokok"), _money("bunga"),
        sa.Column("bulan_bunga", sa.Integer, nullable=False),
        _money("jumlah"),
        sa.Column("jatuh_tempo", sa.Date),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("per_tanggal", sa.Date, nullable=False))
    op.create_index("ix_pajak_cek_tagihan_case_id", "pajak_cek_tagihan", ["case_id"])


def downgrade() -> None:
    op.drop_table("pajak_cek_tagihan")
    op.drop_table("pajak_bank_unmatched")
    op.drop_table("pajak_pembayaran")
    op.drop_table("pajak_kode_bayar")
    op.drop_table("pajak_sppt")
    op.drop_table("pajak_objek")
    op.drop_table("pajak_subjek")
