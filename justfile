# Ticketeer tasks. `just` lists them.

default:
    @just --list

# The main job: the demo with no token, the bot with DISCORD_TOKEN set.
run:
    cargo run --release

# Every test (what CI runs, with fmt and clippy).
test:
    cargo test

ci:
    bash .ci/run

# The simulator alone, with a seeded guild.
sim port="8080":
    cargo run --release -- sim --listen 127.0.0.1:{{port}} --seed-guild --message-content on

# The concurrent ticket creation benchmark.
bench:
    cargo bench --bench ticket_storm

# The crash-safety kill test, long: N SIGKILL cycles of the real processes (default 200).
kill-test cycles="200":
    KILL_CYCLES={{cycles}} cargo test --test reliability sigkill -- --nocapture
