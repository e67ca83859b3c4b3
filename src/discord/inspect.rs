//! Reads for `ticketeer doctor` and the Amina import: what Discord shows of a guild (owner,
//! roles, the bot's roles, channels with their overwrites), the bot's guilds, whether a message
//! still exists, and the one write the adoption needs besides overwrites (a channel's name and
//! topic).

use twilight_model::{
    channel::ChannelType,
    id::{
        Id,
        marker::{ChannelMarker, GuildMarker},
    },
};

use std::time::Duration;

// `DiscordError`, `IDEMPOTENT_ATTEMPTS` and `Duration` are named by the retry macros' expansion.
use super::{Discord, DiscordError, DiscordResult, IDEMPOTENT_ATTEMPTS, codes};
use crate::domain::access::Overwrite;

/// One channel of a guild as the doctor and the Amina import see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectedChannel {
    pub id: u64,
    pub name: String,
    pub category: bool,
    /// A text channel (where the log and panels may live).
    pub text: bool,
    pub parent: Option<u64>,
    pub topic: Option<String>,
    pub overwrites: Vec<Overwrite>,
}

/// A guild as Discord shows it to the bot.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GuildInspection {
    pub owner: u64,
    /// Every role as `(id, permissions)`, @everyone (id = guild) included.
    pub roles: Vec<(u64, u64)>,
    /// The bot's roles (besides @everyone).
    pub bot_roles: Vec<u64>,
    pub channels: Vec<InspectedChannel>,
}

impl Discord {
    /// The guilds the bot is in, `(id, name)`, paging 200 at a time.
    pub async fn bot_guilds(&self) -> DiscordResult<Vec<(u64, String)>> {
        let _turn = self.turn().await;
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = retry_limited!(self.global, "current_user_guilds", {
                let mut request = self.http.current_user_guilds().limit(200);
                if let Some(after) = after {
                    request = request.after(Id::<GuildMarker>::new(after));
                }
                request
            })?
            .models()
            .await?;
            let full = page.len() == 200;
            after = page.last().map(|g| g.id.get());
            out.extend(page.into_iter().map(|g| (g.id.get(), g.name)));
            if !full {
                return Ok(out);
            }
        }
    }

    /// The guild's owner, roles, the bot's roles and channels with their overwrites.
    pub async fn inspect_guild(&self, guild: u64) -> DiscordResult<GuildInspection> {
        let _turn = self.turn().await;
        let id = Id::<GuildMarker>::new(guild);
        let owner = retry_limited!(self.global, "guild", self.http.guild(id))?
            .model()
            .await?
            .owner_id
            .get();
        let roles = retry_limited!(self.global, "roles", self.http.roles(id))?
            .models()
            .await?
            .iter()
            .map(|r| (r.id.get(), r.permissions.bits()))
            .collect();
        let bot_roles = retry_limited!(
            self.global,
            "guild_member",
            self.http.guild_member(id, Id::new(self.bot_user_id()))
        )?
        .model()
        .await?
        .roles
        .iter()
        .map(|r| r.get())
        .collect();
        let channels = retry_limited!(self.global, "guild_channels", self.http.guild_channels(id))?
            .models()
            .await?
            .into_iter()
            .map(|c| InspectedChannel {
                id: c.id.get(),
                name: c.name.unwrap_or_default(),
                category: c.kind == ChannelType::GuildCategory,
                text: c.kind == ChannelType::GuildText,
                parent: c.parent_id.map(|p| p.get()),
                topic: c.topic,
                overwrites: c
                    .permission_overwrites
                    .unwrap_or_default()
                    .iter()
                    .map(super::domain_overwrite)
                    .collect(),
            })
            .collect();
        Ok(GuildInspection {
            owner,
            roles,
            bot_roles,
            channels,
        })
    }

    /// Whether `message` still exists in `channel` (`Ok(false)`: Discord says it or the channel
    /// is unknown). Reading it needs Read Message History, so a refusal is an error, not "gone".
    pub async fn message_exists(&self, channel: u64, message: u64) -> DiscordResult<bool> {
        let _turn = self.turn().await;
        let result = retry_limited!(
            self.global,
            "message",
            self.http
                .message(Id::<ChannelMarker>::new(channel), Id::new(message))
        );
        match result {
            Ok(_) => Ok(true),
            Err(e)
                if matches!(
                    e.code(),
                    Some(codes::UNKNOWN_MESSAGE) | Some(codes::UNKNOWN_CHANNEL)
                ) =>
            {
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// Renames a channel and sets its topic (the Amina import gives an adopted ticket
    /// Ticketeer's name and topic marker).
    pub async fn rename_channel(&self, channel: u64, name: &str, topic: &str) -> DiscordResult<()> {
        let _turn = self.turn().await;
        retry_limited!(
            self.global,
            "update_channel",
            self.http
                .update_channel(Id::<ChannelMarker>::new(channel))
                .name(name)
                .topic(topic)
        )?;
        Ok(())
    }
}
