//! Thin entry point: parse the command line, set up tracing, hand over to the library.

use std::process::ExitCode;

use clap::Parser;
use ticketeer::cli::{Cli, Command};
use tracing_subscriber::EnvFilter;

/// mimalloc instead of glibc's malloc: under a burst of thousands of clicks, glibc's arena locks
/// and consolidation took a fifth of the CPU, and mimalloc doubled tickets/s (docs/benchmarks.md).
/// `main` first tells it to give freed memory back promptly (`ticketeer::allocator`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ticketeer::allocator::return_freed_memory_promptly();
    let cli = Cli::parse();
    // The demo draws a progress bar: only warnings interrupt it.
    let default_filter = match cli.command {
        Some(Command::Run(_)) | Some(Command::Sim(_)) => "warn,ticketeer=info",
        None if std::env::var_os("DISCORD_TOKEN").is_some() => "warn,ticketeer=info",
        _ => "warn",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter)),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(error) => {
            eprintln!("ticketeer: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let command = cli.command.unwrap_or_else(|| {
        // `cargo run --release` with no token plays the demo; with one it runs the bot.
        if std::env::var_os("DISCORD_TOKEN").is_some() {
            Command::Run(ticketeer::cli::RunArgs::from_env())
        } else {
            Command::Demo(ticketeer::cli::DemoArgs::default())
        }
    });
    let result = runtime.block_on(async move {
        match command {
            Command::Run(args) => ticketeer::run::run(args).await,
            Command::Demo(args) => ticketeer::demo::run(args).await,
            Command::Sim(args) => ticketeer::run::sim(args).await,
            Command::Keys(args) => ticketeer::run::keys(args).await,
            Command::Prune(args) => ticketeer::run::prune(args).await,
            Command::ForgetGuild(args) => ticketeer::run::forget_guild(args).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ticketeer: {error}");
            ExitCode::FAILURE
        }
    }
}
