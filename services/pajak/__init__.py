"""The pajak service: Pajak dan Retribusi Daerah."""
