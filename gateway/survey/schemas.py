"""Request and response bodies of the survey endpoints."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.times import UtcDatetime
from shared.web.text import Text

Score = Annotated[int, Field(ge=1, le=4, strict=True)]
"""1–4 (contoh kuesioner: answers a–d); a whole JSON number, never "3" or 3.5 or true."""


class AnswerSheet(BaseModel):
    """One score per unsur, all nine required (Lampiran, Ruang Lingkup a–i)."""

    model_config = ConfigDict(extra="forbid")
    u1: Score
    u2: Score
    u3: Score
    u4: Score
    u5: Score
    u6: Score
    u7: Score
    u8: Score
    u9: Score


class SurveyAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answers: AnswerSheet
    comment: Annotated[Text | None, Field(max_length=1000)] = None
    """Saran dan masukan, free text; shown to the agency's admins without the case."""


class LocalText(BaseModel):
    id: str
    en: str


class Choice(BaseModel):
    value: int
    label: LocalText


class Question(BaseModel):
    id: str
    """``u1`` … ``u9``: the key of its score in ``answers``."""
    letter: str
    """Its letter in the regulation's list of unsur (a–i)."""
    name: LocalText
    question: LocalText
    choices: list[Choice]


class Questionnaire(BaseModel):
    source: str
    elements: list[Question]


SurveyState = Literal["not_closed", "not_eligible", "open", "answered"]


class SurveyStatus(BaseModel):
    tracking_no: str
    service: str
    sop_key: str
    title: str
    agency: str
    status: str
    closed_at: UtcDatetime | None
    state: SurveyState
    """``not_closed`` (wait), ``not_eligible`` (withdrawn), ``open`` (may answer now),
    ``answered``."""
    can_answer: bool
    answered_at: UtcDatetime | None
    answers: dict[str, int] | None
    """The caller's own scores, once answered."""
    questionnaire: Questionnaire


class Answered(BaseModel):
    tracking_no: str
    answered_at: UtcDatetime
    answers: dict[str, int]


class PeriodOut(BaseModel):
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    basis: Literal["answered_at"] = "answered_at"
    """Answers count by when they were given; the population by when cases closed."""


class ElementReport(BaseModel):
    id: str
    name: str
    total: int
    """Σ of its scores."""
    answered: int
    nrr: float
    """Σ / answered, 3 decimals."""
    nrr_weighted: float
    """NRR × 1/9, 4 decimals."""


class Sample(BaseModel):
    respondents: int
    population: int
    """Cases of the unit closed with an outcome in the period (tracking read model)."""
    minimum_sample: int
    """Krejcie–Morgan, for the population."""
    sample_sufficient: bool
    warning: str | None


class UnitReport(Sample):
    elements: list[ElementReport]
    ikm: float | None
    """Σ NRR tertimbang, 4 decimals (the NI column's precision)."""
    ikm_conversion: float | None
    """IKM × 25, 2 decimals (IKM unit pelayanan)."""
    quality: Literal["A", "B", "C", "D"] | None
    """Mutu pelayanan."""
    performance: LocalText | None
    """Kinerja unit pelayanan."""


class SopReport(UnitReport):
    sop_key: str
    title: str


class CommentOut(BaseModel):
    sop_key: str
    answered_on: date
    text: str


class AgencyReport(BaseModel):
    agency: str
    agency_name: str
    sop_key: str | None
    period: PeriodOut
    unit: UnitReport
    per_sop: list[SopReport]
    comments: list[CommentOut]
    """The newest saran dan masukan (at most 200), with no case or person attached."""


class PublicReport(Sample):
    agency: str
    agency_name: str
    period: PeriodOut
    published: bool
    """False while fewer than the publication threshold answered: no score is shown."""
    notice: str | None
    ikm_conversion: float | None
    quality: Literal["A", "B", "C", "D"] | None
    performance: LocalText | None
