//! `ticketeer import-amina FILE`: moves a server in from the Amina bot.
//!
//! Amina keeps a guild's ticket settings in its guild document (`mongoexport` writes one JSON
//! document a line): `ticket.log_channel`, `ticket.limit` (open tickets server-wide),
//! `ticket.category`, `ticket.topics` (`[{name}]`) and, where present, `ticket.staff_roles`. Its
//! open tickets are marked only on Discord, by the channel topic `tіcket|<opener id>|<topic>`
//! (the `і` is Cyrillic U+0456), in channels named `tіcket-<n>`; a closed one has its
//! permissions synced to the category, so its opener no longer has an overwrite.
//!
//! [`plan`] is pure: from the document, what Discord shows of the guild and what Ticketeer
//! already holds, it decides the settings and the adoptions. Adopted channels are numbered after
//! the highest number used so far (Ticketeer's counter, Amina's channel numbers), renamed and
//! given Ticketeer's topic marker and overwrites, and stored as provisioning with their channel:
//! the bot's next start finishes them as it finishes a ticket caught by a crash (welcome message
//! with the Close button, the opener told, the log).

use std::fmt::Write as _;

use serde_json::Value;

use crate::discord::{GuildInspection, InspectedChannel};
use crate::domain::access::{self, OverwriteKind, perms};
use crate::domain::limits::{self, PER_GUILD_RANGE};
use crate::domain::model::{GuildSettings, Snowflake, TicketRecord, TicketState, Topic};
use crate::domain::naming;

/// Amina's topic marker: `tіcket|` with a Cyrillic `і`.
pub const TOPIC_MARKER: &str = "t\u{0456}cket|";
/// Amina's channel name prefix, with the same Cyrillic `і`.
pub const NAME_PREFIX: &str = "t\u{0456}cket-";

/// One guild's ticket settings from Amina's export.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AminaGuild {
    pub guild: Snowflake,
    pub log_channel: Option<Snowflake>,
    pub limit: Option<u32>,
    pub category: Option<Snowflake>,
    pub topics: Vec<String>,
    pub staff_roles: Vec<Snowflake>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AminaError {
    #[error("line {line}: not JSON ({message})")]
    Json { line: usize, message: String },
    #[error("line {line}: no guild id (`_id`)")]
    NoGuild { line: usize },
    #[error("no guild document with ticket settings in the file")]
    Empty,
}

/// A string, a number, or mongoexport's canonical `{"$numberLong": "…"}` and friends.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(o) => ["$numberLong", "$numberInt", "$numberDouble", "$oid"]
            .iter()
            .find_map(|k| o.get(*k))
            .and_then(scalar),
        _ => None,
    }
}

fn id(v: Option<&Value>) -> Option<Snowflake> {
    v.and_then(scalar).and_then(|s| s.trim().parse().ok())
}

/// Reads the guild documents that carry ticket settings (others are skipped).
pub fn parse(text: &str) -> Result<Vec<AminaGuild>, AminaError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let doc: Value = serde_json::from_str(line).map_err(|e| AminaError::Json {
            line: line_no,
            message: e.to_string(),
        })?;
        let Some(ticket) = doc.get("ticket").filter(|t| t.is_object()) else {
            continue;
        };
        let guild = id(doc.get("_id"))
            .or_else(|| id(doc.get("id")))
            .ok_or(AminaError::NoGuild { line: line_no })?;
        let list = |key: &str| -> Vec<&Value> {
            ticket
                .get(key)
                .and_then(Value::as_array)
                .map(|a| a.iter().collect())
                .unwrap_or_default()
        };
        out.push(AminaGuild {
            guild,
            log_channel: id(ticket.get("log_channel")),
            limit: ticket
                .get("limit")
                .and_then(scalar)
                .and_then(|s| s.parse::<f64>().ok())
                .filter(|n| n.is_finite() && *n >= 0.0)
                .map(|n| n.min(u32::MAX as f64) as u32),
            category: id(ticket.get("category")),
            topics: list("topics")
                .into_iter()
                .filter_map(|t| t.get("name").and_then(scalar))
                .collect(),
            staff_roles: list("staff_roles")
                .into_iter()
                .filter_map(|r| id(Some(r)))
                .collect(),
        });
    }
    if out.is_empty() {
        return Err(AminaError::Empty);
    }
    Ok(out)
}

/// One open Amina ticket to adopt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adoption {
    pub channel: Snowflake,
    pub old_name: String,
    pub number: u64,
    pub record: TicketRecord,
    /// The topic's name as the channel's new topic shows it.
    pub topic_name: Option<String>,
}

/// What the import does in one guild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub guild: Snowflake,
    pub settings: GuildSettings,
    pub counter: u64,
    pub adoptions: Vec<Adoption>,
    /// What is left out, and why.
    pub notes: Vec<String>,
    /// Why nothing may be done in this guild (`None`: the plan may be carried out).
    pub blocked: Option<String>,
}

/// Ticketeer's side of the guild before the import.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Existing {
    pub settings: GuildSettings,
    pub counter: u64,
}

/// Amina's ticket number in a channel name `tіcket-<n>`.
fn amina_number(name: &str) -> Option<u64> {
    name.strip_prefix(NAME_PREFIX)?.parse().ok()
}

/// `(opener, topic name)` from an Amina ticket channel's topic.
pub fn parse_topic(topic: &str) -> Option<(Snowflake, Option<String>)> {
    let rest = topic.strip_prefix(TOPIC_MARKER)?;
    let (opener, topic) = match rest.split_once('|') {
        Some((o, t)) => (o, Some(t.trim().to_owned()).filter(|t| !t.is_empty())),
        None => (rest, None),
    };
    Some((opener.trim().parse().ok()?, topic))
}

/// Whether the opener still has their own view overwrite: Amina removes it at close (it syncs
/// the channel with its category), so without it the ticket is closed.
fn is_open(ch: &InspectedChannel, opener: Snowflake) -> bool {
    ch.overwrites.iter().any(|o| {
        o.kind == OverwriteKind::Member && o.id == opener && o.allow & perms::VIEW_CHANNEL != 0
    })
}

/// Decides the settings and the adoptions for one guild. Blocked when Ticketeer is set up there
/// already, or when the bot cannot manage every open Amina ticket (all or nothing).
pub fn plan(
    amina: &AminaGuild,
    discord: &GuildInspection,
    existing: &Existing,
    bot: Snowflake,
) -> Plan {
    let mut notes = Vec::new();
    let guild = amina.guild;
    let find = |id: Snowflake| discord.channels.iter().find(|c| c.id == id);
    let blocked = (existing.settings != GuildSettings::default()).then(|| {
        "Ticketeer is already set up in this server; the import only moves into a server Ticketeer has no settings for".to_owned()
    });
    let mut settings = GuildSettings::default();
    match amina.log_channel.map(|c| (c, find(c))) {
        Some((_, Some(ch))) if ch.text => settings.log_channel = Some(ch.id),
        Some((c, _)) => notes.push(format!(
            "log channel {c} is gone or not a text channel: left unset"
        )),
        None => {}
    }
    match amina.limit {
        Some(n) if (PER_GUILD_RANGE.0..=PER_GUILD_RANGE.1).contains(&n) => {
            settings.per_guild_limit = n;
        }
        Some(n) => notes.push(format!(
            "ticket limit {n} is outside {}–{}: the default {} is used",
            PER_GUILD_RANGE.0, PER_GUILD_RANGE.1, settings.per_guild_limit
        )),
        None => {}
    }
    match amina.category.map(|c| (c, find(c))) {
        Some((_, Some(ch))) if ch.category => settings.tickets_category = Some(ch.id),
        Some((c, _)) => notes.push(format!(
            "tickets category {c} is gone: one is created on the first ticket"
        )),
        None => {}
    }
    for role in &amina.staff_roles {
        if *role == guild {
            notes.push("@everyone as a staff role is left out".into());
        } else if !discord.roles.iter().any(|(r, _)| r == role) {
            notes.push(format!("staff role {role} no longer exists: left out"));
        } else if settings.staff_roles.len() == access::MAX_STAFF_ROLES {
            notes.push(format!(
                "staff role {role} left out: at most {} staff roles",
                access::MAX_STAFF_ROLES
            ));
        } else if !settings.staff_roles.contains(role) {
            settings.staff_roles.push(*role);
        }
    }
    for name in &amina.topics {
        match limits::validate_topic_name(name, &settings.topics) {
            Ok(name) => {
                // Amina makes a category per topic, named after it.
                let category = discord
                    .channels
                    .iter()
                    .find(|c| c.category && c.name.trim().eq_ignore_ascii_case(&name))
                    .map(|c| c.id);
                let id = settings.next_topic_id;
                settings.next_topic_id += 1;
                settings.topics.push(Topic { id, name, category });
            }
            Err(e) => notes.push(format!("topic {name:?} left out: {e}")),
        }
    }
    let (adoptions, counter) = adoptions(guild, discord, existing, &settings, bot, &mut notes);
    let blocked = blocked.or_else(|| unmanageable(guild, discord, &adoptions, bot));
    Plan {
        guild,
        settings,
        counter,
        adoptions,
        notes,
        blocked,
    }
}

fn adoptions(
    guild: Snowflake,
    discord: &GuildInspection,
    existing: &Existing,
    settings: &GuildSettings,
    bot: Snowflake,
    notes: &mut Vec<String>,
) -> (Vec<Adoption>, u64) {
    let mut found: Vec<(&InspectedChannel, Snowflake, Option<String>)> = discord
        .channels
        .iter()
        .filter(|c| c.text)
        .filter_map(|c| {
            let (opener, topic) = parse_topic(c.topic.as_deref()?)?;
            Some((c, opener, topic))
        })
        .collect();
    let highest_amina = found
        .iter()
        .filter_map(|(c, ..)| amina_number(&c.name))
        .max()
        .unwrap_or(0);
    // Amina's own order (its numbers), then creation order for channels renamed by hand.
    found.sort_by_key(|(c, ..)| (amina_number(&c.name).unwrap_or(u64::MAX), c.id));
    let mut next = existing.counter.max(highest_amina);
    let mut out = Vec::new();
    for (ch, opener, topic_name) in found {
        if !is_open(ch, opener) {
            notes.push(format!(
                "#{} is a closed Amina ticket (its opener has no access): left as it is",
                ch.name
            ));
            continue;
        }
        next += 1;
        let topic = topic_name.as_ref().and_then(|n| {
            settings
                .topics
                .iter()
                .find(|t| t.name.eq_ignore_ascii_case(n))
                .map(|t| t.id)
        });
        // Members Amina added with its "add user" keep their access.
        let participants = ch
            .overwrites
            .iter()
            .filter(|o| o.kind == OverwriteKind::Member && o.id != opener && o.id != bot)
            .filter(|o| o.allow & perms::VIEW_CHANNEL != 0)
            .map(|o| o.id)
            .collect();
        let record = TicketRecord {
            guild,
            number: next,
            opener,
            topic,
            parent: ch.parent,
            channel: Some(ch.id),
            state: TicketState::Provisioning,
            opened_at: snowflake_millis(ch.id),
            closed_at: None,
            closed_by: None,
            close_reason: None,
            participants,
            closed_message: None,
            autoclose_off: false,
            stale_warning: None,
            staff: Default::default(),
            trail: Default::default(),
            // Amina's tickets are channels.
            thread_in: None,
        };
        out.push(Adoption {
            channel: ch.id,
            old_name: ch.name.clone(),
            number: next,
            record,
            topic_name,
        });
    }
    (out, next)
}

/// What the bot needs in a ticket channel to adopt it: see it, rename it, set its overwrites.
const ADOPT_NEEDS: u64 = perms::VIEW_CHANNEL | perms::MANAGE_CHANNELS | perms::MANAGE_ROLES;

/// Why the adoptions cannot all be carried out: Amina's ticket channels hide from everyone but
/// their people and Amina, so Ticketeer's role may not see them yet. All or nothing, so that a
/// second run after the fix finds the guild as the first left it.
fn unmanageable(
    guild: Snowflake,
    discord: &GuildInspection,
    adoptions: &[Adoption],
    bot: Snowflake,
) -> Option<String> {
    let lacking: Vec<String> = adoptions
        .iter()
        .filter_map(|a| {
            let ch = discord.channels.iter().find(|c| c.id == a.channel)?;
            let have = if bot == discord.owner {
                u64::MAX
            } else {
                access::channel_permissions(
                    guild,
                    &discord.bot_roles,
                    bot,
                    &discord.roles,
                    &ch.overwrites,
                )
            };
            let missing = access::missing_permissions(have, ADOPT_NEEDS);
            (!missing.is_empty()).then(|| format!("#{} (lacks {})", ch.name, missing.join(", ")))
        })
        .collect();
    (!lacking.is_empty()).then(|| {
        format!(
            "the bot cannot manage {} of Amina's open tickets: {}. Give the bot's role View Channel, Manage Channels and Manage Permissions on Amina's ticket categories (or channels), then run the import again",
            lacking.len(),
            lacking.join(", ")
        )
    })
}

/// When Discord made the snowflake (milliseconds since the Unix epoch).
fn snowflake_millis(id: Snowflake) -> i64 {
    ((id >> 22) + 1_420_070_400_000) as i64
}

/// What `import-amina` prints for one guild.
pub fn describe(plan: &Plan, applied: bool) -> String {
    let mut s = String::new();
    let verb = if applied { "did" } else { "would" };
    let _ = writeln!(s, "Guild {}:", plan.guild);
    if let Some(why) = &plan.blocked {
        let _ = writeln!(
            s,
            "  nothing {}: {why}",
            if applied { "done" } else { "to do" }
        );
        return s;
    }
    let st = &plan.settings;
    let show = |v: Option<u64>| v.map_or("none".to_owned(), |c| c.to_string());
    let _ = writeln!(
        s,
        "  settings ({verb} set): log channel {}, tickets category {}, at most {} open tickets in the server, staff roles [{}], topics [{}]",
        show(st.log_channel),
        show(st.tickets_category),
        st.per_guild_limit,
        st.staff_roles
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        st.topics
            .iter()
            .map(|t| t.name.clone())
            .collect::<Vec<_>>()
            .join(", "),
    );
    for a in &plan.adoptions {
        let _ = writeln!(
            s,
            "  adopt #{} ({}) as {} for <@{}>{}: overwrites set to Ticketeer's",
            a.old_name,
            a.channel,
            naming::channel_name(a.number),
            a.record.opener,
            a.topic_name
                .as_deref()
                .map(|t| format!(", topic {t:?}"))
                .unwrap_or_default()
        );
    }
    if plan.adoptions.is_empty() {
        let _ = writeln!(s, "  no open Amina ticket to adopt");
    }
    for note in &plan.notes {
        let _ = writeln!(s, "  note: {note}");
    }
    if !applied {
        let _ = writeln!(
            s,
            "  (dry run: pass --apply to carry it out, with the bot stopped)"
        );
    }
    s
}

/// `ticketeer import-amina FILE [--apply]`: what was (or would be) done, and, with `--apply`,
/// whether every guild in the file was carried out.
pub async fn run(args: &super::args::AminaArgs) -> Result<(String, bool), super::OpsError> {
    use super::control::{Access, AccessError};
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let guilds = parse(&text).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let token = super::token::resolve(args.token.as_deref(), args.token_file.as_ref())?;
    crate::discord::install_crypto_provider();
    let discord =
        crate::discord::Discord::connect(&token, args.discord_api.as_deref(), true).await?;
    let store = if args.apply {
        Some(open_for_writing(&args.data_dir).await?)
    } else {
        None
    };
    let access = match &store {
        Some(_) => None,
        None => match Access::open(&args.data_dir).await {
            Ok(access) => Some(access),
            Err(AccessError::NoData { .. }) => None,
            Err(e) => return Err(e.into()),
        },
    };
    let present: Vec<Snowflake> = discord
        .bot_guilds()
        .await?
        .into_iter()
        .map(|g| g.0)
        .collect();
    let mut said = String::new();
    // An --apply that left a guild out fails, so a script notices.
    let mut all_done = true;
    for amina in &guilds {
        if !present.contains(&amina.guild) {
            let _ = writeln!(
                said,
                "Guild {}: the bot is not in it; invite it first (`ticketeer invite`)",
                amina.guild
            );
            all_done &= !args.apply;
            continue;
        }
        let existing = match (&store, &access) {
            (Some(store), _) => store.load_guild(amina.guild).await.map(|g| Existing {
                settings: g.settings,
                counter: g.counter,
            })?,
            (None, Some(access)) => {
                let d = access.guild_data(amina.guild).await?;
                Existing {
                    settings: d.settings,
                    counter: d.counter,
                }
            }
            (None, None) => Existing::default(),
        };
        let inspection = discord.inspect_guild(amina.guild).await?;
        let mut plan = plan(amina, &inspection, &existing, discord.bot_user_id());
        if let (Some(store), None) = (&store, &plan.blocked) {
            apply(&discord, store, &mut plan).await?;
        }
        all_done &= !(args.apply && plan.blocked.is_some());
        said.push_str(&describe(&plan, store.is_some()));
    }
    if let Some(store) = store {
        store.close().await;
    }
    if let Some(access) = access {
        access.close().await;
    }
    Ok((said, all_done))
}

async fn open_for_writing(
    data_dir: &std::path::Path,
) -> Result<crate::store::Store, super::OpsError> {
    use crate::store::{Durability, Store, StoreConfig, StoreError};
    let config = StoreConfig {
        path: super::control::db_path(data_dir),
        durability: Durability::Immediate,
    };
    match tokio::task::spawn_blocking(move || Store::open(config)).await? {
        Ok(store) => Ok(store),
        Err(StoreError::InUse { .. }) => Err(format!(
            "a bot is running on {}; stop it before --apply (it adopts the tickets at its next start)",
            data_dir.display()
        )
        .into()),
        Err(e) => Err(e.into()),
    }
}

/// Commits the settings and the numbered records first (the store is the source of truth, and
/// a number is durable before its channel changes), then gives each channel Ticketeer's
/// overwrites, name and topic. A channel Discord refuses is said in the plan's notes.
async fn apply(
    discord: &crate::discord::Discord,
    store: &crate::store::Store,
    plan: &mut Plan,
) -> Result<(), super::OpsError> {
    use crate::store::WriteOp;
    let mut ops = vec![
        WriteOp::PutSettings {
            guild: plan.guild,
            settings: plan.settings.clone(),
        },
        WriteOp::SetCounter {
            guild: plan.guild,
            value: plan.counter,
        },
    ];
    ops.extend(
        plan.adoptions
            .iter()
            .map(|a| WriteOp::PutTicket(a.record.clone())),
    );
    store.write(ops).await?;
    let bot = discord.bot_user_id();
    for a in &plan.adoptions {
        let r = &a.record;
        let overwrites = access::ticket_overwrites(
            plan.guild,
            bot,
            r.opener,
            &r.participants,
            &plan.settings.staff_roles,
        );
        let topic = naming::channel_topic(a.number, r.opener, a.topic_name.as_deref());
        let done = match discord
            .set_overwrites(plan.guild, a.channel, &overwrites)
            .await
        {
            Ok(()) => {
                discord
                    .rename_channel(a.channel, &naming::channel_name(a.number), &topic)
                    .await
            }
            Err(e) => Err(e),
        };
        if let Err(e) = done {
            plan.notes.push(format!(
                "#{} could not be changed ({e}): ticket {} is stored; fix its permissions by hand",
                a.old_name, a.number
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
