//! The intake's rules: who may open a ticket now (blocklist, required roles, cooldown, daily
//! cap), what a question may be, and what a submitted form's answers are worth.
//!
//! Pure functions of settings, in-memory state and a time, so the click path checks them
//! without a store read and the tests here need no actors.

use std::collections::BTreeMap;

use crate::domain::model::{
    Answer, BlockEntry, BlockTarget, IntakeSettings, MemberOpens, QUESTIONS_MAX, Question,
    QuestionStyle, RoleMatch, RoleRequirement, Snowflake, UnixMillis,
};
use crate::ui::text::t;

/// Discord's most characters in an embed field's value: an answer never holds more, so the
/// text input's `max_length` is capped here.
pub const ANSWER_MAX: u16 = 1024;
/// Discord's most characters in a text input's label.
pub const LABEL_MAX: usize = 45;
/// Discord's most characters in a text input's placeholder.
pub const PLACEHOLDER_MAX: usize = 100;
/// Discord's most characters in a text input's prefilled value.
pub const PREFILL_MAX: usize = 4000;

const MINUTE: i64 = 60_000;
const DAY: i64 = 86_400_000;

/// The custom id of question `index`'s text input (the modal's own id names the action).
pub fn field_id(index: usize) -> String {
    format!("q{index}")
}

/// Who is opening, as the interaction says.
#[derive(Debug, Clone, Copy)]
pub struct Opener<'a> {
    pub user: Snowflake,
    pub roles: &'a [Snowflake],
    /// Staff (admins included) are exempt from every control.
    pub is_staff: bool,
}

/// Why an open is refused; every variant says when to try again where that is known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("blocked")]
    Blocked {
        reason: String,
        until: Option<UnixMillis>,
    },
    #[error("missing roles")]
    MissingRoles {
        roles: Vec<Snowflake>,
        need: RoleMatch,
    },
    #[error("cooldown")]
    Cooldown { until: UnixMillis },
    #[error("daily cap")]
    DailyCap { cap: u32, until: UnixMillis },
}

impl Refusal {
    /// What the member is told, in the language being spoken.
    pub fn message(&self) -> String {
        match self {
            Refusal::Blocked { reason, until } => {
                let mut text = match until {
                    Some(at) => t!(IntakeBlockedUntil, at = at / 1000),
                    None => t!(IntakeBlocked),
                };
                if !reason.is_empty() {
                    text.push('\n');
                    text.push_str(&t!(ReasonLine, reason = reason));
                }
                text
            }
            Refusal::MissingRoles { roles, need } => {
                let roles: Vec<String> = roles.iter().map(|r| format!("<@&{r}>")).collect();
                let roles = roles.join(", ");
                match need {
                    RoleMatch::AnyOf => t!(IntakeRolesAny, roles),
                    RoleMatch::AllOf => t!(IntakeRolesAll, roles),
                }
            }
            Refusal::Cooldown { until } => t!(IntakeCooldown, at = until / 1000),
            Refusal::DailyCap { cap, until } => {
                t!(IntakeDailyCap, limit = cap, at = until / 1000)
            }
        }
    }
}

/// Whether `opener` may open a ticket of `topic` at `now`. `block` looks an entry up;
/// `opens` is what the member's earlier opens left. Staff pass every check.
pub fn check_open<'b>(
    settings: &IntakeSettings,
    topic: Option<u32>,
    opener: Opener<'_>,
    opens: Option<&MemberOpens>,
    block: impl Fn(BlockTarget) -> Option<&'b BlockEntry>,
    now: UnixMillis,
) -> Result<(), Refusal> {
    if opener.is_staff {
        return Ok(());
    }
    let targets = std::iter::once(BlockTarget::Member(opener.user))
        .chain(opener.roles.iter().map(|r| BlockTarget::Role(*r)));
    for target in targets {
        if let Some(entry) = block(target).filter(|e| e.until.is_none_or(|u| u > now)) {
            return Err(Refusal::Blocked {
                reason: entry.reason.clone(),
                until: entry.until,
            });
        }
    }
    if let Some(id) = topic
        && let Some((_, need)) = settings.topic_roles.iter().find(|(t, _)| *t == id)
        && !has_roles(need.need, &need.roles, opener.roles)
    {
        return Err(Refusal::MissingRoles {
            roles: need.roles.clone(),
            need: need.need,
        });
    }
    let Some(opens) = opens else {
        return Ok(());
    };
    if settings.cooldown_minutes > 0 {
        let until = opens.last_open + i64::from(settings.cooldown_minutes) * MINUTE;
        if until > now {
            return Err(Refusal::Cooldown { until });
        }
    }
    let today = now.div_euclid(DAY);
    if settings.daily_cap > 0 && opens.day == today && opens.today >= settings.daily_cap {
        return Err(Refusal::DailyCap {
            cap: settings.daily_cap,
            until: (today + 1) * DAY,
        });
    }
    Ok(())
}

/// Whether a member with `held` roles meets a requirement; an empty list requires nothing.
pub fn has_roles(need: RoleMatch, roles: &[Snowflake], held: &[Snowflake]) -> bool {
    if roles.is_empty() {
        return true;
    }
    match need {
        RoleMatch::AnyOf => roles.iter().any(|r| held.contains(r)),
        RoleMatch::AllOf => roles.iter().all(|r| held.contains(r)),
    }
}

/// A member's opens after one more at `now`.
pub fn record_open(before: Option<&MemberOpens>, now: UnixMillis) -> MemberOpens {
    let day = now.div_euclid(DAY);
    let today = match before {
        Some(b) if b.day == day => b.today.saturating_add(1),
        _ => 1,
    };
    MemberOpens {
        last_open: now,
        day,
        today,
    }
}

/// Whether an entry for a member's opens still matters at `now` (else it can be forgotten).
pub fn opens_matter(settings: &IntakeSettings, opens: &MemberOpens, now: UnixMillis) -> bool {
    let cooling = opens.last_open + i64::from(settings.cooldown_minutes) * MINUTE > now;
    cooling || opens.day == now.div_euclid(DAY)
}

/// Why an admin's question was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuestionError {
    #[error("{}", t!(QuestionLabelBad, max = LABEL_MAX))]
    Label,
    #[error("{}", t!(QuestionPlaceholderBad, max = PLACEHOLDER_MAX))]
    Placeholder,
    #[error("{}", t!(QuestionLengthsBad, max = ANSWER_MAX))]
    Lengths,
    #[error("{}", t!(QuestionTooMany, max = QUESTIONS_MAX))]
    TooMany,
}

/// An admin's question as typed into the hub's form; lengths as text (blank: no bound).
pub struct QuestionDraft<'a> {
    pub label: &'a str,
    pub paragraph: bool,
    pub required: bool,
    pub min: &'a str,
    pub max: &'a str,
    pub placeholder: &'a str,
    pub subject: bool,
}

/// Checks a draft against Discord's limits for a text input and an embed field.
pub fn validate_question(draft: &QuestionDraft<'_>) -> Result<Question, QuestionError> {
    let label = draft.label.trim();
    let n = label.chars().count();
    if n == 0 || n > LABEL_MAX || label.chars().any(char::is_control) {
        return Err(QuestionError::Label);
    }
    let placeholder = draft.placeholder.trim();
    if placeholder.chars().count() > PLACEHOLDER_MAX || placeholder.chars().any(char::is_control) {
        return Err(QuestionError::Placeholder);
    }
    let bound = |s: &str, default: u16| -> Result<u16, QuestionError> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(default);
        }
        s.parse::<u16>().map_err(|_| QuestionError::Lengths)
    };
    let min_len = bound(draft.min, 0)?;
    let max_len = bound(draft.max, ANSWER_MAX)?;
    if max_len == 0 || max_len > ANSWER_MAX || min_len > max_len {
        return Err(QuestionError::Lengths);
    }
    Ok(Question {
        label: label.to_owned(),
        style: if draft.paragraph {
            QuestionStyle::Paragraph
        } else {
            QuestionStyle::Short
        },
        required: draft.required,
        min_len,
        max_len,
        placeholder: placeholder.to_owned(),
        subject: draft.subject,
    })
}

/// Why a submitted form was refused. A person's client never sends these for the form the bot
/// showed; they mean the form changed meanwhile or the submission was forged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("{}", t!(AnswersNotUnderstood))]
    UnknownField,
    #[error("{}", t!(AnswerMissing, label = label))]
    Missing { label: String },
    #[error("{}", t!(AnswerLength, label = label, min = min, max = max))]
    Length { label: String, min: u16, max: u16 },
}

/// The answers a submitted form gives to `questions`, checked as Discord checks them (the
/// required ones present, every one within its lengths) since a forged submission skips
/// Discord's checks.
pub fn answers_from(
    questions: &[Question],
    fields: &BTreeMap<String, String>,
) -> Result<Vec<Answer>, AnswerError> {
    let known: Vec<String> = (0..questions.len()).map(field_id).collect();
    if fields.keys().any(|k| !known.contains(k)) {
        return Err(AnswerError::UnknownField);
    }
    let mut answers = Vec::with_capacity(questions.len());
    for (i, q) in questions.iter().enumerate() {
        let value = fields.get(&known[i]).map_or("", |v| v.trim());
        let n = value.chars().count();
        // The label is echoed to the member: it must not ping, whatever an admin typed.
        let label = || crate::domain::naming::neutralize(&q.label, LABEL_MAX);
        if n == 0 {
            if q.required {
                return Err(AnswerError::Missing { label: label() });
            }
        } else if n < usize::from(q.min_len) || n > usize::from(q.max_len.min(ANSWER_MAX)) {
            return Err(AnswerError::Length {
                label: label(),
                min: q.min_len,
                max: q.max_len.min(ANSWER_MAX),
            });
        }
        answers.push(Answer {
            label: q.label.clone(),
            value: value.to_owned(),
            subject: q.subject,
        });
    }
    Ok(answers)
}

/// The answer marked as the ticket's subject, if given.
pub fn subject(answers: &[Answer]) -> Option<&str> {
    answers
        .iter()
        .find(|a| a.subject && !a.value.is_empty())
        .map(|a| a.value.as_str())
}

/// The prefill for question `index` from earlier answers: the answer to the same label, within
/// what a text input holds and its own maximum.
pub fn prefill<'a>(question: &Question, earlier: &'a [Answer]) -> Option<&'a str> {
    let answer = earlier.iter().find(|a| a.label == question.label)?;
    let max = usize::from(question.max_len).min(PREFILL_MAX);
    (!answer.value.is_empty() && answer.value.chars().count() <= max)
        .then_some(answer.value.as_str())
}

/// The most roles one topic may require (as many as a select offers, and a refusal names).
pub const TOPIC_ROLES_MAX: usize = crate::domain::access::MAX_STAFF_ROLES;
/// The longest block an admin sets in days (about ten years); longer is "until unblocked".
pub const BLOCK_DAYS_MAX: u32 = 3650;
/// The longest cooldown, in minutes (a week).
pub const COOLDOWN_MINUTES_MAX: u32 = 10_080;
/// The highest daily cap.
pub const DAILY_CAP_MAX: u32 = 100;

/// A change an admin makes to the intake settings in the hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntakeChange {
    /// Replaces question `index` of `topic`'s form, or adds one when `index` is the count.
    SetQuestion {
        topic: Option<u32>,
        index: usize,
        question: Question,
    },
    MoveUp {
        topic: Option<u32>,
        index: usize,
    },
    Remove {
        topic: Option<u32>,
        index: usize,
    },
    /// Makes question `index` the subject (the others not), or none if it was.
    ToggleSubject {
        topic: Option<u32>,
        index: usize,
    },
    Roles {
        topic: u32,
        roles: Vec<Snowflake>,
    },
    RolesNeed {
        topic: u32,
        need: RoleMatch,
    },
    Controls {
        cooldown_minutes: u32,
        daily_cap: u32,
    },
}

impl IntakeChange {
    /// Applies the change; `Err` when the form it names no longer has that question or is full.
    pub fn apply(self, settings: &mut IntakeSettings) -> Result<(), QuestionError> {
        match self {
            IntakeChange::SetQuestion {
                topic,
                index,
                question,
            } => {
                let questions = questions_mut(settings, topic);
                if index < questions.len() {
                    let subject = question.subject || questions[index].subject;
                    questions[index] = Question {
                        subject,
                        ..question
                    };
                } else if questions.len() < QUESTIONS_MAX {
                    questions.push(question);
                } else {
                    return Err(QuestionError::TooMany);
                }
            }
            IntakeChange::MoveUp { topic, index } => {
                let questions = questions_mut(settings, topic);
                if index > 0 && index < questions.len() {
                    questions.swap(index - 1, index);
                }
            }
            IntakeChange::Remove { topic, index } => {
                let questions = questions_mut(settings, topic);
                if index < questions.len() {
                    questions.remove(index);
                }
            }
            IntakeChange::ToggleSubject { topic, index } => {
                let questions = questions_mut(settings, topic);
                let was = questions.get(index).is_some_and(|q| q.subject);
                for (i, q) in questions.iter_mut().enumerate() {
                    q.subject = i == index && !was;
                }
            }
            IntakeChange::Roles { topic, mut roles } => {
                roles.truncate(TOPIC_ROLES_MAX);
                let need = requirement(settings, topic).map_or(RoleMatch::AnyOf, |r| r.need);
                set_requirement(settings, topic, roles, need);
            }
            IntakeChange::RolesNeed { topic, need } => {
                let roles = requirement(settings, topic).map_or(Vec::new(), |r| r.roles.clone());
                set_requirement(settings, topic, roles, need);
            }
            IntakeChange::Controls {
                cooldown_minutes,
                daily_cap,
            } => {
                settings.cooldown_minutes = cooldown_minutes;
                settings.daily_cap = daily_cap;
            }
        }
        settings.topic_questions.retain(|(_, q)| !q.is_empty());
        Ok(())
    }
}

/// The roles a topic requires, if any are set.
pub fn requirement(settings: &IntakeSettings, topic: u32) -> Option<&RoleRequirement> {
    settings
        .topic_roles
        .iter()
        .find(|(t, _)| *t == topic)
        .map(|(_, r)| r)
}

fn set_requirement(
    settings: &mut IntakeSettings,
    topic: u32,
    roles: Vec<Snowflake>,
    need: RoleMatch,
) {
    settings.topic_roles.retain(|(t, _)| *t != topic);
    settings
        .topic_roles
        .push((topic, RoleRequirement { roles, need }));
}

fn questions_mut(settings: &mut IntakeSettings, topic: Option<u32>) -> &mut Vec<Question> {
    let Some(id) = topic else {
        return &mut settings.questions;
    };
    let at = match settings.topic_questions.iter().position(|(t, _)| *t == id) {
        Some(at) => at,
        None => {
            settings.topic_questions.push((id, Vec::new()));
            settings.topic_questions.len() - 1
        }
    };
    &mut settings.topic_questions[at].1
}

/// Cooldown minutes and the daily cap as typed in the hub's form (blank is 0).
pub fn parse_controls(cooldown: &str, cap: &str) -> Option<(u32, u32)> {
    let number = |s: &str, max: u32| -> Option<u32> {
        let s = s.trim();
        if s.is_empty() {
            return Some(0);
        }
        s.parse::<u32>().ok().filter(|n| *n <= max)
    };
    Some((
        number(cooldown, COOLDOWN_MINUTES_MAX)?,
        number(cap, DAILY_CAP_MAX)?,
    ))
}

/// A block's length as typed: blank for until unblocked, else 1 to [`BLOCK_DAYS_MAX`] days;
/// `Err` is what the admin is told.
pub fn parse_block_days(days: &str) -> Result<Option<u32>, String> {
    let days = days.trim();
    if days.is_empty() {
        return Ok(None);
    }
    match days.parse::<u32>() {
        Ok(n) if (1..=BLOCK_DAYS_MAX).contains(&n) => Ok(Some(n)),
        _ => Err(t!(BlockDaysBad, max = BLOCK_DAYS_MAX)),
    }
}

/// When a block of `days` set at `now` ends.
pub fn block_until(days: Option<u32>, now: UnixMillis) -> Option<UnixMillis> {
    days.map(|d| now + i64::from(d) * DAY)
}

/// `min-max` lengths as typed in the hub's question form: `(min, max)` as text, either blank.
pub fn split_lengths(raw: &str) -> (&str, &str) {
    match raw.split_once('-') {
        Some((min, max)) => (min.trim(), max.trim()),
        None => ("", raw.trim()),
    }
}

#[cfg(test)]
mod tests;
