use super::*;
use crate::domain::access::OverwriteKind;
use crate::domain::model::{Panel, Topic};

const GUILD: u64 = 1;
const OWNER: u64 = 2;
const BOT: u64 = 3;
const BOT_ROLE: u64 = 4;
const STAFF: u64 = 5;
const LOG: u64 = 10;
const CATEGORY: u64 = 11;
const PANEL_CHANNEL: u64 = 12;

fn text(id: u64, parent: Option<u64>) -> InspectedChannel {
    InspectedChannel {
        id,
        name: format!("c{id}"),
        category: false,
        text: true,
        parent,
        topic: None,
        overwrites: Vec::new(),
    }
}

fn healthy() -> (GuildFacts, GuildSettings) {
    let settings = GuildSettings {
        log_channel: Some(LOG),
        tickets_category: Some(CATEGORY),
        staff_roles: vec![STAFF],
        panels: vec![Panel::new(
            PANEL_CHANNEL,
            99,
            "t".into(),
            "d".into(),
            "f".into(),
        )],
        ..GuildSettings::default()
    };
    let mut category = text(CATEGORY, None);
    category.category = true;
    category.text = false;
    let discord = GuildInspection {
        owner: OWNER,
        roles: vec![
            (GUILD, perms::VIEW_CHANNEL),
            (BOT_ROLE, access::BOT_REQUIRED),
            (STAFF, 0),
        ],
        bot_roles: vec![BOT_ROLE],
        channels: vec![text(LOG, None), category, text(PANEL_CHANNEL, None)],
    };
    let facts = GuildFacts {
        guild: GUILD,
        name: "g".into(),
        discord: Some(discord),
        settings: Some(settings.clone()),
        panels_present: vec![Some(true)],
    };
    (facts, settings)
}

fn only(findings: &[Finding]) -> &Finding {
    assert_eq!(findings.len(), 1, "{findings:#?}");
    &findings[0]
}

fn inspection(facts: &mut GuildFacts) -> &mut GuildInspection {
    facts.discord.as_mut().expect("in the guild")
}

#[test]
fn a_healthy_guild_has_no_findings() {
    let (facts, _) = healthy();
    assert_eq!(examine(&facts, BOT), vec![]);
    let (text, failed) = render(&[(facts, vec![])]);
    assert!(!failed);
    assert!(text.contains("ok: nothing wrong found"), "{text}");
}

#[test]
fn missing_role_permissions_are_named_and_stop_tickets() {
    let (mut facts, _) = healthy();
    inspection(&mut facts).roles[1].1 =
        access::BOT_REQUIRED & !perms::MANAGE_ROLES & !perms::ATTACH_FILES;
    let f = examine(&facts, BOT);
    let f = only(&f);
    assert_eq!(f.severity, Severity::Problem);
    assert!(f.text.contains("Attach Files, Manage Roles"), "{}", f.text);
    let (_, failed) = render(&[(facts, vec![f.clone()])]);
    assert!(failed);
}

#[test]
fn permissions_count_as_discord_counts_them() {
    // From @everyone, from any role, everything for Administrator and for the owner.
    let roles = [
        (GUILD, perms::VIEW_CHANNEL),
        (7, perms::SEND_MESSAGES),
        (8, perms::ADMINISTRATOR),
    ];
    assert_eq!(
        guild_permissions(GUILD, OWNER, BOT, &[7], &roles),
        perms::VIEW_CHANNEL | perms::SEND_MESSAGES
    );
    assert_eq!(guild_permissions(GUILD, OWNER, BOT, &[8], &roles), u64::MAX);
    assert_eq!(guild_permissions(GUILD, BOT, BOT, &[], &roles), u64::MAX);
    let (mut facts, _) = healthy();
    inspection(&mut facts).roles[1].1 = perms::ADMINISTRATOR;
    assert_eq!(examine(&facts, BOT), vec![]);
}

#[test]
fn a_log_channel_the_bot_cannot_write_to_is_a_warning() {
    let (mut facts, _) = healthy();
    inspection(&mut facts).channels[0]
        .overwrites
        .push(Overwrite {
            id: BOT_ROLE,
            kind: OverwriteKind::Role,
            allow: 0,
            deny: perms::SEND_MESSAGES,
        });
    let f = examine(&facts, BOT);
    let f = only(&f);
    assert_eq!(f.severity, Severity::Warning);
    assert!(
        f.text.contains("#c10") && f.text.contains("Send Messages"),
        "{}",
        f.text
    );

    let (mut facts, _) = healthy();
    inspection(&mut facts).channels.remove(0);
    let f = examine(&facts, BOT);
    assert!(
        only(&f).text.contains("log channel (10) was deleted"),
        "{f:?}"
    );
}

#[test]
fn a_missing_category_stops_tickets_and_a_full_one_warns() {
    let (mut facts, mut settings) = healthy();
    settings.topics.push(Topic {
        id: 1,
        name: "Billing".into(),
        category: Some(77),
    });
    facts.settings = Some(settings);
    let f = examine(&facts, BOT);
    let f = only(&f);
    assert_eq!(f.severity, Severity::Problem);
    assert!(
        f.text.contains("topic \"Billing\" (77) was deleted"),
        "{}",
        f.text
    );

    let (mut facts, _) = healthy();
    let d = inspection(&mut facts);
    for i in 0..50 {
        d.channels.push(text(1000 + i, Some(CATEGORY)));
    }
    let f = examine(&facts, BOT);
    let f = only(&f);
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.text.contains("is full"), "{}", f.text);
}

#[test]
fn panels_gone_stop_tickets_only_when_none_is_left() {
    let (mut facts, _) = healthy();
    facts.panels_present = vec![Some(false)];
    let f = examine(&facts, BOT);
    assert_eq!(only(&f).severity, Severity::Problem);

    let (mut facts, mut settings) = healthy();
    let mut second = settings.panels[0].clone();
    second.channel = 555; // a channel that no longer exists
    settings.panels.push(second);
    facts.settings = Some(settings);
    facts.panels_present = vec![Some(true), Some(false)];
    let f = examine(&facts, BOT);
    let f = only(&f);
    assert_eq!(f.severity, Severity::Warning);
    assert!(
        f.text
            .contains("1 of 2 panel messages are gone (in <#555>)"),
        "{}",
        f.text
    );

    // A panel the doctor could not check (no answer) is not reported gone.
    let (mut facts, _) = healthy();
    facts.panels_present = vec![None];
    assert_eq!(examine(&facts, BOT), vec![]);
}

#[test]
fn a_deleted_staff_role_is_a_warning() {
    let (mut facts, _) = healthy();
    inspection(&mut facts).roles.retain(|(r, _)| *r != STAFF);
    let f = examine(&facts, BOT);
    let f = only(&f);
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.text.contains("Staff role 5 was deleted"), "{}", f.text);
}

#[test]
fn a_guild_the_bot_left_and_one_never_set_up_are_warnings() {
    let (mut facts, _) = healthy();
    facts.discord = None;
    assert_eq!(only(&examine(&facts, BOT)).severity, Severity::Warning);
    let (mut facts, _) = healthy();
    facts.settings = None;
    let f = examine(&facts, BOT);
    assert!(only(&f).text.contains("not set up"), "{f:?}");
}

#[test]
fn problems_come_first_and_are_counted() {
    let (mut facts, _) = healthy();
    let d = inspection(&mut facts);
    d.roles.retain(|(r, _)| *r != STAFF);
    d.roles[1].1 = 0;
    let findings = examine(&facts, BOT);
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[0].severity, Severity::Problem);
    let (text, failed) = render(&[(facts, findings)]);
    assert!(failed);
    assert!(text.contains("1 problem(s) in 1 server(s)"), "{text}");
}

#[test]
fn privileged_intents_off_are_warned_about_by_name() {
    assert_eq!(
        application_warnings((1 << 18) | (1 << 14)),
        Vec::<String>::new()
    );
    let both = application_warnings(0).join("\n");
    assert!(both.contains("Message Content Intent"), "{both}");
    assert!(both.contains("Server Members Intent"), "{both}");
    let one = application_warnings(1 << 19);
    assert_eq!(one.len(), 1);
    assert!(one[0].contains("Server Members"), "{one:?}");
}
