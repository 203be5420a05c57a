"""The columns of an export file: the generic format, or a platform preset (`segments export --preset`).

A shape is the file's identifier column (what the destination keys on, and the only column of a
removal) and the columns after it, each with the SQL that computes it from a contact_segments row.

The generic format (no preset): email, first_name, last_name, tags (the labels as
`dimension:label` joined by `;`), or with hash_emails email_sha256, first_name_sha256,
last_name_sha256, tags.

A preset writes what the platform's contact or customer-list import documents, as CSV, one row per
contact, the header in the platform's words:

    klaviyo    Email, First Name, Last Name, <Dimension> ...           first column Email
    hubspot    Email, First Name, Last Name, Segment <Dimension> ...   de-duplicated on Email
    mailchimp  Email Address, First Name, Last Name, <Dimension> ...
    meta       email, fn, ln                                            SHA-256 hex, a list per file
    google     Email                                                    SHA-256 hex, a list per file

<Dimension> is the dimension's name in title case (rfm_segment -> RFM Segment), one column per
segment dimension holding the contact's label (an enum property), derived from the dimensions the
warehouse has (var segments_segment_dimensions), never a fixed list. HubSpot's columns carry the
prefix `Segment ` because HubSpot's own `Lifecycle Stage` property only takes its fixed stages.
Meta and Google files hold identifiers only (their customer lists take no other column): the
audience is the file, and every value is the SHA-256 hex of the trimmed, lower-cased value; no
clear address is written. Google's file is Email only: Google matches names only with Country and
Zip (mailing-address matching needs all four columns), and contacts have neither. Contacts have no
phone number either, so no file has a phone column (a phone would go as E.164, +<country><number>,
hashed for Meta and Google). The removal file of a diff holds the identifier column only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from segments.errors import SegmentsError

HASH = "sha256 hex of lower(trim(value))"
ACRONYMS = {"rfm": "RFM", "abc": "ABC", "clv": "CLV", "id": "ID"}


def _hashed(column: str) -> str:
    return f"sha256(lower(trim({column})))"


def title(dimension: str) -> str:
    """A dimension's name as a property label: rfm_segment -> RFM Segment."""
    return " ".join(ACRONYMS.get(word, word.capitalize()) for word in dimension.split("_") if word)


@dataclass(frozen=True)
class Preset:
    """A platform's import file: its identifier column, name columns, whether values are hashed,
    the column of a dimension (None: identifiers only, the file is the list) and where the format
    is documented."""

    name: str
    platform: str
    identifier: str
    names: tuple[str, ...]
    hashed: bool
    dimension_column: Callable[[str], str] | None
    documentation: tuple[str, ...]
    removal: str  # what the platform does with the -remove file

    def manifest(self) -> dict:
        return {
            "name": self.name,
            "platform": self.platform,
            "hashed": self.hashed,
            "segment_membership": "a column per segment dimension holding the label"
            if self.dimension_column else "the file is the list (identifiers only)",
            "removal": self.removal,
            "documentation": list(self.documentation),
        }


PRESETS = {preset.name: preset for preset in (
    Preset(
        "klaviyo", "Klaviyo", "Email", ("First Name", "Last Name"), False, title,
        ("https://help.klaviyo.com/hc/en-us/articles/115005078967",
         "https://help.klaviyo.com/hc/en-us/articles/4407853491483"),
        "a CSV upload only adds: remove these profiles from the list in Klaviyo (or by its API)",
    ),
    Preset(
        "hubspot", "HubSpot", "Email", ("First Name", "Last Name"), False,
        lambda dimension: f"Segment {title(dimension)}",
        ("https://knowledge.hubspot.com/crm-setup/set-up-your-import-file",
         "https://knowledge.hubspot.com/articles/kcs_article/contacts/how-do-i-import-contacts"),
        "an import does not remove: remove these contacts from the static list in HubSpot",
    ),
    Preset(
        "mailchimp", "Mailchimp", "Email Address", ("First Name", "Last Name"), False, title,
        ("https://mailchimp.com/help/format-guidelines-for-your-import-file/",),
        "an import does not remove: archive or unsubscribe these contacts in Mailchimp",
    ),
    Preset(
        "meta", "Meta", "email", ("fn", "ln"), True, None,
        ("https://www.facebook.com/business/help/2082575038703844",
         "https://developers.facebook.com/docs/marketing-api/audiences/guides/custom-audiences"),
        "upload with the customer list's remove-customers action",
    ),
    Preset(
        "google", "Google Ads", "Email", (), True, None,
        ("https://support.google.com/google-ads/answer/7659867",
         "https://support.google.com/google-ads/answer/7476159"),
        "upload as a removal from the Customer Match list",
    ),
)}
EMAIL_PLATFORMS = tuple(name for name, preset in PRESETS.items() if not preset.hashed)


@dataclass(frozen=True)
class Shape:
    """The columns of a file: the identifier (header and SQL) and the columns after it, each a
    (header, SQL over a contact_segments row); `key` names the identifier in the audience key."""

    key: str
    identifier: str
    identifier_sql: str
    data: tuple[tuple[str, str], ...]

    @property
    def data_columns(self) -> tuple[str, ...]:
        return tuple(header for header, _ in self.data)

    @property
    def header(self) -> tuple[str, ...]:
        return (self.identifier, *self.data_columns)


def generic_shape(dimensions: list[str], hash_emails: bool) -> Shape:
    """email, first_name, last_name, tags; or their SHA-256 (of the trimmed, lower-cased value)
    with the same tags: `dimension:label` joined by `;`, in the order of `dimensions`."""
    from segments.sql import literal, quote  # not at import: the CLI's help needs no DuckDB

    tags = "concat_ws(';', " + ", ".join(
        f"{literal(name + ':')} || {quote(name)}" for name in dimensions
    ) + ")"
    if hash_emails:
        return Shape("email_sha256", "email_sha256", _hashed("email"), (
            ("first_name_sha256", _hashed("first_name")),
            ("last_name_sha256", _hashed("last_name")),
            ("tags", tags),
        ))
    return Shape("email", "email", "email", (
        ("first_name", "first_name"), ("last_name", "last_name"), ("tags", tags),
    ))


def preset_shape(preset: Preset, dimensions: list[str]) -> Shape:
    """The preset's columns: identifier, names, then a column per dimension (labels as they are)."""
    from segments.sql import quote

    value = _hashed if preset.hashed else (lambda column: column)
    data = [(header, value(column)) for header, column in zip(
        preset.names, ("first_name", "last_name"), strict=False)]
    if preset.dimension_column is not None:
        data += [(preset.dimension_column(name), quote(name)) for name in dimensions]
    shape = Shape(f"{preset.name}:{preset.identifier}", preset.identifier,
                  value("email"), tuple(data))
    repeated = sorted({header for header in shape.header if shape.header.count(header) > 1})
    if repeated:
        raise SegmentsError(
            f"--preset {preset.name}: segment dimensions give repeated columns "
            f"{', '.join(repeated)}; rename a dimension in segments_segment_dimensions"
        )
    return shape


def find_preset(
    name: str, fmt: str | None, out: Path, hash_emails: bool, include_unreachable: bool
) -> Preset:
    """The preset called `name`, refused (SegmentsError) when unknown or with an option it cannot
    honour: a Parquet file (platforms import CSV), --hash-emails for an email platform (it must send
    to the address; Meta and Google always hash), --include-unreachable for an email platform (the
    import would make contacts without consent emailable)."""
    preset = PRESETS.get(name)
    if preset is None:
        raise SegmentsError(f"unknown preset {name!r}; presets: {', '.join(PRESETS)}")
    if fmt == "parquet" or (fmt is None and out.suffix.lower() in (".parquet", ".pq")):
        raise SegmentsError(
            f"--preset {name} writes CSV, the file {preset.platform} imports: "
            "give a .csv file (or --format csv)"
        )
    if hash_emails and not preset.hashed:
        raise SegmentsError(
            f"--preset {name} writes clear addresses, since {preset.platform} sends to them: "
            "--hash-emails does not apply (--preset meta or google for hashed customer lists)"
        )
    if include_unreachable and not preset.hashed:
        raise SegmentsError(
            f"--preset {name}: an import into {preset.platform} would make contacts without "
            "email consent emailable, so --include-unreachable is refused with "
            f"{', '.join(EMAIL_PLATFORMS)}"
        )
    return preset


def diff_paths(out: Path) -> tuple[Path, Path]:
    """<name>-add.<ext> and <name>-remove.<ext> next to `out`."""
    return (out.with_name(f"{out.stem}-add{out.suffix}"),
            out.with_name(f"{out.stem}-remove{out.suffix}"))
