//! What the bot shows people, built by pure functions from plain data (settings, a ticket's
//! record, who asks): messages, embeds, component rows, selects, modals and refusals. Nothing
//! here sends anything or reads an actor's state; the actors decide *when* to show a screen,
//! this module decides *what* it looks like.
//!
//! - [`text`]: the catalog, every person-facing text behind a key with its English default, and
//!   its other languages (German, French) and the language being spoken.
//! - [`fit`]: Discord's limit for each place a text goes, checked for every text.
//! - [`components`]: buttons, selects and text inputs as Discord wants them.
//! - [`hub_screens`]: the `/ticket` hub's screens and modals, the panel message.
//! - [`hub`]: the hub as a decision: what a person's click in it leads to ([`hub::Step`]).
//! - [`ticket_messages`]: a ticket's messages, answers, DMs and log entries.
//! - [`intake`]: the intake form and its answers on the welcome message.
//! - [`intake_hub`]: the hub's intake screens (questions, roles, cooldown and cap, blocklist).
//! - [`panel_hub`]: the hub's panel screens (which panel, its texts, colour, button, topics).

pub mod components;
pub mod fit;
pub mod hub;
pub mod hub_screens;
pub mod intake;
pub mod intake_hub;
pub mod panel_hub;
pub mod text;
pub mod ticket_messages;

use twilight_model::channel::message::Component;

/// A message shown to one person (ephemeral): its text and components.
#[derive(Debug, Clone, PartialEq)]
pub struct Screen {
    pub text: String,
    pub components: Vec<Component>,
}

impl Screen {
    pub fn new(text: String, components: Vec<Component>) -> Screen {
        Screen { text, components }
    }

    /// A screen of text alone.
    pub fn text(text: String) -> Screen {
        Screen {
            text,
            components: Vec::new(),
        }
    }
}

/// A modal: its custom id, title and rows of text inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Modal {
    pub custom_id: String,
    pub title: String,
    pub components: Vec<Component>,
}
