"""HSDS directory: the HSDS 3 tables, with our Québec extensions.

Revision ID: 0001_directory
Revises:
Create Date: 2026-11-23 07:28:54.544492
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_directory"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meta_table_description",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text()),
        sa.Column("language", sa.Text()),
        sa.Column("character_set", sa.Text()),
        _primary_key("meta_table_description"),
    )
    op.create_table(
        "metadata",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("resource_id", sa.Uuid(), nullable=False),
        sa.Column("resource_type", sa.Text(), nullable=False),
        sa.Column("last_action_date", sa.DateTime(), nullable=False),
        sa.Column("last_action_type", sa.Text(), nullable=False),
        sa.Column("field_name", sa.Text(), nullable=False),
        sa.Column("previous_value", sa.Text(), nullable=False),
        sa.Column("replacement_value", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        _primary_key("metadata"),
    )
    _index("metadata", "resource_id")
    op.create_table(
        "organization",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("alternate_name", sa.Text()),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("email", sa.Text()),
        sa.Column("website", sa.Text()),
        sa.Column("tax_status", sa.Text()),
        sa.Column("tax_id", sa.Text()),
        sa.Column("year_incorporated", sa.Double()),
        sa.Column("legal_status", sa.Text()),
        sa.Column("logo", sa.Text()),
        sa.Column("uri", sa.Text()),
        sa.Column("parent_organization_id", sa.Uuid()),
        sa.Column("sector", sa.Text()),
        sa.Column("sample", sa.Boolean(), nullable=False),
        _primary_key("organization"),
        _reference("organization", "parent_organization_id", "organization"),
    )
    _index("organization", "parent_organization_id")
    op.create_table(
        "taxonomy",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("uri", sa.Text()),
        sa.Column("version", sa.Text()),
        _primary_key("taxonomy"),
    )
    op.create_table(
        "unit",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("scheme", sa.Text()),
        sa.Column("identifier", sa.Text()),
        sa.Column("uri", sa.Text()),
        _primary_key("unit"),
    )
    op.create_table(
        "location",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("location_type", sa.Text(), nullable=False),
        sa.Column("url", sa.Text()),
        sa.Column("organization_id", sa.Uuid()),
        sa.Column("name", sa.Text()),
        sa.Column("alternate_name", sa.Text()),
        sa.Column("description", sa.Text()),
        sa.Column("transportation", sa.Text()),
        sa.Column("latitude", sa.Double()),
        sa.Column("longitude", sa.Double()),
        sa.Column("external_identifier", sa.Text()),
        sa.Column("external_identifier_type", sa.Text()),
        sa.Column("sample", sa.Boolean(), nullable=False),
        _primary_key("location"),
        _reference("location", "organization_id", "organization"),
    )
    _index("location", "organization_id")
    op.create_table(
        "organization_identifier",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid()),
        sa.Column("identifier_scheme", sa.Text()),
        sa.Column("identifier_type", sa.Text(), nullable=False),
        sa.Column("identifier", sa.Text(), nullable=False),
        _primary_key("organization_identifier"),
        _reference("organization_identifier", "organization_id", "organization"),
    )
    _index("organization_identifier", "organization_id")
    op.create_table(
        "program",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid()),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("alternate_name", sa.Text()),
        sa.Column("description", sa.Text(), nullable=False),
        _primary_key("program"),
        _reference("program", "organization_id", "organization"),
    )
    _index("program", "organization_id")
    op.create_table(
        "taxonomy_term",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.Text()),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Uuid()),
        sa.Column("taxonomy", sa.Text()),
        sa.Column("taxonomy_id", sa.Uuid()),
        sa.Column("language", sa.Text()),
        sa.Column("term_uri", sa.Text()),
        _primary_key("taxonomy_term"),
        _reference("taxonomy_term", "parent_id", "taxonomy_term"),
        _reference("taxonomy_term", "taxonomy_id", "taxonomy"),
    )
    _index("taxonomy_term", "parent_id")
    _index("taxonomy_term", "taxonomy_id")
    op.create_table(
        "accessibility",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid()),
        sa.Column("description", sa.Text()),
        sa.Column("details", sa.Text()),
        sa.Column("url", sa.Text()),
        _primary_key("accessibility"),
        _reference("accessibility", "location_id", "location"),
    )
    _index("accessibility", "location_id")
    op.create_table(
        "address",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid()),
        sa.Column("attention", sa.Text()),
        sa.Column("address_1", sa.Text(), nullable=False),
        sa.Column("address_2", sa.Text()),
        sa.Column("city", sa.Text(), nullable=False),
        sa.Column("region", sa.Text()),
        sa.Column("state_province", sa.Text(), nullable=False),
        sa.Column("postal_code", sa.Text(), nullable=False),
        sa.Column("country", sa.Text(), nullable=False),
        sa.Column("address_type", sa.Text(), nullable=False),
        _primary_key("address"),
        _reference("address", "location_id", "location"),
    )
    _index("address", "location_id")
    op.create_table(
        "attribute",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("link_id", sa.Uuid(), nullable=False),
        sa.Column("taxonomy_term_id", sa.Uuid(), nullable=False),
        sa.Column("link_type", sa.Text()),
        sa.Column("link_entity", sa.Text(), nullable=False),
        sa.Column("value", sa.Text()),
        sa.Column("label", sa.Text()),
        _primary_key("attribute"),
        _reference("attribute", "taxonomy_term_id", "taxonomy_term"),
    )
    _index("attribute", "link_id")
    _index("attribute", "taxonomy_term_id")
    op.create_table(
        "service",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid()),
        sa.Column("program_id", sa.Uuid()),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("alternate_name", sa.Text()),
        sa.Column("description", sa.Text()),
        sa.Column("url", sa.Text()),
        sa.Column("email", sa.Text()),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("interpretation_services", sa.Text()),
        sa.Column("application_process", sa.Text()),
        sa.Column("fees_description", sa.Text()),
        sa.Column("wait_time", sa.Text()),
        sa.Column("fees", sa.Text()),
        sa.Column("accreditations", sa.Text()),
        sa.Column("eligibility_description", sa.Text()),
        sa.Column("minimum_age", sa.Double()),
        sa.Column("maximum_age", sa.Double()),
        sa.Column("assured_date", sa.Date()),
        sa.Column("assurer_email", sa.Text()),
        sa.Column("licenses", sa.Text()),
        sa.Column("alert", sa.Text()),
        sa.Column("last_modified", sa.DateTime()),
        sa.Column("referral_method", sa.Text()),
        sa.Column("sample", sa.Boolean(), nullable=False),
        _primary_key("service"),
        _reference("service", "organization_id", "organization"),
        _reference("service", "program_id", "program"),
    )
    _index("service", "organization_id")
    _index("service", "program_id")
    op.create_table(
        "cost_option",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid()),
        sa.Column("valid_from", sa.Date()),
        sa.Column("valid_to", sa.Date()),
        sa.Column("option", sa.Text()),
        sa.Column("currency", sa.Text()),
        sa.Column("amount", sa.Double()),
        sa.Column("amount_description", sa.Text()),
        _primary_key("cost_option"),
        _reference("cost_option", "service_id", "service"),
    )
    _index("cost_option", "service_id")
    op.create_table(
        "funding",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid()),
        sa.Column("service_id", sa.Uuid()),
        sa.Column("source", sa.Text()),
        _primary_key("funding"),
        _reference("funding", "organization_id", "organization"),
        _reference("funding", "service_id", "service"),
    )
    _index("funding", "organization_id")
    _index("funding", "service_id")
    op.create_table(
        "required_document",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid()),
        sa.Column("document", sa.Text()),
        sa.Column("uri", sa.Text()),
        _primary_key("required_document"),
        _reference("required_document", "service_id", "service"),
    )
    _index("required_document", "service_id")
    op.create_table(
        "service_at_location",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid()),
        sa.Column("location_id", sa.Uuid()),
        sa.Column("description", sa.Text()),
        _primary_key("service_at_location"),
        _reference("service_at_location", "service_id", "service"),
        _reference("service_at_location", "location_id", "location"),
    )
    _index("service_at_location", "location_id")
    _index("service_at_location", "service_id")
    op.create_table(
        "service_capacity",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("available", sa.Double(), nullable=False),
        sa.Column("maximum", sa.Double()),
        sa.Column("description", sa.Text()),
        sa.Column("updated", sa.DateTime(), nullable=False),
        _primary_key("service_capacity"),
        _reference("service_capacity", "service_id", "service"),
        _reference("service_capacity", "unit_id", "unit"),
    )
    _index("service_capacity", "service_id")
    _index("service_capacity", "unit_id")
    op.create_table(
        "url",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("label", sa.Text()),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("organization_id", sa.Uuid()),
        sa.Column("service_id", sa.Uuid()),
        _primary_key("url"),
        _reference("url", "organization_id", "organization"),
        _reference("url", "service_id", "service"),
    )
    _index("url", "organization_id")
    _index("url", "service_id")
    op.create_table(
        "contact",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid()),
        sa.Column("service_id", sa.Uuid()),
        sa.Column("service_at_location_id", sa.Uuid()),
        sa.Column("location_id", sa.Uuid()),
        sa.Column("name", sa.Text()),
        sa.Column("title", sa.Text()),
        sa.Column("department", sa.Text()),
        sa.Column("email", sa.Text()),
        _primary_key("contact"),
        _reference("contact", "organization_id", "organization"),
        _reference("contact", "service_id", "service"),
        _reference("contact", "service_at_location_id", "service_at_location"),
        _reference("contact", "location_id", "location"),
    )
    _index("contact", "location_id")
    _index("contact", "organization_id")
    _index("contact", "service_at_location_id")
    _index("contact", "service_id")
    op.create_table(
        "schedule",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid()),
        sa.Column("location_id", sa.Uuid()),
        sa.Column("service_at_location_id", sa.Uuid()),
        sa.Column("valid_from", sa.Date()),
        sa.Column("valid_to", sa.Date()),
        sa.Column("dtstart", sa.Date()),
        sa.Column("timezone", sa.Double()),
        sa.Column("until", sa.Date()),
        sa.Column("count", sa.Integer()),
        sa.Column("wkst", sa.Text()),
        sa.Column("freq", sa.Text()),
        sa.Column("interval", sa.Integer()),
        sa.Column("byday", sa.Text()),
        sa.Column("byweekno", sa.Text()),
        sa.Column("bymonthday", sa.Text()),
        sa.Column("byyearday", sa.Text()),
        sa.Column("description", sa.Text()),
        sa.Column("opens_at", sa.Time()),
        sa.Column("closes_at", sa.Time()),
        sa.Column("schedule_link", sa.Text()),
        sa.Column("attending_type", sa.Text()),
        sa.Column("notes", sa.Text()),
        _primary_key("schedule"),
        _reference("schedule", "service_id", "service"),
        _reference("schedule", "location_id", "location"),
        _reference("schedule", "service_at_location_id", "service_at_location"),
    )
    _index("schedule", "location_id")
    _index("schedule", "service_at_location_id")
    _index("schedule", "service_id")
    op.create_table(
        "service_area",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid()),
        sa.Column("service_at_location_id", sa.Uuid()),
        sa.Column("name", sa.Text()),
        sa.Column("description", sa.Text()),
        sa.Column("extent", sa.Text()),
        sa.Column("extent_type", sa.Text()),
        sa.Column("uri", sa.Text()),
        _primary_key("service_area"),
        _reference("service_area", "service_id", "service"),
        _reference("service_area", "service_at_location_id", "service_at_location"),
    )
    _index("service_area", "service_at_location_id")
    _index("service_area", "service_id")
    op.create_table(
        "phone",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid()),
        sa.Column("service_id", sa.Uuid()),
        sa.Column("organization_id", sa.Uuid()),
        sa.Column("contact_id", sa.Uuid()),
        sa.Column("service_at_location_id", sa.Uuid()),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("extension", sa.Text()),
        sa.Column("type", sa.Text()),
        sa.Column("description", sa.Text()),
        _primary_key("phone"),
        _reference("phone", "location_id", "location"),
        _reference("phone", "service_id", "service"),
        _reference("phone", "organization_id", "organization"),
        _reference("phone", "contact_id", "contact"),
        _reference("phone", "service_at_location_id", "service_at_location"),
    )
    _index("phone", "contact_id")
    _index("phone", "location_id")
    _index("phone", "organization_id")
    _index("phone", "service_at_location_id")
    _index("phone", "service_id")
    op.create_table(
        "language",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid()),
        sa.Column("location_id", sa.Uuid()),
        sa.Column("phone_id", sa.Uuid()),
        sa.Column("name", sa.Text()),
        sa.Column("code", sa.Text()),
        sa.Column("note", sa.Text()),
        _primary_key("language"),
        _reference("language", "service_id", "service"),
        _reference("language", "location_id", "location"),
        _reference("language", "phone_id", "phone"),
    )
    _index("language", "location_id")
    _index("language", "phone_id")
    _index("language", "service_id")


def downgrade() -> None:
    for table in (
        "language", "phone", "service_area", "schedule", "contact", "url", "service_capacity",
        "service_at_location", "required_document", "funding", "cost_option", "service", "attribute",
        "address", "accessibility", "taxonomy_term", "program", "organization_identifier", "location",
        "unit", "taxonomy", "organization", "metadata", "meta_table_description",
    ):  # children before parents
        op.drop_table(table)


def _primary_key(table: str) -> sa.PrimaryKeyConstraint:
    """The primary key of ``table``: its ``id``."""
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _reference(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    """``table.column`` refers to ``target.id``: checked at commit, deleted with its target."""
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete="CASCADE", deferrable=True, initially="DEFERRED",
    )


def _index(table: str, column: str) -> None:
    """An index on ``table.column``."""
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column])
