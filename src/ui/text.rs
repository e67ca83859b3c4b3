//! Every text the bot shows a person, behind a key, with its English default.
//!
//! Code names a [`Text`] and its arguments by name (`t!(TicketClosedAnswer, number)`); the
//! [`Catalog`] holds the template (`"Ticket #{number} closed."`). A language is one more
//! `Catalog`: nothing that decides what to say changes. Each key also names its [`Slot`], the
//! place on Discord it is shown in, whose character limit `ui::fit` checks every template
//! against with worst-case arguments.
//!
//! Texts are rendered in the [`Lang`] being spoken: the task-local set by [`speaking`] (the
//! member's locale while their interaction is handled, the server's around a channel message),
//! English where none is set. Each other language is a child module (`text/de.rs`, `text/fr.rs`):
//! a table from key to template, checked complete by the tests below.
//!
//! This module imports nothing from the crate, so any module (the pure `domain` included) can
//! render its person-facing text through it without an import cycle.

use std::{
    fmt::{self, Display, Write},
    future::Future,
    sync::{
        Arc, OnceLock,
        atomic::{AtomicU8, Ordering},
    },
};

mod de;
mod fr;

/// A language the bot speaks; every [`Text`] has a template in each (the tests below).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    // In the order of `Lang::ALL`, whose index `SharedLang` stores.
    #[default]
    English,
    German,
    French,
}

impl Lang {
    pub const ALL: &'static [Lang] = &[Lang::English, Lang::German, Lang::French];

    /// The language for a Discord locale (`"de"`, `"en-US"`, `"fr"`; see Discord's reference
    /// "Locales"); `None` for one the bot does not speak.
    pub fn from_discord(locale: &str) -> Option<Lang> {
        match locale.split('-').next()? {
            "en" => Some(Lang::English),
            "de" => Some(Lang::German),
            "fr" => Some(Lang::French),
            _ => None,
        }
    }

    /// [`Lang::from_discord`], English for a locale the bot does not speak or none at all.
    pub fn or_english(locale: Option<&str>) -> Lang {
        locale.and_then(Lang::from_discord).unwrap_or_default()
    }

    /// `text`'s template in this language (a text without arguments).
    pub fn text(self, text: Text) -> &'static str {
        self.catalog().template(text)
    }

    /// The language's name in itself, as a person looking for it reads it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::English => "English",
            Lang::German => "Deutsch",
            Lang::French => "Français",
        }
    }

    /// The Discord locale code stored for the language when a server chooses it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::English => "en-US",
            Lang::German => "de",
            Lang::French => "fr",
        }
    }

    /// The language's catalog.
    pub fn catalog(self) -> &'static dyn Catalog {
        match self {
            Lang::English => &English,
            Lang::German => &GERMAN,
            Lang::French => &FRENCH,
        }
    }
}

/// A language several actors read and one sets: the server's, which the guild actor learns
/// from its interactions and settings and its ticket actors write channel messages in.
#[derive(Debug, Clone, Default)]
pub struct SharedLang(Arc<AtomicU8>);

impl SharedLang {
    pub fn get(&self) -> Lang {
        Lang::ALL
            .get(usize::from(self.0.load(Ordering::Relaxed)))
            .copied()
            .unwrap_or_default()
    }

    pub fn set(&self, lang: Lang) {
        self.0.store(lang as u8, Ordering::Relaxed);
    }
}

tokio::task_local! {
    static SPEAKING: Lang;
}

/// The language texts are rendered in right now: the innermost [`speaking`] or
/// [`speaking_sync`] around the caller, English outside any.
pub fn current() -> Lang {
    SPEAKING.try_with(|lang| *lang).unwrap_or_default()
}

/// Runs `fut` with its texts rendered in `lang`. A task spawned inside does not inherit it:
/// wrap what it runs in [`carry`].
pub async fn speaking<F: Future>(lang: Lang, fut: F) -> F::Output {
    SPEAKING.scope(lang, fut).await
}

/// Runs `f` with its texts rendered in `lang` (the server's language around a channel
/// message built inside a member's interaction).
pub fn speaking_sync<R>(lang: Lang, f: impl FnOnce() -> R) -> R {
    SPEAKING.sync_scope(lang, f)
}

/// `fut` speaking the [`current`] language wherever it later runs (a spawned task).
pub fn carry<F: Future>(fut: F) -> impl Future<Output = F::Output> {
    SPEAKING.scope(current(), fut)
}

/// Where a text is shown on Discord; each place has its own character limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// A message's content (also an ephemeral answer).
    Content,
    EmbedTitle,
    EmbedDescription,
    EmbedFooter,
    ButtonLabel,
    SelectPlaceholder,
    SelectOption,
    ModalTitle,
    InputLabel,
    /// The audit-log reason header of a request.
    AuditReason,
    ChannelName,
    /// A piece substituted into another text (a reason for a refusal, a purpose, a note); its
    /// limit is that of the shortest place it goes into.
    Piece,
}

/// A language's templates.
pub trait Catalog {
    fn template(&self, text: Text) -> &'static str;
}

/// The English catalog, the default and the fallback.
pub struct English;

/// A translation: its table of templates, indexed by key on first use. A key not translated
/// yet reads as English (the tests fail on one).
struct Translated {
    table: &'static [(Text, &'static str)],
    index: OnceLock<Vec<Option<&'static str>>>,
}

impl Translated {
    const fn new(table: &'static [(Text, &'static str)]) -> Translated {
        Translated {
            table,
            index: OnceLock::new(),
        }
    }

    /// The template of `text`, if the table has one.
    fn lookup(&self, text: Text) -> Option<&'static str> {
        let index = self.index.get_or_init(|| {
            let mut index = vec![None; Text::ALL.len()];
            for (key, template) in self.table {
                index[*key as usize] = Some(*template);
            }
            index
        });
        index[text as usize]
    }
}

static GERMAN: Translated = Translated::new(de::TABLE);
static FRENCH: Translated = Translated::new(fr::TABLE);

impl Catalog for Translated {
    fn template(&self, text: Text) -> &'static str {
        self.lookup(text).unwrap_or_else(|| English.template(text))
    }
}

macro_rules! catalog {
    ($($key:ident: $slot:ident = $english:expr;)*) => {
        /// The key of one person-facing text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Text {
            $($key,)*
        }

        impl Text {
            pub const ALL: &'static [Text] = &[$(Text::$key,)*];

            /// Where the text is shown.
            pub fn slot(self) -> Slot {
                match self {
                    $(Text::$key => Slot::$slot,)*
                }
            }
        }

        impl Catalog for English {
            fn template(&self, text: Text) -> &'static str {
                match text {
                    $(Text::$key => $english,)*
                }
            }
        }
    };
}

catalog! {
    // Warnings appended to a message, one per line.
    Warning: Piece = "⚠️ {note}";
    ReasonLine: Piece = "Reason: {reason}";
    TranscriptLine: Piece = "Transcript: {link}";

    // The hub.
    HubPrompt: Content = "**Ticket hub**: choose what to do.";
    HubPlaceholder: SelectPlaceholder = "Setup or manage";
    HubSetup: SelectOption = "Setup";
    HubManage: SelectOption = "Manage";
    SetupPrompt: Content = "**Setup**: what do you want to configure?";
    SetupPlaceholder: SelectPlaceholder = "Choose a setting";
    SetupPanel: SelectOption = "Post a panel message";
    SetupPanelRemove: SelectOption = "Remove a panel";
    SetupLogChannel: SelectOption = "Log channel";
    SetupLimits: SelectOption = "Ticket limits";
    SetupInactivity: SelectOption = "Inactivity warning and auto-close";
    SetupStaffRoles: SelectOption = "Staff roles";
    SetupTopicAdd: SelectOption = "Add a topic";
    SetupTopicList: SelectOption = "List topics";
    SetupTopicRemove: SelectOption = "Remove a topic";
    SetupLanguage: SelectOption = "Language of channel messages";
    ManagePrompt: Content = "**Manage**: what do you want to do?";
    ManagePlaceholder: SelectPlaceholder = "Choose an action";
    ManageCloseThis: SelectOption = "Close this ticket";
    ManageCloseAll: SelectOption = "Close all open tickets";
    ManageAddUser: SelectOption = "Add users to this ticket";
    ManageRemoveUser: SelectOption = "Remove users from this ticket";
    PagePrevious: ButtonLabel = "Previous";
    PageNext: ButtonLabel = "Next";
    CancelButton: ButtonLabel = "Cancel";
    Cancelled: Content = "Cancelled. Nothing was changed.";
    UnknownChoice: Content = "Unknown choice. Nothing was changed.";
    NotInTicket: Content = "Use this inside a ticket channel.";
    NotAvailableHere: Content = "That action is not available here. Nothing was changed.";
    ChooseAChannel: Content = "Choose a channel.";
    SettingNotSaved: Content = "The setting could not be saved; please try again.";

    // Panels.
    PanelChannelPrompt: Content = "Choose the channel for the panel message.";
    PanelChannelPlaceholder: SelectPlaceholder = "Panel channel";
    PanelModalTitle: ModalTitle = "Panel message";
    PanelTitleLabel: InputLabel = "Title";
    PanelDescriptionLabel: InputLabel = "Description";
    PanelFooterLabel: InputLabel = "Footer";
    PanelTextRefused: Content = "{error} Nothing was posted.";
    PanelPosted: Content = "Panel posted.";
    PanelPostFailed: Content = "I could not post the panel there: {error}";
    OpenTicketButton: ButtonLabel = "Open a ticket";
    DefaultPanelTitle: EmbedTitle = "Support tickets";
    DefaultPanelDescription: EmbedDescription =
        "Click the button below to open a private ticket with our staff.";
    DefaultPanelFooter: EmbedFooter = "Ticketeer";
    NoPanels: Content = "There are no panels to remove.";
    PanelRemovePrompt: Content = "Choose the panel to remove.";
    PanelPlaceholder: SelectPlaceholder = "Panel";
    PanelOption: SelectOption = "{title} (in #{channel})";
    PanelGone: Content = "That panel is already gone.";
    PanelRemoved: Content = "Panel removed.";
    PanelRemovedNotSaved: Content =
        "The panel message was deleted, but the setting could not be saved; please try again.";
    PanelTitleEmpty: Piece = "The panel title cannot be empty.";
    PanelFieldTooLong: Piece = "The panel {field} can be at most {max} characters.";
    PanelTotalTooLong: Piece = "The panel text together can be at most {max} characters.";
    PanelFieldTitle: Piece = "title";
    PanelFieldDescription: Piece = "description";
    PanelFieldFooter: Piece = "footer";

    // The bot's permissions in a chosen channel.
    PurposePanelChannel: Piece = "a panel channel";
    PurposeLogChannel: Piece = "the log channel";
    CannotCheckPermissions: Content = "I could not check my permissions in <#{channel}>: {error}";
    BotMissingPermission: Content =
        "I can't use <#{channel}> as {purpose}: I am missing **{missing}** there. Give me (or my role) that permission in that channel's settings, or choose another channel.";
    BotMissingPermissions: Content =
        "I can't use <#{channel}> as {purpose}: I am missing **{missing}** there. Give me (or my role) those permissions in that channel's settings, or choose another channel.";

    // The server's language.
    LanguagePrompt: Content =
        "Choose the language of the server's channel messages: welcome, closed, log entries and panels. Each member's own answers follow their Discord language.";
    LanguagePlaceholder: SelectPlaceholder = "Language";
    LanguageFollowServer: SelectOption = "The server's language in Discord";
    LanguageSet: Content = "Channel messages will be in {language}.";
    LanguageFollowing: Content =
        "Channel messages will follow the server's language in Discord (its primary language in the Community settings; English when Discord does not give one the bot speaks).";

    // Log channel, limits, staff roles.
    LogChannelPrompt: Content = "Choose the log channel.";
    LogChannelPlaceholder: SelectPlaceholder = "Log channel";
    LogChannelSet: Content = "Ticket events will be logged in <#{channel}>.";
    InactivityModalTitle: ModalTitle = "Inactivity warning and auto-close";
    WarnAfterLabel: InputLabel = "Hours quiet before the warning (0 = off)";
    CloseAfterLabel: InputLabel = "Hours after the warning before the close";
    StalePingLabel: InputLabel = "Ping: auto, opener, staff or none";
    InactivitySaved: Content =
        "Inactivity saved: a warning after {warn} hours without a human message, the close {close} hours later; the warning pings {ping}.";
    InactivityOffSaved: Content = "Inactivity warning and auto-close are off.";
    InactivityRefused: Content = "{error} The inactivity settings were not changed.";
    InactivityNotSaved: Content = "The inactivity settings could not be saved; please try again.";
    PingUnknown: Piece = "Ping must be auto, opener, staff or none.";
    YesOrNo: Piece = "Close when the opener leaves must be yes or no.";
    OpenerLeavesLabel: InputLabel = "Close when the opener leaves: yes or no";
    OpenerLeftReason: Piece = "the opener left the server";
    OpenerLeavesSaved: Content = "Tickets are closed when their opener leaves the server.";
    PingAuto: Piece = "whoever owes an answer (the opener after staff, staff otherwise)";
    PingOpener: Piece = "the opener";
    PingStaff: Piece = "the staff roles";
    PingNobody: Piece = "nobody";
    LimitFieldWarnAfter: Piece = "hours before the warning";
    LimitFieldCloseAfter: Piece = "hours before the close";
    LimitsModalTitle: ModalTitle = "Ticket limits";
    LimitPerMemberLabel: InputLabel = "Open tickets per member (now {limit})";
    LimitPerGuildLabel: InputLabel = "Open tickets per server (now {limit})";
    LimitsRefused: Content = "{error} The limits were not changed.";
    LimitsSaved: Content = "Limits saved: {per_member} open per member, {per_guild} per server.";
    LimitsNotSaved: Content = "The limits could not be saved; please try again.";
    LimitNotANumber: Piece = "The {field} must be a whole number between {min} and {max}.";
    LimitOutOfRange: Piece = "The {field} must be between {min} and {max}.";
    LimitFieldPerMember: Piece = "open tickets per member";
    LimitFieldPerGuild: Piece = "open tickets per server";
    StaffRolesPrompt: Content =
        "Choose up to {max} staff roles (they see and handle every ticket).";
    StaffRolesPlaceholder: SelectPlaceholder = "Staff roles";
    StaffRolesRefused: Content = "{error} Nothing was changed.";
    StaffRolesTooMany: Piece = "choose at most {max} staff roles";
    StaffRolesEveryone: Piece =
        "@everyone cannot be a staff role: every member would see every ticket";
    StaffRolesCleared: Content = "Staff roles cleared.";
    StaffRolesSaved: Content =
        "Staff roles saved: {roles}. Applied to the ticket categories and every open ticket.";
    StaffRolesNotSaved: Content = "The staff roles could not be saved; please try again.";

    // Topics.
    TopicAddModalTitle: ModalTitle = "Add a topic";
    TopicNameLabel: InputLabel = "Topic name";
    TopicNameRefused: Content = "{error} No topic was added.";
    TopicAdded: Content = "Topic **{topic}** added.";
    TopicNotSaved: Content = "The topic could not be saved; please try again.";
    TopicGone: Content = "That topic no longer exists.";
    TopicGonePickAgain: Content =
        "That topic no longer exists. Click Open a ticket again to see the current topics.";
    NoTopics: Content = "No topics yet. Add one from Setup.";
    TopicListHeading: Piece = "**Topics** (page {page} of {pages}):";
    TopicListItem: Piece = "- {topic}";
    NoTopicsToRemove: Content = "There are no topics to remove.";
    TopicRemovePrompt: Content = "Choose the topic to remove.";
    TopicRemovePlaceholder: SelectPlaceholder = "Topic to remove";
    TopicRemoveConfirm: Content =
        "Remove topic **{topic}**? Its open tickets move to the default category first.";
    RemoveButton: ButtonLabel = "Remove";
    TopicRemoved: Content =
        "Topic **{topic}** removed; its open tickets moved to the default category.";
    TopicRemovedAudit: AuditReason = "Ticket topic removed";
    TopicPickerPrompt: Content = "What is your ticket about?";
    TopicPickerPlaceholder: SelectPlaceholder = "Choose a topic";
    TopicEmpty: Piece = "The topic name cannot be empty.";
    TopicTooLong: Piece = "The topic name can be at most {max} characters.";
    TopicControlChars: Piece = "The topic name cannot contain line breaks or control characters.";
    TopicDuplicate: Piece = "A topic with that name already exists.";
    TopicTooMany: Piece = "This server already has {max} topics, the most allowed. Remove one first.";

    // Manage.
    CloseAllConfirm: Content = "Close all {open} open tickets? Closed ones are left as they are.";
    CloseAllButton: ButtonLabel = "Close all";
    CloseAllProgress: Content = "Closing open tickets… {done} of {total} done.";
    CloseAllDone: Content = "Closed {closed} of {total} open tickets.";
    AddUsersPrompt: Content = "Choose up to {max} members to add.";
    RemoveUsersPrompt: Content = "Choose up to {max} members to remove.";
    MembersPlaceholder: SelectPlaceholder = "Members";

    // Who may do what.
    NotAdmin: Content = "You need the Manage Server permission to configure tickets.";
    NotStaff: Content = "Only staff can manage tickets.";
    CloseNotAllowed: Content = "Only the member who opened this ticket or staff can close it.";
    ReopenNotAllowed: Content = "Only staff can reopen a ticket.";
    DeleteNotAllowed: Content = "Only staff can delete a ticket.";
    AddUserNotAllowed: Content = "Only staff can add people to a ticket.";
    RemoveUserNotAllowed: Content = "Only staff can remove people from a ticket.";
    ReadTranscriptNotAllowed: Content = "Only staff can read ticket transcripts.";
    MenuOfSomeoneElse: Content = "This menu belongs to someone else.";

    // Whether a ticket's state allows an action.
    StillOpening: Content = "Ticket #{number} is still being opened; try again in a moment.";
    NeverOpened: Content = "Ticket #{number} was never opened.";
    WasDeleted: Content = "Ticket #{number} was deleted.";
    AlreadyOpen: Content = "Ticket #{number} is already open.";
    OpenAgain: Content = "Ticket #{number} is open again; close it first.";
    AlreadyClosed: Content = "Ticket #{number} is already closed.";
    ClosedNoPeopleChange: Content =
        "Ticket #{number} is closed; reopen it before adding or removing people.";
    TicketIs: Content = "Ticket #{number} is {state}.";
    StateProvisioning: Piece = "still being opened";
    StateOpen: Piece = "open";
    StateClosed: Piece = "closed";
    StateDeleted: Piece = "deleted";
    StateFailed: Piece = "failed";

    // Opening.
    AlreadyBeingOpened: Content = "Your ticket is already being opened.";
    MemberLimitOne: Content =
        "You already have an open ticket. Please use it, or close it before opening a new one.";
    MemberLimit: Content =
        "You already have {limit} open tickets, the most allowed here. Close one before opening a new one.";
    GuildLimit: Content =
        "This server already has {limit} open tickets, the most allowed. Please try again once staff have closed some.";
    PlaceInLine: Content =
        "Many members are opening tickets right now. Your ticket #{number} is number {place} in line ({wait}). This message updates as the line moves; you will also get a DM when your channel is ready.";
    WaitSeconds: Piece = "about {seconds} s";
    WaitMinutes: Piece = "about {minutes} min";
    LeftTheServer: Content = "You left the server, so your place in line was released.";
    CategoryNotCreated: Content = "I could not create the tickets category: {error}";
    DefaultCategoryName: ChannelName = "Tickets";
    OverflowCategoryName: ChannelName = "Tickets {n}";
    StorageFailed: Content =
        "Your ticket could not be opened because storage failed. Please try again.";
    TicketOpenLink: Content = "Your ticket #{number} is open: {link}";
    CreateUnconfirmed: Content =
        "Discord is not answering in time, so ticket #{number} could not be confirmed. It will be finished when Discord recovers; please do not open another.";
    CreateFailed: Content = "Your ticket could not be opened: {error}";
    TicketGone: Content = "Ticket #{number} does not exist here or was already deleted.";
    TicketNotHere: Content = "That ticket does not exist here.";

    // The ticket channel.
    WelcomeTitle: EmbedTitle = "Ticket #{number}";
    Welcome: Piece = "Hello <@{opener}>! Staff will be with you shortly. Describe your request here.";
    TopicLine: Piece = "Topic: **{topic}**";
    CloseButton: ButtonLabel = "Close";
    CloseWithReasonButton: ButtonLabel = "Close with reason";
    DeleteButton: ButtonLabel = "Delete";
    ReopenButton: ButtonLabel = "Reopen";
    CloseReasonModalTitle: ModalTitle = "Close ticket #{number}";
    CloseReasonLabel: InputLabel = "Reason (optional)";
    NoChannel: Content = "This ticket has no channel.";
    NotClosed: Content = "The ticket was not closed: {error}";
    ClosedAnswer: Content = "Ticket #{number} closed.";
    ClosedTitle: EmbedTitle = "Ticket #{number} closed";
    ClosedBy: Piece = "Closed by <@{by}>.";
    ClosedDm: Content = "Your ticket #{number} was closed. The transcript is attached.";
    ClosedDmWithLink: Content =
        "Your ticket #{number} was closed. Transcript: {link} (also attached).";
    ClosedDmLinkOnly: Content = "Your ticket #{number} was closed. Transcript: {link}";
    TranscriptPageLine: Piece = "Transcript page: {link}";
    TranscriptSentAsLinkOnly: Piece =
        "The transcript is larger than Discord's upload limit, so it is sent as a link only.";
    DmRefused: Piece =
        "Discord refused the direct message (they left the server or do not accept DMs from the bot)";
    HistoryUnreadable: Piece = "The channel's messages could not be read: {error}";
    NoHistoryPermission: Piece =
        "Discord returned no messages: the bot lacks Read Message History in this channel. Give it that permission (on its role or the tickets category) so transcripts are complete.";
    NoHistory: Piece = "Discord returned no messages for this channel.";
    CouldNotReopen: Content = "Could not reopen: {error}";
    ReopenedTitle: EmbedTitle = "Ticket #{number} reopened";
    ReopenedBy: EmbedDescription = "Reopened by <@{by}>.";
    ReopenedAnswer: Content = "Ticket #{number} reopened.";
    DeletedAudit: AuditReason = "Ticket #{number} deleted";
    CouldNotDelete: Content = "Could not delete: {error}";
    DeletedAnswer: Content = "Ticket #{number} deleted.";
    BotsSkipped: Piece = " Bots skipped: {bots}.";
    NothingToChange: Content = "Nothing to change.{skipped}";
    CouldNotChangeAccess: Content = "Could not change access: {error}";
    UsersAdded: Content = "{users} added.{skipped}";
    UsersRemoved: Content = "{users} removed.{skipped}";
    StaleWarningTitle: EmbedTitle = "Ticket #{number} is quiet";
    StaleWarning: EmbedDescription =
        "Nobody has written here for {warn} hours. The ticket closes as inactive in {close} hours unless someone writes or presses Keep open.";
    KeepOpenButton: ButtonLabel = "Keep open";
    KeptOpen: Content = "Ticket #{number} stays open.";
    NotWarned: Content = "Ticket #{number} has no inactivity warning to answer.";
    InactiveReason: Piece = "inactive";
    AutocloseOff: Content = "Ticket #{number} will not be warned or closed for inactivity.";
    AutocloseOn: Content = "Ticket #{number} is warned and closed for inactivity again.";
    AutocloseNotOpen: Content = "Ticket #{number} is not open.";
    MemberLeftTitle: EmbedTitle = "Member left";
    MemberLeftBody: EmbedDescription = "<@{user}> left the server.";

    // The log channel.
    LogOpenedTitle: EmbedTitle = "Ticket opened";
    LogOpened: EmbedDescription = "Ticket #{number} opened by <@{opener}> in <#{channel}>";
    LogClosedTitle: EmbedTitle = "Ticket closed";
    LogClosed: Piece = "Ticket #{number} of <@{opener}> closed by <@{by}>";
    LogNotDelivered: Piece = "The transcript could not be sent to the opener: {why}.";
    LogReopenedTitle: EmbedTitle = "Ticket reopened";
    LogReopened: EmbedDescription = "Ticket #{number} reopened by <@{by}>";
    LogDeletedTitle: EmbedTitle = "Ticket deleted";
    LogDeleted: EmbedDescription = "Ticket #{number} deleted by <@{by}>";
    LogUserAddedTitle: EmbedTitle = "User added";
    LogUserRemovedTitle: EmbedTitle = "User removed";
    LogUsersAdded: EmbedDescription = "{users} added to ticket #{number} by <@{by}>";
    LogUsersRemoved: EmbedDescription = "{users} removed from ticket #{number} by <@{by}>";
    LogChannelDeletedTitle: EmbedTitle = "Ticket channel deleted";
    LogChannelDeleted: EmbedDescription =
        "The channel of ticket #{number} was deleted outside the bot; the ticket is closed.";
    LogCannotPost: Piece =
        "I can no longer post in the log channel <#{channel}>: I am missing permissions there (View Channel, Send Messages, Embed Links, Attach Files, Read Message History). Ticket events are not being logged.";
    LogChannelGone: Piece = "The log channel <#{channel}> no longer exists. Choose another in Setup.";

    // Transcripts on request.
    TranscriptNumberMissing: Content =
        "Give the ticket number, e.g. `/ticket transcript number:12`.";
    TranscriptOf: Content = "Transcript of ticket #{number}:";
    TranscriptOfAtLink: Content = "Transcript of ticket #{number}: {link}";
    StatsLink: Content = "Ticket statistics: {link}";
    NoTranscript: Content =
        "Ticket #{number} has no transcript (it was never closed, or does not exist).";
    TranscriptUnreadable: Content = "The transcript could not be read from storage.";
    TranscriptHtmlLeftOut: Piece =
        "The transcript is larger than Discord's upload limit ({mib} MiB); only the text file is attached.";
    TranscriptTextCut: Piece =
        "The transcript is larger than Discord's upload limit ({mib} MiB); the attached text file is cut short.";

    // Anything, anywhere.
    UnknownCommand: Content = "I don't know that command.";
    UnknownComponent: Content =
        "This button or menu is not one I know (it may be from an older version). Nothing was changed.";
    NotUnderstood: Content = "I could not understand that interaction. Nothing was changed.";
    NotInGuild: Content =
        "Tickets live in servers: use the Open a ticket button in a server's channel.";
    Restarting: Content = "Ticketeer is restarting; please try again in a few seconds.";
    Apology: Content =
        "Something went wrong on our side while handling this. Please check and try again.";

    // Discord's refusals, as a person reads them.
    DiscordMissingPermissions: Piece =
        "I lack the permissions for that here. My role needs Manage Channels, Manage Roles, View Channel, Send Messages, Embed Links, Attach Files and Read Message History server-wide: Discord lets me give a ticket only what my role holds, so granting them on a category alone is not enough. Ask a server admin to fix my role.";
    DiscordMaxChannels: Piece =
        "This server has reached Discord's limit of {max} channels, so no ticket channel can be created.";
    DiscordUnknownChannel: Piece = "That channel no longer exists.";
    DiscordRefused: Piece = "Discord did not accept the request; please try again in a moment.";

    // Privileged intents.
    MessageContentOff: Piece =
        "Transcripts will have no message text: Discord withholds it while the bot's Message Content intent is off. Switch on \"Message Content Intent\" in the {portal}.";
    ServerMembersOff: Piece =
        "The bot is not told when members leave (the Server Members intent is off): a member who leaves keeps their place in the waiting line and no \"member left\" note is posted in their ticket. Switch on \"Server Members Intent\" in the {portal}, then restart the bot.";
    PortalPath: Piece =
        "Discord Developer Portal → your application → Bot → Privileged Gateway Intents";
    // Staff workflow: claim, unclaim, transfer.
    ClaimButton: ButtonLabel = "Claim";
    ClosedNoClaim: Content = "Ticket #{number} is closed; reopen it before changing its claim.";
    UnclaimButton: ButtonLabel = "Unclaim";
    ClaimedLine: Piece = "Claimed by <@{claimer}>";
    ClaimedAnswer: Content = "You claimed ticket #{number}.";
    AlreadyClaimedByYou: Content = "You have already claimed ticket #{number}.";
    ClaimedBySomeoneElse: Content =
        "Ticket #{number} is claimed by <@{claimer}>. They or an admin can transfer it to you.";
    UnclaimedAnswer: Content = "Ticket #{number} is no longer claimed.";
    NotClaimed: Content = "Ticket #{number} is not claimed.";
    TransferredAnswer: Content = "Ticket #{number} is now claimed by <@{claimer}>.";
    TransferPrompt: Content = "Choose the staff member to hand ticket #{number} to.";
    StaffPlaceholder: SelectPlaceholder = "Staff member";
    ClaimNotAllowed: Content = "Only staff can claim a ticket.";
    ClaimOwnTicket: Content = "You opened this ticket, so another staff member has to claim it.";
    UnclaimNotAllowed: Content = "Only the claimer or an admin can unclaim this ticket.";
    TransferNotAllowed: Content = "Only the claimer or an admin can transfer this ticket.";
    TransferToNonStaff: Content = "<@{user}> is not staff; a ticket can only be handed to staff.";
    TransferToOpener: Content = "<@{user}> opened this ticket and cannot claim it.";
    TransferPickOne: Content = "Choose one staff member.";
    CouldNotClaim: Content = "The claim was not changed: {error}";
    LogClaimedTitle: EmbedTitle = "Ticket claimed";
    LogClaimed: EmbedDescription = "Ticket #{number} claimed by <@{by}>";
    LogUnclaimedTitle: EmbedTitle = "Ticket unclaimed";
    LogUnclaimed: EmbedDescription = "Ticket #{number} unclaimed by <@{by}>";
    LogTransferredTitle: EmbedTitle = "Ticket transferred";
    LogTransferred: EmbedDescription = "Ticket #{number} handed to <@{claimer}> by <@{by}>";

    // Staff workflow: close requests and reasons.
    RequestCloseNotAllowed: Content =
        "Only the member who opened this ticket or staff can ask to close it or answer a request.";
    CloseRequestTitle: EmbedTitle = "Close requested";
    CloseRequestByStaff: Piece =
        "<@{by}> (staff) asks to close ticket #{number}. Press Close if you are done, or Keep open to keep talking.";
    CloseRequestByOpener: Piece =
        "<@{by}> asks staff to close ticket #{number}. Staff: press Close to close it, or Keep open.";
    CloseRequestButton: ButtonLabel = "Close";
    CloseRequestPosted: Content = "Close request posted in ticket #{number}.";
    CloseRequestPending: Content =
        "Ticket #{number} already has a close request waiting for an answer.";
    NoCloseRequest: Content = "Ticket #{number} has no close request waiting.";
    KeptOpenAnswer: Content = "Ticket #{number} stays open.";
    KeptOpenLine: Piece = "Kept open by <@{by}>.";
    CouldNotRequestClose: Content = "The close request was not posted: {error}";
    LogCloseRequestedTitle: EmbedTitle = "Close requested";
    LogCloseRequested: EmbedDescription = "Close of ticket #{number} requested by <@{by}>";
    LogKeptOpenTitle: EmbedTitle = "Ticket kept open";
    LogKeptOpen: EmbedDescription = "Ticket #{number} kept open by <@{by}>";
    CloseRequestDelayLine: Piece = "Closes by itself <t:{at}:R> unless someone replies.";
    CloseRequestWithdrawn: Content = "<@{by}> replied, so the close request is withdrawn.";
    CloseRequestNoReplyReason: Piece = "no reply to the close request";
    RequestDelayBad: Content = "The delay must be between 1 and {max} hours.";

    // Staff workflow: the claim mode setting.
    ClaimModeGuarded: Piece = "guarded (staff read, only the claimer writes)";
    ClaimModeLabel: Piece = "label only (everyone keeps writing)";
    ClaimModePrivate: Piece = "private (only the claimer among staff sees the ticket)";
    ClaimModeSaved: Content = "Claiming a ticket is now {mode} in this server.";
    ClaimModeSavedTopic: Content = "Claiming a ticket of the topic **{topic}** is now {mode}.";
    ClaimModeUnknown: Content = "Choose one of the offered claim modes.";
    ClaimModeNoSuchTopic: Content = "No topic has that name. Topics are listed in Setup.";
    ClaimModeNotSaved: Content = "The claim mode could not be saved. Please try again.";

    // Staff workflow: priority and rename.
    PriorityLow: Piece = "low";
    PriorityNormal: Piece = "normal";
    PriorityHigh: Piece = "high";
    PriorityUrgent: Piece = "urgent";
    PriorityLine: Piece = "Priority: **{priority}**";
    PrioritySet: Content = "Ticket #{number} now has {priority} priority.";
    PriorityUnknown: Content = "Choose one of the offered priorities.";
    PriorityNotAllowed: Content = "Only staff can set a ticket's priority.";
    LogPriorityTitle: EmbedTitle = "Priority changed";
    LogPriority: EmbedDescription = "Ticket #{number} set to {priority} priority by <@{by}>";
    RenameNotAllowed: Content = "Only staff can rename a ticket.";
    RenameBadName: Content =
        "That name has nothing Discord allows in a channel name (letters, digits, - and _).";
    RenamedAnswer: Content = "Ticket #{number} renamed to **{name}**.";
    RenameQueued: Content =
        "Discord allows two renames per channel every 10 minutes: ticket #{number} becomes **{name}** <t:{at}:R>.";
    CouldNotRename: Content = "Could not rename: {error}";
    LogRenamedTitle: EmbedTitle = "Ticket renamed";
    LogRenamed: EmbedDescription = "Ticket #{number} renamed to {name} by <@{by}>";

    // Staff workflow: moving a ticket to another topic.
    MoveNotAllowed: Content = "Only staff can move a ticket to another topic.";
    MoveNoSuchTopic: Content = "No topic has that name. Pick one of the offered topics.";
    MoveSameTopic: Content = "Ticket #{number} is already in **{topic}**.";
    MovedAnswer: Content = "Ticket #{number} moved to **{topic}**.";
    CouldNotMove: Content = "The ticket was not moved: {error}";
    LogMovedTitle: EmbedTitle = "Ticket moved";
    LogMoved: EmbedDescription = "Ticket #{number} moved to {topic} by <@{by}>";

    // Staff workflow: the transcript's event lines, said of the person who acted.
    EventClaimed: Piece = "claimed the ticket";
    EventUnclaimed: Piece = "released their claim";
    EventTransferred: Piece = "handed the ticket to {name}";
    EventMoved: Piece = "moved the ticket to {topic}";
    EventPriority: Piece = "set the priority to {priority}";
    EventRenamed: Piece = "renamed the channel to {name}";
    EventCloseRequested: Piece = "asked to close the ticket";
    EventCloseRequestedReason: Piece = "asked to close the ticket: {request_reason}";
    EventKeptOpen: Piece = "kept the ticket open";

    // Staff workflow: staff notes, a private thread in the ticket.
    NotesNotAllowed: Content = "Only staff can read and write a ticket's staff notes.";
    NotesThreadName: ChannelName = "staff-notes";
    NotesReady: Content =
        "Staff notes of ticket #{number}: <#{thread}>. Only staff added to it see it (run /tickets notes to be added); the opener's transcript leaves it out.";
    NotesNotCreated: Content = "The staff notes could not be created: {error}";
    NotesNotJoined: Content = "Could not add you to the staff notes: {error}";
    NotesUnreadable: Piece = "The staff notes could not be read: {error}";
    StaffNotesHeading: Piece = "Staff notes (left out of the opener's copy)";

    // Feedback: the opener rates a closed ticket from the close DM.
    RatePrompt: Piece = "How did we do? Rate ticket #{number}:";
    RateNotOpener: Content = "Only the member who opened ticket #{number} can rate it.";
    RateNotClosed: Content = "Ticket #{number} is open again; rate it once it is closed.";
    RateFirst: Content = "Rate ticket #{number} with the stars first, then add a comment.";
    RateThanks: Content =
        "Thank you! You rated ticket #{number} {stars} out of 5. You can change it, or add a comment.";
    RateCommentButton: ButtonLabel = "Add a comment";
    RateCommentTitle: ModalTitle = "Your feedback on ticket #{number}";
    RateCommentLabel: InputLabel = "What should the team know?";
    RateCommentThanks: Content = "Thank you! Your comment on ticket #{number} is with the team.";
    RateNotSaved: Content = "Your rating could not be saved. Please try again.";
    LogFeedbackTitle: EmbedTitle = "Feedback";
    LogFeedback: EmbedDescription = "Ticket #{number} rated {stars}/5 by <@{by}>";
    LogFeedbackComment: Piece = "Comment: {comment}";
    StaffFigures: Content =
        "<@{user}> answered {answered} tickets first (median first response: {response}), claimed {claims}, and their tickets are rated {rating}.";
    StaffFiguresNone: Piece = "none yet";
    FormTopicLabel: InputLabel = "Only for this topic (blank: whole server)";
    ForTopic: Piece = "Topic **{topic}**:";
    SetupFeedback: SelectOption = "Feedback: stars in the close DM (on/off)";
    FeedbackOffSaved: Content = "Feedback is off: the close DM no longer asks for a rating.";
    FeedbackOnSaved: Content = "Feedback is on: the close DM asks the opener for 1 to 5 stars.";
    FeedbackNotSaved: Content = "The feedback setting could not be saved. Please try again.";

    // Support hours.
    SetupHours: SelectOption = "Support hours";
    HoursModalTitle: ModalTitle = "Support hours";
    HoursZoneLabel: InputLabel = "Time zone (IANA, e.g. Europe/Berlin)";
    HoursWindowsLabel: InputLabel = "Hours, e.g. mon-fri 09:00-17:00";
    HoursOutsideLabel: InputLabel = "Outside them: refuse or notice";
    HoursSaved: Content =
        "Support hours saved: {windows} ({zone}). Outside them, a new ticket is {outside}. Staff always open tickets.";
    HoursOffSaved: Content = "Support hours are off: tickets open at any time.";
    HoursOutsideRefuse: Piece = "refused, naming the next opening time";
    HoursOutsideNotice: Piece = "opened with a notice that replies may be slow";
    HoursRefused: Content = "Support hours were not changed: {error}";
    HoursNotSaved: Content = "Support hours could not be saved. Please try again.";
    HoursBadDay: Piece = "{value} is not a day (mon, tue, wed, thu, fri, sat, sun)";
    HoursBadTime: Piece = "{value} is not a span of time like 09:00-17:00";
    HoursEmpty: Piece = "no hours were given";
    HoursBadZone: Piece = "{value} is not an IANA time zone such as Europe/Berlin";
    HoursBadOutside: Piece = "outside hours is refuse or notice, not {value}";
    OutsideHoursRefused: Content =
        "Support is closed right now. It opens again <t:{at}:F> (<t:{at}:R>); please open your ticket then.";
    OutsideHoursClosed: Content = "Support is closed right now; please try again later.";
    OutsideHoursNotice: Piece =
        "Support is closed right now, so replies may be slow; it opens again <t:{at}:F>.";

    // Staff workflow: the list of open tickets.
    ListEmpty: Content = "No open ticket matches.";
    ListHeader: Piece = "Open tickets {from}–{to} of {total} (page {page} of {pages}):";
    ListEntry: Piece = "#{number} {link} · <@{opener}> · {priority}";
    ListClaimedBy: Piece = " · claimed by <@{claimer}>";
    ListReadFailed: Content = "The tickets could not be read from storage.";

    // Intake: questions and abuse controls
    IntakeBlocked: Content = "You are blocked from opening tickets here.";
    IntakeBlockedUntil: Content = "You are blocked from opening tickets here until <t:{at}:f>.";
    IntakeRolesAny: Content = "To open a ticket about this topic you need one of these roles: {roles}.";
    IntakeRolesAll: Content = "To open a ticket about this topic you need all of these roles: {roles}.";
    IntakeCooldown: Content = "You opened a ticket a short while ago. You can open another <t:{at}:R>.";
    IntakeDailyCap: Content =
        "You have opened {limit} tickets today, the most allowed here. You can open another <t:{at}:R>.";
    IntakeModalTitle: ModalTitle = "Before your ticket opens";
    EditAnswersModalTitle: ModalTitle = "Edit your answers";
    EditAnswersButton: ButtonLabel = "Edit answers";
    NoAnswer: Piece = "(no answer)";
    AnswersNotUnderstood: Content =
        "Your answers could not be read: the form may have changed. Please open the ticket again.";
    AnswerMissing: Content = "Please answer “{label}”.";
    AnswerLength: Content = "Your answer to “{label}” needs {min} to {max} characters.";
    AnswersNotYours: Content = "Only the member who opened this ticket can edit its answers.";
    AnswersUpdated: Content = "Your answers on ticket #{number} were updated.";
    AnswersTicketNotOpen: Content = "Ticket #{number} is not open, so its answers can no longer be edited.";
    QuestionLabelBad: Content = "A question needs a label of 1 to {max} characters, on one line.";
    QuestionPlaceholderBad: Content = "A placeholder holds at most {max} characters, on one line.";
    QuestionLengthsBad: Content =
        "Lengths are whole numbers: the maximum from 1 to {max}, the minimum not above it.";
    QuestionTooMany: Content = "A form holds at most {max} questions (Discord's limit).";
    SetupQuestions: SelectOption = "Intake questions";
    SetupControls: SelectOption = "Cooldown and daily cap";
    SetupBlocklist: SelectOption = "Blocklist";
    QuestionScopePrompt: Content = "**Intake questions** are asked in a form before a ticket opens, at most {max} per topic. Choose where they are asked.";
    QuestionScopePlaceholder: SelectPlaceholder = "Where the questions are asked";
    QuestionScopeNoTopic: SelectOption = "The Open button (no topic)";
    QuestionsHeader: Content = "**Questions for {topic}** ({n} of {max}):";
    QuestionsNone: Piece = "No questions yet: the ticket opens at once.";
    QuestionLineShort: Piece = "{n}. **{label}** · short answer, {min}–{max} characters";
    QuestionLineLong: Piece = "{n}. **{label}** · long answer, {min}–{max} characters";
    QuestionRequiredMark: Piece = " · required";
    QuestionSubjectMark: Piece = " · subject (channel topic)";
    QuestionMenuPlaceholder: SelectPlaceholder = "Edit, move, remove or mark a question";
    QuestionOptEdit: SelectOption = "Edit question {n}";
    QuestionOptUp: SelectOption = "Move question {n} up";
    QuestionOptRemove: SelectOption = "Remove question {n}";
    QuestionOptSubject: SelectOption = "Question {n} as the subject (channel topic), or not";
    QuestionAddButton: ButtonLabel = "Add a question";
    QuestionPreviewButton: ButtonLabel = "Preview the form";
    QuestionModalTitle: ModalTitle = "Question {n}";
    QuestionLabelLabel: InputLabel = "Question (at most {max} characters)";
    QuestionPlaceholderLabel: InputLabel = "Placeholder (optional)";
    QuestionLengthsLabel: InputLabel = "Length min-max, e.g. 10-500 (optional)";
    QuestionLongLabel: InputLabel = "Long answer? yes or no";
    QuestionRequiredLabel: InputLabel = "Required? yes or no";
    QuestionsSaved: Content = "Saved: {n} questions for {topic}.";
    QuestionGone: Content = "That question no longer exists; open the list again.";
    QuestionRefused: Content = "Question not saved: {error}";
    PreviewDone: Content = "That was a preview: nothing was opened.";
    RolesPlaceholder: SelectPlaceholder = "Roles needed to open this topic";
    RolesAnyOfButton: ButtonLabel = "Any one of these roles";
    RolesAllOfButton: ButtonLabel = "All of these roles";
    RolesNone: Piece = "Anyone may open this topic.";
    RolesLineAny: Piece = "Needed to open: any one of {roles}.";
    RolesLineAll: Piece = "Needed to open: all of {roles}.";
    RolesSaved: Content = "Roles needed for {topic} saved.";
    ControlsModalTitle: ModalTitle = "Cooldown and daily cap";
    CooldownLabel: InputLabel = "Minutes between tickets (0 = off)";
    DailyCapLabel: InputLabel = "Tickets per member per day (0 = no cap)";
    ControlsSaved: Content = "Saved: {minutes} minutes between a member's tickets (0 = off), at most {limit} per day (0 = no cap). Staff are exempt.";
    ControlsRefused: Content = "Not saved: minutes are a whole number from 0 to {max}, the daily cap from 0 to {limit}.";
    BlocklistHeader: Content = "**Blocklist**: blocked members, and members with a blocked role, cannot open tickets (staff always can).";
    BlocklistEmpty: Piece = "Nobody is blocked.";
    BlockUntil: Piece = " until <t:{at}:f>";
    BlockUserPlaceholder: SelectPlaceholder = "Block a member";
    BlockRolePlaceholder: SelectPlaceholder = "Block a role";
    UnblockPlaceholder: SelectPlaceholder = "Unblock";
    ResetOpensPlaceholder: SelectPlaceholder = "Reset a member's cooldown and daily count";
    BlockModalTitle: ModalTitle = "Block from opening tickets";
    BlockReasonLabel: InputLabel = "Reason, shown to them (optional)";
    BlockDaysLabel: InputLabel = "Days (blank: until unblocked)";
    BlockedMember: Content = "<@{user}> can no longer open tickets.";
    BlockedRole: Content = "Members with {roles} can no longer open tickets.";
    BlockDaysBad: Content = "Not blocked: days are a whole number from 1 to {max}.";
    Unblocked: Content = "Unblocked.";
    OpensReset: Content = "Cooldown and daily count reset for {users}.";
    IntakeNotSaved: Content = "That could not be saved; please try again.";
    SetupPanelEdit: SelectOption = "Edit a posted panel";
    PanelEditPrompt: Content = "Which panel do you want to edit? Its message is edited in place, not posted again.";
    PanelEditModalTitle: ModalTitle = "Edit the panel";
    PanelEdited: Content = "The panel was updated in place.";
    PanelGoneForgotten: Content = "That panel's message or channel was deleted, so the panel is forgotten now. Post a new one from Setup.";
    PanelEditFailed: Content = "The panel could not be edited: {error}";
    // Ready channels
    ReadyChannelTopic: Piece =
        "Kept hidden by Ticketeer, ready to become the next ticket at once. Deleting or editing it takes it out of the pool.";
    ReadyChannelDeleteReason: AuditReason = "Ticketeer: ready channel no longer needed";
    SetupReadyChannels: SelectOption = "Ready channels (faster opens in a rush)";
    ReadyModalTitle: ModalTitle = "Ready channels";
    ReadySizeLabel: InputLabel = "How many to keep ready (0 = off)";
    ReadySaved: Content =
        "Ready channels on: {n} hidden channels are made while the server is quiet, and each becomes a ticket at once.";
    ReadyOffSaved: Content = "Ready channels are off; the hidden ones are being deleted.";
    ReadyRefused: Content = "Enter a number from 0 to {max}. Ready channels were not changed.";
    ReadyNotSaved: Content = "Ready channels could not be saved; please try again.";
    ReadyCategoryName: ChannelName = "Ready channels";

    // Statistics in `/ticket stats`' answer.
    StatsHead: Content = "**Ticket statistics: {period}**";
    StatsDay: Piece = "the last 24 hours";
    StatsWeek: Piece = "the last 7 days";
    StatsMonth: Piece = "the last 30 days";
    StatsAll: Piece = "all time";
    StatsCounts: Piece =
        "Opened: {tickets} ({open} open, {closed} closed, {deleted} deleted). Open now: {open_now}.";
    StatsTimes: Piece =
        "First response: median {response}, p90 {tail}. Time to close (median): {resolution}.";
    StatsRating: Piece = "Rating: {rating}";
    StatsTopics: Piece = "Per topic: {topics}";
    StatsDays: Piece = "Last 7 days: {days}";
    StatsPage: Piece = "Charts: {link}";

    // Many panels
    PanelColorBad: Piece = "The colour must be six hex digits, like #3498DB.";
    PanelEmojiBad: Piece = "The emoji must be one emoji, or a server emoji written <:name:id>.";
    PanelLabelTooLong: Piece = "The button label can be at most {max} characters.";
    PanelLookRefused: Content = "{error} The panel was not changed.";
    PanelSettingsPrompt: Content =
        "**{title}** in <#{channel}>: choose what to change. Each change edits the posted message.";
    PanelTextsButton: ButtonLabel = "Texts and colour";
    PanelButtonButton: ButtonLabel = "Button label and emoji";
    PanelButtonModalTitle: ModalTitle = "The panel's button";
    PanelLabelLabel: InputLabel = "Label (blank: the default)";
    PanelEmojiLabel: InputLabel = "Emoji, or <:name:id> (blank: none)";
    PanelColorLabel: InputLabel = "Colour, like #3498DB (blank: blue)";
    PanelStylePlaceholder: SelectPlaceholder = "How members open a ticket here";
    PanelStyleBlue: SelectOption = "Blue button";
    PanelStyleGrey: SelectOption = "Grey button";
    PanelStyleGreen: SelectOption = "Green button";
    PanelStyleRed: SelectOption = "Red button";
    PanelStyleSelect: SelectOption = "A menu of its topics";
    PanelTopicsPlaceholder: SelectPlaceholder = "Topics it opens (none chosen: all)";
    PanelsGoneForgotten: Content =
        "These panels' message or channel was deleted, so they are forgotten: {channels}";
    // Thread tickets
    PanelThreadsNow: Piece = "Its tickets are private threads in <#{channel}>.";
    PanelChannelsNow: Piece = "Its tickets are channels.";
    PanelThreadsPlaceholder: SelectPlaceholder = "Tickets as private threads in…";
    PanelChannelsButton: ButtonLabel = "Tickets as channels";
    PanelThreadsSet: Content = "This panel's tickets are now private threads in <#{channel}>. Staff see them with Manage Threads there.";
    PanelChannelsSet: Content = "This panel's tickets are channels again.";
    PurposeThreadChannel: Piece = "a channel for ticket threads";
    ThreadTicketNoMove: Content =
        "This ticket is a private thread: it stays in its channel and cannot move to another topic.";
    ThreadTicketNoNotes: Content =
        "This ticket is a private thread, and Discord puts no thread inside a thread: staff notes are for channel tickets.";
    PanelThreadsStaffBlind: Piece =
        "Staff roles {roles} cannot see them yet: give them Manage Threads in <#{channel}>.";
}

impl Text {
    /// The English template (what a log line or a test compares against).
    pub fn english(self) -> &'static str {
        English.template(self)
    }

    /// The template in the [`current`] language (a text without arguments).
    pub fn text(self) -> &'static str {
        current().catalog().template(self)
    }

    /// The names of the English template's `{placeholders}`, in order of appearance.
    pub fn placeholders(self) -> Vec<&'static str> {
        placeholders_in(self.english())
    }
}

/// The names of `template`'s `{placeholders}`, in order of appearance.
pub fn placeholders_in(template: &'static str) -> Vec<&'static str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_name(&after[..close]) => {
                names.push(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    names
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// A named argument of a template.
pub type Arg<'a> = (&'static str, &'a (dyn Display + Sync));

/// `text` in the [`current`] language with its `{placeholders}` filled from `args`.
pub fn render(text: Text, args: &[Arg<'_>]) -> String {
    render_in(current().catalog(), text, args)
}

/// `text` from `catalog`. A placeholder without an argument stays as written, so a missing
/// argument shows up in the text (and in the catalog's tests) instead of vanishing.
pub fn render_in(catalog: &dyn Catalog, text: Text, args: &[Arg<'_>]) -> String {
    let template = catalog.template(text);
    let mut out = String::with_capacity(template.len() + 16 * args.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name = after.find('}').map(|close| &after[..close]);
        match name.and_then(|name| args.iter().find(|(n, _)| *n == name)) {
            Some((name, value)) => {
                let _ = write!(out, "{value}");
                rest = &after[name.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl Display for Text {
    /// A text without arguments, in the [`current`] language.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

/// `t!(Key, name = value, other)`: renders `Text::Key` with named arguments (a bare name is
/// shorthand for `name = name`).
macro_rules! t {
    (@value $name:ident = $value:expr) => { $value };
    (@value $name:ident) => { $name };
    ($key:ident $(, $name:ident $(= $value:expr)?)* $(,)?) => {
        $crate::ui::text::render(
            $crate::ui::text::Text::$key,
            &[$((
                stringify!($name),
                &$crate::ui::text::t!(@value $name $(= $value)?) as &(dyn ::std::fmt::Display + Sync),
            )),*],
        )
    };
}
pub(crate) use t;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_arguments_fill_their_placeholders_in_any_order() {
        let number = 7;
        assert_eq!(
            t!(LogOpened, channel = 3, number, opener = "9"),
            "Ticket #7 opened by <@9> in <#3>"
        );
        assert_eq!(t!(ClosedAnswer, number = 12), "Ticket #12 closed.");
    }

    #[test]
    fn a_missing_argument_stays_visible() {
        assert_eq!(render(Text::ClosedAnswer, &[]), "Ticket #{number} closed.");
    }

    #[test]
    fn braces_that_are_not_placeholders_are_kept() {
        struct Odd;
        impl Catalog for Odd {
            fn template(&self, _: Text) -> &'static str {
                "{ x } {} {number"
            }
        }
        assert_eq!(
            render_in(&Odd, Text::ClosedAnswer, &[("number", &1)]),
            "{ x } {} {number"
        );
    }

    #[test]
    fn a_translation_is_one_more_catalog() {
        struct Shout;
        impl Catalog for Shout {
            fn template(&self, text: Text) -> &'static str {
                match text {
                    Text::ClosedAnswer => "TICKET #{number} CLOSED!",
                    other => English.template(other),
                }
            }
        }
        assert_eq!(
            render_in(&Shout, Text::ClosedAnswer, &[("number", &3)]),
            "TICKET #3 CLOSED!"
        );
    }

    #[test]
    fn every_key_is_translated_once_in_every_language() {
        for (name, table) in [("de", de::TABLE), ("fr", fr::TABLE)] {
            let translated = Translated::new(table);
            let missing: Vec<Text> = Text::ALL
                .iter()
                .copied()
                .filter(|text| translated.lookup(*text).is_none())
                .collect();
            assert!(missing.is_empty(), "{name} lacks {missing:?}");
            let distinct: std::collections::HashSet<Text> =
                table.iter().map(|(key, _)| *key).collect();
            assert_eq!(distinct.len(), table.len(), "{name} translates a key twice");
        }
    }

    #[test]
    fn every_translation_has_exactly_the_english_placeholders() {
        for lang in Lang::ALL {
            for text in Text::ALL {
                let mut theirs = placeholders_in(lang.catalog().template(*text));
                let mut english = text.placeholders();
                theirs.sort_unstable();
                english.sort_unstable();
                assert_eq!(theirs, english, "{lang:?} {text:?}");
            }
        }
    }

    #[test]
    fn discord_locales_map_to_languages_and_unknown_ones_to_english() {
        assert_eq!(Lang::from_discord("de"), Some(Lang::German));
        assert_eq!(Lang::from_discord("fr"), Some(Lang::French));
        assert_eq!(Lang::from_discord("en-US"), Some(Lang::English));
        assert_eq!(Lang::from_discord("en-GB"), Some(Lang::English));
        assert_eq!(Lang::from_discord("pt-BR"), None);
        assert_eq!(Lang::or_english(Some("zh-CN")), Lang::English);
        assert_eq!(Lang::or_english(None), Lang::English);
    }

    #[test]
    fn texts_follow_the_language_being_spoken() {
        assert_eq!(t!(ClosedAnswer, number = 4), "Ticket #4 closed.");
        let german = speaking_sync(Lang::German, || t!(ClosedAnswer, number = 4));
        assert_eq!(german, "Ticket #4 geschlossen.");
        let french = speaking_sync(Lang::French, || Text::CloseButton.to_string());
        assert_eq!(french, "Fermer");
        let nested = speaking_sync(Lang::German, || {
            speaking_sync(Lang::French, || Text::CloseButton.text())
        });
        assert_eq!(nested, "Fermer");
        assert_eq!(
            Text::CloseButton.text(),
            "Close",
            "English outside any scope"
        );
    }

    #[tokio::test]
    async fn a_carried_future_keeps_its_language_in_another_task() {
        let carried = speaking(Lang::German, async {
            tokio::spawn(carry(async { Text::CloseButton.text() })).await
        });
        assert_eq!(carried.await.unwrap(), "Schließen");
        let bare = speaking(Lang::German, async {
            tokio::spawn(async { Text::CloseButton.text() }).await
        });
        assert_eq!(
            bare.await.unwrap(),
            "Close",
            "a spawned task starts in English"
        );
    }

    #[test]
    fn a_language_code_reads_back_as_its_language() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_discord(lang.code()), Some(*lang));
        }
    }

    #[test]
    fn a_shared_language_reads_what_was_set() {
        let shared = SharedLang::default();
        assert_eq!(shared.get(), Lang::English);
        for lang in Lang::ALL {
            shared.clone().set(*lang);
            assert_eq!(shared.get(), *lang);
        }
    }

    #[test]
    fn placeholders_are_listed_in_order() {
        assert_eq!(
            Text::LogOpened.placeholders(),
            vec!["number", "opener", "channel"]
        );
        assert!(Text::HubPrompt.placeholders().is_empty());
    }
}
