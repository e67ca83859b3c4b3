//! Discord's documented limits on what a bot sends, refused with 50035 Invalid Form Body naming
//! the offending field, the way Discord's API does.

use serde_json::{Map, Value, json};

use super::error::ApiError;

pub const CONTENT_MAX: usize = 2000;
pub const EMBEDS_MAX: usize = 10;
pub const EMBED_TITLE_MAX: usize = 256;
pub const EMBED_DESCRIPTION_MAX: usize = 4096;
pub const EMBED_FIELDS_MAX: usize = 25;
pub const EMBED_FIELD_NAME_MAX: usize = 256;
pub const EMBED_FIELD_VALUE_MAX: usize = 1024;
pub const EMBED_FOOTER_MAX: usize = 2048;
pub const EMBED_AUTHOR_MAX: usize = 256;
pub const EMBED_TOTAL_MAX: usize = 6000;
pub const ACTION_ROWS_MAX: usize = 5;
pub const BUTTONS_PER_ROW_MAX: usize = 5;
pub const SELECT_OPTIONS_MAX: usize = 25;
pub const CUSTOM_ID_MAX: usize = 100;
pub const MODAL_TITLE_MAX: usize = 45;
pub const TEXT_INPUT_MAX: usize = 4000;
pub const FILES_MAX: usize = 10;
/// Per file, for a bot in a guild without boosts (Discord's default since 2024).
pub const FILE_SIZE_MAX: usize = 10 * 1024 * 1024;
/// The whole request body, files and payload together: Discord refuses larger form bodies with
/// 413 40005 whatever the per-file limit (25 MiB, as clients observe it and libraries encode it).
pub const REQUEST_SIZE_MAX: usize = 25 * 1024 * 1024;
pub const CHANNEL_NAME_MAX: usize = 100;
pub const CHANNELS_PER_GUILD_MAX: usize = 500;
pub const CHANNELS_PER_CATEGORY_MAX: usize = 50;
pub const COMMANDS_MAX: usize = 100;
pub const TOPIC_MAX: usize = 1024;
pub const NONCE_MAX: usize = 25;
pub const APP_DESCRIPTION_MAX: usize = 400;
pub const APP_TAGS_MAX: usize = 5;
pub const APP_TAG_MAX: usize = 20;
pub const APP_URL_MAX: usize = 2048;

type Path = Vec<String>;

fn at(base: &Path, seg: impl ToString) -> Path {
    let mut p = base.clone();
    p.push(seg.to_string());
    p
}

fn chars(v: Option<&Value>) -> usize {
    v.and_then(Value::as_str)
        .map(|s| s.chars().count())
        .unwrap_or(0)
}

fn too_long(path: Path, max: usize) -> ApiError {
    ApiError::form(
        &path,
        "BASE_TYPE_MAX_LENGTH",
        format!("Must be {max} or fewer in length."),
    )
}

fn max_len(v: &Value, key: &str, max: usize, base: &Path) -> Result<(), ApiError> {
    if chars(v.get(key)) > max {
        return Err(too_long(at(base, key), max));
    }
    Ok(())
}

/// Validates a message body (create or edit): content, embeds, components, attachments.
pub fn message(body: &Value) -> Result<(), ApiError> {
    let root: Path = Vec::new();
    max_len(body, "content", CONTENT_MAX, &root)?;
    let nonce_len = match body.get("nonce") {
        Some(Value::String(s)) => s.chars().count(),
        Some(Value::Number(n)) => n.to_string().len(),
        _ => 0,
    };
    if nonce_len > NONCE_MAX {
        return Err(too_long(at(&root, "nonce"), NONCE_MAX));
    }
    if let Some(embeds) = body.get("embeds").and_then(Value::as_array) {
        self::embeds(embeds)?;
    }
    if let Some(components) = body.get("components").and_then(Value::as_array) {
        let v2 = body
            .get("flags")
            .and_then(Value::as_u64)
            .is_some_and(|f| f & (1 << 15) != 0);
        self::components(components, v2)?;
    }
    Ok(())
}

pub fn embeds(embeds: &[Value]) -> Result<(), ApiError> {
    let base: Path = vec!["embeds".into()];
    if embeds.len() > EMBEDS_MAX {
        return Err(ApiError::form(
            &base,
            "BASE_TYPE_MAX_LENGTH",
            format!("Must be {EMBEDS_MAX} or fewer in length."),
        ));
    }
    let mut total = 0;
    for (i, e) in embeds.iter().enumerate() {
        let p = at(&base, i);
        max_len(e, "title", EMBED_TITLE_MAX, &p)?;
        max_len(e, "description", EMBED_DESCRIPTION_MAX, &p)?;
        total += chars(e.get("title")) + chars(e.get("description"));
        if let Some(footer) = e.get("footer") {
            max_len(footer, "text", EMBED_FOOTER_MAX, &at(&p, "footer"))?;
            total += chars(footer.get("text"));
        }
        if let Some(author) = e.get("author") {
            max_len(author, "name", EMBED_AUTHOR_MAX, &at(&p, "author"))?;
            total += chars(author.get("name"));
        }
        if let Some(fields) = e.get("fields").and_then(Value::as_array) {
            if fields.len() > EMBED_FIELDS_MAX {
                return Err(too_long(at(&p, "fields"), EMBED_FIELDS_MAX));
            }
            for (j, f) in fields.iter().enumerate() {
                let fp = at(&at(&p, "fields"), j);
                for key in ["name", "value"] {
                    if chars(f.get(key)) == 0 {
                        return Err(ApiError::form(
                            &at(&fp, key),
                            "BASE_TYPE_REQUIRED",
                            "This field is required",
                        ));
                    }
                }
                max_len(f, "name", EMBED_FIELD_NAME_MAX, &fp)?;
                max_len(f, "value", EMBED_FIELD_VALUE_MAX, &fp)?;
                total += chars(f.get("name")) + chars(f.get("value"));
            }
        }
    }
    if total > EMBED_TOTAL_MAX {
        return Err(ApiError::form(
            &base,
            "MAX_EMBED_SIZE_EXCEEDED",
            "Embed size exceeds maximum size of 6000",
        ));
    }
    Ok(())
}

fn custom_id(c: &Value, p: &Path) -> Result<(), ApiError> {
    let n = chars(c.get("custom_id"));
    if c.get("custom_id").and_then(Value::as_str).is_none() || n == 0 {
        return Err(ApiError::form(
            &at(p, "custom_id"),
            "BASE_TYPE_REQUIRED",
            "This field is required",
        ));
    }
    if n > CUSTOM_ID_MAX {
        return Err(too_long(at(p, "custom_id"), CUSTOM_ID_MAX));
    }
    Ok(())
}

/// Message components: classic action rows (≤ 5 rows, ≤ 5 buttons or one select each), or a
/// components-v2 tree whose interactive leaves are checked the same way.
pub fn components(rows: &[Value], v2: bool) -> Result<(), ApiError> {
    let base: Path = vec!["components".into()];
    if !v2 && rows.len() > ACTION_ROWS_MAX {
        return Err(too_long(base, ACTION_ROWS_MAX));
    }
    for (i, row) in rows.iter().enumerate() {
        component(row, &at(&base, i), v2)?;
    }
    Ok(())
}

fn component(c: &Value, p: &Path, v2: bool) -> Result<(), ApiError> {
    let kind = c.get("type").and_then(Value::as_u64).unwrap_or(0);
    match kind {
        1 => action_row(c, p, v2),
        2 => button(c, p),
        3 | 5..=8 => select(c, p, kind),
        4 => text_input(c, p),
        9 | 17 | 18 if v2 || kind == 18 => container(c, p, v2),
        10..=14 if v2 => Ok(()),
        _ => Err(ApiError::form(
            &at(p, "type"),
            "UNION_TYPE_CHOICES",
            "Value of field \"type\" must be one of the component types.",
        )),
    }
}

/// A row: 1 to 5 buttons, or one select.
fn action_row(c: &Value, p: &Path, v2: bool) -> Result<(), ApiError> {
    let children = c
        .get("components")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let cp = at(p, "components");
    if children.is_empty() {
        return Err(ApiError::form(
            &cp,
            "BASE_TYPE_MIN_LENGTH",
            "Must be 1 or more in length.",
        ));
    }
    let selects = children
        .iter()
        .filter(|c| matches!(c.get("type").and_then(Value::as_u64), Some(3 | 5..=8)))
        .count();
    if children.len() > BUTTONS_PER_ROW_MAX || (selects > 0 && children.len() > 1) {
        return Err(ApiError::form(
            &cp,
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            "The specified component exceeds the maximum width",
        ));
    }
    for (j, child) in children.iter().enumerate() {
        component(child, &at(&cp, j), v2)?;
    }
    Ok(())
}

fn button(c: &Value, p: &Path) -> Result<(), ApiError> {
    let style = c.get("style").and_then(Value::as_u64).unwrap_or(0);
    if chars(c.get("label")) > 80 {
        return Err(too_long(at(p, "label"), 80));
    }
    if let Some(emoji) = c.get("emoji").filter(|e| !e.is_null()) {
        button_emoji(emoji, &at(p, "emoji"))?;
    }
    match style {
        1..=4 => custom_id(c, p),
        5 if c.get("url").and_then(Value::as_str).is_none() => Err(ApiError::form(
            &at(p, "url"),
            "BASE_TYPE_REQUIRED",
            "This field is required",
        )),
        5 | 6 => Ok(()),
        _ => Err(ApiError::form(
            &at(p, "style"),
            "BASE_TYPE_CHOICES",
            "Value must be one of {1, 2, 3, 4, 5, 6}.",
        )),
    }
}

/// A button's emoji: the simulated servers have no custom emoji, so one by id is unknown, as
/// Discord answers for an emoji the bot cannot use; a "Unicode" name made of letters or digits
/// is no emoji either.
fn button_emoji(emoji: &Value, p: &Path) -> Result<(), ApiError> {
    let invalid = || ApiError::form(p, "COMPONENT_INVALID_EMOJI", "Invalid emoji");
    if emoji.get("id").is_some_and(|id| !id.is_null()) {
        return Err(invalid());
    }
    let name = emoji.get("name").and_then(Value::as_str).unwrap_or("");
    if name.is_empty()
        || name
            .chars()
            .any(|c| c.is_ascii_alphanumeric() || c.is_whitespace())
    {
        return Err(invalid());
    }
    Ok(())
}

/// A select of any kind (`kind` 3 is the string select, the only one with options).
fn select(c: &Value, p: &Path, kind: u64) -> Result<(), ApiError> {
    custom_id(c, p)?;
    max_len(c, "placeholder", 150, p)?;
    if kind == 3 {
        let options = c
            .get("options")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if options.is_empty() {
            return Err(ApiError::form(
                &at(p, "options"),
                "BASE_TYPE_MIN_LENGTH",
                "Must be 1 or more in length.",
            ));
        }
        if options.len() > SELECT_OPTIONS_MAX {
            return Err(too_long(at(p, "options"), SELECT_OPTIONS_MAX));
        }
        for (j, o) in options.iter().enumerate() {
            let op = at(&at(p, "options"), j);
            max_len(o, "label", 100, &op)?;
            max_len(o, "value", 100, &op)?;
            max_len(o, "description", 100, &op)?;
        }
    }
    for key in ["min_values", "max_values"] {
        if let Some(n) = c.get(key).and_then(Value::as_u64)
            && n > 25
        {
            return Err(ApiError::form(
                &at(p, key),
                "NUMBER_TYPE_MAX",
                "int value should be less than or equal to 25.",
            ));
        }
    }
    Ok(())
}

/// A section, container or label: whatever components it holds, checked in turn.
fn container(c: &Value, p: &Path, v2: bool) -> Result<(), ApiError> {
    for key in ["components", "accessory", "component"] {
        match c.get(key) {
            Some(Value::Array(children)) => {
                for (j, child) in children.iter().enumerate() {
                    component(child, &at(&at(p, key), j), v2)?;
                }
            }
            Some(child @ Value::Object(_)) => component(child, &at(p, key), v2)?,
            _ => {}
        }
    }
    Ok(())
}

fn text_input(c: &Value, p: &Path) -> Result<(), ApiError> {
    custom_id(c, p)?;
    max_len(c, "label", 45, p)?;
    max_len(c, "placeholder", 100, p)?;
    max_len(c, "value", TEXT_INPUT_MAX, p)?;
    for key in ["min_length", "max_length"] {
        if let Some(n) = c.get(key).and_then(Value::as_u64)
            && n > TEXT_INPUT_MAX as u64
        {
            return Err(ApiError::form(
                &at(p, key),
                "NUMBER_TYPE_MAX",
                format!("int value should be less than or equal to {TEXT_INPUT_MAX}."),
            ));
        }
    }
    let min = c.get("min_length").and_then(Value::as_u64);
    let max = c.get("max_length").and_then(Value::as_u64);
    if max == Some(0) {
        return Err(ApiError::form(
            &at(p, "max_length"),
            "NUMBER_TYPE_MIN",
            "int value should be greater than or equal to 1.",
        ));
    }
    if let (Some(min), Some(max)) = (min, max)
        && min > max
    {
        return Err(ApiError::form(
            &at(p, "min_length"),
            "BASE_TYPE_BAD_INT",
            "min_length must be less than or equal to max_length.",
        ));
    }
    // A prefilled value must itself be a valid answer's length.
    let value = chars(c.get("value")) as u64;
    if value > 0 && (value > max.unwrap_or(TEXT_INPUT_MAX as u64) || value < min.unwrap_or(0)) {
        return Err(ApiError::form(
            &at(p, "value"),
            "BASE_TYPE_BAD_LENGTH",
            format!(
                "Must be between {} and {} in length.",
                min.unwrap_or(0),
                max.unwrap_or(TEXT_INPUT_MAX as u64)
            ),
        ));
    }
    Ok(())
}

/// A modal (interaction response type 9): custom_id, title ≤ 45, 1–5 rows of text inputs.
pub fn modal(data: &Value) -> Result<(), ApiError> {
    let base: Path = vec!["data".into()];
    custom_id(data, &base)?;
    let title = data.get("title").and_then(Value::as_str).unwrap_or("");
    if title.is_empty() {
        return Err(ApiError::form(
            &at(&base, "title"),
            "BASE_TYPE_REQUIRED",
            "This field is required",
        ));
    }
    max_len(data, "title", MODAL_TITLE_MAX, &base)?;
    let rows = data
        .get("components")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let cp = at(&base, "components");
    if rows.is_empty() || rows.len() > 5 {
        return Err(ApiError::form(
            &cp,
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 5 in length.",
        ));
    }
    for (i, row) in rows.iter().enumerate() {
        component(row, &at(&cp, i), false)?;
        // A modal's action row holds exactly one text input (and nothing else).
        if row.get("type").and_then(Value::as_u64) == Some(1) {
            let children = row
                .get("components")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let one_input =
                children.len() == 1 && children[0].get("type").and_then(Value::as_u64) == Some(4);
            if !one_input {
                return Err(ApiError::form(
                    &at(&at(&cp, i), "components"),
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "The specified component exceeds the maximum width",
                ));
            }
        }
    }
    Ok(())
}

/// Autocomplete choices (interaction response type 8): at most 25, each a name of 1–100
/// characters and a value (a string of at most 100 characters, or a number).
pub fn autocomplete_choices(data: &Value) -> Result<(), ApiError> {
    let base: Path = vec!["data".into()];
    let Some(choices) = data.get("choices").and_then(Value::as_array) else {
        return Err(ApiError::form(
            &at(&base, "choices"),
            "BASE_TYPE_REQUIRED",
            "This field is required",
        ));
    };
    let cp = at(&base, "choices");
    if choices.len() > 25 {
        return Err(ApiError::form(
            &cp,
            "BASE_TYPE_MAX_LENGTH",
            "Must be 25 or fewer in length.",
        ));
    }
    for (i, choice) in choices.iter().enumerate() {
        let path = at(&cp, i);
        let name = choice.get("name").and_then(Value::as_str).unwrap_or("");
        if name.is_empty() || name.chars().count() > 100 {
            return Err(ApiError::form(
                &at(&path, "name"),
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 100 in length.",
            ));
        }
        match choice.get("value") {
            Some(Value::String(v)) if v.chars().count() <= 100 => {}
            Some(Value::Number(_)) => {}
            _ => {
                return Err(ApiError::form(
                    &at(&path, "value"),
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 100 in length.",
                ));
            }
        }
    }
    Ok(())
}

/// Every text input of a modal (inside action rows or labels), in order.
pub fn modal_inputs(modal: &Value) -> Vec<&Value> {
    fn walk<'a>(c: &'a Value, out: &mut Vec<&'a Value>) {
        match c.get("type").and_then(Value::as_u64) {
            Some(4) => out.push(c),
            _ => {
                if let Some(children) = c.get("components").and_then(Value::as_array) {
                    children.iter().for_each(|ch| walk(ch, out));
                }
                if let Some(child) = c.get("component") {
                    walk(child, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    if let Some(rows) = modal.get("components").and_then(Value::as_array) {
        rows.iter().for_each(|r| walk(r, &mut out));
    }
    out
}

/// Finds the interactive component with this custom_id anywhere in a message's components.
pub fn find_component<'a>(components: &'a [Value], id: &str) -> Option<&'a Value> {
    for c in components {
        if c.get("custom_id").and_then(Value::as_str) == Some(id) {
            return Some(c);
        }
        for key in ["components", "accessory", "component"] {
            match c.get(key) {
                Some(Value::Array(children)) => {
                    if let Some(found) = find_component(children, id) {
                        return Some(found);
                    }
                }
                Some(child @ Value::Object(_)) => {
                    if let Some(found) = find_component(std::slice::from_ref(child), id) {
                        return Some(found);
                    }
                }
                _ => {}
            }
        }
    }
    None
}

/// Channel names: 1–100 characters once Discord has normalised them (a name of spaces is empty).
pub fn channel_name(name: Option<&str>, kind: u8, required: bool) -> Result<(), ApiError> {
    let normalized = name.map(|n| channel_display_name(n, kind));
    match normalized.as_deref() {
        None if required => Err(ApiError::form(
            &["name".to_string()],
            "BASE_TYPE_REQUIRED",
            "This field is required",
        )),
        Some(n) if n.is_empty() || n.chars().count() > CHANNEL_NAME_MAX => Err(ApiError::form(
            &["name".to_string()],
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 100 in length.",
        )),
        _ => Ok(()),
    }
}

/// Discord stores text-like channel names lowercase with dashes for spaces ("Ticket 1" →
/// "ticket-1"); voice channels and categories keep what they were given.
pub fn channel_display_name(name: &str, kind: u8) -> String {
    if !matches!(kind, 0 | 5 | 15) {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len());
    for c in name.trim().chars() {
        if c.is_whitespace() {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// `PATCH /applications/@me`: the fields to store, as the application object shows them.
/// `description` comes as a string (Discord's docs) or `{"default": …}` (its OpenAPI spec); the
/// application object shows the string. `flags` is left to the caller (only some bits change).
pub fn application_edit(body: &Value) -> Result<Map<String, Value>, ApiError> {
    let root: Path = Vec::new();
    let mut out = Map::new();
    let Some(fields) = body.as_object() else {
        return Ok(out);
    };
    for (key, v) in fields {
        let stored = match key.as_str() {
            "description" => {
                let text = v.get("default").unwrap_or(v);
                if chars(Some(text)) > APP_DESCRIPTION_MAX {
                    return Err(too_long(at(&root, key), APP_DESCRIPTION_MAX));
                }
                json!(text.as_str().unwrap_or(""))
            }
            "tags" => {
                let tags = v.as_array().map(Vec::as_slice).unwrap_or_default();
                if tags.len() > APP_TAGS_MAX {
                    return Err(ApiError::form(
                        &at(&root, key),
                        "BASE_TYPE_MAX_LENGTH",
                        format!("Must be {APP_TAGS_MAX} or fewer in length."),
                    ));
                }
                for (i, t) in tags.iter().enumerate() {
                    if chars(Some(t)) > APP_TAG_MAX {
                        return Err(too_long(at(&at(&root, key), i), APP_TAG_MAX));
                    }
                }
                v.clone()
            }
            "interactions_endpoint_url"
            | "role_connections_verification_url"
            | "custom_install_url"
            | "event_webhooks_url" => {
                if chars(Some(v)) > APP_URL_MAX {
                    return Err(too_long(at(&root, key), APP_URL_MAX));
                }
                v.clone()
            }
            "install_params" | "integration_types_config" | "explicit_content_filter" => v.clone(),
            _ => continue,
        };
        out.insert(key.clone(), stored);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn content_over_2000_names_the_field() {
        let e = message(&json!({"content": "x".repeat(2001)})).unwrap_err();
        assert_eq!(e.code, 50035);
        assert!(e.errors.unwrap()["content"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH");
        assert!(message(&json!({"content": "x".repeat(2000)})).is_ok());
    }

    #[test]
    fn nonces_over_25_characters_name_the_field() {
        let e = message(&json!({"content": "x", "nonce": "n".repeat(26)})).unwrap_err();
        assert!(e.errors.unwrap()["nonce"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH");
        assert!(message(&json!({"content": "x", "nonce": "n".repeat(25)})).is_ok());
        assert!(message(&json!({"content": "x", "nonce": 12345678901234567890u64})).is_ok());
    }

    #[test]
    fn embed_fields_need_a_name_and_a_value() {
        for field in [json!({"name": "", "value": "v"}), json!({"name": "n"})] {
            let e = embeds(&[json!({"fields": [field]})]).unwrap_err();
            assert_eq!(e.code, 50035);
        }
        let e = embeds(&[json!({"fields": [{"name": "n", "value": ""}]})]).unwrap_err();
        assert!(e.errors.unwrap()["embeds"]["0"]["fields"]["0"]["value"].is_object());
        assert!(embeds(&[json!({"fields": [{"name": "n", "value": "v"}]})]).is_ok());
    }

    #[test]
    fn channel_names_are_checked_after_normalisation() {
        assert_eq!(
            channel_display_name("Ticket  0001 Alice", 0),
            "ticket-0001-alice"
        );
        assert_eq!(channel_display_name("Tickets", 4), "Tickets");
        assert!(channel_name(Some("   "), 0, true).is_err());
        assert!(channel_name(Some(" a "), 0, true).is_ok());
        assert!(channel_name(None, 0, false).is_ok());
    }

    #[test]
    fn nested_custom_id_found() {
        let comps =
            [json!({"type":1,"components":[{"type":2,"style":1,"custom_id":"a:b","label":"x"}]})];
        assert!(find_component(&comps, "a:b").is_some());
        assert!(find_component(&comps, "a:c").is_none());
    }

    #[test]
    fn button_emoji_must_be_one_the_bot_can_use() {
        let row = |emoji: Value| {
            [
                json!({"type":1,"components":[{"type":2,"style":1,"custom_id":"x","label":"x",
                "emoji": emoji}]}),
            ]
        };
        assert!(components(&row(json!({"name": "🎫"})), false).is_ok());
        assert!(components(&row(json!({"name": "x", "id": "1"})), false).is_err());
        assert!(components(&row(json!({"name": "ticket"})), false).is_err());
    }

    #[test]
    fn six_buttons_in_a_row_refused() {
        let b = json!({"type":2,"style":1,"custom_id":"x","label":"x"});
        let row =
            json!({"type":1,"components":[b.clone(),b.clone(),b.clone(),b.clone(),b.clone(),b]});
        assert_eq!(components(&[row], false).unwrap_err().code, 50035);
    }

    #[test]
    fn application_edits_keep_what_discord_lets_bots_edit() {
        let got = application_edit(&json!({
            "description": {"default": "Tickets"},
            "tags": ["support"],
            "name": "not editable here",
        }))
        .unwrap();
        assert_eq!(got["description"], "Tickets");
        assert_eq!(got["tags"], json!(["support"]));
        assert!(!got.contains_key("name"));
        let plain = application_edit(&json!({"description": "Plain"})).unwrap();
        assert_eq!(plain["description"], "Plain");
        let e = application_edit(&json!({"description": "d".repeat(401)})).unwrap_err();
        assert!(e.errors.unwrap()["description"]["_errors"].is_array());
        let six = json!({"tags": ["a", "b", "c", "d", "e", "f"]});
        assert_eq!(application_edit(&six).unwrap_err().code, 50035);
        let long_tag = json!({"tags": ["t".repeat(21)]});
        let e = application_edit(&long_tag).unwrap_err();
        assert!(e.errors.unwrap()["tags"]["0"]["_errors"].is_array());
    }
}
