//! A typed client of the simulator's control API, for tests, the demo and the benchmarks.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};

#[derive(Debug, thiserror::Error)]
pub enum SimClientError {
    /// The simulator answered with an error status (the body says why).
    #[error("simulator refused with {status}: {body}")]
    Refused { status: u16, body: String },
    #[error("request to the simulator failed: {0}")]
    Http(#[from] reqwest::Error),
}

type R<T> = Result<T, SimClientError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct SimGuild {
    #[serde(deserialize_with = "flex_u64")]
    pub guild_id: u64,
    #[serde(deserialize_with = "flex_u64")]
    pub owner_id: u64,
    #[serde(deserialize_with = "flex_u64")]
    pub everyone_role_id: u64,
    #[serde(deserialize_with = "flex_u64")]
    pub bot_role_id: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewMember {
    pub username: String,
    #[serde(serialize_with = "ids_as_strings")]
    pub roles: Vec<u64>,
    pub bot: bool,
    pub dms_open: bool,
}

impl Default for NewMember {
    fn default() -> Self {
        Self {
            username: "member".into(),
            roles: Vec::new(),
            bot: false,
            dms_open: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct InteractionOutcome {
    /// `pending`, `responded` or `failed` (no initial response before the deadline).
    pub state: String,
    pub ack_ms: Option<u64>,
    pub response: Option<Value>,
    /// The message the initial response created or updated, as it stands now.
    pub message: Option<Value>,
    #[serde(default)]
    pub followups: Vec<Value>,
    pub modal: Option<Value>,
    /// How often the answer changed after the initial response (edits and follow-ups).
    #[serde(default)]
    pub edits: u64,
}

/// Where one interaction stands, in brief (`POST /_sim/interactions/outcomes`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct InteractionSummary {
    #[serde(deserialize_with = "flex_u64")]
    pub interaction_id: u64,
    /// `pending`, `responded` or `failed`; `None` for an id the simulator does not know.
    pub state: Option<String>,
    pub ack_ms: Option<u64>,
    /// The current text of the response message; empty before there is one.
    #[serde(default)]
    pub content: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct ChannelPermissions {
    pub view_channel: bool,
    pub send_messages: bool,
    pub read_message_history: bool,
    pub manage_channels: bool,
    /// In a thread, Send Messages in Threads decides posting; elsewhere Send Messages.
    #[serde(default)]
    pub may_post: bool,
    #[serde(default)]
    pub send_messages_in_threads: bool,
    #[serde(default)]
    pub manage_threads: bool,
    #[serde(deserialize_with = "flex_u64")]
    pub bits: u64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    pub http_5xx_ratio: f64,
    pub http_429_ratio: f64,
    pub latency_ms: u64,
    /// Close every gateway connection abruptly, once (clients resume).
    pub drop_gateway: bool,
}

/// Privileged-intent switches of `POST /_sim/application`; `None` keeps the current setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PrivilegedSwitches {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_content: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_members: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub presence: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
pub struct SimStats {
    /// Keyed like `"POST /channels/{id}/messages"`.
    pub requests_per_route: BTreeMap<String, u64>,
    /// The same, counting only 2xx answers.
    pub succeeded_per_route: BTreeMap<String, u64>,
    /// The same, counting only 429 answers.
    pub rate_limited_per_route: BTreeMap<String, u64>,
    pub total_requests: u64,
    pub rate_limited: u64,
    pub invalid_requests: u64,
    /// Invalid requests (401, 403, 429 but shared-scope ones) in the last ten minutes; Discord
    /// bans a bot reaching 10,000.
    pub invalid_requests_last_10_min: u64,
    pub gateway_sessions: u64,
    pub gateway_resumes: u64,
    pub interactions_failed: u64,
    pub interactions: u64,
    /// Identifies received, accepted or not.
    pub identifies: u64,
    /// Identifies answered op 9 for coming too soon after another of their bucket.
    pub identifies_refused: u64,
    /// Identifies accepted in the current daily window.
    pub identifies_today: u64,
    /// The daily identify limit was passed: the token no longer works.
    pub token_reset: bool,
    /// Heartbeats (op 1) received from clients.
    pub heartbeats: u64,
    /// Guilds the bot was removed from → REST requests it still made about them.
    #[serde(deserialize_with = "keyed_by_id")]
    pub departed_guild_requests: BTreeMap<u64, u64>,
}

/// One identify as the simulator saw it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IdentifyRecord {
    /// Milliseconds since the simulator's first identify.
    pub at_ms: u64,
    pub shard: u64,
    /// `false`: answered op 9 (too soon) or closed.
    pub accepted: bool,
}

fn keyed_by_id<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<u64, u64>, D::Error> {
    let raw = BTreeMap::<String, u64>::deserialize(d)?;
    raw.into_iter()
        .map(|(k, v)| {
            k.parse()
                .map(|k| (k, v))
                .map_err(|_| serde::de::Error::custom(format!("not an id: {k}")))
        })
        .collect()
}

/// Whether a route of [`SimStats`] (`"POST /channels/{id}/messages"`) counts against Discord's
/// global limit: interaction callbacks and webhook calls (follow-ups, `@original`) do not.
pub fn counts_against_global_limit(route: &str) -> bool {
    let path = route.split_once(' ').map_or(route, |(_, p)| p);
    !(path.starts_with("/interactions/") || path.starts_with("/webhooks/"))
}

fn flex_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = Value::deserialize(d)?;
    parse_id(&v).ok_or_else(|| serde::de::Error::custom(format!("not an id: {v}")))
}

fn ids_as_strings<S: serde::Serializer>(ids: &[u64], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(ids.iter().map(u64::to_string))
}

fn parse_id(v: &Value) -> Option<u64> {
    match v {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

#[derive(Clone, Debug)]
pub struct SimClient {
    http: reqwest::Client,
    base: String,
}

impl SimClient {
    pub fn new(http_url: &str) -> Self {
        // reqwest is built without a bundled crypto provider; it needs one even for plain http.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Self {
            http: reqwest::Client::new(),
            base: http_url.trim_end_matches('/').to_string(),
        }
    }

    /// The simulator's HTTP address (its REST API is under `/api/v10`).
    pub fn base_url(&self) -> &str {
        &self.base
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> R<reqwest::Response> {
        let resp = req.send().await?;
        let status = resp.status();
        if !status.is_success() {
            let body = resp.text().await.unwrap_or_default();
            return Err(SimClientError::Refused {
                status: status.as_u16(),
                body,
            });
        }
        Ok(resp)
    }

    async fn post(&self, path: &str, body: &Value) -> R<Value> {
        let req = self.http.post(format!("{}{path}", self.base)).json(body);
        Ok(self.send(req).await?.json().await?)
    }

    async fn get(&self, path: &str) -> R<Value> {
        let req = self.http.get(format!("{}{path}", self.base));
        Ok(self.send(req).await?.json().await?)
    }

    fn id_field(v: &Value, key: &str) -> R<u64> {
        v.get(key)
            .and_then(parse_id)
            .ok_or_else(|| SimClientError::Refused {
                status: 200,
                body: format!("answer without {key}: {v}"),
            })
    }

    pub async fn create_guild(&self, name: &str) -> R<SimGuild> {
        self.create_guild_with(&json!({"name": name})).await
    }

    /// `POST /_sim/guilds` with any of its fields (`name`, `owner_id`, `preferred_locale`).
    pub async fn create_guild_with(&self, body: &Value) -> R<SimGuild> {
        let v = self.post("/_sim/guilds", body).await?;
        serde_json::from_value(v.clone()).map_err(|e| SimClientError::Refused {
            status: 200,
            body: format!("{e}: {v}"),
        })
    }

    /// An admin sets the server's primary language (`preferred_locale`), which interactions
    /// in it then carry as `guild_locale`.
    pub async fn set_preferred_locale(&self, guild: u64, locale: &str) -> R<()> {
        let req = self
            .http
            .patch(format!("{}/_sim/guilds/{guild}", self.base))
            .json(&json!({"preferred_locale": locale}));
        self.send(req).await?;
        Ok(())
    }

    pub async fn create_role(&self, guild: u64, name: &str, permissions: u64) -> R<u64> {
        let v = self
            .post(
                &format!("/_sim/guilds/{guild}/roles"),
                &json!({"name": name, "permissions": permissions.to_string()}),
            )
            .await?;
        Self::id_field(&v, "role_id")
    }

    pub async fn set_role_permissions(&self, guild: u64, role: u64, permissions: u64) -> R<()> {
        let req = self
            .http
            .patch(format!("{}/_sim/guilds/{guild}/roles/{role}", self.base))
            .json(&json!({"permissions": permissions.to_string()}));
        self.send(req).await?;
        Ok(())
    }

    pub async fn add_member(&self, guild: u64, username: &str, roles: &[u64]) -> R<u64> {
        self.add_member_with(
            guild,
            &NewMember {
                username: username.into(),
                roles: roles.to_vec(),
                ..Default::default()
            },
        )
        .await
    }

    pub async fn add_member_with(&self, guild: u64, m: &NewMember) -> R<u64> {
        let body = serde_json::to_value(m).unwrap_or(Value::Null);
        let v = self
            .post(&format!("/_sim/guilds/{guild}/members"), &body)
            .await?;
        Self::id_field(&v, "user_id")
    }

    /// An admin deletes a role in Discord.
    pub async fn delete_role(&self, guild: u64, role: u64) -> R<()> {
        let req = self
            .http
            .delete(format!("{}/_sim/guilds/{guild}/roles/{role}", self.base));
        self.send(req).await?;
        Ok(())
    }

    pub async fn remove_member(&self, guild: u64, user: u64) -> R<()> {
        let req = self
            .http
            .delete(format!("{}/_sim/guilds/{guild}/members/{user}", self.base));
        self.send(req).await?;
        Ok(())
    }

    pub async fn create_channel(
        &self,
        guild: u64,
        name: &str,
        kind: u8,
        parent: Option<u64>,
    ) -> R<u64> {
        let mut body = json!({"name": name, "type": kind});
        if let Some(p) = parent {
            body["parent_id"] = json!(p.to_string());
        }
        let v = self
            .post(&format!("/_sim/guilds/{guild}/channels"), &body)
            .await?;
        Self::id_field(&v, "channel_id")
    }

    /// Moves the simulator's CDN clock forward: attachment URLs older than `secs` expire.
    pub async fn post_cdn_advance(&self, secs: u64) -> R<()> {
        self.post("/_sim/cdn", &json!({"advance_secs": secs}))
            .await?;
        Ok(())
    }

    /// `PATCH /_sim/channels/{id}`: a person renames a channel or changes its topic.
    pub async fn edit_channel(&self, channel: u64, body: &Value) -> R<()> {
        let req = self
            .http
            .patch(format!("{}/_sim/channels/{channel}", self.base))
            .json(body);
        self.send(req).await?;
        Ok(())
    }

    pub async fn delete_channel(&self, channel: u64) -> R<()> {
        let req = self
            .http
            .delete(format!("{}/_sim/channels/{channel}", self.base));
        self.send(req).await?;
        Ok(())
    }

    /// `POST /_sim/interactions` with any body the control API takes (a `locale` among them).
    pub async fn interaction(&self, body: Value) -> R<u64> {
        let v = self.post("/_sim/interactions", &body).await?;
        Self::id_field(&v, "interaction_id")
    }

    /// Runs a slash command; `options` is `{"name": value}` or Discord's option list.
    pub async fn command(
        &self,
        guild: u64,
        channel: u64,
        user: u64,
        name: &str,
        options: Value,
    ) -> R<u64> {
        self.interaction(json!({
            "kind": "command", "guild_id": guild.to_string(), "channel_id": channel.to_string(),
            "user_id": user.to_string(), "name": name, "options": options,
        }))
        .await
    }

    /// Types into a command option registered with autocomplete: `options` is Discord's option
    /// list with exactly one option marked `"focused": true` (an autocomplete interaction,
    /// type 4); the bot answers with choices (callback type 8).
    pub async fn autocomplete(
        &self,
        guild: u64,
        channel: u64,
        user: u64,
        name: &str,
        options: Value,
    ) -> R<u64> {
        self.interaction(json!({
            "kind": "autocomplete", "guild_id": guild.to_string(),
            "channel_id": channel.to_string(), "user_id": user.to_string(), "name": name,
            "options": options,
        }))
        .await
    }

    /// Runs a context-menu command (a user or message command, as registered under `name`)
    /// on `target`, a user or a message in `channel`.
    pub async fn context_command(
        &self,
        guild: u64,
        channel: u64,
        user: u64,
        name: &str,
        target: u64,
    ) -> R<u64> {
        self.interaction(json!({
            "kind": "command", "guild_id": guild.to_string(), "channel_id": channel.to_string(),
            "user_id": user.to_string(), "name": name, "target_id": target.to_string(),
        }))
        .await
    }

    /// The body [`Self::click`] posts, for [`Self::interaction_batch`].
    pub fn click_body(guild: u64, channel: u64, user: u64, message: u64, custom_id: &str) -> Value {
        json!({
            "kind": "component", "guild_id": guild.to_string(), "channel_id": channel.to_string(),
            "user_id": user.to_string(), "message_id": message.to_string(), "custom_id": custom_id,
        })
    }

    /// `POST /_sim/interactions/batch`: every body dispatched back to back. Per body, in order,
    /// the interaction id or the simulator's refusal.
    pub async fn interaction_batch(&self, bodies: &[Value]) -> R<Vec<Result<u64, String>>> {
        let v = self
            .post("/_sim/interactions/batch", &json!(bodies))
            .await?;
        let items = v.as_array().ok_or_else(|| SimClientError::Refused {
            status: 200,
            body: format!("batch answer is not an array: {v}"),
        })?;
        Ok(items
            .iter()
            .map(|item| parse_id(item).ok_or_else(|| item.to_string()))
            .collect())
    }

    pub async fn click(
        &self,
        guild: u64,
        channel: u64,
        user: u64,
        message: u64,
        custom_id: &str,
    ) -> R<u64> {
        self.interaction(json!({
            "kind": "component", "guild_id": guild.to_string(), "channel_id": channel.to_string(),
            "user_id": user.to_string(), "message_id": message.to_string(), "custom_id": custom_id,
        }))
        .await
    }

    pub async fn select(
        &self,
        guild: u64,
        channel: u64,
        user: u64,
        message: u64,
        custom_id: &str,
        values: &[String],
    ) -> R<u64> {
        self.interaction(json!({
            "kind": "component", "guild_id": guild.to_string(), "channel_id": channel.to_string(),
            "user_id": user.to_string(), "message_id": message.to_string(), "custom_id": custom_id,
            "values": values,
        }))
        .await
    }

    pub async fn submit_modal(
        &self,
        guild: u64,
        channel: u64,
        user: u64,
        custom_id: &str,
        fields: &[(&str, &str)],
    ) -> R<u64> {
        let fields: serde_json::Map<String, Value> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        self.interaction(json!({
            "kind": "modal_submit", "guild_id": guild.to_string(),
            "channel_id": channel.to_string(), "user_id": user.to_string(),
            "custom_id": custom_id, "fields": fields,
        }))
        .await
    }

    /// A modal submission the way an attacker's own client could send it: for any custom id,
    /// with any fields of any length, whether or not the bot opened that modal (`"forged":
    /// true`; the simulator skips Discord's checks).
    pub async fn submit_forged_modal(
        &self,
        guild: u64,
        channel: u64,
        user: u64,
        custom_id: &str,
        fields: &[(&str, &str)],
    ) -> R<u64> {
        let fields: serde_json::Map<String, Value> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        self.interaction(json!({
            "kind": "modal_submit", "guild_id": guild.to_string(),
            "channel_id": channel.to_string(), "user_id": user.to_string(),
            "custom_id": custom_id, "fields": fields, "forged": true,
        }))
        .await
    }

    /// Where each of `ids` stands, in one request, in the same order.
    pub async fn interaction_summaries(&self, ids: &[u64]) -> R<Vec<InteractionSummary>> {
        let ids: Vec<String> = ids.iter().map(u64::to_string).collect();
        let v = self
            .post("/_sim/interactions/outcomes", &json!({ "ids": ids }))
            .await?;
        serde_json::from_value(v.clone()).map_err(|e| SimClientError::Refused {
            status: 200,
            body: format!("{e}: {v}"),
        })
    }

    /// The interaction's outcome, waiting up to `wait_ms` while it is pending.
    pub async fn wait_interaction(&self, id: u64, wait_ms: u64) -> R<InteractionOutcome> {
        self.outcome(&format!("/_sim/interactions/{id}?wait_ms={wait_ms}"))
            .await
    }

    /// The interaction's outcome once its answer changed after `seen_edits` edits (see
    /// [`InteractionOutcome::edits`]), waiting up to `wait_ms`: follows an answer without polling.
    pub async fn wait_answer_change(
        &self,
        id: u64,
        seen_edits: u64,
        wait_ms: u64,
    ) -> R<InteractionOutcome> {
        self.outcome(&format!(
            "/_sim/interactions/{id}?wait_ms={wait_ms}&after_edits={seen_edits}"
        ))
        .await
    }

    async fn outcome(&self, path: &str) -> R<InteractionOutcome> {
        let v = self.get(path).await?;
        serde_json::from_value(v.clone()).map_err(|e| SimClientError::Refused {
            status: 200,
            body: format!("{e}: {v}"),
        })
    }

    pub async fn post_message(&self, channel: u64, user: u64, content: &str) -> R<u64> {
        let v = self
            .post(
                &format!("/_sim/channels/{channel}/messages"),
                &json!({"user_id": user.to_string(), "content": content}),
            )
            .await?;
        Self::id_field(&v, "message_id")
    }

    /// A person's message with more than text, `extra` in the control API's shape:
    /// `{"content", "attachments", "reply_to", "sticker_items", "poll", "forward"}`.
    pub async fn post_message_with(&self, channel: u64, user: u64, extra: Value) -> R<u64> {
        let mut body = match extra {
            Value::Object(_) => extra,
            _ => json!({}),
        };
        body["user_id"] = json!(user.to_string());
        let v = self
            .post(&format!("/_sim/channels/{channel}/messages"), &body)
            .await?;
        Self::id_field(&v, "message_id")
    }

    /// A person replies to `to` (type 19 with `message_reference` and `referenced_message`).
    pub async fn reply(&self, channel: u64, user: u64, to: u64, content: &str) -> R<u64> {
        let extra = json!({"content": content, "reply_to": to.to_string()});
        self.post_message_with(channel, user, extra).await
    }

    /// A person forwards `source` here (`message_reference.type` 1 with `message_snapshots`).
    pub async fn forward(&self, channel: u64, user: u64, source: u64) -> R<u64> {
        let extra = json!({"forward": source.to_string()});
        self.post_message_with(channel, user, extra).await
    }

    /// The author edits their message; `edited_timestamp` is set.
    pub async fn edit_message(
        &self,
        channel: u64,
        message: u64,
        user: u64,
        content: &str,
    ) -> R<()> {
        let req = self
            .http
            .patch(format!(
                "{}/_sim/channels/{channel}/messages/{message}",
                self.base
            ))
            .json(&json!({"user_id": user.to_string(), "content": content}));
        self.send(req).await?;
        Ok(())
    }

    /// A person pins `message`; answers the id of the "pinned a message" system message (type 6).
    pub async fn pin(&self, channel: u64, message: u64, user: u64) -> R<u64> {
        let v = self
            .post(
                &format!("/_sim/channels/{channel}/pins/{message}"),
                &json!({"user_id": user.to_string()}),
            )
            .await?;
        Self::id_field(&v, "message_id")
    }

    /// A person creates a thread in `channel` (`body`: `name`, `type`, `invitable`,
    /// `auto_archive_duration`, `message_id`); answers the thread's id.
    pub async fn create_thread(&self, channel: u64, user: u64, body: Value) -> R<u64> {
        let mut body = body;
        body["user_id"] = json!(user.to_string());
        let v = self
            .post(&format!("/_sim/channels/{channel}/threads"), &body)
            .await?;
        Self::id_field(&v, "id")
    }

    /// `user` joins `thread` (`by: None`) or is added by `by`.
    pub async fn join_thread(&self, thread: u64, user: u64, by: Option<u64>) -> R<()> {
        self.thread_member("PUT", thread, user, by).await
    }

    /// `user` leaves `thread` (`by: None`) or is removed by `by`.
    pub async fn leave_thread(&self, thread: u64, user: u64, by: Option<u64>) -> R<()> {
        self.thread_member("DELETE", thread, user, by).await
    }

    async fn thread_member(&self, method: &str, thread: u64, user: u64, by: Option<u64>) -> R<()> {
        let mut url = format!("{}/_sim/channels/{thread}/thread-members/{user}", self.base);
        if let Some(by) = by {
            url.push_str(&format!("?by={by}"));
        }
        let req = if method == "PUT" {
            self.http.put(url)
        } else {
            self.http.delete(url)
        };
        self.send(req).await?;
        Ok(())
    }

    /// Sets a user's avatar hash (`a_` prefix: animated), or clears it.
    pub async fn set_avatar(&self, user: u64, avatar: Option<&str>) -> R<()> {
        let req = self
            .http
            .patch(format!("{}/_sim/users/{user}", self.base))
            .json(&json!({"avatar": avatar}));
        self.send(req).await?;
        Ok(())
    }

    async fn list(&self, path: &str) -> R<Vec<Value>> {
        match self.get(path).await? {
            Value::Array(a) => Ok(a),
            other => Err(SimClientError::Refused {
                status: 200,
                body: format!("expected a list: {other}"),
            }),
        }
    }

    pub async fn guild_channels(&self, guild: u64) -> R<Vec<Value>> {
        self.list(&format!("/_sim/guilds/{guild}/channels")).await
    }

    /// Every message of the channel, oldest first.
    /// Any channel (threads included) as Discord shows it.
    pub async fn channel(&self, channel: u64) -> R<Value> {
        self.get(&format!("/_sim/channels/{channel}")).await
    }

    pub async fn channel_messages(&self, channel: u64) -> R<Vec<Value>> {
        self.list(&format!("/_sim/channels/{channel}/messages"))
            .await
    }

    pub async fn attachment(&self, id: u64) -> R<Vec<u8>> {
        let req = self
            .http
            .get(format!("{}/_sim/attachments/{id}", self.base));
        Ok(self.send(req).await?.bytes().await?.to_vec())
    }

    /// Every DM the bot sent this user, oldest first.
    pub async fn dms(&self, user: u64) -> R<Vec<Value>> {
        self.list(&format!("/_sim/users/{user}/dms")).await
    }

    pub async fn permissions(&self, channel: u64, user: u64) -> R<ChannelPermissions> {
        let v = self
            .get(&format!("/_sim/channels/{channel}/permissions/{user}"))
            .await?;
        serde_json::from_value(v.clone()).map_err(|e| SimClientError::Refused {
            status: 200,
            body: format!("{e}: {v}"),
        })
    }

    pub async fn set_faults(&self, f: &Faults) -> R<()> {
        let body = serde_json::to_value(f).unwrap_or(Value::Null);
        self.post("/_sim/faults", &body).await?;
        Ok(())
    }

    pub async fn stats(&self) -> R<SimStats> {
        let v = self.get("/_sim/stats").await?;
        serde_json::from_value(v.clone()).map_err(|e| SimClientError::Refused {
            status: 200,
            body: format!("{e}: {v}"),
        })
    }

    /// Flips the application's privileged-intent switches (`None` leaves one as it is), as its
    /// owner would on the developer portal; answers the application flags now in force.
    pub async fn set_privileged_intents(&self, switches: &PrivilegedSwitches) -> R<u64> {
        let body = serde_json::to_value(switches).unwrap_or(Value::Null);
        let v = self.post("/_sim/application", &body).await?;
        Self::id_field(&v, "flags")
    }

    /// The application flags now in force.
    pub async fn application_flags(&self) -> R<u64> {
        let v = self.get("/_sim/application").await?;
        Self::id_field(&v, "flags")
    }

    /// Sends op 7 Reconnect to every live gateway session.
    pub async fn gateway_reconnect(&self) -> R<()> {
        self.post("/_sim/gateway/reconnect", &json!({})).await?;
        Ok(())
    }

    /// Sends op 9 Invalid Session to every live gateway session.
    pub async fn gateway_invalidate(&self, resumable: bool) -> R<()> {
        self.post("/_sim/gateway/invalidate", &json!({"resumable": resumable}))
            .await?;
        Ok(())
    }

    /// Closes every live gateway connection with `code` (4007, 4009, 4011, ...).
    pub async fn gateway_close(&self, code: u16) -> R<()> {
        self.post("/_sim/gateway/close", &json!({"code": code}))
            .await?;
        Ok(())
    }

    /// Sends op 1 (a heartbeat request) to every live gateway session; returns how many.
    pub async fn gateway_request_heartbeat(&self) -> R<u64> {
        let v = self.post("/_sim/gateway/heartbeat", &json!({})).await?;
        Ok(v.get("sessions").and_then(Value::as_u64).unwrap_or(0))
    }

    /// Every identify the simulator received, in order.
    pub async fn identifies(&self) -> R<Vec<IdentifyRecord>> {
        let v = self.get("/_sim/gateway/identifies").await?;
        serde_json::from_value(v.clone()).map_err(|e| SimClientError::Refused {
            status: 200,
            body: format!("{e}: {v}"),
        })
    }

    /// Removes the bot from a guild (GUILD_DELETE); its REST about the guild is counted from now.
    pub async fn remove_bot(&self, guild: u64) -> R<()> {
        let req = self
            .http
            .delete(format!("{}/_sim/guilds/{guild}/bot", self.base));
        self.send(req).await?;
        Ok(())
    }

    /// Adds the bot back to a guild it was removed from (GUILD_CREATE).
    pub async fn readd_bot(&self, guild: u64) -> R<()> {
        let req = self
            .http
            .put(format!("{}/_sim/guilds/{guild}/bot", self.base));
        self.send(req).await?;
        Ok(())
    }

    /// A guild outage: GUILD_DELETE `unavailable: true`, or GUILD_CREATE when it ends.
    pub async fn set_guild_unavailable(&self, guild: u64, unavailable: bool) -> R<()> {
        let path = format!("/_sim/guilds/{guild}/unavailable");
        self.post(&path, &json!({"unavailable": unavailable}))
            .await?;
        Ok(())
    }
}
