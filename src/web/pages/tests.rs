use super::*;
use crate::domain::model::{GuildSettings, TicketRecord, TicketState, Topic};
use crate::domain::transcript::{TranscriptEmbed, TranscriptMeta};

fn doc(messages: Vec<TranscriptMessage>) -> TranscriptDoc {
    TranscriptDoc {
        staff_notes: Vec::new(),
        name_colors: Vec::new(),
        meta: TranscriptMeta {
            guild_id: 1,
            number: 42,
            opener_id: 10,
            topic: Some("Billing".into()),
            closed_by: Some(20),
            reason: Some("solved".into()),
            notes: Vec::new(),
            opened_at: Some(1_764_500_000_000),
            closed_at: Some(1_764_503_600_000),
        },
        messages,
    }
}

fn msg(id: u64, author: u64, name: &str, content: &str) -> TranscriptMessage {
    TranscriptMessage {
        id,
        author_id: author,
        author_name: name.into(),
        timestamp: "2026-11-30T12:00:00+00:00".into(),
        content: content.into(),
        ..Default::default()
    }
}

/// Every `<tag` in the page is one the templates write: none came from a person.
fn assert_only_our_tags(html: &str, scripts: usize) {
    const OURS: &[&str] = &[
        "!DOCTYPE",
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "header",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "dl",
        "dt",
        "dd",
        "bdi",
        "main",
        "div",
        "span",
        "time",
        "section",
        "figure",
        "img",
        "figcaption",
        "a",
        "ul",
        "li",
        "script",
        "code",
        "pre",
        "em",
        "strong",
        "del",
        "blockquote",
        "br",
        "ol",
        "table",
        "tr",
        "th",
        "td",
        "svg",
        "rect",
        "text",
        "hr",
    ];
    for (i, _) in html.match_indices('<') {
        let rest = &html[i + 1..];
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!' || *c == '-')
            .collect();
        assert!(
            OURS.iter().any(|t| t.eq_ignore_ascii_case(&name)),
            "unexpected tag <{name}> in {}",
            html.get(i.saturating_sub(80)..(i + 80).min(html.len()))
                .unwrap_or(rest)
        );
    }
    assert_eq!(
        html.matches("<script>").count(),
        scripts,
        "only the hashed script"
    );
}

#[test]
fn hostile_messages_stay_text() {
    let mut evil = msg(
        1,
        10,
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script> <style>body{display:none}</style> [x](javascript:alert(2)) <svg onload=alert(3)>",
    );
    evil.embeds.push(TranscriptEmbed {
        title: Some("</div><script>alert(4)</script>".into()),
        description: Some("<iframe src=//evil>".into()),
        fields: vec![("<b>".into(), "<i onmouseover=x>".into())],
        footer: Some("\"><script>".into()),
    });
    evil.attachments.push(TranscriptAttachment {
        id: 5,
        filename: "\"><script>alert(5)</script>.png".into(),
        url: "javascript:alert(6)".into(),
        size: 3,
        content_type: Some("image/png".into()),
        kept: true,
    });
    let html = transcript_page(&doc(vec![evil]), Audience::Opener, "/t/base");
    assert_only_our_tags(&html, 1);
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("href=\"javascript"), "{html}");
    assert!(
        html.contains("alt=\"&quot;&gt;&lt;script&gt;"),
        "attribute text must be escaped"
    );
    // The kept image is served from this server, under the link's own path.
    assert!(html.contains("src=\"/t/base/files/5\""), "{html}");
}

#[test]
fn bidi_overrides_stay_inside_their_isolate() {
    let name = "evil\u{202E}gnp.exe";
    let html = transcript_page(
        &doc(vec![msg(1, 10, name, "text \u{202E} reversed")]),
        Audience::Staff,
        "/t/b",
    );
    // The name sits in a <bdi>, the text in a dir="auto" block: an override ends with them.
    let at = html.find("gnp.exe").unwrap_or_default();
    let before = &html[..at];
    assert!(
        before.rfind("<bdi>") > before.rfind("</bdi>"),
        "name not isolated"
    );
    assert!(
        html.contains("<div class=\"content\" dir=\"auto\">"),
        "{html}"
    );
}

#[test]
fn mentions_become_names() {
    let names: HashMap<Snowflake, String> = [(10, "Alice".to_owned())].into_iter().collect();
    assert_eq!(
        resolve_mentions("hi <@10> and <@!10>, see <#5> <@&6> <@99>", &names),
        "hi \u{2068}@Alice\u{2069} and \u{2068}@Alice\u{2069}, see \u{2068}#channel\u{2069} \u{2068}@role\u{2069} \u{2068}@unknown-user\u{2069}"
    );
    // Not mentions: left as they are (and escaped later).
    assert_eq!(
        resolve_mentions("<@> <@x> <3 <@123", &names),
        "<@> <@x> <3 <@123"
    );
    let html = transcript_page(
        &doc(vec![
            msg(1, 10, "Alice", "hello"),
            msg(2, 20, "Bob", "<@10> done"),
        ]),
        Audience::Staff,
        "/t/b",
    );
    assert!(html.contains("@Alice"), "{html}");
}

#[test]
fn events_name_the_opener_closer_and_reason() {
    let html = transcript_page(
        &doc(vec![msg(1, 10, "Alice", "hi"), msg(2, 20, "Bob", "bye")]),
        Audience::Opener,
        "/t/b",
    );
    assert!(
        html.contains("opened by <bdi>Alice</bdi> on <time datetime=\"2025-11-30T10:53:20Z\">2025-11-30 10:53:20 UTC</time>."),
        "{html}"
    );
    assert!(
        html.contains("Closed by <bdi>Bob</bdi> on <time datetime=\"2025-11-30T11:53:20Z\">"),
        "{html}"
    );
    assert!(html.contains(". Reason: <bdi>solved</bdi>"), "{html}");
    assert!(
        html.contains("<time class=\"time\" datetime=\"2026-11-30T12:00:00+00:00\">"),
        "{html}"
    );
}

#[test]
fn only_plain_image_formats_are_inline() {
    assert_eq!(image_type("a.png", Some("image/png")), Some("image/png"));
    assert_eq!(image_type("a.JPG", None), Some("image/jpeg"));
    assert_eq!(image_type("a.svg", Some("image/svg+xml")), None);
    // A name that says png but a type that says html is not trusted.
    assert_eq!(image_type("a.png", Some("text/html")), None);
    assert_eq!(image_type("a.html", Some("image/png")), None);
}

#[test]
fn the_csp_allows_exactly_the_one_script() {
    let csp = content_security_policy();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    let hash = STANDARD.encode(Sha256::digest(LOCAL_TIME_SCRIPT.as_bytes()));
    assert!(
        csp.contains(&format!("script-src 'sha256-{hash}'")),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-eval") && !csp.contains("script-src 'unsafe-inline'"));
}

/// The page's figures of `records` as the store's sums would give them, on day 20,002.
fn stats_of(records: &[TicketRecord], settings: &GuildSettings) -> Stats {
    let now = 20_002 * 86_400_000 + 3_600_000;
    let recent_from = crate::domain::stats::recent_from(now);
    let tallies = crate::domain::tally::GuildTallies::from_records(records, None, recent_from);
    Stats::of(&tallies, settings, recent_from)
}

/// Ticket `number` of guild 1, opened on `day` (since the Unix epoch).
fn record(number: u64, state: TicketState, topic: Option<u32>, day: i64) -> TicketRecord {
    TicketRecord {
        topic,
        state,
        ..TicketRecord::new(1, number, 2, day * 86_400_000 + 5)
    }
}

/// Sums keep durations to within 1.1 %.
fn near(read: i64, exact: i64) -> bool {
    (read - exact).abs() as f64 <= exact as f64 * 0.011
}

#[test]
fn stats_count_states_topics_and_days() {
    let settings = GuildSettings {
        topics: vec![Topic {
            id: 1,
            name: "Billing".into(),
            category: None,
        }],
        ..Default::default()
    };
    let records = [
        record(1, TicketState::Open, Some(1), 20_000),
        record(2, TicketState::Closed, Some(1), 20_000),
        record(3, TicketState::Deleted, None, 20_001),
        record(4, TicketState::Failed, Some(9), 20_001),
        record(5, TicketState::Provisioning, None, 20_001),
    ];
    let stats = stats_of(&records, &settings);
    assert_eq!(
        (stats.open, stats.closed, stats.deleted, stats.failed),
        (2, 1, 1, 1)
    );
    assert_eq!(
        stats.per_topic,
        vec![("No topic".to_owned(), 3), ("Billing".to_owned(), 2)]
    );
    assert_eq!(stats.open_now, 2);
    assert_eq!(
        stats.per_day.len(),
        7,
        "the last seven days, today included"
    );
    assert_eq!(
        stats.per_day[4..],
        [
            ("2024-10-04".to_owned(), 2),
            ("2024-10-05".to_owned(), 3),
            ("2024-10-06".to_owned(), 0)
        ]
    );
    let page = stats_page(1, &stats, crate::domain::stats::Period::All);
    assert_only_our_tags(&page, 0);
    assert!(
        page.contains("2024-10-04=2;2024-10-05=3;2024-10-06=0;\""),
        "{page}"
    );
    assert!(page.contains("no ratings yet"), "{page}");
    assert!(page.contains("no answers yet"), "{page}");
}

#[test]
fn stats_show_response_and_close_times_and_ratings() {
    let settings = GuildSettings::default();
    // First response and time to close, from the trail and the close.
    let answered = |number, after_ms: i64, closed_after: Option<i64>| {
        let mut r = record(number, TicketState::Closed, None, 20_002);
        r.trail.first_staff_reply = Some(r.opened_at + after_ms);
        r.closed_at = closed_after.map(|ms| r.opened_at + ms);
        r
    };
    let stats = stats_of(
        &[
            answered(10, 60_000, Some(7_200_000)),
            answered(11, 120_000, Some(3_600_000)),
            answered(12, 3_600_000, None),
        ],
        &settings,
    );
    let (median, p90) = stats.first_response.expect("answers");
    assert!(
        near(median, 120_000) && near(p90, 3_600_000),
        "{median} {p90}"
    );
    assert!(near(stats.resolution.expect("closed"), 3_600_000));
    let page = stats_page(1, &stats, crate::domain::stats::Period::All);
    let shown = format!("{}, {}", duration_text(median), duration_text(p90));
    assert!(page.contains(&shown), "{page}");
    assert!(
        page.contains("under 5 min=2;5–15 min=0;15–60 min=0;1–4 h=1;"),
        "1 and 2 minutes, and an hour: {page}"
    );
    assert_eq!(duration_text(45_000), "45 s");
    assert_eq!(duration_text(2 * 86_400_000 + 4 * 3_600_000), "2 d 4 h");

    // Ratings: counted per star and averaged.
    let rated = |number, stars| {
        let mut r = record(number, TicketState::Closed, None, 20_002);
        r.trail.feedback = Some(crate::domain::model::Feedback {
            stars,
            comment: None,
        });
        r
    };
    let stats = stats_of(&[rated(6, 5), rated(7, 2), rated(8, 5)], &settings);
    assert_eq!((stats.ratings, stats.stars), (3, [0, 1, 0, 0, 2]));
    assert_eq!(stats.average_rating().as_deref(), Some("4.0"));
    let page = stats_page(1, &stats, crate::domain::stats::Period::All);
    assert!(page.contains("4.0 / 5 (3)"), "{page}");
    assert!(
        page.contains("data-points=\"1 ★=0;2 ★=1;3 ★=0;4 ★=0;5 ★=2;\""),
        "{page}"
    );
}

#[test]
fn ten_thousand_messages_render_quickly() {
    let messages: Vec<TranscriptMessage> = (0..10_000)
        .map(|i| msg(i, i % 7, "Someone", "a **bold** line with `code` and <@3>"))
        .collect();
    let doc = doc(messages);
    let started = std::time::Instant::now();
    let html = transcript_page(&doc, Audience::Staff, "/t/b");
    let took = started.elapsed();
    println!("10,000-message page: {} KiB in {took:?}", html.len() / 1024);
    assert_eq!(html.matches("class=\"msg\"").count(), 10_000);
    // Generous for an unoptimised test build on a shared machine; the release figure is in
    // docs/benchmarks.md.
    assert!(took < std::time::Duration::from_secs(5), "{took:?}");
}

/// Every bidi control in the page sits inside an isolating element (`<bdi>`, `dir="auto"`).
fn assert_bidi_isolated(html: &str) {
    const VOID: &[&str] = &["!DOCTYPE", "meta", "img", "br", "hr"];
    let start = html.find("<body>").expect("a body");
    let end = html.rfind("</body>").expect("a body") + "</body>".len();
    let body = &html[start..end];
    let mut open: Vec<(String, bool)> = Vec::new();
    let mut rest = body;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let end = rest.find('>').expect("tags close");
            let tag = &rest[1..end];
            if let Some(name) = tag.strip_prefix('/') {
                let (top, _) = open.pop().expect("balanced tags");
                assert_eq!(top, name, "tags nest");
            } else {
                let name: String = tag
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
                    .collect();
                if !VOID.contains(&name.as_str()) {
                    let isolating = name == "bdi" || tag.contains("dir=\"auto\"");
                    open.push((name, isolating));
                }
            }
            rest = &rest[end + 1..];
            continue;
        }
        if transcript::is_bidi_control(c) {
            assert!(
                open.iter().any(|(_, isolating)| *isolating),
                "bidi control U+{:04X} outside an isolate",
                c as u32
            );
        }
        rest = &rest[c.len_utf8()..];
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_text_everywhere_stays_text_and_isolated(
        content in proptest::prelude::any::<String>(),
        markup in "[<>a-z =\"'/:()\\[\\]!*`@#&0-9\u{202E}\u{2066}\n]{0,80}",
        name in proptest::prelude::any::<String>(),
        field in proptest::prelude::any::<String>(),
    ) {
        let mut m = msg(1, 10, &name, &format!("{markup}{content}"));
        m.reply_to = Some((name.clone(), markup.clone()));
        m.mentions = vec![(10, name.clone())];
        m.edited_timestamp = Some(field.clone());
        m.stickers = vec![field.clone()];
        m.embeds.push(TranscriptEmbed {
            title: Some(name.clone()),
            description: Some(markup.clone()),
            fields: vec![(field.clone(), content.clone())],
            footer: Some(field.clone()),
        });
        m.attachments.push(TranscriptAttachment {
            id: 3,
            filename: format!("{name}.png"),
            url: field.clone(),
            size: u64::MAX,
            content_type: Some(field.clone()),
            kept: true,
        });
        let mut d = doc(vec![m, msg(2, 20, &field, &markup)]);
        d.meta.topic = Some(field.clone());
        d.meta.reason = Some(markup.clone());
        let html = transcript_page(&d, Audience::Opener, "/t/b");
        assert_only_our_tags(&html, 1);
        assert_bidi_isolated(&html);
        let stats = Stats {
            per_topic: vec![(name.clone(), 3), (markup.clone(), 1)],
            ..Stats::default()
        };
        let page = stats_page(7, &stats, crate::domain::stats::Period::All);
        assert_only_our_tags(&page, 0);
        assert_bidi_isolated(&page);
    }
}

#[test]
fn staff_notes_show_to_staff_only() {
    let mut doc = doc(vec![TranscriptMessage {
        id: 1,
        author_id: 10,
        author_name: "opener".into(),
        content: "my printer is on fire".into(),
        ..Default::default()
    }]);
    doc.staff_notes = vec![TranscriptMessage {
        id: 2,
        author_id: 77,
        author_name: "staff-lead".into(),
        content: "refund approved internally".into(),
        ..Default::default()
    }];
    let staff = transcript_page(&doc, Audience::Staff, "/t/base");
    assert!(staff.contains("Staff notes"), "{staff}");
    assert!(staff.contains("refund approved internally"));
    let opener = transcript_page(&doc, Audience::Opener, "/t/base");
    assert!(opener.contains("my printer is on fire"));
    assert!(!opener.contains("refund approved"), "{opener}");
    assert!(
        !opener.contains("staff-lead"),
        "no names from the notes either"
    );
}

/// Names show in their role's colour when the close found one; others keep the default, and
/// nothing but a colour built from a number reaches the style attribute.
#[test]
fn names_show_in_their_role_colour() {
    let mut d = doc(vec![
        msg(1, 10, "Opener", "hi"),
        msg(2, 20, "Staffer", "hello"),
    ]);
    d.name_colors = vec![(20, 0x1abc9c), (30, u32::MAX)];
    let page = transcript_page(&d, Audience::Opener, "/t/x");
    assert!(
        page.contains(r#"<span class="name" title="20" style="color:#1abc9c">"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<span class="name" title="10"><bdi>"#),
        "{page}"
    );
    assert_only_our_tags(&page, 1);
}

#[test]
fn a_names_colour_is_its_highest_coloured_role() {
    use crate::domain::transcript::{RoleColor, name_color};
    let role = |id, color, position| RoleColor {
        id,
        color,
        position,
    };
    let roles = [
        role(1, 0, 0),
        role(2, 0xaa, 1),
        role(3, 0, 5),
        role(4, 0xbb, 3),
    ];
    assert_eq!(
        name_color(&roles, &[2, 3, 4]),
        Some(0xbb),
        "3 is higher but colourless"
    );
    assert_eq!(name_color(&roles, &[2]), Some(0xaa));
    assert_eq!(name_color(&roles, &[1, 3]), None);
    assert_eq!(name_color(&roles, &[]), None);
}
