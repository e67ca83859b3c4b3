//! The intake's rules: who may open a ticket now (blocklist, required roles, cooldown, daily
//! cap), what a question may be, and what a submitted form's answers are worth.
//!
//! Pure functions of settings, in-memory state and a time, so the click path checks them
//! without a store read and the tests here need no actors.

use std::collections::BTreeMap;

use crate::domain::model::{
    Answer, BlockEntry, BlockTarget, IntakeSettings, MemberOpens, QUESTIONS_MAX, Question,
    QuestionStyle, RoleMatch, Snowflake, UnixMillis,
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
        if n == 0 {
            if q.required {
                return Err(AnswerError::Missing {
                    label: q.label.clone(),
                });
            }
        } else if n < usize::from(q.min_len) || n > usize::from(q.max_len.min(ANSWER_MAX)) {
            return Err(AnswerError::Length {
                label: q.label.clone(),
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

#[cfg(test)]
mod tests;
