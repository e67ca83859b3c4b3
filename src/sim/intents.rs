//! Privileged intents as Discord models them: the application's settings (its `flags`) decide
//! what REST shows and which gateway intents an identify may ask for; the session's intents only
//! filter what the gateway sends on top of that.

use serde_json::{Value, json};

/// Application flags (Discord's "Application Flags"); either flag of a pair means enabled.
pub mod flags {
    pub const GATEWAY_PRESENCE: u64 = 1 << 12;
    pub const GATEWAY_PRESENCE_LIMITED: u64 = 1 << 13;
    pub const GATEWAY_GUILD_MEMBERS: u64 = 1 << 14;
    pub const GATEWAY_GUILD_MEMBERS_LIMITED: u64 = 1 << 15;
    pub const GATEWAY_MESSAGE_CONTENT: u64 = 1 << 18;
    pub const GATEWAY_MESSAGE_CONTENT_LIMITED: u64 = 1 << 19;
    /// The only flags an application may change through `PATCH /applications/@me`.
    pub const LIMITED: u64 =
        GATEWAY_PRESENCE_LIMITED | GATEWAY_GUILD_MEMBERS_LIMITED | GATEWAY_MESSAGE_CONTENT_LIMITED;
}

/// Gateway intents that need the application's approval.
pub mod privileged {
    pub const GUILD_MEMBERS: u64 = 1 << 1;
    pub const GUILD_PRESENCES: u64 = 1 << 8;
    pub const MESSAGE_CONTENT: u64 = 1 << 15;
    pub const ALL: u64 = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT;
}

/// The three privileged-intent switches of an application's Bot page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrivilegedIntents {
    pub message_content: bool,
    pub server_members: bool,
    pub presence: bool,
}

impl PrivilegedIntents {
    /// The application flags Discord reports for these switches (the unlimited variants, as for
    /// a verified bot or one in fewer than 100 guilds).
    pub fn flags(self) -> u64 {
        let mut f = 0;
        if self.message_content {
            f |= flags::GATEWAY_MESSAGE_CONTENT;
        }
        if self.server_members {
            f |= flags::GATEWAY_GUILD_MEMBERS;
        }
        if self.presence {
            f |= flags::GATEWAY_PRESENCE;
        }
        f
    }
}

pub fn has_message_content(app_flags: u64) -> bool {
    app_flags & (flags::GATEWAY_MESSAGE_CONTENT | flags::GATEWAY_MESSAGE_CONTENT_LIMITED) != 0
}

/// The privileged gateway intents the application's flags allow.
pub fn allowed_privileged(app_flags: u64) -> u64 {
    let mut allowed = 0;
    if has_message_content(app_flags) {
        allowed |= privileged::MESSAGE_CONTENT;
    }
    if app_flags & (flags::GATEWAY_GUILD_MEMBERS | flags::GATEWAY_GUILD_MEMBERS_LIMITED) != 0 {
        allowed |= privileged::GUILD_MEMBERS;
    }
    if app_flags & (flags::GATEWAY_PRESENCE | flags::GATEWAY_PRESENCE_LIMITED) != 0 {
        allowed |= privileged::GUILD_PRESENCES;
    }
    allowed
}

/// Privileged intents an identify asks for that the application has not enabled: Discord closes
/// such a connection with 4014.
pub fn disallowed(identify_intents: u64, app_flags: u64) -> u64 {
    identify_intents & privileged::ALL & !allowed_privileged(app_flags)
}

/// Whether a message's content reaches an app without Message Content anyway: its own messages,
/// messages that mention it, and DMs.
pub fn content_exempt(msg: &Value, in_guild: bool, bot_id: u64) -> bool {
    let bot = bot_id.to_string();
    let author = msg.pointer("/author/id").and_then(Value::as_str);
    let mentioned = msg
        .get("mentions")
        .and_then(Value::as_array)
        .is_some_and(|m| {
            m.iter()
                .any(|u| u.get("id").and_then(Value::as_str) == Some(&bot))
        });
    !in_guild || author == Some(bot.as_str()) || mentioned
}

/// Empties what Message Content guards: content, embeds, attachments, components, a poll and the
/// content of forwarded snapshots.
pub fn blank_content(msg: &mut Value) {
    let Some(obj) = msg.as_object_mut() else {
        return;
    };
    obj.insert("content".into(), json!(""));
    for key in ["embeds", "attachments", "components"] {
        obj.insert(key.into(), json!([]));
    }
    obj.remove("poll");
    if let Some(Value::Array(snaps)) = obj.get_mut("message_snapshots") {
        for snap in snaps {
            if let Some(inner) = snap.get_mut("message") {
                blank_content(inner);
            }
        }
    }
}

/// A message as an app with `app_flags` sees it over REST; a replied-to message is judged on its
/// own author and mentions.
pub fn withhold(msg: &mut Value, in_guild: bool, bot_id: u64, app_flags: u64) {
    if has_message_content(app_flags) {
        return;
    }
    if !content_exempt(msg, in_guild, bot_id) {
        blank_content(msg);
    }
    if let Some(r) = msg.get_mut("referenced_message").filter(|r| r.is_object()) {
        withhold(r, in_guild, bot_id, app_flags);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOT: u64 = 7;

    fn msg(author: u64, mentions: &[u64]) -> Value {
        json!({
            "id": "1",
            "author": {"id": author.to_string()},
            "content": "secret",
            "embeds": [{"type": "rich", "title": "t"}],
            "attachments": [{"id": "3"}],
            "components": [{"type": 1}],
            "mentions": mentions.iter().map(|m| json!({"id": m.to_string()})).collect::<Vec<_>>(),
            "poll": {"question": {"text": "q"}},
        })
    }

    #[test]
    fn a_members_guild_message_is_blanked_without_the_flag() {
        let mut m = msg(9, &[]);
        withhold(&mut m, true, BOT, 0);
        assert_eq!(m["content"], "");
        assert_eq!(m["embeds"], json!([]));
        assert_eq!(m["attachments"], json!([]));
        assert_eq!(m["components"], json!([]));
        assert!(m.get("poll").is_none());
    }

    #[test]
    fn exemptions_keep_content() {
        for (mut m, in_guild) in [
            (msg(BOT, &[]), true),
            (msg(9, &[BOT]), true),
            (msg(9, &[]), false),
        ] {
            withhold(&mut m, in_guild, BOT, 0);
            assert_eq!(m["content"], "secret");
            assert_eq!(m["attachments"].as_array().map(Vec::len), Some(1));
        }
    }

    #[test]
    fn either_flag_of_the_pair_shows_content() {
        for f in [
            flags::GATEWAY_MESSAGE_CONTENT,
            flags::GATEWAY_MESSAGE_CONTENT_LIMITED,
        ] {
            let mut m = msg(9, &[]);
            withhold(&mut m, true, BOT, f);
            assert_eq!(m["content"], "secret");
        }
    }

    #[test]
    fn replied_to_and_forwarded_messages_are_judged_too() {
        let mut m = msg(BOT, &[]);
        m["referenced_message"] = msg(9, &[]);
        withhold(&mut m, true, BOT, 0);
        assert_eq!(m["content"], "secret");
        assert_eq!(m["referenced_message"]["content"], "");

        let mut fwd = msg(9, &[]);
        fwd["message_snapshots"] = json!([{"message": {"content": "inner", "embeds": []}}]);
        blank_content(&mut fwd);
        assert_eq!(fwd["message_snapshots"][0]["message"]["content"], "");
    }

    #[test]
    fn identify_may_only_ask_for_enabled_privileged_intents() {
        let members = PrivilegedIntents {
            message_content: false,
            server_members: true,
            presence: false,
        };
        let f = members.flags();
        assert_eq!(disallowed(privileged::GUILD_MEMBERS | 1, f), 0);
        assert_eq!(
            disallowed(privileged::MESSAGE_CONTENT | 1, f),
            privileged::MESSAGE_CONTENT
        );
        assert_eq!(
            disallowed(privileged::GUILD_PRESENCES, f),
            privileged::GUILD_PRESENCES
        );
        assert_eq!(
            disallowed(
                privileged::ALL,
                flags::GATEWAY_PRESENCE_LIMITED | (1 << 19) | (1 << 15)
            ),
            0
        );
    }
}
