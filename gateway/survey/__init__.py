"""Survei Kepuasan Masyarakat (Permen PANRB 14/2017): the applicant's answer sheet after a case
closes, and the IKM reports per agency and SOP, from the gateway's tracking read model."""
