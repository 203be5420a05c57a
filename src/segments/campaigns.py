"""The campaign log: every export of an audience (`segments export`) and every reverse-ETL sync
recorded by `segments record-sync`, with who was treated and who was held out at that moment.

Two warehouse tables in the schema exports, created on the first write:

    exports.campaign_exports   one row per export or sync: export_id, audience_name, audience_key,
                               as_of_date, exported_at, mode (full, diff, sync), preset,
                               treated_contacts, holdout_contacts
    exports.campaign_members   one row per contact of it: export_id, contact_id,
                               campaign_group (treated or holdout)

Treated are the contacts sent (the whole current audience, also for a diff export, whose file holds
only the changes: the destination list is then the whole audience); holdout are the audience's
holdout members (audience_members.is_holdout) that pass the same filters (email present, not
suppressed, reachable unless overridden), so the two groups are comparable. The dbt models
stg_campaign_exports and stg_campaign_members read the tables (source exports) and the mart
campaign_results compares the groups after each export.

write_log runs inside the caller's transaction, the one that also keeps the diff state, so an export
is logged exactly when its state is kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass

import duckdb

LOG_SCHEMA = "exports"
EXPORTS_TABLE = f"{LOG_SCHEMA}.campaign_exports"
MEMBERS_TABLE = f"{LOG_SCHEMA}.campaign_members"
MODES = ("full", "diff", "sync")


@dataclass(frozen=True)
class CampaignLog:
    """One export or sync to log; export_id is a fresh random id."""

    audience_name: str
    audience_key: str
    as_of_date: dt.date
    exported_at: dt.datetime
    mode: str
    preset: str | None = None
    export_id: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex)


def write_log(
    connection: duckdb.DuckDBPyConnection,
    log: CampaignLog,
    treated_sql: str = "select contact_id from _export_current",
    holdout_sql: str = "select contact_id from _export_held_out",
) -> tuple[int, int]:
    """Insert the export's row and its members (the contact_id of the two queries); the caller
    holds the transaction. Returns (treated, holdout)."""
    assert log.mode in MODES, log.mode
    connection.execute(f"create schema if not exists {LOG_SCHEMA}")
    connection.execute(
        f"""
        create table if not exists {EXPORTS_TABLE} (
            export_id varchar not null primary key,
            audience_name varchar not null,
            audience_key varchar not null,
            as_of_date date not null,
            exported_at timestamp not null,
            mode varchar not null,
            preset varchar,
            treated_contacts integer not null,
            holdout_contacts integer not null
        )
        """
    )
    connection.execute(
        f"""
        create table if not exists {MEMBERS_TABLE} (
            export_id varchar not null,
            contact_id varchar not null,
            campaign_group varchar not null,
            primary key (export_id, contact_id)
        )
        """
    )
    connection.execute(
        f"""
        insert into {MEMBERS_TABLE}
        select distinct ?, contact_id, 'treated' from ({treated_sql})
        union all
        select distinct ?, contact_id, 'holdout' from ({holdout_sql})
        """,
        [log.export_id, log.export_id],
    )
    treated, holdout = connection.execute(
        f"select count(*) filter (where campaign_group = 'treated'), "
        f"count(*) filter (where campaign_group = 'holdout') from {MEMBERS_TABLE} where export_id = ?",
        [log.export_id],
    ).fetchone()
    exported_at = log.exported_at.astimezone(dt.UTC).replace(tzinfo=None) if log.exported_at.tzinfo \
        else log.exported_at
    connection.execute(
        f"insert into {EXPORTS_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [log.export_id, log.audience_name, log.audience_key, log.as_of_date, exported_at, log.mode,
         log.preset, treated, holdout],
    )
    return int(treated), int(holdout)
