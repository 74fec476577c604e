"""The survey's table (gateway database): one answer sheet per closed case.

``survey_responses`` is unique by ``case_id``: a case is answered once, and two concurrent
answers cannot both be stored (the database refuses the second). The row keeps what reports
group by (service, agency, SOP, when it closed, when it was answered) and no account id: the
applicant is checked against the tracking read model when answering, and reports never name a
case. The comment is free text: it is never logged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Column, Index, Integer, SmallInteger, Text
from sqlmodel import Field, SQLModel

from gateway.survey.regulation import ELEMENT_KEYS
from shared.db.types import UTCDateTime


def _dt() -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=False))


def _score() -> Any:
    return Field(sa_column=Column(SmallInteger, nullable=False))


class SurveyResponseRow(SQLModel, table=True):
    __tablename__ = "survey_responses"
    __table_args__ = (
        Index("ix_survey_responses_agency", "agency", "answered_at"),
        Index("ix_survey_responses_sop", "agency", "sop_key", "answered_at"),
        *(CheckConstraint(f"{k} BETWEEN 1 AND 4", name=f"ck_survey_responses_{k}")
          for k in ELEMENT_KEYS),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True,
                                                           autoincrement=True))
    case_id: str = Field(max_length=36, unique=True)
    tracking_no: str = Field(max_length=20, unique=True)
    service: str = Field(max_length=40)
    agency: str = Field(max_length=60)
    sop_key: str = Field(max_length=120)
    closed_at: datetime = _dt()
    answered_at: datetime = _dt()
    u1: int = _score()
    u2: int = _score()
    u3: int = _score()
    u4: int = _score()
    u5: int = _score()
    u6: int = _score()
    u7: int = _score()
    u8: int = _score()
    u9: int = _score()
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))

    def scores(self) -> dict[str, int]:
        return {k: int(getattr(self, k)) for k in ELEMENT_KEYS}
