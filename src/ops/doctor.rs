//! `ticketeer doctor`: what is wrong in each server, in plain words.
//!
//! [`examine`] is pure: it takes a guild's stored settings and what Discord shows of the guild
//! ([`GuildInspection`], gathered by [`gather`]) and lists the findings. A *problem* stops
//! tickets from working (the command then exits non-zero); a *warning* loses something (log
//! entries, staff access) while tickets still open and close.

use std::fmt::Write as _;

use crate::discord::{Discord, DiscordError, GuildInspection, InspectedChannel};
use crate::domain::access::{self, Overwrite, perms};
use crate::domain::limits::CATEGORY_CHANNELS_MAX;
use crate::domain::model::{GuildSettings, Snowflake};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub text: String,
}

impl Finding {
    fn problem(text: String) -> Self {
        Finding {
            severity: Severity::Problem,
            text,
        }
    }
    fn warning(text: String) -> Self {
        Finding {
            severity: Severity::Warning,
            text,
        }
    }
}

/// Everything the doctor learned of one guild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuildFacts {
    pub guild: Snowflake,
    pub name: String,
    /// `None`: the bot is not in this server (its data is kept).
    pub discord: Option<GuildInspection>,
    /// `None` when the guild has no stored settings (never set up).
    pub settings: Option<GuildSettings>,
    /// Per stored panel, in order: whether its message still exists (`None`: could not tell).
    pub panels_present: Vec<Option<bool>>,
}

/// The bot's guild-wide permissions as Discord computes them: the owner and Administrator hold
/// everything, everyone else the union of @everyone and their roles.
pub fn guild_permissions(
    guild: Snowflake,
    owner: Snowflake,
    user: Snowflake,
    member_roles: &[Snowflake],
    roles: &[(Snowflake, u64)],
) -> u64 {
    if user == owner {
        return u64::MAX;
    }
    let of = |id: Snowflake| roles.iter().find(|(r, _)| *r == id).map_or(0, |(_, p)| *p);
    let base = member_roles.iter().fold(of(guild), |acc, r| acc | of(*r));
    if base & perms::ADMINISTRATOR != 0 {
        u64::MAX
    } else {
        base
    }
}

fn bot_in(guild: Snowflake, bot: Snowflake, d: &GuildInspection, overwrites: &[Overwrite]) -> u64 {
    if bot == d.owner {
        return u64::MAX;
    }
    access::channel_permissions(guild, &d.bot_roles, bot, &d.roles, overwrites)
}

fn channel(d: &GuildInspection, id: Snowflake) -> Option<&InspectedChannel> {
    d.channels.iter().find(|c| c.id == id)
}

/// The findings for one guild, problems first.
pub fn examine(facts: &GuildFacts, bot: Snowflake) -> Vec<Finding> {
    let Some(d) = &facts.discord else {
        return vec![Finding::warning(
            "The bot is not in this server any more; its tickets and settings are kept. Invite it again with `ticketeer invite` to use them."
                .into(),
        )];
    };
    let mut out = Vec::new();
    let have = guild_permissions(facts.guild, d.owner, bot, &d.bot_roles, &d.roles);
    let missing = access::missing_permissions(have, access::BOT_REQUIRED);
    if !missing.is_empty() {
        out.push(Finding::problem(format!(
            "The bot's role lacks {}: tickets cannot be opened. Give its role these permissions in Server Settings → Roles (server-wide: on a category alone is not enough).",
            missing.join(", ")
        )));
    }
    let Some(settings) = &facts.settings else {
        out.push(Finding::warning(
            "Tickets are not set up in this server yet: an admin runs `/ticket menu` (or `/ticket panel` in a channel).".into(),
        ));
        return out;
    };
    // What the role lacks is said once above; the log channel adds what its overwrites take.
    log_channel(
        settings,
        (facts.guild, bot),
        d,
        access::LOG_CHANNEL_NEEDS & have,
        &mut out,
    );
    categories(settings, d, &mut out);
    panels(settings, facts, d, &mut out);
    for role in &settings.staff_roles {
        if !d.roles.iter().any(|(r, _)| r == role) {
            out.push(Finding::warning(format!(
                "Staff role {role} was deleted: nobody gets staff access through it. Choose the staff roles again in `/ticket menu` → Setup → Staff roles."
            )));
        }
    }
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

fn log_channel(
    settings: &GuildSettings,
    (guild, bot): (Snowflake, Snowflake),
    d: &GuildInspection,
    need: u64,
    out: &mut Vec<Finding>,
) {
    let Some(id) = settings.log_channel else {
        return;
    };
    let Some(ch) = channel(d, id) else {
        out.push(Finding::warning(format!(
            "The log channel ({id}) was deleted: ticket events and transcripts are not logged. Choose another in `/ticket menu` → Setup → Log channel."
        )));
        return;
    };
    let have = bot_in(guild, bot, d, &ch.overwrites);
    let missing = access::missing_permissions(have, need);
    if !missing.is_empty() {
        out.push(Finding::warning(format!(
            "The bot cannot write to the log channel #{}: it lacks {} there, so ticket events and transcripts are not logged. Fix the channel's permissions for the bot.",
            ch.name,
            missing.join(", ")
        )));
    }
}

fn categories(settings: &GuildSettings, d: &GuildInspection, out: &mut Vec<Finding>) {
    let mut wanted: Vec<(Snowflake, String)> = Vec::new();
    if let Some(c) = settings.tickets_category {
        wanted.push((c, "the tickets category".into()));
    }
    for t in &settings.topics {
        if let Some(c) = t.category {
            wanted.push((c, format!("the category of topic \"{}\"", t.name)));
        }
    }
    let overflow_room = settings.overflow_categories.iter().any(|c| {
        channel(d, *c).is_some_and(|ch| children(d, ch.id) < CATEGORY_CHANNELS_MAX as usize)
    });
    for (id, what) in wanted {
        match channel(d, id) {
            Some(ch) if !ch.category => out.push(Finding::problem(format!(
                "{what} ({id}) is not a category any more: tickets that belong there cannot be created."
            ))),
            Some(ch) if children(d, id) >= CATEGORY_CHANNELS_MAX as usize => {
                let note = if overflow_room {
                    "new tickets go to an overflow category"
                } else {
                    "the bot will create an overflow category on the next ticket"
                };
                out.push(Finding::warning(format!(
                    "{} \"{}\" is full (Discord allows {} channels in a category): {note}. Deleting closed tickets makes room.",
                    capitalized(&what),
                    ch.name,
                    CATEGORY_CHANNELS_MAX
                )));
            }
            Some(_) => {}
            None => out.push(Finding::problem(format!(
                "{} ({id}) was deleted while the bot was not running: tickets that belong there cannot be created until the bot notices. Start the bot once (it forgets deleted categories as Discord reports them), or set the topic up again in `/ticket menu`.",
                capitalized(&what)
            ))),
        }
    }
}

fn panels(
    settings: &GuildSettings,
    facts: &GuildFacts,
    d: &GuildInspection,
    out: &mut Vec<Finding>,
) {
    if settings.panels.is_empty() {
        out.push(Finding::warning(
            "No panel is posted: members have no button to open a ticket. Post one with `/ticket panel` or `/ticket menu` → Setup → Panel.".into(),
        ));
        return;
    }
    let mut gone = Vec::new();
    for (i, panel) in settings.panels.iter().enumerate() {
        let present = channel(d, panel.channel).is_some()
            && facts.panels_present.get(i).copied().flatten() != Some(false);
        if !present {
            gone.push(panel.channel);
        }
    }
    if gone.is_empty() {
        return;
    }
    let where_ = gone
        .iter()
        .map(|c| format!("<#{c}>"))
        .collect::<Vec<_>>()
        .join(", ");
    let text = format!(
        "{} of {} panel messages are gone (in {where_}). Post a new one with `/ticket panel`.",
        gone.len(),
        settings.panels.len()
    );
    if gone.len() == settings.panels.len() {
        out.push(Finding::problem(format!(
            "{text} Until then members have no button to open a ticket."
        )));
    } else {
        out.push(Finding::warning(text));
    }
}

fn children(d: &GuildInspection, category: Snowflake) -> usize {
    d.channels
        .iter()
        .filter(|c| c.parent == Some(category))
        .count()
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What the application's privileged-intent switches cost, whatever the server (the bot runs
/// without them, so these are warnings).
pub fn application_warnings(app_flags: u64) -> Vec<String> {
    use crate::domain::privileged;
    let mut out = Vec::new();
    if !privileged::message_content(app_flags) {
        out.push(privileged::message_content_off_note());
    }
    if !privileged::server_members(app_flags) {
        out.push(privileged::server_members_off_note());
    }
    out
}

/// The report the command prints, and whether any problem was found.
pub fn render(reports: &[(GuildFacts, Vec<Finding>)]) -> (String, bool) {
    let mut text = String::new();
    let mut problems = 0;
    let mut broken_guilds = 0;
    for (facts, findings) in reports {
        let _ = writeln!(text, "Server \"{}\" ({}):", facts.name, facts.guild);
        if findings.is_empty() {
            let _ = writeln!(text, "  ok: nothing wrong found");
        }
        for f in findings {
            let label = match f.severity {
                Severity::Problem => "PROBLEM",
                Severity::Warning => "warning",
            };
            let _ = writeln!(text, "  {label}: {}", f.text);
        }
        let n = findings
            .iter()
            .filter(|f| f.severity == Severity::Problem)
            .count();
        problems += n;
        broken_guilds += usize::from(n > 0);
    }
    if reports.is_empty() {
        let _ = writeln!(
            text,
            "The bot is in no server and has no stored data. Invite it with `ticketeer invite`."
        );
    }
    let _ = match problems {
        0 => writeln!(text, "No problem stops tickets from working."),
        _ => writeln!(
            text,
            "{problems} problem(s) in {broken_guilds} server(s) stop tickets from working."
        ),
    };
    (text, problems > 0)
}

/// Asks Discord about every guild the bot is in or has data for. `stored` is every guild the
/// store knows, with its settings (`None` when only tickets or a counter exist).
pub async fn gather(
    discord: &Discord,
    stored: Vec<(Snowflake, Option<GuildSettings>)>,
) -> Result<Vec<GuildFacts>, DiscordError> {
    let mut guilds: std::collections::BTreeMap<Snowflake, (String, Option<GuildSettings>, bool)> =
        Default::default();
    for (id, name) in discord.bot_guilds().await? {
        guilds.insert(id, (name, None, true));
    }
    for (id, settings) in stored {
        let entry = guilds.entry(id).or_insert_with(|| {
            (
                String::from("name unknown: the bot is not in it"),
                None,
                false,
            )
        });
        entry.1 = settings;
    }
    let mut out = Vec::with_capacity(guilds.len());
    for (guild, (name, settings, present)) in guilds {
        let inspection = if present {
            Some(discord.inspect_guild(guild).await?)
        } else {
            None
        };
        let mut panels_present = Vec::new();
        if let (Some(s), Some(d)) = (&settings, &inspection) {
            for p in &s.panels {
                let known = channel(d, p.channel).is_some();
                panels_present.push(match known {
                    true => discord.message_exists(p.channel, p.message).await.ok(),
                    false => Some(false),
                });
            }
        }
        out.push(GuildFacts {
            guild,
            name,
            discord: inspection,
            settings,
            panels_present,
        });
    }
    Ok(out)
}

/// `ticketeer doctor`: the report, and whether tickets can work everywhere (no problem found).
pub async fn run(args: &super::args::DoctorArgs) -> Result<(String, bool), super::OpsError> {
    let token = super::token::resolve(args.token.as_deref(), args.token_file.as_ref())?;
    crate::discord::install_crypto_provider();
    let discord = Discord::connect(&token, args.discord_api.as_deref(), true).await?;
    let stored = match super::control::Access::open(&args.data_dir).await {
        Ok(access) => {
            let stored = access.guilds().await;
            access.close().await;
            stored?
        }
        Err(super::control::AccessError::NoData { .. }) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let facts = gather(&discord, stored).await?;
    let bot = discord.bot_user_id();
    let reports: Vec<(GuildFacts, Vec<Finding>)> = facts
        .into_iter()
        .map(|f| {
            let findings = examine(&f, bot);
            (f, findings)
        })
        .collect();
    let (text, failed) = render(&reports);
    let mut said = String::new();
    for warning in application_warnings(discord.app_flags()) {
        let _ = writeln!(said, "Application: warning: {warning}");
    }
    said.push_str(&text);
    Ok((said, !failed))
}

#[cfg(test)]
mod tests;
