//! The shard actor: owns one `twilight_gateway::Shard` connection.
//!
//! # Messages ([`ShardMsg`])
//! - `Close` (root, shutdown): close with a resumable close frame and stop.
//!
//! Architecture Invariant: the event loop never awaits downstream work. It runs on its own task,
//! parses nothing beyond what twilight parses, and `cast`s every event to the router (a cast only
//! enqueues), then goes straight back to polling.

use ractor::{Actor, ActorProcessingErr, ActorRef};
use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};
use tokio::task::JoinHandle;
use tracing::{info, warn};
use twilight_gateway::{
    CloseFrame, ConfigBuilder, Event, EventTypeFlags, Intents, MessageSender, Shard, ShardId,
    StreamExt, queue::InMemoryQueue,
};

use super::router::RouterMsg;

pub enum ShardMsg {
    Close,
}

pub struct ShardArgs {
    pub id: ShardId,
    pub token: String,
    /// `ws://127.0.0.1:PORT` of a simulator, or `None` for Discord.
    pub gateway_url: Option<String>,
    pub router: ActorRef<RouterMsg>,
    /// Identify without Discord's 5 s spacing (simulator only: tests start many bots).
    pub instant_identify: bool,
    /// What the session asks for ([`intents`]).
    pub intents: Intents,
}

pub struct ShardState {
    sender: MessageSender,
    poller: JoinHandle<()>,
    /// Set once we close the connection ourselves: what follows (the close, twilight's attempt
    /// to reconnect to a Discord that is going away) is the end, not an error.
    closing: Arc<AtomicBool>,
}

pub struct ShardActor;

/// The gateway events the bot acts on; everything else is skipped before deserialization.
/// GUILD_CREATE is skipped on purpose: READY lists the guilds, guild actors start on first need,
/// and parsing a big bot's burst of full guild objects was most of its start-up.
pub fn wanted_events() -> EventTypeFlags {
    EventTypeFlags::READY
        | EventTypeFlags::RESUMED
        | EventTypeFlags::INTERACTION_CREATE
        | EventTypeFlags::CHANNEL_DELETE
        | EventTypeFlags::MEMBER_REMOVE
}

/// GUILDS always; GUILD_MEMBERS (member-left events) only when the application has the Server
/// Members privileged intent switched on: Discord closes a session asking for a privileged intent
/// it lacks (4014), and the bot runs without those events rather than not at all.
pub fn intents(server_members: bool) -> Intents {
    if server_members {
        Intents::GUILDS | Intents::GUILD_MEMBERS
    } else {
        Intents::GUILDS
    }
}

impl Actor for ShardActor {
    type Msg = ShardMsg;
    type State = ShardState;
    type Arguments = ShardArgs;

    async fn pre_start(
        &self,
        _myself: ActorRef<Self::Msg>,
        args: ShardArgs,
    ) -> Result<Self::State, ActorProcessingErr> {
        let mut builder = ConfigBuilder::new(args.token, args.intents);
        if let Some(url) = args.gateway_url {
            builder = builder.proxy_url(url);
        }
        if args.instant_identify {
            builder = builder.queue(InMemoryQueue::new(
                0,
                1000,
                std::time::Duration::from_secs(86_400),
                1000,
            ));
        }
        let mut shard = Shard::with_config(args.id, builder.build());
        let sender = shard.sender();
        let router = args.router;
        let shard_id = args.id;
        let closing = Arc::new(AtomicBool::new(false));
        let closed_by_us = closing.clone();
        let poller = tokio::spawn(async move {
            while let Some(item) = shard.next_event(wanted_events()).await {
                let closing = closed_by_us.load(Ordering::Acquire);
                match item {
                    Ok(Event::GatewayClose(_)) | Err(_) if closing => break,
                    Ok(event) => {
                        if router.cast(RouterMsg::Gateway(Box::new(event))).is_err() {
                            info!(shard = %shard_id, "router gone (shutting down); shard loop ends");
                            break;
                        }
                    }
                    Err(error) => warn!(shard = %shard_id, %error, "gateway receive error"),
                }
            }
            info!(shard = %shard_id, "gateway connection ended");
        });
        Ok(ShardState {
            sender,
            poller,
            closing,
        })
    }

    async fn handle(
        &self,
        myself: ActorRef<Self::Msg>,
        message: Self::Msg,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            ShardMsg::Close => {
                state.closing.store(true, Ordering::Release);
                // 4000 keeps the session resumable for the next process.
                let _ = state.sender.close(CloseFrame::RESUME);
                myself.stop(Some("closed".into()));
            }
        }
        Ok(())
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<Self::Msg>,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        state.closing.store(true, Ordering::Release);
        let _ = state.sender.close(CloseFrame::RESUME);
        // Give the close frame a moment to go out, then stop polling for good.
        let poller = &mut state.poller;
        if tokio::time::timeout(std::time::Duration::from_millis(500), poller)
            .await
            .is_err()
        {
            state.poller.abort();
        }
        Ok(())
    }
}
