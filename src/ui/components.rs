//! Discord's components as the bot uses them: button rows, selects and text inputs, with their
//! labels cut to Discord's limits.

use twilight_model::channel::{
    ChannelType,
    message::{
        Component,
        component::{
            ActionRow, ButtonStyle, SelectMenu, SelectMenuOption, SelectMenuType, TextInput,
            TextInputStyle,
        },
    },
};

use crate::domain::custom_id::{self, Action};

use super::{
    fit,
    text::{Slot, Text},
};

/// A row of buttons, each `(action, label, style)`.
pub fn buttons(buttons: &[(Action, Text, ButtonStyle)]) -> Component {
    let encoded: Vec<(String, String, ButtonStyle)> = buttons
        .iter()
        .map(|(action, label, style)| (custom_id::encode(action), label.to_string(), *style))
        .collect();
    let borrowed: Vec<(String, &str, ButtonStyle)> = encoded
        .iter()
        .map(|(id, label, style)| (id.clone(), label.as_str(), *style))
        .collect();
    crate::discord::button_row(&borrowed)
}

/// A string select of up to 25 options, each `(value, label)`; labels longer than Discord
/// allows are cut.
pub fn string_select(
    custom_id: String,
    placeholder: &str,
    options: Vec<(String, String)>,
) -> Component {
    Component::ActionRow(ActionRow {
        id: None,
        components: vec![Component::SelectMenu(SelectMenu {
            channel_types: None,
            custom_id,
            default_values: None,
            disabled: false,
            id: None,
            kind: SelectMenuType::Text,
            max_values: Some(1),
            min_values: Some(1),
            options: Some(
                options
                    .into_iter()
                    .map(|(value, label)| SelectMenuOption {
                        default: false,
                        description: None,
                        emoji: None,
                        label: fit::cut(Slot::SelectOption, label),
                        value,
                    })
                    .collect(),
            ),
            placeholder: Some(placeholder.to_owned()),
            required: None,
        })],
    })
}

/// A select Discord fills itself (channels, roles, users), choosing `min..=max` of them.
pub fn auto_select(
    action: &Action,
    placeholder: Text,
    kind: SelectMenuType,
    (min, max): (u8, u8),
) -> Component {
    Component::ActionRow(ActionRow {
        id: None,
        components: vec![Component::SelectMenu(SelectMenu {
            channel_types: (kind == SelectMenuType::Channel).then(|| vec![ChannelType::GuildText]),
            custom_id: custom_id::encode(action),
            default_values: None,
            disabled: false,
            id: None,
            kind,
            max_values: Some(max),
            min_values: Some(min),
            options: None,
            placeholder: Some(placeholder.to_string()),
            required: None,
        })],
    })
}

/// One text input of a modal, on its own row.
pub fn text_input(
    custom_id: &str,
    label: String,
    style: TextInputStyle,
    max: u16,
    required: bool,
) -> Component {
    prefilled_input(custom_id, label, (style, max), required, None)
}

/// [`text_input`] showing `value` (Discord shows a field's current value only when the bot
/// sends it); a blank value, or one over `max` that Discord would refuse, is left out.
#[allow(deprecated)] // Discord prefers Label components; action rows are still accepted
pub fn prefilled_input(
    custom_id: &str,
    label: String,
    (style, max): (TextInputStyle, u16),
    required: bool,
    value: Option<String>,
) -> Component {
    Component::ActionRow(ActionRow {
        id: None,
        components: vec![Component::TextInput(TextInput {
            custom_id: custom_id.to_owned(),
            id: None,
            label: Some(fit::cut(Slot::InputLabel, label)),
            max_length: Some(max),
            min_length: None,
            placeholder: None,
            required: Some(required),
            style,
            value: value.filter(|v| !v.is_empty() && v.chars().count() <= usize::from(max)),
        })],
    })
}

/// The Previous / Next row under a paged list, if it has another page; `to` is the action that
/// shows a page. `page` is the page shown, already clamped.
pub fn page_buttons(
    page: u32,
    prev: bool,
    next: bool,
    to: impl Fn(u32) -> Action,
) -> Option<Component> {
    let mut row = Vec::new();
    if prev {
        row.push((
            to(page.saturating_sub(1)),
            Text::PagePrevious,
            ButtonStyle::Secondary,
        ));
    }
    if next {
        row.push((to(page + 1), Text::PageNext, ButtonStyle::Secondary));
    }
    (!row.is_empty()).then(|| buttons(&row))
}

/// A dangerous action's confirm button, next to Cancel.
pub fn confirm_row(confirm: Action, label: Text) -> Component {
    buttons(&[
        (confirm, label, ButtonStyle::Danger),
        (Action::Cancel, Text::CancelButton, ButtonStyle::Secondary),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(row: &Component) -> Vec<String> {
        match row {
            Component::ActionRow(row) => row
                .components
                .iter()
                .filter_map(|c| match c {
                    Component::Button(b) => b.label.clone(),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn page_buttons_show_only_the_directions_that_exist() {
        let to = |page| Action::TopicList { page };
        assert!(page_buttons(0, false, false, to).is_none());
        assert_eq!(labels(&page_buttons(0, false, true, to).unwrap()), ["Next"]);
        assert_eq!(
            labels(&page_buttons(2, true, true, to).unwrap()),
            ["Previous", "Next"]
        );
    }

    #[test]
    fn option_labels_are_cut_to_discords_limit() {
        let select = string_select("x".into(), "p", vec![("v".into(), "y".repeat(300))]);
        let Component::ActionRow(row) = select else {
            panic!("a row")
        };
        let Component::SelectMenu(menu) = &row.components[0] else {
            panic!("a select")
        };
        let label = &menu.options.as_ref().unwrap()[0].label;
        assert_eq!(label.chars().count(), 100);
    }
}
