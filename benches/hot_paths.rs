//! `cargo bench --bench hot_paths`: the pure functions every ticket goes through, with divan.
//!
//! Each benchmark builds its input outside the timed closure and passes the result through
//! `divan::black_box`, so what is timed is the function alone.

use divan::{Bencher, black_box};
use ticketeer::{
    domain::{
        access,
        custom_id::{self, Action},
        model::{GuildSettings, Panel, TicketRecord, TicketState, Topic},
        naming,
        transcript::{self, TranscriptEmbed, TranscriptMessage, TranscriptMeta},
    },
    store::codec,
};

fn main() {
    divan::main();
}

const GUILD: u64 = 1_234_567_890_123_456_789;
const BOT: u64 = 987_654_321_098_765_432;
const OPENER: u64 = 555_555_555_555_555_555;

fn actions() -> Vec<Action> {
    vec![
        Action::OpenTicket,
        Action::Close { ticket: 1234 },
        Action::PickTopic { opener: OPENER },
        Action::TopicPage {
            opener: OPENER,
            page: 3,
        },
        Action::HubMenu,
    ]
}

#[divan::bench]
fn custom_id_encode(b: Bencher) {
    let actions = actions();
    b.bench_local(|| {
        for a in &actions {
            black_box(custom_id::encode(black_box(a)));
        }
    });
}

#[divan::bench]
fn custom_id_decode(b: Bencher) {
    let encoded: Vec<String> = actions().iter().map(custom_id::encode).collect();
    b.bench_local(|| {
        for s in &encoded {
            let _ = black_box(custom_id::decode(black_box(s)));
        }
    });
}

fn record() -> TicketRecord {
    TicketRecord {
        topic: Some(2),
        parent: Some(2_222_222_222_222_222_222),
        channel: Some(1_111_111_111_111_111_111),
        state: TicketState::Open,
        participants: vec![1, 2, 3],
        ..TicketRecord::new(GUILD, 4242, OPENER, 1_700_000_000_000)
    }
}

fn settings() -> GuildSettings {
    GuildSettings {
        tickets_category: Some(42),
        staff_roles: vec![7, 8],
        topics: (1..=10)
            .map(|id| Topic {
                id,
                name: format!("Topic number {id}"),
                category: Some(100 + u64::from(id)),
            })
            .collect(),
        next_topic_id: 11,
        panels: vec![Panel::new(
            9,
            10,
            "Support".into(),
            "Click below to open a ticket with our team.".into(),
            "We answer within a day".into(),
        )],
        ..GuildSettings::default()
    }
}

#[divan::bench]
fn codec_encode_ticket_record(b: Bencher) {
    let r = record();
    b.bench_local(|| black_box(codec::encode_ticket(black_box(&r))));
}

#[divan::bench]
fn codec_decode_ticket_record(b: Bencher) {
    let bytes = codec::encode_ticket(&record()).unwrap_or_default();
    b.bench_local(|| black_box(codec::decode_ticket(black_box(&bytes))));
}

#[divan::bench]
fn codec_encode_guild_settings(b: Bencher) {
    let s = settings();
    b.bench_local(|| black_box(codec::encode(black_box(&s))));
}

#[divan::bench]
fn codec_decode_guild_settings(b: Bencher) {
    let bytes = codec::encode(&settings()).unwrap_or_default();
    b.bench_local(|| black_box(codec::decode::<GuildSettings>(black_box(&bytes))));
}

#[divan::bench]
fn access_ticket_overwrites(b: Bencher) {
    let staff = [11, 12, 13];
    let participants = [21, 22];
    b.bench_local(|| {
        black_box(access::ticket_overwrites(
            black_box(GUILD),
            BOT,
            OPENER,
            black_box(&participants),
            black_box(&staff),
        ))
    });
}

#[divan::bench]
fn naming_channel_topic(b: Bencher) {
    b.bench_local(|| {
        black_box(naming::channel_topic(
            black_box(4242),
            OPENER,
            Some("Billing questions"),
        ))
    });
}

#[divan::bench]
fn naming_parse_channel_topic(b: Bencher) {
    let topic = naming::channel_topic(4242, OPENER, Some("Billing questions"));
    b.bench_local(|| black_box(naming::parse_channel_topic(black_box(&topic))));
}

fn transcript_input(n: usize) -> (TranscriptMeta, Vec<TranscriptMessage>) {
    let meta = TranscriptMeta {
        guild_id: GUILD,
        number: 4242,
        opener_id: OPENER,
        topic: Some("Billing".into()),
        closed_by: Some(BOT),
        reason: Some("Resolved".into()),
        notes: Vec::new(),
        ..Default::default()
    };
    let messages = (0..n as u64)
        .map(|i| TranscriptMessage {
            id: 10_000 + i,
            author_id: if i % 2 == 0 { OPENER } else { BOT },
            author_name: if i % 2 == 0 { "member".into() } else { "staff <b>".into() },
            author_avatar_url: None,
            bot: i % 2 == 1,
            timestamp: "2024-05-01T12:34:56.000000+00:00".into(),
            edited_timestamp: None,
            content: format!(
                "Message {i}: **bold**, `code`, a link https://example.com/{i} and <script>alert({i})</script>\n> quoted"
            ),
            embeds: if i % 10 == 0 {
                vec![TranscriptEmbed {
                    title: Some(format!("Embed {i}")),
                    description: Some("An embed description".into()),
                    fields: vec![("Field".into(), "Value".into())],
                    footer: Some("Footer".into()),
                }]
            } else {
                Vec::new()
            },
            attachments: Vec::new(),
            ..TranscriptMessage::default()
        })
        .collect();
    (meta, messages)
}

#[divan::bench]
fn transcript_render_html_200(b: Bencher) {
    let (meta, messages) = transcript_input(200);
    b.bench_local(|| {
        black_box(transcript::render_html(
            black_box(&meta),
            black_box(&messages),
        ))
    });
}
