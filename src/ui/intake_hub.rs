//! The hub's intake screens and what a click in them leads to: questions per topic (add, edit,
//! reorder, remove, mark the subject, preview), the roles a topic needs, the cooldown and daily
//! cap, the blocklist. Pure, like [`super::hub`], which
//! maps an [`Outcome`] to its `Step`.

use std::collections::BTreeMap;

use twilight_model::channel::message::{
    Component,
    component::{ButtonStyle, SelectMenuType, TextInputStyle},
};

use crate::domain::{
    custom_id::{
        self, Action, QuestionOp, block_value, fields, parse_block_value, scope_of, topic_of,
    },
    intake::{
        self, COOLDOWN_MINUTES_MAX, DAILY_CAP_MAX, IntakeChange, LABEL_MAX, PLACEHOLDER_MAX,
        QuestionDraft, TOPIC_ROLES_MAX,
    },
    model::{
        BlockEntry, BlockTarget, GuildSettings, Panel, QUESTIONS_MAX, Question, QuestionStyle,
        RoleMatch, Snowflake, Topic, UnixMillis,
    },
};

use super::{
    Modal, Screen,
    components::{auto_select, buttons, page_buttons, string_select},
    fit,
    hub_screens::topic_shown,
    intake as form,
    text::{Slot, Text, t},
};

/// What an intake click leads to; [`super::hub::decide`] makes it a `Step`.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// In place of the menu that was used.
    Update(Screen),
    /// A new ephemeral message.
    Show(Screen),
    OpenModal(Modal),
    Refuse(String, &'static str),
    /// Save the change, then answer `done` (in place of the menu unless after a modal).
    Save {
        change: IntakeChange,
        done: String,
        in_place: bool,
    },
    /// State that is not a setting: carried out by the guild actor.
    Runtime(RuntimeStep),
    /// Edit a posted panel's message to show this (validated), then keep it.
    EditPanel(Box<Panel>),
}

/// The blocklist and members' opens, which live in their own tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeStep {
    ShowBlocklist,
    Block {
        target: BlockTarget,
        reason: String,
        days: Option<u32>,
    },
    Unblock(BlockTarget),
    ResetOpens(Vec<Snowflake>),
}

fn scope_name(settings: &GuildSettings, topic: Option<u32>) -> String {
    match topic.and_then(|id| settings.topics.iter().find(|t| t.id == id)) {
        Some(t) => topic_shown(&t.name),
        None => Text::QuestionScopeNoTopic.to_string(),
    }
}

/// Topics per page of the scope select: one option is the Open button's form.
const SCOPES_PER_PAGE: usize = 24;

/// Setup → Intake questions: where the questions are asked, a page of topics at a time.
pub fn scope_menu(topics: &[Topic], page: u32) -> Screen {
    let pages = topics.len().div_ceil(SCOPES_PER_PAGE).max(1);
    let page = (page as usize).min(pages - 1);
    let mut options = vec![(
        scope_of(None).to_string(),
        Text::QuestionScopeNoTopic.to_string(),
    )];
    options.extend(
        topics
            .iter()
            .skip(page * SCOPES_PER_PAGE)
            .take(SCOPES_PER_PAGE)
            .map(|t| (scope_of(Some(t.id)).to_string(), t.name.clone())),
    );
    let mut components = vec![string_select(
        custom_id::encode(&Action::QuestionScopeSelect),
        Text::QuestionScopePlaceholder.text(),
        options,
    )];
    components.extend(page_buttons(
        page as u32,
        page > 0,
        page + 1 < pages,
        |page| Action::QuestionScopePage { page },
    ));
    Screen::new(t!(QuestionScopePrompt, max = QUESTIONS_MAX), components)
}

/// One form's questions, with what can be done to them, and (for a topic) its roles.
pub fn questions_screen(settings: &GuildSettings, topic: Option<u32>) -> Screen {
    let questions = settings.intake.questions_for(topic);
    let mut text = t!(
        QuestionsHeader,
        topic = scope_name(settings, topic),
        n = questions.len(),
        max = QUESTIONS_MAX
    );
    if questions.is_empty() {
        text.push('\n');
        text.push_str(Text::QuestionsNone.text());
    }
    for (i, q) in questions.iter().enumerate() {
        text.push('\n');
        text.push_str(&question_line(i, q));
    }
    let scope = scope_of(topic);
    let mut components = Vec::new();
    if !questions.is_empty() {
        components.push(question_menu(scope, questions.len()));
    }
    let mut row = Vec::new();
    if questions.len() < QUESTIONS_MAX {
        row.push((
            Action::QuestionAdd { scope },
            Text::QuestionAddButton,
            ButtonStyle::Success,
        ));
    }
    if !questions.is_empty() {
        row.push((
            Action::QuestionPreview { scope },
            Text::QuestionPreviewButton,
            ButtonStyle::Secondary,
        ));
    }
    components.push(buttons(&row));
    if let Some(topic) = topic {
        text.push('\n');
        text.push_str(&roles_line(settings, topic));
        components.extend(roles_rows(topic));
    }
    Screen::new(fit::cut(Slot::Content, text), components)
}

fn question_line(i: usize, q: &Question) -> String {
    let label = topic_shown(&q.label);
    let (n, min, max) = (i + 1, q.min_len, q.max_len);
    let mut line = match q.style {
        QuestionStyle::Short => t!(QuestionLineShort, n, label, min, max),
        QuestionStyle::Paragraph => t!(QuestionLineLong, n, label, min, max),
    };
    if q.required {
        line.push_str(Text::QuestionRequiredMark.text());
    }
    if q.subject {
        line.push_str(Text::QuestionSubjectMark.text());
    }
    line
}

fn question_menu(scope: u64, count: usize) -> Component {
    let mut options = Vec::new();
    for i in 0..count {
        let n = i + 1;
        options.push((QuestionOp::Edit(i).value(), t!(QuestionOptEdit, n)));
        if i > 0 {
            options.push((QuestionOp::MoveUp(i).value(), t!(QuestionOptUp, n)));
        }
        options.push((QuestionOp::Remove(i).value(), t!(QuestionOptRemove, n)));
        options.push((QuestionOp::Subject(i).value(), t!(QuestionOptSubject, n)));
    }
    string_select(
        custom_id::encode(&Action::QuestionMenu { scope }),
        Text::QuestionMenuPlaceholder.text(),
        options,
    )
}

fn roles_line(settings: &GuildSettings, topic: u32) -> String {
    match intake::requirement(&settings.intake, topic).filter(|r| !r.roles.is_empty()) {
        None => Text::RolesNone.to_string(),
        Some(r) => {
            let roles: Vec<String> = r.roles.iter().map(|id| format!("<@&{id}>")).collect();
            let roles = roles.join(", ");
            match r.need {
                RoleMatch::AnyOf => t!(RolesLineAny, roles),
                RoleMatch::AllOf => t!(RolesLineAll, roles),
            }
        }
    }
}

fn roles_rows(topic: u32) -> Vec<Component> {
    vec![
        auto_select(
            &Action::TopicRolesSelect { topic },
            Text::RolesPlaceholder,
            SelectMenuType::Role,
            (0, TOPIC_ROLES_MAX as u8),
        ),
        buttons(&[
            (
                Action::TopicRolesAnyOf { topic },
                Text::RolesAnyOfButton,
                ButtonStyle::Secondary,
            ),
            (
                Action::TopicRolesAllOf { topic },
                Text::RolesAllOfButton,
                ButtonStyle::Secondary,
            ),
        ]),
    ]
}

fn input(id: &str, label: String, max: u16, required: bool, value: Option<String>) -> Component {
    let style = (TextInputStyle::Short, max);
    super::components::prefilled_input(id, label, style, required, value)
}

/// A question's form: empty to add one, prefilled to edit `existing`.
pub fn question_modal(scope: u64, index: usize, existing: Option<&Question>) -> Modal {
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let lengths = existing.map(|q| format!("{}-{}", q.min_len, q.max_len));
    Modal {
        custom_id: custom_id::encode(&Action::QuestionModal {
            scope,
            index: index as u32,
        }),
        title: t!(QuestionModalTitle, n = index + 1),
        components: vec![
            input(
                fields::QUESTION_LABEL,
                t!(QuestionLabelLabel, max = LABEL_MAX),
                LABEL_MAX as u16,
                true,
                existing.map(|q| q.label.clone()),
            ),
            input(
                fields::QUESTION_PLACEHOLDER,
                Text::QuestionPlaceholderLabel.to_string(),
                PLACEHOLDER_MAX as u16,
                false,
                existing.map(|q| q.placeholder.clone()),
            ),
            input(
                fields::QUESTION_LENGTHS,
                Text::QuestionLengthsLabel.to_string(),
                9,
                false,
                lengths,
            ),
            input(
                fields::QUESTION_LONG,
                Text::QuestionLongLabel.to_string(),
                3,
                false,
                existing.map(|q| yes_no(q.style == QuestionStyle::Paragraph)),
            ),
            input(
                fields::QUESTION_REQUIRED,
                Text::QuestionRequiredLabel.to_string(),
                3,
                false,
                existing.map(|q| yes_no(q.required)),
            ),
        ],
    }
}

/// The cooldown and daily cap, prefilled with what is set.
pub fn controls_modal(settings: &GuildSettings) -> Modal {
    let i = &settings.intake;
    Modal {
        custom_id: custom_id::encode(&Action::ControlsModal),
        title: Text::ControlsModalTitle.to_string(),
        components: vec![
            input(
                fields::COOLDOWN,
                Text::CooldownLabel.to_string(),
                5,
                false,
                Some(i.cooldown_minutes.to_string()),
            ),
            input(
                fields::DAILY_CAP,
                Text::DailyCapLabel.to_string(),
                3,
                false,
                Some(i.daily_cap.to_string()),
            ),
        ],
    }
}

/// The blocklist (entries ended by `now` are left out) and its controls.
pub fn blocklist_screen(entries: &[(BlockTarget, BlockEntry)], now: UnixMillis) -> Screen {
    let live: Vec<&(BlockTarget, BlockEntry)> = entries
        .iter()
        .filter(|(_, e)| e.until.is_none_or(|u| u > now))
        .collect();
    let mut text = Text::BlocklistHeader.to_string();
    if live.is_empty() {
        text.push('\n');
        text.push_str(Text::BlocklistEmpty.text());
    }
    let mut unblock = Vec::new();
    for (target, entry) in &live {
        let (who, value) = match target {
            BlockTarget::Member(id) => (format!("<@{id}>"), block_value(true, *id)),
            BlockTarget::Role(id) => (format!("<@&{id}>"), block_value(false, *id)),
        };
        text.push_str(&format!("\n• {who}"));
        if let Some(at) = entry.until {
            text.push_str(&t!(BlockUntil, at = at / 1000));
        }
        if !entry.reason.is_empty() {
            text.push_str(" · ");
            text.push_str(&t!(ReasonLine, reason = entry.reason));
        }
        unblock.push((value, who));
    }
    let mut components = vec![
        auto_select(
            &Action::BlockUserSelect,
            Text::BlockUserPlaceholder,
            SelectMenuType::User,
            (1, 1),
        ),
        auto_select(
            &Action::BlockRoleSelect,
            Text::BlockRolePlaceholder,
            SelectMenuType::Role,
            (1, 1),
        ),
    ];
    if !unblock.is_empty() {
        unblock.truncate(25);
        components.push(string_select(
            custom_id::encode(&Action::UnblockSelect),
            Text::UnblockPlaceholder.text(),
            unblock,
        ));
    }
    components.push(auto_select(
        &Action::ResetOpensSelect,
        Text::ResetOpensPlaceholder,
        SelectMenuType::User,
        (1, crate::domain::access::MAX_USERS_PER_CHANGE as u8),
    ));
    Screen::new(fit::cut(Slot::Content, text), components)
}

fn block_modal(role: bool, id: Snowflake) -> Modal {
    Modal {
        custom_id: custom_id::encode(&Action::BlockModal {
            role: u32::from(role),
            id,
        }),
        title: Text::BlockModalTitle.to_string(),
        components: vec![
            input(
                fields::BLOCK_REASON,
                Text::BlockReasonLabel.to_string(),
                200,
                false,
                None,
            ),
            input(
                fields::BLOCK_DAYS,
                Text::BlockDaysLabel.to_string(),
                4,
                false,
                None,
            ),
        ],
    }
}

fn refuse(text: impl Into<String>, why: &'static str) -> Outcome {
    Outcome::Refuse(text.into(), why)
}

/// What an intake action in the hub leads to; `None` for an action that is not one. Admins
/// only: the hub checked that before.
pub fn decide(
    settings: &GuildSettings,
    action: Action,
    values: &[String],
    fields: Option<&BTreeMap<String, String>>,
) -> Option<Outcome> {
    let field = |name: &str| fields.and_then(|f| f.get(name)).map_or("", String::as_str);
    let first = values.first().map(String::as_str);
    let ids = || -> Vec<Snowflake> { values.iter().filter_map(|v| v.parse().ok()).collect() };
    Some(match action {
        Action::QuestionScopePage { page } => Outcome::Update(scope_menu(&settings.topics, page)),
        Action::QuestionScopeSelect => match first.and_then(|v| v.parse().ok()) {
            Some(scope) => with_scope(settings, scope, |topic| {
                Outcome::Update(questions_screen(settings, topic))
            }),
            None => refuse(Text::UnknownChoice.to_string(), "no scope chosen"),
        },
        Action::QuestionMenu { scope } => match first.and_then(QuestionOp::parse) {
            Some(op) => with_scope(settings, scope, |topic| {
                question_op(settings, scope, topic, op)
            }),
            None => refuse(Text::UnknownChoice.to_string(), "unknown question op"),
        },
        Action::QuestionAdd { scope } => with_scope(settings, scope, |topic| {
            let count = settings.intake.questions_for(topic).len();
            Outcome::OpenModal(question_modal(scope, count, None))
        }),
        Action::QuestionPreview { scope } => with_scope(settings, scope, |topic| {
            let questions = settings.intake.questions_for(topic);
            let action = Action::QuestionPreviewModal { scope };
            Outcome::OpenModal(form::form(action, Text::IntakeModalTitle, questions, &[]))
        }),
        Action::QuestionPreviewModal { .. } => Outcome::Show(Screen::text(t!(PreviewDone))),
        Action::QuestionModal { scope, index } => with_scope(settings, scope, |topic| {
            question_submitted(settings, topic, index as usize, &field)
        }),
        Action::TopicRolesSelect { topic } => {
            roles_change(settings, topic, |topic| IntakeChange::Roles {
                topic,
                roles: ids(),
            })
        }
        Action::TopicRolesAnyOf { topic } => {
            roles_change(settings, topic, |topic| IntakeChange::RolesNeed {
                topic,
                need: RoleMatch::AnyOf,
            })
        }
        Action::TopicRolesAllOf { topic } => {
            roles_change(settings, topic, |topic| IntakeChange::RolesNeed {
                topic,
                need: RoleMatch::AllOf,
            })
        }
        Action::ControlsModal => controls_submitted(&field),
        Action::BlockUserSelect | Action::BlockRoleSelect => match ids().first() {
            Some(&id) => Outcome::OpenModal(block_modal(action == Action::BlockRoleSelect, id)),
            None => refuse(Text::UnknownChoice.to_string(), "nobody to block"),
        },
        Action::BlockModal { role, id } => {
            let target = if role == 1 {
                BlockTarget::Role(id)
            } else {
                BlockTarget::Member(id)
            };
            match intake::parse_block_days(field(fields::BLOCK_DAYS)) {
                Ok(days) => Outcome::Runtime(RuntimeStep::Block {
                    target,
                    reason: crate::domain::naming::neutralize(
                        field(fields::BLOCK_REASON).trim(),
                        200,
                    ),
                    days,
                }),
                Err(text) => refuse(text, "block days refused"),
            }
        }
        Action::UnblockSelect => match first.and_then(parse_block_value) {
            Some((true, id)) => Outcome::Runtime(RuntimeStep::Unblock(BlockTarget::Member(id))),
            Some((false, id)) => Outcome::Runtime(RuntimeStep::Unblock(BlockTarget::Role(id))),
            None => refuse(Text::UnknownChoice.to_string(), "unknown block entry"),
        },
        Action::ResetOpensSelect => Outcome::Runtime(RuntimeStep::ResetOpens(ids())),
        _ => return None,
    })
}

/// `then` for the scope's topic, if it names none or one that exists.
fn with_scope(
    settings: &GuildSettings,
    scope: u64,
    then: impl FnOnce(Option<u32>) -> Outcome,
) -> Outcome {
    match topic_of(scope) {
        Ok(topic) if topic.is_none_or(|id| settings.topics.iter().any(|t| t.id == id)) => {
            then(topic)
        }
        _ => refuse(
            Text::TopicGone.to_string(),
            "questions of a topic that is gone",
        ),
    }
}

fn question_op(
    settings: &GuildSettings,
    scope: u64,
    topic: Option<u32>,
    op: QuestionOp,
) -> Outcome {
    let questions = settings.intake.questions_for(topic);
    let (QuestionOp::Edit(index)
    | QuestionOp::MoveUp(index)
    | QuestionOp::Remove(index)
    | QuestionOp::Subject(index)) = op;
    let Some(question) = questions.get(index) else {
        return refuse(Text::QuestionGone.to_string(), "question gone");
    };
    let change = match op {
        QuestionOp::Edit(_) => {
            return Outcome::OpenModal(question_modal(scope, index, Some(question)));
        }
        QuestionOp::MoveUp(index) => IntakeChange::MoveUp { topic, index },
        QuestionOp::Remove(index) => IntakeChange::Remove { topic, index },
        QuestionOp::Subject(index) => IntakeChange::ToggleSubject { topic, index },
    };
    saved(settings, topic, change, true)
}

/// The save of a question change, answered with the form's new count.
fn saved(
    settings: &GuildSettings,
    topic: Option<u32>,
    change: IntakeChange,
    in_place: bool,
) -> Outcome {
    let mut after = settings.intake.clone();
    if let Err(error) = change.clone().apply(&mut after) {
        return refuse(t!(QuestionRefused, error), "question refused");
    }
    let n = after.questions_for(topic).len();
    Outcome::Save {
        change,
        done: t!(QuestionsSaved, n, topic = scope_name(settings, topic)),
        in_place,
    }
}

fn question_submitted<'a>(
    settings: &GuildSettings,
    topic: Option<u32>,
    index: usize,
    field: &impl Fn(&str) -> &'a str,
) -> Outcome {
    let yes = |s: &str| matches!(s.trim().to_ascii_lowercase().as_str(), "yes" | "y");
    let (min, max) = intake::split_lengths(field(fields::QUESTION_LENGTHS));
    let draft = QuestionDraft {
        label: field(fields::QUESTION_LABEL),
        paragraph: yes(field(fields::QUESTION_LONG)),
        // Blank is required: most intake questions are.
        required: field(fields::QUESTION_REQUIRED).trim().is_empty()
            || yes(field(fields::QUESTION_REQUIRED)),
        min,
        max,
        placeholder: field(fields::QUESTION_PLACEHOLDER),
        subject: false,
    };
    let count = settings.intake.questions_for(topic).len();
    match intake::validate_question(&draft) {
        Ok(question) => saved(
            settings,
            topic,
            IntakeChange::SetQuestion {
                topic,
                index: index.min(count),
                question,
            },
            false,
        ),
        Err(error) => refuse(t!(QuestionRefused, error), "question refused"),
    }
}

fn roles_change(
    settings: &GuildSettings,
    topic: u32,
    change: impl FnOnce(u32) -> IntakeChange,
) -> Outcome {
    match settings.topics.iter().find(|t| t.id == topic) {
        Some(t) => Outcome::Save {
            change: change(topic),
            done: t!(RolesSaved, topic = topic_shown(&t.name)),
            in_place: false,
        },
        None => refuse(Text::TopicGone.to_string(), "roles of a topic that is gone"),
    }
}

fn controls_submitted<'a>(field: &impl Fn(&str) -> &'a str) -> Outcome {
    match intake::parse_controls(field(fields::COOLDOWN), field(fields::DAILY_CAP)) {
        Some((cooldown_minutes, daily_cap)) => Outcome::Save {
            change: IntakeChange::Controls {
                cooldown_minutes,
                daily_cap,
            },
            done: t!(ControlsSaved, minutes = cooldown_minutes, limit = daily_cap),
            in_place: false,
        },
        None => refuse(
            t!(
                ControlsRefused,
                max = COOLDOWN_MINUTES_MAX,
                limit = DAILY_CAP_MAX
            ),
            "controls refused",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings_with_topic() -> GuildSettings {
        let mut settings = GuildSettings::default();
        settings.topics.push(Topic {
            id: 4,
            name: "Billing".into(),
            category: None,
        });
        settings
    }

    fn submit(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn decide_modal(settings: &GuildSettings, action: Action, pairs: &[(&str, &str)]) -> Outcome {
        decide(settings, action, &[], Some(&submit(pairs))).expect("an intake action")
    }

    #[test]
    fn a_question_is_validated_and_saved_for_its_scope() {
        let settings = settings_with_topic();
        let scope = scope_of(Some(4));
        let action = Action::QuestionModal { scope, index: 0 };
        let saved = decide_modal(
            &settings,
            action,
            &[
                (fields::QUESTION_LABEL, "Invoice"),
                (fields::QUESTION_LENGTHS, "2-40"),
                (fields::QUESTION_LONG, "yes"),
                (fields::QUESTION_REQUIRED, "no"),
            ],
        );
        let Outcome::Save {
            change: IntakeChange::SetQuestion {
                topic, question, ..
            },
            in_place: false,
            ..
        } = saved
        else {
            panic!("{saved:?}")
        };
        assert_eq!(topic, Some(4));
        assert_eq!((question.min_len, question.max_len), (2, 40));
        assert!(question.style == QuestionStyle::Paragraph && !question.required);
        let refused = decide_modal(&settings, action, &[(fields::QUESTION_LABEL, "")]);
        assert!(matches!(refused, Outcome::Refuse(..)), "{refused:?}");
        // A scope naming a topic that is gone (or no topic id at all) is refused.
        for scope in [scope_of(Some(5)), u64::MAX] {
            let gone = decide_modal(
                &settings,
                Action::QuestionModal { scope, index: 0 },
                &[(fields::QUESTION_LABEL, "x")],
            );
            assert!(matches!(gone, Outcome::Refuse(_, _)), "{gone:?}");
        }
    }

    #[test]
    fn a_sixth_question_and_a_missing_one_are_refused() {
        let mut settings = GuildSettings::default();
        let q = intake::validate_question(&QuestionDraft {
            label: "q",
            paragraph: false,
            required: true,
            min: "",
            max: "",
            placeholder: "",
            subject: false,
        })
        .expect("valid");
        settings.intake.questions = vec![q; QUESTIONS_MAX];
        let sixth = decide_modal(
            &settings,
            Action::QuestionModal {
                scope: 0,
                index: QUESTIONS_MAX as u32,
            },
            &[(fields::QUESTION_LABEL, "more")],
        );
        assert!(matches!(sixth, Outcome::Refuse(..)), "{sixth:?}");
        let values = [QuestionOp::Remove(7).value()];
        let missing = decide(&settings, Action::QuestionMenu { scope: 0 }, &values, None);
        assert!(matches!(missing, Some(Outcome::Refuse(..))), "{missing:?}");
        let screen = questions_screen(&settings, None);
        assert!(screen.components.len() <= 5);
    }

    #[test]
    fn controls_and_blocks_are_checked_before_they_are_kept() {
        let settings = GuildSettings::default();
        let ok = decide_modal(
            &settings,
            Action::ControlsModal,
            &[(fields::COOLDOWN, "30"), (fields::DAILY_CAP, "")],
        );
        assert!(matches!(
            ok,
            Outcome::Save {
                change: IntakeChange::Controls {
                    cooldown_minutes: 30,
                    daily_cap: 0
                },
                ..
            }
        ));
        let bad = decide_modal(
            &settings,
            Action::ControlsModal,
            &[(fields::COOLDOWN, "-1")],
        );
        assert!(matches!(bad, Outcome::Refuse(..)));
        let block = Action::BlockModal { role: 1, id: 9 };
        let blocked = decide_modal(
            &settings,
            block,
            &[
                (fields::BLOCK_REASON, "@everyone spam"),
                (fields::BLOCK_DAYS, "7"),
            ],
        );
        let Outcome::Runtime(RuntimeStep::Block {
            target,
            reason,
            days,
        }) = blocked
        else {
            panic!("{blocked:?}")
        };
        assert_eq!((target, days), (BlockTarget::Role(9), Some(7)));
        assert!(!reason.contains("@everyone"), "a reason never pings");
        let never = decide_modal(&settings, block, &[(fields::BLOCK_DAYS, "0")]);
        assert!(matches!(never, Outcome::Refuse(..)));
        let forged = decide(&settings, Action::UnblockSelect, &["x9".into()], None);
        assert!(matches!(forged, Some(Outcome::Refuse(..))));
    }

    #[test]
    fn scopes_page_past_one_select() {
        let settings = GuildSettings {
            topics: (0..60)
                .map(|id| Topic {
                    id,
                    name: format!("t{id}"),
                    category: None,
                })
                .collect(),
            ..GuildSettings::default()
        };
        let last = scope_menu(&settings.topics, 99);
        assert_eq!(last.components.len(), 2, "the select and the page buttons");
        let first = decide(&settings, Action::QuestionScopePage { page: 0 }, &[], None);
        let Some(Outcome::Update(first)) = first else {
            panic!("{first:?}")
        };
        assert_ne!(first, last);
    }

    #[test]
    fn the_blocklist_shows_live_entries_within_discords_limits() {
        let entry = |until| BlockEntry {
            until,
            reason: "r".repeat(200),
            by: 1,
        };
        let mut entries: Vec<(BlockTarget, BlockEntry)> = (0..40)
            .map(|i| (BlockTarget::Member(i), entry(None)))
            .collect();
        entries.push((BlockTarget::Role(99), entry(Some(5))));
        let screen = blocklist_screen(&entries, 10);
        assert!(screen.text.chars().count() <= fit::max_chars(Slot::Content));
        assert!(
            !screen.text.contains("<@&99>"),
            "an ended block is not shown"
        );
        assert!(screen.components.len() <= 5);
    }
}
