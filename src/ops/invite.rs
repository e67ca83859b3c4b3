//! `ticketeer invite`: the OAuth2 link a server admin opens to add the bot.
//!
//! The permission integer is [`access::BOT_REQUIRED`], the list the bot's own checks and the
//! doctor use, so the link grants exactly what the bot needs and nothing more.

use crate::domain::access::{self, perms};

/// Both scopes: `bot` adds the bot user, `applications.commands` lets it register `/ticket`.
pub const SCOPES: [&str; 2] = ["bot", "applications.commands"];

/// Discord's authorization page.
const AUTHORIZE: &str = "https://discord.com/oauth2/authorize";

/// The permission integer the invite asks for.
pub fn permissions() -> u64 {
    access::BOT_REQUIRED
}

/// The invite link for the application `application_id`.
pub fn url(application_id: u64) -> String {
    format!(
        "{AUTHORIZE}?client_id={application_id}&scope={}&permissions={}",
        SCOPES.join("+"),
        permissions()
    )
}

/// What `ticketeer invite` prints: the link, then the permissions it grants by name.
pub fn explain(application_id: u64) -> String {
    let names = access::missing_permissions(0, permissions()).join(", ");
    format!(
        "{}\n\nOpen this link as an admin of your server (Manage Server) and pick the server.\n\
         It adds the bot with the scopes {} and these permissions on its role: {names}.\n\
         Leave them ticked: Discord lets the bot grant in a ticket channel only what its role holds.",
        url(application_id),
        SCOPES.join(" and "),
    )
}

/// Whether every bit the bot grants in an overwrite or needs in a channel is in the invite.
/// Discord refuses an overwrite granting a permission the bot's role lacks.
pub fn covers_every_check() -> bool {
    let needed = access::STAFF_ALLOW
        | access::MEMBER_ALLOW
        | access::LOG_CHANNEL_NEEDS
        | access::PANEL_CHANNEL_NEEDS
        | perms::MANAGE_ROLES;
    permissions() & needed == needed
}

/// `ticketeer invite`: the link for `--application-id`, or for the token's application.
pub async fn run(args: &super::args::InviteArgs) -> Result<String, super::OpsError> {
    let application_id = match args.application_id {
        Some(id) => id,
        None => {
            let token = super::token::resolve(args.token.as_deref(), args.token_file.as_ref())
                .map_err(|e| format!("{e} (or pass --application-id)"))?;
            crate::discord::install_crypto_provider();
            crate::discord::Discord::connect(&token, args.discord_api.as_deref(), true)
                .await?
                .application_id()
        }
    };
    Ok(explain(application_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_carries_both_scopes_and_the_bots_permission_integer() {
        let link = url(1234);
        assert_eq!(
            link,
            "https://discord.com/oauth2/authorize?client_id=1234&scope=bot+applications.commands&permissions=268553232"
        );
        // 268553232 = Manage Channels, View Channel, Send Messages, Embed Links, Attach Files,
        // Read Message History, Manage Roles: nothing else, Administrator least of all.
        assert_eq!(permissions() & perms::ADMINISTRATOR, 0);
        assert_eq!(permissions() & perms::MANAGE_GUILD, 0);
    }

    #[test]
    fn the_invite_covers_what_the_bot_grants_and_checks() {
        assert!(covers_every_check());
    }

    #[test]
    fn the_explanation_names_each_permission() {
        let text = explain(1);
        for name in [
            "Manage Channels",
            "Manage Roles",
            "View Channel",
            "Send Messages",
            "Embed Links",
            "Attach Files",
            "Read Message History",
        ] {
            assert!(text.contains(name), "{name} in {text}");
        }
        assert!(!text.contains("Administrator"));
    }
}
