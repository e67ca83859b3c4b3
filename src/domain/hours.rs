//! Support hours: weekly windows read in an IANA time zone. Pure: the caller passes the zone and
//! the instant, so the open path decides without I/O and tests pin both daylight-saving changes.

use jiff::{Timestamp, civil::Date, tz::TimeZone};

use super::model::{OutsideHours, SupportHours};

/// One weekly window: the days it applies to (bit 0 is Monday) and a half-open span of local
/// minutes since midnight. Windows never cross midnight; `fri 22:00-24:00` plus `sat 00:00-02:00`
/// says the same thing without ambiguity around a daylight-saving change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub days: u8,
    pub start: u16,
    pub end: u16,
}

/// Why support hours were refused; each names what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoursError {
    Day(String),
    Time(String),
    Empty,
    Zone(String),
    Outside(String),
}

/// Whether a ticket may open now, and if not, when it next may (unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Open,
    Closed { next_open: Option<i64> },
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn day(s: &str) -> Result<u8, HoursError> {
    DAYS.iter()
        .position(|d| d.eq_ignore_ascii_case(s))
        .map(|i| i as u8)
        .ok_or_else(|| HoursError::Day(s.to_owned()))
}

fn days(s: &str) -> Result<u8, HoursError> {
    let mut mask = 0u8;
    for part in s.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day(a)?, day(b)?);
                // A range may wrap past Sunday: `sat-mon` is Saturday, Sunday and Monday.
                let mut d = a;
                loop {
                    mask |= 1 << d;
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => mask |= 1 << day(part)?,
        }
    }
    Ok(mask)
}

fn minute(s: &str) -> Result<u16, HoursError> {
    let bad = || HoursError::Time(s.to_owned());
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m > 59 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Parses `mon-fri 09:00-17:00; sat 10:00-12:00` (`;` or newline between windows).
pub fn parse_windows(s: &str) -> Result<Vec<Window>, HoursError> {
    let mut out = Vec::new();
    for item in s
        .split([';', '\n'])
        .map(str::trim)
        .filter(|i| !i.is_empty())
    {
        let (d, t) = item
            .split_once(char::is_whitespace)
            .ok_or_else(|| HoursError::Time(item.to_owned()))?;
        let (a, b) = t
            .trim()
            .split_once('-')
            .ok_or_else(|| HoursError::Time(t.to_owned()))?;
        let (start, end) = (minute(a)?, minute(b)?);
        if start >= end {
            return Err(HoursError::Time(t.to_owned()));
        }
        out.push(Window {
            days: days(d)?,
            start,
            end,
        });
    }
    if out.is_empty() {
        return Err(HoursError::Empty);
    }
    Ok(out)
}

fn local_start(tz: &TimeZone, date: Date, minute: u16) -> Option<i64> {
    let dt = date.at((minute / 60) as i8, (minute % 60) as i8, 0, 0);
    // A start inside the spring-forward gap opens at the first instant after it (jiff's
    // "compatible" rule), never before the wall clock reaches it.
    dt.to_zoned(tz.clone())
        .ok()
        .map(|z| z.timestamp().as_second())
}

/// Open when `now` falls in a window on the local wall clock; otherwise the earliest window start
/// after `now` within the coming week.
pub fn decide(tz: &TimeZone, windows: &[Window], now: i64) -> Decision {
    let Ok(ts) = Timestamp::from_second(now) else {
        return Decision::Closed { next_open: None };
    };
    let z = ts.to_zoned(tz.clone());
    let wd = z.weekday().to_monday_zero_offset() as u8;
    let m = z.hour() as u16 * 60 + z.minute() as u16;
    if windows
        .iter()
        .any(|w| w.days & (1 << wd) != 0 && w.start <= m && m < w.end)
    {
        return Decision::Open;
    }
    let mut next: Option<i64> = None;
    let mut date = z.date();
    for _ in 0..8 {
        let wd = date.weekday().to_monday_zero_offset() as u8;
        for w in windows.iter().filter(|w| w.days & (1 << wd) != 0) {
            if let Some(t) = local_start(tz, date, w.start).filter(|&t| t > now) {
                next = Some(next.map_or(t, |n| n.min(t)));
            }
        }
        if next.is_some() {
            break;
        }
        let Ok(d) = date.tomorrow() else { break };
        date = d;
    }
    Decision::Closed { next_open: next }
}

/// The setting from the hub's form: a zone, windows and what happens outside them. Blank
/// windows switch support hours off.
pub fn parse_hours(
    zone: &str,
    windows: &str,
    outside: &str,
    bypass_roles: Vec<u64>,
) -> Result<SupportHours, HoursError> {
    if windows.trim().is_empty() {
        return Ok(SupportHours::default());
    }
    let windows = parse_windows(windows)?;
    let zone = zone.trim();
    TimeZone::get(zone).map_err(|_| HoursError::Zone(zone.to_owned()))?;
    let outside = match outside.trim().to_ascii_lowercase().as_str() {
        "" | "refuse" => OutsideHours::Refuse,
        "notice" => OutsideHours::Notice,
        other => return Err(HoursError::Outside(other.to_owned())),
    };
    Ok(SupportHours {
        zone: zone.to_owned(),
        windows: windows.iter().map(|w| (w.days, w.start, w.end)).collect(),
        outside,
        bypass_roles,
    })
}

/// Whether support is open at `now` (Unix seconds). Hours that are off, or a zone this build
/// no longer knows, are always open: nobody is refused by a setting that cannot be read.
pub fn status(hours: &SupportHours, now: i64) -> Decision {
    if !hours.is_on() {
        return Decision::Open;
    }
    let Ok(tz) = TimeZone::get(&hours.zone) else {
        return Decision::Open;
    };
    let windows: Vec<Window> = (hours.windows.iter())
        .map(|&(days, start, end)| Window { days, start, end })
        .collect();
    decide(&tz, &windows, now)
}

/// The windows as the form takes them, e.g. `mon,tue,wed,thu,fri 09:00-17:00; sat 10:00-12:00`.
pub fn describe(hours: &SupportHours) -> String {
    let time = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
    hours
        .windows
        .iter()
        .map(|&(days, start, end)| {
            let names: Vec<&str> = (0..7)
                .filter(|d| days & (1 << d) != 0)
                .map(|d| DAYS[d])
                .collect();
            format!("{} {}-{}", names.join(","), time(start), time(end))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_form_parses_into_a_setting_that_says_when_support_is_open() {
        let hours =
            parse_hours("Europe/Berlin", "mon-fri 09:00-17:00", "notice", vec![]).expect("valid");
        assert_eq!(hours.outside, OutsideHours::Notice);
        assert_eq!(describe(&hours), "mon,tue,wed,thu,fri 09:00-17:00");
        // Monday 2026-11-30 10:00 in Berlin (UTC+1) is open; 18:00 is closed until Tuesday 9:00.
        assert_eq!(status(&hours, at("2026-11-30T09:00:00Z")), Decision::Open);
        assert_eq!(
            status(&hours, at("2026-11-30T17:00:00Z")),
            Decision::Closed {
                next_open: Some(at("2026-12-01T08:00:00Z"))
            }
        );
        assert_eq!(
            parse_hours("Mars/Olympus", "mon 09:00-10:00", "", vec![]),
            Err(HoursError::Zone("Mars/Olympus".into()))
        );
        assert_eq!(
            parse_hours("UTC", "mon 09:00-10:00", "maybe", vec![]),
            Err(HoursError::Outside("maybe".into()))
        );
        let off = parse_hours("", " ", "", vec![]).expect("off");
        assert!(!off.is_on());
        assert_eq!(status(&off, 0), Decision::Open);
    }

    use super::*;

    fn berlin() -> TimeZone {
        TimeZone::get("Europe/Berlin").unwrap()
    }

    fn at(s: &str) -> i64 {
        s.parse::<Timestamp>().unwrap().as_second()
    }

    #[test]
    fn parses_ranges_lists_and_wrapping_days() {
        let w =
            parse_windows("mon-fri 09:00-17:00; sat,sun 10:00-12:30\nfri-mon 20:00-24:00").unwrap();
        assert_eq!(
            w[0],
            Window {
                days: 0b001_1111,
                start: 540,
                end: 1020
            }
        );
        assert_eq!(
            w[1],
            Window {
                days: 0b110_0000,
                start: 600,
                end: 750
            }
        );
        assert_eq!(w[2].days, 0b111_0001);
        assert_eq!(w[2].end, 1440);
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(parse_windows("  "), Err(HoursError::Empty));
        assert!(matches!(
            parse_windows("funday 09:00-10:00"),
            Err(HoursError::Day(_))
        ));
        assert!(matches!(
            parse_windows("mon 10:00-09:00"),
            Err(HoursError::Time(_))
        ));
        assert!(matches!(
            parse_windows("mon 25:00-26:00"),
            Err(HoursError::Time(_))
        ));
        assert!(matches!(parse_windows("mon"), Err(HoursError::Time(_))));
    }

    #[test]
    fn local_hours_hold_across_spring_forward() {
        // Berlin: 2026-03-29 02:00 CET jumps to 03:00 CEST.
        let w = parse_windows("mon-fri 09:00-17:00").unwrap();
        // Friday 27 March 16:59 CET (15:59 UTC) is open; 17:00 CET is closed.
        assert_eq!(
            decide(&berlin(), &w, at("2026-03-27T15:59:00Z")),
            Decision::Open
        );
        let closed = decide(&berlin(), &w, at("2026-03-27T16:00:00Z"));
        // Monday 30 March 09:00 is CEST, 07:00 UTC: the next opening follows the new offset.
        assert_eq!(
            closed,
            Decision::Closed {
                next_open: Some(at("2026-03-30T07:00:00Z"))
            }
        );
        assert_eq!(decide(&berlin(), &w, at("2026-03-30T06:59:59Z")), closed);
        assert_eq!(
            decide(&berlin(), &w, at("2026-03-30T07:00:00Z")),
            Decision::Open
        );
    }

    #[test]
    fn local_hours_hold_across_fall_back() {
        // Berlin: 2026-10-25 03:00 CEST falls back to 02:00 CET.
        let w = parse_windows("mon-fri 09:00-17:00").unwrap();
        assert_eq!(
            decide(&berlin(), &w, at("2026-10-23T14:59:00Z")),
            Decision::Open
        );
        let closed = decide(&berlin(), &w, at("2026-10-23T15:00:00Z"));
        assert_eq!(
            closed,
            Decision::Closed {
                next_open: Some(at("2026-10-26T08:00:00Z"))
            }
        );
        assert_eq!(
            decide(&berlin(), &w, at("2026-10-26T08:00:00Z")),
            Decision::Open
        );
    }

    #[test]
    fn a_start_in_the_gap_opens_after_it_never_before() {
        let w = parse_windows("sun 02:30-04:00").unwrap();
        // 02:30 does not exist on 29 March; the window opens at 03:30 CEST = 01:30 UTC.
        let d = decide(&berlin(), &w, at("2026-03-29T00:00:00Z"));
        assert_eq!(
            d,
            Decision::Closed {
                next_open: Some(at("2026-03-29T01:30:00Z"))
            }
        );
        assert_eq!(
            decide(&berlin(), &w, at("2026-03-29T01:30:00Z")),
            Decision::Open
        );
    }

    #[test]
    fn the_next_opening_wraps_past_sunday_and_picks_the_earliest_window() {
        let w = parse_windows("mon 13:00-14:00; mon 08:00-09:00; sat 10:00-11:00").unwrap();
        // Saturday 5 December 2026 11:00 CET: the next opening is Monday 08:00 CET, not 13:00.
        let d = decide(&berlin(), &w, at("2026-12-05T10:00:00Z"));
        assert_eq!(
            d,
            Decision::Closed {
                next_open: Some(at("2026-12-07T07:00:00Z"))
            }
        );
    }
}
