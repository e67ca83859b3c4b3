use super::*;
use crate::domain::access::Overwrite;

const GUILD: u64 = 1_000;
const BOT: u64 = 9;
const LOG: u64 = 2_000;
const CATEGORY: u64 = 3_000;
const BILLING_CATEGORY: u64 = 3_001;
const STAFF: u64 = 4_000;
const OPENER: u64 = 5_000;
const HELPER: u64 = 5_001;
const BOT_ROLE: u64 = 8;

/// A guild document as `mongoexport` writes it (canonical numbers, extra fields Amina keeps).
const EXPORT: &str = concat!(
    r#"{"_id":"1000","data":{"name":"Test"},"ticket":{"log_channel":"2000","limit":{"$numberInt":"25"},"category":"3000","enabled":true,"staff_roles":["4000","4999"],"topics":[{"name":"Billing"},{"name":"billing"},{"name":"Bugs"}]}}"#,
    "\n",
    r#"{"_id":"1001","data":{"name":"No tickets"}}"#,
    "\n"
);

fn channel(
    id: u64,
    name: &str,
    topic: Option<&str>,
    overwrites: Vec<Overwrite>,
) -> InspectedChannel {
    InspectedChannel {
        id,
        name: name.into(),
        category: false,
        text: true,
        parent: Some(CATEGORY),
        topic: topic.map(str::to_owned),
        overwrites,
    }
}

fn member(id: u64) -> Overwrite {
    Overwrite {
        id,
        kind: OverwriteKind::Member,
        allow: perms::VIEW_CHANNEL | perms::SEND_MESSAGES,
        deny: 0,
    }
}

fn guild() -> GuildInspection {
    let mut category = channel(CATEGORY, "Tickets", None, vec![]);
    category.category = true;
    category.text = false;
    category.parent = None;
    let mut billing = channel(BILLING_CATEGORY, "billing", None, vec![]);
    billing.category = true;
    billing.text = false;
    billing.parent = None;
    GuildInspection {
        owner: 1,
        roles: vec![(GUILD, 0), (STAFF, 0), (BOT_ROLE, access::BOT_REQUIRED)],
        bot_roles: vec![BOT_ROLE],
        channels: vec![
            category,
            billing,
            channel(LOG, "ticket-logs", None, vec![]),
            channel(
                6_002,
                "t\u{456}cket-7",
                Some("t\u{456}cket|5000|Billing"),
                vec![member(OPENER), member(HELPER), member(BOT)],
            ),
            channel(
                6_001,
                "t\u{456}cket-3",
                Some("t\u{456}cket|5001|"),
                vec![member(HELPER)],
            ),
            // Closed in Amina: the opener's overwrite is gone.
            channel(
                6_003,
                "t\u{456}cket-8",
                Some("t\u{456}cket|5002|Bugs"),
                vec![],
            ),
            // Latin "ticket|": not Amina's marker.
            channel(
                6_004,
                "ticket-9",
                Some("ticket|5003|x"),
                vec![member(5_003)],
            ),
        ],
    }
}

#[test]
fn the_export_is_read_with_mongoexport_numbers_and_skips_other_documents() {
    let guilds = parse(EXPORT).unwrap();
    assert_eq!(guilds.len(), 1);
    let g = &guilds[0];
    assert_eq!(g.guild, GUILD);
    assert_eq!(g.log_channel, Some(LOG));
    assert_eq!(g.limit, Some(25));
    assert_eq!(g.category, Some(CATEGORY));
    assert_eq!(g.topics, ["Billing", "billing", "Bugs"]);
    assert_eq!(g.staff_roles, [STAFF, 4_999]);
    assert_eq!(parse("{\"_id\":\"1\"}\n"), Err(AminaError::Empty));
    assert!(matches!(
        parse("{oops\n"),
        Err(AminaError::Json { line: 1, .. })
    ));
    assert_eq!(
        parse("{\"ticket\":{}}\n"),
        Err(AminaError::NoGuild { line: 1 })
    );
}

#[test]
fn only_the_cyrillic_marker_counts() {
    assert_eq!(
        parse_topic("t\u{456}cket|5000|Billing"),
        Some((5_000, Some("Billing".into())))
    );
    assert_eq!(parse_topic("t\u{456}cket|5000|"), Some((5_000, None)));
    assert_eq!(parse_topic("ticket|5000|Billing"), None);
    assert_eq!(parse_topic("t\u{456}cket|abc|x"), None);
}

#[test]
fn settings_topics_and_staff_roles_are_carried_over_and_checked() {
    let amina = &parse(EXPORT).unwrap()[0];
    let plan = plan(amina, &guild(), &Existing::default(), BOT);
    assert_eq!(plan.blocked, None);
    let s = &plan.settings;
    assert_eq!(s.log_channel, Some(LOG));
    assert_eq!(s.tickets_category, Some(CATEGORY));
    assert_eq!(s.per_guild_limit, 25);
    assert_eq!(s.staff_roles, [STAFF], "the deleted role is left out");
    let topics: Vec<(&str, Option<u64>)> = s
        .topics
        .iter()
        .map(|t| (t.name.as_str(), t.category))
        .collect();
    assert_eq!(
        topics,
        [("Billing", Some(BILLING_CATEGORY)), ("Bugs", None)]
    );
    let notes = plan.notes.join("\n");
    assert!(
        notes.contains("staff role 4999 no longer exists"),
        "{notes}"
    );
    assert!(notes.contains("topic \"billing\" left out"), "{notes}");
}

#[test]
fn open_tickets_are_adopted_after_the_highest_number_with_their_openers() {
    let amina = &parse(EXPORT).unwrap()[0];
    let existing = Existing {
        counter: 4,
        ..Existing::default()
    };
    let plan = plan(amina, &guild(), &existing, BOT);
    // Amina's highest number is 8 (a closed one counts too): adoptions are 9 and 10, in
    // Amina's order.
    let adopted: Vec<(u64, u64, u64)> = plan
        .adoptions
        .iter()
        .map(|a| (a.channel, a.number, a.record.opener))
        .collect();
    assert_eq!(adopted, [(6_001, 9, 5_001), (6_002, 10, 5_000)]);
    assert_eq!(plan.counter, 10);
    let billing = &plan.adoptions[1].record;
    assert_eq!(billing.state, TicketState::Provisioning);
    assert_eq!(billing.channel, Some(6_002));
    assert_eq!(billing.topic, Some(1));
    assert_eq!(
        billing.participants,
        [HELPER],
        "the added helper stays, the bot does not"
    );
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("t\u{456}cket-8 is a closed"))
    );
    let text = describe(&plan, false);
    assert!(text.contains("as ticket-0010 for <@5000>"), "{text}");
    assert!(text.contains("dry run"), "{text}");
    // With a higher Ticketeer counter, numbering starts after it.
    let plan2 = super::plan(
        amina,
        &guild(),
        &Existing {
            counter: 20,
            ..Existing::default()
        },
        BOT,
    );
    assert_eq!(plan2.adoptions[0].number, 21);
}

#[test]
fn a_guild_already_set_up_in_ticketeer_is_left_alone() {
    let amina = &parse(EXPORT).unwrap()[0];
    let existing = Existing {
        settings: GuildSettings {
            log_channel: Some(1),
            ..GuildSettings::default()
        },
        counter: 0,
    };
    let plan = plan(amina, &guild(), &existing, BOT);
    assert!(plan.blocked.is_some());
    assert!(describe(&plan, false).contains("nothing to do"));
}

#[test]
fn tickets_the_bot_cannot_manage_block_the_whole_guild() {
    let amina = &parse(EXPORT).unwrap()[0];
    let mut discord = guild();
    // Amina's ticket 7 hides from everyone but its people: @everyone denied View Channel.
    discord.channels[3].overwrites.retain(|o| o.id != BOT);
    discord.channels[3].overwrites.push(Overwrite {
        id: GUILD,
        kind: OverwriteKind::Role,
        allow: 0,
        deny: perms::VIEW_CHANNEL,
    });
    let blocked = plan(amina, &discord, &Existing::default(), BOT).blocked;
    let why = blocked.expect("blocked");
    assert!(
        why.contains("#t\u{456}cket-7 (lacks") && why.contains("View Channel"),
        "{why}"
    );
    // The admin lets the bot's role see it: the plan may go ahead.
    discord.channels[3].overwrites.push(Overwrite {
        id: BOT_ROLE,
        kind: OverwriteKind::Role,
        allow: perms::VIEW_CHANNEL,
        deny: 0,
    });
    assert_eq!(
        plan(amina, &discord, &Existing::default(), BOT).blocked,
        None
    );
}
