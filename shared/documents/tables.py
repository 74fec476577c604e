"""The ``database`` backend's table: the sealed chunks of each document, in the service's
own database (migration ``0005``)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, LargeBinary, String
from sqlmodel import Field, SQLModel


class DocumentBlobRow(SQLModel, table=True):
    __tablename__ = "document_blobs"

    key: str = Field(sa_column=Column(String(64), primary_key=True))
    """The storage key (``case_documents.storage_path``)."""
    chunk: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    """One sealed record (``shared.documents.crypto``)."""
