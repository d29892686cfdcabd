"""Sentences from the services, the audit layer and the store, in the user's language.

Services raise errors with one English sentence (kept for the CLI, the log and the audit
record). At the GUI edge each sentence is matched against its template here, a code with
named parameters, and shown from the translated template with the same parameters.
tests/gui/test_messages.py fails when a service sentence has no template here (and the
translation test when a template has no zh_CN translation): add the template (an f-string's
values become {names}, see tests/gui/message_sources.py) and run
scripts/update_translations.py.
"""

from __future__ import annotations

import re
from functools import cache

from suitcheck.domain.decision import Outcome
from suitcheck.domain.text import escape_controls
from suitcheck.gui import texts
from suitcheck.gui.i18n import QT_TRANSLATE_NOOP, translated

CONTEXT = "Messages"

TEMPLATES: tuple[str, ...] = (
    QT_TRANSLATE_NOOP(
        "Messages",
        'Give the reason for the clock correction (recorded in the trail), e.g. "clock ran a year ahead after the BIOS battery was replaced".',
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The audit trail holds no entry whose moment can be read; there is nothing to correct and nothing was recorded.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "This computer's clock reads {clock}, not earlier than the newest entry of the audit trail (entry {seq}, {newest}); there is nothing to correct and nothing was recorded.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "This computer's clock reads {clock}, earlier than the newest entry of the audit trail (entry {seq}, {newest}); nothing was done. Correct the computer's clock and try again. If that entry was recorded while the clock ran ahead, an administrator records the correction: `suitcheck audit clock-correct --reason REASON`.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "This computer's clock reads {clock}, but the database server's clock reads {server}; nothing was done. Correct the computer's clock and try again.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The user name or password is wrong (after {max_failed} failed logins an account is locked for {minutes} minutes).",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store {path} is missing, but this installation sealed an audit trail there; restore it from a backup, or start over with `suitcheck init --start-over`.",
    ),
    QT_TRANSLATE_NOOP("Messages", "There is no store at {path}; create it with `suitcheck init`."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "There is no store at {path}, but this desktop's audit key belongs to the store at {stores}; start suitcheck on that store (--db or SUITCHECK_DB), or create a new store here with `suitcheck init`.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The folder {path_parent} for the store {path} does not exist; check the store path (a network drive that is not connected?), or create the store there with `suitcheck init`.",
    ),
    QT_TRANSLATE_NOOP("Messages", "There is no suitcheck store at {where}; create it with `suitcheck init`."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "There is no store at {where} to join: `suitcheck init --join` registers this desktop on a store that another desktop set up. Check the address, or create the store with `suitcheck init` (without --join).",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store {location} has no audit trail to join: `suitcheck init --join` registers this desktop on a store that another desktop set up. Check the address, or set the store up with `suitcheck init` (without --join).",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "A SQLite store is a file: give its path or a sqlite:///path URL, not an in-memory or file: URI address.",
    ),
    QT_TRANSLATE_NOOP("Messages", "There is no file {given}."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "No installation '{shown}' is validly registered in this store's audit trail; `suitcheck audit key show` lists the installations and their fingerprints.",
    ),
    QT_TRANSLATE_NOOP("Messages", "this installation's registration is missing from the trail"),
    QT_TRANSLATE_NOOP(
        "Messages",
        "the trail holds {total} entries, but only {verified} are numbered from 1 in order: the others were added outside suitcheck",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "a client record of another branch was changed outside suitcheck (its seal does not match); head-office compliance can see which",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "a client record of another branch differs from the last state the trail recorded for it; head-office compliance can see which",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "a staff account you do not manage was changed outside suitcheck (its seal does not match); a head-office administrator can see which",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "a staff account you do not manage differs from the last state the trail recorded for it; a head-office administrator can see which",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "a client recorded in the trail is missing from the store; head-office compliance can see which",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "a staff account recorded in the trail is missing from the store; a head-office administrator can see which",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "the assessment history of a client of another branch differs from what the trail recorded; head-office compliance can see which",
    ),
    QT_TRANSLATE_NOOP("Messages", "client {name}'s assessment of {day} differs from what the trail recorded for it"),
    QT_TRANSLATE_NOOP("Messages", "client {name}'s assessment of {day} is not recorded in the trail"),
    QT_TRANSLATE_NOOP("Messages", "an assessment of {day} names no client: its client was changed outside suitcheck"),
    QT_TRANSLATE_NOOP(
        "Messages",
        "client {name}'s assessment of {day}, recorded in the trail, is missing from the store",
    ),
    QT_TRANSLATE_NOOP("Messages", "client {name}'s record was changed outside suitcheck (its seal does not match)"),
    QT_TRANSLATE_NOOP(
        "Messages",
        "entry {seq} registers installation {by}, which this desk does not trust (`suitcheck audit key trust {by}` once compliance has filed its key)",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "client {name}'s record is sealed by installation {by}, which this desk does not trust (`suitcheck audit key trust {by}` once compliance has filed its key)",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "staff account {name} is sealed by installation {by}, which this desk does not trust (`suitcheck audit key trust {by}` once compliance has filed its key)",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "report {row_id}'s record is sealed by installation {by}, which this desk does not trust (`suitcheck audit key trust {by}` once compliance has filed its key)",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "client {row_account}'s record differs from the last state the trail recorded for it",
    ),
    QT_TRANSLATE_NOOP("Messages", "staff account {name} was changed outside suitcheck (its seal does not match)"),
    QT_TRANSLATE_NOOP(
        "Messages",
        "staff account {row_username} differs from the last state the trail recorded for it",
    ),
    QT_TRANSLATE_NOOP("Messages", "report {row_id}'s record was changed outside suitcheck (its seal does not match)"),
    QT_TRANSLATE_NOOP("Messages", "report {row_id}'s record differs from the last state the trail recorded for it"),
    QT_TRANSLATE_NOOP("Messages", "policy version {version} was added or changed outside suitcheck"),
    QT_TRANSLATE_NOOP("Messages", "questionnaire version {version} was added or changed outside suitcheck"),
    QT_TRANSLATE_NOOP("Messages", "client {key}, recorded in the trail, is missing from the store"),
    QT_TRANSLATE_NOOP("Messages", "staff account {key}, recorded in the trail, is missing from the store"),
    QT_TRANSLATE_NOOP("Messages", "report {key}, recorded in the trail, is missing from the store"),
    QT_TRANSLATE_NOOP("Messages", "policy {key}, recorded in the trail, is missing from the store"),
    QT_TRANSLATE_NOOP("Messages", "questionnaire {key}, recorded in the trail, is missing from the store"),
    QT_TRANSLATE_NOOP("Messages", "branch {key}, recorded in the trail, is missing from the store"),
    QT_TRANSLATE_NOOP("Messages", "branch {code}'s record was changed outside suitcheck (its seal does not match)"),
    QT_TRANSLATE_NOOP("Messages", "branch {code}'s record differs from the last state the trail recorded for it"),
    QT_TRANSLATE_NOOP(
        "Messages",
        "branch {code}'s record is sealed by installation {by}, which this desk does not trust (`suitcheck audit key trust {by}` once compliance has filed its key)",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Branch {shown}'s record was changed outside suitcheck; nothing is added to it or moved into it until compliance has investigated.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Your branch is not in the store (its record was removed outside suitcheck); nothing was added. An administrator must investigate.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Clients or staff belong to a branch whose record was removed outside suitcheck; no branch is added until compliance has investigated (`suitcheck audit verify`).",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Client {investor_account}'s assessment history holds a value suitcheck never writes: it was changed outside suitcheck. Compliance must run `suitcheck audit verify` and investigate.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The client's latest assessment differs from what the audit trail recorded: it was changed outside suitcheck, and no confirmation sheet was written. Compliance must run `suitcheck audit verify` and investigate.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The client's record was changed outside suitcheck (its seal does not match), so every check about them blocks; no confirmation sheet was written. Compliance must run `suitcheck audit verify` and investigate.",
    ),
    QT_TRANSLATE_NOOP("Messages", "Another process sealed during the export; export again."),
    QT_TRANSLATE_NOOP("Messages", "The file {value} holds no suitcheck public key."),
    QT_TRANSLATE_NOOP("Messages", "The public key file {value} cannot be read."),
    QT_TRANSLATE_NOOP("Messages", "'{username}' is reserved; choose another user name."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "This store has real staff accounts: demo accounts (with the public password 'demo') are only added to an empty store or a demo store.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "This store is not a new store used only by this desktop (another desktop is registered on it), so no demo accounts (whose password 'demo' is public) were added; `suitcheck demo` makes a demo store of its own.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "This store is not a new store used only by this desktop (it already holds records), so no demo accounts (whose password 'demo' is public) were added; `suitcheck demo` makes a demo store of its own.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The new password must differ from the old one."),
    QT_TRANSLATE_NOOP("Messages", "Change your own password with 'staff passwd', not a reset."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Local recovery works only on a SQLite store file; on a database server another administrator resets the password (staff reset-password).",
    ),
    QT_TRANSLATE_NOOP("Messages", "Local recovery needs read and write access to the store file {path}."),
    QT_TRANSLATE_NOOP("Messages", "Log in as an administrator of this demo store to add demo data."),
    QT_TRANSLATE_NOOP("Messages", "Another program added staff to this store meanwhile; demo data was not added."),
    QT_TRANSLATE_NOOP(
        "Messages", "This account's record was changed outside suitcheck; an administrator must investigate."
    ),
    QT_TRANSLATE_NOOP("Messages", "Your role ({current_role_value}) may not do this ({permission_value})."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The {client_if_table_investor_else_staff} record '{before_key_column}' was changed outside suitcheck; it is not changed further until compliance has investigated.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The client record '{row_account}' was changed outside suitcheck; it is not changed further until compliance has investigated.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The client record {ident} holds a value suitcheck never writes: it was changed outside suitcheck and is not used until compliance has investigated.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The staff account {ident} holds a value suitcheck never writes: it was changed outside suitcheck and is not used until an administrator has investigated.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "A date in the store was not written by suitcheck: a record was changed outside suitcheck, and nothing was done until compliance has investigated.",
    ),
    QT_TRANSLATE_NOOP("Messages", "{join_managed} cannot be set; the program numbers versions itself."),
    QT_TRANSLATE_NOOP("Messages", "The policy already has these values; no new version was stored."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Rating this report {level_code}, below the {subject_and_subject_code} its subject implies, needs a reason (--note); it stays flagged.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "A finding about the report's level is settled by rating the report (report rate ID --level LEVEL --note REASON), not by dismissing it.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The CSV's header row is not a suitcheck export's; it was edited or is not one."),
    QT_TRANSLATE_NOOP("Messages", "The CSV is damaged: it cannot be read at its line {number}."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store {location} did not keep the audit entry {number} it was given: something outside suitcheck (a trigger) changes the audit trail as it is written. Nothing was recorded; tell compliance.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The workbook {path_name} cannot be read."),
    QT_TRANSLATE_NOOP(
        "Messages", "The workbook's header row is not a suitcheck export's; it was edited or is not one."
    ),
    QT_TRANSLATE_NOOP("Messages", "The workbook has an extra sheet '{extra_title}'; it was edited."),
    QT_TRANSLATE_NOOP("Messages", "The workbook {path_name} is damaged: its sheet cannot be read at row {number}."),
    QT_TRANSLATE_NOOP("Messages", "The workbook {path_name} has no sheet; it is not a suitcheck export."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The client '{account}' holds a control character an XLSX file cannot hold; export the clients to a .csv file.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The workbook {path_name} has a row {number} after row {previous}; it was edited."),
    QT_TRANSLATE_NOOP(
        "Messages", "The workbook {path_name} has a cell out of order or repeated in row {number}; it was edited."
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The workbook {path_name} gives cells a number format that can show them otherwise than they hold; "
        "it was edited.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The workbook {path_name} has conditional formatting or merged cells, which show cells otherwise than "
        "they hold; it was edited.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The workbook {path_name} holds a drawing, picture, chart, embedded object, control or comment ({part}), "
        "which can show text over its cells; it was edited.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The workbook {path_name} hides rows or columns from whoever opens it (hidden, or too narrow to read), "
        "which can keep an entry out of sight; it was edited.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The workbook {path_name} hides rows or columns from whoever opens it (a print area), which can keep an "
        "entry out of sight; it was edited.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The workbook {path_name} gives cells a font or fill that can hide their text (white, the background's "
        "colour, too small, or a dark fill); it was edited.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The workbook {path_name} takes its styles or theme from a part other than the one verified here; "
        "it was edited.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The workbook {path_name} shows its cells from a part other than the one verified here (a second "
        "workbook or shared strings part); it was edited.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The workbook {path_name} gives cells an alignment that can move their text out of sight (an indent or a "
        "rotation); it was edited.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The workbook {path_name} gives a cell in row {number} a style it does not define; it was edited.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The workbook {path_name} gives cells a cell style that can show them otherwise than they hold; it was edited.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The workbook {path_name} lays a table over its cells, whose style can hide their text; it was edited.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The workbook {path_name} gives part of a cell's text a font that can hide it (white, the background's "
        "colour or too small) or a phonetic guide that shows other text over it; it was edited.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The audit head {path} was altered; it no longer matches this installation's key."),
    QT_TRANSLATE_NOOP("Messages", "'{text_20}'… is not a suitcheck public key."),
    QT_TRANSLATE_NOOP("Messages", "The audit key {path} cannot be written: {exc_strerror}."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The audit key's lock {lock_path} is held by process {pid} ({name}) and was not released within {seconds} seconds; nothing was recorded. Close that program (or wait until it is done) and try again.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The audit key's lock {lock_path} is held by another program and was not released within {seconds} seconds; nothing was recorded. Close that program (or wait until it is done) and try again.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The audit key folder {path_parent} is not writable: {exc_strerror}."),
    QT_TRANSLATE_NOOP("Messages", "The audit head {path} cannot be read: {exc_strerror}."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The audit key {path} holds no key for the store {location} (sealed by installation {owners}). Restore the key file from its backup, or register this desktop with `suitcheck init --join`.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store's old audit trail fails verification ({failure_problem}); it is not sealed over. Restore the store from a backup.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store {location} was replaced: it is not the store this installation sealed there (its first entry differs).",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The audit key {path} is missing, but the store {location} is sealed (by installation {owners}). Restore the key file from its backup; `suitcheck init --join` registers this desktop as a new installation instead.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The head record beside the audit key {path} is missing, so the store {location} cannot be checked for deleted entries; restore it from its backup.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages", "The audit key {self_path} no longer holds this store's key; restore it from its backup."
    ),
    QT_TRANSLATE_NOOP("Messages", "The audit key {path} no longer holds this store's key; restore it from its backup."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store's old audit trail was truncated or rewritten (entry {seq} differs from its checkpoint); it is not sealed over.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store {location} is empty, but this installation sealed a trail there: it was deleted or re-initialised. Restore it from a backup, or start over with `suitcheck init --start-over`.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The store {location} has no audit trail yet; create it with `suitcheck init`."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store {location} was changed outside suitcheck: its audit trail holds entries, but its first entry is missing (deleted or renumbered). Restore it from a backup.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store {location} was changed outside suitcheck: its newest audit entry ({head_0}) holds a moment suitcheck never writes, so a desktop joining now has no moment to date its registration after. This desktop was not registered and nothing was recorded; tell compliance (`suitcheck audit verify` names the entry).",
    ),
    QT_TRANSLATE_NOOP(
        "Messages", "The store {location} was replaced: it is not the store this installation sealed there."
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store {location} predates sealed audit trails and its audit key {path} is missing; run `suitcheck init` to seal its old trail under a new key.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store {location} is shorter than its recorded head: it ends at entry {last_seq}, but entry {seq} was recorded beside the audit key (entries were deleted). If the store was restored from a backup, `suitcheck init --restored-backup REASON` accepts it, recording the lost entries.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store {location} was rewritten: entry {seq} differs from the head recorded beside the audit key.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store {location} was changed outside suitcheck: the newest entry of its audit trail is numbered '{number}', which is not a whole number.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages", "The audit key {self_path} was removed while suitcheck was running; restore it from its backup."
    ),
    QT_TRANSLATE_NOOP("Messages", "The audit key {self_path} vanished while sealing; restore it from its backup."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The audit key {self_path} is older than the audit trail of the store {self_inst_location}: its installation {self_chain} sealed the key's epoch at entry {later_seq} and has moved on since (a backup of the key file put back, or the key file copied to another desktop). Nothing was recorded. Put back the newest copy of the key file; if there is none, or this one was copied from another desktop, move it aside and register this desktop anew with `suitcheck init --join`.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store's old checkpoint at entry {seq} is not signed by this installation's old key; it is not sealed over.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store {where} was made by a newer version of suitcheck (schema {revision}); open it with that version or a newer one.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store was upgraded by a newer version of suitcheck (schema {revision}) while this one was running; nothing was recorded. Close suitcheck and start the newer version.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store {where} cannot be opened: its schema revision was changed outside suitcheck. Ask the administrator to restore the store from a backup.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store's schema revision was changed outside suitcheck while this one was running; nothing was recorded. Ask the administrator to restore the store from a backup.",
    ),
    QT_TRANSLATE_NOOP("Messages", "the checkpoint at entry {seq} is not signed by this installation's audit key"),
    QT_TRANSLATE_NOOP(
        "Messages",
        "the chain was truncated: a checkpoint vouches for entry {seq}, but the chain ends at {result_head_seq_or_0}",
    ),
    QT_TRANSLATE_NOOP("Messages", "entry {seq} differs from the signed checkpoint: the chain was rewritten"),
    QT_TRANSLATE_NOOP("Messages", "entry {seq} was altered (its content no longer matches its hash)"),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Your account's record was changed outside suitcheck; nothing was done. An administrator must investigate.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "the seal of installation {due_0} (epoch {due_1}) is missing: it was due as entry {due_2}",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "the seal of installation {chain} (epoch {epoch}) is missing: it was due as entry {seq}, where the trail now ends",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "the trail holds no sealed entries: no installation is registered in it",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "installation {chain} is at epoch {epoch}, but the trail's last seal leaves it at {state_epoch}: the trail was truncated or replaced",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "installation {chain} is at epoch {epoch}, but the trail's last seal leaves it at {state_epoch}: the trail is newer than this installation's key",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "entry {p_seq} was forged or altered: its MAC does not match this installation's key",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "entry {seq} is a malformed seal (it carries fields a seal never has)",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "entry {expected_seq} is missing (found {seq} in its place)",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "entry {expected_seq} is duplicated or out of order (found {seq} in its place)",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "entry {seq} does not link to the entry before it (prev_hash differs)",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "entry {seq} carries no installation mark: it was added outside suitcheck",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "entry {seq} claims installation {chain}, which is not registered in the trail before it",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "entry {seq} is a damaged installation registration",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "entry {seq} registers installation {chain} with a key that is not its own",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "entry {seq} registers installation {chain} with an impossible seal interval",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "entry {seq}: the registration of installation {chain} is not signed by its genesis key",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "entry {seq} registers installation {chain}, whose genesis key is not among the trusted public keys",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "entry {seq} is a damaged seal",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "entry {seq}: installation {chain} seals epoch {epoch}, but its open epoch is {state_epoch}",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "the seal at entry {seq} (installation {chain}, epoch {epoch}) no longer matches the trail before it: an entry between {state_start} and {seq} was changed, inserted or removed after it was signed, or the seal is not signed by that epoch's key",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "entry {bad} was forged or altered: its MAC does not match installation {chain}'s epoch {epoch} key",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "the key history of installation {chain} is broken at its epoch {epoch} seal",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "row {number} has no client/report columns in its record",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "row {number} has {len_cells} cells, not {len_HEADERS}",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "row {number}, column {HEADERS_index} is a formula ('{got_text_30}')",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "row {number} (entry {record_get_seq}), column {HEADERS_index} reads '{got_text_40}' but the entry's record says '{expected_text_want_40}'",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "row {number}'s record continues over {len_pieces} cells with an empty or non-text one among them: a continuation cell was removed or edited",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "entry {c_get_seq} has a field of the wrong type; it was edited",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "row {number}'s record, split over {len_pieces} cells, does not join into valid JSON: a continuation cell was edited, removed or reordered",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "row {number}'s record is not written as suitcheck writes it (a key repeated, added or moved, or space added): it was edited",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "It holds only the entries matching {shown} (exported {at} by {by}) recorded up to entry {end}, the export's seal: it is not the whole trail, and nothing in it proves what it leaves out.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "It holds only the entries matching {shown} (exported {at} by {by}): it is not the whole trail, and nothing in it proves what it leaves out.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages", "It holds the whole trail from entry {first} to entry {last} (exported {at} by {by})."
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "It holds the whole trail from entry {first} to entry {last} (exported {at} by {by}), but {awaiting} of its entries await their installation's seal, which had not been made: nothing has checked their MACs yet.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages", "{scope} The whole trail, {entries} entries to entry {through}, verified when it was exported."
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "{scope} It was exported by an earlier version, which did not verify the trail first: only its signature vouches for its entries.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "the audit trail failed verification when this file was exported ({problem}): nothing in it is vouched for",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "the audit trail this file was exported from registers installation {chain}, whose genesis key is not among the trusted public keys: nothing in it is vouched for",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "{scope} The whole trail, {entries} entries to entry {through}, verified when it was exported, but {awaiting} of the entries here await their installation's seal, which had not been made: nothing has checked their MACs yet.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "{problem}; and the audit trail failed verification when this file was exported ({trail_problem}): nothing in it is vouched for",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The audit trail fails verification ({problem}). The export was written for investigation, and its signed manifest says so: the file will not verify. Run `suitcheck audit verify` and report it to compliance.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The audit trail fails verification ({problem}). The self-inspection report was written for investigation and says so. Run `suitcheck audit verify` and report it to compliance.",
    ),
    QT_TRANSLATE_NOOP("Messages", "Unknown export format '{fmt}'; use csv, xlsx or jsonl."),
    QT_TRANSLATE_NOOP("Messages", "Unknown decision '{decision}'; use allow, block or allow-after-warning."),
    QT_TRANSLATE_NOOP("Messages", "Unknown audit action '{action}'."),
    QT_TRANSLATE_NOOP("Messages", "{out} is a folder; give a file name."),
    QT_TRANSLATE_NOOP("Messages", "{out} is this program's standard output (or input or error); give a file name."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "{manifest} is a folder, and the export's manifest is written there; nothing was written. Give another name.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages", "{out} is a file of the suitcheck store itself; nothing was written. Give another name."
    ),
    QT_TRANSLATE_NOOP("Messages", "{out} is this installation's audit key; nothing was written. Give another name."),
    QT_TRANSLATE_NOOP("Messages", "{out} is the file this command reads; nothing was written. Give another name."),
    QT_TRANSLATE_NOOP("Messages", "{out} is suitcheck's log file; nothing was written. Give another name."),
    QT_TRANSLATE_NOOP("Messages", "{out} is not a plain file (a device, a pipe or a socket); give a file name."),
    QT_TRANSLATE_NOOP("Messages", "The folder {out_parent} does not exist."),
    QT_TRANSLATE_NOOP("Messages", "{path} does not exist."),
    QT_TRANSLATE_NOOP("Messages", "{path} cannot be read as a CSV file of client,report pairs: {reason}"),
    QT_TRANSLATE_NOOP("Messages", "Cannot write to {out_parent}: permission denied."),
    QT_TRANSLATE_NOOP("Messages", "The export to {out} failed: {exc_strerror_or_exc}."),
    QT_TRANSLATE_NOOP("Messages", "The export's second process could not be started: {exc}."),
    QT_TRANSLATE_NOOP(
        "Messages", "The export's second process could not write its part: {reason}; nothing was written."
    ),
    QT_TRANSLATE_NOOP("Messages", "The export's second process failed ({error}); nothing was written."),
    QT_TRANSLATE_NOOP(
        "Messages", "The export's second process ended early (exit status {status}); nothing was written."
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The export's temporary part file in the target folder was changed by another program before it was added; nothing was written. Export to a folder only you can write to.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The CSV has no 'canonical' column; it is not a suitcheck export."),
    QT_TRANSLATE_NOOP("Messages", "The workbook has no 'canonical' column; it is not a suitcheck export."),
    QT_TRANSLATE_NOOP("Messages", "Row {number} of the export is damaged (not valid JSON)."),
    QT_TRANSLATE_NOOP("Messages", "Row {number} of the export is damaged."),
    QT_TRANSLATE_NOOP("Messages", "An exported entry lacks the field '{exc_args_0}'."),
    QT_TRANSLATE_NOOP("Messages", "The export {path} cannot be read."),
    QT_TRANSLATE_NOOP("Messages", "the file differs from the one the manifest describes"),
    QT_TRANSLATE_NOOP("Messages", "The document {document} cannot be read."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "the document {name} (SHA-256 {short}…) is recorded in no entry of this export: it was changed after "
        "suitcheck wrote it, or suitcheck did not write it",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "the document {name} (SHA-256 {short}…) is recorded in none of the entries this filtered export holds "
        "(the entry that recorded it may be outside its filters): it was changed after suitcheck wrote it, or "
        "suitcheck did not write it",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "the export holds {result_count} entries but its manifest says {manifest_get_count} (truncated or padded)",
    ),
    QT_TRANSLATE_NOOP("Messages", "the last entry differs from the manifest"),
    QT_TRANSLATE_NOOP("Messages", "The manifest {manifest_path_name} is missing; an export is verified with it."),
    QT_TRANSLATE_NOOP("Messages", "The manifest {manifest_path_name} is damaged."),
    QT_TRANSLATE_NOOP("Messages", "The manifest {manifest_path_name} is not a suitcheck export manifest."),
    QT_TRANSLATE_NOOP("Messages", "{name} is a filtered export; use whole-chain exports"),
    QT_TRANSLATE_NOOP("Messages", "The audit key {path} cannot be read: {exc_strerror}."),
    QT_TRANSLATE_NOOP("Messages", "The audit key {path} is damaged."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The audit key {path} was written by a newer version of suitcheck (keyring format {version}); start that version or a newer one.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The audit key {path} is too short."),
    QT_TRANSLATE_NOOP("Messages", "The audit key {path} cannot be created: {exc_strerror}."),
    QT_TRANSLATE_NOOP("Messages", "The client has not confirmed the risk warning; nothing was recorded."),
    QT_TRANSLATE_NOOP(
        "Messages", "This report cannot be given after a warning: the decision is {decision_outcome_value}."
    ),
    QT_TRANSLATE_NOOP("Messages", "The warning shown is not the current version; show it again."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "An override of this report for this client was already recorded today (audit entry {earlier}); it admits the report for the rest of the day, so nothing was recorded.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The client's profile or assessment, or the report's level, changed since the warning was shown; nothing was recorded. Check again and show the warning for the current decision.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages", "This report may not be opened for this client: the decision is {decision_outcome_value}."
    ),
    QT_TRANSLATE_NOOP("Messages", "The start date is after the end date."),
    QT_TRANSLATE_NOOP("Messages", "A password needs at least {MIN_PASSWORD_LENGTH} characters."),
    QT_TRANSLATE_NOOP("Messages", "The store already has staff accounts; an administrator must add new ones."),
    QT_TRANSLATE_NOOP("Messages", "A user name is 1 to 64 characters without spaces."),
    QT_TRANSLATE_NOOP("Messages", "A staff account named '{username}' already exists."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "A staff account named '{existing}' already exists; a user name differing from it only in capitals or character forms would be taken for it. Choose another user name.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Another desk stored a client with this account number at the same moment; nothing was done. Look again, and try again if it is still needed.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Another desk stored a client with this ID number at the same moment; nothing was done. Look again, and try again if it is still needed.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Another desk stored a staff account with this user name at the same moment; nothing was done. Look again, and try again if it is still needed.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Another desk stored a branch with this code at the same moment; nothing was done. Look again, and try again if it is still needed.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Another desk stored this report at the same moment; nothing was done. Look again, and try again if it is still needed.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Another desk stored a new policy version at the same moment; nothing was done. Look again, and try again if it is still needed.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Another desk stored a new questionnaire version at the same moment; nothing was done. Look again, and try again if it is still needed.",
    ),
    QT_TRANSLATE_NOOP("Messages", "You cannot disable your own account."),
    QT_TRANSLATE_NOOP("Messages", "No staff account is named '{username}'."),
    QT_TRANSLATE_NOOP("Messages", "The user name or password is wrong."),
    QT_TRANSLATE_NOOP("Messages", "This account is disabled; ask an administrator."),
    QT_TRANSLATE_NOOP(
        "Messages", "Your account has been disabled; nothing was done. Sign in again when it is re-enabled."
    ),
    QT_TRANSLATE_NOOP("Messages", "Your account is locked; nothing was done. Sign in again when it is unlocked."),
    QT_TRANSLATE_NOOP("Messages", "Your account no longer exists; nothing was done."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Your password was changed or reset since you signed in; nothing was done. Sign in again.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store {location} holds every entry recorded beside its audit key: it is not behind its head, so there is no restored backup to accept.",
    ),
    QT_TRANSLATE_NOOP("Messages", "This account is locked after too many failed logins; try again later."),
    QT_TRANSLATE_NOOP("Messages", "Your role ({actor_role_value}) may not do this ({permission_value})."),
    QT_TRANSLATE_NOOP("Messages", "The stored policy version {row_version} is damaged: {exc}."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The audit trail records storing policy version {recorded}, but the store's newest is version {newest}: the newer one was removed outside suitcheck, and nothing was decided. Compliance must run `suitcheck audit verify` and investigate.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The stored policy version {row_version} was not written by suitcheck (its seal does not match); nothing was decided. Compliance must run `suitcheck audit verify` and investigate.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Report {before_id} was changed outside suitcheck; it is not changed further until compliance has investigated.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Report {report_id}'s record was changed outside suitcheck; no distribution list is made for it until compliance has investigated (suitcheck audit verify).",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Report {report_id}'s level was read by an older version of suitcheck and its stored file cannot be read again now; no distribution list is made for it until compliance rates it.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Writing the distribution list failed: its second process stopped before it finished; no file was written. Try again.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Writing the distribution list failed: its temporary part file in the target folder was changed by another program; no file was written. Write the list to a folder only you can write to.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "What the distribution list was made from changed while it was being made (audit entry {moved}: the report, the firm policy, a client or your account); nothing was recorded and no list was written. Make the list again.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Report {report_id}'s risk level is now {level_code}, not the one shown; no list was written. Look at the level and write the list again.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Report {report_id} has no risk level now, not the one shown; no list was written. Look at the level and write the list again.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "What the client export was made from changed while it was being written (audit entry {moved}: a client moved to another branch, or your account); nothing was recorded and no file was written. Export again.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "'{text_ref}' is both an account number and another client's id; give the account number with a leading 'acct:'.",
    ),
    QT_TRANSLATE_NOOP("Messages", "No client has the account number or id '{text_ref}'."),
    QT_TRANSLATE_NOOP("Messages", "'{text}' is not a risk profile (C1 to C5)."),
    QT_TRANSLATE_NOOP("Messages", "An account number is 1 to 32 characters."),
    QT_TRANSLATE_NOOP("Messages", "A client's name is 1 to 128 characters."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "An account number holds a character that does not show as itself (a control or invisible character, or � (U+FFFD) for text that could not be read); type it again.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "A client's name holds a control or invisible character, or � (U+FFFD), which stands for text that could not be read; type the name again.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "An account number holds a full-width or other compatibility form of a character (８ for 8, Ａ for A); type it with ordinary half-width characters.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "A user name holds a full-width or other compatibility form of a character (ｌ for l); type it with ordinary half-width characters.",
    ),
    QT_TRANSLATE_NOOP("Messages", "A profile needs its assessment date, and an assessment date needs a profile."),
    QT_TRANSLATE_NOOP("Messages", "An assessment date cannot be in the future."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "An assessment date cannot be before the client was born (the birth date in the ID number); "
        "nothing was recorded.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The ID number is not valid: {exc}."),
    QT_TRANSLATE_NOOP("Messages", "A client with account number '{account}' already exists."),
    QT_TRANSLATE_NOOP("Messages", "A client with this ID number already exists."),
    QT_TRANSLATE_NOOP("Messages", "Say why the client leaves the lowest risk-tolerance category."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Another desk changed this client's record since it was shown to you; nothing was recorded. Look at the client again and make your change again.",
    ),
    QT_TRANSLATE_NOOP("Messages", "Nothing to change."),
    QT_TRANSLATE_NOOP(
        "Messages", "Say where the assessment was made (a note) when recording a profile without answers."
    ),
    QT_TRANSLATE_NOOP("Messages", "Professional investors are not assessed; change the class first."),
    QT_TRANSLATE_NOOP("Messages", "{exc} Nothing was recorded."),
    QT_TRANSLATE_NOOP("Messages", "Say what changed in the client's situation (a reason)."),
    QT_TRANSLATE_NOOP("Messages", "A re-assessment is already due for this client."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "This client is a professional investor now: the suitability table does not apply to them, so there is no assessment result to confirm; no confirmation sheet was written.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "This client's assessment of {assessed_on} has expired; assess the client again before they sign a confirmation. No confirmation sheet was written.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The client's record or the firm policy changed while the confirmation sheet was being written; no confirmation sheet was written. Write it again.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The policy change is not valid: {exc}."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Policy version {current_version} was stored since you looked at version {based_on}; nothing was stored. Look at the current policy and make your change again.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The policy already has these subject keywords; no new version was stored."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The firm policy changed since the preview (version {previewed}, now {newest}); no change was stored from then on. Preview the re-reading again.",
    ),
    # Why a report was not re-read (services/report_reread.py NotReread.reason)
    QT_TRANSLATE_NOOP("Messages", "The report is no longer in the store."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The report's record fails its integrity seal (it was changed outside suitcheck); it was not re-read. Every decision about it is blocked until compliance has investigated.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The stored file no longer matches the file its record names (changed outside suitcheck); it was not re-read.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The stored file could not be read again: {exc}"),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The report changed since the preview (rated, re-read or changed outside suitcheck); it was left as it is. Preview the re-reading again.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The subject table is not valid: {exc}."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Cannot read the subject table {path_name}: it is larger than 10 MB; a subject table is a list of keywords.",
    ),
    QT_TRANSLATE_NOOP("Messages", "Cannot read the subject table {path_name}: {reason}."),
    QT_TRANSLATE_NOOP("Messages", "Cannot read the subject table {path_name}: {exc}"),
    QT_TRANSLATE_NOOP("Messages", "The file is binary data, not text."),
    QT_TRANSLATE_NOOP("Messages", "The file is neither UTF-8, GBK nor UTF-16 text."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The file's name is not UTF-8 text (a zip made on Windows may give such names); rename the file and import it again.",
    ),
    # domain.policy's sentences about a subject table, inside 'The subject table is not valid: ...'
    QT_TRANSLATE_NOOP("Messages", "the keyword {word} holds control characters"),
    QT_TRANSLATE_NOOP("Messages", "a keyword is empty"),
    QT_TRANSLATE_NOOP("Messages", "the keyword {word} is shorter than 2 characters; it would be found in most reports"),
    QT_TRANSLATE_NOOP("Messages", "the keyword {word} is longer than 20 characters"),
    QT_TRANSLATE_NOOP("Messages", "{level} (for {word}) is not a risk level; use R1 to R5"),
    QT_TRANSLATE_NOOP("Messages", "the keyword {word} is given twice"),
    QT_TRANSLATE_NOOP(
        "Messages", "the subject table is empty; a report stated below its subject would never be flagged"
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "the keyword {long} holds {short}, so a report naming it is matched at {level} at least; raise its level or leave it out",
    ),
    QT_TRANSLATE_NOOP("Messages", "line {number} has {count} cells; write each as keyword,level"),
    QT_TRANSLATE_NOOP("Messages", "This questionnaire is already the current version ({current_version})."),
    QT_TRANSLATE_NOOP("Messages", "The file {path} cannot be read: {reason}."),
    QT_TRANSLATE_NOOP("Messages", "{path} is not a plain file (a device, a pipe or a socket); nothing was read."),
    QT_TRANSLATE_NOOP(
        "Messages", "{path} is larger than 1 MB, far more than a questionnaire or its answers; nothing was read."
    ),
    QT_TRANSLATE_NOOP("Messages", "its checksum does not match the one recorded when it was imported"),
    QT_TRANSLATE_NOOP("Messages", "There is no questionnaire version {version}."),
    QT_TRANSLATE_NOOP("Messages", "There is no policy version {version}."),
    QT_TRANSLATE_NOOP("Messages", "There is no audit entry {shown}."),
    QT_TRANSLATE_NOOP("Messages", "There are no audit entries {shown}."),
    QT_TRANSLATE_NOOP("Messages", "Replay either entries by number or a period (--since/--until), not both."),
    QT_TRANSLATE_NOOP("Messages", "Name the entries to replay by number, or a period (--since/--until)."),
    QT_TRANSLATE_NOOP("Messages", "An audit entry's number is a whole number from 1."),
    QT_TRANSLATE_NOOP("Messages", "Replay at most {MAX_SEQS} entries by number at once; name a period instead."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The stored questionnaire version {row_version} was not written by suitcheck (its seal does not match); nothing was assessed with it. Compliance must run `suitcheck audit verify` and investigate.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The stored questionnaire version {row_version} is damaged ({str_exc_rstrip}); nothing was assessed with it.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The questionnaire was not imported: {str_exc_0_lower}{str_exc_1}"),
    QT_TRANSLATE_NOOP("Messages", "No report has the id '{text_ref}'."),
    # Why an imported report needs a rating (ImportResult.reason; the code is "unrated" for all three).
    QT_TRANSLATE_NOOP("Messages", "No risk level is stated; compliance must rate it before anyone may read it."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The report states two different risk levels for itself; compliance must rate it before anyone may read it.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The report says something about its own risk level that cannot be read as one level; "
        "compliance must rate it before anyone may read it.",
    ),
    QT_TRANSLATE_NOOP("Messages", "'{text}' is not a risk level (R1 to R5)."),
    QT_TRANSLATE_NOOP("Messages", "Say why the finding is resolved."),
    QT_TRANSLATE_NOOP("Messages", "Report {report_id} has no finding {finding_id}."),
    QT_TRANSLATE_NOOP("Messages", "Only {join_CORRECTABLE} can be corrected this way."),
    QT_TRANSLATE_NOOP("Messages", "A date is written YYYY-MM-DD."),
    QT_TRANSLATE_NOOP("Messages", "A report needs a title."),
    QT_TRANSLATE_NOOP("Messages", "Say why the report's details are corrected."),
    QT_TRANSLATE_NOOP("Messages", "The store {where} is a folder, not a database file."),
    # services.reports._stopped_at, after the store's own sentence
    QT_TRANSLATE_NOOP(
        "Messages",
        "{problem} The import stopped at {name}, the last file: the files before it are done as listed, "
        "and it was not imported; import it again later.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "{problem} The import stopped at {name}: the files before it are done as listed, and the {left} files "
        "from it on were not imported; import them again later (those already imported are recognised).",
    ),
    # store.engine.describe_db_error
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store {where} was deleted, moved or replaced while suitcheck had it open, so nothing more is recorded; "
        "close suitcheck, put the store file back (or restore it from its backup) and start again.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The store {where} is locked by another program; try again in a moment."),
    QT_TRANSLATE_NOOP("Messages", "The store {where} is read-only; check the file permissions."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The database server for {where} accepts no changes (a read-only database, role or standby server); "
        "nothing was recorded.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The database server for {where} ended this session because it stayed idle in the middle of its work "
        "(the computer was stopped, asleep or cut off); nothing was recorded.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The database server for {where} stopped this work before it finished (a time limit set on the server, "
        "or an administrator); nothing was recorded.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The file {where} is not a suitcheck store or it is damaged."),
    QT_TRANSLATE_NOOP("Messages", "The store {where} cannot be opened; check that the folder exists and is writable."),
    QT_TRANSLATE_NOOP("Messages", "The database server for {where} cannot be reached."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The connection to the database server for {where} was lost while it committed this work, so whether it "
        "was recorded is unknown; look in the audit trail before doing it again.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The disk holding {where} is full."),
    QT_TRANSLATE_NOOP("Messages", "The store {where} failed: {detail}"),
    QT_TRANSLATE_NOOP("Messages", "The folder for the store {where} cannot be created: {exc_strerror}."),
    QT_TRANSLATE_NOOP("Messages", "The store {where} cannot be created: {exc_strerror}."),
    QT_TRANSLATE_NOOP("Messages", "The store address {where} uses an unsupported database driver."),
    QT_TRANSLATE_NOOP("Messages", "The store {where} is damaged ({rows_0}); restore it from a backup."),
    QT_TRANSLATE_NOOP("Messages", "The store address is not a valid database URL."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The store address is not a valid database URL: a server's is written postgresql://USER@HOST/DATABASE "
        "(a file's is its path).",
    ),
    QT_TRANSLATE_NOOP("Messages", "The mapping file {path_name} cannot be read: {exc_strerror}."),
    QT_TRANSLATE_NOOP("Messages", "The mapping file {path_name} is not text (UTF-8, GBK or UTF-16)."),
    QT_TRANSLATE_NOOP("Messages", "The mapping file {path_name} is larger than 1 MB; a mapping names a few columns."),
    # The client file's reader (ingest.clientfile), passed on by the client import.
    QT_TRANSLATE_NOOP(
        "Messages",
        "{path_name} inflates beyond any workbook a spreadsheet program writes (a zip bomb?); it was not read.",
    ),
    QT_TRANSLATE_NOOP("Messages", "{path_name} is not a client file: client files are .csv or .xlsx."),
    QT_TRANSLATE_NOOP("Messages", "The file is empty."),
    QT_TRANSLATE_NOOP("Messages", "The file {path_name} does not exist."),
    QT_TRANSLATE_NOOP("Messages", "The file {path_name} cannot be read: permission denied."),
    QT_TRANSLATE_NOOP("Messages", "{path_name} is a folder, not a file."),
    QT_TRANSLATE_NOOP("Messages", "The file {path_name} cannot be read: {exc_strerror}."),
    QT_TRANSLATE_NOOP("Messages", "The file has no header row."),
    QT_TRANSLATE_NOOP("Messages", "{path_name} is not a readable XLSX workbook."),
    QT_TRANSLATE_NOOP("Messages", "The workbook has no sheet '{sheet}'; its sheets: {join_names}."),
    QT_TRANSLATE_NOOP("Messages", "The sheet '{sheet}' is a chart, not rows of clients; its sheets: {join_names}."),
    QT_TRANSLATE_NOOP(
        "Messages", "The workbook shows no sheet of rows (its sheets: {join_names}); choose the sheet to import."
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The sheet '{worksheet_title}' holds formulas, whose values the file may hold out of date or not at all; save the sheet as values (or as a CSV file) and import that.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The sheet '{worksheet_title}' has no header row."),
    QT_TRANSLATE_NOOP("Messages", "The CSV file is damaged after row {number}: {exc}."),
    QT_TRANSLATE_NOOP("Messages", "The CSV file is damaged at row {row}: {exc}."),
    QT_TRANSLATE_NOOP("Messages", "a row holds more than 4 MiB of text"),
    QT_TRANSLATE_NOOP("Messages", "The file changed while it was read."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The file {path_name} changed since it was checked; nothing was imported. Check it again before importing it.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The workbook is damaged after row {number}."),
    QT_TRANSLATE_NOOP("Messages", "A CSV file has no sheets; --sheet is for .xlsx files."),
    QT_TRANSLATE_NOOP("Messages", "The report is an .xlsx file (for example --report import-report.xlsx)."),
    QT_TRANSLATE_NOOP("Messages", "Export clients to a .csv or .xlsx file."),
    QT_TRANSLATE_NOOP(
        "Messages", "The file has no column for: {join_columns_missing} (give the header names with --mapping)."
    ),
    # A file refused for missing columns, with the hint of what seems wrong with it
    # (client_import.HINT_SENTENCES: each alone, and the whole sentences they end).
    QT_TRANSLATE_NOOP(
        "Messages", "the file seems to be separated by semicolons: save it as comma- or tab-separated CSV"
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "the header is not on the first row (row {row} holds the column names): remove the rows above it",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The file has no column for: {join_columns_missing}; the file seems to be separated by semicolons: "
        "save it as comma- or tab-separated CSV.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The file has no column for: {join_columns_missing}; the header is not on the first row (row {row} holds "
        "the column names): remove the rows above it.",
    ),
    QT_TRANSLATE_NOOP("Messages", "More than one column maps to: {join_columns_ambiguous}."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The column '{header}' may hold {fact}, but the import does not know that name and would leave it "
        "unread; nothing was imported. The names it knows for {fact}: {known}. Name the column in a mapping "
        'file (--mapping: "{header}" = "{field}"), or, if it holds something else, "{header}" = "ignore".',
    ),
    QT_TRANSLATE_NOOP("Messages", "Cannot write the report {out}: {exc_strerror}; nothing was imported."),
    QT_TRANSLATE_NOOP("Messages", "Cannot write {out}: {exc_strerror}."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "A client in the lowest risk-tolerance category has risk profile C1, not {shown}; nothing was recorded.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "A client in the lowest risk-tolerance category cannot be a professional investor; nothing was recorded.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "A client in the lowest risk-tolerance category cannot be made a professional investor: {LIFT_FIRST}.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "A client in the lowest risk-tolerance category cannot stay a professional investor: change the class in the same edit (investor edit --class ordinary --lowest-category); nothing was recorded.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "A client in the lowest risk-tolerance category has risk profile C1, not {shown}: record a C1 assessment with the lowest-category flag instead (investor assess ... --profile C1 --lowest-category).",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "A knock-out answer puts the client in the lowest risk-tolerance category, whose profile is C1, not {profile_code}; nothing was recorded.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "This client is in the lowest risk-tolerance category, so the profile stays C1 (not {profile_code}): {LIFT_FIRST}.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "This client is in the lowest risk-tolerance category, so the profile stays C1 (the answers give {result_profile_code}): {LIFT_FIRST}. Nothing was recorded.",
    ),
    # services.investors._MINOR_ENTRY and _MINOR_ASSESSMENT (a client under 18).
    QT_TRANSLATE_NOOP(
        "Messages",
        "The client is under 18 (the birth date in the ID number), so enters the lowest risk-tolerance category: "
        "risk profile C1, never a professional investor; nothing was recorded. For a 16- or 17-year-old living on "
        "their own labour income, compliance lifts the category once the client is entered, with a reason "
        "(investor edit --no-lowest-category --reason ...).",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "This client is under 18 (the birth date in the ID number), so is in the lowest risk-tolerance category and "
        "the profile is C1 (not {profile}); nothing was recorded. For a 16- or 17-year-old living on their own labour "
        "income, compliance lifts the category first, with a reason (investor edit --no-lowest-category --reason ...).",
    ),
    QT_TRANSLATE_NOOP("Messages", "Unknown list format '{fmt}'; use csv or xlsx."),
    QT_TRANSLATE_NOOP("Messages", "Writing {out} failed: {exc_strerror_or_exc}."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "{out} could not be replaced ({exc_strerror_or_exc}); it was recorded but not written. Close the file where it is open and make it again.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "compliance must first lift the lowest-category flag, with a reason (investor edit --no-lowest-category --reason ...)",
    ),
    QT_TRANSLATE_NOOP("Messages", "The period ends before it starts."),
    QT_TRANSLATE_NOOP("Messages", "A self-inspection period is at most ten years."),
    QT_TRANSLATE_NOOP("Messages", "The period ends after today ({today}); choose a period that has ended."),
    QT_TRANSLATE_NOOP("Messages", "Cannot write {out}: {exc_strerror_or_exc}."),
    QT_TRANSLATE_NOOP("Messages", "The reminder window is 0 to {MAX_WINDOW_DAYS} days."),
    QT_TRANSLATE_NOOP("Messages", "The dashboard shows at most {MAX_DAYS} days; choose a shorter range."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The questionnaire changed to version {questionnaire_version} while the client answered version {expected_version}; nothing was recorded. Start the assessment again.",
    ),
    # A report finding's detail, as the services write it (shown beside the finding's words).
    QT_TRANSLATE_NOOP("Messages", "stated {level}, subject implies {subject}"),
    QT_TRANSLATE_NOOP(
        "Messages", "stated {level}, subject implies {subject} (subject table of policy version {version})"
    ),
    QT_TRANSLATE_NOOP(
        "Messages", "rated {level}, subject implies {subject} (subject table of policy version {version})"
    ),
    QT_TRANSLATE_NOOP("Messages", "rated {level} by compliance, subject implies {subject}: {note}"),
    QT_TRANSLATE_NOOP("Messages", "imported as {level} by an older version; its stored file is missing"),
    QT_TRANSLATE_NOOP(
        "Messages", "imported as {level} by an older version; its stored file is not the one its record names"
    ),
    QT_TRANSLATE_NOOP("Messages", "imported as {level} by an older version; its stored file cannot be read now"),
    QT_TRANSLATE_NOOP("Messages", "the report states different levels for itself: {levels}"),
    QT_TRANSLATE_NOOP(
        "Messages",
        "There is no questionnaire version {expected_version}: the current one is version {questionnaire_version}; nothing was recorded.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The assessment is dated {day}, before questionnaire version {questionnaire_version} came into use on {since}: the client answered an earlier version, and answers are scored only on the current one; nothing was recorded.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The audit trail records importing questionnaire version {recorded}, but the store's newest is version {newest}: the newer one was removed outside suitcheck, and nothing was assessed. Compliance must run `suitcheck audit verify` and investigate.",
    ),
    QT_TRANSLATE_NOOP("Messages", "This client has no assessment to confirm."),
    QT_TRANSLATE_NOOP("Messages", "The stored answers do not fit their questionnaire version."),
    QT_TRANSLATE_NOOP(
        "Messages", "A password needs at least {passwords_MIN_LENGTH} characters (a few words make a good one)."
    ),
    QT_TRANSLATE_NOOP("Messages", "A password may have at most {passwords_MAX_LENGTH} characters."),
    QT_TRANSLATE_NOOP("Messages", "A password must not be or contain the user name."),
    QT_TRANSLATE_NOOP("Messages", "This password is on the list of common or leaked passwords; choose another."),
    QT_TRANSLATE_NOOP("Messages", "A password must not be one character repeated or a run such as 1234567890."),
    QT_TRANSLATE_NOOP(
        "Messages", "A password must not hold a line break, a tab or another control character: no login could type it."
    ),
    QT_TRANSLATE_NOOP("Messages", "An administrator reset this password; choose a new one before you go on."),
    # Branches (#14)
    QT_TRANSLATE_NOOP(
        "Messages", "A {role_value} works for one branch; only compliance and administrators are firm-wide."
    ),
    QT_TRANSLATE_NOOP("Messages", "Only a firm-wide administrator may make a firm-wide account."),
    QT_TRANSLATE_NOOP("Messages", "The store has no head-office branch."),
    QT_TRANSLATE_NOOP("Messages", "No branch has the code '{shown}'; `suitcheck branch list` shows them."),
    QT_TRANSLATE_NOOP("Messages", "You work for one branch: you may only add records to your own branch."),
    QT_TRANSLATE_NOOP("Messages", "Only firm-wide (head-office) staff may add branches."),
    QT_TRANSLATE_NOOP("Messages", "A branch with the code '{code}' already exists."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "A client file covers every branch: only firm-wide (head-office) compliance may import one.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The self-inspection report covers every branch: only firm-wide (head-office) compliance may make it.",
    ),
    QT_TRANSLATE_NOOP("Messages", "Say why the client moves to another branch (a reason)."),
    QT_TRANSLATE_NOOP("Messages", "The client already belongs to branch {code}."),
    QT_TRANSLATE_NOOP(
        "Messages", "A branch code is 1 to 16 letters A-Z, digits or '-', starting with a letter or digit."
    ),
    QT_TRANSLATE_NOOP("Messages", "A branch name is 1 to 64 printable characters."),
    QT_TRANSLATE_NOOP("Messages", "A branch region is at most 64 printable characters."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The compliance dashboard covers every branch: only firm-wide (head-office) compliance may see it.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The policy decides for every branch: only firm-wide (head-office) compliance may change it.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "A report's level decides for every branch: only firm-wide (head-office) compliance may rate, correct or re-read reports.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "A report decides for every branch: only firm-wide (head-office) compliance may settle a report's record.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages", "The account changed while its new password was being set; nothing was changed. Try again."
    ),
    QT_TRANSLATE_NOOP("Messages", "Your role may not change the policy."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The questionnaire assesses every branch's clients: only firm-wide (head-office) compliance may import a new version.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Your branch is not in the store (its record was removed outside suitcheck); nothing was imported. An administrator must investigate.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The list is longer than the {room} rows an XLSX sheet has room for below its heading; nothing was written. Write it as a CSV file.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The export holds more entries than the {room} an XLSX sheet has room for below its heading; nothing was written. Export them as CSV or JSONL, or a shorter date range as XLSX.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "There are more clients than the {room} rows an XLSX sheet has room for below its heading; nothing was written. Export the clients to a .csv file.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The report {out} would list more rows than an XLSX sheet holds ({rows}); nothing was imported. Import again without a report.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The {column} of the row with {key} {value} is longer than the {limit} characters an XLSX cell holds; nothing was written. Write it as a CSV file.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The client '{account}' holds a text longer than the {limit} characters an XLSX cell holds; export the clients to a .csv file.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "'{column}' is not a column of a client's record that --was can name (name, id_number).",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "--was names {column} twice.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "--was takes COLUMN=VALUE (name=... or id_number=...), not '{item}'.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "A report's sealed columns are all facts its decisions or lists read (level, rating, file, findings); none can be named as changed outside suitcheck. Nothing was settled.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Another client holds the ID number of client {account}; nothing was settled. An ID number belongs to one client: have it put right first.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        'Give the reason for settling the record (at least {MIN_REASON} characters, recorded in the trail), e.g. "DBA fixed a typo in the name, ticket 4711; checked against the account opening form".',
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Name the record to settle: a client (--investor) or a report (--report).",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The audit trail does not verify, so what it records cannot be believed; nothing was settled. Run `suitcheck audit verify` and investigate that first.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The audit trail records no state for client {key}: suitcheck never wrote the record (it was added outside suitcheck), so there is nothing to settle it against; nothing was settled.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The audit trail records no state for report {key}: suitcheck never wrote the record (it was added outside suitcheck), so there is nothing to settle it against; nothing was settled.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The newest record of client {key}'s state (entry {seq}) is not one this desk can vouch for (another installation's entry awaiting its seal, or one this desk does not trust); nothing was settled. Try again once that installation has sealed, or is trusted here.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The newest record of report {key}'s state (entry {seq}) is not one this desk can vouch for (another installation's entry awaiting its seal, or one this desk does not trust); nothing was settled. Try again once that installation has sealed, or is trusted here.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The ID number client {key} now holds gives another birth date than the record's, which decisions read (the special-attention age) and settling never changes: sealed, the client would be decided on an age their ID number contradicts. Nothing was settled; have the client's own ID number put back, then settle it.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The ID number client {key} now holds is not one suitcheck writes (not a valid number, or not in its form of 18 characters with an upper-case X): a search by the number would not find the client, and the same person could be added again. Nothing was settled; have the number put right, then settle it.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The name client {key} now holds is not one suitcheck writes (empty, over 128 characters, or with a control or invisible character, which shows the name as another): settling seals it as it stands. Nothing was settled; have the name put right, then settle it.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The record changed since it was shown to you; nothing was settled. Look at it again (`suitcheck audit settle` without --yes shows it) and settle it again.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The record holds {column} as you give it: say the value it held before the change.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The record of client {key} holds a value suitcheck never writes (a profile or class it does not know, a date or flag written otherwise, bytes): sealing it would not make it decidable. Nothing was settled; have the value put back as the trail recorded it (the client's entries in `suitcheck audit export --investor ID` say what it was), then settle it.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The record of client {key} is not the state the trail last recorded for it: a fact decisions read (profile, assessment date, class, a flag, branch, birth date), or the name or ID number, was changed outside suitcheck, and settling it would put that change under the seal. Nothing was settled. Have every such fact put back as the trail recorded it (the client's entries in `suitcheck audit export --investor ID` say what they were); where only the name or ID number was corrected, give the value it held before with --was name=... or --was id_number=...; then settle, and change the rest through suitcheck.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The record of client {key} is not the state the trail last recorded for it: it holds profile {profile} of {day}, and the trail's assessments give {recorded_profile} of {recorded_day}. Settling it would put that change under the seal; nothing was settled. Have the profile and its date put back as the trail recorded them, then settle, and record a new assessment through suitcheck (`investor assess`).",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The record of client {key} is sealed by installation {by}, which this desk does not trust; nothing was settled. Once compliance has filed its key: `suitcheck audit key trust {by}`.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The record of client {key} matches its seal: there is nothing to settle.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The record of report {key} holds a value suitcheck never writes (a level it does not know, bytes): sealing it would not make it decidable. Nothing was settled; have the value put back as the trail recorded it (the report's import and rating entries say what it was), then settle it.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The record of report {key} is not the state the trail last recorded for it: its level, the subject's level, its rating, its file or its findings were changed outside suitcheck, and settling it would put that change under the seal (a level lowered in SQL would be served as rated). Nothing was settled. Have it put back as the trail recorded it (the report's import, rating and finding entries in `suitcheck audit export --report ID` say what it was), then settle it; a new level is set through suitcheck (`report rate`).",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The record of report {key} is sealed by installation {by}, which this desk does not trust; nothing was settled. Once compliance has filed its key: `suitcheck audit key trust {by}`.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The record of report {key} matches its seal: there is nothing to settle.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "{column} is a fact decisions read: a change to it made outside suitcheck is never settled. Have it put back as the trail recorded it, settle the record, then change it through suitcheck (`investor assess`, `investor edit`). Nothing was settled.",
    ),
)


@cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    """Longest templates first, so a specific sentence wins over a general one."""
    compiled = []
    for template in sorted(TEMPLATES, key=len, reverse=True):
        parts, seen, regex = re.split(r"\{(\w+)\}", template), set(), ""
        for i, part in enumerate(parts):
            if i % 2 == 0:
                regex += re.escape(part)
            else:  # a name used twice stands for the same value twice
                regex += f"(?P={part})" if part in seen else f"(?P<{part}>.*?)"
                seen.add(part)
        compiled.append((re.compile(regex + r"\Z", re.DOTALL), template))
    return compiled


def _value(text: str) -> str:
    """A parameter in the user's language where it is a code or a sentence itself."""
    try:
        return texts.outcome_text(Outcome(text))
    except ValueError:
        pass
    if text in texts.ROLES:
        return texts.role_text(text)
    if text in texts.PERMISSIONS:
        return texts.permission_text(text)
    return message_text(text) if len(text) > 12 else text


def message_text(sentence: str) -> str:
    """`sentence` in the UI language when it matches a template; else as it is."""
    for pattern, template in _patterns():
        match = pattern.match(sentence)
        if match:
            values = {name: _value(value) for name, value in match.groupdict().items()}
            return translated(CONTEXT, template).format(**values)
    return sentence


def error_text(exc: BaseException) -> str:
    """An error's sentence in the UI language. Sentences quote names and paths that came
    from users and files: their control characters and bidi overrides are shown escaped."""
    return escape_controls(message_text(str(exc)), keep="\n")


def finding_line(code: str, detail: str) -> str:
    """A report finding in the user's language: its words, and its detail (written by the
    services in English: 'stated R3, subject implies R4') translated where it is one of the
    details they write; a quoted statement from the report stays as it is."""
    return f"{texts.finding_text(code)} ({message_text(detail)})"
