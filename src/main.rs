//! Thin entry point: parse the command line, set up tracing, hand over to the library.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use ticketeer::cli::{Cli, Command, LogFormat};
use ticketeer::ops::config;
use tracing_subscriber::EnvFilter;

/// mimalloc instead of glibc's malloc: under a burst of thousands of clicks, glibc's arena locks
/// and consolidation took a fifth of the CPU, and mimalloc doubled tickets/s (docs/benchmarks.md).
/// `main` first tells it to give freed memory back promptly (`ticketeer::allocator`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ticketeer::allocator::return_freed_memory_promptly();
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let file = match config::file_to_read(cli.config.as_deref())
        .map(|path| config::read_file(&path))
        .transpose()
    {
        Ok(file) => file,
        Err(error) => return fail(error),
    };
    let log_format = match ticketeer::cli::log_format(&cli, file.as_deref()) {
        Ok(format) => format,
        Err(error) => return fail(error),
    };
    let command = match ticketeer::cli::command(cli.command, &matches, file.as_deref()) {
        Ok(command) => command,
        Err(error) => return fail(error),
    };
    // The demo draws a progress bar: only warnings interrupt it. The self-hoster's commands
    // print their answer on stdout; their logs stay quiet unless something is wrong.
    let default_filter = match command {
        Command::Run(_) | Command::Sim(_) => "warn,ticketeer=info",
        _ => "warn",
    };
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
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
    let result = runtime.block_on(async move {
        match command {
            Command::Run(args) => ticketeer::run::run(args).await.map(|()| true),
            Command::Demo(args) => ticketeer::demo::run(args).await.map(|()| true),
            Command::Sim(args) => ticketeer::run::sim(args).await.map(|()| true),
            Command::Keys(args) => ticketeer::run::keys(args).await.map(|()| true),
            Command::Prune(args) => ticketeer::run::prune(args).await.map(|()| true),
            Command::ForgetGuild(args) => ticketeer::run::forget_guild(args).await.map(|()| true),
            other => ticketeer::run::ops(other).await,
        }
    });
    match result {
        Ok(true) => ExitCode::SUCCESS,
        // The command said what is wrong on stdout (the doctor's problems).
        Ok(false) => ExitCode::FAILURE,
        Err(error) => fail(error),
    }
}

fn fail(error: impl std::fmt::Display) -> ExitCode {
    eprintln!("ticketeer: {error}");
    ExitCode::FAILURE
}
