//! Every ticket feature of issue 4, proven end to end: the real bot against the simulator, acting
//! as admin (the guild owner), staff, opener, added user and bystander. Each test names the
//! reference system's defect it guards against where there is one.

use std::{collections::HashSet, path::PathBuf, time::Duration};

use serde_json::{Value, json};
use ticketeer::{
    actors::{Bot, BotConfig},
    domain::{
        custom_id::{self, Action, HubChoice, ManageChoice, SetupChoice, fields},
        model::{ClaimMode, GuildSettings, Priority, TicketState},
    },
    driver::{
        self, channel_from_link, find_action,
        harness::{self, World},
        message_text,
    },
    sim::{
        self, RateLimitMode, SeededGuild, SimConfig, SimHandle,
        client::{Faults, NewMember, PrivilegedSwitches, SimClient},
    },
};

/// Upper bound for any "eventually" condition; generous for a loaded 2-core machine.
const WAIT: Duration = Duration::from_secs(15);

/// Polls `check` until it yields a value or `WAIT` passes.
async fn eventually<T, F, Fut>(what: &str, check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    driver::poll_until(WAIT, check)
        .await
        .unwrap_or_else(|| panic!("timed out waiting for: {what}"))
}

/// One guild with the bot serving it (the shared harness's [`World`]), and the steps the tests
/// here take in it as the owner, staff, members and bystanders.
struct Env {
    world: World,
    g: SeededGuild,
}

impl std::ops::Deref for Env {
    type Target = World;

    fn deref(&self) -> &World {
        &self.world
    }
}

impl Env {
    async fn start(name: &str, members: usize) -> Env {
        Env::launch(name, members, harness::recorded_sim_config(), None).await
    }

    /// `start`, with `--transcript-upload` pointing at `upload`.
    async fn start_with(name: &str, members: usize, upload: Option<String>) -> Env {
        Env::launch(name, members, harness::recorded_sim_config(), upload).await
    }

    /// `start`, with this test's REST exchanges left out of CI's OpenAPI recording: for
    /// messages Discord documents but its published spec does not allow yet (a forward's
    /// `message_reference.type` 1).
    async fn start_unrecorded(name: &str, members: usize) -> Env {
        Env::launch(name, members, harness::sim_config(), None).await
    }

    /// `start` with the application's privileged intents `(message content, server members)`
    /// switched as given (the README asks for both on).
    async fn start_with_intents(
        name: &str,
        members: usize,
        (message_content, server_members): (bool, bool),
    ) -> Env {
        let sim = SimConfig {
            message_content,
            server_members,
            ..harness::recorded_sim_config()
        };
        Env::launch(name, members, sim, None).await
    }

    async fn launch(name: &str, members: usize, sim: SimConfig, upload: Option<String>) -> Env {
        let world = World::launch(&format!("features-{name}"))
            .sim(sim)
            .guild(members)
            .bot(|config| config.transcript_upload = upload)
            .start()
            .await
            .expect("simulator and bot start");
        let g = world.guild().clone();
        Env { world, g }
    }

    async fn stop(self) {
        self.world.stop().await;
    }

    fn owner(&self) -> u64 {
        self.g.owner_id
    }

    /// Stops the bot and starts it again on the same data file (a clean restart).
    async fn restart(self) -> Env {
        self.restart_with(|_| {}).await
    }

    /// [`Self::restart`], with the configuration changed by `change`.
    async fn restart_with(self, change: impl FnOnce(&mut BotConfig)) -> Env {
        let world = self
            .world
            .restart_with(change)
            .await
            .expect("bot restarts and becomes ready");
        Env { world, g: self.g }
    }

    /// The stored transcript `(html, text)` of ticket `number`.
    async fn transcript(&self, number: u64) -> (String, String) {
        self.bot
            .store()
            .transcript(self.g.guild_id, number)
            .await
            .expect("store readable")
            .expect("a transcript")
    }

    /// A raw REST call as the bot: how a test changes Discord as an admin with Manage Roles
    /// would (the control API has no route for each such edit). Returns the status.
    async fn rest_as_bot(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> u16 {
        let mut request = reqwest::Client::new()
            .request(method, format!("{}/api/v10{path}", self.sim.http_url()))
            .header("authorization", "Bot test");
        if let Some(body) = body {
            request = request.json(&body);
        }
        request
            .send()
            .await
            .expect("REST request")
            .status()
            .as_u16()
    }

    /// A member opening a ticket in a guild with staff, a log channel and a panel:
    /// `(log channel, panel, member, ticket channel)`.
    async fn with_open_ticket(&self) -> (u64, u64, u64, u64) {
        self.set_staff().await;
        let log = self.set_log_channel().await;
        let panel = self.panel_via_hub(self.general(), "Support").await;
        let member = self.g.member_ids[0];
        let channel = self.open_ticket(panel, member).await;
        (log, panel, member, channel)
    }

    /// `user` presses the first live Close in `channel`; returns the answer once it says closed.
    async fn close(&self, channel: u64, user: u64) -> String {
        let id = self
            .click_in(channel, user, |a| matches!(a, Action::Close { .. }))
            .await;
        self.answer_containing(id, "closed").await
    }

    /// Every button in `channel`, oldest message first: `(message, action, enabled)`.
    async fn buttons(&self, channel: u64) -> Vec<(u64, Action, bool)> {
        let messages = self
            .client
            .channel_messages(channel)
            .await
            .expect("messages");
        driver::buttons(&messages)
    }

    /// The message offering `action` (enabled or not) most recently.
    async fn last_message_with(&self, channel: u64, action: Action) -> u64 {
        let buttons = self.buttons(channel).await;
        buttons
            .iter()
            .rev()
            .find(|(_, a, _)| *a == action)
            .map(|(m, _, _)| *m)
            .unwrap_or_else(|| panic!("no {action:?} button in {buttons:?}"))
    }

    /// Waits until no button of `message` can be pressed any more.
    async fn wait_retired(&self, channel: u64, message: u64) {
        eventually(&format!("the buttons of {message} disabled"), || async {
            let buttons = self.buttons(channel).await;
            let live = buttons
                .iter()
                .any(|(m, _, enabled)| *m == message && *enabled);
            (!live).then_some(())
        })
        .await
    }

    /// Presses the buttons `(message, action)` as `user` in one batch, so the bot receives them
    /// all before it answers any (as when two people press at once); returns the answers.
    async fn press_together(
        &self,
        channel: u64,
        user: u64,
        presses: &[(u64, Action)],
    ) -> Vec<String> {
        let bodies: Vec<Value> = presses
            .iter()
            .map(|(message, action)| {
                SimClient::click_body(
                    self.g.guild_id,
                    channel,
                    user,
                    *message,
                    &custom_id::encode(action),
                )
            })
            .collect();
        let ids = self.client.interaction_batch(&bodies).await.expect("batch");
        let mut answers = Vec::new();
        for id in ids {
            answers.push(self.answer(id.expect("click accepted")).await);
        }
        answers
    }

    fn general(&self) -> u64 {
        self.g.general_channel_id
    }

    async fn settings(&self) -> GuildSettings {
        self.bot
            .store()
            .load_guild(self.g.guild_id)
            .await
            .expect("store readable")
            .settings
    }

    /// The text of the interaction's message once it contains `needle`.
    async fn answer_containing(&self, id: u64, needle: &str) -> String {
        driver::answer_containing(&self.client, id, needle)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// The first non-empty text of the interaction's message.
    async fn answer(&self, id: u64) -> String {
        driver::answer(&self.client, id)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .1
    }

    /// The message id the interaction's response created or updated.
    async fn response_message(&self, id: u64) -> u64 {
        driver::response_message(&self.client, id)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Waits until the interaction was answered with a modal.
    async fn expect_modal(&self, id: u64) -> Value {
        driver::modal(&self.client, id)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// `/ticket menu` in `channel` as `user`; returns the hub message.
    async fn hub(&self, user: u64, channel: u64) -> u64 {
        driver::menu(&self.client, self.g.guild_id, channel, user)
            .await
            .expect("the hub shown")
    }

    async fn select(
        &self,
        user: u64,
        channel: u64,
        message: u64,
        action: &Action,
        values: &[String],
    ) -> u64 {
        self.client
            .select(
                self.g.guild_id,
                channel,
                user,
                message,
                &custom_id::encode(action),
                values,
            )
            .await
            .expect("select accepted")
    }

    /// Hub → Setup → `choice`, as the owner in #general; returns (hub message, choice interaction).
    async fn setup(&self, choice: SetupChoice) -> (u64, u64) {
        driver::open_setup(&self.client, &self.g, choice)
            .await
            .expect("setup page shown")
    }

    /// Hub → Manage → `choice`, as `user` in `channel`; returns (hub message, choice interaction).
    async fn manage(&self, user: u64, channel: u64, choice: ManageChoice) -> (u64, u64) {
        let hub = self.hub(user, channel).await;
        let id = self
            .select(
                user,
                channel,
                hub,
                &Action::HubMenu,
                &[HubChoice::Manage.as_str().into()],
            )
            .await;
        self.response_message(id).await;
        let id = self
            .select(
                user,
                channel,
                hub,
                &Action::ManageMenu,
                &[choice.as_str().into()],
            )
            .await;
        (hub, id)
    }

    /// Adds (`add`) or removes `users` on ticket `ticket` through Manage in `channel`, as `by`;
    /// returns the select's interaction id.
    async fn change_people(
        &self,
        by: u64,
        channel: u64,
        ticket: u64,
        add: bool,
        users: &[u64],
    ) -> u64 {
        let choice = if add {
            ManageChoice::AddUser
        } else {
            ManageChoice::RemoveUser
        };
        let (hub, id) = self.manage(by, channel, choice).await;
        self.response_message(id).await;
        let action = if add {
            Action::AddUserSelect { ticket }
        } else {
            Action::RemoveUserSelect { ticket }
        };
        let values: Vec<String> = users.iter().map(u64::to_string).collect();
        self.select(by, channel, hub, &action, &values).await
    }

    async fn submit(
        &self,
        user: u64,
        channel: u64,
        action: &Action,
        values: &[(&str, &str)],
    ) -> u64 {
        self.client
            .submit_modal(
                self.g.guild_id,
                channel,
                user,
                &custom_id::encode(action),
                values,
            )
            .await
            .expect("modal submit accepted")
    }

    async fn set_staff(&self) {
        driver::configure_staff(&self.client, &self.g)
            .await
            .expect("staff roles saved");
    }

    async fn set_log_channel(&self) -> u64 {
        let log = driver::set_log_channel(&self.client, &self.g)
            .await
            .expect("log channel set");
        assert_eq!(self.settings().await.log_channel, Some(log));
        log
    }

    /// Setup → `list` (Edit or Remove a panel), then `panel` picked in it with `action`:
    /// `(hub message, the pick's interaction)`. The list is shown once each panel was
    /// checked against Discord, so the pick waits for it.
    async fn pick_panel(&self, list: SetupChoice, action: Action, panel: u64) -> (u64, u64) {
        let (hub, id) = self.setup(list).await;
        self.answer_containing(id, "panel").await;
        let (owner, general) = (self.owner(), self.general());
        let pick = self
            .select(owner, general, hub, &action, &[panel.to_string()])
            .await;
        (hub, pick)
    }

    /// Setup → Panel → channel select → modal; returns the panel message id.
    async fn panel_via_hub(&self, channel: u64, title: &str) -> u64 {
        let (hub, id) = self.setup(SetupChoice::Panel).await;
        self.response_message(id).await;
        let id = self
            .select(
                self.owner(),
                self.general(),
                hub,
                &Action::PanelChannelSelect,
                &[channel.to_string()],
            )
            .await;
        self.expect_modal(id).await;
        let id = self
            .submit(
                self.owner(),
                self.general(),
                &Action::PanelModal { channel },
                &[
                    (fields::PANEL_TITLE, title),
                    (fields::PANEL_DESCRIPTION, "Click to talk to us"),
                    (fields::PANEL_FOOTER, "footer text"),
                ],
            )
            .await;
        self.answer_containing(id, "Panel posted").await;
        let messages = self
            .client
            .channel_messages(channel)
            .await
            .expect("messages");
        let panel = messages
            .iter()
            .rev()
            .find(|m| m["embeds"][0]["title"].as_str() == Some(title))
            .expect("panel message with the title");
        let panel_id: u64 = panel["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("id");
        assert!(
            find_action(std::slice::from_ref(panel), |a| *a == Action::OpenTicket).is_some(),
            "panel has an Open button: {panel}"
        );
        panel_id
    }

    async fn set_limits(&self, per_member: &str, per_guild: &str) -> String {
        driver::set_limits(&self.client, &self.g, per_member, per_guild)
            .await
            .expect("limits answered")
    }

    async fn add_topic(&self, name: &str) -> String {
        driver::add_topic(&self.client, &self.g, name)
            .await
            .expect("topic answered")
    }

    /// Clicks Open on `panel` as `member`; returns the interaction id.
    async fn click_open(&self, panel: u64, member: u64) -> u64 {
        driver::click_panel(&self.client, &self.g, panel, member)
            .await
            .expect("click accepted")
    }

    /// Opens a ticket (no topics configured); returns its channel.
    async fn open_ticket(&self, panel: u64, member: u64) -> u64 {
        let id = self.click_open(panel, member).await;
        let text = self.answer_containing(id, "is open").await;
        channel_from_link(&text).unwrap_or_else(|| panic!("no link: {text}"))
    }

    /// An answer that either opened a ticket or said why not.
    async fn open_outcome(&self, panel: u64, member: u64) -> String {
        let id = self.click_open(panel, member).await;
        self.answer(id).await
    }

    /// Clicks the button matching `wanted` in `channel` as `user`; returns the interaction id.
    async fn click_in(&self, channel: u64, user: u64, wanted: impl Fn(&Action) -> bool) -> u64 {
        let messages = self
            .client
            .channel_messages(channel)
            .await
            .expect("messages");
        let (message, custom_id) = find_action(&messages, wanted).expect("such a button");
        self.client
            .click(self.g.guild_id, channel, user, message, &custom_id)
            .await
            .expect("click accepted")
    }

    async fn record(&self, number: u64) -> ticketeer::domain::model::TicketRecord {
        self.bot
            .store()
            .ticket(self.g.guild_id, number)
            .await
            .expect("store")
            .expect("record exists")
    }

    async fn wait_state(&self, number: u64, state: TicketState) {
        eventually(&format!("ticket {number} {state:?}"), || async {
            let r = self
                .bot
                .store()
                .ticket(self.g.guild_id, number)
                .await
                .ok()??;
            (r.state == state).then_some(())
        })
        .await
    }

    async fn can_view(&self, channel: u64, user: u64) -> bool {
        self.client
            .permissions(channel, user)
            .await
            .expect("permissions")
            .view_channel
    }

    /// Titles of the embeds posted in `channel`, oldest first.
    async fn embed_titles(&self, channel: u64) -> Vec<String> {
        self.client
            .channel_messages(channel)
            .await
            .expect("messages")
            .iter()
            // Log entries are batched, up to 10 embeds per message.
            .flat_map(|m| m["embeds"].as_array().cloned().unwrap_or_default())
            .filter_map(|e| e["title"].as_str().map(str::to_owned))
            .collect()
    }

    async fn wait_embed(&self, channel: u64, title: &str, count: usize) {
        eventually(&format!("{count} × {title:?} in {channel}"), || async {
            let n = self
                .embed_titles(channel)
                .await
                .iter()
                .filter(|t| *t == title)
                .count();
            (n >= count).then_some(())
        })
        .await
    }

    async fn channel(&self, id: u64) -> Option<Value> {
        self.client
            .guild_channels(self.g.guild_id)
            .await
            .expect("channels")
            .into_iter()
            .find(|c| c["id"].as_str().and_then(|s| s.parse::<u64>().ok()) == Some(id))
    }
}

fn id_of(v: &Value) -> u64 {
    v.as_str().and_then(|s| s.parse().ok()).unwrap_or(0)
}

fn ticket_names(channels: &[Value]) -> Vec<String> {
    let mut names: Vec<String> = channels
        .iter()
        .filter_map(|c| c["name"].as_str())
        .filter(|n| n.starts_with("ticket-") && *n != "ticket-log")
        .map(str::to_owned)
        .collect();
    names.sort();
    names
}

/// Panel through the hub, the log channel, and every ticket event logged there as an embed;
/// add/remove through the manage menu; close with a reason; panel removal.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn panel_log_channel_and_every_event_logged() {
    let env = Env::start("log", 4).await;
    env.set_staff().await;
    let log = env.set_log_channel().await;
    assert!(env.settings().await.tickets_category.is_none());
    let panel = env.panel_via_hub(env.general(), "Help desk").await;
    let settings = env.settings().await;
    let category = settings
        .tickets_category
        .expect("the panel created the tickets category");
    assert_eq!(settings.panels.len(), 1);
    assert_eq!(settings.panels[0].message, panel);
    let cat = env.channel(category).await.expect("category exists");
    assert_eq!(cat["type"], 4);

    let opener = env.g.member_ids[0];
    let helper = env.g.member_ids[1];
    let channel = env.open_ticket(panel, opener).await;
    assert_eq!(
        env.channel(channel).await.map(|c| id_of(&c["parent_id"])),
        Some(category),
        "ticket under the tickets category"
    );
    env.wait_embed(log, "Ticket opened", 1).await;

    // Add a member through Manage, inside the ticket channel, as an admin (`/ticket` needs
    // Manage Server unless the server overrides the command's permissions).
    let staff = env.g.staff_id;
    let admin = env.owner();
    assert!(!env.can_view(channel, helper).await);
    let id = env.change_people(admin, channel, 1, true, &[helper]).await;
    env.answer_containing(id, "added").await;
    assert!(
        env.can_view(channel, helper).await,
        "added user sees the ticket"
    );
    env.wait_embed(log, "User added", 1).await;

    let id = env.change_people(admin, channel, 1, false, &[helper]).await;
    env.answer_containing(id, "removed").await;
    assert!(
        !env.can_view(channel, helper).await,
        "removal deletes the member's access"
    );
    env.wait_embed(log, "User removed", 1).await;

    // Manage outside a ticket channel: a clear message.
    let (_, id) = env
        .manage(admin, env.general(), ManageChoice::AddUser)
        .await;
    env.answer_containing(id, "inside a ticket channel").await;

    // Close with a reason (modal), as the opener.
    let id = env
        .click_in(channel, opener, |a| {
            matches!(a, Action::CloseWithReason { ticket: 1 })
        })
        .await;
    env.expect_modal(id).await;
    let id = env
        .submit(
            opener,
            channel,
            &Action::CloseReasonModal { ticket: 1 },
            &[(fields::CLOSE_REASON, "solved, thanks")],
        )
        .await;
    env.answer_containing(id, "closed").await;
    let record = env.record(1).await;
    assert_eq!(record.state, TicketState::Closed);
    assert_eq!(record.close_reason.as_deref(), Some("solved, thanks"));
    env.wait_embed(log, "Ticket closed", 1).await;
    let messages = env.client.channel_messages(log).await.unwrap();
    let closed_log = messages
        .iter()
        .find(|m| m["embeds"][0]["title"] == "Ticket closed")
        .unwrap();
    assert!(
        closed_log["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .contains("solved, thanks")
    );

    let id = env
        .click_in(channel, staff, |a| {
            matches!(a, Action::Delete { ticket: 1 })
        })
        .await;
    env.answer_containing(id, "deleted").await;
    env.wait_embed(log, "Ticket deleted", 1).await;
    assert!(env.channel(channel).await.is_none());

    // Panel removal: the message goes, the setting forgets it.
    let (_, id) = env
        .pick_panel(SetupChoice::PanelRemove, Action::PanelRemoveSelect, panel)
        .await;
    env.answer_containing(id, "Panel removed").await;
    assert!(env.settings().await.panels.is_empty());
    let general = env.client.channel_messages(env.general()).await.unwrap();
    assert!(
        general.iter().all(|m| id_of(&m["id"]) != panel),
        "panel message deleted"
    );

    // A bystander cannot reach Setup.
    let bystander = env.g.member_ids[2];
    let id = env
        .client
        .command(
            env.g.guild_id,
            env.general(),
            bystander,
            "ticket",
            json!([{"name": "menu", "type": 1, "options": []}]),
        )
        .await;
    assert!(id.is_err(), "Discord refuses /ticket without Manage Server");
    env.stop().await;
}

/// Limits: saved and enforced exactly (no off-by-one, closed tickets don't count); bad values
/// refused with a clear message and the settings unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn limits_are_validated_and_enforced_exactly() {
    let env = Env::start("limits", 5).await;
    env.set_staff().await;
    let panel = env.panel_via_hub(env.general(), "Support").await;

    let text = env.set_limits("2", "3").await;
    assert!(text.contains("Limits saved"), "{text}");
    let s = env.settings().await;
    assert_eq!((s.per_member_limit, s.per_guild_limit), (2, 3));

    for (m, g) in [
        ("abc", "3"),
        ("0", "3"),
        ("-1", "3"),
        ("2", "999"),
        ("2", "0"),
        ("1.5", "3"),
        ("2", "501"),
        ("101", "5"),
    ] {
        let text = env.set_limits(m, g).await;
        assert!(
            text.contains("not changed") && text.contains("must be"),
            "{m:?}/{g:?}: {text}"
        );
        let s = env.settings().await;
        assert_eq!(
            (s.per_member_limit, s.per_guild_limit),
            (2, 3),
            "{m:?}/{g:?} changed settings"
        );
    }

    let [a, b, c, ..] = env.g.member_ids[..] else {
        panic!("members")
    };
    let a1 = env.open_ticket(panel, a).await;
    // Once the first ticket is open a member's next click is a new request, not a double click
    // (the guild hears of the open before the member sees its link), so the limit decides: a
    // second ticket for the same member is allowed (limit 2), a third is not.
    env.open_ticket(panel, a).await;
    let third = env.open_outcome(panel, a).await;
    assert!(
        channel_from_link(&third).is_none() && third.contains('2'),
        "third refused: {third}"
    );

    env.open_ticket(panel, b).await;
    let over = env.open_outcome(panel, c).await;
    assert!(
        channel_from_link(&over).is_none(),
        "server limit 3 → 4th refused: {over}"
    );
    assert!(over.contains('3'), "{over}");

    // Closed tickets do not count.
    let id = env
        .click_in(a1, a, |x| matches!(x, Action::Close { .. }))
        .await;
    env.answer_containing(id, "closed").await;
    let now = env.open_outcome(panel, c).await;
    assert!(
        channel_from_link(&now).is_some(),
        "a closed ticket frees a slot: {now}"
    );
    let names = ticket_names(&env.client.guild_channels(env.g.guild_id).await.unwrap());
    assert_eq!(names.len(), 4);
    env.stop().await;
}

/// Defect: staff roles added later were never applied to existing categories or tickets.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn staff_roles_set_later_reach_existing_categories_and_tickets() {
    let env = Env::start("staff", 3).await;
    let panel = env.panel_via_hub(env.general(), "Support").await;
    let opener = env.g.member_ids[0];
    let open = env.open_ticket(panel, opener).await;
    let other = env.open_ticket(panel, env.g.member_ids[1]).await;
    let id = env
        .click_in(other, env.g.member_ids[1], |a| {
            matches!(a, Action::Close { .. })
        })
        .await;
    env.answer_containing(id, "closed").await;
    let category = env.settings().await.tickets_category.unwrap();
    let staff = env.g.staff_id;
    assert!(!env.can_view(open, staff).await);
    assert!(!env.can_view(category, staff).await);

    env.set_staff().await;
    eventually("staff sees the open ticket", || async {
        env.can_view(open, staff).await.then_some(())
    })
    .await;
    eventually("staff sees the closed ticket", || async {
        env.can_view(other, staff).await.then_some(())
    })
    .await;
    eventually("staff sees the category", || async {
        env.can_view(category, staff).await.then_some(())
    })
    .await;
    // The opener keeps access to the open ticket; the closed one stays locked for its opener.
    assert!(env.can_view(open, opener).await);
    assert!(!env.can_view(other, env.g.member_ids[1]).await);
    // Staff can now act: close the open ticket.
    let id = env
        .click_in(open, staff, |a| matches!(a, Action::Close { .. }))
        .await;
    env.answer_containing(id, "closed").await;
    env.stop().await;
}

/// Topics: a name with ':' works, list, more than 25 page, remove moves open tickets to the
/// default category first.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn topics_add_list_page_and_remove() {
    let env = Env::start("topics", 3).await;
    env.set_staff().await;
    let panel = env.panel_via_hub(env.general(), "Support").await;
    let text = env.add_topic("Billing: refunds").await;
    assert!(text.contains("added"), "{text}");
    let dup = env.add_topic("billing: REFUNDS").await;
    assert!(
        dup.contains("No topic"),
        "duplicate ignoring case refused: {dup}"
    );
    let blank = env.add_topic("   ").await;
    assert!(blank.contains("No topic"), "{blank}");
    let topics = env.settings().await.topics;
    assert_eq!(topics.len(), 1);
    let billing = topics[0].clone();
    let billing_category = billing.category.expect("topic category");
    assert!(env.channel(billing_category).await.is_some());

    // A member picks the topic; the ticket lands in its category.
    let opener = env.g.member_ids[0];
    let id = env.click_open(panel, opener).await;
    let picker = env.response_message(id).await;
    let id = env
        .select(
            opener,
            env.general(),
            picker,
            &Action::PickTopic { opener },
            &[billing.id.to_string()],
        )
        .await;
    let text = env.answer_containing(id, "is open").await;
    let billing_ticket = channel_from_link(&text).unwrap();
    assert_eq!(
        env.channel(billing_ticket)
            .await
            .map(|c| id_of(&c["parent_id"])),
        Some(billing_category)
    );
    assert_eq!(env.record(1).await.topic, Some(billing.id));

    // 29 more: 30 topics in all.
    for i in 0..29 {
        let text = env.add_topic(&format!("topic {i:02}")).await;
        assert!(text.contains("added"), "{text}");
    }
    assert_eq!(env.settings().await.topics.len(), 30);

    // The list pages.
    let (hub, id) = env.setup(SetupChoice::TopicList).await;
    let first = env.answer_containing(id, "page 1 of 2").await;
    assert!(first.contains("Billing: refunds"), "{first}");
    let id = env
        .client
        .click(
            env.g.guild_id,
            env.general(),
            env.owner(),
            hub,
            &custom_id::encode(&Action::TopicList { page: 1 }),
        )
        .await
        .unwrap();
    let second = env.answer_containing(id, "page 2 of 2").await;
    assert!(second.contains("topic 28"), "{second}");

    // Opening with 30 topics: page 1 has 25, Next shows the rest, a page-2 topic opens.
    let member = env.g.member_ids[1];
    let id = env.click_open(panel, member).await;
    let picker = env.response_message(id).await;
    let outcome = env.client.wait_interaction(id, 100).await.unwrap();
    let components = outcome.message.unwrap()["components"].clone();
    let options = components[0]["components"][0]["options"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(options, 25);
    let id = env
        .client
        .click(
            env.g.guild_id,
            env.general(),
            member,
            picker,
            &custom_id::encode(&Action::TopicPage {
                opener: member,
                page: 1,
            }),
        )
        .await
        .unwrap();
    env.response_message(id).await;
    let outcome = env.client.wait_interaction(id, 100).await.unwrap();
    let page2 = outcome.message.unwrap()["components"][0]["components"][0]["options"].clone();
    let page2 = page2.as_array().unwrap();
    assert_eq!(page2.len(), 5, "{page2:?}");
    let last = page2.last().unwrap()["value"].as_str().unwrap().to_owned();
    let id = env
        .select(
            member,
            env.general(),
            picker,
            &Action::PickTopic { opener: member },
            std::slice::from_ref(&last),
        )
        .await;
    let text = env.answer_containing(id, "is open").await;
    assert!(channel_from_link(&text).is_some());
    assert_eq!(env.record(2).await.topic, last.parse().ok());

    // Remove the billing topic: its open ticket moves to the default category first.
    let (hub, id) = env.setup(SetupChoice::TopicRemove).await;
    env.response_message(id).await;
    let id = env
        .select(
            env.owner(),
            env.general(),
            hub,
            &Action::TopicRemoveSelect { page: 0 },
            &[billing.id.to_string()],
        )
        .await;
    env.answer_containing(id, "Remove topic").await;
    let id = env
        .client
        .click(
            env.g.guild_id,
            env.general(),
            env.owner(),
            hub,
            &custom_id::encode(&Action::TopicRemoveConfirm { topic: billing.id }),
        )
        .await
        .unwrap();
    env.answer_containing(id, "removed").await;
    let settings = env.settings().await;
    assert_eq!(settings.topics.len(), 29);
    assert!(settings.topics.iter().all(|t| t.id != billing.id));
    let moved = env
        .channel(billing_ticket)
        .await
        .expect("ticket channel kept");
    assert_eq!(
        id_of(&moved["parent_id"]),
        settings.tickets_category.unwrap(),
        "moved to default"
    );
    assert!(
        env.channel(billing_category).await.is_none(),
        "topic category deleted"
    );
    assert!(
        env.can_view(billing_ticket, opener).await,
        "still usable by its opener"
    );
    env.stop().await;
}

/// Defect: two members opening with topics at once could get each other's topic; a topic
/// select is answered only for its opener.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn topic_select_belongs_to_its_opener() {
    let env = Env::start("topic-owner", 3).await;
    let panel = env.panel_via_hub(env.general(), "Support").await;
    env.add_topic("Alpha").await;
    env.add_topic("Beta").await;
    let topics = env.settings().await.topics;
    let (alpha, beta) = (topics[0].clone(), topics[1].clone());
    let [a, b, ..] = env.g.member_ids[..] else {
        panic!("members")
    };

    let (ia, ib) = tokio::join!(env.click_open(panel, a), env.click_open(panel, b));
    let (pa, pb) = tokio::join!(env.response_message(ia), env.response_message(ib));

    // B uses A's select: Discord refuses (ephemeral) or the bot does; no ticket either way.
    let forged = env
        .client
        .select(
            env.g.guild_id,
            env.general(),
            b,
            pa,
            &custom_id::encode(&Action::PickTopic { opener: a }),
            &[beta.id.to_string()],
        )
        .await;
    if let Ok(id) = forged {
        let text = env.answer_containing(id, "someone else").await;
        assert!(channel_from_link(&text).is_none());
    }
    let forged = env
        .client
        .select(
            env.g.guild_id,
            env.general(),
            b,
            pb,
            &custom_id::encode(&Action::PickTopic { opener: a }),
            &[beta.id.to_string()],
        )
        .await;
    if let Ok(id) = forged {
        let text = env.answer_containing(id, "someone else").await;
        assert!(channel_from_link(&text).is_none());
    }
    assert!(
        env.bot
            .store()
            .all_tickets(env.g.guild_id)
            .await
            .unwrap()
            .is_empty()
    );

    // Both pick at once, each their own topic.
    let (pick_a, pick_b) = (
        Action::PickTopic { opener: a },
        Action::PickTopic { opener: b },
    );
    let (va, vb) = ([alpha.id.to_string()], [beta.id.to_string()]);
    let (sa, sb) = tokio::join!(
        env.select(a, env.general(), pa, &pick_a, &va),
        env.select(b, env.general(), pb, &pick_b, &vb),
    );
    let (ta, tb) = tokio::join!(
        env.answer_containing(sa, "is open"),
        env.answer_containing(sb, "is open")
    );
    let (ca, cb) = (
        channel_from_link(&ta).unwrap(),
        channel_from_link(&tb).unwrap(),
    );
    let records = env.bot.store().all_tickets(env.g.guild_id).await.unwrap();
    assert_eq!(records.len(), 2);
    for r in &records {
        let (topic, channel) = if r.opener == a {
            (alpha.id, ca)
        } else {
            (beta.id, cb)
        };
        assert_eq!(r.topic, Some(topic), "{r:?}");
        assert_eq!(r.channel, Some(channel));
    }
    assert_eq!(
        env.channel(ca).await.map(|c| id_of(&c["parent_id"])),
        alpha.category
    );
    assert_eq!(
        env.channel(cb).await.map(|c| id_of(&c["parent_id"])),
        beta.category
    );
    env.stop().await;
}

/// Defect: only the last 50 messages went into the transcript. Also: HTML is escaped, the
/// transcript is attached in the log channel and returned later by `/ticket transcript`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn transcript_holds_every_message_and_escapes_html() {
    let env = Env::start("transcript", 2).await;
    env.set_staff().await;
    let log = env.set_log_channel().await;
    let panel = env.panel_via_hub(env.general(), "Support").await;
    let opener = env.g.member_ids[0];
    let channel = env.open_ticket(panel, opener).await;
    env.client
        .post_message(channel, opener, "FIRST-MARKER hello")
        .await
        .unwrap();
    env.client
        .post_message(channel, opener, "<script>alert('x')</script>")
        .await
        .unwrap();
    for i in 0..117 {
        let who = if i % 2 == 0 { opener } else { env.g.staff_id };
        env.client
            .post_message(channel, who, &format!("message {i}"))
            .await
            .unwrap();
    }
    env.client
        .post_message(channel, env.g.staff_id, "LAST-MARKER bye")
        .await
        .unwrap();

    let id = env
        .click_in(channel, env.g.staff_id, |a| {
            matches!(a, Action::Close { ticket: 1 })
        })
        .await;
    env.answer_containing(id, "closed").await;
    env.wait_embed(log, "Ticket closed", 1).await;
    let messages = env.client.channel_messages(log).await.unwrap();
    let closed = messages
        .iter()
        .find(|m| m["embeds"][0]["title"] == "Ticket closed")
        .unwrap();
    let attachments = closed["attachments"].as_array().expect("attachments");
    let file = |ext: &str| {
        attachments
            .iter()
            .find(|a| a["filename"].as_str().is_some_and(|f| f.ends_with(ext)))
            .map(|a| id_of(&a["id"]))
            .unwrap_or_else(|| panic!("a {ext} transcript: {attachments:?}"))
    };
    let text = String::from_utf8(env.client.attachment(file(".txt")).await.unwrap()).unwrap();
    let html = String::from_utf8(env.client.attachment(file(".html")).await.unwrap()).unwrap();
    for body in [&text, &html] {
        assert!(body.contains("FIRST-MARKER"), "first message in transcript");
        assert!(body.contains("LAST-MARKER"), "last message in transcript");
        assert!(body.contains("message 0") && body.contains("message 116"));
    }
    assert!(!html.contains("<script>alert"), "HTML escaped");
    assert!(html.contains("&lt;script&gt;"), "escaped script is shown");

    // The opener got it by DM too.
    let dms = env.client.dms(opener).await.unwrap();
    assert!(
        dms.iter()
            .any(|m| m["attachments"].as_array().is_some_and(|a| !a.is_empty()))
    );

    // A member whose privacy settings refuse DMs: the close still completes and is logged.
    let private = env
        .client
        .add_member_with(
            env.g.guild_id,
            &NewMember {
                username: "private".into(),
                dms_open: false,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let private_channel = env.open_ticket(panel, private).await;
    let id = env
        .click_in(private_channel, private, |a| {
            matches!(a, Action::Close { ticket: 2 })
        })
        .await;
    env.answer_containing(id, "closed").await;
    env.wait_embed(log, "Ticket closed", 2).await;
    assert_eq!(env.record(2).await.state, TicketState::Closed);
    assert!(env.client.dms(private).await.unwrap().is_empty());

    // Later, an admin asks for it again.
    let id = env
        .client
        .command(
            env.g.guild_id,
            env.general(),
            env.owner(),
            "ticket",
            json!([{"name": "transcript", "type": 1, "options": [{"name": "number", "type": 4, "value": 1}]}]),
        )
        .await
        .unwrap();
    let files = eventually("transcript returned", || async {
        let outcome = env.client.wait_interaction(id, 100).await.ok()?;
        let m = outcome.message?;
        let files = m["attachments"].as_array()?.clone();
        (!files.is_empty()).then_some(files)
    })
    .await;
    let txt = files
        .iter()
        .find(|a| a["filename"].as_str().is_some_and(|f| f.ends_with(".txt")))
        .unwrap();
    let again = String::from_utf8(env.client.attachment(id_of(&txt["id"])).await.unwrap()).unwrap();
    assert!(again.contains("FIRST-MARKER") && again.contains("LAST-MARKER"));
    env.stop().await;
}

/// Defect: close-all re-closed already closed tickets (second transcripts and DMs). Also add
/// (bots skipped) / remove, and reopen restoring access.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn close_all_add_remove_and_reopen() {
    let env = Env::start("close-all", 4).await;
    env.set_staff().await;
    let log = env.set_log_channel().await;
    let panel = env.panel_via_hub(env.general(), "Support").await;
    let [a, b, c, helper] = env.g.member_ids[..] else {
        panic!("members")
    };
    let bot_user = env
        .client
        .add_member_with(
            env.g.guild_id,
            &NewMember {
                username: "some-bot".into(),
                bot: true,
                dms_open: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let ca = env.open_ticket(panel, a).await;
    let cb = env.open_ticket(panel, b).await;
    let cc = env.open_ticket(panel, c).await;

    // Add a member and a bot to ticket 1: the bot is skipped.
    let id = env
        .change_people(env.owner(), ca, 1, true, &[helper, bot_user])
        .await;
    let text = env.answer_containing(id, "added").await;
    assert!(env.can_view(ca, helper).await);
    assert!(
        !env.can_view(ca, bot_user).await,
        "bots are skipped: {text}"
    );
    assert_eq!(env.record(1).await.participants, vec![helper]);

    // Close ticket 2 by hand, then close all: 2 closed, ticket 2 untouched.
    let id = env
        .click_in(cb, b, |x| matches!(x, Action::Close { .. }))
        .await;
    env.answer_containing(id, "closed").await;
    let (hub, id) = env
        .manage(env.owner(), env.general(), ManageChoice::CloseAll)
        .await;
    env.answer_containing(id, "Close all 2 open tickets").await;
    // Discord slowed down: each close (transcript, overwrites, messages) takes over a second, so
    // the admin is told the progress before the summary.
    let slow = Faults {
        latency_ms: 300,
        ..Default::default()
    };
    env.client.set_faults(&slow).await.unwrap();
    let id = env
        .client
        .click(
            env.g.guild_id,
            env.general(),
            env.owner(),
            hub,
            &custom_id::encode(&Action::CloseAllConfirm),
        )
        .await
        .unwrap();
    let summary = env.answer_containing(id, " of 2 open tickets.").await;
    assert!(summary.contains("Closed 2 of 2"), "{summary}");
    env.client.set_faults(&Faults::default()).await.unwrap();
    let outcome = env.client.wait_interaction(id, 0).await.unwrap();
    assert_eq!(
        outcome.edits, 2,
        "one progress edit (1 of 2 done), then the summary"
    );
    for n in 1..=3 {
        env.wait_state(n, TicketState::Closed).await;
    }
    env.wait_embed(log, "Ticket closed", 3).await;
    let closes = env
        .embed_titles(log)
        .await
        .iter()
        .filter(|t| *t == "Ticket closed")
        .count();
    assert_eq!(closes, 3, "one transcript per ticket");
    let closed_dms = env
        .client
        .dms(b)
        .await
        .unwrap()
        .iter()
        .filter(|m| {
            m["content"]
                .as_str()
                .is_some_and(|t| t.contains("was closed"))
        })
        .count();
    assert_eq!(
        closed_dms, 1,
        "no second DM to the already-closed ticket's opener"
    );
    assert!(!env.can_view(ca, a).await && !env.can_view(ca, helper).await);
    assert!(!env.can_view(cc, c).await);

    // Reopen restores access to the opener and the added user.
    let id = env
        .click_in(ca, env.g.staff_id, |x| {
            matches!(x, Action::Reopen { ticket: 1 })
        })
        .await;
    env.answer_containing(id, "reopened").await;
    assert!(env.can_view(ca, a).await && env.can_view(ca, helper).await);
    assert_eq!(env.record(1).await.state, TicketState::Open);

    // Remove the added user: access gone, the opener cannot be removed.
    let id = env
        .change_people(env.owner(), ca, 1, false, &[helper, a])
        .await;
    env.answer_containing(id, "removed").await;
    assert!(!env.can_view(ca, helper).await);
    assert!(env.can_view(ca, a).await, "the opener keeps access");
    assert!(env.record(1).await.participants.is_empty());
    env.stop().await;
}

/// Defects: numbers from "open channels + 1" collided after deletions; the member who
/// triggered a category's creation got an overwrite on it; double clicks opened two tickets.
/// Also: a channel deleted by hand closes the record; a member leaving is logged in their ticket.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn numbers_categories_double_clicks_and_discord_side_changes() {
    let env = Env::start("numbers", 6).await;
    env.set_staff().await;
    let log = env.set_log_channel().await;
    let panel = env.panel_via_hub(env.general(), "Support").await;
    let [a, b, c, d, e, f] = env.g.member_ids[..] else {
        panic!("members")
    };

    // The tickets category is deleted by hand: the next member's click recreates it, and that
    // member gets no overwrite on it.
    let old = env.settings().await.tickets_category.unwrap();
    env.client.delete_channel(old).await.unwrap();
    eventually("category forgotten", || async {
        env.settings()
            .await
            .tickets_category
            .is_none()
            .then_some(())
    })
    .await;

    // Double click: two clicks at once by one member open one ticket.
    let (i1, i2) = tokio::join!(env.click_open(panel, a), env.click_open(panel, a));
    let (t1, t2) = tokio::join!(
        eventually("first answer", || async {
            let t = message_text(
                env.client
                    .wait_interaction(i1, 100)
                    .await
                    .ok()?
                    .message
                    .as_ref(),
            );
            (!t.is_empty()).then_some(t)
        }),
        eventually("second answer", || async {
            let t = message_text(
                env.client
                    .wait_interaction(i2, 100)
                    .await
                    .ok()?
                    .message
                    .as_ref(),
            );
            (!t.is_empty()).then_some(t)
        }),
    );
    let links: Vec<u64> = [&t1, &t2]
        .iter()
        .filter_map(|t| channel_from_link(t))
        .collect();
    assert_eq!(
        links.len(),
        1,
        "one ticket for a double click: {t1:?} / {t2:?}"
    );
    let ca = links[0];
    let category = env.settings().await.tickets_category.expect("recreated");
    assert_ne!(category, old);
    let cat = env.channel(category).await.unwrap();
    let overwrite_ids: Vec<u64> = cat["permission_overwrites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| id_of(&o["id"]))
        .collect();
    assert!(
        !overwrite_ids.contains(&a),
        "no overwrite for the member who triggered creation"
    );
    assert!(
        !env.client
            .permissions(category, a)
            .await
            .unwrap()
            .manage_channels
    );
    assert!(!env.can_view(category, a).await);

    let cb = env.open_ticket(panel, b).await;
    env.open_ticket(panel, c).await;
    // Delete #2 through the bot, #1's channel by hand in Discord.
    let id = env
        .click_in(cb, env.g.staff_id, |x| matches!(x, Action::Close { .. }))
        .await;
    env.answer_containing(id, "closed").await;
    let id = env
        .click_in(cb, env.g.staff_id, |x| matches!(x, Action::Delete { .. }))
        .await;
    env.answer_containing(id, "deleted").await;
    env.client.delete_channel(ca).await.unwrap();
    env.wait_state(1, TicketState::Deleted).await;
    env.wait_embed(log, "Ticket channel deleted", 1).await;

    // One open channel left: "open channels + 1" would say 2, which was used. We get 4.
    let cd = env.open_ticket(panel, d).await;
    assert_eq!(env.channel(cd).await.unwrap()["name"], "ticket-0004");
    let cf = env.open_ticket(panel, f).await;
    assert_eq!(env.channel(cf).await.unwrap()["name"], "ticket-0005");

    // A member leaving is logged in their open ticket.
    let ce = env.open_ticket(panel, e).await;
    env.client.remove_member(env.g.guild_id, e).await.unwrap();
    env.wait_embed(ce, "Member left", 1).await;
    let names = ticket_names(&env.client.guild_channels(env.g.guild_id).await.unwrap());
    let distinct: HashSet<&String> = names.iter().collect();
    assert_eq!(distinct.len(), names.len());
    env.stop().await;
}

/// Defect: close and delete had no permission check. Each action × role: allowed or refused
/// clearly, and who can view afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn permission_matrix() {
    let env = Env::start("matrix", 3).await;
    env.set_staff().await;
    let panel = env.panel_via_hub(env.general(), "Support").await;
    let [opener, added, bystander] = env.g.member_ids[..] else {
        panic!("members")
    };
    let staff = env.g.staff_id;
    let channel = env.open_ticket(panel, opener).await;
    let admin = env.owner();
    let id = env.change_people(admin, channel, 1, true, &[added]).await;
    env.answer_containing(id, "added").await;

    for (user, sees) in [
        (opener, true),
        (added, true),
        (staff, true),
        (env.owner(), true),
        (bystander, false),
    ] {
        assert_eq!(env.can_view(channel, user).await, sees, "view of {user}");
    }
    // `/ticket` carries Manage Server as its default permission: Discord refuses the others.
    for user in [opener, added, bystander, staff] {
        let refused = env
            .client
            .command(
                env.g.guild_id,
                channel,
                user,
                "ticket",
                json!([{"name": "menu", "type": 1, "options": []}]),
            )
            .await;
        assert!(refused.is_err(), "{user} reached /ticket");
    }
    // The added user may not close (only the opener or staff).
    let id = env
        .click_in(channel, added, |a| matches!(a, Action::Close { .. }))
        .await;
    let refused = env.answer(id).await;
    assert!(
        refused.contains("Only"),
        "added user must not close: {refused}"
    );
    assert_eq!(env.record(1).await.state, TicketState::Open);
    // Staff closes; only staff may reopen or delete.
    env.close(channel, staff).await;
    for (user, sees) in [
        (opener, false),
        (added, false),
        (staff, true),
        (bystander, false),
    ] {
        assert_eq!(
            env.can_view(channel, user).await,
            sees,
            "view of {user} after close"
        );
    }
    // The opener cannot see the closed ticket, so cannot press its Delete (only staff may; the
    // rule itself is `access::may`'s unit test) and its buttons are retired once reopened.
    let id = env
        .click_in(channel, staff, |a| matches!(a, Action::Reopen { .. }))
        .await;
    env.answer_containing(id, "reopened").await;
    env.close(channel, staff).await;
    let id = env
        .click_in(channel, staff, |a| matches!(a, Action::Reopen { .. }))
        .await;
    env.answer_containing(id, "reopened").await;
    assert_eq!(env.record(1).await.state, TicketState::Open);
    assert!(env.channel(channel).await.is_some());
    env.stop().await;
}

/// A paste service for the upload tests: answers `{"url": ...}` while `up`, HTTP 500 otherwise;
/// keeps every body it was sent.
struct PasteService {
    url: String,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    bodies: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl PasteService {
    async fn start() -> PasteService {
        use axum::{Router, http::StatusCode, routing::post};
        use std::sync::{
            Arc, Mutex,
            atomic::{AtomicBool, Ordering},
        };
        let up = Arc::new(AtomicBool::new(true));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let (up2, bodies2) = (up.clone(), bodies.clone());
        let app = Router::new().route(
            "/paste",
            post(move |body: String| {
                let (up, bodies) = (up2.clone(), bodies2.clone());
                async move {
                    let n = {
                        let mut bodies = bodies.lock().expect("lock");
                        bodies.push(body);
                        bodies.len()
                    };
                    if up.load(Ordering::SeqCst) {
                        (
                            StatusCode::OK,
                            format!(r#"{{"url":"https://paste.test/t/{n}"}}"#),
                        )
                    } else {
                        (StatusCode::INTERNAL_SERVER_ERROR, "down".to_owned())
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        PasteService {
            url: format!("http://{addr}/paste"),
            up,
            bodies,
        }
    }

    fn bodies(&self) -> Vec<String> {
        self.bodies.lock().expect("lock").clone()
    }
}

/// The log channel's "Ticket closed" message of ticket `number`.
async fn closed_log(env: &Env, log: u64, number: u64) -> Value {
    eventually(&format!("the close of #{number} logged"), || async {
        let messages = env.client.channel_messages(log).await.ok()?;
        messages.into_iter().find(|m| {
            m["embeds"][0]["title"] == "Ticket closed"
                && m["embeds"][0]["description"]
                    .as_str()
                    .is_some_and(|d| d.contains(&format!("Ticket #{number} ")))
        })
    })
    .await
}

/// The "was closed" DM `member` got.
async fn close_dm(env: &Env, member: u64) -> Value {
    eventually("the close DM", || async {
        env.client.dms(member).await.ok()?.into_iter().find(|m| {
            m["content"]
                .as_str()
                .is_some_and(|t| t.contains("was closed"))
        })
    })
    .await
}

/// Both transcript files (HTML and text) are attached to `message`.
fn has_transcript_files(message: &Value) -> bool {
    let names: Vec<&str> = message["attachments"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["filename"].as_str()).collect())
        .unwrap_or_default();
    names.iter().any(|n| n.ends_with(".html")) && names.iter().any(|n| n.ends_with(".txt"))
}

/// `--transcript-upload`: the link goes into the log message and the DM next to the attachment;
/// a service that always answers 500 is tried 3 times, then the close completes with the
/// attachment alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn transcript_upload_links_and_falls_back_to_the_attachment() {
    use std::sync::atomic::Ordering;
    let paste = PasteService::start().await;
    let env = Env::start_with("upload", 3, Some(paste.url.clone())).await;
    env.set_staff().await;
    let log = env.set_log_channel().await;
    let panel = env.panel_via_hub(env.general(), "Support").await;
    let [a, b, _] = env.g.member_ids[..] else {
        panic!("members")
    };
    // The service is up: its link in the log and the DM, the files attached as well.
    let ca = env.open_ticket(panel, a).await;
    env.client
        .post_message(ca, a, "UPLOAD-MARKER my printer is on fire")
        .await
        .unwrap();
    let id = env
        .click_in(ca, a, |x| matches!(x, Action::Close { ticket: 1 }))
        .await;
    env.answer_containing(id, "closed").await;
    let logged = closed_log(&env, log, 1).await;
    let description = logged["embeds"][0]["description"].as_str().unwrap();
    assert!(
        description.contains("Transcript: https://paste.test/t/1"),
        "{description}"
    );
    assert!(has_transcript_files(&logged), "still attached: {logged}");
    let dm = close_dm(&env, a).await;
    assert!(
        dm["content"]
            .as_str()
            .unwrap()
            .contains("https://paste.test/t/1"),
        "{dm}"
    );
    assert!(has_transcript_files(&dm), "DM still attached: {dm}");
    let bodies = paste.bodies();
    assert_eq!(bodies.len(), 1, "one upload per close");
    assert!(
        bodies[0].contains("UPLOAD-MARKER") && bodies[0].contains("<html"),
        "the HTML transcript was uploaded"
    );

    // The service fails: 3 tries, then the attachment alone; the close itself succeeds.
    paste.up.store(false, Ordering::SeqCst);
    let cb = env.open_ticket(panel, b).await;
    let id = env
        .click_in(cb, env.g.staff_id, |x| {
            matches!(x, Action::Close { ticket: 2 })
        })
        .await;
    env.answer_containing(id, "closed").await;
    assert_eq!(env.record(2).await.state, TicketState::Closed);
    assert!(!env.can_view(cb, b).await, "the opener's access is removed");
    let logged = closed_log(&env, log, 2).await;
    let description = logged["embeds"][0]["description"].as_str().unwrap();
    assert!(!description.contains("Transcript:"), "{description}");
    assert!(has_transcript_files(&logged), "fallback attached: {logged}");
    let dm = close_dm(&env, b).await;
    assert!(
        dm["content"].as_str().unwrap().contains("is attached"),
        "{dm}"
    );
    assert!(has_transcript_files(&dm), "fallback DM attached: {dm}");
    assert_eq!(paste.bodies().len(), 1 + 3, "a 5xx is tried 3 times");
    env.stop().await;
}

/// `/ticket` needs Manage Server, so a member who is staff only by role uses `/tickets`:
/// `transcript` and `manage` work for them; a bystander is refused both.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn staff_by_role_use_tickets_and_bystanders_are_refused() {
    let env = Env::start("tickets-cmd", 3).await;
    env.set_staff().await;
    let panel = env.panel_via_hub(env.general(), "Support").await;
    let staff = env.g.staff_id;
    let opener = env.g.member_ids[0];
    let bystander = env.g.member_ids[1];
    let channel = env.open_ticket(panel, opener).await;
    env.client
        .post_message(channel, opener, "STAFF-MARKER please help")
        .await
        .unwrap();
    let tickets = |user: u64, channel: u64, options: Value| {
        let client = env.client.clone();
        let guild = env.g.guild_id;
        async move {
            client
                .command(guild, channel, user, "tickets", options)
                .await
                .expect("/tickets is open to everyone; the bot decides")
        }
    };
    let manage = json!([{"name": "manage", "type": 1, "options": []}]);
    let transcript = json!([{"name": "transcript", "type": 1, "options": [{"name": "number", "type": 4, "value": 1}]}]);

    // Staff by role cannot use /ticket at all: Discord hides it without Manage Server.
    assert!(
        env.client
            .command(
                env.g.guild_id,
                env.general(),
                staff,
                "ticket",
                json!([{"name": "menu", "type": 1, "options": []}]),
            )
            .await
            .is_err(),
        "the staff member lacks Manage Server"
    );

    // A bystander is refused both subcommands.
    let id = tickets(bystander, env.general(), manage.clone()).await;
    let text = env.answer(id).await;
    assert!(text.contains("Only staff"), "{text}");
    let id = tickets(bystander, env.general(), transcript.clone()).await;
    let text = env.answer(id).await;
    assert!(text.contains("Only staff"), "{text}");
    // The opener is not staff either.
    let id = tickets(opener, channel, manage.clone()).await;
    assert!(env.answer(id).await.contains("Only staff"));

    // Nothing to return before the close.
    let id = tickets(staff, env.general(), transcript.clone()).await;
    env.answer_containing(id, "has no transcript").await;

    // Staff: /tickets manage in the ticket → Close this ticket.
    let id = tickets(staff, channel, manage.clone()).await;
    let text = env.answer_containing(id, "Manage").await;
    assert!(text.contains("what do you want to do"), "{text}");
    let menu = env.response_message(id).await;
    let id = env
        .select(
            staff,
            channel,
            menu,
            &Action::ManageMenu,
            &[ManageChoice::CloseThis.as_str().into()],
        )
        .await;
    env.answer_containing(id, "closed").await;
    env.wait_state(1, TicketState::Closed).await;
    assert!(!env.can_view(channel, opener).await);

    // Staff: /tickets transcript number:1 returns the files.
    let id = tickets(staff, env.general(), transcript.clone()).await;
    let files = eventually("transcript returned", || async {
        let outcome = env.client.wait_interaction(id, 100).await.ok()?;
        let m = outcome.message?;
        let files = m["attachments"].as_array()?.clone();
        (!files.is_empty()).then_some(files)
    })
    .await;
    let txt = files
        .iter()
        .find(|a| a["filename"].as_str().is_some_and(|f| f.ends_with(".txt")))
        .expect("a text transcript");
    let body = String::from_utf8(env.client.attachment(id_of(&txt["id"])).await.unwrap()).unwrap();
    assert!(body.contains("STAFF-MARKER"), "{body}");

    // And the bystander still gets nothing.
    let id = tickets(bystander, env.general(), transcript).await;
    let outcome = env.client.wait_interaction(id, 10_000).await.unwrap();
    let text = env.answer(id).await;
    assert!(text.contains("Only staff"), "{text}");
    assert!(
        outcome
            .message
            .as_ref()
            .and_then(|m| m["attachments"].as_array())
            .is_none_or(|a| a.is_empty()),
        "no files for a bystander"
    );
    env.stop().await;
}

/// Defect: a stale Delete on a "closed" message deleted the ticket after it was reopened, with no
/// transcript. Every action is checked against the stored state; the buttons that no longer
/// apply are disabled after each transition, also across a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stale_buttons_are_refused_and_retired() {
    let env = Env::start("stale", 2).await;
    env.set_staff().await;
    let log = env.set_log_channel().await;
    let panel = env.panel_via_hub(env.general(), "Support").await;
    let (member, staff) = (env.g.member_ids[0], env.g.staff_id);
    let channel = env.open_ticket(panel, member).await;
    let welcome = env
        .last_message_with(channel, Action::Close { ticket: 1 })
        .await;

    // Close: the welcome's Close buttons are retired; the closed message offers Delete/Reopen.
    env.close(channel, staff).await;
    env.wait_retired(channel, welcome).await;
    let closed = env
        .last_message_with(channel, Action::Reopen { ticket: 1 })
        .await;

    // Reopen and the stale Delete arrive together, before the bot could retire the buttons.
    let answers = env
        .press_together(
            channel,
            staff,
            &[
                (closed, Action::Reopen { ticket: 1 }),
                (closed, Action::Delete { ticket: 1 }),
            ],
        )
        .await;
    assert!(answers[0].contains("reopened"), "{answers:?}");
    assert_eq!(answers[1], "Ticket #1 is open again; close it first.");
    assert_eq!(env.record(1).await.state, TicketState::Open);
    assert!(
        env.channel(channel).await.is_some(),
        "the open ticket's channel stays"
    );
    assert!(env.can_view(channel, member).await);
    env.wait_retired(channel, closed).await;

    // What is written after the reopen is in the next transcript. Two presses of Close at once
    // on the reopen note: one closes, the other is told the ticket already is closed.
    env.client
        .post_message(channel, member, "WRITTEN-AFTER-REOPEN")
        .await
        .unwrap();
    let note = env
        .last_message_with(channel, Action::Close { ticket: 1 })
        .await;
    assert_ne!(note, welcome, "the reopen note carries the Close buttons");
    // Staff press them: the opener could lose sight of the channel between the two presses.
    let answers = env
        .press_together(
            channel,
            staff,
            &[
                (note, Action::Close { ticket: 1 }),
                (note, Action::Close { ticket: 1 }),
            ],
        )
        .await;
    assert!(answers[0].contains("Ticket #1 closed"), "{answers:?}");
    assert_eq!(answers[1], "Ticket #1 is already closed.");
    let (_, text) = env.transcript(1).await;
    assert!(text.contains("WRITTEN-AFTER-REOPEN"), "{text}");
    env.wait_retired(channel, note).await;
    let closed = env
        .last_message_with(channel, Action::Reopen { ticket: 1 })
        .await;

    // Across a restart the bot still knows which message's buttons to retire.
    let env = env.restart().await;
    let answers = env
        .press_together(
            channel,
            staff,
            &[
                (closed, Action::Reopen { ticket: 1 }),
                (closed, Action::Reopen { ticket: 1 }),
            ],
        )
        .await;
    assert!(answers[0].contains("reopened"), "{answers:?}");
    assert_eq!(answers[1], "Ticket #1 is already open.");
    env.wait_retired(channel, closed).await;
    let live: Vec<Action> = env
        .buttons(channel)
        .await
        .into_iter()
        .filter(|(_, _, enabled)| *enabled)
        .map(|(_, a, _)| a)
        .collect();
    assert_eq!(
        live,
        vec![
            Action::Close { ticket: 1 },
            Action::CloseWithReason { ticket: 1 }
        ],
        "only the latest reopen note's buttons are live"
    );

    // A user select opened while the ticket was open, used after it closed: refused.
    let (hub, id) = env
        .manage(env.owner(), channel, ManageChoice::AddUser)
        .await;
    env.response_message(id).await;
    env.close(channel, staff).await;
    let helper = env.g.member_ids[1];
    let id = env
        .select(
            env.owner(),
            channel,
            hub,
            &Action::AddUserSelect { ticket: 1 },
            &[helper.to_string()],
        )
        .await;
    assert_eq!(
        env.answer(id).await,
        "Ticket #1 is closed; reopen it before adding or removing people."
    );
    assert!(!env.can_view(channel, helper).await);

    // Delete: deleted once, with every transcript logged.
    let id = env
        .click_in(channel, staff, |a| matches!(a, Action::Delete { .. }))
        .await;
    env.answer_containing(id, "deleted").await;
    env.wait_state(1, TicketState::Deleted).await;
    env.wait_embed(log, "Ticket closed", 3).await;
    env.stop().await;
}

/// Defect: `/ticket panel` while an open was creating the missing "Tickets" category made a
/// second one, and the tickets split between them. Both paths now join one creation; the same
/// holds for removing a topic (its tickets move to the default category).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_missing_category_is_created_once_whoever_needs_it() {
    let env = Env::start("one-category", 20).await;
    env.set_staff().await;
    let panel = env.panel_via_hub(env.general(), "Support").await;
    let old = env.settings().await.tickets_category.unwrap();
    env.client.delete_channel(old).await.unwrap();
    eventually("category forgotten", || async {
        env.settings()
            .await
            .tickets_category
            .is_none()
            .then_some(())
    })
    .await;

    // Ten opens, the owner's `/ticket panel`, ten more opens: one batch, as at once.
    let open = |member: u64| {
        SimClient::click_body(
            env.g.guild_id,
            env.general(),
            member,
            panel,
            &custom_id::encode(&Action::OpenTicket),
        )
    };
    let mut bodies: Vec<Value> = env.g.member_ids[..10].iter().map(|&m| open(m)).collect();
    bodies.push(json!({
        "kind": "command", "guild_id": env.g.guild_id.to_string(),
        "channel_id": env.general().to_string(), "user_id": env.owner().to_string(),
        "name": "ticket", "options": [{"name": "panel", "type": 1, "options": []}],
    }));
    bodies.extend(env.g.member_ids[10..].iter().map(|&m| open(m)));
    let ids = env.client.interaction_batch(&bodies).await.expect("batch");
    for (i, id) in ids.into_iter().enumerate() {
        let id = id.expect("dispatched");
        let needle = if i == 10 { "Panel posted" } else { "is open" };
        env.answer_containing(id, needle).await;
    }

    let channels = env.client.guild_channels(env.g.guild_id).await.unwrap();
    let categories: Vec<u64> = channels
        .iter()
        .filter(|c| c["type"] == 4 && c["name"] == "Tickets")
        .map(|c| id_of(&c["id"]))
        .collect();
    assert_eq!(categories.len(), 1, "one Tickets category: {categories:?}");
    let tickets: Vec<&Value> = channels
        .iter()
        .filter(|c| c["name"].as_str().is_some_and(|n| n.starts_with("ticket-")))
        .collect();
    assert_eq!(tickets.len(), 20);
    assert!(
        tickets
            .iter()
            .all(|c| id_of(&c["parent_id"]) == categories[0]),
        "every ticket under the one category"
    );
    assert_eq!(env.settings().await.tickets_category, Some(categories[0]));

    // Removing a topic while the default category is gone: it is created (once) and the
    // topic's ticket moves into it.
    let added = env.add_topic("Billing").await;
    assert!(added.contains("added"), "{added}");
    let topic = env.settings().await.topics[0].id;
    let id = env.click_open(panel, env.owner()).await;
    let picker = env.response_message(id).await;
    let id = env
        .select(
            env.owner(),
            env.general(),
            picker,
            &Action::PickTopic {
                opener: env.owner(),
            },
            &[topic.to_string()],
        )
        .await;
    let text = env.answer_containing(id, "is open").await;
    let billing_ticket = channel_from_link(&text).expect("link");
    env.client.delete_channel(categories[0]).await.unwrap();
    eventually("category forgotten again", || async {
        env.settings()
            .await
            .tickets_category
            .is_none()
            .then_some(())
    })
    .await;
    let (hub, id) = env.setup(SetupChoice::TopicRemove).await;
    env.response_message(id).await;
    let id = env
        .select(
            env.owner(),
            env.general(),
            hub,
            &Action::TopicRemoveSelect { page: 0 },
            &[topic.to_string()],
        )
        .await;
    env.answer_containing(id, "Remove topic").await;
    let id = env
        .client
        .click(
            env.g.guild_id,
            env.general(),
            env.owner(),
            hub,
            &custom_id::encode(&Action::TopicRemoveConfirm { topic }),
        )
        .await
        .unwrap();
    env.answer_containing(id, "removed").await;
    let channels = env.client.guild_channels(env.g.guild_id).await.unwrap();
    let categories: Vec<u64> = channels
        .iter()
        .filter(|c| c["type"] == 4 && c["name"] == "Tickets")
        .map(|c| id_of(&c["id"]))
        .collect();
    assert_eq!(categories.len(), 1, "one Tickets category: {categories:?}");
    let moved = env.channel(billing_ticket).await.expect("ticket kept");
    assert_eq!(id_of(&moved["parent_id"]), categories[0]);
    env.stop().await;
}

/// The text of the hub `/ticket menu` shows the owner.
async fn hub_text(env: &Env) -> String {
    let id = env
        .client
        .command(
            env.g.guild_id,
            env.general(),
            env.owner(),
            "ticket",
            json!([{"name": "menu", "type": 1, "options": []}]),
        )
        .await
        .expect("command");
    env.answer_containing(id, "Ticket hub").await
}

/// Observation: setup accepted a log channel the bot could not write to, and the entries were
/// dropped with nobody told. Setup now checks the bot's permissions in the chosen channel and
/// names what is missing; permissions lost later show in the hub until posting works again.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_log_channel_the_bot_cannot_use_is_refused_and_a_lost_one_reported() {
    let env = Env::start("log-perms", 2).await;
    env.set_staff().await;
    // A common anti-spam setup: @everyone may not embed links; the bot has no overwrite.
    let body = json!({
        "name": "quiet-log", "type": 0,
        "permission_overwrites": [{"id": env.g.guild_id.to_string(), "type": 0,
            "allow": "0", "deny": (1u64 << 14).to_string()}],
    });
    let answer: Value = reqwest::Client::new()
        .post(format!(
            "{}/_sim/guilds/{}/channels",
            env.sim.http_url(),
            env.g.guild_id
        ))
        .json(&body)
        .send()
        .await
        .expect("channel request")
        .json()
        .await
        .expect("channel created");
    let quiet = id_of(&answer["channel_id"]);
    let (hub, id) = env.setup(SetupChoice::LogChannel).await;
    env.response_message(id).await;
    let id = env
        .select(
            env.owner(),
            env.general(),
            hub,
            &Action::LogChannelSelect,
            &[quiet.to_string()],
        )
        .await;
    let refusal = env.answer_containing(id, "missing").await;
    assert!(refusal.contains("**Embed Links**"), "{refusal}");
    assert!(!refusal.contains("Send Messages"), "{refusal}");
    assert_eq!(env.settings().await.log_channel, None, "not saved");

    // A usable channel is accepted; then an admin denies the bot Send Messages there (here
    // through the REST API, as any client with Manage Roles could).
    let log = env.set_log_channel().await;
    let panel = env.panel_via_hub(env.general(), "Support").await;
    assert!(!hub_text(&env).await.contains("⚠️"));
    let (member, other) = (env.g.member_ids[0], env.g.member_ids[1]);
    let bot_overwrite = format!("/channels/{log}/permissions/{}", env.sim.application_id());
    let deny_send = json!({"type": 1, "allow": "0", "deny": (1u64 << 11).to_string()});
    let status = env
        .rest_as_bot(reqwest::Method::PUT, &bot_overwrite, Some(deny_send))
        .await;
    assert_eq!(status, 204);
    env.open_ticket(panel, member).await;
    let warned = eventually("the hub reports the log channel", || async {
        let text = hub_text(&env).await;
        text.contains(&format!("I can no longer post in the log channel <#{log}>"))
            .then_some(text)
    })
    .await;
    assert!(warned.contains("⚠️"), "{warned}");
    // Given back, the next entry goes through and the note disappears.
    let status = env
        .rest_as_bot(reqwest::Method::DELETE, &bot_overwrite, None)
        .await;
    assert_eq!(status, 204);
    env.open_ticket(panel, other).await;
    eventually("the note cleared", || async {
        (!hub_text(&env).await.contains("⚠️")).then_some(())
    })
    .await;
    env.stop().await;
}

/// On Discord, an application without the Message Content intent reads other people's messages
/// blank. The bot says so (hub, close answer, log, transcript) instead of printing blanks, and
/// notices when the intent is switched on, without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_message_content_transcripts_say_the_text_was_withheld() {
    let env = Env::start_with_intents("no-content", 2, (false, true)).await;
    env.set_staff().await;
    let log = env.set_log_channel().await;
    let panel = env.panel_via_hub(env.general(), "Support").await;
    let hub = hub_text(&env).await;
    assert!(hub.contains("Message Content intent is off"), "{hub}");
    let (member, staff) = (env.g.member_ids[0], env.g.staff_id);
    let channel = env.open_ticket(panel, member).await;
    env.client
        .post_message(channel, member, "SECRET-WORDS my printer is on fire")
        .await
        .unwrap();
    let answer = env.close(channel, staff).await;
    assert!(answer.contains("Message Content intent is off"), "{answer}");
    let (html, text) = env.transcript(1).await;
    assert!(!text.contains("SECRET-WORDS"), "Discord withheld it");
    assert!(
        text.contains("[message text withheld by Discord: Message Content intent off]"),
        "{text}"
    );
    assert!(
        text.contains("Note: Transcripts will have no message text"),
        "{text}"
    );
    assert!(html.contains("content withheld"));
    // The bot's own welcome is never withheld.
    assert!(text.contains("Staff will be with you shortly"), "{text}");
    let logged = closed_log(&env, log, 1).await;
    assert!(
        logged["embeds"][0]["description"]
            .as_str()
            .is_some_and(|d| d.contains("Message Content intent is off")),
        "{logged}"
    );

    // Switched on in the portal: the next close reads the flags again and the text is there.
    env.client
        .set_privileged_intents(&PrivilegedSwitches {
            message_content: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    let id = env
        .click_in(channel, staff, |a| matches!(a, Action::Reopen { .. }))
        .await;
    env.answer_containing(id, "reopened").await;
    let answer = env.close(channel, staff).await;
    assert!(!answer.contains("⚠️"), "{answer}");
    let (_, text) = env.transcript(1).await;
    assert!(text.contains("SECRET-WORDS"), "{text}");
    assert!(!text.contains("withheld"), "{text}");
    assert!(!hub_text(&env).await.contains("Message Content"));
    env.stop().await;
}

/// Without the Server Members intent Discord would close a session asking for GUILD_MEMBERS
/// (4014). The bot asks only for what the application allows, runs, and says what it misses.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_server_members_the_bot_runs_and_says_what_it_misses() {
    let env = Env::start_with_intents("no-members", 2, (true, false)).await;
    let stats = env.client.stats().await.unwrap();
    assert_eq!(
        stats.gateway_sessions, 1,
        "one session, never closed with 4014"
    );
    env.set_staff().await;
    let panel = env.panel_via_hub(env.general(), "Support").await;
    let hub = hub_text(&env).await;
    assert!(hub.contains("Server Members intent is off"), "{hub}");
    let channel = env.open_ticket(panel, env.g.member_ids[0]).await;
    assert!(env.can_view(channel, env.g.member_ids[0]).await);
    env.stop().await;
}

/// Discord refuses a DM to someone who shares no server with the bot (50007). A ticket whose
/// opener left is still closed with its transcript in the log, the refused DM is not retried,
/// and the log says the opener did not get it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_departed_openers_transcript_is_logged_and_the_missed_dm_said() {
    let env = Env::start("departed", 2).await;
    let (log, _, member, channel) = env.with_open_ticket().await;
    env.client
        .post_message(channel, member, "bye")
        .await
        .unwrap();
    env.client
        .remove_member(env.g.guild_id, member)
        .await
        .unwrap();
    env.wait_embed(channel, "Member left", 1).await;
    let dm_posts = |stats: &ticketeer::sim::SimStats| {
        stats
            .requests_per_route
            .iter()
            .filter(|(route, _)| {
                route.starts_with("POST /channels/") && route.ends_with("/messages")
            })
            .map(|(_, n)| *n)
            .sum::<u64>()
    };
    let before = dm_posts(&env.client.stats().await.unwrap());
    env.close(channel, env.g.staff_id).await;
    let logged = closed_log(&env, log, 1).await;
    assert!(has_transcript_files(&logged), "{logged}");
    let description = logged["embeds"][0]["description"].as_str().unwrap_or("");
    assert!(
        description.contains("could not be sent to the opener"),
        "{description}"
    );
    let dms = env.client.dms(member).await.unwrap();
    assert!(
        !dms.iter().any(|m| m["content"]
            .as_str()
            .is_some_and(|t| t.contains("was closed"))),
        "no DM reaches someone who left: {dms:?}"
    );
    // The closed message, the one refused DM and the log entry: nothing retried.
    let after = dm_posts(&env.client.stats().await.unwrap());
    assert_eq!(after - before, 3, "message posts during the close");
    env.stop().await;
}

/// Discord answers a history read without Read Message History with an empty list, not an
/// error. The transcript is never silently empty: it says why, and so do the close and the log.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_transcript_without_read_message_history_says_why_it_is_empty() {
    let env = Env::start("no-history", 2).await;
    let (log, _, member, channel) = env.with_open_ticket().await;
    env.client
        .post_message(channel, member, "hello")
        .await
        .unwrap();
    // An admin edits the bot's overwrite on the ticket: everything but Read Message History.
    let everything_but_history = json!({"type": 1,
        "allow": ((1u64 << 4) | (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15)).to_string(),
        "deny": (1u64 << 16).to_string()});
    let path = format!(
        "/channels/{channel}/permissions/{}",
        env.sim.application_id()
    );
    let status = env
        .rest_as_bot(reqwest::Method::PUT, &path, Some(everything_but_history))
        .await;
    assert_eq!(status, 204);
    let answer = env.close(channel, env.g.staff_id).await;
    assert!(answer.contains("lacks Read Message History"), "{answer}");
    let (_, text) = env.transcript(1).await;
    assert!(
        text.contains("Note: Discord returned no messages: the bot lacks Read Message History"),
        "{text}"
    );
    let logged = closed_log(&env, log, 1).await;
    assert!(
        logged["embeds"][0]["description"]
            .as_str()
            .is_some_and(|d| d.contains("lacks Read Message History")),
        "{logged}"
    );
    env.stop().await;
}

/// Discord lets a bot grant in an overwrite only what it holds in the guild: a bot whose role
/// lost Embed Links, even with a category overwrite giving it back, cannot create a ticket (its
/// overwrites grant Embed Links). The member is told why, and the admin what to fix.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_bot_role_lowered_below_what_tickets_grant_is_explained() {
    let env = Env::start("lowered-role", 2).await;
    env.set_staff().await;
    let panel = env.panel_via_hub(env.general(), "Support").await;
    let member: Value = reqwest::Client::new()
        .get(format!(
            "{}/api/v10/guilds/{}/members/{}",
            env.sim.http_url(),
            env.g.guild_id,
            env.sim.application_id()
        ))
        .header("authorization", "Bot test")
        .send()
        .await
        .expect("member request")
        .json()
        .await
        .expect("member json");
    let bot_role = id_of(&member["roles"][0]);
    // Everything the bot needs but Embed Links (the category's overwrite for the bot still
    // allows it there).
    let lowered = (1 << 4) | (1 << 10) | (1 << 11) | (1 << 15) | (1 << 16) | (1 << 28);
    env.client
        .set_role_permissions(env.g.guild_id, bot_role, lowered)
        .await
        .unwrap();
    env.client
        .set_role_permissions(env.g.guild_id, env.g.guild_id, 1 << 10)
        .await
        .unwrap();
    let answer = env.open_outcome(panel, env.g.member_ids[0]).await;
    assert!(
        answer.contains("could not be opened") && answer.contains("Embed Links"),
        "{answer}"
    );
    assert!(
        answer.contains("granting them on a category alone is not enough"),
        "{answer}"
    );
    let channels = env.client.guild_channels(env.g.guild_id).await.unwrap();
    assert!(ticket_names(&channels).is_empty(), "{channels:?}");
    env.stop().await;
}

/// A transcript over Discord's upload limit is never refused silently: the upload is cut to fit
/// (the text file, with a line saying so), and the log and the DM say what was cut.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_transcript_over_the_upload_limit_is_cut_and_says_so() {
    const BUDGET: usize = 48 * 1024;
    let env = Env::start("oversize", 2).await;
    let env = env.restart_with(|c| c.upload_budget = BUDGET).await;
    env.set_staff().await;
    let log = env.set_log_channel().await;
    let panel = env.panel_via_hub(env.general(), "Support").await;
    let member = env.g.member_ids[0];
    let channel = env.open_ticket(panel, member).await;
    let long = "x".repeat(1900);
    for i in 0..40 {
        env.client
            .post_message(channel, member, &format!("LINE-{i} {long}"))
            .await
            .unwrap();
    }
    env.close(channel, env.g.staff_id).await;
    let logged = closed_log(&env, log, 1).await;
    let description = logged["embeds"][0]["description"].as_str().unwrap_or("");
    assert!(
        description.contains("larger than Discord's upload limit"),
        "{description}"
    );
    let files = logged["attachments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(files.len(), 1, "the text file alone: {files:?}");
    let size = files[0]["size"].as_u64().unwrap_or(u64::MAX);
    assert!(size <= BUDGET as u64, "{size}");
    let dm = close_dm(&env, member).await;
    assert!(
        dm["content"]
            .as_str()
            .is_some_and(|t| t.contains("cut short")),
        "{dm}"
    );
    // The store keeps all of it.
    let (_, text) = env.transcript(1).await;
    assert!(text.contains("LINE-39"));
    env.stop().await;
}

/// Every kind of message a person makes in a ticket reads meaningfully in its transcript:
/// replies, pins, stickers, polls, forwards, edits and animated avatars.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn transcripts_render_every_kind_of_message() {
    let env = Env::start_unrecorded("variety", 2).await;
    env.set_staff().await;
    let panel = env.panel_via_hub(env.general(), "Support").await;
    let (member, staff) = (env.g.member_ids[0], env.g.staff_id);
    let channel = env.open_ticket(panel, member).await;
    let c = &env.client;
    c.set_avatar(member, Some("a_0123456789abcdef0123456789abcdef"))
        .await
        .unwrap();
    let question = c
        .post_message(channel, member, "QUESTION my printer is on fire")
        .await
        .unwrap();
    c.reply(channel, staff, question, "ANSWER unplug it")
        .await
        .unwrap();
    c.pin(channel, question, staff).await.unwrap();
    c.post_message_with(
        channel,
        member,
        json!({"sticker_items": [{"id": "749054660769218631", "name": "WAVE-STICKER", "format_type": 1}]}),
    )
    .await
    .unwrap();
    c.post_message_with(
        channel,
        member,
        json!({"poll": {"question": "FIXED-POLL?", "answers": ["YES-ANSWER", "NO-ANSWER"]}}),
    )
    .await
    .unwrap();
    let elsewhere = c
        .post_message(env.general(), member, "FORWARDED-TEXT from general")
        .await
        .unwrap();
    c.forward(channel, member, elsewhere).await.unwrap();
    let typo = c.post_message(channel, member, "TYPO").await.unwrap();
    c.edit_message(channel, typo, member, "EDITED-TEXT")
        .await
        .unwrap();
    env.close(channel, staff).await;
    let (html, text) = env.transcript(1).await;
    for needle in [
        "↪ reply to member0: QUESTION my printer is on fire",
        "[pinned a message to this channel]",
        "[pinned]",
        "[sticker] WAVE-STICKER",
        "[poll] FIXED-POLL?\n      - YES-ANSWER\n      - NO-ANSWER",
        "[forwarded]\n      FORWARDED-TEXT from general",
        "(edited): EDITED-TEXT",
    ] {
        assert!(text.contains(needle), "{needle:?} in {text}");
    }
    assert!(
        html.contains("/a_0123456789abcdef0123456789abcdef.gif"),
        "animated avatar"
    );
    env.stop().await;
}

/// An admin posts a panel from the hub while a burst of 60 opens waits for the first tickets
/// category: the panel joins that creation instead of making a second "Tickets", and every
/// ticket lands in it or its overflow.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_admin_panel_during_a_burst_joins_the_category_being_created() {
    let env = Env::start("panel-during-burst", 60).await;
    env.set_staff().await;
    env.set_limits("1", "100").await;
    let panel = env.panel_via_hub(env.general(), "Support").await;
    let old = env.settings().await.tickets_category.unwrap();
    env.client.delete_channel(old).await.unwrap();
    eventually("category forgotten", || async {
        env.settings()
            .await
            .tickets_category
            .is_none()
            .then_some(())
    })
    .await;

    // The admin has the panel modal open; its submit goes between thirty opens and thirty
    // more, one batch, as at once.
    let (hub, id) = env.setup(SetupChoice::Panel).await;
    env.response_message(id).await;
    let id = env
        .select(
            env.owner(),
            env.general(),
            hub,
            &Action::PanelChannelSelect,
            &[env.general().to_string()],
        )
        .await;
    env.expect_modal(id).await;
    let open = |member: u64| {
        SimClient::click_body(
            env.g.guild_id,
            env.general(),
            member,
            panel,
            &custom_id::encode(&Action::OpenTicket),
        )
    };
    let mut bodies: Vec<Value> = env.g.member_ids[..30].iter().map(|&m| open(m)).collect();
    bodies.push(json!({
        "kind": "modal_submit", "guild_id": env.g.guild_id.to_string(),
        "channel_id": env.general().to_string(), "user_id": env.owner().to_string(),
        "custom_id": custom_id::encode(&Action::PanelModal { channel: env.general() }),
        "fields": {
            (fields::PANEL_TITLE): "Second panel",
            (fields::PANEL_DESCRIPTION): "Posted mid-burst",
            (fields::PANEL_FOOTER): "",
        },
    }));
    bodies.extend(env.g.member_ids[30..60].iter().map(|&m| open(m)));
    let ids = env.client.interaction_batch(&bodies).await.expect("batch");
    for (i, id) in ids.into_iter().enumerate() {
        let id = id.expect("dispatched");
        let needle = if i == 30 { "Panel posted" } else { "is open" };
        env.answer_containing(id, needle).await;
    }

    let channels = env.client.guild_channels(env.g.guild_id).await.unwrap();
    let named = |name: &str| -> Vec<u64> {
        channels
            .iter()
            .filter(|c| c["type"] == 4 && c["name"] == name)
            .map(|c| id_of(&c["id"]))
            .collect()
    };
    let tickets_categories = named("Tickets");
    assert_eq!(
        tickets_categories.len(),
        1,
        "one Tickets category: {tickets_categories:?}"
    );
    let settings = env.settings().await;
    assert_eq!(settings.tickets_category, Some(tickets_categories[0]));
    let mut homes = vec![tickets_categories[0]];
    homes.extend(settings.overflow_categories.iter().copied());
    let tickets: Vec<&Value> = channels
        .iter()
        .filter(|c| c["name"].as_str().is_some_and(|n| n.starts_with("ticket-")))
        .collect();
    assert_eq!(tickets.len(), 60);
    assert!(
        tickets
            .iter()
            .all(|c| homes.contains(&id_of(&c["parent_id"]))),
        "every ticket under Tickets or its overflow: {homes:?}"
    );
    assert_eq!(settings.panels.len(), 2, "both panels remembered");
    env.stop().await;
}
// ---- For self-hosters: invite, doctor, backups, export and import, Amina ----------

/// The bot's managed role in `guild`, as Discord lists it to the bot.
async fn bot_role(sim: &SimHandle, guild: u64) -> u64 {
    bot_role_as(sim, guild, "test").await
}

/// [`bot_role`] asked with `token` (for a simulator that accepts only one).
async fn bot_role_as(sim: &SimHandle, guild: u64, token: &str) -> u64 {
    let roles: Vec<Value> = reqwest::Client::new()
        .get(format!("{}/api/v10/guilds/{guild}/roles", sim.http_url()))
        .header("authorization", format!("Bot {token}"))
        .send()
        .await
        .expect("roles")
        .json()
        .await
        .expect("roles JSON");
    roles
        .iter()
        .find(|r| r["managed"] == true)
        .map(|r| id_of(&r["id"]))
        .expect("the bot's managed role")
}

fn doctor_args(sim: &SimHandle, data_dir: PathBuf) -> ticketeer::ops::args::DoctorArgs {
    ticketeer::ops::args::DoctorArgs {
        token: Some("simulated-token".into()),
        token_file: None,
        discord_api: Some(sim.http_url()),
        data_dir,
    }
}

/// `ticketeer invite` names the simulator's application and asks for a permission integer that
/// is enough for a whole ticket life (open, log, close with transcript, delete) when the bot's
/// role holds exactly it, and not one permission too many: without Manage Roles, which it
/// includes, a ticket cannot be opened.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_invite_link_grants_exactly_what_tickets_need() {
    let env = Env::start("invite", 3).await;
    let said = ticketeer::ops::invite::run(&ticketeer::ops::args::InviteArgs {
        application_id: None,
        token: Some("simulated-token".into()),
        token_file: None,
        discord_api: Some(env.sim.http_url()),
    })
    .await
    .expect("invite link");
    let link = said.lines().next().expect("a link first");
    assert!(
        link.contains(&format!("client_id={}", env.sim.application_id())),
        "{link}"
    );
    assert!(link.contains("scope=bot+applications.commands"), "{link}");
    let granted: u64 = link
        .rsplit("permissions=")
        .next()
        .and_then(|p| p.parse().ok())
        .expect("a permission integer");
    let role = bot_role(&env.sim, env.g.guild_id).await;
    // The admin keeps every box of the invite ticked: the role holds exactly the integer.
    env.client
        .set_role_permissions(env.g.guild_id, role, granted)
        .await
        .expect("role set");
    let (log, panel, member, channel) = env.with_open_ticket().await;
    env.close(channel, member).await;
    env.wait_embed(log, "Ticket closed", 1).await;
    let id = env
        .click_in(channel, env.g.staff_id, |a| {
            matches!(a, Action::Delete { ticket: 1 })
        })
        .await;
    env.answer_containing(id, "deleted").await;
    assert!(env.channel(channel).await.is_none());

    // Untick Manage Roles: Discord refuses the ticket channel's overwrites, and the member is
    // told why.
    env.client
        .set_role_permissions(
            env.g.guild_id,
            role,
            granted & !ticketeer::domain::access::perms::MANAGE_ROLES,
        )
        .await
        .expect("role set");
    let outcome = env.open_outcome(panel, env.g.member_ids[1]).await;
    assert!(outcome.contains("Manage Roles"), "{outcome}");
    env.stop().await;
}

/// `ticketeer doctor` against the simulator: healthy at first, then each fault set up in turn,
/// found and told in plain words, with a failing verdict once tickets cannot work. While the bot
/// runs the doctor reads the settings through the bot's socket; a category deleted while the
/// bot is stopped (a running bot forgets it at once) is found from the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn doctor_reports_each_fault_in_plain_words() {
    use ticketeer::domain::access::{BOT_REQUIRED, perms};
    let env = Env::start("doctor", 3).await;
    let (log, panel, _, _) = env.with_open_ticket().await;
    let category = env.settings().await.tickets_category.expect("a category");
    let socket = ticketeer::ops::control::serve(env.bot.store().clone(), &env.dir).expect("socket");
    let doctor = || async {
        ticketeer::ops::doctor::run(&doctor_args(&env.sim, env.dir.clone()))
            .await
            .expect("doctor runs beside the bot")
    };
    let (report, healthy) = doctor().await;
    assert!(healthy, "{report}");
    assert!(report.contains("ok: nothing wrong found"), "{report}");
    assert!(!report.contains("Application:"), "{report}");

    // Message Content switched off in the portal: said, but tickets still work.
    env.client
        .set_privileged_intents(&PrivilegedSwitches {
            message_content: Some(false),
            ..Default::default()
        })
        .await
        .expect("switch");
    let (report, healthy) = doctor().await;
    assert!(healthy, "{report}");
    assert!(
        report.contains("Application: warning: Transcripts will have no message text"),
        "{report}"
    );

    // The bot's role loses Attach Files and Manage Roles; @everyone still grants the first
    // (the simulator's default @everyone, like Discord's, includes it), so only the second is
    // missing, as Discord computes it.
    let role = bot_role(&env.sim, env.g.guild_id).await;
    let g = env.g.guild_id;
    env.client
        .set_role_permissions(
            g,
            role,
            BOT_REQUIRED & !perms::ATTACH_FILES & !perms::MANAGE_ROLES,
        )
        .await
        .unwrap();
    let (report, healthy) = doctor().await;
    assert!(!healthy, "{report}");
    assert!(
        report.contains("PROBLEM: The bot's role lacks Manage Roles: tickets cannot be opened"),
        "{report}"
    );
    env.client
        .set_role_permissions(g, role, BOT_REQUIRED)
        .await
        .unwrap();

    // The log channel denies the bot Send Messages.
    let bot_user = env.sim.application_id();
    let status = env
        .rest_as_bot(
            reqwest::Method::PUT,
            &format!("/channels/{log}/permissions/{bot_user}"),
            Some(json!({"type": 1, "allow": "0", "deny": perms::SEND_MESSAGES.to_string()})),
        )
        .await;
    assert_eq!(status, 204);
    let (report, healthy) = doctor().await;
    assert!(healthy, "a silent log does not stop tickets: {report}");
    assert!(
        report.contains("warning: The bot cannot write to the log channel")
            && report.contains("Send Messages"),
        "{report}"
    );

    // The tickets category fills up.
    for i in 0..50 {
        env.client
            .create_channel(g, &format!("filler-{i}"), 0, Some(category))
            .await
            .unwrap();
    }
    let (report, _) = doctor().await;
    assert!(report.contains("is full"), "{report}");

    // The panel message is deleted, and the staff role.
    let status = env
        .rest_as_bot(
            reqwest::Method::DELETE,
            &format!("/channels/{}/messages/{panel}", env.general()),
            None,
        )
        .await;
    assert_eq!(status, 204);
    env.client
        .delete_role(g, env.g.staff_role_id)
        .await
        .unwrap();
    let (report, healthy) = doctor().await;
    assert!(!healthy);
    assert!(
        report.contains("1 of 1 panel messages are gone") && report.contains("no button"),
        "{report}"
    );
    assert!(
        report.contains(&format!("Staff role {} was deleted", env.g.staff_role_id)),
        "{report}"
    );

    // The category is deleted while the bot is stopped.
    drop(socket);
    let World {
        sim,
        client,
        bot,
        dir,
        ..
    } = env.world;
    bot.shutdown().await;
    client.delete_channel(category).await.unwrap();
    let (report, healthy) = ticketeer::ops::doctor::run(&doctor_args(&sim, dir.clone()))
        .await
        .expect("doctor reads the file");
    assert!(!healthy, "{report}");
    assert!(
        report.contains(&format!("The tickets category ({category}) was deleted")),
        "{report}"
    );
    assert!(report.contains("problem(s) in 1 server(s)"), "{report}");
    sim.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// `ticketeer backup` while the bot runs (through its socket), during a stream of opens: the
/// copy is a consistent database that reads back what it says. `restore` refuses a running
/// bot's data and existing data without `--force`, and keeps what it replaces.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn backup_while_running_and_restore_with_its_refusals() {
    use ticketeer::ops::{args, data};
    let env = Env::start("backup", 6).await;
    let (_, panel, member, channel) = env.with_open_ticket().await;
    env.close(channel, member).await;
    let _socket =
        ticketeer::ops::control::serve(env.bot.store().clone(), &env.dir).expect("socket");
    let work = env.dir.with_extension("work");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let file = work.join("backup.redb");
    // Tickets keep opening while the copy is made.
    let opens = async {
        for &m in &env.g.member_ids[1..4] {
            env.open_ticket(panel, m).await;
        }
    };
    let backup_args = args::BackupArgs {
        file: file.clone(),
        data_dir: env.dir.clone(),
    };
    let (said, ()) = tokio::join!(data::backup(&backup_args), opens);
    let said = said.expect("backup while running");
    assert!(said.contains("(verified)"), "{said}");
    let copied = ticketeer::store::portable::verify_file(&file).expect("a Ticketeer database");
    assert_eq!(copied.guilds, 1);
    assert!((1..=4).contains(&copied.tickets), "{copied:?}");
    assert_eq!(copied.transcripts, 1);
    let again = data::backup(&args::BackupArgs {
        file: file.clone(),
        data_dir: env.dir.clone(),
    })
    .await
    .expect_err("a backup never overwrites");
    assert!(again.to_string().contains("exists"), "{again}");

    let restore = |data_dir: PathBuf, force: bool| {
        let file = file.clone();
        async move {
            data::restore(&args::RestoreArgs {
                file,
                data_dir,
                force,
            })
            .await
        }
    };
    let error = restore(env.dir.clone(), true)
        .await
        .expect_err("not under a running bot");
    assert!(error.to_string().contains("stop it"), "{error}");
    let fresh = work.join("fresh");
    let said = restore(fresh.clone(), false)
        .await
        .expect("into a fresh dir");
    assert!(
        said.contains(&format!("{} ticket(s)", copied.tickets)),
        "{said}"
    );
    let error = restore(fresh.clone(), false)
        .await
        .expect_err("existing data needs --force");
    assert!(error.to_string().contains("--force"), "{error}");
    let said = restore(fresh.clone(), true).await.expect("with --force");
    assert!(said.contains("before-restore"), "{said}");
    assert!(fresh.join("ticketeer.redb.before-restore").exists());
    // The restored file is what the bot would start from: the closed ticket and its transcript.
    let store = ticketeer::store::Store::open(ticketeer::store::StoreConfig {
        path: fresh.join("ticketeer.redb"),
        durability: ticketeer::store::Durability::Immediate,
    })
    .expect("restored file opens");
    let closed = store
        .ticket(env.g.guild_id, 1)
        .await
        .unwrap()
        .expect("ticket 1");
    assert_eq!(closed.state, TicketState::Closed);
    assert!(store.transcript(env.g.guild_id, 1).await.unwrap().is_some());
    store.close().await;
    let _ = std::fs::remove_dir_all(&work);
    env.stop().await;
}

/// Export from a running bot, import into a fresh data dir, start the bot there: it serves the
/// same tickets (the open one closes from its button, the closed one keeps its transcript).
/// Importing the same export again is refused, since its numbers would collide.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn export_and_import_move_a_guild_and_refuse_colliding_numbers() {
    use ticketeer::ops::{args, data};
    let env = Env::start("export", 4).await;
    let (_, panel, first, closed_channel) = env.with_open_ticket().await;
    env.close(closed_channel, first).await;
    let opener = env.g.member_ids[1];
    let open_channel = env.open_ticket(panel, opener).await;
    let original_transcript = env.transcript(1).await;
    let socket = ticketeer::ops::control::serve(env.bot.store().clone(), &env.dir).expect("socket");
    let json = data::export(&args::ExportArgs {
        guild: env.g.guild_id,
        data_dir: env.dir.clone(),
    })
    .await
    .expect("export from the running bot");
    drop(socket);
    let doc: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(doc["format"], "ticketeer-guild-export");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["guild"], env.g.guild_id.to_string());
    assert_eq!(doc["tickets"].as_array().map(Vec::len), Some(2));

    let moved = env.dir.with_extension("moved");
    let _ = std::fs::remove_dir_all(&moved);
    std::fs::create_dir_all(&moved).unwrap();
    let file = moved.with_extension("json");
    std::fs::write(&file, &json).unwrap();
    let import_args = args::ImportArgs {
        file: file.clone(),
        data_dir: moved.clone(),
    };
    let import = || data::import(&import_args);
    let said = import().await.expect("import into a fresh dir");
    assert!(said.contains("2 ticket(s), 1 transcript(s)"), "{said}");
    let error = import().await.expect_err("the same numbers again");
    assert!(error.to_string().contains("[1, 2]"), "{error}");
    let error = data::import(&args::ImportArgs {
        file: file.clone(),
        data_dir: env.dir.clone(),
    })
    .await
    .expect_err("not under a running bot");
    assert!(error.to_string().contains("stop it"), "{error}");

    // The bot moves to the imported data.
    let env = env
        .restart_with(|config| config.data_dir = moved.clone())
        .await;
    assert_eq!(env.transcript(1).await, original_transcript);
    assert_eq!(env.record(2).await.channel, Some(open_channel));
    env.close(open_channel, opener).await;
    env.wait_state(2, TicketState::Closed).await;
    // And numbering goes on after the imported ones.
    let third = env.open_ticket(panel, env.g.member_ids[2]).await;
    assert_eq!(
        env.bot
            .store()
            .ticket_by_channel(third)
            .await
            .unwrap()
            .map(|t| t.number),
        Some(3)
    );
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_dir_all(&moved);
    env.stop().await;
}

/// A channel made in the simulator as Amina made it: `topic` and member overwrites as given,
/// @everyone denied, and (as the README asks before an import) the role `seen_by` let in.
#[allow(clippy::too_many_arguments)]
async fn amina_channel(
    sim: &SimHandle,
    guild: u64,
    name: &str,
    kind: u8,
    parent: Option<u64>,
    topic: Option<&str>,
    members: &[u64],
    seen_by: Option<u64>,
) -> u64 {
    use ticketeer::domain::access::perms;
    let mut overwrites = vec![json!({"id": guild.to_string(), "type": 0, "allow": "0",
        "deny": perms::VIEW_CHANNEL.to_string()})];
    if let Some(role) = seen_by {
        overwrites.push(json!({"id": role.to_string(), "type": 0,
            "allow": perms::VIEW_CHANNEL.to_string(), "deny": "0"}));
    }
    let allow = perms::VIEW_CHANNEL | perms::SEND_MESSAGES | perms::READ_MESSAGE_HISTORY;
    overwrites.extend(
        members.iter().map(
            |m| json!({"id": m.to_string(), "type": 1, "allow": allow.to_string(), "deny": "0"}),
        ),
    );
    let mut body = json!({"name": name, "type": kind, "permission_overwrites": overwrites});
    if let Some(p) = parent {
        body["parent_id"] = json!(p.to_string());
    }
    if let Some(t) = topic {
        body["topic"] = json!(t);
    }
    let answer: Value = reqwest::Client::new()
        .post(format!("{}/_sim/guilds/{guild}/channels", sim.http_url()))
        .json(&body)
        .send()
        .await
        .expect("channel made")
        .json()
        .await
        .expect("JSON");
    id_of(&answer["channel_id"])
}

/// `ticketeer import-amina` on a hand-written `mongoexport` line that follows the reference's
/// schema, against a guild holding Amina's channels: a dry run changes nothing and says what it
/// would do; `--apply` sets up the guild and adopts the open ticket (numbered after Amina's
/// highest), and the bot's next start finishes it: renamed, Ticketeer's overwrites, a welcome
/// with the Close button the opener can use. The closed Amina ticket is left alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn amina_import_sets_up_the_guild_and_adopts_open_tickets() {
    let sim = sim::start(SimConfig {
        rate_limits: RateLimitMode::Off,
        message_content: true,
        // In CI's OpenAPI recording with the rest of the suite.
        record: std::env::var_os("TICKETEER_RECORD").map(PathBuf::from),
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts");
    let client = sim.client();
    let g = sim.seed_guild(3).await;
    let guild = g.guild_id;
    let (opener, helper, left) = (g.member_ids[0], g.member_ids[1], g.member_ids[2]);
    let role = Some(bot_role(&sim, guild).await);
    let tickets = amina_channel(&sim, guild, "Tickets", 4, None, None, &[], role).await;
    let billing = amina_channel(&sim, guild, "Billing", 4, None, None, &[], role).await;
    let log = amina_channel(&sim, guild, "ticket-logs", 0, None, None, &[], role).await;
    let open = amina_channel(
        &sim,
        guild,
        "t\u{456}cket-7",
        0,
        Some(billing),
        Some(&format!("t\u{456}cket|{opener}|Billing")),
        &[opener, helper],
        role,
    )
    .await;
    let closed = amina_channel(
        &sim,
        guild,
        "t\u{456}cket-8",
        0,
        Some(tickets),
        Some(&format!("t\u{456}cket|{left}|")),
        &[],
        role,
    )
    .await;
    let dir = std::env::temp_dir().join(format!("ticketeer-features-amina-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("amina-guilds.json");
    std::fs::write(
        &file,
        format!(
            concat!(
                r#"{{"_id":"{guild}","data":{{"name":"Seeded Guild"}},"ticket":{{"log_channel":"{log}","limit":{{"$numberInt":"20"}},"category":"{tickets}","enabled":true,"staff_roles":["{staff}"],"topics":[{{"name":"Billing"}},{{"name":"Other"}}]}}}}"#,
                "\n"
            ),
            guild = guild,
            log = log,
            tickets = tickets,
            staff = g.staff_role_id
        ),
    )
    .unwrap();
    let data_dir = dir.join("data");
    let run = |apply: bool| {
        let args = ticketeer::ops::args::AminaArgs {
            file: file.clone(),
            apply,
            token: Some("simulated-token".into()),
            token_file: None,
            discord_api: Some(sim.http_url()),
            data_dir: data_dir.clone(),
        };
        async move { ticketeer::ops::amina::run(&args).await }
    };
    let (said, _) = run(false).await.expect("dry run");
    assert!(said.contains("would set"), "{said}");
    assert!(
        said.contains(&format!(
            "adopt #t\u{456}cket-7 ({open}) as ticket-0009 for <@{opener}>"
        )),
        "{said}"
    );
    assert!(
        said.contains("t\u{456}cket-8 is a closed Amina ticket"),
        "{said}"
    );
    assert!(said.contains("dry run"), "{said}");
    assert!(
        !data_dir.join("ticketeer.redb").exists(),
        "a dry run writes nothing"
    );
    let name_of = |channel: u64| {
        let client = client.clone();
        async move {
            let channels = client.guild_channels(guild).await.expect("channels");
            channels
                .into_iter()
                .find(|c| id_of(&c["id"]) == channel)
                .and_then(|c| c["name"].as_str().map(str::to_owned))
        }
    };
    assert_eq!(name_of(open).await.as_deref(), Some("t\u{456}cket-7"));

    let (said, all_done) = run(true).await.expect("apply");
    assert!(all_done, "{said}");
    assert!(said.contains("did set"), "{said}");
    assert!(!said.contains("could not be changed"), "{said}");
    assert_eq!(name_of(open).await.as_deref(), Some("ticket-0009"));
    assert_eq!(name_of(closed).await.as_deref(), Some("t\u{456}cket-8"));
    let staff_view = client
        .permissions(open, g.staff_id)
        .await
        .unwrap()
        .view_channel;
    assert!(staff_view, "Ticketeer's overwrites give staff the ticket");
    assert!(client.permissions(open, helper).await.unwrap().view_channel);
    assert!(!client.permissions(open, left).await.unwrap().view_channel);

    let mut config =
        BotConfig::for_simulator(&sim.http_url(), &sim.gateway_url(), data_dir.clone());
    config.ratelimiter = false;
    let bot = Bot::start(config).await.expect("bot starts");
    assert!(bot.wait_ready(1, WAIT).await);
    let settings = bot.store().load_guild(guild).await.unwrap().settings;
    assert_eq!(settings.log_channel, Some(log));
    assert_eq!(settings.tickets_category, Some(tickets));
    assert_eq!(settings.per_guild_limit, 20);
    assert_eq!(settings.staff_roles, [g.staff_role_id]);
    let topics: Vec<(&str, Option<u64>)> = settings
        .topics
        .iter()
        .map(|t| (t.name.as_str(), t.category))
        .collect();
    assert_eq!(topics, [("Billing", Some(billing)), ("Other", None)]);
    // The start finishes the adoption: open, with a welcome carrying Close.
    let record = eventually("ticket 9 open", || async {
        let r = bot.store().ticket(guild, 9).await.ok()??;
        (r.state == TicketState::Open).then_some(r)
    })
    .await;
    assert_eq!(record.opener, opener);
    assert_eq!(record.participants, [helper]);
    let (message, custom_id) = eventually("a Close button", || async {
        let messages = client.channel_messages(open).await.ok()?;
        find_action(&messages, |a| matches!(a, Action::Close { ticket: 9 }))
    })
    .await;
    let id = client
        .click(guild, open, opener, message, &custom_id)
        .await
        .expect("click");
    eventually("closed", || async {
        let r = bot.store().ticket(guild, 9).await.ok()??;
        (r.state == TicketState::Closed).then_some(())
    })
    .await;
    eventually("the opener told it is closed", || async {
        let outcome = client.wait_interaction(id, 100).await.ok()?;
        message_text(outcome.message.as_ref())
            .contains("closed")
            .then_some(())
    })
    .await;
    bot.shutdown().await;
    sim.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// The block of the README's "Set it up for your server" that follows `marker`: the fenced code
/// after it, its indentation removed.
fn readme_block(marker: &str) -> String {
    const README: &str = include_str!("../README.md");
    let from = README.find(marker).expect("the README step");
    let mut lines = README[from..]
        .lines()
        .skip_while(|l| !l.trim().starts_with("```"));
    lines.next();
    lines
        .take_while(|l| !l.trim().starts_with("```"))
        .map(|l| format!("{}\n", l.trim()))
        .collect()
}

/// Runs the binary in `dir` and returns `(success, stdout, stderr)`.
fn ticketeer(dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ticketeer"))
        .args(args)
        .current_dir(dir)
        .env_remove("DISCORD_TOKEN")
        .output()
        .expect("the binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The README's "Set it up for your server", followed literally with the binary in a directory
/// of its own, the simulator standing in for Discord (the portal's switches are its settings;
/// the one line added to the README's `ticketeer.toml` points at it): the token file made with
/// the README's command, the invite's permissions given to the bot's role, `run`, `doctor`,
/// `/ticket panel` and a member's first ticket, a backup beside the running bot, SIGTERM.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_readme_setup_steps_work_with_the_binary() {
    let sim = sim::start(SimConfig {
        rate_limits: RateLimitMode::Off,
        // Only the token the README's command wrote is accepted.
        token: Some("the-bot-token".into()),
        message_content: true,
        server_members: true,
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts");
    let client = sim.client();
    let g = sim.seed_guild(3).await;
    let dir =
        std::env::temp_dir().join(format!("ticketeer-features-readme-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();

    // Step 1: the token, into a file only its owner reads, with the README's command.
    let token_line = readme_block("**Create the application.**");
    let mut shell = std::process::Command::new("bash")
        .args(["-c", token_line.trim()])
        .current_dir(&dir)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("bash");
    {
        use std::io::Write;
        let mut stdin = shell.stdin.take().expect("stdin");
        stdin.write_all(b"the-bot-token\n").unwrap();
    }
    assert!(shell.wait().unwrap().success(), "{token_line}");
    assert_eq!(
        std::fs::read_to_string(dir.join("token")).unwrap(),
        "the-bot-token\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("token"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Step 3: the README's ticketeer.toml, pointed at the simulator.
    let config = readme_block("**Configure.**");
    assert!(config.contains("token_file = \"token\""), "{config}");
    std::fs::write(
        dir.join("ticketeer.toml"),
        format!("{config}discord_api = \"{}\"\n", sim.http_url()),
    )
    .unwrap();

    // Step 4: the invite link; authorizing it gives the bot's role exactly its permissions.
    let (ok, out, err) = ticketeer(&dir, &["invite"]);
    assert!(ok, "{err}");
    let link = out.lines().next().unwrap_or_default();
    assert!(
        link.contains(&format!("client_id={}", sim.application_id())),
        "{out}"
    );
    let readme = include_str!("../README.md");
    let integer = ticketeer::ops::invite::permissions();
    assert!(link.ends_with(&format!("permissions={integer}")), "{link}");
    assert!(
        readme.contains(&format!("permissions={integer}")),
        "the README's integer is the code's"
    );
    client
        .set_role_permissions(
            g.guild_id,
            bot_role_as(&sim, g.guild_id, "the-bot-token").await,
            integer,
        )
        .await
        .unwrap();

    // Step 5: run it.
    let log = dir.join("run.log");
    let mut bot = std::process::Command::new(env!("CARGO_BIN_EXE_ticketeer"))
        .arg("run")
        .current_dir(&dir)
        .env_remove("DISCORD_TOKEN")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("ticketeer run");
    let socket = dir.join("data").join("ticketeer.sock");
    eventually("the bot is up with its socket", || async {
        let identified = !client.identifies().await.ok()?.is_empty();
        (identified && socket.exists()).then_some(())
    })
    .await;

    // Step 6: the doctor, beside the running bot.
    let (ok, out, err) = ticketeer(&dir, &["doctor"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("not set up in this server yet"), "{out}");

    // Step 7: `/ticket panel`, and a member's first ticket.
    let panel = eventually("/ticket panel answered", || async {
        driver::post_panel(&client, &g).await.ok()
    })
    .await;
    let (_, text) = driver::click_open(&client, &g, panel, g.member_ids[0])
        .await
        .expect("open");
    let channel = channel_from_link(&text).unwrap_or_else(|| panic!("{text}"));
    let channels = client.guild_channels(g.guild_id).await.unwrap();
    let find = |id: u64| channels.iter().find(|c| id_of(&c["id"]) == id).cloned();
    let ticket = find(channel).expect("the ticket channel");
    assert_eq!(ticket["name"], "ticket-0001");
    let category = find(id_of(&ticket["parent_id"])).expect("its category");
    assert_eq!(category["name"], "Tickets");
    let (ok, out, _) = ticketeer(&dir, &["doctor"]);
    assert!(ok && out.contains("ok: nothing wrong found"), "{out}");

    // A backup beside the running bot, then a graceful stop.
    let (ok, out, err) = ticketeer(&dir, &["backup", "backup.redb"]);
    assert!(ok && out.contains("1 ticket(s)"), "{out}{err}");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &bot.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exited = tokio::task::spawn_blocking(move || bot.wait())
        .await
        .unwrap()
        .unwrap();
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(exited.success(), "{logged}");
    assert!(logged.contains("ticketeer is running"), "{logged}");
    assert!(
        !logged.contains("the-bot-token"),
        "the token stays out of the log"
    );
    assert!(!socket.exists(), "the socket goes with the bot");
    sim.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// languages: `user` presses the first button matching `wanted` in `channel` with
/// their Discord set to `locale`; returns the interaction id.
async fn press_in_locale(
    env: &Env,
    channel: u64,
    user: u64,
    locale: &str,
    wanted: impl Fn(&Action) -> bool,
) -> u64 {
    let messages = env
        .client
        .channel_messages(channel)
        .await
        .expect("messages");
    let (message, custom_id) = find_action(&messages, wanted).expect("such a button");
    env.client
        .interaction(json!({
            "kind": "component", "guild_id": env.g.guild_id.to_string(),
            "channel_id": channel.to_string(), "user_id": user.to_string(),
            "message_id": message.to_string(), "custom_id": custom_id, "locale": locale,
        }))
        .await
        .expect("click accepted")
}

/// languages: a member whose Discord speaks German is answered in German, while what
/// the bot posts in channels follows the server: its primary language in Discord (French), then
/// the language an admin chose in Setup (English). A locale the bot does not speak gets English.
#[tokio::test]
async fn a_member_is_answered_in_their_language_while_channels_follow_the_server() {
    let env = Env::start("languages", 2).await;
    let (guild, general) = (env.g.guild_id, env.general());
    env.client
        .set_preferred_locale(guild, "fr")
        .await
        .expect("the server's language set");
    env.set_staff().await;
    let log = env.set_log_channel().await;
    let panel = env.panel_via_hub(general, "Support").await;
    let messages = env
        .client
        .channel_messages(general)
        .await
        .expect("messages");
    let posted = messages
        .iter()
        .find(|m| m["id"].as_str() == Some(panel.to_string().as_str()))
        .expect("the panel");
    assert_eq!(
        posted["components"][0]["components"][0]["label"], "Ouvrir un ticket",
        "the panel is the server's: {posted}"
    );

    let member = env.g.member_ids[0];
    let open = |m: &Action| *m == Action::OpenTicket;
    let id = press_in_locale(&env, general, member, "de", open).await;
    let answer = env.answer_containing(id, "ist offen").await;
    assert!(answer.starts_with("Dein Ticket #1 ist offen: "), "{answer}");
    let channel = channel_from_link(&answer).expect("a link");
    let welcome = &env
        .client
        .channel_messages(channel)
        .await
        .expect("messages")[0];
    assert_eq!(welcome["embeds"][0]["title"], "Ticket #1");
    let greeting = welcome["embeds"][0]["description"].as_str().unwrap_or("");
    assert!(
        greeting.starts_with(&format!("Bonjour <@{member}> !")),
        "{greeting}"
    );
    assert_eq!(welcome["components"][0]["components"][0]["label"], "Fermer");
    env.wait_embed(log, "Ticket ouvert", 1).await;
    let dm = eventually("the opener's DM", || async {
        let dms = env.client.dms(member).await.ok()?;
        dms.last().map(|m| message_text(Some(m)))
    })
    .await;
    assert!(
        dm.starts_with("Dein Ticket #1 ist offen"),
        "the DM is the opener's: {dm}"
    );

    // The admin (Discord in English) chooses English for the server's channel messages.
    let (hub, id) = env.setup(SetupChoice::Language).await;
    env.response_message(id).await;
    let id = env
        .select(
            env.owner(),
            general,
            hub,
            &Action::LanguageSelect,
            &["en-US".into()],
        )
        .await;
    env.answer_containing(id, "Channel messages will be in English.")
        .await;
    assert_eq!(env.settings().await.language.as_deref(), Some("en-US"));

    let close = |a: &Action| matches!(a, Action::Close { .. });
    let id = press_in_locale(&env, channel, member, "de", close).await;
    assert_eq!(
        env.answer_containing(id, "geschlossen").await,
        "Ticket #1 geschlossen."
    );
    env.wait_embed(channel, "Ticket #1 closed", 1).await;
    env.wait_embed(log, "Ticket closed", 1).await;

    // Japanese is not one of the bot's languages: English.
    let other = env.g.member_ids[1];
    let id = press_in_locale(&env, general, other, "ja", open).await;
    let answer = env.answer_containing(id, "is open").await;
    assert!(answer.starts_with("Your ticket #2 is open: "), "{answer}");
    env.stop().await;
}

// ---------------------------------------------------------------------------------------------
// Inactivity: the bot's clock is a `ManualClock` the test moves; `Bot::clock().check()`
// makes it look again, so hours pass without sleeping.

mod inactivity {
    use std::sync::Arc;

    use super::*;
    use ticketeer::actors::clock::ManualClock;

    const HOUR: i64 = 3_600_000;

    /// A guild with staff, a log channel, a panel and one open ticket (#1), inactivity set to
    /// `warn` / `close` hours, on a clock the test moves: `(env, clock, member, channel)`.
    async fn quiet_ticket(
        name: &str,
        warn: &str,
        close: &str,
    ) -> (Env, Arc<ManualClock>, u64, u64) {
        quiet_ticket_with(name, warn, close, "").await
    }

    /// [`quiet_ticket`], with the modal's "close when the opener leaves" answered `leaves`.
    async fn quiet_ticket_with(
        name: &str,
        warn: &str,
        close: &str,
        leaves: &str,
    ) -> (Env, Arc<ManualClock>, u64, u64) {
        let clock = Arc::new(ManualClock::new(ticketeer::actors::ticket::now_millis()));
        let env = Env::start(name, 3).await;
        let shared = clock.clone();
        let env = env.restart_with(move |c| c.clock = shared).await;
        let (_, _, member, channel) = env.with_open_ticket().await;
        let (_, id) = env.setup(SetupChoice::Inactivity).await;
        env.expect_modal(id).await;
        let id = env
            .submit(
                env.owner(),
                env.general(),
                &Action::InactivityModal,
                &[
                    (fields::WARN_AFTER, warn),
                    (fields::CLOSE_AFTER, close),
                    (fields::STALE_PING, "auto"),
                    (fields::OPENER_LEAVES, leaves),
                ],
            )
            .await;
        // "Inactivity saved: …" or "Inactivity warning and auto-close are off."; a refusal
        // says "The inactivity settings were not changed".
        env.answer_containing(id, "Inactivity ").await;
        (env, clock, member, channel)
    }

    /// Moves the bot's clock and waits until the clock has looked (its status is answered after
    /// the check), then a little for what it handed on.
    async fn pass(env: &Env, clock: &ManualClock, millis: i64) {
        clock.advance(millis);
        env.bot.clock().check();
        env.bot.clock().status().await.expect("clock answers");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    async fn warning(env: &Env, channel: u64) -> Option<Value> {
        env.client
            .channel_messages(channel)
            .await
            .expect("messages")
            .into_iter()
            .find(|m| {
                find_action(std::slice::from_ref(m), |a| {
                    matches!(a, Action::KeepOpen { .. })
                })
                .is_some()
            })
    }

    async fn wait_warning(env: &Env, channel: u64) -> Value {
        eventually("the inactivity warning", || warning(env, channel)).await
    }

    async fn wait_no_warning(env: &Env, channel: u64) {
        eventually("the warning deleted", || async {
            warning(env, channel).await.is_none().then_some(())
        })
        .await
    }

    /// Waits until the earliest deadline is at least `ahead` past the bot's clock: a message
    /// disarms the auto-close and re-arms the warning, and the old warning's deletion can be
    /// seen before either is done.
    async fn wait_rearmed(env: &Env, clock: &ManualClock, ahead: i64) {
        use ticketeer::actors::clock::Clock;
        eventually("the warning armed again", || async {
            let status = env.bot.clock().status().await?;
            let at = status.next_at?;
            (at >= clock.now() + ahead).then_some(())
        })
        .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_quiet_ticket_is_warned_a_message_answers_it_and_silence_closes_it() {
        let (env, clock, member, channel) = quiet_ticket("inactive", "24", "12").await;
        pass(&env, &clock, 23 * HOUR).await;
        assert!(warning(&env, channel).await.is_none(), "warned early");

        pass(&env, &clock, HOUR).await;
        let warned = wait_warning(&env, channel).await;
        // The member spoke last (opening it): the warning pings staff, not the member.
        let content = warned["content"].as_str().unwrap_or("");
        assert!(
            content.contains(&format!("<@&{}>", env.g.staff_role_id)),
            "{content}"
        );
        assert!(!content.contains(&format!("<@{member}>")), "{content}");
        assert!(env.record(1).await.stale_warning.is_some());

        // The warning, a bot's message, was no activity; staff writing is, and deletes it.
        env.client
            .post_message(channel, env.g.staff_id, "we are on it")
            .await
            .expect("message");
        wait_no_warning(&env, channel).await;
        eventually("the record forgets the warning", || async {
            env.record(1).await.stale_warning.is_none().then_some(())
        })
        .await;
        pass(&env, &clock, 12 * HOUR).await;
        assert_eq!(env.record(1).await.state, TicketState::Open);

        // A day after staff wrote: warned again, pinging the member, whose answer it is.
        pass(&env, &clock, 12 * HOUR).await;
        let warned = wait_warning(&env, channel).await;
        let content = warned["content"].as_str().unwrap_or("");
        assert!(content.contains(&format!("<@{member}>")), "{content}");
        assert!(!content.contains("<@&"), "{content}");
        pass(&env, &clock, 12 * HOUR).await;
        env.wait_state(1, TicketState::Closed).await;
        let record = env.record(1).await;
        assert_eq!(record.close_reason.as_deref(), Some("inactive"));
        close_dm(&env, member).await;
        let deadlines = env.bot.store().load_deadlines().await.expect("deadlines");
        assert!(deadlines.is_empty(), "a closed ticket keeps {deadlines:?}");
        env.stop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn keep_open_and_autoclose_off_keep_a_quiet_ticket_open_across_a_restart() {
        let (env, clock, member, channel) = quiet_ticket("keepopen", "24", "12").await;
        pass(&env, &clock, 24 * HOUR).await;
        wait_warning(&env, channel).await;
        let id = env
            .click_in(channel, member, |a| matches!(a, Action::KeepOpen { .. }))
            .await;
        env.answer_containing(id, "stays open").await;
        wait_no_warning(&env, channel).await;
        pass(&env, &clock, 12 * HOUR).await;
        assert_eq!(env.record(1).await.state, TicketState::Open);

        // The deadline is stored: a restart (same clock) still warns on time.
        let shared = clock.clone();
        let env = env.restart_with(move |c| c.clock = shared).await;
        pass(&env, &clock, 12 * HOUR).await;
        wait_warning(&env, channel).await;
        // After the restart the actor learns of the member's message as it arrives.
        env.client
            .post_message(channel, member, "still need help")
            .await
            .expect("message");
        wait_no_warning(&env, channel).await;
        wait_rearmed(&env, &clock, 23 * HOUR).await;
        pass(&env, &clock, 24 * HOUR).await;
        wait_warning(&env, channel).await;

        // Staff exclude the ticket: the warning goes and nothing comes back.
        let id = env
            .client
            .command(
                env.g.guild_id,
                channel,
                env.g.staff_id,
                "tickets",
                json!([{"name": "autoclose", "type": 1,
                        "options": [{"name": "mode", "type": 3, "value": "off"}]}]),
            )
            .await
            .expect("command");
        env.answer_containing(id, "will not be warned").await;
        wait_no_warning(&env, channel).await;
        pass(&env, &clock, 100 * HOUR).await;
        assert!(warning(&env, channel).await.is_none());
        let record = env.record(1).await;
        assert_eq!(record.state, TicketState::Open);
        assert!(record.autoclose_off);

        // A member may not switch it back.
        let id = env
            .client
            .command(
                env.g.guild_id,
                channel,
                member,
                "tickets",
                json!([{"name": "autoclose", "type": 1,
                        "options": [{"name": "mode", "type": 3, "value": "on"}]}]),
            )
            .await
            .expect("command");
        env.answer_containing(id, "Only staff").await;
        env.stop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_ticket_closes_when_its_opener_leaves_if_the_server_asks() {
        let (env, _clock, member, channel) = quiet_ticket_with("openerleft", "0", "", "yes").await;
        assert!(env.settings().await.inactivity.close_when_opener_leaves);
        // Someone else leaving changes nothing.
        env.client
            .remove_member(env.g.guild_id, env.g.member_ids[1])
            .await
            .expect("leave");
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(env.record(1).await.state, TicketState::Open);
        env.client
            .remove_member(env.g.guild_id, member)
            .await
            .expect("leave");
        env.wait_state(1, TicketState::Closed).await;
        let record = env.record(1).await;
        assert_eq!(
            record.close_reason.as_deref(),
            Some("the opener left the server")
        );
        assert!(warning(&env, channel).await.is_none());
        env.stop().await;
    }

    /// A topic's own rules: its tickets are warned while the server's rules are off, the
    /// others are not.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_topic_can_have_inactivity_rules_of_its_own() {
        let clock = Arc::new(ManualClock::new(ticketeer::actors::ticket::now_millis()));
        let env = Env::start("topic-inactivity", 3).await;
        let shared = clock.clone();
        let env = env.restart_with(move |c| c.clock = shared).await;
        let (_, panel, _, plain) = env.with_open_ticket().await;
        env.add_topic("Sales").await;
        let sales = env
            .open_ticket_with_topic(panel, env.g.member_ids[1], "Sales")
            .await;
        let (_, id) = env.setup(SetupChoice::Inactivity).await;
        env.expect_modal(id).await;
        let id = env
            .submit(
                env.owner(),
                env.general(),
                &Action::InactivityModal,
                &[
                    (fields::WARN_AFTER, "2"),
                    (fields::CLOSE_AFTER, "24"),
                    (fields::STALE_PING, "auto"),
                    (fields::OPENER_LEAVES, ""),
                    (fields::FORM_TOPIC, "sales"),
                ],
            )
            .await;
        env.answer_containing(id, "Topic **Sales**:").await;
        assert!(!env.settings().await.inactivity.is_on());
        pass(&env, &clock, 3 * HOUR).await;
        wait_warning(&env, sales).await;
        assert!(
            warning(&env, plain).await.is_none(),
            "the server's rules are off"
        );
        env.stop().await;
    }

    /// `/tickets request-close reason: hours:` in `channel` as `user`; returns the answer.
    async fn request_close_in(
        env: &Env,
        user: u64,
        channel: u64,
        reason: &str,
        hours: u32,
    ) -> String {
        let options = json!([{"name": "request-close", "type": 1, "options": [
            {"name": "reason", "type": 3, "value": reason},
            {"name": "hours", "type": 4, "value": hours}]}]);
        let id = env
            .client
            .command(env.g.guild_id, channel, user, "tickets", options)
            .await
            .expect("command accepted");
        env.answer(id).await
    }

    /// The close request's message, if one is posted and its buttons are live.
    async fn live_request(env: &Env, channel: u64) -> Option<Value> {
        let messages = env
            .client
            .channel_messages(channel)
            .await
            .expect("messages");
        messages.into_iter().find(|m| {
            let live = m["components"][0]["components"][0]["disabled"].as_bool() != Some(true);
            live && find_action(std::slice::from_ref(m), |a| {
                matches!(a, Action::CloseRequestAccept { .. })
            })
            .is_some()
        })
    }

    /// A close request with a delay is a stored deadline: it survives a restart, never fires
    /// early, and closes with the request's reason when nobody replied.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_delayed_close_request_closes_on_time_across_a_restart() {
        let (env, clock, member, channel) = quiet_ticket("delayed-close", "0", "0").await;
        let staff = env.g.staff_id;
        assert_eq!(
            request_close_in(&env, staff, channel, "solved?", 2).await,
            "Close request posted in ticket #1."
        );
        let request = live_request(&env, channel)
            .await
            .expect("the request is posted");
        let text = request["embeds"][0]["description"]
            .as_str()
            .unwrap_or_default();
        assert!(text.contains("Closes by itself <t:"), "{text}");
        // Staff talking among themselves is not the other side: the request stands.
        env.client
            .post_message(channel, staff, "waiting for them")
            .await
            .expect("message");
        pass(&env, &clock, HOUR).await;
        assert_eq!(env.record(1).await.state, TicketState::Open);

        let shared = clock.clone();
        let env = env.restart_with(move |c| c.clock = shared).await;
        pass(&env, &clock, HOUR - 60_000).await;
        assert_eq!(env.record(1).await.state, TicketState::Open, "never early");
        pass(&env, &clock, 61_000).await;
        env.wait_state(1, TicketState::Closed).await;
        let record = env.record(1).await;
        assert_eq!(record.close_reason.as_deref(), Some("solved?"));
        assert!(!matches!(record.closed_by, Some(by) if by == staff || by == member));
        env.stop().await;
    }

    /// A reply from the side that was asked withdraws a close request and says so; the
    /// withdrawal holds after a restart, when the ticket's actor is started by the message.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_reply_from_the_other_side_withdraws_a_close_request() {
        let (env, clock, member, channel) = quiet_ticket("withdrawn-close", "0", "0").await;
        let staff = env.g.staff_id;
        request_close_in(&env, staff, channel, "done here?", 1).await;
        let shared = clock.clone();
        let env = env.restart_with(move |c| c.clock = shared).await;
        env.client
            .post_message(channel, member, "wait, one more thing")
            .await
            .expect("message");
        eventually("the request is withdrawn", || async {
            let record = env.record(1).await;
            let said = env
                .client
                .channel_messages(channel)
                .await
                .ok()?
                .iter()
                .any(|m| {
                    m["content"]
                        .as_str()
                        .is_some_and(|c| c.contains("replied, so the close request is withdrawn"))
                });
            (record.staff.close_request.is_none() && said).then_some(())
        })
        .await;
        eventually("its buttons are retired", || async {
            live_request(&env, channel).await.is_none().then_some(())
        })
        .await;
        pass(&env, &clock, 2 * HOUR).await;
        assert_eq!(env.record(1).await.state, TicketState::Open);
        // The opener's messages are not a first response; staff's first message is.
        assert_eq!(env.record(1).await.trail.first_staff_reply, None);

        // The opener asks staff: the opener's own further messages do not withdraw it, staff's do.
        let answer = env.request_close(member, channel, "all good").await;
        assert_eq!(answer, "Close request posted in ticket #1.");
        env.client
            .post_message(channel, member, "thanks!")
            .await
            .expect("message");
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(env.record(1).await.staff.close_request.is_some());
        env.client
            .post_message(channel, staff, "one last check first")
            .await
            .expect("message");
        eventually("staff's reply withdraws it", || async {
            env.record(1)
                .await
                .staff
                .close_request
                .is_none()
                .then_some(())
        })
        .await;
        eventually("staff's first response is recorded", || async {
            env.record(1).await.trail.first_staff_reply.map(|_| ())
        })
        .await;
        let options = json!([{"name": "stats", "type": 1,
            "options": [{"name": "user", "type": 6, "value": staff.to_string()}]}]);
        let id = env
            .client
            .command(env.g.guild_id, env.general(), staff, "tickets", options)
            .await
            .expect("command accepted");
        let figures = env.answer(id).await;
        assert!(figures.contains("answered 1 tickets first"), "{figures}");
        env.stop().await;
    }
}

// Staff workflow: claim, unclaim, transfer.

impl Env {
    /// `/tickets <sub>` in `channel` as `user`; returns the interaction id.
    async fn tickets_command(&self, user: u64, channel: u64, sub: &str) -> u64 {
        self.client
            .command(
                self.g.guild_id,
                channel,
                user,
                "tickets",
                json!([{"name": sub, "type": 1, "options": []}]),
            )
            .await
            .expect("command accepted")
    }

    /// `(view, send)` of `user` in `channel`, as the simulator computes them.
    async fn can(&self, channel: u64, user: u64) -> (bool, bool) {
        let p = self
            .client
            .permissions(channel, user)
            .await
            .expect("permissions");
        (p.view_channel, p.send_messages)
    }

    /// The welcome message's embed description.
    async fn welcome_text(&self, channel: u64) -> String {
        let messages = self
            .client
            .channel_messages(channel)
            .await
            .expect("messages");
        messages
            .iter()
            .find(|m| {
                m["embeds"][0]["title"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("Ticket #"))
            })
            .and_then(|m| m["embeds"][0]["description"].as_str())
            .unwrap_or_default()
            .to_owned()
    }

    /// `member` opens a ticket on `panel` (in #general) picking the topic named `topic`;
    /// returns its channel.
    async fn open_ticket_with_topic(&self, panel: u64, member: u64, topic: &str) -> u64 {
        let settings = self.settings().await;
        let topic = settings
            .topics
            .iter()
            .find(|t| t.name == topic)
            .expect("the topic exists");
        let id = self.click_open(panel, member).await;
        let picker = self.response_message(id).await;
        let id = self
            .select(
                member,
                self.general(),
                picker,
                &Action::PickTopic { opener: member },
                &[topic.id.to_string()],
            )
            .await;
        let text = self.answer_containing(id, "is open").await;
        channel_from_link(&text).expect("a link")
    }

    /// `/ticket claim-mode` with `options`, as the owner in #general; returns the answer.
    async fn claim_mode(&self, options: Value) -> String {
        let id = self
            .client
            .command(
                self.g.guild_id,
                self.general(),
                self.owner(),
                "ticket",
                json!([{"name": "claim-mode", "type": 1, "options": options}]),
            )
            .await
            .expect("command accepted");
        self.answer(id).await
    }

    /// `/tickets request-close reason:` in `channel` as `user`; returns the answer.
    async fn request_close(&self, user: u64, channel: u64, reason: &str) -> String {
        let options = json!([{"name": "request-close", "type": 1,
            "options": [{"name": "reason", "type": 3, "value": reason}]}]);
        let id = self
            .client
            .command(self.g.guild_id, channel, user, "tickets", options)
            .await
            .expect("command accepted");
        self.answer(id).await
    }

    /// `/tickets transfer` as `by`, then picks `to` in the staff select; returns the answer.
    async fn transfer(&self, by: u64, channel: u64, ticket: u64, to: u64) -> String {
        let id = self.tickets_command(by, channel, "transfer").await;
        let prompt = self.response_message(id).await;
        let id = self
            .select(
                by,
                channel,
                prompt,
                &Action::TransferSelect { ticket },
                &[to.to_string()],
            )
            .await;
        self.answer(id).await
    }
}

/// Two well-known bots drop added users when a ticket is claimed. Here a guarded claim leaves
/// the opener and the added user writing, stops other staff from writing (they still read),
/// shows the claimer on the welcome message, and a double click claims once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_claim_guards_the_channel_and_keeps_added_users() {
    let env = Env::start("claim", 3).await;
    let (_, _, member, channel) = env.with_open_ticket().await;
    let ticket = 1;
    assert_eq!(env.record(ticket).await.channel, Some(channel));
    let (staff, added) = (env.g.staff_id, env.g.member_ids[1]);
    let other_staff = env
        .client
        .add_member(env.g.guild_id, "staff2", &[env.g.staff_role_id])
        .await
        .expect("member added");
    let id = env
        .change_people(env.owner(), channel, ticket, true, &[added])
        .await;
    env.answer_containing(id, "added").await;
    // Calls that change the channel itself (its overwrites, name or topic).
    let channel_edits = || async {
        let stats = env.client.stats().await.expect("stats");
        [
            "PATCH /channels/{id}",
            "PUT /channels/{id}/permissions/{id}",
            "DELETE /channels/{id}/permissions/{id}",
        ]
        .iter()
        .map(|route| stats.requests_per_route.get(*route).copied().unwrap_or(0))
        .sum::<u64>()
    };
    let edits_before = channel_edits().await;

    // The opener cannot claim; two Claim presses at once claim once.
    let id = env
        .click_in(channel, member, |a| matches!(a, Action::Claim { .. }))
        .await;
    assert_eq!(env.answer(id).await, "Only staff can claim a ticket.");
    let welcome = env
        .last_message_with(channel, Action::Claim { ticket })
        .await;
    let answers = env
        .press_together(
            channel,
            staff,
            &[
                (welcome, Action::Claim { ticket }),
                (welcome, Action::Claim { ticket }),
            ],
        )
        .await;
    let mut sorted = answers.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            format!("You claimed ticket #{ticket}."),
            format!("You have already claimed ticket #{ticket}."),
        ],
        "{answers:?}"
    );
    assert_eq!(env.record(ticket).await.staff.claimer, Some(staff));
    assert!(!env.record(ticket).await.staff.access_pending);

    assert_eq!(env.can(channel, staff).await, (true, true), "claimer");
    assert_eq!(
        env.can(channel, other_staff).await,
        (true, false),
        "other staff"
    );
    assert_eq!(env.can(channel, member).await, (true, true), "opener");
    assert_eq!(env.can(channel, added).await, (true, true), "added user");
    let bystander = env.g.member_ids[2];
    assert_eq!(
        env.can(channel, bystander).await,
        (false, false),
        "bystander"
    );
    eventually("the welcome names the claimer", || async {
        env.welcome_text(channel)
            .await
            .contains(&format!("Claimed by <@{staff}>"))
            .then_some(())
    })
    .await;
    assert!(
        env.buttons(channel)
            .await
            .iter()
            .any(|(_, a, on)| *a == Action::Unclaim { ticket } && *on),
        "the welcome offers Unclaim"
    );
    // The topic names the claimer, changed in the same edit as the overwrites: one call.
    let topic = env.channel(channel).await.expect("channel")["topic"].clone();
    assert!(
        topic
            .as_str()
            .is_some_and(|t| t.contains(&format!("claimed by <@{staff}>"))),
        "{topic}"
    );
    assert_eq!(channel_edits().await - edits_before, 1, "one channel edit");

    // Another staff member is told who holds it.
    let id = env.tickets_command(other_staff, channel, "claim").await;
    assert_eq!(
        env.answer(id).await,
        format!(
            "Ticket #{ticket} is claimed by <@{staff}>. They or an admin can transfer it to you."
        )
    );
    env.stop().await;
}

/// A transfer goes to staff only (a member picked in the select is refused), moves the right to
/// write with it, and an unclaim gives every staff member their voice back; added users keep
/// theirs throughout.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn transfers_go_to_staff_and_unclaim_restores_access() {
    let env = Env::start("transfer", 3).await;
    let (_, _, member, channel) = env.with_open_ticket().await;
    let ticket = 1;
    assert_eq!(env.record(ticket).await.channel, Some(channel));
    let (staff, added) = (env.g.staff_id, env.g.member_ids[1]);
    let other_staff = env
        .client
        .add_member(env.g.guild_id, "staff2", &[env.g.staff_role_id])
        .await
        .expect("member added");
    let id = env
        .change_people(env.owner(), channel, ticket, true, &[added])
        .await;
    env.answer_containing(id, "added").await;
    let id = env.tickets_command(staff, channel, "claim").await;
    env.answer_containing(id, "You claimed").await;

    let refused = env.transfer(staff, channel, ticket, added).await;
    assert_eq!(
        refused,
        format!("<@{added}> is not staff; a ticket can only be handed to staff.")
    );
    let refused = env.transfer(staff, channel, ticket, member).await;
    assert_eq!(
        refused,
        format!("<@{member}> opened this ticket and cannot claim it.")
    );
    let id = env.tickets_command(member, channel, "transfer").await;
    assert_eq!(
        env.answer(id).await,
        "Only the claimer or an admin can transfer this ticket."
    );

    let moved = env.transfer(staff, channel, ticket, other_staff).await;
    assert_eq!(
        moved,
        format!("Ticket #{ticket} is now claimed by <@{other_staff}>.")
    );
    assert_eq!(env.record(ticket).await.staff.claimer, Some(other_staff));
    assert_eq!(
        env.can(channel, other_staff).await,
        (true, true),
        "new claimer"
    );
    assert_eq!(
        env.can(channel, staff).await,
        (true, false),
        "former claimer"
    );
    assert_eq!(env.can(channel, added).await, (true, true), "added user");

    // Only the claimer (or an admin) unclaims; then every staff member writes again.
    let id = env.tickets_command(staff, channel, "unclaim").await;
    assert_eq!(
        env.answer(id).await,
        "Only the claimer or an admin can unclaim this ticket."
    );
    let id = env.tickets_command(other_staff, channel, "unclaim").await;
    assert_eq!(
        env.answer(id).await,
        format!("Ticket #{ticket} is no longer claimed.")
    );
    assert_eq!(
        env.can(channel, staff).await,
        (true, true),
        "staff after unclaim"
    );
    assert_eq!(
        env.can(channel, added).await,
        (true, true),
        "added user after unclaim"
    );
    assert_eq!(
        env.can(channel, member).await,
        (true, true),
        "opener after unclaim"
    );
    let id = env.tickets_command(staff, env.general(), "claim").await;
    assert_eq!(env.answer(id).await, "Use this inside a ticket channel.");
    env.stop().await;
}

/// A crash after a claim's durable "pending" mark and before its overwrite edit leaves the
/// channel as it was: the next start derives the overwrites from the stored claim again.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_claim_cut_short_by_a_crash_is_repaired_at_start() {
    let env = Env::start("claim-repair", 2).await;
    let (_, _, member, channel) = env.with_open_ticket().await;
    let ticket = 1;
    assert_eq!(env.record(ticket).await.channel, Some(channel));
    let other_staff = env
        .client
        .add_member(env.g.guild_id, "staff2", &[env.g.staff_role_id])
        .await
        .expect("member added");
    let mut record = env.record(ticket).await;
    record.staff.claimer = Some(env.g.staff_id);
    record.staff.access_pending = true;
    env.bot
        .store()
        .write(vec![ticketeer::store::WriteOp::PutTicket(record)])
        .await
        .expect("record written");
    assert_eq!(
        env.can(channel, other_staff).await,
        (true, true),
        "before repair"
    );

    let env = env.restart().await;
    eventually("the claim's overwrites repaired", || async {
        (env.can(channel, other_staff).await == (true, false)).then_some(())
    })
    .await;
    assert_eq!(
        env.can(channel, env.g.staff_id).await,
        (true, true),
        "claimer"
    );
    assert_eq!(env.can(channel, member).await, (true, true), "opener");
    eventually("the pending mark cleared", || async {
        (!env.record(ticket).await.staff.access_pending).then_some(())
    })
    .await;
    env.stop().await;
}

/// Staff ask the opener to confirm a close, with a reason: an added user cannot answer, Keep
/// open withdraws the request, a second request waits for the first, and Close closes with the
/// request's reason, which the log, the transcript and the opener's DM all carry.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_close_request_is_answered_by_the_other_side_and_its_reason_travels() {
    let env = Env::start("close-request", 3).await;
    let (log, _, member, channel) = env.with_open_ticket().await;
    let ticket = 1;
    let (staff, added) = (env.g.staff_id, env.g.member_ids[1]);
    let id = env
        .change_people(env.owner(), channel, ticket, true, &[added])
        .await;
    env.answer_containing(id, "added").await;
    let ask = |reason| env.request_close(staff, channel, reason);
    assert_eq!(
        ask("all sorted?").await,
        "Close request posted in ticket #1."
    );
    assert_eq!(
        ask("again").await,
        "Ticket #1 already has a close request waiting for an answer."
    );

    let id = env
        .click_in(channel, added, |a| {
            matches!(a, Action::CloseRequestAccept { .. })
        })
        .await;
    assert_eq!(
        env.answer(id).await,
        "Only the member who opened this ticket or staff can ask to close it or answer a request."
    );
    let first = env
        .last_message_with(channel, Action::CloseRequestKeep { ticket })
        .await;
    let id = env
        .click_in(channel, member, |a| {
            matches!(a, Action::CloseRequestKeep { .. })
        })
        .await;
    assert_eq!(env.answer(id).await, "Ticket #1 stays open.");
    env.wait_retired(channel, first).await;
    assert_eq!(env.record(ticket).await.staff.close_request, None);

    assert_eq!(
        ask("all sorted now?").await,
        "Close request posted in ticket #1."
    );
    let id = env
        .click_in(channel, member, |a| {
            matches!(a, Action::CloseRequestAccept { .. })
        })
        .await;
    env.answer_containing(id, "closed").await;
    let record = env.record(ticket).await;
    assert_eq!(record.state, TicketState::Closed);
    assert_eq!(record.close_reason.as_deref(), Some("all sorted now?"));
    assert_eq!(record.closed_by, Some(member));
    let (_, text) = env.transcript(ticket).await;
    assert!(text.contains("all sorted now?"), "{text}");
    eventually("the DM carries the reason", || async {
        let dms = env.client.dms(member).await.ok()?;
        dms.iter()
            .any(|m| {
                m["content"]
                    .as_str()
                    .is_some_and(|c| c.contains("Reason: all sorted now?"))
            })
            .then_some(())
    })
    .await;
    env.wait_embed(log, "Close requested", 2).await;
    env.stop().await;
}

/// The claim mode is the server's setting, and a topic can override it: private hides a
/// claimed ticket from other staff (admins still see it), a label changes no access at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_claim_mode_is_a_server_setting_a_topic_can_override() {
    let env = Env::start("claim-mode", 3).await;
    let (_, panel, member, channel) = env.with_open_ticket().await;
    let staff = env.g.staff_id;
    let other_staff = env
        .client
        .add_member(env.g.guild_id, "staff2", &[env.g.staff_role_id])
        .await
        .expect("member added");
    let set_mode = |options: Value| env.claim_mode(options);
    assert_eq!(
        set_mode(json!([{"name": "mode", "type": 3, "value": "private"}])).await,
        "Claiming a ticket is now private (only the claimer among staff sees the ticket) in this server."
    );
    assert_eq!(env.settings().await.claims.mode, ClaimMode::Private);
    let id = env.tickets_command(staff, channel, "claim").await;
    env.answer_containing(id, "You claimed").await;
    assert_eq!(
        env.can(channel, other_staff).await,
        (false, false),
        "other staff"
    );
    assert_eq!(env.can(channel, staff).await, (true, true), "claimer");
    assert_eq!(env.can(channel, member).await, (true, true), "opener");
    assert_eq!(env.can(channel, env.owner()).await, (true, true), "owner");

    // A topic set to label: its tickets' claims change nobody's access.
    let answer = env.add_topic("Sales").await;
    assert!(answer.contains("Sales"), "{answer}");
    assert_eq!(
        set_mode(json!([{"name": "mode", "type": 3, "value": "label"},
            {"name": "topic", "type": 3, "value": "sales"}]))
        .await,
        "Claiming a ticket of the topic **Sales** is now label only (everyone keeps writing)."
    );
    assert_eq!(
        set_mode(json!([{"name": "mode", "type": 3, "value": "label"},
            {"name": "topic", "type": 3, "value": "nope"}]))
        .await,
        "No topic has that name. Topics are listed in Setup."
    );
    let id = env
        .client
        .command(
            env.g.guild_id,
            env.general(),
            staff,
            "ticket",
            json!([{"name": "claim-mode", "type": 1,
                "options": [{"name": "mode", "type": 3, "value": "label"}]}]),
        )
        .await;
    assert!(id.is_err(), "/ticket needs Manage Server: {id:?}");
    let second = env.g.member_ids[1];
    let sales = env.open_ticket_with_topic(panel, second, "Sales").await;
    let id = env.tickets_command(staff, sales, "claim").await;
    env.answer_containing(id, "You claimed").await;
    assert_eq!(
        env.can(sales, other_staff).await,
        (true, true),
        "label claim"
    );
    env.stop().await;
}

/// Priority shows on the welcome message; renames keep to Discord's two per 10 minutes per
/// channel: a third is held and the person told when it happens, while the ticket keeps
/// answering everything else at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn priority_shows_and_renames_keep_to_the_budget() {
    let env = Env::start("rename", 2).await;
    let (_, _, member, channel) = env.with_open_ticket().await;
    let staff = env.g.staff_id;
    let command = |user: u64, sub: &'static str, option: &'static str, value: &'static str| {
        let env = &env;
        async move {
            let options = json!([{"name": sub, "type": 1,
                "options": [{"name": option, "type": 3, "value": value}]}]);
            let id = env
                .client
                .command(env.g.guild_id, channel, user, "tickets", options)
                .await
                .expect("command accepted");
            env.answer(id).await
        }
    };
    assert_eq!(
        command(member, "priority", "level", "urgent").await,
        "Only staff can set a ticket's priority."
    );
    assert_eq!(
        command(staff, "priority", "level", "urgent").await,
        "Ticket #1 now has urgent priority."
    );
    eventually("the welcome shows the priority", || async {
        env.welcome_text(channel)
            .await
            .contains("Priority: **urgent**")
            .then_some(())
    })
    .await;
    assert_eq!(env.record(1).await.staff.priority, Priority::Urgent);

    assert_eq!(
        command(member, "rename", "name", "mine").await,
        "Only staff can rename a ticket."
    );
    // The priority shows as the name's prefix: that spent one of the channel's two renames.
    let name = || async { env.channel(channel).await.expect("channel")["name"].clone() };
    assert_eq!(name().await, "urgent-ticket-0001");
    assert_eq!(
        command(staff, "rename", "name", "Billing Issue").await,
        "Ticket #1 renamed to **billing-issue**."
    );
    assert_eq!(name().await, "urgent-billing-issue");
    let queued = command(staff, "rename", "name", "refund").await;
    assert!(
        queued.starts_with(
            "Discord allows two renames per channel every 10 minutes: ticket #1 becomes **refund** <t:"
        ),
        "{queued}"
    );
    assert_eq!(name().await, "urgent-billing-issue");
    // The waiting rename holds nothing up.
    assert_eq!(
        command(staff, "priority", "level", "low").await,
        "Ticket #1 now has low priority."
    );

    // Discord's budget outlives a restart of the bot, and so does the bot's memory of it.
    let env = env.restart().await;
    let options = json!([{"name": "rename", "type": 1,
        "options": [{"name": "name", "type": 3, "value": "after-restart"}]}]);
    let id = env
        .client
        .command(env.g.guild_id, channel, staff, "tickets", options)
        .await
        .expect("command accepted");
    let queued = env.answer(id).await;
    assert!(queued.starts_with("Discord allows two renames"), "{queued}");
    let (_, text) = {
        let id = env.tickets_command(staff, channel, "close").await;
        env.answer_containing(id, "closed").await;
        env.transcript(1).await
    };
    for line in [
        "[set the priority to urgent]",
        "[renamed the channel to billing-issue]",
        "[renamed the channel to refund]",
        "[set the priority to low]",
    ] {
        assert!(text.contains(line), "{line} in {text}");
    }
    env.stop().await;
}

/// `/tickets list` shows staff the open tickets, most urgent first, each a link, filtered by
/// claimer; members are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn staff_list_open_tickets_by_urgency_and_claimer() {
    let env = Env::start("list", 3).await;
    let (_, panel, member, first) = env.with_open_ticket().await;
    let second = env.open_ticket(panel, env.g.member_ids[1]).await;
    let staff = env.g.staff_id;
    let list = |user: u64, options: Value| {
        let env = &env;
        async move {
            let id = env
                .client
                .command(
                    env.g.guild_id,
                    env.general(),
                    user,
                    "tickets",
                    json!([{"name": "list", "type": 1, "options": options}]),
                )
                .await
                .expect("command accepted");
            env.answer(id).await
        }
    };
    assert_eq!(
        list(member, json!([])).await,
        "Only staff can manage tickets."
    );
    let id = env
        .client
        .command(
            env.g.guild_id,
            second,
            staff,
            "tickets",
            json!([{"name": "priority", "type": 1,
                "options": [{"name": "level", "type": 3, "value": "high"}]}]),
        )
        .await
        .expect("command accepted");
    env.answer_containing(id, "high priority").await;
    let id = env.tickets_command(staff, first, "claim").await;
    env.answer_containing(id, "You claimed").await;

    let all = list(staff, json!([])).await;
    let guild = env.g.guild_id;
    assert_eq!(
        all,
        format!(
            "Open tickets 1–2 of 2 (page 1 of 1):\n#2 https://discord.com/channels/{guild}/{second} · <@{}> · high\n#1 https://discord.com/channels/{guild}/{first} · <@{member}> · normal · claimed by <@{staff}>",
            env.g.member_ids[1]
        )
    );
    let mine = list(
        staff,
        json!([{"name": "claimer", "type": 6, "value": staff.to_string()}]),
    )
    .await;
    assert!(mine.starts_with("Open tickets 1–1 of 1"), "{mine}");
    assert!(mine.contains(&format!("/{first} ")), "{mine}");
    env.stop().await;
}

/// `/tickets close reason:` suggests the server's most used close reasons as staff type
/// (an autocomplete interaction, type 4, answered with choices, type 8); members get none, and
/// the chosen reason closes the ticket with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn close_reasons_autocomplete_from_the_most_used() {
    let env = Env::start("autocomplete", 4).await;
    let (_, panel, _, first) = env.with_open_ticket().await;
    let staff = env.g.staff_id;
    let close_with = |channel: u64, reason: &'static str| {
        let env = &env;
        async move {
            let options = json!([{"name": "close", "type": 1,
                "options": [{"name": "reason", "type": 3, "value": reason}]}]);
            let id = env
                .client
                .command(env.g.guild_id, channel, staff, "tickets", options)
                .await
                .expect("command accepted");
            env.answer_containing(id, "closed").await
        }
    };
    let second = env.open_ticket(panel, env.g.member_ids[1]).await;
    let third = env.open_ticket(panel, env.g.member_ids[2]).await;
    close_with(first, "Solved").await;
    close_with(second, "Spam").await;
    close_with(third, "solved").await;
    let suggest = |user: u64, typed: &'static str| {
        let env = &env;
        async move {
            let options = json!([{"name": "close", "type": 1, "options": [
                {"name": "reason", "type": 3, "value": typed, "focused": true}]}]);
            let id = env
                .client
                .autocomplete(env.g.guild_id, env.general(), user, "tickets", options)
                .await
                .expect("autocomplete accepted");
            let outcome = env
                .client
                .wait_interaction(id, 5_000)
                .await
                .expect("answered");
            let response = outcome.response.expect("a response");
            assert_eq!(response["type"], 8, "{response}");
            response["data"]["choices"]
                .as_array()
                .expect("choices")
                .iter()
                .map(|c| c["value"].as_str().unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(suggest(staff, "").await, ["Solved", "Spam"]);
    assert_eq!(suggest(staff, "sp").await, ["Spam"]);
    assert!(suggest(env.g.member_ids[3], "").await.is_empty());
    assert_eq!(env.record(1).await.close_reason.as_deref(), Some("Solved"));
    // As on Discord, only an option registered with autocomplete can be focused.
    let not_registered = env
        .client
        .autocomplete(
            env.g.guild_id,
            env.general(),
            staff,
            "tickets",
            json!([{"name": "request-close", "type": 1, "options": [
                {"name": "reason", "type": 3, "value": "x", "focused": true}]}]),
        )
        .await;
    assert!(not_registered.is_err(), "{not_registered:?}");
    env.stop().await;
}

/// Staff move a ticket to another topic: its channel goes to that topic's category with the
/// opener, the added user and the claim kept; the topic's claim mode applies from then on;
/// members are refused; a second move to the same topic changes nothing; autocomplete offers
/// the topics to staff only.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_ticket_moves_to_another_topic_keeping_its_people_and_claim() {
    let env = Env::start("move", 3).await;
    let (log, _, member, channel) = env.with_open_ticket().await;
    let (staff, added) = (env.g.staff_id, env.g.member_ids[1]);
    let other_staff = env
        .client
        .add_member(env.g.guild_id, "staff2", &[env.g.staff_role_id])
        .await
        .expect("member added");
    env.add_topic("Sales").await;
    env.add_topic("Billing").await;
    let id = env
        .change_people(env.owner(), channel, 1, true, &[added])
        .await;
    env.answer_containing(id, "added").await;
    let id = env.tickets_command(staff, channel, "claim").await;
    env.answer_containing(id, "You claimed").await;
    let move_to = |user: u64, topic: String| {
        let env = &env;
        async move {
            let options = json!([{"name": "move", "type": 1,
                "options": [{"name": "topic", "type": 3, "value": topic}]}]);
            let id = env
                .client
                .command(env.g.guild_id, channel, user, "tickets", options)
                .await
                .expect("command accepted");
            env.answer(id).await
        }
    };
    let suggest = |user: u64| {
        let env = &env;
        async move {
            let options = json!([{"name": "move", "type": 1, "options": [
                {"name": "topic", "type": 3, "value": "bil", "focused": true}]}]);
            let id = env
                .client
                .autocomplete(env.g.guild_id, channel, user, "tickets", options)
                .await
                .expect("autocomplete accepted");
            let outcome = env
                .client
                .wait_interaction(id, 5_000)
                .await
                .expect("answered");
            outcome.response.expect("a response")["data"]["choices"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        }
    };
    let settings = env.settings().await;
    let topic = |name: &str| {
        settings
            .topics
            .iter()
            .find(|t| t.name == name)
            .cloned()
            .expect("topic")
    };
    let (sales, billing) = (topic("Sales"), topic("Billing"));
    let offered = suggest(staff).await;
    assert_eq!(offered.len(), 1, "{offered:?}");
    assert_eq!(offered[0]["value"], billing.id.to_string());
    assert!(suggest(member).await.is_empty());

    assert_eq!(
        move_to(member, "Billing".into()).await,
        "Only staff can move a ticket to another topic."
    );
    assert_eq!(
        move_to(staff, "Nowhere".into()).await,
        "No topic has that name. Pick one of the offered topics."
    );
    assert_eq!(
        move_to(staff, billing.id.to_string()).await,
        "Ticket #1 moved to **Billing**."
    );
    let record = env.record(1).await;
    assert_eq!(record.topic, Some(billing.id));
    assert_eq!(record.staff.claimer, Some(staff));
    assert_eq!(record.parent, billing.category);
    let parent = env.channel(channel).await.map(|c| id_of(&c["parent_id"]));
    assert_eq!(parent, billing.category);
    for (who, user, access) in [
        ("opener", member, (true, true)),
        ("added user", added, (true, true)),
        ("claimer", staff, (true, true)),
        ("other staff (guarded claim)", other_staff, (true, false)),
    ] {
        assert_eq!(env.can(channel, user).await, access, "{who}");
    }
    assert_eq!(
        move_to(staff, "billing".into()).await,
        "Ticket #1 is already in **Billing**."
    );
    env.wait_embed(log, "Ticket moved", 1).await;

    // Sales keeps claimed tickets private: moved there, other staff lose sight of it.
    env.claim_mode(json!([{"name": "mode", "type": 3, "value": "private"},
        {"name": "topic", "type": 3, "value": "sales"}]))
        .await;
    assert_eq!(
        move_to(staff, "Sales".into()).await,
        "Ticket #1 moved to **Sales**."
    );
    assert_eq!(env.record(1).await.parent, sales.category);
    assert_eq!(env.can(channel, other_staff).await, (false, false));
    assert_eq!(env.can(channel, added).await, (true, true), "added user");
    assert_eq!(env.can(channel, member).await, (true, true), "opener");

    // The transcript tells what staff did, in order, among the messages.
    let id = env.tickets_command(staff, channel, "close").await;
    env.answer_containing(id, "closed").await;
    let (html, text) = env.transcript(1).await;
    let lines = [
        "[claimed the ticket]",
        "[moved the ticket to Billing]",
        "[moved the ticket to Sales]",
    ];
    let at: Vec<usize> = lines
        .iter()
        .map(|line| {
            text.find(line)
                .unwrap_or_else(|| panic!("{line} in {text}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "in order: {text}");
    assert!(html.contains("moved the ticket to Sales"), "{html}");
    env.stop().await;
}

/// A crash after a move's durable "pending" mark and before its edit: the next start puts the
/// channel in the stored topic's category, with the overwrites the record derives, in one edit.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_move_cut_short_by_a_crash_is_repaired_at_start() {
    let env = Env::start("move-repair", 2).await;
    let (_, _, member, channel) = env.with_open_ticket().await;
    env.add_topic("Billing").await;
    let billing = env
        .settings()
        .await
        .topics
        .into_iter()
        .find(|t| t.name == "Billing")
        .expect("topic");
    let mut record = env.record(1).await;
    (record.topic, record.parent) = (Some(billing.id), billing.category);
    record.staff.access_pending = true;
    env.bot
        .store()
        .write(vec![ticketeer::store::WriteOp::PutTicket(record)])
        .await
        .expect("record written");
    let parent = || async { env.channel(channel).await.map(|c| id_of(&c["parent_id"])) };
    assert_ne!(parent().await, billing.category, "before repair");

    let env = env.restart().await;
    let parent = || async { env.channel(channel).await.map(|c| id_of(&c["parent_id"])) };
    eventually("the channel moved to the stored category", || async {
        (parent().await == billing.category).then_some(())
    })
    .await;
    assert_eq!(env.can(channel, member).await, (true, true), "opener");
    eventually("the pending mark cleared", || async {
        (!env.record(1).await.staff.access_pending).then_some(())
    })
    .await;
    env.stop().await;
}

/// The ticket's attachments named `ext` on `message`, as text.
async fn attached_text(env: &Env, message: &Value, ext: &str) -> String {
    let attachments = message["attachments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let Some(file) = attachments
        .iter()
        .find(|a| a["filename"].as_str().is_some_and(|f| f.ends_with(ext)))
    else {
        panic!("a {ext} file on {message}");
    };
    let bytes = env
        .client
        .attachment(id_of(&file["id"]))
        .await
        .expect("file");
    String::from_utf8(bytes).expect("utf-8")
}

/// Staff notes are a private thread in the ticket: created on first use, joined by the staff
/// who run `/tickets notes`, invisible to the opener; staff's transcript carries them in a
/// section of their own, the opener's copy leaves them out; archived on close, back on reopen.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn staff_notes_are_a_thread_only_staff_see_and_left_out_of_the_openers_copy() {
    let env = Env::start("notes", 3).await;
    let (log, _, member, channel) = env.with_open_ticket().await;
    let staff = env.g.staff_id;
    let other_staff = env
        .client
        .add_member(env.g.guild_id, "staff2", &[env.g.staff_role_id])
        .await
        .expect("member added");
    let id = env.tickets_command(member, channel, "notes").await;
    assert_eq!(
        env.answer(id).await,
        "Only staff can read and write a ticket's staff notes."
    );
    let id = env.tickets_command(staff, channel, "notes").await;
    let answer = env.answer(id).await;
    assert!(
        answer.starts_with("Staff notes of ticket #1: <#"),
        "{answer}"
    );
    let thread = env
        .record(1)
        .await
        .trail
        .notes_thread
        .expect("the thread is stored");
    assert!(answer.contains(&format!("<#{thread}>")), "{answer}");
    assert_eq!(
        env.can(thread, staff).await,
        (true, true),
        "staff who asked"
    );
    assert!(!env.can(thread, member).await.0, "the opener");
    assert!(!env.can(thread, other_staff).await.0, "not yet added");
    let id = env.tickets_command(other_staff, channel, "notes").await;
    env.answer_containing(id, &format!("<#{thread}>")).await;
    assert_eq!(env.can(thread, other_staff).await, (true, true), "added");

    env.client
        .post_message(thread, staff, "NOTE-MARKER refund approved")
        .await
        .expect("note");
    env.client
        .post_message(channel, member, "MEMBER-MARKER thanks")
        .await
        .expect("message");
    let id = env.tickets_command(staff, channel, "close").await;
    env.answer_containing(id, "closed").await;
    env.wait_embed(log, "Ticket closed", 1).await;
    let logged = env.client.channel_messages(log).await.expect("log");
    let closed = logged
        .iter()
        .find(|m| m["embeds"][0]["title"] == "Ticket closed")
        .expect("closed entry");
    let staff_copy = attached_text(&env, closed, ".txt").await;
    assert!(staff_copy.contains("MEMBER-MARKER"), "{staff_copy}");
    assert!(staff_copy.contains("Staff notes (left out of the opener's copy)"));
    assert!(staff_copy.contains("NOTE-MARKER"), "{staff_copy}");
    let (_, stored) = env.transcript(1).await;
    assert!(
        stored.contains("NOTE-MARKER"),
        "staff's copy is the one kept"
    );
    let dm = eventually("the opener's DM", || async {
        let dms = env.client.dms(member).await.ok()?;
        dms.into_iter()
            .find(|m| m["attachments"].as_array().is_some_and(|a| !a.is_empty()))
    })
    .await;
    let opener_copy = attached_text(&env, &dm, ".txt").await;
    assert!(opener_copy.contains("MEMBER-MARKER"), "{opener_copy}");
    assert!(!opener_copy.contains("NOTE-MARKER"), "{opener_copy}");
    assert!(!opener_copy.contains("Staff notes"), "{opener_copy}");
    let archived = || async {
        let thread = env.client.channel(thread).await.expect("thread");
        thread["thread_metadata"]["archived"].as_bool()
    };
    assert_eq!(archived().await, Some(true), "archived on close");

    let id = env
        .click_in(channel, staff, |a| matches!(a, Action::Reopen { .. }))
        .await;
    env.answer_containing(id, "reopened").await;
    assert_eq!(archived().await, Some(false), "back on reopen");
    env.stop().await;
}

/// Who a staff-workflow matrix row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Opener,
    Added,
    Claimer,
    OtherStaff,
    Admin,
    Owner,
    Bystander,
    Left,
}

impl Role {
    /// Staff to the bot: a staff role, Administrator, or the owner.
    fn staff(self) -> bool {
        matches!(
            self,
            Role::Claimer | Role::OtherStaff | Role::Admin | Role::Owner
        )
    }

    /// Sees the ticket channel (Discord refuses an interaction in a channel one cannot see,
    /// and one from a member who left).
    fn sees(self) -> bool {
        !matches!(self, Role::Bystander | Role::Left)
    }
}

/// The staff workflow's actions by everyone a ticket concerns, each cell checked through the
/// simulator's own permission computation (an interaction is refused in a channel one cannot
/// see) and the bot's answer: claim, unclaim, priority, rename, move, notes, a close request,
/// and Keep open on one. The ticket is claimed (guarded) throughout; what a cell changes is
/// put back before the next.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn staff_workflow_permission_matrix() {
    let env = Env::start("staff-matrix", 4).await;
    let (_, _, opener, channel) = env.with_open_ticket().await;
    let (claimer, added, bystander, leaver) = (
        env.g.staff_id,
        env.g.member_ids[1],
        env.g.member_ids[2],
        env.g.member_ids[3],
    );
    let guild = env.g.guild_id;
    let other_staff = env
        .client
        .add_member(guild, "staff2", &[env.g.staff_role_id])
        .await
        .expect("staff2");
    let admin_role = env
        .client
        .create_role(guild, "Admin", 1 << 3)
        .await
        .expect("admin role");
    let admin = env
        .client
        .add_member(guild, "admin", &[admin_role])
        .await
        .expect("admin");
    env.add_topic("Billing").await;
    env.add_topic("Sales").await;
    let id = env
        .change_people(env.owner(), channel, 1, true, &[added, leaver])
        .await;
    env.answer_containing(id, "added").await;
    let id = env.tickets_command(claimer, channel, "claim").await;
    env.answer_containing(id, "You claimed").await;
    env.client.remove_member(guild, leaver).await.expect("left");

    // `None`: Discord refused the interaction (the person cannot see the channel).
    let run = |user: u64, sub: &'static str, options: Value| {
        let env = &env;
        async move {
            let options = json!([{"name": sub, "type": 1, "options": options}]);
            let id = env
                .client
                .command(guild, channel, user, "tickets", options)
                .await
                .ok()?;
            Some(env.answer(id).await)
        }
    };
    let keep_open = |user: u64| {
        let env = &env;
        async move {
            let buttons = env.buttons(channel).await;
            let (message, action, _) = buttons
                .into_iter()
                .find(|(_, a, on)| matches!(a, Action::CloseRequestKeep { .. }) && *on)?;
            let id = env
                .client
                .click(guild, channel, user, message, &custom_id::encode(&action))
                .await
                .ok()?;
            Some(env.answer(id).await)
        }
    };
    let rows = [
        (Role::Opener, opener),
        (Role::Added, added),
        (Role::Claimer, claimer),
        (Role::OtherStaff, other_staff),
        (Role::Admin, admin),
        (Role::Owner, env.owner()),
        (Role::Bystander, bystander),
        (Role::Left, leaver),
    ];
    let mut cells = 0;
    for (role, user) in rows {
        let check = |action: &str, answer: Option<String>, allowed: &[&str], refused: &str| match (
            role.sees(),
            answer,
        ) {
            (false, None) => {}
            (true, Some(text)) if allowed.iter().any(|a| text.contains(a)) => {}
            (true, Some(text)) if !refused.is_empty() && text.contains(refused) => {}
            (_, other) => panic!("{role:?} {action}: {other:?}"),
        };
        let staff_or = |refusal: &'static str| if role.staff() { "" } else { refusal };

        let answer = run(user, "claim", json!([])).await;
        let claim_ok: &[&str] = match role {
            Role::Claimer => &["You have already claimed"],
            _ if role.staff() => &["is claimed by"],
            _ => &[],
        };
        check("claim", answer, claim_ok, staff_or("Only staff can claim"));

        let answer = run(
            user,
            "priority",
            json!([{"name": "level", "type": 3, "value": "high"}]),
        )
        .await;
        let priority_ok: &[&str] = if role.staff() {
            &["high priority"]
        } else {
            &[]
        };
        check(
            "priority",
            answer,
            priority_ok,
            staff_or("Only staff can set"),
        );

        let answer = run(
            user,
            "rename",
            json!([{"name": "name", "type": 3, "value": "help"}]),
        )
        .await;
        let rename_ok: &[&str] = if role.staff() {
            &["renamed to **help**", "Discord allows two renames"]
        } else {
            &[]
        };
        check(
            "rename",
            answer,
            rename_ok,
            staff_or("Only staff can rename"),
        );

        let topic = if cells % 2 == 0 { "Billing" } else { "Sales" };
        let answer = run(
            user,
            "move",
            json!([{"name": "topic", "type": 3, "value": topic}]),
        )
        .await;
        let move_ok: &[&str] = if role.staff() {
            &["moved to", "is already in"]
        } else {
            &[]
        };
        check("move", answer, move_ok, staff_or("Only staff can move"));

        let answer = run(user, "notes", json!([])).await;
        let notes_ok: &[&str] = if role.staff() {
            &["Staff notes of ticket #1"]
        } else {
            &[]
        };
        check(
            "notes",
            answer,
            notes_ok,
            staff_or("Only staff can read and write"),
        );

        // Unclaim: the claimer or an admin; the claimer claims it back.
        let answer = run(user, "unclaim", json!([])).await;
        let may_unclaim = matches!(role, Role::Claimer | Role::Admin | Role::Owner);
        let unclaim_ok: &[&str] = if may_unclaim {
            &["no longer claimed"]
        } else {
            &[]
        };
        check(
            "unclaim",
            answer,
            unclaim_ok,
            "Only the claimer or an admin",
        );
        if env.record(1).await.staff.claimer.is_none() {
            let id = env.tickets_command(claimer, channel, "claim").await;
            env.answer_containing(id, "You claimed").await;
        }

        // A close request: the opener or staff; whoever it is, staff withdraw it again.
        let answer = run(user, "request-close", json!([])).await;
        let may_request = role.staff() || role == Role::Opener;
        let request_ok: &[&str] = if may_request {
            &["Close request posted"]
        } else {
            &[]
        };
        check(
            "request-close",
            answer,
            request_ok,
            "Only the member who opened",
        );
        if env.record(1).await.staff.close_request.is_some() {
            let answer = keep_open(if role == Role::Opener {
                claimer
            } else {
                opener
            })
            .await;
            assert!(
                answer.is_some_and(|a| a.contains("stays open")),
                "{role:?} withdraw"
            );
        }

        // Keep open on staff's request: the opener's side or staff.
        run(claimer, "request-close", json!([])).await;
        let answer = keep_open(user).await;
        let keep_ok: &[&str] = if may_request { &["stays open"] } else { &[] };
        check("keep open", answer, keep_ok, "Only the member who opened");
        if env.record(1).await.staff.close_request.is_some() {
            keep_open(opener).await;
        }
        assert_eq!(env.record(1).await.staff.claimer, Some(claimer), "{role:?}");
        assert_eq!(env.record(1).await.state, TicketState::Open, "{role:?}");
        cells += 8;
    }
    eprintln!("staff workflow matrix: {cells} cells");
    // Nobody's cell changed who may see the ticket: the added users stay, the claim guards.
    assert_eq!(env.can(channel, added).await, (true, true));
    assert_eq!(env.can(channel, other_staff).await, (true, false));
    assert_eq!(env.can(channel, bystander).await, (false, false));
    env.stop().await;
}

/// A person's click (`kind` "component") or modal submit ("modal_submit") in a DM channel,
/// which carries no server.
async fn in_dm(
    env: &Env,
    kind: &str,
    channel: u64,
    user: u64,
    extra: Value,
) -> Result<u64, String> {
    let mut body = json!({"kind": kind, "channel_id": channel.to_string(),
        "user_id": user.to_string()});
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    env.client
        .interaction(body)
        .await
        .map_err(|e| e.to_string())
}

/// `user` clicks the component `custom_id` on `message` in the DM `channel`.
async fn click_in_dm(
    env: &Env,
    (channel, message): (u64, u64),
    user: u64,
    custom_id: &str,
) -> Result<u64, String> {
    let extra = json!({"message_id": message.to_string(), "custom_id": custom_id});
    in_dm(env, "component", channel, user, extra).await
}

/// The close DM carries 1–5 stars: the opener rates from the DM (Discord names no server
/// there; the buttons do), re-rating replaces the stars, a comment follows in a modal, each
/// is shown in the close's log entry, and the buttons work after a restart. Nobody else can
/// use the DM.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_opener_rates_a_closed_ticket_from_the_dm_even_after_a_restart() {
    let env = Env::start("feedback", 2).await;
    let (log, _, member, channel) = env.with_open_ticket().await;
    let id = env.tickets_command(env.g.staff_id, channel, "close").await;
    env.answer_containing(id, "closed").await;
    let dm = eventually("the close DM with stars", || async {
        let dms = env.client.dms(member).await.ok()?;
        dms.into_iter()
            .find(|m| m["components"].as_array().is_some_and(|c| !c.is_empty()))
    })
    .await;
    let text = dm["content"].as_str().unwrap_or_default();
    assert!(text.ends_with("How did we do? Rate ticket #1:"), "{text}");
    let stars: Vec<(String, String)> = dm["components"][0]["components"]
        .as_array()
        .expect("buttons")
        .iter()
        .map(|b| {
            (
                b["label"].as_str().unwrap_or_default().to_owned(),
                b["custom_id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let labels: Vec<&str> = stars.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["1 ★", "2 ★", "3 ★", "4 ★", "5 ★"]);
    let (dm_channel, message) = (id_of(&dm["channel_id"]), id_of(&dm["id"]));
    assert!(
        click_in_dm(&env, (dm_channel, message), env.g.staff_id, &stars[4].1)
            .await
            .is_err(),
        "only the opener sees their DM"
    );
    let id = click_in_dm(&env, (dm_channel, message), member, &stars[3].1)
        .await
        .expect("clicked");
    env.answer_containing(id, "You rated ticket #1 4 out of 5")
        .await;
    assert_eq!(env.record(1).await.trail.feedback.map(|f| f.stars), Some(4));

    // Stateless: the same DM works after a restart, and a new rating replaces the old.
    let env = env.restart().await;
    let id = click_in_dm(&env, (dm_channel, message), member, &stars[1].1)
        .await
        .expect("clicked");
    env.answer_containing(id, "2 out of 5").await;
    let thanks = env.response_message(id).await;
    let comment_button = custom_id::encode(&Action::RateComment {
        guild: env.g.guild_id,
        ticket: 1,
    });
    let id = click_in_dm(&env, (dm_channel, thanks), member, &comment_button)
        .await
        .expect("comment button");
    let modal = env.expect_modal(id).await;
    let modal_id = modal["custom_id"].as_str().expect("modal id").to_owned();
    let extra = json!({"custom_id": modal_id, "fields": {"comment": "quick and kind"}});
    let id = in_dm(&env, "modal_submit", dm_channel, member, extra)
        .await
        .expect("submitted");
    env.answer_containing(id, "Your comment on ticket #1 is with the team")
        .await;
    let feedback = env.record(1).await.trail.feedback.expect("feedback");
    assert_eq!(
        (feedback.stars, feedback.comment.as_deref()),
        (2, Some("quick and kind"))
    );
    // The rating shows in the close's own log entry, edited each time, never as a new entry.
    let rating = eventually("the rating in the close's log entry", || async {
        let messages = env.client.channel_messages(log).await.ok()?;
        let closed = messages
            .iter()
            .flat_map(|m| m["embeds"].as_array().cloned().unwrap_or_default())
            .find(|e| e["title"] == "Ticket closed")?;
        let field = closed["fields"]
            .as_array()?
            .iter()
            .find(|f| f["name"] == "Feedback")?;
        let value = field["value"].as_str()?.to_owned();
        value.contains("quick and kind").then_some(value)
    })
    .await;
    assert!(rating.contains("rated 2/5"), "{rating}");
    assert!(!env.embed_titles(log).await.iter().any(|t| t == "Feedback"));

    // Switched off in Setup, the next close DM asks for nothing.
    let (_, id) = env.setup(SetupChoice::Feedback).await;
    env.answer_containing(id, "Feedback is off").await;
    let second = env.g.member_ids[1];
    let channel = env
        .open_ticket(env.settings().await.panels[0].message, second)
        .await;
    let id = env.tickets_command(env.g.staff_id, channel, "close").await;
    env.answer_containing(id, "closed").await;
    let dm = eventually("the second opener's close DM", || async {
        let dms = env.client.dms(second).await.ok()?;
        dms.into_iter()
            .find(|m| m["content"].as_str().is_some_and(|c| c.contains("#2")))
    })
    .await;
    assert!(
        dm["components"].as_array().is_none_or(|c| c.is_empty()),
        "{dm}"
    );
    assert!(
        !dm["content"]
            .as_str()
            .unwrap_or_default()
            .contains("How did we do")
    );
    env.stop().await;
}

/// Intake: questions asked before a ticket is numbered, their answers on the
/// welcome message and in the transcript, Edit answers, and the abuse controls (cooldown,
/// blocklist, required roles, daily cap), each refusing with its reason and sparing staff.
mod intake {
    use super::*;
    use ticketeer::{
        domain::model::{
            BlockEntry, BlockTarget, IntakeSettings, Question, QuestionStyle, RoleMatch,
            RoleRequirement,
        },
        store::WriteOp,
    };

    /// Changes the guild's intake settings in the store and restarts the bot, which reads them
    /// at start (as after an admin's change in the hub and a restart).
    pub(super) async fn configure(env: Env, change: impl FnOnce(&mut IntakeSettings)) -> Env {
        let mut settings = env.settings().await;
        change(&mut settings.intake);
        write(
            &env,
            WriteOp::PutSettings {
                guild: env.g.guild_id,
                settings,
            },
        )
        .await;
        env.restart().await
    }

    async fn write(env: &Env, op: WriteOp) {
        env.bot.store().write(vec![op]).await.expect("stored");
    }

    pub(super) fn question(label: &str, min_len: u16, max_len: u16, subject: bool) -> Question {
        Question {
            label: label.into(),
            style: QuestionStyle::Short,
            required: !subject,
            min_len,
            max_len,
            placeholder: format!("Your {label}"),
            subject,
        }
    }

    async fn counter(env: &Env) -> u64 {
        env.bot
            .store()
            .load_guild(env.g.guild_id)
            .await
            .expect("store")
            .counter
    }

    /// The welcome message's answer fields `(name, value)`.
    async fn answer_fields(env: &Env, channel: u64) -> Vec<(String, String)> {
        let messages = env
            .client
            .channel_messages(channel)
            .await
            .expect("messages");
        messages[0]["embeds"][0]["fields"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|f| {
                let s = |k: &str| f[k].as_str().unwrap_or_default().to_owned();
                (s("name"), s("value"))
            })
            .collect()
    }

    #[tokio::test]
    async fn questions_come_before_the_number_and_answers_reach_welcome_and_transcript() {
        let env = Env::start("intake-questions", 3).await;
        env.set_staff().await;
        let panel = env.panel_via_hub(env.general(), "Support").await;
        let env = configure(env, |i| {
            i.questions = vec![
                question("Order number", 3, 10, false),
                question("Subject", 0, 2000, true),
            ]
        })
        .await;
        let member = env.g.member_ids[0];
        // Staff see the ticket, and its Edit answers button, but the answers are the opener's.
        let other = env.g.staff_id;

        // The form is the click's answer; nothing is numbered until it is submitted.
        let id = env.click_open(panel, member).await;
        let modal = env.expect_modal(id).await;
        let inputs: Vec<Value> = modal["components"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|row| row["components"][0].clone())
            .collect();
        assert_eq!(inputs.len(), 2, "{modal}");
        assert_eq!(inputs[0]["label"], "Order number");
        assert_eq!(inputs[0]["min_length"], 3);
        assert_eq!(inputs[1]["max_length"], 1024, "capped to an embed field");
        assert_eq!(counter(&env).await, 0, "a dismissed form takes no number");

        // What an attacker's client sends is refused in words, and takes no number either.
        let form = custom_id::encode(&Action::IntakeForm { scope: 0 });
        let forge = |fields: Vec<(&'static str, String)>, custom: String| {
            let env = &env;
            async move {
                let pairs: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let id = env
                    .client
                    .submit_forged_modal(env.g.guild_id, env.general(), member, &custom, &pairs)
                    .await
                    .expect("delivered");
                env.answer(id).await
            }
        };
        let long = forge(vec![("q0", "x".repeat(5000))], form.clone()).await;
        assert!(long.contains("needs 3 to 10 characters"), "{long}");
        let unknown = forge(
            vec![("q0", "12345".into()), ("q9", "x".into())],
            form.clone(),
        )
        .await;
        assert!(unknown.contains("could not be read"), "{unknown}");
        let missing = forge(vec![], form.clone()).await;
        assert!(missing.contains("Please answer"), "{missing}");
        let garbage = forge(vec![("q0", "1".into())], "tk:iform:99999999999".into()).await;
        assert!(
            !garbage.is_empty() && !garbage.contains("is open"),
            "a forged form opens nothing: {garbage}"
        );
        assert_eq!(counter(&env).await, 0);

        let id = env
            .submit(
                member,
                env.general(),
                &Action::IntakeForm { scope: 0 },
                &[("q0", "A-1234"), ("q1", "Refund @everyone")],
            )
            .await;
        let text = env.answer_containing(id, "is open").await;
        let channel = channel_from_link(&text).expect("link");
        let fields = answer_fields(&env, channel).await;
        assert_eq!(fields[0], ("Order number".into(), "A-1234".into()));
        assert!(fields[1].1.starts_with("Refund @"), "{fields:?}");
        assert!(!fields[1].1.contains("@everyone"), "answers never ping");
        let topic = env.channel(channel).await.expect("channel")["topic"].clone();
        assert!(
            topic.as_str().unwrap_or("").starts_with("Refund"),
            "{topic}"
        );

        // Only the opener edits; the form comes back prefilled and the welcome is edited.
        let id = env
            .click_in(channel, other, |a| matches!(a, Action::EditAnswers { .. }))
            .await;
        assert!(env.answer(id).await.contains("Only the member who opened"));
        let id = env
            .click_in(channel, member, |a| matches!(a, Action::EditAnswers { .. }))
            .await;
        let modal = env.expect_modal(id).await;
        assert_eq!(modal["components"][0]["components"][0]["value"], "A-1234");
        let id = env
            .submit(
                member,
                channel,
                &Action::EditAnswersModal { ticket: 1 },
                &[("q0", "B-5678"), ("q1", "Refund")],
            )
            .await;
        env.answer_containing(id, "updated").await;
        eventually("the welcome shows the edit", || async {
            let fields = answer_fields(&env, channel).await;
            (fields[0].1 == "B-5678").then_some(())
        })
        .await;
        assert_eq!(
            env.bot
                .store()
                .answers(env.g.guild_id, 1)
                .await
                .expect("read")[0]
                .value,
            "B-5678"
        );
        // The edited subject reaches the channel topic (the rename budget has room).
        eventually("the edited subject in the channel topic", || async {
            let topic = env.channel(channel).await?["topic"].as_str()?.to_owned();
            topic.starts_with("Refund · Ticket #1").then_some(())
        })
        .await;

        // A restarted bot keeps the answers when it edits the welcome again (a claim).
        let env = env.restart().await;
        let staff = env.g.staff_id;
        let id = env
            .click_in(channel, staff, |a| matches!(a, Action::Claim { .. }))
            .await;
        env.answer(id).await;
        eventually("the claim on the welcome, answers kept", || async {
            let messages = env.client.channel_messages(channel).await.ok()?;
            let description = messages[0]["embeds"][0]["description"].as_str()?.to_owned();
            let fields = answer_fields(&env, channel).await;
            (description.contains(&staff.to_string()) && fields[0].1 == "B-5678").then_some(())
        })
        .await;

        env.close(channel, staff).await;
        env.wait_state(1, TicketState::Closed).await;
        let (html, text) = env.transcript(1).await;
        assert!(text.contains("B-5678") && html.contains("B-5678"), "{text}");
        assert_eq!(counter(&env).await, 1);
        env.stop().await;
    }

    #[tokio::test]
    async fn abuse_controls_refuse_with_reason_spare_staff_and_survive_a_restart() {
        let env = Env::start("intake-controls", 4).await;
        env.set_staff().await;
        env.set_limits("5", "50").await;
        let panel = env.panel_via_hub(env.general(), "Support").await;
        let [a, b, c, ..] = env.g.member_ids[..] else {
            panic!("members")
        };
        let staff = env.g.staff_id;
        let env = configure(env, |i| i.cooldown_minutes = 60).await;

        // Cooldown: the second open within the hour is refused with when to come back.
        env.open_ticket(panel, a).await;
        let refused = env.open_outcome(panel, a).await;
        assert!(refused.contains("You can open another <t:"), "{refused}");
        env.open_ticket(panel, staff).await;
        env.open_ticket(panel, staff).await;

        // The blocklist: a member, and a role with an expiry, each with its reason.
        let role = env
            .client
            .create_role(env.g.guild_id, "muted", 0)
            .await
            .expect("role");
        let d = env
            .client
            .add_member(env.g.guild_id, "muted-member", &[role])
            .await
            .expect("member");
        write(
            &env,
            WriteOp::PutBlock {
                guild: env.g.guild_id,
                target: BlockTarget::Member(b),
                entry: BlockEntry {
                    until: None,
                    reason: "spam".into(),
                    by: env.owner(),
                },
            },
        )
        .await;
        let until = 4_102_444_800_000; // 2100-01-01
        write(
            &env,
            WriteOp::PutBlock {
                guild: env.g.guild_id,
                target: BlockTarget::Role(role),
                entry: BlockEntry {
                    until: Some(until),
                    reason: String::new(),
                    by: env.owner(),
                },
            },
        )
        .await;
        // Daily cap of 1 from now on.
        let env = configure(env, |i| i.daily_cap = 1).await;

        let refused = env.open_outcome(panel, a).await;
        assert!(
            refused.contains("You can open another <t:"),
            "cooldown kept: {refused}"
        );
        let refused = env.open_outcome(panel, b).await;
        assert!(
            refused.contains("blocked") && refused.contains("spam"),
            "{refused}"
        );
        let refused = env.open_outcome(panel, d).await;
        assert!(
            refused.contains(&format!("<t:{}:f>", until / 1000)),
            "{refused}"
        );

        // The cap: c opens one today, not two (cooldown off).
        let env = configure(env, |i| i.cooldown_minutes = 0).await;
        env.open_ticket(panel, c).await;
        let refused = env.open_outcome(panel, c).await;
        assert!(refused.contains("tickets today"), "{refused}");
        env.open_ticket(panel, staff).await;

        // An admin's reset forgets a member's opens.
        write(
            &env,
            WriteOp::RemoveMemberOpens {
                guild: env.g.guild_id,
                user: c,
            },
        )
        .await;
        let env = env.restart().await;
        env.open_ticket(panel, c).await;
        env.stop().await;
    }

    #[tokio::test]
    async fn required_roles_per_topic_are_any_of_or_all_of() {
        let env = Env::start("intake-roles", 2).await;
        env.set_limits("5", "50").await;
        let panel = env.panel_via_hub(env.general(), "Support").await;
        env.add_topic("Billing").await;
        let topic = env.settings().await.topics[0].id;
        let client = &env.client;
        let r1 = client
            .create_role(env.g.guild_id, "r1", 0)
            .await
            .expect("role");
        let r2 = client
            .create_role(env.g.guild_id, "r2", 0)
            .await
            .expect("role");
        let one = client
            .add_member(env.g.guild_id, "one", &[r1])
            .await
            .expect("member");
        let both = client
            .add_member(env.g.guild_id, "both", &[r1, r2])
            .await
            .expect("member");
        let need = |need| RoleRequirement {
            roles: vec![r1, r2],
            need,
        };
        let env = configure(env, |i| {
            i.topic_roles = vec![(topic, need(RoleMatch::AllOf))]
        })
        .await;

        let pick = |member: u64, expect: &'static str| {
            let env = &env;
            async move {
                let id = env.click_open(panel, member).await;
                let picker = env.response_message(id).await;
                let id = env
                    .select(
                        member,
                        env.general(),
                        picker,
                        &Action::PickTopic { opener: member },
                        &[topic.to_string()],
                    )
                    .await;
                env.answer_containing(id, expect).await
            }
        };
        pick(one, "all of these roles").await;
        pick(both, "is open").await;
        let env = configure(env, |i| {
            i.topic_roles = vec![(topic, need(RoleMatch::AnyOf))]
        })
        .await;
        let pick = |member: u64, expect: &'static str| {
            let env = &env;
            async move {
                let id = env.click_open(panel, member).await;
                let picker = env.response_message(id).await;
                let id = env
                    .select(
                        member,
                        env.general(),
                        picker,
                        &Action::PickTopic { opener: member },
                        &[topic.to_string()],
                    )
                    .await;
                env.answer_containing(id, expect).await
            }
        };
        pick(one, "is open").await;

        // A topic's own questions: the form answers the pick, its submission the picker.
        let env = configure(env, |i| {
            i.topic_questions = vec![(topic, vec![question("Invoice", 1, 20, false)])]
        })
        .await;
        let id = env.click_open(panel, both).await;
        let picker = env.response_message(id).await;
        let id = env
            .select(
                both,
                env.general(),
                picker,
                &Action::PickTopic { opener: both },
                &[topic.to_string()],
            )
            .await;
        let modal = env.expect_modal(id).await;
        assert_eq!(modal["components"][0]["components"][0]["label"], "Invoice");
        let scope = custom_id::scope_of(Some(topic));
        let id = env
            .submit(
                both,
                env.general(),
                &Action::IntakeForm { scope },
                &[("q0", "INV-9")],
            )
            .await;
        let text = env.answer_containing(id, "is open").await;
        let channel = channel_from_link(&text).expect("link");
        assert_eq!(answer_fields(&env, channel).await[0].1, "INV-9");
        env.stop().await;
    }

    /// Setup → `choice`, then `action` picked on the hub message with `values`; the answer.
    async fn hub_pick(env: &Env, choice: SetupChoice, action: Action, values: &[String]) -> u64 {
        let (hub, id) = env.setup(choice).await;
        env.response_message(id).await;
        env.select(env.owner(), env.general(), hub, &action, values)
            .await
    }

    pub(super) async fn hub_click(env: &Env, hub: u64, action: Action) -> u64 {
        env.client
            .click(
                env.g.guild_id,
                env.general(),
                env.owner(),
                hub,
                &custom_id::encode(&action),
            )
            .await
            .expect("click accepted")
    }

    /// Picks `choice` in the server-wide questions menu; the interaction's id.
    async fn question_menu(env: &Env, choice: &str) -> u64 {
        let hub = questions_screen(env).await;
        env.select(
            env.owner(),
            env.general(),
            hub,
            &Action::QuestionMenu { scope: 0 },
            &[choice.into()],
        )
        .await
    }

    /// The questions screen of the Open button (no topic), as the owner: the hub message.
    async fn questions_screen(env: &Env) -> u64 {
        let (hub, id) = env.setup(SetupChoice::Questions).await;
        env.response_message(id).await;
        let id = env
            .select(
                env.owner(),
                env.general(),
                hub,
                &Action::QuestionScopeSelect,
                &["0".into()],
            )
            .await;
        env.answer_containing(id, "Questions for").await;
        hub
    }

    async fn add_question(env: &Env, index: u32, fields: &[(&str, &str)]) -> String {
        let hub = questions_screen(env).await;
        let id = hub_click(env, hub, Action::QuestionAdd { scope: 0 }).await;
        env.expect_modal(id).await;
        let id = env
            .submit(
                env.owner(),
                env.general(),
                &Action::QuestionModal { scope: 0, index },
                fields,
            )
            .await;
        env.answer(id).await
    }

    #[tokio::test]
    async fn admins_manage_questions_controls_and_the_blocklist_in_the_hub() {
        let env = Env::start("intake-hub", 2).await;
        let panel = env.panel_via_hub(env.general(), "Support").await;
        let member = env.g.member_ids[0];
        let saved = add_question(
            &env,
            0,
            &[
                (fields::QUESTION_LABEL, "Order number"),
                (fields::QUESTION_LENGTHS, "3-10"),
                (fields::QUESTION_LONG, "no"),
                (fields::QUESTION_REQUIRED, "yes"),
            ],
        )
        .await;
        assert!(saved.contains("Saved: 1 questions"), "{saved}");
        let saved = add_question(
            &env,
            1,
            &[
                (fields::QUESTION_LABEL, "Summary"),
                (fields::QUESTION_LONG, "yes"),
                (fields::QUESTION_REQUIRED, "no"),
            ],
        )
        .await;
        assert!(saved.contains("Saved: 2 questions"), "{saved}");
        let refused = add_question(
            &env,
            2,
            &[
                (fields::QUESTION_LABEL, "x"),
                (fields::QUESTION_LENGTHS, "9-2"),
            ],
        )
        .await;
        assert!(refused.contains("Question not saved"), "{refused}");

        // Move Summary up, make it the subject, then edit it (the form comes prefilled).
        let id = question_menu(&env, "u1").await;
        env.answer_containing(id, "Saved").await;
        let id = question_menu(&env, "s0").await;
        env.answer_containing(id, "Saved").await;
        let id = question_menu(&env, "e0").await;
        let modal = env.expect_modal(id).await;
        assert_eq!(modal["components"][0]["components"][0]["value"], "Summary");
        let questions = env.settings().await.intake.questions;
        let labels: Vec<&str> = questions.iter().map(|q| q.label.as_str()).collect();
        assert_eq!(labels, ["Summary", "Order number"]);
        assert!(questions[0].subject && questions[0].style == QuestionStyle::Paragraph);
        assert!(!questions[0].required && questions[1].required);
        assert_eq!((questions[1].min_len, questions[1].max_len), (3, 10));

        // The preview is the members' form, and submitting it opens nothing.
        let hub = questions_screen(&env).await;
        let id = hub_click(&env, hub, Action::QuestionPreview { scope: 0 }).await;
        let preview = env.expect_modal(id).await;
        assert_eq!(preview["components"].as_array().map(Vec::len), Some(2));
        let id = env
            .submit(
                env.owner(),
                env.general(),
                &Action::QuestionPreviewModal { scope: 0 },
                &[("q0", "x"), ("q1", "A-123")],
            )
            .await;
        env.answer_containing(id, "preview").await;

        // Cooldown and cap through their form.
        let (_, id) = env.setup(SetupChoice::Controls).await;
        env.expect_modal(id).await;
        let id = env
            .submit(
                env.owner(),
                env.general(),
                &Action::ControlsModal,
                &[(fields::COOLDOWN, "30"), (fields::DAILY_CAP, "2")],
            )
            .await;
        env.answer_containing(id, "Saved: 30 minutes").await;
        let intake = env.settings().await.intake;
        assert_eq!((intake.cooldown_minutes, intake.daily_cap), (30, 2));

        // Block a member with a reason: refused before the form. Unblock: the form again.
        let id = hub_pick(
            &env,
            SetupChoice::Blocklist,
            Action::BlockUserSelect,
            &[member.to_string()],
        )
        .await;
        env.expect_modal(id).await;
        let id = env
            .submit(
                env.owner(),
                env.general(),
                &Action::BlockModal {
                    role: 0,
                    id: member,
                },
                &[(fields::BLOCK_REASON, "spam")],
            )
            .await;
        env.answer_containing(id, "can no longer open").await;
        let refused = env.open_outcome(panel, member).await;
        assert!(refused.contains("spam"), "{refused}");
        let value = custom_id::block_value(true, member);
        let id = hub_pick(
            &env,
            SetupChoice::Blocklist,
            Action::UnblockSelect,
            &[value],
        )
        .await;
        env.answer_containing(id, "Unblocked").await;
        let id = env.click_open(panel, member).await;
        env.expect_modal(id).await;

        // A topic's screen sets the roles it needs, and whether any one or all are needed.
        env.add_topic("Billing").await;
        let topic = env.settings().await.topics[0].id;
        let (r1, r2) = (
            env.client
                .create_role(env.g.guild_id, "r1", 0)
                .await
                .expect("role"),
            env.client
                .create_role(env.g.guild_id, "r2", 0)
                .await
                .expect("role"),
        );
        let scope = custom_id::scope_of(Some(topic)).to_string();
        let hub = {
            let (hub, id) = env.setup(SetupChoice::Questions).await;
            env.response_message(id).await;
            let id = env
                .select(
                    env.owner(),
                    env.general(),
                    hub,
                    &Action::QuestionScopeSelect,
                    &[scope],
                )
                .await;
            let screen = env.answer_containing(id, "Questions for").await;
            assert!(screen.contains("Anyone may open this topic"), "{screen}");
            hub
        };
        let roles = [r1.to_string(), r2.to_string()];
        let id = env
            .select(
                env.owner(),
                env.general(),
                hub,
                &Action::TopicRolesSelect { topic },
                &roles,
            )
            .await;
        env.answer_containing(id, "saved").await;
        let id = hub_click(&env, hub, Action::TopicRolesAllOf { topic }).await;
        env.answer_containing(id, "saved").await;
        let intake = env.settings().await.intake;
        let need = &intake.topic_roles[0].1;
        assert_eq!(
            (need.roles.clone(), need.need),
            (vec![r1, r2], RoleMatch::AllOf)
        );
        env.stop().await;
    }

    /// Waits until the simulator has seen no request for 300 ms (the last open's work is done).
    async fn quiet_stats(env: &Env) -> sim::client::SimStats {
        let mut last = env.client.stats().await.expect("stats");
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(300)).await;
            let now = env.client.stats().await.expect("stats");
            if now.total_requests == last.total_requests {
                return now;
            }
            last = now;
        }
        panic!("the bot never went quiet");
    }

    /// An open through the form, with the cooldown's count on: the same 3 limited calls as
    /// without questions (the answers ride in the welcome message), and no store read.
    #[tokio::test]
    async fn a_form_adds_no_limited_call_and_no_store_read_to_an_open() {
        let env = Env::start("intake-cost", 2).await;
        env.set_staff().await;
        env.set_limits("5", "50").await;
        let panel = env.panel_via_hub(env.general(), "Support").await;
        let env = configure(env, |i| {
            i.questions = vec![question("Order number", 1, 20, false)];
            i.daily_cap = 10;
        })
        .await;
        let member = env.g.member_ids[0];
        let open = async || {
            let id = env.click_open(panel, member).await;
            env.expect_modal(id).await;
            let form = Action::IntakeForm { scope: 0 };
            let id = env
                .submit(member, env.general(), &form, &[("q0", "A-1")])
                .await;
            env.answer_containing(id, "is open").await;
        };
        open().await;
        let before = quiet_stats(&env).await;
        let reads = env.bot.store().stats().reads;
        open().await;
        let after = quiet_stats(&env).await;
        let limited: Vec<(String, u64)> = after
            .succeeded_per_route
            .iter()
            .filter(|(route, _)| sim::client::counts_against_global_limit(route))
            .map(|(route, n)| {
                (
                    route.clone(),
                    n - before.succeeded_per_route.get(route).copied().unwrap_or(0),
                )
            })
            .filter(|(_, n)| *n > 0)
            .collect();
        assert_eq!(
            limited,
            vec![
                ("POST /channels/{id}/messages".to_owned(), 2),
                ("POST /guilds/{id}/channels".to_owned(), 1),
            ]
        );
        assert_eq!(
            env.bot.store().stats().reads,
            reads,
            "no store read on the open path"
        );
        env.stop().await;
    }

    /// Setup → Edit a posted panel → the panel → Texts and colour, then its modal with
    /// `title`; the answer.
    async fn edit_panel(env: &Env, panel: u64, title: &str) -> String {
        let (hub, id) = env
            .pick_panel(SetupChoice::PanelEdit, Action::PanelEditSelect, panel)
            .await;
        env.answer_containing(id, "choose what to change").await;
        let id = hub_click(env, hub, Action::PanelTexts { message: panel }).await;
        let modal = env.expect_modal(id).await;
        assert!(
            modal["components"][0]["components"][0]["value"].is_string(),
            "prefilled: {modal}"
        );
        let id = env
            .submit(
                env.owner(),
                env.general(),
                &Action::PanelEditModal { message: panel },
                &[
                    (fields::PANEL_TITLE, title),
                    (fields::PANEL_DESCRIPTION, "Ask us anything"),
                ],
            )
            .await;
        env.answer(id).await
    }

    #[tokio::test]
    async fn a_posted_panel_is_edited_in_place_and_a_deleted_one_forgotten() {
        let env = Env::start("panel-edit", 1).await;
        let panel = env.panel_via_hub(env.general(), "Support").await;
        let count = env
            .client
            .channel_messages(env.general())
            .await
            .expect("messages")
            .len();
        let answer = edit_panel(&env, panel, "Help desk").await;
        assert!(answer.contains("updated in place"), "{answer}");
        let messages = env
            .client
            .channel_messages(env.general())
            .await
            .expect("messages");
        assert_eq!(messages.len(), count, "edited, not posted again");
        let edited = messages
            .iter()
            .find(|m| id_of(&m["id"]) == panel)
            .expect("the panel");
        assert_eq!(edited["embeds"][0]["title"], "Help desk");
        assert_eq!(env.settings().await.panels[0].title, "Help desk");

        let path = format!("/channels/{}/messages/{panel}", env.general());
        assert_eq!(
            env.rest_as_bot(reqwest::Method::DELETE, &path, None).await,
            204
        );
        // The list of panels checks each against Discord: the deleted one is named, forgotten.
        let (_, id) = env.setup(SetupChoice::PanelEdit).await;
        let answer = env.answer_containing(id, "forgotten").await;
        assert!(
            answer.contains(&format!("<#{}>", env.general())),
            "{answer}"
        );
        assert!(env.settings().await.panels.is_empty());
        env.stop().await;
    }
}

/// Support hours: outside them a member's ticket is refused with the next opening time (staff
/// still open), or, set to notice, opens with a line saying replies may be slow. The form
/// refuses a zone that is not one, and blank hours switch it off.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn support_hours_refuse_or_open_with_a_notice() {
    let env = Env::start("hours", 4).await;
    let (_, panel, _, _) = env.with_open_ticket().await;
    // A whole day two days from now (UTC): closed now, whatever the time.
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let today = time::OffsetDateTime::now_utc()
        .weekday()
        .number_days_from_monday();
    let open_day = DAYS[(usize::from(today) + 2) % 7];
    let windows = format!("{open_day} 00:00-24:00");
    let save = |zone: &str, windows: &str, outside: &str| {
        let env = &env;
        let (zone, windows, outside) = (zone.to_owned(), windows.to_owned(), outside.to_owned());
        async move {
            let (_, id) = env.setup(SetupChoice::Hours).await;
            env.expect_modal(id).await;
            let id = env
                .submit(
                    env.owner(),
                    env.general(),
                    &Action::HoursModal,
                    &[
                        (fields::HOURS_ZONE, zone.as_str()),
                        (fields::HOURS_WINDOWS, windows.as_str()),
                        (fields::HOURS_OUTSIDE, outside.as_str()),
                    ],
                )
                .await;
            env.answer(id).await
        }
    };
    assert_eq!(
        save("Mars/Olympus", &windows, "refuse").await,
        "Support hours were not changed: Mars/Olympus is not an IANA time zone such as Europe/Berlin"
    );
    let saved = save("UTC", &windows, "refuse").await;
    assert!(
        saved.starts_with(&format!("Support hours saved: {windows} (UTC)")),
        "{saved}"
    );
    let refused = env.open_outcome(panel, env.g.member_ids[1]).await;
    assert!(
        refused.starts_with("Support is closed right now. It opens again <t:"),
        "{refused}"
    );
    let staff_opens = env.open_outcome(panel, env.g.staff_id).await;
    assert!(
        staff_opens.contains("is open"),
        "staff open at any time: {staff_opens}"
    );
    assert!(
        staff_opens.contains("#2"),
        "the refusal took no number: {staff_opens}"
    );

    save("UTC", &windows, "notice").await;
    let channel = env.open_ticket(panel, env.g.member_ids[2]).await;
    eventually("the welcome's notice", || async {
        env.welcome_text(channel)
            .await
            .contains("Support is closed right now, so replies may be slow")
            .then_some(())
    })
    .await;

    assert_eq!(
        save("", "", "").await,
        "Support hours are off: tickets open at any time."
    );
    let opened = env.open_outcome(panel, env.g.member_ids[3]).await;
    assert!(opened.contains("is open"), "{opened}");
    env.stop().await;
}

/// Ready channels: hidden channels made while the server is quiet, each turned into
/// a ticket by one channel edit instead of a create.
mod ready {
    use super::*;
    use futures_util::future::join_all;
    use ticketeer::domain::ready::ReadyPool;

    /// Setup → Ready channels → the modal, answered `size`.
    async fn set_ready(env: &Env, size: &str) -> String {
        let (_, id) = env.setup(SetupChoice::ReadyChannels).await;
        env.expect_modal(id).await;
        let id = env
            .submit(
                env.owner(),
                env.general(),
                &Action::ReadyModal,
                &[(fields::READY_SIZE, size)],
            )
            .await;
        env.answer_containing(id, "Ready channels").await
    }

    /// The ready channels Discord holds (by their name), by id.
    async fn in_discord(env: &Env) -> Vec<u64> {
        let channels = env
            .client
            .guild_channels(env.g.guild_id)
            .await
            .expect("channels");
        let mut ids: Vec<u64> = channels
            .iter()
            .filter(|c| c["name"].as_str().is_some_and(|n| n.starts_with("ready-")))
            .map(|c| id_of(&c["id"]))
            .collect();
        ids.sort_unstable();
        ids
    }

    async fn pool(env: &Env) -> ReadyPool {
        let snapshot = env
            .bot
            .store()
            .load_guild(env.g.guild_id)
            .await
            .expect("store");
        snapshot.ready.unwrap_or_default()
    }

    async fn pooled(env: &Env) -> Vec<u64> {
        let mut ids: Vec<u64> = pool(env).await.channels.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids
    }

    /// Waits until Discord and the stored pool agree on `n` ready channels; returns them.
    async fn wait_pool(env: &Env, n: usize) -> Vec<u64> {
        eventually(&format!("{n} ready channels, stored"), || async {
            let (discord, stored) = (in_discord(env).await, pooled(env).await);
            (discord.len() == n && discord == stored).then_some(stored)
        })
        .await
    }

    fn route(stats: &sim::client::SimStats, key: &str) -> u64 {
        stats.requests_per_route.get(key).copied().unwrap_or(0)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_burst_takes_ready_channels_by_patch_and_nobody_sees_them_before() {
        let env = Env::start("ready-burst", 5).await;
        env.set_staff().await;
        let panel = driver::post_panel(&env.client, &env.g)
            .await
            .expect("panel");
        assert!(set_ready(&env, "3").await.contains("3 hidden"));
        let ready = wait_pool(&env, 3).await;
        // Hidden from every member and every staff member; the bot works in them.
        for &channel in &ready {
            for &user in env.g.member_ids.iter().chain([&env.g.staff_id]) {
                assert!(!env.can_view(channel, user).await, "{user} sees {channel}");
            }
        }
        let before = env.client.stats().await.expect("stats");
        let members = env.g.member_ids[..3].to_vec();
        let opened = join_all(members.iter().map(|&m| env.open_ticket(panel, m))).await;
        let after = env.client.stats().await.expect("stats");
        let mut opened_sorted = opened.clone();
        opened_sorted.sort_unstable();
        assert_eq!(opened_sorted, ready, "every ticket is a ready channel");
        assert_eq!(
            route(&after, "POST /guilds/{id}/channels"),
            route(&before, "POST /guilds/{id}/channels"),
            "no channel was created for the burst"
        );
        assert!(
            route(&after, "PATCH /channels/{id}") >= route(&before, "PATCH /channels/{id}") + 3
        );
        for (&member, &channel) in members.iter().zip(&opened) {
            assert!(env.can_view(channel, member).await);
            assert!(env.can_view(channel, env.g.staff_id).await);
        }
        // The pool is empty: the next open creates its channel, as without the feature.
        let fourth = env.open_ticket(panel, env.g.member_ids[3]).await;
        assert!(!ready.contains(&fourth));
        let channels = env
            .client
            .guild_channels(env.g.guild_id)
            .await
            .expect("channels");
        assert_eq!(
            ticket_names(&channels),
            ["ticket-0001", "ticket-0002", "ticket-0003", "ticket-0004"],
            "numbers are never duplicated"
        );
        eventually("every hand-over settled", || async {
            pool(&env).await.handing.is_empty().then_some(())
        })
        .await;
        env.stop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_person_deleting_or_editing_a_ready_channel_takes_it_out_and_restarts_keep_the_rest()
    {
        let env = Env::start("ready-people", 3).await;
        env.set_staff().await;
        set_ready(&env, "2").await;
        let first = wait_pool(&env, 2).await;
        env.client.delete_channel(first[0]).await.expect("deleted");
        env.client
            .edit_channel(first[1], &json!({"name": "my-notes"}))
            .await
            .expect("edited");
        // Both leave the pool, which refills with new channels.
        let refilled = wait_pool(&env, 2).await;
        assert!(
            refilled.iter().all(|c| !first.contains(c)),
            "{refilled:?} {first:?}"
        );
        let env = env.restart().await;
        assert_eq!(
            pooled(&env).await,
            refilled,
            "a restart neither leaks nor forgets"
        );
        // The edited channel is the person's: the listing at start does not take it back.
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(pooled(&env).await, refilled);
        assert!(
            env.channel(first[1]).await.is_some(),
            "a person's channel is left alone"
        );
        // Turning the pool off deletes its hidden channels.
        assert!(set_ready(&env, "0").await.contains("off"));
        eventually("ready channels deleted", || async {
            in_discord(&env).await.is_empty().then_some(())
        })
        .await;
        env.stop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn ready_channels_are_not_tickets_the_servers_limit_still_holds() {
        let env = Env::start("ready-limits", 4).await;
        env.set_staff().await;
        let panel = driver::post_panel(&env.client, &env.g)
            .await
            .expect("panel");
        assert!(env.set_limits("1", "2").await.contains("Limits saved"));
        set_ready(&env, "3").await;
        wait_pool(&env, 3).await;
        for &member in &env.g.member_ids[..2] {
            env.open_ticket(panel, member).await;
        }
        // Two tickets open: the server's limit of 2 refuses the third, ready channel or not.
        let refused = env.open_outcome(panel, env.g.member_ids[2]).await;
        assert!(channel_from_link(&refused).is_none(), "{refused}");
        let store = env.bot.store();
        assert!(
            store
                .ticket(env.g.guild_id, 3)
                .await
                .expect("store")
                .is_none()
        );
        assert!(
            pool(&env).await.handing_to(3).is_none(),
            "the refused open took no ready channel"
        );
        let channels = env
            .client
            .guild_channels(env.g.guild_id)
            .await
            .expect("channels");
        assert_eq!(ticket_names(&channels), ["ticket-0001", "ticket-0002"]);
        env.stop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_change_of_staff_roles_reaches_pooled_channels() {
        let env = Env::start("ready-staff", 2).await;
        env.set_staff().await;
        set_ready(&env, "1").await;
        let ready = wait_pool(&env, 1).await[0];
        let helpers = env
            .client
            .create_role(env.g.guild_id, "Helpers", 0)
            .await
            .expect("role");
        driver::set_staff_roles(&env.client, &env.g, &[helpers])
            .await
            .expect("staff roles saved");
        let denied = |channel: &Value, role: u64| {
            channel["permission_overwrites"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|o| {
                    id_of(&o["id"]) == role
                        && o["deny"]
                            .as_str()
                            .and_then(|d| d.parse::<u64>().ok())
                            .is_some_and(|d| d & (1 << 10) != 0)
                })
        };
        eventually("the new staff role denied by name", || async {
            let channel = env.channel(ready).await?;
            (denied(&channel, helpers) && !denied(&channel, env.g.staff_role_id)).then_some(())
        })
        .await;
        assert_eq!(
            pooled(&env).await,
            [ready],
            "the bot's own edit keeps it in the pool"
        );
        env.stop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_crash_between_the_number_and_the_edit_is_finished_at_start() {
        let env = Env::start("ready-crash", 3).await;
        env.set_staff().await;
        let panel = driver::post_panel(&env.client, &env.g)
            .await
            .expect("panel");
        set_ready(&env, "2").await;
        let ready = wait_pool(&env, 2).await;
        env.bot.faults().set_halt_before_channel_create(true);
        let opener = env.g.member_ids[0];
        env.click_open(panel, opener).await;
        let handed = eventually("the handover committed with the number", || async {
            let pool = pool(&env).await;
            let record = env.bot.store().ticket(env.g.guild_id, 1).await.ok()??;
            (record.state == TicketState::Provisioning)
                .then(|| pool.handing_to(1))
                .flatten()
        })
        .await;
        assert!(ready.contains(&handed.id));
        let g = env.g.clone();
        let world = env.world.crash_restart().await.expect("restarted");
        let env = Env { world, g };
        env.wait_state(1, TicketState::Open).await;
        assert_eq!(
            env.record(1).await.channel,
            Some(handed.id),
            "adopted, not duplicated"
        );
        assert!(env.can_view(handed.id, opener).await);
        let channels = env
            .client
            .guild_channels(env.g.guild_id)
            .await
            .expect("channels");
        assert_eq!(ticket_names(&channels), ["ticket-0001"]);
        // No orphan: every ready channel in Discord is in the pool.
        eventually("the hand-over settled", || async {
            pool(&env).await.handing.is_empty().then_some(())
        })
        .await;
        // A refill may be between its create and its record: they agree once it lands.
        eventually("every ready channel in Discord is pooled", || async {
            (in_discord(&env).await == pooled(&env).await).then_some(())
        })
        .await;
        let next = env.open_ticket(panel, env.g.member_ids[1]).await;
        assert_eq!(env.record(2).await.channel, Some(next));
        env.stop().await;
    }
}

/// `/tickets stats period:` answers staff with the period's figures, read from the stored sums:
/// what opened, what is open now, the last seven days; a member is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticket_stats_answers_with_the_periods_figures() {
    let env = Env::start("stats-answer", 3).await;
    let (_, panel, member, first) = env.with_open_ticket().await;
    env.open_ticket(panel, env.g.member_ids[1]).await;
    env.close(first, member).await;
    env.wait_state(1, TicketState::Closed).await;
    let stats = |user: u64| {
        let options = json!([{"name": "stats", "type": 1,
            "options": [{"name": "period", "type": 3, "value": "week"}]}]);
        let env = &env;
        async move {
            match (env.client)
                .command(env.g.guild_id, env.general(), user, "tickets", options)
                .await
            {
                Ok(id) => env.answer(id).await,
                // Discord itself keeps the command from those without its permissions.
                Err(refused) => format!("{refused:?}"),
            }
        }
    };
    let answer = stats(env.g.staff_id).await;
    assert!(answer.contains("the last 7 days"), "{answer}");
    assert!(
        answer.contains("Opened: 2 (1 open, 1 closed, 0 deleted). Open now: 1."),
        "{answer}"
    );
    let today = answer
        .lines()
        .find(|l| l.starts_with("Last 7 days:"))
        .and_then(|l| l.rsplit(", ").next())
        .unwrap_or_default()
        .to_owned();
    assert!(today.ends_with(" 2"), "both opened today: {answer}");
    let refused = stats(env.g.member_ids[2]).await;
    assert!(!refused.contains("Opened:"), "{refused}");
    env.stop().await;
}

/// Many panels: each its own look (colour, button, or a select of its topics) and its own
/// topics, edited in its posted message; a click opens only what its panel offers.
mod panels {
    use super::*;

    /// The panel's message as its channel holds it now.
    async fn posted(env: &Env, panel: u64) -> Value {
        env.client
            .channel_messages(env.general())
            .await
            .expect("messages")
            .into_iter()
            .find(|m| id_of(&m["id"]) == panel)
            .expect("the panel's message")
    }

    /// Setup → Edit a posted panel → `panel`: the hub message showing its settings.
    async fn settings_screen(env: &Env, panel: u64) -> u64 {
        let (hub, id) = env
            .pick_panel(SetupChoice::PanelEdit, Action::PanelEditSelect, panel)
            .await;
        env.answer_containing(id, "choose what to change").await;
        hub
    }

    /// A choice on a panel's settings screen, as the owner; the answer.
    async fn choose(env: &Env, hub: u64, action: Action, values: &[u32]) -> String {
        let values: Vec<String> = values.iter().map(u32::to_string).collect();
        let id = env
            .select(env.owner(), env.general(), hub, &action, &values)
            .await;
        env.answer(id).await
    }

    /// A modal of a panel's settings (opened by `button` on `hub`) submitted with `values`.
    async fn modal(
        env: &Env,
        hub: u64,
        button: Action,
        submit: Action,
        values: &[(&str, &str)],
    ) -> String {
        let id = super::intake::hub_click(env, hub, button).await;
        env.expect_modal(id).await;
        let id = env
            .submit(env.owner(), env.general(), &submit, values)
            .await;
        env.answer(id).await
    }

    /// The panel's style chosen on its settings screen; waits until its message is edited.
    async fn restyle(env: &Env, hub: u64, panel: u64, style: &str) {
        let action = Action::PanelStyleSelect { message: panel };
        let id = env
            .select(env.owner(), env.general(), hub, &action, &[style.into()])
            .await;
        env.answer_containing(id, "updated in place").await;
    }

    /// The panel's button label and emoji through its modal; the answer.
    async fn button(env: &Env, hub: u64, panel: u64, label: &str, emoji: &str) -> String {
        let values = [(fields::PANEL_LABEL, label), (fields::PANEL_EMOJI, emoji)];
        let (open, submit) = (
            Action::PanelButton { message: panel },
            Action::PanelButtonModal { message: panel },
        );
        modal(env, hub, open, submit, &values).await
    }

    /// The panel's texts with `color` through its modal; the answer.
    async fn texts(env: &Env, hub: u64, panel: u64, color: &str) -> String {
        let values = [
            (fields::PANEL_TITLE, "Support"),
            (fields::PANEL_DESCRIPTION, "Ask us"),
            (fields::PANEL_COLOR, color),
        ];
        let (open, submit) = (
            Action::PanelTexts { message: panel },
            Action::PanelEditModal { message: panel },
        );
        modal(env, hub, open, submit, &values).await
    }

    /// The values of the first select on a message.
    fn select_values(message: &Value) -> Vec<String> {
        message["components"][0]["components"][0]["options"]
            .as_array()
            .map(|o| {
                o.iter()
                    .filter_map(|o| o["value"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn each_panel_opens_its_own_topics() {
        let env = Env::start("panels-topics", 4).await;
        for name in ["Alpha", "Beta", "Gamma"] {
            env.add_topic(name).await;
        }
        let ids: Vec<u32> = env.settings().await.topics.iter().map(|t| t.id).collect();
        let [alpha, beta, gamma] = ids[..] else {
            panic!("three topics: {ids:?}")
        };
        let billing = env.panel_via_hub(env.general(), "Billing").await;
        let support = env.panel_via_hub(env.general(), "Support").await;

        // Billing opens Alpha alone; Support is a select of Beta and Gamma.
        let hub = settings_screen(&env, billing).await;
        let answer = choose(
            &env,
            hub,
            Action::PanelTopicsSelect { message: billing },
            &[alpha],
        )
        .await;
        assert!(answer.contains("updated in place"), "{answer}");
        let hub = settings_screen(&env, support).await;
        let topics = Action::PanelTopicsSelect { message: support };
        choose(&env, hub, topics, &[beta, gamma]).await;
        restyle(&env, hub, support, "select").await;
        let message = posted(&env, support).await;
        assert!(
            find_action(std::slice::from_ref(&message), |a| *a == Action::PanelTopic).is_some(),
            "a topic select on the panel: {message}"
        );
        assert_eq!(
            select_values(&message),
            vec![beta.to_string(), gamma.to_string()]
        );
        let settings = env.settings().await;
        assert_eq!(settings.panels.len(), 2, "edited, not posted again");

        // A click on Billing opens its one topic without asking.
        let [m1, m2, m3, ..] = env.g.member_ids[..] else {
            panic!("members")
        };
        let id = env.click_open(billing, m1).await;
        env.answer_containing(id, "is open").await;
        assert_eq!(env.record(1).await.topic, Some(alpha));

        // Support's own select opens the topic chosen on it.
        let id = env
            .select(
                m2,
                env.general(),
                support,
                &Action::PanelTopic,
                &[gamma.to_string()],
            )
            .await;
        env.answer_containing(id, "is open").await;
        assert_eq!(env.record(2).await.topic, Some(gamma));

        // Back to a button: the picker offers Support's topics; narrowed while it is shown,
        // the topic the panel no longer offers is refused and nothing is numbered.
        restyle(&env, hub, support, "green").await;
        let id = env.click_open(support, m3).await;
        let picker = env.response_message(id).await;
        let outcome = env.client.wait_interaction(id, 100).await.unwrap();
        let shown = outcome.message.expect("the picker");
        assert_eq!(
            select_values(&shown),
            vec![beta.to_string(), gamma.to_string()]
        );
        choose(&env, hub, topics, &[beta]).await;
        let pick = Action::PanelPick {
            opener: m3,
            panel: support,
        };
        let id = env
            .select(m3, env.general(), picker, &pick, &[gamma.to_string()])
            .await;
        let refused = env.answer(id).await;
        assert!(channel_from_link(&refused).is_none(), "{refused}");
        let id = env
            .select(m3, env.general(), picker, &pick, &[beta.to_string()])
            .await;
        env.answer_containing(id, "is open").await;
        assert_eq!(env.record(3).await.topic, Some(beta), "number 3 not burnt");
        env.stop().await;
    }

    /// A panel's own select follows the server's topics: one added shows on it.
    #[tokio::test]
    async fn a_topic_select_panel_shows_a_topic_added_later() {
        let env = Env::start("panels-follow", 1).await;
        env.add_topic("Alpha").await;
        let panel = env.panel_via_hub(env.general(), "Support").await;
        let hub = settings_screen(&env, panel).await;
        restyle(&env, hub, panel, "select").await;
        env.add_topic("Beta").await;
        let ids: Vec<String> = env
            .settings()
            .await
            .topics
            .iter()
            .map(|t| t.id.to_string())
            .collect();
        eventually("the panel's select shows both topics", || async {
            (select_values(&posted(&env, panel).await) == ids).then_some(())
        })
        .await;
        env.stop().await;
    }

    /// Defect guarded: a panel whose channel a person deleted vanished from the settings
    /// without a word; the hub's list now names it, then forgets it.
    #[tokio::test]
    async fn a_panel_whose_channel_is_deleted_is_named_in_the_list() {
        let env = Env::start("panels-gone", 1).await;
        let help = env.client.create_channel(env.g.guild_id, "help", 0, None);
        let help = help.await.expect("a channel");
        let kept = env.panel_via_hub(env.general(), "Support").await;
        env.panel_via_hub(help, "Help").await;
        env.client.delete_channel(help).await.expect("deleted");
        let (_, id) = env.setup(SetupChoice::PanelRemove).await;
        let answer = env.answer_containing(id, "forgotten").await;
        assert!(answer.contains(&format!("<#{help}>")), "{answer}");
        assert!(
            !answer.contains(&format!("<#{}>", env.general())),
            "{answer}"
        );
        let panels = env.settings().await.panels;
        assert_eq!(
            panels.iter().map(|p| p.message).collect::<Vec<_>>(),
            vec![kept]
        );
        env.stop().await;
    }

    #[tokio::test]
    async fn a_panels_look_is_its_own_and_bad_input_changes_nothing() {
        let env = Env::start("panels-look", 1).await;
        let panel = env.panel_via_hub(env.general(), "Support").await;
        let hub = settings_screen(&env, panel).await;
        let answer = button(&env, hub, panel, "Get help @everyone", "🎫").await;
        assert!(answer.contains("updated in place"), "{answer}");
        let answer = texts(&env, hub, panel, "#00ff00").await;
        assert!(answer.contains("updated in place"), "{answer}");
        restyle(&env, hub, panel, "red").await;

        let message = posted(&env, panel).await;
        assert_eq!(message["embeds"][0]["color"], 0x00FF00);
        let shown = &message["components"][0]["components"][0];
        assert_eq!(shown["emoji"]["name"], "🎫");
        assert_eq!(shown["style"], 4, "red is Danger");
        let label = shown["label"].as_str().unwrap_or_default();
        assert!(label.starts_with("Get help"), "{label}");
        assert!(!label.contains("@everyone"), "a label never pings: {label}");

        // Refused before anything is sent: the look stays as it was.
        let answer = button(&env, hub, panel, "Help", "ticket").await;
        assert!(answer.contains("not changed"), "{answer}");
        let answer = texts(&env, hub, panel, "green").await;
        assert!(answer.contains("not changed"), "{answer}");
        let kept = env.settings().await.panels[0].clone();
        assert_eq!((kept.emoji.as_str(), kept.color), ("🎫", 0x00FF00));
        assert_eq!(
            posted(&env, panel).await,
            message,
            "the posted panel is untouched"
        );

        // It still opens tickets.
        let text = env.open_outcome(panel, env.g.member_ids[0]).await;
        assert!(channel_from_link(&text).is_some(), "{text}");
        env.stop().await;
    }
}

// ---- Thread tickets -------------------------------------------------------------------------

mod threads {
    use super::*;
    use ticketeer::domain::access::perms;

    /// Setup → Edit a posted panel → `panel`: the hub message showing its settings.
    async fn settings_screen(env: &Env, panel: u64) -> u64 {
        let (hub, id) = env
            .pick_panel(SetupChoice::PanelEdit, Action::PanelEditSelect, panel)
            .await;
        env.answer_containing(id, "Its tickets are").await;
        hub
    }

    /// The panel's tickets as private threads in `channel`, chosen on its settings screen
    /// `hub`; the answer.
    async fn threads_in(env: &Env, hub: u64, panel: u64, channel: u64) -> String {
        let action = Action::PanelThreadsSelect { message: panel };
        let id = env
            .select(
                env.owner(),
                env.general(),
                hub,
                &action,
                &[channel.to_string()],
            )
            .await;
        env.answer(id).await
    }

    fn panel_threads(settings: &GuildSettings, panel: u64) -> Option<u64> {
        let panel = settings.panels.iter().find(|p| p.message == panel);
        panel.expect("the panel").threads_in
    }

    /// The bot's role given Manage Threads, which the hub asks for thread tickets.
    async fn grant_bot_manage_threads(env: &Env) {
        let guild = env.g.guild_id;
        let role = super::bot_role(&env.sim, guild).await;
        let granted = ticketeer::sim::permissions::bits::BOT_ROLE | perms::MANAGE_THREADS;
        env.client
            .set_role_permissions(guild, role, granted)
            .await
            .expect("bot role set");
    }

    /// The thread archived as Discord does after a quiet week (neither closed nor locked).
    async fn archive_quietly(env: &Env, thread: u64) {
        let path = format!("/channels/{thread}");
        let archive = json!({"archived": true});
        bot_json(env, reqwest::Method::PATCH, &path, Some(archive)).await;
        assert_eq!(thread_flags(env, thread).await, (true, false));
    }

    /// A panel in `#general` whose tickets are private threads there, the bot's role and the
    /// staff role given Manage Threads (what the hub asks of a server for thread tickets).
    async fn thread_panel(env: &Env) -> u64 {
        let guild = env.g.guild_id;
        grant_bot_manage_threads(env).await;
        use ticketeer::sim::permissions::bits;
        let staff = bits::MANAGE_MESSAGES | bits::PIN_MESSAGES | bits::KICK_MEMBERS;
        env.client
            .set_role_permissions(guild, env.g.staff_role_id, staff | perms::MANAGE_THREADS)
            .await
            .expect("staff role set");
        let panel = env.panel_via_hub(env.general(), "Threads").await;
        let hub = settings_screen(env, panel).await;
        let answer = threads_in(env, hub, panel, env.general()).await;
        assert!(answer.contains("private threads"), "{answer}");
        panel
    }

    /// A member's click opens a private thread in the panel's channel: the opener and staff
    /// see it, another member does not; the welcome is in it; numbers are shared with channel
    /// tickets.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_click_opens_a_private_thread_the_opener_and_staff_see() {
        let env = Env::start("threads-open", 3).await;
        let panel = thread_panel(&env).await;
        let [m1, m2, ..] = env.g.member_ids[..] else {
            panic!("members")
        };
        let thread = env.open_ticket(panel, m1).await;
        let record = env.record(1).await;
        assert_eq!(record.thread_in, Some(env.general()));
        assert_eq!(record.channel, Some(thread));
        assert_eq!(record.state, TicketState::Open);
        let made = env.client.channel(thread).await.expect("the thread");
        assert_eq!(made["type"], 12, "a private thread: {made}");
        assert_eq!(id_of(&made["parent_id"]), env.general());
        assert_eq!(made["name"], "ticket-0001");
        assert!(env.can(thread, m1).await.0, "the opener sees it");
        assert!(env.can(thread, env.g.staff_id).await.0, "staff see it");
        assert!(!env.can(thread, m2).await.0, "another member does not");
        assert!(!env.welcome_text(thread).await.is_empty());

        // A channel panel's ticket takes the next number.
        let channels = env.panel_via_hub(env.general(), "Channels").await;
        let channel = env.open_ticket(channels, m2).await;
        let second = env.record(2).await;
        assert_eq!((second.channel, second.thread_in), (Some(channel), None));
        assert!(!env.can(channel, m1).await.0);
        env.stop().await;
    }

    /// A thread panel's intake form opens a thread too: the panel rides in the form's id.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_thread_panels_intake_form_opens_a_thread() {
        let env = Env::start("threads-form", 1).await;
        let panel = thread_panel(&env).await;
        let env = super::intake::configure(env, |i| {
            i.questions = vec![super::intake::question("Order number", 1, 20, false)];
        })
        .await;
        let member = env.g.member_ids[0];
        let id = env.click_open(panel, member).await;
        env.expect_modal(id).await;
        let form = Action::IntakePanelForm { scope: 0, panel };
        let id = env
            .submit(member, env.general(), &form, &[("q0", "A-1")])
            .await;
        let text = env.answer_containing(id, "is open").await;
        let thread = channel_from_link(&text).expect("link");
        let record = env.record(1).await;
        assert_eq!(
            (record.channel, record.thread_in),
            (Some(thread), Some(env.general()))
        );
        env.stop().await;
    }

    /// `(archived, locked)` of a thread as Discord shows it.
    async fn thread_flags(env: &Env, thread: u64) -> (bool, bool) {
        let shown = env.client.channel(thread).await.expect("the thread");
        let meta = &shown["thread_metadata"];
        (meta["archived"] == true, meta["locked"] == true)
    }

    /// A thread ticket's life: people added and removed as thread members, closed (locked and
    /// archived, after the "closed" message) with a transcript of its messages, reopened,
    /// deleted.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_thread_ticket_is_added_to_closed_reopened_and_deleted() {
        let env = Env::start("threads-life", 3).await;
        env.set_staff().await;
        let log = env.set_log_channel().await;
        let panel = thread_panel(&env).await;
        let [m1, m2, ..] = env.g.member_ids[..] else {
            panic!("members")
        };
        let staff = env.g.staff_id;
        let thread = env.open_ticket(panel, m1).await;

        let id = env.change_people(env.owner(), thread, 1, true, &[m2]).await;
        env.answer(id).await;
        assert!(env.can(thread, m2).await.0, "an added member sees it");
        assert_eq!(env.record(1).await.participants, vec![m2]);
        env.client
            .post_message(thread, m2, "the helper was here")
            .await
            .expect("posted");
        let id = env
            .change_people(env.owner(), thread, 1, false, &[m2])
            .await;
        env.answer(id).await;
        assert!(!env.can(thread, m2).await.0, "a removed member does not");

        env.client
            .post_message(thread, m1, "my order never came")
            .await
            .expect("posted");
        env.close(thread, m1).await;
        env.wait_state(1, TicketState::Closed).await;
        assert_eq!(thread_flags(&env, thread).await, (true, true));
        let (_, text) = env.transcript(1).await;
        assert!(text.contains("my order never came"), "{text}");
        assert!(text.contains("the helper was here"), "{text}");
        env.wait_embed(log, "Ticket closed", 1).await;
        let refused = env.client.post_message(thread, m1, "hello?").await;
        assert!(refused.is_err(), "a closed thread takes no message");

        let id = env
            .click_in(thread, staff, |a| matches!(a, Action::Reopen { .. }))
            .await;
        env.answer_containing(id, "reopened").await;
        assert_eq!(thread_flags(&env, thread).await, (false, false));
        env.client
            .post_message(thread, m1, "still waiting")
            .await
            .expect("the opener writes again");

        // Discord nests no thread in a thread: staff notes are refused in words.
        let id = env.tickets_command(staff, thread, "notes").await;
        let refused = env.answer(id).await;
        assert!(refused.contains("private thread"), "{refused}");
        assert_eq!(env.record(1).await.trail.notes_thread, None);

        env.close(thread, staff).await;
        let id = env
            .click_in(thread, staff, |a| matches!(a, Action::Delete { .. }))
            .await;
        env.answer_containing(id, "deleted").await;
        env.wait_state(1, TicketState::Deleted).await;
        assert!(
            env.client.channel(thread).await.is_err(),
            "the thread is gone"
        );
        env.stop().await;
    }

    /// A REST call as the bot, answered with its JSON body.
    async fn bot_json(
        env: &Env,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Value {
        let mut request = reqwest::Client::new()
            .request(method, format!("{}/api/v10{path}", env.sim.http_url()))
            .header("authorization", "Bot test");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = request.send().await.expect("REST request");
        answer.json().await.expect("JSON")
    }

    /// A crash after a thread ticket's thread was created but before its record said so: the
    /// restart finds the thread by its name among the guild's active threads and adopts it,
    /// never creating a second, and the opener is in it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_crash_after_the_thread_create_is_repaired_by_adopting_it() {
        let env = Env::start("threads-crash", 2).await;
        let panel = thread_panel(&env).await;
        env.bot.faults().set_halt_before_channel_create(true);
        let opener = env.g.member_ids[0];
        env.click_open(panel, opener).await;
        eventually("the number committed", || async {
            let record = env.bot.store().ticket(env.g.guild_id, 1).await.ok()??;
            (record.state == TicketState::Provisioning).then_some(())
        })
        .await;
        // What the halted actor would have sent next, landed just before the crash.
        let path = format!("/channels/{}/threads", env.general());
        let body = json!({"name": "ticket-0001", "type": 12});
        let made = bot_json(&env, reqwest::Method::POST, &path, Some(body)).await;
        let thread = id_of(&made["id"]);
        assert_ne!(thread, 0, "{made}");

        let g = env.g.clone();
        let world = env.world.crash_restart().await.expect("restarted");
        let env = Env { world, g };
        env.wait_state(1, TicketState::Open).await;
        assert_eq!(env.record(1).await.channel, Some(thread), "adopted");
        let path = format!("/guilds/{}/threads/active", env.g.guild_id);
        let active = bot_json(&env, reqwest::Method::GET, &path, None).await;
        let named: Vec<&Value> = active["threads"]
            .as_array()
            .expect("threads")
            .iter()
            .filter(|t| t["name"] == "ticket-0001")
            .collect();
        assert_eq!(named.len(), 1, "no second thread: {active}");
        assert!(env.can(thread, opener).await.0, "the opener is in it");
        env.stop().await;
    }

    /// A burst on a thread panel waits in the guild's line (one provisioning at a time here)
    /// and every click becomes its own thread, numbered once each.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_burst_on_a_thread_panel_goes_through_the_line() {
        let env = Env::start("threads-line", 6).await;
        let panel = thread_panel(&env).await;
        let env = env.restart_with(|c| c.provision_window = 1).await;
        let slow = Faults {
            latency_ms: 40,
            ..Faults::default()
        };
        env.client.set_faults(&slow).await.expect("faults set");
        let members = env.g.member_ids.clone();
        let clicks = members.iter().map(|&m| env.click_open(panel, m));
        let ids = futures_util::future::join_all(clicks).await;
        for id in ids {
            env.answer_containing(id, "is open").await;
        }
        env.client.set_faults(&Faults::default()).await.unwrap();
        let mut threads = HashSet::new();
        for number in 1..=members.len() as u64 {
            let record = env.record(number).await;
            assert_eq!(record.thread_in, Some(env.general()), "#{number}");
            let thread = record.channel.expect("a thread");
            assert!(threads.insert(thread), "#{number} has a thread of its own");
            assert!(env.can(thread, record.opener).await.0);
        }
        let next = env
            .bot
            .store()
            .ticket(env.g.guild_id, members.len() as u64 + 1)
            .await;
        assert!(matches!(next, Ok(None)), "no number beyond the clicks");
        env.stop().await;
    }

    /// A thread ticket a person deletes is recorded as deleted (Discord's THREAD_DELETE), as a
    /// deleted ticket channel is.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_thread_deleted_by_a_person_ends_its_ticket() {
        let env = Env::start("threads-deleted", 1).await;
        let panel = thread_panel(&env).await;
        let thread = env.open_ticket(panel, env.g.member_ids[0]).await;
        env.client.delete_channel(thread).await.expect("deleted");
        env.wait_state(1, TicketState::Deleted).await;
        env.stop().await;
    }

    /// A thread Discord archived after a quiet week still closes: the lock unarchives it in the
    /// same edit, and it is archived again after the "closed" message.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_thread_archived_while_quiet_still_closes() {
        let env = Env::start("threads-quiet", 1).await;
        let panel = thread_panel(&env).await;
        let opener = env.g.member_ids[0];
        let thread = env.open_ticket(panel, opener).await;
        archive_quietly(&env, thread).await;
        env.close(thread, opener).await;
        env.wait_state(1, TicketState::Closed).await;
        assert_eq!(thread_flags(&env, thread).await, (true, true));
        env.stop().await;
    }

    /// An open ticket's thread that Discord archived after a quiet week still takes people:
    /// staff add someone (unarchived first, since an archived thread takes no member), and the
    /// opener's next message there is not refused either (Discord unarchives on a post).
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_quiet_archived_thread_ticket_still_takes_people_and_messages() {
        let env = Env::start("threads-quiet-add", 2).await;
        let panel = thread_panel(&env).await;
        let [opener, helper, ..] = env.g.member_ids[..] else {
            panic!("members")
        };
        let thread = env.open_ticket(panel, opener).await;
        archive_quietly(&env, thread).await;

        let id = env
            .change_people(env.owner(), thread, 1, true, &[helper])
            .await;
        let answer = env.answer(id).await;
        assert!(!answer.contains("archived"), "{answer}");
        assert!(env.can(thread, helper).await.0, "the added member sees it");
        assert_eq!(env.record(1).await.participants, vec![helper]);
        assert_eq!(thread_flags(&env, thread).await, (false, false));

        archive_quietly(&env, thread).await;
        env.client
            .post_message(thread, opener, "still waiting")
            .await
            .expect("a post in a quiet, unlocked thread goes through");
        assert_eq!(thread_flags(&env, thread).await, (false, false));
        env.stop().await;
    }

    /// Staff see private threads only with Manage Threads in their channel: setting a panel to
    /// threads names the staff roles that lack it (the setting saved all the same), and says
    /// nothing more once the role holds it there.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn setting_threads_names_staff_roles_that_could_not_see_them() {
        let env = Env::start("threads-staff-blind", 1).await;
        env.set_staff().await;
        grant_bot_manage_threads(&env).await;
        let panel = env.panel_via_hub(env.general(), "Support").await;
        let hub = settings_screen(&env, panel).await;
        let answer = threads_in(&env, hub, panel, env.general()).await;
        let staff = format!("<@&{}>", env.g.staff_role_id);
        assert!(answer.contains("private threads"), "{answer}");
        assert!(answer.contains(&staff), "{answer}");
        assert!(answer.contains("Manage Threads"), "{answer}");
        assert_eq!(
            panel_threads(&env.settings().await, panel),
            Some(env.general())
        );

        let staff_perms = ticketeer::sim::permissions::bits::VIEW_CHANNEL
            | ticketeer::sim::permissions::bits::SEND_MESSAGES
            | perms::MANAGE_THREADS;
        (env.client)
            .set_role_permissions(env.g.guild_id, env.g.staff_role_id, staff_perms)
            .await
            .expect("staff role set");
        let hub = settings_screen(&env, panel).await;
        let answer = threads_in(&env, hub, panel, env.general()).await;
        assert!(answer.contains("private threads"), "{answer}");
        assert!(!answer.contains(&staff), "{answer}");
        env.stop().await;
    }

    /// An admin makes a panel's tickets private threads in a channel, refused (naming the
    /// permission) while the bot could not manage threads there, and turns them back into
    /// channels; the choice survives a restart.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_panels_tickets_become_threads_in_a_channel_the_bot_can_run_them_in() {
        let env = Env::start("threads-setting", 1).await;
        let panel = env.panel_via_hub(env.general(), "Support").await;
        let hub = settings_screen(&env, panel).await;
        let refused = threads_in(&env, hub, panel, env.general()).await;
        assert!(refused.contains("Manage Threads"), "{refused}");
        assert_eq!(panel_threads(&env.settings().await, panel), None);

        grant_bot_manage_threads(&env).await;
        let answer = threads_in(&env, hub, panel, env.general()).await;
        assert!(answer.contains("private threads"), "{answer}");
        let env = env.restart().await;
        let settings = env.settings().await;
        assert_eq!(panel_threads(&settings, panel), Some(env.general()));

        let hub = settings_screen(&env, panel).await;
        let back = Action::PanelChannels { message: panel };
        let id = super::intake::hub_click(&env, hub, back).await;
        env.answer_containing(id, "channels again").await;
        assert_eq!(panel_threads(&env.settings().await, panel), None);
        env.stop().await;
    }
}
