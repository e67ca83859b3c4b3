//! Discord's privileged gateway intents, as the application's `flags` report them, and what the
//! bot tells people when one is off.
//!
//! An application switches these on in the Developer Portal (Bot → Privileged Gateway Intents).
//! Its flags carry one of two bits per intent: the full one (verified apps) or `_LIMITED` (apps
//! in fewer than 100 servers); either means enabled. What Discord withholds over REST follows
//! the application's setting, not what a gateway session asked for.

use crate::ui::text::{Text, t};

/// `GATEWAY_GUILD_MEMBERS` (1 << 14) or `GATEWAY_GUILD_MEMBERS_LIMITED` (1 << 15).
pub const SERVER_MEMBERS_FLAGS: u64 = (1 << 14) | (1 << 15);
/// `GATEWAY_MESSAGE_CONTENT` (1 << 18) or `GATEWAY_MESSAGE_CONTENT_LIMITED` (1 << 19).
pub const MESSAGE_CONTENT_FLAGS: u64 = (1 << 18) | (1 << 19);

/// Whether Discord lets the app read message text (content, embeds, attachments, components)
/// of messages other than its own, those mentioning it and DMs.
pub fn message_content(app_flags: u64) -> bool {
    app_flags & MESSAGE_CONTENT_FLAGS != 0
}

/// Whether a session may ask for the GUILD_MEMBERS intent (member-left events) without Discord
/// closing it with 4014.
pub fn server_members(app_flags: u64) -> bool {
    app_flags & SERVER_MEMBERS_FLAGS != 0
}

/// Where a self-hoster switches a privileged intent on.
pub const PORTAL_PATH: Text = Text::PortalPath;

/// What a transcript shows in place of a message whose text Discord withheld.
pub const WITHHELD_MARK: &str = "message text withheld by Discord: Message Content intent off";

/// The hub's status line, the close answer's note and the start-up warning while Message
/// Content is off.
pub fn message_content_off_note() -> String {
    t!(MessageContentOff, portal = PORTAL_PATH)
}

/// The start-up warning and hub status line while Server Members is off.
pub fn server_members_off_note() -> String {
    t!(ServerMembersOff, portal = PORTAL_PATH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn either_bit_of_a_pair_enables_the_intent() {
        assert!(!message_content(0));
        assert!(message_content(1 << 18));
        assert!(message_content(1 << 19));
        assert!(!message_content(1 << 14 | 1 << 15 | 1 << 12));
        assert!(server_members(1 << 14));
        assert!(server_members(1 << 15));
        assert!(!server_members(1 << 18 | 1 << 19 | 1 << 13));
    }
}
