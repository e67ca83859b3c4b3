use std::collections::HashMap;

use proptest::prelude::*;

use super::*;
use crate::domain::model::RoleRequirement;

const NOW: UnixMillis = 1_700_000_000_000;

fn opener(roles: &[Snowflake]) -> Opener<'_> {
    Opener {
        user: 7,
        roles,
        is_staff: false,
    }
}

fn none(_: BlockTarget) -> Option<&'static BlockEntry> {
    None
}

fn controls(cooldown_minutes: u32, daily_cap: u32) -> IntakeSettings {
    IntakeSettings {
        cooldown_minutes,
        daily_cap,
        ..IntakeSettings::default()
    }
}

#[test]
fn cooldown_refuses_until_it_ends_and_says_when() {
    let s = controls(30, 0);
    let opens = record_open(None, NOW);
    let refusal = check_open(&s, None, opener(&[]), Some(&opens), none, NOW + 60_000);
    assert_eq!(
        refusal,
        Err(Refusal::Cooldown {
            until: NOW + 30 * 60_000
        })
    );
    assert!(check_open(&s, None, opener(&[]), Some(&opens), none, NOW + 30 * 60_000).is_ok());
}

#[test]
fn daily_cap_counts_per_utc_day_and_resets_at_midnight() {
    let s = controls(0, 2);
    let day_start = NOW.div_euclid(DAY) * DAY;
    let first = record_open(None, day_start + 1);
    let second = record_open(Some(&first), day_start + 2);
    assert_eq!(second.today, 2);
    assert_eq!(
        check_open(&s, None, opener(&[]), Some(&second), none, day_start + 3),
        Err(Refusal::DailyCap {
            cap: 2,
            until: day_start + DAY
        })
    );
    assert!(check_open(&s, None, opener(&[]), Some(&second), none, day_start + DAY).is_ok());
    assert_eq!(record_open(Some(&second), day_start + DAY).today, 1);
}

#[test]
fn blocks_of_member_or_role_refuse_with_reason_until_they_expire() {
    let s = IntakeSettings::default();
    let blocks: HashMap<BlockTarget, BlockEntry> = [
        (
            BlockTarget::Role(99),
            BlockEntry {
                until: Some(NOW + 1000),
                reason: "spam".into(),
                by: 1,
            },
        ),
        (
            BlockTarget::Member(8),
            BlockEntry {
                until: None,
                reason: String::new(),
                by: 1,
            },
        ),
    ]
    .into();
    let lookup = |t| blocks.get(&t);
    assert_eq!(
        check_open(&s, None, opener(&[99]), None, lookup, NOW),
        Err(Refusal::Blocked {
            reason: "spam".into(),
            until: Some(NOW + 1000)
        })
    );
    assert!(check_open(&s, None, opener(&[99]), None, lookup, NOW + 1000).is_ok());
    let other = Opener {
        user: 8,
        roles: &[],
        is_staff: false,
    };
    assert!(matches!(
        check_open(&s, None, other, None, lookup, NOW),
        Err(Refusal::Blocked { until: None, .. })
    ));
    let staff = Opener {
        is_staff: true,
        ..other
    };
    assert!(check_open(&s, None, staff, None, lookup, NOW).is_ok());
}

#[test]
fn required_roles_any_of_and_all_of_are_explicit() {
    let mut s = IntakeSettings::default();
    s.topic_roles.push((
        3,
        RoleRequirement {
            roles: vec![10, 11],
            need: RoleMatch::AnyOf,
        },
    ));
    assert!(check_open(&s, Some(3), opener(&[11]), None, none, NOW).is_ok());
    assert!(check_open(&s, Some(3), opener(&[]), None, none, NOW).is_err());
    // Another topic, or no topic, requires nothing.
    assert!(check_open(&s, Some(4), opener(&[]), None, none, NOW).is_ok());
    assert!(check_open(&s, None, opener(&[]), None, none, NOW).is_ok());
    s.topic_roles[0].1.need = RoleMatch::AllOf;
    assert!(check_open(&s, Some(3), opener(&[11]), None, none, NOW).is_err());
    assert!(check_open(&s, Some(3), opener(&[10, 11]), None, none, NOW).is_ok());
}

#[test]
fn staff_pass_every_control() {
    let mut s = controls(60, 1);
    s.topic_roles.push((
        1,
        RoleRequirement {
            roles: vec![5],
            need: RoleMatch::AllOf,
        },
    ));
    let opens = record_open(None, NOW);
    let staff = Opener {
        user: 7,
        roles: &[],
        is_staff: true,
    };
    assert!(check_open(&s, Some(1), staff, Some(&opens), none, NOW).is_ok());
}

fn draft<'a>(label: &'a str, min: &'a str, max: &'a str) -> QuestionDraft<'a> {
    QuestionDraft {
        label,
        paragraph: false,
        required: true,
        min,
        max,
        placeholder: "",
        subject: false,
    }
}

#[test]
fn questions_are_held_to_discords_limits() {
    let q = validate_question(&draft("  Order number ", "", "")).expect("valid");
    assert_eq!(q.label, "Order number");
    assert_eq!((q.min_len, q.max_len), (0, ANSWER_MAX));
    assert_eq!(
        validate_question(&draft("", "", "")),
        Err(QuestionError::Label)
    );
    let long = "x".repeat(LABEL_MAX + 1);
    assert_eq!(
        validate_question(&draft(&long, "", "")),
        Err(QuestionError::Label)
    );
    for (min, max) in [("5", "4"), ("", "1025"), ("", "0"), ("-1", ""), ("a", "")] {
        assert_eq!(
            validate_question(&draft("ok", min, max)),
            Err(QuestionError::Lengths),
            "{min}..{max}"
        );
    }
    let placeholder = "p".repeat(PLACEHOLDER_MAX + 1);
    let mut d = draft("ok", "", "");
    d.placeholder = &placeholder;
    assert_eq!(validate_question(&d), Err(QuestionError::Placeholder));
}

fn questions() -> Vec<Question> {
    vec![
        validate_question(&draft("Order", "3", "10")).expect("valid"),
        Question {
            required: false,
            subject: true,
            ..validate_question(&draft("Summary", "", "")).expect("valid")
        },
    ]
}

fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn answers_are_checked_as_discord_would() {
    let qs = questions();
    let answers = answers_from(&qs, &fields(&[("q0", "12345"), ("q1", " hi ")])).expect("ok");
    assert_eq!(answers[1].value, "hi");
    assert_eq!(subject(&answers), Some("hi"));
    let optional_blank = answers_from(&qs, &fields(&[("q0", "12345")])).expect("ok");
    assert_eq!(subject(&optional_blank), None);
    assert!(matches!(
        answers_from(&qs, &fields(&[("q1", "x")])),
        Err(AnswerError::Missing { .. })
    ));
    assert!(matches!(
        answers_from(&qs, &fields(&[("q0", "12")])),
        Err(AnswerError::Length { .. })
    ));
    assert_eq!(
        answers_from(&qs, &fields(&[("q0", "123"), ("q9", "x")])),
        Err(AnswerError::UnknownField)
    );
}

#[test]
fn prefill_keeps_within_the_inputs_maximum() {
    let qs = questions();
    let earlier = vec![Answer {
        label: "Order".into(),
        value: "x".repeat(11),
        subject: false,
    }];
    assert_eq!(prefill(&qs[0], &earlier), None);
    assert_eq!(prefill(&qs[1], &earlier), None);
    let fits = vec![Answer {
        label: "Order".into(),
        value: "1234".into(),
        subject: false,
    }];
    assert_eq!(prefill(&qs[0], &fits), Some("1234"));
}

#[test]
fn admin_changes_add_edit_reorder_remove_and_mark_questions() {
    let mut s = IntakeSettings::default();
    let q = |label: &str| validate_question(&draft(label, "", "")).expect("valid");
    for (i, label) in ["a", "b", "c", "d", "e"].iter().enumerate() {
        let change = IntakeChange::SetQuestion {
            topic: Some(2),
            index: i,
            question: q(label),
        };
        change.apply(&mut s).expect("room");
    }
    let sixth = IntakeChange::SetQuestion {
        topic: Some(2),
        index: 5,
        question: q("f"),
    };
    assert_eq!(sixth.apply(&mut s), Err(QuestionError::TooMany));
    let labels = |s: &IntakeSettings| -> Vec<String> {
        s.questions_for(Some(2))
            .iter()
            .map(|q| q.label.clone())
            .collect()
    };
    IntakeChange::MoveUp {
        topic: Some(2),
        index: 2,
    }
    .apply(&mut s)
    .expect("ok");
    IntakeChange::Remove {
        topic: Some(2),
        index: 0,
    }
    .apply(&mut s)
    .expect("ok");
    assert_eq!(labels(&s), ["c", "b", "d", "e"]);
    IntakeChange::ToggleSubject {
        topic: Some(2),
        index: 1,
    }
    .apply(&mut s)
    .expect("ok");
    IntakeChange::ToggleSubject {
        topic: Some(2),
        index: 2,
    }
    .apply(&mut s)
    .expect("ok");
    let subjects: Vec<bool> = s.questions_for(Some(2)).iter().map(|q| q.subject).collect();
    assert_eq!(subjects, [false, false, true, false], "one subject at most");
    assert!(s.questions_for(None).is_empty());
    for _ in 0..4 {
        IntakeChange::Remove {
            topic: Some(2),
            index: 0,
        }
        .apply(&mut s)
        .expect("ok");
    }
    assert!(s.topic_questions.is_empty() && !s.has_questions());
}

#[test]
fn roles_and_their_need_are_set_apart() {
    let mut s = IntakeSettings::default();
    IntakeChange::RolesNeed {
        topic: 1,
        need: RoleMatch::AllOf,
    }
    .apply(&mut s)
    .expect("ok");
    IntakeChange::Roles {
        topic: 1,
        roles: vec![5, 6],
    }
    .apply(&mut s)
    .expect("ok");
    let r = requirement(&s, 1).expect("set");
    assert_eq!((r.roles.clone(), r.need), (vec![5, 6], RoleMatch::AllOf));
    assert_eq!(parse_controls(" 30 ", ""), Some((30, 0)));
    assert_eq!(parse_controls("x", "1"), None);
    assert_eq!(parse_controls("1", "101"), None);
    assert_eq!(parse_block_days(""), Ok(None));
    assert!(parse_block_days("0").is_err());
    assert_eq!(split_lengths("10-500"), ("10", "500"));
    assert_eq!(split_lengths(" 80 "), ("", "80"));
}

proptest! {
    /// A forged submission (any field names, any lengths) is an answer or an error, never a
    /// panic, and an accepted answer always fits an embed field.
    #[test]
    fn forged_fields_never_panic(pairs in proptest::collection::btree_map(
        "q[0-9]{1,2}|[a-z]{0,5}", ".{0,1200}", 0..6)) {
        if let Ok(answers) = answers_from(&questions(), &pairs) {
            for a in answers {
                prop_assert!(a.value.chars().count() <= usize::from(ANSWER_MAX));
            }
        }
    }

    #[test]
    fn record_open_counts_only_the_same_day(a in 0i64..10_000_000_000_000, gap in 0i64..200_000_000) {
        let first = record_open(None, a);
        let second = record_open(Some(&first), a + gap);
        let same_day = a.div_euclid(DAY) == (a + gap).div_euclid(DAY);
        prop_assert_eq!(second.today, if same_day { 2 } else { 1 });
    }
}
