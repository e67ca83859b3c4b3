//! The set-up every run of the real bot against the simulator shares: start the simulator, seed
//! guilds, start the bot on a fresh data directory and wait until it serves them, restart it on
//! the same data, stop both. The integration tests (`tests/bot.rs`, `tests/features.rs`,
//! `tests/reliability.rs`) and the `ticket_storm` benchmark all start the bot here, so a change
//! to how the bot is started for the simulator is made once.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use crate::{
    actors::{Bot, BotConfig, StartError},
    sim::{self, RateLimitMode, SeededGuild, SimConfig, SimHandle, client::SimClient},
};

/// How long a started bot may take to serve its guilds; generous for a loaded 2-core machine.
pub const READY_WAIT: Duration = Duration::from_secs(20);

/// Why a simulator or bot did not come up.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    #[error("the simulator did not start")]
    Sim(#[source] std::io::Error),
    #[error("the bot did not start")]
    Bot(#[source] StartError),
    #[error("the bot did not serve {guilds} guilds within {waited:?}")]
    NotReady { guilds: usize, waited: Duration },
}

pub type HarnessResult<T> = Result<T, HarnessError>;

/// How soon the simulator accepts the next identify here. Discord's window is 5 s, so a bot
/// restarted in the same run would wait out 5 s before serving again; the runs restart bots
/// often, and the identify limits have tests of their own with their own windows.
pub const IDENTIFY_WINDOW: Duration = Duration::from_millis(100);

/// The simulator runs here use: Discord's rate limits off (the runs measure the bot, and the
/// limits have tests of their own), message content granted, a short identify window.
pub fn sim_config() -> SimConfig {
    SimConfig {
        rate_limits: RateLimitMode::Off,
        message_content: true,
        identify_window: IDENTIFY_WINDOW,
        ..SimConfig::default()
    }
}

/// [`sim_config`], recording the REST traffic to the file `TICKETEER_RECORD` names: CI checks
/// the suite's requests against Discord's OpenAPI spec.
pub fn recorded_sim_config() -> SimConfig {
    SimConfig {
        record: std::env::var_os("TICKETEER_RECORD").map(PathBuf::from),
        ..sim_config()
    }
}

pub async fn start_sim(config: SimConfig) -> HarnessResult<SimHandle> {
    sim::start(config).await.map_err(HarnessError::Sim)
}

/// `count` guilds of `members` members each, seeded in order.
pub async fn seed_guilds(sim: &SimHandle, count: usize, members: usize) -> Vec<SeededGuild> {
    let mut guilds = Vec::with_capacity(count);
    for _ in 0..count {
        guilds.push(sim.seed_guild(members).await);
    }
    guilds
}

/// An empty data directory for the run `name`, unique to this process.
pub fn data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ticketeer-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The bot's configuration for `sim` with its data in `dir`. twilight's client-side limiter is
/// off: the simulator's limits are off too, and the runs measure the bot, not twilight's
/// 50 requests/s.
pub fn bot_config(sim: &SimHandle, dir: &Path) -> BotConfig {
    let mut config = BotConfig::for_simulator(&sim.http_url(), &sim.gateway_url(), dir.to_owned());
    config.ratelimiter = false;
    config
}

/// Starts the bot and waits up to [`READY_WAIT`] until it serves `guilds` guilds.
pub async fn start_bot(config: BotConfig, guilds: usize) -> HarnessResult<Bot> {
    start_bot_within(config, guilds, READY_WAIT).await
}

/// [`start_bot`] with its own wait, for runs whose guilds take longer to arrive.
pub async fn start_bot_within(
    config: BotConfig,
    guilds: usize,
    wait: Duration,
) -> HarnessResult<Bot> {
    let bot = Bot::start(config).await.map_err(HarnessError::Bot)?;
    if !bot.wait_ready(guilds, wait).await {
        bot.shutdown().await;
        return Err(HarnessError::NotReady {
            guilds,
            waited: wait,
        });
    }
    Ok(bot)
}

/// Stops `bot` gracefully, then `sim`, and removes the bot's data directory `dir`.
pub async fn stop(bot: Bot, sim: SimHandle, dir: &Path) {
    bot.shutdown().await;
    sim.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

type BotChange = Box<dyn FnOnce(&mut BotConfig) + Send>;

/// What [`World::launch`] starts: the simulator's configuration, the guilds seeded before the
/// bot connects (it learns its guilds at identify), and changes to the bot's configuration.
pub struct Launch {
    name: String,
    sim: SimConfig,
    guild_members: Vec<usize>,
    bot_changes: Vec<BotChange>,
}

impl Launch {
    /// Replaces the simulator's configuration (default [`recorded_sim_config`]).
    pub fn sim(mut self, config: SimConfig) -> Self {
        self.sim = config;
        self
    }

    /// Seeds one more guild with `members` members besides its owner and staff member.
    pub fn guild(mut self, members: usize) -> Self {
        self.guild_members.push(members);
        self
    }

    /// Changes the bot's configuration after [`bot_config`] made it.
    pub fn bot(mut self, change: impl FnOnce(&mut BotConfig) + Send + 'static) -> Self {
        self.bot_changes.push(Box::new(change));
        self
    }

    pub async fn start(self) -> HarnessResult<World> {
        let sim = start_sim(self.sim).await?;
        let client = sim.client();
        let mut guilds = Vec::with_capacity(self.guild_members.len());
        for members in self.guild_members {
            guilds.push(sim.seed_guild(members).await);
        }
        let dir = data_dir(&self.name);
        let mut config = bot_config(&sim, &dir);
        for change in self.bot_changes {
            change(&mut config);
        }
        let bot = start_bot(config.clone(), guilds.len()).await?;
        Ok(World {
            sim,
            client,
            guilds,
            dir,
            bot,
            config,
            ready_at: tokio::time::Instant::now(),
        })
    }
}

/// A simulator with seeded guilds and the bot serving them.
pub struct World {
    pub sim: SimHandle,
    pub client: SimClient,
    pub guilds: Vec<SeededGuild>,
    /// The bot's data directory; [`World::stop`] removes it.
    pub dir: PathBuf,
    pub bot: Bot,
    config: BotConfig,
    /// When the bot last became ready: it identified before then.
    ready_at: tokio::time::Instant,
}

impl World {
    /// A world named `name` (its data directory's name), seeded with no guild until
    /// [`Launch::guild`] adds them.
    pub fn launch(name: &str) -> Launch {
        Launch {
            name: name.to_owned(),
            sim: recorded_sim_config(),
            guild_members: Vec::new(),
            bot_changes: Vec::new(),
        }
    }

    /// The first seeded guild.
    ///
    /// # Panics
    /// When the world was launched without a guild.
    pub fn guild(&self) -> &SeededGuild {
        &self.guilds[0]
    }

    /// Stops the bot gracefully and starts it again on the same data (a clean restart).
    pub async fn restart(self) -> HarnessResult<World> {
        self.restart_with(|_| {}).await
    }

    /// [`World::restart`], with the bot's configuration changed by `change` from then on.
    pub async fn restart_with(
        mut self,
        change: impl FnOnce(&mut BotConfig),
    ) -> HarnessResult<World> {
        self.bot.shutdown().await;
        change(&mut self.config);
        // An identify inside the simulator's window since the last one is refused (op 9), and
        // twilight waits 1 to 5 s before it tries again.
        tokio::time::sleep_until(self.ready_at + IDENTIFY_WINDOW).await;
        let bot = start_bot(self.config.clone(), self.guilds.len()).await?;
        Ok(World {
            bot,
            ready_at: tokio::time::Instant::now(),
            ..self
        })
    }

    /// Kills the bot's actors at once (as a crash would: nothing drains, nothing more is
    /// written) and starts it again on the same data.
    pub async fn crash_restart(self) -> HarnessResult<World> {
        self.bot.crash().await;
        tokio::time::sleep_until(self.ready_at + IDENTIFY_WINDOW).await;
        let bot = start_bot(self.config.clone(), self.guilds.len()).await?;
        Ok(World {
            bot,
            ready_at: tokio::time::Instant::now(),
            ..self
        })
    }

    /// Stops the bot gracefully, then the simulator, and removes the data directory.
    pub async fn stop(self) {
        stop(self.bot, self.sim, &self.dir).await;
    }
}
