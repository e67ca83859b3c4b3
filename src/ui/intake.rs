//! The intake form a member fills before a ticket opens, and its answers on the welcome
//! message. Labels, placeholders and answers are person-written: they are cut to Discord's
//! limits here and neutralized (no mention in them can ping).

use twilight_model::channel::message::{
    Component,
    component::{ActionRow, ButtonStyle, TextInput, TextInputStyle},
    embed::EmbedField,
};

use crate::discord::OutgoingMessage;
use crate::domain::{
    custom_id::{self, Action},
    intake::{self, ANSWER_MAX, LABEL_MAX, PLACEHOLDER_MAX},
    model::{Answer, Question, QuestionStyle},
    naming::neutralize,
};

use super::{
    Modal,
    text::{Text, t},
};

/// The form for `questions`, prefilled from `earlier` answers where they fit. `title` is the
/// form's purpose (asking before the open, or editing after it).
pub fn form(action: Action, title: Text, questions: &[Question], earlier: &[Answer]) -> Modal {
    let components = questions
        .iter()
        .take(crate::domain::model::QUESTIONS_MAX)
        .enumerate()
        .map(|(i, q)| question_input(i, q, intake::prefill(q, earlier)))
        .collect();
    Modal {
        custom_id: custom_id::encode(&action),
        title: title.to_string(),
        components,
    }
}

/// One question as a text input, within Discord's limits whatever the stored question says.
#[allow(deprecated)] // Discord prefers Label components; action rows are still accepted
fn question_input(index: usize, q: &Question, value: Option<&str>) -> Component {
    let max = q.max_len.clamp(1, ANSWER_MAX);
    let min = q.min_len.min(max);
    let placeholder: String = q.placeholder.chars().take(PLACEHOLDER_MAX).collect();
    let mut label: String = q.label.chars().take(LABEL_MAX).collect();
    if label.trim().is_empty() {
        label = format!("{}", index + 1);
    }
    Component::ActionRow(ActionRow {
        id: None,
        components: vec![Component::TextInput(TextInput {
            custom_id: intake::field_id(index),
            id: None,
            label: Some(label),
            max_length: Some(max),
            min_length: (min > 0).then_some(min),
            placeholder: (!placeholder.is_empty()).then_some(placeholder),
            required: Some(q.required),
            style: match q.style {
                QuestionStyle::Short => TextInputStyle::Short,
                QuestionStyle::Paragraph => TextInputStyle::Paragraph,
            },
            value: value.map(str::to_owned),
        })],
    })
}

/// The welcome message with the answers as fields of its embed and the opener's Edit answers
/// button; unchanged when there are no answers.
pub fn with_answers(
    mut message: OutgoingMessage,
    number: u64,
    answers: &[Answer],
) -> OutgoingMessage {
    if answers.is_empty() {
        return message;
    }
    if let Some(embed) = message.embeds.first_mut() {
        embed.fields = answers.iter().map(answer_field).collect();
    }
    let edit = custom_id::encode(&Action::EditAnswers { ticket: number });
    let extra = crate::discord::button_row(&[(
        edit,
        Text::EditAnswersButton.text(),
        ButtonStyle::Secondary,
    )]);
    match (message.components.first_mut(), extra) {
        (Some(Component::ActionRow(row)), Component::ActionRow(extra))
            if row.components.len() < 5 =>
        {
            row.components.extend(extra.components)
        }
        (_, extra) => message.components.push(extra),
    }
    message
}

/// Discord refuses an embed field with an empty name or value: what is left once control
/// characters are removed decides, not the raw text.
fn answer_field(answer: &Answer) -> EmbedField {
    let value = neutralize(&answer.value, usize::from(ANSWER_MAX));
    let value = if value.trim().is_empty() {
        t!(NoAnswer)
    } else {
        value
    };
    let name = neutralize(&answer.label, LABEL_MAX);
    let name = if name.trim().is_empty() {
        "\u{200B}".to_owned()
    } else {
        name
    };
    EmbedField {
        inline: false,
        name,
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::QUESTIONS_MAX;

    fn question(label: &str, max_len: u16) -> Question {
        Question {
            label: label.into(),
            style: QuestionStyle::Paragraph,
            required: true,
            min_len: 2000,
            max_len,
            placeholder: "p".repeat(300),
            subject: false,
        }
    }

    #[test]
    #[allow(deprecated)] // the label of an action row's text input, as sent
    fn a_form_stays_within_discords_limits_whatever_is_stored() {
        let questions = vec![question(&"l".repeat(80), 9000); QUESTIONS_MAX + 2];
        let earlier = vec![Answer {
            label: "l".repeat(80),
            value: "v".repeat(5000),
            subject: false,
        }];
        let modal = form(
            Action::IntakeForm { scope: 0 },
            Text::IntakeModalTitle,
            &questions,
            &earlier,
        );
        assert_eq!(modal.components.len(), QUESTIONS_MAX);
        for row in &modal.components {
            let Component::ActionRow(row) = row else {
                panic!("a row")
            };
            let Component::TextInput(input) = &row.components[0] else {
                panic!("an input")
            };
            assert!(input.label.as_deref().unwrap_or("").chars().count() <= LABEL_MAX);
            assert_eq!(input.max_length, Some(ANSWER_MAX));
            assert!(input.min_length.unwrap_or(0) <= ANSWER_MAX);
            assert!(input.placeholder.as_deref().unwrap_or("").chars().count() <= 100);
            assert!(input.value.is_none(), "too long to prefill");
        }
    }

    const ZWSP: char = '\u{200B}';

    proptest::proptest! {
        /// Whatever a member answers and an admin labels, the welcome's fields fit Discord's
        /// limits and no `@` in them is left able to mention.
        #[test]
        fn hostile_answers_fit_and_never_mention(
            label in ".{0,80}", value in ".{0,1500}",
        ) {
            let message = OutgoingMessage {
                embeds: vec![crate::discord::embed("t", "d", 0, None)],
                ..Default::default()
            };
            let answers = vec![Answer { label, value, subject: false }];
            let out = with_answers(message, 1, &answers);
            let field = &out.embeds[0].fields[0];
            proptest::prop_assert!(field.name.chars().count() <= LABEL_MAX);
            proptest::prop_assert!(field.value.chars().count() <= usize::from(ANSWER_MAX));
            proptest::prop_assert!(!field.value.is_empty());
            for text in [&field.name, &field.value] {
                let chars: Vec<char> = text.chars().collect();
                for (i, c) in chars.iter().enumerate() {
                    if *c == '@' {
                        let guarded = chars.get(i + 1).is_none_or(|n| *n == ZWSP);
                        proptest::prop_assert!(guarded, "{text}");
                    }
                }
            }
        }
    }

    #[test]
    fn answers_never_ping_and_fit_a_field() {
        let message = OutgoingMessage {
            embeds: vec![crate::discord::embed("t", "d", 0, None)],
            ..Default::default()
        };
        let answers = vec![Answer {
            label: "@everyone".into(),
            value: format!("@everyone <@1> {}", "x".repeat(2000)),
            subject: false,
        }];
        let out = with_answers(message, 1, &answers);
        let field = &out.embeds[0].fields[0];
        assert!(!field.value.contains("@everyone"));
        assert!(field.value.chars().count() <= usize::from(ANSWER_MAX));
        assert!(!out.components.is_empty());
    }
}
