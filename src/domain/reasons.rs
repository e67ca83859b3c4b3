//! Close reasons suggested while staff type `/tickets close reason:`: the server's most used
//! reasons that contain what is typed so far.

/// Discord shows at most this many autocomplete choices.
pub const MAX_SUGGESTIONS: usize = 25;
/// Discord's longest choice name and value.
pub const CHOICE_MAX: usize = 100;

/// The reasons containing `typed` (ignoring case), most used first (ties alphabetically),
/// counted ignoring case and surrounding space, each cut to [`CHOICE_MAX`] characters.
pub fn suggest<'a>(reasons: impl IntoIterator<Item = &'a str>, typed: &str) -> Vec<String> {
    let typed = typed.trim().to_lowercase();
    let mut counts: Vec<(String, usize)> = Vec::new();
    for reason in reasons {
        let reason: String = reason.trim().chars().take(CHOICE_MAX).collect();
        if reason.is_empty() || !reason.to_lowercase().contains(&typed) {
            continue;
        }
        match counts
            .iter_mut()
            .find(|(r, _)| r.to_lowercase() == reason.to_lowercase())
        {
            Some((_, n)) => *n += 1,
            None => counts.push((reason, 1)),
        }
    }
    counts.sort_by(|(a, n), (b, m)| m.cmp(n).then_with(|| a.cmp(b)));
    counts
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(r, _)| r)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_used_reasons_matching_what_is_typed_come_first() {
        let reasons = [
            "Solved",
            "spam",
            "solved ",
            "Duplicate",
            "SOLVED",
            "no reply",
        ];
        assert_eq!(
            suggest(reasons, ""),
            ["Solved", "Duplicate", "no reply", "spam"]
        );
        assert_eq!(suggest(reasons, "s"), ["Solved", "spam"]);
        assert_eq!(suggest(reasons, "REP"), ["no reply"]);
        assert!(suggest(reasons, "nothing like it").is_empty());
    }

    #[test]
    fn suggestions_fit_discord_choices() {
        let long = "x".repeat(300);
        let many: Vec<String> = (0..40).map(|n| format!("reason {n}")).collect();
        let got = suggest(many.iter().map(String::as_str).chain([long.as_str()]), "");
        assert_eq!(got.len(), MAX_SUGGESTIONS);
        assert!(got.iter().all(|r| r.chars().count() <= CHOICE_MAX));
    }
}
