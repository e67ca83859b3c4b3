//! What Discord echoes back of what a bot sent: documented defaults filled in, `null`s dropped.
//! A client that reads its own message back sees these, so the simulator must show them too.

use serde_json::{Map, Value, json};

/// An embed as Discord stores it: `type` "rich" unless given, every `null` dropped (at any
/// depth: `footer.icon_url: null` is not echoed), each field's `inline` false when absent.
pub fn embed(e: &Value) -> Value {
    let mut e = drop_nulls(e);
    if let Some(obj) = e.as_object_mut() {
        obj.entry("type").or_insert(json!("rich"));
        if let Some(Value::Array(fields)) = obj.get_mut("fields") {
            for f in fields.iter_mut().filter_map(Value::as_object_mut) {
                f.entry("inline").or_insert(json!(false));
            }
        }
    }
    e
}

fn drop_nulls(v: &Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), drop_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(drop_nulls).collect()),
        other => other.clone(),
    }
}

/// One component's documented defaults, which Discord echoes: selects' `min_values` and
/// `max_values` 1; `spoiler` false on thumbnails (11), files (13), containers (17) and media
/// gallery items; separators (14) `divider` true and `spacing` 1. Unlike embeds, components
/// keep their empty optional fields as `null`: a container's `accent_color`, a thumbnail's or
/// gallery item's `description`.
pub fn component_defaults(obj: &mut Map<String, Value>) {
    match obj.get("type").and_then(Value::as_u64) {
        Some(3 | 5..=8) => {
            obj.entry("min_values").or_insert(json!(1));
            obj.entry("max_values").or_insert(json!(1));
        }
        Some(13) => {
            obj.entry("spoiler").or_insert(json!(false));
        }
        Some(11) => {
            obj.entry("spoiler").or_insert(json!(false));
            obj.entry("description").or_insert(Value::Null);
        }
        Some(17) => {
            obj.entry("spoiler").or_insert(json!(false));
            obj.entry("accent_color").or_insert(Value::Null);
        }
        Some(12) => {
            if let Some(Value::Array(items)) = obj.get_mut("items") {
                for item in items.iter_mut().filter_map(Value::as_object_mut) {
                    item.entry("spoiler").or_insert(json!(false));
                    item.entry("description").or_insert(Value::Null);
                }
            }
        }
        Some(14) => {
            obj.entry("divider").or_insert(json!(true));
            obj.entry("spacing").or_insert(json!(1));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embeds_drop_nulls_and_fill_inline_and_type() {
        let sent = json!({
            "title": "T",
            "url": null,
            "footer": {"text": "f", "icon_url": null},
            "fields": [{"name": "a", "value": "b"}, {"name": "c", "value": "d", "inline": true}],
        });
        assert_eq!(
            embed(&sent),
            json!({
                "type": "rich",
                "title": "T",
                "footer": {"text": "f"},
                "fields": [
                    {"name": "a", "value": "b", "inline": false},
                    {"name": "c", "value": "d", "inline": true},
                ],
            })
        );
        assert_eq!(embed(&json!({"type": "article"}))["type"], "article");
    }

    #[test]
    fn components_get_their_documented_defaults() {
        let fill = |v: Value| {
            let mut v = v;
            component_defaults(v.as_object_mut().unwrap());
            v
        };
        assert_eq!(
            fill(json!({"type": 17, "components": []})),
            json!({"type": 17, "components": [], "spoiler": false, "accent_color": null})
        );
        assert_eq!(fill(json!({"type": 17, "spoiler": true}))["spoiler"], true);
        assert_eq!(
            fill(json!({"type": 14})),
            json!({"type": 14, "divider": true, "spacing": 1})
        );
        let gallery = fill(json!({"type": 12, "items": [{"media": {"url": "u"}}]}));
        assert_eq!(
            gallery["items"][0],
            json!({"media": {"url": "u"}, "spoiler": false, "description": null})
        );
        let thumb = fill(json!({"type": 11, "media": {"url": "u"}}));
        assert_eq!(
            (thumb["spoiler"].clone(), thumb["description"].clone()),
            (json!(false), Value::Null)
        );
        let select = fill(json!({"type": 3, "custom_id": "s", "options": []}));
        assert_eq!(
            (select["min_values"].clone(), select["max_values"].clone()),
            (json!(1), json!(1))
        );
        assert_eq!(
            fill(json!({"type": 2, "style": 1})),
            json!({"type": 2, "style": 1})
        );
    }
}
