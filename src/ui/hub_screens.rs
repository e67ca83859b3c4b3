//! The `/ticket` hub's screens and modals, and the panel message: pure functions of the
//! settings and of who asks.

use twilight_model::{
    channel::message::{
        Component, EmojiReactionType,
        component::{ActionRow, Button, ButtonStyle, SelectMenuType, TextInputStyle},
    },
    id::Id,
};

use crate::{
    discord::OutgoingMessage,
    domain::{
        access,
        custom_id::{self, Action, HubChoice, ManageChoice, SetupChoice, fields},
        limits,
        model::{OutsideHours, Panel, PanelStyle, Snowflake, SupportHours, Topic},
        naming,
        panel::{self as domain_panel, PanelEmoji},
        privileged,
    },
};

use super::{
    Modal, Screen,
    components::{
        auto_select, confirm_row, page_buttons, prefilled_input, string_select, text_input,
    },
    fit,
    text::{Lang, Slot, Text, t},
};

/// A topic's name as a screen shows it: cut, mentions broken, markdown escaped.
pub fn topic_shown(name: &str) -> String {
    naming::escape_markdown(&naming::neutralize(name, limits::TOPIC_NAME_MAX))
}

/// The hub: Setup and Manage for admins, Manage alone for staff; `status` lines (things that
/// fail unseen) under the prompt.
pub fn hub(is_admin: bool, status: &[String]) -> Screen {
    let options = HubChoice::ALL
        .iter()
        .filter(|c| is_admin || **c == HubChoice::Manage)
        .map(|c| {
            let label = match c {
                HubChoice::Setup => Text::HubSetup,
                HubChoice::Manage => Text::HubManage,
            };
            (c.as_str().to_owned(), label.to_string())
        })
        .collect();
    let mut text = Text::HubPrompt.to_string();
    for note in status {
        text.push('\n');
        text.push_str(&t!(Warning, note));
    }
    Screen::new(
        fit::cut(Slot::Content, text),
        vec![string_select(
            custom_id::encode(&Action::HubMenu),
            Text::HubPlaceholder.text(),
            options,
        )],
    )
}

/// What admins should know before anything else: things that fail without anyone seeing it.
pub fn status_lines(app_flags: u64, log_trouble: Option<String>) -> Vec<String> {
    let mut lines = Vec::new();
    if !privileged::message_content(app_flags) {
        lines.push(privileged::message_content_off_note());
    }
    if !privileged::server_members(app_flags) {
        lines.push(privileged::server_members_off_note());
    }
    lines.extend(log_trouble);
    lines
}

pub fn setup_menu() -> Screen {
    let options = SetupChoice::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), setup_label(*c).to_string()))
        .collect();
    Screen::new(
        Text::SetupPrompt.to_string(),
        vec![string_select(
            custom_id::encode(&Action::SetupMenu),
            Text::SetupPlaceholder.text(),
            options,
        )],
    )
}

fn setup_label(choice: SetupChoice) -> Text {
    match choice {
        SetupChoice::Panel => Text::SetupPanel,
        SetupChoice::PanelRemove => Text::SetupPanelRemove,
        SetupChoice::LogChannel => Text::SetupLogChannel,
        SetupChoice::Limits => Text::SetupLimits,
        SetupChoice::StaffRoles => Text::SetupStaffRoles,
        SetupChoice::TopicAdd => Text::SetupTopicAdd,
        SetupChoice::TopicList => Text::SetupTopicList,
        SetupChoice::TopicRemove => Text::SetupTopicRemove,
        SetupChoice::Language => Text::SetupLanguage,
        SetupChoice::Inactivity => Text::SetupInactivity,
        SetupChoice::Hours => Text::SetupHours,
        SetupChoice::Feedback => Text::SetupFeedback,
        SetupChoice::Questions => Text::SetupQuestions,
        SetupChoice::Controls => Text::SetupControls,
        SetupChoice::Blocklist => Text::SetupBlocklist,
        SetupChoice::PanelEdit => Text::SetupPanelEdit,
        SetupChoice::ReadyChannels => Text::SetupReadyChannels,
    }
}

/// The choice of the server's language: following Discord's, or one the bot speaks (each
/// named in itself).
pub fn language_menu() -> Screen {
    let follow = (
        custom_id::LANGUAGE_FOLLOW_SERVER.to_owned(),
        Text::LanguageFollowServer.to_string(),
    );
    let languages = Lang::ALL
        .iter()
        .map(|lang| (lang.code().to_owned(), lang.name().to_owned()));
    Screen::new(
        Text::LanguagePrompt.to_string(),
        vec![string_select(
            custom_id::encode(&Action::LanguageSelect),
            Text::LanguagePlaceholder.text(),
            std::iter::once(follow).chain(languages).collect(),
        )],
    )
}

pub fn manage_menu() -> Screen {
    let options = ManageChoice::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), manage_label(*c).to_string()))
        .collect();
    Screen::new(
        Text::ManagePrompt.to_string(),
        vec![string_select(
            custom_id::encode(&Action::ManageMenu),
            Text::ManagePlaceholder.text(),
            options,
        )],
    )
}

fn manage_label(choice: ManageChoice) -> Text {
    match choice {
        ManageChoice::CloseThis => Text::ManageCloseThis,
        ManageChoice::CloseAll => Text::ManageCloseAll,
        ManageChoice::AddUser => Text::ManageAddUser,
        ManageChoice::RemoveUser => Text::ManageRemoveUser,
    }
}

/// The topic choice shown to a member who clicks Open on a server with topics: `topics` are
/// those `panel` (the clicked message, when it is a known panel) offers.
pub fn topic_picker(
    topics: &[Topic],
    page: u32,
    opener: Snowflake,
    panel: Option<Snowflake>,
) -> Screen {
    let (options, has_prev, has_next) = topic_options(topics, page);
    let pick = match panel {
        Some(panel) => Action::PanelPick { opener, panel },
        None => Action::PickTopic { opener },
    };
    let mut components = vec![string_select(
        custom_id::encode(&pick),
        Text::TopicPickerPlaceholder.text(),
        options,
    )];
    let page = limits::clamp_page(topics.len(), page);
    components.extend(page_buttons(page, has_prev, has_next, |page| match panel {
        Some(panel) => Action::PanelPage {
            opener,
            panel,
            page,
        },
        None => Action::TopicPage { opener, page },
    }));
    Screen::new(Text::TopicPickerPrompt.to_string(), components)
}

fn topic_options(topics: &[Topic], page: u32) -> (Vec<(String, String)>, bool, bool) {
    let (items, prev, next) = limits::page(topics, page);
    (
        items
            .iter()
            .map(|t| {
                (
                    t.id.to_string(),
                    naming::neutralize(&t.name, limits::SELECT_OPTION_LABEL_MAX),
                )
            })
            .collect(),
        prev,
        next,
    )
}

pub fn topic_list(topics: &[Topic], page: u32) -> Screen {
    if topics.is_empty() {
        return Screen::text(Text::NoTopics.to_string());
    }
    let (items, prev, next) = limits::page(topics, page);
    let page = limits::clamp_page(topics.len(), page);
    let mut text = t!(
        TopicListHeading,
        page = page + 1,
        pages = limits::page_count(topics.len())
    );
    for topic in items {
        text.push('\n');
        text.push_str(&t!(TopicListItem, topic = topic_shown(&topic.name)));
    }
    let components = page_buttons(page, prev, next, |page| Action::TopicList { page })
        .into_iter()
        .collect();
    Screen::new(fit::cut(Slot::Content, text), components)
}

pub fn topic_remove(topics: &[Topic], page: u32) -> Screen {
    if topics.is_empty() {
        return Screen::text(Text::NoTopicsToRemove.to_string());
    }
    let (options, prev, next) = topic_options(topics, page);
    let page = limits::clamp_page(topics.len(), page);
    let mut components = vec![string_select(
        custom_id::encode(&Action::TopicRemoveSelect { page }),
        Text::TopicRemovePlaceholder.text(),
        options,
    )];
    components.extend(page_buttons(page, prev, next, |page| {
        Action::TopicRemoveSelect { page }
    }));
    Screen::new(Text::TopicRemovePrompt.to_string(), components)
}

pub fn topic_remove_confirm(topic: &Topic) -> Screen {
    Screen::new(
        t!(TopicRemoveConfirm, topic = topic_shown(&topic.name)),
        vec![confirm_row(
            Action::TopicRemoveConfirm { topic: topic.id },
            Text::RemoveButton,
        )],
    )
}

pub fn close_all_confirm(open: usize) -> Screen {
    Screen::new(
        t!(CloseAllConfirm, open),
        vec![confirm_row(Action::CloseAllConfirm, Text::CloseAllButton)],
    )
}

/// A prompt with a channel select that leads to `action`.
pub fn channel_prompt(text: Text, action: Action, placeholder: Text) -> Screen {
    Screen::new(
        text.to_string(),
        vec![auto_select(
            &action,
            placeholder,
            SelectMenuType::Channel,
            (1, 1),
        )],
    )
}

pub fn panel_remove(panels: &[Panel]) -> Screen {
    panel_list(panels, Text::PanelRemovePrompt, Action::PanelRemoveSelect)
}

/// The posted panels to pick one from with `action` (what for, `prompt` says).
pub fn panel_list(panels: &[Panel], prompt: Text, action: Action) -> Screen {
    if panels.is_empty() {
        return Screen::text(Text::NoPanels.to_string());
    }
    Screen::new(
        prompt.to_string(),
        vec![string_select(
            custom_id::encode(&action),
            Text::PanelPlaceholder.text(),
            panel_options(panels),
        )],
    )
}

/// The posted panels as select options: title and channel, the message id as the value.
pub fn panel_options(panels: &[Panel]) -> Vec<(String, String)> {
    panels
        .iter()
        .take(limits::SELECT_PAGE)
        .map(|p| {
            let title = naming::neutralize(&p.title, 60);
            (
                p.message.to_string(),
                t!(PanelOption, title, channel = p.channel),
            )
        })
        .collect()
}

pub fn staff_roles() -> Screen {
    Screen::new(
        t!(StaffRolesPrompt, max = access::MAX_STAFF_ROLES),
        vec![auto_select(
            &Action::StaffRoleSelect,
            Text::StaffRolesPlaceholder,
            SelectMenuType::Role,
            (0, access::MAX_STAFF_ROLES as u8),
        )],
    )
}

/// The member select for adding people to (or removing them from) `ticket`.
pub fn people_prompt(ticket: u64, add: bool) -> Screen {
    let max = access::MAX_USERS_PER_CHANGE;
    let (action, text) = if add {
        (Action::AddUserSelect { ticket }, t!(AddUsersPrompt, max))
    } else {
        (
            Action::RemoveUserSelect { ticket },
            t!(RemoveUsersPrompt, max),
        )
    };
    Screen::new(
        text,
        vec![auto_select(
            &action,
            Text::MembersPlaceholder,
            SelectMenuType::User,
            (1, max as u8),
        )],
    )
}

pub fn limits_modal(per_member: u32, per_guild: u32) -> Modal {
    let field = |id, label| text_input(id, label, TextInputStyle::Short, 3, true);
    Modal {
        custom_id: custom_id::encode(&Action::LimitsModal),
        title: Text::LimitsModalTitle.to_string(),
        components: vec![
            field(
                fields::LIMIT_PER_MEMBER,
                t!(LimitPerMemberLabel, limit = per_member),
            ),
            field(
                fields::LIMIT_PER_GUILD,
                t!(LimitPerGuildLabel, limit = per_guild),
            ),
        ],
    }
}

/// Hours quiet before the warning, hours after it before the close, whom it pings. The
/// fields start empty: Discord's modals show no current value without one, and the answer to
/// the save says what is now set.
pub fn inactivity_modal() -> Modal {
    let field = |id, label: Text, max, required| {
        text_input(id, label.to_string(), TextInputStyle::Short, max, required)
    };
    Modal {
        custom_id: custom_id::encode(&Action::InactivityModal),
        title: Text::InactivityModalTitle.to_string(),
        components: vec![
            field(fields::WARN_AFTER, Text::WarnAfterLabel, 4, true),
            field(fields::CLOSE_AFTER, Text::CloseAfterLabel, 4, false),
            field(fields::STALE_PING, Text::StalePingLabel, 6, false),
            field(fields::OPENER_LEAVES, Text::OpenerLeavesLabel, 3, false),
            field(
                fields::FORM_TOPIC,
                Text::FormTopicLabel,
                limits::TOPIC_NAME_MAX as u16,
                false,
            ),
        ],
    }
}

/// The support hours form, prefilled with what is set (Discord shows a field's current value
/// only when the bot sends it).
pub fn hours_modal(hours: &SupportHours) -> Modal {
    let field = |id, label: Text, style, max: usize, value: String| {
        let style = (style, max as u16);
        prefilled_input(id, label.to_string(), style, false, Some(value))
    };
    let outside = match hours.outside {
        OutsideHours::Refuse => "refuse",
        OutsideHours::Notice => "notice",
    };
    Modal {
        custom_id: custom_id::encode(&Action::HoursModal),
        title: Text::HoursModalTitle.to_string(),
        components: vec![
            field(
                fields::HOURS_ZONE,
                Text::HoursZoneLabel,
                TextInputStyle::Short,
                limits::HOURS_ZONE_MAX,
                hours.zone.clone(),
            ),
            field(
                fields::HOURS_WINDOWS,
                Text::HoursWindowsLabel,
                TextInputStyle::Paragraph,
                limits::HOURS_WINDOWS_MAX,
                crate::domain::hours::describe(hours),
            ),
            field(
                fields::HOURS_OUTSIDE,
                Text::HoursOutsideLabel,
                TextInputStyle::Short,
                6,
                outside.to_owned(),
            ),
            field(
                fields::FORM_TOPIC,
                Text::FormTopicLabel,
                TextInputStyle::Short,
                limits::TOPIC_NAME_MAX,
                String::new(),
            ),
        ],
    }
}

/// How many ready channels to keep (0 turns them off); empty, as Discord shows no current
/// value, and the answer to the save says what is now set.
pub fn ready_modal() -> Modal {
    Modal {
        custom_id: custom_id::encode(&Action::ReadyModal),
        title: Text::ReadyModalTitle.to_string(),
        components: vec![text_input(
            fields::READY_SIZE,
            Text::ReadySizeLabel.to_string(),
            TextInputStyle::Short,
            3,
            true,
        )],
    }
}

pub fn topic_add_modal() -> Modal {
    Modal {
        custom_id: custom_id::encode(&Action::TopicAddModal),
        title: Text::TopicAddModalTitle.to_string(),
        components: vec![text_input(
            fields::TOPIC_NAME,
            Text::TopicNameLabel.to_string(),
            TextInputStyle::Short,
            limits::TOPIC_NAME_MAX as u16,
            true,
        )],
    }
}

/// The panel's texts, for the panel to be posted in `channel`.
pub fn panel_modal(channel: Snowflake) -> Modal {
    let input = |id, label: Text, style, max: usize, required| {
        text_input(id, label.to_string(), style, max as u16, required)
    };
    Modal {
        custom_id: custom_id::encode(&Action::PanelModal { channel }),
        title: Text::PanelModalTitle.to_string(),
        components: vec![
            input(
                fields::PANEL_TITLE,
                Text::PanelTitleLabel,
                TextInputStyle::Short,
                limits::PANEL_TITLE_MAX,
                true,
            ),
            // Discord's text inputs hold at most 4000 characters.
            input(
                fields::PANEL_DESCRIPTION,
                Text::PanelDescriptionLabel,
                TextInputStyle::Paragraph,
                4000,
                true,
            ),
            input(
                fields::PANEL_FOOTER,
                Text::PanelFooterLabel,
                TextInputStyle::Short,
                limits::PANEL_FOOTER_MAX,
                false,
            ),
        ],
    }
}

pub fn close_reason_modal(ticket: u64) -> Modal {
    Modal {
        custom_id: custom_id::encode(&Action::CloseReasonModal { ticket }),
        title: t!(CloseReasonModalTitle, number = ticket),
        components: vec![text_input(
            fields::CLOSE_REASON,
            Text::CloseReasonLabel.to_string(),
            TextInputStyle::Paragraph,
            limits::REASON_MAX as u16,
            false,
        )],
    }
}

/// The panel: an embed with the admin's texts and the Open button.
pub fn panel_message(panel: &Panel, topics: &[Topic]) -> OutgoingMessage {
    let offered = panel.offered(topics);
    let select = panel.style == PanelStyle::TopicSelect
        && !offered.is_empty()
        && offered.len() <= limits::SELECT_PAGE;
    let opener = if select {
        let options = offered
            .iter()
            .map(|t| {
                (
                    t.id.to_string(),
                    naming::neutralize(&t.name, limits::SELECT_OPTION_LABEL_MAX),
                )
            })
            .collect();
        let placeholder = match panel.label.as_str() {
            "" => Text::TopicPickerPlaceholder.text().to_owned(),
            label => fit::cut(Slot::SelectPlaceholder, label.to_owned()),
        };
        string_select(
            custom_id::encode(&Action::PanelTopic),
            &placeholder,
            options,
        )
    } else {
        open_button(panel)
    };
    OutgoingMessage {
        embeds: vec![crate::discord::embed(
            &panel.title,
            &panel.description,
            panel.color,
            Some(&panel.footer),
        )],
        components: vec![opener],
        ..Default::default()
    }
}

/// A panel's Open button: its label (the catalog's when none is set), emoji and colour.
fn open_button(panel: &Panel) -> Component {
    let label = match panel.label.as_str() {
        "" => Text::OpenTicketButton.to_string(),
        label => fit::cut(Slot::ButtonLabel, label.to_owned()),
    };
    let emoji = match domain_panel::parse_emoji(&panel.emoji) {
        Ok(Some(PanelEmoji::Unicode(name))) => Some(EmojiReactionType::Unicode { name }),
        Ok(Some(PanelEmoji::Custom { animated, id, name })) => Some(EmojiReactionType::Custom {
            animated,
            id: Id::new(id),
            name: Some(name),
        }),
        // Stored only once it parsed; anything else shows no emoji rather than a refused post.
        _ => None,
    };
    let style = match panel.style {
        PanelStyle::Grey => ButtonStyle::Secondary,
        PanelStyle::Green => ButtonStyle::Success,
        PanelStyle::Red => ButtonStyle::Danger,
        PanelStyle::Blue | PanelStyle::TopicSelect => ButtonStyle::Primary,
    };
    Component::ActionRow(ActionRow {
        id: None,
        components: vec![Component::Button(Button {
            custom_id: Some(custom_id::encode(&Action::OpenTicket)),
            disabled: false,
            emoji,
            id: None,
            label: Some(label),
            sku_id: None,
            style,
            url: None,
        })],
    })
}

/// The answer once staff roles are saved.
pub fn staff_roles_saved(roles: &[Snowflake]) -> String {
    if roles.is_empty() {
        return Text::StaffRolesCleared.to_string();
    }
    let roles = roles
        .iter()
        .map(|r| format!("<@&{r}>"))
        .collect::<Vec<_>>()
        .join(", ");
    t!(StaffRolesSaved, roles)
}

/// Why the bot cannot use `channel` for `purpose`: the permissions it lacks there.
pub fn bot_cannot_use(channel: Snowflake, purpose: Text, missing: &[&str]) -> String {
    let key = if missing.len() == 1 {
        Text::BotMissingPermission
    } else {
        Text::BotMissingPermissions
    };
    let missing = missing.join("**, **");
    crate::ui::text::render(
        key,
        &[
            ("channel", &channel),
            ("purpose", &purpose),
            ("missing", &missing),
        ],
    )
}

/// The rows a screen offers, for tests.
#[cfg(test)]
pub(crate) fn custom_ids(
    components: &[twilight_model::channel::message::Component],
) -> Vec<String> {
    use twilight_model::channel::message::Component as C;
    components
        .iter()
        .flat_map(|c| match c {
            C::ActionRow(row) => row.components.clone(),
            other => vec![other.clone()],
        })
        .filter_map(|c| match c {
            C::Button(b) => b.custom_id,
            C::SelectMenu(s) => Some(s.custom_id),
            C::TextInput(i) => Some(i.custom_id),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topics(n: u32, name: &str) -> Vec<Topic> {
        (0..n)
            .map(|id| Topic {
                id,
                name: name.to_owned(),
                category: None,
            })
            .collect()
    }

    #[test]
    fn status_lines_name_each_thing_that_fails_unseen() {
        use privileged::{MESSAGE_CONTENT_FLAGS, SERVER_MEMBERS_FLAGS};
        let all_on = MESSAGE_CONTENT_FLAGS | SERVER_MEMBERS_FLAGS;
        assert!(status_lines(all_on, None).is_empty());
        let lines = status_lines(SERVER_MEMBERS_FLAGS, Some("log gone".into()));
        assert_eq!(lines.len(), 2);
        assert!(lines[0].contains("Message Content intent is off"));
        assert_eq!(lines[1], "log gone");
        assert!(status_lines(0, None)[1].contains("Server Members intent is off"));
    }

    #[test]
    fn staff_see_manage_only_and_admins_both() {
        let admin = hub(true, &[]);
        let staff = hub(false, &["a note".into()]);
        assert_eq!(admin.text, "**Ticket hub**: choose what to do.");
        assert_eq!(staff.text, "**Ticket hub**: choose what to do.\n⚠️ a note");
        use twilight_model::channel::message::Component;
        let options = |s: &Screen| match &s.components[0] {
            Component::ActionRow(row) => match &row.components[0] {
                Component::SelectMenu(m) => m.options.clone().unwrap_or_default().len(),
                _ => 0,
            },
            _ => 0,
        };
        assert_eq!((options(&admin), options(&staff)), (2, 1));
    }

    #[test]
    fn the_worst_hub_fits_a_message() {
        let notes = status_lines(
            0,
            Some(crate::ui::text::t!(LogCannotPost, channel = u64::MAX)),
        );
        assert!(hub(true, &notes).text.chars().count() <= limits::MESSAGE_CONTENT_MAX);
    }

    #[test]
    fn a_full_page_of_the_longest_topic_names_fits_a_message() {
        let worst = "*".repeat(limits::TOPIC_NAME_MAX);
        let screen = topic_list(&topics(limits::MAX_TOPICS as u32, &worst), 0);
        assert!(screen.text.chars().count() <= limits::MESSAGE_CONTENT_MAX);
        assert!(screen.text.starts_with("**Topics** (page 1 of 4):\n- "));
    }

    #[test]
    fn topic_pages_link_to_their_neighbours() {
        let many = topics(30, "Billing");
        let first = topic_list(&many, 0);
        assert_eq!(
            custom_ids(&first.components),
            [custom_id::encode(&Action::TopicList { page: 1 })]
        );
        let picker = topic_picker(&many, 5, 42, None);
        let ids = custom_ids(&picker.components);
        assert_eq!(ids.len(), 2, "the select and Previous: {ids:?}");
        assert_eq!(
            ids[1],
            custom_id::encode(&Action::TopicPage {
                opener: 42,
                page: 0
            })
        );
        assert_eq!(topic_remove(&[], 0).text, "There are no topics to remove.");
        assert_eq!(
            topic_list(&[], 0).text,
            "No topics yet. Add one from Setup."
        );
    }

    #[test]
    fn quoted_limits_come_from_their_constants() {
        assert_eq!(
            people_prompt(3, true).text,
            format!(
                "Choose up to {} members to add.",
                access::MAX_USERS_PER_CHANGE
            )
        );
        assert!(
            staff_roles()
                .text
                .contains(&access::MAX_STAFF_ROLES.to_string())
        );
    }

    #[test]
    fn missing_permissions_are_named_in_the_singular_or_plural() {
        let one = bot_cannot_use(5, Text::PurposeLogChannel, &["Embed Links"]);
        assert_eq!(
            one,
            "I can't use <#5> as the log channel: I am missing **Embed Links** there. Give me (or my role) that permission in that channel's settings, or choose another channel."
        );
        let two = bot_cannot_use(
            5,
            Text::PurposePanelChannel,
            &["View Channel", "Send Messages"],
        );
        assert!(
            two.contains("**View Channel**, **Send Messages**")
                && two.contains("those permissions")
        );
    }

    #[test]
    fn modals_fit_discords_limits() {
        let worst = close_reason_modal(u64::MAX);
        assert!(worst.title.chars().count() <= limits::MODAL_TITLE_MAX);
        assert_eq!(limits_modal(2, 50).components.len(), 2);
        assert_eq!(
            panel_modal(9).custom_id,
            custom_id::encode(&Action::PanelModal { channel: 9 })
        );
    }

    #[test]
    fn staff_roles_saved_mentions_each_role() {
        assert_eq!(staff_roles_saved(&[]), "Staff roles cleared.");
        assert_eq!(
            staff_roles_saved(&[1, 2]),
            "Staff roles saved: <@&1>, <@&2>. Applied to the ticket categories and every open ticket."
        );
    }

    proptest::proptest! {
        /// Whatever an admin typed that the hub accepts, the panel is a message Discord takes,
        /// and it pings nobody (no content: embeds and components never mention).
        #[test]
        fn any_accepted_panel_is_a_message_discord_takes(
            texts in (".{1,300}", ".{0,300}", ".{0,100}"),
            label in ".{0,100}",
            emoji in proptest::prop_oneof![proptest::strategy::Just("🎫".to_owned()), ".{0,12}"],
            look in (0..PanelStyle::ALL.len(), proptest::prelude::any::<u32>(), 0..30u32),
        ) {
            let (title, description, footer) = texts;
            let (style, color, topic_count) = look;
            let Ok((title, description, footer)) =
                limits::validate_panel_text(&title, &description, &footer)
            else {
                return Ok(());
            };
            let Ok(label) = domain_panel::parse_label(&label) else {
                return Ok(());
            };
            let emoji = match domain_panel::parse_emoji(&emoji) {
                Ok(_) => emoji.trim().to_owned(),
                Err(_) => String::new(),
            };
            let panel = Panel {
                color: color & 0xFF_FFFF,
                style: PanelStyle::ALL[style],
                label,
                emoji,
                ..Panel::new(1, 2, title, description, footer)
            };
            let message = panel_message(&panel, &topics(topic_count, "topic @everyone"));
            proptest::prop_assert!(message.content.is_none());
            let body = serde_json::json!({
                "embeds": message.embeds,
                "components": message.components,
            });
            let checked = crate::sim::validate::message(&body);
            proptest::prop_assert!(checked.is_ok(), "{checked:?}");
        }
    }
}
