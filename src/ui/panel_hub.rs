//! The hub's panel screens and what a click in them leads to: which posted panel, its settings
//! (texts and colour, button label and emoji, style, topics), each change an edit of the posted
//! message. Pure, like [`super::hub`], which maps an [`Outcome`] to its `Step`.

use std::collections::BTreeMap;

use twilight_model::channel::message::{
    Component,
    component::{
        ActionRow, ButtonStyle, SelectMenu, SelectMenuOption, SelectMenuType, TextInputStyle,
        TextInputStyle::{Paragraph, Short},
    },
};

use crate::domain::{
    custom_id::{self, Action, fields},
    limits,
    model::{GuildSettings, Panel, PanelStyle, Topic},
    naming,
    panel::{self, LookError},
};

use super::{
    Modal, Screen,
    components::{auto_select, buttons, prefilled_input},
    fit, hub_screens,
    intake_hub::Outcome,
    text::{Slot, Text, t},
};

/// What a panel action in the hub leads to; `None` for an action that is not one. Admins only:
/// the hub checked that before.
pub fn decide(
    settings: &GuildSettings,
    action: Action,
    (values, fields): (&[String], Option<&BTreeMap<String, String>>),
) -> Option<Outcome> {
    let field = |name: &str| fields.and_then(|f| f.get(name)).map_or("", String::as_str);
    let message = match action {
        Action::PanelEditSelect => values.first().and_then(|v| v.parse().ok()).unwrap_or(0),
        Action::PanelTexts { message }
        | Action::PanelButton { message }
        | Action::PanelEditModal { message }
        | Action::PanelButtonModal { message }
        | Action::PanelStyleSelect { message }
        | Action::PanelTopicsSelect { message } => message,
        _ => return None,
    };
    let Some(panel) = settings.panels.iter().find(|p| p.message == message) else {
        return Some(Outcome::Refuse(
            Text::PanelGone.to_string(),
            "panel already gone",
        ));
    };
    Some(match action {
        Action::PanelEditSelect => Outcome::Update(panel_settings(panel, &settings.topics)),
        Action::PanelTexts { .. } => Outcome::OpenModal(texts_modal(panel)),
        Action::PanelButton { .. } => Outcome::OpenModal(button_modal(panel)),
        Action::PanelEditModal { .. } => texts_edited(panel, &field),
        Action::PanelButtonModal { .. } => button_edited(panel, &field),
        Action::PanelStyleSelect { .. } => {
            match values.first().and_then(|v| PanelStyle::parse(v)) {
                Some(style) => Outcome::EditPanel(Box::new(Panel {
                    style,
                    ..panel.clone()
                })),
                None => Outcome::Refuse(Text::UnknownChoice.to_string(), "unknown panel style"),
            }
        }
        _ => Outcome::EditPanel(Box::new(Panel {
            topics: panel::chosen_topics(values, &settings.topics),
            ..panel.clone()
        })),
    })
}

/// Setup → Edit a posted panel: which one.
pub fn panel_edit_menu(panels: &[Panel]) -> Screen {
    hub_screens::panel_list(panels, Text::PanelEditPrompt, Action::PanelEditSelect)
}

/// One panel's settings: buttons for its texts and its button, selects for its style and its
/// topics (the panel's own ones preselected).
pub fn panel_settings(panel: &Panel, topics: &[Topic]) -> Screen {
    let message = panel.message;
    let title = naming::neutralize(&panel.title, 60);
    let edits = [
        (Action::PanelTexts { message }, Text::PanelTextsButton),
        (Action::PanelButton { message }, Text::PanelButtonButton),
    ]
    .map(|(action, label)| (action, label, ButtonStyle::Secondary));
    let mut components = vec![buttons(&edits)];
    components.push(style_select(panel));
    if !topics.is_empty() {
        components.push(topics_select(panel, topics));
    }
    components.extend(threads_controls(panel));
    let kind = match panel.threads_in {
        Some(channel) => t!(PanelThreadsNow, channel),
        None => Text::PanelChannelsNow.to_string(),
    };
    let text = t!(PanelSettingsPrompt, title, channel = panel.channel);
    Screen::new(format!("{text}\n{kind}"), components)
}

/// Where the panel's tickets go: a text channel to hold them as private threads, and, while
/// they are threads, the way back to channels.
fn threads_controls(panel: &Panel) -> Vec<Component> {
    let message = panel.message;
    let mut rows = vec![auto_select(
        &Action::PanelThreadsSelect { message },
        Text::PanelThreadsPlaceholder,
        SelectMenuType::Channel,
        (1, 1),
    )];
    if panel.threads_in.is_some() {
        let back = (
            Action::PanelChannels { message },
            Text::PanelChannelsButton,
            ButtonStyle::Secondary,
        );
        rows.push(buttons(&[back]));
    }
    rows
}

fn style_select(panel: &Panel) -> Component {
    let options = PanelStyle::ALL
        .iter()
        .map(|style| {
            option(
                style.as_str().to_owned(),
                style_label(*style).to_string(),
                *style == panel.style,
            )
        })
        .collect();
    select(
        Action::PanelStyleSelect {
            message: panel.message,
        },
        Text::PanelStylePlaceholder,
        options,
        (1, 1),
    )
}

/// The topics a panel may open, the first 25 of the server's (a select's most).
fn topics_select(panel: &Panel, topics: &[Topic]) -> Component {
    let shown: Vec<&Topic> = topics.iter().take(limits::SELECT_PAGE).collect();
    let options = shown
        .iter()
        .map(|t| {
            option(
                t.id.to_string(),
                naming::neutralize(&t.name, limits::SELECT_OPTION_LABEL_MAX),
                panel.topics.contains(&t.id),
            )
        })
        .collect();
    let most = u8::try_from(shown.len()).unwrap_or(25);
    select(
        Action::PanelTopicsSelect {
            message: panel.message,
        },
        Text::PanelTopicsPlaceholder,
        options,
        (0, most),
    )
}

pub fn style_label(style: PanelStyle) -> Text {
    match style {
        PanelStyle::Blue => Text::PanelStyleBlue,
        PanelStyle::Grey => Text::PanelStyleGrey,
        PanelStyle::Green => Text::PanelStyleGreen,
        PanelStyle::Red => Text::PanelStyleRed,
        PanelStyle::TopicSelect => Text::PanelStyleSelect,
    }
}

fn option(value: String, label: String, default: bool) -> SelectMenuOption {
    SelectMenuOption {
        default,
        description: None,
        emoji: None,
        label: fit::cut(Slot::SelectOption, label),
        value,
    }
}

fn select(
    action: Action,
    placeholder: Text,
    options: Vec<SelectMenuOption>,
    (min, max): (u8, u8),
) -> Component {
    Component::ActionRow(ActionRow {
        id: None,
        components: vec![Component::SelectMenu(SelectMenu {
            channel_types: None,
            custom_id: custom_id::encode(&action),
            default_values: None,
            disabled: false,
            id: None,
            kind: SelectMenuType::Text,
            max_values: Some(max),
            min_values: Some(min),
            options: Some(options),
            placeholder: Some(placeholder.to_string()),
            required: None,
        })],
    })
}

/// A modal's text input: its field, label, style, most characters, and whether it is required.
type Input = (&'static str, Text, TextInputStyle, usize, bool);

const TEXT_INPUTS: [Input; 4] = [
    (
        fields::PANEL_TITLE,
        Text::PanelTitleLabel,
        Short,
        limits::PANEL_TITLE_MAX,
        true,
    ),
    (
        fields::PANEL_DESCRIPTION,
        Text::PanelDescriptionLabel,
        Paragraph,
        4000,
        true,
    ),
    (
        fields::PANEL_FOOTER,
        Text::PanelFooterLabel,
        Short,
        limits::PANEL_FOOTER_MAX,
        false,
    ),
    (fields::PANEL_COLOR, Text::PanelColorLabel, Short, 7, false),
];

const BUTTON_INPUTS: [Input; 2] = [
    (
        fields::PANEL_LABEL,
        Text::PanelLabelLabel,
        Short,
        limits::BUTTON_LABEL_MAX,
        false,
    ),
    (fields::PANEL_EMOJI, Text::PanelEmojiLabel, Short, 64, false),
];

/// A posted panel's texts and colour, prefilled, for its message to be edited.
fn texts_modal(panel: &Panel) -> Modal {
    let values = [
        panel.title.clone(),
        panel.description.clone(),
        panel.footer.clone(),
        panel::show_color(panel.color),
    ];
    let action = Action::PanelEditModal {
        message: panel.message,
    };
    prefilled_modal(action, Text::PanelEditModalTitle, &TEXT_INPUTS, values)
}

/// A posted panel's button label and emoji, prefilled.
fn button_modal(panel: &Panel) -> Modal {
    let values = [panel.label.clone(), panel.emoji.clone()];
    let action = Action::PanelButtonModal {
        message: panel.message,
    };
    prefilled_modal(action, Text::PanelButtonModalTitle, &BUTTON_INPUTS, values)
}

/// A modal of `inputs`, each showing its value.
fn prefilled_modal<const N: usize>(
    action: Action,
    title: Text,
    inputs: &[Input; N],
    values: [String; N],
) -> Modal {
    Modal {
        custom_id: custom_id::encode(&action),
        title: title.to_string(),
        components: inputs
            .iter()
            .zip(values)
            .map(|(&(id, label, style, max, required), value)| {
                let max = u16::try_from(max).unwrap_or(u16::MAX);
                prefilled_input(id, label.to_string(), (style, max), required, Some(value))
            })
            .collect(),
    }
}

fn texts_edited<'a>(panel: &Panel, field: &impl Fn(&str) -> &'a str) -> Outcome {
    let texts = limits::validate_panel_text(
        field(fields::PANEL_TITLE),
        field(fields::PANEL_DESCRIPTION),
        field(fields::PANEL_FOOTER),
    );
    let (title, description, footer) = match texts {
        Ok(texts) => texts,
        Err(error) => return refused(error.to_string(), "panel text refused"),
    };
    match panel::parse_color(field(fields::PANEL_COLOR)) {
        Ok(color) => Outcome::EditPanel(Box::new(Panel {
            title,
            description,
            footer,
            color: color.unwrap_or(crate::domain::model::PANEL_COLOR_DEFAULT),
            ..panel.clone()
        })),
        Err(error) => look_refused(error),
    }
}

fn button_edited<'a>(panel: &Panel, field: &impl Fn(&str) -> &'a str) -> Outcome {
    let label = match panel::parse_label(field(fields::PANEL_LABEL)) {
        Ok(label) => label,
        Err(error) => return look_refused(error),
    };
    // Kept as typed (trimmed) once it parses: the posted button is built from it each time.
    let emoji = field(fields::PANEL_EMOJI).trim();
    match panel::parse_emoji(emoji) {
        Ok(_) => Outcome::EditPanel(Box::new(Panel {
            label,
            emoji: emoji.to_owned(),
            ..panel.clone()
        })),
        Err(error) => look_refused(error),
    }
}

fn look_refused(error: LookError) -> Outcome {
    refused(error.to_string(), "panel look refused")
}

fn refused(error: String, why: &'static str) -> Outcome {
    Outcome::Refuse(t!(PanelLookRefused, error), why)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::hub_screens::custom_ids;

    fn settings() -> GuildSettings {
        let mut settings = GuildSettings::default();
        settings
            .panels
            .push(Panel::new(1, 10, "Help".into(), "d".into(), String::new()));
        for id in [3, 4] {
            settings.topics.push(Topic {
                id,
                name: format!("topic {id}"),
                category: None,
            });
        }
        settings
    }

    fn edited(outcome: Option<Outcome>) -> Panel {
        match outcome {
            Some(Outcome::EditPanel(panel)) => *panel,
            other => panic!("expected an edit, got {other:?}"),
        }
    }

    /// What a panel modal's submission with `pairs` leads to.
    fn submitted<const N: usize>(action: Action, pairs: [(&str, &str); N]) -> Option<Outcome> {
        let fields = BTreeMap::from(pairs.map(|(k, v)| (k.to_owned(), v.to_owned())));
        decide(&settings(), action, (&[], Some(&fields)))
    }

    #[test]
    fn choosing_a_panel_shows_its_settings() {
        let s = settings();
        let Some(Outcome::Update(screen)) =
            decide(&s, Action::PanelEditSelect, (&["10".into()], None))
        else {
            panic!("expected the panel's settings");
        };
        let ids = custom_ids(&screen.components);
        for action in [
            Action::PanelTexts { message: 10 },
            Action::PanelButton { message: 10 },
            Action::PanelStyleSelect { message: 10 },
            Action::PanelTopicsSelect { message: 10 },
            Action::PanelThreadsSelect { message: 10 },
        ] {
            assert!(ids.contains(&custom_id::encode(&action)), "{action:?}");
        }
        let back = custom_id::encode(&Action::PanelChannels { message: 10 });
        assert!(!ids.contains(&back), "channels already");
        let threads = Panel {
            threads_in: Some(5),
            ..s.panels[0].clone()
        };
        let screen = panel_settings(&threads, &s.topics);
        assert!(custom_ids(&screen.components).contains(&back));
        assert!(screen.text.contains("<#5>"));
        assert!(matches!(
            decide(&s, Action::PanelEditSelect, (&["11".into()], None)),
            Some(Outcome::Refuse(..))
        ));
    }

    #[test]
    fn texts_and_colour_are_checked_then_edited() {
        let texts = Action::PanelEditModal { message: 10 };
        let panel = edited(submitted(
            texts,
            [
                (fields::PANEL_TITLE, " Billing "),
                (fields::PANEL_DESCRIPTION, "Ask"),
                (fields::PANEL_COLOR, "#00ff00"),
            ],
        ));
        assert_eq!((panel.title.as_str(), panel.color), ("Billing", 0x00FF00));
        let bad = submitted(
            texts,
            [(fields::PANEL_TITLE, "t"), (fields::PANEL_COLOR, "green")],
        );
        assert!(matches!(bad, Some(Outcome::Refuse(..))));
    }

    #[test]
    fn button_style_and_topics_are_edited() {
        let s = settings();
        let button = Action::PanelButtonModal { message: 10 };
        let panel = edited(submitted(
            button,
            [
                (fields::PANEL_LABEL, "Get help"),
                (fields::PANEL_EMOJI, "🎫"),
            ],
        ));
        assert_eq!(
            (panel.label.as_str(), panel.emoji.as_str()),
            ("Get help", "🎫")
        );
        let bad = submitted(button, [(fields::PANEL_EMOJI, "@everyone")]);
        assert!(matches!(bad, Some(Outcome::Refuse(..))));
        let panel = edited(decide(
            &s,
            Action::PanelStyleSelect { message: 10 },
            (&["select".into()], None),
        ));
        assert_eq!(panel.style, PanelStyle::TopicSelect);
        let panel = edited(decide(
            &s,
            Action::PanelTopicsSelect { message: 10 },
            (&["4".into(), "99".into()], None),
        ));
        assert_eq!(panel.topics, vec![4]);
        assert!(matches!(
            decide(&s, Action::PanelTopicsSelect { message: 9 }, (&[], None)),
            Some(Outcome::Refuse(..))
        ));
    }
}
