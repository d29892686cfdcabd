"""SQLAlchemy 2.0 models. The schema itself is created by the Alembic migrations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UnreadableValue(ValueError):
    """A date or time column holds a value of a type suitcheck never writes there (SQLite
    keeps whatever it is given: an integer, a real, bytes, other text). Raised by the
    column's reader in place of the driver's TypeError/ValueError, so that a service can
    say in one sentence that a record was changed outside suitcheck."""

    def __init__(self, kind: str, value: object) -> None:
        self.kind = kind  # "date" or "date and time"
        self.stored = type(value).__name__
        super().__init__(f"a {kind} column holds a value of type {self.stored}")


def _checked(inner: Callable[[Any], Any] | None, kind: str) -> Callable[[Any], Any] | None:
    if inner is None:  # the driver returns the type itself (PostgreSQL): nothing to check
        return None

    def process(value: Any) -> Any:
        try:
            return inner(value)
        except (TypeError, ValueError) as exc:
            raise UnreadableValue(kind, value) from exc

    return process


class CheckedDate(TypeDecorator[dt.date]):
    """A date, whose reader raises UnreadableValue for a value it cannot take. Overrides
    result_processor (not process_result_value) because the value must be caught where
    the dialect's own reader fails; that reader still does the work."""

    impl = Date
    cache_ok = True

    def result_processor(self, dialect: Any, coltype: Any) -> Callable[[Any], Any] | None:
        return _checked(super().result_processor(dialect, coltype), "date")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores naive UTC, returns aware UTC, so SQLite and PostgreSQL behave alike; a value
    its reader cannot take raises UnreadableValue (see CheckedDate)."""

    impl = DateTime
    cache_ok = True

    def result_processor(self, dialect: Any, coltype: Any) -> Callable[[Any], Any] | None:
        return _checked(super().result_processor(dialect, coltype), "date and time")

    def process_bind_param(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


# SQLite needs exactly INTEGER for a rowid alias; PostgreSQL gets a 64-bit key.
BigId = BigInteger().with_variant(Integer(), "sqlite")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Branch(Base):
    """A branch (营业部). Code, name and region are data; the head-office branch (HQ) is
    made by the migration that introduced branches and holds a store's older rows."""

    __tablename__ = "branch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(64), default="", server_default="")
    head_office: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Over (id, code, name, region, head_office), made by suitcheck when it adds the branch
    # (services.integrity): a code names the branch a client is moved or imported into.
    integrity: Mapped[str | None] = mapped_column(String(256))


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # MAC/signature over the permission-relevant columns, made by suitcheck when it writes them.
    integrity: Mapped[str | None] = mapped_column(String(256))
    # Set by an administrator's password reset: the next login must choose a new one.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # The staff member's branch; firm-wide head-office staff (compliance, admin) see all.
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"))
    firm_wide: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class StoreSetting(Base):
    """Facts about the store itself: how it was created (`origin`), and the secret
    that keys the hashes of unknown user names typed at login (`login-name-key`)."""

    __tablename__ = "store_setting"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Investor(Base):
    __tablename__ = "investor"
    __table_args__ = (
        # The distribution list filters on these; see services.access.eligible.
        Index("ix_investor_eligible", "current_profile", "current_assessed_on"),
        # Every term of the eligible condition, in the order its range scans need.
        Index(
            "ix_investor_eligibility",
            "investor_class",
            "lowest_category",
            "reassessment_due",
            "current_profile",
            "current_assessed_on",
        ),
        Index("ix_investor_name", "name"),
        # The same terms behind the client's branch: a branch's lists are range scans too.
        Index(
            "ix_investor_branch_eligibility",
            "branch_id",
            "investor_class",
            "lowest_category",
            "reassessment_due",
            "current_profile",
            "current_assessed_on",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True)
    birth_date: Mapped[dt.date | None] = mapped_column(CheckedDate)
    investor_class: Mapped[str] = mapped_column(String(32))
    lowest_category: Mapped[bool] = mapped_column(Boolean, default=False)
    special_attention: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Denormalised from the newest assessment, in the same transaction that records it.
    current_profile: Mapped[int | None] = mapped_column(Integer)
    current_assessed_on: Mapped[dt.date | None] = mapped_column(CheckedDate)
    # Staff marked the client's situation as changed: re-assessment is due (reason audited).
    reassessment_due: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reassessment_reason: Mapped[str | None] = mapped_column(Text)
    # MAC/signature over the decision-relevant columns, made by suitcheck when it writes them.
    integrity: Mapped[str | None] = mapped_column(String(256))
    # The branch the client belongs to; staff of other branches do not see the client.
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"))

    assessments: Mapped[list[Assessment]] = relationship(back_populates="investor", order_by="Assessment.id")


class Assessment(Base):
    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investor.id"), index=True)
    profile: Mapped[int] = mapped_column(Integer)
    assessed_on: Mapped[dt.date] = mapped_column(CheckedDate)
    lowest_category: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    # From a questionnaire: the version it used, the answers (canonical JSON) and their
    # hash, the score. NULL for a profile recorded from an assessment made elsewhere.
    questionnaire_version: Mapped[int | None] = mapped_column(Integer)
    answers: Mapped[str | None] = mapped_column(Text)
    answers_hash: Mapped[str | None] = mapped_column(String(64))
    score: Mapped[int | None] = mapped_column(Integer)

    investor: Mapped[Investor] = relationship(back_populates="assessments")


class Report(Base):
    __tablename__ = "report"
    __table_args__ = (Index("ix_report_published_on", "published_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(512))
    publisher: Mapped[str | None] = mapped_column(String(128))
    published_on: Mapped[dt.date | None] = mapped_column(CheckedDate)
    report_type: Mapped[str | None] = mapped_column(String(64))
    level: Mapped[int | None] = mapped_column(Integer)
    suggested_level: Mapped[int | None] = mapped_column(Integer)
    rating_scope: Mapped[str | None] = mapped_column(String(16))
    rating_value: Mapped[str | None] = mapped_column(String(16))
    rating_change: Mapped[str | None] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    source_name: Mapped[str] = mapped_column(String(512))
    source_kind: Mapped[str] = mapped_column(String(8))
    size: Mapped[int] = mapped_column(BigInteger)
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    rated_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    rated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The version of the level-statement reader (ingest.metadata.LEVEL_READER) whose reading
    # the stated level is; None: stored before versions were recorded (read as older).
    reader: Mapped[int | None] = mapped_column(Integer)
    # MAC/signature over the decision-relevant columns (id, level, subject's level, rated,
    # file hash, reader once set), made by suitcheck when it writes them (services.integrity).
    integrity: Mapped[str | None] = mapped_column(String(256))

    analysts: Mapped[list[Analyst]] = relationship(order_by="Analyst.position", cascade="all")
    findings: Mapped[list[Finding]] = relationship(order_by="Finding.id", cascade="all")
    content: Mapped[ReportContent | None] = relationship(uselist=False, cascade="all")


class ReportContent(Base):
    """The original file and its extracted text, kept apart so report rows stay small."""

    __tablename__ = "report_content"

    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    original: Mapped[bytes] = mapped_column(LargeBinary)


class Analyst(Base):
    __tablename__ = "analyst"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64))
    sac_number: Mapped[str | None] = mapped_column(String(14))
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(128))


class Finding(Base):
    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ReportCorrection(Base):
    __tablename__ = "report_correction"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class PolicyVersion(Base):
    __tablename__ = "policy"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    document: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # MAC/signature over (version, document), made by suitcheck when it stores the version.
    integrity: Mapped[str | None] = mapped_column(String(256))


class QuestionnaireVersion(Base):
    """One version of the risk-tolerance questionnaire; never edited, a change is a new version."""

    __tablename__ = "questionnaire"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    document: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(71))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # Over (version, document, checksum), made by suitcheck when it stores the version
    # (services.integrity): the questionnaire decides the profile every assessment gives.
    integrity: Mapped[str | None] = mapped_column(String(256))


class AuditEntry(Base):
    """One link of the hash chain. Never updated or deleted (triggers enforce it)."""

    __tablename__ = "audit_entry"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))
    staff: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32), index=True)
    investor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    report_id: Mapped[int | None] = mapped_column(Integer, index=True)
    decision: Mapped[str | None] = mapped_column(String(32))
    reasons: Mapped[str] = mapped_column(Text)
    facts: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    # The installation that wrote it (None before sealing existed) and its MAC under that
    # installation's epoch key.
    chain: Mapped[str | None] = mapped_column(String(16))
    mac: Mapped[str | None] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """An HMAC over a chain head, made with a key the database does not hold."""

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    entry_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(32))
    mac: Mapped[str] = mapped_column(String(64))
