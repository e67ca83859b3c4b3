//! Puts the commit the binary was built from into `ticketeer --version`.
//!
//! From `git` when the source is a checkout, else from `TICKETEER_COMMIT` (a packager sets it),
//! else `unknown`. Re-run only when HEAD moves, so ordinary edits do not rebuild anything more.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .filter(|s| !s.is_empty())
}

fn main() {
    println!("cargo:rerun-if-env-changed=TICKETEER_COMMIT");
    let commit = std::env::var("TICKETEER_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| git(&["rev-parse", "--short=12", "HEAD"]))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=TICKETEER_COMMIT={commit}");
    // HEAD, and the branch it points to: a commit changes one of them.
    let mut watched = vec!["HEAD".to_owned()];
    watched.extend(git(&["symbolic-ref", "-q", "HEAD"]));
    for name in watched {
        if let Some(path) = git(&["rev-parse", "--git-path", &name])
            && std::path::Path::new(&path).exists()
        {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
