//! The web side end to end: the real bot with `--http` on, against the simulator, its pages
//! loaded in a real browser (Debian's `chromium`, headless) and over plain HTTP.
//!
//! Browser tests need `chromium` on the PATH; `.ci/run` installs it. Without it they fail
//! saying so: a skipped browser test would look like a passing one.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};
use ticketeer::{
    actors::{Bot, BotConfig},
    domain::custom_id::Action,
    driver::{self, channel_from_link},
    sim::{self, RateLimitMode, SeededGuild, SimConfig, SimHandle, client::SimClient},
    web::{
        Audience, LinkKey, WebConfig,
        link::{self, Claims},
    },
};

const WAIT: Duration = Duration::from_secs(20);

struct Env {
    sim: SimHandle,
    client: SimClient,
    g: SeededGuild,
    bot: Bot,
    dir: PathBuf,
    http: reqwest::Client,
}

impl Env {
    async fn start(name: &str, change: impl FnOnce(&mut BotConfig)) -> Env {
        let sim = sim::start(SimConfig {
            rate_limits: RateLimitMode::Off,
            message_content: true,
            ..SimConfig::default()
        })
        .await
        .expect("simulator starts");
        let client = sim.client();
        let g = sim.seed_guild(3).await;
        let dir = std::env::temp_dir().join(format!("ticketeer-web-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut config = BotConfig::for_simulator(&sim.http_url(), &sim.gateway_url(), dir.clone());
        config.ratelimiter = false;
        config.web = Some(WebConfig::new("127.0.0.1:0".parse().expect("an address")));
        change(&mut config);
        let bot = Bot::start(config).await.expect("bot starts");
        assert!(bot.wait_ready(1, WAIT).await, "bot did not become ready");
        ticketeer::discord::install_crypto_provider();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        Env {
            sim,
            client,
            g,
            bot,
            dir,
            http,
        }
    }

    async fn stop(self) {
        self.bot.shutdown().await;
        self.sim.shutdown().await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    fn base(&self) -> String {
        format!(
            "http://{}",
            self.bot.web_addr().expect("the web server runs")
        )
    }

    async fn get(&self, path_or_url: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let url = if path_or_url.starts_with("http") {
            path_or_url.to_owned()
        } else {
            format!("{}{path_or_url}", self.base())
        };
        let response = self
            .http
            .get(&url)
            .send()
            .await
            .expect("the server answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.expect("a body").to_vec();
        (status, headers, body)
    }

    /// Staff, a log channel and a panel; then `opener` opens a ticket. Returns (log, channel).
    async fn open_ticket(&self) -> (u64, u64) {
        driver::configure_staff(&self.client, &self.g)
            .await
            .expect("staff set");
        let log = driver::set_log_channel(&self.client, &self.g)
            .await
            .expect("log set");
        let panel = driver::post_panel(&self.client, &self.g)
            .await
            .expect("panel posted");
        let (_, answer) = driver::click_open(&self.client, &self.g, panel, self.opener())
            .await
            .expect("opened");
        let channel = channel_from_link(&answer).unwrap_or_else(|| panic!("a link: {answer}"));
        (log, channel)
    }

    fn opener(&self) -> u64 {
        self.g.member_ids[0]
    }

    async fn close(&self, channel: u64) {
        let answer = driver::press(
            &self.client,
            self.g.guild_id,
            channel,
            self.g.staff_id,
            "Close",
            |a| matches!(a, Action::Close { .. }),
        )
        .await
        .expect("close pressed");
        assert!(answer.contains("closed"), "{answer}");
    }

    /// The first link to this server in `text`.
    fn link_in(&self, text: &str) -> Option<String> {
        let base = self.base();
        let at = text.find(&base)?;
        Some(
            text[at..]
                .split(|c: char| c.is_whitespace() || c == ')')
                .next()
                .unwrap_or_default()
                .to_owned(),
        )
    }

    /// The staff link in the log's "Ticket closed" entry, once it is there.
    async fn staff_link_from_log(&self, log: u64) -> String {
        eventually("the close logged with a link", || async {
            let messages = self.client.channel_messages(log).await.ok()?;
            messages.iter().find_map(|m| {
                let embed = m["embeds"]
                    .as_array()?
                    .iter()
                    .find(|e| e["title"] == "Ticket closed")?;
                self.link_in(embed["description"].as_str()?)
            })
        })
        .await
    }

    /// The opener's link in their DM, and whether files came with it.
    async fn opener_dm(&self) -> (String, bool) {
        eventually("the opener's DM with a link", || async {
            let dms = self.client.dms(self.opener()).await.ok()?;
            dms.iter().find_map(|m| {
                let link = self.link_in(m["content"].as_str()?)?;
                let files = m["attachments"].as_array().is_some_and(|a| !a.is_empty());
                Some((link, files))
            })
        })
        .await
    }
}

async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Runs the `ticketeer` binary; its stdout, or a panic with its stderr.
fn ticketeer_cli(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_ticketeer"))
        .args(args)
        .output()
        .expect("ticketeer runs");
    assert!(
        output.status.success(),
        "ticketeer {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

// ---------------------------------------------------------------------------------------------
// The browser

fn chromium() -> PathBuf {
    for dir in std::env::var("PATH").unwrap_or_default().split(':') {
        for name in ["chromium", "chromium-browser"] {
            let candidate = Path::new(dir).join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "chromium is not installed, so the web pages cannot be tested in a browser: \
         run `apt-get install -y chromium` (.ci/run does)"
    );
}

/// Runs headless chromium on `url` with `args` (`--dump-dom`, `--screenshot=...`); its stdout.
fn browse(url: &str, args: &[&str]) -> String {
    let profile = tempdir("chromium-profile");
    let output = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .args(
            (!args.iter().any(|a| a.starts_with("--window-size")))
                .then_some("--window-size=900,1400"),
        )
        .arg(url)
        .output()
        .expect("chromium runs");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn tempdir(name: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static SEQ: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ticketeer-web-{name}-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    dir
}

/// Screenshots `url` into `target/web-screenshots/{name}.png`; returns the PNG's bytes.
fn screenshot(url: &str, name: &str) -> Vec<u8> {
    screenshot_sized(url, name, "900,1400")
}

/// [`screenshot`] in a window of `size` (`W,H`).
fn screenshot_sized(url: &str, name: &str, size: &str) -> Vec<u8> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/web-screenshots");
    std::fs::create_dir_all(&dir).expect("the screenshot dir");
    let path = dir.join(format!("{name}.png"));
    let _ = std::fs::remove_file(&path);
    browse(
        url,
        &[
            &format!("--screenshot={}", path.display()),
            &format!("--window-size={size}"),
        ],
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("no screenshot at {}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// PNG: a solid test image, and the pixels of a screenshot

/// A solid `rgb` PNG of `w`×`h`: a colour nothing else on the page uses, to find on screen.
fn solid_png(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
    // Each row: filter type 0 (none), then the pixels.
    let row: Vec<u8> = std::iter::once(0).chain((0..w).flat_map(|_| rgb)).collect();
    let raw = row.repeat(h as usize);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&raw).expect("deflate");
    let idat = z.finish().expect("deflate");
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", idat), (b"IEND", Vec::new())] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(&data);
        png.extend_from_slice(kind);
        png.extend_from_slice(&data);
        png.extend_from_slice(&crc.sum().to_be_bytes());
    }
    png
}

/// How many pixels of a screenshot (8-bit RGB or RGBA, as chromium writes them) are `rgb`.
fn count_pixels(png: &[u8], rgb: [u8; 3]) -> usize {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let (mut pos, mut w, mut h, mut channels, mut idat) = (8, 0usize, 0usize, 0usize, Vec::new());
    while pos + 8 <= png.len() {
        let len = u32::from_be_bytes(png[pos..pos + 4].try_into().expect("4 bytes")) as usize;
        let kind = &png[pos + 4..pos + 8];
        let data = &png[pos + 8..pos + 8 + len];
        match kind {
            b"IHDR" => {
                w = u32::from_be_bytes(data[0..4].try_into().expect("4 bytes")) as usize;
                h = u32::from_be_bytes(data[4..8].try_into().expect("4 bytes")) as usize;
                assert_eq!(data[8], 8, "8-bit screenshot");
                channels = match data[9] {
                    2 => 3,
                    6 => 4,
                    other => panic!("unexpected PNG colour type {other}"),
                };
            }
            b"IDAT" => idat.extend_from_slice(data),
            _ => {}
        }
        pos += 12 + len;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..])
        .read_to_end(&mut raw)
        .expect("inflate");
    let stride = w * channels;
    let mut prev = vec![0u8; stride];
    let mut count = 0;
    for row in 0..h {
        let line = &raw[row * (stride + 1)..(row + 1) * (stride + 1)];
        let mut cur = line[1..].to_vec();
        for i in 0..stride {
            let a = if i >= channels {
                cur[i - channels] as i16
            } else {
                0
            };
            let b = prev[i] as i16;
            let c = if i >= channels {
                prev[i - channels] as i16
            } else {
                0
            };
            let add = match line[0] {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                4 => {
                    let p = a + b - c;
                    let (pa, pb, pc) = ((p - a).abs(), (p - b).abs(), (p - c).abs());
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                f => panic!("bad PNG filter {f}"),
            };
            cur[i] = cur[i].wrapping_add(add as u8);
        }
        count += cur.chunks(channels).filter(|px| px[..3] == rgb).count();
        prev = cur;
    }
    count
}

const MAGENTA: [u8; 3] = [255, 0, 255];

// ---------------------------------------------------------------------------------------------
// The tests

/// The transcript page in a real browser, after Discord's attachment link expired and the
/// channel is gone: names, messages, events, the image (painted: its pixels are on the
/// screenshot), local times (the hashed script ran under the CSP), injections inert.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transcript_page_keeps_its_images_after_discord_lost_them() {
    let env = Env::start("browser", |_| {}).await;
    let (log, channel) = env.open_ticket().await;
    let opener = env.opener();
    let png = solid_png(120, 80, MAGENTA);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&png);
    env.client
        .post_message_with(
            channel,
            opener,
            json!({"content": "here is the screenshot <@STAFF>",
                   "attachments": [{"filename": "proof.png", "content_base64": encoded},
                                   {"filename": "notes.txt", "content": "<html><script>alert(1)</script>"}]})
            .to_string()
            .replace("STAFF", &env.g.staff_id.to_string())
            .parse::<Value>()
            .expect("json"),
        )
        .await
        .expect("message with an image");
    for hostile in [
        "<script>document.title='pwned'</script>",
        "<style>body{display:none}</style><img src=x onerror=alert(1)>",
        "abc\u{202E}txt.exe",
    ] {
        env.client
            .post_message(channel, opener, hostile)
            .await
            .expect("posted");
    }
    env.client
        .post_message(channel, env.g.staff_id, "on it")
        .await
        .expect("staff's answer");
    let messages = env
        .client
        .channel_messages(channel)
        .await
        .expect("messages");
    let discord_url = messages
        .iter()
        .find_map(|m| m["attachments"][0]["url"].as_str().map(str::to_owned))
        .expect("the image's CDN URL");
    env.close(channel).await;
    let staff_link = env.staff_link_from_log(log).await;
    let (opener_link, files_too) = env.opener_dm().await;
    assert!(files_too, "a small transcript is still attached");
    assert!(opener_link.contains("/o/") && staff_link.contains("/s/"));

    // Discord's link expires and the channel goes; the page has its own copy.
    let before = env.get(&discord_url).await.0;
    assert_eq!(before, 200, "the CDN served the file before expiry");
    env.client
        .post_cdn_advance(2 * 24 * 3600)
        .await
        .expect("the CDN clock moves");
    assert_eq!(env.get(&discord_url).await.0, 404, "Discord's link expired");
    env.client.delete_channel(channel).await.expect("deleted");

    let dom = browse(&opener_link, &["--dump-dom"]);
    let member_name = "member"; // the seeded members are called member-N
    assert!(dom.contains("Ticket #1 transcript"), "{dom}");
    assert!(dom.contains(member_name), "author names: {dom}");
    assert!(dom.contains("here is the screenshot"), "{dom}");
    assert!(
        !dom.contains("@unknown-user"),
        "the mention resolved to a name: {dom}"
    );
    assert!(
        dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"),
        "{dom}"
    );
    assert!(
        !dom.contains("<title>pwned"),
        "the injected script did not run"
    );
    let staff_color = format!("color:#{:06x}", ticketeer::sim::STAFF_ROLE_COLOR);
    let staff_name = format!("title=\"{}\" style=\"{staff_color}\"", env.g.staff_id);
    assert!(
        dom.contains(&staff_name),
        "staff's name in their role's colour: {dom}"
    );
    let opener_name = format!("title=\"{opener}\"><bdi>");
    assert!(
        dom.contains(&opener_name),
        "no coloured role, no colour: {dom}"
    );
    assert!(dom.contains("opened by"), "events: {dom}");
    assert!(dom.contains("Closed by"), "events: {dom}");
    assert!(
        dom.contains("<img src=\"/t/"),
        "the image is served from here: {dom}"
    );
    assert!(
        !dom.contains(" UTC</time>"),
        "times shown in the viewer's zone: {dom}"
    );
    assert!(
        dom.contains("Your ticket's transcript"),
        "the opener's view"
    );

    // The files come from the store: the image as an image, anything else only as a download.
    let src = dom
        .split("<img src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the image's address");
    let (status, headers, body) = env.get(src).await;
    assert_eq!((status, body), (200, png.clone()), "the kept bytes");
    assert_eq!(headers["content-type"], "image/png");
    let notes = dom
        .split("href=\"")
        .find_map(|s| s.split('"').next().filter(|h| h.contains("/files/")))
        .expect("the text file's link");
    let (status, headers, body) = env.get(notes).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/octet-stream");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"notes.txt\""
    );
    assert_eq!(body, b"<html><script>alert(1)</script>");

    let shot = screenshot(&opener_link, "transcript");
    let painted = count_pixels(&shot, MAGENTA);
    assert!(
        painted >= 120 * 80 / 2,
        "the image was loaded and painted: {painted} px"
    );
    // On a phone-sized screen the image still fits and shows.
    let phone = screenshot_sized(&opener_link, "transcript-phone", "390,844");
    let on_phone = count_pixels(&phone, MAGENTA);
    assert!(
        on_phone >= 120 * 80 / 2,
        "the image on a phone: {on_phone} px"
    );
    let staff_dom = browse(&staff_link, &["--dump-dom"]);
    assert!(staff_dom.contains("Staff view"), "{staff_dom}");
    env.stop().await;
}

/// Tampered → 403, expired → 410, unknown and traversal → 404, each a small page with the
/// security headers; a rotated key refuses every older link.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_links_get_their_pages_and_rotation_kills_old_links() {
    let env = Env::start("links", |_| {}).await;
    let (log, channel) = env.open_ticket().await;
    env.close(channel).await;
    let link = env.staff_link_from_log(log).await;
    let path = link.trim_start_matches(&env.base()).to_owned();
    let (status, headers, body) = env.get(&path).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap_or_default();
    assert!(csp.starts_with("default-src 'none'") && csp.contains("script-src 'sha256-"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");

    // One character of the signature changed.
    let mut tampered = path.clone();
    let last = tampered.pop().map(|c| if c == 'A' { 'B' } else { 'A' });
    tampered.extend(last);
    // A genuine link whose time has passed.
    let key = LinkKey::from_bytes(
        &env.bot
            .store()
            .link_key()
            .await
            .ok()
            .flatten()
            .expect("a key"),
    )
    .expect("a 32-byte key");
    let claims = Claims {
        guild: env.g.guild_id,
        number: 1,
        audience: Audience::Opener,
        expires: link::now_secs() - 1,
    };
    let expired = link::sign(&key, &claims);
    for (path, want, says) in [
        (tampered.as_str(), 403, "not valid"),
        (expired.as_str(), 410, "expired"),
        ("/t/1/2/x/3/abc", 404, "not a transcript link"),
        ("/nothing-here", 404, "no page"),
        ("/t/../../etc/passwd", 404, "Not found"),
        ("/%2e%2e/%2e%2e/etc/passwd", 404, "Not found"),
        (
            &format!("{path}/files/..%2F..%2Fetc%2Fpasswd"),
            404,
            "No such file",
        ),
        (&format!("{path}/files/999"), 404, "No such file"),
    ] {
        let (status, headers, body) = env.get(path).await;
        let body = String::from_utf8_lossy(&body);
        assert_eq!(status, want, "{path}: {body}");
        assert!(body.contains(says), "{path}: {body}");
        assert!(!body.contains("root:"), "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert!(headers.contains_key("content-security-policy"), "{path}");
    }

    // Staff ask again: a fresh staff link.
    let id = env
        .client
        .command(
            env.g.guild_id,
            env.g.general_channel_id,
            env.g.staff_id,
            "tickets",
            json!([{"name": "transcript", "type": 1, "options": [{"name": "number", "type": 4, "value": 1}]}]),
        )
        .await
        .expect("command");
    let fresh = eventually("a fresh staff link", || async {
        let outcome = env.client.wait_interaction(id, 100).await.ok()?;
        env.link_in(outcome.message?["content"].as_str()?)
    })
    .await;
    assert!(fresh.contains("/s/"), "{fresh}");
    assert_eq!(env.get(&fresh).await.0, 200);

    // Rotate (the bot stopped, as `ticketeer keys rotate` requires), start again: 403.
    let Env {
        sim,
        client,
        g,
        bot,
        dir,
        http,
    } = env;
    bot.shutdown().await;
    let said = ticketeer_cli(&["keys", "rotate", "--data-dir", &dir.display().to_string()]);
    assert!(said.contains("link key rotated"), "{said}");
    let mut config = BotConfig::for_simulator(&sim.http_url(), &sim.gateway_url(), dir.clone());
    config.ratelimiter = false;
    config.web = Some(WebConfig::new("127.0.0.1:0".parse().expect("an address")));
    let bot = Bot::start(config).await.expect("bot restarts");
    let env = Env {
        sim,
        client,
        g,
        bot,
        dir,
        http,
    };
    let (status, _, body) = env.get(&path).await;
    assert_eq!(status, 403, "{}", String::from_utf8_lossy(&body));
    env.stop().await;
}

/// `/tickets stats` with `options`, as staff; the link it answers.
async fn stats_link(env: &Env, options: Value) -> String {
    let id = env
        .client
        .command(
            env.g.guild_id,
            env.g.general_channel_id,
            env.g.staff_id,
            "tickets",
            json!([{"name": "stats", "type": 1, "options": options}]),
        )
        .await
        .expect("command");
    eventually("a stats link", || async {
        let outcome = env.client.wait_interaction(id, 100).await.ok()?;
        let text = outcome
            .message
            .or(outcome.response.map(|r| r["data"].clone()))?;
        env.link_in(text["content"].as_str()?)
    })
    .await
}

/// The stats page in a real browser: the counts and the charts, drawn as SVG on the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stats_page_draws_the_counts() {
    let env = Env::start("stats", |_| {}).await;
    let (_, channel) = env.open_ticket().await;
    env.close(channel).await;
    let url = stats_link(&env, json!([])).await;
    assert!(url.contains("/s/"), "{url}");
    let dom = browse(&url, &["--dump-dom"]);
    assert!(
        dom.contains("Tickets per day") && dom.contains("Tickets per topic"),
        "{dom}"
    );
    assert!(
        dom.contains("<td class=\"count\">1</td>"),
        "one closed: {dom}"
    );
    assert!(dom.contains("<rect"), "bars drawn: {dom}");
    let shot = screenshot(&url, "stats");
    assert!(
        count_pixels(&shot, [0x58, 0x65, 0xf2]) > 100,
        "the bars are painted"
    );

    // `period:` narrows the page to tickets opened in it; the ticket above is from today.
    let period = json!([{"name": "period", "type": 3, "value": "day"}]);
    let day = stats_link(&env, period).await;
    assert!(day.ends_with("?period=day"), "{day}");
    let dom = browse(&day, &["--dump-dom"]);
    assert!(dom.contains("Opened in the last 24 hours"), "{dom}");
    assert!(dom.contains("<td class=\"count\">1</td>"), "{dom}");
    env.stop().await;
}

/// `/healthz`, `/readyz` and `/metrics` (Prometheus text) for process managers and scrapers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_metrics() {
    let env = Env::start("metrics", |_| {}).await;
    assert_eq!(env.get("/healthz").await.0, 200);
    let (status, _, body) = env.get("/readyz").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let (_, channel) = env.open_ticket().await;
    env.close(channel).await;
    let (status, headers, body) = env.get("/metrics").await;
    let text = String::from_utf8_lossy(&body);
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/plain")
    );
    assert!(text.contains("ticketeer_tickets_opened_total 1"), "{text}");
    assert!(text.contains("ticketeer_tickets_closed_total 1"), "{text}");
    assert!(text.contains("ticketeer_store_commits_total"), "{text}");
    assert!(
        text.contains("ticketeer_store_commit_seconds_total"),
        "{text}"
    );
    assert!(text.contains("ticketeer_interactions_total"), "{text}");
    let acks: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("ticketeer_ack_seconds_count "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    assert!(
        acks >= 4,
        "every click and command acknowledged and timed: {text}"
    );
    assert!(text.contains("ticketeer_actor_restarts_total 0"), "{text}");
    assert!(
        text.contains("ticketeer_waiting_line 0"),
        "the line drained: {text}"
    );
    // Discord's REST calls by route and status: the category and the ticket's channel.
    assert!(
        text.contains(
            "ticketeer_discord_requests_total{route=\"create_channel\",status=\"201\"} 2"
        ),
        "{text}"
    );
    assert!(
        text.contains("ticketeer_discord_rate_limited_total"),
        "{text}"
    );
    assert!(text.contains("route=\"readyz\",status=\"200\""), "{text}");
    env.stop().await;
}

/// A transcript over Discord's upload limit goes out as a link only, and the page has all of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transcript_too_large_to_upload_is_sent_as_a_link() {
    let env = Env::start("large", |c| {
        c.upload_budget = 2_000;
        if let Some(web) = &mut c.web {
            web.keep.per_file = 100;
        }
    })
    .await;
    let (_, channel) = env.open_ticket().await;
    let big = base64::engine::general_purpose::STANDARD.encode(solid_png(200, 200, MAGENTA));
    env.client
        .post_message_with(
            channel,
            env.opener(),
            json!({"content": "too big to keep", "attachments": [{"filename": "big.png", "content_base64": big}]}),
        )
        .await
        .expect("posted");
    for i in 0..30 {
        env.client
            .post_message(channel, env.opener(), &format!("line {i} of a long story"))
            .await
            .expect("posted");
    }
    env.close(channel).await;
    let (link, files) = env.opener_dm().await;
    assert!(!files, "no cut file: the link has all of it");
    let (status, _, body) = env.get(&link).await;
    let page = String::from_utf8_lossy(&body);
    assert_eq!(status, 200);
    assert!(
        page.contains("line 0 of") && page.contains("line 29 of"),
        "{page}"
    );
    assert!(
        page.contains("big.png") && page.contains("not kept"),
        "{page}"
    );
    assert!(!page.contains("<img"), "no image that was not kept: {page}");
    env.stop().await;
}

/// `ticketeer prune --dry-run` lists, `--retain-transcripts` deletes on its schedule (the first
/// run is at start), and `ticketeer forget-guild` deletes everything of a server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_and_deletion_requests() {
    let env = Env::start("retention", |_| {}).await;
    let (log, channel) = env.open_ticket().await;
    env.close(channel).await;
    let link = env.staff_link_from_log(log).await;
    let path = link.trim_start_matches(&env.base()).to_owned();
    let Env {
        sim,
        client,
        g,
        bot,
        dir,
        http,
    } = env;
    bot.shutdown().await;
    let data_dir = dir.display().to_string();
    let listed = ticketeer_cli(&[
        "prune",
        "--older-than-days",
        "0",
        "--dry-run",
        "--data-dir",
        &data_dir,
    ]);
    assert!(
        listed.contains("ticket #1") && listed.contains("1 transcripts"),
        "{listed}"
    );
    assert!(listed.contains("would go"), "{listed}");

    let mut config = BotConfig::for_simulator(&sim.http_url(), &sim.gateway_url(), dir.clone());
    config.ratelimiter = false;
    config.web = Some(WebConfig::new("127.0.0.1:0".parse().expect("an address")));
    config.retain_transcripts = Some(0);
    let bot = Bot::start(config).await.expect("bot restarts");
    let env = Env {
        sim,
        client,
        g,
        bot,
        dir,
        http,
    };
    eventually("the schedule deleted the transcript", || async {
        let gone = env
            .bot
            .store()
            .transcript(env.g.guild_id, 1)
            .await
            .ok()?
            .is_none();
        gone.then_some(())
    })
    .await;
    let (status, _, _) = env.get(&path).await;
    assert_eq!(status, 404, "the page went with it");
    assert!(
        env.bot
            .store()
            .ticket(env.g.guild_id, 1)
            .await
            .ok()
            .flatten()
            .is_some()
    );

    let guild = env.g.guild_id.to_string();
    let Env { sim, bot, dir, .. } = env;
    bot.shutdown().await;
    let said = ticketeer_cli(&[
        "forget-guild",
        &guild,
        "--data-dir",
        &dir.display().to_string(),
    ]);
    assert!(said.contains("deleted everything"), "{said}");
    let store = ticketeer::store::Store::open(ticketeer::store::StoreConfig {
        path: dir.join("ticketeer.redb"),
        durability: ticketeer::store::Durability::Immediate,
    })
    .expect("the store opens");
    assert!(
        store
            .all_tickets(guild.parse().unwrap_or(0))
            .await
            .expect("read")
            .is_empty()
    );
    store.close().await;
    sim.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// A page is rendered once and then served from memory, but never stale: the document
/// rewritten (a reopened ticket closed again) shows at once, and a deleted one answers 404.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_rendering_never_outlives_its_document() {
    use ticketeer::domain::transcript::{TranscriptDoc, TranscriptMessage};
    use ticketeer::store::WriteOp;
    let env = Env::start("page-cache", |_| {}).await;
    let (log, channel) = env.open_ticket().await;
    env.client
        .post_message(channel, env.opener(), "first words")
        .await
        .expect("posted");
    env.close(channel).await;
    let link = env.staff_link_from_log(log).await;
    for _ in 0..2 {
        let (status, _, body) = env.get(&link).await;
        assert_eq!(status, 200);
        assert!(String::from_utf8_lossy(&body).contains("first words"));
    }
    let store = env.bot.store();
    let mut doc: TranscriptDoc = (store.transcript_page(env.g.guild_id, 1).await)
        .expect("read")
        .expect("a page");
    doc.messages.push(TranscriptMessage {
        id: u64::MAX,
        author_id: env.opener(),
        author_name: "member".into(),
        content: "said after a reopen".into(),
        ..Default::default()
    });
    let page = WriteOp::PutTranscriptPage {
        guild: env.g.guild_id,
        number: 1,
        doc: Box::new(doc),
    };
    store.write(vec![page]).await.expect("rewritten");
    let (_, _, body) = env.get(&link).await;
    assert!(String::from_utf8_lossy(&body).contains("said after a reopen"));
    let gone = WriteOp::DeleteTranscript {
        guild: env.g.guild_id,
        number: 1,
    };
    store.write(vec![gone]).await.expect("deleted");
    assert_eq!(env.get(&link).await.0, 404);
    env.stop().await;
}
