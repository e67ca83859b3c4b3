//! The `/ticket` hub as a decision: from the settings, who asks, the action and what they
//! entered, the [`Step`] the guild actor carries out. Permissions, validation and the choice of
//! screen are all here and pure; sending, saving and Discord calls are the actor's.

use std::collections::BTreeMap;

use crate::domain::{
    access,
    custom_id::{self, Action, HubChoice, ManageChoice, SetupChoice, fields},
    hours::{self, HoursError},
    limits,
    model::{
        GuildSettings, Inactivity, OutsideHours, Panel, Snowflake, StalePing, SupportHours, Topic,
    },
};

use super::{
    Modal, Screen, hub_screens as screens,
    intake_hub::{self, Outcome, RuntimeStep},
    text::{Lang, Text, t},
};

/// Who clicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Who {
    pub user: Snowflake,
    /// Manage Server (or Administrator): Setup.
    pub is_admin: bool,
    /// A staff role or Manage Server: Manage.
    pub is_staff: bool,
}

/// What the guild knows besides its settings that a decision needs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// The guild (its id is its @everyone role's).
    pub guild: Snowflake,
    /// The ticket whose channel the click came from.
    pub ticket_here: Option<u64>,
    /// How many tickets are open.
    pub open_tickets: usize,
    /// The channel the click came from and the bot's permissions there, if Discord sent them.
    pub channel: Snowflake,
    pub app_permissions: Option<u64>,
}

/// What the person entered: a select's values or a modal's fields.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub values: &'a [String],
    pub fields: Option<&'a BTreeMap<String, String>>,
}

impl Input<'_> {
    fn first(&self) -> Option<&str> {
        self.values.first().map(String::as_str)
    }

    fn ids(&self) -> Vec<Snowflake> {
        self.values.iter().filter_map(|v| v.parse().ok()).collect()
    }

    fn field(&self, name: &str) -> &str {
        self.fields
            .and_then(|f| f.get(name))
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// How an answer replaces what the person sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A new ephemeral message (after a modal).
    Ephemeral,
    /// In place of the menu that was used.
    InPlace,
}

/// A change to the settings, applied once durable answers are due.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Limits {
        per_member: u32,
        per_guild: u32,
    },
    StaffRoles(Vec<Snowflake>),
    LogChannel(Snowflake),
    /// A Discord locale code, or `None` to follow the server's preferred locale.
    Language(Option<String>),
    AddPanel(Box<Panel>),
    RemovePanel {
        message: Snowflake,
    },
    /// A posted panel as it was edited in its message.
    EditPanel(Box<Panel>),
    /// Panels whose message or channel a person deleted (by message id).
    ForgetPanels(Vec<Snowflake>),
    AddTopic {
        name: String,
        category: Option<Snowflake>,
    },
    RemoveTopic {
        topic: u32,
    },
    Inactivity(Inactivity),
    Intake(crate::domain::intake::IntakeChange),
    /// Boxed, as the next: rare, and every hub step would carry their size.
    Hours(Box<SupportHours>),
    /// Switches feedback off (`true`) or on.
    FeedbackOff(bool),
    /// A topic's own inactivity rules.
    TopicInactivity(u32, Inactivity),
    /// A topic's own support hours.
    TopicHours(u32, Box<SupportHours>),
}

impl Change {
    /// The setting it changes, for the log.
    pub fn what(&self) -> &'static str {
        match self {
            Change::Limits { .. } => "limits",
            Change::StaffRoles(_) => "staff roles",
            Change::LogChannel(_) => "the log channel",
            Change::Language(_) => "the language",
            Change::AddPanel(_) => "the panel",
            Change::RemovePanel { .. } => "the panel removal",
            Change::EditPanel(_) => "the panel",
            Change::ForgetPanels(_) => "the deleted panels",
            Change::AddTopic { .. } => "the topic",
            Change::RemoveTopic { .. } => "the topic removal",
            Change::Inactivity(_) => "inactivity",
            Change::Intake(_) => "the intake",
            Change::Hours(_) => "support hours",
            Change::FeedbackOff(_) => "feedback",
            Change::TopicInactivity(..) => "a topic's inactivity",
            Change::TopicHours(..) => "a topic's support hours",
        }
    }

    pub fn apply(self, settings: &mut GuildSettings) {
        match self {
            Change::Limits {
                per_member,
                per_guild,
            } => {
                settings.per_member_limit = per_member;
                settings.per_guild_limit = per_guild;
            }
            Change::StaffRoles(roles) => settings.staff_roles = roles,
            Change::LogChannel(channel) => settings.log_channel = Some(channel),
            Change::Language(code) => settings.language = code,
            Change::AddPanel(panel) => settings.panels.push(*panel),
            Change::RemovePanel { message } => settings.panels.retain(|p| p.message != message),
            Change::EditPanel(edit) => {
                if let Some(panel) = settings
                    .panels
                    .iter_mut()
                    .find(|p| p.message == edit.message)
                {
                    *panel = *edit;
                }
            }
            Change::ForgetPanels(gone) => settings.panels.retain(|p| !gone.contains(&p.message)),
            Change::AddTopic { name, category } => {
                let id = settings.next_topic_id;
                settings.next_topic_id += 1;
                settings.topics.push(Topic { id, name, category });
            }
            Change::RemoveTopic { topic } => settings.topics.retain(|t| t.id != topic),
            Change::Inactivity(inactivity) => settings.inactivity = inactivity,
            Change::FeedbackOff(off) => settings.feedback_off = off,
            Change::TopicHours(topic, hours) => {
                settings.topic_hours.retain(|(t, _)| *t != topic);
                settings.topic_hours.push((topic, *hours));
            }
            Change::TopicInactivity(topic, inactivity) => {
                settings.topic_inactivity.retain(|(t, _)| *t != topic);
                settings.topic_inactivity.push((topic, inactivity));
            }
            Change::Hours(hours) => {
                // The bypass roles are kept: the form does not show them.
                let bypass = std::mem::take(&mut settings.hours.bypass_roles);
                settings.hours = SupportHours {
                    bypass_roles: bypass,
                    ..*hours
                };
            }
            Change::Intake(change) => {
                // Checked when decided; a form filled meanwhile by another admin is left as is.
                if let Err(error) = change.apply(&mut settings.intake) {
                    tracing::warn!(%error, "intake change no longer applies");
                }
            }
        }
    }
}

/// A settings change and what to answer once it is durable (or could not be saved).
#[derive(Debug, Clone, PartialEq)]
pub struct Save {
    pub change: Change,
    pub answer: Answer,
    pub done: String,
    pub failed: Text,
}

/// What a ticket's actor is asked to do from the Manage menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketRequest {
    Close,
    AddUsers(Vec<Snowflake>),
    RemoveUsers(Vec<Snowflake>),
}

/// The panel texts an admin entered (validated) and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelPost {
    pub channel: Snowflake,
    /// The bot's permissions there, when the click came from that channel.
    pub known_permissions: Option<u64>,
    pub title: String,
    pub description: String,
    pub footer: String,
}

/// What the guild actor does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// A new ephemeral message.
    Show(Screen),
    /// In place of the menu that was used.
    Update(Screen),
    OpenModal(Modal),
    /// An ephemeral refusal; `why` is for the log.
    Refuse {
        text: String,
        why: &'static str,
    },
    /// Save the settings, then answer.
    Save(Save),
    /// Check the bot may post there, make sure the tickets category exists, post, remember.
    PostPanel(PanelPost),
    /// Check the bot may log there, then save.
    SetLogChannel {
        channel: Snowflake,
        known_permissions: Option<u64>,
    },
    /// Create the topic's category, then save the topic.
    AddTopic {
        name: String,
    },
    /// Delete the panel's message and forget it.
    RemovePanel(Box<Panel>),
    /// Move the topic's open tickets to the default category, forget it, delete its category.
    RemoveTopic(Topic),
    CloseAll,
    /// Staff roles changed: save, and re-apply every overwrite.
    SetStaffRoles(Save),
    /// The ready-channel pool's size (0: off), saved in the pool's own record; answered with
    /// `done` once durable.
    SetReady {
        size: u32,
        done: String,
    },
    ToTicket {
        ticket: u64,
        request: TicketRequest,
    },
    /// The blocklist and members' opens (not settings).
    Intake(RuntimeStep),
    /// Edit a posted panel's message, then keep it (or forget it if it is gone).
    EditPanel(Box<Panel>),
    /// Check the bot may run private threads in the panel's `threads_in` (if any), then keep
    /// the panel so.
    SetPanelThreads {
        panel: Box<Panel>,
        known_permissions: Option<u64>,
    },
    /// Check which posted panels still exist (forgetting, and naming, those a person deleted),
    /// then show the list.
    ListPanels(PanelList),
}

/// A list of the posted panels, to pick one from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelList {
    Edit,
    Remove,
}

impl PanelList {
    /// The list of `panels`, all of them known to exist.
    pub fn screen(self, panels: &[Panel]) -> Screen {
        match self {
            PanelList::Edit => super::panel_hub::panel_edit_menu(panels),
            PanelList::Remove => screens::panel_remove(panels),
        }
    }
}

fn refuse(text: impl Into<String>, why: &'static str) -> Step {
    Step::Refuse {
        text: text.into(),
        why,
    }
}

/// `/ticket menu`: the hub, for admins and staff.
pub fn open_hub(who: &Who, status: &[String]) -> Step {
    if !who.is_admin && !who.is_staff {
        return refuse(Text::NotAdmin.to_string(), "hub asked by a non-admin");
    }
    Step::Show(screens::hub(who.is_admin, status))
}

/// `/tickets manage`: the Manage menu straight away, for staff. The command is visible to
/// everyone, so this check is the only gate.
pub fn open_manage(who: &Who) -> Step {
    if !who.is_staff {
        return refuse(
            Text::NotStaff.to_string(),
            "manage asked by a non-staff member",
        );
    }
    Step::Show(screens::manage_menu())
}

/// `/ticket panel`: a panel with the default texts in `channel`, for admins, written in the
/// server's language `server` (the refusal is in the member's).
pub fn default_panel(
    who: &Who,
    channel: Snowflake,
    known_permissions: Option<u64>,
    server: Lang,
) -> Step {
    if !who.is_admin {
        return refuse(Text::NotAdmin.to_string(), "panel command by a non-admin");
    }
    Step::PostPanel(PanelPost {
        channel,
        known_permissions,
        title: server.text(Text::DefaultPanelTitle).to_owned(),
        description: server.text(Text::DefaultPanelDescription).to_owned(),
        footer: server.text(Text::DefaultPanelFooter).to_owned(),
    })
}

/// Setup is for admins, Manage for staff, Cancel for anyone. Every menu re-checks: a forged
/// custom id gains nothing.
fn permitted(who: &Who, action: &Action, input: &Input<'_>) -> Result<(), Step> {
    let manage_chosen = *action == Action::HubMenu
        && input.first().and_then(HubChoice::parse) == Some(HubChoice::Manage);
    let for_staff = manage_chosen
        || matches!(
            action,
            Action::ManageMenu
                | Action::CloseAllConfirm
                | Action::AddUserSelect { .. }
                | Action::RemoveUserSelect { .. }
        );
    if *action == Action::Cancel {
        return Ok(());
    }
    if for_staff && !who.is_staff {
        return Err(refuse(
            Text::NotStaff.to_string(),
            "manage action by a non-staff member",
        ));
    }
    if !for_staff && !who.is_admin {
        return Err(refuse(
            Text::NotAdmin.to_string(),
            "setup action by a non-admin",
        ));
    }
    Ok(())
}

/// What a click in the hub (or a modal it opened) leads to.
pub fn decide(
    settings: &GuildSettings,
    who: &Who,
    facts: &Facts,
    action: Action,
    input: &Input<'_>,
) -> Step {
    if let Err(refusal) = permitted(who, &action, input) {
        return refusal;
    }
    match action {
        Action::HubMenu => match input.first().and_then(HubChoice::parse) {
            Some(HubChoice::Setup) => Step::Update(screens::setup_menu()),
            Some(HubChoice::Manage) => Step::Update(screens::manage_menu()),
            None => refuse(Text::UnknownChoice.to_string(), "unknown hub choice"),
        },
        Action::SetupMenu => setup_choice(settings, input),
        Action::ManageMenu => manage_choice(facts, input),
        Action::Cancel => Step::Update(Screen::text(Text::Cancelled.to_string())),
        Action::TopicList { page } => Step::Update(screens::topic_list(&settings.topics, page)),
        Action::CloseAllConfirm => Step::CloseAll,
        Action::AddUserSelect { ticket } => Step::ToTicket {
            ticket,
            request: TicketRequest::AddUsers(input.ids()),
        },
        Action::RemoveUserSelect { ticket } => Step::ToTicket {
            ticket,
            request: TicketRequest::RemoveUsers(input.ids()),
        },
        other => setup_step(settings, facts, other, input),
    }
}

/// The Setup menu's choice: a screen or a modal.
fn setup_choice(settings: &GuildSettings, input: &Input<'_>) -> Step {
    let screen = match input.first().and_then(SetupChoice::parse) {
        Some(SetupChoice::Panel) => screens::channel_prompt(
            Text::PanelChannelPrompt,
            Action::PanelChannelSelect,
            Text::PanelChannelPlaceholder,
        ),
        Some(SetupChoice::PanelRemove) => return Step::ListPanels(PanelList::Remove),
        Some(SetupChoice::LogChannel) => screens::channel_prompt(
            Text::LogChannelPrompt,
            Action::LogChannelSelect,
            Text::LogChannelPlaceholder,
        ),
        Some(SetupChoice::Limits) => {
            return Step::OpenModal(screens::limits_modal(
                settings.per_member_limit,
                settings.per_guild_limit,
            ));
        }
        Some(SetupChoice::Inactivity) => return Step::OpenModal(screens::inactivity_modal()),
        Some(SetupChoice::Hours) => return Step::OpenModal(screens::hours_modal(&settings.hours)),
        // A switch: choosing it flips it, and the answer says which way.
        Some(SetupChoice::Feedback) => {
            let off = !settings.feedback_off;
            let done = if off {
                Text::FeedbackOffSaved
            } else {
                Text::FeedbackOnSaved
            };
            return Step::Save(Save {
                change: Change::FeedbackOff(off),
                answer: Answer::Ephemeral,
                done: done.to_string(),
                failed: Text::FeedbackNotSaved,
            });
        }
        Some(SetupChoice::ReadyChannels) => return Step::OpenModal(screens::ready_modal()),
        Some(SetupChoice::StaffRoles) => screens::staff_roles(),
        Some(SetupChoice::TopicAdd) => return Step::OpenModal(screens::topic_add_modal()),
        Some(SetupChoice::TopicList) => screens::topic_list(&settings.topics, 0),
        Some(SetupChoice::TopicRemove) => screens::topic_remove(&settings.topics, 0),
        Some(SetupChoice::Language) => screens::language_menu(),
        Some(SetupChoice::Questions) => intake_hub::scope_menu(&settings.topics, 0),
        Some(SetupChoice::Controls) => {
            return Step::OpenModal(intake_hub::controls_modal(settings));
        }
        Some(SetupChoice::Blocklist) => return Step::Intake(RuntimeStep::ShowBlocklist),
        Some(SetupChoice::PanelEdit) => return Step::ListPanels(PanelList::Edit),
        None => return refuse(Text::UnknownChoice.to_string(), "unknown setup choice"),
    };
    Step::Update(screen)
}

/// The Manage menu's choice; the per-ticket ones work inside a ticket channel only.
fn manage_choice(facts: &Facts, input: &Input<'_>) -> Step {
    let not_in_ticket = || {
        refuse(
            Text::NotInTicket.to_string(),
            "per-ticket action outside a ticket",
        )
    };
    match input.first().and_then(ManageChoice::parse) {
        Some(ManageChoice::CloseThis) => match facts.ticket_here {
            Some(ticket) => Step::ToTicket {
                ticket,
                request: TicketRequest::Close,
            },
            None => not_in_ticket(),
        },
        Some(ManageChoice::CloseAll) => {
            Step::Update(screens::close_all_confirm(facts.open_tickets))
        }
        Some(choice @ (ManageChoice::AddUser | ManageChoice::RemoveUser)) => {
            match facts.ticket_here {
                Some(ticket) => Step::Update(screens::people_prompt(
                    ticket,
                    choice == ManageChoice::AddUser,
                )),
                None => not_in_ticket(),
            }
        }
        None => refuse(Text::UnknownChoice.to_string(), "unknown manage choice"),
    }
}

/// The bot's permissions in `channel` when the click came from it (Discord sends them along),
/// sparing a REST call.
fn known_permissions(facts: &Facts, channel: Snowflake) -> Option<u64> {
    (channel == facts.channel)
        .then_some(facts.app_permissions)
        .flatten()
}

/// The setup screens' selects and modals.
fn setup_step(settings: &GuildSettings, facts: &Facts, action: Action, input: &Input<'_>) -> Step {
    match action {
        Action::PanelChannelSelect => match input.ids().first() {
            Some(&channel) => Step::OpenModal(screens::panel_modal(channel)),
            None => refuse(Text::ChooseAChannel.to_string(), "no channel chosen"),
        },
        Action::PanelModal { channel } => panel_submitted(facts, channel, input),
        Action::PanelRemoveSelect => {
            let chosen: Option<Snowflake> = input.first().and_then(|v| v.parse().ok());
            match chosen.and_then(|m| settings.panels.iter().find(|p| p.message == m)) {
                Some(panel) => Step::RemovePanel(Box::new(panel.clone())),
                None => refuse(Text::PanelGone.to_string(), "panel already gone"),
            }
        }
        Action::LogChannelSelect => match input.ids().first() {
            Some(&channel) => Step::SetLogChannel {
                channel,
                known_permissions: known_permissions(facts, channel),
            },
            None => refuse(Text::ChooseAChannel.to_string(), "no channel chosen"),
        },
        Action::PanelThreadsSelect { message } => match input.ids().first() {
            Some(&channel) => panel_threads(settings, message, Some(channel), facts),
            None => refuse(Text::ChooseAChannel.to_string(), "no channel chosen"),
        },
        Action::PanelChannels { message } => panel_threads(settings, message, None, facts),
        Action::LanguageSelect => language_chosen(input),
        Action::LimitsModal => limits_submitted(input),
        Action::InactivityModal => inactivity_submitted(settings, input),
        Action::HoursModal => hours_submitted(settings, input),
        Action::ReadyModal => ready_submitted(input),
        Action::StaffRoleSelect => staff_roles_selected(facts, input),
        Action::TopicAddModal => {
            match limits::validate_topic_name(input.field(fields::TOPIC_NAME), &settings.topics) {
                Ok(name) => Step::AddTopic { name },
                Err(error) => refuse(t!(TopicNameRefused, error), "topic name refused"),
            }
        }
        Action::TopicRemoveSelect { page } => {
            // The Previous / Next buttons carry no value: they page.
            let Some(topic) = input.first().and_then(|v| v.parse::<u32>().ok()) else {
                return Step::Update(screens::topic_remove(&settings.topics, page));
            };
            match settings.topics.iter().find(|t| t.id == topic) {
                Some(topic) => Step::Update(screens::topic_remove_confirm(topic)),
                None => refuse(Text::TopicGone.to_string(), "topic already gone"),
            }
        }
        Action::TopicRemoveConfirm { topic } => {
            match settings.topics.iter().find(|t| t.id == topic) {
                Some(topic) => Step::RemoveTopic(topic.clone()),
                None => refuse(Text::TopicGone.to_string(), "topic already gone"),
            }
        }
        other => match intake_hub::decide(settings, other, input.values, input.fields)
            .or_else(|| super::panel_hub::decide(settings, other, (input.values, input.fields)))
        {
            Some(outcome) => intake_step(outcome),
            None => refuse(
                Text::NotAvailableHere.to_string(),
                "action not handled by the hub",
            ),
        },
    }
}

/// An intake screen's outcome as the hub's step.
fn intake_step(outcome: Outcome) -> Step {
    match outcome {
        Outcome::Update(screen) => Step::Update(screen),
        Outcome::Show(screen) => Step::Show(screen),
        Outcome::OpenModal(modal) => Step::OpenModal(modal),
        Outcome::Refuse(text, why) => refuse(text, why),
        Outcome::Save {
            change,
            done,
            in_place,
        } => Step::Save(Save {
            change: Change::Intake(change),
            answer: if in_place {
                Answer::InPlace
            } else {
                Answer::Ephemeral
            },
            done,
            failed: Text::SettingNotSaved,
        }),
        Outcome::Runtime(step) => Step::Intake(step),
        Outcome::EditPanel(edit) => Step::EditPanel(edit),
    }
}

/// A panel's tickets as private threads in `threads_in`, or as channels (`None`).
fn panel_threads(
    settings: &GuildSettings,
    message: Snowflake,
    threads_in: Option<Snowflake>,
    facts: &Facts,
) -> Step {
    match settings.panels.iter().find(|p| p.message == message) {
        Some(panel) => Step::SetPanelThreads {
            panel: Box::new(Panel {
                threads_in,
                ..panel.clone()
            }),
            known_permissions: threads_in.and_then(|c| known_permissions(facts, c)),
        },
        None => refuse(Text::PanelGone.to_string(), "panel already gone"),
    }
}

/// The server's language chosen in Setup: a language the bot speaks, or Discord's.
fn language_chosen(input: &Input<'_>) -> Step {
    let (code, done) = match input.first() {
        Some(custom_id::LANGUAGE_FOLLOW_SERVER) => (None, Text::LanguageFollowing.to_string()),
        Some(code) => match Lang::from_discord(code) {
            Some(lang) => (
                Some(lang.code().to_owned()),
                t!(LanguageSet, language = lang.name()),
            ),
            None => return refuse(Text::UnknownChoice.to_string(), "unknown language"),
        },
        None => return refuse(Text::UnknownChoice.to_string(), "no language chosen"),
    };
    Step::Save(Save {
        change: Change::Language(code),
        answer: Answer::InPlace,
        done,
        failed: Text::SettingNotSaved,
    })
}

fn panel_submitted(facts: &Facts, channel: Snowflake, input: &Input<'_>) -> Step {
    match limits::validate_panel_text(
        input.field(fields::PANEL_TITLE),
        input.field(fields::PANEL_DESCRIPTION),
        input.field(fields::PANEL_FOOTER),
    ) {
        Ok((title, description, footer)) => Step::PostPanel(PanelPost {
            channel,
            known_permissions: known_permissions(facts, channel),
            title,
            description,
            footer,
        }),
        Err(error) => refuse(t!(PanelTextRefused, error), "panel text refused"),
    }
}

fn limits_submitted(input: &Input<'_>) -> Step {
    match limits::parse_limits(
        input.field(fields::LIMIT_PER_MEMBER),
        input.field(fields::LIMIT_PER_GUILD),
    ) {
        Ok((per_member, per_guild)) => Step::Save(Save {
            change: Change::Limits {
                per_member,
                per_guild,
            },
            answer: Answer::Ephemeral,
            done: t!(LimitsSaved, per_member, per_guild),
            failed: Text::LimitsNotSaved,
        }),
        Err(error) => refuse(t!(LimitsRefused, error), "limits refused"),
    }
}

/// A form's topic field: blank is the whole server (`Ok(None)`), else a topic's name.
fn named_topic<'s>(
    settings: &'s GuildSettings,
    input: &Input<'_>,
) -> Result<Option<&'s Topic>, Step> {
    match input.field(fields::FORM_TOPIC).trim() {
        "" => Ok(None),
        name => settings
            .topics
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
            .map(Some)
            .ok_or_else(|| refuse(Text::ClaimModeNoSuchTopic.to_string(), "no such topic")),
    }
}

fn inactivity_submitted(settings: &GuildSettings, input: &Input<'_>) -> Step {
    let topic = match named_topic(settings, input) {
        Ok(topic) => topic,
        Err(refused) => return refused,
    };
    match limits::parse_inactivity(
        input.field(fields::WARN_AFTER),
        input.field(fields::CLOSE_AFTER),
        input.field(fields::STALE_PING),
        input.field(fields::OPENER_LEAVES),
    ) {
        Ok(inactivity) => {
            let mut done = if inactivity.is_on() {
                let ping = match inactivity.ping {
                    StalePing::WhoeverOwesAnAnswer => Text::PingAuto,
                    StalePing::Opener => Text::PingOpener,
                    StalePing::Staff => Text::PingStaff,
                    StalePing::Nobody => Text::PingNobody,
                };
                t!(
                    InactivitySaved,
                    warn = inactivity.warn_after_hours,
                    close = inactivity.close_after_hours,
                    ping
                )
            } else {
                Text::InactivityOffSaved.to_string()
            };
            if inactivity.close_when_opener_leaves {
                done.push(' ');
                done.push_str(Text::OpenerLeavesSaved.english());
            }
            let change = match topic {
                Some(topic) => {
                    done = format!(
                        "{} {done}",
                        t!(ForTopic, topic = screens::topic_shown(&topic.name))
                    );
                    Change::TopicInactivity(topic.id, inactivity)
                }
                None => Change::Inactivity(inactivity),
            };
            Step::Save(Save {
                change,
                answer: Answer::Ephemeral,
                done,
                failed: Text::InactivityNotSaved,
            })
        }
        Err(error) => refuse(t!(InactivityRefused, error), "inactivity refused"),
    }
}

fn hours_submitted(settings: &GuildSettings, input: &Input<'_>) -> Step {
    let topic = match named_topic(settings, input) {
        Ok(topic) => topic,
        Err(refused) => return refused,
    };
    let parsed = hours::parse_hours(
        input.field(fields::HOURS_ZONE),
        input.field(fields::HOURS_WINDOWS),
        input.field(fields::HOURS_OUTSIDE),
        Vec::new(),
    );
    let hours = match parsed {
        Ok(hours) => hours,
        Err(error) => {
            let error = match error {
                HoursError::Day(value) => t!(HoursBadDay, value),
                HoursError::Time(value) => t!(HoursBadTime, value),
                HoursError::Empty => Text::HoursEmpty.to_string(),
                HoursError::Zone(value) => t!(HoursBadZone, value),
                HoursError::Outside(value) => t!(HoursBadOutside, value),
            };
            return refuse(t!(HoursRefused, error), "support hours refused");
        }
    };
    let mut done = if hours.is_on() {
        let outside = match hours.outside {
            OutsideHours::Refuse => Text::HoursOutsideRefuse,
            OutsideHours::Notice => Text::HoursOutsideNotice,
        };
        let windows = hours::describe(&hours);
        t!(HoursSaved, windows, zone = hours.zone.clone(), outside)
    } else {
        Text::HoursOffSaved.to_string()
    };
    let change = match topic {
        Some(topic) => {
            done = format!(
                "{} {done}",
                t!(ForTopic, topic = screens::topic_shown(&topic.name))
            );
            Change::TopicHours(topic.id, Box::new(hours))
        }
        None => Change::Hours(Box::new(hours)),
    };
    Step::Save(Save {
        change,
        answer: Answer::Ephemeral,
        done,
        failed: Text::HoursNotSaved,
    })
}

/// Ready channels: a size from 1 to `domain::ready::SIZE_MAX`, or 0 to turn them off.
fn ready_submitted(input: &Input<'_>) -> Step {
    let typed = input.field(fields::READY_SIZE).trim();
    if typed == "0" {
        return Step::SetReady {
            size: 0,
            done: Text::ReadyOffSaved.to_string(),
        };
    }
    match crate::domain::ready::parse_size(typed) {
        Some(size) => Step::SetReady {
            size,
            done: t!(ReadySaved, n = size),
        },
        None => refuse(
            t!(ReadyRefused, max = crate::domain::ready::SIZE_MAX),
            "ready channel size refused",
        ),
    }
}

fn staff_roles_selected(facts: &Facts, input: &Input<'_>) -> Step {
    match access::validate_staff_roles(facts.guild, &input.ids()) {
        Ok(roles) => Step::SetStaffRoles(Save {
            done: screens::staff_roles_saved(&roles),
            change: Change::StaffRoles(roles),
            answer: Answer::InPlace,
            failed: Text::StaffRolesNotSaved,
        }),
        Err(error) => refuse(t!(StaffRolesRefused, error), "staff roles refused"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::custom_id::fields;

    const ADMIN: Who = Who {
        user: 1,
        is_admin: true,
        is_staff: true,
    };
    const STAFF: Who = Who {
        user: 2,
        is_admin: false,
        is_staff: true,
    };
    const MEMBER: Who = Who {
        user: 3,
        is_admin: false,
        is_staff: false,
    };
    const FACTS: Facts = Facts {
        guild: 100,
        ticket_here: None,
        open_tickets: 4,
        channel: 50,
        app_permissions: Some(u64::MAX),
    };

    fn pick<'a>(values: &'a [String]) -> Input<'a> {
        Input {
            values,
            fields: None,
        }
    }

    fn values(v: &str) -> Vec<String> {
        vec![v.to_owned()]
    }

    fn refused_with(step: &Step) -> Option<&str> {
        match step {
            Step::Refuse { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A panel's tickets go to threads in a chosen channel (the bot's permissions known only
    /// where the click came from) and back to channels; admins only; a gone panel is refused.
    #[test]
    fn a_panels_tickets_become_threads_and_channels_again() {
        let mut settings = GuildSettings::default();
        let panel = Panel::new(7, 10, "t".into(), "d".into(), String::new());
        settings.panels.push(panel.clone());
        let threads = Action::PanelThreadsSelect { message: 10 };
        let here = values(&FACTS.channel.to_string());
        for (chosen, known) in [(&here, Some(u64::MAX)), (&values("60"), None)] {
            let step = decide(&settings, &ADMIN, &FACTS, threads, &pick(chosen));
            let Step::SetPanelThreads {
                panel: set,
                known_permissions,
            } = step
            else {
                panic!("expected the thread setting, got {step:?}");
            };
            assert_eq!(set.threads_in, chosen[0].parse().ok());
            assert_eq!(known_permissions, known);
            assert_eq!(
                Panel {
                    threads_in: None,
                    ..*set
                },
                panel
            );
        }
        let back = decide(
            &settings,
            &ADMIN,
            &FACTS,
            Action::PanelChannels { message: 10 },
            &pick(&[]),
        );
        assert!(
            matches!(back, Step::SetPanelThreads { panel, known_permissions: None }
            if panel.threads_in.is_none())
        );
        let by_staff = decide(&settings, &STAFF, &FACTS, threads, &pick(&here));
        assert!(refused_with(&by_staff).is_some());
        let gone = decide(
            &settings,
            &ADMIN,
            &FACTS,
            Action::PanelThreadsSelect { message: 11 },
            &pick(&here),
        );
        assert!(refused_with(&gone).is_some());
    }

    /// Who reaches what: Setup actions need an admin, Manage actions staff, Cancel anyone.
    #[test]
    fn the_permission_matrix() {
        let settings = GuildSettings::default();
        let setup = values(SetupChoice::TopicList.as_str());
        let manage = values(ManageChoice::CloseAll.as_str());
        let hub_setup = values(HubChoice::Setup.as_str());
        let hub_manage = values(HubChoice::Manage.as_str());
        let cases: [(Action, &[String], bool); 7] = [
            (Action::SetupMenu, &setup, true),
            (Action::HubMenu, &hub_setup, true),
            (Action::LimitsModal, &[], true),
            (Action::TopicRemoveConfirm { topic: 1 }, &[], true),
            (Action::HubMenu, &hub_manage, false),
            (Action::ManageMenu, &manage, false),
            (Action::CloseAllConfirm, &[], false),
        ];
        for (action, input, admin_only) in cases {
            for who in [ADMIN, STAFF, MEMBER] {
                let step = decide(&settings, &who, &FACTS, action, &pick(input));
                let allowed = if admin_only {
                    who.is_admin
                } else {
                    who.is_staff
                };
                let refusal = refused_with(&step);
                if allowed {
                    assert!(
                        refusal != Some(Text::NotAdmin.english())
                            && refusal != Some(Text::NotStaff.english()),
                        "{action:?} by {who:?}: {step:?}"
                    );
                } else {
                    let want = if admin_only {
                        Text::NotAdmin
                    } else {
                        Text::NotStaff
                    };
                    assert_eq!(refusal, Some(want.english()), "{action:?} by {who:?}");
                }
            }
        }
        let cancel = decide(&settings, &MEMBER, &FACTS, Action::Cancel, &pick(&[]));
        assert_eq!(
            cancel,
            Step::Update(Screen::text(Text::Cancelled.to_string()))
        );
    }

    #[test]
    fn a_language_choice_saves_its_code_or_follows_discord() {
        let settings = GuildSettings::default();
        let choose = |value: &str| {
            let input = values(value);
            decide(
                &settings,
                &ADMIN,
                &FACTS,
                Action::LanguageSelect,
                &pick(&input),
            )
        };
        let menu = values(SetupChoice::Language.as_str());
        let shown = decide(&settings, &ADMIN, &FACTS, Action::SetupMenu, &pick(&menu));
        assert!(matches!(shown, Step::Update(_)), "{shown:?}");
        match choose("de") {
            Step::Save(save) => {
                assert_eq!(save.change, Change::Language(Some("de".into())));
                assert_eq!(save.done, "Channel messages will be in Deutsch.");
            }
            other => panic!("{other:?}"),
        }
        match choose(custom_id::LANGUAGE_FOLLOW_SERVER) {
            Step::Save(save) => assert_eq!(save.change, Change::Language(None)),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            refused_with(&choose("tlh")),
            Some(Text::UnknownChoice.english())
        );
        let mut changed = GuildSettings::default();
        Change::Language(Some("fr".into())).apply(&mut changed);
        assert_eq!(changed.language.as_deref(), Some("fr"));
        let by_staff = decide(
            &settings,
            &STAFF,
            &FACTS,
            Action::LanguageSelect,
            &pick(&[]),
        );
        assert_eq!(refused_with(&by_staff), Some(Text::NotAdmin.english()));
    }

    #[test]
    fn the_hub_and_manage_commands_gate_on_their_own() {
        assert_eq!(
            refused_with(&open_hub(&MEMBER, &[])),
            Some(Text::NotAdmin.english())
        );
        assert!(matches!(open_hub(&STAFF, &[]), Step::Show(_)));
        assert_eq!(
            refused_with(&open_manage(&MEMBER)),
            Some(Text::NotStaff.english())
        );
        assert!(matches!(
            default_panel(&ADMIN, 9, None, Lang::English),
            Step::PostPanel(PanelPost { channel: 9, .. })
        ));
        assert!(refused_with(&default_panel(&STAFF, 9, None, Lang::English)).is_some());
    }

    #[test]
    fn each_setup_choice_leads_to_its_screen_or_modal() {
        let settings = GuildSettings::default();
        for choice in SetupChoice::ALL {
            let step = decide(
                &settings,
                &ADMIN,
                &FACTS,
                Action::SetupMenu,
                &pick(&values(choice.as_str())),
            );
            let modal = matches!(
                choice,
                SetupChoice::Limits
                    | SetupChoice::TopicAdd
                    | SetupChoice::Inactivity
                    | SetupChoice::Hours
                    | SetupChoice::Controls
                    | SetupChoice::ReadyChannels
            );
            match step {
                Step::OpenModal(_) => assert!(modal, "{choice:?}"),
                Step::Update(_) => assert!(!modal, "{choice:?}"),
                // The panel lists are checked against Discord first: the guild actor shows them.
                Step::ListPanels(list) => assert_eq!(
                    (*choice, list),
                    match choice {
                        SetupChoice::PanelEdit => (SetupChoice::PanelEdit, PanelList::Edit),
                        _ => (SetupChoice::PanelRemove, PanelList::Remove),
                    }
                ),
                // The blocklist is state, not settings: the guild actor shows it.
                Step::Intake(RuntimeStep::ShowBlocklist) => {
                    assert_eq!(*choice, SetupChoice::Blocklist)
                }
                // A switch flips at once.
                Step::Save(Save {
                    change: Change::FeedbackOff(off),
                    ..
                }) => {
                    assert_eq!(*choice, SetupChoice::Feedback);
                    assert_eq!(off, !settings.feedback_off);
                }
                other => panic!("{choice:?}: {other:?}"),
            }
        }
        let unknown = decide(
            &settings,
            &ADMIN,
            &FACTS,
            Action::SetupMenu,
            &pick(&values("x")),
        );
        assert_eq!(refused_with(&unknown), Some(Text::UnknownChoice.english()));
    }

    #[test]
    fn per_ticket_choices_need_a_ticket_channel() {
        let settings = GuildSettings::default();
        let close = values(ManageChoice::CloseThis.as_str());
        let outside = decide(&settings, &STAFF, &FACTS, Action::ManageMenu, &pick(&close));
        assert_eq!(refused_with(&outside), Some(Text::NotInTicket.english()));
        let inside = Facts {
            ticket_here: Some(12),
            ..FACTS
        };
        assert_eq!(
            decide(
                &settings,
                &STAFF,
                &inside,
                Action::ManageMenu,
                &pick(&close)
            ),
            Step::ToTicket {
                ticket: 12,
                request: TicketRequest::Close
            }
        );
        let users = vec!["5".to_owned(), "junk".to_owned()];
        assert_eq!(
            decide(
                &settings,
                &STAFF,
                &inside,
                Action::AddUserSelect { ticket: 12 },
                &pick(&users)
            ),
            Step::ToTicket {
                ticket: 12,
                request: TicketRequest::AddUsers(vec![5])
            }
        );
    }

    #[test]
    fn a_topic_named_in_the_inactivity_form_gets_rules_of_its_own() {
        let settings = GuildSettings {
            topics: vec![Topic {
                id: 3,
                name: "Sales".into(),
                category: None,
            }],
            ..GuildSettings::default()
        };
        let submit = |topic: &str| {
            let fields: BTreeMap<String, String> = [
                (fields::WARN_AFTER, "2"),
                (fields::CLOSE_AFTER, "1"),
                (fields::FORM_TOPIC, topic),
            ]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
            let input = Input {
                values: &[],
                fields: Some(&fields),
            };
            decide(&settings, &ADMIN, &FACTS, Action::InactivityModal, &input)
        };
        let Step::Save(save) = submit("sales") else {
            panic!("saved")
        };
        let Change::TopicInactivity(3, rules) = save.change.clone() else {
            panic!("{:?}", save.change)
        };
        assert_eq!((rules.warn_after_hours, rules.close_after_hours), (2, 1));
        assert!(save.done.starts_with("Topic **Sales**: "), "{}", save.done);
        let mut applied = settings.clone();
        save.change.apply(&mut applied);
        assert_eq!(applied.inactivity_for(Some(3)).warn_after_hours, 2);
        assert!(
            !applied.inactivity_for(None).is_on(),
            "the server's rules unchanged"
        );
        assert!(applied.any_inactivity_on());
        assert!(matches!(
            submit(""),
            Step::Save(Save {
                change: Change::Inactivity(_),
                ..
            })
        ));
        assert!(refused_with(&submit("Nowhere")).is_some());
    }

    #[test]
    fn a_topic_named_in_the_hours_form_gets_hours_of_its_own() {
        let settings = GuildSettings {
            topics: vec![Topic {
                id: 4,
                name: "Billing".into(),
                category: None,
            }],
            ..GuildSettings::default()
        };
        let fields: BTreeMap<String, String> = [
            (fields::HOURS_ZONE, "UTC"),
            (fields::HOURS_WINDOWS, "mon 09:00-10:00"),
            (fields::HOURS_OUTSIDE, "refuse"),
            (fields::FORM_TOPIC, "billing"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let input = Input {
            values: &[],
            fields: Some(&fields),
        };
        let Step::Save(save) = decide(&settings, &ADMIN, &FACTS, Action::HoursModal, &input) else {
            panic!("saved")
        };
        assert!(
            save.done.starts_with("Topic **Billing**: "),
            "{}",
            save.done
        );
        let mut applied = settings.clone();
        save.change.apply(&mut applied);
        assert!(applied.hours_for(Some(4)).is_on());
        assert!(
            !applied.hours_for(None).is_on(),
            "the server's hours unchanged"
        );
        assert!(!applied.hours_for(Some(5)).is_on());
    }

    #[test]
    fn modals_are_validated_before_anything_is_saved() {
        let settings = GuildSettings::default();
        let modal = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let good = modal(&[
            (fields::LIMIT_PER_MEMBER, "2"),
            (fields::LIMIT_PER_GUILD, "40"),
        ]);
        let input = Input {
            values: &[],
            fields: Some(&good),
        };
        match decide(&settings, &ADMIN, &FACTS, Action::LimitsModal, &input) {
            Step::Save(save) => {
                assert_eq!(
                    save.change,
                    Change::Limits {
                        per_member: 2,
                        per_guild: 40
                    }
                );
                assert_eq!(save.done, "Limits saved: 2 open per member, 40 per server.");
            }
            other => panic!("{other:?}"),
        }
        let bad = modal(&[
            (fields::LIMIT_PER_MEMBER, "0"),
            (fields::LIMIT_PER_GUILD, "40"),
        ]);
        let input = Input {
            values: &[],
            fields: Some(&bad),
        };
        let refused = decide(&settings, &ADMIN, &FACTS, Action::LimitsModal, &input);
        assert!(
            refused_with(&refused).is_some_and(|t| t.ends_with("The limits were not changed."))
        );
        let panel = modal(&[
            (fields::PANEL_TITLE, " Help "),
            (fields::PANEL_DESCRIPTION, "d"),
        ]);
        let input = Input {
            values: &[],
            fields: Some(&panel),
        };
        match decide(
            &settings,
            &ADMIN,
            &FACTS,
            Action::PanelModal { channel: 50 },
            &input,
        ) {
            Step::PostPanel(post) => {
                assert_eq!(
                    (post.title.as_str(), post.known_permissions),
                    ("Help", Some(u64::MAX))
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn staff_roles_refuse_everyone_and_changes_apply() {
        let settings = GuildSettings::default();
        let everyone = values("100");
        let step = decide(
            &settings,
            &ADMIN,
            &FACTS,
            Action::StaffRoleSelect,
            &pick(&everyone),
        );
        assert!(refused_with(&step).is_some_and(|t| t.starts_with("@everyone")));
        let mut s = GuildSettings::default();
        Change::AddTopic {
            name: "Billing".into(),
            category: Some(7),
        }
        .apply(&mut s);
        Change::AddTopic {
            name: "Other".into(),
            category: None,
        }
        .apply(&mut s);
        let first = s.topics[0].id;
        Change::RemoveTopic { topic: first }.apply(&mut s);
        assert_eq!(s.topics.len(), 1);
        assert_eq!((s.topics[0].id, s.next_topic_id), (first + 1, first + 2));
    }

    #[test]
    fn ready_channels_take_a_size_or_zero_for_off_and_refuse_the_rest() {
        let settings = GuildSettings::default();
        let submit = |size: &str| {
            let fields: BTreeMap<String, String> =
                [(fields::READY_SIZE.to_owned(), size.to_owned())].into();
            let input = Input {
                values: &[],
                fields: Some(&fields),
            };
            decide(&settings, &ADMIN, &FACTS, Action::ReadyModal, &input)
        };
        assert!(matches!(submit(" 25"), Step::SetReady { size: 25, .. }));
        assert!(matches!(submit("0"), Step::SetReady { size: 0, .. }));
        for bad in ["101", "-1", "many", ""] {
            assert!(refused_with(&submit(bad)).is_some(), "{bad}");
        }
    }
}
